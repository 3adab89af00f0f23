/* SPDX-License-Identifier: MIT */
/* The API operations of the flows that began as pages: the administrative calendar (a year's
 * holidays and business days, business-day arithmetic, the operator's CSV import in UTF-8 and
 * Shift_JIS), the refused-address blocklist (list, add, remove) and bulk onboarding (text/csv,
 * dry runs, a 422 naming every refused row). Each operation's allowed and refused side
 * (operator, another agency's manager, staff), 415 for other bodies, 422 shapes and token scopes.
 */
#include "test_api.h"

#define CSV_CT "text/csv; charset=utf-8"
#define HEADER                                                                                     \
	"email,family_name,given_name,family_kana,given_kana,role,org,verified_on,scope,"          \
	"system_name,nda,reason\n"

static char t_op[128], t_op_ro[128], t_ma[128], t_ma_ro[128], t_sa[128], t_mb[128];
static char ck_op[256], csrf_op[64];

static int csv(const char *method, const char *target, const char *token, const char *body)
{
	return call_full(method, target, token, NULL, NULL, CSV_CT, body);
}

/* The holiday named date in J's "holidays" (its source through *source), or NULL. */
static const char *holiday(const char *date, const char **source)
{
	json_t *h;
	size_t i;
	json_array_foreach(json_object_get(J, "holidays"), i, h)
	{
		if (strcmp(jstr_in(h, "date") ? jstr_in(h, "date") : "", date) != 0)
			continue;
		if (source)
			*source = jstr_in(h, "source");
		return jstr_in(h, "name");
	}
	return NULL;
}

/* The errors entry of J with this pointer, or NULL. */
static json_t *error_at(const char *ptr)
{
	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(J, "errors"), i, e)
	{
		const char *p = jstr_in(e, "pointer");
		if (p && strcmp(p, ptr) == 0)
			return e;
	}
	return NULL;
}

static long denied(void)
{
	return wt_audit_count(&W, "permission.denied", "denied");
}

static void test_calendar_read(void)
{
	const char *src = NULL;
	is_int(call("GET", "/api/v1/calendar?year=2026", t_sa, NULL), 200, "staff read 2026");
	is_int((long)ji("year"), 2026, "  the year");
	ok(json_is_false(json_object_get(J, "imported")), "  computed, not imported");
	is_int((long)json_array_size(json_object_get(J, "holidays")), 18,
	       "  18 holidays (9/22 a citizens' holiday, 5/6 a substitute)");
	is_str(holiday("2026-01-01", &src), "元日", "  元日 on 1 January");
	is_str(src, "computed", "  marked computed");
	ok(holiday("2026-09-22", NULL) != NULL, "  国民の休日 between two holidays (art. 3-3)");
	/* 261 weekdays - 16 weekday holidays (not 1 Jan) - 5 weekday closure days (1/1, 1/2,
	 * 12/29-31). */
	is_int((long)ji("business_days"), 240, "  240 business days in 2026");
	is_int(call("GET", "/api/v1/calendar?year=2019", t_sa, NULL), 200, "2019");
	ok(holiday("2019-10-22", NULL) != NULL, "  the enthronement ceremony day");
	is_int(call("GET", "/api/v1/calendar", t_sa, NULL), 200, "no year: this year");
	ok(ji("year") >= 2024, "  a current year");
	is_int(call("GET", "/api/v1/calendar?year=3000", t_sa, NULL), 400, "year 3000: 400");
	ok(is_problem(400, "/year"), "  pointing at year");
	is_int(call("GET", "/api/v1/calendar?year=20x6", t_sa, NULL), 400, "not a number: 400");
	is_int(call("GET", "/api/v1/calendar?year=2026", NULL, NULL), 401, "no token: 401");

	/* Golden Week 2026: 4/29, 5/3-5/5 and the substitute 5/6 are not business days. */
	is_int(call("GET", "/api/v1/calendar/business-days?from=2026-04-28&n=5", t_sa, NULL), 200,
	       "5 business days after 2026-04-28");
	is_str(js("date"), "2026-05-11", "  skips Golden Week: 2026-05-11");
	is_str(js("from"), "2026-04-28", "  echoes from");
	is_int((long)ji("n"), 5, "  and n");
	ok(json_is_true(json_object_get(J, "from_is_business_day")), "  a Tuesday is one");
	is_int(call("GET", "/api/v1/calendar/business-days?from=2026-01-05&n=-1", t_sa, NULL), 200,
	       "1 business day before 2026-01-05");
	is_str(js("date"), "2025-12-26", "  before the year-end closure: 2025-12-26");
	is_int(call("GET", "/api/v1/calendar/business-days?from=2026-01-03&n=0", t_sa, NULL), 200,
	       "n = 0");
	is_str(js("date"), "2026-01-03", "  the date itself");
	ok(json_is_false(json_object_get(J, "from_is_business_day")), "  3 January is closed");
	is_int(call("GET", "/api/v1/calendar/business-days?from=2026/4/28&n=5", t_sa, NULL), 400,
	       "a date not YYYY-MM-DD: 400");
	ok(is_problem(400, "/from"), "  pointing at from");
	is_int(call("GET", "/api/v1/calendar/business-days?from=2026-02-30&n=5", t_sa, NULL), 400,
	       "an impossible date: 400");
	is_int(call("GET", "/api/v1/calendar/business-days?from=2026-04-28", t_sa, NULL), 400,
	       "no n: 400");
	ok(is_problem(400, "/n"), "  pointing at n");
	is_int(call("GET", "/api/v1/calendar/business-days?from=2026-04-28&n=1001", t_sa, NULL),
	       400, "n beyond 1000: 400");
	is_int(call("GET", "/api/v1/calendar/business-days?from=2999-12-20&n=1000", t_sa, NULL),
	       400, "past 2999: 400");
}

