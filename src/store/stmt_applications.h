/* SPDX-License-Identifier: MIT */
/* Statements for applications, their history and identity declarations (S1, R2.1, R2.2); part of
 * the closed table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_APPLICATIONS_H
#define GCAS_STORE_STMT_APPLICATIONS_H

#define STMT_LIST_APPLICATIONS(X)

#endif
