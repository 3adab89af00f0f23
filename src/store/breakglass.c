/* SPDX-License-Identifier: MIT */
/* Typed store operations for BreakGlass (issue 4 §6), see store/breakglass.h: registrations,
 * emergency requests and their history, and the local driver's emergency users. Lists page
 * newest first; requests with a keyset cursor over (created_at, id). */
#include "store/breakglass.h"

#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "store/internal.h"

static const char *const role_names[BG_ROLE__MAX] = {"requester", "approver"};
static const char *const state_names[BG_STATE__MAX] = {
    "submitted", "approved", "rejected", "issued", "expired", "revoked", "failed"};

static int parse_in(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *bg_role_name(enum bg_role r)
{
	return (unsigned)r < BG_ROLE__MAX ? role_names[r] : NULL;
}

int bg_role_parse(const char *s)
{
	return parse_in(role_names, BG_ROLE__MAX, s);
}

const char *bg_state_name(enum bg_state s)
{
	return (unsigned)s < BG_STATE__MAX ? state_names[s] : NULL;
}

int bg_state_parse(const char *s)
{
	return parse_in(state_names, BG_STATE__MAX, s);
}

#define G(f) offsetof(struct bg_registration, f)
static const struct colmap reg_cols[] = {
    {G(id), COL_STR, NULL},
    {G(account_id), COL_STR, NULL},
    {G(environment_id), COL_STR, NULL},
    {G(project_id), COL_STR, NULL},
    {G(agency_id), COL_STR, NULL},
    {G(role), COL_ENUM, bg_role_parse},
    {G(registered_by), COL_STR, NULL},
    {G(registered_at), COL_I64, NULL},
    {G(revoked_by), COL_STR, NULL},
    {G(revoked_at), COL_I64, NULL},
    {G(email), COL_STR, NULL},
    {G(env_external_id), COL_STR, NULL},
    {G(env_csp), COL_STR, NULL},
};
#undef G

#define Q(f) offsetof(struct bg_request, f)
static const struct colmap req_cols[] = {
    {Q(id), COL_STR, NULL},
    {Q(requester_id), COL_STR, NULL},
    {Q(environment_id), COL_STR, NULL},
    {Q(project_id), COL_STR, NULL},
    {Q(agency_id), COL_STR, NULL},
    {Q(reason), COL_STR, NULL},
    {Q(critical_work), COL_STR, NULL},
    {Q(work_date), COL_STR, NULL},
    {Q(ttl), COL_I64, NULL},
    {Q(state), COL_ENUM, bg_state_parse},
    {Q(approver_id), COL_STR, NULL},
    {Q(decided_at), COL_I64, NULL},
    {Q(decision_note), COL_STR, NULL},
    {Q(credential_id), COL_STR, NULL},
    {Q(login_url), COL_STR, NULL},
    {Q(issued_at), COL_I64, NULL},
    {Q(expires_at), COL_I64, NULL},
    {Q(revoke_requested_at), COL_I64, NULL},
    {Q(revoked_by), COL_STR, NULL},
    {Q(ended_at), COL_I64, NULL},
    {Q(idempotency_key), COL_STR, NULL},
    {Q(attempts), COL_I64, NULL},
    {Q(next_attempt_at), COL_I64, NULL},
    {Q(lease_until), COL_I64, NULL},
    {Q(last_error), COL_STR, NULL},
    {Q(created_at), COL_I64, NULL},
    {Q(updated_at), COL_I64, NULL},
    {Q(requester_email), COL_STR, NULL},
    {Q(approver_email), COL_STR, NULL},
    {Q(env_external_id), COL_STR, NULL},
    {Q(env_csp), COL_STR, NULL},
};
#undef Q

#define V(f) offsetof(struct bg_event, f)
static const struct colmap event_cols[] = {
    {V(request_id), COL_STR, NULL}, {V(seq), COL_I64, NULL},   {V(at), COL_I64, NULL},
    {V(actor_id), COL_STR, NULL},   {V(event), COL_STR, NULL}, {V(note), COL_STR, NULL},
};
#undef V

#define L(f) offsetof(struct local_bg_cred, f)
static const struct colmap local_cols[] = {
    {L(id), COL_STR, NULL},
    {L(cloud_id), COL_STR, NULL},
    {L(idempotency_key), COL_STR, NULL},
    {L(person_email), COL_STR, NULL},
    {L(privilege), COL_STR, NULL},
    {L(secret_hash), COL_STR, NULL},
    {L(expires_at), COL_I64, NULL},
    {L(revoked_at), COL_I64, NULL},
    {L(created_at), COL_I64, NULL},
    {L(last_used_at), COL_I64, NULL},
};
#undef L

/* A zero time is stored as NULL ("not yet"). */
static struct db_param p_time(int64_t t)
{
	return t ? P_INT(t) : P_NULL;
}

/* ---- registrations ---- */

enum gcas_err store_bg_reg_insert(struct db *db, const struct bg_registration *r)
{
	struct db_param p[] = {P_TEXT(r->id),
	                       P_TEXT(r->account_id),
	                       P_TEXT(r->environment_id),
	                       P_TEXT(r->project_id),
	                       P_TEXT(r->agency_id),
	                       P_TEXT(bg_role_name(r->role)),
	                       P_TEXT(r->registered_by),
	                       P_INT(r->registered_at)};
	return db_change(db, STMT_BG_REG_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_bg_reg_get(struct db *db, struct arena *a, const char *id,
                               struct bg_registration *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_BG_REG_GET, p, NPARAMS(p), reg_cols, NPARAMS(reg_cols),
	                    out);
}

enum gcas_err store_bg_reg_live(struct db *db, struct arena *a, const char *account_id,
                                const char *environment_id, enum bg_role role,
                                struct bg_registration *out)
{
	struct db_param p[] = {P_TEXT(account_id), P_TEXT(environment_id),
	                       P_TEXT(bg_role_name(role))};
	return db_query_one(db, a, STMT_BG_REG_LIVE, p, NPARAMS(p), reg_cols, NPARAMS(reg_cols),
	                    out);
}

enum gcas_err store_bg_reg_revoke(struct db *db, const char *id, const char *by, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(by), P_INT(at)};
	return db_change(db, STMT_BG_REG_REVOKE, p, NPARAMS(p), NULL);
}

enum gcas_err store_bg_reg_list(struct db *db, struct arena *a, const struct bg_reg_filter *f,
                                struct bg_registration **out, size_t *n)
{
	const char *role = f->role >= 0 ? bg_role_name((enum bg_role)f->role) : NULL;
	struct db_param p[] = {
	    P_TEXT(f->agency_id),  P_TEXT(f->project_id), P_TEXT(f->environment_id),
	    P_TEXT(f->account_id), P_TEXT(role),          P_INT(500)};
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_BG_REG_LIST, p, NPARAMS(p), reg_cols, NPARAMS(reg_cols),
	                  sizeof(struct bg_registration), 500, &items, n);
	*out = items;
	return e;
}

