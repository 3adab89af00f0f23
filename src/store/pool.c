/* SPDX-License-Identifier: MIT */
/* The store handle: a fixed pool of connections to one database, handed to one thread at a time,
 * and store_tx(), which runs a use case in one transaction and retries it on transient
 * conflicts (SQLITE_BUSY, PostgreSQL serialization failure / deadlock). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "store/internal.h"

struct store {
	const struct db_driver *drv;
	char *dsn;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* SQLite has one writer at a time: this node's writers queue here instead of sleeping in
	 * SQLite's busy handler (whose waits grow to 100 ms and set the p99 under load); other
	 * processes (the CLI, a job run by hand) still meet the busy timeout.
	 * Group commit (SQLite): writers queue their use cases; one of them, the leader, runs a
	 * batch of them in one transaction, each inside its own savepoint, and commits once, so
	 * the fsync of synchronous=FULL is paid per batch rather than per use case.
	 * PostgreSQL is not batched: its use cases run in parallel, each on its own connection,
	 * and it groups concurrent WAL flushes itself. Batched through one leader's connection
	 * they ran slower (26 Nov, durable cluster: ES256 redemptions 3,189 → 1,898/s, complete
	 * flows 1,112 → 863/s), although audited use cases then stopped queueing on the audit
	 * head's row lock, which each holds through its commit (SAML 840 → 1,024/s). That hold is
	 * now one round trip: the audit writes go with the COMMIT (db_change_later). */
	pthread_mutex_t gc_mu;
	struct gc_req *gc_head, *gc_tail;
	int gc_leading;
	/* SQLite: the connection the leader writes with, kept out of the pool, so its page cache
	 * stays valid from one batch to the next (a connection that sees another's commit in the
	 * WAL drops its whole cache and reads the pages again). NULL with a pool of one. */
	struct db *writer;
	int size, nfree;
	struct db **free_list;
	struct db **all;
};

static const char *strip_sqlite_prefix(const char *dsn)
{
	if (str_starts(dsn, "sqlite://"))
		return dsn + 9;
	if (str_starts(dsn, "sqlite:"))
		return dsn + 7;
	return dsn;
}

/* A queued use case. Its thread sleeps on its own cv until it is done (a leader ran it) or it
 * is handed the lead; waking only those two keeps a busy queue free of thundering herds. */
struct gc_req {
	store_tx_fn fn;
	void *ctx;
	enum gcas_err e;
	int done, lead;
	pthread_cond_t cv;
	struct gc_req *next;
};

struct store *store_open(const char *dsn, int pool, char *why, size_t why_len)
{
	int is_pg = str_starts(dsn, "postgresql://") || str_starts(dsn, "postgres://");
	struct store *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->drv = is_pg ? &db_pg_driver : &db_sqlite_driver;
	st->dsn = strdup(is_pg ? dsn : strip_sqlite_prefix(dsn));
	st->size = pool < 1 ? 1 : pool;
	st->free_list = calloc((size_t)st->size, sizeof(*st->free_list));
	st->all = calloc((size_t)st->size, sizeof(*st->all));
	pthread_mutex_init(&st->mu, NULL);
	pthread_mutex_init(&st->gc_mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	if (!st->dsn || !st->free_list || !st->all) {
		snprintf(why, why_len, "out of memory");
		store_close(st);
		return NULL;
	}
	for (int i = 0; i < st->size; i++) {
		if (st->drv->open(st->dsn, &st->all[i], why, why_len)) {
			store_close(st);
			return NULL;
		}
		st->free_list[st->nfree++] = st->all[i];
	}
	if (!is_pg && st->size > 1)
		st->writer = st->free_list[--st->nfree];
	return st;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->size && st->all; i++)
		if (st->all[i])
			st->drv->close(st->all[i]);
	pthread_mutex_destroy(&st->mu);
	pthread_mutex_destroy(&st->gc_mu);
	pthread_cond_destroy(&st->cv);
	free(st->all);
	free(st->free_list);
	free(st->dsn);
	free(st);
}

const char *store_engine(const struct store *st)
{
	return st->drv->engine == DB_PG ? "postgresql" : "sqlite";
}

struct db *store_acquire(struct store *st)
{
	pthread_mutex_lock(&st->mu);
	while (st->nfree == 0)
		pthread_cond_wait(&st->cv, &st->mu);
	struct db *db = st->free_list[--st->nfree];
	pthread_mutex_unlock(&st->mu);
	if (db->drv->revive)
		db->drv->revive(db);
	return db;
}

void store_release(struct store *st, struct db *db)
{
	pthread_mutex_lock(&st->mu);
	st->free_list[st->nfree++] = db;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
}

