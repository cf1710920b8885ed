#!/usr/bin/env bash
# Throwaway servers for the test suite: PostgreSQL (Debian package, private
# cluster in a temp dir), FerretDB (`prozorro ferretdb`, the MongoDB wire
# protocol over that PostgreSQL) and a single-node Elasticsearch 7.10.2
# (.ci/elasticsearch/start.sh: a real node from Maven Central in a JVM; the first
# run installs OpenJDK 17 and Maven if missing and downloads ~50 MB into ~/.m2).
# Everything is stopped and removed on exit.
#
# usage:
#   .ci/test-servers.sh exec CMD [ARGS...]  start servers, export the env below,
#                                           run CMD, stop servers, exit with CMD's status
#   .ci/test-servers.sh up                  start servers, print the exports, and
#                                           keep them up until Ctrl-C / SIGTERM
#
# exported to CMD (and printed by `up`):
#   PROZORRO_TEST_MONGO_URI     mongodb://127.0.0.1:PORT/   (FerretDB)
#   PROZORRO_TEST_BIN           absolute path of the prozorro binary built here
#   PROZORRO_TEST_POSTGRES_URL  postgres://postgres@127.0.0.1:PORT/ferretdb
#   PROZORRO_CHROMIUM           Debian's chromium, for the auction page's browser test
#   PROZORRO_TEST_ES_URL        http://127.0.0.1:PORT  (Elasticsearch 7.10.2, single node,
#                               cluster health yellow at best: give indices 0 replicas for green)
#
# knobs (environment):
#   PROZORRO_NEED_CC=1          also make sure a C compiler exists (go test -race needs cgo)
#   PROZORRO_TEST_TMPDIR=DIR    parent of the temp dir (default /tmp; keep it short:
#                               the PostgreSQL unix socket lives inside it)
#   PROZORRO_KEEP_TMP=1         keep the temp dir (logs, data) after exit
#   PROZORRO_START_TIMEOUT=60   seconds to wait for each server
#   PROZORRO_TEST_PG_PORT=N     first port to try for PostgreSQL (default: random 55432-57431)
#   PROZORRO_TEST_MONGO_PORT=N  first port to try for FerretDB (default: random 37017-39016)
#   PROZORRO_NO_ES=1            do not start Elasticsearch (PROZORRO_TEST_ES_URL is then
#                               left as the caller set it, e.g. unset or your own node)
#   PROZORRO_ES_HEAP=512m       Elasticsearch's JVM heap
#   PROZORRO_ES_PORT=N          first port to try for Elasticsearch (9200-9299; default random)
#
# Needs no TTY and no stdin. Runs as root (PostgreSQL then runs as the
# `postgres` user) or as a normal user (which then owns the cluster).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOG_NAME=test-servers
# log, die, IS_ROOT, as_root, apt_install, port_busy
. "$ROOT/.ci/lib.sh"
cd "$ROOT"

# Go lives in /usr/local/go/bin, which non-login shells may lack.
if ! command -v go >/dev/null 2>&1; then
	export PATH="$PATH:/usr/local/go/bin"
fi
command -v go >/dev/null 2>&1 || die "go not found on PATH nor in /usr/local/go/bin"

MODE=${1:-}
case "$MODE" in
exec) shift; [ $# -gt 0 ] || die "exec: no command given" ;;
up) shift ;;
*) die "usage: $0 exec CMD [ARGS...] | $0 up" ;;
esac

TIMEOUT=${PROZORRO_START_TIMEOUT:-60}

# ---------------------------------------------------------------- packages

