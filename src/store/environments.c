/* SPDX-License-Identifier: MIT */
/* Typed store operations for CSP environments, environment requests with their history, and the
 * local driver's simulated cloud, see store/environments.h. Lists page newest first with a
 * keyset cursor over (created_at, id). */
#include "store/environments.h"

#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "store/internal.h"

#define E(f) offsetof(struct environment, f)
static const struct colmap env_cols[] = {
    {E(id), COL_STR, NULL},
    {E(project_id), COL_STR, NULL},
    {E(agency_id), COL_STR, NULL},
    {E(system_id), COL_STR, NULL},
    {E(csp), COL_ENUM, sys_csp_parse},
    {E(kind), COL_ENUM, sys_env_parse},
    {E(state), COL_ENUM, env_state_parse},
    {E(driver), COL_STR, NULL},
    {E(external_id), COL_STR, NULL},
    {E(console_url), COL_STR, NULL},
    {E(created_at), COL_I64, NULL},
    {E(closed_at), COL_I64, NULL},
    {E(scim_url), COL_STR, NULL},
    {E(scim_token_sealed), COL_STR, NULL},
    {E(saml_entity_id), COL_STR, NULL},
    {E(saml_acs_url), COL_STR, NULL},
};
#undef E

#define R(f) offsetof(struct env_request, f)
static const struct colmap req_cols[] = {
    {R(id), COL_STR, NULL},
    {R(kind), COL_ENUM, envreq_kind_parse},
    {R(project_id), COL_STR, NULL},
    {R(agency_id), COL_STR, NULL},
    {R(system_id), COL_STR, NULL},
    {R(environment_id), COL_STR, NULL},
    {R(csp), COL_ENUM, sys_csp_parse},
    {R(env_kind), COL_ENUM, sys_env_parse},
    {R(reason), COL_STR, NULL},
    {R(state), COL_ENUM, envreq_state_parse},
    {R(applicant_id), COL_STR, NULL},
    {R(decided_by), COL_STR, NULL},
    {R(decided_at), COL_I64, NULL},
    {R(due_on), COL_STR, NULL},
    {R(idempotency_key), COL_STR, NULL},
    {R(attempts), COL_I64, NULL},
    {R(next_attempt_at), COL_I64, NULL},
    {R(lease_until), COL_I64, NULL},
    {R(last_error), COL_STR, NULL},
    {R(created_at), COL_I64, NULL},
    {R(updated_at), COL_I64, NULL},
};
#undef R

#define V(f) offsetof(struct env_request_event, f)
static const struct colmap event_cols[] = {
    {V(request_id), COL_STR, NULL}, {V(seq), COL_I64, NULL},   {V(at), COL_I64, NULL},
    {V(actor_id), COL_STR, NULL},   {V(event), COL_STR, NULL}, {V(note), COL_STR, NULL},
};
#undef V

#define L(f) offsetof(struct local_cloud_acct, f)
static const struct colmap local_cols[] = {
    {L(id), COL_STR, NULL},    {L(idempotency_key), COL_STR, NULL}, {L(csp), COL_STR, NULL},
    {L(kind), COL_STR, NULL},  {L(project_id), COL_STR, NULL},      {L(label), COL_STR, NULL},
    {L(state), COL_STR, NULL}, {L(created_at), COL_I64, NULL},      {L(closed_at), COL_I64, NULL},
};
#undef L

/* A zero time is stored as NULL ("not yet"). */
static struct db_param p_time(int64_t t)
{
	return t ? P_INT(t) : P_NULL;
}

