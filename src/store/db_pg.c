/* SPDX-License-Identifier: MIT */
/* PostgreSQL driver over libpq: statements of the closed table are prepared once per connection
 * (named "s<id>") and run with text parameters. SQLSTATE 40001 (serialization_failure) and
 * 40P01 (deadlock_detected) are transient and reported as GCAS_ERR_BUSY so store_tx retries;
 * 23505 (unique_violation) is a conflict. Round trips are saved with pipeline mode: a
 * transaction's BEGIN travels with its first statement, and the writes a use case defers
 * (db_change_later) with its next statement or its COMMIT. */
#include <libpq-fe.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

#define PG_MAX_PARAMS 32
/* What every session is told first: text in UTF-8, times in UTC. */
#define SESSION_SETUP "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'"
#define PG_DEFER_MAX  8
/* A statement held back by pg_defer: its parameters copied into one block it owns. */
struct pg_deferred {
	enum stmt_id id;
	int np;
	char *blob;
	const char *vals[PG_MAX_PARAMS];
};

struct db_pg {
	struct db base;
	PGconn *conn;
	unsigned char prepared[STMT__MAX];
	/* BEGIN was asked for and not sent yet: it goes with the next statement. */
	int begin_pending;
	/* Statements pg_defer holds for the next round trip, and whether a transaction is open
	 * (outside one, a write is not held: nothing would send it). */
	struct pg_deferred def[PG_DEFER_MAX];
	int ndef, in_tx;
	/* The session was started again inside a transaction (a pipeline broke half-way): the
	 * server dropped the transaction, so nothing more may run as part of it, and its COMMIT
	 * must fail, until the ROLLBACK. */
	int tx_lost;
	char err[256];
};

static void drop_deferred(struct db_pg *d)
{
	for (int i = 0; i < d->ndef; i++)
		free(d->def[i].blob);
	d->ndef = 0;
}

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
	PGresult *r = PQexec(d->conn, SESSION_SETUP);
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
	drop_deferred(d);
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

/* One query of a pipeline: a prepared statement (name) or a single simple one (sql). */
struct pg_q {
	const char *name, *sql;
	int np;
	const char *const *vals;
};

static int send_q(PGconn *c, const struct pg_q *q)
{
	if (q->name)
		return PQsendQueryPrepared(c, q->name, q->np, q->vals, NULL, NULL, 0);
	return PQsendQueryParams(c, q->sql, 0, NULL, NULL, NULL, NULL, 0);
}

static PGresult *exec_q(PGconn *c, const struct pg_q *q)
{
	if (q->name)
		return PQexecPrepared(c, q->name, q->np, q->vals, NULL, NULL, 0);
	return PQexec(c, q->sql);
}

static int result_ok(const PGresult *r)
{
	if (!r)
		return 0;
	ExecStatusType st = PQresultStatus(r);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* A new session on the same DSN: the server ends the old one, and with it any transaction
 * and anything sent of it; statements are prepared again on first use. */
static enum gcas_err restart(struct db_pg *d)
{
	PQreset(d->conn);
	memset(d->prepared, 0, sizeof(d->prepared));
	d->begin_pending = d->in_tx = d->tx_lost = 0;
	drop_deferred(d);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		snprintf(d->err, sizeof(d->err), "reconnect failed: %s", PQerrorMessage(d->conn));
		return GCAS_ERR_DB;
	}
	PGresult *r = PQexec(d->conn, SESSION_SETUP);
	PQclear(r);
	return GCAS_OK;
}

/* What waits (the BEGIN pg_exec_script held, the statements pg_defer held) and then q (NULL:
 * nothing more), in one round trip: libpq's pipeline mode sends them all and one Sync; an
 * explicit transaction block stays open after the Sync (PostgreSQL protocol, "Pipelining").
 * The first failure among them is the answer (the server skips the rest up to the Sync);
 * *res: q's result, which the caller clears. */
