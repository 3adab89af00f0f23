#!/bin/bash
# SPDX-License-Identifier: MIT
# Console sign-in and token benchmarks (issue 4 §8), gcas beside its peers IN THE SAME RUN:
#   peers   ../shared/peers: node oidc-provider (client_credentials RS256 token rate and its
#           complete code flow at c50) and Glewlwyd (client_credentials RS256 at c50), with the
#           peers' own scripts; `openssl speed rsa2048` for the machine's signing rate.
#   gcas    wrk with the peers' settings at CLIENTS (50) keep-alive connections and bench/sso.lua,
#           each with its own signed-in session (bench/seed_sessions.c) and grants stored first
#           by bench/seed_grants.c, against `gcas serve` on SQLite (and PostgreSQL with
#           PG=1): authorization-code redemptions/s (codes made first, untimed; every grant
#           durably stored), refresh exchanges/s (rotation), complete flows/s (authorize → code
#           → token), each with RS256 and with ES256 ID tokens (*_es), and SAML SP-initiated
#           AuthnRequest → signed Response per second.
# Targets (issue 4 §8): redemptions and refreshes ≥ 2× oidc-provider's token rate and ≥ 10×
# Glewlwyd's; flows ≥ 3× oidc-provider's code-flow rate; SAML responses ≥ 0.8 × RSA-2048
# signs/s ÷ 2 signatures per response. Medians of RUNS runs; rows in bench/results/sso.jsonl.
# usage: bench/sso.sh BUILD_DIR   env: CLIENTS=50 DUR=10 RUNS=3 PEERS=1 PG=0 PG_PORT=55475
#        SERVER_THREADS=16 SSO_PORT=18090 PEERS_DIR=../shared/peers
#        MODES="redeem refresh flow redeem_es refresh_es flow_es saml" (a subset; verdicts need all)
set -uo pipefail
DUR=${DUR:-10}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "${1:-}"
need_tools curl openssl python3 wrk
CLIENTS=${CLIENTS:-50}
PEERS=${PEERS:-1}
PG=${PG:-0}
PG_PORT=${PG_PORT:-55475}
SERVER_THREADS=${SERVER_THREADS:-16} # the configuration default
PORT=${SSO_PORT:-18090}
PEERS_SRC=${PEERS_DIR:-$REPO_DIR/../shared/peers}
SEED="$BUILD_DIR/bench/seed_sessions"
SEED_GRANTS="$BUILD_DIR/bench/seed_grants"
# codes stored before each redemption run, per second of it (more than it can redeem)
GRANTS_PER_S=${GRANTS_PER_S:-12000}
OUT="$RESULTS_DIR/sso.jsonl"
RAW="$RESULTS_DIR/raw/sso_$STAMP"
mkdir -p "$RAW"
for b in "$SEED" "$SEED_GRANTS"; do
	[ -x "$b" ] || die "$b not found: build first (ninja -C $BUILD_DIR)"
done

# --- the machine's RSA-2048 signing rate (one process = one core), median of RUNS ----------
rsa=()
for i in $(seq 1 "$RUNS"); do
	r=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}')
	rsa+=("${r:-0}")
done
RSA=$(median "${rsa[@]}")
echo "openssl rsa2048 sign/s per core: $RSA (runs: ${rsa[*]})"

# --- peers, with their own scripts, in this run ---------------------------------------------
OP_TOKEN=0 OP_FLOW=0 GL_TOKEN=0
if [ "$PEERS" = 1 ]; then
	[ -d "$PEERS_SRC" ] || die "no peers folder $PEERS_SRC (PEERS=0 skips them)"
	cp -r "$PEERS_SRC" "$WORK/peers"
	rm -f "$WORK/peers/results/results.jsonl"
	(cd "$WORK/peers/oidc-provider" && [ -d node_modules ] || npm ci --silent >/dev/null 2>&1)
	(cd "$WORK/peers" && CONNS=50 RUNS=$RUNS DUR=${DUR}s ./oidc-provider/bench.sh) >"$RAW/oidc-provider.log" 2>&1
	if command -v glewlwyd >/dev/null; then
		(cd "$WORK/peers" && CONNS=50 RUNS=$RUNS DUR=${DUR}s ./glewlwyd/bench.sh) >"$RAW/glewlwyd.log" 2>&1
	else
		echo "glewlwyd is not installed (apt-get install glewlwyd): its row stays 0"
	fi
	cp "$WORK/peers/results/results.jsonl" "$RAW/peers.jsonl" 2>/dev/null
	read -r OP_TOKEN OP_FLOW GL_TOKEN < <(python3 - "$RAW/peers.jsonl" <<'EOF'
import json, sys
op_tok = op_flow = gl_tok = 0.0
try:
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
except OSError:
    rows = []
for r in rows:
    if r.get("conns") != 50:
        continue
    if r.get("target") == "oidc-provider" and r.get("test") == "cc_token_jwt":
        op_tok = r["rps_median"]
    if r.get("target") == "oidc-provider" and "code flow" in r.get("test", ""):
        op_flow = r["flows_per_s_median"]
    if r.get("target") == "glewlwyd" and r.get("test") == "cc_token_plainsecret":
        gl_tok = r["rps_median"]
print(op_tok, op_flow, gl_tok)
EOF
	)