static void backoff(int attempt)
{
	/* 2, 4, 8 ... ms, randomised so two retrying nodes do not collide again. */
	long ms = (1L << (attempt + 1)) + (long)rand_uniform((uint32_t)(1u << (attempt + 1)));
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* One transaction around a single use case, retried on transient conflicts. */
static enum gcas_err tx_one(struct store *st, struct db *db, store_tx_fn fn, void *ctx)
{
	enum gcas_err e = GCAS_ERR_BUSY;
	const char *begin = st->drv->engine == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN";
	for (int attempt = 0; attempt < 8; attempt++) {
		if (attempt)
			backoff(attempt);
		e = st->drv->exec_script(db, begin, NULL, 0);
		if (e == GCAS_ERR_BUSY)
			continue;
		if (e)
			break;
		e = fn(db, ctx);
		if (e == GCAS_OK) {
			e = st->drv->exec_script(db, "COMMIT", NULL, 0);
			if (e == GCAS_OK)
				break;
		}
		st->drv->exec_script(db, "ROLLBACK", NULL, 0);
		if (e != GCAS_ERR_BUSY)
			break;
	}
	return e;
}

/* A batch in one transaction: each use case in its own savepoint, so one that fails is undone
 * alone (exactly as its own ROLLBACK would) and the others commit together. A transient error
 * anywhere (BUSY: another process holds the database) retries the whole batch. */
#define GC_BATCH 64
static void tx_batch(struct store *st, struct db *db, struct gc_req **rq, int n)
{
	enum gcas_err e = GCAS_ERR_BUSY;
	for (int attempt = 0; attempt < 8 && e == GCAS_ERR_BUSY; attempt++) {
		if (attempt)
			backoff(attempt);
		e = st->drv->exec_script(db, "BEGIN IMMEDIATE", NULL, 0);
		if (e)
			continue;
		for (int i = 0; i < n && e == GCAS_OK; i++) {
			if ((e = st->drv->exec_script(db, "SAVEPOINT gc", NULL, 0)))
				break;
			rq[i]->e = rq[i]->fn(db, rq[i]->ctx);
			if (rq[i]->e == GCAS_ERR_BUSY)
				e = GCAS_ERR_BUSY;
			else if (rq[i]->e)
				e = st->drv->exec_script(db, "ROLLBACK TO gc", NULL, 0);
			if (e == GCAS_OK)
				e = st->drv->exec_script(db, "RELEASE gc", NULL, 0);
		}
		if (e == GCAS_OK)
			e = st->drv->exec_script(db, "COMMIT", NULL, 0);
		if (e)
			st->drv->exec_script(db, "ROLLBACK", NULL, 0);
	}
	for (int i = 0; i < n; i++)
		if (e)
			rq[i]->e = e;
}

/* Depth of store_tx on this thread: a transaction opened inside another (a bug, but one that
 * must fail as before rather than deadlock) does not queue again. */
static _Thread_local int tx_depth;

enum gcas_err store_tx(struct store *st, store_tx_fn fn, void *ctx)
{
	enum gcas_err e;
	struct db *db;
	if (st->drv->engine != DB_SQLITE || tx_depth > 0) {
		tx_depth++;
		db = store_acquire(st);
		e = tx_one(st, db, fn, ctx);
		goto out;
	}
	struct gc_req me = {.fn = fn, .ctx = ctx};
	pthread_cond_init(&me.cv, NULL);
	pthread_mutex_lock(&st->gc_mu);
	if (st->gc_tail)
		st->gc_tail->next = &me;
	else
		st->gc_head = &me;
	st->gc_tail = &me;
	if (!st->gc_leading)
		st->gc_leading = me.lead = 1; /* nobody leads, so the queue held only this one */
	while (!me.done && !me.lead)
		pthread_cond_wait(&me.cv, &st->gc_mu);
	if (me.done) {
		pthread_mutex_unlock(&st->gc_mu);
		pthread_cond_destroy(&me.cv);
		return me.e;
	}
	/* Lead: take up to GC_BATCH queued requests from the head, where this one is (the lead is
	 * only ever handed to the head). */
	struct gc_req *batch[GC_BATCH];
	int n = 0;
	while (st->gc_head && n < GC_BATCH) {
		batch[n++] = st->gc_head;
		st->gc_head = st->gc_head->next;
	}
	if (!st->gc_head)
		st->gc_tail = NULL;
	pthread_mutex_unlock(&st->gc_mu);
	tx_depth++;
	db = st->writer ? st->writer : store_acquire(st);
	if (n == 1)
		batch[0]->e = tx_one(st, db, batch[0]->fn, batch[0]->ctx);
	else
		tx_batch(st, db, batch, n);
	e = me.e;
	pthread_mutex_lock(&st->gc_mu);
	for (int i = 0; i < n; i++) {
		batch[i]->done = 1;
		if (batch[i] != &me)
			pthread_cond_signal(&batch[i]->cv);
	}
	if (st->gc_head) {
		st->gc_head->lead = 1;
		pthread_cond_signal(&st->gc_head->cv);
	} else {
		st->gc_leading = 0;
	}
	pthread_mutex_unlock(&st->gc_mu);
	pthread_cond_destroy(&me.cv);
out:
	if (e == GCAS_ERR_DB || e == GCAS_ERR_BUSY)
		log_msg(LOG_ERROR, "transaction failed", "error", gcas_err_name(e), "db",
		        st->drv->errmsg(db), NULL);
	if (db != st->writer)
		store_release(st, db);
	tx_depth--;
	return e;
}

enum gcas_err store_run(struct store *st, store_tx_fn fn, void *ctx)
{
	struct db *db = store_acquire(st);
	enum gcas_err e = fn(db, ctx);
	if (e == GCAS_ERR_DB)
		log_msg(LOG_ERROR, "query failed", "db", st->drv->errmsg(db), NULL);
	store_release(st, db);
	return e;
}