static enum gcas_err pipeline(struct db_pg *d, const struct pg_q *q, PGresult **res)
{
	PGconn *c = d->conn;
	struct pg_q list[1 + PG_DEFER_MAX + 1];
	char names[PG_DEFER_MAX][16];
	PGresult *got[1 + PG_DEFER_MAX + 1] = {NULL};
	int n = 0;
	if (d->begin_pending)
		list[n++] = (struct pg_q){.sql = "BEGIN"};
	for (int i = 0; i < d->ndef; i++) {
		snprintf(names[i], sizeof(names[i]), "s%d", (int)d->def[i].id);
		list[n++] = (struct pg_q){names[i], NULL, d->def[i].np, d->def[i].vals};
	}
	if (q)
		list[n++] = *q;
	int first_def = d->begin_pending;
	d->begin_pending = 0;
	if (res)
		*res = NULL;
	int sent = 0;
	enum gcas_err e = GCAS_OK;
	if (PQenterPipelineMode(c) == 1) {
		sent = 1;
		for (int i = 0; i < n && sent; i++)
			sent = send_q(c, &list[i]) == 1;
		sent = sent && PQpipelineSync(c) == 1;
		/* Each query's results end with a NULL; the Sync answers PGRES_PIPELINE_SYNC. Two
		 * NULLs in a row mean nothing more is coming (the connection broke). */
		int k = 0, nulls = 0;
		while (sent && nulls < 2) {
			PGresult *r = PQgetResult(c);
			if (!r) {
				if (++nulls == 1)
					k++;
				continue;
			}
			nulls = 0;
			if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
				PQclear(r);
				break;
			}
			if (k < n && !got[k])
				got[k] = r;
			else
				PQclear(r);
		}
		if (!sent)
			e = map_result(d, NULL); /* before PQexitPipelineMode adds its own words */
		PQexitPipelineMode(c);
	} else {
		/* Not idle (cannot happen between statements): one round trip each then. */
		sent = 1;
		for (int i = 0; i < n && (i == 0 || result_ok(got[i - 1])); i++)
			got[i] = exec_q(c, &list[i]);
	}
	for (int i = 0; i < n && !e; i++) {
		if (result_ok(got[i]))
			continue;
		e = map_result(d, got[i]);
		/* A held write's refusal arrives with another statement: say whose it is. */
		int j = i - first_def;
		if (j >= 0 && j < d->ndef) {
			char tmp[sizeof(d->err)];
			memcpy(tmp, d->err, sizeof(tmp));
			snprintf(d->err, sizeof(d->err), "%s: %.200s",
			         stmt_table[d->def[j].id].name, tmp);
		}
	}
	drop_deferred(d);
	for (int i = 0; i < n; i++)
		if (e || !res || i < n - 1 || !q)
			PQclear(got[i]);
	if (!e && res && q)
		*res = got[n - 1];
	if (PQpipelineStatus(c) != PQ_PIPELINE_OFF) {
		/* A send failed half-way, so what was queued was never synced and the connection
		 * cannot leave pipeline mode: a new session, or the queued writes of this use case
		 * would go out with the next one's statements. */
		char why[sizeof(d->err)];
		memcpy(why, d->err, sizeof(why));
		int in_tx = d->in_tx;
		restart(d);
		d->tx_lost = in_tx;
		memcpy(d->err, why, sizeof(why));
		if (!e)
			e = GCAS_ERR_DB;
	}
	return e;
}

/* Parameters as libpq's text values; nums holds the integers written out. */
static void bind_params(const struct db_param *p, int np, char nums[][24], const char **vals)
{
	for (int i = 0; i < np; i++) {
		switch (p[i].type) {
		case DBP_NULL:
			vals[i] = NULL;
			break;
		case DBP_TEXT:
			vals[i] = p[i].s;
			break;
		case DBP_INT:
			snprintf(nums[i], sizeof(nums[0]), "%" PRId64, p[i].i);
			vals[i] = nums[i];
			break;
		}
	}
}

/* Held until the transaction's next statement or its COMMIT, so an audit record and the chain
 * head it moves travel with the COMMIT: the head's row lock, which every audited use case
 * waits for, is then held for one round trip after it is taken instead of three. */
static enum gcas_err pg_exec(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                             db_row_fn cb, void *ctx, int64_t *changes);

static enum gcas_err lost(struct db_pg *d)
{
	snprintf(d->err, sizeof(d->err), "the transaction was lost with its connection");
	return GCAS_ERR_DB;
}

static enum gcas_err pg_defer(struct db *db, enum stmt_id id, const struct db_param *p, int np)
{
	struct db_pg *d = (struct db_pg *)db;
	char nums[PG_MAX_PARAMS][24];
	const char *vals[PG_MAX_PARAMS];
	enum gcas_err e;
	if (np > PG_MAX_PARAMS)
		return GCAS_ERR_INTERNAL;
	if (d->tx_lost)
		return lost(d);
	if (!d->in_tx)
		return pg_exec(db, id, p, np, NULL, NULL, NULL);
	if (d->ndef == PG_DEFER_MAX && (e = pipeline(d, NULL, NULL)))
		return e;
	if ((e = prepare(d, id)))
		return e;
	bind_params(p, np, nums, vals);
	size_t len = 0;
	for (int i = 0; i < np; i++)
		len += vals[i] ? strlen(vals[i]) + 1 : 0;
	struct pg_deferred *f = &d->def[d->ndef];
	f->blob = malloc(len ? len : 1);
	if (!f->blob)
		return GCAS_ERR_NOMEM;
	char *w = f->blob;
	for (int i = 0; i < np; i++) {
		f->vals[i] = NULL;
		if (!vals[i])
			continue;
		size_t l = strlen(vals[i]) + 1;
		memcpy(w, vals[i], l);
		f->vals[i] = w;
		w += l;
	}
	f->id = id;
	f->np = np;
	d->ndef++;
	return GCAS_OK;
}

