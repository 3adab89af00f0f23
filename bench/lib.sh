# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034,SC2046
# Shared helpers for the bench/*.sh scripts (sourced, not run): starting and stopping gcas and
# nginx by recorded PID, bounded wrk runs parsed into numbers, medians, RSS from /proc, and JSON
# lines in bench/results/. Everything listens on and talks to 127.0.0.1 only.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
RESULTS_DIR="$BENCH_DIR/results"
mkdir -p "$RESULTS_DIR/raw"

RUNS=${RUNS:-3}
DUR=${DUR:-10}         # seconds per wrk run
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK=""                # temp dir of this run (data dirs, configs, logs), removed at exit
PIDS_TO_STOP=()        # every server we started, stopped at exit

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

need_tools() {
	for t in "$@"; do command -v "$t" >/dev/null || die "needs $t (apt-get install $t)"; done
}

# bench_init BUILD_DIR: checks the build, makes the temp dir, installs the exit trap.
bench_init() {
	[ -n "${1:-}" ] || die "usage: $0 BUILD_DIR"
	BUILD_DIR="$(cd "$1" 2>/dev/null && pwd)" || die "no build directory $1"
	GCAS="$BUILD_DIR/gcas"
	[ -x "$GCAS" ] || die "$GCAS not found: build first (ninja -C $1)"
	WORK=$(mktemp -d /tmp/gcas-bench.XXXXXX)
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	local p
	for p in "${PIDS_TO_STOP[@]}"; do stop_pid "$p"; done
	[ -n "$WORK" ] && [ -z "${KEEP_WORK:-}" ] && rm -rf "$WORK"
	return 0
}