static void test_calendar_import(void)
{
	const char *good = "国民の祝日・休日月日,国民の祝日・休日名称\r\n2027/1/1,元日\r\n"
	                   "2027/6/15,臨時の休日\r\n";
	/* 2028/1/1,元日 and 2028/2/11,建国記念の日 in Shift_JIS, as the Cabinet Office publishes.
	 */
	const char *sjis = "2028/1/1,\x8c\xb3\x93\xfa\r\n"
	                   "2028/2/11,\x8c\x9a\x8d\x91\x8b\x4c\x94\x4f\x82\xcc\x93\xfa\r\n";
	const char *src = NULL;
	long imports = wt_audit_count(&W, "calendar.import", "ok");

	long before = denied();
	is_int(csv("POST", "/api/v1/calendar/import", t_ma, good), 403,
	       "an agency manager may not import: 403");
	ok(is_problem(403, NULL), "  as problem+json");
	is_int(csv("POST", "/api/v1/calendar/import", t_sa, good), 403, "staff may not: 403");
	ok(denied() >= before + 2, "  both refusals audited");
	is_int(csv("POST", "/api/v1/calendar/import", t_op_ro, good), 403,
	       "the operator's read token may not write: 403");
	is_int(call_full("POST", "/api/v1/calendar/import", t_op, NULL, NULL, "text/plain", good),
	       415, "text/plain: 415");
	ok(is_problem(415, NULL), "  as problem+json");
	is_int(call("POST", "/api/v1/calendar/import", t_op, "{\"csv\":\"2027/1/1,元日\"}"), 415,
	       "JSON: 415");
	is_int(call_full("POST", "/api/v1/calendar/import", t_op, NULL, NULL, NULL, good), 415,
	       "no Content-Type: 415");
	is_int(wt_audit_count(&W, "calendar.import", "ok"), imports, "nothing imported yet");

	is_int(csv("POST", "/api/v1/calendar/import", t_op, good), 200,
	       "the operator imports 2027");
	is_int((long)ji("years"), 1, "  one year");
	is_int((long)ji("days"), 2, "  two days");
	is_int((long)ji("first_year"), 2027, "  first_year");
	is_int((long)ji("last_year"), 2027, "  last_year");
	is_int(wt_audit_count(&W, "calendar.import", "ok"), imports + 1, "  audited");
	is_int(call("GET", "/api/v1/calendar?year=2027", t_sa, NULL), 200, "2027 after the import");
	ok(json_is_true(json_object_get(J, "imported")), "  imported");
	is_str(holiday("2027-06-15", &src), "臨時の休日", "  the imported day");
	is_str(src, "imported", "  marked imported");
	ok(holiday("2027-05-05", NULL) == NULL, "  the computed days no longer count");
	is_int(call("GET", "/api/v1/calendar/business-days?from=2027-06-14&n=1", t_sa, NULL), 200,
	       "business days use the imported year");
	is_str(js("date"), "2027-06-16", "  skipping the imported holiday");

	is_int(csv("POST", "/api/v1/calendar/import", t_op, sjis), 200, "a Shift_JIS body");
	is_int(call("GET", "/api/v1/calendar?year=2028", t_sa, NULL), 200, "2028");
	is_str(holiday("2028-02-11", NULL), "建国記念の日", "  decoded from Shift_JIS");

	/* A session may call it too, with its CSRF token. */
	is_int(call_full("POST", "/api/v1/calendar/import", NULL, ck_op, NULL, CSV_CT, good), 403,
	       "a session without X-CSRF-Token: 403");
	is_int(call_full("POST", "/api/v1/calendar/import", NULL, ck_op, csrf_op, CSV_CT, good),
	       200, "with it: 200");

	imports = wt_audit_count(&W, "calendar.import", "ok");
	is_int(
	    csv("POST", "/api/v1/calendar/import", t_op, "2029/1/1,元日\n2029/2/30,建国記念の日\n"),
	    422, "an impossible date: 422");
	ok(is_problem(422, "/rows/2"), "  pointing at line 2");
	json_t *e = error_at("/rows/2");
	ok(e && strstr(jstr_in(e, "detail") ? jstr_in(e, "detail") : "", "line 2"),
	   "  the English detail names the line");
	ok(e && strstr(jstr_in(e, "detail_ja") ? jstr_in(e, "detail_ja") : "", "2行目"),
	   "  and the Japanese one");
	is_int(csv("POST", "/api/v1/calendar/import", t_op, ""), 422, "an empty body: 422");
	ok(is_problem(422, "/"), "  pointing at the body");
	is_int(wt_audit_count(&W, "calendar.import", "ok"), imports, "  nothing imported");
}

