/* SPDX-License-Identifier: MIT */
/* Typed store operations for applications, their history and identity declarations (S1, R2.1,
 * R2.2), the approvers of a scope, and the account changes fulfilment makes. */
#include "store/applications.h"

#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "store/internal.h"

/* target_role may be NULL (org_end), which COL_ENUM refuses: read it as text, convert after. */
struct app_row {
	struct application app;
	const char *target_role;
};

#define O(f) offsetof(struct app_row, app.f)
static const struct colmap app_cols[] = {
    {O(id), COL_STR, NULL},
    {O(kind), COL_ENUM, app_kind_parse},
    {O(state), COL_ENUM, app_state_parse},
    {O(applicant_id), COL_STR, NULL},
    {O(applicant_role), COL_ENUM, role_parse},
    {O(account_id), COL_STR, NULL},
    {O(org_id), COL_STR, NULL},
    {O(agency_id), COL_STR, NULL},
    {O(project_id), COL_STR, NULL},
    {offsetof(struct app_row, target_role), COL_STR, NULL},
    {O(subject_label), COL_STR, NULL},
    {O(payload), COL_STR, NULL},
    {O(reason), COL_STR, NULL},
    {O(needs_approval), COL_INT, NULL},
    {O(late), COL_INT, NULL},
    {O(departure_on), COL_STR, NULL},
    {O(ends_on), COL_STR, NULL},
    {O(import_id), COL_STR, NULL},
    {O(created_at), COL_I64, NULL},
    {O(submitted_at), COL_I64, NULL},
    {O(decided_at), COL_I64, NULL},
    {O(decided_by), COL_STR, NULL},
    {O(due_on), COL_STR, NULL},
    {O(fulfilled_at), COL_I64, NULL},
    {O(fulfilled_by), COL_STR, NULL},
    {O(result), COL_STR, NULL},
    {O(updated_at), COL_I64, NULL},
    {O(version), COL_I64, NULL},
};
#undef O
#define NAPP ((int)(sizeof(app_cols) / sizeof(app_cols[0])))

static void app_from_row(struct application *dst, const struct app_row *r)
{
	*dst = r->app;
	int tr = role_parse(r->target_role);
	dst->has_target_role = tr >= 0;
	dst->target_role = tr >= 0 ? (enum role)tr : ROLE_OPERATOR;
}

static struct db_param opt_time(int64_t t)
{
	return t ? P_INT(t) : P_NULL;
}