fi
echo "peers at c50: oidc-provider token $OP_TOKEN/s, code flow $OP_FLOW flows/s; Glewlwyd token $GL_TOKEN/s"

# --- gcas -------------------------------------------------------------------------------------
# setup_engine NAME DSN: data dir, config (codes live 10 minutes so the untimed batch of codes
# made before the redemption run stays valid), gcas init, one OIDC client, one SAML SP.
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
[oidc]
code_ttl = 10m
[log]
level = ${BENCH_LOG_LEVEL:-warn}
EOF
	printf '%s\n' "$BENCH_PASSWORD" | gcas_cli "$dir" init --email "$BENCH_EMAIL" --password-stdin \
		>"$dir/init.log" 2>&1 || { cat "$dir/init.log" >&2; die "gcas init ($name) failed"; }
	gcas_cli "$dir" sso client add --name bench --redirect-uri "http://127.0.0.1:18079/cb" \
		>"$dir/client.txt" 2>"$dir/client.err" || { cat "$dir/client.err" >&2; die "client add failed"; }
	CID=$(awk '$1 == "client_id" {print $2}' "$dir/client.txt")
	CSECRET=$(awk '$1 == "client_secret" {print $2}' "$dir/client.txt")
	# The same with ID tokens signed ES256 (a client may register id_token_signed_response_alg
	# ES256): shows what the RSA signature costs on each path.
	gcas_cli "$dir" sso client add --name bench-es --alg ES256 \
		--redirect-uri "http://127.0.0.1:18079/cb" >"$dir/client_es.txt" 2>"$dir/client.err" ||
		{ cat "$dir/client.err" >&2; die "client add (ES256) failed"; }
	CID_ES=$(awk '$1 == "client_id" {print $2}' "$dir/client_es.txt")
	CSECRET_ES=$(awk '$1 == "client_secret" {print $2}' "$dir/client_es.txt")
	SP_ENTITY="http://127.0.0.1:18078/sp"
	SP_ACS="http://127.0.0.1:18078/sp/acs"
	cat >"$dir/sp.xml" <<EOF
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="$SP_ENTITY">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="$SP_ACS" index="0"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
EOF
	gcas_cli "$dir" sso sp add --metadata "$dir/sp.xml" --name bench >"$dir/sp.txt" 2>&1 ||
		{ cat "$dir/sp.txt" >&2; die "sp add failed"; }
}

# run_load ENGINE MODE: RUNS runs of wrk with the peers' settings (-t1 -cCLIENTS -dDUR --latency
# --timeout 10s) and bench/sso.lua; what a run consumes (codes, refresh tokens, sessions) is
# stored first, untimed, by seed_grants / seed_sessions. Prints the median rate.
declare -A RATE ERRS P99
VERIFIER=$(openssl rand -hex 32)
CHALLENGE=$(printf %s "$VERIFIER" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')
REDIRECT="http://127.0.0.1:18079/cb"
run_load() {
	local eng=$1 mode=$2 i rates=() p99s=() errs=0 out cid=$CID sec=$CSECRET grants=""
	local m=${mode%_es}
	if [ "$m" != "$mode" ]; then cid=$CID_ES sec=$CSECRET_ES; fi
	for i in $(seq 1 "$RUNS"); do
		out="$RAW/${eng}_${mode}_$i.txt"
		"$SEED" "$DSN" "$BENCH_EMAIL" "$CLIENTS" >"$WORK/cookies.txt" 2>"$out.err" || { cat "$out.err" >&2; die "seed failed"; }
		case $m in
		redeem) grants="$WORK/grants.txt"
			"$SEED_GRANTS" "$DSN" "$BENCH_EMAIL" "$cid" codes $((GRANTS_PER_S * DUR)) "$REDIRECT" "$CHALLENGE" \
				>"$grants" 2>>"$out.err" || { cat "$out.err" >&2; die "seed_grants failed"; } ;;
		refresh) grants="$WORK/grants.txt"
			"$SEED_GRANTS" "$DSN" "$BENCH_EMAIL" "$cid" refresh $((CLIENTS * 4)) \
				>"$grants" 2>>"$out.err" || { cat "$out.err" >&2; die "seed_grants failed"; } ;;
		esac
		wait_quiet >/dev/null
		MODE=$m GRANTS=$grants COOKIES="$WORK/cookies.txt" CLIENT_ID=$cid CLIENT_SECRET=$sec \
			REDIRECT=$REDIRECT VERIFIER=$VERIFIER CHALLENGE=$CHALLENGE SP_ENTITY=$SP_ENTITY ACS=$SP_ACS \
			timeout $((DUR + 60)) wrk -t1 -c"$CLIENTS" -d"${DUR}s" --latency --timeout 10s \
			-s "$REPO_DIR/bench/sso.lua" "http://127.0.0.1:$PORT" >"$out" 2>>"$out.err"
		rates+=("$(awk '$1 == "rate" {print $2}' "$out")")
		p99s+=("$(awk '$1 == "p99_ms" {print $2}' "$out")")
		errs=$((errs + $(awk '$1 == "errors" {s += $2} END {print s + 0}' "$out")))
		sleep 1
	done
	RATE[$eng.$mode]=$(median "${rates[@]}")
	P99[$eng.$mode]=$(median "${p99s[@]}")
	ERRS[$eng.$mode]=$errs
	printf '%-8s %-10s %9.1f/s  p99 %7.2f ms  errors %d  (runs: %s)\n' "$eng" "$mode" \
		"${RATE[$eng.$mode]}" "${P99[$eng.$mode]}" "$errs" "${rates[*]}"
}

