#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `gcas serve` serving TLS itself (issue: HTTPS when given a certificate and key): a self-signed
# certificate made here, then over https the session and CSRF cookies are Secure with the
# __Host- prefix, HSTS is sent, and plain http on the same port is not answered as HTTP.
#   tests/e2e/tls.sh BUILD_DIR        (TAP)
set -u
BUILD=$(cd "${1:?usage: tests/e2e/tls.sh BUILD_DIR}" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gcas-tls.XXXXXX")
N=0
FAILED=0
PID=
t() { # description, condition-exit-status
	N=$((N + 1))
	if [ "$2" = 0 ]; then echo "ok $N - $1"; else echo "not ok $N - $1"; FAILED=$((FAILED + 1)); fi
}
cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
for v in $(compgen -e); do case $v in GCAS_TEST_* | GCAS_PG_*) ;; GCAS_*) unset "$v" ;; esac; done
cd "$TMP" || exit 1

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem >/dev/null 2>&1
t "a self-signed certificate for the test" $?
"$BUILD/gcas" init --db sqlite:gcas.db </dev/null >init.log 2>&1
t "gcas init" $?
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BUILD/gcas" serve --db sqlite:gcas.db --port "$PORT" --tls-cert cert.pem --tls-key key.pem \
	--log-level warn >serve.log 2>&1 &
PID=$!
for _ in $(seq 1 50); do
	curl -sk "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -sk -D headers.txt -o signin.html "https://127.0.0.1:$PORT/signin"
t "the sign-in page is served over https" $?
grep -qi '^set-cookie: __Host-gcas_csrf=.*; Secure' headers.txt
t "cookies are Secure with the __Host- prefix over https" $?
grep -qi '^strict-transport-security: max-age=' headers.txt
t "HSTS is sent over https" $?
curl -s --cacert cert.pem -o /dev/null "https://127.0.0.1:$PORT/healthz"
t "the certificate served is the one configured" $?
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT/healthz")
[ "$code" != 200 ]
t "plain http on the TLS port is not served (got $code)" $?
kill -TERM "$PID"
wait "$PID"
t "clean exit on SIGTERM" $?
PID=
echo "1..$N"
[ "$FAILED" = 0 ]
