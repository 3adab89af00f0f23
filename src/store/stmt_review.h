/* SPDX-License-Identifier: MIT */
/* Statements for periodic review campaigns (R2.7); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_REVIEW_H
#define GCAS_STORE_STMT_REVIEW_H

#define STMT_LIST_REVIEW(X)

#endif
