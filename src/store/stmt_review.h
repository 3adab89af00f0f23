/* SPDX-License-Identifier: MIT */
/* Statements for periodic review campaigns (R2.7); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. Scope filters are pushed into SQL
 * (NULL parameters do not filter) so pages and counts only ever cover rows the reader may see. */
#ifndef GCAS_STORE_STMT_REVIEW_H
#define GCAS_STORE_STMT_REVIEW_H

#define REVIEW_CAMPAIGN_COLS                                                                       \
	"c.id, c.name, c.agency_id, c.state, c.opened_by, c.opened_at, c.deadline_at, c.closed_at"
/* Item scope: $2 agency, $3 project, $4 org, $5 reviewer role (each NULL = any). */
#define REVIEW_ITEM_SCOPE                                                                          \
	"($2::text IS NULL OR i.agency_id = $2) AND ($3::text IS NULL OR i.project_id = $3) "      \
	"AND ($4::text IS NULL OR i.org_id = $4) AND ($5::text IS NULL OR i.reviewer_role = $5)"
/* Items in the campaign and decided items, within the scope $2-$5. */
#define REVIEW_COUNTS                                                                              \
	", (SELECT COUNT(*) FROM review_items i WHERE i.campaign_id = c.id AND " REVIEW_ITEM_SCOPE \
	"), (SELECT COUNT(*) FROM review_items i WHERE i.campaign_id = c.id "                      \
	"AND i.decision IS NOT NULL AND " REVIEW_ITEM_SCOPE ")"
#define REVIEW_ITEM_COLS                                                                           \
	"i.id, i.campaign_id, c.name, c.state, i.account_id, i.org_id, i.agency_id, "              \
	"i.project_id, "                                                                           \
	"i.reviewer_role, i.escalations, i.deadline_at, i.decision, i.reason, i.decided_by, "      \
	"d.email, i.decided_at, i.application_id, i.result, i.reminded_at, a.email, "              \
	"a.family_name, a.given_name, a.role, a.status, o.name"
#define REVIEW_ITEM_FROM                                                                           \
	" FROM review_items i JOIN review_campaigns c ON c.id = i.campaign_id "                    \
	"JOIN accounts a ON a.id = i.account_id LEFT JOIN orgs o ON o.id = i.org_id "              \
	"LEFT JOIN accounts d ON d.id = i.decided_by"
/* The active people who may decide an item (the chain of 2.2.2: the operator anywhere, an
 * agency manager in the account's agency, a project manager in its project team, a contractor
 * manager in its own company). */
#define REVIEW_REVIEWER_JOIN                                                                       \
	"JOIN accounts r ON r.role = i.reviewer_role AND r.status = 'active' AND "                 \
	"(r.role = 'operator' OR (r.role = 'agency_manager' AND r.agency_id = i.agency_id) "       \
	"OR (r.role = 'project_manager' AND r.project_id = i.project_id) "                         \
	"OR (r.role = 'contractor_manager' AND r.org_id = i.org_id))"

