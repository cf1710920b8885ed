# Shell helpers shared by .ci/test-servers.sh and .ci/elasticsearch/start.sh.
# Each sources this file right after its `set -euo pipefail`, with LOG_NAME set
# to the prefix of its log lines:
#
#   LOG_NAME=test-servers
#   . "$ROOT/.ci/lib.sh"
#
# Sourcing defines the functions below and sets IS_ROOT (1 when running as
# root, else 0) and APT_UPDATED (0 until apt_install has run apt-get update in
# this process). Not a script of its own: it has no shebang and runs nothing.

# log MSG...: MSG on stderr, after "$LOG_NAME: ".
log() { printf '%s: %s\n' "${LOG_NAME:-ci}" "$*" >&2; }

# die MSG...: log MSG as an error and exit 1.
die() { log "ERROR: $*"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then IS_ROOT=1; else IS_ROOT=0; fi

# as_root CMD...: run CMD as root (directly, or via passwordless sudo).
as_root() {
	if [ "$IS_ROOT" -eq 1 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		die "need root to run: $* (install it yourself or run as root)"
	fi
}

# apt_install PKG...: quiet install; on failure show the tail of the output.
APT_UPDATED=0
apt_install() {
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* yourself"
	local out
	out=$(mktemp)
	if [ "$APT_UPDATED" -eq 0 ]; then
		log "apt-get update"
		if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$out" 2>&1; then
			tail -n 40 "$out" >&2; rm -f "$out"; die "apt-get update failed"
		fi
		APT_UPDATED=1
	fi
	log "apt-get install $*"
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$@" </dev/null >"$out" 2>&1; then
		tail -n 40 "$out" >&2; rm -f "$out"; die "apt-get install $* failed"
	fi
	rm -f "$out"
}

# port_busy PORT: true if something accepts connections on 127.0.0.1:PORT.
port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
