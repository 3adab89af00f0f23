#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154,SC2046 # GDIR_*/PID_* are set by printf -v; pkg-config output is split on purpose
# The HTTP ceiling: gcas's GET /healthz (`gcas serve`, --threads 2 and 4, log level warn) against
# nginx serving a 248-byte static JSON file (2 workers), wrk -t1 on keep-alive connections,
# RUNS runs per point interleaved (nginx, gcas t2, gcas t4, nginx, ...), medians and ratios from
# the same session. Target: gcas >= 50 % of nginx.
# usage: bench/healthz_vs_nginx.sh BUILD_DIR      env: RUNS=3 DUR=10 CONNS=10,50 THREADS=2,4
#        PROFILE=1 adds a perf profile of gcas (first THREADS value) under wrk -c50.
#        Each run first waits (up to QUIET_MAX=30 s) for the shared machine to be <= QUIET_PCT=20 % busy.
set -uo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "${1:-}"
need_tools wrk curl ss
[ -x /usr/sbin/nginx ] || die "needs nginx (apt-get install nginx)"
CONNS=${CONNS:-10,50}
THREADS=${THREADS:-2,4}
NGINX_PORT=${NGINX_PORT:-18080}
GCAS_PORT=${GCAS_PORT:-18081} # first gcas; the next ones take the following ports
OUT="$RESULTS_DIR/healthz_vs_nginx.jsonl"
RAW="$RESULTS_DIR/raw/healthz_$STAMP"
mkdir -p "$RAW"

