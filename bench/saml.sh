#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154 # GDIR_* are set by printf -v in lib.sh
# SAML responses per second (issue 4 §8), beside the machine's RSA-2048 signing rate measured in
# the same run (`openssl speed -seconds 3 rsa2048`, median of RUNS; it divides by user CPU
# time, so it is a per-core figure):
#   in-process  bench/saml.c (built as saml_bench): "lasso" = Lasso builds and signs the Response
#               (no database), "svc" = the whole IdP-initiated use case with its audit record,
#               on 1 and THREADS threads; per wall second and per CPU second.
#   HTTP        wrk at CLIENTS connections against `gcas serve` (SQLite, SERVER_THREADS):
#               GET /saml/idp-initiated?sp=... with a signed-in session (bench/seed_sessions),
#               each answer a page with a freshly signed Response; audited like any sign-in.
# Every Response carries two RSA-SHA256 signatures (Response and assertion), so the target is
# 0.8 × RSA ÷ 2 per core (× nproc for the whole machine); the last lines print each figure's
# share of its target and whether it is met. Rows in bench/results/saml.jsonl.
# usage: bench/saml.sh BUILD_DIR   env: DUR=10 RUNS=3 THREADS=2 CLIENTS=16 SERVER_THREADS=4
#        SAML_PORT=18094
set -uo pipefail
DUR=${DUR:-10}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init "${1:-}"
need_tools curl openssl wrk
THREADS=${THREADS:-$(nproc)}
CLIENTS=${CLIENTS:-16}
SERVER_THREADS=${SERVER_THREADS:-4}
PORT=${SAML_PORT:-18094}
INPROC="$BUILD_DIR/bench/saml_bench"
SEED="$BUILD_DIR/bench/seed_sessions"
OUT="$RESULTS_DIR/saml.jsonl"
RAW="$RESULTS_DIR/raw/saml_$STAMP"
mkdir -p "$RAW"
for b in "$INPROC" "$SEED"; do
	[ -x "$b" ] || die "$b not found: build first (ninja -C $BUILD_DIR)"
done

# --- the machine's RSA-2048 signing rate, per core ------------------------------------------
rsa=()
for i in $(seq 1 "$RUNS"); do
	r=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}')
	rsa+=("${r:-0}")
done
RSA=$(median "${rsa[@]}")
TARGET=$(awk -v r="$RSA" 'BEGIN { printf "%.0f", 0.8 * r / 2 }')
echo "openssl rsa2048 sign/s per core: $RSA (runs: ${rsa[*]}); target per core: $TARGET responses/s"

# --- in-process ------------------------------------------------------------------------------
"$INPROC" "$DUR" "$THREADS" | tee "$RAW/inprocess.txt" || die "saml_bench failed"
inproc() { awk -v p="$1" -v t="$2" -v f="$3" '$1 == p && $2 == t { print $f; exit }' "$RAW/inprocess.txt"; }

# --- over HTTP -------------------------------------------------------------------------------
gcas_setup saml "$PORT" "$SERVER_THREADS"
dir=$GDIR_saml
cat >"$dir/sp.xml" <<'XML'
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://bench-sp.test/saml"><md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat><md:AssertionConsumerService index="0" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://bench-sp.test/saml/acs"/></md:SPSSODescriptor></md:EntityDescriptor>
XML
gcas_cli "$dir" keys generate --use saml --now >"$dir/keys.log" 2>&1 || { cat "$dir/keys.log" >&2; die "gcas keys generate failed"; }
gcas_cli "$dir" sso sp add --metadata "$dir/sp.xml" --name bench >"$dir/sp.log" 2>&1 || { cat "$dir/sp.log" >&2; die "gcas sso sp add failed"; }
COOKIE=$("$SEED" "sqlite:$dir/gcas.db" "$BENCH_EMAIL" 1 | head -1)
[ -n "$COOKIE" ] || die "no session seeded"
gcas_start saml "$PORT"
URL="http://127.0.0.1:$PORT/saml/idp-initiated?sp=https%3A%2F%2Fbench-sp.test%2Fsaml"
code=$(curl -s -o "$RAW/page.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$URL")
[ "$code" = 200 ] && grep -q 'name="SAMLResponse"' "$RAW/page.html" || die "the IdP did not answer with a Response ($code)"
http=()
for i in $(seq 1 "$RUNS"); do
	read -r rps p50 p99 non se req < <(wrk_run "$RAW/wrk_$i.txt" "$CLIENTS" 2 "$URL" -H "Cookie: $COOKIE")
	[ "${non:-0}" = 0 ] && [ "${se:-0}" = 0 ] || echo "run $i: $non non-2xx, $se socket errors" >&2
	echo "HTTP run $i: $rps responses/s (p50 $p50 ms, p99 $p99 ms, $req requests)"
	http+=("$rps")
done
HTTP=$(median "${http[@]}")

NPROC=$(nproc)
printf '{"bench":"saml","stamp":"%s","machine":"%s","rsa2048_sign_per_core":%s,"target_per_core":%s,"target_machine":%s,' \
	"$STAMP" "$(machine_note)" "$RSA" "$TARGET" "$((TARGET * NPROC))" >>"$OUT"
printf '"lasso_1t_per_s":%s,"lasso_1t_per_cpu_s":%s,"lasso_%st_per_s":%s,"svc_1t_per_s":%s,"svc_1t_per_cpu_s":%s,"svc_%st_per_s":%s,"http_per_s":%s,"http_runs":%s}\n' \
	"$(inproc lasso 1 5)" "$(inproc lasso 1 7)" "$THREADS" "$(inproc lasso "$THREADS" 5)" \
	"$(inproc svc 1 5)" "$(inproc svc 1 7)" "$THREADS" "$(inproc svc "$THREADS" 5)" "$HTTP" \
	"$(json_list "${http[@]}")" >>"$OUT"
# verdict FIGURE TARGET LABEL: the figure as a share of its target, and whether it is met.
verdict() {
	awk -v f="$1" -v t="$2" -v l="$3" 'BEGIN {
		p = t > 0 ? 100 * f / t : 0
		printf "  %-44s %8.1f  %5.1f%% of %d  %s\n", l, f, p, t, (p >= 100 ? "MET" : "NOT MET")
	}'
}
echo "target (issue 4 §8): 0.8 x $RSA RSA-2048 signs/s / 2 signatures = $TARGET responses per CPU-second" \
	"($((TARGET * NPROC)) per second on $NPROC cores)"
echo "in-process: Lasso alone $(inproc lasso 1 7)/CPU-s (1 thread), $(inproc lasso "$THREADS" 5)/s ($THREADS threads);" \
	"use case $(inproc svc 1 7)/CPU-s, $(inproc svc "$THREADS" 5)/s ($THREADS threads)"
echo "HTTP: $HTTP responses/s (median of ${http[*]})"
echo "verdict (figure, share of target):"
verdict "$(inproc lasso 1 7)" "$TARGET" "Lasso build + sign, per CPU-second"
verdict "$(inproc svc 1 7)" "$TARGET" "use case with audit, per CPU-second"
verdict "$HTTP" "$((TARGET * NPROC))" "HTTP ($CLIENTS connections), per second"
