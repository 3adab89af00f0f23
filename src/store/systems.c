/* SPDX-License-Identifier: MIT */
/* Typed store operations for registered systems and their history, see store/systems.h. The
 * CSP and environment sets and the contacts are kept as space-separated text: they are small,
 * read whole and never queried by element. */
#include "store/systems.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "store/internal.h"

/* The row as stored; converted to struct system_rec on the way out. */
struct system_row {
	const char *id, *project_id, *agency_id, *name, *purpose;
	int lifecycle;
	const char *csps, *environments, *contacts, *contractor_id, *period_start, *period_end;
	int classification;
	const char *billing_unit;
	int64_t ci_cd, version, created_at, updated_at;
	const char *updated_by;
};

#define S(f) offsetof(struct system_row, f)
static const struct colmap system_cols[] = {
    {S(id), COL_STR, NULL},
    {S(project_id), COL_STR, NULL},
    {S(agency_id), COL_STR, NULL},
    {S(name), COL_STR, NULL},
    {S(purpose), COL_STR, NULL},
    {S(lifecycle), COL_ENUM, sys_lifecycle_parse},
    {S(csps), COL_STR, NULL},
    {S(environments), COL_STR, NULL},
    {S(contacts), COL_STR, NULL},
    {S(contractor_id), COL_STR, NULL},
    {S(period_start), COL_STR, NULL},
    {S(period_end), COL_STR, NULL},
    {S(classification), COL_ENUM, sys_class_parse},
    {S(billing_unit), COL_STR, NULL},
    {S(ci_cd), COL_I64, NULL},
    {S(version), COL_I64, NULL},
    {S(created_at), COL_I64, NULL},
    {S(updated_at), COL_I64, NULL},
    {S(updated_by), COL_STR, NULL},
};
#undef S

#define H(f) offsetof(struct system_history_row, f)
static const struct colmap history_cols[] = {
    {H(system_id), COL_STR, NULL},  {H(version), COL_I64, NULL}, {H(changed_by), COL_STR, NULL},
    {H(changed_at), COL_I64, NULL}, {H(record), COL_STR, NULL},
};
#undef H

/* Split the stored contacts ("id id id") into the record's array (arena copies). */
static enum gcas_err split_contacts(struct arena *a, const char *s, struct system_rec *r)
{
	r->ncontacts = 0;
	while (s && *s && r->ncontacts < SYSTEM_CONTACTS_MAX) {
		while (*s == ' ')
			s++;
		size_t len = strcspn(s, " ");
		if (!len)
			break;
		char *id = arena_alloc(a, len + 1);
		if (!id)
			return GCAS_ERR_NOMEM;
		memcpy(id, s, len);
		id[len] = '\0';
		r->contacts[r->ncontacts++] = id;
		s += len;
	}
	return GCAS_OK;
}

static enum gcas_err from_row(struct arena *a, const struct system_row *w, struct system_rec *r)
{
	*r = (struct system_rec){.id = w->id,
	                         .project_id = w->project_id,
	                         .agency_id = w->agency_id,
	                         .name = w->name,
	                         .purpose = w->purpose,
	                         .lifecycle = (enum sys_lifecycle)w->lifecycle,
	                         .contractor_id = w->contractor_id,
	                         .period_start = w->period_start,
	                         .period_end = w->period_end,
	                         .classification = (enum sys_class)w->classification,
	                         .billing_unit = w->billing_unit,
	                         .ci_cd = w->ci_cd != 0,
	                         .version = w->version,
	                         .created_at = w->created_at,
	                         .updated_at = w->updated_at,
	                         .updated_by = w->updated_by};
	/* Names written by this program only; an unknown one (a later version's) is dropped. */
	(void)system_set_parse(w->csps, 1, &r->csps);
	(void)system_set_parse(w->environments, 0, &r->environments);
	return split_contacts(a, w->contacts, r);
}

static const char *join_contacts(struct arena *a, const struct system_rec *r)
{
	const char *s = "";
	for (size_t i = 0; s && i < r->ncontacts && i < SYSTEM_CONTACTS_MAX; i++)
		s = *s ? arena_printf(a, "%s %s", s, r->contacts[i]) : r->contacts[i];
	return s;
}

/* The text columns shared by insert and update, built in a scratch arena. */
struct sys_text {
	const char *csps, *envs, *contacts;
};

