/* SPDX-License-Identifier: MIT */
/* Typed store operations of the OpenID Connect provider (issue 4 §4): registered clients, the
 * authorization codes, access tokens and rotated refresh tokens. Secrets are never stored, only
 * their hashes (token_hash). Every function runs inside the caller's transaction (store_tx /
 * store_run); rows read are allocated in a. */
#ifndef GCAS_STORE_OIDC_H
#define GCAS_STORE_OIDC_H

#include <stdint.h>

#include "store/store.h"

struct oidc_client {
	const char *client_id, *name;
	const char *secret_hash;   /* hex SHA-256 of the secret; NULL for a public client */
	const char *redirect_uris; /* exact strings, '\n' between them */
	const char *post_logout_redirect_uris; /* the same form; "" when none */
	const char *scopes;                    /* what it may ask for, space separated */
	const char *id_token_alg;              /* "RS256" | "ES256" */
	const char *auth_method;         /* "client_secret_basic" | "client_secret_post" | "none" */
	const char *created_by;          /* account id, NULL for the CLI */
	int64_t created_at, disabled_at; /* disabled_at 0: in use */
};

struct oidc_code {
	const char *code_hash, *client_id, *account_id, *redirect_uri, *code_challenge;
	const char *nonce; /* NULL when the request had none */
	const char *scope;
	int64_t auth_time;
	const char *amr; /* space separated */
	const char *sid; /* NULL when unknown */
	int64_t expires_at, used_at;
};

struct oidc_access {
	const char *token_hash, *client_id, *account_id, *scope, *family;
	int64_t expires_at, revoked_at;
};

struct oidc_refresh {
	const char *token_hash, *family, *client_id, *account_id, *scope;
	int64_t auth_time;
	const char *amr, *sid;
	int64_t issued_at, expires_at, used_at, revoked_at;
};

/* Row counts, for tests that prove a refused request changed nothing. */
struct oidc_counts {
	int64_t clients, codes, codes_used, access, access_revoked, refresh, refresh_used,
	    refresh_revoked;
};

/* CONFLICT when the client_id exists. */
enum gcas_err store_oidc_client_insert(struct db *db, const struct oidc_client *c);
/* NOTFOUND when there is none (disabled clients are returned: the caller decides). */
enum gcas_err store_oidc_client_get(struct db *db, struct arena *a, const char *client_id,
                                    struct oidc_client *out);
/* Newest first, at most max. */
enum gcas_err store_oidc_client_list(struct db *db, struct arena *a, int max,
                                     struct oidc_client **out, size_t *n);
/* NOTFOUND when there is none or it is disabled already. */
enum gcas_err store_oidc_client_disable(struct db *db, const char *client_id, int64_t at);

enum gcas_err store_oidc_code_insert(struct db *db, const struct oidc_code *c);
/* Spend a code: marks it used at now when it belongs to client_id, is unused and unexpired, and
 * returns the grant in out. NOTFOUND otherwise (nothing changed; see store_oidc_code_get to
 * tell a replay from a stranger's or an unknown code). */
enum gcas_err store_oidc_code_redeem(struct db *db, struct arena *a, const char *code_hash,
                                     const char *client_id, int64_t now, struct oidc_code *out);
enum gcas_err store_oidc_code_get(struct db *db, struct arena *a, const char *code_hash,
                                  struct oidc_code *out);

enum gcas_err store_oidc_access_insert(struct db *db, const struct oidc_access *t);
enum gcas_err store_oidc_access_get(struct db *db, struct arena *a, const char *token_hash,
                                    struct oidc_access *out);
/* Revoke one access token of client_id; *n = rows changed (0 or 1). */
enum gcas_err store_oidc_access_revoke(struct db *db, const char *token_hash, const char *client_id,
                                       int64_t at, int64_t *n);

enum gcas_err store_oidc_refresh_insert(struct db *db, const struct oidc_refresh *r);
/* Spend a refresh token of client_id (unused, unrevoked, unexpired at now), returning it.
 * NOTFOUND otherwise, nothing changed. */
enum gcas_err store_oidc_refresh_use(struct db *db, struct arena *a, const char *token_hash,
                                     const char *client_id, int64_t now, struct oidc_refresh *out);
enum gcas_err store_oidc_refresh_get(struct db *db, struct arena *a, const char *token_hash,
                                     struct oidc_refresh *out);
/* Revoke every access and refresh token of a family from at on: one row in the revoked-family
 * list (kept until until, after which none of its tokens is valid anyway). Revoking a family
 * twice keeps the first time. */
enum gcas_err store_oidc_family_revoke(struct db *db, const char *family, int64_t at,
                                       int64_t until);
/* Delete codes, access tokens, refresh tokens and revoked-family rows that expired before
 * before; *n = rows deleted. */
enum gcas_err store_oidc_purge(struct db *db, int64_t before, int64_t *n);
enum gcas_err store_oidc_counts(struct db *db, struct arena *a, struct oidc_counts *out);

#endif
