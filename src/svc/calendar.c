/* SPDX-License-Identifier: MIT */
/* The administrative calendar as the program uses it (R2.10): the imported years loaded over the
 * computed holidays, and the import of the Cabinet Office's syukujitsu.csv (Shift_JIS as
 * published, or UTF-8). An import is all or nothing: every row is checked first, then each year
 * the file covers is replaced in one transaction with its audit record. */
#include "svc/calendar.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/str.h"
#include "base/utf8.h"
#include "store/calendar.h"
#include "svc/audit.h"

#define NAME_MAX_BYTES 200 /* the longest official name is 27 bytes ("休日（祝日扱い）") */
#define MAX_ERRORS     10  /* report this many bad lines, then stop reading */

/* --- loading ------------------------------------------------------------------------------- */

enum gcas_err svc_calendar_load(struct db *db, struct arena *a, struct calendar *out)
{
	struct holiday_year_row *yr;
	struct holiday_row *hr;
	size_t ny, nd;
	memset(out, 0, sizeof(*out));
	enum gcas_err e = store_holiday_years_list(db, a, &yr, &ny);
	if (!e)
		e = store_holidays_list(db, a, &hr, &nd);
	if (e)
		return e;
	int *years = ny ? arena_alloc(a, ny * sizeof(*years)) : NULL;
	struct holiday *days = nd ? arena_alloc(a, nd * sizeof(*days)) : NULL;
	if ((ny && !years) || (nd && !days))
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < ny; i++)
		years[i] = yr[i].year;
	/* The store sorts by the "YYYY-MM-DD" text, which is date order. */
	for (size_t i = 0; i < nd; i++) {
		if (ymd_parse(hr[i].day, &days[i].day))
			return GCAS_ERR_DB;
		days[i].name = hr[i].name;
	}
	*out = (struct calendar){years, ny, days, nd};
	return GCAS_OK;
}

struct load_ctx {
	struct arena *a;
	struct calendar *out;
};

static enum gcas_err load_tx(struct db *db, void *ctx)
{
	struct load_ctx *c = ctx;
	return svc_calendar_load(db, c->a, c->out);
}

enum gcas_err svc_calendar_get(const struct env *env, struct arena *a, struct calendar *out)
{
	struct load_ctx c = {a, out};
	return store_run(env->st, load_tx, &c);
}

size_t svc_calendar_year(const struct calendar *c, int year, struct holiday *out, size_t cap,
                         int *imported)
{
	size_t n = 0;
	*imported = 0;
	for (size_t i = 0; c && i < c->nyears; i++)
		if (c->years[i] == year)
			*imported = 1;
	if (!*imported)
		return calendar_computed_year(year, out, cap);
	for (size_t i = 0; i < c->ndays && n < cap; i++)
		if (c->days[i].day.y == year)
			out[n++] = c->days[i];
	return n;
}

/* --- import -------------------------------------------------------------------------------- */

/* The published file is Shift_JIS (Windows code page 932 in practice); a file re-saved by an
 * editor is usually UTF-8. Valid UTF-8 is taken as UTF-8: a Shift_JIS file of Japanese text is
 * practically never valid UTF-8. */
static enum gcas_err decode(struct arena *a, const char *data, size_t len, const char **out,
                            size_t *out_len)
{
	if (utf8_valid(data, len)) {
		*out = data;
		*out_len = len;
		return GCAS_OK;
	}
	iconv_t cd = iconv_open("UTF-8", "CP932");
	if (cd == (iconv_t)-1)
		cd = iconv_open("UTF-8", "SHIFT_JIS");
	if (cd == (iconv_t)-1)
		return GCAS_ERR_INTERNAL;
	/* One Shift_JIS byte becomes at most three UTF-8 bytes (half-width katakana). */
	size_t cap = len * 3 + 1;
	char *buf = arena_alloc(a, cap);
	enum gcas_err e = GCAS_ERR_NOMEM;
	if (!buf)
		goto out;
	char *in = (char *)(uintptr_t)data, *o = buf;
	size_t inleft = len, outleft = cap - 1;
	e = GCAS_ERR_INVALID;
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 || inleft)
		goto out;
	*out = buf;
	*out_len = (size_t)(o - buf);
	e = GCAS_OK;
