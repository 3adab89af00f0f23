/* SPDX-License-Identifier: MIT */
/* The OpenID Connect provider end to end through the real dispatcher: discovery, the JWK Set,
 * a signed-in person's authorize → 302 with code, state and iss (RFC 9207) → token with the PKCE
 * verifier → the ID token verified against the published JWKS with cjose (a JOSE implementation
 * we did not write) and its claims checked → userinfo → refresh (rotated) → the old refresh
 * token replayed (invalid_grant, and the new one is revoked too). Then every bad input of
 * issue 4 §7: unknown client and a redirect URI one character off (an error page, never a
 * redirect), a reused code (its tokens revoked), wrong verifier, missing or plain challenge, an
 * expired code, a wrong client secret, client A redeeming client B's code, a disabled account's
 * refresh — each answered as the RFCs say and changing no row. And the operator's pages. */
#include <cjose/cjose.h>
#include <jansson.h>

#include "base/clock.h"
#include "base/codec.h"
#include "sso/oidc.h"
#include "store/oidc.h"
#include "svc/accounts.h"
#include "svc/oidc.h"
#include "test_pages.h"

#define VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define CB        "https://rp.example/cb"
#define CB_ENC    "https%%3A%%2F%%2Frp.example%%2Fcb" /* inside fmt() */

static char BASIC[512]; /* "Authorization: Basic ..." of the confidential client */

static enum gcas_err counts_tx(struct db *db, void *ctx)
{
	struct arena *a = arena_new(0);
	enum gcas_err e = store_oidc_counts(db, a, ctx);
	arena_free(a);
	return e;
}

static struct oidc_counts counts(void)
{
	struct oidc_counts n = {0};
	store_run(W.env.st, counts_tx, &n);
	return n;
}

static int unchanged(struct oidc_counts before)
{
	struct oidc_counts now = counts();
	return memcmp(&before, &now, sizeof(now)) == 0;
}

/* A request with extra headers (hdr may be NULL); body form-encoded when given. */
static int req_h(const char *method, const char *target, const char *cookie, const char *body,
                 const char *hdr)
{
	struct wt_resp r;
	const char *hdrs[] = {hdr, NULL};
	free(BODY);
	free(LOCATION);
	free(COOKIES);
	BODY = LOCATION = COOKIES = NULL;
	if (wt_request(&W, method, target, cookie, body ? FORM_CT : NULL, body, hdr ? hdrs : NULL,
	               &r))
		return -1;
	BODY = pages_dup(r.body);
	LOCATION = pages_dup(r.location);
	COOKIES = pages_dup(r.set_cookie);
	int st = r.status;
	wt_resp_free(&r);
	return st;
}

static const char *authz_url(const char *client_id, const char *extra)
{
	return fmt("/oidc/authorize?response_type=code&client_id=%s&redirect_uri=" CB_ENC
	           "&scope=openid%%20email%%20profile%%20gcas&state=xyz&nonce=n-0S6"
	           "&code_challenge=" CHALLENGE "&code_challenge_method=S256%s",
	           client_id, extra ? extra : "");
}

/* The value of q in LOCATION's query, into out (1024), or "". */
static const char *loc_param(const char *q, char *out)
{
	char key[64];
	snprintf(key, sizeof(key), "%s=", q);
	out[0] = '\0';
	const char *p = LOCATION ? strchr(LOCATION, '?') : NULL;
	for (; p; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, key, strlen(key)) == 0) {
			snprintf(out, 1024, "%.*s", (int)strcspn(p + 1 + strlen(key), "&"),
			         p + 1 + strlen(key));
			break;
		}
	}
	return out;
}

/* A code for the signed-in cookie at client_id, or "" . */
static const char *get_code(const char *cookie, const char *client_id, char *out)
{
	out[0] = '\0';
	if (req_h("GET", authz_url(client_id, NULL), cookie, NULL, NULL) != 302)
		return out;
	return loc_param("code", out);
}

static const char *json_str(const char *body, const char *key, char *out, size_t cap)
{
	json_error_t je;
	json_t *o = body ? json_loads(body, 0, &je) : NULL;
	const char *v = json_string_value(json_object_get(o, key));
	snprintf(out, cap, "%s", v ? v : "");
	json_decref(o);
	return out;
}

