#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `gcas env` on the real binary (meson suite 'e2e', TAP): request as a manager (--as), the
# operator's approve / reject / fulfil through the local driver, listing, deletion, and the
# refusals with their exit statuses (64 usage, 65 invalid or conflict, 66 not found, 77 not a
# manager who may request). SQLite in a temporary directory; sqlite3 stands in for the two web
# steps the CLI has no command for (a manager finishing account set-up, the team registering
# its system).
#
#   tests/e2e/env_cli.sh BUILD_DIR
set -u

BUILD=${1:?usage: tests/e2e/env_cli.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
GCAS=$BUILD/gcas
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gcas-envcli.XXXXXX")
N=0
FAILED=0
trap 'rm -rf "$TMP"' EXIT

ok() {
	N=$((N + 1))
	echo "ok $N - $*"
}
not_ok() {
	N=$((N + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $N - $*"
	[ -s "$TMP/out" ] && sed 's/^/#   /' "$TMP/out"
}

# Run gcas with the test database; stdout+stderr in $TMP/out, status in RC.
g() {
	"$GCAS" --db "sqlite:$TMP/gcas.db" "$@" >"$TMP/out" 2>&1
	RC=$?
}

# expect STATUS DESCRIPTION [GREP_PATTERN]: the last g call's status (and output).
expect() {
	local want=$1 what=$2 pat=${3:-}
	if [ "$RC" -eq "$want" ] && { [ -z "$pat" ] || grep -qE -- "$pat" "$TMP/out"; }; then
		ok "$what"
	else
		not_ok "$what (exit $RC, want $want${pat:+, output matching /$pat/})"
	fi
}

sq() { sqlite3 "$TMP/gcas.db" "$@"; }

for v in $(compgen -e); do
	case $v in
	GCAS_TEST_* | GCAS_PG_*) ;;
	GCAS_*) unset "$v" ;;
	esac
done
cd "$TMP" || exit 1
if [ ! -x "$GCAS" ] || ! command -v sqlite3 >/dev/null; then
	echo "1..0 # SKIP no gcas binary in $BUILD, or no sqlite3"
	exit 0
fi

g init </dev/null
expect 0 "gcas init"
g org create agency --name 甲市 --type local --code 131016
AG=$(grep -E '^[0-9a-f]{32}$' "$TMP/out")
g org create project --parent "$AG" --name 甲市住民記録
PJ=$(grep -E '^[0-9a-f]{32}$' "$TMP/out")
g user create --email pm@a.example.jp --role project_manager --org "$PJ" --family-name 山田 \
	--given-name 花子 --family-kana ヤマダ --given-kana ハナコ
PM=$(grep -E '^[0-9a-f]{32}$' "$TMP/out")
g user create --email ps@a.example.jp --role project_staff --org "$PJ" --family-name 佐藤 \
	--given-name 一郎 --family-kana サトウ --given-kana イチロウ
PS=$(grep -E '^[0-9a-f]{32}$' "$TMP/out")
if [ -n "$AG" ] && [ -n "$PJ" ] && [ -n "$PM" ] && [ -n "$PS" ]; then
	ok "an agency, its project team, a project manager and a project staff member"
else
	not_ok "fixtures (agency $AG, team $PJ, manager $PM, staff $PS)"
	echo "1..$N"
	exit 1
fi

# ---- refusals before anything exists ----
g env
expect 64 "gcas env without a subcommand: usage, 64" "usage: gcas env"
g env frobnicate
expect 64 "an unknown subcommand: 64" 'unknown subcommand "frobnicate"'
g env request --project "$PJ" --csp aws --kind production --reason 本番
expect 64 "a request without --as: 64" "--as EMAIL"
g env request --as nobody@a.example.jp --project "$PJ" --csp aws --kind production --reason x
expect 66 "--as an unknown address: 66" "cannot find the applicant"
g env request --as pm@a.example.jp --project "$PJ" --csp aws --kind production --reason x
expect 77 "--as a manager who has not finished set-up (pending): 77" "not an active"

# The web steps: the operator and the manager finish set-up (only active accounts are mailed
# or may act), the team registers its system (aws; no CI/CD).
sq "UPDATE accounts SET status = 'active' WHERE id IN ('$PM', '$PS') OR role = 'operator';
INSERT INTO systems (id, project_id, agency_id, name, purpose, lifecycle, csps, environments,
  contacts, period_start, classification, billing_unit, ci_cd, version, created_at, updated_at)
VALUES ('sys00000000000000000000000000001', '$PJ', '$AG', '住民記録システム', '住民票', 'building',
  'aws', 'production staging', '$PM', '2026-04-01', 'c2', '市民課', 0, 1, 0, 0);"
ok "the operator and the manager are active, the team's system registered (sqlite3)"

g env request --as ps@a.example.jp --project "$PJ" --csp aws --kind production --reason x
expect 77 "--as project staff (may not request): 77" "only they may request"
g env request --as pm@a.example.jp --project "$PJ" --csp azure --kind development --reason ""
expect 65 "azure, development without CI/CD, no reason: 65 with every message" \
	"cannot request the environment"
grep -q "CI/CD" "$TMP/out" && grep -q "reason" "$TMP/out" && ok "  the messages say why" ||
	not_ok "  the messages say why"
g env request --as pm@a.example.jp --project 0123456789abcdef0123456789abcdef --csp aws \
	--kind production --reason x
expect 66 "an unknown project team: 66"

# ---- request, approve, fulfil ----
g env request --as PM@A.example.jp --project "$PJ" --csp aws --kind production --reason 本番環境の開設 \
	--key cli-key-1
expect 0 "the project manager requests aws production (--as, any case)" $'\tcreate\tsubmitted\taws production'
RQ=$(cut -f1 "$TMP/out" | head -n 1)
g env request --as pm@a.example.jp --project "$PJ" --csp aws --kind production --reason 本番環境の開設 \
	--key cli-key-1
expect 0 "the same key again" "^$RQ"$'\t'
if [ "$(sq "SELECT COUNT(*) FROM env_requests")" = 1 ]; then
	ok "  answers with the first request, no second one"
else
	not_ok "  answers with the first request, no second one"
fi
if [ "$(sq "SELECT applicant_id FROM env_requests WHERE id = '$RQ'")" = "$PM" ] &&
	[ "$(sq "SELECT actor_id FROM audit WHERE action = 'env.submitted'")" = "$PM" ]; then
	ok "  the request and its audit record are the manager's"
else
	not_ok "  the request and its audit record are the manager's"
fi
if [ "$(sq "SELECT COUNT(*) FROM outbox WHERE template = 'environment.submitted'")" = 1 ]; then
	ok "  the operator is mailed"
else
	sq "SELECT to_addr, template FROM outbox" >"$TMP/out"
	not_ok "  the operator is mailed"
fi
g env requests --state nonsense
expect 64 "requests --state nonsense: 64" 'unknown state "nonsense"'
g env requests --state submitted
expect 0 "the submitted requests" "^$RQ"$'\t'
g env fulfil "$RQ"
expect 65 "fulfilling before approval: 65" "not approved"
g env approve
expect 64 "approve without an id: 64" "say which request"
g env approve 0123456789abcdef0123456789abcdef
expect 66 "approving an unknown request: 66"
g env approve "$RQ" --note 確認済み
expect 0 "the operator approves" $'\tapproved\t.*\tdue [0-9]{4}-[0-9]{2}-[0-9]{2}'
g env approve "$RQ"
expect 65 "approving twice: 65" "not awaiting a decision"
g env fulfil "$RQ"
expect 0 "the operator fulfils through the local driver" $'\tfulfilled\t'
# The local driver gives a SCIM endpoint and a fresh token: kept sealed, never in clear.
# The local cloud's SCIM server (proto_scim.c) is addressed by the environment's own id.
if [ "$(sq "SELECT scim_url LIKE '%/local-cloud/' || id || '/scim/v2' AND
	length(scim_token_sealed) > 60 FROM environments")" = 1 ]; then
	ok "  the SCIM endpoint kept, the token sealed (the CLI opens the signer)"
else
	sq "SELECT scim_url, scim_token_sealed FROM environments" >"$TMP/out"
	not_ok "  the SCIM endpoint kept, the token sealed (the CLI opens the signer)"
fi
g env list --project "$PJ"
expect 0 "the team's environments" $'\tactive\taws production\tproject '"$PJ"$'\tlocal\tgcas-local-[0-9]{12}\t'
ENV=$(cut -f1 "$TMP/out" | head -n 1)

# ---- a rejection ----
g env request --as pm@a.example.jp --project "$PJ" --csp aws --kind staging --reason 検証
R2=$(cut -f1 "$TMP/out" | head -n 1)
g env reject "$R2"
expect 64 "a rejection without a reason: 64" "--reason TEXT"
g env reject "$R2" --reason 本番で検証してください
expect 0 "the operator rejects with a reason" $'\trejected\t'
g env fulfil "$R2"
expect 65 "a rejected request cannot be fulfilled: 65"

# ---- deletion ----
g env delete --as pm@a.example.jp --reason 終了
expect 64 "delete without the environment: 64" "say which environment"
g env delete "$ENV" --as pm@a.example.jp --reason 利用終了
expect 0 "the manager requests the deletion" $'\tdelete\tsubmitted\t'
DQ=$(cut -f1 "$TMP/out" | head -n 1)
g env delete "$ENV" --as pm@a.example.jp --reason もう一度
expect 65 "a second deletion request: 65"
g env approve "$DQ"
expect 0 "the operator approves the deletion"
g env fulfil "$DQ"
expect 0 "and fulfils it" $'\tfulfilled\t'
g env list
expect 0 "every environment (the operator's view)" "^$ENV"$'\tclosed\t'
g env requests --project "$PJ"
if [ "$RC" -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq 3 ]; then
	ok "the team's three requests"
else
	not_ok "the team's three requests (exit $RC)"
fi
g audit verify
expect 0 "the audit chain still verifies"

echo "1..$N"
[ "$FAILED" -eq 0 ]
