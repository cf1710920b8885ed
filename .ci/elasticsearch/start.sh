#!/usr/bin/env bash
# A real single-node Elasticsearch 7.10.2 for the tests, bound to 127.0.0.1.
#
# Neither Elasticsearch nor OpenSearch is packaged for Debian; Maven Central has
# org.codelibs:elasticsearch-cluster-runner (pom.xml beside this file), which
# starts a genuine node (org.elasticsearch:elasticsearch:7.10.2 and its modules:
# analysis-common, reindex, lang-painless, mapper-extras, percolator, ...) inside
# a JVM. The runner builds the Node itself, without Elasticsearch's Bootstrap, so
# it runs as root too (no "can not run elasticsearch as root"), and needs no TTY.
#
# usage:
#   .ci/elasticsearch/start.sh start DIR [OWNER_PID]
#       start the node in the background with all its state (config, data, log,
#       pid) in DIR (created; must be empty or absent), wait until the cluster is
#       at least yellow, print its URL (http://127.0.0.1:PORT) on stdout and exit 0.
#       With OWNER_PID, a watchdog stops the node when that process is gone
#       (so a killed test run leaves no JVM behind).
#   .ci/elasticsearch/start.sh stop DIR
#       stop the node started with DIR: SIGTERM to its process group, SIGKILL
#       after 20s. Safe to call twice, or when start failed.
#   .ci/elasticsearch/start.sh run [DIR]
#       start (DIR defaults to a temp dir, removed afterwards), print the URL and
#       keep the node up until Ctrl-C / SIGTERM.
#
# files in DIR: url, port, pid (-PGID: the node's process group), java.pid,
# node.log (its log),
# config/ (elasticsearch.yml, log4j2.properties), home/ (data).
#
# knobs (environment):
#   PROZORRO_ES_HEAP=512m          JVM heap (-Xms = -Xmx)
#   PROZORRO_ES_PORT=N             first HTTP port to try (9200..9299: the runner
#                                  accepts no port above 9299; default random)
#   PROZORRO_ES_START_TIMEOUT=120  seconds to wait for the node (else
#                                  PROZORRO_START_TIMEOUT; the first run's download
#                                  of ~50 MB is not counted). It starts in ~10s on an
#                                  idle 2-core machine, 30-40s on a loaded one.
#
# Installs openjdk-17-jdk-headless and maven with apt if java (11 or newer) or
# mvn is missing. The resolved classpath is cached in .tmp/elasticsearch/ (the
# jars live in ~/.m2), so only the first run downloads.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
ROOT=$(cd "$HERE/../.." && pwd)
LOG_NAME=elasticsearch
# log, die, IS_ROOT, as_root, apt_install, port_busy
. "$ROOT/.ci/lib.sh"

MAIN_CLASS=org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner
CLUSTER=prozorro-test
TIMEOUT=${PROZORRO_ES_START_TIMEOUT:-${PROZORRO_START_TIMEOUT:-120}}
HEAP=${PROZORRO_ES_HEAP:-512m}

# ---------------------------------------------------------------- helpers

# http_get PORT PATH: the body of GET http://127.0.0.1:PORT/PATH (no curl needed).
http_get() {
	timeout 30 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3
		sed "1,/^\r\?$/d" <&3
	' _ "$1" "$2" 2>/dev/null
}

# java_major JAVA: the feature version (8, 11, 17, ...) of that java, or 0.
java_major() {
	local v
	v=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
	case "$v" in
	1.*) v=${v#1.} ;;
	esac
	v=${v%%[.+-]*}
	case "$v" in
	'' | *[!0-9]*) echo 0 ;;
	*) echo "$v" ;;
	esac
}

# find_java: a java of version 11 or newer (Elasticsearch 7.10 needs 11+).
find_java() {
	local j
	for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
		/usr/lib/jvm/java-17-openjdk-*/bin/java; do
		[ -n "$j" ] && [ -x "$j" ] || continue
		if [ "$(java_major "$j")" -ge 11 ]; then
			echo "$j"
			return 0
		fi
	done
	return 1
}

