/* SPDX-License-Identifier: MIT */
/* OpenID Connect provider use cases (see svc/oidc.h): client registration, authorization
 * codes, the token endpoint's two grants, userinfo, revocation and the purge job. The token
 * endpoint is the hot path (issue 4 §8): one transaction of one client read, one conditional
 * UPDATE that spends the code or refresh token and returns the grant, one account read and two
 * inserts; SHA-256 only (no password hashing anywhere on it); the signature after the commit. */
#include "svc/oidc.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/rand.h"
#include "base/str.h"
#include "core/validate.h"
#include "crypto/token.h"
#include "signer/signer.h"
#include "svc/audit.h"

#define CLIENT_LIST_MAX 500
#define CODE_PREFIX     "gcas_ac_"
#define ACCESS_PREFIX   "gcas_at_"
#define REFRESH_PREFIX  "gcas_rt_"
#define SECRET_PREFIX   "gcas_cs_"
#define TOKEN_CAP       96

static int refuse(struct oidc_error *err, const char *code, const char *desc)
{
	err->error = code;
	err->description = desc;
	return -1;
}

/* A fresh secret (prefix, issue time, 256 random bits) and its storage key, both in a. Ordered
 * keys keep the grant tables' B-trees growing at their end (crypto/token.h). */
static enum gcas_err new_secret(struct arena *a, const char *prefix, const char **tok,
                                const char **hash)
{
	char t[TOKEN_CAP], h[TOKEN_KEY_SIZE];
	if (token_new_ordered(t, sizeof(t), prefix) || token_key(t, h))
		return GCAS_ERR_CRYPTO;
	*tok = arena_strdup(a, t);
	*hash = arena_strdup(a, h);
	explicit_bzero(t, sizeof(t));
	return *tok && *hash ? GCAS_OK : GCAS_ERR_NOMEM;
}

/* ---- clients ---- */

static int may_manage(const struct actor *ac)
{
	struct target t = {0};
	return policy_allows(&ac->subj, ACT_SSO_CLIENT_MANAGE, &t);
}

/* The typed list of redirect URIs, normalised to one per line with '\n'; NULL when one is
 * unacceptable (or none given). */
static const char *redirect_list(struct arena *a, const char *typed)
{
	size_t n = typed ? strlen(typed) : 0, k = 0, count = 0;
	char *out = arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	for (const char *p = typed; p && *p;) {
		size_t len = strcspn(p, "\r\n");
		char *one = arena_strndup(a, p, len);
		char *u = one ? str_trim(one) : NULL;
		p += len;
		p += strspn(p, "\r\n");
		if (!u || !*u)
			continue;
		if (!oidc_redirect_uri_acceptable(u) || oidc_redirect_uri_registered(out, u))
			return NULL;
		if (count++)
			out[k++] = '\n';
		memcpy(out + k, u, strlen(u));
		k += strlen(u);
		out[k] = '\0';
	}
	return count ? out : NULL;
}

static void client_validate(struct arena *a, const struct oidc_client_input *in,
                            struct oidc_client *c, struct verrs *ve)
{
	if (!in->name || !*in->name || validate_text(in->name, 100, 0))
		verr_add(ve, "name", "名前を入力してください（100文字以内）",
		         "Give the client a name (at most 100 characters)");
	c->redirect_uris = redirect_list(a, in->redirect_uris);
	if (!c->redirect_uris)
		verr_add(ve, "redirect_uris",
		         "リダイレクトURIを1行に1つ入力してください（https、または127.0.0.1・"
		         "localhostのみhttp。#以降は不可、重複不可）",
		         "Enter one redirect URI per line (https, or http only for 127.0.0.1 or "
		         "localhost; no fragment, no repeats)");
	c->id_token_alg = in->alg && *in->alg ? in->alg : "RS256";
	if (strcmp(c->id_token_alg, "RS256") && strcmp(c->id_token_alg, "ES256"))
		verr_add(ve, "alg", "署名方式は RS256 または ES256 です",
		         "The signing algorithm is RS256 or ES256");
	c->auth_method =
	    in->auth_method && *in->auth_method ? in->auth_method : "client_secret_basic";
	if (in->public_client)
		c->auth_method = "none";
	else if (strcmp(c->auth_method, "client_secret_basic") &&
	         strcmp(c->auth_method, "client_secret_post"))
		verr_add(ve, "auth_method",
		         "認証方式は client_secret_basic または client_secret_post です",
		         "The authentication method is client_secret_basic or client_secret_post");
	c->scopes = in->scopes && *in->scopes ? in->scopes : OIDC_SCOPES_ALL;
	if (!oidc_scope_valid(c->scopes) || !oidc_scope_has(c->scopes, "openid") ||
	    !oidc_scope_subset(c->scopes, OIDC_SCOPES_ALL))
		verr_add(ve, "scopes", "スコープは openid email profile gcas から選んでください",
		         "Scopes are chosen from openid email profile gcas");
}

