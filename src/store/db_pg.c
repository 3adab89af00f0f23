/* SPDX-License-Identifier: MIT */
/* PostgreSQL driver over libpq: statements of the closed table are prepared once per connection
 * (named "s<id>") and run with text parameters. SQLSTATE 40001 (serialization_failure) and
 * 40P01 (deadlock_detected) are transient and reported as GCAS_ERR_BUSY so store_tx retries;
 * 23505 (unique_violation) is a conflict. A transaction's BEGIN travels with its first
 * statement (pipeline mode), saving a round trip per transaction. */
#include <libpq-fe.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

struct db_pg {
	struct db base;
	PGconn *conn;
	unsigned char prepared[STMT__MAX];
	/* BEGIN was asked for and not sent yet: it goes with the next statement. */
	int begin_pending;
	char err[256];
};

static const char *pg_errmsg(struct db *db)
{
	return ((struct db_pg *)db)->err;
}

static enum gcas_err map_result(struct db_pg *d, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(d->conn);
	snprintf(d->err, sizeof(d->err), "%s%s%s", state ? state : "", state ? ": " : "",
	         msg ? msg : "");
	size_t n = strlen(d->err);
	while (n && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
		d->err[--n] = '\0';
	if (!state)
		return GCAS_ERR_DB;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return GCAS_ERR_BUSY;
	if (strcmp(state, "23505") == 0)
		return GCAS_ERR_CONFLICT;
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		return GCAS_ERR_INVALID;
	return GCAS_ERR_DB;
}

static void quiet_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static enum gcas_err pg_open(const char *dsn, struct db **out, char *why, size_t why_len)
{
	struct db_pg *d = calloc(1, sizeof(*d));
	if (!d)
		return GCAS_ERR_NOMEM;
	d->base.drv = &db_pg_driver;
	d->conn = PQconnectdb(dsn);
	if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
		snprintf(why, why_len, "cannot connect to PostgreSQL: %s",
		         d->conn ? PQerrorMessage(d->conn) : "out of memory");
		PQfinish(d->conn);
		free(d);
		return GCAS_ERR_DB;
	}
	PQsetNoticeProcessor(d->conn, quiet_notice, NULL);
	PGresult *r = PQexec(d->conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		snprintf(why, why_len, "cannot configure PostgreSQL session: %s",
		         PQerrorMessage(d->conn));
		PQfinish(d->conn);
		free(d);
		return GCAS_ERR_DB;
	}
	*out = &d->base;
	return GCAS_OK;
}

static void pg_close(struct db *db)
{
	struct db_pg *d = (struct db_pg *)db;
	if (!d)
		return;
	PQfinish(d->conn);
	free(d);
}

static enum gcas_err prepare(struct db_pg *d, enum stmt_id id)
{
	char name[16];
	if (d->prepared[id])
		return GCAS_OK;
	snprintf(name, sizeof(name), "s%d", (int)id);
	PGresult *r = PQprepare(d->conn, name, stmt_table[id].sql, 0, NULL);
	enum gcas_err e = GCAS_OK;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		e = map_result(d, r);
	PQclear(r);
	if (e) {
		char tmp[sizeof(d->err)];
		memcpy(tmp, d->err, sizeof(tmp));
		snprintf(d->err, sizeof(d->err), "prepare %s: %.200s", stmt_table[id].name, tmp);
		return e;
	}
	d->prepared[id] = 1;
	return GCAS_OK;
}

/* The BEGIN that pg_exec_script deferred and the statement, in one round trip: libpq's
 * pipeline mode sends both and one Sync, after which the explicit transaction block stays open
 * (PostgreSQL protocol, "Pipelining"). *res: the statement's result (the caller clears it);
 * an error when BEGIN failed or the pipeline could not be used. */
static enum gcas_err exec_after_begin(struct db_pg *d, const char *name, int np,
                                      const char *const *vals, PGresult **res)
{
	PGconn *c = d->conn;
	PGresult *got[2] = {NULL, NULL};
	*res = NULL;
	if (PQenterPipelineMode(c) != 1) {
		/* Not idle (cannot happen between statements); the two round trips then. */
		PGresult *b = PQexec(c, "BEGIN");
		enum gcas_err e =
		    PQresultStatus(b) == PGRES_COMMAND_OK ? GCAS_OK : map_result(d, b);
		PQclear(b);
		if (!e)
			*res = PQexecPrepared(c, name, np, vals, NULL, NULL, 0);
		return e;
	}
	int sent = PQsendQueryParams(c, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) == 1 &&
	           PQsendQueryPrepared(c, name, np, vals, NULL, NULL, 0) == 1 &&
	           PQpipelineSync(c) == 1;
	/* Each query's results end with a NULL; the Sync answers PGRES_PIPELINE_SYNC. Two NULLs
	 * in a row mean nothing more is coming (the connection broke). */
	int n = 0, nulls = 0;
	while (sent && nulls < 2) {
		PGresult *r = PQgetResult(c);
		if (!r) {
			nulls++;
			continue;
		}
		nulls = 0;
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (n < 2)
			got[n++] = r;
		else
			PQclear(r);
	}
	PQexitPipelineMode(c);
	enum gcas_err e = GCAS_OK;
	if (!sent || n < 2)
		e = map_result(d, got[0] && PQresultStatus(got[0]) != PGRES_COMMAND_OK ? got[0]
		                                                                       : NULL);
	else if (PQresultStatus(got[0]) != PGRES_COMMAND_OK)
		e = map_result(d, got[0]);
	PQclear(got[0]);
	if (e) {
		PQclear(got[1]);
		return e;
	}
	*res = got[1];
	return GCAS_OK;
}

