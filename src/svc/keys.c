/* SPDX-License-Identifier: MIT */
/* Signing-key use cases (see svc/keys.h): authorise → validate → one transaction (the signer's
 * key change + audit record) → drop the local key cache. */
#include "svc/keys.h"

#include <string.h>

#include "base/clock.h"
#include "store/keys.h"
#include "svc/audit.h"

int64_t svc_keys_default_delay(const struct env *env)
{
	return env->signer ? 2 * signer_refresh_ttl(env->signer) : 60;
}

int64_t svc_keys_grace(const struct env *env)
{
	int64_t g = env->cfg->oidc_access_ttl;
	if (env->cfg->saml_assertion_ttl > g)
		g = env->cfg->saml_assertion_ttl;
	return g + 60;
}

static enum gcas_err authorise(const struct env *env, const struct actor *ac, const char *kid)
{
	struct target t = {0};
	if (!policy_allows(&ac->subj, ACT_KEYS_MANAGE, &t))
		return audit_denied(env, ac, ACT_KEYS_MANAGE, "signing_key", kid, NULL);
	return env->signer ? GCAS_OK : GCAS_ERR_INTERNAL;
}

struct list_ctx {
	struct arena *a;
	struct key_info *v;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return signer_key_list(db, c->a, &c->v, &c->n);
}

enum gcas_err svc_keys_list(const struct env *env, const struct actor *ac, struct arena *a,
                            struct key_info **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	enum gcas_err e = authorise(env, ac, NULL);
	if (e)
		return e;
	struct list_ctx c = {.a = a};
	e = store_run(env->st, list_tx, &c);
	*out = c.v;
	*n = c.n;
	return e;
}

/* Parse and check use/alg/delay, every problem into ve. */
static enum gcas_err check_input(const char *use, const char *alg, int64_t delay, int rotate,
                                 enum key_use *u, enum key_alg *al, struct verrs *ve)
{
	size_t before = ve->n;
	if (key_use_parse(use, u))
		verr_add(ve, "use", "用途は oidc か saml です", "use must be oidc or saml");
	if (key_alg_parse(alg, al))
		verr_add(ve, "alg", "アルゴリズムは RS256 か ES256 です",
		         "alg must be RS256 or ES256");
	else if (use && strcmp(use, "saml") == 0 && *al != KEY_ALG_RS256)
		verr_add(ve, "alg", "SAML の鍵は RS256 だけです", "SAML keys are RS256 only");
	if (delay > KEYS_MAX_DELAY || (delay < 0 && !rotate))
		verr_add(ve, "delay", "待ち時間は 0 秒から 30 日までです",
		         "The delay must be between 0 seconds and 30 days");
	return ve->n > before ? GCAS_ERR_INVALID : GCAS_OK;
}

struct change_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	int op; /* 0 generate, 1 rotate, 2 revoke */
	enum key_use use;
	enum key_alg alg;
	int64_t now, delay, grace;
	const char *kid_in;
	char kid[64];
};

