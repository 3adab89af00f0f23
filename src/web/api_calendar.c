/* SPDX-License-Identifier: MIT */
/* /api/v1/calendar: the administrative calendar as JSON (R2.10) — a year's holidays marked
 * computed or imported with its business-day count, date arithmetic in business days for clients
 * computing due dates (R2.3), and the operator's import of the Cabinet Office CSV sent as the raw
 * text/csv body (UTF-8 or Shift_JIS bytes). Authorisation and auditing are svc_calendar_*'s. */
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/str.h"
#include "svc/calendar.h"
#include "web/api_common.h"
#include "web/handlers.h"

/* Business days one call may step: about four years, so the loop stays cheap and the answer
 * stays inside the years the calendar knows (1900-2999). */
#define BUSINESS_DAYS_MAX 1000

/* 1 when the Content-Type names text/csv (RFC 4180 §3; parameters such as charset allowed). */
static int is_csv(const char *ct)
{
	size_t n = strlen("text/csv");
	return ct && strncasecmp(ct, "text/csv", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/* Strict "YYYY-MM-DD" (RFC 3339 full-date): ymd_parse also takes the CSV's "YYYY/M/D", which
 * the API does not promise. */
static int full_date(const char *s, struct ymd *out)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	return ymd_parse(s, out);
}

static json_t *date_json(struct ymd d)
{
	char out[11];
	ymd_format(d, out);
	return json_string(out);
}

void api_calendar_get(struct web_ctx *c)
{
	struct calendar cal;
	struct holiday h[64];
	int imported;
	int64_t y = ymd_of_epoch_jst(clock_now()).y;
	const char *ys = kv_get(&c->query, "year");
	if (ys && (str_to_i64(ys, &y) || y < 1900 || y > 2999)) {
		api_bad_query(c, "year", "year must be a number from 1900 to 2999");
		return;
	}
	enum gcas_err e = svc_calendar_get(c->env, c->a, &cal);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	int year = (int)y;
	size_t n = svc_calendar_year(&cal, year, h, sizeof(h) / sizeof(h[0]), &imported);
	json_t *days = json_array();
	for (size_t i = 0; days && i < n; i++)
		json_array_append_new(
		    days, json_pack("{s:o, s:s, s:s}", "date", date_json(h[i].day), "name",
		                    h[i].name, "source", imported ? "imported" : "computed"));
	/* Business days in (31 Dec of the year before, 31 Dec]: the whole year. */
	struct ymd from = {year - 1, 12, 31}, to = {year, 12, 31};
	int bd = calendar_business_days_between(&cal, from, to);
	api_send(c, 200,
	         json_pack("{s:i, s:b, s:i, s:o}", "year", year, "imported", imported,
	                   "business_days", bd, "holidays", days));
}

void api_calendar_business_days(struct web_ctx *c)
{
	struct calendar cal;
	struct ymd from;
	int64_t n;
	const char *fs = kv_get(&c->query, "from"), *ns = kv_get(&c->query, "n");
	if (full_date(fs, &from)) {
		api_bad_query(c, "from", "from must be a date YYYY-MM-DD from 1900 to 2999");
		return;
	}
	if (!ns || str_to_i64(ns, &n) || n < -BUSINESS_DAYS_MAX || n > BUSINESS_DAYS_MAX) {
		api_bad_query(c, "n", "n must be an integer from -1000 to 1000");
		return;
	}
	enum gcas_err e = svc_calendar_get(c->env, c->a, &cal);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	struct ymd to = calendar_add_business_days(&cal, from, (int)n);
	/* The walk stops at the edge of 1900-2999, and both edges (1 January, 31 December) are
	 * closure days: for n != 0 a day that is not a business day means the range ran out. */
	if (n != 0 && !calendar_is_business_day(&cal, to)) {
		api_bad_query(c, "n", "the date would fall outside the years 1900 to 2999");
		return;
	}
	api_send(c, 200,
	         json_pack("{s:o, s:I, s:o, s:b}", "from", date_json(from), "n", (json_int_t)n,
	                   "date", date_json(to), "from_is_business_day",
	                   calendar_is_business_day(&cal, from)));
}

/* The use case names every problem "file" and puts "line N: " in the message; in this API the
 * file is the request body, so point at the record: "/rows/N" (N the physical line), or "/"
 * for the body as a whole. */
static void point_at_rows(struct web_ctx *c, struct verrs *ve)
{
	for (size_t i = 0; i < ve->n; i++) {
		const char *en = ve->e[i].en ? ve->e[i].en : "";
		size_t k = 0;
		ve->e[i].field = "";
		if (!str_starts(en, "line "))
			continue;
		const char *d = en + strlen("line ");
		while (d[k] >= '0' && d[k] <= '9' && k < 9)
			k++;
		if (k && d[k] == ':')
			ve->e[i].field = arena_printf(c->a, "rows/%.*s", (int)k, d);
		if (!ve->e[i].field)
			ve->e[i].field = "";
	}
}

void api_calendar_import(struct web_ctx *c)
{
	struct verrs ve = {0};
	struct calendar_import_result res;
	if (!is_csv(http_req_header(c->req, "Content-Type"))) {
		web_problem(c, 415, "Unsupported Media Type",
		            "Send the holiday list as text/csv (UTF-8 or Shift_JIS).", NULL);
		return;
	}
	const char *body = c->req->body ? c->req->body : "";
	enum gcas_err e =
	    svc_calendar_import_report(c->env, &c->ac, c->a, body, c->req->body_len, &res, &ve);
	if (e) {
		point_at_rows(c, &ve);
		api_fail(c, e, &ve);
		return;
	}
	api_send(c, 200,
	         json_pack("{s:i, s:i, s:i, s:i}", "years", res.years, "days", res.days,
	                   "first_year", res.first_year, "last_year", res.last_year));
}

/* ---- the OpenAPI part (api_common.h) ------------------------------------------------------ */

#define INT  "{\"type\":\"integer\"}"
#define DATE "{\"type\":\"string\",\"format\":\"date\"}"

static const char calendar_schemas[] =
    "{\"Calendar\":{\"type\":\"object\",\"description\":\"A year of the administrative "
    "calendar: national holidays (国民の祝日に関する法律) from the Cabinet Office list when the "
    "year was imported, else computed from the law. Business days exclude Saturdays, Sundays, "
    "holidays and 29 December - 3 January (行政機関の休日に関する法律 art. 1).\","
    "\"required\":[\"year\",\"imported\",\"business_days\",\"holidays\"],"
    "\"properties\":{\"year\":" INT ",\"imported\":{\"type\":\"boolean\"},"
    "\"business_days\":" INT ",\"holidays\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"required\":[\"date\",\"name\",\"source\"],\"properties\":{\"date\":" DATE ","
    "\"name\":{\"type\":\"string\"},\"source\":{\"type\":\"string\","
    "\"enum\":[\"computed\",\"imported\"]}}}}}},"
    "\"BusinessDay\":{\"type\":\"object\",\"description\":\"The date n business days after "
    "from (before it when n is negative; from itself is not counted).\","
    "\"required\":[\"from\",\"n\",\"date\",\"from_is_business_day\"],"
    "\"properties\":{\"from\":" DATE ",\"n\":" INT ",\"date\":" DATE ","
    "\"from_is_business_day\":{\"type\":\"boolean\"}}},"
    "\"CalendarImport\":{\"type\":\"object\",\"description\":\"What an import of the Cabinet "
    "Office holiday CSV replaced: every year the file covers.\","
    "\"required\":[\"years\",\"days\",\"first_year\",\"last_year\"],"
    "\"properties\":{\"years\":" INT ",\"days\":" INT ",\"first_year\":" INT ","
    "\"last_year\":" INT "}}}";

static const struct api_param_doc calendar_params[] = {
    {"year", "{\"type\":\"integer\",\"minimum\":1900,\"maximum\":2999}",
     "The year (default: this year in Japan)."},
    {"from", "{\"type\":\"string\",\"format\":\"date\"}", "The starting date (required)."},
    {"n", "{\"type\":\"integer\",\"minimum\":-1000,\"maximum\":1000}",
     "Business days to step, negative to go back (required)."},
};

static const struct api_op_doc calendar_ops[] = {
    {"getCalendar", NULL, 0, 200, "Calendar", "year", "400 401 403"},
    {"addBusinessDays", NULL, 0, 200, "BusinessDay", "from n", "400 401 403"},
    {"importCalendar", NULL, 0, 200, "CalendarImport", NULL, "400 401 403 413 415 422"},
};

static const struct api_raw_body calendar_raw[] = {
    {"importCalendar", "text/csv",
     "The Cabinet Office holiday list (date,name per line; Shift_JIS or UTF-8)."},
    {NULL, NULL, NULL},
};

const struct api_doc_part api_doc_calendar = {calendar_ops,
                                              sizeof(calendar_ops) / sizeof(calendar_ops[0]),
                                              calendar_params,
                                              sizeof(calendar_params) / sizeof(calendar_params[0]),
                                              calendar_schemas,
                                              NULL,
                                              NULL,
                                              calendar_raw};