find_pgbin() {
	local d
	# newest major version first
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

PGBIN=$(find_pgbin || true)
if [ -z "$PGBIN" ]; then
	apt_install postgresql
	PGBIN=$(find_pgbin || true)
	[ -n "$PGBIN" ] || die "PostgreSQL installed, but no /usr/lib/postgresql/*/bin/initdb"
fi

# Debian's chromium drives the auction page's browser test (auction/api).
CHROMIUM=$(command -v chromium || true)
if [ -z "$CHROMIUM" ]; then
	apt_install chromium
	CHROMIUM=$(command -v chromium || true)
	[ -n "$CHROMIUM" ] || die "chromium installed, but not on PATH"
fi

if [ "${PROZORRO_NEED_CC:-0}" = 1 ]; then
	cc=$(go env CC)
	if ! command -v "${cc%% *}" >/dev/null 2>&1; then
		apt_install gcc libc6-dev
	fi
	export CGO_ENABLED=1
fi

if [ "$IS_ROOT" -eq 1 ]; then
	id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user (PostgreSQL refuses to run as root)"
	if command -v runuser >/dev/null 2>&1; then
		as_pg() { runuser -u postgres -- "$@"; }
	elif [ -x /usr/sbin/runuser ]; then
		as_pg() { /usr/sbin/runuser -u postgres -- "$@"; }
	else
		as_pg() { su -s /bin/sh postgres -c "$(printf '%q ' "$@")"; }
	fi
else
	as_pg() { "$@"; }
fi

# ---------------------------------------------------------------- cleanup

TMP=$(mktemp -d "${PROZORRO_TEST_TMPDIR:-/tmp}/prozorro-test.XXXXXX")
chmod 755 "$TMP" # the postgres user must reach $TMP/pg
PGDATA="$TMP/pg/data"
PGSOCK="$TMP/pg/sock"
PGLOG="$TMP/pg/postgres.log"
FDB_LOG="$TMP/ferretdb.log"
FDB_PID=""
PG_STARTED=0
ES_DIR="$TMP/es"
ES_STARTED=0

stop_es() {
	[ "$ES_STARTED" -eq 1 ] || return 0
	ES_STARTED=0
	bash "$ROOT/.ci/elasticsearch/start.sh" stop "$ES_DIR" || true
}

stop_ferretdb() {
	[ -n "$FDB_PID" ] || return 0
	if kill -0 "$FDB_PID" 2>/dev/null; then
		kill -TERM "$FDB_PID" 2>/dev/null || true
		local i
		for i in $(seq 1 50); do
			kill -0 "$FDB_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$FDB_PID" 2>/dev/null || true
	fi
	wait "$FDB_PID" 2>/dev/null || true
	FDB_PID=""
}

stop_postgres() {
	[ "$PG_STARTED" -eq 1 ] || return 0
	PG_STARTED=0
	if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
		# last resort: the postmaster's pid is the first line of postmaster.pid
		local pid
		pid=$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null || true)
		if [ -n "$pid" ]; then
			kill -QUIT "$pid" 2>/dev/null || true
			sleep 1
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
}

