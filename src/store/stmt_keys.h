/* SPDX-License-Identifier: MIT */
/* Statements for the signing keys (issue 4 §4, table signing_keys); part of the closed table in
 * store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_KEYS_H
#define GCAS_STORE_STMT_KEYS_H

/* clang-format off */
#define SIGNING_KEY_COLS \
	"kid, use, alg, state, public_pem, cert_pem, private_sealed, created_at, activate_at, " \
	"retired_at, publish_until, created_by"

#define STMT_LIST_KEYS(X) \
	X(STMT_KEY_INSERT, \
	  "INSERT INTO signing_keys (" SIGNING_KEY_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, " \
	  "$8, $9, $10, $11, $12)", \
	  NULL) \
	X(STMT_KEY_GET, "SELECT " SIGNING_KEY_COLS " FROM signing_keys WHERE kid = $1", NULL) \
	/* Newest first; every key (there are a handful). */ \
	X(STMT_KEY_LIST, \
	  "SELECT " SIGNING_KEY_COLS " FROM signing_keys ORDER BY created_at DESC, kid DESC " \
	  "LIMIT $1", \
	  NULL) \
	X(STMT_KEY_SET_TIMES, \
	  "UPDATE signing_keys SET state = $2, retired_at = $3, publish_until = $4 " \
	  "WHERE kid = $1", \
	  NULL) \
	X(STMT_KEY_SET_STATE, "UPDATE signing_keys SET state = $2 WHERE kid = $1", NULL) \
	/* A destroyed key keeps its public half (the list shows what was revoked) but not the \
	 * sealed private one. */ \
	X(STMT_KEY_DESTROY, \
	  "UPDATE signing_keys SET state = 'destroyed', private_sealed = NULL, " \
	  "retired_at = COALESCE(retired_at, $2), publish_until = $2 " \
	  "WHERE kid = $1 AND state <> 'destroyed'", \
	  NULL) \
	X(STMT_KEY_SET_CREATOR, "UPDATE signing_keys SET created_by = $2 WHERE kid = $1", NULL) \
	X(STMT_KEY_SET_ACTIVATE, "UPDATE signing_keys SET activate_at = $2 WHERE kid = $1", NULL) \
	X(STMT_KEY_COUNT, "SELECT COUNT(*) FROM signing_keys", NULL)
/* clang-format on */

#endif
