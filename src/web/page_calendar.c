/* SPDX-License-Identifier: MIT */
/* The holiday calendar page (R2.10): a year's national holidays for every signed-in user, marked
 * as imported from the Cabinet Office list or computed from the law, and for the operator a form
 * to import the list: the Cabinet Office file itself (Shift_JIS, uploaded) or its text pasted. */
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "svc/calendar.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/multipart.h"
#include "web/page_shared.h"

static const struct pages_done cal_done[] = {
    {"imported", "祝日の一覧を取り込みました。", "The holiday list was imported."},
};

static const char *weekday(const struct web_ctx *c, struct ymd d)
{
	static const char *const ja[7] = {"日", "月", "火", "水", "木", "金", "土"};
	static const char *const en[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	int w = ymd_weekday(d);
	return T(c, ja[w], en[w]);
}

static int may_import(const struct web_ctx *c)
{
	struct target t = {0};
	return policy_allows(&c->ac.subj, ACT_CALENDAR_MANAGE, &t);
}

/* "2016–2027" style summary of the imported years, arena-allocated ("" when none). */
static const char *years_text(struct web_ctx *c, const struct calendar *cal)
{
	struct buf b;
	buf_init(&b, 4096);
	for (size_t i = 0; i < cal->nyears; i++) {
		size_t j = i;
		while (j + 1 < cal->nyears && cal->years[j + 1] == cal->years[j] + 1)
			j++;
		buf_printf(&b, "%s%d", i ? ", " : "", cal->years[i]);
		if (j > i)
			buf_printf(&b, "–%d", cal->years[j]);
		i = j;
	}
	const char *s = b.failed || !b.data ? "" : arena_strdup(c->a, b.data);
	buf_free(&b);
	return s ? s : "";
}

static void holiday_table(struct web_ctx *c, const struct calendar *cal, int year)
{
	struct buf *b = &c->resp->body;
	struct holiday h[64];
	int imported;
	size_t n = svc_calendar_year(cal, year, h, 64, &imported);
	html_printf(b, "<p>%s</p>\n",
	            imported ? T(c, "この年は内閣府の祝日一覧から取り込んだ日を使います。",
	                         "This year uses the days imported from the Cabinet Office list.")
	                     : T(c, "この年は法律に基づいて計算した祝日を使います。",
	                         "This year uses the holidays computed from the law."));
	if (n == 0) {
		html_printf(b, "<p>%s</p>\n", T(c, "祝日はありません。", "No holidays."));
		return;
	}
	const char *heads[] = {T(c, "日付", "Date"), T(c, "曜日", "Day"), T(c, "名称", "Name"),
	                       T(c, "出典", "Source")};
	ui_table_begin(b, "holidays",
	               arena_printf(c->a, "%d%s", year, T(c, "年の祝日・休日", " holidays")), heads,
	               4);
	for (size_t i = 0; i < n; i++) {
		char d[11];
		ymd_format(h[i].day, d);
		html_printf(b, "<tr><td class=\"nowrap mono\">%s</td><td>%s</td><td>%s</td><td>", d,
		            weekday(c, h[i].day), h[i].name);
		if (imported)
			ui_badge(b, "info", T(c, "取り込み", "Imported"));
		else
			ui_badge(b, "neutral", T(c, "計算", "Computed"));
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
}

static void import_form(struct web_ctx *c, int year, const char *csv, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = ve ? web_field_errors(c, ve, fe, VERR_MAX) : 0;
	html_printf(b, "<h2 id=\"import\">%s</h2>\n",
	            T(c, "祝日一覧の取り込み", "Import the holiday list"));
	form_error_summary(b, c->lang, fe, nfe);
	html_lit(b, "<form method=\"post\" action=\"/calendar/import\" "
	            "enctype=\"multipart/form-data\" class=\"form\" novalidate>");
	form_csrf(b, web_csrf_token(c));
	html_printf(b, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	struct form_field ff = {
	    .name = "file",
	    .type = "file",
	    .label = T(c, "祝日一覧のファイル", "Holiday list file"),
	    .hint = T(c, "内閣府の syukujitsu.csv をそのまま（Shift_JIS）。",
	              "The Cabinet Office syukujitsu.csv as published (Shift_JIS)."),
	    .error = form_error_for(fe, nfe, "file")};
	pages_field(c, &ff);
	struct form_field f = {
	    .name = "csv",
	    .type = "textarea",
	    .label = T(c, "またはCSVの内容を貼り付け", "Or paste the CSV"),
	    .hint = T(c,
	              "1行に「日付,名称」。ファイルと貼り付けの両方があればファイルを使います。"
	              "含まれる年の祝日はすべて置き換わります。",
	              "\"date,name\" per line. With both, the file is used. Every year the list "
	              "covers is replaced."),
	    .value = csv,
	    .error = form_error_for(fe, nfe, "csv")};
	pages_field(c, &f);
	form_submit(b, T(c, "取り込む", "Import"), "primary");
	html_lit(b, "</form>\n");
}

static void calendar_page(struct web_ctx *c, int year, const char *csv, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct calendar cal;
	enum gcas_err e = svc_calendar_get(c->env, c->a, &cal);
	if (e) {
		web_fail(c, e);
		return;
	}
	pages_begin(c, "祝日カレンダー", "Holiday calendar", cal_done,
	            sizeof(cal_done) / sizeof(cal_done[0]));
	html_printf(b, "<h1>%s</h1>\n", T(c, "祝日カレンダー", "Holiday calendar"));
	html_printf(
	    b, "<p class=\"lead\">%s</p>\n",
	    T(c, "営業日は、土曜日・日曜日・祝日・休日と12月29日から1月3日までを除いた日です。",
	      "Business days exclude Saturdays, Sundays, national holidays and 29 December "
	      "to 3 January."));
	const char *yt = years_text(c, &cal);
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "取り込み済みの年", "Imported years"),
	          *yt ? yt : T(c, "なし（すべて計算）", "None (all computed)"));
	ui_dl_end(b);
	html_printf(b,
	            "<nav class=\"pager\" aria-label=\"%s\"><a href=\"/calendar?year=%d\">← %d</a> "
	            "<strong>%d</strong> <a href=\"/calendar?year=%d\">%d →</a></nav>\n",
	            T(c, "年の切り替え", "Choose a year"), year - 1, year - 1, year, year + 1,
	            year + 1);
	holiday_table(c, &cal, year);
	if (may_import(c))
		import_form(c, year, csv, ve);
	web_page_end(c);
}

/* The year asked for (1900-2999), or the current year in Japan when none is given. */
static int year_param(struct web_ctx *c, const char *s, int *year)
{
	int64_t y;
	if (!s || !*s) {
		*year = ymd_of_epoch_jst(clock_now()).y;
		return 0;
	}
	if (str_to_i64(s, &y) || y < 1900 || y > 2999)
		return -1;
	*year = (int)y;
	return 0;
}

void page_calendar(struct web_ctx *c)
{
	int year;
	if (year_param(c, web_query(c, "year"), &year)) {
		web_error_page(c, 400, "年は1900から2999までの数字で指定してください。",
		               "The year must be a number from 1900 to 2999.");
		return;
	}
	calendar_page(c, year, NULL, NULL);
}

void page_calendar_import(struct web_ctx *c)
{
	int year;
	const char *csv = web_form(c, "csv");
	struct verrs ve = {0};
	struct calendar_import_result res;
	if (year_param(c, web_form(c, "year"), &year))
		year = ymd_of_epoch_jst(clock_now()).y;
	/* The uploaded file when there is one (any encoding the use case reads), else the text. */
	const struct mp_part *file = c->upload ? multipart_part_find(c->upload, "file") : NULL;
	int from_file = file && file->filename && file->len > 0;
	const char *data = from_file ? file->data : csv;
	size_t len = from_file ? file->len : strlen(csv);
	enum gcas_err e = svc_calendar_import_report(c->env, &c->ac, c->a, data, len, &res, &ve);
	if (e == GCAS_ERR_INVALID && ve.n) {
		/* The use case names its input "file"; without one it was the textarea. */
		for (size_t i = 0; i < ve.n; i++)
			ve.e[i].field = from_file ? "file" : "csv";
		c->resp->status = 422;
		calendar_page(c, year, csv, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/calendar?year=%d&done=imported", res.first_year));
}
