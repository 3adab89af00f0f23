/* SPDX-License-Identifier: MIT */
/* Personal API token use cases. */
#include "svc/tokens.h"

#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "core/validate.h"
#include "svc/audit.h"

int token_has_scope(const char *scopes, const char *scope)
{
	size_t n = strlen(scope);
	for (const char *p = scopes; p && *p;) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (len == n && strncmp(p, scope, n) == 0)
			return 1;
		p = sp ? sp + 1 : p + len;
	}
	return 0;
}

struct create_ctx {
	const struct actor *ac;
	struct arena *a;
	struct api_token *t;
};

static enum gcas_err create_tx(struct db *db, void *ctx)
{
	struct create_ctx *c = ctx;
	enum gcas_err e = store_token_insert(db, c->t);
	if (e)
		return e;
	char *detail = audit_json(c->a, "scopes", c->t->scopes, NULL);
	struct audit_event ev = {"token.create",        "token", c->t->id,
	                         c->ac->subj.agency_id, NULL,    detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_token_create(const struct env *env, const struct actor *ac, struct arena *a,
                               const struct session_view *sv, const char *name, const char *scopes,
                               int64_t ttl_days, struct api_token *out, const char **secret,
                               struct verrs *ve)
{
	struct target self = {
	    .has_role = 1, .role = ac->subj.role, .account_id = ac->subj.account_id};
	if (!ac->acc || !policy_allows(&ac->subj, ACT_SELF_MANAGE, &self))
		return GCAS_ERR_DENIED;
	/* A token is a credential: creating one needs a fresh re-authentication of the actor's own
	 * session, and a token can never mint another one. */
	if (!sv || !sv->acc.id || strcmp(sv->acc.id, ac->acc->id) != 0 ||
	    !svc_reauth_fresh(env, sv))
		return GCAS_ERR_DENIED;
	enum vproblem p = validate_text(name, 100, 0);
	if (p || !name || !*name)
		verr_add(ve, "name", "名前を入力してください（100文字以内）",
		         "Give the token a name (at most 100 characters)");
	const char *sc = scopes && *scopes ? scopes : "read";
	if (strcmp(sc, "read") && strcmp(sc, "read write") && strcmp(sc, "write read"))
		verr_add(ve, "scopes", "権限は read または read write です",
		         "Scopes are \"read\" or \"read write\"");
	int64_t max_days = env->cfg->token_max_ttl / 86400;
	if (ttl_days < 1 || ttl_days > max_days)
		verr_add(ve, "ttl_days", "有効期間の日数が範囲外です",
		         "The lifetime in days is out of range");
	if (ve->n)
		return GCAS_ERR_INVALID;
	char tok[96], hash[SHA256_HEX_SIZE];
	char *id = arena_alloc(a, 33);
	if (!id || rand_id(id) || token_new(tok, sizeof(tok), API_TOKEN_PREFIX) ||
	    token_hash(tok, hash))
		return GCAS_ERR_CRYPTO;
	int64_t now = clock_now();
	*out = (struct api_token){.id = id,
	                          .account_id = ac->acc->id,
	                          .name = name,
	                          .token_hash = arena_strdup(a, hash),
	                          .scopes = token_has_scope(sc, "write") ? "read write" : "read",
	                          .created_at = now,
	                          .expires_at = now + ttl_days * 86400};
	struct create_ctx c = {ac, a, out};
	enum gcas_err e = store_tx(env->st, create_tx, &c);
	if (!e)
		*secret = arena_strdup(a, tok);
	return e;
}

struct list_ctx {
	struct arena *a;
	const char *account_id;
	struct api_token *out;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_token_list(db, c->a, c->account_id, &c->out, &c->n);
}

enum gcas_err svc_token_list(const struct env *env, const struct actor *ac, struct arena *a,
                             struct api_token **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!ac->acc)
		return GCAS_ERR_DENIED;
	struct list_ctx c = {a, ac->acc->id, NULL, 0};
	enum gcas_err e = store_run(env->st, list_tx, &c);
	*out = c.out;
	*n = c.n;
	return e;
}

struct revoke_ctx {
	const struct actor *ac;
	struct arena *a;
	const char *id;
};

static enum gcas_err revoke_tx(struct db *db, void *ctx)
{
	struct revoke_ctx *c = ctx;
	/* Scoped to the actor's own account in SQL: another person's token id is simply not
	 * found. */
	enum gcas_err e = store_token_revoke(db, c->id, c->ac->acc->id, clock_now());
	if (e)
		return e;
	struct audit_event ev = {"token.revoke", "token", c->id, c->ac->subj.agency_id, NULL, NULL};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_token_revoke(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *id)
{
	if (!ac->acc)
		return GCAS_ERR_DENIED;
	struct revoke_ctx c = {ac, a, id};
	return store_tx(env->st, revoke_tx, &c);
}

struct resolve_ctx {
	struct arena *a;
	const char *hash;
	struct account *acc;
	struct api_token *tok;
	int touch;
};

static enum gcas_err resolve_tx(struct db *db, void *ctx)
{
	struct resolve_ctx *c = ctx;
	int64_t now = clock_now();
	enum gcas_err e = store_token_get_by_hash(db, c->a, c->hash, c->tok);
	if (e)
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_AUTH : e;
	if (c->tok->revoked_at || c->tok->expires_at <= now)
		return GCAS_ERR_AUTH;
	if ((e = store_account_get(db, c->a, c->tok->account_id, c->acc)))
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_AUTH : e;
	if (c->acc->status != ACCOUNT_ACTIVE)
		return GCAS_ERR_AUTH;
	c->touch = now - c->tok->last_used_at >= 60;
	return GCAS_OK;
}

static enum gcas_err touch_tx(struct db *db, void *ctx)
{
	struct resolve_ctx *c = ctx;
	return store_token_used(db, c->tok->id, clock_now());
}

enum gcas_err svc_token_resolve(const struct env *env, struct arena *a, const char *secret,
                                struct account *acc, struct api_token *tok)
{
	char hash[SHA256_HEX_SIZE];
	if (!secret || strncmp(secret, API_TOKEN_PREFIX, strlen(API_TOKEN_PREFIX)) != 0 ||
	    strlen(secret) > 128 || token_hash(secret, hash))
		return GCAS_ERR_AUTH;
	struct resolve_ctx c = {a, hash, acc, tok, 0};
	enum gcas_err e = store_run(env->st, resolve_tx, &c);
	if (!e && c.touch)
		store_tx(env->st, touch_tx, &c);
	return e;
}
