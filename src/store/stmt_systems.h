/* SPDX-License-Identifier: MIT */
/* Statements for registered systems and their history (issue 4 §1, R4.1); part of the closed
 * table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_SYSTEMS_H
#define GCAS_STORE_STMT_SYSTEMS_H

/* clang-format off */
#define SYSTEM_COLS \
	"id, project_id, agency_id, name, purpose, lifecycle, csps, environments, contacts, " \
	"contractor_id, period_start, period_end, classification, billing_unit, ci_cd, version, " \
	"created_at, updated_at, updated_by"

#define STMT_LIST_SYSTEMS(X) \
	X(STMT_SYSTEM_INSERT, \
	  "INSERT INTO systems (" SYSTEM_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, " \
	  "$11, $12, $13, $14, $15, $16, $17, $18, $19)", \
	  NULL) \
	X(STMT_SYSTEM_GET, "SELECT " SYSTEM_COLS " FROM systems WHERE id = $1", NULL) \
	X(STMT_SYSTEM_GET_BY_PROJECT, "SELECT " SYSTEM_COLS " FROM systems WHERE project_id = $1", \
	  NULL) \
	/* Optimistic concurrency: the row changes only at the version the editor read. */ \
	X(STMT_SYSTEM_UPDATE, \
	  "UPDATE systems SET name = $3, purpose = $4, lifecycle = $5, csps = $6, " \
	  "environments = $7, contacts = $8, contractor_id = $9, period_start = $10, " \
	  "period_end = $11, classification = $12, billing_unit = $13, ci_cd = $14, " \
	  "version = version + 1, updated_at = $15, updated_by = $16 " \
	  "WHERE id = $1 AND version = $2", \
	  NULL) \
	X(STMT_SYSTEM_LIST, \
	  "SELECT " SYSTEM_COLS " FROM systems WHERE ($1::text IS NULL OR agency_id = $1) " \
	  "AND ($2::text IS NULL OR project_id = $2) " \
	  "AND ($3::text IS NULL OR name > $3 OR (name = $3 AND id > $4)) " \
	  "ORDER BY name, id LIMIT $5", \
	  NULL) \
	X(STMT_SYSTEM_HISTORY_INSERT, \
	  "INSERT INTO system_history (system_id, version, changed_by, changed_at, record) " \
	  "VALUES ($1, $2, $3, $4, $5)", \
	  NULL) \
	X(STMT_SYSTEM_HISTORY_LIST, \
	  "SELECT system_id, version, changed_by, changed_at, record FROM system_history " \
	  "WHERE system_id = $1 AND ($2::bigint IS NULL OR version < $2) " \
	  "ORDER BY version DESC LIMIT $3", \
	  NULL)
/* clang-format on */

#endif
