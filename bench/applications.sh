#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154 # GDIR_*/PID_* are set by printf -v
# Applications throughput (issue 3 §9): CLIENTS threads of bench/applications.c (libcurl,
# keep-alive) each loop "POST /api/v1/applications" (a contractor manager applies for a new
# contractor_staff account with its identity declaration, 201) then ".../{id}/approve" (the
# project manager approves, 200), against `gcas serve --threads SERVER_THREADS`, on SQLite and
# on PostgreSQL (a private cluster from tests/pg.sh on PG_PORT; skipped when unavailable). Per
# engine: fresh database, `gcas init`, bench/seed_apps.c, a WARMUP-second warm-up, RUNS runs of
# DUR seconds; the median pairs/s, latency p50/p99 per request kind and every error. The
# database is then cross-checked: approved applications = pairs counted by the client.
# Builds nothing: BUILD_DIR must hold gcas, bench/applications and bench/seed_apps (ninja).
# usage: bench/applications.sh BUILD_DIR
#        env: CLIENTS=16 DUR=20 RUNS=3 WARMUP=3 SERVER_THREADS=4 APPS_PORT=18088 PG=1 PG_PORT=55473
set -uo pipefail
DUR=${DUR:-20}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "${1:-}"
need_tools curl
CLIENTS=${CLIENTS:-16}
WARMUP=${WARMUP:-3}
SERVER_THREADS=${SERVER_THREADS:-4}
PORT=${APPS_PORT:-18088}
PG=${PG:-1}
PG_PORT=${PG_PORT:-55473}
CLIENT="$BUILD_DIR/bench/applications"
SEED="$BUILD_DIR/bench/seed_apps"
OUT="$RESULTS_DIR/applications.jsonl"
RAW="$RESULTS_DIR/raw/applications_$STAMP"
mkdir -p "$RAW"
for b in "$CLIENT" "$SEED"; do
	[ -x "$b" ] || die "$b not found: build first (ninja -C $BUILD_DIR)"
done

# setup_engine NAME DSN: a data directory $WORK/NAME (its own gcas.ini: loopback, the engine's
# database, log level warn) and a fresh `gcas init`.
setup_engine() {
	local name=$1 dsn=$2 dir="$WORK/$1"
	mkdir -p "$dir"
	cat >"$dir/gcas.ini" <<EOF
[server]
listen = 127.0.0.1
port = $PORT
threads = $SERVER_THREADS
base_url = http://127.0.0.1:$PORT
[database]
url = $dsn
[log]
level = ${BENCH_LOG_LEVEL:-warn}
EOF
	printf '%s\n' "$BENCH_PASSWORD" | gcas_cli "$dir" init --email "$BENCH_EMAIL" --password-stdin \
		>"$dir/init.log" 2>&1 || { cat "$dir/init.log" >&2; die "gcas init ($name) failed"; }
}

val() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; } # val KEY FILE: the client's figure

# approved_count ENGINE DSN: applications in state approved, read from the database itself.
approved_count() {
	local q="SELECT count(*) FROM applications WHERE state = 'approved'"
	case $1 in
	sqlite) command -v sqlite3 >/dev/null && sqlite3 "${2#sqlite:}" "$q" ;;
	postgresql) psql -X -tA "$2" -c "$q" ;;
	esac
}

