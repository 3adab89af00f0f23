/* SPDX-License-Identifier: MIT */
/* Typed store operations for CSP environments, their requests and request history, and the
 * simulated cloud of the local provisioning driver (issue 4 §2). Every function runs inside the
 * caller's transaction (store_tx / store_run); records read are allocated in a. */
#ifndef GCAS_STORE_ENVIRONMENTS_H
#define GCAS_STORE_ENVIRONMENTS_H

#include <stdint.h>

#include "core/environment.h"
#include "store/store.h"

/* One account of the simulated cloud (the `local` driver's own state). */
struct local_cloud_acct {
	const char *id; /* gcas-local-<12 digits> */
	const char *idempotency_key, *csp, *kind, *project_id, *label;
	const char *state; /* "open" or "closed" */
	int64_t created_at, closed_at;
};

/* CONFLICT when the id exists. Errors: DB. */
enum gcas_err store_environment_insert(struct db *db, const struct environment *e);
/* NOTFOUND when there is none. */
enum gcas_err store_environment_get(struct db *db, struct arena *a, const char *id,
                                    struct environment *out);
/* Write state, closed_at, and external_id / console_url / scim_url / scim_token_sealed /
 * saml_entity_id / saml_acs_url when not NULL (NULL keeps what is stored). NOTFOUND. */
enum gcas_err store_environment_set(struct db *db, const struct environment *e);
/* Newest first; agency_id / project_id NULL do not filter. The cursor is "created_at\x1fid". */
enum gcas_err store_environment_list(struct db *db, struct arena *a, const char *agency_id,
                                     const char *project_id, struct page *pg,
                                     struct environment **out, size_t *n);

/* CONFLICT when the id or the idempotency key exists. */
enum gcas_err store_env_request_insert(struct db *db, const struct env_request *r);
enum gcas_err store_env_request_get(struct db *db, struct arena *a, const char *id,
                                    struct env_request *out);
enum gcas_err store_env_request_get_by_key(struct db *db, struct arena *a, const char *key,
                                           struct env_request *out);
/* Write r's workflow fields provided the stored state is still from and no other run's lease
 * is live: the stored lease must be absent, lapsed (before r->updated_at) or the writer's own
 * (held; 0 when it holds none). On PostgreSQL an UPDATE that waited re-checks this against the
 * committed row, so two claims or a stale decision cannot both pass. NOTFOUND otherwise. */
enum gcas_err store_env_request_update(struct db *db, const struct env_request *r,
                                       enum envreq_state from, int64_t held);
/* Newest first, filtered like store_environment_list and by state (NULL: any). */
enum gcas_err store_env_request_list(struct db *db, struct arena *a, const char *agency_id,
                                     const char *project_id, const char *state, struct page *pg,
                                     struct env_request **out, size_t *n);
/* How many delete requests of environment_id are submitted or approved. */
enum gcas_err store_env_request_open_deletes(struct db *db, const char *environment_id, int64_t *n);
/* Ids (in a) of approved requests due at now and not leased, at most max. */
enum gcas_err store_env_request_due(struct db *db, struct arena *a, int64_t now, int max,
                                    const char ***ids, size_t *n);
/* R2.3: every request approved (decided_at) in [from, to) that went on (approved, fulfilled or
 * failed); cb is called once per row with its kind, state, due date ("YYYY-MM-DD") and, for a
 * fulfilled one, when it was fulfilled (its last update). */
typedef void (*store_env_slo_fn)(void *ctx, enum envreq_kind kind, enum envreq_state state,
                                 const char *due_on, int64_t fulfilled_at);
enum gcas_err store_env_request_slo_rows(struct db *db, int64_t from, int64_t to,
                                         store_env_slo_fn cb, void *ctx);
/* Append to a request's history (seq is the next number). */
enum gcas_err store_env_event_add(struct db *db, const char *request_id, int64_t at,
                                  const char *actor_id, const char *event, const char *note);
/* Oldest first, at most 500. */
enum gcas_err store_env_event_list(struct db *db, struct arena *a, const char *request_id,
                                   struct env_request_event **out, size_t *n);

/* The simulated cloud. Insert: CONFLICT when the id or the key exists. Close: NOTFOUND. */
enum gcas_err store_local_cloud_insert(struct db *db, const struct local_cloud_acct *c);
enum gcas_err store_local_cloud_get(struct db *db, struct arena *a, const char *id,
                                    struct local_cloud_acct *out);
enum gcas_err store_local_cloud_get_by_key(struct db *db, struct arena *a, const char *key,
                                           struct local_cloud_acct *out);
enum gcas_err store_local_cloud_close(struct db *db, const char *id, int64_t at);

#endif