enum gcas_err store_environment_insert(struct db *db, const struct environment *e)
{
	struct db_param p[] = {P_TEXT(e->id),
	                       P_TEXT(e->project_id),
	                       P_TEXT(e->agency_id),
	                       P_TEXT(e->system_id),
	                       P_TEXT(sys_csp_name(e->csp)),
	                       P_TEXT(sys_env_name(e->kind)),
	                       P_TEXT(env_state_name(e->state)),
	                       P_TEXT(e->driver),
	                       P_TEXT(e->external_id),
	                       P_TEXT(e->console_url),
	                       P_INT(e->created_at),
	                       p_time(e->closed_at),
	                       P_TEXT(e->scim_url),
	                       P_TEXT(e->scim_token_sealed),
	                       P_TEXT(e->saml_entity_id),
	                       P_TEXT(e->saml_acs_url)};
	return db_change(db, STMT_ENVIRONMENT_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_environment_get(struct db *db, struct arena *a, const char *id,
                                    struct environment *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_ENVIRONMENT_GET, p, NPARAMS(p), env_cols, NPARAMS(env_cols),
	                    out);
}

enum gcas_err store_environment_set(struct db *db, const struct environment *e)
{
	struct db_param p[] = {P_TEXT(e->id),
	                       P_TEXT(env_state_name(e->state)),
	                       P_TEXT(e->external_id),
	                       P_TEXT(e->console_url),
	                       p_time(e->closed_at),
	                       P_TEXT(e->scim_url),
	                       P_TEXT(e->scim_token_sealed),
	                       P_TEXT(e->saml_entity_id),
	                       P_TEXT(e->saml_acs_url)};
	return db_change(db, STMT_ENVIRONMENT_SET, p, NPARAMS(p), NULL);
}

/* Keyset cursor "created_at\x1fid" → its two halves; INVALID when malformed. */
static enum gcas_err cursor_split(struct arena *a, const char *after, int64_t *at, const char **id)
{
	const char *k = NULL;
	*at = 0;
	*id = NULL;
	if (!after)
		return GCAS_OK;
	db_keyset_split(a, after, &k, id);
	if (!k || !*id || str_to_i64(k, at) || *at < 0)
		return GCAS_ERR_INVALID;
	return GCAS_OK;
}

/* Where a list's keyset members sit in its row struct. */
struct keyset_at {
	size_t off_at, off_id, elem;
};

/* Run one of the two list statements (same parameter shape) and set the next cursor from the
 * last row kept. */
static enum gcas_err list_newest(struct db *db, struct arena *a, enum stmt_id sid,
                                 const char *agency_id, const char *project_id, const char *state,
                                 struct page *pg, const struct colmap *cols, int ncols,
                                 struct keyset_at ks, void **out, size_t *n)
{
	int64_t at;
	const char *id;
	int lim = db_page_limit(pg, 500);
	enum gcas_err e = cursor_split(a, pg ? pg->after : NULL, &at, &id);
	if (e)
		return e;
	struct db_param p[] = {P_TEXT(agency_id), P_TEXT(project_id), id ? P_INT(at) : P_NULL,
	                       P_TEXT(id),        P_INT(lim + 1),     P_TEXT(state)};
	int np = sid == STMT_ENV_REQUEST_LIST ? 6 : 5;
	e = db_query_list(db, a, sid, p, np, cols, ncols, ks.elem, (size_t)lim + 1, out, n);
	if (e || !pg)
		return e;
	pg->next = NULL;
	if (*n <= (size_t)lim)
		return GCAS_OK;
	*n = (size_t)lim;
	const char *row = (const char *)*out + ks.elem * (size_t)(lim - 1);
	int64_t rat;
	const char *rid;
	memcpy(&rat, row + ks.off_at, sizeof(rat));
	memcpy(&rid, row + ks.off_id, sizeof(rid));
	pg->next = db_keyset_make(a, arena_printf(a, "%lld", (long long)rat), rid);
	return pg->next ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err store_environment_list(struct db *db, struct arena *a, const char *agency_id,
                                     const char *project_id, struct page *pg,
                                     struct environment **out, size_t *n)
{
	void *items = NULL;
	enum gcas_err e = list_newest(db, a, STMT_ENVIRONMENT_LIST, agency_id, project_id, NULL, pg,
	                              env_cols, NPARAMS(env_cols),
	                              (struct keyset_at){offsetof(struct environment, created_at),
	                                                 offsetof(struct environment, id),
	                                                 sizeof(struct environment)},
	                              &items, n);
	*out = items;
	return e;
}

enum gcas_err store_env_request_insert(struct db *db, const struct env_request *r)
{
	struct db_param p[] = {P_TEXT(r->id),
	                       P_TEXT(envreq_kind_name(r->kind)),
	                       P_TEXT(r->project_id),
	                       P_TEXT(r->agency_id),
	                       P_TEXT(r->system_id),
	                       P_TEXT(r->environment_id),
	                       P_TEXT(sys_csp_name(r->csp)),
	                       P_TEXT(sys_env_name(r->env_kind)),
	                       P_TEXT(r->reason),
	                       P_TEXT(envreq_state_name(r->state)),
	                       P_TEXT(r->applicant_id),
	                       P_TEXT(r->decided_by),
	                       p_time(r->decided_at),
	                       P_TEXT(r->due_on),
	                       P_TEXT(r->idempotency_key),
	                       P_INT(r->attempts),
	                       p_time(r->next_attempt_at),
	                       p_time(r->lease_until),
	                       P_TEXT(r->last_error),
	                       P_INT(r->created_at),
	                       P_INT(r->updated_at)};
	return db_change(db, STMT_ENV_REQUEST_INSERT, p, NPARAMS(p), NULL);
}

static enum gcas_err req_one(struct db *db, struct arena *a, enum stmt_id sid, const char *key,
                             struct env_request *out)
{
	struct db_param p[] = {P_TEXT(key)};
	return db_query_one(db, a, sid, p, NPARAMS(p), req_cols, NPARAMS(req_cols), out);
}

enum gcas_err store_env_request_get(struct db *db, struct arena *a, const char *id,
                                    struct env_request *out)
{
	return req_one(db, a, STMT_ENV_REQUEST_GET, id, out);
}

enum gcas_err store_env_request_get_by_key(struct db *db, struct arena *a, const char *key,
                                           struct env_request *out)
{
	return req_one(db, a, STMT_ENV_REQUEST_GET_BY_KEY, key, out);
}

enum gcas_err store_env_request_update(struct db *db, const struct env_request *r,
                                       enum envreq_state from, int64_t held)
{
	struct db_param p[] = {P_TEXT(r->id),
	                       P_TEXT(envreq_state_name(from)),
	                       P_TEXT(r->environment_id),
	                       P_TEXT(envreq_state_name(r->state)),
	                       P_TEXT(r->decided_by),
	                       p_time(r->decided_at),
	                       P_TEXT(r->due_on),
	                       P_INT(r->attempts),
	                       p_time(r->next_attempt_at),
	                       p_time(r->lease_until),
	                       P_TEXT(r->last_error),
	                       P_INT(r->updated_at),
	                       P_INT(held)};
	return db_change(db, STMT_ENV_REQUEST_UPDATE, p, NPARAMS(p), NULL);
}

enum gcas_err store_env_request_list(struct db *db, struct arena *a, const char *agency_id,
                                     const char *project_id, const char *state, struct page *pg,
                                     struct env_request **out, size_t *n)
{
	void *items = NULL;
	enum gcas_err e = list_newest(db, a, STMT_ENV_REQUEST_LIST, agency_id, project_id, state,
	                              pg, req_cols, NPARAMS(req_cols),
	                              (struct keyset_at){offsetof(struct env_request, created_at),
	                                                 offsetof(struct env_request, id),
	                                                 sizeof(struct env_request)},
	                              &items, n);
	*out = items;
	return e;
}

enum gcas_err store_env_request_open_deletes(struct db *db, const char *environment_id, int64_t *n)
{
	struct db_param p[] = {P_TEXT(environment_id)};
	return db_query_int(db, STMT_ENV_REQUEST_OPEN_DELETES, p, NPARAMS(p), n);
}

struct slo_rows_ctx {
	store_env_slo_fn cb;
	void *ctx;
};

static int slo_row(void *ctx, int ncol, const char *const *v)
{
	struct slo_rows_ctx *c = ctx;
	int64_t at = 0;
	if (ncol < 4)
		return 1;
	int k = envreq_kind_parse(v[0]), s = envreq_state_parse(v[1]);
	if (k < 0 || s < 0 || (v[3] && str_to_i64(v[3], &at)))
		return 0; /* a row the CHECKs should have refused: leave it out */
	c->cb(c->ctx, (enum envreq_kind)k, (enum envreq_state)s, v[2], at);
	return 0;
}

enum gcas_err store_env_request_slo_rows(struct db *db, int64_t from, int64_t to,
                                         store_env_slo_fn cb, void *ctx)
{
	struct db_param p[] = {P_INT(from), P_INT(to)};
	struct slo_rows_ctx c = {cb, ctx};
	return db->drv->exec(db, STMT_ENV_REQUEST_SLO_ROWS, p, NPARAMS(p), slo_row, &c, NULL);
}

struct id_row {
	const char *id;
};

enum gcas_err store_env_request_due(struct db *db, struct arena *a, int64_t now, int max,
                                    const char ***ids, size_t *n)
{
	static const struct colmap cols[] = {{offsetof(struct id_row, id), COL_STR, NULL}};
	struct db_param p[] = {P_INT(now), P_INT(max)};
	void *items = NULL;
	*ids = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_ENV_REQUEST_DUE, p, NPARAMS(p), cols, NPARAMS(cols),
	                  sizeof(struct id_row), (size_t)max, &items, n);
	if (e || !*n)
		return e;
	const char **out = arena_alloc(a, *n * sizeof(*out));
	if (!out)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < *n; i++)
		out[i] = ((struct id_row *)items)[i].id;
	*ids = out;
	return GCAS_OK;
}

