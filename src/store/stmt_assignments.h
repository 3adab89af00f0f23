/* SPDX-License-Identifier: MIT */
/* Statements for assignments (issue 4 §3): CSP users and their SCIM push state (links, queue,
 * per-environment sync marks); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_ASSIGNMENTS_H
#define GCAS_STORE_STMT_ASSIGNMENTS_H

/* clang-format off */
#define ASSIGNMENT_SELECT \
	"SELECT a.id, a.account_id, a.environment_id, a.project_id, a.agency_id, a.privilege, " \
	"a.active, a.created_by, a.created_at, a.revoked_at, a.revoked_reason, c.email, " \
	"c.family_name || ' ' || c.given_name, e.csp, e.kind, e.state, e.external_id, " \
	"e.console_url FROM assignments a JOIN accounts c ON c.id = a.account_id " \
	"JOIN environments e ON e.id = a.environment_id "
#define SCIM_LINK_COLS \
	"environment_id, kind, local_key, remote_id, pushed_hash, pushed_group, state, last_error, " \
	"checked_at, updated_at"
#define SCIM_QUEUE_COLS \
	"environment_id, op, key, state, attempts, next_attempt_at, lease_until, last_error, " \
	"created_at"
#define SCIM_TARGET_COLS \
	"e.id, e.project_id, e.agency_id, e.csp, e.kind, e.state, e.external_id, e.scim_url, " \
	"e.scim_token_sealed, e.closed_at, s.last_sync_at, s.last_drift_at, s.last_error, s.corrected"

