/* SPDX-License-Identifier: MIT */
/* The `local` provisioning driver: a simulated cloud kept in the database (table local_cloud),
 * so environment requests can be fulfilled end to end on the embedded default. Accounts get ids
 * "gcas-local-<12 digits>" and a console at base_url/local-cloud/<id> (page_local_cloud.c).
 * Also the driver choice per CSP and the request's JSON, shared by both drivers. */
#include "svc/provision.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/codec.h"
#include "crypto/token.h"
#include "store/breakglass.h"
#include "store/environments.h"

const struct provision_driver *provision_driver_for(const struct config *cfg, enum sys_csp csp,
                                                    const char **arg)
{
	const char *v = (unsigned)csp < CSP__MAX ? cfg->provision[csp] : NULL;
	*arg = NULL;
	if (v && str_starts(v, "exec:")) {
		*arg = v + 5;
		return &provision_exec;
	}
	return &provision_local;
}

char *provision_req_json(const struct provision_req *rq)
{
	json_t *o = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s?}", "action",
	                      rq->action, "request_id", rq->request_id, "idempotency_key",
	                      rq->idempotency_key, "environment_id", rq->environment_id,
	                      "project_id", rq->project_id, "agency_id", rq->agency_id, "system_id",
	                      rq->system_id, "csp", sys_csp_name(rq->csp), "kind",
	                      sys_env_name(rq->kind), "external_id", rq->external_id);
	if (!o)
		return NULL;
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return text;
}

int provision_local_new_id(char out[24])
{
	/* Two draws below 10^6 make 12 uniform digits (rand_uniform has no modulo bias). */
	uint32_t hi = rand_uniform(1000000u), lo = rand_uniform(1000000u);
	int n = snprintf(out, 24, "gcas-local-%06u%06u", (unsigned)hi, (unsigned)lo);
	return n == 23 ? 0 : -1;
}

struct local_ctx {
	const struct env *env;
	const struct provision_req *rq;
	struct provision_result *res;
	struct arena *a;
};

static void set_console(const struct env *env, const char *id, struct provision_result *res)
{
	snprintf(res->console_url, sizeof(res->console_url), "%s/local-cloud/%s",
	         env->cfg->base_url ? env->cfg->base_url : "", id);
	str_copy(res->external_id, sizeof(res->external_id), id);
}

static enum gcas_err create_tx(struct db *db, void *ctx)
{
	struct local_ctx *c = ctx;
	struct local_cloud_acct acct;
	/* Idempotency: a retry after a lost answer finds what the first attempt made. */
	enum gcas_err e = store_local_cloud_get_by_key(db, c->a, c->rq->idempotency_key, &acct);
	if (e == GCAS_OK) {
		set_console(c->env, acct.id, c->res);
		return GCAS_OK;
	}
	if (e != GCAS_ERR_NOTFOUND)
		return e;
	char id[24];
	if (provision_local_new_id(id))
		return GCAS_ERR_CRYPTO;
	acct = (struct local_cloud_acct){
	    .id = id,
	    .idempotency_key = c->rq->idempotency_key,
	    .csp = sys_csp_name(c->rq->csp),
	    .kind = sys_env_name(c->rq->kind),
	    .project_id = c->rq->project_id,
	    .label = c->rq->environment_id ? c->rq->environment_id : "",
	    .created_at = clock_now(),
	};
	if ((e = store_local_cloud_insert(db, &acct)))
		return e;
	set_console(c->env, id, c->res);
	return GCAS_OK;
}

static enum gcas_err local_create(const struct env *env, const char *arg,
                                  const struct provision_req *rq, struct provision_result *res)
{
	(void)arg;
	if (!rq->idempotency_key || !*rq->idempotency_key) {
		str_copy(res->error, sizeof(res->error), "no idempotency key");
		return GCAS_ERR_INVALID;
	}
	struct arena *a = arena_new(4096);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct local_ctx c = {env, rq, res, a};
	enum gcas_err e = store_tx(env->st, create_tx, &c);
	arena_free(a);
	if (e)
		snprintf(res->error, sizeof(res->error), "local cloud: %s", gcas_err_name(e));
	/* §3: the simulated cloud's identity store takes SCIM pushes at
	 * /local-cloud/<environment id>/scim/v2 (proto_scim.c) with a fresh bearer token (32
	 * random bytes, base64url); the environment keeps it sealed. */
	unsigned char tok[32];
	if (!e && rand_bytes(tok, sizeof(tok)) == 0) {
		snprintf(res->scim_url, sizeof(res->scim_url), "%s/local-cloud/%s/scim/v2",
		         env->cfg->base_url ? env->cfg->base_url : "",
		         rq->environment_id ? rq->environment_id : res->external_id);
		b64url_encode(res->scim_token, tok, sizeof(tok));
	}
	explicit_bzero(tok, sizeof(tok));
	/* §4: the simulated cloud's console is a SAML service provider of its own
	 * (page_local_cloud_saml.c): console sign-in sends its Response there. The same URLs as
	 * svc/saml.c derives from base_url (without a trailing slash). */
	const char *base = env->cfg->base_url ? env->cfg->base_url : "";
	int blen = (int)strlen(base);
	while (blen && base[blen - 1] == '/')
		blen--;
	if (!e) {
		snprintf(res->saml_entity_id, sizeof(res->saml_entity_id),
		         "%.*s/local-cloud/%s/saml", blen, base, res->external_id);
		snprintf(res->saml_acs_url, sizeof(res->saml_acs_url),
		         "%.*s/local-cloud/%s/saml/acs", blen, base, res->external_id);
	}
	return e;
}

