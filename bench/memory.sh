#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154,SC2046 # GDIR_*/PID_* are set by printf -v; pkg-config output is split on purpose
# Resident memory of `gcas serve` (VmRSS / VmHWM from /proc/PID/status, as peers/memrec.py):
# idle on a fresh database (target < 30 MB); then with ACCOUNTS accounts and SESSIONS live
# sessions seeded by bench/seed.c through the store API (target < 100 MB) after a few pages were
# served with one of the sessions (so every worker's caches are warm); and the peak after a
# healthz load (wrk -t1 -c50) and after a password sign-in load (argon2id memory per hash).
# usage: bench/memory.sh BUILD_DIR    env: ACCOUNTS=100000 SESSIONS=10000 MEM_THREADS=16 DUR=10
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "${1:-}"
need_tools wrk curl cc pkg-config
PORT=${MEMORY_PORT:-18086}
ACCOUNTS=${ACCOUNTS:-100000}
SESSIONS=${SESSIONS:-10000}
MEM_THREADS=${MEM_THREADS:-16} # the configuration's default
OUT="$RESULTS_DIR/memory.jsonl"
RAW="$RESULTS_DIR/raw/memory_$STAMP"
mkdir -p "$RAW"
base="http://127.0.0.1:$PORT"
[ -f "$BUILD_DIR/libgcas.a" ] || die "$BUILD_DIR/libgcas.a not found"

# seed.c as bench/meson.build built it (the project's flags and libraries); else compiled here
# against the project's static library (with the sanitizer runtime when the build has one).
libs=$(pkg-config --libs libmicrohttpd sqlite3 libpq libsodium libcrypto libssl jansson libqrencode \
	libcurl lasso libxml-2.0 xmlsec1-openssl libfido2) -lunistring
