/* SPDX-License-Identifier: MIT */
/* The request pipeline: error shapes (page or problem+json), security headers, refusal of
 * malformed input, trusted-proxy handling, the sign-in flow over HTTP with its uniform failure,
 * session renewal, and the language switch. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "crypto/totp.h"
#include "store/store.h"
#include "tap.h"
#include "webtest.h"

/* Value of cookie name in a Set-Cookie list ("a=b; Path=/\nc=d; ..."), into out. */
static int cookie_value(const char *set_cookie, const char *name, char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "%s=", name);
	const char *p = set_cookie ? strstr(set_cookie, pat) : NULL;
	if (!p)
		return -1;
	p += strlen(pat);
	size_t n = strcspn(p, ";\n");
	if (n >= cap)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static void test_error_shapes(struct wt *w)
{
	struct wt_resp r;
	wt_request(w, "GET", "/no/such/page", NULL, NULL, NULL, NULL, &r);
	is_int(r.status, 404, "unknown page: 404");
	has_str(r.content_type, "text/html", "as an HTML page");
	has_str(r.body, "ページが見つかりません", "in Japanese");
	wt_resp_free(&r);
	wt_request(w, "GET", "/api/v1/nothing", NULL, NULL, NULL, NULL, &r);
	is_int(r.status, 404, "unknown API path: 404");
	is_str(r.content_type, "application/problem+json", "as problem+json (RFC 9457)");
	has_str(r.body, "\"status\":404", "with its status member");
	wt_resp_free(&r);
	wt_request(w, "POST", "/healthz", NULL, NULL, NULL, NULL, &r);
	is_int(r.status, 405, "wrong method on a known path: 405");
	wt_resp_free(&r);
	wt_request(w, "GET", "/signin?x=%zz", NULL, NULL, NULL, NULL, &r);
	is_int(r.status, 400, "malformed query string: 400");
	wt_resp_free(&r);
	wt_request(w, "POST", "/signin", NULL, "application/x-www-form-urlencoded",
	           "email=%ff%fe&password=x", NULL, &r);
	is_int(r.status, 400, "form with invalid UTF-8: 400");
	has_str(r.body, "送信された内容を読み取れませんでした", "explained on a page");
	wt_resp_free(&r);
	wt_request(w, "GET", "/", "gcas_session=\"unterminated; ;;=;", NULL, NULL, NULL, &r);
	is_int(r.status, 303, "a malformed Cookie header is ignored, not fatal");
	wt_resp_free(&r);
	wt_request(w, "GET", "/", "gcas_session=forged-session-value-0123456789", NULL, NULL, NULL,
	           &r);
	is_int(r.status, 303, "an unknown session cookie redirects to sign-in");
	has_str(r.set_cookie, "gcas_session=; Path=/; Max-Age=0", "and is deleted");
	wt_resp_free(&r);
}

static void test_headers(struct wt *w, const char *cookie)
{
	struct wt_resp r;
	wt_request(w, "GET", "/", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 200, "signed-in home");
	wt_resp_free(&r);
	/* Headers are not exposed by wt_resp except Set-Cookie/Location: check them through a
	 * direct dispatch. */
	struct arena *a = arena_new(0);
	struct http_req req = {.a = a,
	                       .method = HTTP_GET,
	                       .path = "/",
	                       .query = "",
	                       .peer_ip = "127.0.0.1",
	                       .request_id = "hdr"};
	req.headers[req.nheaders++] = (struct http_header){"Cookie", cookie};
	struct http_resp resp;
	http_resp_init(&resp);
	web_dispatch(&w->env, &req, &resp);
	const char *csp = NULL, *nosniff = NULL, *frame = NULL, *cache = NULL;
	for (size_t i = 0; i < resp.nheaders; i++) {
		if (strcmp(resp.headers[i].name, "Content-Security-Policy") == 0)
			csp = resp.headers[i].value;
		if (strcmp(resp.headers[i].name, "X-Content-Type-Options") == 0)
			nosniff = resp.headers[i].value;
		if (strcmp(resp.headers[i].name, "X-Frame-Options") == 0)
			frame = resp.headers[i].value;
		if (strcmp(resp.headers[i].name, "Cache-Control") == 0)
			cache = resp.headers[i].value;
	}
	ok(csp && !strstr(csp, "unsafe-inline") && !strstr(csp, "script-src") &&
	       strstr(csp, "default-src 'none'") && strstr(csp, "frame-ancestors 'none'"),
	   "strict CSP: nothing by default, no inline anything, no framing");
	is_str(nosniff, "nosniff", "nosniff");
	is_str(frame, "DENY", "X-Frame-Options DENY");
	is_str(cache, "no-store", "personal pages are not cached");
	ok(!strstr(resp.body.data, "<script") && !strstr(resp.body.data, "style="),
	   "no script and no inline style in the page");
	http_resp_fini(&resp);
	arena_free(a);
}

