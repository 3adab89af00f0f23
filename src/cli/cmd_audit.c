/* SPDX-License-Identifier: MIT */
/* `gcas audit` (verify the hash chain and the anchor, move the anchor forward, export JSON
 * Lines for auditors) and `gcas config`. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"

#include "cli/cli.h"
#include "svc/audit.h"

/* verify: the chain, then the anchor file (R6.4); both run so one report shows everything. */
static int audit_verify_cmd(struct cli *c)
{
	int64_t n = 0;
	enum gcas_err e = audit_verify(c->env.st, stdout, &n);
	if (e && e != GCAS_ERR_CONFLICT)
		return cli_fail("cannot verify the audit log", e, NULL);
	enum gcas_err ea = audit_verify_anchor(c->env.st, c->cfg.audit_anchor_file, stdout);
	if (ea && ea != GCAS_ERR_CONFLICT)
		return cli_fail("cannot check the audit anchor", ea, NULL);
	if (e == GCAS_ERR_CONFLICT)
		fprintf(stderr, "gcas audit verify: the audit log has been tampered with\n");
	if (ea == GCAS_ERR_CONFLICT)
		fprintf(stderr, "gcas audit verify: the audit log does not match its anchor\n");
	return e || ea ? 1 : 0;
}

/* anchor: move this node's anchor file forward to the head, now (the job does it every 5
 * minutes under `gcas serve`). */
static int audit_anchor_cmd(struct cli *c)
{
	const char *path = c->cfg.audit_anchor_file;
	if (!path || !*path) {
		fprintf(stderr,
		        "gcas audit anchor: no anchor file configured (audit.anchor_file)\n");
		return 78;
	}
	struct audit_anchor an;
	int moved = 0;
	enum gcas_err e = audit_anchor_write(c->env.st, path, &an, &moved);
	if (e == GCAS_ERR_CONFLICT || e == GCAS_ERR_AUTH || e == GCAS_ERR_INVALID) {
		fprintf(stderr,
		        "gcas audit anchor: %s was left as it is: it is ahead of the database, "
		        "does not match it, or is not genuine; run gcas audit verify\n",
		        path);
		return 1;
	}
	if (e)
		return cli_fail("cannot write the audit anchor", e, NULL);
	char t[32];
	clock_fmt_utc(t, an.at);
	if (an.seq == 0)
		printf("the audit log is empty: nothing to anchor\n");
	else
		printf("%s: seq %" PRId64 " (%s)%s\n", path, an.seq, t,
		       moved ? "" : ", already there");
	return 0;
}

int cmd_audit(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub) {
		printf(
		    "usage: gcas audit verify\n       gcas audit anchor\n"
		    "       gcas audit export [--out FILE]\n\n"
		    "verify walks the hash chain and names every record that was edited, deleted\n"
		    "or reordered, then checks the anchor file (audit.anchor_file): a log that\n"
		    "ends before the anchor was rolled back (exit status 1 when any).\n"
		    "anchor moves this node's anchor file forward to the log's last record\n"
		    "(never back).\n"
		    "export writes every record as JSON Lines, with the chain hashes, for\n"
		    "independent auditors (R6.4).\n");
		return sub ? 0 : 64;
	}
	/* The anchor is signed with the audit key, so writing one needs it; verify only notes
	 * what it could not check without it. */
	int anchor = strcmp(sub, "anchor") == 0;
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, anchor)))
		return rc;
	int64_t n = 0;
	if (strcmp(sub, "verify") == 0)
		return audit_verify_cmd(c);
	if (anchor)
		return audit_anchor_cmd(c);
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
