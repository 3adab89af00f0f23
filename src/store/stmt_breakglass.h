/* SPDX-License-Identifier: MIT */
/* Statements for BreakGlass (issue 4 §6): registrations of requesters and approvers, emergency
 * requests with their history, and the local driver's emergency users; part of the closed
 * table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_BREAKGLASS_H
#define GCAS_STORE_STMT_BREAKGLASS_H

/* clang-format off */
#define BG_REG_SELECT \
	"SELECT r.id, r.account_id, r.environment_id, r.project_id, r.agency_id, r.role, " \
	"r.registered_by, r.registered_at, r.revoked_by, r.revoked_at, a.email, e.external_id, " \
	"e.csp FROM bg_registrations r JOIN accounts a ON a.id = r.account_id " \
	"JOIN environments e ON e.id = r.environment_id "
#define BG_REQ_COLS \
	"id, requester_id, environment_id, project_id, agency_id, reason, critical_work, " \
	"work_date, ttl, state, approver_id, decided_at, decision_note, credential_id, login_url, " \
	"issued_at, expires_at, revoke_requested_at, revoked_by, ended_at, idempotency_key, " \
	"attempts, next_attempt_at, lease_until, last_error, created_at, updated_at"
#define BG_REQ_SELECT \
	"SELECT q.id, q.requester_id, q.environment_id, q.project_id, q.agency_id, q.reason, " \
	"q.critical_work, q.work_date, q.ttl, q.state, q.approver_id, q.decided_at, " \
	"q.decision_note, q.credential_id, q.login_url, q.issued_at, q.expires_at, " \
	"q.revoke_requested_at, q.revoked_by, q.ended_at, q.idempotency_key, q.attempts, " \
	"q.next_attempt_at, q.lease_until, q.last_error, q.created_at, q.updated_at, " \
	"ra.email, pa.email, e.external_id, e.csp FROM bg_requests q " \
	"JOIN accounts ra ON ra.id = q.requester_id LEFT JOIN accounts pa ON pa.id = q.approver_id " \
	"JOIN environments e ON e.id = q.environment_id "
#define LOCAL_BG_COLS \
	"id, cloud_id, idempotency_key, person_email, privilege, secret_hash, expires_at, " \
	"revoked_at, created_at, last_used_at"

