/* SPDX-License-Identifier: MIT */
/* Statements for applications, their history and identity declarations (S1, R2.1, R2.2); part of
 * the closed table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax.
 * Also the few account changes fulfilment makes that the core list has no statement for. */
#ifndef GCAS_STORE_STMT_APPLICATIONS_H
#define GCAS_STORE_STMT_APPLICATIONS_H

#define APP_COLS                                                                                   \
	"id, kind, state, applicant_id, applicant_role, account_id, org_id, agency_id, "           \
	"project_id, target_role, subject_label, payload, reason, needs_approval, late, "          \
	"departure_on, ends_on, import_id, created_at, submitted_at, decided_at, decided_by, "     \
	"due_on, fulfilled_at, fulfilled_by, result, updated_at, version"
#define APP_OPEN_STATES "('draft','submitted','approved')"
/* R2.9: an organisation and those below it (an agency's teams and contractors, a team's
 * contractors), as the applications and accounts rows carry it. */
#define APP_ORG_SCOPE       "(org_id = $1 OR agency_id = $1 OR project_id = $1)"
#define APP_ORG_ACCOUNT_IDS "SELECT id FROM accounts WHERE " APP_ORG_SCOPE
/* The reader's scope (R7.1) or their own applications, then the filters of struct app_filter. */
#define APP_LIST_WHERE                                                                             \
	" FROM applications WHERE ((($1::text IS NULL OR agency_id = $1) "                         \
	"AND ($2::text IS NULL OR project_id = $2) AND ($3::text IS NULL OR org_id = $3) "         \
	"AND $4::bigint = 1) OR applicant_id = $5) "                                               \
	"AND ($6::text IS NULL OR state = $6) AND ($7::text IS NULL OR kind = $7) "                \
	"AND ($8::bigint IS NULL OR needs_approval = $8) "                                         \
	"AND ($9::text IS NULL OR applicant_id <> $9) "                                            \
	"AND ($10::text IS NULL OR import_id = $10) AND ($11::text IS NULL OR account_id = $11) "  \
	"AND ($12::text IS NULL OR due_on < $12) "

