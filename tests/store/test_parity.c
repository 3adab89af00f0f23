/* SPDX-License-Identifier: MIT */
/* Schema parity: the SQLite and the PostgreSQL migrations must produce the same tables and
 * columns, so a statement written once (stmt.h) means the same on both engines. Migrates a fresh
 * SQLite file and an emptied PostgreSQL schema and compares store_schema_columns(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "store/store.h"
#include "tap.h"
#include "testdb.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Open, migrate and list the columns of one database, sorted here (not trusting the engine's
 * collation). Returns 0 or -1. */
static int columns_of(const struct testdb *t, struct arena *a, char ***cols, size_t *n)
{
	char why[512] = "";
	int applied = 0, dbv = 0, binv = 0;
	*cols = NULL;
	*n = 0;
	if (testdb_reset(t))
		return -1;
	struct store *st = store_open(t->dsn, 1, why, sizeof(why));
	if (!st) {
		printf("# store_open %s: %s\n", t->dsn, why);
		return -1;
	}
	int rc = -1;
	if (store_migrate(st, &applied, why, sizeof(why))) {
		printf("# migrate %s: %s\n", store_engine(st), why);
		goto out;
	}
	if (store_schema_version(st, &dbv, &binv) || dbv != binv)
		goto out;
	if (store_schema_columns(st, a, cols, n) || *n == 0)
		goto out;
	qsort(*cols, *n, sizeof(**cols), cmp_str);
	rc = 0;
out:
	store_close(st);
	return rc;
}

int main(int argc, char **argv)
{
	struct testdb lite, pg;
	const char *why = NULL;
	int r = testdb_resolve(argc > 2 ? argv[2] : "env:GCAS_TEST_PG", &pg, &why);
	if (r) {
		printf("1..0 # SKIP %s\n", why);
		return r > 0 ? 0 : 1;
	}
	if (testdb_resolve(argc > 1 ? argv[1] : "sqlite:tmp", &lite, &why)) {
		printf("Bail out! %s\n", why);
		return 1;
	}
	struct arena *a = arena_new(0);
	char **lc = NULL, **pc = NULL;
	size_t ln = 0, pn = 0;
	ok(a && columns_of(&lite, a, &lc, &ln) == 0, "SQLite schema migrated (%zu columns)", ln);
	ok(a && columns_of(&pg, a, &pc, &pn) == 0, "PostgreSQL schema migrated (%zu columns)", pn);
	is_int(ln, pn, "same number of columns");

	/* Walk both sorted lists and name every column found on one side only. */
	size_t i = 0, j = 0, only = 0;
	while (i < ln || j < pn) {
		int c = i == ln ? 1 : j == pn ? -1 : strcmp(lc[i], pc[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		printf("#   only in %s: %s\n", c < 0 ? "sqlite" : "postgresql",
		       c < 0 ? lc[i] : pc[j]);
		only++;
		if (c < 0)
			i++;
		else
			j++;
	}
	is_int(only, 0, "identical table.column lists on both engines");
	int seen = 0;
	for (size_t k = 0; k < ln; k++)
		seen +=
		    strcmp(lc[k], "audit_head.hash") == 0 || strcmp(lc[k], "jobs.lease_until") == 0;
	is_int(seen, 2, "the lists hold the real schema (audit_head.hash, jobs.lease_until)");

	testdb_cleanup(&lite);
	arena_free(a);
	return tap_done();
}