struct client_ctx {
	const struct actor *ac;
	struct arena *a;
	struct oidc_client *c;
	const char *id;
};

static enum gcas_err register_tx(struct db *db, void *ctx)
{
	struct client_ctx *x = ctx;
	enum gcas_err e = store_oidc_client_insert(db, x->c);
	if (e)
		return e;
	char *detail =
	    audit_json(x->a, "name", x->c->name, "redirect_uris", x->c->redirect_uris,
	               "auth_method", x->c->auth_method, "alg", x->c->id_token_alg, NULL);
	struct audit_event ev = {
	    "oidc.client_register", "oidc_client", x->c->client_id, NULL, NULL, detail};
	return audit_append(db, x->a, x->ac, &ev);
}

enum gcas_err svc_oidc_client_register(const struct env *env, const struct actor *ac,
                                       struct arena *a, const struct oidc_client_input *in,
                                       struct oidc_client *out, const char **secret,
                                       struct verrs *ve)
{
	*secret = NULL;
	if (!may_manage(ac))
		return audit_denied(env, ac, ACT_SSO_CLIENT_MANAGE, "oidc_client", NULL, NULL);
	*out = (struct oidc_client){.name = in->name, .post_logout_redirect_uris = ""};
	client_validate(a, in, out, ve);
	if (ve->n)
		return GCAS_ERR_INVALID;
	char *id = arena_alloc(a, 33);
	if (!id || rand_id(id))
		return GCAS_ERR_CRYPTO;
	out->client_id = id;
	out->created_by = ac->acc ? ac->acc->id : NULL;
	out->created_at = clock_now();
	const char *sec = NULL;
	if (!in->public_client) {
		/* A high-entropy random secret: SHA-256 is enough to store it (no password hash,
		 * which would also put argon2 on the token endpoint). */
		enum gcas_err e = new_secret(a, SECRET_PREFIX, &sec, &out->secret_hash);
		if (e)
			return e;
	}
	struct client_ctx x = {ac, a, out, NULL};
	enum gcas_err e = store_tx(env->st, register_tx, &x);
	if (!e)
		*secret = sec;
	return e;
}

struct list_ctx {
	struct arena *a;
	struct oidc_client *out;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *x = ctx;
	return store_oidc_client_list(db, x->a, CLIENT_LIST_MAX, &x->out, &x->n);
}

enum gcas_err svc_oidc_client_list(const struct env *env, const struct actor *ac, struct arena *a,
                                   struct oidc_client **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!may_manage(ac))
		return audit_denied(env, ac, ACT_SSO_CLIENT_MANAGE, "oidc_client", NULL, NULL);
	struct list_ctx x = {a, NULL, 0};
	enum gcas_err e = store_run(env->st, list_tx, &x);
	*out = x.out;
	*n = x.n;
	return e;
}

static enum gcas_err disable_tx(struct db *db, void *ctx)
{
	struct client_ctx *x = ctx;
	enum gcas_err e = store_oidc_client_disable(db, x->id, clock_now());
	if (e)
		return e;
	struct audit_event ev = {"oidc.client_disable", "oidc_client", x->id, NULL, NULL, NULL};
	return audit_append(db, x->a, x->ac, &ev);
}

enum gcas_err svc_oidc_client_disable(const struct env *env, const struct actor *ac,
                                      struct arena *a, const char *client_id)
{
	if (!may_manage(ac))
		return audit_denied(env, ac, ACT_SSO_CLIENT_MANAGE, "oidc_client", client_id, NULL);
	if (!client_id || !*client_id)
		return GCAS_ERR_NOTFOUND;
	struct client_ctx x = {ac, a, NULL, client_id};
	return store_tx(env->st, disable_tx, &x);
}

