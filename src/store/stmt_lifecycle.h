/* SPDX-License-Identifier: MIT */
/* Statements for inactivity, departures and organisations ending their use (R2.4, R2.6, R2.9); part
 * of the closed table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax.
 * The sweeps select candidates by index range (accounts_due, accounts_inactive, accounts_departure)
 * and change
 * each one with an UPDATE that repeats the selection's conditions, so two nodes (or threads)
 * sweeping at once change every account once: the loser's UPDATE matches no row. */
#ifndef GCAS_STORE_STMT_LIFECYCLE_H
#define GCAS_STORE_STMT_LIFECYCLE_H

#define LIFE_CAND_COLS                                                                             \
	"id, email, family_name, given_name, role, org_id, agency_id, project_id, "                \
	"last_active_at, "                                                                         \
	"departure_on"

/* Accounts in the scope of an org that ends: for an agency every account whose agency it is,
 * for a project team its own and its contractors' (their project_id is the team's). */
#define LIFE_ORG_ACCOUNTS    "(agency_id = $1 OR project_id = $1 OR org_id = $1)"
#define LIFE_ORG_ACCOUNT_IDS "SELECT id FROM accounts WHERE " LIFE_ORG_ACCOUNTS

/* R2.4: live, not an operator, and due for a stage (see STMT_LIFE_INACTIVE_PICK_AGENCY). The
 * status term is the one of the partial indexes (accounts_due, accounts_inactive: SQLite uses a
 * partial index only when the query repeats its WHERE) and `last_active_at <= $5` (the earliest
 * warning's cut, the widest of the three) bounds the range the index is read over. */
#define LIFE_INACTIVE_DUE                                                                          \
	"status IN ('active','pending') AND role <> 'operator' AND last_active_at <= $5 AND "      \
	"(last_active_at <= $3 "                                                                   \
	"OR (last_active_at <= $4 AND (inactivity_warned = 0 OR inactivity_warned > $6)) "         \
	"OR (last_active_at <= $5 AND (inactivity_warned = 0 OR inactivity_warned > $7)))"

/* A JSON array of ids ($1) as a set, in each dialect. */
#define LIFE_IDS_PG   "SELECT json_array_elements_text($1::json)"
#define LIFE_IDS_LITE "SELECT value FROM json_each($1)"

/* The manager lookups name their index on SQLite (accounts_role: the holders of one role in one
 * agency); without statistics it could prefer another index of accounts. */
