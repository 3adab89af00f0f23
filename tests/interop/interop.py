#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Interoperability with third-party federation software nobody here wrote (issue 4 §4).

Starts the real gcas binary (embedded SQLite) and Debian's Apache httpd with two modules:
  - mod_auth_openidc, a certified OpenID Connect relying party: it discovers gcas, sends the
    person through the authorization-code flow with PKCE, redeems the code, validates the ID
    token against gcas's JWKS and hands the claims to a CGI program;
  - mod_auth_mellon, a SAML 2.0 service provider: gcas is registered with mellon's metadata,
    mellon sends an AuthnRequest (HTTP-Redirect), gcas answers with a signed Response by
    HTTP-POST, mellon validates it and hands the attributes to the CGI program.
A small browser written here follows redirects across the two servers, keeps cookies per
origin and submits the auto-posting SAML form, as Chromium would.

Usage: interop.py BUILD_DIR. Standard library only. Prints TAP.
"""

import html
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import test_e2e as e2e  # noqa: E402  (Person, enrol, totp_now, csrf_of: the e2e helpers)

N = 0
FAILED = 0
MODULES = "/usr/lib/apache2/modules"


def tap(cond, desc, why=None):
    global N, FAILED
    N += 1
    if cond:
        print("ok %d - %s" % (N, desc))
    else:
        FAILED += 1
        print("not ok %d - %s" % (N, desc))
        if why:
            for line in str(why).splitlines()[:40]:
                print("# " + line)
    sys.stdout.flush()
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_http(port, path="/", timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            return True
        except OSError:
            time.sleep(0.2)
    return False


class Form(HTMLParser):
    """Every <form> with its action, method and inputs."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": (a.get("method") or "get").lower(),
                               "fields": {}})
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""


class Browser:
    """Follows redirects and auto-posting forms across origins; cookies per host:port."""

    def __init__(self):
        self.jar = {}

    def _cookies(self, netloc):
        return self.jar.setdefault(netloc, {})

    def request(self, method, url, body=None, ctype=None):
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        path = u.path or "/"
        if u.query:
            path += "?" + u.query
        # mod_auth_openidc answers 401 instead of redirecting when a request does not look like
        # a browser's navigation (Accept without text/html), as a real browser's would.
        h = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "User-Agent": "gcas-interop/1"}
        jar = self._cookies(u.netloc)
        if jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in jar.items())
        if body is not None:
            h["Content-Type"] = ctype or "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        for sc in r.msg.get_all("Set-Cookie") or []:
            first, _, attrs = sc.partition(";")
            name, _, value = first.strip().partition("=")
            gone = re.search(r"(?i)max-age=(-?\d+)", attrs)
            if value == "" or (gone and int(gone.group(1)) <= 0) or re.search(r"(?i)expires=[^;]*1970", attrs):
                jar.pop(name, None)
            else:
                jar[name] = value
        return r.status, r.msg, data.decode("utf-8", "replace")

    def go(self, url, method="GET", body=None, trail=None, hops=20):
        """Returns (status, headers, text, final_url); trail collects every URL visited."""
        trail = trail if trail is not None else []
        for _ in range(hops):
            trail.append(url)
            st, hd, text = self.request(method, url, body)
            if st in (301, 302, 303, 307, 308) and hd.get("Location"):
                url = urllib.parse.urljoin(url, hd["Location"])
                method, body = "GET", None
                continue
            saml = self._auto_post(text)
            if st == 200 and saml:
                url = urllib.parse.urljoin(url, saml["action"])
                method, body = "POST", urllib.parse.urlencode(saml["fields"])
                continue
            return st, hd, text, url
        return 0, {}, "too many hops", url

    @staticmethod
    def _auto_post(text):
        if "SAMLResponse" not in text and "SAMLRequest" not in text:
            return None
        p = Form()
        p.feed(text)
        for f in p.forms:
            if f["method"] == "post" and ("SAMLResponse" in f["fields"] or "SAMLRequest" in f["fields"]):
                return f
        return None


