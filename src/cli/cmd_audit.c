/* SPDX-License-Identifier: MIT */
/* `gcas audit` (verify the hash chain, export JSON Lines for auditors) and `gcas config`. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/audit.h"

int cmd_audit(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub) {
		printf(
		    "usage: gcas audit verify\n       gcas audit export [--out FILE]\n\n"
		    "verify walks the hash chain and names every record that was edited, deleted\n"
		    "or reordered (exit status 1 when any). export writes every record as JSON\n"
		    "Lines, with the chain hashes, for independent auditors (R6.4).\n");
		return sub ? 0 : 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 0)))
		return rc;
	int64_t n = 0;
	if (strcmp(sub, "verify") == 0) {
		enum gcas_err e = audit_verify(c->env.st, stdout, &n);
		if (e == GCAS_ERR_CONFLICT) {
			fprintf(stderr,
			        "gcas audit verify: the audit log has been tampered with\n");
			return 1;
		}
		return e ? cli_fail("cannot verify the audit log", e, NULL) : 0;
	}
	if (strcmp(sub, "export") == 0) {
		const char *path = cli_opt(c, "out");
		FILE *out = path ? fopen(path, "w") : stdout;
		if (!out) {
			perror(path);
			return 73;
		}
		enum gcas_err e = audit_export(c->env.st, out, &n);
		if (path && fclose(out) != 0)
			e = GCAS_ERR_IO;
		if (e)
			return cli_fail("cannot export the audit log", e, NULL);
		fprintf(stderr, "%lld record(s) exported\n", (long long)n);
		return 0;
	}
	fprintf(stderr, "gcas audit: unknown subcommand \"%s\"\n", sub);
	return 64;
}

int cmd_config(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub) {
		printf("usage: gcas config check | gcas config show\n\n"
		       "check explains every mistake in the file, the environment and the flags\n"
		       "(exit status 78 when any); show prints the effective configuration.\n");
		return sub ? 0 : 64;
	}
	if (strcmp(sub, "show") == 0) {
		config_print(&c->cfg, stdout);
		return 0;
	}
	if (strcmp(sub, "check") == 0) {
		/* Loading problems and cross-field problems together, so one run shows all. */
		struct config_problems p = c->load_problems;
		if (config_check(&c->cfg, &p) || p.n) {
			config_problems_print(&p, stdout);
			return 78;
		}
		printf("configuration ok\n");
		return 0;
	}
	fprintf(stderr, "gcas config: unknown subcommand \"%s\"\n", sub);
	return 64;
}