static void test_blocklist(void)
{
	char id[33];
	char url[128];
	long adds = wt_audit_count(&W, "mail.block_add", NULL);

	is_int(call("GET", "/api/v1/mail-blocklist", t_op_ro, NULL), 200,
	       "the operator lists (read token)");
	is_int(nitems(), 0, "  empty");
	ok(json_is_null(json_object_get(J, "next_cursor")), "  one page");

	long before = denied();
	is_int(call("GET", "/api/v1/mail-blocklist", t_ma, NULL), 403,
	       "an agency manager may not list: 403");
	is_int(call("POST", "/api/v1/mail-blocklist", t_ma, "{\"pattern\":\"x@example.jp\"}"), 403,
	       "nor add");
	is_int(call("POST", "/api/v1/mail-blocklist", t_sa, "{\"pattern\":\"x@example.jp\"}"), 403,
	       "nor staff");
	ok(denied() >= before + 3, "  refusals audited");
	is_int(call("POST", "/api/v1/mail-blocklist", t_op_ro, "{\"pattern\":\"x@example.jp\"}"),
	       403, "a read token may not add");

	is_int(call("POST", "/api/v1/mail-blocklist", t_op,
	            "{\"pattern\":\"  ML-*@Example.go.jp \",\"note\":\"部署の共用リスト\"}"),
	       201, "the operator adds a pattern: 201");
	take_id("id", id);
	ok(strlen(id) == 32, "  with its id");
	is_str(js("pattern"), "ml-*@example.go.jp", "  trimmed and lower-cased");
	is_str(js("note"), "部署の共用リスト", "  the note");
	ok(js("created_at") != NULL, "  when");
	snprintf(url, sizeof(url), "/api/v1/mail-blocklist/%s", id);
	is_str(LOCATION, url, "  Location names it");
	is_int(wt_audit_count(&W, "mail.block_add", NULL), adds + 1, "  audited");

	is_int(call("POST", "/api/v1/mail-blocklist", t_op, "{\"pattern\":\"ml-*@example.go.jp\"}"),
	       422, "the same pattern again: 422");
	ok(is_problem(422, "/pattern"), "  pointing at pattern");
	is_int(call("POST", "/api/v1/mail-blocklist", t_op, "{\"pattern\":\"not a pattern\"}"), 422,
	       "not an address or pattern: 422");
	ok(is_problem(422, "/pattern"), "  pointing at pattern");
	ok(json_string_value(json_object_get(json_array_get(json_object_get(J, "errors"), 0),
	                                     "detail_ja")) != NULL,
	   "  with a Japanese detail");
	is_int(call("POST", "/api/v1/mail-blocklist", t_op, "{\"note\":\"x\"}"), 400,
	       "no pattern: 400 from the decoder");
	is_int(call("POST", "/api/v1/mail-blocklist", t_op,
	            "{\"pattern\":\"a@example.jp\",\"colour\":1}"),
	       400, "an unknown member: 400");
	is_int(
	    call_full("POST", "/api/v1/mail-blocklist", t_op, NULL, NULL, CSV_CT, "a@example.jp"),
	    415, "not JSON: 415");
	is_int(wt_audit_count(&W, "mail.block_add", NULL), adds + 1, "  nothing more added");

	/* The pattern now refuses addresses when accounts are issued. */
	is_int(call("GET", "/api/v1/mail-blocklist", t_op, NULL), 200, "listed");
	is_int(nitems(), 1, "  one entry");
	is_str(jstr_in(json_array_get(json_object_get(J, "items"), 0), "id"), id,
	       "  the one added");

	is_int(call("DELETE", url, t_ma, NULL), 403, "an agency manager may not remove");
	is_int(call("DELETE", url, t_op_ro, NULL), 403, "nor a read token");
	is_int(
	    call("DELETE", "/api/v1/mail-blocklist/0123456789abcdef0123456789abcdef", t_op, NULL),
	    404, "an unknown id: 404");
	is_int(call("DELETE", url, t_op, NULL), 204, "the operator removes it: 204");
	ok(BODY == NULL || BODY[0] == '\0', "  no body");
	is_int(wt_audit_count(&W, "mail.block_remove", NULL), 1, "  audited");
	is_int(call("DELETE", url, t_op, NULL), 404, "twice: 404");
	is_int(call("GET", "/api/v1/mail-blocklist", t_op, NULL), 200, "listed again");
	is_int(nitems(), 0, "  empty");
}