static void test_proxy(struct wt *w)
{
	struct wt_resp r;
	const char *xfp[] = {"X-Forwarded-Proto: https", "X-Forwarded-For: 203.0.113.7", NULL};
	w->cfg.trusted_proxies = "";
	wt_request(w, "GET", "/signin", NULL, NULL, NULL, xfp, &r);
	ok(r.set_cookie && strstr(r.set_cookie, "gcas_csrf=") && !strstr(r.set_cookie, "Secure"),
	   "X-Forwarded-Proto from an untrusted peer is ignored (no Secure cookie)");
	wt_resp_free(&r);
	w->cfg.trusted_proxies = "10.0.0.1, 127.0.0.1";
	wt_request(w, "GET", "/signin", NULL, NULL, NULL, xfp, &r);
	ok(r.set_cookie && strstr(r.set_cookie, "__Host-gcas_csrf=") &&
	       strstr(r.set_cookie, "Secure"),
	   "from a trusted proxy, https gives Secure __Host- cookies");
	wt_resp_free(&r);
	/* A proxy that adds its own X-Forwarded-For line after the client's (HAProxy): the
	 * client's forged loopback address must not win. */
	const char *two[] = {"X-Forwarded-For: 127.0.0.1", "X-Forwarded-For: 203.0.113.9", NULL};
	wt_request(w, "GET", "/metrics", NULL, NULL, NULL, two, &r);
	is_int(r.status, 403, "a forged first X-Forwarded-For line does not make a client local");
	wt_resp_free(&r);
	const char *one[] = {"X-Forwarded-For: 203.0.113.9, 127.0.0.1", NULL};
	wt_request(w, "GET", "/metrics", NULL, NULL, NULL, one, &r);
	is_int(r.status, 403, "trusted hops are skipped right to left: the client is 203.0.113.9");
	wt_resp_free(&r);
	const char *local[] = {"X-Forwarded-For: 127.0.0.1", NULL};
	wt_request(w, "GET", "/metrics", NULL, NULL, NULL, local, &r);
	is_int(r.status, 200, "a loopback client behind the proxy is local");
	wt_resp_free(&r);
	w->cfg.trusted_proxies = "";
}

static void test_reauth_next(struct wt *w, const char *cookie)
{
	struct wt_resp r;
	/* Browsers strip tabs from URLs: "/\t/evil.example" would become "//evil.example". */
	wt_request(w, "GET", "/reauth?next=/%09/evil.example", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 200, "re-authentication page");
	has_str(r.body, "name=\"next\" value=\"/settings\"",
	        "an unsafe next is replaced by the settings page (no open redirect)");
	wt_resp_free(&r);
	wt_request(w, "GET", "/reauth?next=//evil.example", cookie, NULL, NULL, NULL, &r);
	has_str(r.body, "name=\"next\" value=\"/settings\"", "a scheme-relative next too");
	wt_resp_free(&r);
}

