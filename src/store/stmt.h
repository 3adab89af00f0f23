/* SPDX-License-Identifier: MIT */
/* The closed table of SQL statements (kcgi/sqlbox lesson: declare, then dispatch). The web and
 * service layers never see SQL; the store picks a statement by id. One text per statement in
 * PostgreSQL's $n syntax; the SQLite driver rewrites $n to ?n at prepare time, and a statement
 * may carry a SQLite-specific text where the dialects differ. */
#ifndef GCAS_STORE_STMT_H
#define GCAS_STORE_STMT_H

#include <stddef.h>

#define ORG_COLS                                                                                   \
	"id, kind, name, code, agency_type, parent_id, agency_id, project_id, created_at, "        \
	"updated_at"
#define ACCOUNT_COLS                                                                               \
	"id, email, family_name, given_name, family_kana, given_kana, role, org_id, agency_id, "   \
	"project_id, status, disabled_reason, password_hash, created_at, activated_at, "           \
	"last_signin_at, updated_at, version, email_verified_at, pending_email, last_active_at, "  \
	"inactivity_warned, departure_on"
#define FACTOR_COLS                                                                                \
	"id, account_id, kind, label, secret, credential_id, public_key, sign_count, "             \
	"last_used_step, confirmed, created_at, used_at"
#define SESSION_COLS                                                                               \
	"id_hash, account_id, csrf, lang, ip, created_at, last_seen_at, expires_at, mfa_at, "      \
	"reauth_at"
#define GROUP_COLS "g.id, g.kind, g.org_id, g.agency_id, g.project_id, g.name, g.created_at"
#define TOKEN_COLS                                                                                 \
	"id, account_id, name, token_hash, scopes, created_at, expires_at, last_used_at, "         \
	"revoked_at"
#define AUDIT_COLS                                                                                 \
	"seq, at, actor_id, actor_label, action, target_type, target_id, agency_id, outcome, "     \
	"detail, ip, request_id, prev_hash, hash, mac"

