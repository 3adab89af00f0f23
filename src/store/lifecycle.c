/* SPDX-License-Identifier: MIT */
/* Typed store operations for inactivity, departures and organisations ending their use (R2.4,
 * R2.6, R2.9): candidate selection by index range and the conditional updates that make the
 * sweeps safe to run twice or on two nodes at once (store/stmt_lifecycle.h). */
#include "store/lifecycle.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>

#include "store/internal.h"

#define C(f) offsetof(struct life_cand, f)
static const struct colmap cand_cols[] = {
    {C(id), COL_STR, NULL},
    {C(email), COL_STR, NULL},
    {C(family_name), COL_STR, NULL},
    {C(given_name), COL_STR, NULL},
    {C(role), COL_ENUM, role_parse},
    {C(org_id), COL_STR, NULL},
    {C(agency_id), COL_STR, NULL},
    {C(project_id), COL_STR, NULL},
    {C(last_active_at), COL_I64, NULL},
    {C(departure_on), COL_STR, NULL},
};
static const struct colmap mgr_cols[] = {
    {C(id), COL_STR, NULL},
    {C(email), COL_STR, NULL},
};
#undef C
#define NCAND ((int)(sizeof(cand_cols) / sizeof(cand_cols[0])))

static enum gcas_err pick(struct db *db, struct arena *a, enum stmt_id id, const struct db_param *p,
                          int np, int limit, struct life_cand **out, size_t *n)
{
	void *items;
	enum gcas_err e = db_query_list(db, a, id, p, np, cand_cols, NCAND,
	                                sizeof(struct life_cand), (size_t)limit, &items, n);
	*out = items;
	return e;
}

static enum gcas_err change_one(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                                int *changed)
{
	int64_t n = 0;
	enum gcas_err e = db_change(db, id, p, np, &n);
	*changed = !e && n > 0;
	return e;
}

enum gcas_err store_life_inactive_pick(struct db *db, struct arena *a, const struct life_due *d,
                                       const char *after_agency, int limit, struct life_cand **out,
                                       size_t *n)
{
	struct db_param p[] = {P_TEXT(after_agency ? after_agency : ""),
	                       P_TEXT(role_name(d->by_operator)),
	                       P_INT(d->disable_cut),
	                       P_INT(d->late_cut),
	                       P_INT(d->early_cut),
	                       P_INT(d->late_stage),
	                       P_INT(d->early_stage),
	                       P_INT(limit)};
	return pick(db, a, STMT_LIFE_INACTIVE_PICK_AGENCY, p, NPARAMS(p), limit, out, n);
}

enum gcas_err store_life_inactive_pick_role(struct db *db, struct arena *a,
                                            const struct life_due *d, int64_t after_at, int limit,
                                            struct life_cand **out, size_t *n)
{
	struct db_param p[] = {P_INT(after_at),       P_TEXT(role_name(d->by_operator)),
	                       P_INT(d->disable_cut), P_INT(d->late_cut),
	                       P_INT(d->early_cut),   P_INT(d->late_stage),
	                       P_INT(d->early_stage), P_INT(limit)};
	return pick(db, a, STMT_LIFE_INACTIVE_PICK_ROLE, p, NPARAMS(p), limit, out, n);
}

/* ids as a JSON array of strings (the one parameter of the *_MANY statements). */
static char *ids_json(const char *const *ids, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_string(ids[i]))) {
			json_decref(arr);
			return NULL;
		}
	char *s = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	return s;
}

struct id_row {
	const char *id;
};
static const struct colmap id_cols[] = {{offsetof(struct id_row, id), COL_STR, NULL}};

/* Run a *_MANY change whose $1 is ids; with changed set, collect the ids it returned. */
static enum gcas_err change_many(struct db *db, struct arena *a, enum stmt_id sid,
                                 const char *const *ids, size_t n, struct db_param *p, int np,
                                 const char ***changed, size_t *nchanged)
{
	enum gcas_err e = GCAS_OK;
	if (changed) {
		*changed = NULL;
		*nchanged = 0;
	}
	if (n == 0)
		return GCAS_OK;
	char *list = ids_json(ids, n);
	if (!list)
		return GCAS_ERR_NOMEM;
	p[0] = P_TEXT(list);
	if (!changed) {
		int64_t k;
		e = db_change(db, sid, p, np, &k);
		goto out;
	}
	void *rows = NULL;
	size_t k = 0;
	e = db_query_list(db, a, sid, p, np, id_cols, 1, sizeof(struct id_row), n, &rows, &k);
	if (e)
		goto out;
	const char **v = k ? arena_alloc(a, k * sizeof(*v)) : NULL;
	if (k && !v) {
		e = GCAS_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < k; i++)
		v[i] = ((struct id_row *)rows)[i].id;
	*changed = v;
	*nchanged = k;
out:
	free(list);
	return e;
}

