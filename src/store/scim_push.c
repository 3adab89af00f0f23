/* SPDX-License-Identifier: MIT */
/* Typed store operations for the SCIM push (issue 4 §3), see store/scim_push.h: push targets
 * and their sync marks, the desired users of an environment, links to what was pushed, and the
 * retry queue. */
#include "store/scim_push.h"

#include <stddef.h>
#include <string.h>

#include "store/internal.h"

#define PUSH_LIST_MAX 50000

static struct db_param p_time(int64_t t)
{
	return t ? P_INT(t) : P_NULL;
}

#define T(f) offsetof(struct scim_target, f)
static const struct colmap target_cols[] = {
    {T(id), COL_STR, NULL},
    {T(project_id), COL_STR, NULL},
    {T(agency_id), COL_STR, NULL},
    {T(csp), COL_ENUM, sys_csp_parse},
    {T(kind), COL_ENUM, sys_env_parse},
    {T(state), COL_ENUM, env_state_parse},
    {T(external_id), COL_STR, NULL},
    {T(scim_url), COL_STR, NULL},
    {T(scim_token_sealed), COL_STR, NULL},
    {T(closed_at), COL_I64, NULL},
    {T(last_sync_at), COL_I64, NULL},
    {T(last_drift_at), COL_I64, NULL},
    {T(last_error), COL_STR, NULL},
    {T(corrected), COL_STR, NULL},
};
#undef T

enum gcas_err store_scim_target_get(struct db *db, struct arena *a, const char *environment_id,
                                    struct scim_target *out)
{
	struct db_param p[] = {P_TEXT(environment_id)};
	return db_query_one(db, a, STMT_SCIM_TARGET_GET, p, NPARAMS(p), target_cols,
	                    NPARAMS(target_cols), out);
}

struct id_row {
	const char *id;
};

enum gcas_err store_scim_targets_due(struct db *db, struct arena *a, int64_t now,
                                     int64_t synced_before, const char *after, int max,
                                     const char ***ids, size_t *n)
{
	static const struct colmap cols[] = {{offsetof(struct id_row, id), COL_STR, NULL}};
	struct db_param p[] = {P_INT(now), P_INT(synced_before), P_INT(max),
	                       P_TEXT(after ? after : "")};
	void *items = NULL;
	*ids = NULL;
	enum gcas_err e = db_query_list(db, a, STMT_SCIM_TARGETS_DUE, p, NPARAMS(p), cols, 1,
	                                sizeof(struct id_row), (size_t)max, &items, n);
	if (e || !*n)
		return e;
	const char **v = arena_alloc(a, *n * sizeof(*v));
	if (!v)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < *n; i++)
		v[i] = ((struct id_row *)items)[i].id;
	*ids = v;
	return GCAS_OK;
}

enum gcas_err store_scim_target_set(struct db *db, const char *environment_id, const char *url,
                                    const char *token_sealed)
{
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(url), P_TEXT(token_sealed)};
	return db_change(db, STMT_SCIM_TARGET_SET, p, NPARAMS(p), NULL);
}

enum gcas_err store_scim_sync_put(struct db *db, const char *environment_id, int64_t sync_at,
                                  int64_t drift_at, const char *error, const char *corrected)
{
	struct db_param p[] = {P_TEXT(environment_id), P_INT(sync_at), p_time(drift_at),
	                       P_TEXT(error), P_TEXT(corrected)};
	return db_change(db, STMT_SCIM_SYNC_PUT, p, NPARAMS(p), NULL);
}

static int priv_col(const char *s)
{
	enum asg_priv p;
	return asg_priv_parse(s, &p) ? -1 : (int)p;
}

enum gcas_err store_scim_desired_users(struct db *db, struct arena *a, const char *environment_id,
                                       struct scim_desired **out, size_t *n)
{
#define D(f) offsetof(struct scim_desired, f)
	static const struct colmap cols[] = {
	    {D(account_id), COL_STR, NULL}, {D(priv), COL_ENUM, priv_col},
	    {D(email), COL_STR, NULL},      {D(family_name), COL_STR, NULL},
	    {D(given_name), COL_STR, NULL}, {D(status), COL_ENUM, account_status_parse},
	};
#undef D
	struct db_param p[] = {P_TEXT(environment_id), P_INT(PUSH_LIST_MAX)};
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_SCIM_DESIRED_USERS, p, NPARAMS(p), cols, NPARAMS(cols),
	                  sizeof(struct scim_desired), PUSH_LIST_MAX, &items, n);
	*out = items;
	return e;
}

