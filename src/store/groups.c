/* SPDX-License-Identifier: MIT */
/* Typed store operations on groups (an agency's PMO group, a project's system group; 別表2 ②)
 * and their memberships. */
#include <stddef.h>
#include <string.h>

#include "store/internal.h"

#define G(f) offsetof(struct group, f)
static const struct colmap group_cols[] = {
    {G(id), COL_STR, NULL},         {G(kind), COL_ENUM, group_kind_parse},
    {G(org_id), COL_STR, NULL},     {G(agency_id), COL_STR, NULL},
    {G(project_id), COL_STR, NULL}, {G(name), COL_STR, NULL},
    {G(created_at), COL_I64, NULL}, {G(members), COL_I64, NULL},
};
#undef G
#define NGRP ((int)(sizeof(group_cols) / sizeof(group_cols[0])))

enum gcas_err store_group_insert(struct db *db, const struct group *g)
{
	struct db_param p[] = {P_TEXT(g->id),         P_TEXT(group_kind_name(g->kind)),
	                       P_TEXT(g->org_id),     P_TEXT(g->agency_id),
	                       P_TEXT(g->project_id), P_TEXT(g->name),
	                       P_INT(g->created_at)};
	return db_change(db, STMT_GROUP_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_group_get(struct db *db, struct arena *a, const char *id, struct group *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_GROUP_GET, p, 1, group_cols, NGRP, out);
}

enum gcas_err store_group_of_org(struct db *db, struct arena *a, const char *org_id,
                                 struct group *out)
{
	struct db_param p[] = {P_TEXT(org_id)};
	return db_query_one(db, a, STMT_GROUP_OF_ORG, p, 1, group_cols, NGRP, out);
}

enum gcas_err store_group_list(struct db *db, struct arena *a, const char *agency_id,
                               struct page *pg, struct group **out, size_t *n)
{
	return store_group_list_scoped(db, a, agency_id, NULL, pg, out, n);
}

enum gcas_err store_group_list_scoped(struct db *db, struct arena *a, const char *agency_id,
                                      const char *project_id, struct page *pg, struct group **out,
                                      size_t *n)
{
	int lim = db_page_limit(pg, 500);
	const char *k, *id;
	db_keyset_split(a, pg ? pg->after : NULL, &k, &id);
	struct db_param p[] = {P_TEXT(agency_id), P_TEXT(k), P_TEXT(id), P_INT(lim + 1),
	                       P_TEXT(project_id)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_GROUP_LIST, p, NPARAMS(p), group_cols, NGRP,
	                                sizeof(struct group), (size_t)lim + 1, &items, n);
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

enum gcas_err store_group_rename_for_org(struct db *db, const char *org_id, const char *name)
{
	struct db_param p[] = {P_TEXT(org_id), P_TEXT(name)};
	int64_t n;
	return db_change(db, STMT_GROUP_RENAME_FOR_ORG, p, NPARAMS(p), &n);
}

enum gcas_err store_member_add(struct db *db, const struct membership *m)
{
	struct db_param p[] = {P_TEXT(m->group_id), P_TEXT(m->account_id), P_TEXT(m->added_by),
	                       P_INT(m->added_at), m->ends_at ? P_INT(m->ends_at) : P_NULL};
	return db_change(db, STMT_MEMBER_ADD, p, NPARAMS(p), NULL);
}

enum gcas_err store_member_remove(struct db *db, const char *group_id, const char *account_id)
{
	struct db_param p[] = {P_TEXT(group_id), P_TEXT(account_id)};
	return db_change(db, STMT_MEMBER_REMOVE, p, NPARAMS(p), NULL);
}

enum gcas_err store_member_remove_all(struct db *db, const char *account_id)
{
	struct db_param p[] = {P_TEXT(account_id)};
	int64_t n;
	return db_change(db, STMT_MEMBER_REMOVE_ALL, p, 1, &n);
}

#define M(f) offsetof(struct membership, f)
static const struct colmap member_cols[] = {
    {M(group_id), COL_STR, NULL},    {M(account_id), COL_STR, NULL},
    {M(added_by), COL_STR, NULL},    {M(added_at), COL_I64, NULL},
    {M(ends_at), COL_I64, NULL},     {M(email), COL_STR, NULL},
    {M(family_name), COL_STR, NULL}, {M(given_name), COL_STR, NULL},
    {M(role), COL_ENUM, role_parse}, {M(org_id), COL_STR, NULL},
    {M(agency_id), COL_STR, NULL},   {M(project_id), COL_STR, NULL},
};
#undef M

enum gcas_err store_member_list(struct db *db, struct arena *a, const char *group_id,
                                struct membership **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(group_id)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_MEMBER_LIST, p, 1, member_cols,
	                                (int)(sizeof(member_cols) / sizeof(member_cols[0])),
	                                sizeof(struct membership), 10000, &items, n);
	*out = items;
	return e;
}

static const struct colmap end_cols[] = {
    {offsetof(struct membership_end, group_id), COL_STR, NULL},
    {offsetof(struct membership_end, account_id), COL_STR, NULL},
    {offsetof(struct membership_end, agency_id), COL_STR, NULL},
};

enum gcas_err store_member_expired(struct db *db, struct arena *a, int64_t now, int limit,
                                   struct membership_end **out, size_t *n)
{
	struct db_param p[] = {P_INT(now), P_INT(limit)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_MEMBER_EXPIRED, p, NPARAMS(p), end_cols, 3,
	                                sizeof(struct membership_end), (size_t)limit, &items, n);
	*out = items;
	return e;
}