struct find_ctx {
	struct arena *a;
	const char *id;
	struct oidc_client *out;
};

static enum gcas_err find_tx(struct db *db, void *ctx)
{
	struct find_ctx *x = ctx;
	return store_oidc_client_get(db, x->a, x->id, x->out);
}

enum gcas_err svc_oidc_client_find(const struct env *env, struct arena *a, const char *client_id,
                                   struct oidc_client *out)
{
	if (!client_id || !*client_id || strlen(client_id) > 64)
		return GCAS_ERR_NOTFOUND;
	struct find_ctx x = {a, client_id, out};
	enum gcas_err e = store_run(env->st, find_tx, &x);
	if (!e && out->disabled_at)
		return GCAS_ERR_NOTFOUND;
	return e;
}

/* ---- authorization ---- */

/* RFC 8176 method references from how the session passed its second factor: the factor used
 * at the moment of the sign-in (its used_at is the session's mfa_at). */
static const char *session_amr(struct db *db, struct arena *a, const struct session_view *sv)
{
	struct factor *f = NULL;
	size_t n = 0;
	if (store_factor_list(db, a, sv->acc.id, &f, &n))
		return "pwd mfa";
	for (size_t i = 0; i < n; i++) {
		int64_t d = f[i].used_at - sv->s.mfa_at;
		if (!f[i].used_at || d < -2 || d > 2)
			continue;
		if (f[i].kind == FACTOR_TOTP)
			return "pwd otp";
		if (f[i].kind == FACTOR_WEBAUTHN)
			return "pwd hwk";
	}
	return "pwd mfa";
}

/* sid (OIDC Front-Channel Logout §2): names the session without revealing its cookie or the
 * cookie's stored hash. */
static const char *session_sid(struct arena *a, const struct session_view *sv)
{
	char h[TOKEN_KEY_SIZE];
	char *in = arena_printf(a, "gcas-sid:%s", sv->s.id_hash ? sv->s.id_hash : "");
	if (!in || sha256_hex(in, strlen(in), h))
		return NULL;
	return arena_strndup(a, h, 32);
}

struct authz_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const struct session_view *sv;
	struct oidc_code code;
};

static enum gcas_err authorize_tx(struct db *db, void *ctx)
{
	struct authz_ctx *x = ctx;
	x->code.amr = session_amr(db, x->a, x->sv);
	enum gcas_err e = store_oidc_code_insert(db, &x->code);
	if (e)
		return e;
	char *detail = audit_json(x->a, "client_id", x->code.client_id, "scope", x->code.scope,
	                          "redirect_uri", x->code.redirect_uri, NULL);
	struct audit_event ev = {"oidc.authorize",      "oidc_client", x->code.client_id,
	                         x->ac->subj.agency_id, NULL,          detail};
	return audit_append(db, x->a, x->ac, &ev);
}

enum gcas_err svc_oidc_authorize(const struct env *env, const struct actor *ac, struct arena *a,
                                 const struct session_view *sv, const struct oidc_client *client,
                                 const struct oidc_authz_req *req, const char **code)
{
	*code = NULL;
	if (!ac->acc || !sv || !sv->mfa_done || !sv->acc.id || strcmp(sv->acc.id, ac->acc->id))
		return GCAS_ERR_AUTH;
	struct target self = {
	    .has_role = 1, .role = ac->subj.role, .account_id = ac->subj.account_id};
	if (!policy_allows(&ac->subj, ACT_CONSOLE_USE, &self) || ac->acc->status != ACCOUNT_ACTIVE)
		return audit_denied(env, ac, ACT_CONSOLE_USE, "oidc_client", client->client_id,
		                    NULL);
	const char *tok, *hash;
	enum gcas_err e = new_secret(a, CODE_PREFIX, &tok, &hash);
	if (e)
		return e;
	int64_t now = clock_now();
	struct authz_ctx x = {env, ac, a, sv, {0}};
	x.code = (struct oidc_code){.code_hash = hash,
	                            .client_id = client->client_id,
	                            .account_id = ac->acc->id,
	                            .redirect_uri = req->redirect_uri,
	                            .code_challenge = req->code_challenge,
	                            .nonce = req->nonce,
	                            .scope = req->scope,
	                            .auth_time = sv->s.mfa_at ? sv->s.mfa_at : sv->s.created_at,
	                            .sid = session_sid(a, sv),
	                            .expires_at = now + env->cfg->oidc_code_ttl};
	e = store_tx(env->st, authorize_tx, &x);
	if (!e)
		*code = tok;
	return e;
}

