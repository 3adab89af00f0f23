/* SPDX-License-Identifier: MIT */
/* The engine boundary inside the store: a connection runs statements from the closed table
 * (stmt.h) by id with bound parameters and hands rows back as text. Two drivers implement it:
 * db_sqlite.c and db_pg.c. Nothing outside src/store includes this header. */
#ifndef GCAS_STORE_DB_H
#define GCAS_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/stmt.h"

enum db_engine { DB_SQLITE, DB_PG };

enum db_ptype { DBP_NULL, DBP_TEXT, DBP_INT };
struct db_param {
	enum db_ptype type;
	const char *s;
	int64_t i;
};
#define P_TEXT(x) ((struct db_param){.type = (x) ? DBP_TEXT : DBP_NULL, .s = (x)})
#define P_INT(x)  ((struct db_param){.type = DBP_INT, .i = (x)})
#define P_NULL    ((struct db_param){.type = DBP_NULL})

/* Called once per result row; vals[i] is NULL for SQL NULL. Return non-zero to stop. */
typedef int (*db_row_fn)(void *ctx, int ncol, const char *const *vals);

struct db;

struct db_driver {
	enum db_engine engine;
	enum gcas_err (*open)(const char *dsn, struct db **out, char *why, size_t why_len);
	void (*close)(struct db *db);
	/* Run statement id; rows (if any) go to cb; *changes (if non-NULL) = rows affected. */
	enum gcas_err (*exec)(struct db *db, enum stmt_id id, const struct db_param *p, int np,
	                      db_row_fn cb, void *ctx, int64_t *changes);
	/* Run statement id, whose rows and count nobody reads, inside a transaction. An engine
	 * with round trips to save may hold it and send it with the transaction's next statement
	 * or its COMMIT; an error it meets is then reported there, and fails the transaction as
	 * any error does. NULL = the engine runs it at once (exec). */
	enum gcas_err (*defer)(struct db *db, enum stmt_id id, const struct db_param *p, int np);
	/* Run a script of several statements with no parameters (migrations, BEGIN/COMMIT). */
	enum gcas_err (*exec_script)(struct db *db, const char *sql, char *why, size_t why_len);
	/* Make sure the connection is usable before a transaction: reconnect a dropped
	 * PostgreSQL connection (prepared statements are prepared again). NULL = always fine. */
	enum gcas_err (*revive)(struct db *db);
	/* Last error text of this connection, for logs. */
	const char *(*errmsg)(struct db *db);
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

/* Every connection starts with a pointer to its driver so generic code can dispatch. */
struct db {
	const struct db_driver *drv;
};

#endif
