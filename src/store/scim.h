/* SPDX-License-Identifier: MIT */
/* Typed store operations for the SCIM 2.0 service provider (issue 4 §3): what /scim/v2 needs
 * beyond the account and group operations of store.h (group versions for ETags, an account's
 * groups, an environment's SCIM credential), and the full CRUD of the local cloud's identity
 * store served at /local-cloud/{id}/scim/v2 (its reads for the console are in local_scim.h).
 * Every function runs inside the caller's transaction; records read are allocated in a. */
#ifndef GCAS_STORE_SCIM_H
#define GCAS_STORE_SCIM_H

#include <stddef.h>
#include <stdint.h>

#include "store/local_scim.h"
#include "store/store.h"

/* --- /scim/v2 over the gcas directory --- */

/* member_groups.version (moved by triggers on every membership or name change). NOTFOUND. */
enum gcas_err store_scim_group_version(struct db *db, const char *group_id, int64_t *version);

/* A group an account belongs to: id, name and where it sits (for the matrix). */
struct scim_group_ref {
	const char *id, *name, *org_id, *agency_id, *project_id;
};
/* The groups of account_id, by name (at most 500). */
enum gcas_err store_scim_account_groups(struct db *db, struct arena *a, const char *account_id,
                                        struct scim_group_ref **out, size_t *n);

/* What authenticates a push to an environment's local identity store: its state and driver
 * ("active", "local") and the sealed SCIM bearer token (NULL when none was issued). NOTFOUND. */
struct scim_env_auth {
	const char *state, *driver, *token_sealed, *agency_id;
};
enum gcas_err store_scim_env_auth(struct db *db, struct arena *a, const char *environment_id,
                                  struct scim_env_auth *out);
/* Store the sealed token of an environment (the local driver at provisioning; tests). NOTFOUND.
 */
enum gcas_err store_scim_env_token_set(struct db *db, const char *environment_id,
                                       const char *token_sealed);

/* --- the local cloud's identity store --- */

/* A user as stored: the struct of local_scim.h plus the client's representation (doc, JSON
 * text without id, meta and groups). */
struct local_scim_user_row {
	struct local_scim_user u;
	const char *doc;
};
struct local_scim_group_row {
	const char *id, *environment_id, *display_name, *external_id;
	const char *doc; /* JSON text without id, meta and members */
	int64_t version, created_at, updated_at;
};
/* A member of a group (display: the user's displayName, else userName). */
struct local_scim_member {
	const char *group_id, *user_id, *display;
};

/* Insert (version 1; user_name_key is derived here). CONFLICT when the userName (folded) is
 * taken in the environment. */
enum gcas_err store_local_scim_user_insert(struct db *db, const struct local_scim_user_row *r);
/* NOTFOUND when environment_id has no user id. */
enum gcas_err store_local_scim_user_get(struct db *db, struct arena *a, const char *environment_id,
                                        const char *id, struct local_scim_user_row *out);
/* Users whose userName (folded) / externalId (exact) / id equals value: field is "userName",
 * "externalId" or "id". At most one page of max rows. */
enum gcas_err store_local_scim_user_find(struct db *db, struct arena *a, const char *environment_id,
                                         const char *field, const char *value, size_t max,
                                         struct local_scim_user_row **out, size_t *n);
/* Oldest first from offset (0-based), at most limit; total = every user of the environment. */
enum gcas_err store_local_scim_user_list(struct db *db, struct arena *a, const char *environment_id,
                                         int64_t offset, int64_t limit,
                                         struct local_scim_user_row **out, size_t *n,
                                         int64_t *total);
/* Write every field of r, provided the stored version is still version; the version moves up by
 * one. NOTFOUND when the version moved (or the user is gone), CONFLICT for a taken userName. */
enum gcas_err store_local_scim_user_update(struct db *db, const struct local_scim_user_row *r,
                                           int64_t version);
/* Delete the user and its memberships. NOTFOUND. */
enum gcas_err store_local_scim_user_delete(struct db *db, const char *environment_id,
                                           const char *id);

/* Groups: the same shapes. find: field "displayName" (folded), "externalId" or "id". */
enum gcas_err store_local_scim_group_insert(struct db *db, const struct local_scim_group_row *r);
enum gcas_err store_local_scim_group_get(struct db *db, struct arena *a, const char *environment_id,
                                         const char *id, struct local_scim_group_row *out);
enum gcas_err store_local_scim_group_find(struct db *db, struct arena *a,
                                          const char *environment_id, const char *field,
                                          const char *value, size_t max,
                                          struct local_scim_group_row **out, size_t *n);
enum gcas_err store_local_scim_group_list(struct db *db, struct arena *a,
                                          const char *environment_id, int64_t offset, int64_t limit,
                                          struct local_scim_group_row **out, size_t *n,
                                          int64_t *total);
enum gcas_err store_local_scim_group_update(struct db *db, const struct local_scim_group_row *r,
                                            int64_t version);
enum gcas_err store_local_scim_group_delete(struct db *db, const char *environment_id,
                                            const char *id);

/* Members. add: already a member is not an error; remove: not a member is not an error. */
enum gcas_err store_local_scim_member_add(struct db *db, const char *group_id, const char *user_id);
enum gcas_err store_local_scim_member_remove(struct db *db, const char *group_id,
                                             const char *user_id);
/* Members of one group (at most 100,000). */
enum gcas_err store_local_scim_member_list(struct db *db, struct arena *a, const char *group_id,
                                           struct local_scim_member **out, size_t *n);
/* Every membership of an environment (group_id, user_id, display = the group's displayName): for
 * building users' groups in one query. */
enum gcas_err store_local_scim_member_all(struct db *db, struct arena *a,
                                          const char *environment_id,
                                          struct local_scim_member **out, size_t *n);
/* The groups of one user (display = the group's displayName). */
enum gcas_err store_local_scim_member_of(struct db *db, struct arena *a, const char *environment_id,
                                         const char *user_id, struct local_scim_member **out,
                                         size_t *n);

#endif
