/* SPDX-License-Identifier: MIT */
/* web_require_signin: a protocol endpoint that needs a person remembers where it was (a path
 * on this server only) and the sign-in pages go back there once both factors are done; an
 * absolute URL or a network-path reference ("//evil.example") is never remembered nor
 * followed, even when a forged cookie carries it. */
#include "base/clock.h"
#include "base/codec.h"
#include "crypto/totp.h"
#include "test_pages.h"
#include "web/web.h"

/* The value of cookie name in the Set-Cookie lines of the last response, into out (4096). */
static const char *set_cookie_value(const char *name, char *out)
{
	char key[64];
	snprintf(key, sizeof(key), "%s=", name);
	const char *p = COOKIES ? strstr(COOKIES, key) : NULL;
	size_t n = p ? strcspn(p + strlen(key), ";\n") : 0;
	out[0] = '\0';
	if (p && n < 4096) {
		memcpy(out, p + strlen(key), n);
		out[n] = '\0';
	}
	return p ? out : NULL;
}

/* Call web_require_signin on a context of an anonymous request; the response's Set-Cookie
 * and Location land in COOKIES / LOCATION like a dispatched request's. */
static void require_signin(const char *return_to)
{
	struct arena *a = arena_new(0);
	struct http_req req = {.a = a, .method = HTTP_GET, .path = "/x", .query = ""};
	struct http_resp resp;
	struct web_ctx c = {.env = &W.env, .req = &req, .resp = &resp, .a = a};
	http_resp_init(&resp);
	web_require_signin(&c, return_to);
	free(LOCATION);
	free(COOKIES);
	LOCATION = COOKIES = NULL;
	for (size_t i = 0; i < resp.nheaders; i++) {
		if (strcmp(resp.headers[i].name, "Location") == 0)
			LOCATION = strdup(resp.headers[i].value);
		if (strcmp(resp.headers[i].name, "Set-Cookie") == 0)
			COOKIES = strdup(resp.headers[i].value);
	}
	http_resp_fini(&resp);
	arena_free(a);
}

/* Sign in by the real pages (password, then the TOTP code) carrying extra cookies; returns the
 * status of the second factor's POST (its Location is in LOCATION). */
static int sign_in(const char *email, const char *extra_cookie)
{
	char ck[4096], sess[4096], code[16], key[64];
	long kl = base32_decode(key, sizeof(key), WT_TOTP_SECRET, strlen(WT_TOTP_SECRET));
	if (get(NULL, "/signin") != 200 || !set_cookie_value("gcas_csrf", ck))
		return -1;
	char *csrf = strdup(ck);
	int st = request("POST", "/signin", fmt("gcas_csrf=%s; %s", csrf, extra_cookie),
	                 form("csrf", csrf, "email", email, "password", WT_PASSWORD, NULL));
	free(csrf);
	if (st != 303 || !set_cookie_value("gcas_session", sess))
		return -1;
	snprintf(code, sizeof(code), "%06ld", totp_code(key, (size_t)kl, totp_step(clock_now())));
	char *cookie = strdup(fmt("gcas_session=%s; %s", sess, extra_cookie));
	/* The partial session's CSRF token is on the factor page. */
	if (request("GET", "/signin/factor", cookie, NULL) != 200) {
		free(cookie);
		return -1;
	}
	const char *p = strstr(BODY, "name=\"csrf\" value=\"");
	char tok[128] = "";
	if (p)
		snprintf(tok, sizeof(tok), "%.*s", (int)strcspn(p + 19, "\""), p + 19);
	st = request("POST", "/signin/factor", cookie, form("csrf", tok, "code", code, NULL));
	free(cookie);
	return st;
}

int main(void)
{
	char org[33], a1[33], a2[33], a3[33], enc[4096], forged[4200];
	const char *target = "/oidc/authorize?client_id=abc&redirect_uri=https%3A%2F%2Frp.example"
	                     "%2Fcb&state=x%3By";
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", org) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, org, "one@a.example.jp", a1) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, org, "two@a.example.jp", a2) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, org, "three@a.example.jp", a3) == 0,
	   "an agency and three people");

	require_signin(target);
	is_str(LOCATION, "/signin", "not signed in: to the sign-in page");
	ok(set_cookie_value("gcas_return", enc) && *enc, "the path is remembered in a cookie");
	has_str(COOKIES, "HttpOnly", "HttpOnly");
	has_str(COOKIES, "SameSite=Lax", "SameSite=Lax");
	has_str(COOKIES, "Max-Age=600", "for 10 minutes");
	char *remember = strdup(fmt("gcas_return=%s", enc));
	is_int(sign_in("one@a.example.jp", remember), 303, "signing in with the remembered path");
	is_str(LOCATION, target, "lands on the remembered path");
	has_str(COOKIES, "gcas_return=; ", "and the cookie is cleared");
	free(remember);

	require_signin("//evil.example/x");
	is_str(LOCATION, "/signin", "a network-path reference still signs in");
	ok(!set_cookie_value("gcas_return", enc), "but is not remembered");
	require_signin("https://evil.example/x");
	ok(!set_cookie_value("gcas_return", enc), "nor is an absolute URL");
	require_signin("/\t/evil.example");
	ok(!set_cookie_value("gcas_return", enc), "nor a path a browser would turn into //");

	/* A cookie forged by someone else (or planted by a sibling site) is checked again. */
	b64url_encode(enc, "//evil.example", strlen("//evil.example"));
	snprintf(forged, sizeof(forged), "gcas_return=%s", enc);
	is_int(sign_in("two@a.example.jp", forged), 303, "signing in with a forged cookie");
	is_str(LOCATION, "/", "goes home, not to //evil.example");
	b64url_encode(enc, "https://evil.example", strlen("https://evil.example"));
	snprintf(forged, sizeof(forged), "gcas_return=%s", enc);
	is_int(sign_in("three@a.example.jp", forged), 303, "and with an absolute URL");
	is_str(LOCATION, "/", "goes home too");
	pages_done();
	return tap_done();
}
