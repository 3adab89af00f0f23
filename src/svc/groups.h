/* SPDX-License-Identifier: MIT */
/* Member management of PMO and system groups (S2, R2.5): a manager adds and removes people of
 * their own scope; nobody adds anyone across agencies. */
#ifndef GCAS_SVC_GROUPS_H
#define GCAS_SVC_GROUPS_H

#include "svc/env.h"

enum gcas_err svc_group_list(const struct env *env, const struct actor *ac, struct arena *a,
                             struct page *pg, struct group **out, size_t *n);
enum gcas_err svc_group_get(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *id, struct group *out, struct membership **members,
                            size_t *nmembers);
/* ends_at: 0 = no end date. */
enum gcas_err svc_group_member_add(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *group_id, const char *account_id, int64_t ends_at,
                                   struct verrs *ve);
enum gcas_err svc_group_member_remove(const struct env *env, const struct actor *ac,
                                      struct arena *a, const char *group_id,
                                      const char *account_id);

struct target group_target(const struct group *g);

/* The job (R2.5: memberships may carry an end date and lapse on it): remove every membership
 * whose end date has passed, each with its audit record, in batches. *removed counts them. */
enum gcas_err svc_group_expire_memberships(const struct env *env, int64_t *removed);

#endif