#define STMT_LIST_APPLICATIONS(X)                                                                  \
	X(STMT_APP_INSERT,                                                                         \
	  "INSERT INTO applications (" APP_COLS ", email) VALUES ($1, $2, $3, $4, $5, $6, $7, "    \
	  "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "    \
	  "$25, $26, $27, $28, $29)",                                                              \
	  NULL)                                                                                    \
	X(STMT_APP_GET, "SELECT " APP_COLS " FROM applications WHERE id = $1", NULL)               \
	/* One move of the state machine: only from the state and version read (two approvers      \
	 * acting at once: the second changes no row → CONFLICT). */                             \
	X(STMT_APP_UPDATE,                                                                         \
	  "UPDATE applications SET state = $3, account_id = $4, submitted_at = $5, "               \
	  "decided_at = $6, decided_by = $7, due_on = $8, fulfilled_at = $9, fulfilled_by = $10, " \
	  "result = $11, late = $12, updated_at = $13, version = version + 1 "                     \
	  "WHERE id = $1 AND version = $2 AND state = $14",                                        \
	  NULL)                                                                                    \
	X(STMT_APP_EVENT_INSERT,                                                                   \
	  "INSERT INTO application_events (id, application_id, seq, at, actor_id, actor_label, "   \
	  "from_state, to_state, reason) VALUES ($1, $2, (SELECT COUNT(*) + 1 FROM "               \
	  "application_events WHERE application_id = $2), $3, $4, $5, $6, $7, $8)",                \
	  NULL)                                                                                    \
	X(STMT_APP_EVENTS,                                                                         \
	  "SELECT id, application_id, at, actor_id, actor_label, from_state, to_state, reason "    \
	  "FROM application_events WHERE application_id = $1 ORDER BY seq",                        \
	  NULL)                                                                                    \
	X(STMT_APP_DECL_INSERT,                                                                    \
	  "INSERT INTO identity_declarations (application_id, verified_on, scope, system_name, "   \
	  "nda_confirmed, declared_by, declared_by_label, declared_at) VALUES ($1, $2, $3, $4, "   \
	  "$5, $6, $7, $8)",                                                                       \
	  NULL)                                                                                    \
	X(STMT_APP_DECL_GET,                                                                       \
	  "SELECT application_id, verified_on, scope, system_name, nda_confirmed, declared_by, "   \
	  "declared_by_label, declared_at FROM identity_declarations WHERE application_id = $1",   \
	  NULL)                                                                                    \
	X(STMT_APP_OPEN_FOR_ACCOUNT,                                                               \
	  "SELECT COUNT(*) FROM applications WHERE account_id = $1 AND kind = $2 "                 \
	  "AND state IN " APP_OPEN_STATES,                                                         \
	  NULL)                                                                                    \
	X(STMT_APP_OPEN_FOR_ORG,                                                                   \
	  "SELECT COUNT(*) FROM applications WHERE org_id = $1 AND kind = 'org_end' "              \
	  "AND state IN " APP_OPEN_STATES,                                                         \
	  NULL)                                                                                    \
	X(STMT_APP_OPEN_FOR_EMAIL,                                                                 \
	  "SELECT COUNT(*) FROM applications WHERE email = $1 AND kind IN ('create','change') "    \
	  "AND state IN " APP_OPEN_STATES " AND ($2::text IS NULL OR id <> $2)",                   \
	  NULL)                                                                                    \
	X(STMT_APP_LIST,                                                                           \
	  "SELECT " APP_COLS APP_LIST_WHERE                                                        \
	  "AND ($13::bigint IS NULL OR created_at < $13 OR (created_at = $13 AND id < $14)) "      \
	  "ORDER BY created_at DESC, id DESC LIMIT $15",                                           \
	  NULL)                                                                                    \
	X(STMT_APP_QUEUE,                                                                          \
	  "SELECT " APP_COLS APP_LIST_WHERE                                                        \
	  "AND ($13::text IS NULL OR due_on > $13 OR (due_on = $13 AND id > $14)) "                \
	  "ORDER BY due_on, id LIMIT $15",                                                         \
	  NULL)                                                                                    \
	X(STMT_APP_SLO_ROWS,                                                                       \
	  "SELECT kind, state, due_on, fulfilled_at FROM applications WHERE decided_at >= $1 "     \
	  "AND decided_at < $2 AND state IN ('approved','fulfilled','failed')",                    \
	  NULL)                                                                                    \
	X(STMT_APP_APPROVERS,                                                                      \
	  "SELECT id, email, family_name, given_name FROM accounts WHERE role = $1 "               \
	  "AND status = 'active' AND ($2::text IS NULL OR agency_id = $2) "                        \
	  "AND ($3::text IS NULL OR project_id = $3) ORDER BY email LIMIT 100",                    \
	  NULL)                                                                                    \
	/* R2.4: a re-enabled account starts a fresh inactivity period. */                         \
	X(STMT_APP_ACCOUNT_REENABLE,                                                               \
	  "UPDATE accounts SET status = $2, disabled_reason = NULL, last_active_at = $3, "         \
	  "inactivity_warned = 0, updated_at = $3, version = version + 1 "                         \
	  "WHERE id = $1 AND status = 'disabled'",                                                 \
	  NULL)                                                                                    \
	X(STMT_APP_ACCOUNT_CHANGE,                                                                 \
	  "UPDATE accounts SET family_name = $2, given_name = $3, family_kana = $4, "              \
	  "given_kana = $5, role = $6, pending_email = $7, updated_at = $8, "                      \
	  "version = version + 1 WHERE id = $1 AND status <> 'deleted'",                           \
	  NULL)                                                                                    \
	/* R2.6 + R2.7: the open application of a kind about an account (a review "remove" links   \
	 * an existing deletion instead of filing a second). */                                    \
	X(STMT_APP_OPEN_ID_FOR_ACCOUNT,                                                            \
	  "SELECT id FROM applications WHERE account_id = $1 AND kind = $2 "                       \
	  "AND state IN " APP_OPEN_STATES " ORDER BY created_at, id LIMIT 1",                      \
	  NULL)                                                                                    \
	/* R2.9: an organisation that ended its use (or sits in one that did) takes nothing new.   \
	 */                                                                                        \
	X(STMT_APP_ORG_ENDED,                                                                      \
	  "SELECT COUNT(*) FROM orgs o WHERE o.id = $1 AND (o.ended_at IS NOT NULL OR EXISTS "     \
	  "(SELECT 1 FROM orgs p WHERE p.ended_at IS NOT NULL AND (p.id = o.agency_id "            \
	  "OR p.id = o.project_id OR p.id = o.parent_id)))",                                       \
	  NULL)                                                                                    \
	/* R2.9 organisation end: the scope's open applications, a batch at a time (each closed    \
	 * one drops out of the selection). */                                                     \
	X(STMT_APP_SCOPE_OPEN,                                                                     \
	  "SELECT " APP_COLS " FROM applications WHERE " APP_ORG_SCOPE                             \
	  " AND state IN " APP_OPEN_STATES " AND id <> $2 ORDER BY created_at, id LIMIT $3",       \
	  NULL)                                                                                    \
	/* 5.2.1: the scope's personal data goes; the rows stay as the operator's record (the      \
	 * kind, the states, the dates). An org_end's subject is the organisation, not a person.   \
	 */                                                                                        \
	X(STMT_APP_SCOPE_SCRUB,                                                                    \
	  "UPDATE applications SET subject_label = $2, email = NULL, payload = '{}' "              \
	  "WHERE " APP_ORG_SCOPE " AND kind <> 'org_end'",                                         \
	  NULL)                                                                                    \
	X(STMT_APP_SCOPE_DECL_SCRUB,                                                               \
	  "UPDATE identity_declarations SET declared_by_label = declared_by "                      \
	  "WHERE declared_by IN (" APP_ORG_ACCOUNT_IDS ")",                                        \
	  NULL)                                                                                    \
	X(STMT_APP_SCOPE_EVENT_SCRUB,                                                              \
	  "UPDATE application_events SET actor_label = actor_id "                                  \
	  "WHERE actor_id IN (" APP_ORG_ACCOUNT_IDS ")",                                           \
	  NULL)

#endif
