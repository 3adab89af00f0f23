#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""BreakGlass end to end against a running `gcas breakglass` and nothing else (started by
tests/e2e/breakglass.sh): no `gcas serve` runs, so no SSO endpoint exists.

--phase use: the SSO server's port refuses connections and the listener serves no SSO route;
the developer (requester) and the project manager (approver) sign in at the listener with
password and TOTP (RFC 6238, computed here); the developer requests, the manager approves; the
credential arrives as an .eml in var/mail (delivered by the listener itself), the operator and
the agency's manager get their use reports; the credential signs in at the local cloud's
emergency page served by the listener.
--phase expired: after the listener's own loop revoked it at expiry, the same credential is
refused and the expiry was reported.

Standard library only; TAP lines without a plan (the shell script adds it).
"""

import argparse
import datetime
import email
import email.policy
import glob
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_e2e as t  # noqa: E402  (Client, forms, TOTP, TAP helpers)


def mails(mail_dir):
    """Every delivered message as (to, subject, body)."""
    out = []
    for path in sorted(glob.glob(os.path.join(mail_dir, "*.eml"))):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain",))
        out.append((str(msg["To"] or ""), str(msg["Subject"] or ""), part.get_content() if part else ""))
    return out


def wait_mail(mail_dir, to, subject_part, seconds=30):
    """The newest message to `to` whose subject contains subject_part, waiting for delivery."""
    end = time.time() + seconds
    while True:
        got = [m for m in mails(mail_dir) if to in m[0] and subject_part in m[1]]
        if got or time.time() > end:
            return got[-1] if got else None
        time.sleep(0.5)


def line_after(body, label):
    m = re.search(re.escape(label) + r"\s*(\S+)", body or "")
    return m.group(1) if m else ""


def signin(cl, email_addr, password, secret):
    page = cl.get("/signin")
    t.need(page, page.status == 200 and "緊急アクセス" in page.text,
           "%s: the listener's own sign-in page" % email_addr)
    r = cl.post("/signin", {"email": email_addr, "password": password, "csrf": t.csrf_of(page.text)})
    t.need(r, r.status == 303 and r.location.endswith("/signin/factor"),
           "%s: the password step asks for the second factor" % email_addr)
    page = cl.get("/signin/factor")
    r = cl.post("/signin/factor", {"code": t.totp_now(secret), "csrf": t.csrf_of(page.text)})
    t.need(r, r.status == 303 and r.location.endswith("/"),
           "%s: a TOTP code completes the sign-in" % email_addr)
    t.tap(any(n.startswith("gcas_bg_session") for n in cl.cookies) and "gcas_session" not in cl.cookies,
          "%s: the session lives in the listener's own cookie" % email_addr, cl.cookies)


def emergency_signin(base, cloud, user, password):
    cl = t.Client(base)
    path = "/local-cloud/%s/emergency-signin" % cloud
    page = cl.get(path)
    t.need(page, page.status == 200, "the local cloud's emergency sign-in page (no session needed)")
    return cl.post(path, {"user": user, "password": password, "csrf": t.csrf_of(page.text)})


def phase_use(a):
    # No SSO anywhere: the main server's port is closed and the listener has no SSO route.
    s = socket.socket()
    s.settimeout(2)
    refused = s.connect_ex(("127.0.0.1", a.sso_port)) != 0
    s.close()
    t.tap(refused, "the main server (SSO) is down: port %d refuses connections" % a.sso_port)
    anon = t.Client(a.url)
    for path in ("/.well-known/openid-configuration", "/oidc/authorize", "/saml/metadata", "/orgs"):
        r = anon.get(path)
        t.tap(r.status == 404, "the listener serves no %s (404)" % path, r.summary())

    dev = t.Client(a.url)
    signin(dev, "dev@dev.example.co.jp", a.password, a.dev_secret)
    page = dev.get("/requests/new")
    env = re.search(r'<option value="([0-9a-f]{32})"', page.text)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    t.need(page, page.status == 200 and env is not None and key is not None,
           "the request form offers the registered environment")
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=9)).strftime("%Y-%m-%d")
    fields = {"csrf": t.csrf_of(page.text), "environment_id": env.group(1), "idempotency_key": key.group(1),
              "reason": "", "critical_work": "住民票の写しの交付", "work_date": today, "hours": "1"}
    r = dev.post("/requests/new", fields)
    t.tap(r.status == 422 and "error-summary" in r.text and "住民票の写しの交付" in r.text,
          "a request without a reason is re-rendered with a message, keeping the input (422)", r.summary())
    fields["reason"] = "SSO基盤の障害で通常のサインインができないため"
    r = dev.post("/requests/new", fields)
    m = re.match(r"/requests/([0-9a-f]{32})\?done=requested$", r.location)
    t.need(r, r.status == 303 and m is not None, "the developer requests emergency access for today")
    rid = m.group(1)
    pm_mail = wait_mail(a.mail_dir, "pm@city.example.lg.jp", "承認依頼")
    t.tap(pm_mail is not None and rid in pm_mail[2], "the approver is mailed the request (by the listener)")

    pm = t.Client(a.url)
    signin(pm, "pm@city.example.lg.jp", a.password, a.pm_secret)
    page = pm.get("/requests/" + rid)
    t.need(page, page.status == 200 and ("/requests/%s/decide" % rid) in page.text,
           "the approver sees the request with the decision form")
    r = pm.post("/requests/%s/decide" % rid, {"csrf": t.csrf_of(page.text), "decision": "approve",
                                             "note": "BCP上必要と判断"})
    t.need(r, r.status == 303, "the approver approves")
    page = pm.get("/requests/" + rid)
    t.tap("発行済み" in page.text and "パスワード" not in page.text,
          "the credential is issued at once; the approver never sees it")

    got = wait_mail(a.mail_dir, "dev@dev.example.co.jp", "認証情報")
    t.need(None, got is not None, "the credential arrives as an .eml in var/mail")
    body = got[2]
    user, password, url = line_after(body, "ユーザー名:"), line_after(body, "パスワード:"), line_after(body, "サインインURL:")
    t.tap(user.startswith("bg-") and len(password) == 43 and url.startswith(a.url + "/local-cloud/" + a.cloud),
          "... with the user, a one-time password and the listener's emergency sign-in URL", body)
    t.tap("失効" in body, "... and says when it expires")
    for who in ("operator@gcas.example.go.jp", "am@city.example.lg.jp"):
        rep = wait_mail(a.mail_dir, who, "利用報告")
        t.tap(rep is not None and "発行" in rep[2], "%s gets the use report" % who)

    r = emergency_signin(a.url, a.cloud, user, password + "x")
    t.tap(r.status == 401, "a wrong emergency password is refused (401)", r.summary())
    r = emergency_signin(a.url, a.cloud, user, password)
    t.tap(r.status == 200 and "緊急アクセス" in r.text and "dev@dev.example.co.jp" in r.text,
          "the mailed credential signs in at the local cloud: the console says emergency access", r.summary())
    with open(a.state, "w") as f:
        json.dump({"user": user, "password": password, "rid": rid}, f)


def phase_expired(a):
    with open(a.state) as f:
        st = json.load(f)
    r = emergency_signin(a.url, a.cloud, st["user"], st["password"])
    t.tap(r.status == 401, "after expiry the same credential is refused (401)", r.summary())
    rep = wait_mail(a.mail_dir, "operator@gcas.example.go.jp", "期限切れ")
    t.tap(rep is not None, "the operator gets the expiry report")


def main():
    p = argparse.ArgumentParser()
    for name in ("phase", "url", "state", "mail-dir", "cloud", "password", "pm-secret", "dev-secret"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--sso-port", type=int, required=True)
    a = p.parse_args()
    fn = phase_use if a.phase == "use" else phase_expired
    t.group("breakglass " + a.phase, fn, a)
    return 1 if t.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