static enum gcas_err pg_exec(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                             db_row_fn cb, void *ctx, int64_t *changes)
{
	struct db_pg *d = (struct db_pg *)db;
	char name[16], nums[32][24];
	const char *vals[32];
	if (np > 32)
		return GCAS_ERR_INTERNAL;
	enum gcas_err e = prepare(d, id);
	if (e)
		return e;
	for (int i = 0; i < np; i++) {
		switch (p[i].type) {
		case DBP_NULL:
			vals[i] = NULL;
			break;
		case DBP_TEXT:
			vals[i] = p[i].s;
			break;
		case DBP_INT:
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64, p[i].i);
			vals[i] = nums[i];
			break;
		}
	}
	snprintf(name, sizeof(name), "s%d", (int)id);
	PGresult *r = NULL;
	if (d->begin_pending) {
		d->begin_pending = 0;
		if ((e = exec_after_begin(d, name, np, vals, &r)))
			return e;
	} else {
		r = PQexecPrepared(d->conn, name, np, vals, NULL, NULL, 0);
	}
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		e = map_result(d, r);
		PQclear(r);
		return e;
	}
	if (changes) {
		const char *t = PQcmdTuples(r);
		*changes = t && *t ? strtoll(t, NULL, 10) : 0;
	}
	if (cb && st == PGRES_TUPLES_OK) {
		int rows = PQntuples(r), cols = PQnfields(r);
		const char *row[64];
		if (cols > 64)
			cols = 64;
		for (int i = 0; i < rows; i++) {
			for (int c = 0; c < cols; c++)
				row[c] = PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
			if (cb(ctx, cols, row))
				break;
		}
	}
	PQclear(r);
	return GCAS_OK;
}

static enum gcas_err pg_exec_script(struct db *db, const char *sql, char *why, size_t why_len)
{
	struct db_pg *d = (struct db_pg *)db;
	/* BEGIN waits for the transaction's first statement (pg_exec); a transaction that ran
	 * none ends without a word to the server. */
	if (strcmp(sql, "BEGIN") == 0) {
		d->begin_pending = 1;
		return GCAS_OK;
	}
	if (d->begin_pending) {
		d->begin_pending = 0;
		if (strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0)
			return GCAS_OK;
		PGresult *b = PQexec(d->conn, "BEGIN");
		enum gcas_err e =
		    PQresultStatus(b) == PGRES_COMMAND_OK ? GCAS_OK : map_result(d, b);
		PQclear(b);
		if (e) {
			if (why)
				snprintf(why, why_len, "%s", d->err);
			return e;
		}
	}
	PGresult *r = PQexec(d->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	enum gcas_err e = GCAS_OK;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		e = map_result(d, r);
		if (why)
			snprintf(why, why_len, "%s", d->err);
	} else if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		/* A statement failed earlier and the use case carried on: PostgreSQL has thrown the
		 * transaction away and answers COMMIT with ROLLBACK. Never report that as saved. */
		snprintf(d->err, sizeof(d->err), "the transaction was aborted by an earlier error");
		e = GCAS_ERR_DB;
	}
	PQclear(r);
	return e;
}

static enum gcas_err pg_revive(struct db *db)
{
	struct db_pg *d = (struct db_pg *)db;
	if (PQstatus(d->conn) == CONNECTION_OK)
		return GCAS_OK;
	/* The server restarted or the network dropped: reconnect; statements die with the old
	 * session and are prepared again on first use. */
	PQreset(d->conn);
	memset(d->prepared, 0, sizeof(d->prepared));
	d->begin_pending = 0;
	if (PQstatus(d->conn) != CONNECTION_OK) {
		snprintf(d->err, sizeof(d->err), "reconnect failed: %s", PQerrorMessage(d->conn));
		return GCAS_ERR_DB;
	}
	PGresult *r = PQexec(d->conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
	PQclear(r);
	return GCAS_OK;
}

const struct db_driver db_pg_driver = {
    .engine = DB_PG,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .exec_script = pg_exec_script,
    .revive = pg_revive,
    .errmsg = pg_errmsg,
};
