/* SPDX-License-Identifier: MIT */
/* Statements for the mail outbox and the operator's blocklist (R2.8, R5.5); part of the closed
 * table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_OUTBOX_H
#define GCAS_STORE_STMT_OUTBOX_H

#define OUTBOX_COLS                                                                                \
	"id, to_addr, account_id, template, subject, body, state, attempts, next_attempt_at, "     \
	"lease_until, last_error, created_at, sent_at, sensitive"

/* clang-format off */
#define STMT_LIST_OUTBOX(X) \
	X(STMT_OUTBOX_INSERT, \
	  "INSERT INTO outbox (" OUTBOX_COLS ") VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, " \
	  "0, NULL, $7, NULL, $8)", \
	  NULL) \
	/* Lease a batch of due messages so another node (or a second `gcas mail deliver`) skips \
	 * them: on PostgreSQL SKIP LOCKED lets concurrent leasers pass each other's rows; SQLite's \
	 * BEGIN IMMEDIATE already serialises writers. */ \
	X(STMT_OUTBOX_LEASE, \
	  "UPDATE outbox SET lease_until = $2 WHERE id IN (SELECT id FROM outbox " \
	  "WHERE state = 'queued' AND next_attempt_at <= $1 AND lease_until <= $1 " \
	  "ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING " OUTBOX_COLS, \
	  "UPDATE outbox SET lease_until = $2 WHERE id IN (SELECT id FROM outbox " \
	  "WHERE state = 'queued' AND next_attempt_at <= $1 AND lease_until <= $1 " \
	  "ORDER BY next_attempt_at, id LIMIT $3) RETURNING " OUTBOX_COLS) \
	X(STMT_OUTBOX_SENT, \
	  "UPDATE outbox SET state = 'sent', sent_at = $2, attempts = attempts + 1, " \
	  "lease_until = 0, last_error = NULL WHERE id = $1 AND state = 'queued'", \
	  NULL) \
	X(STMT_OUTBOX_RETRY, \
	  "UPDATE outbox SET state = $2, attempts = $3, next_attempt_at = $4, lease_until = 0, " \
	  "last_error = $5 WHERE id = $1 AND state = 'queued'", \
	  NULL) \
	/* A message whose body carried a secret keeps only a fixed notice once it is sent or has \
	 * failed for good (migration 0012); in the transaction that records the outcome. */ \
	X(STMT_OUTBOX_ERASE_BODY, \
	  "UPDATE outbox SET body = $2 WHERE id = $1 AND sensitive = 1", \
	  NULL) \
	/* mail.retention: sent rows older than the cutoff by sent_at, failed ones by created_at \
	 * (they were never sent); queued rows are never purged. created_at < $1 holds for both \
	 * (sent_at >= created_at) and lets the outbox_done index find them. One batch per call. */ \
	X(STMT_OUTBOX_PURGE, \
	  "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state IN ('sent', " \
	  "'failed') AND created_at < $1 AND COALESCE(sent_at, created_at) < $1 LIMIT $2)", \
	  NULL) \
	X(STMT_OUTBOX_GET, "SELECT " OUTBOX_COLS " FROM outbox WHERE id = $1", NULL) \
	X(STMT_OUTBOX_LIST, \
	  "SELECT " OUTBOX_COLS " FROM outbox WHERE ($1::text IS NULL OR state = $1) " \
	  "AND ($2::text IS NULL OR to_addr = $2) ORDER BY created_at, id LIMIT $3", \
	  NULL) \
	X(STMT_OUTBOX_COUNT, \
	  "SELECT COUNT(*) FROM outbox WHERE ($1::text IS NULL OR state = $1)", NULL) \
	/* R2.9 + 5.2.1: an organisation ends its use: the mail to its people (and those of the \
	 * orgs below it) goes, queued or sent, with the names and addresses in it. */ \
	X(STMT_OUTBOX_ORG_DELETE, \
	  "DELETE FROM outbox WHERE account_id IN (SELECT id FROM accounts WHERE org_id = $1 " \
	  "OR agency_id = $1 OR project_id = $1) OR to_addr IN (SELECT email FROM accounts " \
	  "WHERE org_id = $1 OR agency_id = $1 OR project_id = $1) OR to_addr IN (SELECT " \
	  "pending_email FROM accounts WHERE (org_id = $1 OR agency_id = $1 OR project_id = $1) " \
	  "AND pending_email IS NOT NULL)", \
	  NULL) \
	/* ... and the application mails about them sent to managers outside the scope: each \
	 * carries its application's page address, /applications/<id>. */ \
	X(STMT_OUTBOX_ORG_APP_DELETE, \
	  "DELETE FROM outbox WHERE template LIKE 'application.%' AND EXISTS (SELECT 1 FROM " \
	  "applications ap WHERE (ap.org_id = $1 OR ap.agency_id = $1 OR ap.project_id = $1) " \
	  "AND ap.kind <> 'org_end' AND outbox.body LIKE '%/applications/' || ap.id || '%')", \
	  NULL) \
	/* blocklist */ \
	X(STMT_BLOCK_INSERT, \
	  "INSERT INTO mail_blocklist (id, pattern, note, created_by, created_at) " \
	  "VALUES ($1, $2, $3, $4, $5)", \
	  NULL) \
	X(STMT_BLOCK_DELETE, "DELETE FROM mail_blocklist WHERE id = $1", NULL) \
	X(STMT_BLOCK_GET, \
	  "SELECT id, pattern, note, created_by, created_at FROM mail_blocklist WHERE id = $1", \
	  NULL) \
	X(STMT_BLOCK_LIST, \
	  "SELECT id, pattern, note, created_by, created_at FROM mail_blocklist " \
	  "ORDER BY pattern COLLATE \"C\" LIMIT $1", \
	  "SELECT id, pattern, note, created_by, created_at FROM mail_blocklist " \
	  "ORDER BY pattern LIMIT $1") \
	/* addresses (R2.8): held by another live account, as its address or one awaiting \
	 * verification */ \
	X(STMT_EMAIL_IN_USE, \
	  "SELECT COUNT(*) FROM accounts WHERE status <> 'deleted' " \
	  "AND (lower(email) = lower($1) OR lower(pending_email) = lower($1)) " \
	  "AND ($2::text IS NULL OR id <> $2)", \
	  NULL) \
	X(STMT_ACCOUNT_SET_PENDING_EMAIL, \
	  "UPDATE accounts SET pending_email = $2, updated_at = $3, version = version + 1 " \
	  "WHERE id = $1 AND status <> 'deleted'", \
	  NULL) \
	X(STMT_ACCOUNT_EMAIL_VERIFIED, \
	  "UPDATE accounts SET email_verified_at = $2 WHERE id = $1 AND status <> 'deleted'", \
	  NULL) \
	X(STMT_ACCOUNT_EMAIL_APPLY, \
	  "UPDATE accounts SET email = pending_email, pending_email = NULL, " \
	  "email_verified_at = $2, updated_at = $2, version = version + 1 " \
	  "WHERE id = $1 AND pending_email IS NOT NULL AND status <> 'deleted'", \
	  NULL) \
	/* one-time links of one purpose only: a 'verify' link must never set a password */ \
	X(STMT_LINK_USE_PURPOSE, \
	  "UPDATE account_links SET used_at = $2 WHERE id_hash = $1 AND purpose = $3 " \
	  "AND used_at IS NULL AND expires_at > $2 RETURNING account_id, purpose", \
	  NULL) \
	X(STMT_LINK_PEEK_PURPOSE, \
	  "SELECT account_id, purpose FROM account_links WHERE id_hash = $1 AND purpose = $3 " \
	  "AND used_at IS NULL AND expires_at > $2", \
	  NULL) \
	X(STMT_LINK_REVOKE_PURPOSE, \
	  "UPDATE account_links SET used_at = $2 WHERE account_id = $1 AND purpose = $3 " \
	  "AND used_at IS NULL", \
	  NULL)
/* clang-format on */

#endif