#define STMT_LIST_BREAKGLASS(X) \
	X(STMT_BG_REG_INSERT, \
	  "INSERT INTO bg_registrations (id, account_id, environment_id, project_id, agency_id, " \
	  "role, registered_by, registered_at, revoked_by, revoked_at) VALUES ($1, $2, $3, $4, $5, " \
	  "$6, $7, $8, NULL, NULL)", \
	  NULL) \
	X(STMT_BG_REG_GET, BG_REG_SELECT "WHERE r.id = $1", NULL) \
	/* The live registration of an account for an environment in a role. */ \
	X(STMT_BG_REG_LIVE, \
	  BG_REG_SELECT "WHERE r.account_id = $1 AND r.environment_id = $2 AND r.role = $3 " \
	  "AND r.revoked_at IS NULL", \
	  NULL) \
	X(STMT_BG_REG_REVOKE, \
	  "UPDATE bg_registrations SET revoked_by = $2, revoked_at = $3 WHERE id = $1 " \
	  "AND revoked_at IS NULL", \
	  NULL) \
	/* Live registrations, filtered (NULL: any), newest first. */ \
	X(STMT_BG_REG_LIST, \
	  BG_REG_SELECT "WHERE r.revoked_at IS NULL AND ($1::text IS NULL OR r.agency_id = $1) " \
	  "AND ($2::text IS NULL OR r.project_id = $2) " \
	  "AND ($3::text IS NULL OR r.environment_id = $3) " \
	  "AND ($4::text IS NULL OR r.account_id = $4) AND ($5::text IS NULL OR r.role = $5) " \
	  "ORDER BY r.registered_at DESC, r.id LIMIT $6", \
	  NULL) \
	X(STMT_BG_REQ_INSERT, \
	  "INSERT INTO bg_requests (" BG_REQ_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, " \
	  "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, " \
	  "$27)", \
	  NULL) \
	X(STMT_BG_REQ_GET, BG_REQ_SELECT "WHERE q.id = $1", NULL) \
	X(STMT_BG_REQ_GET_BY_KEY, BG_REQ_SELECT "WHERE q.idempotency_key = $1", NULL) \
	/* Every field the workflow moves, provided the stored state is still $2 (a transition \
	 * another node made first is refused) and no live lease ($18 is now) is held by anyone \
	 * but the writer ($19): a claim leaves the state as it was, and on PostgreSQL (READ \
	 * COMMITTED) a writer that read the row before another's claim would pass the state \
	 * test alone. */ \
	X(STMT_BG_REQ_UPDATE, \
	  "UPDATE bg_requests SET state = $3, approver_id = $4, decided_at = $5, " \
	  "decision_note = $6, credential_id = $7, login_url = $8, issued_at = $9, " \
	  "expires_at = $10, revoke_requested_at = $11, revoked_by = $12, ended_at = $13, " \
	  "attempts = $14, next_attempt_at = $15, lease_until = $16, last_error = $17, " \
	  "updated_at = $18 WHERE id = $1 AND state = $2 " \
	  "AND (lease_until IS NULL OR lease_until < $18 OR lease_until = $19)", \
	  NULL) \
	/* Newest first, filtered (NULL: any), keyset cursor ($5, $6) over (created_at, id). */ \
	X(STMT_BG_REQ_LIST, \
	  BG_REQ_SELECT "WHERE ($1::text IS NULL OR q.agency_id = $1) " \
	  "AND ($2::text IS NULL OR q.project_id = $2) " \
	  "AND ($3::text IS NULL OR q.environment_id = $3) " \
	  "AND ($4::text IS NULL OR q.requester_id = $4) " \
	  "AND ($5::bigint IS NULL OR q.created_at < $5 OR (q.created_at = $5 AND q.id < $6)) " \
	  "ORDER BY q.created_at DESC, q.id DESC LIMIT $7", \
	  NULL) \
	/* What the job has to do now: approved requests to issue, issued ones at or past expiry \
	 * or asked to end; each when its next attempt is due and no run holds its lease. */ \
	X(STMT_BG_REQ_DUE, \
	  "SELECT id FROM bg_requests WHERE (state = 'approved' OR (state = 'issued' AND " \
	  "(expires_at <= $1 OR revoke_requested_at IS NOT NULL))) " \
	  "AND (next_attempt_at IS NULL OR next_attempt_at <= $1) " \
	  "AND (lease_until IS NULL OR lease_until < $1) ORDER BY id LIMIT $2", \
	  NULL) \
	X(STMT_BG_EVENT_INSERT, \
	  "INSERT INTO bg_events (request_id, seq, at, actor_id, event, note) " \
	  "SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM bg_events " \
	  "WHERE request_id = $1", \
	  NULL) \
	X(STMT_BG_EVENT_LIST, \
	  "SELECT request_id, seq, at, actor_id, event, note FROM bg_events " \
	  "WHERE request_id = $1 ORDER BY seq LIMIT $2", \
	  NULL) \
	X(STMT_LOCAL_BG_INSERT, \
	  "INSERT INTO local_cloud_bg_creds (" LOCAL_BG_COLS ") VALUES ($1, $2, $3, $4, $5, $6, " \
	  "$7, NULL, $8, NULL)", \
	  NULL) \
	X(STMT_LOCAL_BG_GET, "SELECT " LOCAL_BG_COLS " FROM local_cloud_bg_creds WHERE id = $1", \
	  NULL) \
	X(STMT_LOCAL_BG_GET_BY_KEY, \
	  "SELECT " LOCAL_BG_COLS " FROM local_cloud_bg_creds WHERE idempotency_key = $1", NULL) \
	/* A retried issue (its answer was lost): a new secret for the same user. */ \
	X(STMT_LOCAL_BG_RESECRET, \
	  "UPDATE local_cloud_bg_creds SET secret_hash = $2, expires_at = $3 WHERE id = $1 " \
	  "AND revoked_at IS NULL", \
	  NULL) \
	X(STMT_LOCAL_BG_REVOKE, \
	  "UPDATE local_cloud_bg_creds SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1", \
	  NULL) \
	X(STMT_LOCAL_BG_USED, \
	  "UPDATE local_cloud_bg_creds SET last_used_at = $2 WHERE id = $1", NULL)
/* clang-format on */

#endif
