#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End-to-end test of BreakGlass (issue 4 §6, R4.5): emergency access keeps working while the
# main server and its SSO endpoints are down. Only `gcas breakglass` is ever started here —
# there is no `gcas serve`, so no OIDC or SAML endpoint exists anywhere (meson suite 'e2e', TAP).
#
#   tests/e2e/breakglass.sh BUILD_DIR
#
# The registration "in advance" is done with the CLI and sqlite3 (the accounts' passwords and
# TOTP secrets are set as a first sign-in on the main server would have set them); then
# test_breakglass.py signs the requester and the approver in at the listener (TOTP computed in
# Python), requests, approves, reads the credential from the .eml in var/mail, signs in at the
# local cloud's emergency page on the listener; the listener is restarted an hour later
# (--now) and its own loop revokes the credential at expiry, which the page then refuses.
set -u

BUILD=${1:?usage: tests/e2e/breakglass.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
GCAS=$BUILD/gcas
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gcas-bg.XXXXXX")
PY=${PYTHON:-python3}
PASSWORD="kumo no ue no sora wa aoi 2026"
N=0
FAILED=0
BG_PID=

ok() {
	N=$((N + 1))
	echo "ok - $*"
}
not_ok() {
	N=$((N + 1))
	FAILED=$((FAILED + 1))
	echo "not ok - $*"
}
diag() { sed 's/^/# /' "$@"; }

cleanup() {
	[ -n "$BG_PID" ] && kill -TERM "$BG_PID" 2>/dev/null
	wait 2>/dev/null
	if [ "${GCAS_TEST_E2E_KEEP:-}" = 1 ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

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

DB="sqlite:$TMP/gcas.db"
g() {
	"$GCAS" --db "$DB" "$@" >"$TMP/out" 2>&1
	RC=$?
}
sq() { sqlite3 "$TMP/gcas.db" "$@"; }
id_of_out() { grep -E '^[0-9a-f]{32}$' "$TMP/out" | head -n 1; }
free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- registered in advance (the CLI, and sqlite3 for what a first sign-in would set) ----

printf '%s\n' "$PASSWORD" | "$GCAS" --db "$DB" init --password-stdin >"$TMP/out" 2>&1
[ $? -eq 0 ] && ok "gcas init with the operator's password" || { not_ok "gcas init"; diag "$TMP/out"; }
g org create agency --name 甲市 --type local --code 131016
AG=$(id_of_out)
g org create project --parent "$AG" --name 甲市住民記録
PJ=$(id_of_out)
g org create contractor --parent "$PJ" --name 甲市開発株式会社
CO=$(id_of_out)
person() {
	g user create --email "$1" --role "$2" --org "$3" --family-name 試験 --given-name 花子 \
		--family-kana シケン --given-kana ハナコ
	id_of_out
}
PM=$(person pm@city.example.lg.jp project_manager "$PJ")
CS=$(person dev@dev.example.co.jp contractor_staff "$CO")
AM=$(person am@city.example.lg.jp agency_manager "$AG")
if [ -n "$AG" ] && [ -n "$PJ" ] && [ -n "$CO" ] && [ -n "$PM" ] && [ -n "$CS" ] && [ -n "$AM" ]; then
	ok "an agency, its team and contractor; a project manager, a developer, an agency manager"
else
	not_ok "fixtures"
	diag "$TMP/out"
	echo "1..$N"
	exit 1
fi
# RFC 6238 secrets (base32) for the two people who sign in; the password is the operator's.
PM_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
CS_SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
sq "UPDATE accounts SET status = 'active', activated_at = 1,
    password_hash = (SELECT password_hash FROM accounts WHERE role = 'operator')
  WHERE id IN ('$PM', '$CS', '$AM');
UPDATE accounts SET status = 'active' WHERE role = 'operator';
INSERT INTO factors (id, account_id, kind, label, secret, confirmed, created_at) VALUES
  ('fa000000000000000000000000000001', '$PM', 'totp', 'app', '$PM_SECRET', 1, 1),
  ('fa000000000000000000000000000002', '$CS', 'totp', 'app', '$CS_SECRET', 1, 1);
INSERT INTO systems (id, project_id, agency_id, name, purpose, lifecycle, csps, environments,
  contacts, period_start, classification, billing_unit, ci_cd, version, created_at, updated_at)
VALUES ('sys00000000000000000000000000001', '$PJ', '$AG', '住民記録システム', '住民票',
  'production', 'aws', 'production', '$PM', '2026-04-01', 'c2', '市民課', 0, 1, 0, 0);" \
	>"$TMP/out" 2>&1 && ok "passwords, TOTP factors and the team's system (sqlite3)" ||
	{ not_ok "sqlite3 fixtures"; diag "$TMP/out"; }
g env request --as pm@city.example.lg.jp --project "$PJ" --csp aws --kind production --reason 本番
RQ=$(cut -f1 "$TMP/out" | head -n 1)
g env approve "$RQ" && g env fulfil "$RQ"
ENV=$(sq "SELECT id FROM environments WHERE state = 'active'")
EXT=$(sq "SELECT external_id FROM environments WHERE state = 'active'")
if [ -n "$ENV" ] && [ "${EXT#gcas-local-}" != "$EXT" ]; then
	ok "an active environment on the local cloud ($EXT) through gcas env"
else
	not_ok "an active environment"
	diag "$TMP/out"
fi

g breakglass register --account dev@dev.example.co.jp --env "$ENV" --role approver
[ "$RC" -eq 65 ] && grep -q "project manager" "$TMP/out" &&
	ok "gcas breakglass register refuses a developer as approver (65, says why)" ||
	{ not_ok "a developer as approver is refused (exit $RC)"; diag "$TMP/out"; }
g breakglass register --account dev@dev.example.co.jp --env "$ENV" --role requester
[ "$RC" -eq 0 ] && ok "the developer is registered as requester" || { not_ok "register requester"; diag "$TMP/out"; }
g breakglass register --account pm@city.example.lg.jp --env "$ENV" --role approver
[ "$RC" -eq 0 ] && ok "the project manager is registered as approver" || { not_ok "register approver"; diag "$TMP/out"; }
g breakglass list
grep -q "dev@dev.example.co.jp.*requester" "$TMP/out" && grep -q "pm@city.example.lg.jp.*approver" "$TMP/out" &&
	ok "gcas breakglass list shows both registrations" || { not_ok "breakglass list"; diag "$TMP/out"; }

# ---- only the BreakGlass listener runs ----

start_bg() {
	local port=$1 log=$2 i
	shift 2
	"$GCAS" --db "$DB" "$@" breakglass --breakglass-listen 127.0.0.1 --breakglass-port "$port" \
		--base-url "http://127.0.0.1:$port" >"$log" 2>&1 &
	BG_PID=$!
	for i in $(seq 1 100); do
		kill -0 "$BG_PID" 2>/dev/null || break
		if "$PY" -c "import sys, urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=2)" 2>/dev/null; then
			ok "gcas breakglass listens on 127.0.0.1:$port (/readyz 200)"
			return 0
		fi
		sleep 0.2
	done
	not_ok "gcas breakglass started"
	diag "$log"
	return 1
}

stop_bg() {
	local log=$1 i rc
	kill -TERM "$BG_PID" 2>/dev/null
	for i in $(seq 1 150); do
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.2
	done
	wait "$BG_PID"
	rc=$?
	BG_PID=
	[ "$rc" -eq 0 ] && tail -n 1 "$log" | grep -q '"msg":"stopped"' &&
		ok "SIGTERM stops gcas breakglass cleanly" ||
		{ not_ok "SIGTERM stops gcas breakglass cleanly (exit $rc)"; tail -n 5 "$log" | diag; }
	if grep -qE 'runtime error:|Sanitizer|"level":"error"' "$log"; then
		not_ok "no sanitizer reports or errors in the listener's log"
		grep -E -A8 'runtime error:|Sanitizer|"level":"error"' "$log" | head -n 30 | diag
	else
		ok "no sanitizer reports or errors in the listener's log"
	fi
}

run_py() {
	"$PY" "$HERE/test_breakglass.py" --phase "$1" --url "http://127.0.0.1:$2" --state "$TMP/state.json" \
		--mail-dir "$TMP/var/mail" --cloud "$EXT" --password "$PASSWORD" --pm-secret "$PM_SECRET" \
		--dev-secret "$CS_SECRET" --sso-port "$MAIN_PORT" >"$TMP/py-$1.tap" 2>"$TMP/py-$1.err"
	local rc=$?
	cat "$TMP/py-$1.tap"
	N=$((N + $(grep -cE '^(not )?ok' "$TMP/py-$1.tap")))
	FAILED=$((FAILED + $(grep -cE '^not ok' "$TMP/py-$1.tap")))
	if [ -s "$TMP/py-$1.err" ] || [ "$rc" -gt 1 ]; then
		not_ok "test_breakglass.py --phase $1 ran to the end (exit $rc)"
		diag "$TMP/py-$1.err"
	fi
}

MAIN_PORT=$(free_port) # where `gcas serve` would listen: nothing does
PORT=$(free_port)
while [ "$PORT" = "$MAIN_PORT" ]; do PORT=$(free_port); done
if start_bg "$PORT" "$TMP/bg1.log"; then
	run_py use "$PORT"
	stop_bg "$TMP/bg1.log"
fi

# An hour later (the credential asked for one hour): the listener's own loop revokes it.
EXPIRES=$(sq "SELECT expires_at FROM bg_requests WHERE state = 'issued'")
if [ -n "$EXPIRES" ]; then
	ok "the issued credential expires at $EXPIRES"
	if start_bg "$PORT" "$TMP/bg2.log" --now $((EXPIRES + 5)); then
		for i in $(seq 1 50); do
			[ "$(sq "SELECT state FROM bg_requests")" = expired ] && break
			sleep 0.2
		done
		[ "$(sq "SELECT state FROM bg_requests")" = expired ] &&
			ok "the listener's own loop revoked it at expiry (state expired)" ||
			not_ok "revoked at expiry (state $(sq "SELECT state FROM bg_requests"))"
		[ -n "$(sq "SELECT revoked_at FROM local_cloud_bg_creds")" ] &&
			ok "the local cloud's emergency user is revoked" ||
			not_ok "the local cloud's emergency user is revoked"
		run_py expired "$PORT"
		stop_bg "$TMP/bg2.log"
	fi
else
	not_ok "an issued credential exists after the first phase"
fi
g breakglass list
grep -qE "expired.*dev@dev.example.co.jp" "$TMP/out" && ok "gcas breakglass list shows the use, expired" ||
	{ not_ok "breakglass list shows the expired use"; diag "$TMP/out"; }
n=$(sq "SELECT COUNT(*) FROM audit WHERE action LIKE 'breakglass.%'")
[ "$n" -ge 6 ] && ok "every step is in the audit log ($n breakglass.* records)" || not_ok "audit records ($n)"
g audit verify
[ "$RC" -eq 0 ] && ok "gcas audit verify: the chain is intact" || { not_ok "audit verify"; diag "$TMP/out"; }

echo "1..$N"
echo "# $FAILED failed"
[ "$FAILED" -eq 0 ]