ensure_tools() {
	JAVA=$(find_java || true)
	if [ -z "$JAVA" ] || ! command -v mvn >/dev/null 2>&1; then
		apt_install openjdk-17-jdk-headless maven
		JAVA=$(find_java || true)
		[ -n "$JAVA" ] || die "openjdk-17-jdk-headless installed, but no java 11+ found"
		command -v mvn >/dev/null 2>&1 || die "maven installed, but mvn is not on PATH"
	fi
}

# classpath_ok FILE: FILE lists jars that all exist (the ~/.m2 cache may be gone).
classpath_ok() {
	local cp jar
	[ -s "$1" ] || return 1
	cp=$(cat "$1")
	case "$cp" in *elasticsearch-cluster-runner-*) ;; *) return 1 ;; esac
	local IFS=:
	for jar in $cp; do
		[ -r "$jar" ] || return 1
	done
	return 0
}

# resolve_classpath SCRATCH: print the path of a file holding the node's classpath.
resolve_classpath() {
	local scratch=$1 key cache_dir cache out
	key=$( (cat "$HERE/pom.xml"; id -u; echo "${HOME:-}") | sha256sum | cut -c1-16)
	cache_dir="$ROOT/.tmp/elasticsearch"
	if ! mkdir -p "$cache_dir" 2>/dev/null || [ ! -w "$cache_dir" ]; then
		cache_dir=$scratch # read-only checkout: resolve every time (offline if ~/.m2 has it)
	fi
	cache="$cache_dir/classpath-$key.txt"
	if classpath_ok "$cache"; then
		echo "$cache"
		return 0
	fi
	out="$scratch/mvn.log"
	local t0=$SECONDS repo_args=() pw_home
	# Maven's ~/.m2 is under the passwd entry's home (Java's user.home), not $HOME:
	# for users like nobody (home /nonexistent) use $HOME, or else the checkout's .tmp
	pw_home=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6 || true)
	if [ -z "$pw_home" ] || { [ ! -w "$pw_home/.m2" ] && [ ! -w "$pw_home" ]; }; then
		if [ -n "${HOME:-}" ] && [ -w "$HOME" ]; then
			repo_args=(-Dmaven.repo.local="$HOME/.m2/repository")
		else
			repo_args=(-Dmaven.repo.local="$cache_dir/m2")
		fi
		log "home $pw_home is not writable: Maven repository ${repo_args[0]#*=}"
	fi
	log "resolving the Elasticsearch classpath with Maven (the first run downloads ~50 MB into ~/.m2)"
	# -f pom: nothing is written beside the pom (no target/); output beside, then rename,
	# as parallel runs may resolve at the same time.
	if ! mvn -B -q -ntp -Dstyle.color=never "${repo_args[@]}" -f "$HERE/pom.xml" dependency:build-classpath \
		-Dmdep.outputFile="$cache.$$" </dev/null >"$out" 2>&1; then
		tail -n 40 "$out" >&2
		rm -f "$cache.$$"
		die "mvn dependency:build-classpath failed (is Maven Central reachable?)"
	fi
	mv -f "$cache.$$" "$cache"
	classpath_ok "$cache" || die "mvn wrote a classpath that lacks the runner or some jars: $cache"
	log "classpath resolved in $((SECONDS - t0))s"
	echo "$cache"
}

write_config() {
	local dir=$1
	mkdir -p "$dir/config" "$dir/home" "$dir/repo" "$dir/tmp"
	cat >"$dir/config/elasticsearch.yml" <<EOF
# written by .ci/elasticsearch/start.sh
network.host: 127.0.0.1
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
path.repo: ["$dir/repo"]
EOF
	# everything to stdout (node.log); the runner's own default logs
	# org.elasticsearch.action at debug into several files.
	cat >"$dir/config/log4j2.properties" <<'EOF'
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.deprecation.name = org.elasticsearch.deprecation
logger.deprecation.level = warn
EOF
}

# ---------------------------------------------------------------- stop

# alive DIR: true while any process of the node started with DIR lives.
alive() {
	local t
	for t in $(cat "$1/pid" "$1/java.pid" 2>/dev/null); do
		case "$t" in '' | *[!0-9-]*) continue ;; esac
		kill -0 -- "$t" 2>/dev/null && return 0
	done
	return 1
}

# signal_node DIR SIG: send SIG to the node's process group (or, without
# setsid, to the supervisor and the JVM one by one).
signal_node() {
	local t
	for t in $(cat "$1/pid" "$1/java.pid" 2>/dev/null); do
		case "$t" in '' | *[!0-9-]*) continue ;; esac
		kill "-$2" -- "$t" 2>/dev/null || true
	done
}

