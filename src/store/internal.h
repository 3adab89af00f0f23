/* SPDX-License-Identifier: MIT */
/* Shared between the store's own files: connection hand-out and the row-mapping helpers. */
#ifndef GCAS_STORE_INTERNAL_H
#define GCAS_STORE_INTERNAL_H

#include <stddef.h>

#include "base/arena.h"
#include "store/db.h"
#include "store/store.h"

struct db *store_acquire(struct store *st);
void store_release(struct store *st, struct db *db);

/* Row mapping: column i of a result goes to the struct member at off, typed. */
enum col_type { COL_STR, COL_I64, COL_INT, COL_ENUM };
struct colmap {
	size_t off;
	enum col_type type;
	int (*parse)(const char *); /* COL_ENUM: name to value, -1 when unknown */
};

/* Run a statement and map each row into a new element of an arena array.
 * max = rows kept (more are not read); out and n receive the array. */
enum gcas_err db_query_list(struct db *db, struct arena *a, enum stmt_id id,
                            const struct db_param *p, int np, const struct colmap *cols, int ncols,
                            size_t elem, size_t max, void **out, size_t *n);
/* Exactly one row into out (NOTFOUND when none). */
enum gcas_err db_query_one(struct db *db, struct arena *a, enum stmt_id id,
                           const struct db_param *p, int np, const struct colmap *cols, int ncols,
                           void *out);
/* Statement that must change exactly one row (NOTFOUND otherwise), or any number (min 0). */
enum gcas_err db_change(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                        int64_t *changes);
/* Rows given as one JSON array (the $1 of the *_MANY statements, which read it with
 * json_to_recordset / json_each): takes arr (decref'd here, also on failure; NULL means an
 * allocation failed) and checks that exactly n rows changed. */
struct json_t;
enum gcas_err db_change_json_rows(struct db *db, enum stmt_id id, struct json_t *arr, size_t n);
/* A JSON string, or null for NULL (for building such arrays). */
struct json_t *db_json_str(const char *s);
/* Single integer result (e.g. COUNT). */
enum gcas_err db_query_int(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                           int64_t *out);

/* Paging: the limit asked for, 50 when unset, at most max. */
int db_page_limit(const struct page *pg, int max);
/* Keyset cursors over (name, id) — names are not unique, the pair is: "name\x1fid". */
void db_keyset_split(struct arena *a, const char *after, const char **k, const char **id);
const char *db_keyset_make(struct arena *a, const char *k, const char *id);

#define NPARAMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