out:
	iconv_close(cd);
	return e;
}

struct row {
	struct ymd day;
	const char *name;
	size_t line;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static int rows_push(struct arena *a, struct rows *r, struct row x)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 64;
		struct row *nv = arena_alloc(a, ncap * sizeof(*nv));
		if (!nv)
			return -1;
		if (r->n)
			memcpy(nv, r->v, r->n * sizeof(*nv));
		r->v = nv;
		r->cap = ncap;
	}
	r->v[r->n++] = x;
	return 0;
}

static void line_err(struct arena *a, struct verrs *ve, size_t line, const char *ja, const char *en)
{
	const char *j = arena_printf(a, "%zu行目: %s", line, ja);
	const char *e = arena_printf(a, "line %zu: %s", line, en);
	verr_add(ve, "file", j ? j : ja, e ? e : en);
}

/* Check one record; 0 and *out filled, or -1 with the reason added to ve. */
static int check_row(struct arena *a, const struct csv_row *row, struct row *out, struct verrs *ve)
{
	for (size_t i = 2; i < row->n; i++) {
		if (row->f[i][0] == '\0')
			continue; /* trailing commas from spreadsheet software */
		line_err(a, ve, row->line, "列が多すぎます（日付,名称 の2列）",
		         "too many columns (date,name expected)");
		return -1;
	}
	char *date = arena_strdup(a, row->f[0]);
	char *name = row->n > 1 ? arena_strdup(a, row->f[1]) : NULL;
	if (!date || (row->n > 1 && !name))
		return -1;
	if (ymd_parse(str_trim(date), &out->day)) {
		line_err(a, ve, row->line, "日付が正しくありません（YYYY/M/D または YYYY-MM-DD）",
		         "the date is not valid (YYYY/M/D or YYYY-MM-DD)");
		return -1;
	}
	if (!name || !*str_trim(name)) {
		line_err(a, ve, row->line, "名称がありません", "the name is empty");
		return -1;
	}
	if (strlen(name) > NAME_MAX_BYTES || !utf8_valid_text(name, strlen(name))) {
		line_err(a, ve, row->line, "名称が長すぎるか、使えない文字を含みます",
		         "the name is too long or holds characters that are not allowed");
		return -1;
	}
	out->name = name;
	out->line = row->line;
	return 0;
}

