/* SPDX-License-Identifier: MIT */
/* Statements for imported national holidays (R2.10); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_CALENDAR_H
#define GCAS_STORE_STMT_CALENDAR_H

#define STMT_LIST_CALENDAR(X)

#endif
