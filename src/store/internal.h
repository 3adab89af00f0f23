/* SPDX-License-Identifier: MIT */
/* Shared between the store's own files: connection hand-out and the row-mapping helpers. */
#ifndef GCAS_STORE_INTERNAL_H
#define GCAS_STORE_INTERNAL_H

#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
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
/* A write whose count nobody checks, the transaction's last ones above all: PostgreSQL sends it
 * with the next statement or the COMMIT, in one round trip (db_driver.defer). */
enum gcas_err db_change_later(struct db *db, enum stmt_id id, const struct db_param *p, int np);
/* Rows given as one JSON array of flat objects: the $1 of the *_MANY statements, which read it
 * with json_to_recordset / json_each. Written straight into a buffer: built with jansson, the
 * array of a 2,000-account inactivity batch (its audit records, its mails) cost 17 % of the
 * sweep's time. jrows_row opens the next object; keys are literals the caller names. */
struct jrows {
	struct buf b;
	size_t n;        /* rows opened */
	int fields;      /* in the open row */
	enum gcas_err e; /* the first failure (INVALID: a value not UTF-8; NOMEM) */
};
void jrows_init(struct jrows *r);
void jrows_row(struct jrows *r);
void jrows_str(struct jrows *r, const char *key, const char *v); /* NULL is null */
void jrows_int(struct jrows *r, const char *key, int64_t v);
/* Runs id with the rows, checks that exactly as many rows changed, and frees them. */
enum gcas_err db_change_rows(struct db *db, enum stmt_id id, struct jrows *r);
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
