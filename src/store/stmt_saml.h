/* SPDX-License-Identifier: MIT */
/* Statements for saml (issue 4 §4): registered service providers, the replay cache, pending
 * SP-initiated requests and the local console's sessions; part of the closed table in
 * store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_SAML_H
#define GCAS_STORE_STMT_SAML_H

/* clang-format off */
#define SAML_SP_COLS \
	"id, entity_id, name, metadata, csp, profile, aws_provider_name, aws_admin_role, " \
	"aws_general_role, rev, created_by, created_at, disabled_at"
#define SAML_PENDING_COLS "id, sp, binding, request, relay_state, created_at"
#define LOCAL_SESSION_COLS \
	"id_hash, cloud_id, environment_id, user_name, display_name, privilege, name_id, " \
	"created_at, expires_at"

#define STMT_LIST_SAML(X) \
	X(STMT_SAML_SP_INSERT, \
	  "INSERT INTO saml_sps (" SAML_SP_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, " \
	  "$10, $11, NULL)", \
	  NULL) \
	X(STMT_SAML_SP_GET, "SELECT " SAML_SP_COLS " FROM saml_sps WHERE id = $1", NULL) \
	X(STMT_SAML_SP_BY_ENTITY, "SELECT " SAML_SP_COLS " FROM saml_sps WHERE entity_id = $1", \
	  NULL) \
	X(STMT_SAML_SP_FOR_CSP, \
	  "SELECT " SAML_SP_COLS " FROM saml_sps WHERE csp = $1 AND disabled_at IS NULL", NULL) \
	/* Active first, then newest. */ \
	X(STMT_SAML_SP_LIST, \
	  "SELECT " SAML_SP_COLS " FROM saml_sps ORDER BY (disabled_at IS NULL) DESC, " \
	  "created_at DESC, id LIMIT $1", \
	  NULL) \
	/* Register anew an SP that was disabled (new metadata, e.g. its key rolled over). */ \
	X(STMT_SAML_SP_REVIVE, \
	  "UPDATE saml_sps SET name = $2, metadata = $3, csp = $4, profile = $5, " \
	  "aws_provider_name = $6, aws_admin_role = $7, aws_general_role = $8, rev = rev + 1, " \
	  "created_by = $9, created_at = $10, disabled_at = NULL WHERE id = $1 " \
	  "AND disabled_at IS NOT NULL", \
	  NULL) \
	X(STMT_SAML_SP_DISABLE, \
	  "UPDATE saml_sps SET disabled_at = $2, rev = rev + 1 WHERE id = $1 " \
	  "AND disabled_at IS NULL", \
	  NULL) \
	/* The replay cache: 0 rows changed means the ID was seen before. */ \
	X(STMT_SAML_SEEN_ADD, \
	  "INSERT INTO saml_seen (sp, request_id, expires_at) VALUES ($1, $2, $3) " \
	  "ON CONFLICT (sp, request_id) DO NOTHING", \
	  NULL) \
	X(STMT_SAML_SEEN_SWEEP, "DELETE FROM saml_seen WHERE expires_at < $1", NULL) \
	X(STMT_SAML_PENDING_INSERT, \
	  "INSERT INTO saml_pending (" SAML_PENDING_COLS ") VALUES ($1, $2, $3, $4, $5, $6)", NULL) \
	X(STMT_SAML_PENDING_GET, "SELECT " SAML_PENDING_COLS " FROM saml_pending WHERE id = $1", \
	  NULL) \
	X(STMT_SAML_PENDING_DELETE, "DELETE FROM saml_pending WHERE id = $1", NULL) \
	X(STMT_SAML_PENDING_SWEEP, "DELETE FROM saml_pending WHERE created_at < $1", NULL) \
	/* The environment whose console is this SP (what a provisioning driver reported). */ \
	X(STMT_SAML_ENV_BY_ENTITY, \
	  "SELECT id FROM environments WHERE saml_entity_id = $1 AND state = 'active' " \
	  "ORDER BY created_at DESC, id LIMIT 1", \
	  NULL) \
	X(STMT_LOCAL_SESSION_INSERT, \
	  "INSERT INTO local_cloud_sessions (" LOCAL_SESSION_COLS ") VALUES ($1, $2, $3, $4, $5, " \
	  "$6, $7, $8, $9)", \
	  NULL) \
	X(STMT_LOCAL_SESSION_GET, \
	  "SELECT " LOCAL_SESSION_COLS " FROM local_cloud_sessions WHERE id_hash = $1 " \
	  "AND cloud_id = $2 AND expires_at > $3", \
	  NULL) \
	X(STMT_LOCAL_SESSION_DELETE, "DELETE FROM local_cloud_sessions WHERE id_hash = $1", NULL) \
	X(STMT_LOCAL_SESSION_SWEEP, "DELETE FROM local_cloud_sessions WHERE expires_at <= $1", NULL) \
	/* What the IdP holds of requests (tests: a refused request stores nothing). */ \
	X(STMT_SAML_STORED_COUNT, \
	  "SELECT (SELECT COUNT(*) FROM saml_seen) + (SELECT COUNT(*) FROM saml_pending)", NULL)
/* clang-format on */

#endif
