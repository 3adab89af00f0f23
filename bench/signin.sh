#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154,SC2046 # GDIR_*/PID_* are set by printf -v; pkg-config output is split on purpose
# Password sign-in throughput against its ceiling: POST /signin (CSRF double-submit cookie,
# email, the right password: every request a successful password step, 303 to /signin/enrol or
# /signin/factor) with wrk -t2 -c16, alternating with bench/argon2_rate.c (2 threads of
# crypto_pwhash_str_verify at the opslimit/memlimit `gcas config show` reports) in the same
# session (each sign-in run bracketed by two argon2id runs); per-run ratios and their median.
# Then B2B_RUNS=5 back-to-back runs (connections opened while the workers are still busy).
# Target: sign-ins/s >= 85 % of the argon2id rate, no errors.
# usage: bench/signin.sh BUILD_DIR        env: RUNS=3 DUR=10 SERVER_THREADS=2 ARGON_THREADS=2
#        Each measurement first waits (up to QUIET_MAX=30 s) for the machine to be <= QUIET_PCT=20 % busy.
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "${1:-}"
need_tools wrk curl cc pkg-config
PORT=${SIGNIN_PORT:-18085}
SERVER_THREADS=${SERVER_THREADS:-2}
ARGON_THREADS=${ARGON_THREADS:-2}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNS=${WRK_CONNS:-16}
OUT="$RESULTS_DIR/signin.jsonl"
RAW="$RESULTS_DIR/raw/signin_$STAMP"
mkdir -p "$RAW"

cc -O2 -std=c17 -Wall -Wextra -pthread "$BENCH_DIR/argon2_rate.c" \
	$(pkg-config --cflags --libs libsodium) -o "$WORK/argon2_rate" || die "cannot build argon2_rate"

gcas_setup signin "$PORT" "$SERVER_THREADS"
dir=$GDIR_signin
# The cost parameters the server hashes and verifies with.
gcas_cli "$dir" config show >"$RAW/config.txt" || die "gcas config show failed"
ops=$(awk -F' *= *' '$1 == "argon2_opslimit" { print $2 }' "$RAW/config.txt")
mem=$(awk -F' *= *' '$1 == "argon2_memlimit" { v = $2; gsub(/"/, "", v)
	m = 1; if (v ~ /KiB$/) m = 1024; else if (v ~ /MiB$/) m = 1048576; else if (v ~ /GiB$/) m = 1073741824
	sub(/[KMG]iB$/, "", v); printf "%d", v * m }' "$RAW/config.txt")
[ -n "$ops" ] && [ -n "$mem" ] && [ "$mem" -gt 0 ] || die "cannot read argon2 parameters from gcas config show"

gcas_start signin "$PORT"
pid=$PID_signin
base="http://127.0.0.1:$PORT"

# The double-submit token: the cookie GET /signin sets; the form sends the same value.
curl -s -c "$WORK/jar" -o /dev/null "$base/signin"
csrf=$(awk '$6 == "gcas_csrf" { print $7 }' "$WORK/jar")
[ -n "$csrf" ] || die "GET /signin set no gcas_csrf cookie"
email_enc=${BENCH_EMAIL//@/%40}
check=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "Cookie: gcas_csrf=$csrf" \
	--data "csrf=$csrf&email=$email_enc&password=$BENCH_PASSWORD" "$base/signin")
case "$check" in
"303 "*/signin/enrol | "303 "*/signin/factor) ;;
*) die "a single sign-in did not succeed: $check" ;;
esac

export WRK_CSRF=$csrf WRK_EMAIL=$BENCH_EMAIL WRK_PASSWORD=$BENCH_PASSWORD
echo "sign-in vs argon2id: RUNS=$RUNS DUR=${DUR}s, argon2id opslimit=$ops memlimit=$mem B," \
	"server --threads $SERVER_THREADS, wrk -t$WRK_THREADS -c$WRK_CONNS, argon2_rate $ARGON_THREADS threads; $(machine_note)"