static int redeem(const char *code, const char *verifier, const char *hdr, const char *extra)
{
	return req_h("POST", "/oidc/token", NULL,
	             fmt("grant_type=authorization_code&code=%s&redirect_uri=" CB_ENC
	                 "&code_verifier=%s%s",
	                 code, verifier, extra ? extra : ""),
	             hdr);
}

static int refresh(const char *rt, const char *hdr, const char *extra)
{
	return req_h("POST", "/oidc/token", NULL,
	             fmt("grant_type=refresh_token&refresh_token=%s%s", rt, extra ? extra : ""),
	             hdr);
}

static int userinfo(const char *at)
{
	return req_h("GET", "/oidc/userinfo", NULL, NULL, fmt("Authorization: Bearer %s", at));
}

/* Verify the compact JWS against the JWK Set text with cjose; the payload into a malloc'd
 * string. */
static char *cjose_verify(const char *jwks_text, const char *jws_text)
{
	cjose_err err;
	cjose_jws_t *jws = cjose_jws_import(jws_text, strlen(jws_text), &err);
	if (!jws)
		return NULL;
	cjose_header_t *h = cjose_jws_get_protected(jws);
	const char *kid = h ? cjose_header_get(h, "kid", &err) : NULL;
	json_error_t je;
	json_t *set = json_loads(jwks_text, 0, &je);
	json_t *keys = json_object_get(set, "keys");
	char *out = NULL;
	for (size_t i = 0; kid && i < json_array_size(keys); i++) {
		json_t *k = json_array_get(keys, i);
		const char *id = json_string_value(json_object_get(k, "kid"));
		if (!id || strcmp(id, kid) != 0)
			continue;
		char *ks = json_dumps(k, JSON_COMPACT);
		cjose_jwk_t *jwk = ks ? cjose_jwk_import(ks, strlen(ks), &err) : NULL;
		free(ks);
		uint8_t *plain = NULL;
		size_t plen = 0;
		if (jwk && cjose_jws_verify(jws, jwk, &err) &&
		    cjose_jws_get_plaintext(jws, &plain, &plen, &err))
			out = strndup((const char *)plain, plen);
		cjose_jwk_release(jwk);
	}
	json_decref(set);
	cjose_jws_release(jws);
	return out;
}

static void test_discovery(char *jwks)
{
	char v[1024];
	is_int(req_h("GET", "/.well-known/openid-configuration", NULL, NULL, NULL), 200,
	       "discovery");
	is_str(json_str(BODY, "issuer", v, sizeof(v)), W.cfg.base_url, "  issuer is base_url");
	is_str(json_str(BODY, "token_endpoint", v, sizeof(v)), fmt("%s/oidc/token", W.cfg.base_url),
	       "  token_endpoint");
	has_str(BODY, "\"code_challenge_methods_supported\":[\"S256\"]", "  S256 only");
	has_str(BODY, "\"response_types_supported\":[\"code\"]", "  code only");
	has_str(BODY, "\"authorization_response_iss_parameter_supported\":true", "  RFC 9207");
	is_int(req_h("GET", "/oidc/jwks", NULL, NULL, NULL), 200, "the JWK Set");
	has_str(BODY, "\"keys\"", "  has keys");
	lacks_str(BODY, "\"d\"", "  and no private member");
	snprintf(jwks, 16384, "%s", BODY ? BODY : "");
}

