/* SPDX-License-Identifier: MIT */
/* Typed store operations for CSP users (issue 4 §3, S7, R4.3): which account may enter which
 * environment with which privilege, and the SCIM push state of each (environment, account)
 * and (environment, group). Every function runs inside the caller's transaction; records read
 * are allocated in a. */
#ifndef GCAS_STORE_ASSIGNMENTS_H
#define GCAS_STORE_ASSIGNMENTS_H

#include <stdint.h>

#include "store/store.h"

/* 別表2 ⑧: administrator or general privilege in the CSP console. */
enum asg_priv { ASG_PRIV_ADMIN, ASG_PRIV_GENERAL, ASG_PRIV__MAX };
const char *asg_priv_name(enum asg_priv p); /* "admin", "general" */
int asg_priv_parse(const char *s, enum asg_priv *out);

struct assignment {
	const char *id;
	const char *account_id, *environment_id, *project_id, *agency_id;
	enum asg_priv priv;
	int active;             /* 0 once revoked */
	const char *created_by; /* account id, or NULL for the system */
	int64_t created_at, revoked_at;
	const char *revoked_reason; /* "removed", "account disabled", "environment closed", ... */
	/* joined for display; may be NULL */
	const char *account_email, *account_name;
	const char *env_csp, *env_kind, *env_state, *env_external_id, *env_console_url;
};

/* CONFLICT when the account already holds an active assignment to the environment. */
enum gcas_err store_assignment_insert(struct db *db, const struct assignment *as);
/* The active assignment of account_id to environment_id; NOTFOUND when there is none. */
enum gcas_err store_assignment_get_active(struct db *db, struct arena *a, const char *account_id,
                                          const char *environment_id, struct assignment *out);
enum gcas_err store_assignment_get(struct db *db, struct arena *a, const char *id,
                                   struct assignment *out);
/* Active assignments of an account whose environment is active (the console page, S8). */
enum gcas_err store_assignments_of_account(struct db *db, struct arena *a, const char *account_id,
                                           struct assignment **out, size_t *n);
/* Assignments of an environment (active first, then newest). */
enum gcas_err store_assignments_of_environment(struct db *db, struct arena *a,
                                               const char *environment_id, int active_only,
                                               struct assignment **out, size_t *n);
/* Revoke one (NOTFOUND when not active), or every active one of an environment / account
 * (count in *n, may be 0). */
enum gcas_err store_assignment_revoke(struct db *db, const char *id, int64_t at,
                                      const char *reason);
enum gcas_err store_assignments_revoke_environment(struct db *db, const char *environment_id,
                                                   int64_t at, const char *reason, int64_t *n);
enum gcas_err store_assignments_revoke_account(struct db *db, const char *account_id, int64_t at,
                                               const char *reason, int64_t *n);

#endif
