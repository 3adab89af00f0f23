/* SPDX-License-Identifier: MIT */
/* Test databases for the store suite: resolves a test argument into a DSN ("sqlite:tmp" → a
 * fresh file in a mkdtemp directory, "env:NAME" → the DSN in that environment variable, anything
 * else → used as given) and empties it before a run (PostgreSQL: schema public dropped and
 * recreated through libpq — setup only, the tests themselves go through store.h). */
#ifndef GCAS_TESTS_STORE_TESTDB_H
#define GCAS_TESTS_STORE_TESTDB_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/str.h"

struct testdb {
	char dsn[1024];
	char dir[64]; /* mkdtemp directory for "sqlite:tmp", else "" */
	int is_pg;
};

/* 0 = ready, 1 = skip (reason in *why), -1 = error (reason in *why). */
static inline int testdb_resolve(const char *arg, struct testdb *t, const char **why)
{
	memset(t, 0, sizeof(*t));
	*why = NULL;
	if (!arg || !*arg) {
		*why = "no DSN given (argv[1] or GCAS_TEST_DSN)";
		return -1;
	}
	if (str_starts(arg, "env:")) {
		const char *v = getenv(arg + 4);
		if (!v || !*v) {
			*why = strcmp(arg + 4, "GCAS_TEST_PG") == 0 ? "GCAS_TEST_PG not set"
			                                            : "DSN variable not set";
			return 1;
		}
		arg = v;
	}
	if (strcmp(arg, "sqlite:tmp") == 0) {
		if (str_copy(t->dir, sizeof(t->dir), "/tmp/gcas-store-XXXXXX") ||
		    !mkdtemp(t->dir)) {
			*why = "mkdtemp failed";
			return -1;
		}
		snprintf(t->dsn, sizeof(t->dsn), "sqlite:%s/test.db", t->dir);
		return 0;
	}
	if (str_copy(t->dsn, sizeof(t->dsn), arg)) {
		*why = "DSN too long";
		return -1;
	}
	t->is_pg = str_starts(arg, "postgresql://") || str_starts(arg, "postgres://");
	return 0;
}

static inline void testdb_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Drop and recreate schema public so the run starts from nothing. 0 or -1. */
static inline int testdb_pg_reset(const char *dsn)
{
	PGconn *c = PQconnectdb(dsn);
	int ok = c && PQstatus(c) == CONNECTION_OK;
	if (!ok) {
		printf("# cannot connect to %s: %s\n", dsn, c ? PQerrorMessage(c) : "no memory");
		PQfinish(c);
		return -1;
	}
	PQsetNoticeProcessor(c, testdb_quiet, NULL);
	PGresult *r = PQexec(c, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		printf("# resetting schema public failed: %s\n", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* End every backend whose application_name is app and wait (up to 5 s) until they are gone.
 * Returns how many were ended, or -1. */
static inline int testdb_pg_terminate(const char *dsn, const char *app)
{
	PGconn *c = PQconnectdb(dsn);
	const char *params[] = {app};
	int n = -1;
	if (!c || PQstatus(c) != CONNECTION_OK)
		goto out;
	PGresult *r = PQexecParams(c,
	                           "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
	                           "WHERE application_name = $1",
	                           1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		n = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	for (int i = 0; n > 0 && i < 50; i++) {
		r = PQexecParams(
		    c, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", 1, NULL,
		    params, NULL, NULL, 0);
		int left = PQresultStatus(r) == PGRES_TUPLES_OK
		               ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10)
		               : -1;
		PQclear(r);
		if (left == 0)
			break;
		usleep(100 * 1000);
	}
out:
	PQfinish(c);
	return n;
}

static inline void testdb_sqlite_remove(const struct testdb *t)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char path[1100];
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s/test.db%s", t->dir, suffix[i]);
		unlink(path);
	}
}

/* Empty the database: PostgreSQL schema reset, or the temporary SQLite files removed (a DSN
 * naming some other SQLite file is left alone). 0 or -1. */
static inline int testdb_reset(const struct testdb *t)
{
	if (t->is_pg)
		return testdb_pg_reset(t->dsn);
	if (t->dir[0])
		testdb_sqlite_remove(t);
	return 0;
}

/* Remove the temporary SQLite directory, if any. */
static inline void testdb_cleanup(const struct testdb *t)
{
	if (!t->dir[0])
		return;
	testdb_sqlite_remove(t);
	rmdir(t->dir);
}

#endif