/* ---- client authentication at the token and revocation endpoints ---- */

/* RFC 6749 §2.3.1: the registered method only, one method per request; the secret compared
 * as SHA-256 digests in constant time. Fills c; -1 with err on refusal. */
static int client_auth(struct db *db, struct arena *a, const struct oidc_token_req *r,
                       struct oidc_client *c, struct oidc_error *err)
{
	const char *id = r->basic ? r->basic_id : r->client_id;
	const char *secret = r->basic ? r->basic_secret : r->client_secret;
	if (r->basic && r->client_secret)
		return refuse(err, "invalid_request", "Use one client authentication method.");
	if (r->basic && r->client_id && strcmp(r->client_id, r->basic_id ? r->basic_id : ""))
		return refuse(err, "invalid_client", "Client authentication failed.");
	if (!id || !*id || strlen(id) > 64 || store_oidc_client_get(db, a, id, c) || c->disabled_at)
		return refuse(err, "invalid_client", "Client authentication failed.");
	int is_none = strcmp(c->auth_method, "none") == 0;
	int is_basic = strcmp(c->auth_method, "client_secret_basic") == 0;
	if (is_none)
		return secret || r->basic
		           ? refuse(err, "invalid_client", "Client authentication failed.")
		           : 0;
	char h[TOKEN_KEY_SIZE];
	if (!secret || is_basic != (r->basic != 0) || !c->secret_hash || token_key(secret, h) ||
	    !ct_streq(c->secret_hash, h))
		return refuse(err, "invalid_client", "Client authentication failed.");
	return 0;
}

/* ---- the token endpoint ---- */

struct token_ctx {
	const struct env *env;
	struct arena *a;
	const struct oidc_token_req *r;
	struct oidc_error *err;
	int64_t now;
	/* out of the transaction */
	struct oidc_client client;
	struct account acc;
	const char *scope, *nonce, *amr, *sid;
	int64_t auth_time;
	const char *access, *access_hash, *refresh, *refresh_hash;
	int replay; /* a spent code or refresh token came back: its family was revoked */
};

/* When a revoked family's row may go: its refresh tokens end at family_end, and an access token
 * issued just before that lives one access lifetime more. */
static int64_t family_until(const struct config *cfg, int64_t family_end)
{
	return family_end + cfg->oidc_access_ttl;
}

/* A refusal that must change nothing: set the error and roll back. */
#define REFUSED GCAS_ERR_AUTH

static enum gcas_err replay_audit(struct db *db, struct token_ctx *x, const char *what,
                                  const char *account_id)
{
	struct actor sys = actor_system(arena_printf(x->a, "oidc client %s", x->client.client_id));
	char *detail = audit_json(x->a, "account_id", account_id, NULL);
	struct audit_event ev = {what, "oidc_client", x->client.client_id, NULL, "refused", detail};
	return audit_append(db, x->a, &sys, &ev);
}

/* Store the access token and the refresh token (of family, ending at family_end). */
static enum gcas_err issue(struct db *db, struct token_ctx *x, const char *family,
                           int64_t family_end)
{
	struct oidc_access at = {.token_hash = x->access_hash,
	                         .client_id = x->client.client_id,
	                         .account_id = x->acc.id,
	                         .scope = x->scope,
	                         .family = family,
	                         .expires_at = x->now + x->env->cfg->oidc_access_ttl};
	struct oidc_refresh rt = {.token_hash = x->refresh_hash,
	                          .family = family,
	                          .client_id = x->client.client_id,
	                          .account_id = x->acc.id,
	                          .scope = x->scope,
	                          .auth_time = x->auth_time,
	                          .amr = x->amr,
	                          .sid = x->sid,
	                          .issued_at = x->now,
	                          .expires_at = family_end};
	enum gcas_err e = store_oidc_access_insert(db, &at);
	return e ? e : store_oidc_refresh_insert(db, &rt);
}

