/* SPDX-License-Identifier: MIT */
/* `gcas import accounts FILE.csv --as APPLICANT_EMAIL [--dry-run]`: bulk onboarding from the
 * command line (issue 3 §8). The operator runs it on behalf of a manager, whose applications
 * they become; a progress bar on a terminal, every refused row, a summary. Exit 0 when imported
 * (or a clean dry run), 65 (EX_DATAERR) when the file was refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svc/import.h"

#define BAR_WIDTH 30

struct bar {
	int shown; /* last filled width drawn, -1 before the first */
	size_t last_done;
};

/* "\r[#####     ] 1234/5000" on stderr, redrawn only when it changes visibly (a terminal
 * write per row would slow a 10,000-row import). */
static void progress(void *ctx, size_t done, size_t total)
{
	struct bar *b = ctx;
	int fill = total ? (int)(done * BAR_WIDTH / total) : BAR_WIDTH;
	if (fill == b->shown && done - b->last_done < 100 && done != total)
		return;
	char bar[BAR_WIDTH + 1];
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, ' ', (size_t)(BAR_WIDTH - fill));
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu", bar, done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
	b->shown = fill;
	b->last_done = done;
}

/* Read the whole file, at most IMPORT_MAX_BYTES + 1 bytes (one more tells the use case it is
 * too large). 0 or an exit status. */
static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "gcas import: cannot open %s\n", path);
		return 66;
	}
	char *buf = malloc(IMPORT_MAX_BYTES + 2);
	int rc = 0;
	if (!buf) {
		rc = 71;
		goto out;
	}
	*len = fread(buf, 1, IMPORT_MAX_BYTES + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "gcas import: cannot read %s\n", path);
		free(buf);
		rc = 74;
		goto out;
	}
	buf[*len] = '\0';
	*out = buf;
out:
	fclose(f);
	return rc;
}

static void print_report(const struct import_report *rep)
{
	for (size_t i = 0; i < rep->nrefusals; i++) {
		const struct import_refusal *r = &rep->refusals[i];
		if (r->line)
			printf("line %zu: ", r->line);
		else
			printf("file: ");
		if (r->field)
			printf("%s: ", r->field);
		if (strcmp(r->en, r->ja) == 0)
			printf("%s\n", r->en);
		else
			printf("%s / %s\n", r->en, r->ja);
	}
}

static int usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	        "usage: gcas import accounts FILE.csv --as APPLICANT_EMAIL [--dry-run]\n"
	        "  One \"create\" application per row, all or nothing (see docs/import.md).\n"
	        "  The applicant is a manager account; the applications are theirs.\n");
	return rc;
}

int cmd_import(struct cli *c)
{
	const char *sub = cli_arg(c, 0), *path = cli_arg(c, 1), *as = cli_opt(c, "as");
	int dry_run = cli_flag(c, "dry-run");
	char *data = NULL;
	size_t len = 0;
	if (cli_flag(c, "help"))
		return usage(0);
	if (!sub || strcmp(sub, "accounts") != 0 || !path || !as)
		return usage(64);
	int rc = read_file(path, &data, &len);
	if (rc)
		return rc;
	if ((rc = cli_open_store(c, 1)) || (rc = cli_audit_key(c, 0, 1)))
		goto out;
	struct account acc;
	struct actor ac;
	enum gcas_err e = svc_import_applicant(&c->env, c->a, as, &acc, &ac);
	if (e == GCAS_ERR_DENIED) {
		fprintf(stderr, "gcas import: %s is not an active account that may apply\n", as);
		rc = 77;
		goto out;
	}
	if (e) {
		rc = cli_fail("cannot find the applicant", e, NULL);
		goto out;
	}
	struct import_report rep;
	struct bar bar = {.shown = -1};
	int tty = isatty(STDERR_FILENO);
	e = svc_import_accounts(&c->env, &ac, c->a, data, len, dry_run, tty ? progress : NULL, &bar,
	                        &rep);
	print_report(&rep);
	if (e == GCAS_OK && dry_run) {
		printf("dry run: %zu rows are valid; nothing was written\n", rep.rows);
		rc = 0;
	} else if (e == GCAS_OK) {
		printf("imported %zu applications (import %s)\n", rep.created, rep.import_id);
		rc = 0;
	} else if (e == GCAS_ERR_INVALID) {
		printf("refused: %zu of %zu rows refused; nothing was written\n", rep.refused_rows,
		       rep.rows);
		rc = 65;
	} else {
		rc = cli_fail("cannot import", e, NULL);
	}
out:
	free(data); /* the store is closed by main() */
	return rc;
}