# stop_node DIR: stop the node whose state is in DIR, if any.
stop_node() {
	local dir=$1 i
	[ -f "$dir/pid" ] || [ -f "$dir/java.pid" ] || return 0
	if alive "$dir"; then
		signal_node "$dir" TERM
		for i in $(seq 1 200); do
			alive "$dir" || break
			sleep 0.1
		done
		if alive "$dir"; then
			log "node still alive 20s after SIGTERM: SIGKILL"
			signal_node "$dir" KILL
			sleep 0.2
		fi
	fi
	rm -f "$dir/pid" "$dir/java.pid"
}

# ---------------------------------------------------------------- supervise

# pid_exists PID: true while process PID exists, even one of another user
# (kill -0 fails with EPERM on those).
pid_exists() {
	if [ -d /proc/self ]; then
		[ -d "/proc/$1" ]
	else
		kill -0 "$1" 2>/dev/null || ps -p "$1" >/dev/null 2>&1
	fi
}

# supervise DIR PORT OWNER: runs as the leader of a new session (setsid); starts
# the JVM as its child, in its own process group, and stops it when OWNER dies.
supervise() {
	local dir=$1 port=$2 owner=$3 jpid i pgrp
	# the kill target for stop: our process group if setsid made us its leader
	read -r _ _ _ _ pgrp _ </proc/$$/stat || pgrp=0
	if [ "$pgrp" = "$$" ]; then echo "-$$" >"$dir/pid"; else echo "$$" >"$dir/pid"; fi
	"$(cat "$dir/java")" -Xms"$HEAP" -Xmx"$HEAP" -Xss1m \
		-XX:+UseG1GC -XX:-HeapDumpOnOutOfMemoryError \
		-Djava.awt.headless=true -Dfile.encoding=UTF-8 \
		-Djava.io.tmpdir="$dir/tmp" -Dio.netty.tmpdir="$dir/tmp" \
		-Dlog4j2.formatMsgNoLookups=true -Dlog4j.shutdownHookEnabled=false \
		-Dlog4j2.disable.jmx=true -Des.networkaddress.cache.ttl=60 \
		-cp "$(cat "$dir/classpath")" "$MAIN_CLASS" \
		-basePath "$dir/home" -confPath "$dir/config" -numOfNode 1 \
		-baseHttpPort "$((port - 1))" -clusterName "$CLUSTER" -printOnFailure \
		</dev/null >>"$dir/node.log" 2>&1 &
	jpid=$!
	echo "$jpid" >"$dir/java.pid"
	# a TERM to the process group reaches the JVM too; just leave
	trap 'exit 0' TERM INT HUP
	while kill -0 "$jpid" 2>/dev/null; do
		if [ "$owner" != 0 ] && ! pid_exists "$owner"; then
			echo "start.sh: owner process $owner is gone: stopping the node" >>"$dir/node.log"
			kill -TERM "$jpid" 2>/dev/null || true
			for i in $(seq 1 200); do
				kill -0 "$jpid" 2>/dev/null || break
				sleep 0.1
			done
			kill -KILL "$jpid" 2>/dev/null || true
			break
		fi
		sleep 1 &
		wait $! || true
	done
	wait "$jpid" 2>/dev/null || true
}

# ---------------------------------------------------------------- start

# rand_port: a random first port in 9200..9289
rand_port() { echo $((9200 + (RANDOM % 90))); }

