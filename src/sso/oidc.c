/* SPDX-License-Identifier: MIT */
/* OpenID Connect protocol logic without I/O (see sso/oidc.h): PKCE, scopes, request checks,
 * redirect-URI rules and claims. Everything here is a pure function of its arguments, so the
 * unit tests can hold it to the RFCs' vectors. */
#include "sso/oidc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/codec.h"
#include "base/str.h"
#include "core/roles.h"
#include "crypto/token.h"

static int unreserved(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

int oidc_pkce_verifier_ok(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 43 || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!unreserved((unsigned char)v[i]))
			return 0;
	return 1;
}

int oidc_pkce_challenge_ok(const char *c)
{
	if (!c || strlen(c) != 43)
		return 0;
	for (size_t i = 0; i < 43; i++) {
		unsigned char ch = (unsigned char)c[i];
		if (!unreserved(ch) || ch == '.' || ch == '~') /* base64url alphabet only */
			return 0;
	}
	return 1;
}

static int sha256(const void *p, size_t n, unsigned char out[32])
{
	return sha256_raw(p, n, out) == GCAS_OK ? 0 : -1;
}

int oidc_pkce_s256(const char *verifier, char out[44])
{
	unsigned char d[32];
	out[0] = '\0';
	if (sha256(verifier, strlen(verifier), d))
		return -1;
	b64url_encode(out, d, sizeof(d));
	return 0;
}

int oidc_pkce_check(const char *verifier, const char *challenge)
{
	char calc[44];
	if (!oidc_pkce_verifier_ok(verifier) || !oidc_pkce_challenge_ok(challenge) ||
	    oidc_pkce_s256(verifier, calc))
		return 0;
	return ct_equal(calc, challenge, 43);
}

/* ---- scopes ---- */

static int scope_char(unsigned char ch)
{
	return ch == 0x21 || (ch >= 0x23 && ch <= 0x5B) || (ch >= 0x5D && ch <= 0x7E);
}

int oidc_scope_valid(const char *s)
{
	if (!s || !*s || *s == ' ')
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p == ' ') {
			if (p[1] == ' ' || p[1] == '\0')
				return 0;
			continue;
		}
		if (!scope_char((unsigned char)*p))
			return 0;
	}
	return 1;
}

int oidc_scope_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (len == n && memcmp(p, word, n) == 0)
			return 1;
		p = sp ? sp + 1 : p + len;
	}
	return 0;
}

int oidc_scope_subset(const char *asked, const char *allowed)
{
	char w[128];
	for (const char *p = asked; p && *p;) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (len >= sizeof(w))
			return 0;
		memcpy(w, p, len);
		w[len] = '\0';
		if (len && !oidc_scope_has(allowed, w))
			return 0;
		p = sp ? sp + 1 : p + len;
	}
	return 1;
}

/* ---- the authorization request ---- */

static int fail(struct oidc_error *err, const char *code, const char *desc)
{
	err->error = code;
	err->description = desc;
	return -1;
}

/* OIDC Core §3.1.2.1: prompt is a space-separated list of none, login, consent,
 * select_account; none must stand alone. */
static int prompt_parse(const char *p, struct oidc_authz_need *need)
{
	int words = 0;
	for (const char *s = p; s && *s;) {
		const char *sp = strchr(s, ' ');
		size_t len = sp ? (size_t)(sp - s) : strlen(s);
		if (len == 4 && memcmp(s, "none", 4) == 0)
			need->prompt_none = 1;
		else if (len == 5 && memcmp(s, "login", 5) == 0)
			need->prompt_login = 1;
		else if (!((len == 7 && memcmp(s, "consent", 7) == 0) ||
		           (len == 14 && memcmp(s, "select_account", 14) == 0)))
			return -1;
		words++;
		s = sp ? sp + 1 : s + len;
	}
	return need->prompt_none && words > 1 ? -1 : 0;
}

int oidc_authz_check(const struct oidc_authz_req *r, const char *client_scopes,
                     struct oidc_authz_need *need, struct oidc_error *err)
{
	*need = (struct oidc_authz_need){.max_age = -1};
	/* OIDC Core §6.1, §6.2: request objects are not supported (discovery says so). */
	if (r->request)
		return fail(err, "request_not_supported", "Request objects are not supported.");
	if (r->request_uri)
		return fail(err, "request_uri_not_supported", "request_uri is not supported.");
	if (r->registration)
		return fail(err, "registration_not_supported", "registration is not supported.");
	if (!r->response_type || !*r->response_type)
		return fail(err, "invalid_request", "response_type is required.");
	/* Authorization code flow only (RFC 9700 §2.1.2: no implicit grant). */
	if (strcmp(r->response_type, "code") != 0)
		return fail(err, "unsupported_response_type",
		            "Only response_type=code is supported.");
	if (r->response_mode && strcmp(r->response_mode, "query") != 0)
		return fail(err, "invalid_request", "Only response_mode=query is supported.");
	if (!r->scope || !oidc_scope_valid(r->scope) || !oidc_scope_has(r->scope, "openid"))
		return fail(err, "invalid_scope", "The scope must include openid.");
	if (!oidc_scope_subset(r->scope, client_scopes))
		return fail(err, "invalid_scope",
		            "A scope asked for is not allowed for this client.");
	/* RFC 9700 §2.1.1: PKCE for every client; RFC 7636 §4.4.1: invalid_request when the
	 * challenge is missing or its method is not supported ("plain" is refused, and a missing
	 * method means plain, §4.3). */
	if (!r->code_challenge || !*r->code_challenge)
		return fail(err, "invalid_request", "code_challenge (PKCE, S256) is required.");
	if (!r->code_challenge_method || strcmp(r->code_challenge_method, "S256") != 0)
		return fail(err, "invalid_request", "code_challenge_method must be S256.");
	if (!oidc_pkce_challenge_ok(r->code_challenge))
		return fail(err, "invalid_request", "code_challenge is not an S256 challenge.");
	if (r->state && strlen(r->state) > OIDC_STATE_MAX)
		return fail(err, "invalid_request", "state is too long.");
	if (r->nonce && strlen(r->nonce) > OIDC_NONCE_MAX)
		return fail(err, "invalid_request", "nonce is too long.");
	if (r->prompt && prompt_parse(r->prompt, need))
		return fail(err, "invalid_request", "prompt is not valid.");
	if (r->max_age && (str_to_i64(r->max_age, &need->max_age) || need->max_age < 0))
		return fail(err, "invalid_request", "max_age must be a non-negative integer.");
	return 0;
}