# stop_pid PID: SIGTERM (SIGQUIT for an nginx master), wait up to 5 s, then SIGKILL. Only PIDs
# this script started are ever passed here.
stop_pid() {
	local pid=$1 i comm
	kill -0 "$pid" 2>/dev/null || return 0
	comm=$(ps -p "$pid" -o comm= 2>/dev/null)
	if [ "$comm" = nginx ]; then kill -QUIT "$pid"; else kill -TERM "$pid"; fi
	for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

wait_http() { # wait_http URL: up to 10 s for a 200
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null -m 1 -w '%{http_code}' "$1" 2>/dev/null | grep -q 200 && return 0
		sleep 0.1
	done
	return 1
}

# gcas_setup NAME PORT THREADS: a data directory $WORK/NAME with its own gcas.ini (own SQLite
# database, loopback only, log level warn so logging does not dominate) and a fresh `gcas init`.
# The operator's password is $BENCH_PASSWORD. Sets GDIR_<NAME>.
BENCH_EMAIL=${BENCH_EMAIL:-bench.operator@gcas.example.go.jp}
BENCH_PASSWORD=${BENCH_PASSWORD:-Kumo-sora-7RxQ2vLp-hikari}
gcas_setup() {
	local name=$1 port=$2 threads=$3 dir="$WORK/$1"
	mkdir -p "$dir"
	cat >"$dir/gcas.ini" <<EOF
[server]
listen = 127.0.0.1
port = $port
threads = $threads
base_url = http://127.0.0.1:$port
[database]
url = sqlite:$dir/gcas.db
[log]
level = ${BENCH_LOG_LEVEL:-warn}
EOF
	printf '%s\n' "$BENCH_PASSWORD" | gcas_cli "$dir" init --email "$BENCH_EMAIL" --password-stdin \
		>"$dir/init.log" 2>&1 || { cat "$dir/init.log" >&2; die "gcas init failed"; }
	printf -v "GDIR_$name" '%s' "$dir"
}

# gcas_cli DIR ARGS...: run the binary against DIR's config, from DIR (so no etc/gcas.ini of the
# current directory and no GCAS_* variable of the caller's environment is picked up).
gcas_cli() {
	local dir=$1; shift
	(cd "$dir" && env $(env | sed -n 's/^\(GCAS_[A-Za-z0-9_]*\)=.*/-u \1/p') \
		"$GCAS" --config "$dir/gcas.ini" "$@")
}

# gcas_start NAME PORT: start `gcas serve` for the data dir made by gcas_setup; sets PID_<NAME>.
gcas_start() {
	local name=$1 port=$2 dir="$WORK/$1" pid
	(cd "$dir" && exec env $(env | sed -n 's/^\(GCAS_[A-Za-z0-9_]*\)=.*/-u \1/p') \
		"$GCAS" --config "$dir/gcas.ini" serve >"$dir/serve.log" 2>&1) &
	pid=$!
	PIDS_TO_STOP+=("$pid")
	printf -v "PID_$name" '%s' "$pid"
	wait_http "http://127.0.0.1:$port/healthz" || { cat "$dir/serve.log" >&2; die "gcas $name did not start"; }
}

# nginx_start PORT: nginx from Debian with bench/nginx.conf.in (2 workers, access log off,
# serving bench/www/small.json). Sets NGINX_PID (master) and NGINX_PIDS (master + workers).
nginx_start() {
	local port=$1 dir="$WORK/nginx" i
	mkdir -p "$dir"
	sed -e "s#@DIR@#$dir#g" -e "s#@WWW@#$BENCH_DIR/www#g" -e "s#@PORT@#$port#g" \
		"$BENCH_DIR/nginx.conf.in" >"$dir/nginx.conf"
	/usr/sbin/nginx -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/stdout.log" 2>&1 &
	NGINX_PID=$!
	PIDS_TO_STOP+=("$NGINX_PID")
	wait_http "http://127.0.0.1:$port/small.json" || { cat "$dir/error.log" >&2; die "nginx did not start"; }
	for i in $(seq 1 20); do
		NGINX_PIDS="$NGINX_PID,$(ps --ppid "$NGINX_PID" -o pid= | tr -d ' ' | paste -sd,)"
		[ "$(echo "$NGINX_PIDS" | tr ',' '\n' | grep -c .)" -ge 3 ] && break
		sleep 0.1
	done
}

# kb FIELD PID[,PID...]: summed VmRSS / VmHWM of the PIDs in kB (memrec.py's method).
kb() {
	local field=$1 tot=0 p v
	for p in ${2//,/ }; do
		v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null)
		tot=$((tot + ${v:-0}))
	done
	echo "$tot"
}

# wrk_run OUTFILE CONNS THREADS URL [wrk args...]: one bounded wrk run, raw output kept. Prints
# "rps p50_ms p99_ms non2xx sockerr requests".
wrk_run() {
	local out=$1 c=$2 t=$3 url=$4; shift 4
	case "$url" in http://127.0.0.1:*) ;; *) die "refusing non-loopback URL $url" ;; esac
	{
		echo "\$ wrk -t$t -c$c -d${DUR}s --latency --timeout 10s $* $url"
		timeout $((DUR + 30)) wrk -t"$t" -c"$c" -d"${DUR}s" --latency --timeout 10s "$@" "$url" 2>&1
	} >"$out"
	wrk_parse "$out"
}

wrk_parse() {
	awk '
	function ms(s) {
		if (s ~ /us$/) return substr(s, 1, length(s) - 2) / 1000
		if (s ~ /ms$/) return substr(s, 1, length(s) - 2) + 0
		if (s ~ /s$/) return substr(s, 1, length(s) - 1) * 1000
		return -1
	}
	/Requests\/sec:/ { rps = $2 }
	/^ +50%/ { p50 = ms($2) }
	/^ +99%/ { p99 = ms($2) }
	/requests in/ { req = $1 }
	/Non-2xx or 3xx responses:/ { non = $5 }
	/Socket errors:/ { gsub(",", ""); se = $4 + $6 + $8 + $10 }
	END { printf "%s %s %s %d %d %d\n", rps + 0, p50 + 0, p99 + 0, non, se, req }' "$1"
}

median() { # median NUMBERS...
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print 0; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

json_list() { local IFS=,; echo "[$*]"; }

# machine_note: one line about the machine, for the JSON rows and the README.
machine_note() {
	echo "$(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# worker_ticks PID: "tid ticks" (user + system clock ticks) for each libmicrohttpd thread that
# serves requests: MHD-worker (thread pool), MHD-single (one internal thread), MHD-connection
# (thread per connection).
worker_ticks() {
	local t
	for t in /proc/"$1"/task/*; do
		case "$(cat "$t/comm" 2>/dev/null)" in
		MHD-worker* | MHD-single* | MHD-connection*)
			echo "${t##*/} $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null)" ;;
		esac
	done
}

# busy_workers BEFORE AFTER SECONDS: how many MHD threads used >= 25 % of a core between two
# worker_ticks samples (a thread born in between counts from 0), and their shares, e.g.
# "2 (97% 95%)". libmicrohttpd's pool lets
# whichever worker wakes first accept a burst of new connections, so one worker can end up with
# every connection of a run while the other idles.
busy_workers() {
	local hz
	hz=$(getconf CLK_TCK)
	join -a 2 -e 0 -o 0,1.2,2.2 <(sort "$1") <(sort "$2") | awk -v s="$3" -v hz="$hz" '
		{ p = ($3 - $2) / (s * hz) * 100; if (p >= 25) { n++; l = l sprintf("%s%.0f%%", (l == "" ? "" : " "), p) } }
		END { printf "%d (%s)\n", n, l }'
}

# wait_quiet: the machine is shared; before a measured run wait (up to QUIET_MAX seconds,
# default 30) until the whole machine was at most QUIET_PCT % busy (default 20) over one second,
# so runs do not start in the middle of someone else's build. Prints the busy % it started at.
cpu_busy_pct() {
	local -a a b
	read -r -a a </proc/stat; sleep 1; read -r -a b </proc/stat
	awk -v u="$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))" \
		-v i="$(( (b[4]+b[5]) - (a[4]+a[5]) ))" 'BEGIN { printf "%.0f", (u + i > 0 ? 100 * u / (u + i) : 0) }'
}
wait_quiet() {
	local t0=$SECONDS p
	while :; do
		p=$(cpu_busy_pct)
		[ "$p" -le "${QUIET_PCT:-20}" ] && break
		[ $((SECONDS - t0)) -ge "${QUIET_MAX:-30}" ] && break
	done
	echo "$p"
}

# cpu_sample PID: "machine_busy_ticks total_ticks pid_ticks" now (all CPUs; /proc/stat and
# /proc/PID/stat). others_pct A B: the share of the whole machine used by processes other than
# PID between two samples, in % (what the shared machine took from the run).
cpu_sample() {
	local -a s
	read -r -a s </proc/stat
	echo "$((s[1] + s[2] + s[3] + s[6] + s[7] + s[8])) $((s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7] + s[8])) $(awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0)"
}
others_pct() {
	echo "$1 $2" | awk '{ busy = $4 - $1; tot = $5 - $2; mine = $6 - $3
		printf "%.0f", (tot > 0 ? 100 * (busy - mine) / tot : 0) }'
}