enum gcas_err store_app_insert(struct db *db, const struct application *x, const char *email)
{
	struct db_param p[] = {
	    P_TEXT(x->id),
	    P_TEXT(app_kind_name(x->kind)),
	    P_TEXT(app_state_name(x->state)),
	    P_TEXT(x->applicant_id),
	    P_TEXT(role_name(x->applicant_role)),
	    P_TEXT(x->account_id),
	    P_TEXT(x->org_id),
	    P_TEXT(x->agency_id),
	    P_TEXT(x->project_id),
	    P_TEXT(x->has_target_role ? role_name(x->target_role) : NULL),
	    P_TEXT(x->subject_label),
	    P_TEXT(x->payload),
	    P_TEXT(x->reason),
	    P_INT(x->needs_approval),
	    P_INT(x->late),
	    P_TEXT(x->departure_on),
	    P_TEXT(x->ends_on),
	    P_TEXT(x->import_id),
	    P_INT(x->created_at),
	    opt_time(x->submitted_at),
	    opt_time(x->decided_at),
	    P_TEXT(x->decided_by),
	    P_TEXT(x->due_on),
	    opt_time(x->fulfilled_at),
	    P_TEXT(x->fulfilled_by),
	    P_TEXT(x->result),
	    P_INT(x->updated_at),
	    P_INT(x->version ? x->version : 1),
	    P_TEXT(email),
	};
	return db_change(db, STMT_APP_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_app_get(struct db *db, struct arena *a, const char *id, struct application *out)
{
	struct db_param p[] = {P_TEXT(id)};
	struct app_row r;
	enum gcas_err e = db_query_one(db, a, STMT_APP_GET, p, 1, app_cols, NAPP, &r);
	if (!e)
		app_from_row(out, &r);
	return e;
}

enum gcas_err store_app_update(struct db *db, const struct application *x,
                               enum app_state from_state)
{
	struct db_param p[] = {
	    P_TEXT(x->id),
	    P_INT(x->version),
	    P_TEXT(app_state_name(x->state)),
	    P_TEXT(x->account_id),
	    opt_time(x->submitted_at),
	    opt_time(x->decided_at),
	    P_TEXT(x->decided_by),
	    P_TEXT(x->due_on),
	    opt_time(x->fulfilled_at),
	    P_TEXT(x->fulfilled_by),
	    P_TEXT(x->result),
	    P_INT(x->late),
	    P_INT(x->updated_at),
	    P_TEXT(app_state_name(from_state)),
	};
	enum gcas_err e = db_change(db, STMT_APP_UPDATE, p, NPARAMS(p), NULL);
	return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
}

enum gcas_err store_app_event_insert(struct db *db, const struct app_event *ev)
{
	struct db_param p[] = {
	    P_TEXT(ev->id),
	    P_TEXT(ev->application_id),
	    P_INT(ev->at),
	    P_TEXT(ev->actor_id),
	    P_TEXT(ev->actor_label),
	    P_TEXT(ev->from_state >= 0 ? app_state_name((enum app_state)ev->from_state) : NULL),
	    P_TEXT(app_state_name(ev->to_state)),
	    P_TEXT(ev->reason),
	};
	return db_change(db, STMT_APP_EVENT_INSERT, p, NPARAMS(p), NULL);
}

struct event_row {
	struct app_event ev;
	const char *from;
};

#define E(f) offsetof(struct event_row, ev.f)
static const struct colmap event_cols[] = {
    {E(id), COL_STR, NULL},
    {E(application_id), COL_STR, NULL},
    {E(at), COL_I64, NULL},
    {E(actor_id), COL_STR, NULL},
    {E(actor_label), COL_STR, NULL},
    {offsetof(struct event_row, from), COL_STR, NULL},
    {E(to_state), COL_ENUM, app_state_parse},
    {E(reason), COL_STR, NULL},
};
#undef E

enum gcas_err store_app_events(struct db *db, struct arena *a, const char *application_id,
                               struct app_event **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(application_id)};
	void *items;
	*out = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_APP_EVENTS, p, 1, event_cols, NPARAMS(event_cols),
	                  sizeof(struct event_row), 1000, &items, n);
	if (e)
		return e;
	struct event_row *rows = items;
	struct app_event *evs = arena_alloc(a, (*n ? *n : 1) * sizeof(*evs));
	if (!evs)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < *n; i++) {
		evs[i] = rows[i].ev;
		evs[i].from_state = rows[i].from ? app_state_parse(rows[i].from) : -1;
	}
	*out = evs;
	return GCAS_OK;
}

enum gcas_err store_app_decl_insert(struct db *db, const struct identity_decl *d)
{
	struct db_param p[] = {
	    P_TEXT(d->application_id),    P_TEXT(d->verified_on),  P_TEXT(d->scope),
	    P_TEXT(d->system_name),       P_INT(d->nda_confirmed), P_TEXT(d->declared_by),
	    P_TEXT(d->declared_by_label), P_INT(d->declared_at),
	};
	return db_change(db, STMT_APP_DECL_INSERT, p, NPARAMS(p), NULL);
}

#define D(f) offsetof(struct identity_decl, f)
static const struct colmap decl_cols[] = {
    {D(application_id), COL_STR, NULL},
    {D(verified_on), COL_STR, NULL},
    {D(scope), COL_STR, NULL},
    {D(system_name), COL_STR, NULL},
    {D(nda_confirmed), COL_INT, NULL},
    {D(declared_by), COL_STR, NULL},
    {D(declared_by_label), COL_STR, NULL},
    {D(declared_at), COL_I64, NULL},
};
#undef D

enum gcas_err store_app_decl_get(struct db *db, struct arena *a, const char *application_id,
                                 struct identity_decl *out)
{
	struct db_param p[] = {P_TEXT(application_id)};
	return db_query_one(db, a, STMT_APP_DECL_GET, p, 1, decl_cols, NPARAMS(decl_cols), out);
}

enum gcas_err store_app_open_for_account(struct db *db, const char *account_id, enum app_kind kind,
                                         int64_t *n)
{
	struct db_param p[] = {P_TEXT(account_id), P_TEXT(app_kind_name(kind))};
	return db_query_int(db, STMT_APP_OPEN_FOR_ACCOUNT, p, NPARAMS(p), n);
}

