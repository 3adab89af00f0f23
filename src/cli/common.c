/* SPDX-License-Identifier: MIT */
/* Helpers shared by the subcommands. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/str.h"
#include "base/codec.h"
#include "base/rand.h"
#include "cli/cli.h"
#include "signer/signer.h"
#include "svc/audit.h"

/* The embedded default keeps its database under var/: create the directory on first use. */
static void ensure_parent_dir(const char *dsn)
{
	const char *path = dsn;
	if (!path || str_starts(path, "postgres"))
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
	int pool = c->serving && c->cfg.threads > 0 ? c->cfg.threads + 1 : 2;
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
	cli_close_signer(c);
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

static int write_new_key(const char *path, unsigned char key[32])
{
	char hex[65];
	if (rand_bytes(key, 32))
		return -1;
	hex_encode(hex, key, 32);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -1;
	int ok = write(fd, hex, 64) == 64 && write(fd, "\n", 1) == 1;
	explicit_bzero(hex, sizeof(hex));
	return close(fd) == 0 && ok ? 0 : -1;
}

/* Reads (or, with create, makes) a 32-byte key kept as 64 hex digits in a file outside the
 * database. what names it in messages ("audit key"). Returns 0, or an exit status. */
static int load_key_file(const char *path, const char *what, unsigned char key[32], int *set,
                         int create, int required)
{
	char hex[80] = "";
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f && errno == ENOENT && create) {
		ensure_parent_dir(path);
		if (write_new_key(path, key)) {
			fprintf(stderr, "gcas: cannot create the %s %s: %s\n", what, path,
			        strerror(errno));
			return 73;
		}
		*set = 1;
		printf("created the %s %s (keep it secret; every node needs the same file)\n", what,
		       path);
		return 0;
	}
	if (!f) {
		if (!required)
			return 0;
		fprintf(stderr,
		        "gcas: the %s %s cannot be read (%s); `gcas init` creates it, and every "
		        "node of a cluster needs the same file\n",
		        what, path ? path : "(unset)", strerror(errno));
		return 78;
	}
	size_t n = fread(hex, 1, sizeof(hex) - 1, f);
	fclose(f);
	while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
		n--;
	int bad = hex_decode(key, 32, hex, n);
	explicit_bzero(hex, sizeof(hex));
	if (bad) {
		fprintf(stderr, "gcas: the %s %s must hold 64 hexadecimal digits\n", what, path);
		return 78;
	}
	*set = 1;
	return 0;
}

int cli_audit_key(struct cli *c, int create, int required)
{
	int rc = load_key_file(c->cfg.audit_key_file, "audit key", c->cfg.audit_key,
	                       &c->cfg.audit_key_set, create, required);
	if (!rc && c->cfg.audit_key_set)
		audit_set_key(c->cfg.audit_key, 32);
	return rc;
}

int cli_keys_key(struct cli *c, int create, int required)
{
	/* issue 4 §4: signing keys are stored encrypted under this key */
	return load_key_file(c->cfg.keys_key_file, "signing-key encryption key", c->cfg.keys_key,
	                     &c->cfg.keys_key_set, create, required);
}

int cli_open_signer(struct cli *c)
{
	if (c->env.signer)
		return 0;
	int rc = cli_keys_key(c, 0, 1);
	if (rc)
		return rc;
	if (signer_open(c->env.st, c->cfg.keys_key, 0, &c->env.signer)) {
		fprintf(stderr, "gcas: cannot open the signing keys\n");
		return 70;
	}
	/* SAML certificates name the public host (their CN), see signer_set_cert_subject. */
	signer_set_cert_subject(c->env.signer, c->cfg.base_url);
	return 0;
}

void cli_close_signer(struct cli *c)
{
	signer_free(c->env.signer);
	c->env.signer = NULL;
}
