/* SPDX-License-Identifier: MIT */
/* Typed store operations for periodic review campaigns (R2.7): campaigns and items, decisions,
 * escalation, reminders and the notifications they owe (see store/review.h). */
#include "store/review.h"

#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "store/internal.h"

#define C(f) offsetof(struct review_campaign, f)
static const struct colmap campaign_cols[] = {
    {C(id), COL_STR, NULL},          {C(name), COL_STR, NULL},      {C(agency_id), COL_STR, NULL},
    {C(state), COL_STR, NULL},       {C(opened_by), COL_STR, NULL}, {C(opened_at), COL_I64, NULL},
    {C(deadline_at), COL_I64, NULL}, {C(closed_at), COL_I64, NULL}, {C(items), COL_I64, NULL},
    {C(decided), COL_I64, NULL},
};
#undef C
#define NCAMP ((int)(sizeof(campaign_cols) / sizeof(campaign_cols[0])))

#define I(f) offsetof(struct review_item, f)
static const struct colmap item_cols[] = {
    {I(id), COL_STR, NULL},
    {I(campaign_id), COL_STR, NULL},
    {I(campaign_name), COL_STR, NULL},
    {I(campaign_state), COL_STR, NULL},
    {I(account_id), COL_STR, NULL},
    {I(org_id), COL_STR, NULL},
    {I(agency_id), COL_STR, NULL},
    {I(project_id), COL_STR, NULL},
    {I(reviewer_role), COL_ENUM, role_parse},
    {I(escalations), COL_INT, NULL},
    {I(deadline_at), COL_I64, NULL},
    {I(decision), COL_STR, NULL},
    {I(reason), COL_STR, NULL},
    {I(decided_by), COL_STR, NULL},
    {I(decided_by_email), COL_STR, NULL},
    {I(decided_at), COL_I64, NULL},
    {I(application_id), COL_STR, NULL},
    {I(result), COL_STR, NULL},
    {I(reminded_at), COL_I64, NULL},
    {I(email), COL_STR, NULL},
    {I(family_name), COL_STR, NULL},
    {I(given_name), COL_STR, NULL},
    {I(role), COL_ENUM, role_parse},
    {I(status), COL_ENUM, account_status_parse},
    {I(org_name), COL_STR, NULL},
};
#undef I
#define NITEM ((int)(sizeof(item_cols) / sizeof(item_cols[0])))

#define M(f) offsetof(struct review_mail, f)
static const struct colmap mail_cols[] = {
    {M(account_id), COL_STR, NULL},  {M(email), COL_STR, NULL},
    {M(family_name), COL_STR, NULL}, {M(given_name), COL_STR, NULL},
    {M(campaign_id), COL_STR, NULL}, {M(campaign_name), COL_STR, NULL},
    {M(kind), COL_STR, NULL},        {M(items), COL_I64, NULL},
    {M(deadline_at), COL_I64, NULL},
};
#undef M
#define NMAIL ((int)(sizeof(mail_cols) / sizeof(mail_cols[0])))

static const struct review_item_filter no_filter = {.reviewer_role = -1};

static const char *role_or_null(int r)
{
	return r >= 0 && r < ROLE__MAX ? role_name((enum role)r) : NULL;
}

