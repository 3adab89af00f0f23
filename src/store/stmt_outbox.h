/* SPDX-License-Identifier: MIT */
/* Statements for the mail outbox and the operator's blocklist (R2.8, R5.5); part of the closed
 * table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_OUTBOX_H
#define GCAS_STORE_STMT_OUTBOX_H

#define STMT_LIST_OUTBOX(X)

#endif