/* A header and n good rows for the agency coded "digital". */
static const char *rows(int n, const char *prefix)
{
	static char out[8192];
	size_t k = (size_t)snprintf(out, sizeof(out), "%s", HEADER);
	for (int i = 0; i < n && k < sizeof(out) - 300; i++)
		k += (size_t)snprintf(
		    out + k, sizeof(out) - k,
		    "%s%d@digital.go.jp,山田,花子,ヤマダ,ハナコ,agency_staff,digital,"
		    "2025-12-15,gov_admin,,no,着任\n",
		    prefix, i);
	return out;
}

static void test_import(void)
{
	char imp[33], loc[128], bad[8192];
	long imports = wt_audit_count(&W, "import.accounts", NULL);
	long created = wt_audit_count(&W, "application.create", NULL);

	/* Refused before anything is read. */
	is_int(call_full("POST", "/api/v1/imports", t_ma, NULL, NULL, "text/plain", rows(1, "tp")),
	       415, "text/plain: 415");
	ok(is_problem(415, NULL), "  as problem+json");
	is_int(call("POST", "/api/v1/imports", t_ma, "{}"), 415, "JSON: 415");
	is_int(csv("POST", "/api/v1/imports?dry_run=yes", t_ma, rows(1, "q")), 400,
	       "dry_run=yes: 400");
	ok(is_problem(400, "/dry_run"), "  pointing at dry_run");
	is_int(csv("POST", "/api/v1/imports", t_ma_ro, rows(1, "ro")), 403,
	       "a read token may not import");
	long before = denied();
	is_int(csv("POST", "/api/v1/imports", t_sa, rows(1, "staff")), 403,
	       "agency staff may not apply: 403");
	ok(denied() >= before + 1, "  audited");
	is_int(wt_audit_count(&W, "import.accounts", NULL), imports, "nothing imported");

	/* A clean dry run. */
	is_int(csv("POST", "/api/v1/imports?dry_run=true", t_ma, rows(4, "dry")), 200,
	       "a clean dry run: 200");
	is_int((long)ji("rows"), 4, "  four rows");
	is_int((long)ji("created"), 0, "  none created");
	ok(json_is_false(json_object_get(J, "committed")), "  not committed");
	ok(json_is_true(json_object_get(J, "dry_run")), "  a dry run");
	ok(json_is_null(json_object_get(J, "import_id")), "  no batch");
	is_int(wt_audit_count(&W, "application.create", NULL), created, "  nothing written");

	/* The import. */
	is_int(csv("POST", "/api/v1/imports?dry_run=false", t_ma, rows(3, "api")), 201,
	       "the agency manager imports three rows: 201");
	take_id("import_id", imp);
	ok(strlen(imp) == 32, "  a batch id");
	is_int((long)ji("rows"), 3, "  three rows");
	is_int((long)ji("created"), 3, "  three applications");
	ok(json_is_true(json_object_get(J, "committed")), "  committed");
	snprintf(loc, sizeof(loc), "/api/v1/applications?import_id=%s", imp);
	is_str(LOCATION, loc, "  Location lists the batch");
	is_int(wt_audit_count(&W, "import.accounts", NULL), imports + 1, "  one import record");
	is_int(wt_audit_count(&W, "application.create", NULL), created + 3,
	       "  three application records");
	is_int(call("GET", loc, t_ma, NULL), 200, "the batch's applications");
	is_int(nitems(), 3, "  three");

	/* A refused row: 422 naming it; nothing written. */
	snprintf(bad, sizeof(bad), "%s", rows(3, "bad"));
	memcpy(strstr(bad, "bad1@digital"), "bad1@@igital", 12);
	is_int(csv("POST", "/api/v1/imports", t_ma, bad), 422, "a bad email on line 3: 422");
	ok(is_problem(422, "/rows/3/email"), "  errors name /rows/3/email");
	json_t *e = error_at("/rows/3/email");
	is_int(e ? (long)json_integer_value(json_object_get(e, "line")) : -1, 3, "  line 3");
	is_str(e ? jstr_in(e, "field") : NULL, "email", "  column email");
	ok(e && jstr_in(e, "detail") && jstr_in(e, "detail_ja"),
	   "  details in English and Japanese");
	is_int((long)ji("rows"), 3, "  three rows read");
	is_int((long)ji("refused_rows"), 1, "  one refused");
	is_int((long)ji("errors_omitted"), 0, "  nothing left out");
	is_int(wt_audit_count(&W, "import.accounts", NULL), imports + 1, "  no new import");

	/* Japanese column names are the pointer's tokens; a bad header is refused as a file. */
	is_int(csv("POST", "/api/v1/imports", t_ma,
	           "メールアドレス,姓,名,姓カナ,名カナ,ロール,組織,本人確認日,確認範囲,システム名,"
	           "守秘義務,理由\nx@@digital.go.jp,山田,花子,ヤマダ,ハナコ,agency_staff,digital,"
	           "2025-12-15,gov_admin,,no,着任\n"),
	       422, "Japanese headers, a bad email: 422");
	ok(is_problem(422, "/rows/2/メールアドレス"), "  pointer with the Japanese column name");
	is_int(csv("POST", "/api/v1/imports", t_ma, "email,colour\nx,red\n"), 422,
	       "unknown columns: 422");
	ok(json_array_size(json_object_get(J, "errors")) >= 1, "  with errors");
	is_int(csv("POST", "/api/v1/imports", t_ma, ""), 422, "an empty body: 422");

	/* Another agency's manager: the rows are outside their scope. */
	before = denied();
	is_int(csv("POST", "/api/v1/imports", t_mb, rows(2, "spy")), 422,
	       "another agency's manager: 422 naming the rows");
	ok(is_problem(422, "/rows/2/org"), "  the org column of line 2");
	ok(denied() >= before + 1, "  and one permission.denied record");
	is_int(wt_audit_count(&W, "import.accounts", NULL), imports + 1, "  nothing imported");
}