def cgi_env(text):
    """The CGI program prints KEY=VALUE lines."""
    out = {}
    for line in text.splitlines():
        k, sep, v = line.partition("=")
        if sep:
            out[k.strip()] = v.strip()
    return out


def apache_conf(tmp, port, oidc, mellon):
    mods = ["mpm_prefork", "authz_core", "authz_user", "authn_core", "auth_openidc", "auth_mellon", "cgi",
            "alias", "mime", "env", "headers"]
    lines = ["ServerRoot %s" % tmp, "Listen 127.0.0.1:%d" % port, "ServerName 127.0.0.1:%d" % port,
             "PidFile %s/httpd.pid" % tmp, "ErrorLog %s/apache-error.log" % tmp, "LogLevel warn auth_openidc:info auth_mellon:info",
             "User nobody", "Group nogroup", "DocumentRoot %s/www" % tmp, "TypesConfig /etc/mime.types",
             "StartServers 2", "MaxRequestWorkers 8"]
    for m in mods:
        lines.append("LoadModule %s_module %s/mod_%s.so" % (m, MODULES, m))
    lines += ["ScriptAlias /oidc-app/ %s/cgi/" % tmp, "ScriptAlias /saml-app/ %s/cgi/" % tmp,
              "OIDCProviderMetadataURL %s/.well-known/openid-configuration" % oidc["issuer"],
              "OIDCClientID %s" % oidc["client_id"], "OIDCClientSecret %s" % oidc["client_secret"],
              "OIDCRedirectURI http://127.0.0.1:%d/oidc-app/redirect_uri" % port,
              "OIDCCryptoPassphrase interop-test-passphrase", "OIDCScope \"openid email profile\"",
              "OIDCPKCEMethod S256", "OIDCSSLValidateServer Off", "OIDCCookieSameSite On",
              "OIDCPassClaimsAs environment",
              "<Location /oidc-app/>", "  AuthType openid-connect", "  Require valid-user", "</Location>",
              "<Location /saml-app/>", "  MellonEnable auth", "  MellonEndpointPath /saml-app/mellon",
              "  MellonSPPrivateKeyFile %s" % mellon["key"], "  MellonSPCertFile %s" % mellon["cert"],
              "  MellonSPentityId %s" % mellon["entity_id"],
              "  MellonIdPMetadataFile %s" % mellon["idp_metadata"], "  MellonSecureCookie Off",
              "  MellonSubjectConfirmationDataAddressCheck Off", "  AuthType Mellon", "  Require valid-user",
              "</Location>",
              "<Directory %s/cgi>" % tmp, "  Options +ExecCGI", "  Require all granted", "</Directory>"]
    return "\n".join(lines) + "\n"


