/* SPDX-License-Identifier: MIT */
/* The local cloud's identity store (issue 4 §3): users, groups and memberships that gcas's SCIM
 * client pushes to a `local` environment, see store/local_scim.h (the console's reads) and
 * store/scim.h (the SCIM server's CRUD). userName and displayName are unique per environment
 * after ASCII case folding (RFC 7643 §4.1.1: userName is caseExact false). */
#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "store/internal.h"
#include "store/scim.h"

#define U(f) offsetof(struct local_scim_user_row, u.f)
static const struct colmap user_cols[] = {
    {U(id), COL_STR, NULL},
    {U(environment_id), COL_STR, NULL},
    {U(user_name), COL_STR, NULL},
    {U(external_id), COL_STR, NULL},
    {U(display_name), COL_STR, NULL},
    {U(given_name), COL_STR, NULL},
    {U(family_name), COL_STR, NULL},
    {U(email), COL_STR, NULL},
    {U(active), COL_INT, NULL},
    {U(version), COL_I64, NULL},
    {U(created_at), COL_I64, NULL},
    {U(updated_at), COL_I64, NULL},
    {offsetof(struct local_scim_user_row, doc), COL_STR, NULL},
};
#undef U

#define G(f) offsetof(struct local_scim_group_row, f)
static const struct colmap group_cols[] = {
    {G(id), COL_STR, NULL},           {G(environment_id), COL_STR, NULL},
    {G(display_name), COL_STR, NULL}, {G(external_id), COL_STR, NULL},
    {G(doc), COL_STR, NULL},          {G(version), COL_I64, NULL},
    {G(created_at), COL_I64, NULL},   {G(updated_at), COL_I64, NULL},
};
#undef G

#define M(f) offsetof(struct local_scim_member, f)
static const struct colmap member_cols[] = {
    {M(group_id), COL_STR, NULL},
    {M(user_id), COL_STR, NULL},
    {M(display), COL_STR, NULL},
};
#undef M

#define KEY_MAX 1024

/* The folded form kept for uniqueness and lookups; INVALID when too long to be a name. */
static enum gcas_err fold_key(const char *s, char out[KEY_MAX])
{
	if (!s || str_copy(out, KEY_MAX, s))
		return GCAS_ERR_INVALID;
	str_lower(out);
	return GCAS_OK;
}

/* --- users --- */

enum gcas_err store_local_scim_user_insert(struct db *db, const struct local_scim_user_row *r)
{
	char key[KEY_MAX];
	const char *kp = key;
	const struct local_scim_user *u = &r->u;
	if (fold_key(u->user_name, key))
		return GCAS_ERR_INVALID;
	struct db_param p[] = {P_TEXT(u->id),          P_TEXT(u->environment_id),
	                       P_TEXT(u->user_name),   P_TEXT(kp),
	                       P_TEXT(u->external_id), P_TEXT(u->display_name),
	                       P_TEXT(u->given_name),  P_TEXT(u->family_name),
	                       P_TEXT(u->email),       P_INT(u->active ? 1 : 0),
	                       P_TEXT(r->doc),         P_INT(u->created_at),
	                       P_INT(u->updated_at)};
	return db_change(db, STMT_LSCIM_USER_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_local_scim_user_get(struct db *db, struct arena *a, const char *environment_id,
                                        const char *id, struct local_scim_user_row *out)
{
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(id)};
	return db_query_one(db, a, STMT_LSCIM_USER_GET, p, NPARAMS(p), user_cols,
	                    NPARAMS(user_cols), out);
}

enum gcas_err store_local_scim_user_by_name(struct db *db, struct arena *a,
                                            const char *environment_id, const char *user_name,
                                            struct local_scim_user *out)
{
	char key[KEY_MAX];
	const char *kp = key;
	struct local_scim_user_row row;
	if (fold_key(user_name, key))
		return GCAS_ERR_NOTFOUND;
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(kp)};
	enum gcas_err e = db_query_one(db, a, STMT_LSCIM_USER_BY_KEY, p, NPARAMS(p), user_cols,
	                               NPARAMS(user_cols), &row);
	if (!e)
		*out = row.u;
	return e;
}