/* ---- redirect URIs ---- */

int oidc_redirect_uri_registered(const char *registered, const char *uri)
{
	size_t n = uri ? strlen(uri) : 0;
	if (!n)
		return 0;
	for (const char *p = registered; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && memcmp(p, uri, n) == 0)
			return 1;
		p = nl ? nl + 1 : p + len;
	}
	return 0;
}

static int loopback_host(const char *h, size_t n)
{
	return (n == 9 && memcmp(h, "127.0.0.1", 9) == 0) ||
	       (n == 5 && memcmp(h, "[::1]", 5) == 0) ||
	       (n == 9 && strncasecmp(h, "localhost", 9) == 0);
}

int oidc_redirect_uri_acceptable(const char *uri)
{
	size_t n = uri ? strlen(uri) : 0;
	if (!n || n > OIDC_REDIRECT_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)uri[i];
		if (ch <= 0x20 || ch >= 0x7F || ch == '#' || ch == '\\' || ch == '"' || ch == '<' ||
		    ch == '>')
			return 0;
	}
	int https = str_starts(uri, "https://");
	if (!https && !str_starts(uri, "http://"))
		return 0;
	const char *host = uri + (https ? 8 : 7);
	size_t hl = strcspn(host, "/?");
	if (!hl || memchr(host, '@', hl))
		return 0;
	/* The host without its port ("[::1]:8080" → "[::1]"). */
	const char *colon = NULL;
	for (size_t i = 0; i < hl; i++)
		if (host[i] == ':')
			colon = host + i;
	size_t bare = colon && (host[0] != '[' || colon[-1] == ']') ? (size_t)(colon - host) : hl;
	if (!bare)
		return 0;
	return https || loopback_host(host, bare);
}

/* ---- tokens and claims ---- */

int oidc_at_hash(const char *access_token, char out[23])
{
	unsigned char d[32];
	out[0] = '\0';
	if (sha256(access_token, strlen(access_token), d))
		return -1;
	b64url_encode(out, d, 16);
	return 0;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

/* The person claims a scope grants (OIDC Core §5.4; "gcas" is this provider's own). */
static void person_claims(json_t *o, const struct account *acc, const char *scope)
{
	if (oidc_scope_has(scope, "email")) {
		set_str(o, "email", acc->email);
		json_object_set_new(o, "email_verified", json_boolean(acc->email_verified_at != 0));
	}
	if (oidc_scope_has(scope, "profile")) {
		/* Japanese order: family name first (OIDC Core §5.1 "name" is the display form). */
		char name[512];
		snprintf(name, sizeof(name), "%s %s", acc->family_name ? acc->family_name : "",
		         acc->given_name ? acc->given_name : "");
		set_str(o, "name", name);
		set_str(o, "family_name", acc->family_name);
		set_str(o, "given_name", acc->given_name);
		set_str(o, "locale", "ja");
	}
	if (oidc_scope_has(scope, "gcas")) {
		json_t *g = json_object();
		set_str(g, "role", role_name(acc->role));
		set_str(g, "org_id", acc->org_id);
		set_str(g, "agency_id", acc->agency_id);
		set_str(g, "project_id", acc->project_id);
		json_object_set_new(o, "gcas", g);
	}
}

static char *dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

/* amr is a JSON array of strings (OIDC Core §2, RFC 8176). */
static json_t *amr_array(const char *amr)
{
	json_t *arr = json_array();
	char w[32];
	for (const char *p = amr; p && *p;) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (len && len < sizeof(w)) {
			memcpy(w, p, len);
			w[len] = '\0';
			json_array_append_new(arr, json_string(w));
		}
		p = sp ? sp + 1 : p + len;
	}
	return arr;
}

char *oidc_id_token_payload(const struct oidc_id_claims *c, const struct account *acc)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	set_str(o, "iss", c->iss);
	set_str(o, "sub", acc->id);
	set_str(o, "aud", c->aud);
	set_str(o, "azp", c->aud);
	json_object_set_new(o, "exp", json_integer(c->exp));
	json_object_set_new(o, "iat", json_integer(c->iat));
	json_object_set_new(o, "auth_time", json_integer(c->auth_time));
	set_str(o, "nonce", c->nonce);
	if (c->amr)
		json_object_set_new(o, "amr", amr_array(c->amr));
	set_str(o, "at_hash", c->at_hash);
	set_str(o, "sid", c->sid);
	person_claims(o, acc, c->scope);
	return dump(o);
}

char *oidc_userinfo_json(const struct account *acc, const char *scope)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	set_str(o, "sub", acc->id);
	person_claims(o, acc, scope);
	return dump(o);
}
