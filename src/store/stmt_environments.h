/* SPDX-License-Identifier: MIT */
/* Statements for CSP environments, their requests and history, and the simulated cloud of the
 * local provisioning driver (issue 4 §2, S6); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_ENVIRONMENTS_H
#define GCAS_STORE_STMT_ENVIRONMENTS_H

/* clang-format off */
#define ENVIRONMENT_COLS \
	"id, project_id, agency_id, system_id, csp, kind, state, driver, external_id, console_url, " \
	"created_at, closed_at, scim_url, scim_token_sealed, saml_entity_id, saml_acs_url"
#define ENV_REQUEST_COLS \
	"id, kind, project_id, agency_id, system_id, environment_id, csp, env_kind, reason, state, " \
	"applicant_id, decided_by, decided_at, due_on, idempotency_key, attempts, next_attempt_at, " \
	"lease_until, last_error, created_at, updated_at"
#define LOCAL_CLOUD_COLS \
	"id, idempotency_key, csp, kind, project_id, label, state, created_at, closed_at"

#define STMT_LIST_ENVIRONMENTS(X) \
	X(STMT_ENVIRONMENT_INSERT, \
	  "INSERT INTO environments (" ENVIRONMENT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " \
	  "$9, $10, $11, $12, $13, $14, $15, $16)", \
	  NULL) \
	X(STMT_ENVIRONMENT_GET, "SELECT " ENVIRONMENT_COLS " FROM environments WHERE id = $1", NULL) \
	X(STMT_ENVIRONMENT_LIST, \
	  "SELECT " ENVIRONMENT_COLS " FROM environments WHERE ($1::text IS NULL OR agency_id = $1) " \
	  "AND ($2::text IS NULL OR project_id = $2) " \
	  "AND ($3::bigint IS NULL OR created_at < $3 OR (created_at = $3 AND id < $4)) " \
	  "ORDER BY created_at DESC, id DESC LIMIT $5", \
	  NULL) \
	/* What the driver returned (migration 0008) is written only when given: a close keeps \
	 * what the create stored. */ \
	X(STMT_ENVIRONMENT_SET, \
	  "UPDATE environments SET state = $2, external_id = COALESCE($3, external_id), " \
	  "console_url = COALESCE($4, console_url), closed_at = $5, " \
	  "scim_url = COALESCE($6, scim_url), " \
	  "scim_token_sealed = COALESCE($7, scim_token_sealed), " \
	  "saml_entity_id = COALESCE($8, saml_entity_id), " \
	  "saml_acs_url = COALESCE($9, saml_acs_url) WHERE id = $1", \
	  NULL) \
	X(STMT_ENV_REQUEST_INSERT, \
	  "INSERT INTO env_requests (" ENV_REQUEST_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " \
	  "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)", \
	  NULL) \
	X(STMT_ENV_REQUEST_GET, "SELECT " ENV_REQUEST_COLS " FROM env_requests WHERE id = $1", NULL) \
	X(STMT_ENV_REQUEST_GET_BY_KEY, \
	  "SELECT " ENV_REQUEST_COLS " FROM env_requests WHERE idempotency_key = $1", NULL) \
	X(STMT_ENV_REQUEST_LIST, \
	  "SELECT " ENV_REQUEST_COLS " FROM env_requests WHERE ($1::text IS NULL OR agency_id = $1) " \
	  "AND ($2::text IS NULL OR project_id = $2) AND ($6::text IS NULL OR state = $6) " \
	  "AND ($3::bigint IS NULL OR created_at < $3 OR (created_at = $3 AND id < $4)) " \
	  "ORDER BY created_at DESC, id DESC LIMIT $5", \
	  NULL) \
	/* Open delete requests of an environment: one at a time. */ \
	X(STMT_ENV_REQUEST_OPEN_DELETES, \
	  "SELECT COUNT(*) FROM env_requests WHERE environment_id = $1 AND kind = 'delete' " \
	  "AND state IN ('submitted','approved')", \
	  NULL) \
	/* Every field the workflow moves, written whole (the use case read the row in the same \
	 * transaction; the state guard refuses a transition another node made first). */ \
	X(STMT_ENV_REQUEST_UPDATE, \
	  "UPDATE env_requests SET environment_id = $3, state = $4, decided_by = $5, " \
	  "decided_at = $6, due_on = $7, attempts = $8, next_attempt_at = $9, lease_until = $10, " \
	  "last_error = $11, updated_at = $12 WHERE id = $1 AND state = $2 " \
	  "AND (lease_until IS NULL OR lease_until < $12 OR lease_until = $13)", \
	  NULL) \
	/* Approved requests whose next attempt is due and whose lease (if any) ran out. */ \
	X(STMT_ENV_REQUEST_DUE, \
	  "SELECT id FROM env_requests WHERE state = 'approved' AND next_attempt_at <= $1 " \
	  "AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at, id LIMIT $2", \
	  NULL) \
	/* R2.3 report: requests approved in [$1, $2) that went on. A fulfilled request changes no \
	 * more, so its updated_at is when it was fulfilled. */ \
	X(STMT_ENV_REQUEST_SLO_ROWS, \
	  "SELECT kind, state, due_on, updated_at FROM env_requests WHERE decided_at >= $1 " \
	  "AND decided_at < $2 AND state IN ('approved','fulfilled','failed')", \
	  NULL) \
	X(STMT_ENV_EVENT_INSERT, \
	  "INSERT INTO env_request_events (request_id, seq, at, actor_id, event, note) " \
	  "SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM env_request_events " \
	  "WHERE request_id = $1", \
	  NULL) \
	X(STMT_ENV_EVENT_LIST, \
	  "SELECT request_id, seq, at, actor_id, event, note FROM env_request_events " \
	  "WHERE request_id = $1 ORDER BY seq LIMIT $2", \
	  NULL) \
	X(STMT_LOCAL_CLOUD_INSERT, \
	  "INSERT INTO local_cloud (" LOCAL_CLOUD_COLS ") VALUES ($1, $2, $3, $4, $5, $6, 'open', " \
	  "$7, NULL)", \
	  NULL) \
	X(STMT_LOCAL_CLOUD_GET, "SELECT " LOCAL_CLOUD_COLS " FROM local_cloud WHERE id = $1", NULL) \
	X(STMT_LOCAL_CLOUD_GET_BY_KEY, \
	  "SELECT " LOCAL_CLOUD_COLS " FROM local_cloud WHERE idempotency_key = $1", NULL) \
	X(STMT_LOCAL_CLOUD_CLOSE, \
	  "UPDATE local_cloud SET state = 'closed', closed_at = COALESCE(closed_at, $2) " \
	  "WHERE id = $1", \
	  NULL)
/* clang-format on */

#endif