/* A list query into an arena array; max rows. */
static enum gcas_err list(struct db *db, struct arena *a, enum stmt_id sid,
                          const struct db_param *p, int np, const struct colmap *cols, int ncols,
                          size_t elem, size_t max, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return db_query_list(db, a, sid, p, np, cols, ncols, elem, max, out, n);
}

enum gcas_err store_local_scim_user_find(struct db *db, struct arena *a, const char *environment_id,
                                         const char *field, const char *value, size_t max,
                                         struct local_scim_user_row **out, size_t *n)
{
	char key[KEY_MAX];
	const char *kp = key;
	void *items = NULL;
	enum gcas_err e;
	*out = NULL;
	*n = 0;
	if (strcmp(field, "userName") == 0) {
		if (fold_key(value, key))
			return GCAS_OK;
		struct db_param p[] = {P_TEXT(environment_id), P_TEXT(kp)};
		e = list(db, a, STMT_LSCIM_USER_BY_KEY, p, NPARAMS(p), user_cols,
		         NPARAMS(user_cols), sizeof(**out), max, &items, n);
	} else if (strcmp(field, "externalId") == 0) {
		struct db_param p[] = {P_TEXT(environment_id), P_TEXT(value), P_INT((int64_t)max)};
		e = list(db, a, STMT_LSCIM_USER_BY_EXT, p, NPARAMS(p), user_cols,
		         NPARAMS(user_cols), sizeof(**out), max, &items, n);
	} else if (strcmp(field, "id") == 0) {
		struct db_param p[] = {P_TEXT(environment_id), P_TEXT(value)};
		e = list(db, a, STMT_LSCIM_USER_GET, p, NPARAMS(p), user_cols, NPARAMS(user_cols),
		         sizeof(**out), max, &items, n);
	} else {
		return GCAS_ERR_INVALID;
	}
	*out = items;
	return e;
}

enum gcas_err store_local_scim_user_list(struct db *db, struct arena *a, const char *environment_id,
                                         int64_t offset, int64_t limit,
                                         struct local_scim_user_row **out, size_t *n,
                                         int64_t *total)
{
	void *items = NULL;
	struct db_param c[] = {P_TEXT(environment_id)};
	enum gcas_err e = db_query_int(db, STMT_LSCIM_USER_COUNT, c, NPARAMS(c), total);
	*out = NULL;
	*n = 0;
	if (e || limit <= 0)
		return e;
	struct db_param p[] = {P_TEXT(environment_id), P_INT(limit), P_INT(offset)};
	e = list(db, a, STMT_LSCIM_USER_LIST, p, NPARAMS(p), user_cols, NPARAMS(user_cols),
	         sizeof(**out), (size_t)limit, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_local_scim_user_update(struct db *db, const struct local_scim_user_row *r,
                                           int64_t version)
{
	char key[KEY_MAX];
	const char *kp = key;
	const struct local_scim_user *u = &r->u;
	if (fold_key(u->user_name, key))
		return GCAS_ERR_INVALID;
	struct db_param p[] = {P_TEXT(u->environment_id),
	                       P_TEXT(u->id),
	                       P_INT(version),
	                       P_TEXT(u->user_name),
	                       P_TEXT(kp),
	                       P_TEXT(u->external_id),
	                       P_TEXT(u->display_name),
	                       P_TEXT(u->given_name),
	                       P_TEXT(u->family_name),
	                       P_TEXT(u->email),
	                       P_INT(u->active ? 1 : 0),
	                       P_TEXT(r->doc),
	                       P_INT(u->updated_at)};
	return db_change(db, STMT_LSCIM_USER_UPDATE, p, NPARAMS(p), NULL);
}

enum gcas_err store_local_scim_user_delete(struct db *db, const char *environment_id,
                                           const char *id)
{
	int64_t changes = 0;
	struct db_param m[] = {P_TEXT(id)};
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(id)};
	/* Memberships first (foreign keys); a user of another environment is NOTFOUND below and
	 * the caller's transaction rolls the membership delete back. */
	enum gcas_err e = db_change(db, STMT_LSCIM_MEMBER_DELETE_USER, m, NPARAMS(m), &changes);
	return e ? e : db_change(db, STMT_LSCIM_USER_DELETE, p, NPARAMS(p), NULL);
}

enum gcas_err store_local_scim_user_groups(struct db *db, struct arena *a,
                                           const char *environment_id, const char *user_id,
                                           const char ***names, size_t *n)
{
	struct local_scim_member *m;
	*names = NULL;
	enum gcas_err e = store_local_scim_member_of(db, a, environment_id, user_id, &m, n);
	if (e || !*n)
		return e;
	const char **out = arena_alloc(a, *n * sizeof(*out));
	if (!out)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < *n; i++)
		out[i] = m[i].display;
	*names = out;
	return GCAS_OK;
}

