/* SPDX-License-Identifier: MIT */
/* Account use cases (R1.1, R1.2): issuing, changing, suspending, re-enabling and deleting
 * accounts along the certification chain, and reading them within one's scope (R7.1). */
#ifndef GCAS_SVC_ACCOUNTS_H
#define GCAS_SVC_ACCOUNTS_H

#include "svc/env.h"

struct account_input {
	const char *email;
	const char *family_name, *given_name;
	const char *family_kana, *given_kana;
	const char *role;   /* storage name, e.g. "agency_manager" */
	const char *org_id; /* the organisation the role lives in */
};

/* Policy target describing an account. */
struct target account_target(const struct account *acc);

/* Issue an account (status pending, added to its PMO/system group). *setup_link receives a
 * one-time set-up token (shown once; the person sets their password with it). */
enum gcas_err svc_account_create(const struct env *env, const struct actor *ac, struct arena *a,
                                 const struct account_input *in, struct account *out,
                                 const char **setup_link, struct verrs *ve);
enum gcas_err svc_account_get(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *id, struct account *out);
/* Names and email; version must match (optimistic concurrency → CONFLICT). */
enum gcas_err svc_account_update(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *id, int64_t version, const struct account_input *in,
                                 struct verrs *ve);
enum account_op { ACCOUNT_OP_DISABLE, ACCOUNT_OP_ENABLE, ACCOUNT_OP_DELETE };
/* Disable ends the account's sessions and API tokens at once; delete also removes it from its
 * groups. reason is required for disable and delete. */
enum gcas_err svc_account_set_status(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *id, enum account_op op, const char *reason,
                                     struct verrs *ve);
/* Clear second factors (lost phone): the person enrols again at next sign-in. */
enum gcas_err svc_account_reset_factors(const struct env *env, const struct actor *ac,
                                        struct arena *a, const char *id);
/* New one-time set-up link for an account (earlier links stop working). */
enum gcas_err svc_account_setup_link(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *id, const char **link);
/* Accounts the actor may see, narrowed to their agency / project by role. */
enum gcas_err svc_account_list(const struct env *env, const struct actor *ac, struct arena *a,
                               struct account_filter *f, struct page *pg, struct account **out,
                               size_t *n);
/* Bootstrap (R1.3): create the operator organisation if missing and an operator account.
 * Refused (CONFLICT) when an operator exists and force is 0. */
enum gcas_err svc_bootstrap_operator(const struct env *env, struct arena *a,
                                     const struct account_input *in, const char *password,
                                     struct account *out, struct verrs *ve);

#endif