ARGON=() SIGNIN=() P50=() P99=() RATIOS=() BUSY=() QUIET=() BRACKET=() OTHERS=()
good_total=0 bad_total=0 non_total=0 se_total=0 first_bad=0
argon() { # argon TAG: one argon2_rate measurement, prints verifies/s
	"$WORK/argon2_rate" "$ARGON_THREADS" "$ops" "$mem" "$DUR" | tee "$RAW/argon2_$1.txt" |
		sed -n 's/.*per_s=\([0-9.]*\).*/\1/p'
}
# A0 S1 A1 S2 A2 ...: each sign-in run is bracketed by two argon2id runs and compared with their
# mean, so a slow drift of the shared machine's speed cancels out of the ratio.
wait_quiet >/dev/null
a_prev=$(argon r0)
[ -n "$a_prev" ] || die "argon2_rate failed"
ARGON+=("$a_prev")
for run in $(seq 1 "$RUNS"); do
	sleep 1
	q=$(wait_quiet)
	worker_ticks "$pid" >"$WORK/ticks0"
	c0=$(cpu_sample "$pid")
	read -r rps p50 p99 non se _ < <(wrk_run "$RAW/signin_r$run.txt" "$WRK_CONNS" "$WRK_THREADS" \
		"$base/signin" -s "$BENCH_DIR/signin.lua")
	oth=$(others_pct "$c0" "$(cpu_sample "$pid")")
	worker_ticks "$pid" >"$WORK/ticks1"
	bw=$(busy_workers "$WORK/ticks0" "$WORK/ticks1" "$DUR")
	sleep 1
	q2=$(wait_quiet)
	arate=$(argon "r$run")
	[ -n "$arate" ] || die "argon2_rate failed"
	BUSY+=("${bw%% *}"); QUIET+=("$q/$q2"); OTHERS+=("$oth")
	good=$(awk '/^signin_good/ { print $2 }' "$RAW/signin_r$run.txt")
	bad=$(awk '/^signin_bad/ { print $2 }' "$RAW/signin_r$run.txt")
	fb=$(awk '/^signin_first_bad_status/ { print $2 }' "$RAW/signin_r$run.txt")
	[ "${first_bad}" = 0 ] && first_bad=${fb:-0}
	good_total=$((good_total + ${good:-0})); bad_total=$((bad_total + ${bad:-0}))
	non_total=$((non_total + non)); se_total=$((se_total + se))
	br=$(awk -v x="$a_prev" -v y="$arate" 'BEGIN { printf "%.2f", (x + y) / 2 }')
	r=$(awk -v s="$rps" -v a="$br" 'BEGIN { printf "%.2f", (a > 0 ? s / a : 0) }')
	ARGON+=("$arate"); BRACKET+=("$br"); SIGNIN+=("$rps"); P50+=("$p50"); P99+=("$p99"); RATIOS+=("$r")
	printf '  run %d  sign-in %.1f /s (p50 %.0f ms, p99 %.0f ms)   argon2id before/after %.1f / %.1f verifies/s   ratio %.2f   good %s bad %s non2xx/3xx %d sockerr %d   MHD threads busy %s  (machine %s%%/%s%% busy before; other processes used %s%% of it during the run, wrk included)\n' \
		"$run" "$rps" "$p50" "$p99" "$a_prev" "$arate" "$r" "${good:-?}" "${bad:-?}" "$non" "$se" "$bw" "$q" "$q2" "$oth"
	a_prev=$arate
done
am=$(median "${ARGON[@]}"); sm=$(median "${SIGNIN[@]}")

# Back-to-back: each run's connections are opened the moment the previous run ends, while its
# last sign-ins still hold the workers, as when clients keep arriving under load. A worker busy
# hashing accepts nothing, so the free one may take every new connection and keep it
# (keep-alive); then only one core hashes. Compared with the median argon2id rate above.
B2B=() B2B_R=() B2B_BUSY=() B2B_OTH=()
b2b_run() { # b2b_run OUTFILE SECONDS: wrk in the background, worker CPU sampled inside the run
	local out=$1 d=$2 w
	DUR=$d wrk_run "$out" "$WRK_CONNS" "$WRK_THREADS" "$base/signin" -s "$BENCH_DIR/signin.lua" >"$out.parsed" &
	w=$!
	sleep 1; worker_ticks "$pid" >"$WORK/ticks0"; c0=$(cpu_sample "$pid")
	sleep $((d - 2)); worker_ticks "$pid" >"$WORK/ticks1"; oth=$(others_pct "$c0" "$(cpu_sample "$pid")")
	wait "$w"
}
b2b_run "$RAW/signin_b2b_prime.txt" 4 # loads the server; the measured runs follow without a gap
for run in $(seq 1 "${B2B_RUNS:-5}"); do
	b2b_run "$RAW/signin_b2b_r$run.txt" "$DUR"
	read -r rps _ _ non se _ <"$RAW/signin_b2b_r$run.txt.parsed"
	bw=$(busy_workers "$WORK/ticks0" "$WORK/ticks1" $((DUR - 2)))
	bad=$(awk '/^signin_bad/ { print $2 }' "$RAW/signin_b2b_r$run.txt")
	bad_total=$((bad_total + ${bad:-0})); non_total=$((non_total + non)); se_total=$((se_total + se))
	good_total=$((good_total + $(awk '/^signin_good/ { print $2 }' "$RAW/signin_b2b_r$run.txt")))
	r=$(awk -v s="$rps" -v a="$am" 'BEGIN { printf "%.2f", (a > 0 ? s / a : 0) }')
	B2B+=("$rps"); B2B_R+=("$r"); B2B_BUSY+=("${bw%% *}"); B2B_OTH+=("$oth")
	printf '  back-to-back run %d  sign-in %.1f /s   ratio to the argon2id median %.2f   MHD threads busy %s  (other processes: %s%%)\n' "$run" "$rps" "$r" "$bw" "$oth"