/* --- groups --- */

enum gcas_err store_local_scim_group_insert(struct db *db, const struct local_scim_group_row *r)
{
	char key[KEY_MAX];
	const char *kp = key;
	if (fold_key(r->display_name, key))
		return GCAS_ERR_INVALID;
	struct db_param p[] = {P_TEXT(r->id),           P_TEXT(r->environment_id),
	                       P_TEXT(r->display_name), P_TEXT(kp),
	                       P_TEXT(r->external_id),  P_TEXT(r->doc),
	                       P_INT(r->created_at),    P_INT(r->updated_at)};
	return db_change(db, STMT_LSCIM_GROUP_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_local_scim_group_get(struct db *db, struct arena *a, const char *environment_id,
                                         const char *id, struct local_scim_group_row *out)
{
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(id)};
	return db_query_one(db, a, STMT_LSCIM_GROUP_GET, p, NPARAMS(p), group_cols,
	                    NPARAMS(group_cols), out);
}

enum gcas_err store_local_scim_group_find(struct db *db, struct arena *a,
                                          const char *environment_id, const char *field,
                                          const char *value, size_t max,
                                          struct local_scim_group_row **out, size_t *n)
{
	char key[KEY_MAX];
	const char *kp = key;
	void *items = NULL;
	enum gcas_err e;
	*out = NULL;
	*n = 0;
	if (strcmp(field, "displayName") == 0) {
		if (fold_key(value, key))
			return GCAS_OK;
		struct db_param p[] = {P_TEXT(environment_id), P_TEXT(kp)};
		e = list(db, a, STMT_LSCIM_GROUP_BY_KEY, p, NPARAMS(p), group_cols,
		         NPARAMS(group_cols), sizeof(**out), max, &items, n);
	} else if (strcmp(field, "externalId") == 0) {
		struct db_param p[] = {P_TEXT(environment_id), P_TEXT(value), P_INT((int64_t)max)};
		e = list(db, a, STMT_LSCIM_GROUP_BY_EXT, p, NPARAMS(p), group_cols,
		         NPARAMS(group_cols), sizeof(**out), max, &items, n);
	} else if (strcmp(field, "id") == 0) {
		struct db_param p[] = {P_TEXT(environment_id), P_TEXT(value)};
		e = list(db, a, STMT_LSCIM_GROUP_GET, p, NPARAMS(p), group_cols,
		         NPARAMS(group_cols), sizeof(**out), max, &items, n);
	} else {
		return GCAS_ERR_INVALID;
	}
	*out = items;
	return e;
}

enum gcas_err store_local_scim_group_list(struct db *db, struct arena *a,
                                          const char *environment_id, int64_t offset, int64_t limit,
                                          struct local_scim_group_row **out, size_t *n,
                                          int64_t *total)
{
	void *items = NULL;
	struct db_param c[] = {P_TEXT(environment_id)};
	enum gcas_err e = db_query_int(db, STMT_LSCIM_GROUP_COUNT, c, NPARAMS(c), total);
	*out = NULL;
	*n = 0;
	if (e || limit <= 0)
		return e;
	struct db_param p[] = {P_TEXT(environment_id), P_INT(limit), P_INT(offset)};
	e = list(db, a, STMT_LSCIM_GROUP_LIST, p, NPARAMS(p), group_cols, NPARAMS(group_cols),
	         sizeof(**out), (size_t)limit, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_local_scim_group_update(struct db *db, const struct local_scim_group_row *r,
                                            int64_t version)
{
	char key[KEY_MAX];
	const char *kp = key;
	if (fold_key(r->display_name, key))
		return GCAS_ERR_INVALID;
	struct db_param p[] = {P_TEXT(r->environment_id),
	                       P_TEXT(r->id),
	                       P_INT(version),
	                       P_TEXT(r->display_name),
	                       P_TEXT(kp),
	                       P_TEXT(r->external_id),
	                       P_TEXT(r->doc),
	                       P_INT(r->updated_at)};
	return db_change(db, STMT_LSCIM_GROUP_UPDATE, p, NPARAMS(p), NULL);
}

enum gcas_err store_local_scim_group_delete(struct db *db, const char *environment_id,
                                            const char *id)
{
	int64_t changes = 0;
	struct db_param m[] = {P_TEXT(id)};
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(id)};
	enum gcas_err e = db_change(db, STMT_LSCIM_MEMBER_DELETE_GROUP, m, NPARAMS(m), &changes);
	return e ? e : db_change(db, STMT_LSCIM_GROUP_DELETE, p, NPARAMS(p), NULL);
}

/* --- memberships --- */

enum gcas_err store_local_scim_member_add(struct db *db, const char *group_id, const char *user_id)
{
	int64_t changes = 0;
	struct db_param p[] = {P_TEXT(group_id), P_TEXT(user_id)};
	return db_change(db, STMT_LSCIM_MEMBER_ADD, p, NPARAMS(p), &changes);
}

enum gcas_err store_local_scim_member_remove(struct db *db, const char *group_id,
                                             const char *user_id)
{
	int64_t changes = 0;
	struct db_param p[] = {P_TEXT(group_id), P_TEXT(user_id)};
	return db_change(db, STMT_LSCIM_MEMBER_REMOVE, p, NPARAMS(p), &changes);
}

#define MEMBERS_MAX 100000

static enum gcas_err members(struct db *db, struct arena *a, enum stmt_id sid,
                             const struct db_param *p, int np, struct local_scim_member **out,
                             size_t *n)
{
	void *items = NULL;
	enum gcas_err e = list(db, a, sid, p, np, member_cols, NPARAMS(member_cols), sizeof(**out),
	                       MEMBERS_MAX, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_local_scim_member_list(struct db *db, struct arena *a, const char *group_id,
                                           struct local_scim_member **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(group_id), P_INT(MEMBERS_MAX)};
	return members(db, a, STMT_LSCIM_MEMBER_LIST, p, NPARAMS(p), out, n);
}

enum gcas_err store_local_scim_member_all(struct db *db, struct arena *a,
                                          const char *environment_id,
                                          struct local_scim_member **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(environment_id), P_INT(MEMBERS_MAX)};
	return members(db, a, STMT_LSCIM_MEMBER_ALL, p, NPARAMS(p), out, n);
}

enum gcas_err store_local_scim_member_of(struct db *db, struct arena *a, const char *environment_id,
                                         const char *user_id, struct local_scim_member **out,
                                         size_t *n)
{
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(user_id), P_INT(MEMBERS_MAX)};
	return members(db, a, STMT_LSCIM_MEMBER_OF, p, NPARAMS(p), out, n);
}