static void test_flow(const char *cookie, const char *client_id, const char *jwks,
                      const char *account_id)
{
	char code[1024], v[1024], at[256], rt[256], rt2[256], id_token[4096];
	is_int(req_h("GET", authz_url(client_id, NULL), cookie, NULL, NULL), 302,
	       "authorize with a session: 302");
	ok(LOCATION && strncmp(LOCATION, CB "?code=", strlen(CB) + 6) == 0,
	   "  to the registered redirect URI with a code");
	is_str(loc_param("state", v), "xyz", "  state comes back");
	is_str(loc_param("iss", v), "http%3A%2F%2F127.0.0.1%3A8080", "  iss too (RFC 9207)");
	loc_param("code", code);
	is_int(wt_audit_count(&W, "oidc.authorize", "ok"), 1, "  audited");
	struct oidc_counts n0 = counts();
	is_int(redeem(code, VERIFIER, BASIC, NULL), 200, "the code redeemed with the verifier");
	has_str(BODY, "\"token_type\":\"Bearer\"", "  a Bearer token");
	json_str(BODY, "access_token", at, sizeof(at));
	json_str(BODY, "refresh_token", rt, sizeof(rt));
	json_str(BODY, "id_token", id_token, sizeof(id_token));
	struct oidc_counts n1 = counts();
	ok(n1.codes_used == n0.codes_used + 1 && n1.access == n0.access + 1 &&
	       n1.refresh == n0.refresh + 1,
	   "  one code spent, one access and one refresh token stored");

	char *payload = cjose_verify(jwks, id_token);
	ok(payload != NULL, "the ID token verifies against the JWKS (cjose)");
	json_error_t je;
	json_t *o = payload ? json_loads(payload, 0, &je) : NULL;
	char ah[23];
	oidc_at_hash(at, ah);
	is_str(json_string_value(json_object_get(o, "iss")), W.cfg.base_url, "  iss");
	is_str(json_string_value(json_object_get(o, "sub")), account_id, "  sub");
	is_str(json_string_value(json_object_get(o, "aud")), client_id, "  aud");
	is_str(json_string_value(json_object_get(o, "azp")), client_id, "  azp");
	is_str(json_string_value(json_object_get(o, "nonce")), "n-0S6", "  nonce");
	is_str(json_string_value(json_object_get(o, "at_hash")), ah, "  at_hash");
	json_int_t iat = json_integer_value(json_object_get(o, "iat"));
	is_int(json_integer_value(json_object_get(o, "exp")) - iat, W.cfg.oidc_access_ttl, "  exp");
	ok(json_integer_value(json_object_get(o, "auth_time")) > 0, "  auth_time");
	ok(json_is_array(json_object_get(o, "amr")), "  amr");
	ok(json_string_value(json_object_get(o, "sid")) != NULL, "  sid");
	is_str(json_string_value(json_object_get(o, "email")), "staff@a.example.jp", "  email");
	is_str(json_string_value(json_object_get(o, "locale")), "ja", "  locale");
	is_str(json_string_value(json_object_get(json_object_get(o, "gcas"), "role")),
	       "agency_staff", "  the gcas claims");
	json_decref(o);
	free(payload);

	is_int(userinfo(at), 200, "userinfo with the access token");
	is_str(json_str(BODY, "sub", v, sizeof(v)), account_id, "  sub");
	is_str(json_str(BODY, "email", v, sizeof(v)), "staff@a.example.jp", "  email");
	is_int(req_h("POST", "/oidc/userinfo", NULL, fmt("access_token=%s", at), NULL), 200,
	       "  also as a form body (RFC 6750 §2.2)");
	is_int(req_h("GET", "/oidc/userinfo", NULL, NULL, NULL), 401, "  no token: 401");
	is_int(userinfo("gcas_at_bogus"), 401, "  an unknown token: 401");

	is_int(refresh(rt, BASIC, NULL), 200, "refresh");
	json_str(BODY, "refresh_token", rt2, sizeof(rt2));
	ok(*rt2 && strcmp(rt2, rt) != 0, "  rotated");
	has_str(BODY, "\"id_token\"", "  with a new ID token");
	is_int(refresh(rt, BASIC, NULL), 400, "the old refresh token replayed");
	has_str(BODY, "\"error\":\"invalid_grant\"", "  invalid_grant");
	is_int(wt_audit_count(&W, "oidc.refresh_reuse", "refused"), 1, "  audited");
	is_int(refresh(rt2, BASIC, NULL), 400, "  and the new one is revoked too");
	has_str(BODY, "invalid_grant", "  invalid_grant");
}

