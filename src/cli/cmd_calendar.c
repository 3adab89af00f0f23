/* SPDX-License-Identifier: MIT */
/* gcas calendar import | show | business-days: the administrative calendar (R2.10) from the
 * command line. import acts as the system (operator rights) and is audited; show and
 * business-days only read. Exit status: 0, 64 usage, 65 bad input, 66 no such file, 1 other. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "cli/cli.h"
#include "svc/calendar.h"

static const char *const weekday_ja[7] = {"日", "月", "火", "水", "木", "金", "土"};

static int usage(int rc)
{
	printf("usage: gcas calendar import FILE\n"
	       "       gcas calendar show YEAR\n"
	       "       gcas calendar business-days FROM N\n\n"
	       "import reads the Cabinet Office holiday list (syukujitsu.csv, Shift_JIS or UTF-8,\n"
	       "rows \"YYYY/M/D,名称\"); every year it covers replaces the computed holidays.\n"
	       "show lists a year's holidays and whether they come from an import.\n"
	       "business-days prints the date N business days after FROM (YYYY-MM-DD; N < 0:\n"
	       "before), skipping weekends, holidays and 29 December - 3 January.\n");
	return rc;
}

/* The whole file into the arena, refusing more than the upload limit. */
static int read_file(struct cli *c, const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "gcas calendar import: cannot open %s\n", path);
		return 66;
	}
	int rc = 1;
	char *buf = arena_alloc(c->a, CALENDAR_MAX_UPLOAD + 1);
	if (!buf)
		goto out;
	*len = fread(buf, 1, CALENDAR_MAX_UPLOAD + 1, f);
	rc = ferror(f) ? 74 : 0;
	if (!rc && *len > CALENDAR_MAX_UPLOAD) {
		fprintf(stderr, "gcas calendar import: %s is larger than 1 MiB\n", path);
		rc = 65;
	}
	*out = buf;
out:
	fclose(f);
	return rc;
}

static int do_import(struct cli *c)
{
	const char *path = cli_arg(c, 1);
	char *data = NULL;
	size_t len = 0;
	if (!path)
		return usage(64);
	int rc = read_file(c, path, &data, &len);
	if (rc)
		return rc;
	if ((rc = cli_open_store(c, 1)) || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	struct actor sys = actor_system("cli");
	struct verrs ve = {0};
	struct calendar_import_result res;
	enum gcas_err e = svc_calendar_import_report(&c->env, &sys, c->a, data, len, &res, &ve);
	if (e)
		return cli_fail("cannot import the holiday list", e, &ve);
	if (res.first_year == res.last_year)
		printf("imported %d days for year %d\n", res.days, res.first_year);
	else
		printf("imported %d days for years %d–%d\n", res.days, res.first_year,
		       res.last_year);
	return 0;
}

static int do_show(struct cli *c)
{
	const char *ys = cli_arg(c, 1);
	int64_t y;
	if (!ys || str_to_i64(ys, &y) || y < 1900 || y > 2999) {
		fprintf(stderr, "gcas calendar show: give a year 1900-2999\n");
		return ys ? 65 : 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc)
		return rc;
	struct calendar cal;
	enum gcas_err e = svc_calendar_get(&c->env, c->a, &cal);
	if (e)
		return cli_fail("cannot read the calendar", e, NULL);
	struct holiday h[64];
	int imported;
	size_t n = svc_calendar_year(&cal, (int)y, h, 64, &imported);
	printf("# %d: %s\n", (int)y,
	       imported ? "imported list (Cabinet Office CSV)"
	                : "computed (no import for this year)");
	for (size_t i = 0; i < n; i++) {
		char d[11];
		ymd_format(h[i].day, d);
		printf("%s\t%s\t%s\t%s\n", d, weekday_ja[ymd_weekday(h[i].day)], h[i].name,
		       imported ? "imported" : "computed");
	}
	return 0;
}

/* The idx-th positional argument where "-5" counts as one (cli_arg takes it for a flag). */
static const char *arg_or_negative(struct cli *c, int idx)
{
	int k = 0;
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		int negative = a[0] == '-' && a[1] >= '0' && a[1] <= '9';
		if (a[0] == '-' && !negative)
			continue;
		if (k++ == idx)
			return a;
	}
	return NULL;
}

static int do_business_days(struct cli *c)
{
	const char *from = cli_arg(c, 1), *ns = arg_or_negative(c, 2);
	struct ymd d;
	int64_t n;
	if (!from || !ns)
		return usage(64);
	/* About forty years of business days either way is far beyond any service level. */
	if (ymd_parse(from, &d) || str_to_i64(ns, &n) || n < -10000 || n > 10000) {
		fprintf(stderr, "gcas calendar business-days: FROM is YYYY-MM-DD, N an integer "
		                "between -10000 and 10000\n");
		return 65;
	}
	int rc = cli_open_store(c, 1);
	if (rc)
		return rc;
	struct calendar cal;
	enum gcas_err e = svc_calendar_get(&c->env, c->a, &cal);
	if (e)
		return cli_fail("cannot read the calendar", e, NULL);
	char out[11];
	ymd_format(calendar_add_business_days(&cal, d, (int)n), out);
	printf("%s\n", out);
	return 0;
}

int cmd_calendar(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub)
		return usage(sub ? 0 : 64);
	if (strcmp(sub, "import") == 0)
		return do_import(c);
	if (strcmp(sub, "show") == 0)
		return do_show(c);
	if (strcmp(sub, "business-days") == 0)
		return do_business_days(c);
	fprintf(stderr, "gcas calendar: unknown subcommand \"%s\"\n", sub);
	return 64;
}
