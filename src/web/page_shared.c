/* SPDX-License-Identifier: MIT */
/* Helpers shared by the management pages (see page_shared.h): Japan time, opaque cursors,
 * query-string links, the one-shot confirmation alert, form controls and status badges. */
#include "web/page_shared.h"

#include <stdarg.h>
#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "web/html.h"

/* Cursors are short (an email, or a name and an id); anything longer was not made by us. */
#define CURSOR_MAX 1024

const char *pages_jst(struct web_ctx *c, int64_t t)
{
	char out[32];
	if (t <= 0)
		return "";
	clock_fmt_jst(out, t);
	return arena_strdup(c->a, out);
}

const char *pages_cursor_out(struct web_ctx *c, const char *next)
{
	if (!next)
		return NULL;
	size_t n = strlen(next);
	char *out = arena_alloc(c->a, b64url_len(n) + 1);
	if (!out)
		return NULL;
	b64url_encode(out, next, n);
	return out;
}

int pages_cursor_in(struct web_ctx *c, const char **after)
{
	const char *s = web_query(c, "cursor");
	*after = NULL;
	if (!*s)
		return 0;
	size_t n = strlen(s);
	if (n > CURSOR_MAX)
		return -1;
	char *out = arena_alloc(c->a, n + 1);
	if (!out)
		return -1;
	long len = b64_decode(out, n, s, n);
	if (len <= 0 || memchr(out, '\0', (size_t)len))
		return -1;
	out[len] = '\0';
	*after = out;
	return 0;
}

const char *pages_url(struct web_ctx *c, const char *path, ...)
{
	struct buf b;
	va_list ap;
	char sep = '?';
	buf_init(&b, 8192);
	buf_puts(&b, path);
	va_start(ap, path);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		if (!v || !*v)
			continue;
		buf_putc(&b, sep);
		url_encode(&b, k);
		buf_putc(&b, '=');
		url_encode(&b, v);
		sep = '&';
	}
	va_end(ap);
	const char *out = b.failed || !b.data ? "/" : arena_strdup(c->a, b.data);
	buf_free(&b);
	return out ? out : "/";
}

void pages_next_link(struct web_ctx *c, const char *href)
{
	if (!href)
		return;
	html_printf(&c->resp->body,
	            "<nav class=\"pagination\" aria-label=\"%s\"><ul class=\"pagination__list\">"
	            "<li><a class=\"pagination__link pagination__next\" rel=\"next\" href=\"%s\">"
	            "%s</a></li></ul></nav>\n",
	            T(c, "ページ送り", "Pagination"), href, T(c, "次のページへ", "Next page"));
}

void pages_begin(struct web_ctx *c, const char *title_ja, const char *title_en,
                 const struct pages_done *d, size_t n)
{
	const char *done = web_query(c, "done");
	for (size_t i = 0; *done && i < n; i++) {
		if (strcmp(done, d[i].code) == 0) {
			web_page_begin_flash(c, title_ja, title_en, "success", d[i].ja, d[i].en);
			return;
		}
	}
	web_page_begin(c, title_ja, title_en);
}

void pages_field(struct web_ctx *c, const struct form_field *f)
{
	form_field(&c->resp->body, c->lang, f);
}

void pages_form_begin(struct web_ctx *c, const char *action, const char *class_name)
{
	struct buf *b = &c->resp->body;
	if (class_name)
		html_printf(b, "<form method=\"post\" action=\"%s\" class=\"%s\" novalidate>",
		            action, class_name);
	else
		html_printf(b, "<form method=\"post\" action=\"%s\" novalidate>", action);
	form_csrf(b, web_csrf_token(c));
}

static size_t rank(const char *field, const char *const *order, size_t norder)
{
	for (size_t i = 0; field && i < norder; i++)
		if (strcmp(field, order[i]) == 0)
			return i;
	return norder;
}

void pages_sort_errors(struct field_error *e, size_t n, const char *const *order, size_t norder)
{
	/* Insertion sort: at most VERR_MAX entries. */
	for (size_t i = 1; i < n; i++) {
		struct field_error x = e[i];
		size_t rx = rank(x.field, order, norder), j = i;
		while (j > 0 && rank(e[j - 1].field, order, norder) > rx) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
}

void pages_filter_begin(struct web_ctx *c, const char *action)
{
	html_printf(&c->resp->body,
	            "<form method=\"get\" action=\"%s\" role=\"search\"><div class=\"filter-bar\">",
	            action);
}

void pages_filter_end(struct web_ctx *c, const char *label)
{
	struct buf *b = &c->resp->body;
	/* The button sits at the end of the row, aligned with the bottoms of the controls. */
	html_lit(b, "<div class=\"filter-bar__submit\">");
	form_submit(b, label, "secondary");
	html_lit(b, "</div></div></form>\n");
}

const char *pages_person(struct web_ctx *c, const char *family, const char *given)
{
	const char *s = arena_printf(c->a, "%s %s", family ? family : "", given ? given : "");
	return s ? s : "";
}

const char *pages_status_kind(enum account_status s)
{
	switch (s) {
	case ACCOUNT_ACTIVE:
		return "success";
	case ACCOUNT_PENDING:
		return "info";
	case ACCOUNT_DISABLED:
		return "warning";
	default:
		return "neutral";
	}
}

void pages_status_badge(struct web_ctx *c, enum account_status s)
{
	const char *label = account_status_label(s, c->lang == LANG_EN);
	ui_badge(&c->resp->body, pages_status_kind(s), label ? label : "?");
}

int pages_can_create_account(const struct web_ctx *c, const struct org *o, enum role r)
{
	if (role_org_kind(r) != o->kind)
		return 0;
	struct target t = {.has_role = 1,
	                   .role = r,
	                   .org_id = o->id,
	                   .agency_id = o->agency_id,
	                   .project_id = o->project_id};
	return policy_allows(&c->ac.subj, ACT_ACCOUNT_CREATE, &t);
}

static int two_digits(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "days_from_civil"). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int pages_parse_date_jst(const char *s, int64_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int c1, c2, m, d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (two_digits(s, &c1) || two_digits(s + 2, &c2) || two_digits(s + 5, &m) ||
	    two_digits(s + 8, &d))
		return -1;
	int y = c1 * 100 + c2;
	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	/* Midnight in Japan is 15:00 UTC the day before (JST = UTC+9, no DST). */
	*out = days_from_civil(y, m, d) * 86400 - 9 * 3600;
	return 0;
}