static enum gcas_err pg_exec(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                             db_row_fn cb, void *ctx, int64_t *changes)
{
	struct db_pg *d = (struct db_pg *)db;
	char name[16], nums[PG_MAX_PARAMS][24];
	const char *vals[PG_MAX_PARAMS];
	if (np > PG_MAX_PARAMS)
		return GCAS_ERR_INTERNAL;
	if (d->tx_lost)
		return lost(d);
	enum gcas_err e = prepare(d, id);
	if (e)
		return e;
	bind_params(p, np, nums, vals);
	snprintf(name, sizeof(name), "s%d", (int)id);
	PGresult *r = NULL;
	if (d->begin_pending || d->ndef) {
		struct pg_q q = {name, NULL, np, vals};
		if ((e = pipeline(d, &q, &r)))
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
	int commit = strcmp(sql, "COMMIT") == 0, rollback = strcmp(sql, "ROLLBACK") == 0;
	/* BEGIN waits for the transaction's first statement (pg_exec); a transaction that ran
	 * none ends without a word to the server. What was deferred dies with a ROLLBACK. */
	if (strcmp(sql, "BEGIN") == 0) {
		drop_deferred(d);
		d->begin_pending = d->in_tx = 1;
		d->tx_lost = 0;
		return GCAS_OK;
	}
	if (commit || rollback)
		d->in_tx = 0;
	if (d->tx_lost) {
		/* The server ended that transaction with the old session: a ROLLBACK has nothing
		 * left to do, a COMMIT nothing to save. */
		if (commit || rollback)
			d->tx_lost = 0;
		if (rollback)
			return GCAS_OK;
		enum gcas_err e = lost(d);
		if (why)
			snprintf(why, why_len, "%s", d->err);
		return e;
	}
	if (rollback)
		drop_deferred(d);
	if (d->begin_pending && !d->ndef && (commit || rollback)) {
		d->begin_pending = 0;
		return GCAS_OK;
	}
	PGresult *r = NULL;
	enum gcas_err e = GCAS_OK;
	if (d->begin_pending || d->ndef) {
		/* A COMMIT goes in the pipeline; a script (several statements, which the extended
		 * protocol refuses) after it. */
		struct pg_q q = {.sql = sql};
		e = pipeline(d, commit ? &q : NULL, commit ? &r : NULL);
	}
	if (!e && !r)
		r = PQexec(d->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	if (!e && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		e = map_result(d, r);
	} else if (!e && commit && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		/* A statement failed earlier and the use case carried on: PostgreSQL has thrown the
		 * transaction away and answers COMMIT with ROLLBACK. Never report that as saved. */
		snprintf(d->err, sizeof(d->err), "the transaction was aborted by an earlier error");
		e = GCAS_ERR_DB;
	}
	if (e && why)
		snprintf(why, why_len, "%s", d->err);
	PQclear(r);
	return e;
}

static enum gcas_err pg_revive(struct db *db)
{
	struct db_pg *d = (struct db_pg *)db;
	/* The server restarted or the network dropped, or a pipeline broke half-way: reconnect.
	 * A transaction left open (never the case after store_tx) is rolled back. */
	if (PQstatus(d->conn) != CONNECTION_OK || PQpipelineStatus(d->conn) != PQ_PIPELINE_OFF)
		return restart(d);
	PGTransactionStatusType ts = PQtransactionStatus(d->conn);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
		PGresult *r = PQexec(d->conn, "ROLLBACK");
		PQclear(r);
	}
	d->begin_pending = d->in_tx = d->tx_lost = 0;
	drop_deferred(d);
	return GCAS_OK;
}

const struct db_driver db_pg_driver = {
    .engine = DB_PG,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .defer = pg_defer,
    .exec_script = pg_exec_script,
    .revive = pg_revive,
    .errmsg = pg_errmsg,
};
