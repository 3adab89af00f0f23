/* SPDX-License-Identifier: MIT */
/* Typed store operations on organisations and accounts. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "store/internal.h"

#define O(f) offsetof(struct org, f)
static const struct colmap org_cols[] = {
    {O(id), COL_STR, NULL},          {O(kind), COL_ENUM, org_kind_parse},
    {O(name), COL_STR, NULL},        {O(code), COL_STR, NULL},
    {O(agency_type), COL_STR, NULL}, {O(parent_id), COL_STR, NULL},
    {O(agency_id), COL_STR, NULL},   {O(project_id), COL_STR, NULL},
    {O(created_at), COL_I64, NULL},  {O(updated_at), COL_I64, NULL},
};
#undef O
#define NORG ((int)(sizeof(org_cols) / sizeof(org_cols[0])))

enum gcas_err store_org_insert(struct db *db, const struct org *o)
{
	struct db_param p[] = {P_TEXT(o->id),          P_TEXT(org_kind_name(o->kind)),
	                       P_TEXT(o->name),        P_TEXT(o->code),
	                       P_TEXT(o->agency_type), P_TEXT(o->parent_id),
	                       P_TEXT(o->agency_id),   P_TEXT(o->project_id),
	                       P_INT(o->created_at),   P_INT(o->updated_at)};
	return db_change(db, STMT_ORG_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_org_get(struct db *db, struct arena *a, const char *id, struct org *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_ORG_GET, p, 1, org_cols, NORG, out);
}

enum gcas_err store_org_get_by_code(struct db *db, struct arena *a, const char *code,
                                    struct org *out)
{
	struct db_param p[] = {P_TEXT(code)};
	return db_query_one(db, a, STMT_ORG_GET_BY_CODE, p, 1, org_cols, NORG, out);
}

enum gcas_err store_org_operator(struct db *db, struct arena *a, struct org *out)
{
	return db_query_one(db, a, STMT_ORG_OPERATOR, NULL, 0, org_cols, NORG, out);
}

enum gcas_err store_org_update_name(struct db *db, const char *id, const char *name, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(name), P_INT(at)};
	return db_change(db, STMT_ORG_UPDATE_NAME, p, NPARAMS(p), NULL);
}

enum gcas_err store_org_list_filtered(struct db *db, struct arena *a, const struct org_filter *f,
                                      struct page *pg, struct org **out, size_t *n)
{
	const char *k, *id;
	int lim = db_page_limit(pg, 500);
	db_keyset_split(a, pg ? pg->after : NULL, &k, &id);
	struct db_param p[] = {P_TEXT(f->agency_id),
	                       P_TEXT(f->kind >= 0 ? org_kind_name((enum org_kind)f->kind) : NULL),
	                       P_TEXT(k),
	                       P_TEXT(id),
	                       P_INT(lim + 1),
	                       P_TEXT(f->project_id),
	                       P_TEXT(f->id)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_ORG_LIST, p, NPARAMS(p), org_cols, NORG,
	                                sizeof(struct org), (size_t)lim + 1, &items, n);
	*out = items;
	if (e || !pg)
		return e;
	pg->next = NULL;
	if (*n > (size_t)lim) {
		*n = (size_t)lim;
		pg->next = db_keyset_make(a, (*out)[lim - 1].name, (*out)[lim - 1].id);
	}
	return GCAS_OK;
}

enum gcas_err store_org_list(struct db *db, struct arena *a, const char *agency_id, int kind,
                             struct page *pg, struct org **out, size_t *n)
{
	struct org_filter f = {.agency_id = agency_id, .kind = kind};
	return store_org_list_filtered(db, a, &f, pg, out, n);
}

#define A(f) offsetof(struct account, f)
static const struct colmap account_cols[] = {
    {A(id), COL_STR, NULL},
    {A(email), COL_STR, NULL},
    {A(family_name), COL_STR, NULL},
    {A(given_name), COL_STR, NULL},
    {A(family_kana), COL_STR, NULL},
    {A(given_kana), COL_STR, NULL},
    {A(role), COL_ENUM, role_parse},
    {A(org_id), COL_STR, NULL},
    {A(agency_id), COL_STR, NULL},
    {A(project_id), COL_STR, NULL},
    {A(status), COL_ENUM, account_status_parse},
    {A(disabled_reason), COL_STR, NULL},
    {A(password_hash), COL_STR, NULL},
    {A(created_at), COL_I64, NULL},
    {A(activated_at), COL_I64, NULL},
    {A(last_signin_at), COL_I64, NULL},
    {A(updated_at), COL_I64, NULL},
    {A(version), COL_I64, NULL},
    {A(email_verified_at), COL_I64, NULL},
    {A(pending_email), COL_STR, NULL},
    {A(last_active_at), COL_I64, NULL},
    {A(inactivity_warned), COL_INT, NULL},
    {A(departure_on), COL_STR, NULL},
};
#undef A
#define NACC ((int)(sizeof(account_cols) / sizeof(account_cols[0])))

static struct db_param opt_time(int64_t t)
{
	return t ? P_INT(t) : P_NULL;
}

enum gcas_err store_account_insert(struct db *db, const struct account *acc)
{
	struct db_param p[] = {
	    P_TEXT(acc->id), P_TEXT(acc->email), P_TEXT(acc->family_name), P_TEXT(acc->given_name),
	    P_TEXT(acc->family_kana), P_TEXT(acc->given_kana), P_TEXT(role_name(acc->role)),
	    P_TEXT(acc->org_id), P_TEXT(acc->agency_id), P_TEXT(acc->project_id),
	    P_TEXT(account_status_name(acc->status)), P_TEXT(acc->disabled_reason),
	    P_TEXT(acc->password_hash), P_INT(acc->created_at), opt_time(acc->activated_at),
	    opt_time(acc->last_signin_at), P_INT(acc->updated_at), opt_time(acc->email_verified_at),
	    P_TEXT(acc->pending_email),
	    /* R2.4: an account never used still expires, counted from here */
	    P_INT(acc->last_active_at ? acc->last_active_at : acc->created_at),
	    P_TEXT(acc->departure_on)};
	return db_change(db, STMT_ACCOUNT_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_account_get(struct db *db, struct arena *a, const char *id, struct account *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_ACCOUNT_GET, p, 1, account_cols, NACC, out);
}

