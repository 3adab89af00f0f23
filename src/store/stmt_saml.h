/* SPDX-License-Identifier: MIT */
/* Statements for saml (issue 4); part of the closed table in store/stmt.h.
 * X(id, sql, sqlite_override_or_NULL), PostgreSQL $n syntax. */
#ifndef GCAS_STORE_STMT_SAML_H
#define GCAS_STORE_STMT_SAML_H

/* clang-format off */
#define STMT_LIST_SAML(X)
/* clang-format on */

#endif