# --- servers -------------------------------------------------------------------------------
nginx_start "$NGINX_PORT"
targets=(nginx)
declare -A URL PIDS PORT
URL[nginx]="http://127.0.0.1:$NGINX_PORT/small.json"
PIDS[nginx]=$NGINX_PIDS
PORT[nginx]=$NGINX_PORT
port=$GCAS_PORT
for t in ${THREADS//,/ }; do
	name="gcas_t$t"
	gcas_setup "$name" "$port" "$t"
	gcas_start "$name" "$port"
	pv="PID_$name"
	targets+=("$name")
	URL[$name]="http://127.0.0.1:$port/healthz"
	PIDS[$name]=${!pv}
	PORT[$name]=$port
	port=$((port + 1))
done
sleep 1
declare -A IDLE_RSS
for tg in "${targets[@]}"; do IDLE_RSS[$tg]=$(kb VmRSS "${PIDS[$tg]}"); done

# --- keep-alive: two requests on one connection, and no "Connection: close" ---------------
declare -A KEEPALIVE
for tg in "${targets[@]}"; do
	v=$(curl -sv -o /dev/null -o /dev/null "${URL[$tg]}" "${URL[$tg]}" 2>&1)
	if echo "$v" | grep -q "Re-using existing connection" && ! echo "$v" | grep -qi "^< connection: close"; then
		KEEPALIVE[$tg]=yes
	else
		KEEPALIVE[$tg]=no
		echo "$v" >"$RAW/keepalive_$tg.txt"
	fi
	curl -s -D "$RAW/headers_$tg.txt" -o /dev/null "${URL[$tg]}"
done

# --- load, interleaved -----------------------------------------------------------------------
declare -A RPS P50 P99 NON SERR TW BW QB
echo "healthz vs nginx: RUNS=$RUNS DUR=${DUR}s CONNS=$CONNS wrk -t1; $(machine_note)"
for run in $(seq 1 "$RUNS"); do
	for c in ${CONNS//,/ }; do
		for tg in "${targets[@]}"; do
			q=$(wait_quiet)
			[ "$tg" != nginx ] && worker_ticks "${PIDS[$tg]}" >"$WORK/ticks0"
			read -r rps p50 p99 non se _ < <(wrk_run "$RAW/${tg}_c${c}_r$run.txt" "$c" 1 "${URL[$tg]}")
			bw="-"
			if [ "$tg" != nginx ]; then
				worker_ticks "${PIDS[$tg]}" >"$WORK/ticks1"
				bw=$(busy_workers "$WORK/ticks0" "$WORK/ticks1" "$DUR")
			fi
			# Connections closed during the run leave TIME-WAIT sockets on this port: with
			# keep-alive only the c closed at the end of the run, without it one per request.
			tw=$(ss -Htan state time-wait "( sport = :${PORT[$tg]} or dport = :${PORT[$tg]} )" | wc -l)
			k="$tg,$c"
			RPS[$k]+="$rps "; P50[$k]+="$p50 "; P99[$k]+="$p99 "
			NON[$k]=$(( ${NON[$k]:-0} + non )); SERR[$k]=$(( ${SERR[$k]:-0} + se ))
			TW[$k]+="$tw "; BW[$k]+="${bw%% *} "; QB[$k]+="$q "
			printf '  run %d c=%-3s %-8s %9.0f req/s  p50 %.2f ms  p99 %.2f ms  non2xx %d  sockerr %d  time-wait %d  busy workers %s  (machine %s%% busy before)\n' \
				"$run" "$c" "$tg" "$rps" "$p50" "$p99" "$non" "$se" "$tw" "$bw" "$q"
			sleep 1
		done
	done
done
declare -A HWM AFTER_RSS
for tg in "${targets[@]}"; do
	HWM[$tg]=$(kb VmHWM "${PIDS[$tg]}")
	AFTER_RSS[$tg]=$(kb VmRSS "${PIDS[$tg]}")
done

# --- table and JSON lines --------------------------------------------------------------------
echo
printf '| target | conns | req/s median | per run | p50 ms | p99 ms | vs nginx (ratio of medians) | per-run ratios | non-2xx | sock err | keep-alive | busy MHD workers per run |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
when=$(date -u +%FT%TZ)
for c in ${CONNS//,/ }; do
	nk="nginx,$c"
	nmed=$(median ${RPS[$nk]})
	for tg in "${targets[@]}"; do
		k="$tg,$c"
		med=$(median ${RPS[$k]})
		ratio=$(awk -v a="$med" -v b="$nmed" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		# ratio per run index (both measured within seconds of each other)
		read -r -a mine <<<"${RPS[$k]}"
		read -r -a theirs <<<"${RPS[$nk]}"
		pr=""
		for i in "${!mine[@]}"; do
			pr+=$(awk -v a="${mine[$i]}" -v b="${theirs[$i]}" 'BEGIN { printf "%.2f ", (b > 0 ? a / b : 0) }')
		done
		p50=$(median ${P50[$k]}); p99=$(median ${P99[$k]})
		printf '| %s | %s | %.0f | %s | %.2f | %.2f | %s | %s | %d | %d | %s | %s |\n' "$tg" "$c" "$med" \
			"$(echo ${RPS[$k]} | awk '{ for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? " / " : ""), $i }')" \
			"$p50" "$p99" "$ratio" "${pr% }" "${NON[$k]}" "${SERR[$k]}" "${KEEPALIVE[$tg]}" "${BW[$k]% }"
		printf '{"bench":"healthz_vs_nginx","build":"'"${BUILD_DIR//%/%%}"'","target":"%s","url":"%s","conns":%s,"wrk_threads":1,"duration_s":%s,"runs":%s,"rps_runs":%s,"rps_median":%s,"p50_ms_median":%s,"p99_ms_median":%s,"ratio_vs_nginx":%s,"ratio_per_run":%s,"non2xx_total":%s,"sock_errors_total":%s,"time_wait_after_runs":%s,"keepalive":"%s","busy_workers_per_run":"%s","machine_busy_pct_before":%s,"rss_idle_kb":%s,"rss_after_kb":%s,"vmhwm_kb":%s,"machine":"%s","when":"%s"}\n' \
			"$tg" "${URL[$tg]}" "$c" "$DUR" "$RUNS" "$(json_list ${RPS[$k]})" "$med" "$p50" "$p99" "$ratio" \
			"$(json_list $pr)" "${NON[$k]}" "${SERR[$k]}" "$(json_list ${TW[$k]})" "${KEEPALIVE[$tg]}" "${BW[$k]% }" "$(json_list ${QB[$k]})" \
			"${IDLE_RSS[$tg]}" "${AFTER_RSS[$tg]}" "${HWM[$tg]}" "$(machine_note)" "$when" >>"$OUT"
	done
done
echo
printf '| target | VmRSS idle kB | VmRSS after load kB | VmHWM (peak) kB |\n|---|---|---|---|\n'
for tg in "${targets[@]}"; do
	printf '| %s | %s | %s | %s |\n' "$tg" "${IDLE_RSS[$tg]}" "${AFTER_RSS[$tg]}" "${HWM[$tg]}"
done
echo "(nginx: master + 2 workers summed). Rows appended to ${OUT#$REPO_DIR/}; raw wrk output in ${RAW#$REPO_DIR/}/"
for tg in "${targets[@]}"; do
	[ "${KEEPALIVE[$tg]}" = yes ] || echo "WARNING: $tg did not keep the connection alive; see $RAW/keepalive_$tg.txt"
done

# --- optional: where gcas spends its time ----------------------------------------------------
if [ -n "${PROFILE:-}" ]; then
	need_tools perf
	tg=${targets[1]}
	pid=${PIDS[$tg]}
	echo; echo "perf profile of $tg (pid $pid) under wrk -t1 -c50 for ${DUR}s"
	wrk_run "$RAW/${tg}_c50_profile.txt" 50 1 "${URL[$tg]}" >/dev/null &
	wpid=$!
	sleep 1
	timeout $((DUR + 20)) perf record -q -g -o "$RAW/perf.data" -p "$pid" -- sleep $((DUR - 2)) 2>/dev/null
	wait "$wpid"
	perf report -i "$RAW/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' \
		>"$RAW/perf_by_dso.txt"
	perf report -i "$RAW/perf.data" --no-children --sort dso,symbol --stdio -g none --percent-limit 0.7 2>/dev/null |
		grep -v '^#' | grep -v '^$' >"$RAW/perf_by_symbol.txt"
	echo "by library:"; head -12 "$RAW/perf_by_dso.txt"
	echo "by symbol (>= 0.7 %):"; head -40 "$RAW/perf_by_symbol.txt"
	echo "full profile: perf report -i $RAW/perf.data"
fi