/* The account behind a grant must still be able to sign in. */
static enum gcas_err grant_account(struct db *db, struct token_ctx *x, const char *account_id)
{
	enum gcas_err e = store_account_get(db, x->a, account_id, &x->acc);
	if (e == GCAS_ERR_NOTFOUND || (!e && x->acc.status != ACCOUNT_ACTIVE)) {
		refuse(x->err, "invalid_grant", "The account can no longer sign in.");
		return REFUSED;
	}
	return e;
}

static enum gcas_err code_tx(struct db *db, void *ctx)
{
	struct token_ctx *x = ctx;
	const struct oidc_token_req *r = x->r;
	struct oidc_code code;
	char h[TOKEN_KEY_SIZE];
	if (client_auth(db, x->a, r, &x->client, x->err))
		return REFUSED;
	if (!r->code || !*r->code || strlen(r->code) > 128 || token_key(r->code, h)) {
		refuse(x->err, "invalid_request", "code is required.");
		return REFUSED;
	}
	enum gcas_err e = store_oidc_code_redeem(db, x->a, h, x->client.client_id, x->now, &code);
	if (e == GCAS_ERR_NOTFOUND) {
		refuse(x->err, "invalid_grant", "The code is invalid, expired or used.");
		/* RFC 6749 §4.1.2: a code used twice revokes what it was exchanged for. Only its
		 * own client's replay counts: another client cannot spend or burn it. */
		if (store_oidc_code_get(db, x->a, h, &code) || !code.used_at ||
		    strcmp(code.client_id, x->client.client_id))
			return REFUSED;
		x->replay = 1;
		e = store_oidc_family_revoke(
		    db, h, x->now,
		    family_until(x->env->cfg, code.auth_time + x->env->cfg->oidc_refresh_ttl));
		return e ? e : replay_audit(db, x, "oidc.code_reuse", code.account_id);
	}
	if (e)
		return e;
	/* RFC 6749 §4.1.3: the same redirect_uri as the request; RFC 7636 §4.6: the verifier. */
	if (!r->redirect_uri || strcmp(r->redirect_uri, code.redirect_uri)) {
		refuse(x->err, "invalid_grant", "redirect_uri does not match the request.");
		return REFUSED;
	}
	if (!oidc_pkce_check(r->code_verifier, code.code_challenge)) {
		refuse(x->err, "invalid_grant", "The PKCE code_verifier does not match.");
		return REFUSED;
	}
	if ((e = grant_account(db, x, code.account_id)))
		return e;
	x->scope = code.scope;
	x->nonce = code.nonce;
	x->amr = code.amr;
	x->sid = code.sid;
	x->auth_time = code.auth_time;
	/* The family is named by the code's hash, so a replayed code finds what it made. */
	return issue(db, x, h, code.auth_time + x->env->cfg->oidc_refresh_ttl);
}

static enum gcas_err refresh_tx(struct db *db, void *ctx)
{
	struct token_ctx *x = ctx;
	const struct oidc_token_req *r = x->r;
	struct oidc_refresh old;
	char h[TOKEN_KEY_SIZE];
	if (client_auth(db, x->a, r, &x->client, x->err))
		return REFUSED;
	if (!r->refresh_token || !*r->refresh_token || strlen(r->refresh_token) > 128 ||
	    token_key(r->refresh_token, h)) {
		refuse(x->err, "invalid_request", "refresh_token is required.");
		return REFUSED;
	}
	enum gcas_err e = store_oidc_refresh_use(db, x->a, h, x->client.client_id, x->now, &old);
	if (e == GCAS_ERR_NOTFOUND) {
		refuse(x->err, "invalid_grant",
		       "The refresh token is invalid, expired or revoked.");
		/* RFC 9700 §4.14.2: a rotated-out token presented again means one of two
		 * parties holds a stolen token; end the whole family. */
		if (store_oidc_refresh_get(db, x->a, h, &old) || !old.used_at ||
		    strcmp(old.client_id, x->client.client_id))
			return REFUSED;
		x->replay = 1;
		e = store_oidc_family_revoke(db, old.family, x->now,
		                             family_until(x->env->cfg, old.expires_at));
		return e ? e : replay_audit(db, x, "oidc.refresh_reuse", old.account_id);
	}
	if (e)
		return e;
	/* RFC 6749 §6: a narrower scope may be asked for, never a wider one. */
	x->scope = old.scope;
	if (r->scope && *r->scope) {
		if (!oidc_scope_valid(r->scope) || !oidc_scope_subset(r->scope, old.scope)) {
			refuse(x->err, "invalid_scope", "The scope exceeds the original grant.");
			return REFUSED;
		}
		x->scope = r->scope;
	}
	if ((e = grant_account(db, x, old.account_id)))
		return e;
	x->amr = old.amr;
	x->sid = old.sid;
	x->auth_time = old.auth_time;
	x->nonce = NULL; /* OIDC Core §12.2 */
	return issue(db, x, old.family, old.expires_at);
}

