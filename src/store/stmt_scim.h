/* SPDX-License-Identifier: MIT */
/* Statements for scim (issue 4); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_SCIM_H
#define GCAS_STORE_STMT_SCIM_H

/* clang-format off */
#define STMT_LIST_SCIM(X)
/* clang-format on */

#endif