enum gcas_err store_app_open_for_org(struct db *db, const char *org_id, int64_t *n)
{
	struct db_param p[] = {P_TEXT(org_id)};
	return db_query_int(db, STMT_APP_OPEN_FOR_ORG, p, NPARAMS(p), n);
}

enum gcas_err store_app_open_for_email(struct db *db, const char *email, const char *except_id,
                                       int64_t *n)
{
	struct db_param p[] = {P_TEXT(email), P_TEXT(except_id)};
	return db_query_int(db, STMT_APP_OPEN_FOR_EMAIL, p, NPARAMS(p), n);
}

struct id_row {
	const char *id;
};
static const struct colmap id_cols[] = {{offsetof(struct id_row, id), COL_STR, NULL}};

enum gcas_err store_app_open_id_for_account(struct db *db, struct arena *a, const char *account_id,
                                            enum app_kind kind, const char **id)
{
	struct db_param p[] = {P_TEXT(account_id), P_TEXT(app_kind_name(kind))};
	struct id_row r = {0};
	enum gcas_err e =
	    db_query_one(db, a, STMT_APP_OPEN_ID_FOR_ACCOUNT, p, NPARAMS(p), id_cols, 1, &r);
	*id = e ? NULL : r.id;
	return e;
}

enum gcas_err store_app_org_ended(struct db *db, const char *org_id, int *ended)
{
	int64_t n = 0;
	struct db_param p[] = {P_TEXT(org_id)};
	enum gcas_err e = db_query_int(db, STMT_APP_ORG_ENDED, p, NPARAMS(p), &n);
	*ended = !e && n > 0;
	return e;
}

enum gcas_err store_app_scope_open(struct db *db, struct arena *a, const char *org_id,
                                   const char *except_id, int limit, struct application **out,
                                   size_t *n)
{
	struct db_param p[] = {P_TEXT(org_id), P_TEXT(except_id ? except_id : ""), P_INT(limit)};
	void *items;
	size_t got = 0;
	*out = NULL;
	*n = 0;
	enum gcas_err e = db_query_list(db, a, STMT_APP_SCOPE_OPEN, p, NPARAMS(p), app_cols, NAPP,
	                                sizeof(struct app_row), (size_t)limit, &items, &got);
	if (e)
		return e;
	struct app_row *rows = items;
	struct application *apps = arena_alloc(a, (got ? got : 1) * sizeof(*apps));
	if (!apps)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < got; i++)
		app_from_row(&apps[i], &rows[i]);
	*out = apps;
	*n = got;
	return GCAS_OK;
}

enum gcas_err store_app_scope_scrub(struct db *db, const char *org_id, const char *label,
                                    int64_t *n)
{
	int64_t k = 0, ignored = 0;
	struct db_param p[] = {P_TEXT(org_id), P_TEXT(label)};
	struct db_param q[] = {P_TEXT(org_id)};
	enum gcas_err e = db_change(db, STMT_APP_SCOPE_SCRUB, p, NPARAMS(p), &k);
	if (!e)
		e = db_change(db, STMT_APP_SCOPE_DECL_SCRUB, q, NPARAMS(q), &ignored);
	if (!e)
		e = db_change(db, STMT_APP_SCOPE_EVENT_SCRUB, q, NPARAMS(q), &ignored);
	if (n)
		*n = k;
	return e;
}