static enum gcas_err change_tx(struct db *db, void *ctx)
{
	struct change_ctx *c = ctx;
	struct signer *s = c->env->signer;
	static const char *const actions[] = {"keys.generate", "keys.rotate", "keys.revoke"};
	enum gcas_err e;
	if (c->op == 0)
		e = signer_key_generate(s, db, c->now, c->use, c->alg, c->now + c->delay, c->kid);
	else if (c->op == 1)
		e = signer_key_rotate(s, db, c->now, c->use, c->alg, c->delay, c->grace, c->kid);
	else
		e = signer_key_revoke(s, db, c->now, c->kid_in);
	if (!e && c->op < 2 && c->ac->acc)
		e = store_key_set_creator(db, c->kid, c->ac->acc->id);
	if (e)
		return e;
	const char *kid = c->op == 2 ? c->kid_in : c->kid;
	char *detail = c->op == 2
	                   ? audit_json(c->a, "kid", kid, NULL)
	                   : audit_json(c->a, "use", key_use_name(c->use), "alg",
	                                key_alg_name(c->alg), "activate_at",
	                                arena_printf(c->a, "%lld", (long long)(c->now + c->delay)),
	                                c->op == 1 ? "grace" : NULL,
	                                arena_printf(c->a, "%lld", (long long)c->grace), NULL);
	if (!detail)
		return GCAS_ERR_NOMEM;
	struct audit_event ev = {actions[c->op], "signing_key", kid, NULL, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

static enum gcas_err run_change(struct change_ctx *c, char kid_out[64])
{
	enum gcas_err e = store_tx(c->env->st, change_tx, c);
	/* Again after the commit: a re-read between the change and the commit saw the old keys. */
	signer_invalidate(c->env->signer);
	if (!e && kid_out)
		memcpy(kid_out, c->kid, sizeof(c->kid));
	return e;
}

enum gcas_err svc_keys_generate(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *use, const char *alg, int64_t delay, char kid_out[64],
                                struct verrs *ve)
{
	kid_out[0] = '\0';
	struct change_ctx c = {.env = env, .ac = ac, .a = a, .op = 0, .delay = delay};
	enum gcas_err e = authorise(env, ac, NULL);
	if (!e)
		e = check_input(use, alg, delay, 0, &c.use, &c.alg, ve);
	if (e)
		return e;
	c.now = clock_now();
	return run_change(&c, kid_out);
}

enum gcas_err svc_keys_rotate(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *use, const char *alg, int64_t delay, char kid_out[64],
                              struct verrs *ve)
{
	kid_out[0] = '\0';
	struct change_ctx c = {.env = env, .ac = ac, .a = a, .op = 1};
	enum gcas_err e = authorise(env, ac, NULL);
	if (!e)
		e = check_input(use, alg, delay, 1, &c.use, &c.alg, ve);
	if (e)
		return e;
	c.delay = delay < 0 ? svc_keys_default_delay(env) : delay;
	c.grace = svc_keys_grace(env);
	c.now = clock_now();
	e = run_change(&c, kid_out);
	if (e == GCAS_ERR_CONFLICT)
		verr_add(ve, "use", "前のローテーションの新しい鍵がまだ有効になっていません",
		         "The key of the previous rotation has not activated yet");
	return e;
}

enum gcas_err svc_keys_revoke(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *kid)
{
	struct change_ctx c = {.env = env, .ac = ac, .a = a, .op = 2, .kid_in = kid};
	enum gcas_err e = authorise(env, ac, kid);
	if (e)
		return e;
	if (!kid || !*kid || strlen(kid) >= 64)
		return GCAS_ERR_NOTFOUND;
	c.now = clock_now();
	return run_change(&c, NULL);
}

struct boot_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	int made;
};

static enum gcas_err boot_tx(struct db *db, void *ctx)
{
	struct boot_ctx *b = ctx;
	static const struct {
		enum key_use use;
		enum key_alg alg;
	} first[] = {{KEY_USE_OIDC, KEY_ALG_RS256},
	             {KEY_USE_OIDC, KEY_ALG_ES256},
	             {KEY_USE_SAML, KEY_ALG_RS256}};
	int64_t n = 0;
	b->made = 0;
	enum gcas_err e = store_key_count(db, &n);
	if (e || n > 0)
		return e;
	for (size_t i = 0; !e && i < sizeof(first) / sizeof(first[0]); i++) {
		struct change_ctx c = {.env = b->env,
		                       .ac = b->ac,
		                       .a = b->a,
		                       .op = 0,
		                       .use = first[i].use,
		                       .alg = first[i].alg,
		                       .now = clock_now()};
		e = change_tx(db, &c);
		b->made += !e;
	}
	return e;
}

enum gcas_err svc_keys_bootstrap(const struct env *env, const struct actor *ac, int *made)
{
	*made = 0;
	enum gcas_err e = authorise(env, ac, NULL);
	if (e)
		return e;
	struct boot_ctx b = {.env = env, .ac = ac, .a = arena_new(0)};
	if (!b.a)
		return GCAS_ERR_NOMEM;
	e = store_tx(env->st, boot_tx, &b);
	signer_invalidate(env->signer);
	arena_free(b.a);
	if (!e)
		*made = b.made;
	return e;
}
