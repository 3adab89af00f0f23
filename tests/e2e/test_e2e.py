#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end checks against a running `gcas serve` (started by tests/e2e/run.sh).

Talks HTTP to the real binary on 127.0.0.1 the way a browser or an API client would: sign-in
with the one-time password, TOTP enrolment (codes computed here, RFC 6238), recovery codes,
CSRF, an agency and its manager, the permission boundary between agencies, personal API
tokens, hostile input, `gcas audit verify` before and after tampering with one row, and the
real binary delivering a Japanese notification over SMTP to a server on a loopback port.
With --url2 (two nodes sharing one PostgreSQL) it also checks that sessions, sign-out and
sign-in throttling are shared between the nodes.

Standard library only (Debian 12's python3). Prints TAP lines without numbers and without a
plan: run.sh adds its own lines and the plan at the end.
"""

import argparse
import base64
import hashlib
import hmac
import html
import http.client
import json
import os
import re
import struct
import email
import email.header
import email.policy
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html.parser import HTMLParser

# ---------------------------------------------------------------------------------------------
# TAP

FAILED = 0


def diag(msg):
    for line in str(msg).splitlines() or [""]:
        print("# " + line, flush=True)


def tap(cond, desc, why=None):
    """One TAP line."""
    global FAILED
    desc = desc.replace("#", "\\#")
    if cond:
        print("ok - " + desc, flush=True)
        return True
    FAILED += 1
    print("not ok - " + desc, flush=True)
    if why:
        diag(why)
    return False


class StepFailed(Exception):
    """A step failed in a way that makes the rest of its group meaningless."""


def need(resp, cond, desc, why=None):
    """Assert inside a group: ok, or a failure that stops the group."""
    if tap(cond, desc, why if why else (None if cond else resp.summary())):
        return
    raise StepFailed(desc)


def group(name, fn, *args):
    """Run one group of dependent checks; a failed step ends only that group."""
    try:
        return fn(*args)
    except StepFailed as f:
        diag("%s: stopped after the failed check \"%s\"" % (name, f))
    except Exception as e:  # an unexpected error is a failure, never a crash of the whole run
        tap(False, "%s: unexpected error %s: %s" % (name, type(e).__name__, e))
    return None


# ---------------------------------------------------------------------------------------------
# HTTP client with a small cookie jar (cookies are host-only on 127.0.0.1; the jar can be
# copied between clients to carry a session to another node).


class Resp:
    def __init__(self, method, path, status, headers, body):
        self.method, self.path, self.status, self.headers, self.body = method, path, status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)

    def headers_all(self, name):
        return self.headers.get_all(name) or []

    @property
    def location(self):
        return self.headers.get("Location") or ""

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def summary(self):
        t = self.text
        m = re.search(r'<div class="error-summary".*?</div>', t, re.S) or re.search(
            r'<div class="alert[^"]*".*?</div>', t, re.S)
        snippet = strip_tags(m.group(0)) if m else t[:300]
        return "%s %s -> %d %s %s" % (self.method, self.path, self.status, self.location, snippet.strip()[:400])


def strip_tags(s):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", s))).strip()


class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.base = base.rstrip("/")
        self.host, self.port = u.hostname, u.port
        self.cookies = {}

    def clone_to(self, base):
        c = Client(base)
        c.cookies = dict(self.cookies)
        return c

    def _store_cookie(self, sc):
        first, _, attrs = sc.partition(";")
        name, _, value = first.strip().partition("=")
        max_age = re.search(r"(?i)max-age=(-?\d+)", attrs)
        if max_age and int(max_age.group(1)) <= 0 or value == "":
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def request(self, method, path, body=None, headers=None, follow=False):
        hops = 0
        while True:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            h = dict(headers or {})
            if self.cookies:
                h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
            if isinstance(body, str):
                body = body.encode("utf-8")
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            conn.close()
            for sc in r.msg.get_all("Set-Cookie") or []:
                self._store_cookie(sc)
            resp = Resp(method, path, r.status, r.msg, data)
            if not follow or resp.status not in (301, 302, 303, 307, 308) or hops >= 8:
                return resp
            loc = resp.location
            if loc.startswith(self.base):
                loc = loc[len(self.base):]
            if not loc.startswith("/"):
                return resp
            method, path, body, headers = "GET", loc, None, None
            hops += 1

    def get(self, path, follow=False, headers=None):
        return self.request("GET", path, headers=headers, follow=follow)

    def post(self, path, fields, follow=False, headers=None):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        body = urllib.parse.urlencode(fields, doseq=True) if not isinstance(fields, (bytes, str)) else fields
        return self.request("POST", path, body=body, headers=h, follow=follow)


# ---------------------------------------------------------------------------------------------
# HTML forms: enough of a parser to submit a page's form as a browser would.


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None
        self.option = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                         "inputs": [], "selects": {}, "order": []}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            self.form["inputs"].append({"name": a["name"], "type": a.get("type", "text").lower(),
                                        "value": a.get("value", ""), "checked": "checked" in a})
            self.form["order"].append(a["name"])
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.form["selects"][self.select] = []
            self.form["order"].append(a["name"])
        elif tag == "option" and self.select:
            self.option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self.form["selects"][self.select].append(self.option)
        elif tag == "textarea" and a.get("name"):
            self.textarea = {"name": a["name"], "type": "textarea", "value": "", "checked": False}
            self.form["inputs"].append(self.textarea)
            self.form["order"].append(a["name"])

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea":
            self.textarea = None


def forms_of(text):
    p = FormParser()
    p.feed(text)
    for f in p.forms:
        for opts in f["selects"].values():
            for o in opts:
                if o["value"] is None:
                    o["value"] = o["text"].strip()
    return p.forms


def find_form(text, action_prefix, method="post"):
    for f in forms_of(text):
        if f["method"] == method and f["action"].split("?")[0].startswith(action_prefix):
            return f
    return None


def form_names(f):
    return set(i["name"] for i in f["inputs"]) | set(f["selects"])


def fill(f, values):
    """Fields as the browser would send them, with values applied to the names the form has.
    For a select or a radio group the value may be a list of preferences (the first one the
    form offers wins); for checkboxes it is the list of values to check. Returns (name, value)
    pairs."""

    def prefs(n):
        v = values[n]
        return list(v) if isinstance(v, (list, tuple)) else [v]

    out = []
    radios = {}
    for i in f["inputs"]:
        n, t = i["name"], i["type"]
        if t in ("submit", "button", "image", "reset", "file"):
            continue
        if t == "radio":
            radios.setdefault(n, []).append(i)
            continue
        if t == "checkbox":
            if (n in values and i["value"] in prefs(n)) or (n not in values and i["checked"]):
                out.append((n, i["value"]))
            continue
        out.append((n, values.get(n, i["value"])))
    groups = [(n, [(i["value"], i["checked"]) for i in items]) for n, items in radios.items()]
    groups += [(n, [(o["value"], o["selected"]) for o in opts]) for n, opts in f["selects"].items()]
    for n, opts in groups:
        vals = [v for v, _ in opts]
        chosen = next((v for v in (prefs(n) if n in values else []) if v in vals), None)
        if chosen is None:
            sel = [v for v, on in opts if on]
            chosen = sel[0] if sel else (vals[0] if vals and n not in radios else None)
        if chosen is not None:
            out.append((n, chosen))
    return out


def csrf_of(text):
    m = re.search(r'name="csrf" value="([^"]+)"', text)
    return m.group(1) if m else ""


# ---------------------------------------------------------------------------------------------
# TOTP (RFC 6238 with RFC 4226 dynamic truncation): HMAC-SHA1, 6 digits, 30 s steps.

LAST_STEP = {}  # secret -> the last step used, as the server remembers it (a code works once)


def totp_at(secret_b32, step):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    n = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return "%06d" % (n % 1000000)


def totp_now(secret_b32):
    """A code the server will accept now: it takes steps now-1..now+1 but only one later than
    the last used, so a second sign-in in the same 30 s uses the next step's code, and a third
    waits for the clock."""
    while True:
        now = int(time.time())
        cur = now // 30
        step = max(cur, LAST_STEP.get(secret_b32, -1) + 1)
        if step <= cur + 1:
            LAST_STEP[secret_b32] = step
            return totp_at(secret_b32, step)
        time.sleep((cur + 1) * 30 - now + 0.5)


def rfc6238_selftest():
    # RFC 6238 Appendix B, SHA-1 seed "12345678901234567890"; the 6 low digits of the 8-digit values.
    secret = base64.b32encode(b"12345678901234567890").decode().rstrip("=")
    vectors = {59: "287082", 1111111109: "081804", 1111111111: "050471", 1234567890: "005924",
               2000000000: "279037", 20000000000: "353130"}
    return all(totp_at(secret, t // 30) == v for t, v in vectors.items())


# ---------------------------------------------------------------------------------------------
# Sign-in helpers


class Person:
    def __init__(self, email, password):
        self.email, self.password = email, password
        self.secret = None
        self.recovery = []


def signin_password(cl, who, password=None):
    """GET /signin then POST it; returns the POST response."""
    page = cl.get("/signin")
    return cl.post("/signin", {"email": who.email, "password": who.password if password is None else password,
                               "csrf": csrf_of(page.text)})


def enrol(cl, who):
    """The first sign-in: password, TOTP enrolment, recovery codes. Returns the recovery page."""
    r = signin_password(cl, who)
    need(r, r.status == 303 and r.location.endswith("/signin/enrol"),
         "%s: the password step sends a new account to TOTP enrolment" % who.email)
    page = cl.get("/signin/enrol")
    m = re.search(r'<code class="qr-box__secret[^"]*">([A-Z2-7 ]+)</code>', page.text)
    need(page, page.status == 200 and m is not None and "<svg" in page.text,
         "%s: the enrolment page shows a QR code and the key" % who.email)
    who.secret = m.group(1).replace(" ", "")
    tap(len(who.secret) == 32, "%s: the TOTP key is 160 bits (32 base32 characters)" % who.email)
    cur = int(time.time()) // 30
    near = set(totp_at(who.secret, s) for s in range(cur - 2, cur + 3))
    wrong = next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)
    bad = cl.post("/signin/enrol", {"code": wrong, "csrf": csrf_of(page.text)})
    tap(bad.status == 422 and "error-summary" in bad.text,
        "%s: a wrong enrolment code re-renders the page with a message (422)" % who.email, bad.summary())
    r = cl.post("/signin/enrol", {"code": totp_now(who.secret), "csrf": csrf_of(bad.text or page.text)})
    block = re.search(r'<ul class="recovery-codes[^"]*">(.*?)</ul>', r.text, re.S)
    codes = re.findall(r"<code>([^<]+)</code>", block.group(1)) if block else []
    need(r, r.status == 200 and len(codes) == 10 and len(set(codes)) == 10,
         "%s: a correct code confirms enrolment and shows 10 distinct recovery codes" % who.email)
    who.recovery = codes
    return r


def signin_full(cl, who, factor=None):
    """Password then the second factor (a TOTP code unless factor is given)."""
    r = signin_password(cl, who)
    need(r, r.status == 303 and r.location.endswith("/signin/factor"),
         "%s: the password step asks for the second factor" % who.email)
    page = cl.get("/signin/factor")
    r = cl.post("/signin/factor", {"code": factor or totp_now(who.secret), "csrf": csrf_of(page.text)})
    need(r, r.status == 303 and r.location.endswith("/"),
         "%s: the second factor completes the sign-in" % who.email)
    return r


def signout(cl):
    page = cl.get("/")
    return cl.post("/signout", {"csrf": csrf_of(page.text)})


def with_reauth(cl, who, method_fn):
    """Run a request; when it is sent to /reauth, confirm the password there and run it again.
    Returns (response, reauth_was_asked)."""
    r = method_fn()
    if not (r.status in (302, 303) and "/reauth" in r.location):
        return r, False
    loc = r.location
    page = cl.get(loc[loc.index("/reauth"):])
    need(page, page.status == 200 and find_form(page.text, "/reauth") is not None, "the /reauth page asks for the password")
    f = find_form(page.text, "/reauth")
    conf = cl.post("/reauth", fill(f, {"password": who.password}))
    need(conf, conf.status == 303, "re-authentication with the right password is accepted")
    return method_fn(), True


# ---------------------------------------------------------------------------------------------
# The checks


def check_plain(cl):
    r = cl.get("/healthz")
    tap(r.status == 200 and r.json().get("status") == "ok", "GET /healthz answers 200 {\"status\":\"ok\"}", r.summary())
    r = cl.get("/readyz")
    tap(r.status == 200 and r.json().get("status") == "ready", "GET /readyz answers 200 ready", r.summary())
    r = cl.get("/metrics")
    tap(r.status == 200 and (r.header("Content-Type") or "").startswith("text/plain")
        and re.search(r'^gcas_http_requests_total\{class="2xx"\} [1-9]', r.text, re.M) is not None
        and "# TYPE gcas_http_requests_total counter" in r.text,
        "GET /metrics is Prometheus text with gcas_http_requests_total", r.text[:300])
    r = cl.get("/no/such/page")
    tap(r.status == 404 and "text/html" in (r.header("Content-Type") or ""), "an unknown page is a 404 HTML page")
    r = cl.get("/api/v1/no-such-thing")
    tap(r.status == 404 and "problem+json" in (r.header("Content-Type") or ""), "an unknown API path is a 404 problem+json")
    r = cl.get("/static/gcas.css")
    tap(r.status == 200 and "text/css" in (r.header("Content-Type") or "") and r.header("ETag"),
        "the stylesheet is served with an ETag", r.summary())
    r = cl.get("/static/..%2f..%2fgcas.db")
    tap(r.status == 404, "a path-traversal attempt under /static is 404", r.summary())


def check_headers(cl):
    r = cl.get("/signin")
    csp = r.header("Content-Security-Policy") or ""
    tap(r.status == 200 and csp != "", "a page carries a Content-Security-Policy", r.summary())
    tap("unsafe-inline" not in csp and "unsafe-eval" not in csp, "the CSP allows no inline script or style", csp)
    tap("default-src 'none'" in csp, "the CSP denies by default", csp)
    tap("frame-ancestors 'none'" in csp, "the CSP forbids framing (frame-ancestors 'none')", csp)
    tap(r.header("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options: nosniff")
    tap(r.header("X-Frame-Options") == "DENY", "X-Frame-Options: DENY")
    tap(r.header("Referrer-Policy") == "no-referrer", "Referrer-Policy: no-referrer")
    tap(r.header("Cache-Control") == "no-store", "pages are not cached (Cache-Control: no-store)")
    tap(re.search(r"<script", r.text, re.I) is None and re.search(r"\sstyle=", r.text) is None
        and re.search(r"\son[a-z]+=", r.text) is None, "the sign-in page has no inline script, style or handlers")
    tap('<html lang="ja">' in r.text, "pages are Japanese first (<html lang=\"ja\">)")
    ck = [c for c in r.headers_all("Set-Cookie") if c.startswith("gcas_csrf=")]
    tap(ck and "HttpOnly" in ck[0] and "SameSite=Lax" in ck[0], "the pre-sign-in CSRF cookie is HttpOnly and SameSite=Lax", ck)
    a = cl.get("/api/v1/openapi.json")
    tap((a.header("Content-Security-Policy") or "").find("frame-ancestors 'none'") >= 0
        and a.header("X-Content-Type-Options") == "nosniff", "API responses carry the security headers too")
    en = Client(cl.base).get("/signin?lang=en")
    tap(en.status == 200 and '<html lang="en">' in en.text and "Sign in" in en.text
        and any(c.startswith("gcas_lang=en") for c in en.headers_all("Set-Cookie")),
        "?lang=en gives the English page and remembers the choice in a cookie")


def check_signin_errors(cl, op):
    anon = Client(cl.base)
    r1 = signin_password(anon, op, password=op.password + "x")
    r2 = signin_password(anon, Person("nobody-%d@example.go.jp" % os.getpid(), op.password))
    tap(r1.status == 401 and r2.status == 401, "a wrong password and an unknown email both answer 401",
        "%d / %d" % (r1.status, r2.status))
    b1 = r1.text.replace(html.escape(op.email), "EMAIL")
    b2 = r2.text.replace(html.escape("nobody-%d@example.go.jp" % os.getpid()), "EMAIL")
    tap(b1 == b2 and "error-summary" in b1, "... with the very same page (no account enumeration)",
        "pages differ" if b1 != b2 else "no error summary")
    tap("session" not in " ".join(anon.cookies), "a failed sign-in sets no session cookie", anon.cookies)
    page = anon.get("/signin")
    r = anon.post("/signin", {"email": op.email, "password": op.password})
    tap(r.status == 403, "POST /signin without the CSRF field is refused (403)", r.summary())
    r = anon.post("/signin", {"email": op.email, "password": op.password, "csrf": csrf_of(page.text)[:-2] + "xx"})
    tap(r.status == 403, "POST /signin with a wrong CSRF token is refused (403)", r.summary())
    fresh = Client(cl.base)
    r = fresh.post("/signin", {"email": op.email, "password": op.password, "csrf": csrf_of(page.text)})
    tap(r.status == 403, "a CSRF token without its cookie (another browser's) is refused (403)", r.summary())
    r = Client(cl.base).get("/", follow=False)
    tap(r.status == 303 and r.location.endswith("/signin"), "the home page sends a visitor to /signin", r.summary())
    r = Client(cl.base).get("/api/v1/me")
    tap(r.status == 401 and "problem+json" in (r.header("Content-Type") or ""), "the API without credentials is 401 problem+json",
        r.summary())


def first_signin(cl, op):
    enrol(cl, op)
    home = cl.get("/")
    need(home, home.status == 200 and ("ようこそ" in home.text or "Welcome" in home.text),
         "after enrolment the operator reaches the home page")
    sess = [n for n in cl.cookies if "session" in n]
    tap(len(sess) == 1, "the session lives in one cookie", cl.cookies)
    r = cl.get("/signin/enrol")
    tap(r.status == 303, "the enrolment page is not offered again once enrolled", r.summary())
    # Sign out, and back in with a recovery code: each code works once.
    old = dict(cl.cookies)
    r = signout(cl)
    need(r, r.status == 303 and r.location.endswith("/signin"), "sign-out goes to /signin")
    stale = Client(cl.base)
    stale.cookies = old
    r = stale.get("/")
    tap(r.status == 303 and r.location.endswith("/signin"), "the signed-out session no longer works", r.summary())
    signin_full(cl, op, factor=op.recovery[0])
    tap(cl.get("/").status == 200, "a recovery code signs the operator in")
    signout(cl)
    r = signin_password(cl, op)
    page = cl.get("/signin/factor")
    r = cl.post("/signin/factor", {"code": op.recovery[0], "csrf": csrf_of(page.text)})
    tap(r.status == 401, "the same recovery code does not work twice (401)", r.summary())
    r = cl.post("/signin/factor", {"code": totp_now(op.secret), "csrf": csrf_of(page.text)})
    need(r, r.status == 303, "a TOTP code signs the operator in")
    r = cl.post("/signout", {})
    tap(r.status == 403, "POST /signout without the CSRF field is refused (403)", r.summary())
    tap(cl.get("/").status == 200, "... and the session is still alive")


def create_org(cl, who, name, code):
    """Operator: POST /orgs/new for an agency. Returns its id."""
    page = cl.get("/orgs/new?kind=agency")
    need(page, page.status == 200, "GET /orgs/new?kind=agency shows the form")
    f = find_form(page.text, "/orgs/new")
    need(page, f is not None, "the /orgs/new page has a form posting to /orgs/new")
    values = {"name": name, "kind": "agency", "agency_type": "ministry", "type": "ministry", "code": code}
    r, _ = with_reauth(cl, who, lambda: cl.post(f["action"] or "/orgs/new", fill(f, values)))
    m = re.search(r"/orgs/([0-9a-f]{32})", r.location)
    if not m and r.status in (200, 201):
        m = re.search(r"/orgs/([0-9a-f]{32})", r.text)
    need(r, r.status in (200, 201, 303) and m is not None, "POST /orgs/new creates the agency %s" % name,
         r.summary() + "\n# form fields: " + ", ".join(sorted(form_names(f))))
    oid = m.group(1)
    page = cl.get("/orgs/" + oid)
    need(page, page.status == 200 and html.escape(name) in page.text, "the new agency's page shows its name")
    return oid


def create_account(cl, who, org_id, email, role="agency_manager"):
    """POST /accounts/new; returns the one-time set-up path (/setup/TOKEN)."""
    page = cl.get("/accounts/new?org=%s" % org_id)
    need(page, page.status == 200, "GET /accounts/new shows the form")
    f = find_form(page.text, "/accounts/new")
    need(page, f is not None, "the /accounts/new page has a form posting to /accounts/new")
    values = {"email": email, "family_name": "試験", "given_name": "花子", "family_kana": "シケン",
              "given_kana": "ハナコ", "role": role, "org_id": org_id, "org": org_id}
    r, _ = with_reauth(cl, who, lambda: cl.post(f["action"] or "/accounts/new", fill(f, values), follow=True))
    m = re.search(r"/setup/([A-Za-z0-9_\-]{20,})", r.text)
    need(r, r.status in (200, 201) and m is not None,
         "POST /accounts/new creates %s and shows the set-up link" % email,
         r.summary() + "\n# form fields: " + ", ".join(sorted(form_names(f))))
    return "/setup/" + m.group(1)


def manager_flow(cl, op, base, state):
    a1 = create_org(cl, op, "E2E試験庁", "e2e-one")
    state["org1"] = a1
    link = create_account(cl, op, a1, "manager.one@e2e.example.go.jp")
    mgr = Person("manager.one@e2e.example.go.jp", "kumo no ue no sora wa aoi 2026")
    state["manager"] = mgr
    b = Client(base)  # a fresh browser: the manager has no session
    page = b.get(link)
    need(page, page.status == 200 and find_form(page.text, "/setup/") is not None, "the set-up link opens the password form")
    f = find_form(page.text, "/setup/")
    r = b.post(f["action"], fill(f, {"password": "short", "password2": "short"}))
    tap(r.status == 422 and "error-summary" in r.text, "a too-short password is refused with a message (422)", r.summary())
    r = b.post(f["action"], fill(f, {"password": mgr.password, "password2": mgr.password + "!"}))
    tap(r.status == 422, "mismatched passwords are refused (422)", r.summary())
    r = b.post(f["action"], fill(f, {"password": mgr.password, "password2": mgr.password}))
    need(r, r.status == 200 and 'href="/signin"' in r.text, "the manager sets a password through the link")
    r = Client(base).get(link)
    tap(r.status == 404, "the set-up link works only once (404 afterwards)", r.summary())
    enrol(b, mgr)
    home = b.get("/")
    need(home, home.status == 200, "the manager reaches the home page")
    r = b.get("/orgs/" + a1)
    tap(r.status == 200, "the manager may open their own agency's page", r.summary())
    a2 = create_org(cl, op, "E2E第二庁", "e2e-two")
    state["org2"] = a2
    r = b.get("/orgs/" + a2)
    tap(r.status == 403, "the manager may not open another agency's page (403)", r.summary())
    # Agency managers create project teams, so the form itself may be theirs; an agency is not.
    f = find_form(cl.get("/orgs/new?kind=agency").text, "/orgs/new") or {"inputs": [], "selects": {}}
    r = b.post("/orgs/new", fill(f, {"name": "越権庁", "kind": "agency", "agency_type": "ministry",
                                     "type": "ministry", "code": "e2e-x", "csrf": csrf_of(home.text)}))
    tap(r.status in (403, 422), "the manager's POST /orgs/new for an agency is refused", r.summary())
    lst = subprocess.run([state["gcas"], "org", "list", "--kind", "agency", "--db", state["db"]],
                         capture_output=True, text=True, timeout=60)
    tap(lst.returncode == 0 and "e2e-one" in lst.stdout and "e2e-x" not in lst.stdout,
        "gcas org list shows the operator's agencies and no agency made by the manager", lst.stdout + lst.stderr)
    r = b.post("/orgs/" + a2 + "/rename", {"name": "乗っ取り", "csrf": csrf_of(home.text)})
    tap(r.status in (403, 404), "the manager may not rename another agency (403)", r.summary())
    r = b.post("/orgs/new", {"name": "x", "csrf": "forged"})
    tap(r.status == 403, "a forged CSRF token is refused on a signed-in form (403)", r.summary())


def api_flow(cl, op, base, state, reauth_ttl):
    # Let the sign-in's own freshness lapse, so that token creation has to ask for /reauth.
    time.sleep(reauth_ttl + 1.5)
    page = cl.get("/settings")
    need(page, page.status == 200, "GET /settings shows the settings page")
    stale_form = find_form(page.text, "/settings/tokens")
    tap(stale_form is None and "/reauth?next=" in page.text,
        "without a fresh re-authentication /settings offers /reauth instead of the token form")
    r = cl.post("/settings/tokens", {"name": "too early", "scopes": "read", "ttl_days": "1",
                                     "csrf": csrf_of(page.text)})
    need(r, r.status == 303 and r.location.startswith("/reauth"),
         "POST /settings/tokens without a fresh re-authentication is sent to /reauth")
    page = cl.get(r.location)
    f = find_form(page.text, "/reauth")
    need(page, page.status == 200 and f is not None, "the /reauth page asks for the password")
    bad = cl.post("/reauth", fill(f, {"password": op.password + "x"}))
    tap(bad.status == 401, "/reauth refuses a wrong password (401)", bad.summary())
    r = cl.post("/reauth", fill(f, {"password": op.password}))
    need(r, r.status == 303 and r.location.startswith("/settings"), "/reauth accepts the password and returns to /settings")
    page = cl.get("/settings")
    f = find_form(page.text, "/settings/tokens")
    need(page, f is not None, "after /reauth the settings page has the token form")
    values = {"name": "e2e automation", "scopes": ["read write", "write"], "ttl_days": "30"}
    r = cl.post(f["action"], fill(f, values), follow=True)
    m = re.search(r"gcas_pat_[A-Za-z0-9_\-]+", r.text)
    need(r, r.status in (200, 201) and m is not None, "the new token is shown once",
         r.summary() + "\n# form fields: " + ", ".join(sorted(form_names(f))))
    token = m.group(0)
    state["token"] = token
    again = cl.get("/settings")
    tap(token not in again.text, "the token is not shown again on /settings")
    api = Client(base)
    r = api.get("/api/v1/me", headers={"Authorization": "Bearer " + token})
    body = r.json() if r.status == 200 else {}
    tap(r.status == 200 and "application/json" in (r.header("Content-Type") or "") and
        json.dumps(body, ensure_ascii=False).find(op.email) >= 0,
        "GET /api/v1/me with the token returns the operator", r.summary())
    r = api.get("/api/v1/me", headers={"Authorization": "Bearer gcas_pat_" + "A" * 43})
    tap(r.status == 401 and "invalid_token" in (r.header("WWW-Authenticate") or ""),
        "an unknown bearer token is 401 with WWW-Authenticate", r.summary())
    r = api.get("/api/v1/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    tap(r.status == 401, "a non-bearer Authorization header is 401", r.summary())


def check_openapi(cl):
    r = cl.get("/api/v1/openapi.json")
    doc = None
    try:
        doc = r.json()
    except ValueError:
        pass
    tap(r.status == 200 and isinstance(doc, dict) and doc.get("openapi") == "3.1.0",
        "GET /api/v1/openapi.json parses as JSON with openapi \"3.1.0\"", r.summary())
    if isinstance(doc, dict) and doc.get("openapi"):
        paths = doc.get("paths", {})
        tap("/api/v1/me" in paths or "/me" in paths, "the OpenAPI document lists /me", sorted(paths)[:10])


def check_bad_input(cl, state, max_body):
    api = Client(cl.base)
    token = state.get("token")
    auth = {"Authorization": "Bearer " + token} if token else {}
    if token:
        r = api.request("POST", "/api/v1/orgs", body=b'{"name": "x", "kind": ', headers=dict(auth, **{"Content-Type": "application/json"}))
        ok = r.status == 400 and "problem+json" in (r.header("Content-Type") or "")
        tap(ok, "malformed JSON is a 400 problem+json", r.summary())
        r = api.request("POST", "/api/v1/orgs", body=b'{"name": "x"}', headers=dict(auth, **{"Content-Type": "text/plain"}))
        tap(r.status in (400, 415), "a JSON API body with the wrong Content-Type is refused (415)", r.summary())
        r = api.request("POST", "/api/v1/orgs", body=b'{"name": "\xff\xfe", "kind": "agency"}',
                        headers=dict(auth, **{"Content-Type": "application/json"}))
        tap(400 <= r.status < 500, "invalid UTF-8 inside JSON is a 4xx", r.summary())
    else:
        tap(False, "malformed JSON is a 400 problem+json", "no API token (token creation failed)")
    page = api.get("/signin")
    big = ("email=a%40b.jp&password=" + "A" * (max_body + 1024) + "&csrf=" + csrf_of(page.text)).encode()
    r = api.request("POST", "/signin", body=big, headers={"Content-Type": "application/x-www-form-urlencoded"})
    tap(r.status == 413, "a body larger than http.max_body is refused with 413", r.summary())
    r = api.request("POST", "/api/v1/orgs", body=b"{" + b'"a":1,' * (max_body // 6 + 10) + b'"b":2}',
                    headers=dict(auth, **{"Content-Type": "application/json"}))
    tap(r.status == 413, "an oversized JSON body is refused with 413", r.summary())
    r = api.request("POST", "/signin", body=b"email=%C3%28%FF&password=x&csrf=" + csrf_of(page.text).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    tap(400 <= r.status < 500 and r.status != 401, "invalid UTF-8 in a form is a 4xx (not a sign-in attempt)", r.summary())
    r = api.request("POST", "/signin", body=b"email=%zz&password=%&csrf=1",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    tap(400 <= r.status < 500, "malformed percent-encoding in a form is a 4xx", r.summary())
    r = api.get("/signin?lang=%ff%fe")
    tap(400 <= r.status < 500, "invalid UTF-8 in the query string is a 4xx", r.summary())
    r = api.request("BREW", "/signin")
    tap(400 <= r.status < 600 and r.status != 500, "an unknown method is refused without a 500", r.summary())
    r = api.get("/signin", headers={"Cookie": "gcas_session=" + "\x7f" * 40 + "; ;;=;"})
    tap(r.status == 200, "a garbled Cookie header is ignored", r.summary())
    r = api.get("/orgs/" + "%2e%2e%2f" * 10)
    tap(r.status in (303, 400, 404), "an odd path segment is handled", r.summary())
    r = api.get("/healthz")
    tap(r.status == 200, "the server is still alive after the hostile input", r.summary())


def check_audit(gcas, db, engine, psql_dsn):
    r = subprocess.run([gcas, "audit", "verify", "--db", db], capture_output=True, text=True, timeout=120)
    tap(r.returncode == 0 and re.search(r"\d+ records checked, 0 problems", r.stdout) is not None,
        "gcas audit verify passes on the log the run produced", r.stdout + r.stderr)
    m = re.search(r"(\d+) records checked", r.stdout)
    n = int(m.group(1)) if m else 0
    tap(n >= 10, "the run left an audit trail (%d records)" % n)
    seq = max(2, n // 2)
    sql = "UPDATE audit SET detail = '{\"edited\":true}' WHERE seq = %d" % seq
    # The database refuses to edit an audit record; someone with full rights on it drops the
    # append-only trigger first.
    if engine == "sqlite":
        path = db.split(":", 1)[1]
        t = subprocess.run(["sqlite3", path, sql], capture_output=True, text=True)
        tap(t.returncode != 0 and "append-only" in t.stderr,
            "the database refuses to edit an audit record", t.stderr)
        t = subprocess.run(["sqlite3", path, "DROP TRIGGER audit_no_update; " + sql],
                           capture_output=True, text=True)
    else:
        psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", psql_dsn, "-c"]
        t = subprocess.run(psql + [sql], capture_output=True, text=True)
        tap(t.returncode != 0 and "append-only" in t.stderr,
            "the database refuses to edit an audit record", t.stderr)
        t = subprocess.run(psql + ["DROP TRIGGER audit_append_only ON audit; " + sql],
                           capture_output=True, text=True)
    tap(t.returncode == 0, "one audit row edited behind gcas's back (seq %d)" % seq, t.stderr)
    r = subprocess.run([gcas, "audit", "verify", "--db", db], capture_output=True, text=True, timeout=120)
    tap(r.returncode == 1, "gcas audit verify then fails (exit status 1)", r.stdout + r.stderr)
    tap(re.search(r"\bseq %d\b" % seq, r.stdout + r.stderr) is not None,
        "... and names the edited record (seq %d)" % seq, r.stdout + r.stderr)


class SmtpSink:
    """A minimal SMTP server (RFC 5321) on 127.0.0.1: records the envelope and DATA of each
    message; no relaying, no authentication."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.messages = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                self.session(conn.makefile("rwb"))

    def session(self, f):
        def say(line):
            f.write(line.encode() + b"\r\n")
            f.flush()
        say("220 sink ESMTP")
        mail_from, rcpts = None, []
        while True:
            line = f.readline()
            if not line:
                return
            cmd = line.decode("ascii", "replace").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                say("250 sink")
            elif verb == "MAIL":
                mail_from, rcpts = cmd[10:].strip(), []
                say("250 ok")
            elif verb == "RCPT":
                rcpts.append(cmd[8:].strip())
                say("250 ok")
            elif verb == "DATA":
                say("354 go ahead")
                data = b""
                while True:
                    part = f.readline()
                    if not part or part == b".\r\n":
                        break
                    data += part[1:] if part.startswith(b"..") else part
                self.messages.append((mail_from, rcpts, data))
                say("250 queued")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 ok")

    def close(self):
        self.sock.close()


def check_smtp(gcas):
    """The binary delivers a queued notification over SMTP (libcurl) to a server on loopback:
    a fresh database (no server running on it, so nothing else delivers first), an account
    issued from the command line (its set-up link is mailed), then `gcas mail deliver`."""
    sink = SmtpSink()
    try:
        with tempfile.TemporaryDirectory(prefix="gcas-e2e-smtp-") as d:
            db = "sqlite:" + os.path.join(d, "mail.db")
            env = {k: v for k, v in os.environ.items() if not k.startswith("GCAS_")}
            def run(*args):
                return subprocess.run([gcas, *args, "--db", db], capture_output=True, text=True,
                                      timeout=60, cwd=d, env=env)
            r = run("init")
            need(None, r.returncode == 0, "a second database for the mail check", r.stdout + r.stderr)
            r = run("org", "create", "agency", "--name", "送信試験省", "--type", "ministry",
                    "--code", "mailtest")
            org = r.stdout.strip()
            r = run("user", "create", "--email", "mail.person@mail.example.go.jp", "--role",
                    "agency_manager", "--org", org, "--family-name", "送信", "--given-name",
                    "花子", "--family-kana", "ソウシン", "--given-kana", "ハナコ")
            need(None, r.returncode == 0, "an account issued from the command line", r.stderr)
            r = run("mail", "deliver", "--smtp-url", "smtp://127.0.0.1:%d" % sink.port)
            tap(r.returncode == 0, "gcas mail deliver exits 0", r.stdout + r.stderr)
            got = [m for m in sink.messages if any("mail.person@mail.example.go.jp" in x for x in m[1])]
            tap(len(got) == 1, "the SMTP server received the set-up mail once (%d messages)" % len(sink.messages))
            if not got:
                return
            msg = email.message_from_bytes(got[0][2], policy=email.policy.default)
            subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
            tap(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", subject) is not None,
                "its Subject decodes (RFC 2047) to Japanese: %s" % subject)
            body = msg.get_body(preferencelist=("plain",)).get_content()
            tap("/setup/" in body and "送信" in body, "its body (UTF-8) carries the set-up link and the name")
            before = len(sink.messages)
            r = run("mail", "deliver", "--smtp-url", "smtp://127.0.0.1:%d" % sink.port)
            tap(r.returncode == 0 and len(sink.messages) == before,
                "a second delivery run sends nothing again", r.stdout + r.stderr)
    finally:
        sink.close()


def check_cluster(op, url1, url2):
    """Two nodes over one PostgreSQL: sessions and sign-out and throttling are shared."""
    n1 = Client(url1)
    signin_full(n1, op)
    n2 = n1.clone_to(url2)
    r = n2.get("/")
    need(r, r.status == 200 and ("ようこそ" in r.text or "Welcome" in r.text),
         "a session created through node 1 works on node 2")
    r = signout(n2)
    need(r, r.status == 303, "sign-out on node 2")
    r = n1.get("/")
    tap(r.status == 303 and r.location.endswith("/signin"), "... ends the session on node 1 too", r.summary())
    # Throttling (run with --throttle-free 1): two failures through node 1 lock the account for
    # 2 s, so the right password through node 2 is refused at once and accepted after the delay.
    # The lock ends at a whole second (now + 2 in epoch seconds): start it just after a second
    # begins so that node 2's attempt surely falls inside it.
    c1, c2 = Client(url1), Client(url2)
    r = signin_password(c1, op, password="wrong password")
    tap(r.status == 401, "a wrong password through node 1 is 401", r.summary())
    time.sleep(1.02 - (time.time() % 1.0))
    r = signin_password(c1, op, password="wrong password")
    tap(r.status == 401, "a second wrong password through node 1 is 401", r.summary())
    r = signin_password(c2, op)
    tap(r.status == 401, "node 2 refuses the right password while node 1's failures lock the account", r.summary())
    time.sleep(3.2)
    r = signin_password(c2, op)
    tap(r.status == 303, "after the delay node 2 accepts the right password", r.summary())


def check_manager_cluster(state, url2):
    """The manager created through node 1 signs in on node 2 and is refused the other agency."""
    mgr = state.get("manager")
    if not mgr or not mgr.secret or "org2" not in state:
        return
    b = Client(url2)
    signin_full(b, mgr)
    r = b.get("/orgs/" + state["org2"])
    tap(r.status == 403, "on node 2 too the manager may not open another agency's page", r.summary())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gcas", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--url2")
    ap.add_argument("--db", required=True)
    ap.add_argument("--psql-dsn", default="")
    ap.add_argument("--engine", choices=["sqlite", "pg"], required=True)
    ap.add_argument("--otp", required=True)
    ap.add_argument("--email", default="operator@gcas.example.go.jp")
    ap.add_argument("--reauth-ttl", type=int, default=2)
    ap.add_argument("--max-body", type=int, default=1024 * 1024)
    args = ap.parse_args()

    diag("%s: %s%s" % (args.engine, args.url, " + " + args.url2 if args.url2 else ""))
    tap(rfc6238_selftest(), "[%s] the test's own TOTP matches RFC 6238 Appendix B" % args.engine)
    cl = Client(args.url)
    op = Person(args.email, args.otp)
    state = {"gcas": args.gcas, "db": args.db}
    group("plain endpoints", check_plain, cl)
    group("security headers", check_headers, cl)
    group("sign-in errors", check_signin_errors, cl, op)
    signed_in = group("first sign-in", first_signin, cl, op) is None and op.secret is not None
    if signed_in:
        group("agency and manager", manager_flow, cl, op, args.url, state)
        group("API token", api_flow, cl, op, args.url, state, args.reauth_ttl)
    else:
        tap(False, "the operator could not sign in: the agency, manager and API checks did not run")
    group("OpenAPI", check_openapi, cl)
    group("bad input", check_bad_input, cl, state, args.max_body)
    if args.url2 and signed_in:
        group("two nodes", check_cluster, op, args.url, args.url2)
        group("two nodes, manager", check_manager_cluster, state, args.url2)
    group("audit", check_audit, args.gcas, args.db, args.engine, args.psql_dsn)
    if args.engine == "sqlite":
        group("mail over SMTP", check_smtp, args.gcas)
    diag("%s: %d failed" % (args.engine, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