enum gcas_err store_env_event_add(struct db *db, const char *request_id, int64_t at,
                                  const char *actor_id, const char *event, const char *note)
{
	struct db_param p[] = {P_TEXT(request_id), P_INT(at), P_TEXT(actor_id), P_TEXT(event),
	                       P_TEXT(note)};
	return db_change(db, STMT_ENV_EVENT_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_env_event_list(struct db *db, struct arena *a, const char *request_id,
                                   struct env_request_event **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(request_id), P_INT(500)};
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_ENV_EVENT_LIST, p, NPARAMS(p), event_cols,
	                  NPARAMS(event_cols), sizeof(struct env_request_event), 500, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_local_cloud_insert(struct db *db, const struct local_cloud_acct *c)
{
	struct db_param p[] = {P_TEXT(c->id),       P_TEXT(c->idempotency_key), P_TEXT(c->csp),
	                       P_TEXT(c->kind),     P_TEXT(c->project_id),      P_TEXT(c->label),
	                       P_INT(c->created_at)};
	return db_change(db, STMT_LOCAL_CLOUD_INSERT, p, NPARAMS(p), NULL);
}

static enum gcas_err local_one(struct db *db, struct arena *a, enum stmt_id sid, const char *key,
                               struct local_cloud_acct *out)
{
	struct db_param p[] = {P_TEXT(key)};
	return db_query_one(db, a, sid, p, NPARAMS(p), local_cols, NPARAMS(local_cols), out);
}

enum gcas_err store_local_cloud_get(struct db *db, struct arena *a, const char *id,
                                    struct local_cloud_acct *out)
{
	return local_one(db, a, STMT_LOCAL_CLOUD_GET, id, out);
}

enum gcas_err store_local_cloud_get_by_key(struct db *db, struct arena *a, const char *key,
                                           struct local_cloud_acct *out)
{
	return local_one(db, a, STMT_LOCAL_CLOUD_GET_BY_KEY, key, out);
}

enum gcas_err store_local_cloud_close(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_LOCAL_CLOUD_CLOSE, p, NPARAMS(p), NULL);
}
