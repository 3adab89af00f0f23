/* SPDX-License-Identifier: MIT */
/* The pure OpenID Connect logic: the PKCE S256 vector of RFC 7636 Appendix B, the verifier and
 * challenge grammar (§4.1, §4.2), scope syntax and subsets (RFC 6749 §3.3), every refusal of an
 * authorization request (RFC 9700 §2.1.1: no plain, no missing challenge; OIDC Core §3.1.2.1),
 * exact redirect-URI matching and registration rules, at_hash, and the claims by scope. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sso/oidc.h"
#include "tap.h"

#define VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

static struct oidc_authz_req good(void)
{
	return (struct oidc_authz_req){.client_id = "c",
	                               .redirect_uri = "https://rp.example/cb",
	                               .response_type = "code",
	                               .scope = "openid email",
	                               .state = "s",
	                               .code_challenge = CHALLENGE,
	                               .code_challenge_method = "S256"};
}

/* The error a request gets, or "" when it is accepted. */
static const char *check(const struct oidc_authz_req *r, struct oidc_authz_need *need)
{
	struct oidc_error err = {0};
	struct oidc_authz_need tmp;
	return oidc_authz_check(r, OIDC_SCOPES_ALL, need ? need : &tmp, &err) ? err.error : "";
}

static void test_pkce(void)
{
	char out[44];
	ok(oidc_pkce_s256(VERIFIER, out) == 0, "S256 computes");
	is_str(out, CHALLENGE, "RFC 7636 Appendix B: S256(verifier) = challenge");
	ok(oidc_pkce_check(VERIFIER, CHALLENGE), "the vector verifies");
	ok(!oidc_pkce_check(VERIFIER "x", CHALLENGE), "one character more fails");
	ok(!oidc_pkce_check("eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", CHALLENGE),
	   "one character different fails");
	ok(!oidc_pkce_check(CHALLENGE, CHALLENGE), "the challenge itself is no verifier (plain)");
	ok(!oidc_pkce_verifier_ok("short"), "a verifier under 43 characters is refused");
	char longv[130];
	memset(longv, 'a', 129);
	longv[129] = '\0';
	ok(!oidc_pkce_verifier_ok(longv), "over 128 is refused");
	longv[128] = '\0';
	ok(oidc_pkce_verifier_ok(longv), "128 is fine");
	ok(!oidc_pkce_verifier_ok("dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk"),
	   "characters outside the unreserved set are refused");
	ok(!oidc_pkce_check(NULL, CHALLENGE), "a missing verifier fails");
	ok(!oidc_pkce_challenge_ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c"),
	   "a 42-character challenge is no S256 challenge");
	ok(!oidc_pkce_challenge_ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw~cM"),
	   "'~' is not base64url");
}

static void test_scopes(void)
{
	ok(oidc_scope_valid("openid email"), "a scope list");
	ok(!oidc_scope_valid("openid  email"), "two spaces are refused");
	ok(!oidc_scope_valid(" openid"), "a leading space is refused");
	ok(!oidc_scope_valid("openid "), "a trailing space is refused");
	ok(!oidc_scope_valid("open\"id"), "DQUOTE is refused");
	ok(!oidc_scope_valid(""), "empty is refused");
	ok(oidc_scope_has("openid email", "email"), "has");
	ok(!oidc_scope_has("openid emails", "email"), "whole words only");
	ok(!oidc_scope_has("openid", "OpenID"), "case-sensitive");
	ok(oidc_scope_subset("openid gcas", OIDC_SCOPES_ALL), "subset");
	ok(!oidc_scope_subset("openid offline_access", OIDC_SCOPES_ALL), "not a subset");
}

