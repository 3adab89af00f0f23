/* SPDX-License-Identifier: MIT */
/* The OpenID Connect provider's endpoints (issue 4 §4): discovery (OIDC Discovery 1.0 §4),
 * the JWK Set, authorization (OIDC Core §3.1.2, RFC 6749 §4.1.1, RFC 9207), token (RFC 6749
 * §3.2, §5), userinfo (OIDC Core §5.3, RFC 6750) and revocation (RFC 7009). Each answers in
 * its protocol's own error format; the logic is in svc/oidc.c and sso/oidc.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/codec.h"
#include "signer/signer.h"
#include "svc/oidc.h"
#include "web/handlers.h"

/* The page policy, for the authorization endpoint's error pages (a protocol route otherwise
 * gets "default-src 'none'", which would drop the stylesheet). */
#define OIDC_PAGE_CSP                                                                              \
	"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "         \
	"frame-ancestors 'none'; base-uri 'none'"

/* ---- discovery and keys ---- */

static json_t *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

#define ARR(...)                                                                                   \
	str_array((const char *const[]){__VA_ARGS__},                                              \
	          sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void set_url(struct web_ctx *c, json_t *o, const char *k, const char *path)
{
	json_object_set_new(o, k,
	                    json_string(arena_printf(c->a, "%s%s", c->env->cfg->base_url, path)));
}

void proto_oidc_discovery(struct web_ctx *c)
{
	/* OIDC Discovery §3: issuer is exactly the iss of our ID tokens (base_url, no trailing
	 * '/'); every endpoint lives under it. */
	json_t *o = json_object();
	json_object_set_new(o, "issuer", json_string(c->env->cfg->base_url));
	set_url(c, o, "authorization_endpoint", "/oidc/authorize");
	set_url(c, o, "token_endpoint", "/oidc/token");
	set_url(c, o, "userinfo_endpoint", "/oidc/userinfo");
	set_url(c, o, "jwks_uri", "/oidc/jwks");
	set_url(c, o, "revocation_endpoint", "/oidc/revoke");
	json_object_set_new(o, "scopes_supported", ARR("openid", "email", "profile", "gcas"));
	json_object_set_new(o, "response_types_supported", ARR("code"));
	json_object_set_new(o, "response_modes_supported", ARR("query"));
	json_object_set_new(o, "grant_types_supported", ARR("authorization_code", "refresh_token"));
	json_object_set_new(o, "subject_types_supported", ARR("public"));
	json_object_set_new(o, "id_token_signing_alg_values_supported", ARR("RS256", "ES256"));
	json_object_set_new(o, "token_endpoint_auth_methods_supported",
	                    ARR("client_secret_basic", "client_secret_post", "none"));
	json_object_set_new(o, "revocation_endpoint_auth_methods_supported",
	                    ARR("client_secret_basic", "client_secret_post", "none"));
	/* RFC 9700 §2.1.1: S256 only. */
	json_object_set_new(o, "code_challenge_methods_supported", ARR("S256"));
	json_object_set_new(o, "claims_supported",
	                    ARR("sub", "iss", "aud", "azp", "exp", "iat", "auth_time", "nonce",
	                        "amr", "at_hash", "sid", "email", "email_verified", "name",
	                        "family_name", "given_name", "locale", "gcas"));
	json_object_set_new(o, "ui_locales_supported", ARR("ja", "en"));
	json_object_set_new(o, "claims_parameter_supported", json_false());
	json_object_set_new(o, "request_parameter_supported", json_false());
	json_object_set_new(o, "request_uri_parameter_supported", json_false());
	/* RFC 9207 §3: every authorization response carries iss. */
	json_object_set_new(o, "authorization_response_iss_parameter_supported", json_true());
	web_json(c, 200, o);
}

void proto_oidc_jwks(struct web_ctx *c)
{
	char *jwks = NULL;
	if (!c->env->signer || signer_jwks(c->env->signer, clock_now(), &jwks) != GCAS_OK) {
		web_json(c, 503, json_pack("{ss}", "error", "temporarily_unavailable"));
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/jwk-set+json";
	buf_reset(&c->resp->body);
	buf_puts(&c->resp->body, jwks);
	free(jwks);
}

/* ---- authorization ---- */

/* The request's parameters: the query of a GET, the form of a POST (OIDC Core §3.1.2.1). */
static const struct kv_list *authz_params(struct web_ctx *c)
{
	return c->req->method == HTTP_POST ? &c->form : &c->query;
}

static const char *const authz_keys[] = {
    "client_id",     "redirect_uri", "response_type",  "scope",
    "state",         "nonce",        "code_challenge", "code_challenge_method",
    "prompt",        "max_age",      "response_mode",  "request",
    "request_uri",   "registration", "login_hint",     "ui_locales",
    "id_token_hint", "acr_values",   "display",        "claims_locales",
};
#define NAUTHZ_KEYS (sizeof(authz_keys) / sizeof(authz_keys[0]))

/* An empty parameter is treated as absent (OIDC Core §3.1.2.1 does the same for most). */
static const char *param(const struct kv_list *l, const char *k)
{
	const char *v = kv_get(l, k);
	return v && *v ? v : NULL;
}

/* This request as a GET URL on this server, to come back to after sign-in. fresh: the person
 * is being sent to sign in again, so prompt=login and max_age are satisfied and dropped (they
 * would send them round again). */
static const char *authz_url(struct web_ctx *c, int fresh)
{
	const struct kv_list *l = authz_params(c);
	struct buf b;
	int n = 0;
	buf_init(&b, 8192);
	buf_puts(&b, "/oidc/authorize");
	for (size_t i = 0; i < NAUTHZ_KEYS; i++) {
		const char *v = param(l, authz_keys[i]);
		if (!v || (fresh && (strcmp(authz_keys[i], "max_age") == 0 ||
		                     (strcmp(authz_keys[i], "prompt") == 0 && strstr(v, "login")))))
			continue;
		buf_putc(&b, n++ ? '&' : '?');
		url_encode(&b, authz_keys[i]);
		buf_putc(&b, '=');
		url_encode(&b, v);
	}
	const char *url = b.failed ? "/" : arena_strdup(c->a, b.data);
	buf_free(&b);
	return url;
}

/* RFC 6749 §4.1.2, §4.1.2.1 and RFC 9207 §2: the response goes to the registered redirect URI
 * (keeping its own query, §3.1.2) with code or error, state, and iss. */
static void authz_respond(struct web_ctx *c, const char *redirect_uri, const char *code,
                          const struct oidc_error *err, const char *state)
{
	struct buf b;
	buf_init(&b, 16384);
	buf_puts(&b, redirect_uri);
	buf_putc(&b, strchr(redirect_uri, '?') ? '&' : '?');
	if (code) {
		buf_puts(&b, "code=");
		url_encode(&b, code);
	} else {
		buf_puts(&b, "error=");
		url_encode(&b, err->error);
		buf_puts(&b, "&error_description=");
		url_encode(&b, err->description);
	}
	if (state) {
		buf_puts(&b, "&state=");
		url_encode(&b, state);
	}
	buf_puts(&b, "&iss=");
	url_encode(&b, c->env->cfg->base_url);
	web_redirect(c, b.failed ? redirect_uri : b.data);
	/* A GET is answered with 302 as in RFC 6749's examples; a POST with 303 (so the browser
	 * does not re-post the form to the client, RFC 9700 §4.12). */
	if (c->req->method == HTTP_GET)
		c->resp->status = 302;
	buf_free(&b);
}

static void authz_error_page(struct web_ctx *c, const char *ja, const char *en)
{
	c->csp = OIDC_PAGE_CSP;
	web_error_page(c, 400, ja, en);
}

static void authz_fail(struct web_ctx *c, const char *redirect_uri, const char *state,
                       const char *error, const char *desc)
{
	struct oidc_error err = {error, desc};
	authz_respond(c, redirect_uri, NULL, &err, state);
}

void proto_oidc_authorize(struct web_ctx *c)
{
	const struct kv_list *l = authz_params(c);
	struct oidc_client client;
	struct oidc_authz_need need;
	struct oidc_error err;
	const char *code = NULL;
	struct oidc_authz_req r = {param(l, "client_id"),      param(l, "redirect_uri"),
	                           param(l, "response_type"),  param(l, "scope"),
	                           param(l, "state"),          param(l, "nonce"),
	                           param(l, "code_challenge"), param(l, "code_challenge_method"),
	                           param(l, "prompt"),         param(l, "max_age"),
	                           param(l, "response_mode"),  param(l, "request"),
	                           param(l, "request_uri"),    param(l, "registration")};
	/* RFC 6749 §4.1.2.1: while the client or its redirect URI is in doubt, the error is shown
	 * here and never sent anywhere (no open redirector, RFC 9700 §4.11.1). */
	if (kv_count(l, "client_id") > 1 || !r.client_id ||
	    svc_oidc_client_find(c->env, c->a, r.client_id, &client) != GCAS_OK) {
		authz_error_page(c, "サインインを求めたアプリケーションは登録されていません。",
		                 "The application that asked you to sign in is not registered.");
		return;
	}
	if (kv_count(l, "redirect_uri") > 1 || !r.redirect_uri ||
	    !oidc_redirect_uri_registered(client.redirect_uris, r.redirect_uri)) {
		authz_error_page(
		    c, "戻り先のアドレス（redirect_uri）が登録と一致しません。",
		    "The return address (redirect_uri) does not match the registration.");
		return;
	}
	/* RFC 6749 §3.1: no parameter may appear twice. */
	for (size_t i = 0; i < NAUTHZ_KEYS; i++)
		if (kv_count(l, authz_keys[i]) > 1) {
			authz_fail(c, r.redirect_uri, kv_count(l, "state") > 1 ? NULL : r.state,
			           "invalid_request", "A parameter was repeated.");
			return;
		}
	if (oidc_authz_check(&r, client.scopes, &need, &err)) {
		authz_respond(c, r.redirect_uri, NULL, &err, r.state);
		return;
	}
	if (!c->authed) {
		/* OIDC Core §3.1.2.6: prompt=none never shows a page. */
		if (need.prompt_none) {
			authz_fail(c, r.redirect_uri, r.state, "login_required",
			           "The person is not signed in.");
			return;
		}
		web_require_signin(c, authz_url(c, 0));
		return;
	}
	int64_t auth_time = c->sv.s.mfa_at ? c->sv.s.mfa_at : c->sv.s.created_at;
	if (need.prompt_login || (need.max_age >= 0 && clock_now() - auth_time > need.max_age)) {
		if (need.prompt_none) {
			authz_fail(c, r.redirect_uri, r.state, "login_required",
			           "A fresh sign-in is needed.");
			return;
		}
		/* OIDC Core §3.1.2.1 prompt=login / max_age: end this session and sign in
		 * again with both factors; the fresh sign-in satisfies them on the way back. */
		svc_signout(c->env, &c->cl, &c->sv);
		web_set_cookie(c, web_session_cookie(c), "", -1);
		c->authed = c->has_session = 0;
		web_require_signin(c, authz_url(c, 1));
		return;
	}
	enum gcas_err e = svc_oidc_authorize(c->env, &c->ac, c->a, &c->sv, &client, &r, &code);
	if (e == GCAS_ERR_DENIED) {
		authz_fail(c, r.redirect_uri, r.state, "access_denied",
		           "This account may not sign in to consoles.");
		return;
	}
	if (e) {
		authz_fail(c, r.redirect_uri, r.state, "server_error",
		           "The authorization server could not complete the request.");
		return;
	}
	authz_respond(c, r.redirect_uri, code, NULL, r.state);
}

/* ---- token ---- */

/* application/x-www-form-urlencoded decoding of one Basic credential half (RFC 6749 §2.3.1).
 * NULL when malformed. */
static char *form_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t k = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char hex[3] = {0};
		unsigned char byte;
		if (s[i] == '+') {
			out[k++] = ' ';
			continue;
		}
		if (s[i] != '%') {
			out[k++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return NULL;
		hex[0] = s[i + 1];
		hex[1] = s[i + 2];
		if (hex_decode(&byte, 1, hex, 2) || byte == 0)
			return NULL;
		out[k++] = (char)byte;
		i += 2;
	}
	out[k] = '\0';
	return out;
}

/* Authorization: Basic base64(urlenc(id) ":" urlenc(secret)). 1 when a Basic header was sent
 * (ok says whether it parsed), 0 when there was none. */
static int basic_credentials(struct web_ctx *c, struct oidc_token_req *r)
{
	const char *h = http_req_header(c->req, "Authorization");
	if (!h || strncasecmp(h, "Basic ", 6) != 0)
		return 0;
	r->basic = 1;
	const char *b64 = h + 6;
	size_t n = strlen(b64);
	char *raw = n < 2048 ? arena_alloc(c->a, n + 1) : NULL;
	long len = raw ? b64_decode(raw, n, b64, n) : -1;
	if (len <= 0)
		return 1;
	raw[len] = '\0';
	char *colon = memchr(raw, ':', (size_t)len);
	if (!colon || strlen(raw) != (size_t)len)
		return 1;
	r->basic_id = form_decode(c->a, raw, (size_t)(colon - raw));
	r->basic_secret = form_decode(c->a, colon + 1, (size_t)(raw + len - colon - 1));
	return 1;
}

/* RFC 6749 §5.2: the JSON error of the token and revocation endpoints (no-store is the
 * dispatcher's; Pragma: no-cache, §5.1). */
static void oauth_error(struct web_ctx *c, int status, const char *error, const char *desc)
{
	http_resp_header(c->resp, c->a, "Pragma", "no-cache");
	web_json(c, status, json_pack("{ssss}", "error", error, "error_description", desc));
}

/* invalid_client is 401 with a challenge (RFC 7235 §3.1), other refusals 400. */
static void token_error(struct web_ctx *c, const struct oidc_error *err)
{
	int status = 400;
	if (strcmp(err->error, "invalid_client") == 0) {
		status = 401;
		http_resp_header(c->resp, c->a, "WWW-Authenticate", "Basic realm=\"gcas\"");
	}
	oauth_error(c, status, err->error, err->description);
}

void proto_oidc_bad_input(struct web_ctx *c, int status, const char *detail)
{
	/* invalid_request for a request that is malformed; the status says which (400, 405,
	 * 413). */
	oauth_error(c, status, "invalid_request", detail ? detail : "The request is malformed.");
}

static void client_credentials(struct web_ctx *c, struct oidc_token_req *r)
{
	r->client_id = param(&c->form, "client_id");
	r->client_secret = param(&c->form, "client_secret");
	basic_credentials(c, r);
}

/* RFC 6749 §3.2: parameters sent without a value are treated as omitted, and none may be
 * repeated. */
static int repeated(struct web_ctx *c)
{
	for (size_t i = 0; i < c->form.n; i++)
		if (kv_count(&c->form, c->form.items[i].key) > 1)
			return 1;
	return 0;
}

void proto_oidc_token(struct web_ctx *c)
{
	struct oidc_token_req r = {0};
	struct oidc_token_resp out;
	struct oidc_error err = {0};
	if (repeated(c)) {
		err = (struct oidc_error){"invalid_request", "A parameter was repeated."};
		token_error(c, &err);
		return;
	}
	client_credentials(c, &r);
	r.grant_type = param(&c->form, "grant_type");
	r.code = param(&c->form, "code");
	r.redirect_uri = param(&c->form, "redirect_uri");
	r.code_verifier = param(&c->form, "code_verifier");
	r.refresh_token = param(&c->form, "refresh_token");
	r.scope = param(&c->form, "scope");
	enum gcas_err e = svc_oidc_token(c->env, c->a, &r, &out, &err);
	if (!e && err.error) {
		token_error(c, &err);
		return;
	}
	if (e) {
		oauth_error(c, 500, "server_error", "The token could not be issued.");
		return;
	}
	/* RFC 6749 §5.1: no-store (the dispatcher sets it) and Pragma: no-cache. */
	http_resp_header(c->resp, c->a, "Pragma", "no-cache");
	web_json(c, 200,
	         json_pack("{ss ss sI ss ss ss}", "access_token", out.access_token, "token_type",
	                   "Bearer", "expires_in", (json_int_t)out.expires_in, "refresh_token",
	                   out.refresh_token, "id_token", out.id_token, "scope", out.scope));
}

/* ---- userinfo ---- */

/* RFC 6750 §3: the challenge; error omitted when no credentials were sent (§3.1). */
static void bearer_error(struct web_ctx *c, int status, const char *error, const char *desc)
{
	const char *ch = error ? arena_printf(c->a,
	                                      "Bearer realm=\"gcas\", error=\"%s\", "
	                                      "error_description=\"%s\"",
	                                      error, desc)
	                       : "Bearer realm=\"gcas\"";
	http_resp_header(c->resp, c->a, "WWW-Authenticate", ch);
	if (error)
		web_json(c, status, json_pack("{ssss}", "error", error, "error_description", desc));
	else
		web_json(c, status, json_object());
}

void proto_oidc_userinfo(struct web_ctx *c)
{
	const char *h = http_req_header(c->req, "Authorization");
	const char *body_tok = c->req->method == HTTP_POST ? param(&c->form, "access_token") : NULL;
	const char *tok = NULL, *json = NULL;
	struct oidc_error err = {0};
	/* RFC 6750 §2.1 header, or §2.2 form body; never both (§2), never the query (RFC 9700
	 * §4.3.2 discourages it). */
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		tok = h + 7;
	if ((h && !tok) || (tok && body_tok) || kv_count(&c->form, "access_token") > 1) {
		bearer_error(c, 400, "invalid_request", "Send the access token once, as a Bearer.");
		return;
	}
	if (!tok)
		tok = body_tok;
	if (!tok) {
		bearer_error(c, 401, NULL, NULL);
		return;
	}
	enum gcas_err e = svc_oidc_userinfo(c->env, c->a, tok, &json, &err);
	if (!e && err.error) {
		int st = strcmp(err.error, "insufficient_scope") == 0 ? 403 : 401;
		bearer_error(c, st, err.error, err.description);
		return;
	}
	if (e) {
		web_json(c, 500, json_pack("{ss}", "error", "server_error"));
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/json";
	buf_reset(&c->resp->body);
	buf_puts(&c->resp->body, json);
}

/* ---- revocation ---- */

void proto_oidc_revoke(struct web_ctx *c)
{
	struct oidc_token_req r = {0};
	struct oidc_error err = {0};
	if (repeated(c)) {
		err = (struct oidc_error){"invalid_request", "A parameter was repeated."};
		token_error(c, &err);
		return;
	}
	client_credentials(c, &r);
	/* token_type_hint is only a hint (RFC 7009 §2.1): every kind is searched anyway. */
	enum gcas_err e = svc_oidc_revoke(c->env, c->a, &r, param(&c->form, "token"), &err);
	if (!e && err.error) {
		token_error(c, &err);
		return;
	}
	if (e) {
		web_json(c, 503, json_pack("{ss}", "error", "temporarily_unavailable"));
		return;
	}
	/* RFC 7009 §2.2: 200 with an empty body, also for tokens that were not valid. */
	c->resp->status = 200;
	buf_reset(&c->resp->body);
}