#define STMT_LIST_ASSIGNMENTS(X) \
	X(STMT_ASSIGNMENT_INSERT, \
	  "INSERT INTO assignments (id, account_id, environment_id, project_id, agency_id, " \
	  "privilege, active, created_by, created_at, revoked_at, revoked_reason) VALUES ($1, $2, " \
	  "$3, $4, $5, $6, 1, $7, $8, NULL, NULL)", \
	  NULL) \
	X(STMT_ASSIGNMENT_GET, ASSIGNMENT_SELECT "WHERE a.id = $1", NULL) \
	X(STMT_ASSIGNMENT_GET_ACTIVE, \
	  ASSIGNMENT_SELECT "WHERE a.account_id = $1 AND a.environment_id = $2 AND a.active = 1", \
	  NULL) \
	/* The console page (S8): what the person may enter now. */ \
	X(STMT_ASSIGNMENTS_OF_ACCOUNT, \
	  ASSIGNMENT_SELECT "WHERE a.account_id = $1 AND a.active = 1 AND e.state = 'active' " \
	  "ORDER BY e.csp, e.kind, a.created_at, a.id LIMIT $2", \
	  NULL) \
	X(STMT_ASSIGNMENTS_OF_ENVIRONMENT, \
	  ASSIGNMENT_SELECT "WHERE a.environment_id = $1 AND ($2 = 0 OR a.active = 1) " \
	  "ORDER BY a.active DESC, a.created_at DESC, a.id DESC LIMIT $3", \
	  NULL) \
	X(STMT_ASSIGNMENT_REVOKE, \
	  "UPDATE assignments SET active = 0, revoked_at = $2, revoked_reason = $3 " \
	  "WHERE id = $1 AND active = 1", \
	  NULL) \
	X(STMT_ASSIGNMENTS_REVOKE_ENVIRONMENT, \
	  "UPDATE assignments SET active = 0, revoked_at = $2, revoked_reason = $3 " \
	  "WHERE environment_id = $1 AND active = 1", \
	  NULL) \
	X(STMT_ASSIGNMENTS_REVOKE_ACCOUNT, \
	  "UPDATE assignments SET active = 0, revoked_at = $2, revoked_reason = $3 " \
	  "WHERE account_id = $1 AND active = 1", \
	  NULL) \
	X(STMT_ASSIGNMENT_SET_PRIV, \
	  "UPDATE assignments SET privilege = $2 WHERE id = $1 AND active = 1", NULL) \
	/* The push (svc/scim_push.c): environments with a SCIM target and their sync marks. */ \
	X(STMT_SCIM_TARGET_GET, \
	  "SELECT " SCIM_TARGET_COLS " FROM environments e LEFT JOIN scim_sync s " \
	  "ON s.environment_id = e.id WHERE e.id = $1", \
	  NULL) \
	/* Due: open environments whose interval has passed or whose queue has due work, and \
	 * closed ones not pushed since they closed (their users must go inactive once). */ \
	X(STMT_SCIM_TARGETS_DUE, \
	  "SELECT e.id FROM environments e LEFT JOIN scim_sync s ON s.environment_id = e.id " \
	  "WHERE e.scim_url IS NOT NULL AND e.scim_url <> '' AND e.id > $4 AND (" \
	  "(e.state IN ('active','closing') AND (s.last_sync_at IS NULL OR s.last_sync_at <= $2)) " \
	  "OR (e.state = 'closed' AND (s.last_sync_at IS NULL OR s.last_sync_at < e.closed_at)) " \
	  "OR EXISTS (SELECT 1 FROM scim_queue q WHERE q.environment_id = e.id " \
	  "AND q.state = 'pending' AND q.next_attempt_at <= $1 " \
	  "AND (q.lease_until IS NULL OR q.lease_until < $1))) ORDER BY e.id LIMIT $3", \
	  NULL) \
	X(STMT_SCIM_TARGET_SET, \
	  "UPDATE environments SET scim_url = $2, scim_token_sealed = $3 WHERE id = $1", NULL) \
	X(STMT_SCIM_SYNC_PUT, \
	  "INSERT INTO scim_sync (environment_id, last_sync_at, last_drift_at, last_error, " \
	  "corrected) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (environment_id) DO UPDATE SET " \
	  "last_sync_at = excluded.last_sync_at, " \
	  "last_drift_at = COALESCE(excluded.last_drift_at, scim_sync.last_drift_at), " \
	  "last_error = excluded.last_error, " \
	  "corrected = COALESCE(excluded.corrected, scim_sync.corrected)", \
	  NULL) \
	/* Desired users of an environment: active assignments and their accounts. */ \
	X(STMT_SCIM_DESIRED_USERS, \
	  "SELECT a.account_id, a.privilege, c.email, c.family_name, c.given_name, c.status " \
	  "FROM assignments a JOIN accounts c ON c.id = a.account_id " \
	  "WHERE a.environment_id = $1 AND a.active = 1 ORDER BY a.account_id LIMIT $2", \
	  NULL) \
	X(STMT_SCIM_LINK_LIST, \
	  "SELECT " SCIM_LINK_COLS " FROM scim_links WHERE environment_id = $1 " \
	  "ORDER BY kind, local_key LIMIT $2", \
	  NULL) \
	X(STMT_SCIM_LINK_PUT, \
	  "INSERT INTO scim_links (" SCIM_LINK_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, " \
	  "$10) ON CONFLICT (environment_id, kind, local_key) DO UPDATE SET " \
	  "remote_id = excluded.remote_id, pushed_hash = excluded.pushed_hash, " \
	  "pushed_group = excluded.pushed_group, state = excluded.state, " \
	  "last_error = excluded.last_error, checked_at = excluded.checked_at, " \
	  "updated_at = excluded.updated_at", \
	  NULL) \
	X(STMT_SCIM_LINK_DELETE, \
	  "DELETE FROM scim_links WHERE environment_id = $1 AND kind = $2 AND local_key = $3", \
	  NULL) \
	/* A change asks for a push: a failed entry starts again from the first attempt. */ \
	X(STMT_SCIM_QUEUE_ADD, \
	  "INSERT INTO scim_queue (" SCIM_QUEUE_COLS ") VALUES ($1, $2, $3, 'pending', 0, $4, " \
	  "NULL, NULL, $4) ON CONFLICT (environment_id, op, key) DO UPDATE SET " \
	  "state = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at, " \
	  "lease_until = NULL, last_error = NULL, created_at = excluded.created_at", \
	  NULL) \
	X(STMT_SCIM_QUEUE_LIST, \
	  "SELECT " SCIM_QUEUE_COLS " FROM scim_queue WHERE environment_id = $1 " \
	  "ORDER BY op, key LIMIT $2", \
	  NULL) \
	X(STMT_SCIM_QUEUE_UPDATE, \
	  "UPDATE scim_queue SET state = $4, attempts = $5, next_attempt_at = $6, " \
	  "lease_until = $7, last_error = $8 WHERE environment_id = $1 AND op = $2 AND key = $3", \
	  NULL) \
	/* Done: removed unless a newer change re-queued it meanwhile (created_at moved on). */ \
	X(STMT_SCIM_QUEUE_DONE, \
	  "DELETE FROM scim_queue WHERE environment_id = $1 AND op = $2 AND key = $3 " \
	  "AND created_at <= $4", \
	  NULL) \
	X(STMT_SCIM_QUEUE_COUNT, \
	  "SELECT COUNT(*) FROM scim_queue WHERE state = $1", NULL)
/* clang-format on */

#endif