enum gcas_err store_review_campaign_insert(struct db *db, const struct review_campaign *c)
{
	struct db_param p[] = {P_TEXT(c->id),        P_TEXT(c->name),     P_TEXT(c->agency_id),
	                       P_TEXT(c->opened_by), P_INT(c->opened_at), P_INT(c->deadline_at)};
	return db_change(db, STMT_REVIEW_CAMPAIGN_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_review_campaign_get(struct db *db, struct arena *a, const char *id,
                                        const struct review_item_filter *f,
                                        struct review_campaign *out)
{
	if (!f)
		f = &no_filter;
	struct db_param p[] = {P_TEXT(id), P_TEXT(f->agency_id), P_TEXT(f->project_id),
	                       P_TEXT(f->org_id), P_TEXT(role_or_null(f->reviewer_role))};
	return db_query_one(db, a, STMT_REVIEW_CAMPAIGN_GET, p, NPARAMS(p), campaign_cols, NCAMP,
	                    out);
}

enum gcas_err store_review_campaign_list(struct db *db, struct arena *a, const char *agency_id,
                                         const struct review_item_filter *f, struct page *pg,
                                         struct review_campaign **out, size_t *n)
{
	int lim = db_page_limit(pg, 500);
	const char *k, *id;
	int64_t after = 0;
	if (!f)
		f = &no_filter;
	db_keyset_split(a, pg ? pg->after : NULL, &k, &id);
	if (k && str_to_i64(k, &after))
		return GCAS_ERR_INVALID;
	struct db_param p[] = {P_TEXT(agency_id),
	                       P_TEXT(f->agency_id),
	                       P_TEXT(f->project_id),
	                       P_TEXT(f->org_id),
	                       P_TEXT(role_or_null(f->reviewer_role)),
	                       k ? P_INT(after) : P_NULL,
	                       P_TEXT(id),
	                       P_INT(lim + 1)};
	void *items;
	enum gcas_err e =
	    db_query_list(db, a, STMT_REVIEW_CAMPAIGN_LIST, p, NPARAMS(p), campaign_cols, NCAMP,
	                  sizeof(struct review_campaign), (size_t)lim + 1, &items, n);
	*out = items;
	if (e || !pg)
		return e;
	pg->next = NULL;
	if (*n > (size_t)lim) {
		*n = (size_t)lim;
		const struct review_campaign *last = &(*out)[lim - 1];
		pg->next = db_keyset_make(a, arena_printf(a, "%lld", (long long)last->opened_at),
		                          last->id);
	}
	return GCAS_OK;
}

enum gcas_err store_review_campaign_close(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	int64_t n = 0;
	enum gcas_err e = db_change(db, STMT_REVIEW_CAMPAIGN_CLOSE, p, NPARAMS(p), &n);
	if (!e && n == 0)
		return GCAS_ERR_CONFLICT;
	return e;
}

enum gcas_err store_review_item_insert(struct db *db, const struct review_item *it,
                                       int64_t deadline_at)
{
	struct db_param p[] = {P_TEXT(it->id),
	                       P_TEXT(it->campaign_id),
	                       P_TEXT(it->account_id),
	                       P_TEXT(it->org_id),
	                       P_TEXT(it->agency_id),
	                       P_TEXT(it->project_id),
	                       P_TEXT(role_name(it->reviewer_role)),
	                       P_INT(deadline_at)};
	return db_change(db, STMT_REVIEW_ITEM_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_review_item_get(struct db *db, struct arena *a, const char *id,
                                    struct review_item *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_REVIEW_ITEM_GET, p, 1, item_cols, NITEM, out);
}

enum gcas_err store_review_item_list(struct db *db, struct arena *a,
                                     const struct review_item_filter *f, struct page *pg,
                                     struct review_item **out, size_t *n)
{
	int lim = db_page_limit(pg, 500);
	const char *k, *id;
	db_keyset_split(a, pg ? pg->after : NULL, &k, &id);
	struct db_param p[] = {P_TEXT(f->campaign_id),
	                       P_TEXT(f->agency_id),
	                       P_TEXT(f->project_id),
	                       P_TEXT(f->org_id),
	                       P_TEXT(role_or_null(f->reviewer_role)),
	                       P_INT(f->undecided ? 1 : 0),
	                       P_INT(f->open_only ? 1 : 0),
	                       P_TEXT(k),
	                       P_TEXT(id),
	                       P_INT(lim + 1)};
	void *items;
	enum gcas_err e =
	    db_query_list(db, a, STMT_REVIEW_ITEM_LIST, p, NPARAMS(p), item_cols, NITEM,
	                  sizeof(struct review_item), (size_t)lim + 1, &items, n);
	*out = items;
	if (e || !pg)
		return e;
	pg->next = NULL;
	if (*n > (size_t)lim) {
		*n = (size_t)lim;
		pg->next = db_keyset_make(a, (*out)[lim - 1].email, (*out)[lim - 1].id);
	}
	return GCAS_OK;
}

enum gcas_err store_review_item_decide(struct db *db, const char *id, const char *decision,
                                       const char *reason, const char *decided_by, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(decision), P_TEXT(reason), P_TEXT(decided_by),
	                       P_INT(at)};
	int64_t n = 0;
	enum gcas_err e = db_change(db, STMT_REVIEW_ITEM_DECIDE, p, NPARAMS(p), &n);
	if (!e && n == 0)
		return GCAS_ERR_CONFLICT; /* decided meanwhile: a decision is final */
	return e;
}

enum gcas_err store_review_item_result(struct db *db, const char *id, const char *application_id,
                                       const char *result)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(application_id), P_TEXT(result)};
	return db_change(db, STMT_REVIEW_ITEM_RESULT, p, NPARAMS(p), NULL);
}

enum gcas_err store_review_item_overdue(struct db *db, struct arena *a, int64_t now, int limit,
                                        struct review_item **out, size_t *n)
{
	struct db_param p[] = {P_INT(now), P_INT(limit)};
	void *items;
	enum gcas_err e =
	    db_query_list(db, a, STMT_REVIEW_ITEM_OVERDUE, p, NPARAMS(p), item_cols, NITEM,
	                  sizeof(struct review_item), (size_t)limit, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_review_item_escalate(struct db *db, const char *id, enum role reviewer_role,
                                         int64_t deadline_at, int64_t now)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(role_name(reviewer_role)), P_INT(deadline_at),
	                       P_INT(now)};
	return db_change(db, STMT_REVIEW_ITEM_ESCALATE, p, NPARAMS(p), NULL);
}

enum gcas_err store_review_remind_mark(struct db *db, int64_t now, int64_t *marked)
{
	struct db_param p[] = {P_INT(now)};
	return db_change(db, STMT_REVIEW_REMIND_MARK, p, NPARAMS(p), marked);
}

enum gcas_err store_review_mail_pending(struct db *db, struct arena *a, const char *campaign_id,
                                        size_t max, struct review_mail **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(campaign_id)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_REVIEW_MAIL_PENDING, p, NPARAMS(p), mail_cols,
	                                NMAIL, sizeof(struct review_mail), max, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_review_mail_clear(struct db *db, const char *campaign_id)
{
	struct db_param p[] = {P_TEXT(campaign_id)};
	int64_t n = 0;
	return db_change(db, STMT_REVIEW_MAIL_CLEAR, p, NPARAMS(p), &n);
}