static void test_bad_authorize(const char *cookie, const char *client_id)
{
	char v[1024];
	struct oidc_counts n0 = counts();
	long a0 = wt_audit_count(&W, "oidc.authorize", NULL);
	is_int(req_h("GET", authz_url("no-such-client", NULL), cookie, NULL, NULL), 400,
	       "an unknown client: an error page");
	ok(LOCATION == NULL, "  never a redirect");
	has_str(BODY, "登録されていません", "  that says why");
	is_int(req_h("GET",
	             fmt("/oidc/authorize?response_type=code&client_id=%s&redirect_uri="
	                 "https%%3A%%2F%%2Frp.example%%2Fcc&scope=openid&code_challenge=" CHALLENGE
	                 "&code_challenge_method=S256",
	                 client_id),
	             cookie, NULL, NULL),
	       400, "a redirect URI one character off: an error page");
	ok(LOCATION == NULL, "  never a redirect");
	is_int(
	    req_h("GET",
	          fmt("/oidc/authorize?response_type=code&client_id=%s&redirect_uri=" CB_ENC
	              "%%2F&scope=openid&code_challenge=" CHALLENGE "&code_challenge_method=S256",
	              client_id),
	          cookie, NULL, NULL),
	    400, "  one character more: the same");
	is_int(req_h("GET",
	             fmt("/oidc/authorize?response_type=code&client_id=%s&redirect_uri=" CB_ENC
	                 "&scope=openid&state=s1",
	                 client_id),
	             cookie, NULL, NULL),
	       302, "a missing challenge goes back to the client");
	is_str(loc_param("error", v), "invalid_request", "  with invalid_request");
	is_str(loc_param("state", v), "s1", "  and the state");
	is_int(req_h("GET",
	             fmt("/oidc/authorize?response_type=code&client_id=%s&redirect_uri=" CB_ENC
	                 "&scope=openid&code_challenge=" VERIFIER "&code_challenge_method=plain",
	                 client_id),
	             cookie, NULL, NULL),
	       302, "a plain challenge");
	is_str(loc_param("error", v), "invalid_request", "  invalid_request");
	is_int(req_h("GET", fmt("%s&response_type=token", authz_url(client_id, NULL)), cookie, NULL,
	             NULL),
	       302, "response_type repeated");
	is_str(loc_param("error", v), "invalid_request", "  invalid_request (RFC 6749 §3.1)");
	const char *tok =
	    fmt("/oidc/authorize?response_type=token&client_id=%s&redirect_uri=" CB_ENC
	        "&scope=openid&code_challenge=" CHALLENGE "&code_challenge_method=S256",
	        client_id);
	is_int(req_h("GET", tok, cookie, NULL, NULL), 302, "response_type=token");
	is_str(loc_param("error", v), "unsupported_response_type", "  unsupported_response_type");
	is_int(req_h("GET", authz_url(client_id, "&prompt=none"), NULL, NULL, NULL), 302,
	       "prompt=none without a session");
	is_str(loc_param("error", v), "login_required", "  login_required");
	ok(unchanged(n0) && wt_audit_count(&W, "oidc.authorize", NULL) == a0,
	   "none of these stored or audited anything");
	is_int(req_h("GET", authz_url(client_id, NULL), NULL, NULL, NULL), 303,
	       "not signed in: to sign-in");
	is_str(LOCATION, "/signin", "  the sign-in page");
	has_str(COOKIES, "gcas_return=", "  remembering the request");
}

