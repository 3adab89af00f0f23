/* SPDX-License-Identifier: MIT */
/* The statement table itself, expanded from STMT_LIST so ids and texts cannot drift apart. */
#include "store/stmt.h"

#define STMT_DEF(id, sql, lite) [id] = {#id, sql, lite},
const struct stmt_def stmt_table[STMT__MAX] = {STMT_LIST(STMT_DEF)};
#undef STMT_DEF