static void test_signin_flow(struct wt *w, const char *email)
{
	struct wt_resp r;
	char csrf[128], cookie[512], sess[128], sess2[128], body[512];
	wt_request(w, "GET", "/signin", NULL, NULL, NULL, NULL, &r);
	is_int(r.status, 200, "sign-in page");
	ok(cookie_value(r.set_cookie, "gcas_csrf", csrf, sizeof(csrf)) == 0,
	   "sets a double-submit CSRF cookie");
	has_str(r.body, csrf, "and puts the same token in the form");
	wt_resp_free(&r);
	snprintf(cookie, sizeof(cookie), "gcas_csrf=%s", csrf);
	snprintf(body, sizeof(body), "email=%s&password=wrong", email);
	wt_request(w, "POST", "/signin", cookie, "application/x-www-form-urlencoded", body, NULL,
	           &r);
	is_int(r.status, 403, "sign-in without the CSRF field is refused");
	wt_resp_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&email=%s&password=wrong+password+here", csrf, email);
	wt_request(w, "POST", "/signin", cookie, "application/x-www-form-urlencoded", body, NULL,
	           &r);
	is_int(r.status, 401, "wrong password: 401");
	char *wrong_msg = strstr(r.body, "正しくありません") ? "ok" : NULL;
	ok(wrong_msg != NULL, "with the uniform message");
	ok(!r.set_cookie || !strstr(r.set_cookie, "gcas_session="), "and no session");
	has_str(r.body, email, "the typed email is kept");
	ok(!strstr(r.body, "wrong password here"), "the password is not echoed");
	wt_resp_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&email=nobody%%40example.go.jp&password=x", csrf);
	wt_request(w, "POST", "/signin", cookie, "application/x-www-form-urlencoded", body, NULL,
	           &r);
	is_int(r.status, 401, "unknown email: the same 401");
	has_str(r.body, "メールアドレスまたはパスワードが正しくありません", "and the same message");
	wt_resp_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&email=%s&password=correct+horse+battery+staple", csrf,
	         email);
	wt_request(w, "POST", "/signin", cookie, "application/x-www-form-urlencoded", body, NULL,
	           &r);
	is_int(r.status, 303, "right password: redirect");
	is_str(r.location, "/signin/factor", "to the second factor (TOTP enrolled)");
	ok(cookie_value(r.set_cookie, "gcas_session", sess, sizeof(sess)) == 0,
	   "session cookie set");
	has_str(r.set_cookie, "HttpOnly", "HttpOnly");
	has_str(r.set_cookie, "SameSite=Lax", "SameSite");
	wt_resp_free(&r);
	snprintf(cookie, sizeof(cookie), "gcas_session=%s", sess);
	wt_request(w, "GET", "/", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 303, "password alone does not reach the home page");
	is_str(r.location, "/signin/factor", "it asks for the second factor");
	wt_resp_free(&r);
	/* The session's CSRF token is in the factor form. */
	wt_request(w, "GET", "/signin/factor", cookie, NULL, NULL, NULL, &r);
	const char *p = strstr(r.body, "name=\"csrf\" value=\"");
	char scsrf[128] = "";
	if (p) {
		p += strlen("name=\"csrf\" value=\"");
		size_t n = strcspn(p, "\"");
		if (n < sizeof(scsrf)) {
			memcpy(scsrf, p, n);
			scsrf[n] = '\0';
		}
	}
	wt_resp_free(&r);
	unsigned char key[64];
	long klen = base32_decode(key, sizeof(key), WT_TOTP_SECRET, strlen(WT_TOTP_SECRET));
	long code = totp_code(key, (size_t)klen, totp_step(clock_now()));
	/* Typed with a Japanese input method: full-width digits, URL-encoded UTF-8. */
	char fw[64] = "", digits[8];
	snprintf(digits, sizeof(digits), "%06ld", code);
	for (int i = 0, o = 0; i < 6; i++)
		o += snprintf(fw + o, sizeof(fw) - (size_t)o, "%%EF%%BC%%%02X",
		              0x90 + (digits[i] - '0'));
	snprintf(body, sizeof(body), "csrf=%s&code=%s", scsrf, fw);
	wt_request(w, "POST", "/signin/factor", cookie, "application/x-www-form-urlencoded", body,
	           NULL, &r);
	is_int(r.status, 303, "right TOTP code, in full-width digits: redirect home");
	ok(cookie_value(r.set_cookie, "gcas_session", sess2, sizeof(sess2)) == 0 &&
	       strcmp(sess, sess2) != 0,
	   "a new session id after the second factor");
	wt_resp_free(&r);
	wt_request(w, "GET", "/", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 303, "the pre-factor session id no longer works");
	wt_resp_free(&r);
	snprintf(cookie, sizeof(cookie), "gcas_session=%s", sess2);
	wt_request(w, "GET", "/", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 200, "the new one does");
	wt_resp_free(&r);
	wt_request(w, "POST", "/signin/factor", cookie, "application/x-www-form-urlencoded", body,
	           NULL, &r);
	is_int(r.status, 403, "the old session's CSRF token died with it");
	wt_resp_free(&r);
	wt_request(w, "GET", "/signin/factor", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 303, "the factor page after sign-in just goes home");
	wt_resp_free(&r);
	ok(wt_audit_count(w, "signin.failure", "failure") == 2, "two failures audited");
	ok(wt_audit_count(w, "signin.success", NULL) == 1, "one success audited");
}

static void test_lang(struct wt *w, const char *cookie)
{
	struct wt_resp r;
	wt_request(w, "GET", "/signin?lang=en", NULL, NULL, NULL, NULL, &r);
	has_str(r.body, "<html lang=\"en\"", "?lang=en renders English");
	has_str(r.body, "Sign in", "English heading");
	has_str(r.set_cookie, "gcas_lang=en", "and remembers the choice");
	wt_resp_free(&r);
	wt_request(w, "GET", "/signin", "gcas_lang=en", NULL, NULL, NULL, &r);
	has_str(r.body, "Email address", "the cookie keeps English");
	wt_resp_free(&r);
	(void)cookie;
}

int main(void)
{
	struct wt w;
	char agency[33], mgr[33], cookie[256], csrf[64];
	if (!ok(wt_open(&w) == 0, "harness"))
		return tap_done();
	wt_org(&w, ORG_AGENCY, NULL, "デジタル庁", "digital", agency);
	wt_account(&w, ROLE_AGENCY_MANAGER, agency, "taro.shiken@digital.go.jp", mgr);
	wt_login(&w, mgr, cookie, csrf);
	test_error_shapes(&w);
	test_headers(&w, cookie);
	test_proxy(&w);
	test_signin_flow(&w, "taro.shiken@digital.go.jp");
	test_lang(&w, cookie);
	test_reauth_next(&w, cookie);
	wt_close(&w);
	return tap_done();
}
