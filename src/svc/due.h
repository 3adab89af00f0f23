/* SPDX-License-Identifier: MIT */
/* One pass of a leased work queue (environment provisioning, BreakGlass expiry): list the ids due
 * now, then act on each in its own use case, as the system. */
#ifndef GCAS_SVC_DUE_H
#define GCAS_SVC_DUE_H

#include "svc/env.h"

/* The store's listing of what is due at now, at most max ids (allocated in a). */
typedef enum gcas_err (*due_list_fn)(struct db *db, struct arena *a, int64_t now, int max,
                                     const char ***ids, size_t *n);
/* Act on one id; GCAS_ERR_CONFLICT when another node claimed it first. */
typedef enum gcas_err (*due_act_fn)(const struct env *env, const struct actor *ac, struct arena *a,
                                    const char *id);

/* Lists up to 50 due ids with list, then calls act on each as actor_system(who). A claim lost to
 * another node is skipped, any other failure logged (what names the queue) and the pass goes on.
 * *count = ids acted on. Errors: listing the queue only. */
enum gcas_err svc_due_run(const struct env *env, const char *who, const char *what,
                          due_list_fn list, due_act_fn act, int64_t *count);

#endif