/* X(id, sql, sqlite_override_or_NULL) */
#define STMT_LIST_CORE(X)                                                                          \
	X(STMT_MIGRATIONS_TABLE,                                                                   \
	  "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "             \
	  "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",                                       \
	  NULL)                                                                                    \
	X(STMT_MIGRATION_VERSION, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL) \
	/* Several nodes may migrate at once: on PostgreSQL a transaction-scoped advisory lock     \
	 * orders them; SQLite's BEGIN IMMEDIATE already does. */                                  \
	X(STMT_MIGRATION_LOCK, "SELECT pg_advisory_xact_lock(74677261)", "SELECT 1")               \
	X(STMT_MIGRATION_RECORD,                                                                   \
	  "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", NULL)   \
	X(STMT_SCHEMA_COLUMNS,                                                                     \
	  "SELECT table_name || '.' || column_name FROM information_schema.columns "               \
	  "WHERE table_schema = current_schema() ORDER BY (table_name || '.' || column_name) "     \
	  "COLLATE \"C\"",                                                                         \
	  "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p "      \
	  "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1")                      \
	/* organisations */                                                                        \
	X(STMT_ORG_INSERT,                                                                         \
	  "INSERT INTO orgs (" ORG_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",      \
	  NULL)                                                                                    \
	X(STMT_ORG_GET, "SELECT " ORG_COLS " FROM orgs WHERE id = $1", NULL)                       \
	X(STMT_ORG_GET_BY_CODE, "SELECT " ORG_COLS " FROM orgs WHERE code = $1", NULL)             \
	X(STMT_ORG_OPERATOR, "SELECT " ORG_COLS " FROM orgs WHERE kind = 'operator' LIMIT 1",      \
	  NULL)                                                                                    \
	X(STMT_ORG_UPDATE_NAME, "UPDATE orgs SET name = $2, updated_at = $3 WHERE id = $1", NULL)  \
	X(STMT_ORG_LIST,                                                                           \
	  "SELECT " ORG_COLS " FROM orgs WHERE ($1::text IS NULL OR agency_id = $1) "              \
	  "AND ($2::text IS NULL OR kind = $2) "                                                   \
	  "AND ($3::text IS NULL OR name > $3 OR (name = $3 AND id > $4)) "                        \
	  "AND ($6::text IS NULL OR project_id = $6) AND ($7::text IS NULL OR id = $7) "           \
	  "ORDER BY name, id LIMIT $5",                                                            \
	  NULL)                                                                                    \
	/* accounts */                                                                             \
	X(STMT_ACCOUNT_INSERT,                                                                     \
	  "INSERT INTO accounts (" ACCOUNT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "   \
	  "$10, $11, $12, $13, $14, $15, $16, $17, 1, $18, $19, $20, 0, $21)",                     \
	  NULL)                                                                                    \
	X(STMT_ACCOUNT_GET, "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = $1", NULL)           \
	X(STMT_ACCOUNT_GET_BY_EMAIL, "SELECT " ACCOUNT_COLS " FROM accounts WHERE email = $1",     \
	  NULL)                                                                                    \
	X(STMT_ACCOUNT_UPDATE,                                                                     \
	  "UPDATE accounts SET email = $2, family_name = $3, given_name = $4, family_kana = $5, "  \
	  "given_kana = $6, updated_at = $7, version = version + 1 WHERE id = $1 AND version = "   \
	  "$8",                                                                                    \
	  NULL)                                                                                    \
	X(STMT_ACCOUNT_SET_STATUS,                                                                 \
	  "UPDATE accounts SET status = $2, disabled_reason = $3, updated_at = $4, "               \
	  "version = version + 1 WHERE id = $1 AND status <> 'deleted'",                           \
	  NULL)                                                                                    \
	X(STMT_ACCOUNT_SET_PASSWORD,                                                               \
	  "UPDATE accounts SET password_hash = $2, updated_at = $3 WHERE id = $1", NULL)           \
	X(STMT_ACCOUNT_SIGNED_IN,                                                                  \
	  "UPDATE accounts SET last_signin_at = $2, last_active_at = $2, inactivity_warned = 0, "  \
	  "activated_at = COALESCE(activated_at, $2), "                                            \
	  "status = CASE WHEN status = 'pending' THEN 'active' ELSE status END WHERE id = $1",     \
	  NULL)                                                                                    \
	X(STMT_ACCOUNT_LIST,                                                                       \
	  "SELECT " ACCOUNT_COLS " FROM accounts WHERE ($1::text IS NULL OR agency_id = $1) "      \
	  "AND ($2::text IS NULL OR project_id = $2) AND ($3::text IS NULL OR org_id = $3) "       \
	  "AND ($4::text IS NULL OR role = $4) "                                                   \
	  "AND (($5::text IS NULL AND status <> 'deleted') OR status = $5) "                       \
	  "AND ($6::text IS NULL OR lower(email) LIKE lower($6) ESCAPE '\\' "                      \
	  "OR lower(family_name || given_name) LIKE lower($6) ESCAPE '\\' "                        \
	  "OR family_kana || given_kana LIKE $6 ESCAPE '\\') "                                     \
	  "AND ($7::text IS NULL OR email > $7) AND ($9::text IS NULL OR id = $9) "                \
	  "ORDER BY email LIMIT $8",                                                               \
	  NULL)                                                                                    \
	X(STMT_ACCOUNT_COUNT, "SELECT COUNT(*) FROM accounts", NULL)                               \
	X(STMT_OPERATOR_COUNT,                                                                     \
	  "SELECT COUNT(*) FROM accounts WHERE role = 'operator' AND status <> 'deleted'", NULL)   \
	/* factors */                                                                              \
	X(STMT_FACTOR_INSERT,                                                                      \
	  "INSERT INTO factors (" FACTOR_COLS                                                      \
	  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "                                    \
	  "$11, $12)",                                                                             \
	  NULL)                                                                                    \
	X(STMT_FACTOR_LIST,                                                                        \
	  "SELECT " FACTOR_COLS                                                                    \
	  " FROM factors WHERE account_id = $1 ORDER BY kind, created_at, id",                     \
	  NULL)                                                                                    \
	X(STMT_FACTOR_CONFIRM, "UPDATE factors SET confirmed = 1, used_at = $2 WHERE id = $1",     \
	  NULL)                                                                                    \
	X(STMT_FACTOR_USE_STEP,                                                                    \
	  "UPDATE factors SET last_used_step = $2, used_at = $3 WHERE id = $1 "                    \
	  "AND last_used_step < $2",                                                               \
	  NULL)                                                                                    \
	X(STMT_FACTOR_USE_ONCE,                                                                    \
	  "UPDATE factors SET used_at = $2 WHERE id = $1 AND used_at IS NULL", NULL)               \
	X(STMT_FACTOR_CREDENTIAL_COUNT, "SELECT COUNT(*) FROM factors WHERE credential_id = $1",   \
	  NULL)                                                                                    \
	X(STMT_FACTOR_USE_COUNT,                                                                   \
	  "UPDATE factors SET sign_count = $2, used_at = $3 WHERE id = $1 "                        \
	  "AND (sign_count < $2 OR (sign_count = 0 AND $2 = 0))",                                  \
	  NULL)                                                                                    \
	X(STMT_FACTOR_DELETE, "DELETE FROM factors WHERE id = $1 AND account_id = $2", NULL)       \
	X(STMT_FACTOR_DELETE_ALL,                                                                  \
	  "DELETE FROM factors WHERE account_id = $1 AND ($2::text IS NULL OR kind = $2)", NULL)   \
	/* sessions */                                                                             \
	X(STMT_SESSION_INSERT,                                                                     \
	  "INSERT INTO sessions (" SESSION_COLS                                                    \
	  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",                                    \
	  NULL)                                                                                    \
	X(STMT_SESSION_GET, "SELECT " SESSION_COLS " FROM sessions WHERE id_hash = $1", NULL)      \
	X(STMT_SESSION_TOUCH, "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1", NULL)    \
	X(STMT_SESSION_MFA, "UPDATE sessions SET mfa_at = $2, reauth_at = $2 WHERE id_hash = $1",  \
	  NULL)                                                                                    \
	X(STMT_SESSION_REAUTH, "UPDATE sessions SET reauth_at = $2 WHERE id_hash = $1", NULL)      \
	X(STMT_SESSION_SET_LANG, "UPDATE sessions SET lang = $2 WHERE id_hash = $1", NULL)         \
	X(STMT_SESSION_DELETE, "DELETE FROM sessions WHERE id_hash = $1", NULL)                    \
	X(STMT_SESSION_DELETE_ACCOUNT, "DELETE FROM sessions WHERE account_id = $1", NULL)         \
	X(STMT_SESSION_DELETE_OTHERS,                                                              \
	  "DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2", NULL)                    \
	X(STMT_SESSION_SWEEP, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2",  \
	  NULL)                                                                                    \
	X(STMT_SESSION_COUNT, "SELECT COUNT(*) FROM sessions", NULL)                               \
	/* R7.2: the operator's declared access purpose, kept with the session */                  \
	X(STMT_SESSION_PURPOSE_SET,                                                                \
	  "UPDATE sessions SET purpose = $2, reason = $3, purpose_until = $4 WHERE id_hash = $1",  \
	  NULL)                                                                                    \
	X(STMT_SESSION_PURPOSE_GET,                                                                \
	  "SELECT purpose, reason, purpose_until FROM sessions WHERE id_hash = $1", NULL)          \
	/* throttle */                                                                             \
	X(STMT_THROTTLE_GET,                                                                       \
	  "SELECT failures, window_start, locked_until FROM throttle WHERE key = $1", NULL)        \
	X(STMT_THROTTLE_PUT,                                                                       \
	  "INSERT INTO throttle (key, failures, window_start, locked_until) VALUES ($1, $2, $3, "  \
	  "$4) "                                                                                   \
	  "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "                         \
	  "window_start = excluded.window_start, locked_until = excluded.locked_until",            \
	  NULL)                                                                                    \
	X(STMT_THROTTLE_ENSURE,                                                                    \
	  "INSERT INTO throttle (key, failures, window_start, locked_until) VALUES ($1, 0, 0, 0) " \
	  "ON CONFLICT (key) DO NOTHING",                                                          \
	  NULL)                                                                                    \
	X(STMT_THROTTLE_LOCK,                                                                      \
	  "SELECT failures, window_start, locked_until FROM throttle WHERE key = $1 FOR UPDATE",   \
	  "SELECT failures, window_start, locked_until FROM throttle WHERE key = $1")              \
	X(STMT_THROTTLE_CLEAR, "DELETE FROM throttle WHERE key = $1", NULL)                        \
	X(STMT_THROTTLE_SWEEP,                                                                     \
	  "DELETE FROM throttle WHERE locked_until <= $1 AND window_start < $2", NULL)             \
	/* groups */                                                                               \
	X(STMT_GROUP_INSERT,                                                                       \
	  "INSERT INTO member_groups (id, kind, org_id, agency_id, project_id, name, created_at) " \
	  "VALUES ($1, $2, $3, $4, $5, $6, $7)",                                                   \
	  NULL)                                                                                    \
	X(STMT_GROUP_GET,                                                                          \
	  "SELECT " GROUP_COLS ", (SELECT COUNT(*) FROM memberships m WHERE m.group_id = g.id) "   \
	  "FROM member_groups g WHERE g.id = $1",                                                  \
	  NULL)                                                                                    \
	X(STMT_GROUP_OF_ORG,                                                                       \
	  "SELECT " GROUP_COLS ", (SELECT COUNT(*) FROM memberships m WHERE m.group_id = g.id) "   \
	  "FROM member_groups g WHERE g.org_id = $1",                                              \
	  NULL)                                                                                    \
	X(STMT_GROUP_LIST,                                                                         \
	  "SELECT " GROUP_COLS ", (SELECT COUNT(*) FROM memberships m WHERE m.group_id = g.id) "   \
	  "FROM member_groups g WHERE ($1::text IS NULL OR g.agency_id = $1) "                     \
	  "AND ($2::text IS NULL OR g.name > $2 OR (g.name = $2 AND g.id > $3)) "                  \
	  "AND ($5::text IS NULL OR g.project_id = $5) "                                           \
	  "ORDER BY g.name, g.id LIMIT $4",                                                        \
	  NULL)                                                                                    \
	X(STMT_GROUP_RENAME_FOR_ORG, "UPDATE member_groups SET name = $2 WHERE org_id = $1", NULL) \
	X(STMT_MEMBER_ADD,                                                                         \
	  "INSERT INTO memberships (group_id, account_id, added_by, added_at, ends_at) "           \
	  "VALUES ($1, $2, $3, $4, $5)",                                                           \
	  NULL)                                                                                    \
	X(STMT_MEMBER_REMOVE, "DELETE FROM memberships WHERE group_id = $1 AND account_id = $2",   \
	  NULL)                                                                                    \
	X(STMT_MEMBER_EXPIRED,                                                                     \
	  "SELECT m.group_id, m.account_id, g.agency_id FROM memberships m "                       \
	  "JOIN member_groups g ON g.id = m.group_id WHERE m.ends_at IS NOT NULL "                 \
	  "AND m.ends_at <= $1 ORDER BY m.ends_at LIMIT $2",                                       \
	  NULL)                                                                                    \
	X(STMT_MEMBER_REMOVE_ALL, "DELETE FROM memberships WHERE account_id = $1", NULL)           \
	X(STMT_MEMBER_LIST,                                                                        \
	  "SELECT m.group_id, m.account_id, m.added_by, m.added_at, m.ends_at, a.email, "          \
	  "a.family_name, a.given_name, a.role, a.org_id, a.agency_id, a.project_id "              \
	  "FROM memberships m JOIN accounts a "                                                    \
	  "ON a.id = m.account_id WHERE m.group_id = $1 ORDER BY a.email",                         \
	  NULL)                                                                                    \
	/* API tokens */                                                                           \
	X(STMT_TOKEN_INSERT,                                                                       \
	  "INSERT INTO api_tokens (" TOKEN_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",   \
	  NULL)                                                                                    \
	X(STMT_TOKEN_GET_BY_HASH, "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_hash = $1",   \
	  NULL)                                                                                    \
	X(STMT_TOKEN_LIST,                                                                         \
	  "SELECT " TOKEN_COLS                                                                     \
	  " FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC, id",                   \
	  NULL)                                                                                    \
	X(STMT_TOKEN_REVOKE,                                                                       \
	  "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND account_id = $2 "               \
	  "AND revoked_at IS NULL",                                                                \
	  NULL)                                                                                    \
	X(STMT_TOKEN_REVOKE_ACCOUNT,                                                               \
	  "UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",    \
	  NULL)                                                                                    \
	X(STMT_TOKEN_USED, "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", NULL)          \
	/* audit */                                                                                \
	X(STMT_AUDIT_HEAD_LOCK,                                                                    \
	  "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash", NULL)                \
	X(STMT_AUDIT_HEAD_READ, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL)             \
	X(STMT_AUDIT_INSERT,                                                                       \
	  "INSERT INTO audit (" AUDIT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "   \
	  "$11, $12, $13, $14, $15)",                                                              \
	  NULL)                                                                                    \
	/* Many records in one statement: $1 is a JSON array of objects keyed by column (one round \
	 * trip on PostgreSQL for a whole batch; the chain is still computed per record). */       \
	/* SQLite: OR FAIL, so no statement journal (a temp file as large as the batch) is kept;   \
	 * an error still rolls back the whole transaction. */                                     \
	X(STMT_AUDIT_INSERT_MANY,                                                                  \
	  "INSERT INTO audit (" AUDIT_COLS ") SELECT " AUDIT_COLS                                  \
	  " FROM json_to_recordset($1::json) "                                                     \
	  "AS r(seq bigint, at bigint, actor_id text, actor_label text, action text, "             \
	  "target_type text, target_id text, agency_id text, outcome text, detail text, ip text, " \
	  "request_id text, prev_hash text, hash text, mac text)",                                 \
	  "INSERT OR FAIL INTO audit (" AUDIT_COLS ") SELECT value->>'seq', value->>'at', "        \
	  "value->>'actor_id', value->>'actor_label', value->>'action', value->>'target_type', "   \
	  "value->>'target_id', value->>'agency_id', value->>'outcome', value->>'detail', "        \
	  "value->>'ip', value->>'request_id', value->>'prev_hash', value->>'hash', "              \
	  "value->>'mac' FROM json_each($1)")                                                      \
	X(STMT_AUDIT_HEAD_SET, "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", NULL)     \
	X(STMT_AUDIT_LIST,                                                                         \
	  "SELECT " AUDIT_COLS " FROM audit WHERE ($1::text IS NULL OR agency_id = $1) "           \
	  "AND ($2::text IS NULL OR actor_id = $2) "                                               \
	  "AND ($3::text IS NULL OR substr(action, 1, length($3::text)) = $3) "                    \
	  "AND ($4::text IS NULL OR target_id = $4) AND ($5::bigint IS NULL OR at >= $5) "         \
	  "AND ($6::bigint IS NULL OR at < $6) AND ($7::bigint IS NULL OR seq < $7) "              \
	  "ORDER BY seq DESC LIMIT $8",                                                            \
	  NULL)                                                                                    \
	X(STMT_AUDIT_SCAN,                                                                         \
	  "SELECT " AUDIT_COLS " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2", NULL)           \
	/* one-time links */                                                                       \
	X(STMT_LINK_INSERT,                                                                        \
	  "INSERT INTO account_links (id_hash, account_id, purpose, created_at, expires_at) "      \
	  "VALUES ($1, $2, $3, $4, $5)",                                                           \
	  NULL)                                                                                    \
	X(STMT_LINK_USE,                                                                           \
	  "UPDATE account_links SET used_at = $2 WHERE id_hash = $1 AND used_at IS NULL "          \
	  "AND expires_at > $2 RETURNING account_id, purpose",                                     \
	  NULL)                                                                                    \
	X(STMT_LINK_PEEK,                                                                          \
	  "SELECT account_id, purpose FROM account_links WHERE id_hash = $1 AND used_at IS NULL "  \
	  "AND expires_at > $2",                                                                   \
	  NULL)                                                                                    \
	X(STMT_LINK_REVOKE_ACCOUNT,                                                                \
	  "UPDATE account_links SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL", NULL) \
	/* jobs */                                                                                 \
	X(STMT_JOB_LEASE,                                                                          \
	  "INSERT INTO jobs (name, owner, lease_until, last_run_at) VALUES ($1, $2, $4, $3) "      \
	  "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "                              \
	  "lease_until = excluded.lease_until, last_run_at = excluded.last_run_at "                \
	  "WHERE jobs.lease_until < $3 OR jobs.owner = $2",                                        \
	  NULL)

/* Each later feature keeps its statements in its own list (store/stmt_<feature>.h). */
#include "store/stmt_applications.h"
#include "store/stmt_calendar.h"
#include "store/stmt_lifecycle.h"
#include "store/stmt_outbox.h"
#include "store/stmt_review.h"
#include "store/stmt_systems.h"
#include "store/stmt_environments.h"
#include "store/stmt_keys.h"
#include "store/stmt_oidc.h"
#include "store/stmt_saml.h"
#include "store/stmt_assignments.h"
#include "store/stmt_scim.h"
#include "store/stmt_breakglass.h"

#define STMT_LIST(X)                                                                               \
	STMT_LIST_CORE(X)                                                                          \
	STMT_LIST_CALENDAR(X)                                                                      \
	STMT_LIST_OUTBOX(X)                                                                        \
	STMT_LIST_APPLICATIONS(X)                                                                  \
	STMT_LIST_LIFECYCLE(X)                                                                     \
	STMT_LIST_REVIEW(X)                                                                        \
	STMT_LIST_SYSTEMS(X)                                                                       \
	STMT_LIST_ENVIRONMENTS(X)                                                                  \
	STMT_LIST_KEYS(X)                                                                          \
	STMT_LIST_OIDC(X)                                                                          \
	STMT_LIST_SAML(X)                                                                          \
	STMT_LIST_ASSIGNMENTS(X)                                                                   \
	STMT_LIST_SCIM(X)                                                                          \
	STMT_LIST_BREAKGLASS(X)

#define STMT_ENUM(id, sql, lite) id,
enum stmt_id { STMT_LIST(STMT_ENUM) STMT__MAX };
#undef STMT_ENUM

struct stmt_def {
	const char *name;
	const char *sql;        /* PostgreSQL dialect, $n parameters */
	const char *sqlite_sql; /* SQLite override (still $n; rewritten to ?n), or NULL */
};

extern const struct stmt_def stmt_table[STMT__MAX];

#endif