static void test_request(void)
{
	struct oidc_authz_req r = good();
	struct oidc_authz_need need;
	is_str(check(&r, &need), "", "a good request passes");
	is_int(need.max_age, -1, "no max_age");
	ok(!need.prompt_none && !need.prompt_login, "no prompt");
	r.code_challenge = NULL;
	is_str(check(&r, NULL), "invalid_request", "a missing challenge is refused (RFC 9700)");
	r = good();
	r.code_challenge_method = "plain";
	is_str(check(&r, NULL), "invalid_request", "plain is refused");
	r.code_challenge_method = NULL;
	is_str(check(&r, NULL), "invalid_request", "a missing method (= plain, RFC 7636 §4.3)");
	r = good();
	r.code_challenge = "not-a-challenge";
	is_str(check(&r, NULL), "invalid_request", "a malformed challenge");
	r = good();
	r.response_type = "token";
	is_str(check(&r, NULL), "unsupported_response_type", "implicit is refused");
	r.response_type = "code id_token";
	is_str(check(&r, NULL), "unsupported_response_type", "hybrid is refused");
	r.response_type = NULL;
	is_str(check(&r, NULL), "invalid_request", "no response_type");
	r = good();
	r.scope = "email";
	is_str(check(&r, NULL), "invalid_scope", "no openid");
	r.scope = "openid admin";
	is_str(check(&r, NULL), "invalid_scope", "an unknown scope");
	r = good();
	r.request = "eyJ...";
	is_str(check(&r, NULL), "request_not_supported", "request objects");
	r = good();
	r.request_uri = "https://x";
	is_str(check(&r, NULL), "request_uri_not_supported", "request_uri");
	r = good();
	r.response_mode = "fragment";
	is_str(check(&r, NULL), "invalid_request", "response_mode other than query");
	r = good();
	r.prompt = "none login";
	is_str(check(&r, NULL), "invalid_request", "prompt=none with another value");
	r.prompt = "bogus";
	is_str(check(&r, NULL), "invalid_request", "an unknown prompt");
	r.prompt = "none";
	is_str(check(&r, &need), "", "prompt=none");
	ok(need.prompt_none, "is noted");
	r.prompt = "login consent";
	is_str(check(&r, &need), "", "prompt=login consent");
	ok(need.prompt_login && !need.prompt_none, "login is noted");
	r = good();
	r.max_age = "-1";
	is_str(check(&r, NULL), "invalid_request", "a negative max_age");
	r.max_age = "12x";
	is_str(check(&r, NULL), "invalid_request", "a malformed max_age");
	r.max_age = "300";
	is_str(check(&r, &need), "", "max_age=300");
	is_int(need.max_age, 300, "is noted");
	char big[OIDC_STATE_MAX + 2];
	memset(big, 's', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r = good();
	r.state = big;
	is_str(check(&r, NULL), "invalid_request", "an oversized state");
}

static void test_redirects(void)
{
	const char *reg = "https://rp.example/cb\nhttp://127.0.0.1:8080/cb";
	ok(oidc_redirect_uri_registered(reg, "https://rp.example/cb"), "exact match");
	ok(oidc_redirect_uri_registered(reg, "http://127.0.0.1:8080/cb"), "the second one");
	ok(!oidc_redirect_uri_registered(reg, "https://rp.example/cb/"), "one character more");
	ok(!oidc_redirect_uri_registered(reg, "https://rp.example/c"), "one character less");
	ok(!oidc_redirect_uri_registered(reg, "https://rp.example/cB"), "case differs");
	ok(!oidc_redirect_uri_registered(reg, "https://RP.example/cb"), "host case differs");
	ok(!oidc_redirect_uri_registered(reg, "https://rp.example/cb?x=1"), "a query added");
	ok(!oidc_redirect_uri_registered(reg, "https://rp.example/cb\nhttp://127.0.0.1:8080/cb"),
	   "the whole list is no URI");
	ok(!oidc_redirect_uri_registered(reg, ""), "empty");
	ok(oidc_redirect_uri_acceptable("https://rp.example/cb"), "https");
	ok(oidc_redirect_uri_acceptable("https://rp.example:8443/cb?tenant=1"), "port and query");
	ok(oidc_redirect_uri_acceptable("http://127.0.0.1:9000/cb"), "http loopback");
	ok(oidc_redirect_uri_acceptable("http://localhost/cb"), "http localhost");
	ok(oidc_redirect_uri_acceptable("http://[::1]:80/cb"), "http [::1]");
	ok(!oidc_redirect_uri_acceptable("http://rp.example/cb"), "http elsewhere");
	ok(!oidc_redirect_uri_acceptable("http://localhost.evil.example/cb"), "not localhost");
	ok(!oidc_redirect_uri_acceptable("https://rp.example/cb#frag"), "a fragment");
	ok(!oidc_redirect_uri_acceptable("https://user@rp.example/cb"), "userinfo");
	ok(!oidc_redirect_uri_acceptable("https:///cb"), "no host");
	ok(!oidc_redirect_uri_acceptable("javascript:alert(1)"), "another scheme");
	ok(!oidc_redirect_uri_acceptable("https://rp.example/c b"), "a space");
}

static void test_claims(void)
{
	/* OIDC Core §3.1.3.6 at_hash over the RFC 7636 verifier string (a known SHA-256 input):
	 * the left half of E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM. */
	char at[23];
	ok(oidc_at_hash(VERIFIER, at) == 0, "at_hash");
	is_str(at, "E9Melhoa2OwvFrEMTJguCA", "is the base64url of the hash's left 16 bytes");
	struct account acc = {.id = "acc1",
	                      .email = "a@example.go.jp",
	                      .family_name = "山田",
	                      .given_name = "花子",
	                      .role = ROLE_AGENCY_STAFF,
	                      .org_id = "org1",
	                      .agency_id = "ag1",
	                      .email_verified_at = 5};
	struct oidc_id_claims c = {.iss = "https://gcas.example",
	                           .aud = "client1",
	                           .nonce = "n-0S6_WzA2Mj",
	                           .amr = "pwd otp",
	                           .sid = "sid1",
	                           .at_hash = at,
	                           .scope = "openid email profile gcas",
	                           .iat = 100,
	                           .exp = 700,
	                           .auth_time = 90};
	char *s = oidc_id_token_payload(&c, &acc);
	json_error_t je;
	json_t *o = s ? json_loads(s, 0, &je) : NULL;
	ok(o != NULL, "the payload is JSON");
	is_str(json_string_value(json_object_get(o, "iss")), "https://gcas.example", "iss");
	is_str(json_string_value(json_object_get(o, "sub")), "acc1", "sub is the account id");
	is_str(json_string_value(json_object_get(o, "aud")), "client1", "aud");
	is_str(json_string_value(json_object_get(o, "azp")), "client1", "azp");
	is_int(json_integer_value(json_object_get(o, "exp")), 700, "exp");
	is_int(json_integer_value(json_object_get(o, "auth_time")), 90, "auth_time");
	is_str(json_string_value(json_object_get(o, "nonce")), "n-0S6_WzA2Mj", "nonce");
	json_t *amr = json_object_get(o, "amr");
	ok(json_is_array(amr) && json_array_size(amr) == 2, "amr is an array of two");
	is_str(json_string_value(json_array_get(amr, 1)), "otp", "amr otp");
	is_str(json_string_value(json_object_get(o, "email")), "a@example.go.jp", "email");
	ok(json_is_true(json_object_get(o, "email_verified")), "email_verified");
	is_str(json_string_value(json_object_get(o, "name")), "山田 花子", "name, family first");
	is_str(json_string_value(json_object_get(o, "locale")), "ja", "locale");
	is_str(json_string_value(json_object_get(json_object_get(o, "gcas"), "role")),
	       "agency_staff", "gcas.role");
	json_decref(o);
	free(s);
	c.scope = "openid";
	c.nonce = NULL;
	s = oidc_id_token_payload(&c, &acc);
	o = s ? json_loads(s, 0, &je) : NULL;
	ok(o && !json_object_get(o, "email") && !json_object_get(o, "name") &&
	       !json_object_get(o, "gcas") && !json_object_get(o, "nonce"),
	   "scope openid alone: no person claims, no nonce when none was sent");
	json_decref(o);
	free(s);
	s = oidc_userinfo_json(&acc, "openid email");
	o = s ? json_loads(s, 0, &je) : NULL;
	ok(o && json_object_get(o, "email") && !json_object_get(o, "name"),
	   "userinfo follows the scope");
	is_str(json_string_value(json_object_get(o, "sub")), "acc1", "userinfo sub");
	json_decref(o);
	free(s);
}

int main(void)
{
	test_pkce();
	test_scopes();
	test_request();
	test_redirects();
	test_claims();
	return tap_done();
}
