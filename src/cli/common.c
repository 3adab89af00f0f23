/* SPDX-License-Identifier: MIT */
/* Helpers shared by the subcommands. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/str.h"
#include "cli/cli.h"

/* The embedded default keeps its database under var/: create the directory on first use. */
static void ensure_parent_dir(const char *dsn)
{
	const char *path = dsn;
	if (str_starts(path, "postgres"))
		return;
	if (str_starts(path, "sqlite://"))
		path += 9;
	else if (str_starts(path, "sqlite:"))
		path += 7;
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return;
	char dir[1024];
	size_t n = (size_t)(slash - path);
	if (n >= sizeof(dir))
		return;
	memcpy(dir, path, n);
	dir[n] = '\0';
	mkdir(dir, 0750);
}

int cli_open_store(struct cli *c, int check_schema)
{
	char why[512] = "";
	ensure_parent_dir(c->cfg.db);
	int pool = c->cfg.threads > 0 ? c->cfg.threads + 1 : 2;
	c->env.st = store_open(c->cfg.db, pool, why, sizeof(why));
	c->env.cfg = &c->cfg;
	if (!c->env.st) {
		fprintf(stderr, "gcas: %s\n", why);
		return 69; /* EX_UNAVAILABLE */
	}
	if (!check_schema)
		return 0;
	int have = 0, want = 0;
	if (store_schema_version(c->env.st, &have, &want) != GCAS_OK) {
		fprintf(stderr, "gcas: cannot read the schema version of %s\n", c->cfg.db);
		return 69;
	}
	if (have != want) {
		fprintf(
		    stderr,
		    "gcas: the database schema is at version %d but this gcas needs version %d;\n"
		    "      run `gcas db migrate` (or `gcas init`) first.\n",
		    have, want);
		return 65;
	}
	return 0;
}

void cli_close_store(struct cli *c)
{
	store_close(c->env.st);
	c->env.st = NULL;
}

const char *cli_opt(struct cli *c, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (a[0] != '-' || a[1] != '-' || strncmp(a + 2, name, n) != 0)
			continue;
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (a[2 + n] == '\0' && i + 1 < c->argc)
			return c->argv[i + 1];
	}
	return NULL;
}

int cli_flag(struct cli *c, const char *name)
{
	for (int i = 0; i < c->argc; i++)
		if (c->argv[i][0] == '-' && c->argv[i][1] == '-' &&
		    strcmp(c->argv[i] + 2, name) == 0)
			return 1;
	return 0;
}

const char *cli_arg(struct cli *c, int idx)
{
	int k = 0;
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (a[0] == '-') {
			/* "--name value": skip the value too (bare flags are followed by another
			 * flag or nothing). */
			if (!strchr(a, '=') && i + 1 < c->argc && c->argv[i + 1][0] != '-' &&
			    strcmp(a, "--help") != 0 && strcmp(a, "--force") != 0 &&
			    strcmp(a, "--password-stdin") != 0 && strcmp(a, "--json") != 0)
				i++;
			continue;
		}
		if (k++ == idx)
			return a;
	}
	return NULL;
}

void cli_print_verrs(const struct verrs *ve)
{
	for (size_t i = 0; ve && i < ve->n; i++)
		fprintf(stderr, "  %s: %s (%s)\n", ve->e[i].field ? ve->e[i].field : "-",
		        ve->e[i].en, ve->e[i].ja);
}

int cli_fail(const char *what, enum gcas_err e, const struct verrs *ve)
{
	static const char *const why[GCAS_ERR__MAX] = {
	    [GCAS_ERR_INVALID] = "the input is not valid",
	    [GCAS_ERR_NOTFOUND] = "not found",
	    [GCAS_ERR_CONFLICT] = "conflicts with existing data",
	    [GCAS_ERR_DENIED] = "refused by the permission matrix",
	    [GCAS_ERR_DB] = "database error (see the log line above)",
	    [GCAS_ERR_BUSY] = "the database is busy; try again",
	};
	const char *w = (unsigned)e < GCAS_ERR__MAX && why[e] ? why[e] : gcas_err_name(e);
	fprintf(stderr, "gcas: %s: %s\n", what, w);
	cli_print_verrs(ve);
	return e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT ? 65
	       : e == GCAS_ERR_NOTFOUND                        ? 66
	                                                       : 1;
}