ENGINES=(sqlite)
[ "$PG" = 1 ] && ENGINES+=(pg)
for eng in "${ENGINES[@]}"; do
	if [ "$eng" = sqlite ]; then
		DSN="sqlite:$WORK/$eng/gcas.db"
	else
		DSN=$(GCAS_PG_DURABLE=1 GCAS_PG_PORT=$PG_PORT "$REPO_DIR/tests/pg.sh" start) || die "PostgreSQL did not start"
		trap 'GCAS_PG_PORT=$PG_PORT "$REPO_DIR/tests/pg.sh" stop >/dev/null 2>&1; bench_cleanup' EXIT
	fi
	setup_engine "$eng" "$DSN"
	gcas_start "$eng" "$PORT"
	for mode in ${MODES:-redeem refresh flow redeem_es refresh_es flow_es saml}; do run_load "$eng" "$mode"; done
	stop_pid "$(eval echo "\$PID_$eng")"
done

# --- verdicts -----------------------------------------------------------------------------------
python3 - "$OUT" "$STAMP" "$RSA" "$OP_TOKEN" "$OP_FLOW" "$GL_TOKEN" "$CLIENTS" "$(machine_note)" \
	"$(for k in "${!RATE[@]}"; do echo "$k=${RATE[$k]}:${P99[$k]}:${ERRS[$k]}"; done | paste -sd' ')" <<'EOF'
import json, sys
out, stamp, rsa, op_tok, op_flow, gl_tok, clients, machine, rates = sys.argv[1:10]
rsa, op_tok, op_flow, gl_tok = float(rsa), float(op_tok), float(op_flow), float(gl_tok)
row = {"bench": "sso", "when": stamp, "clients": int(clients), "machine": machine,
       "rsa2048_sign_per_core": rsa, "oidc_provider_token_c50": op_tok,
       "oidc_provider_codeflow_c50": op_flow, "glewlwyd_token_c50": gl_tok, "gcas": {}}
for kv in rates.split():
    k, v = kv.split("=")
    r, p99, e = v.split(":")
    row["gcas"][k] = {"rate": float(r), "p99_ms": float(p99), "errors": int(e)}
def verdict(name, got, want):
    ok = want > 0 and got >= want
    print("%-44s %9.1f  target %9.1f  %s" % (name, got, want, "met" if ok else ("no peer figure" if want == 0 else "NOT met")))
for eng in ("sqlite", "pg"):
    g = row["gcas"]
    if eng + ".redeem" not in g:
        continue
    for mode in ("redeem", "refresh", "redeem_es", "refresh_es"):
        got = g[eng + "." + mode]["rate"]
        verdict("%s %s vs 2x oidc-provider" % (eng, mode), got, 2 * op_tok)
        verdict("%s %s vs 10x Glewlwyd" % (eng, mode), got, 10 * gl_tok)
    for mode in ("flow", "flow_es"):
        verdict("%s complete %s vs 3x oidc-provider" % (eng, mode), g[eng + "." + mode]["rate"], 3 * op_flow)
    # 2 signatures per response (Response and Assertion). "The machine's RSA-2048 signing
    # rate" is read two ways: as the peers' crypto script measures it (one `openssl speed`
    # process), and as both cores together; both are printed.
    verdict("%s SAML vs 0.8 x RSA (one process) / 2" % eng, g[eng + ".saml"]["rate"], 0.8 * rsa / 2)
    verdict("%s SAML vs 0.8 x 2 cores x RSA / 2" % eng, g[eng + ".saml"]["rate"], 0.8 * 2 * rsa / 2)
    # What RS256 allows at all: one RSA signature per grant, both cores signing and nothing else.
    got = g[eng + ".redeem"]["rate"]
    print("%-44s %9.1f  = %.0f %% of 2 cores x RSA (%.0f/s: no HTTP, database or client)" % (
        "%s RS256 redeem, RSA-bound" % eng, got, 100 * got / (2 * rsa), 2 * rsa))
with open(out, "a") as f:
    f.write(json.dumps(row) + "\n")
EOF