enum gcas_err store_app_list(struct db *db, struct arena *a, const struct store_app_filter *f,
                             struct page *pg, struct application **out, size_t *n)
{
	const char *k, *id;
	int lim = db_page_limit(pg, 500);
	int64_t kat = 0;
	*out = NULL;
	*n = 0;
	db_keyset_split(a, pg ? pg->after : NULL, &k, &id);
	/* Newest first pages on created_at (a number); the queue on due_on (a date). A cursor
	 * that does not parse is refused rather than ignored (it would restart the list). */
	if (k && !f->queue && str_to_i64(k, &kat))
		return GCAS_ERR_INVALID;
	struct db_param key = f->queue ? P_TEXT(k) : (k ? P_INT(kat) : P_NULL);
	struct db_param p[] = {
	    P_TEXT(f->agency_id),
	    P_TEXT(f->project_id),
	    P_TEXT(f->org_id),
	    P_INT(f->scoped ? 1 : 0),
	    P_TEXT(f->own_id),
	    P_TEXT(f->state >= 0 ? app_state_name((enum app_state)f->state) : NULL),
	    P_TEXT(f->kind >= 0 ? app_kind_name((enum app_kind)f->kind) : NULL),
	    f->needs_approval >= 0 ? P_INT(f->needs_approval) : P_NULL,
	    P_TEXT(f->not_applicant),
	    P_TEXT(f->import_id),
	    P_TEXT(f->account_id),
	    P_TEXT(f->due_before),
	    key,
	    P_TEXT(id ? id : ""),
	    P_INT(lim + 1),
	};
	void *items;
	size_t got = 0;
	enum gcas_err e =
	    db_query_list(db, a, f->queue ? STMT_APP_QUEUE : STMT_APP_LIST, p, NPARAMS(p), app_cols,
	                  NAPP, sizeof(struct app_row), (size_t)lim + 1, &items, &got);
	if (e)
		return e;
	struct app_row *rows = items;
	struct application *apps = arena_alloc(a, (got ? got : 1) * sizeof(*apps));
	if (!apps)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < got; i++)
		app_from_row(&apps[i], &rows[i]);
	*out = apps;
	*n = got;
	if (!pg)
		return GCAS_OK;
	pg->next = NULL;
	if (got > (size_t)lim) {
		const struct application *last = &apps[lim - 1];
		*n = (size_t)lim;
		pg->next =
		    f->queue
		        ? db_keyset_make(a, last->due_on ? last->due_on : "", last->id)
		        : db_keyset_make(a, arena_printf(a, "%lld", (long long)last->created_at),
		                         last->id);
	}
	return GCAS_OK;
}

struct slo_ctx {
	store_app_slo_fn cb;
	void *ctx;
};

static int slo_row(void *ctx, int ncol, const char *const *v)
{
	struct slo_ctx *c = ctx;
	int64_t at = 0;
	if (ncol < 4)
		return 1;
	int k = app_kind_parse(v[0]), s = app_state_parse(v[1]);
	if (k < 0 || s < 0 || (v[3] && str_to_i64(v[3], &at)))
		return 0; /* a row the CHECKs should have refused: leave it out */
	c->cb(c->ctx, (enum app_kind)k, (enum app_state)s, v[2], at);
	return 0;
}

enum gcas_err store_app_slo_rows(struct db *db, int64_t from, int64_t to, store_app_slo_fn cb,
                                 void *ctx)
{
	struct db_param p[] = {P_INT(from), P_INT(to)};
	struct slo_ctx c = {cb, ctx};
	return db->drv->exec(db, STMT_APP_SLO_ROWS, p, NPARAMS(p), slo_row, &c, NULL);
}

#define A(f) offsetof(struct account, f)
static const struct colmap approver_cols[] = {
    {A(id), COL_STR, NULL},
    {A(email), COL_STR, NULL},
    {A(family_name), COL_STR, NULL},
    {A(given_name), COL_STR, NULL},
};
#undef A

enum gcas_err store_app_approvers(struct db *db, struct arena *a, enum role r,
                                  const char *agency_id, const char *project_id,
                                  struct account **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(role_name(r)), P_TEXT(agency_id), P_TEXT(project_id)};
	void *items;
	enum gcas_err e =
	    db_query_list(db, a, STMT_APP_APPROVERS, p, NPARAMS(p), approver_cols,
	                  NPARAMS(approver_cols), sizeof(struct account), 100, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_account_reenable(struct db *db, const char *id, enum account_status s,
                                     int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(account_status_name(s)), P_INT(at)};
	return db_change(db, STMT_APP_ACCOUNT_REENABLE, p, NPARAMS(p), NULL);
}

enum gcas_err store_account_change(struct db *db, const struct account *acc, int64_t at)
{
	struct db_param p[] = {
	    P_TEXT(acc->id),
	    P_TEXT(acc->family_name),
	    P_TEXT(acc->given_name),
	    P_TEXT(acc->family_kana),
	    P_TEXT(acc->given_kana),
	    P_TEXT(role_name(acc->role)),
	    P_TEXT(acc->pending_email),
	    P_INT(at),
	};
	return db_change(db, STMT_APP_ACCOUNT_CHANGE, p, NPARAMS(p), NULL);
}