#define STMT_LIST_REVIEW(X)                                                                        \
	X(STMT_REVIEW_CAMPAIGN_INSERT,                                                             \
	  "INSERT INTO review_campaigns (id, name, agency_id, state, opened_by, opened_at, "       \
	  "deadline_at) VALUES ($1, $2, $3, 'open', $4, $5, $6)",                                  \
	  NULL)                                                                                    \
	X(STMT_REVIEW_CAMPAIGN_GET,                                                                \
	  "SELECT " REVIEW_CAMPAIGN_COLS REVIEW_COUNTS " FROM review_campaigns c WHERE c.id = $1", \
	  NULL)                                                                                    \
	/* $1: campaigns of this agency or of every agency (NULL: all); newest first. */           \
	X(STMT_REVIEW_CAMPAIGN_LIST,                                                               \
	  "SELECT " REVIEW_CAMPAIGN_COLS REVIEW_COUNTS " FROM review_campaigns c "                 \
	  "WHERE ($1::text IS NULL OR c.agency_id IS NULL OR c.agency_id = $1) "                   \
	  "AND ($6::bigint IS NULL OR c.opened_at < $6 OR (c.opened_at = $6 AND c.id < $7)) "      \
	  "ORDER BY c.opened_at DESC, c.id DESC LIMIT $8",                                         \
	  NULL)                                                                                    \
	X(STMT_REVIEW_CAMPAIGN_CLOSE,                                                              \
	  "UPDATE review_campaigns SET state = 'closed', closed_at = $2 WHERE id = $1 "            \
	  "AND state = 'open'",                                                                    \
	  NULL)                                                                                    \
	X(STMT_REVIEW_ITEM_INSERT,                                                                 \
	  "INSERT INTO review_items (id, campaign_id, account_id, org_id, agency_id, project_id, " \
	  "reviewer_role, deadline_at, pending_mail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "     \
	  "'assigned')",                                                                           \
	  NULL)                                                                                    \
	X(STMT_REVIEW_ITEM_GET, "SELECT " REVIEW_ITEM_COLS REVIEW_ITEM_FROM " WHERE i.id = $1",    \
	  NULL)                                                                                    \
	/* $1 campaign, scope $2-$5, $6 undecided only, $7 open campaigns only, keyset             \
	 * ($8 email, $9 id), $10 limit. */                                                        \
	X(STMT_REVIEW_ITEM_LIST,                                                                   \
	  "SELECT " REVIEW_ITEM_COLS REVIEW_ITEM_FROM                                              \
	  " WHERE ($1::text IS NULL OR i.campaign_id = $1) AND " REVIEW_ITEM_SCOPE                 \
	  " AND ($6::int = 0 OR i.decision IS NULL) AND ($7::int = 0 OR c.state = 'open') "        \
	  "AND ($8::text IS NULL OR a.email > $8 OR (a.email = $8 AND i.id > $9)) "                \
	  "ORDER BY a.email, i.id LIMIT $10",                                                      \
	  NULL)                                                                                    \
	X(STMT_REVIEW_ITEM_DECIDE,                                                                 \
	  "UPDATE review_items SET decision = $2, reason = $3, decided_by = $4, decided_at = $5, " \
	  "pending_mail = NULL WHERE id = $1 AND decision IS NULL",                                \
	  NULL)                                                                                    \
	X(STMT_REVIEW_ITEM_RESULT,                                                                 \
	  "UPDATE review_items SET application_id = $2, result = $3 WHERE id = $1", NULL)          \
	/* Undecided items of open campaigns past their deadline that can still go up a step. */   \
	X(STMT_REVIEW_ITEM_OVERDUE,                                                                \
	  "SELECT " REVIEW_ITEM_COLS REVIEW_ITEM_FROM                                              \
	  " WHERE i.decision IS NULL AND c.state = 'open' AND i.deadline_at < $1 "                 \
	  "AND i.reviewer_role <> 'operator' ORDER BY i.deadline_at, i.id LIMIT $2",               \
	  NULL)                                                                                    \
	X(STMT_REVIEW_ITEM_ESCALATE,                                                               \
	  "UPDATE review_items SET reviewer_role = $2, escalations = escalations + 1, "            \
	  "deadline_at = $3, reminded_at = $4, pending_mail = 'assigned' WHERE id = $1 "           \
	  "AND decision IS NULL",                                                                  \
	  NULL)                                                                                    \
	/* Reminders (once each): 7 days before the deadline when none was sent, and 1 day         \
	 * before when the last one was sent earlier than that. */                                 \
	X(STMT_REVIEW_REMIND_MARK,                                                                 \
	  "UPDATE review_items SET reminded_at = $1, pending_mail = 'reminder' "                   \
	  "WHERE decision IS NULL AND pending_mail IS NULL AND deadline_at >= $1 "                 \
	  "AND campaign_id IN (SELECT id FROM review_campaigns WHERE state = 'open') "             \
	  "AND ((reminded_at IS NULL AND deadline_at - 604800 <= $1) OR "                          \
	  "(deadline_at - 86400 <= $1 AND (reminded_at IS NULL OR reminded_at < deadline_at - "    \
	  "86400)))",                                                                              \
	  NULL)                                                                                    \
	/* One row per person to mail and campaign: who, what, how many items, earliest deadline.  \
	 */                                                                                        \
	X(STMT_REVIEW_MAIL_PENDING,                                                                \
	  "SELECT r.id, r.email, r.family_name, r.given_name, c.id, c.name, i.pending_mail, "      \
	  "COUNT(*), MIN(i.deadline_at) FROM review_items i "                                      \
	  "JOIN review_campaigns c ON c.id = i.campaign_id " REVIEW_REVIEWER_JOIN                  \
	  " WHERE i.pending_mail IS NOT NULL AND ($1::text IS NULL OR i.campaign_id = $1) "        \
	  "GROUP BY r.id, r.email, r.family_name, r.given_name, c.id, c.name, i.pending_mail "     \
	  "ORDER BY r.email, c.id, i.pending_mail",                                                \
	  NULL)                                                                                    \
	X(STMT_REVIEW_MAIL_CLEAR,                                                                  \
	  "UPDATE review_items SET pending_mail = NULL WHERE pending_mail IS NOT NULL "            \
	  "AND ($1::text IS NULL OR campaign_id = $1)",                                            \
	  NULL)

#endif
