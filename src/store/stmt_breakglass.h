/* SPDX-License-Identifier: MIT */
/* Statements for breakglass (issue 4); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_BREAKGLASS_H
#define GCAS_STORE_STMT_BREAKGLASS_H

/* clang-format off */
#define STMT_LIST_BREAKGLASS(X)
/* clang-format on */

#endif
