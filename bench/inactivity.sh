#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154,SC2046 # GDIR_* is set by printf -v; pkg-config output is split on purpose
# The inactivity sweep (R2.4) over ACCOUNTS accounts seeded by bench/seed.c in one of two PROFILEs:
# catchup (SEED_INACTIVITY=1: 10 % unused past 90 days, 5 % in each warning window, nothing done
# yet) or daily (SEED_INACTIVITY=daily: last use spread over 180 days, yesterday's sweep already
# done, so about 1/180 of the accounts cross each threshold), on SQLite and on PostgreSQL (a private
# cluster from tests/pg.sh on PG_PORT): wall time and peak RSS (/usr/bin/time -v) of
# bench/inactivity_run.c calling svc_inactivity_sweep, then a second run (idempotent: nothing
# left to do). Targets: under 10 s, memory flat (independent of ACCOUNTS).
# usage: bench/inactivity.sh BUILD_DIR    env: ACCOUNTS=1000000 PROFILE=catchup PG=1 PG_PORT=55471
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "${1:-}"
need_tools cc pkg-config
ACCOUNTS=${ACCOUNTS:-1000000}
PROFILE=${PROFILE:-catchup}
case $PROFILE in
catchup) SEED_MODE=1 ;;
daily) SEED_MODE=daily ;;
*) die "PROFILE is catchup or daily" ;;
esac
PG=${PG:-1}
PG_PORT=${PG_PORT:-55471}
OUT="$RESULTS_DIR/inactivity.jsonl"
RAW="$RESULTS_DIR/raw/inactivity_$STAMP"
mkdir -p "$RAW"
[ -f "$BUILD_DIR/libgcas.a" ] || die "$BUILD_DIR/libgcas.a not found"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"

libs=$(pkg-config --libs libmicrohttpd sqlite3 libpq libsodium libcrypto libssl jansson libqrencode libcurl)
# WebAuthn (libfido2, libcbor) when the library was built with it
libs="$libs $(pkg-config --libs libfido2 libcbor 2>/dev/null)"
build() { # build NAME: bench/NAME.c against the project's static library
	cc -std=c17 -O2 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -I"$REPO_DIR/src" \
		"${@:2}" "$BENCH_DIR/$1.c" "$BUILD_DIR/libgcas.a" $libs -lunistring -pthread -o "$WORK/$1"
}
for b in seed inactivity_run; do
	build "$b" 2>"$WORK/$b.log" || build "$b" -fsanitize=address,undefined 2>>"$WORK/$b.log" ||
		{ cat "$WORK/$b.log" >&2; die "cannot build bench/$b.c"; }
done

# run_one ENGINE DSN: seed, then two sweeps under /usr/bin/time -v; prints a table row, appends JSON.
run_one() {
	local engine=$1 dsn=$2 t0 seed_s wall rss runs
	t0=$SECONDS
	SEED_INACTIVITY=$SEED_MODE "$WORK/seed" "$dsn" "$ACCOUNTS" 0 "$BENCH_EMAIL" >/dev/null 2>"$RAW/seed_$engine.log" ||
		{ cat "$RAW/seed_$engine.log" >&2; die "seeding $engine failed"; }
	seed_s=$((SECONDS - t0))
	/usr/bin/time -v "$WORK/inactivity_run" "$dsn" 2 >"$RAW/run_$engine.txt" 2>"$RAW/time_$engine.txt" ||
		{ cat "$RAW/run_$engine.txt" "$RAW/time_$engine.txt" >&2; die "sweep on $engine failed"; }
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$RAW/time_$engine.txt")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RAW/time_$engine.txt")
	runs=$(tr '\n' ';' <"$RAW/run_$engine.txt")
	printf '| %s | %s | %s | %s | %s | %s |\n' "$PROFILE" "$engine" "$ACCOUNTS" "$runs" "$wall" "$rss"
	printf '{"bench":"inactivity","profile":"%s","engine":"%s","accounts":%s,"runs":"%s","wall_both_runs":"%s","peak_rss_kb":%s,"seed_s":%s,"machine":"%s","when":"%s"}\n' \
		"$PROFILE" "$engine" "$ACCOUNTS" "$runs" "$wall" "$rss" "$seed_s" "$(machine_note)" "$(date -u +%FT%TZ)" >>"$OUT"
}

echo "inactivity sweep: $ACCOUNTS accounts, profile $PROFILE; $(machine_note)"
printf '| profile | engine | accounts | sweeps (1st: work, 2nd: idempotent re-run) | wall, both | peak RSS kB |\n|---|---|---|---|---|---|\n'
gcas_setup inact "${INACTIVITY_PORT:-18087}" 1 # never started: only its database is used
run_one sqlite "sqlite:$GDIR_inact/gcas.db"

if [ "$PG" = 1 ]; then
	url=$(GCAS_PG_PORT=$PG_PORT "$REPO_DIR/tests/pg.sh" start) || die "tests/pg.sh start failed"
	psql -q "$url" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null ||
		die "cannot reset the PostgreSQL database"
	dir="$WORK/pg"
	mkdir -p "$dir"
	printf '[database]\nurl = %s\n[log]\nlevel = warn\n' "$url" >"$dir/gcas.ini"
	printf '%s\n' "$BENCH_PASSWORD" | gcas_cli "$dir" init --email "$BENCH_EMAIL" --password-stdin \
		>"$dir/init.log" 2>&1 || { cat "$dir/init.log" >&2; die "gcas init (PostgreSQL) failed"; }
	run_one postgresql "$url"
	[ -n "${KEEP_PG:-}" ] || GCAS_PG_PORT=$PG_PORT "$REPO_DIR/tests/pg.sh" stop >/dev/null
fi
echo "Rows appended to ${OUT#"$REPO_DIR"/}; raw output in ${RAW#"$REPO_DIR"/}/"
