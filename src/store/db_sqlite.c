/* SPDX-License-Identifier: MIT */
/* SQLite driver: WAL journal, synchronous=FULL (a committed transaction survives power loss),
 * foreign keys on, a busy timeout, and every statement of the closed table prepared once per
 * connection. Statement texts are written for PostgreSQL; rewrite() turns $n into ?n and drops
 * PostgreSQL casts (::text), which SQLite does not parse. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "store/db.h"

struct db_sqlite {
	struct db base;
	sqlite3 *h;
	sqlite3_stmt *stmts[STMT__MAX];
	/* The transaction-control statements (BEGIN IMMEDIATE, SAVEPOINT gc, COMMIT...), which
	 * group commit runs several times per batch, prepared once like the closed table. */
	struct {
		char sql[32];
		sqlite3_stmt *st;
	} ctl[8];
	char err[256];
};

/* $n → ?n (SQLite numbers bare $n by first appearance, not by n) and ::type → nothing.
 * Quoted strings are copied untouched. */
static char *rewrite(const char *sql)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	int quoted = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (!quoted && *p == '$' && p[1] >= '0' && p[1] <= '9') {
			buf_putc(&b, '?');
			continue;
		}
		if (!quoted && p[0] == ':' && p[1] == ':') {
			p += 2;
			while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
				p++;
			p--;
			continue;
		}
		buf_putc(&b, *p);
	}
	return buf_steal(&b);
}

static const char *lite_errmsg(struct db *db)
{
	struct db_sqlite *d = (struct db_sqlite *)db;
	return d->err;
}

static enum gcas_err map_rc(struct db_sqlite *d, int rc)
{
	snprintf(d->err, sizeof(d->err), "%s", sqlite3_errmsg(d->h));
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return GCAS_ERR_BUSY;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return GCAS_ERR_CONFLICT;
		return GCAS_ERR_INVALID;
	case SQLITE_NOMEM:
		return GCAS_ERR_NOMEM;
	default:
		return GCAS_ERR_DB;
	}
}

static enum gcas_err lite_open(const char *dsn, struct db **out, char *why, size_t why_len)
{
	struct db_sqlite *d = calloc(1, sizeof(*d));
	if (!d)
		return GCAS_ERR_NOMEM;
	d->base.drv = &db_sqlite_driver;
	int rc = sqlite3_open_v2(
	    dsn, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, why_len, "cannot open SQLite database %s: %s", dsn,
		         d->h ? sqlite3_errmsg(d->h) : "out of memory");
		sqlite3_close(d->h);
		free(d);
		return GCAS_ERR_DB;
	}
	sqlite3_extended_result_codes(d->h, 1);
	sqlite3_busy_timeout(d->h, 5000);
	/* WAL lets readers run beside the one writer; FULL syncs the WAL at every commit. */
	char *msg = NULL;
	rc = sqlite3_exec(d->h,
	                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA "
	                  "foreign_keys=ON;",
	                  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(why, why_len, "cannot configure SQLite database %s: %s", dsn,
		         msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(d->h);
		free(d);
		return GCAS_ERR_DB;
	}
	*out = &d->base;
	return GCAS_OK;
}

static void lite_close(struct db *db)
{
	struct db_sqlite *d = (struct db_sqlite *)db;
	if (!d)
		return;
	for (int i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(d->stmts[i]);
	for (size_t i = 0; i < sizeof(d->ctl) / sizeof(d->ctl[0]); i++)
		sqlite3_finalize(d->ctl[i].st);
	sqlite3_close(d->h);
	free(d);
}

static enum gcas_err prepare(struct db_sqlite *d, enum stmt_id id, sqlite3_stmt **out)
{
	if (d->stmts[id]) {
		*out = d->stmts[id];
		return GCAS_OK;
	}
	const struct stmt_def *def = &stmt_table[id];
	char *sql = rewrite(def->sqlite_sql ? def->sqlite_sql : def->sql);
	if (!sql)
		return GCAS_ERR_NOMEM;
	int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &d->stmts[id], NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		enum gcas_err e = map_rc(d, rc);
		snprintf(d->err, sizeof(d->err), "prepare %s: %s", def->name, sqlite3_errmsg(d->h));
		return e == GCAS_ERR_BUSY ? e : GCAS_ERR_DB;
	}
	*out = d->stmts[id];
	return GCAS_OK;
}

static enum gcas_err lite_exec(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                               db_row_fn cb, void *ctx, int64_t *changes)
{
	struct db_sqlite *d = (struct db_sqlite *)db;
	sqlite3_stmt *st;
	enum gcas_err e = prepare(d, id, &st);
	if (e)
		return e;
	for (int i = 0; i < np; i++) {
		int rc = SQLITE_OK;
		switch (p[i].type) {
		case DBP_NULL:
			rc = sqlite3_bind_null(st, i + 1);
			break;
		case DBP_TEXT:
			rc = sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_STATIC);
			break;
		case DBP_INT:
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
			break;
		}
		if (rc != SQLITE_OK) {
			e = map_rc(d, rc);
			goto out;
		}
	}
	const char *vals[64];
	for (;;) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			e = map_rc(d, rc);
			goto out;
		}
		int n = sqlite3_column_count(st);
		if (n > 64)
			n = 64;
		for (int c = 0; c < n; c++)
			vals[c] = (const char *)sqlite3_column_text(st, c);
		if (cb && cb(ctx, n, vals))
			break;
	}
	if (changes)
		*changes = sqlite3_changes64(d->h);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

/* The prepared form of a short single statement without parameters, or NULL (not cacheable, or
 * the cache is full): scripts with several statements go through sqlite3_exec. */
static sqlite3_stmt *ctl_stmt(struct db_sqlite *d, const char *sql)
{
	size_t n = strlen(sql);
	if (n >= sizeof(d->ctl[0].sql) || strchr(sql, ';'))
		return NULL;
	size_t i = 0, max = sizeof(d->ctl) / sizeof(d->ctl[0]);
	for (; i < max && d->ctl[i].st; i++)
		if (strcmp(d->ctl[i].sql, sql) == 0)
			return d->ctl[i].st;
	if (i == max ||
	    sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &d->ctl[i].st, NULL))
		return NULL;
	memcpy(d->ctl[i].sql, sql, n + 1);
	return d->ctl[i].st;
}

static enum gcas_err lite_exec_script(struct db *db, const char *sql, char *why, size_t why_len)
{
	struct db_sqlite *d = (struct db_sqlite *)db;
	sqlite3_stmt *st = ctl_stmt(d, sql);
	if (st) {
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE || rc == SQLITE_ROW)
			return GCAS_OK;
		enum gcas_err e = map_rc(d, rc);
		if (why)
			snprintf(why, why_len, "%s", sqlite3_errmsg(d->h));
		return e;
	}
	char *msg = NULL;
	int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return GCAS_OK;
	enum gcas_err e = map_rc(d, sqlite3_extended_errcode(d->h));
	if (why)
		snprintf(why, why_len, "%s", msg ? msg : sqlite3_errmsg(d->h));
	sqlite3_free(msg);
	return e;
}

const struct db_driver db_sqlite_driver = {
    .engine = DB_SQLITE,
    .open = lite_open,
    .close = lite_close,
    .exec = lite_exec,
    .exec_script = lite_exec_script,
    .errmsg = lite_errmsg,
};
