#!/bin/sh
# SPDX-License-Identifier: MIT
# A private, throwaway PostgreSQL cluster for the store tests (tests/store/, suite 'store').
# It lives in /tmp/gcas-pg-$PORT, listens only on 127.0.0.1:$PORT (GCAS_PG_PORT, default 55432)
# and on a unix socket inside that directory, trusts local connections, runs with fsync=off, and
# holds one database gcas_test owned by the role gcas. A distribution cluster (Debian's "main" on
# 5432) is left alone.
#
#   tests/pg.sh start   initialise (first time) and start; idempotent; prints the URL
#   tests/pg.sh url     print postgresql://gcas@127.0.0.1:$PORT/gcas_test
#   tests/pg.sh stop    stop the server and remove its directory
#
# Typical use:  GCAS_TEST_PG=$(tests/pg.sh start) meson test -C build --suite store
#
# GCAS_PG_DURABLE=1 (benchmarks) configures it as production would instead: fsync, synchronous
# commits and full-page writes on, 512 MB of shared buffers and checkpoints spaced as a busy
# server's are (max_wal_size 8 GB, every 15 minutes), so that every commit the figures count is
# on disk and the tables being measured are in PostgreSQL's own cache.
set -eu

PORT=${GCAS_PG_PORT:-55432}
case $PORT in
'' | *[!0-9]*)
	echo "pg.sh: GCAS_PG_PORT must be a port number" >&2
	exit 2
	;;
esac
DIR=/tmp/gcas-pg-$PORT
DATA=$DIR/data
LOG=$DIR/server.log
LOCK=/tmp/.gcas-pg-$PORT.flock
URL=postgresql://gcas@127.0.0.1:$PORT/gcas_test

# The server binaries: GCAS_PG_BIN, else PostgreSQL 15 as Debian 12 installs it, else the
# newest version installed.
find_bin() {
	if [ -n "${GCAS_PG_BIN:-}" ]; then
		echo "$GCAS_PG_BIN"
		return
	fi
	if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		echo /usr/lib/postgresql/15/bin
		return
	fi
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5 -n -r); do
		if [ -x "$d/initdb" ]; then
			echo "$d"
			return
		fi
	done
	echo "pg.sh: no PostgreSQL server binaries found (apt-get install -y postgresql)" >&2
	exit 1
}

# initdb and the server refuse to run as root: run them as the postgres user when we are root.
# cd / first so the postgres user never tries to stay in a directory it cannot read. The lock
# descriptor (9) is closed for them: a server that inherited it would hold the lock for life.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@") 9>&-
	else
		(cd / && "$@") 9>&-
	fi
}

running() {
	[ -f "$DATA/PG_VERSION" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_admin() {
	as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres -d postgres "$@"
}

init_cluster() {
	rm -rf "$DIR"
	mkdir -p "$DIR"
	chmod 700 "$DIR"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres:postgres "$DIR"
	fi
	# C.UTF-8: byte-order collation, the same order SQLite's BINARY collation gives.
	as_pg "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		>"$DIR/initdb.log" 2>&1 || {
		cat "$DIR/initdb.log" >&2
		exit 1
	}
	cat >>"$DATA/postgresql.conf" <<EOF

# gcas test cluster (tests/pg.sh): private, disposable, fast.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 100
log_min_messages = warning
EOF
	if [ "${GCAS_PG_DURABLE:-0}" = 1 ]; then
		cat >>"$DATA/postgresql.conf" <<EOF
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 512MB
max_wal_size = 8GB
checkpoint_timeout = 15min
EOF
	else
		cat >>"$DATA/postgresql.conf" <<EOF
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
EOF
	fi
	# Trust only the loopback address and the private socket; nothing else can connect.
	cat >"$DATA/pg_hba.conf" <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
EOF
}

start() {
	if running; then
		echo "$URL"
		return
	fi
	if [ ! -f "$DATA/PG_VERSION" ]; then
		init_cluster
	fi
	as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null || {
		echo "pg.sh: the server did not start; its log:" >&2
		cat "$LOG" >&2 || true
		exit 1
	}
	# Role and database: created once, kept across restarts of the same directory.
	if ! psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'gcas'" | grep -q 1; then
		psql_admin -c "CREATE ROLE gcas LOGIN"
	fi
	if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'gcas_test'" | grep -q 1; then
		psql_admin -c "CREATE DATABASE gcas_test OWNER gcas"
	fi
	echo "$URL"
}

stop() {
	if running; then
		as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
	fi
	rm -rf "$DIR"
}

BIN=$(find_bin)
cmd=${1:-}
case $cmd in
start | stop)
	# Serialise concurrent callers (several test runners may start the cluster at once).
	exec 9>"$LOCK"
	flock 9
	"$cmd"
	;;
url)
	echo "$URL"
	;;
*)
	echo "usage: $0 start|stop|url   (port from GCAS_PG_PORT, default 55432)" >&2
	exit 2
	;;
esac