# start DIR OWNER: prints the URL once the node is up.
start_node() {
	local dir=$1 owner=$2 cp port attempt sup deadline health t0
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
		die "$dir exists and is not empty"
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)

	ensure_tools
	cp=$(resolve_classpath "$dir")
	cp "$cp" "$dir/classpath"
	echo "$JAVA" >"$dir/java"
	write_config "$dir"

	t0=$SECONDS
	port=${PROZORRO_ES_PORT:-$(rand_port)}
	for attempt in 1 2 3 4 5; do
		while port_busy "$port"; do port=$((port + 1)); done
		[ "$port" -le 9299 ] || port=9200
		while port_busy "$port"; do port=$((port + 1)); done
		[ "$port" -le 9299 ] || die "no free port in 127.0.0.1:9200..9299 (the runner's range)"

		: >"$dir/node.log"
		if command -v setsid >/dev/null 2>&1; then
			# a new session, so that the node's process group can be signalled
			# as a whole; -w: should setsid have to fork, $! still lives as long
			setsid -w bash "$SELF" _supervise "$dir" "$port" "$owner" </dev/null >/dev/null 2>&1 &
		else
			bash "$SELF" _supervise "$dir" "$port" "$owner" </dev/null >/dev/null 2>&1 &
		fi
		sup=$!

		deadline=$((SECONDS + TIMEOUT))
		health=""
		while :; do
			if ! kill -0 "$sup" 2>/dev/null || grep -q 'Failed to start node' "$dir/node.log"; then
				break
			fi
			# the runner may move up from the port asked for: it prints the real one
			local real
			real=$(sed -n 's/^HTTP Port: *\([0-9][0-9]*\).*/\1/p' "$dir/node.log" | head -n 1)
			if [ -n "$real" ]; then
				port=$real
				health=$(http_get "$port" "/_cluster/health?wait_for_status=yellow&timeout=1s" || true)
				case "$health" in
				*'"timed_out":false'*) break ;;
				esac
				health=""
			fi
			if [ "$SECONDS" -ge "$deadline" ]; then
				log "node log tail ($dir/node.log):"
				tail -n 40 "$dir/node.log" >&2 || true
				stop_node "$dir"
				die "Elasticsearch was not healthy on 127.0.0.1:$port within ${TIMEOUT}s"
			fi
			sleep 0.3
		done
		[ -n "$health" ] && break
		stop_node "$dir"
		if ! grep -qE 'BindException|Address already in use|port [0-9]* is unavailable' "$dir/node.log"; then
			log "node log tail ($dir/node.log):"
			tail -n 40 "$dir/node.log" >&2 || true
			die "Elasticsearch exited before it was up"
		fi
		log "node did not start on port $port (attempt $attempt): port taken; log tail:"
		grep -E 'Exception|Caused by' "$dir/node.log" | tail -n 3 >&2 || true
		port=$((port + 1))
	done
	[ -n "$health" ] || { tail -n 40 "$dir/node.log" >&2 || true; die "Elasticsearch did not start (log: $dir/node.log)"; }

	local version
	version=$(http_get "$port" "/" | sed -n 's/.*"number" *: *"\([^"]*\)".*/\1/p' | head -n 1)
	echo "$port" >"$dir/port"
	echo "http://127.0.0.1:$port" >"$dir/url"
	log "Elasticsearch ${version:-?} up at http://127.0.0.1:$port in $((SECONDS - t0))s (log: $dir/node.log)"
	echo "http://127.0.0.1:$port"
}

# ---------------------------------------------------------------- main

case "${1:-}" in
start)
	[ $# -ge 2 ] || die "usage: $0 start DIR [OWNER_PID]"
	owner=${3:-0}
	case "$owner" in '' | *[!0-9]*) die "OWNER_PID must be a number: $owner" ;; esac
	start_node "$2" "$owner"
	;;
stop)
	[ $# -ge 2 ] || die "usage: $0 stop DIR"
	stop_node "$2"
	;;
run)
	if [ -n "${2:-}" ]; then
		RUN_DIR=$2
		RUN_TMP=""
	else
		RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/prozorro-es.XXXXXX")
		RUN_DIR="$RUN_TMP/es"
	fi
	cleanup() {
		local st=$?
		trap - EXIT INT TERM
		set +e
		stop_node "$RUN_DIR"
		[ -n "$RUN_TMP" ] && rm -rf "$RUN_TMP"
		exit "$st"
	}
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	url=$(start_node "$RUN_DIR" "$$")
	printf 'export PROZORRO_TEST_ES_URL=%q\n' "$url"
	log "press Ctrl-C (or send SIGTERM) to stop it"
	while alive "$RUN_DIR"; do
		sleep 1 &
		wait $! || true
	done
	log "the node exited; log tail:"
	tail -n 20 "$RUN_DIR/node.log" >&2 || true
	exit 1
	;;
_supervise)
	supervise "$2" "$3" "$4"
	;;
*)
	die "usage: $0 start DIR [OWNER_PID] | $0 stop DIR | $0 run [DIR]"
	;;
esac