static int row_cmp(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int c = ymd_cmp(a->day, b->day);
	if (c)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Read and check every row. INVALID with ve filled when any row is bad. */
static enum gcas_err parse_file(struct arena *a, const char *text, size_t len, struct rows *r,
                                struct verrs *ve)
{
	struct csv c;
	struct csv_row row;
	char why[160];
	int first = 1, rc;
	csv_init(&c, text, len);
	while (ve->n < MAX_ERRORS && (rc = csv_next(&c, a, &row, why, sizeof(why))) == 1) {
		struct ymd probe;
		char *f0 = arena_strdup(a, row.f[0]);
		if (!f0)
			return GCAS_ERR_NOMEM;
		/* The official file opens with "国民の祝日・休日月日,国民の祝日・休日名称". */
		if (first && ymd_parse(str_trim(f0), &probe)) {
			first = 0;
			continue;
		}
		first = 0;
		struct row x;
		if (check_row(a, &row, &x, ve))
			continue;
		if (rows_push(a, r, x))
			return GCAS_ERR_NOMEM;
	}
	if (ve->n < MAX_ERRORS && rc < 0)
		line_err(a, ve, c.line, why, why);
	if (ve->n)
		return GCAS_ERR_INVALID;
	if (r->n == 0) {
		verr_add(ve, "file", "祝日の行がありません", "The file lists no holidays");
		return GCAS_ERR_INVALID;
	}
	qsort(r->v, r->n, sizeof(*r->v), row_cmp);
	for (size_t i = 1; i < r->n && ve->n < MAX_ERRORS; i++) {
		if (ymd_cmp(r->v[i - 1].day, r->v[i].day))
			continue;
		char ja[64], en[64];
		snprintf(ja, sizeof(ja), "%zu行目と同じ日付です", r->v[i - 1].line);
		snprintf(en, sizeof(en), "the same date as line %zu", r->v[i - 1].line);
		line_err(a, ve, r->v[i].line, ja, en);
	}
	return ve->n ? GCAS_ERR_INVALID : GCAS_OK;
}

struct import_ctx {
	const struct actor *ac;
	struct arena *a;
	const struct rows *r;
	const int *years;
	size_t nyears;
};

static enum gcas_err import_tx(struct db *db, void *ctx)
{
	struct import_ctx *c = ctx;
	int64_t now = clock_now();
	enum gcas_err e = GCAS_OK;
	for (size_t i = 0; i < c->nyears && !e; i++)
		e = store_holiday_year_replace(db, c->years[i], now, c->ac->label);
	for (size_t i = 0; i < c->r->n && !e; i++) {
		char day[11];
		ymd_format(c->r->v[i].day, day);
		e = store_holiday_insert(db, day, c->r->v[i].day.y, c->r->v[i].name);
	}
	if (e)
		return e;
	struct buf b;
	buf_init(&b, 64 * 1024);
	for (size_t i = 0; i < c->nyears; i++)
		buf_printf(&b, "%s%d", i ? "," : "", c->years[i]);
	char *years = b.failed ? NULL : arena_strdup(c->a, b.data);
	buf_free(&b);
	char *nd = arena_printf(c->a, "%zu", c->r->n);
	char *target = arena_printf(c->a, "%d-%d", c->years[0], c->years[c->nyears - 1]);
	if (!years || !nd || !target)
		return GCAS_ERR_NOMEM;
	char *detail = audit_json(c->a, "years", years, "days", nd, NULL);
	struct audit_event ev = {"calendar.import", "calendar", target, NULL, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_calendar_import_report(const struct env *env, const struct actor *ac,
                                         struct arena *a, const char *data, size_t len,
                                         struct calendar_import_result *res, struct verrs *ve)
{
	struct target t = {0};
	struct rows r = {0};
	const char *text;
	size_t tlen;
	memset(res, 0, sizeof(*res));
	if (!policy_allows(&ac->subj, ACT_CALENDAR_MANAGE, &t))
		return audit_denied(env, ac, ACT_CALENDAR_MANAGE, "calendar", NULL, NULL);
	if (!data || len == 0 || len > CALENDAR_MAX_UPLOAD) {
		verr_add(ve, "file", "ファイルが空か、大きすぎます（1 MiB まで）",
		         "The file is empty or too large (1 MiB at most)");
		return GCAS_ERR_INVALID;
	}
	enum gcas_err e = decode(a, data, len, &text, &tlen);
	if (e == GCAS_ERR_INVALID)
		verr_add(ve, "file", "文字コードが UTF-8 でも Shift_JIS でもありません",
		         "The file is neither UTF-8 nor Shift_JIS");
	if (!e)
		e = parse_file(a, text, tlen, &r, ve);
	if (e)
		return e;
	/* Rows are sorted, so the distinct years come in order. */
	int *ys = arena_alloc(a, r.n * sizeof(*ys));
	size_t ny = 0;
	if (!ys)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < r.n; i++)
		if (ny == 0 || ys[ny - 1] != r.v[i].day.y)
			ys[ny++] = r.v[i].day.y;
	struct import_ctx c = {ac, a, &r, ys, ny};
	e = store_tx(env->st, import_tx, &c);
	if (e)
		return e;
	*res = (struct calendar_import_result){(int)ny, (int)r.n, ys[0], ys[ny - 1]};
	return GCAS_OK;
}

enum gcas_err svc_calendar_import(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *data, size_t len, int *years, int *days,
                                  struct verrs *ve)
{
	struct calendar_import_result res;
	enum gcas_err e = svc_calendar_import_report(env, ac, a, data, len, &res, ve);
	*years = res.years;
	*days = res.days;
	return e;
}
