/* SPDX-License-Identifier: MIT */
/* gcas review open|list|export: periodic review campaigns (R2.7) from the command line, acting
 * as the operator (system). The export is the same CSV as the web page's (UTF-8 with BOM). */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "svc/review.h"

static int review_open(struct cli *c, const struct actor *sys)
{
	struct review_open_input in = {cli_opt(c, "name"), cli_opt(c, "deadline"),
	                               cli_opt(c, "agency")};
	struct review_campaign rc;
	struct verrs ve = {0};
	enum gcas_err e = svc_review_open(&c->env, sys, c->a, &in, &rc, &ve);
	if (e)
		return cli_fail("cannot open the review", e, &ve);
	printf("%s\t%lld items\n", rc.id, (long long)rc.items);
	return 0;
}

static int review_list(struct cli *c, const struct actor *sys)
{
	struct page pg = {.limit = 500};
	for (;;) {
		struct review_campaign *rc;
		size_t n;
		enum gcas_err e = svc_review_list(&c->env, sys, c->a, &pg, &rc, &n);
		if (e)
			return cli_fail("cannot list reviews", e, NULL);
		for (size_t i = 0; i < n; i++) {
			char when[24];
			clock_fmt_jst(when, rc[i].deadline_at);
			printf("%s\t%s\t%s\t%lld/%lld decided\t%s\t%s\n", rc[i].id, rc[i].state,
			       when, (long long)rc[i].decided, (long long)rc[i].items,
			       rc[i].agency_id ? rc[i].agency_id : "-", rc[i].name);
		}
		if (!pg.next)
			return 0;
		pg.after = pg.next;
	}
}

/* "-o FILE" (the short form the usage shows; cli_opt knows only "--name"). */
static const char *short_o(const struct cli *c)
{
	for (int i = 0; i + 1 < c->argc; i++)
		if (strcmp(c->argv[i], "-o") == 0)
			return c->argv[i + 1];
	return NULL;
}

static int review_export(struct cli *c, const struct actor *sys)
{
	const char *id = cli_arg(c, 1), *path = short_o(c);
	struct buf b;
	int64_t rows = 0;
	if (!path)
		path = cli_opt(c, "out");
	if (!id) {
		fprintf(stderr, "gcas review export: say which review (its id)\n");
		return 64;
	}
	buf_init(&b, 0);
	enum gcas_err e = svc_review_export(&c->env, sys, c->a, id, &b, &rows);
	if (!e && b.failed)
		e = GCAS_ERR_NOMEM;
	if (e) {
		buf_free(&b);
		return cli_fail("cannot export the review", e, NULL);
	}
	FILE *out = path ? fopen(path, "wb") : stdout;
	int rc = 0;
	if (!out || fwrite(b.data, 1, b.len, out) != b.len) {
		fprintf(stderr, "gcas review export: cannot write %s\n", path ? path : "stdout");
		rc = 74;
	}
	if (out && out != stdout && fclose(out) != 0)
		rc = 74;
	buf_free(&b);
	if (!rc && path)
		fprintf(stderr, "%lld rows written to %s\n", (long long)rows, path);
	return rc;
}

int cmd_review(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub) {
		printf(
		    "usage: gcas review open --name NAME --deadline YYYY-MM-DD [--agency ID]\n"
		    "       gcas review list\n"
		    "       gcas review export ID [-o FILE]\n\n"
		    "A review asks each account's certifying manager to keep, change or remove it\n"
		    "by the deadline (the end of that day, Japan time); undecided items go up the\n"
		    "chain (regulation 別表1, R2.7).\n");
		return sub ? 0 : 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	struct actor sys = actor_system("cli");
	if (strcmp(sub, "open") == 0)
		return review_open(c, &sys);
	if (strcmp(sub, "list") == 0)
		return review_list(c, &sys);
	if (strcmp(sub, "export") == 0)
		return review_export(c, &sys);
	fprintf(stderr, "gcas review: unknown subcommand \"%s\"\n", sub);
	return 64;
}