static enum gcas_err close_tx(struct db *db, void *ctx)
{
	struct local_ctx *c = ctx;
	return store_local_cloud_close(db, c->rq->external_id, clock_now());
}

static enum gcas_err local_close(const struct env *env, const char *arg,
                                 const struct provision_req *rq, struct provision_result *res)
{
	(void)arg;
	struct local_ctx c = {env, rq, res, NULL};
	enum gcas_err e = rq->external_id ? store_tx(env->st, close_tx, &c) : GCAS_ERR_NOTFOUND;
	if (e)
		snprintf(res->error, sizeof(res->error), "local cloud: %s: %s",
		         rq->external_id ? rq->external_id : "(none)", gcas_err_name(e));
	return e;
}

/* ---- §6 BreakGlass: emergency users of the simulated cloud ---- */

struct cred_ctx {
	const struct env *env;
	const struct provision_cred_req *rq;
	struct provision_cred *res;
	struct arena *a;
	const char *hash; /* SHA-256 of the new one-time password */
};

/* A new emergency user (or, on a retry whose answer was lost, the same user with a new
 * password): the password itself is returned once and only its hash kept. */
static enum gcas_err cred_issue_tx(struct db *db, void *ctx)
{
	struct cred_ctx *c = ctx;
	struct local_cloud_acct acct;
	struct local_bg_cred cred;
	enum gcas_err e = store_local_cloud_get(db, c->a, c->rq->external_id, &acct);
	if (e)
		return e;
	if (strcmp(acct.state, "open") != 0)
		return GCAS_ERR_CONFLICT;
	e = store_local_bg_get_by_key(db, c->a, c->rq->idempotency_key, &cred);
	if (e == GCAS_OK) {
		e = store_local_bg_resecret(db, cred.id, c->hash, c->rq->expires_at);
		if (!e)
			str_copy(c->res->credential_id, sizeof(c->res->credential_id), cred.id);
		return e;
	}
	if (e != GCAS_ERR_NOTFOUND)
		return e;
	unsigned char rb[8];
	char id[3 + 16 + 1] = "bg-";
	if (rand_bytes(rb, sizeof(rb)))
		return GCAS_ERR_CRYPTO;
	hex_encode(id + 3, rb, sizeof(rb));
	cred =
	    (struct local_bg_cred){.id = id,
	                           .cloud_id = acct.id,
	                           .idempotency_key = c->rq->idempotency_key,
	                           .person_email = c->rq->person_email ? c->rq->person_email : "",
	                           .privilege = c->rq->privilege ? c->rq->privilege : "admin",
	                           .secret_hash = c->hash,
	                           .expires_at = c->rq->expires_at,
	                           .created_at = clock_now()};
	if ((e = store_local_bg_insert(db, &cred)))
		return e;
	str_copy(c->res->credential_id, sizeof(c->res->credential_id), id);
	return GCAS_OK;
}

static enum gcas_err local_cred_issue(const struct env *env, const char *arg,
                                      const struct provision_cred_req *rq,
                                      struct provision_cred *res)
{
	(void)arg;
	char hash[SHA256_HEX_SIZE];
	if (!rq->idempotency_key || !*rq->idempotency_key || !rq->external_id) {
		str_copy(res->error, sizeof(res->error), "local cloud: no environment or key");
		return GCAS_ERR_INVALID;
	}
	/* 256 random bits as base64url: a one-time password nobody can guess (no slow hash
	 * needed, crypto/token.h). */
	if (token_new(res->secret, sizeof(res->secret), "") || token_hash(res->secret, hash)) {
		str_copy(res->error, sizeof(res->error), "local cloud: no randomness");
		return GCAS_ERR_CRYPTO;
	}
	struct arena *a = arena_new(4096);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct cred_ctx c = {env, rq, res, a, hash};
	enum gcas_err e = store_tx(env->st, cred_issue_tx, &c);
	arena_free(a);
	if (e) {
		explicit_bzero(res->secret, sizeof(res->secret));
		snprintf(res->error, sizeof(res->error), "local cloud: %s: %s", rq->external_id,
		         gcas_err_name(e));
		return e;
	}
	snprintf(res->login_url, sizeof(res->login_url), "%s/local-cloud/%s/emergency-signin",
	         env->cfg->base_url ? env->cfg->base_url : "", rq->external_id);
	return GCAS_OK;
}

static enum gcas_err cred_revoke_tx(struct db *db, void *ctx)
{
	struct cred_ctx *c = ctx;
	enum gcas_err e = store_local_bg_revoke(db, c->rq->credential_id, clock_now());
	return e == GCAS_ERR_NOTFOUND ? GCAS_OK : e; /* nothing left to revoke */
}

static enum gcas_err local_cred_revoke(const struct env *env, const char *arg,
                                       const struct provision_cred_req *rq,
                                       struct provision_cred *res)
{
	(void)arg;
	struct cred_ctx c = {env, rq, res, NULL, NULL};
	enum gcas_err e = rq->credential_id ? store_tx(env->st, cred_revoke_tx, &c) : GCAS_OK;
	if (e)
		snprintf(res->error, sizeof(res->error), "local cloud: revoke %s: %s",
		         rq->credential_id, gcas_err_name(e));
	return e;
}

const struct provision_driver provision_local = {.name = "local",
                                                 .create = local_create,
                                                 .close = local_close,
                                                 .cred_issue = local_cred_issue,
                                                 .cred_revoke = local_cred_revoke};
