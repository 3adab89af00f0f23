/* SPDX-License-Identifier: MIT */
/* Statements for inactivity, departures and organisations ending their use (R2.4, R2.6, R2.9); part
 * of the closed table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax.
 */
#ifndef GCAS_STORE_STMT_LIFECYCLE_H
#define GCAS_STORE_STMT_LIFECYCLE_H

#define STMT_LIST_LIFECYCLE(X)

#endif