enum gcas_err store_life_inactive_disable_many(struct db *db, struct arena *a,
                                               const char *const *ids, size_t n, int64_t cutoff,
                                               const char *reason, int64_t at,
                                               const char ***changed, size_t *nchanged)
{
	struct db_param p[] = {P_NULL, P_INT(cutoff), P_TEXT(reason), P_INT(at)};
	return change_many(db, a, STMT_LIFE_INACTIVE_DISABLE_MANY, ids, n, p, NPARAMS(p), changed,
	                   nchanged);
}

enum gcas_err store_life_inactive_warn_many(struct db *db, struct arena *a, const char *const *ids,
                                            size_t n, int64_t cutoff, int stage,
                                            const char ***changed, size_t *nchanged)
{
	struct db_param p[] = {P_NULL, P_INT(cutoff), P_INT(stage)};
	return change_many(db, a, STMT_LIFE_INACTIVE_WARN_MANY, ids, n, p, NPARAMS(p), changed,
	                   nchanged);
}

enum gcas_err store_life_end_access_many(struct db *db, struct arena *a, const char *const *ids,
                                         size_t n, int64_t at)
{
	struct db_param p1[] = {P_NULL};
	struct db_param p2[] = {P_NULL, P_INT(at)};
	enum gcas_err e =
	    change_many(db, a, STMT_LIFE_SESSIONS_DELETE_MANY, ids, n, p1, 1, NULL, NULL);
	if (!e)
		e = change_many(db, a, STMT_LIFE_TOKENS_REVOKE_MANY, ids, n, p2, 2, NULL, NULL);
	if (!e)
		e = change_many(db, a, STMT_LIFE_LINKS_REVOKE_MANY, ids, n, p2, 2, NULL, NULL);
	return e;
}

enum gcas_err store_life_managers(struct db *db, struct arena *a, enum role role,
                                  const char *agency_id, const char *project_id, const char *org_id,
                                  struct life_cand **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(role_name(role)), P_TEXT(agency_id), P_TEXT(project_id),
	                       P_TEXT(org_id)};
	int op = role == ROLE_OPERATOR;
	void *items;
	*out = NULL;
	*n = 0;
	if (!op && !agency_id)
		return GCAS_OK; /* never widen a scope that is missing */
	enum gcas_err e = db_query_list(db, a, op ? STMT_LIFE_OPERATORS : STMT_LIFE_MANAGERS, p,
	                                op ? 0 : NPARAMS(p), mgr_cols, 2, sizeof(struct life_cand),
	                                20, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_life_set_departure(struct db *db, const char *id, const char *day, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(day), P_INT(at)};
	return db_change(db, STMT_LIFE_SET_DEPARTURE, p, NPARAMS(p), NULL);
}

enum gcas_err store_life_departed_pick(struct db *db, struct arena *a, const char *today, int limit,
                                       struct life_cand **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(today), P_INT(limit)};
	return pick(db, a, STMT_LIFE_DEPARTED_PICK, p, NPARAMS(p), limit, out, n);
}

enum gcas_err store_life_departed_disable(struct db *db, const char *id, const char *today,
                                          const char *reason, int64_t at, int *changed)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(today), P_TEXT(reason), P_INT(at)};
	return change_one(db, STMT_LIFE_DEPARTED_DISABLE, p, NPARAMS(p), changed);
}

enum gcas_err store_life_org_end(struct db *db, const char *org_id, const char *reason,
                                 const char *name, const char *kana, int64_t at,
                                 struct life_org_end *out)
{
	struct db_param p1[] = {P_TEXT(org_id)};
	struct db_param scrub[] = {P_TEXT(org_id), P_TEXT(reason), P_TEXT(name), P_TEXT(kana),
	                           P_INT(at)};
	struct db_param mark[] = {P_TEXT(org_id), P_INT(at)};
	enum gcas_err e;
	int64_t n;
	*out = (struct life_org_end){0};
	/* Counts first: the deletes below change what they would see. */
	if ((e = db_query_int(db, STMT_LIFE_ORG_SCOPE_COUNT, p1, 1, &out->orgs)) ||
	    (e = db_query_int(db, STMT_LIFE_ORG_ACCOUNTS_LIVE, p1, 1, &out->accounts)))
		return e;
	/* Children before parents: every row referring to an account or a group goes first. */
	if ((e = db_change(db, STMT_LIFE_ORG_FACTORS_DELETE, p1, 1, &out->factors)) ||
	    (e = db_change(db, STMT_LIFE_ORG_SESSIONS_DELETE, p1, 1, &out->sessions)) ||
	    (e = db_change(db, STMT_LIFE_ORG_TOKENS_DELETE, p1, 1, &out->tokens)) ||
	    (e = db_change(db, STMT_LIFE_ORG_LINKS_DELETE, p1, 1, &n)) ||
	    (e = db_change(db, STMT_LIFE_ORG_MEMBERS_DELETE, p1, 1, &out->memberships)) ||
	    (e = db_change(db, STMT_LIFE_ORG_GROUPS_DELETE, p1, 1, &out->groups)))
		return e;
	if ((e = db_change(db, STMT_LIFE_ORG_ACCOUNTS_SCRUB, scrub, NPARAMS(scrub), &n)))
		return e;
	return db_change(db, STMT_LIFE_ORG_MARK_ENDED, mark, NPARAMS(mark), &n);
}