done
b2b_ratio=$(median "${B2B_R[@]}")
b2b_verdict=$(awk -v r="$b2b_ratio" 'BEGIN { print (r >= 0.85) ? "met" : "MISSED" }')
hwm=$(kb VmHWM "$pid")
ratio_med=$(awk -v s="$sm" -v a="$am" 'BEGIN { printf "%.2f", (a > 0 ? s / a : 0) }')
ratio=$(median "${RATIOS[@]}")
verdict=$(awk -v r="$ratio" -v b="$((bad_total + non_total + se_total))" \
	'BEGIN { print (r >= 0.85 && b == 0) ? "met" : "MISSED" }')

# What the server recorded: every sign-in is a signin.password audit record, none may fail.
audit=""
if command -v sqlite3 >/dev/null; then
	audit=$(sqlite3 "$dir/gcas.db" "SELECT action || '=' || count(*) FROM audit GROUP BY action ORDER BY action" | paste -sd' ')
fi

echo
printf '| measurement | median | per run |\n|---|---|---|\n'
printf '| argon2id verify, %s threads (opslimit %s, memlimit %s B); %d runs around the sign-in runs | %.1f /s | %s |\n' "$ARGON_THREADS" "$ops" "$mem" "${#ARGON[@]}" "$am" "${ARGON[*]}"
printf '| POST /signin, wrk -t%s -c%s, server --threads %s | %.1f /s | %s |\n' "$WRK_THREADS" "$WRK_CONNS" "$SERVER_THREADS" "$sm" "${SIGNIN[*]}"
printf '| sign-in / argon2id, each run against its bracketing argon2id runs (median; per run) | %s | %s |\n' "$ratio" "${RATIOS[*]}"
printf '| sign-in / argon2id, ratio of the two medians | %s | |\n' "$ratio_med"
printf '| back-to-back runs (connections opened while the workers are busy): sign-ins/s | %.1f /s | %s |\n' "$(median "${B2B[@]}")" "${B2B[*]}"
printf '| back-to-back: sign-in / argon2id median (median; per run) | %s | %s |\n' "$b2b_ratio" "${B2B_R[*]}"
printf '| back-to-back: MHD threads busy per run | | %s |\n' "${B2B_BUSY[*]}"
printf '| sign-in latency p50 / p99 (median) | %.0f / %.0f ms | |\n' "$(median "${P50[@]}")" "$(median "${P99[@]}")"
printf '| MHD threads busy (>= 25 %% of a core) during the run | | %s |\n' "${BUSY[*]}"
printf '| %% of the machine used by other processes (wrk included) during the runs / back-to-back runs | | %s / %s |\n' "${OTHERS[*]}" "${B2B_OTH[*]}"
printf '| successful password steps / other answers / socket errors | %d / %d / %d | |\n' "$good_total" "$((bad_total > non_total ? bad_total : non_total))" "$se_total"
echo
echo "target >= 0.85 with no errors: $verdict (bracketed runs), $b2b_verdict (back-to-back runs).  server VmHWM ${hwm} kB.  audit: ${audit:-(sqlite3 not installed)}"
[ "$first_bad" != 0 ] && echo "first unexpected status: $first_bad"
printf '{"bench":"signin","build":"'"${BUILD_DIR//%/%%}"'","url":"%s","server_threads":%s,"wrk":"-t%s -c%s","argon2_threads":%s,"opslimit":%s,"memlimit":%s,"duration_s":%s,"runs":%s,"argon2_per_s_runs":%s,"argon2_per_s_median":%s,"signin_per_s_runs":%s,"signin_per_s_median":%s,"ratio":%s,"ratio_per_run":%s,"ratio_of_medians":%s,"b2b_per_s_runs":%s,"b2b_ratio_per_run":%s,"b2b_ratio":%s,"b2b_busy_per_run":%s,"b2b_target":"%s","p50_ms_median":%s,"p99_ms_median":%s,"busy_workers_per_run":%s,"machine_busy_pct_before":"%s","others_pct_per_run":%s,"b2b_others_pct_per_run":%s,"good":%d,"bad":%d,"non2xx_total":%d,"sock_errors_total":%d,"vmhwm_kb":%s,"audit":"%s","target":"%s","machine":"%s","when":"%s"}\n' \
	"$base/signin" "$SERVER_THREADS" "$WRK_THREADS" "$WRK_CONNS" "$ARGON_THREADS" "$ops" "$mem" "$DUR" "$RUNS" \
	"$(json_list "${ARGON[@]}")" "$am" "$(json_list "${SIGNIN[@]}")" "$sm" "$ratio" "$(json_list "${RATIOS[@]}")" "$ratio_med" \
	"$(json_list "${B2B[@]}")" "$(json_list "${B2B_R[@]}")" "$b2b_ratio" "$(json_list "${B2B_BUSY[@]}")" "$b2b_verdict" \
	"$(median "${P50[@]}")" "$(median "${P99[@]}")" "$(json_list "${BUSY[@]}")" "${QUIET[*]}" "$(json_list "${OTHERS[@]}")" "$(json_list "${B2B_OTH[@]}")" "$good_total" "$bad_total" "$non_total" "$se_total" "$hwm" \
	"$audit" "$verdict" "$(machine_note)" "$(date -u +%FT%TZ)" >>"$OUT"
echo "Row appended to ${OUT#$REPO_DIR/}; raw output in ${RAW#$REPO_DIR/}/"