def main():
    e2e.tap = tap  # the e2e helpers' checks become numbered lines of this TAP stream
    build = os.path.abspath(sys.argv[1])
    gcas = os.path.join(build, "gcas")
    apache = shutil.which("apache2") or "/usr/sbin/apache2"
    missing = [m for m in ("mod_auth_openidc.so", "mod_auth_mellon.so") if not os.path.exists(os.path.join(MODULES, m))]
    if not os.path.exists(apache) or missing or not os.path.exists(gcas):
        print("1..0 # SKIP apache2 with mod_auth_openidc and mod_auth_mellon is not installed (scripts/deps.sh --test)")
        return 0
    tmp = tempfile.mkdtemp(prefix="gcas-interop.")
    os.chmod(tmp, 0o755)  # Apache's children run as nobody and must read the CGI program
    procs = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("GCAS_")}
    try:
        return run(tmp, gcas, apache, env, procs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        if os.environ.get("GCAS_TEST_INTEROP_KEEP") == "1":
            print("# kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def sh(env, tmp, *args, stdin=None):
    return subprocess.run(list(args), cwd=tmp, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def run(tmp, gcas, apache, env, procs):
    gport, aport = free_port(), free_port()
    base = "http://127.0.0.1:%d" % gport
    env = dict(env, GCAS_DB="sqlite:%s/gcas.db" % tmp, GCAS_PORT=str(gport))
    env["GCAS_SERVER_BASE_URL"] = base
    r = sh(env, tmp, gcas, "init", "--base-url", base)
    otp = re.search(r"one-time password \(shown once\): ([A-Z2-7]+)", r.stdout)
    if not tap(r.returncode == 0 and otp, "gcas init", r.stdout + r.stderr):
        return 1
    log = open(os.path.join(tmp, "gcas.log"), "w")
    procs.append(subprocess.Popen([gcas, "serve", "--base-url", base, "--port", str(gport)], cwd=tmp, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    if not tap(wait_http(gport, "/readyz"), "gcas serve answers /readyz"):
        return 1

    # The operator signs in to gcas (password, TOTP enrolment) in the test's browser.
    op = e2e.Person("operator@gcas.example.go.jp", otp.group(1))
    cl = e2e.Client(base)
    e2e.enrol(cl, op)

    # OIDC: register mod_auth_openidc as a confidential client.
    redirect = "http://127.0.0.1:%d/oidc-app/redirect_uri" % aport
    r = sh(env, tmp, gcas, "sso", "client", "add", "--name", "Apache mod_auth_openidc", "--redirect-uri", redirect,
           "--base-url", base)
    cid = re.search(r"client_id\W+([A-Za-z0-9_\-\.]+)", r.stdout)
    sec = re.search(r"(?:client_)?secret\W+([A-Za-z0-9_\-\.~]+)", r.stdout)
    if not tap(r.returncode == 0 and cid and sec, "gcas sso client add registers the relying party",
               r.stdout + r.stderr):
        return 1

    # SAML: mellon's key and certificate, gcas's IdP metadata for mellon, mellon's SP metadata
    # registered in gcas.
    key, cert = os.path.join(tmp, "sp.key"), os.path.join(tmp, "sp.crt")
    sh(env, tmp, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
       "/CN=127.0.0.1", "-keyout", key, "-out", cert)
    os.chmod(key, 0o644)
    st, _, idp_md = Browser().request("GET", base + "/saml/metadata")
    tap(st == 200 and "IDPSSODescriptor" in idp_md, "gcas serves its IdP metadata", idp_md[:300])
    idp_path = os.path.join(tmp, "idp.xml")
    open(idp_path, "w").write(idp_md)
    entity = "http://127.0.0.1:%d/saml-app/mellon/metadata" % aport

    os.makedirs(os.path.join(tmp, "cgi"))
    os.makedirs(os.path.join(tmp, "www"))
    prog = os.path.join(tmp, "cgi", "whoami")
    open(prog, "w").write("#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nenv | sort\n")
    os.chmod(prog, 0o755)
    conf = os.path.join(tmp, "httpd.conf")
    open(conf, "w").write(apache_conf(tmp, aport, {"issuer": base, "client_id": cid.group(1),
                                                   "client_secret": sec.group(1)},
                                      {"key": key, "cert": cert, "entity_id": entity, "idp_metadata": idp_path}))
    alog = open(os.path.join(tmp, "apache.out"), "w")
    # Its own session: Apache signals its whole process group when it stops, which would
    # otherwise include this script.
    procs.append(subprocess.Popen([apache, "-f", conf, "-DFOREGROUND"], cwd=tmp, stdout=alog, stderr=subprocess.STDOUT,
                                  start_new_session=True))
    if not tap(wait_http(aport), "Apache with mod_auth_openidc and mod_auth_mellon starts",
               open(os.path.join(tmp, "apache.out")).read() + open(os.path.join(tmp, "apache-error.log")).read()
               if os.path.exists(os.path.join(tmp, "apache-error.log")) else ""):
        return 1

    st, _, sp_md = Browser().request("GET", entity)
    tap(st == 200 and "SPSSODescriptor" in sp_md, "mellon publishes its SP metadata", sp_md[:300])
    sp_path = os.path.join(tmp, "sp.xml")
    open(sp_path, "w").write(sp_md)
    r = sh(env, tmp, gcas, "sso", "sp", "add", "--metadata", sp_path, "--name", "Apache mod_auth_mellon")
    tap(r.returncode == 0, "gcas sso sp add registers mellon", r.stdout + r.stderr)

    # The browser already holds the gcas session the operator signed in with.
    br = Browser()
    br.jar["127.0.0.1:%d" % gport] = dict(cl.cookies)

    trail = []
    st, _, text, final = br.go("http://127.0.0.1:%d/oidc-app/whoami" % aport, trail=trail)
    claims = cgi_env(text)
    ok = tap(st == 200 and claims.get("OIDC_CLAIM_email") == op.email,
             "mod_auth_openidc signs the person in through gcas (code flow + PKCE, ID token verified)",
             "%d %s\n%s\n%s" % (st, final, "\n".join(trail), text[:1500]))
    if ok:
        tap(any("/oidc/authorize" in u for u in trail) or any("authorize" in u for u in trail),
            "... by way of gcas's authorization endpoint", "\n".join(trail))
        tap(claims.get("OIDC_CLAIM_sub", "") != "" and claims.get("OIDC_CLAIM_iss") == base,
            "... with sub and iss claims as gcas issued them", text[:800])
    st, _, text, final = br.go("http://127.0.0.1:%d/oidc-app/whoami" % aport)
    tap(st == 200 and "OIDC_CLAIM_email=" + op.email in text, "the relying party keeps its own session afterwards")

    trail = []
    st, _, text, final = br.go("http://127.0.0.1:%d/saml-app/whoami" % aport, trail=trail)
    attrs = cgi_env(text)
    tap(st == 200 and attrs.get("MELLON_NAME_ID", "") != "",
        "mod_auth_mellon signs the person in through gcas (AuthnRequest by Redirect, signed Response by POST)",
        "%d %s\n%s\n%s" % (st, final, "\n".join(trail), text[:1500]))
    tap(any(v == op.email for k, v in attrs.items() if k.startswith("MELLON_")),
        "... and receives the email attribute", text[:1500])

    # A second browser with no gcas session: sent to sign in, then back to the relying party.
    fresh, trail = Browser(), []
    st, _, text, final = fresh.go("http://127.0.0.1:%d/oidc-app/whoami" % aport, trail=trail)
    tap(final.startswith(base + "/signin"), "without a gcas session the relying party's request lands on gcas's sign-in",
        "%d %s\n%s\n%s" % (st, final, "\n".join(trail), text[:600]))
    # ... and once signed in (password, then TOTP) the browser is taken back to the relying
    # party, which completes its code flow (web_require_signin's remembered path).
    st, _, text, final = fresh.go(base + "/signin", "POST", urllib.parse.urlencode(
        {"email": op.email, "password": op.password, "csrf": e2e.csrf_of(text)}))
    tap(final.startswith(base + "/signin/factor"), "the password step asks for the second factor", final)
    st, _, text, final = fresh.go(base + "/signin/factor", "POST", urllib.parse.urlencode(
        {"code": e2e.totp_at(op.secret, int(time.time()) // 30 + 1), "csrf": e2e.csrf_of(text)}))
    tap(st == 200 and "OIDC_CLAIM_email=" + op.email in text,
        "after signing in the person lands back at the relying party, signed in there", "%d %s\n%s" % (st, final, text[:600]))
    for f in ("gcas.log", "apache-error.log"):
        p = os.path.join(tmp, f)
        if FAILED and os.path.exists(p):
            print("# --- %s (tail)" % f)
            for line in open(p).read().splitlines()[-30:]:
                print("# " + line)
    print("1..%d" % N)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
