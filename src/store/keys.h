/* SPDX-License-Identifier: MIT */
/* Typed store operations for the signing keys (issue 4 §4, table signing_keys). Rows carry the
 * sealed private key as stored; only src/signer opens it. Every function runs inside the
 * caller's transaction (store_tx / store_run); records read are allocated in a. */
#ifndef GCAS_STORE_KEYS_H
#define GCAS_STORE_KEYS_H

#include <stdint.h>

#include "store/store.h"

/* use "oidc"|"saml", alg "RS256"|"ES256", state "pending"|"active"|"retired"|"destroyed";
 * times 0 = NULL (not set). */
struct key_row {
	const char *kid, *use, *alg, *state;
	const char *public_pem, *cert_pem, *private_sealed;
	int64_t created_at, activate_at, retired_at, publish_until;
	const char *created_by;
};

/* The most keys a list returns (rotations add a few a year). */
#define STORE_KEYS_MAX 1000

/* CONFLICT when the kid exists. Errors: DB. */
enum gcas_err store_key_insert(struct db *db, const struct key_row *k);
/* NOTFOUND when there is none. */
enum gcas_err store_key_get(struct db *db, struct arena *a, const char *kid, struct key_row *out);
/* Every key, newest first (at most STORE_KEYS_MAX). */
enum gcas_err store_key_list(struct db *db, struct arena *a, struct key_row **out, size_t *n);
/* Write state, retired_at and publish_until (0: NULL). NOTFOUND. */
enum gcas_err store_key_set_times(struct db *db, const char *kid, const char *state,
                                  int64_t retired_at, int64_t publish_until);
enum gcas_err store_key_set_state(struct db *db, const char *kid, const char *state);
/* Mark destroyed at at: the sealed private key is erased, publishing stops. NOTFOUND when
 * there is no such key or it is destroyed already. */
enum gcas_err store_key_destroy(struct db *db, const char *kid, int64_t at);
enum gcas_err store_key_set_creator(struct db *db, const char *kid, const char *account_id);
/* Move a key's activation time (test fixtures that run on a fixed clock in the past). */
enum gcas_err store_key_set_activate(struct db *db, const char *kid, int64_t activate_at);
enum gcas_err store_key_count(struct db *db, int64_t *n);

#endif