# run_engine ENGINE DSN: one engine end to end; prints a table row, appends one JSON line.
run_engine() {
	local engine=$1 dsn=$2 dir pid v cm pm org run f t0 cpu0 cpu1 hz errs base q
	local -a RATE=() CP50=() CP99=() AP50=() AP99=() CPU=() CONNS=()
	local pairs_total=0 err_total=0 first_err="" approved verdict
	setup_engine "$engine" "$dsn"
	dir="$WORK/$engine"
	read -r cm pm org < <("$SEED" "$dsn" 2>"$RAW/seed_$engine.log") ||
		{ cat "$RAW/seed_$engine.log" >&2; die "seeding $engine failed"; }
	[ -n "$org" ] || die "seed_apps printed no tokens for $engine"
	gcas_start "$engine" "$PORT"
	v="PID_$engine"
	pid=${!v}
	base="http://127.0.0.1:$PORT"
	hz=$(getconf CLK_TCK)

	"$CLIENT" "$base" "$cm" "$pm" "$org" "$CLIENTS" "$WARMUP" w >"$RAW/${engine}_warmup.txt" ||
		{ cat "$RAW/${engine}_warmup.txt" >&2; die "the warm-up on $engine failed"; }
	pairs_total=$(val pairs "$RAW/${engine}_warmup.txt")
	err_total=$(val errors "$RAW/${engine}_warmup.txt")
	for run in $(seq 1 "$RUNS"); do
		q=$(wait_quiet)
		f="$RAW/${engine}_r$run.txt"
		t0=$(date +%s.%N)
		cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
		timeout $((DUR + 60)) "$CLIENT" "$base" "$cm" "$pm" "$org" "$CLIENTS" "$DUR" "r$run" >"$f" ||
			{ cat "$f" >&2; die "run $run on $engine failed"; }
		cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
		CPU+=("$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$hz" -v t0="$t0" -v t1="$(date +%s.%N)" \
			'BEGIN { printf "%.0f", 100 * (b - a) / hz / (t1 - t0) }')")
		RATE+=("$(val pairs_per_s "$f")"); CONNS+=("$(val connections "$f")")
		CP50+=("$(val create_p50_ms "$f")"); CP99+=("$(val create_p99_ms "$f")")
		AP50+=("$(val approve_p50_ms "$f")"); AP99+=("$(val approve_p99_ms "$f")")
		pairs_total=$((pairs_total + $(val pairs "$f")))
		err_total=$((err_total + $(val errors "$f")))
		[ -z "$first_err" ] && first_err=$(sed -n 's/^first_error //p' "$f")
		errs=$(grep '^error_' "$f" | paste -sd' ')
		printf '  %s run %d  %.1f pairs/s  create p50 %s / p99 %s ms  approve p50 %s / p99 %s ms  errors %s%s  connections opened %s  server CPU %s%% of a core  (machine %s%% busy before)\n' \
			"$engine" "$run" "${RATE[-1]}" "${CP50[-1]}" "${CP99[-1]}" "${AP50[-1]}" "${AP99[-1]}" \
			"$(val errors "$f")" "${errs:+ ($errs)}" "${CONNS[-1]}" "${CPU[-1]}" "$q" >&2
	done
	stop_pid "$pid"
	approved=$(approved_count "$engine" "$dsn")
	verdict=ok
	[ "$err_total" = 0 ] || verdict="ERRORS"
	[ -z "$approved" ] || [ "$approved" = "$pairs_total" ] || verdict="MISMATCH (db $approved, client $pairs_total)"
	printf '| %s | **%.1f** | %s | %s / %s | %s / %s | %s | %s | %s | %s |\n' "$engine" \
		"$(median "${RATE[@]}")" "${RATE[*]}" "$(median "${CP50[@]}")" "$(median "${CP99[@]}")" \
		"$(median "${AP50[@]}")" "$(median "${AP99[@]}")" "$err_total" "${approved:-?} / $pairs_total" \
		"${CPU[*]}" "$verdict"
	[ -n "$first_err" ] && echo "  first error on $engine: $first_err"
	printf '{"bench":"applications","engine":"%s","clients":%s,"server_threads":%s,"duration_s":%s,"runs":%s,"pairs_per_s_runs":%s,"pairs_per_s_median":%s,"create_p50_ms":%s,"create_p99_ms":%s,"approve_p50_ms":%s,"approve_p99_ms":%s,"errors":%s,"pairs_total":%s,"approved_in_db":"%s","connections_per_run":%s,"server_cpu_pct_per_run":%s,"verdict":"%s","machine":"%s","when":"%s"}\n' \
		"$engine" "$CLIENTS" "$SERVER_THREADS" "$DUR" "$RUNS" "$(json_list "${RATE[@]}")" \
		"$(median "${RATE[@]}")" "$(median "${CP50[@]}")" "$(median "${CP99[@]}")" \
		"$(median "${AP50[@]}")" "$(median "${AP99[@]}")" "$err_total" "$pairs_total" "${approved:-}" \
		"$(json_list "${CONNS[@]}")" "$(json_list "${CPU[@]}")" "$verdict" "$(machine_note)" \
		"$(date -u +%FT%TZ)" >>"$OUT"
}

echo "applications create + approve: $CLIENTS client threads, gcas serve --threads $SERVER_THREADS," \
	"warm-up ${WARMUP}s, $RUNS runs of ${DUR}s per engine; $(machine_note)"
rows=()
run_engine sqlite "sqlite:$WORK/sqlite/gcas.db" >"$WORK/row_sqlite"
rows+=("$WORK/row_sqlite")
if [ "$PG" != 1 ]; then
	echo "PostgreSQL skipped (PG=$PG)"
elif ! url=$(GCAS_PG_PORT=$PG_PORT "$REPO_DIR/tests/pg.sh" start 2>"$WORK/pg.log"); then
	echo "PostgreSQL skipped: tests/pg.sh start failed: $(head -c 300 "$WORK/pg.log")"
elif ! psql -X -q "$url" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null 2>&1; then
	echo "PostgreSQL skipped: cannot reset the database at $url"
else
	run_engine postgresql "$url" >"$WORK/row_postgresql"
	rows+=("$WORK/row_postgresql")
	[ -n "${KEEP_PG:-}" ] || GCAS_PG_PORT=$PG_PORT "$REPO_DIR/tests/pg.sh" stop >/dev/null
fi
echo
printf '| engine | pairs/s (median) | per run | create p50 / p99 ms | approve p50 / p99 ms | errors | approved in db / pairs | server CPU %% per run | |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
cat "${rows[@]}"
echo "Rows appended to ${OUT#"$REPO_DIR"/}; raw output in ${RAW#"$REPO_DIR"/}/"