/* ---- requests ---- */

enum gcas_err store_bg_req_insert(struct db *db, const struct bg_request *r)
{
	struct db_param p[] = {P_TEXT(r->id),
	                       P_TEXT(r->requester_id),
	                       P_TEXT(r->environment_id),
	                       P_TEXT(r->project_id),
	                       P_TEXT(r->agency_id),
	                       P_TEXT(r->reason),
	                       P_TEXT(r->critical_work),
	                       P_TEXT(r->work_date),
	                       P_INT(r->ttl),
	                       P_TEXT(bg_state_name(r->state)),
	                       P_TEXT(r->approver_id),
	                       p_time(r->decided_at),
	                       P_TEXT(r->decision_note),
	                       P_TEXT(r->credential_id),
	                       P_TEXT(r->login_url),
	                       p_time(r->issued_at),
	                       p_time(r->expires_at),
	                       p_time(r->revoke_requested_at),
	                       P_TEXT(r->revoked_by),
	                       p_time(r->ended_at),
	                       P_TEXT(r->idempotency_key),
	                       P_INT(r->attempts),
	                       p_time(r->next_attempt_at),
	                       p_time(r->lease_until),
	                       P_TEXT(r->last_error),
	                       P_INT(r->created_at),
	                       P_INT(r->updated_at)};
	return db_change(db, STMT_BG_REQ_INSERT, p, NPARAMS(p), NULL);
}

static enum gcas_err req_one(struct db *db, struct arena *a, enum stmt_id sid, const char *key,
                             struct bg_request *out)
{
	struct db_param p[] = {P_TEXT(key)};
	return db_query_one(db, a, sid, p, NPARAMS(p), req_cols, NPARAMS(req_cols), out);
}

enum gcas_err store_bg_req_get(struct db *db, struct arena *a, const char *id,
                               struct bg_request *out)
{
	return req_one(db, a, STMT_BG_REQ_GET, id, out);
}

enum gcas_err store_bg_req_get_by_key(struct db *db, struct arena *a, const char *key,
                                      struct bg_request *out)
{
	return req_one(db, a, STMT_BG_REQ_GET_BY_KEY, key, out);
}

enum gcas_err store_bg_req_update(struct db *db, const struct bg_request *r, enum bg_state from,
                                  int64_t held)
{
	struct db_param p[] = {P_TEXT(r->id),
	                       P_TEXT(bg_state_name(from)),
	                       P_TEXT(bg_state_name(r->state)),
	                       P_TEXT(r->approver_id),
	                       p_time(r->decided_at),
	                       P_TEXT(r->decision_note),
	                       P_TEXT(r->credential_id),
	                       P_TEXT(r->login_url),
	                       p_time(r->issued_at),
	                       p_time(r->expires_at),
	                       p_time(r->revoke_requested_at),
	                       P_TEXT(r->revoked_by),
	                       p_time(r->ended_at),
	                       P_INT(r->attempts),
	                       p_time(r->next_attempt_at),
	                       p_time(r->lease_until),
	                       P_TEXT(r->last_error),
	                       P_INT(r->updated_at),
	                       p_time(held)};
	return db_change(db, STMT_BG_REQ_UPDATE, p, NPARAMS(p), NULL);
}

