/* SPDX-License-Identifier: MIT */
/* Forward-only migrations embedded in the binary (schema/{sqlite,pg}/NNNN_*.sql). Each is applied
 * in its own transaction together with its row in schema_migrations, so a failed migration leaves
 * the schema as it was. `gcas serve` refuses a database whose version differs from the binary's. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "store/internal.h"

extern const unsigned char mig_sqlite_0001[];
extern const unsigned char mig_pg_0001[];
extern const unsigned char mig_sqlite_0002[];
extern const unsigned char mig_pg_0002[];
extern const unsigned char mig_sqlite_0003[];
extern const unsigned char mig_pg_0003[];
extern const unsigned char mig_sqlite_0004[];
extern const unsigned char mig_pg_0004[];
extern const unsigned char mig_sqlite_0005[];
extern const unsigned char mig_pg_0005[];
extern const unsigned char mig_sqlite_0006[];
extern const unsigned char mig_pg_0006[];
extern const unsigned char mig_sqlite_0007[];
extern const unsigned char mig_pg_0007[];
extern const unsigned char mig_sqlite_0008[];
extern const unsigned char mig_pg_0008[];
extern const unsigned char mig_sqlite_0009[];
extern const unsigned char mig_pg_0009[];
extern const unsigned char mig_sqlite_0010[];
extern const unsigned char mig_pg_0010[];
extern const unsigned char mig_sqlite_0011[];
extern const unsigned char mig_pg_0011[];
extern const unsigned char mig_sqlite_0012[];
extern const unsigned char mig_pg_0012[];
extern const unsigned char mig_sqlite_0013[];
extern const unsigned char mig_pg_0013[];

struct migration {
	int version;
	const char *name;
	const unsigned char *sqlite_sql, *pg_sql;
};

static const struct migration migrations[] = {
    {1, "init", mig_sqlite_0001, mig_pg_0001},
    {2, "lifecycle", mig_sqlite_0002, mig_pg_0002},
    {3, "systems", mig_sqlite_0003, mig_pg_0003},
    {4, "environments", mig_sqlite_0004, mig_pg_0004},
    {5, "keys", mig_sqlite_0005, mig_pg_0005},
    {6, "oidc", mig_sqlite_0006, mig_pg_0006},
    {7, "saml", mig_sqlite_0007, mig_pg_0007},
    {8, "assignments", mig_sqlite_0008, mig_pg_0008},
    {9, "scim", mig_sqlite_0009, mig_pg_0009},
    {10, "breakglass", mig_sqlite_0010, mig_pg_0010},
    {11, "oidc_families", mig_sqlite_0011, mig_pg_0011},
    {12, "outbox_sensitive", mig_sqlite_0012, mig_pg_0012},
    {13, "access_purpose", mig_sqlite_0013, mig_pg_0013},
};

#define NMIG ((int)(sizeof(migrations) / sizeof(migrations[0])))

struct mig_ctx {
	const struct migration *m;
	char *why;
	size_t why_len;
	int applied; /* 0 when another node had applied it first */
};

static enum gcas_err apply_one(struct db *db, void *ctx)
{
	struct mig_ctx *c = ctx;
	int64_t have = 0;
	enum gcas_err e = db_query_int(db, STMT_MIGRATION_LOCK, NULL, 0, &have);
	if (e && e != GCAS_ERR_NOTFOUND)
		return e;
	/* Another node may have applied it while we waited for the lock. */
	if ((e = db_query_int(db, STMT_MIGRATION_VERSION, NULL, 0, &have)))
		return e;
	c->applied = 0;
	if (have >= c->m->version)
		return GCAS_OK;
	c->applied = 1;
	const char *sql =
	    (const char *)(db->drv->engine == DB_PG ? c->m->pg_sql : c->m->sqlite_sql);
	if ((e = db->drv->exec_script(db, sql, c->why, c->why_len)))
		return e;
	struct db_param p[] = {P_INT(c->m->version), P_TEXT(c->m->name), P_INT(clock_now())};
	return db_change(db, STMT_MIGRATION_RECORD, p, NPARAMS(p), NULL);
}

/* Create the version table under the migration lock: two nodes running CREATE TABLE IF NOT
 * EXISTS at once can still collide on PostgreSQL's catalogue. */
static enum gcas_err ensure_table(struct db *db, void *ctx)
{
	int64_t lock;
	(void)ctx;
	enum gcas_err e = db_query_int(db, STMT_MIGRATION_LOCK, NULL, 0, &lock);
	if (e && e != GCAS_ERR_NOTFOUND)
		return e;
	return db_change(db, STMT_MIGRATIONS_TABLE, NULL, 0, &(int64_t){0});
}

static enum gcas_err read_version(struct db *db, void *ctx)
{
	return db_query_int(db, STMT_MIGRATION_VERSION, NULL, 0, ctx);
}

enum gcas_err store_schema_version(struct store *st, int *db_version, int *binary_version)
{
	int64_t v = 0;
	*binary_version = migrations[NMIG - 1].version;
	enum gcas_err e = store_tx(st, ensure_table, NULL);
	if (!e)
		e = store_run(st, read_version, &v);
	*db_version = (int)v;
	return e;
}

enum gcas_err store_migrate(struct store *st, int *applied, char *why, size_t why_len)
{
	int64_t v = 0;
	*applied = 0;
	enum gcas_err e = store_tx(st, ensure_table, NULL);
	if (!e)
		e = store_run(st, read_version, &v);
	if (e) {
		snprintf(why, why_len, "cannot read the schema version");
		return e;
	}
	for (int i = 0; i < NMIG; i++) {
		if (migrations[i].version <= v)
			continue;
		struct mig_ctx c = {&migrations[i], why, why_len, 0};
		e = store_tx(st, apply_one, &c);
		if (e)
			return e;
		*applied += c.applied;
	}
	return GCAS_OK;
}

struct cols_ctx {
	struct arena *a;
	char **items;
	size_t n, cap;
	enum gcas_err err;
};

static int col_row(void *ctx, int n, const char *const *vals)
{
	struct cols_ctx *c = ctx;
	if (n < 1 || !vals[0] || strncmp(vals[0], "schema_migrations.", 18) == 0)
		return 0;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		char **items = arena_alloc(c->a, ncap * sizeof(*items));
		if (!items) {
			c->err = GCAS_ERR_NOMEM;
			return 1;
		}
		if (c->n)
			memcpy(items, c->items, c->n * sizeof(*items));
		c->items = items;
		c->cap = ncap;
	}
	c->items[c->n++] = arena_strdup(c->a, vals[0]);
	return 0;
}

static enum gcas_err read_cols(struct db *db, void *ctx)
{
	struct cols_ctx *c = ctx;
	enum gcas_err e = db->drv->exec(db, STMT_SCHEMA_COLUMNS, NULL, 0, col_row, c, NULL);
	return e ? e : c->err;
}

enum gcas_err store_schema_columns(struct store *st, struct arena *a, char ***out, size_t *n)
{
	struct cols_ctx c = {.a = a};
	enum gcas_err e = store_run(st, read_cols, &c);
	*out = c.items;
	*n = c.n;
	return e;
}