#define STMT_LIST_LIFECYCLE(X)                                                                     \
	/* R2.4, one pass over every stage: a candidate is unused since the disable cut ($3), or   \
	 * since a warning cut ($4: the later warning, stage $6; $5: the earlier, stage $7) and    \
	 * not yet warned at that stage. Pass 1 walks the accounts by agency (accounts_due) so     \
	 * a batch holds whole agencies and each manager gets one digest; it leaves out the role   \
	 * $2 certified by the operators, which pass 2 walks by last use (accounts_inactive). $1   \
	 * is a keyset (inclusive: rows handled no longer match and drop out). Both read only the  \
	 * index entries of live accounts up to the cut, and the stage test is answered from       \
	 * accounts_due itself, so a re-run with nothing to do touches no table row. */            \
	X(STMT_LIFE_INACTIVE_PICK_AGENCY,                                                          \
	  "SELECT " LIFE_CAND_COLS " FROM accounts WHERE agency_id >= $1 AND role <> $2 "          \
	  "AND " LIFE_INACTIVE_DUE " ORDER BY agency_id LIMIT $8",                                 \
	  "SELECT " LIFE_CAND_COLS " FROM accounts INDEXED BY accounts_due WHERE "                 \
	  "agency_id >= $1 AND role <> $2 AND " LIFE_INACTIVE_DUE " ORDER BY agency_id LIMIT $8")  \
	X(STMT_LIFE_INACTIVE_PICK_ROLE,                                                            \
	  "SELECT " LIFE_CAND_COLS " FROM accounts WHERE last_active_at >= $1 AND role = $2 "      \
	  "AND " LIFE_INACTIVE_DUE " ORDER BY last_active_at LIMIT $8",                            \
	  "SELECT " LIFE_CAND_COLS " FROM accounts INDEXED BY accounts_inactive WHERE "            \
	  "last_active_at >= $1 AND role = $2 AND " LIFE_INACTIVE_DUE " ORDER BY last_active_at "  \
	  "LIMIT $8")                                                                              \
	/* The batch's changes, each repeating the selection's conditions so that of two nodes     \
	 * only one changes (and so audits and mails) an account. $1 is a JSON array of ids;       \
	 * RETURNING says which this call changed. On SQLite the unary + keeps the planner on the  \
	 * primary key: without statistics it might walk a partial index of the live accounts.     \
	 */                                                                                        \
	X(STMT_LIFE_INACTIVE_DISABLE_MANY,                                                         \
	  "UPDATE accounts SET status = 'disabled', disabled_reason = $3, updated_at = $4, "       \
	  "version = version + 1 WHERE id IN (" LIFE_IDS_PG ") AND status IN ('active', "          \
	  "'pending') AND last_active_at <= $2 AND role <> 'operator' RETURNING id",               \
	  "UPDATE OR FAIL accounts SET status = 'disabled', disabled_reason = $3, updated_at = "   \
	  "$4, "                                                                                   \
	  "version = version + 1 WHERE id IN (" LIFE_IDS_LITE ") AND +status IN ('active', "       \
	  "'pending') AND +last_active_at <= $2 AND role <> 'operator' RETURNING id")              \
	X(STMT_LIFE_INACTIVE_WARN_MANY,                                                            \
	  "UPDATE accounts SET inactivity_warned = $3 WHERE id IN (" LIFE_IDS_PG ") "              \
	  "AND status IN ('active', 'pending') AND last_active_at <= $2 AND role <> 'operator' "   \
	  "AND (inactivity_warned = 0 OR inactivity_warned > $3) RETURNING id",                    \
	  "UPDATE OR FAIL accounts SET inactivity_warned = $3 WHERE id IN (" LIFE_IDS_LITE ") "    \
	  "AND +status IN ('active', 'pending') AND +last_active_at <= $2 AND role <> 'operator' " \
	  "AND (inactivity_warned = 0 OR inactivity_warned > $3) RETURNING id")                    \
	/* Disabling ends access at once: sessions, API tokens, set-up links of the ids in $1. */  \
	X(STMT_LIFE_SESSIONS_DELETE_MANY,                                                          \
	  "DELETE FROM sessions WHERE account_id IN (" LIFE_IDS_PG ")",                            \
	  "DELETE FROM sessions WHERE account_id IN (" LIFE_IDS_LITE ")")                          \
	X(STMT_LIFE_TOKENS_REVOKE_MANY,                                                            \
	  "UPDATE api_tokens SET revoked_at = $2 WHERE account_id IN (" LIFE_IDS_PG ") "           \
	  "AND revoked_at IS NULL",                                                                \
	  "UPDATE api_tokens SET revoked_at = $2 WHERE account_id IN (" LIFE_IDS_LITE ") "         \
	  "AND revoked_at IS NULL")                                                                \
	X(STMT_LIFE_LINKS_REVOKE_MANY,                                                             \
	  "UPDATE account_links SET used_at = $2 WHERE account_id IN (" LIFE_IDS_PG ") "           \
	  "AND used_at IS NULL",                                                                   \
	  "UPDATE account_links SET used_at = $2 WHERE account_id IN (" LIFE_IDS_LITE ") "         \
	  "AND used_at IS NULL")                                                                   \
	/* Many outbox rows in one statement (store_outbox_insert_many): $1 is a JSON array of     \
	 * objects; the same row as STMT_OUTBOX_INSERT makes. */                                   \
	X(STMT_LIFE_OUTBOX_INSERT_MANY,                                                            \
	  "INSERT INTO outbox (id, to_addr, account_id, template, subject, body, state, "          \
	  "attempts, next_attempt_at, lease_until, last_error, created_at, sent_at) "              \
	  "SELECT id, to_addr, account_id, template, subject, body, 'queued', 0, created_at, 0, "  \
	  "NULL, created_at, NULL FROM json_to_recordset($1::json) AS r(id text, to_addr text, "   \
	  "account_id text, template text, subject text, body text, created_at bigint)",           \
	  "INSERT OR FAIL INTO outbox (id, to_addr, account_id, template, subject, body, state, "  \
	  "attempts, next_attempt_at, lease_until, last_error, created_at, sent_at) "              \
	  "SELECT value->>'id', value->>'to_addr', value->>'account_id', value->>'template', "     \
	  "value->>'subject', value->>'body', 'queued', 0, value->>'created_at', 0, NULL, "        \
	  "value->>'created_at', NULL FROM json_each($1)")                                         \
	/* The certifying managers of an account (2.2.2): active holders of the role in scope. The \
	 * agency is always given so the index accounts_role (agency_id, role) finds them;         \
	 * operators are the accounts without an agency (the same index, agency_id IS NULL). */    \
	X(STMT_LIFE_MANAGERS,                                                                      \
	  "SELECT id, email FROM accounts WHERE agency_id = $2 AND role = $1 "                     \
	  "AND status = 'active' AND ($3::text IS NULL OR project_id = $3) "                       \
	  "AND ($4::text IS NULL OR org_id = $4) ORDER BY email LIMIT 20",                         \
	  "SELECT id, email FROM accounts INDEXED BY accounts_role WHERE agency_id = $2 "          \
	  "AND role = $1 AND status = 'active' AND ($3::text IS NULL OR project_id = $3) "         \
	  "AND ($4::text IS NULL OR org_id = $4) ORDER BY email LIMIT 20")                         \
	X(STMT_LIFE_OPERATORS,                                                                     \
	  "SELECT id, email FROM accounts WHERE agency_id IS NULL AND role = 'operator' "          \
	  "AND status = 'active' ORDER BY email LIMIT 20",                                         \
	  "SELECT id, email FROM accounts INDEXED BY accounts_role WHERE agency_id IS NULL "       \
	  "AND role = 'operator' AND status = 'active' ORDER BY email LIMIT 20")                   \
	/* R2.6 */                                                                                 \
	X(STMT_LIFE_SET_DEPARTURE,                                                                 \
	  "UPDATE accounts SET departure_on = $2, updated_at = $3, version = version + 1 "         \
	  "WHERE id = $1 AND status <> 'deleted'",                                                 \
	  NULL)                                                                                    \
	X(STMT_LIFE_DEPARTED_PICK,                                                                 \
	  "SELECT " LIFE_CAND_COLS " FROM accounts WHERE departure_on IS NOT NULL "                \
	  "AND departure_on < $1 AND status IN ('active', 'pending') ORDER BY departure_on "       \
	  "LIMIT $2",                                                                              \
	  NULL)                                                                                    \
	X(STMT_LIFE_DEPARTED_DISABLE,                                                              \
	  "UPDATE accounts SET status = 'disabled', disabled_reason = $3, updated_at = $4, "       \
	  "version = version + 1 WHERE id = $1 AND status IN ('active', 'pending') "               \
	  "AND departure_on IS NOT NULL AND departure_on < $2",                                    \
	  NULL)                                                                                    \
	/* R2.9: an organisation and those below it (an agency's teams and contractors, a          \
	 * team's contractors) */                                                                  \
	X(STMT_LIFE_ORG_SCOPE_COUNT,                                                               \
	  "SELECT COUNT(*) FROM orgs WHERE (id = $1 OR agency_id = $1 OR project_id = $1) "        \
	  "AND ended_at IS NULL",                                                                  \
	  NULL)                                                                                    \
	X(STMT_LIFE_ORG_ACCOUNTS_LIVE,                                                             \
	  "SELECT COUNT(*) FROM accounts WHERE " LIFE_ORG_ACCOUNTS " AND status <> 'deleted'",     \
	  NULL)                                                                                    \
	X(STMT_LIFE_ORG_FACTORS_DELETE,                                                            \
	  "DELETE FROM factors WHERE account_id IN (" LIFE_ORG_ACCOUNT_IDS ")", NULL)              \
	X(STMT_LIFE_ORG_SESSIONS_DELETE,                                                           \
	  "DELETE FROM sessions WHERE account_id IN (" LIFE_ORG_ACCOUNT_IDS ")", NULL)             \
	X(STMT_LIFE_ORG_TOKENS_DELETE,                                                             \
	  "DELETE FROM api_tokens WHERE account_id IN (" LIFE_ORG_ACCOUNT_IDS ")", NULL)           \
	X(STMT_LIFE_ORG_LINKS_DELETE,                                                              \
	  "DELETE FROM account_links WHERE account_id IN (" LIFE_ORG_ACCOUNT_IDS ")", NULL)        \
	/* Memberships of the org's accounts in any group, and every membership of its groups */   \
	X(STMT_LIFE_ORG_MEMBERS_DELETE,                                                            \
	  "DELETE FROM memberships WHERE account_id IN (" LIFE_ORG_ACCOUNT_IDS ") "                \
	  "OR group_id IN (SELECT id FROM member_groups WHERE " LIFE_ORG_ACCOUNTS ")",             \
	  NULL)                                                                                    \
	X(STMT_LIFE_ORG_GROUPS_DELETE, "DELETE FROM member_groups WHERE " LIFE_ORG_ACCOUNTS, NULL) \
	X(STMT_LIFE_ORG_ACCOUNTS_SCRUB,                                                            \
	  "UPDATE accounts SET status = 'deleted', disabled_reason = $2, family_name = $3, "       \
	  "given_name = $3, family_kana = $4, given_kana = $4, "                                   \
	  "email = 'deleted+' || id || '@invalid', pending_email = NULL, password_hash = NULL, "   \
	  "email_verified_at = NULL, departure_on = NULL, updated_at = $5, "                       \
	  "version = version + 1 WHERE " LIFE_ORG_ACCOUNTS,                                        \
	  NULL)                                                                                    \
	X(STMT_LIFE_ORG_MARK_ENDED,                                                                \
	  "UPDATE orgs SET ended_at = $2, updated_at = $2 WHERE (id = $1 OR agency_id = $1 "       \
	  "OR project_id = $1) AND ended_at IS NULL",                                              \
	  NULL)

#endif