enum gcas_err store_bg_req_list(struct db *db, struct arena *a, const struct bg_req_filter *f,
                                struct page *pg, struct bg_request **out, size_t *n)
{
	const char *k = NULL, *after_id = NULL;
	int64_t at = 0;
	int lim = db_page_limit(pg, 500);
	void *items = NULL;
	*out = NULL;
	*n = 0;
	if (pg && pg->after) {
		db_keyset_split(a, pg->after, &k, &after_id);
		if (!k || !after_id || str_to_i64(k, &at) || at < 0)
			return GCAS_ERR_INVALID;
	}
	struct db_param p[] = {
	    P_TEXT(f->agency_id),    P_TEXT(f->project_id),         P_TEXT(f->environment_id),
	    P_TEXT(f->requester_id), after_id ? P_INT(at) : P_NULL, P_TEXT(after_id),
	    P_INT(lim + 1)};
	enum gcas_err e =
	    db_query_list(db, a, STMT_BG_REQ_LIST, p, NPARAMS(p), req_cols, NPARAMS(req_cols),
	                  sizeof(struct bg_request), (size_t)lim + 1, &items, n);
	*out = items;
	if (e || !pg)
		return e;
	pg->next = NULL;
	if (*n <= (size_t)lim)
		return GCAS_OK;
	*n = (size_t)lim;
	const struct bg_request *last = &(*out)[lim - 1];
	pg->next =
	    db_keyset_make(a, arena_printf(a, "%lld", (long long)last->created_at), last->id);
	return pg->next ? GCAS_OK : GCAS_ERR_NOMEM;
}

struct id_row {
	const char *id;
};

enum gcas_err store_bg_req_due(struct db *db, struct arena *a, int64_t now, int max,
                               const char ***ids, size_t *n)
{
	static const struct colmap cols[] = {{offsetof(struct id_row, id), COL_STR, NULL}};
	struct db_param p[] = {P_INT(now), P_INT(max)};
	void *items = NULL;
	*ids = NULL;
	enum gcas_err e = db_query_list(db, a, STMT_BG_REQ_DUE, p, NPARAMS(p), cols, NPARAMS(cols),
	                                sizeof(struct id_row), (size_t)max, &items, n);
	if (e || !*n)
		return e;
	const char **list = arena_alloc(a, *n * sizeof(*list));
	if (!list)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < *n; i++)
		list[i] = ((struct id_row *)items)[i].id;
	*ids = list;
	return GCAS_OK;
}

enum gcas_err store_bg_event_add(struct db *db, const char *request_id, int64_t at,
                                 const char *actor_id, const char *event, const char *note)
{
	struct db_param p[] = {P_TEXT(request_id), P_INT(at), P_TEXT(actor_id), P_TEXT(event),
	                       P_TEXT(note)};
	return db_change(db, STMT_BG_EVENT_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_bg_event_list(struct db *db, struct arena *a, const char *request_id,
                                  struct bg_event **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(request_id), P_INT(500)};
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_BG_EVENT_LIST, p, NPARAMS(p), event_cols, NPARAMS(event_cols),
	                  sizeof(struct bg_event), 500, &items, n);
	*out = items;
	return e;
}

/* ---- the local driver's emergency users ---- */

enum gcas_err store_local_bg_insert(struct db *db, const struct local_bg_cred *c)
{
	struct db_param p[] = {
	    P_TEXT(c->id),           P_TEXT(c->cloud_id),  P_TEXT(c->idempotency_key),
	    P_TEXT(c->person_email), P_TEXT(c->privilege), P_TEXT(c->secret_hash),
	    P_INT(c->expires_at),    P_INT(c->created_at)};
	return db_change(db, STMT_LOCAL_BG_INSERT, p, NPARAMS(p), NULL);
}

static enum gcas_err local_one(struct db *db, struct arena *a, enum stmt_id sid, const char *key,
                               struct local_bg_cred *out)
{
	struct db_param p[] = {P_TEXT(key)};
	return db_query_one(db, a, sid, p, NPARAMS(p), local_cols, NPARAMS(local_cols), out);
}

enum gcas_err store_local_bg_get(struct db *db, struct arena *a, const char *id,
                                 struct local_bg_cred *out)
{
	return local_one(db, a, STMT_LOCAL_BG_GET, id, out);
}

enum gcas_err store_local_bg_get_by_key(struct db *db, struct arena *a, const char *key,
                                        struct local_bg_cred *out)
{
	return local_one(db, a, STMT_LOCAL_BG_GET_BY_KEY, key, out);
}

enum gcas_err store_local_bg_resecret(struct db *db, const char *id, const char *secret_hash,
                                      int64_t expires_at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(secret_hash), P_INT(expires_at)};
	return db_change(db, STMT_LOCAL_BG_RESECRET, p, NPARAMS(p), NULL);
}

enum gcas_err store_local_bg_revoke(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_LOCAL_BG_REVOKE, p, NPARAMS(p), NULL);
}

enum gcas_err store_local_bg_used(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_LOCAL_BG_USED, p, NPARAMS(p), NULL);
}