/* The ID token, signed with the client's algorithm (OIDC Core §3.1.3.6, §12.2). */
static enum gcas_err sign_id_token(struct token_ctx *x, const char **out)
{
	enum key_alg alg = KEY_ALG_RS256;
	char at_hash[23];
	char *jws = NULL;
	if (key_alg_parse(x->client.id_token_alg, &alg) || oidc_at_hash(x->access, at_hash))
		return GCAS_ERR_CRYPTO;
	struct oidc_id_claims c = {.iss = x->env->cfg->base_url,
	                           .aud = x->client.client_id,
	                           .nonce = x->nonce,
	                           .amr = x->amr,
	                           .sid = x->sid,
	                           .at_hash = at_hash,
	                           .scope = x->scope,
	                           .iat = x->now,
	                           .exp = x->now + x->env->cfg->oidc_access_ttl,
	                           .auth_time = x->auth_time};
	char *payload = oidc_id_token_payload(&c, &x->acc);
	if (!payload)
		return GCAS_ERR_NOMEM;
	enum gcas_err e =
	    signer_jws_sign(x->env->signer, x->now, alg, "JWT", payload, strlen(payload), &jws);
	free(payload);
	if (e)
		return e;
	*out = arena_strdup(x->a, jws);
	free(jws);
	return *out ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err svc_oidc_token(const struct env *env, struct arena *a,
                             const struct oidc_token_req *req, struct oidc_token_resp *out,
                             struct oidc_error *err)
{
	*out = (struct oidc_token_resp){0};
	*err = (struct oidc_error){0};
	store_tx_fn fn = NULL;
	if (!req->grant_type || !*req->grant_type)
		return refuse(err, "invalid_request", "grant_type is required."), GCAS_OK;
	if (strcmp(req->grant_type, "authorization_code") == 0)
		fn = code_tx;
	else if (strcmp(req->grant_type, "refresh_token") == 0)
		fn = refresh_tx;
	else
		return refuse(err, "unsupported_grant_type", "The grant type is not supported."),
		       GCAS_OK;
	if (!env->signer)
		return GCAS_ERR_NOTFOUND; /* no signing keys configured: server_error */
	struct token_ctx x = {.env = env, .a = a, .r = req, .err = err, .now = clock_now()};
	enum gcas_err e = new_secret(a, ACCESS_PREFIX, &x.access, &x.access_hash);
	if (!e)
		e = new_secret(a, REFRESH_PREFIX, &x.refresh, &x.refresh_hash);
	if (e)
		return e;
	e = store_tx(env->st, fn, &x);
	if (err->error)
		return GCAS_OK; /* refused (rolled back, or the replay's revocation committed) */
	if (e)
		return e;
	e = sign_id_token(&x, &out->id_token);
	if (e)
		return e;
	out->access_token = x.access;
	out->refresh_token = x.refresh;
	out->scope = x.scope;
	out->expires_in = env->cfg->oidc_access_ttl;
	return GCAS_OK;
}

/* ---- userinfo ---- */

struct userinfo_ctx {
	struct arena *a;
	const char *hash;
	int64_t now;
	struct oidc_access at;
	struct account acc;
	struct oidc_client client;
	struct oidc_error *err;
};

static enum gcas_err userinfo_tx(struct db *db, void *ctx)
{
	struct userinfo_ctx *x = ctx;
	enum gcas_err e = store_oidc_access_get(db, x->a, x->hash, &x->at);
	if (!e && (x->at.revoked_at || x->at.expires_at <= x->now))
		e = GCAS_ERR_NOTFOUND;
	if (!e)
		e = store_account_get(db, x->a, x->at.account_id, &x->acc);
	if (!e && x->acc.status != ACCOUNT_ACTIVE)
		e = GCAS_ERR_NOTFOUND;
	if (!e)
		e = store_oidc_client_get(db, x->a, x->at.client_id, &x->client);
	if (!e && x->client.disabled_at)
		e = GCAS_ERR_NOTFOUND;
	if (e == GCAS_ERR_NOTFOUND) {
		refuse(x->err, "invalid_token", "The access token is unknown, expired or revoked.");
		return REFUSED;
	}
	return e;
}

enum gcas_err svc_oidc_userinfo(const struct env *env, struct arena *a, const char *access_token,
                                const char **json, struct oidc_error *err)
{
	char h[TOKEN_KEY_SIZE];
	*json = NULL;
	*err = (struct oidc_error){0};
	if (!access_token || !*access_token || strlen(access_token) > 128 ||
	    token_key(access_token, h))
		return refuse(err, "invalid_token", "The access token is malformed."), GCAS_OK;
	struct userinfo_ctx x = {.a = a, .hash = h, .now = clock_now(), .err = err};
	enum gcas_err e = store_run(env->st, userinfo_tx, &x);
	if (err->error)
		return GCAS_OK;
	if (e)
		return e;
	/* OIDC Core §5.3: userinfo is for tokens granted with the openid scope. */
	if (!oidc_scope_has(x.at.scope, "openid"))
		return refuse(err, "insufficient_scope", "The token lacks the openid scope."),
		       GCAS_OK;
	char *s = oidc_userinfo_json(&x.acc, x.at.scope);
	if (!s)
		return GCAS_ERR_NOMEM;
	*json = arena_strdup(a, s);
	free(s);
	return *json ? GCAS_OK : GCAS_ERR_NOMEM;
}

/* ---- revocation ---- */

struct revoke_ctx {
	const struct config *cfg;
	struct arena *a;
	const struct oidc_token_req *r;
	const char *hash;
	struct oidc_error *err;
	int64_t now;
	struct oidc_client client;
};

static enum gcas_err revoke_tx(struct db *db, void *ctx)
{
	struct revoke_ctx *x = ctx;
	struct oidc_refresh rt;
	if (client_auth(db, x->a, x->r, &x->client, x->err))
		return REFUSED;
	if (!x->hash)
		return GCAS_OK; /* a token we never issued: nothing to do (RFC 7009 §2.2) */
	enum gcas_err e = store_oidc_refresh_get(db, x->a, x->hash, &rt);
	if (!e && strcmp(rt.client_id, x->client.client_id) == 0)
		return store_oidc_family_revoke(db, rt.family, x->now,
		                                family_until(x->cfg, rt.expires_at));
	if (e && e != GCAS_ERR_NOTFOUND)
		return e;
	int64_t n = 0;
	return store_oidc_access_revoke(db, x->hash, x->client.client_id, x->now, &n);
}

enum gcas_err svc_oidc_revoke(const struct env *env, struct arena *a,
                              const struct oidc_token_req *client, const char *token,
                              struct oidc_error *err)
{
	char h[TOKEN_KEY_SIZE];
	*err = (struct oidc_error){0};
	if (!token || !*token)
		return refuse(err, "invalid_request", "token is required."), GCAS_OK;
	int ours = strlen(token) <= 128 && token_key(token, h) == GCAS_OK;
	struct revoke_ctx x = {env->cfg, a, client, ours ? h : NULL, err, clock_now(), {0}};
	enum gcas_err e = store_tx(env->st, revoke_tx, &x);
	return err->error ? GCAS_OK : e;
}

/* ---- the purge job ---- */

struct purge_ctx {
	int64_t before, n;
};

static enum gcas_err purge_tx(struct db *db, void *ctx)
{
	struct purge_ctx *x = ctx;
	return store_oidc_purge(db, x->before, &x->n);
}

enum gcas_err svc_oidc_purge(const struct env *env, int64_t *deleted)
{
	/* A day's grace: a replayed code or refresh token is still recognised (and its family
	 * revoked) for a while after it expired. */
	struct purge_ctx x = {clock_now() - 86400, 0};
	enum gcas_err e = store_tx(env->st, purge_tx, &x);
	*deleted = x.n;
	return e;
}