static void test_bad_token(const char *cookie, const char *client_id, const char *pub_id,
                           const char *pub_cookie)
{
	char code[1024], at[256], rt[256];
	get_code(cookie, client_id, code);
	struct oidc_counts n0 = counts();
	is_int(redeem(code, "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", BASIC, NULL), 400,
	       "a wrong PKCE verifier");
	has_str(BODY, "\"error\":\"invalid_grant\"", "  invalid_grant");
	is_int(redeem(code, VERIFIER, "Authorization: Basic d3Jvbmc6d3Jvbmc=", NULL), 401,
	       "a wrong client secret: 401");
	has_str(BODY, "\"error\":\"invalid_client\"", "  invalid_client");
	is_int(redeem(code, VERIFIER, NULL, fmt("&client_id=%s", pub_id)), 400,
	       "client B redeeming client A's code");
	has_str(BODY, "invalid_grant", "  invalid_grant");
	is_int(
	    req_h("POST", "/oidc/token", NULL, "grant_type=password&username=x&password=y", BASIC),
	    400, "the password grant");
	has_str(BODY, "unsupported_grant_type", "  unsupported_grant_type");
	/* Input the dispatcher cannot read still gets RFC 6749 §5.2's shape, not problem+json. */
	static const struct {
		const char *ct, *body, *what;
		int status;
	} unreadable[] = {
	    {FORM_CT, "grant_type=authorization_code&code=%zz", "a broken percent-escape", 400},
	    {FORM_CT, "grant_type=authorization_code&code=a%00b", "an escaped NUL", 400},
	    {"multipart/form-data; boundary=x",
	     "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\n"
	     "authorization_code\r\n--x--\r\n",
	     "a multipart body", 400},
	    {NULL, NULL, "GET instead of POST", 405},
	};
	for (size_t i = 0; i < sizeof(unreadable) / sizeof(unreadable[0]); i++) {
		struct wt_resp r;
		const char *hdrs[] = {BASIC, NULL};
		int st = wt_request(&W, unreadable[i].body ? "POST" : "GET", "/oidc/token", NULL,
		                    unreadable[i].ct, unreadable[i].body, hdrs, &r)
		             ? -1
		             : r.status;
		is_int(st, unreadable[i].status, "/oidc/token, %s: %d", unreadable[i].what,
		       unreadable[i].status);
		has_str(r.body, "\"error\":\"invalid_request\"", "  invalid_request");
		ok(r.content_type && strncmp(r.content_type, "application/json", 16) == 0,
		   "  as application/json (%s)", r.content_type ? r.content_type : "none");
		wt_resp_free(&r);
	}
	ok(unchanged(n0), "none of these changed a row");
	is_int(redeem(code, VERIFIER, BASIC, NULL), 200, "the code still works for its client");
	json_str(BODY, "access_token", at, sizeof(at));
	n0 = counts();
	is_int(redeem(code, VERIFIER, BASIC, NULL), 400, "the code again");
	has_str(BODY, "invalid_grant", "  invalid_grant");
	is_int(wt_audit_count(&W, "oidc.code_reuse", "refused"), 1, "  audited");
	struct oidc_counts n1 = counts();
	ok(n1.access == n0.access && n1.refresh == n0.refresh &&
	       n1.access_revoked == n0.access_revoked + 1 &&
	       n1.refresh_revoked == n0.refresh_revoked + 1,
	   "  no new tokens; the first exchange's two are revoked");
	is_int(userinfo(at), 401, "  its access token no longer works at userinfo");

	get_code(cookie, client_id, code);
	clock_fix(clock_now() + W.cfg.oidc_code_ttl + 1);
	n0 = counts();
	is_int(redeem(code, VERIFIER, BASIC, NULL), 400, "an expired code");
	has_str(BODY, "invalid_grant", "  invalid_grant");
	ok(unchanged(n0), "  changes nothing");
	clock_fix(-1);

	/* A public client's grant, then its account is disabled. */
	get_code(pub_cookie, pub_id, code);
	is_int(redeem(code, VERIFIER, NULL, fmt("&client_id=%s", pub_id)), 200,
	       "a public client redeems with PKCE alone");
	json_str(BODY, "refresh_token", rt, sizeof(rt));
	json_str(BODY, "access_token", at, sizeof(at));
	is_int(redeem(code, VERIFIER, NULL, fmt("&client_id=%s&client_secret=x", pub_id)), 401,
	       "  a public client sending a secret is invalid_client");
}

static void test_disabled(const char *pub_id, const char *pub_account)
{
	char code[1024], rt[256], at[256];
	char ck[256], csrf[64];
	wt_login(&W, pub_account, ck, csrf);
	get_code(ck, pub_id, code);
	redeem(code, VERIFIER, NULL, fmt("&client_id=%s", pub_id));
	json_str(BODY, "refresh_token", rt, sizeof(rt));
	json_str(BODY, "access_token", at, sizeof(at));
	struct actor sys = actor_system("test");
	struct verrs ve = {0};
	struct arena *a = arena_new(0);
	ok(svc_account_set_status(&W.env, &sys, a, pub_account, ACCOUNT_OP_DISABLE, "退職", &ve) ==
	       GCAS_OK,
	   "the account is disabled");
	arena_free(a);
	struct oidc_counts n0 = counts();
	is_int(refresh(rt, NULL, fmt("&client_id=%s", pub_id)), 400, "its refresh token");
	has_str(BODY, "invalid_grant", "  invalid_grant");
	is_int(userinfo(at), 401, "  and its access token at userinfo");
	ok(unchanged(n0), "  changing nothing");
}

