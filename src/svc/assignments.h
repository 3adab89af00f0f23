/* SPDX-License-Identifier: MIT */
/* CSP users (issue 4 §3, S7, R4.3): managers assign accounts to CSP environments with
 * administrator or general privilege (別表2 ⑧), change the privilege and revoke; people see
 * the environments they may enter (S8, the console page). Each change is one transaction with
 * its audit record and a SCIM push queue entry (svc/scim_push.h carries it to the CSP). */
#ifndef GCAS_SVC_ASSIGNMENTS_H
#define GCAS_SVC_ASSIGNMENTS_H

#include "store/assignments.h"
#include "svc/env.h"

/* Assign the account with this email to environment_id with privilege "admin" | "general".
 * Authorised by ACT_ASSIGN_MANAGE on the account, and the environment must be in the actor's
 * own scope (same project team for a project or contractor manager, same agency for an agency
 * manager; any for the operator). Errors: NOTFOUND (no such environment); DENIED (audited);
 * INVALID with ve (privilege, unknown or inactive account, an account outside the
 * environment's agency); CONFLICT with ve (environment not active, or the account already
 * holds an active assignment to it). out (may be NULL) is allocated in a. */
enum gcas_err svc_assignment_add(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *environment_id, const char *email,
                                 const char *privilege, struct assignment *out, struct verrs *ve);
/* Change an active assignment's privilege (the same authorisation). A change to the privilege
 * it already has succeeds and records nothing. NOTFOUND (none, or revoked); DENIED; INVALID. */
enum gcas_err svc_assignment_set_privilege(const struct env *env, const struct actor *ac,
                                           struct arena *a, const char *assignment_id,
                                           const char *privilege, struct assignment *out,
                                           struct verrs *ve);
/* Revoke an active assignment (the same authorisation); its CSP user goes inactive at the next
 * push. NOTFOUND (none, or already revoked); DENIED. */
enum gcas_err svc_assignment_revoke(const struct env *env, const struct actor *ac, struct arena *a,
                                    const char *assignment_id, struct assignment *out);
/* One assignment (ACT_ASSIGN_VIEW on its environment's team). NOTFOUND; DENIED (audited). */
enum gcas_err svc_assignment_get(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *assignment_id, struct assignment *out);
/* Assignments of an environment, active first then newest (ACT_ASSIGN_VIEW on the
 * environment's project team). NOTFOUND; DENIED (audited). */
enum gcas_err svc_assignments_of_environment(const struct env *env, const struct actor *ac,
                                             struct arena *a, const char *environment_id,
                                             int active_only, struct assignment **out, size_t *n);
/* The actor's own active assignments to active environments (ACT_CONSOLE_USE). DENIED for
 * the system actor. */
enum gcas_err svc_assignments_mine(const struct env *env, const struct actor *ac, struct arena *a,
                                   struct assignment **out, size_t *n);
/* 1 when the actor may assign to environment en at all (its scope and the matrix's role
 * rule): for pages deciding whether to offer the form. */
struct environment;
int svc_assignment_may_manage(const struct actor *ac, const struct environment *en);

#endif
