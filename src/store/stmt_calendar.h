/* SPDX-License-Identifier: MIT */
/* Statements for imported national holidays (R2.10); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_CALENDAR_H
#define GCAS_STORE_STMT_CALENDAR_H

/* clang-format off */
#define STMT_LIST_CALENDAR(X) \
	X(STMT_HOLIDAY_YEARS_LIST, \
	  "SELECT year, imported_at, imported_by FROM holiday_years ORDER BY year", NULL) \
	X(STMT_HOLIDAYS_LIST, "SELECT day, year, name FROM holidays ORDER BY day", NULL) \
	X(STMT_HOLIDAYS_DELETE_YEAR, "DELETE FROM holidays WHERE year = $1", NULL) \
	X(STMT_HOLIDAY_YEAR_PUT, \
	  "INSERT INTO holiday_years (year, imported_at, imported_by) VALUES ($1, $2, $3) " \
	  "ON CONFLICT (year) DO UPDATE SET imported_at = excluded.imported_at, " \
	  "imported_by = excluded.imported_by", \
	  NULL) \
	X(STMT_HOLIDAY_INSERT, "INSERT INTO holidays (day, year, name) VALUES ($1, $2, $3)", NULL)
/* clang-format on */

#endif
