/* SPDX-License-Identifier: MIT */
/* Typed store operations for the SCIM push of CSP users (issue 4 §3): each environment's push
 * target, the users it should hold, what was last pushed (links), the retry queue and the sync
 * marks; and an assignment's privilege change. Every function runs inside the caller's
 * transaction; records read are allocated in a. */
#ifndef GCAS_STORE_SCIM_PUSH_H
#define GCAS_STORE_SCIM_PUSH_H

#include <stdint.h>

#include "core/environment.h"
#include "store/assignments.h"

/* Change an active assignment's privilege. NOTFOUND when it is not active. */
enum gcas_err store_assignment_set_priv(struct db *db, const char *id, enum asg_priv priv);

/* An environment as the push sees it, with its sync marks (0 / NULL before the first push). */
struct scim_target {
	const char *id, *project_id, *agency_id;
	enum sys_csp csp;
	enum sys_env kind;
	enum env_state state;
	const char *external_id, *scim_url, *scim_token_sealed;
	int64_t closed_at;
	int64_t last_sync_at, last_drift_at;
	const char *last_error, *corrected;
};
enum gcas_err store_scim_target_get(struct db *db, struct arena *a, const char *environment_id,
                                    struct scim_target *out);
/* Ids of environments with work at now (see STMT_SCIM_TARGETS_DUE): open ones whose last sync
 * is at or before synced_before, closed ones not pushed since they closed, any with a due queue
 * entry; in id order after the id after ("" from the start), at most max. */
enum gcas_err store_scim_targets_due(struct db *db, struct arena *a, int64_t now,
                                     int64_t synced_before, const char *after, int max,
                                     const char ***ids, size_t *n);
/* Set an environment's push target (url, sealed token; NULL clears). NOTFOUND. */
enum gcas_err store_scim_target_set(struct db *db, const char *environment_id, const char *url,
                                    const char *token_sealed);
/* Record a push run: drift_at 0 and corrected NULL keep the stored values; error NULL = none. */
enum gcas_err store_scim_sync_put(struct db *db, const char *environment_id, int64_t sync_at,
                                  int64_t drift_at, const char *error, const char *corrected);

/* A user the environment should hold: an active assignment and its account. */
struct scim_desired {
	const char *account_id;
	enum asg_priv priv;
	const char *email, *family_name, *given_name;
	enum account_status status;
};
enum gcas_err store_scim_desired_users(struct db *db, struct arena *a, const char *environment_id,
                                       struct scim_desired **out, size_t *n);

/* What was last pushed of one user (kind "user", key = account id) or group (kind "group",
 * key = "gcas-admin" / "gcas-general"). state: "pending", "pushed", "failed". */
struct scim_link {
	const char *environment_id, *kind, *local_key;
	const char *remote_id, *pushed_hash, *pushed_group;
	const char *state, *last_error;
	int64_t checked_at, updated_at;
};
enum gcas_err store_scim_link_list(struct db *db, struct arena *a, const char *environment_id,
                                   struct scim_link **out, size_t *n);
/* Insert or replace the link (environment_id, kind, local_key). */
enum gcas_err store_scim_link_put(struct db *db, const struct scim_link *l);
enum gcas_err store_scim_link_delete(struct db *db, const char *environment_id, const char *kind,
                                     const char *local_key);

/* One queue entry: op "user" (key = account id) or "env" (key "*"); state "pending" or
 * "failed" (given up after SCIM_MAX_ATTEMPTS, last_error says why). */
struct scim_qentry {
	const char *environment_id, *op, *key, *state;
	int64_t attempts, next_attempt_at, lease_until;
	const char *last_error;
	int64_t created_at;
};
/* Ask for a push of key at now (an entry already there starts again: pending, 0 attempts). */
enum gcas_err store_scim_queue_add(struct db *db, const char *environment_id, const char *op,
                                   const char *key, int64_t now);
enum gcas_err store_scim_queue_list(struct db *db, struct arena *a, const char *environment_id,
                                    struct scim_qentry **out, size_t *n);
/* Write state, attempts, next_attempt_at, lease_until (0: none) and last_error. NOTFOUND. */
enum gcas_err store_scim_queue_update(struct db *db, const struct scim_qentry *q);
/* Remove the entry unless it was queued again after read_at (changes may be 0). */
enum gcas_err store_scim_queue_done(struct db *db, const char *environment_id, const char *op,
                                    const char *key, int64_t read_at);
/* Entries in state ("pending" / "failed"), for metrics and tests. */
enum gcas_err store_scim_queue_count(struct db *db, const char *state, int64_t *n);

#endif