enum gcas_err store_account_get_by_email(struct db *db, struct arena *a, const char *email,
                                         struct account *out)
{
	struct db_param p[] = {P_TEXT(email)};
	return db_query_one(db, a, STMT_ACCOUNT_GET_BY_EMAIL, p, 1, account_cols, NACC, out);
}

enum gcas_err store_account_update(struct db *db, const struct account *acc, int64_t at)
{
	struct db_param p[] = {P_TEXT(acc->id),
	                       P_TEXT(acc->email),
	                       P_TEXT(acc->family_name),
	                       P_TEXT(acc->given_name),
	                       P_TEXT(acc->family_kana),
	                       P_TEXT(acc->given_kana),
	                       P_INT(at),
	                       P_INT(acc->version)};
	enum gcas_err e = db_change(db, STMT_ACCOUNT_UPDATE, p, NPARAMS(p), NULL);
	return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
}

enum gcas_err store_account_set_status(struct db *db, const char *id, enum account_status s,
                                       const char *reason, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(account_status_name(s)), P_TEXT(reason),
	                       P_INT(at)};
	return db_change(db, STMT_ACCOUNT_SET_STATUS, p, NPARAMS(p), NULL);
}

enum gcas_err store_account_set_password(struct db *db, const char *id, const char *hash,
                                         int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(hash), P_INT(at)};
	return db_change(db, STMT_ACCOUNT_SET_PASSWORD, p, NPARAMS(p), NULL);
}

enum gcas_err store_account_signed_in(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_ACCOUNT_SIGNED_IN, p, NPARAMS(p), NULL);
}

/* LIKE pattern matching q anywhere, with the wildcards in q escaped. */
static const char *like_pattern(struct arena *a, const char *q)
{
	struct buf b;
	if (!q || !*q)
		return NULL;
	buf_init(&b, 4096);
	buf_putc(&b, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *q);
	}
	buf_putc(&b, '%');
	const char *s = b.failed ? NULL : arena_strdup(a, b.data);
	buf_free(&b);
	return s;
}

enum gcas_err store_account_list(struct db *db, struct arena *a, const struct account_filter *f,
                                 struct page *pg, struct account **out, size_t *n)
{
	int lim = db_page_limit(pg, 500);
	const char *pattern = like_pattern(a, f->q);
	if (f->q && *f->q && !pattern)
		return GCAS_ERR_INVALID; /* never widen a search that could not be built */
	struct db_param p[] = {
	    P_TEXT(f->agency_id),
	    P_TEXT(f->project_id),
	    P_TEXT(f->org_id),
	    P_TEXT(f->role >= 0 ? role_name((enum role)f->role) : NULL),
	    P_TEXT(f->status >= 0 ? account_status_name((enum account_status)f->status) : NULL),
	    P_TEXT(pattern),
	    P_TEXT(pg ? pg->after : NULL),
	    P_INT(lim + 1),
	    P_TEXT(f->id)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_ACCOUNT_LIST, p, NPARAMS(p), account_cols, NACC,
	                                sizeof(struct account), (size_t)lim + 1, &items, n);
	*out = items;
	if (e || !pg)
		return e;
	pg->next = NULL;
	if (*n > (size_t)lim) {
		*n = (size_t)lim;
		pg->next = (*out)[lim - 1].email;
	}
	return GCAS_OK;
}

enum gcas_err store_account_count(struct db *db, int64_t *n)
{
	return db_query_int(db, STMT_ACCOUNT_COUNT, NULL, 0, n);
}

enum gcas_err store_operator_count(struct db *db, int64_t *n)
{
	return db_query_int(db, STMT_OPERATOR_COUNT, NULL, 0, n);
}
