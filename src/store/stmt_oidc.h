/* SPDX-License-Identifier: MIT */
/* Statements of the OpenID Connect provider (issue 4 §4): clients, codes, access and refresh
 * tokens; part of the closed table in store/stmt.h. X(id, sql, sqlite_override_or_NULL),
 * PostgreSQL $n syntax. A code or refresh token is spent by one conditional UPDATE whose
 * RETURNING row is the grant, so two redemptions racing on two nodes cannot both win. */
#ifndef GCAS_STORE_STMT_OIDC_H
#define GCAS_STORE_STMT_OIDC_H

/* clang-format off */
#define OIDC_CLIENT_COLS \
	"client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, scopes, " \
	"id_token_alg, token_endpoint_auth_method, created_by, created_at, disabled_at"
#define OIDC_CODE_COLS \
	"code_hash, client_id, account_id, redirect_uri, code_challenge, nonce, scope, auth_time, " \
	"amr, sid, expires_at, used_at"
#define OIDC_ACCESS_COLS "token_hash, client_id, account_id, scope, family, expires_at, revoked_at"
#define OIDC_REFRESH_COLS \
	"token_hash, family, client_id, account_id, scope, auth_time, amr, sid, issued_at, " \
	"expires_at, used_at, revoked_at"
/* A token's revocation: its own, else its family's (migration 0011). */
#define OIDC_FAMILY_REVOKED(t) \
	"(SELECT f.revoked_at FROM oidc_revoked_families f WHERE f.family = " t ".family)"

#define STMT_LIST_OIDC(X) \
	X(STMT_OIDC_CLIENT_INSERT, \
	  "INSERT INTO oidc_clients (" OIDC_CLIENT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " \
	  "$9, $10, $11)", \
	  NULL) \
	X(STMT_OIDC_CLIENT_GET, "SELECT " OIDC_CLIENT_COLS " FROM oidc_clients WHERE client_id = $1", \
	  NULL) \
	X(STMT_OIDC_CLIENT_LIST, \
	  "SELECT " OIDC_CLIENT_COLS " FROM oidc_clients ORDER BY created_at DESC, client_id LIMIT $1", \
	  NULL) \
	X(STMT_OIDC_CLIENT_DISABLE, \
	  "UPDATE oidc_clients SET disabled_at = $2 WHERE client_id = $1 AND disabled_at IS NULL", \
	  NULL) \
	X(STMT_OIDC_CODE_INSERT, \
	  "INSERT INTO oidc_codes (" OIDC_CODE_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, " \
	  "$10, $11, NULL)", \
	  NULL) \
	/* RFC 6749 §4.1.2: a code is used once; only the client it was issued to can spend it. */ \
	X(STMT_OIDC_CODE_REDEEM, \
	  "UPDATE oidc_codes SET used_at = $3 WHERE code_hash = $1 AND client_id = $2 " \
	  "AND used_at IS NULL AND expires_at > $3 RETURNING " OIDC_CODE_COLS, \
	  NULL) \
	X(STMT_OIDC_CODE_GET, "SELECT " OIDC_CODE_COLS " FROM oidc_codes WHERE code_hash = $1", NULL) \
	X(STMT_OIDC_ACCESS_INSERT, \
	  "INSERT INTO oidc_tokens (" OIDC_ACCESS_COLS ") VALUES ($1, $2, $3, $4, $5, $6, NULL)", \
	  NULL) \
	X(STMT_OIDC_ACCESS_GET, \
	  "SELECT t.token_hash, t.client_id, t.account_id, t.scope, t.family, t.expires_at, " \
	  "COALESCE(t.revoked_at, " OIDC_FAMILY_REVOKED("t") ") FROM oidc_tokens t " \
	  "WHERE t.token_hash = $1", \
	  NULL) \
	X(STMT_OIDC_ACCESS_REVOKE, \
	  "UPDATE oidc_tokens SET revoked_at = $2 WHERE token_hash = $1 AND client_id = $3 " \
	  "AND revoked_at IS NULL", \
	  NULL) \
	X(STMT_OIDC_REFRESH_INSERT, \
	  "INSERT INTO oidc_refresh (" OIDC_REFRESH_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " \
	  "$9, $10, NULL, NULL)", \
	  NULL) \
	/* Rotation (RFC 9700 §4.14.2): spend the presented token; the caller inserts its successor \
	 * in the same transaction. */ \
	X(STMT_OIDC_REFRESH_USE, \
	  "UPDATE oidc_refresh SET used_at = $3 WHERE token_hash = $1 AND client_id = $2 " \
	  "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3 " \
	  "AND " OIDC_FAMILY_REVOKED("oidc_refresh") " IS NULL RETURNING " OIDC_REFRESH_COLS, \
	  NULL) \
	X(STMT_OIDC_REFRESH_GET, \
	  "SELECT r.token_hash, r.family, r.client_id, r.account_id, r.scope, r.auth_time, r.amr, " \
	  "r.sid, r.issued_at, r.expires_at, r.used_at, " \
	  "COALESCE(r.revoked_at, " OIDC_FAMILY_REVOKED("r") ") FROM oidc_refresh r " \
	  "WHERE r.token_hash = $1", \
	  NULL) \
	X(STMT_OIDC_FAMILY_REVOKE, \
	  "INSERT INTO oidc_revoked_families (family, revoked_at, expires_at) VALUES ($1, $2, $3) " \
	  "ON CONFLICT (family) DO NOTHING", \
	  NULL) \
	X(STMT_OIDC_PURGE_CODES, "DELETE FROM oidc_codes WHERE expires_at < $1", NULL) \
	X(STMT_OIDC_PURGE_ACCESS, "DELETE FROM oidc_tokens WHERE expires_at < $1", NULL) \
	X(STMT_OIDC_PURGE_REFRESH, "DELETE FROM oidc_refresh WHERE expires_at < $1", NULL) \
	X(STMT_OIDC_PURGE_FAMILIES, "DELETE FROM oidc_revoked_families WHERE expires_at < $1", NULL) \
	X(STMT_OIDC_COUNTS, \
	  "SELECT (SELECT COUNT(*) FROM oidc_clients), (SELECT COUNT(*) FROM oidc_codes), " \
	  "(SELECT COUNT(*) FROM oidc_codes WHERE used_at IS NOT NULL), " \
	  "(SELECT COUNT(*) FROM oidc_tokens), " \
	  "(SELECT COUNT(*) FROM oidc_tokens t WHERE COALESCE(t.revoked_at, " \
	  OIDC_FAMILY_REVOKED("t") ") IS NOT NULL), " \
	  "(SELECT COUNT(*) FROM oidc_refresh), " \
	  "(SELECT COUNT(*) FROM oidc_refresh WHERE used_at IS NOT NULL), " \
	  "(SELECT COUNT(*) FROM oidc_refresh r WHERE COALESCE(r.revoked_at, " \
	  OIDC_FAMILY_REVOKED("r") ") IS NOT NULL)", \
	  NULL)
/* clang-format on */

#endif