#define L(f) offsetof(struct scim_link, f)
static const struct colmap link_cols[] = {
    {L(environment_id), COL_STR, NULL}, {L(kind), COL_STR, NULL},
    {L(local_key), COL_STR, NULL},      {L(remote_id), COL_STR, NULL},
    {L(pushed_hash), COL_STR, NULL},    {L(pushed_group), COL_STR, NULL},
    {L(state), COL_STR, NULL},          {L(last_error), COL_STR, NULL},
    {L(checked_at), COL_I64, NULL},     {L(updated_at), COL_I64, NULL},
};
#undef L

enum gcas_err store_scim_link_list(struct db *db, struct arena *a, const char *environment_id,
                                   struct scim_link **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(environment_id), P_INT(PUSH_LIST_MAX)};
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_SCIM_LINK_LIST, p, NPARAMS(p), link_cols, NPARAMS(link_cols),
	                  sizeof(struct scim_link), PUSH_LIST_MAX, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_scim_link_put(struct db *db, const struct scim_link *l)
{
	struct db_param p[] = {P_TEXT(l->environment_id), P_TEXT(l->kind),
	                       P_TEXT(l->local_key),      P_TEXT(l->remote_id),
	                       P_TEXT(l->pushed_hash),    P_TEXT(l->pushed_group),
	                       P_TEXT(l->state),          P_TEXT(l->last_error),
	                       p_time(l->checked_at),     P_INT(l->updated_at)};
	return db_change(db, STMT_SCIM_LINK_PUT, p, NPARAMS(p), NULL);
}

enum gcas_err store_scim_link_delete(struct db *db, const char *environment_id, const char *kind,
                                     const char *local_key)
{
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(kind), P_TEXT(local_key)};
	int64_t n = 0;
	return db_change(db, STMT_SCIM_LINK_DELETE, p, NPARAMS(p), &n);
}

enum gcas_err store_scim_queue_add(struct db *db, const char *environment_id, const char *op,
                                   const char *key, int64_t now)
{
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(op), P_TEXT(key), P_INT(now)};
	return db_change(db, STMT_SCIM_QUEUE_ADD, p, NPARAMS(p), NULL);
}

enum gcas_err store_scim_queue_list(struct db *db, struct arena *a, const char *environment_id,
                                    struct scim_qentry **out, size_t *n)
{
#define Q(f) offsetof(struct scim_qentry, f)
	static const struct colmap cols[] = {
	    {Q(environment_id), COL_STR, NULL},
	    {Q(op), COL_STR, NULL},
	    {Q(key), COL_STR, NULL},
	    {Q(state), COL_STR, NULL},
	    {Q(attempts), COL_I64, NULL},
	    {Q(next_attempt_at), COL_I64, NULL},
	    {Q(lease_until), COL_I64, NULL},
	    {Q(last_error), COL_STR, NULL},
	    {Q(created_at), COL_I64, NULL},
	};
#undef Q
	struct db_param p[] = {P_TEXT(environment_id), P_INT(PUSH_LIST_MAX)};
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_SCIM_QUEUE_LIST, p, NPARAMS(p), cols, NPARAMS(cols),
	                  sizeof(struct scim_qentry), PUSH_LIST_MAX, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_scim_queue_update(struct db *db, const struct scim_qentry *q)
{
	struct db_param p[] = {
	    P_TEXT(q->environment_id), P_TEXT(q->op),        P_TEXT(q->key),
	    P_TEXT(q->state),          P_INT(q->attempts),   P_INT(q->next_attempt_at),
	    p_time(q->lease_until),    P_TEXT(q->last_error)};
	return db_change(db, STMT_SCIM_QUEUE_UPDATE, p, NPARAMS(p), NULL);
}

enum gcas_err store_scim_queue_done(struct db *db, const char *environment_id, const char *op,
                                    const char *key, int64_t read_at)
{
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(op), P_TEXT(key), P_INT(read_at)};
	int64_t n = 0;
	return db_change(db, STMT_SCIM_QUEUE_DONE, p, NPARAMS(p), &n);
}

enum gcas_err store_scim_queue_count(struct db *db, const char *state, int64_t *n)
{
	struct db_param p[] = {P_TEXT(state)};
	return db_query_int(db, STMT_SCIM_QUEUE_COUNT, p, NPARAMS(p), n);
}