int main(void)
{
	char op_org[33], a[33], b[33], op[33], ma[33], sa[33], mb[33];
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", a) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0,
	   "the operator and two agencies");
	ok(wt_account(&W, ROLE_OPERATOR, op_org, "op@gcas.example.jp", op) == 0 &&
	       wt_account(&W, ROLE_AGENCY_MANAGER, a, "mgr@digital.go.jp", ma) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, a, "staff@digital.go.jp", sa) == 0 &&
	       wt_account(&W, ROLE_AGENCY_MANAGER, b, "mgr@otsu.go.jp", mb) == 0,
	   "an operator, a manager and staff of A, a manager of B");
	ok(wt_token(&W, op, "read write", t_op) == 0 && wt_token(&W, op, "read", t_op_ro) == 0 &&
	       wt_token(&W, ma, "read write", t_ma) == 0 &&
	       wt_token(&W, ma, "read", t_ma_ro) == 0 &&
	       wt_token(&W, sa, "read write", t_sa) == 0 &&
	       wt_token(&W, mb, "read write", t_mb) == 0 && wt_login(&W, op, ck_op, csrf_op) == 0,
	   "API tokens and an operator session");
	test_calendar_read();
	test_calendar_import();
	test_blocklist();
	test_import();
	api_reset();
	wt_close(&W);
	return tap_done();
}