static void test_pages(const char *op_cookie, const char *op_csrf, const char *staff_cookie)
{
	is_int(req_h("GET", "/sso/clients", op_cookie, NULL, NULL), 200, "the operator's list");
	has_str(BODY, "AWS console", "  shows the client");
	has_str(BODY, "SSOクライアント", "  in the navigation");
	is_int(req_h("GET", "/sso/clients/new", op_cookie, NULL, NULL), 200, "the form");
	is_int(req_h("POST", "/sso/clients/new", op_cookie,
	             form("csrf", op_csrf, "name", "Bad", "redirect_uris", "http://rp.example/cb",
	                  "kind", "confidential", "alg", "RS256", NULL),
	             NULL),
	       422, "an http redirect URI off loopback: 422");
	has_str(BODY, "http://rp.example/cb", "  keeps what was typed");
	is_int(req_h("POST", "/sso/clients/new", op_cookie,
	             form("csrf", op_csrf, "name", "Grafana", "redirect_uris",
	                  "https://grafana.example/login/generic_oauth", "kind", "confidential",
	                  "alg", "ES256", NULL),
	             NULL),
	       200, "registered");
	has_str(BODY, "gcas_cs_", "  the secret is shown once");
	is_int(req_h("GET", "/sso/clients", op_cookie, NULL, NULL), 200, "the list again");
	lacks_str(BODY, "gcas_cs_", "  never shows a secret");
	is_int(req_h("GET", "/sso/clients", staff_cookie, NULL, NULL), 403, "staff may not see it");
}

int main(void)
{
	char org[33], op_org[33], staff[33], op[33], pub_acc[33], pub_acc2[33];
	char cookie[256], csrf[64], op_cookie[256], op_csrf[64], pub_cookie[256];
	char jwks[16384];
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", org) == 0 &&
	       wt_account(&W, ROLE_OPERATOR, op_org, "op@gcas.go.jp", op) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, org, "staff@a.example.jp", staff) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, org, "pub@a.example.jp", pub_acc) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, org, "pub2@a.example.jp", pub_acc2) == 0 &&
	       wt_login(&W, staff, cookie, csrf) == 0 &&
	       wt_login(&W, op, op_cookie, op_csrf) == 0 &&
	       wt_login(&W, pub_acc, pub_cookie, csrf) == 0,
	   "an operator, an agency, three people signed in");

	struct arena *a = arena_new(0);
	struct actor sys = actor_system("test");
	struct oidc_client k, pub;
	const char *secret = NULL, *none = NULL;
	struct verrs ve = {0};
	struct oidc_client_input in = {.name = "AWS console", .redirect_uris = CB};
	struct oidc_client_input pin = {
	    .name = "CLI", .redirect_uris = CB, .public_client = 1, .alg = "ES256"};
	ok(svc_oidc_client_register(&W.env, &sys, a, &in, &k, &secret, &ve) == GCAS_OK &&
	       svc_oidc_client_register(&W.env, &sys, a, &pin, &pub, &none, &ve) == GCAS_OK,
	   "a confidential client (RS256) and a public one (ES256)");
	char cred[256], b64[400];
	snprintf(cred, sizeof(cred), "%s:%s", k.client_id, secret);
	b64_encode(b64, cred, strlen(cred));
	snprintf(BASIC, sizeof(BASIC), "Authorization: Basic %s", b64);

	test_discovery(jwks);
	test_flow(cookie, k.client_id, jwks, staff);
	test_bad_authorize(cookie, k.client_id);
	test_bad_token(cookie, k.client_id, pub.client_id, pub_cookie);
	test_disabled(pub.client_id, pub_acc2);
	test_pages(op_cookie, op_csrf, cookie);
	arena_free(a);
	pages_done();
	return tap_done();
}