static enum gcas_err texts(struct arena *a, const struct system_rec *r, struct sys_text *t)
{
	t->csps = system_set_format(a, r->csps, 1);
	t->envs = system_set_format(a, r->environments, 0);
	t->contacts = join_contacts(a, r);
	return t->csps && t->envs && t->contacts ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err store_system_insert(struct db *db, const struct system_rec *r)
{
	struct arena *a = arena_new(65536);
	struct sys_text t;
	enum gcas_err e = a ? texts(a, r, &t) : GCAS_ERR_NOMEM;
	if (e)
		goto out;
	struct db_param p[] = {P_TEXT(r->id),
	                       P_TEXT(r->project_id),
	                       P_TEXT(r->agency_id),
	                       P_TEXT(r->name),
	                       P_TEXT(r->purpose),
	                       P_TEXT(sys_lifecycle_name(r->lifecycle)),
	                       P_TEXT(t.csps),
	                       P_TEXT(t.envs),
	                       P_TEXT(t.contacts),
	                       P_TEXT(r->contractor_id),
	                       P_TEXT(r->period_start),
	                       P_TEXT(r->period_end),
	                       P_TEXT(sys_class_name(r->classification)),
	                       P_TEXT(r->billing_unit),
	                       P_INT(r->ci_cd ? 1 : 0),
	                       P_INT(r->version),
	                       P_INT(r->created_at),
	                       P_INT(r->updated_at),
	                       P_TEXT(r->updated_by)};
	e = db_change(db, STMT_SYSTEM_INSERT, p, NPARAMS(p), NULL);
out:
	arena_free(a);
	return e;
}

static enum gcas_err get_one(struct db *db, struct arena *a, enum stmt_id id, const char *key,
                             struct system_rec *out)
{
	struct system_row w;
	struct db_param p[] = {P_TEXT(key)};
	enum gcas_err e =
	    db_query_one(db, a, id, p, NPARAMS(p), system_cols, NPARAMS(system_cols), &w);
	if (e)
		return e;
	return from_row(a, &w, out);
}

enum gcas_err store_system_get(struct db *db, struct arena *a, const char *id,
                               struct system_rec *out)
{
	return get_one(db, a, STMT_SYSTEM_GET, id, out);
}

enum gcas_err store_system_get_by_project(struct db *db, struct arena *a, const char *project_id,
                                          struct system_rec *out)
{
	return get_one(db, a, STMT_SYSTEM_GET_BY_PROJECT, project_id, out);
}

enum gcas_err store_system_update(struct db *db, const struct system_rec *r, int64_t at)
{
	struct arena *a = arena_new(65536);
	struct sys_text t;
	enum gcas_err e = a ? texts(a, r, &t) : GCAS_ERR_NOMEM;
	if (e)
		goto out;
	struct db_param p[] = {P_TEXT(r->id),
	                       P_INT(r->version),
	                       P_TEXT(r->name),
	                       P_TEXT(r->purpose),
	                       P_TEXT(sys_lifecycle_name(r->lifecycle)),
	                       P_TEXT(t.csps),
	                       P_TEXT(t.envs),
	                       P_TEXT(t.contacts),
	                       P_TEXT(r->contractor_id),
	                       P_TEXT(r->period_start),
	                       P_TEXT(r->period_end),
	                       P_TEXT(sys_class_name(r->classification)),
	                       P_TEXT(r->billing_unit),
	                       P_INT(r->ci_cd ? 1 : 0),
	                       P_INT(at),
	                       P_TEXT(r->updated_by)};
	e = db_change(db, STMT_SYSTEM_UPDATE, p, NPARAMS(p), NULL);
out:
	arena_free(a);
	return e;
}

enum gcas_err store_system_list(struct db *db, struct arena *a, const char *agency_id,
                                const char *project_id, struct page *pg, struct system_rec **out,
                                size_t *n)
{
	const char *k, *id;
	int lim = db_page_limit(pg, 500);
	db_keyset_split(a, pg ? pg->after : NULL, &k, &id);
	struct db_param p[] = {P_TEXT(agency_id), P_TEXT(project_id), P_TEXT(k), P_TEXT(id),
	                       P_INT(lim + 1)};
	void *items = NULL;
	size_t got = 0;
	*out = NULL;
	*n = 0;
	enum gcas_err e =
	    db_query_list(db, a, STMT_SYSTEM_LIST, p, NPARAMS(p), system_cols, NPARAMS(system_cols),
	                  sizeof(struct system_row), (size_t)lim + 1, &items, &got);
	if (e)
		return e;
	struct system_row *rows = items;
	if (pg)
		pg->next = NULL;
	if (got > (size_t)lim) {
		got = (size_t)lim;
		if (pg)
			pg->next = db_keyset_make(a, rows[lim - 1].name, rows[lim - 1].id);
	}
	struct system_rec *recs = got ? arena_alloc(a, got * sizeof(*recs)) : NULL;
	if (got && !recs)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < got; i++)
		if ((e = from_row(a, &rows[i], &recs[i])))
			return e;
	*out = recs;
	*n = got;
	return GCAS_OK;
}

enum gcas_err store_system_history_insert(struct db *db, const struct system_history_row *h)
{
	struct db_param p[] = {P_TEXT(h->system_id), P_INT(h->version), P_TEXT(h->changed_by),
	                       P_INT(h->changed_at), P_TEXT(h->record)};
	return db_change(db, STMT_SYSTEM_HISTORY_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_system_history_list(struct db *db, struct arena *a, const char *system_id,
                                        struct page *pg, struct system_history_row **out, size_t *n)
{
	int lim = db_page_limit(pg, 500);
	int64_t before = 0;
	const char *after = pg ? pg->after : NULL;
	if (after && (str_to_i64(after, &before) || before < 1))
		return GCAS_ERR_INVALID;
	struct db_param p[] = {P_TEXT(system_id), after ? P_INT(before) : P_NULL, P_INT(lim + 1)};
	void *items = NULL;
	enum gcas_err e = db_query_list(
	    db, a, STMT_SYSTEM_HISTORY_LIST, p, NPARAMS(p), history_cols, NPARAMS(history_cols),
	    sizeof(struct system_history_row), (size_t)lim + 1, &items, n);
	*out = items;
	if (e || !pg)
		return e;
	pg->next = NULL;
	if (*n > (size_t)lim) {
		*n = (size_t)lim;
		pg->next = arena_printf(a, "%lld", (long long)(*out)[lim - 1].version);
	}
	return GCAS_OK;
}