cleanup() {
	local st=$?
	trap - EXIT INT TERM
	set +e
	stop_es
	stop_ferretdb
	stop_postgres
	if [ "${PROZORRO_KEEP_TMP:-0}" = 1 ]; then
		log "kept $TMP"
	else
		rm -rf "$TMP"
	fi
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers

# next_free_port START: the first port >= START with nobody listening on it.
next_free_port() {
	local p=$1
	while port_busy "$p"; do
		p=$((p + 1))
	done
	echo "$p"
}

# random start so that parallel runs on one machine rarely collide
rand_port() { echo $(($1 + (RANDOM % 2000))); }

# ---------------------------------------------------------------- PostgreSQL

mkdir -p "$TMP/pg" "$PGSOCK"
if [ "$IS_ROOT" -eq 1 ]; then
	chown -R postgres: "$TMP/pg"
fi

t0=$SECONDS
if ! as_pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C -N \
	>"$TMP/initdb.log" 2>&1; then
	tail -n 40 "$TMP/initdb.log" >&2
	die "initdb failed"
fi

PGPORT=""
port=${PROZORRO_TEST_PG_PORT:-$(rand_port 55432)}
for attempt in 1 2 3 4 5; do
	port=$(next_free_port "$port")
	if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t "$TIMEOUT" \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $PGSOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >"$TMP/pg_ctl.log" 2>&1; then
		PGPORT=$port
		PG_STARTED=1
		break
	fi
	# a stale start may have left a postmaster behind: make sure it is gone
	PG_STARTED=1; stop_postgres
	log "PostgreSQL did not start on port $port (attempt $attempt); log tail:"
	tail -n 5 "$PGLOG" >&2 2>/dev/null || true
	port=$((port + 1))
done
if [ -z "$PGPORT" ]; then
	cat "$TMP/pg_ctl.log" >&2 || true
	tail -n 40 "$PGLOG" >&2 2>/dev/null || true
	die "PostgreSQL did not start"
fi

if ! "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres ferretdb >"$TMP/createdb.log" 2>&1; then
	cat "$TMP/createdb.log" >&2
	die "createdb ferretdb failed"
fi
PG_URL="postgres://postgres@127.0.0.1:$PGPORT/ferretdb"
log "PostgreSQL $(basename "$(dirname "$PGBIN")") up on 127.0.0.1:$PGPORT in $((SECONDS - t0))s"

# ---------------------------------------------------------------- FerretDB

BIN="$ROOT/.tmp/bin/prozorro"
mkdir -p "$ROOT/.tmp/bin"
t0=$SECONDS
log "go build -o .tmp/bin/prozorro ./cmd/prozorro"
# build beside, then rename: another run in this checkout may be executing the old binary
go build -buildvcs=false -o "$BIN.$$" ./cmd/prozorro || { rm -f "$BIN.$$"; die "building ./cmd/prozorro failed"; }
mv -f "$BIN.$$" "$BIN"
log "built in $((SECONDS - t0))s"

MONGO_URI=""
port=${PROZORRO_TEST_MONGO_PORT:-$(rand_port 37017)}
for attempt in 1 2 3 4 5; do
	port=$(next_free_port "$port")
	"$BIN" ferretdb -listen "127.0.0.1:$port" -postgresql-url "$PG_URL" \
		</dev/null >"$FDB_LOG" 2>&1 &
	FDB_PID=$!
	deadline=$((SECONDS + TIMEOUT))
	while :; do
		if ! kill -0 "$FDB_PID" 2>/dev/null; then
			wait "$FDB_PID" 2>/dev/null || true
			FDB_PID=""
			break
		fi
		if port_busy "$port"; then
			MONGO_URI="mongodb://127.0.0.1:$port/"
			break
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			log "FerretDB log tail ($FDB_LOG):"
			tail -n 40 "$FDB_LOG" >&2 || true
			die "FerretDB did not accept connections on 127.0.0.1:$port within ${TIMEOUT}s"
		fi
		sleep 0.1
	done
	[ -n "$MONGO_URI" ] && break
	log "FerretDB exited before listening on port $port (attempt $attempt); log tail:"
	tail -n 10 "$FDB_LOG" >&2 || true
	port=$((port + 1))
done
[ -n "$MONGO_URI" ] || die "FerretDB did not start"
log "FerretDB up at $MONGO_URI (log: $FDB_LOG)"

# ---------------------------------------------------------------- Elasticsearch

if [ "${PROZORRO_NO_ES:-0}" != 1 ]; then
	# start.sh prints the URL once the cluster is yellow; given our pid, its
	# watchdog stops the node should this script be killed without cleanup
	ES_STARTED=1
	ES_URL=$(bash "$ROOT/.ci/elasticsearch/start.sh" start "$ES_DIR" "$$") ||
		die "Elasticsearch did not start (log: $ES_DIR/node.log; PROZORRO_NO_ES=1 skips it)"
	export PROZORRO_TEST_ES_URL="$ES_URL"
fi

export PROZORRO_TEST_MONGO_URI="$MONGO_URI"
export PROZORRO_TEST_BIN="$BIN"
export PROZORRO_TEST_POSTGRES_URL="$PG_URL"
export PROZORRO_CHROMIUM="$CHROMIUM"

# ---------------------------------------------------------------- run

if [ "$MODE" = up ]; then
	printf 'export PROZORRO_TEST_MONGO_URI=%q\n' "$PROZORRO_TEST_MONGO_URI"
	printf 'export PROZORRO_TEST_BIN=%q\n' "$PROZORRO_TEST_BIN"
	printf 'export PROZORRO_TEST_POSTGRES_URL=%q\n' "$PROZORRO_TEST_POSTGRES_URL"
	printf 'export PROZORRO_CHROMIUM=%q\n' "$PROZORRO_CHROMIUM"
	if [ "$ES_STARTED" -eq 1 ]; then
		printf 'export PROZORRO_TEST_ES_URL=%q\n' "$PROZORRO_TEST_ES_URL"
	fi
	log "servers up; press Ctrl-C (or send SIGTERM) to stop them"
	# sleep in the background so that the traps run at once on a signal
	while kill -0 "$FDB_PID" 2>/dev/null; do
		sleep 1 &
		wait $! || true
	done
	log "FerretDB exited; log tail:"
	tail -n 20 "$FDB_LOG" >&2 || true
	exit 1
fi

set +e
"$@"
status=$?
set -e
exit "$status"
