#!/bin/bash
# SPDX-License-Identifier: MIT
# SCIM push (issue 4 §8): ENVS active `local` environments with USERS assigned people between
# them (500 and 10,000 by default: 10,000 users and 1,000 groups with their members) are pushed
# by `gcas assign sync` (svc/scim_push.c with libcurl, one kept-alive connection per
# environment) to the local cloud's SCIM server of the real gcas binary (`gcas serve`,
# /local-cloud/{id}/scim/v2, proto_scim.c) on 127.0.0.1. Reported: wall time, requests sent,
# requests/s; then the store of the server is checked (users and group members it holds) and a
# second sync (drift check of everything, nothing to correct) is timed too.
# Builds nothing: BUILD_DIR must hold gcas and bench/scim_push (ninja).
# usage: bench/scim_push.sh BUILD_DIR
#        env: ENVS=500 USERS=10000 WORKERS=4 SERVER_THREADS=4 SCIM_PORT=18093
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "${1:-}"
need_tools curl sqlite3
ENVS=${ENVS:-500}
USERS=${USERS:-10000}
SERVER_THREADS=${SERVER_THREADS:-4}
WORKERS=${WORKERS:-4} # environments the client pushes at once (gcas assign sync --workers)
PORT=${SCIM_PORT:-18093}
SEED="$BUILD_DIR/bench/scim_push"
OUT="$RESULTS_DIR/scim_push.jsonl"
[ -x "$SEED" ] || die "$SEED not found: build first (ninja -C $BUILD_DIR)"

gcas_setup scim "$PORT" "$SERVER_THREADS"
dir=$GDIR_scim
"$SEED" "sqlite:$dir/gcas.db" "$dir/var/keys.key" "http://127.0.0.1:$PORT" "$ENVS" "$USERS" \
	|| die "seeding failed"
gcas_start scim "$PORT"

# run_sync LABEL: one `gcas assign sync`; its summary line into $WORK/LABEL.txt.
run_sync() {
	local label=$1 t0 t1
	t0=$(date +%s.%N)
	gcas_cli "$dir" assign sync --workers "$WORKERS" >"$WORK/$label.log" 2>&1
	local rc=$?
	t1=$(date +%s.%N)
	grep '^environments ' "$WORK/$label.log" >"$WORK/$label.txt"
	[ -s "$WORK/$label.txt" ] || { tail -5 "$WORK/$label.log" >&2; die "$label: no summary (rc $rc)"; }
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' >"$WORK/$label.wall"
	return 0
}
field() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" "$2"; } # field NAME FILE: "NAME 123" → 123

run_sync first
run_sync second
W1=$(cat "$WORK/first.wall"); W2=$(cat "$WORK/second.wall")
R1=$(field requests "$WORK/first.txt"); R2=$(field requests "$WORK/second.txt")
F1=$(field failures "$WORK/first.txt"); C2=$(field corrected "$WORK/second.txt")
RPS1=$(awk -v r="$R1" -v w="$W1" 'BEGIN { printf "%.0f", r / w }')
RPS2=$(awk -v r="$R2" -v w="$W2" 'BEGIN { printf "%.0f", r / w }')
# What the server's store holds (its own tables, read after the push).
q() { sqlite3 "$dir/gcas.db" "$1"; }
HELD_USERS=$(q "SELECT count(*) FROM local_scim_users WHERE active = 1" 2>/dev/null || echo "?")
HELD_GROUPS=$(q "SELECT count(*) FROM local_scim_groups" 2>/dev/null || echo "?")
HELD_MEMBERS=$(q "SELECT count(*) FROM local_scim_members" 2>/dev/null || echo "?")

echo "SCIM push: $USERS users, $((ENVS * 2)) groups over $ENVS environments (gcas serve --threads $SERVER_THREADS, SQLite; $WORKERS client workers)"
echo "  first sync:  ${W1} s wall, $R1 requests, $RPS1 requests/s, failures $F1"
echo "               $(cat "$WORK/first.txt")"
echo "  second sync (drift check of everything): ${W2} s, $R2 requests, $RPS2 requests/s, corrected $C2"
echo "  the server's store: $HELD_USERS active users, $HELD_GROUPS groups, $HELD_MEMBERS memberships"
printf '{"bench":"scim_push","stamp":"%s","envs":%s,"users":%s,"groups":%s,"threads":%s,"workers":%s,"first_wall_s":%s,"first_requests":%s,"first_rps":%s,"first_failures":%s,"second_wall_s":%s,"second_requests":%s,"second_rps":%s,"held_users":"%s","held_groups":"%s","held_members":"%s","machine":"%s"}\n' \
	"$STAMP" "$ENVS" "$USERS" "$((ENVS * 2))" "$SERVER_THREADS" "$WORKERS" "$W1" "$R1" "$RPS1" "$F1" "$W2" "$R2" \
	"$RPS2" "$HELD_USERS" "$HELD_GROUPS" "$HELD_MEMBERS" "$(machine_note)" >>"$OUT"
