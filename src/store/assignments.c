/* SPDX-License-Identifier: MIT */
/* Typed store operations for CSP users (assignments) and their SCIM push state, see
 * store/assignments.h and store/scim_push.h. Assignment reads join the account (for display)
 * and the environment (for the console page); a revoked assignment stays as history. */
#include "store/assignments.h"

#include <stddef.h>
#include <string.h>

#include "store/internal.h"
#include "store/scim_push.h"

/* Lists are bounded: an environment holds at most this many assignments on one read. */
#define ASG_LIST_MAX 20000

static const char *const priv_names[ASG_PRIV__MAX] = {
    [ASG_PRIV_ADMIN] = "admin", [ASG_PRIV_GENERAL] = "general"};

const char *asg_priv_name(enum asg_priv p)
{
	return (unsigned)p < ASG_PRIV__MAX ? priv_names[p] : NULL;
}

int asg_priv_parse(const char *s, enum asg_priv *out)
{
	for (int i = 0; s && i < ASG_PRIV__MAX; i++)
		if (strcmp(s, priv_names[i]) == 0) {
			*out = (enum asg_priv)i;
			return 0;
		}
	return -1;
}

static int priv_col(const char *s)
{
	enum asg_priv p;
	return asg_priv_parse(s, &p) ? -1 : (int)p;
}

/* The environment columns are text here (display only). */
#define A(f) offsetof(struct assignment, f)
static const struct colmap asg_cols[] = {
    {A(id), COL_STR, NULL},
    {A(account_id), COL_STR, NULL},
    {A(environment_id), COL_STR, NULL},
    {A(project_id), COL_STR, NULL},
    {A(agency_id), COL_STR, NULL},
    {A(priv), COL_ENUM, priv_col},
    {A(active), COL_INT, NULL},
    {A(created_by), COL_STR, NULL},
    {A(created_at), COL_I64, NULL},
    {A(revoked_at), COL_I64, NULL},
    {A(revoked_reason), COL_STR, NULL},
    {A(account_email), COL_STR, NULL},
    {A(account_name), COL_STR, NULL},
    {A(env_csp), COL_STR, NULL},
    {A(env_kind), COL_STR, NULL},
    {A(env_state), COL_STR, NULL},
    {A(env_external_id), COL_STR, NULL},
    {A(env_console_url), COL_STR, NULL},
};
#undef A

enum gcas_err store_assignment_insert(struct db *db, const struct assignment *as)
{
	struct db_param p[] = {
	    P_TEXT(as->id),         P_TEXT(as->account_id), P_TEXT(as->environment_id),
	    P_TEXT(as->project_id), P_TEXT(as->agency_id),  P_TEXT(asg_priv_name(as->priv)),
	    P_TEXT(as->created_by), P_INT(as->created_at)};
	return db_change(db, STMT_ASSIGNMENT_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_assignment_get_active(struct db *db, struct arena *a, const char *account_id,
                                          const char *environment_id, struct assignment *out)
{
	struct db_param p[] = {P_TEXT(account_id), P_TEXT(environment_id)};
	return db_query_one(db, a, STMT_ASSIGNMENT_GET_ACTIVE, p, NPARAMS(p), asg_cols,
	                    NPARAMS(asg_cols), out);
}

enum gcas_err store_assignment_get(struct db *db, struct arena *a, const char *id,
                                   struct assignment *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_ASSIGNMENT_GET, p, NPARAMS(p), asg_cols, NPARAMS(asg_cols),
	                    out);
}

static enum gcas_err asg_list(struct db *db, struct arena *a, enum stmt_id sid,
                              const struct db_param *p, int np, struct assignment **out, size_t *n)
{
	void *items = NULL;
	enum gcas_err e = db_query_list(db, a, sid, p, np, asg_cols, NPARAMS(asg_cols),
	                                sizeof(struct assignment), ASG_LIST_MAX, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_assignments_of_account(struct db *db, struct arena *a, const char *account_id,
                                           struct assignment **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(account_id), P_INT(ASG_LIST_MAX)};
	return asg_list(db, a, STMT_ASSIGNMENTS_OF_ACCOUNT, p, NPARAMS(p), out, n);
}

enum gcas_err store_assignments_of_environment(struct db *db, struct arena *a,
                                               const char *environment_id, int active_only,
                                               struct assignment **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(environment_id), P_INT(active_only ? 1 : 0),
	                       P_INT(ASG_LIST_MAX)};
	return asg_list(db, a, STMT_ASSIGNMENTS_OF_ENVIRONMENT, p, NPARAMS(p), out, n);
}

enum gcas_err store_assignment_revoke(struct db *db, const char *id, int64_t at, const char *reason)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at), P_TEXT(reason)};
	return db_change(db, STMT_ASSIGNMENT_REVOKE, p, NPARAMS(p), NULL);
}

enum gcas_err store_assignments_revoke_environment(struct db *db, const char *environment_id,
                                                   int64_t at, const char *reason, int64_t *n)
{
	struct db_param p[] = {P_TEXT(environment_id), P_INT(at), P_TEXT(reason)};
	return db_change(db, STMT_ASSIGNMENTS_REVOKE_ENVIRONMENT, p, NPARAMS(p), n);
}

enum gcas_err store_assignments_revoke_account(struct db *db, const char *account_id, int64_t at,
                                               const char *reason, int64_t *n)
{
	struct db_param p[] = {P_TEXT(account_id), P_INT(at), P_TEXT(reason)};
	return db_change(db, STMT_ASSIGNMENTS_REVOKE_ACCOUNT, p, NPARAMS(p), n);
}

enum gcas_err store_assignment_set_priv(struct db *db, const char *id, enum asg_priv priv)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(asg_priv_name(priv))};
	return db_change(db, STMT_ASSIGNMENT_SET_PRIV, p, NPARAMS(p), NULL);
}