build_seed() {
	if [ -x "$BUILD_DIR/bench/seed" ] && [ $# -eq 0 ]; then
		cp "$BUILD_DIR/bench/seed" "$WORK/seed"
		return
	fi
	cc -std=c17 -O2 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -I"$REPO_DIR/src" "$@" \
		"$BENCH_DIR/seed.c" "$BUILD_DIR/libgcas.a" $libs -pthread -o "$WORK/seed"
}
build_seed 2>"$WORK/seed_build.log" || build_seed -fsanitize=address,undefined 2>>"$WORK/seed_build.log" ||
	{ cat "$WORK/seed_build.log" >&2; die "cannot build bench/seed.c"; }

status_kb() { echo "VmRSS $(kb VmRSS "$1") VmHWM $(kb VmHWM "$1")"; }

echo "memory: gcas serve --threads $MEM_THREADS, $ACCOUNTS accounts, $SESSIONS sessions; $(machine_note)"
gcas_setup mem "$PORT" "$MEM_THREADS"
dir=$GDIR_mem

# 1. idle, fresh database
gcas_start mem "$PORT"
sleep 2
read -r _ idle_rss _ idle_hwm < <(status_kb "$PID_mem")
stop_pid "$PID_mem"

# 2. seeded
t0=$SECONDS
token=$("$WORK/seed" "sqlite:$dir/gcas.db" "$ACCOUNTS" "$SESSIONS" "$BENCH_EMAIL" 2>"$RAW/seed.log") ||
	{ cat "$RAW/seed.log" >&2; die "seeding failed"; }
seed_s=$((SECONDS - t0))
db_kb=$(du -sk "$dir" | cut -f1)
gcas_start mem "$PORT"
pid=$PID_mem
sleep 2
read -r _ seeded_idle_rss _ _ < <(status_kb "$pid")

# Warm every worker: each page under a short wrk load with the operator's session cookie, after
# one curl that records its status. The account list pages through the seeded accounts.
cookie="Cookie: gcas_session=$token"
acc_id=$(curl -s -H "$cookie" "$base/api/v1/accounts?limit=1" | sed -n 's/.*"id" *: *"\([0-9a-f]\{32\}\)".*/\1/p' | head -1)
pages="/ /accounts /accounts?q=u0001 /orgs /groups /audit /settings /api/v1/me /api/v1/accounts /api/v1/orgs /api/v1/groups"
[ -n "$acc_id" ] && pages+=" /accounts/$acc_id /api/v1/accounts/$acc_id"
statuses=""
for p in $pages; do
	st=$(curl -s -o "$WORK/page" -w '%{http_code}' -H "$cookie" "$base$p")
	statuses+="$p=$st($(wc -c <"$WORK/page")B) "
	DUR=2 wrk_run "$RAW/warm_$(echo "$p" | tr '/?=' '___').txt" 8 1 "$base$p" -H "$cookie" >/dev/null
done
sleep 1
read -r _ warm_rss _ warm_hwm < <(status_kb "$pid")

# 3. peak after the healthz load
read -r hz_rps _ _ hz_non hz_se _ < <(wrk_run "$RAW/healthz_c50.txt" 50 1 "$base/healthz")
sleep 1
read -r _ after_rss _ after_hwm < <(status_kb "$pid")

# 4. peak during password sign-ins: argon2id takes memlimit (19 MiB by default) per hash in
# progress, so the peak grows with the number of workers hashing at once.
curl -s -c "$WORK/jar" -o /dev/null "$base/signin"
WRK_CSRF=$(awk '$6 == "gcas_csrf" { print $7 }' "$WORK/jar")
export WRK_CSRF WRK_EMAIL=$BENCH_EMAIL WRK_PASSWORD=$BENCH_PASSWORD
read -r si_rps _ _ si_non si_se _ < <(wrk_run "$RAW/signin_c16.txt" 16 2 "$base/signin" -s "$BENCH_DIR/signin.lua")
si_bad=$(awk '/^signin_bad/ { print $2 }' "$RAW/signin_c16.txt")
si_bad=$(( ${si_bad:-0} + si_non + si_se )) # wrong answers, non-2xx/3xx, socket errors
sleep 1
read -r _ si_rss _ si_hwm < <(status_kb "$pid")

verdict() { awk -v v="$1" -v lim="$2" 'BEGIN { print (v < lim ? "met" : "MISSED") }'; }
echo
printf '| state | VmRSS kB | VmHWM (peak) kB | target |\n|---|---|---|---|\n'
printf '| idle, fresh database | %d | %d | < 30 MB (30720 kB): %s |\n' "$idle_rss" "$idle_hwm" "$(verdict "$idle_rss" 30720)"
printf '| idle, %d accounts + %d sessions, before any request | %d | | |\n' "$ACCOUNTS" "$SESSIONS" "$seeded_idle_rss"
printf '| same, after the pages below were served (warm) | %d | %d | < 100 MB (102400 kB): %s |\n' "$warm_rss" "$warm_hwm" "$(verdict "$warm_rss" 102400)"
printf '| after wrk -t1 -c50 -d%ss /healthz (%.0f req/s) | %d | %d | |\n' "$DUR" "$hz_rps" "$after_rss" "$after_hwm"
printf '| after wrk -t2 -c16 -d%ss POST /signin (%.1f sign-ins/s, %s failed) | %d | %d | < 100 MB: %s |\n' "$DUR" "$si_rps" "$si_bad" "$si_rss" "$si_hwm" "$(verdict "$si_hwm" 102400)"
echo
echo "pages (status, bytes): $statuses"
echo "seeding took ${seed_s}s; data directory ${db_kb} kB; seed: $(tail -1 "$RAW/seed.log")"
[ "$hz_non" -eq 0 ] && [ "$hz_se" -eq 0 ] || echo "WARNING: healthz load had $hz_non non-2xx and $hz_se socket errors"
printf '{"bench":"memory","build":"'"${BUILD_DIR//%/%%}"'","threads":%s,"accounts":%s,"sessions":%s,"idle_fresh_rss_kb":%s,"idle_fresh_hwm_kb":%s,"idle_seeded_rss_kb":%s,"warm_rss_kb":%s,"warm_hwm_kb":%s,"after_healthz_rss_kb":%s,"after_healthz_hwm_kb":%s,"healthz_rps":%s,"after_signin_rss_kb":%s,"after_signin_hwm_kb":%s,"signin_rps":%s,"pages":"%s","data_dir_kb":%s,"seed_s":%s,"target_idle":"%s","target_seeded":"%s","machine":"%s","when":"%s"}\n' \
	"$MEM_THREADS" "$ACCOUNTS" "$SESSIONS" "$idle_rss" "$idle_hwm" "$seeded_idle_rss" "$warm_rss" "$warm_hwm" \
	"$after_rss" "$after_hwm" "$hz_rps" "$si_rss" "$si_hwm" "$si_rps" "${statuses% }" "$db_kb" "$seed_s" "$(verdict "$idle_rss" 30720)" \
	"$(verdict "$warm_rss" 102400)" "$(machine_note)" "$(date -u +%FT%TZ)" >>"$OUT"
echo "Row appended to ${OUT#$REPO_DIR/}; raw output in ${RAW#$REPO_DIR/}/"
