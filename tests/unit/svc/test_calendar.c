/* SPDX-License-Identifier: MIT */
/* The holiday import (svc/calendar.c, R2.10): the official Shift_JIS file (header, YYYY/M/D)
 * and a UTF-8 file are both read; each year covered replaces what was there before, in one
 * transaction with one "calendar.import" audit record; loading gives the imported years over
 * the computed ones. Refused, with the line named and nothing written: bad dates, empty names,
 * duplicate dates, broken CSV, an encoding that is neither UTF-8 nor Shift_JIS, an empty or
 * oversized file. Only the operator (or the system) may import. */
#include "svc/calendar.h"
#include "test_world.h"

#define DATA_DIR GCAS_SOURCE_ROOT "/tests/data/calendar/"

static struct world W;

static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = arena_alloc(a, 1 << 20);
	*len = 0;
	if (!f || !buf) {
		if (f)
			fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

static int has_msg(const struct verrs *ve, const char *ja, const char *en)
{
	for (size_t i = 0; i < ve->n; i++)
		if (strstr(ve->e[i].ja, ja) && strstr(ve->e[i].en, en))
			return 1;
	for (size_t i = 0; i < ve->n; i++)
		printf("#   %s: %s / %s\n", ve->e[i].field, ve->e[i].ja, ve->e[i].en);
	return 0;
}

static struct calendar load(struct arena *a)
{
	struct calendar c = {0};
	if (svc_calendar_get(&W.w.env, a, &c))
		printf("# svc_calendar_get failed\n");
	return c;
}

static void test_official_file(void)
{
	struct arena *a = arena_new(0);
	struct actor sys = actor_system("cli");
	size_t len;
	char *sjis = slurp(a, DATA_DIR "syukujitsu-2016-2027.sjis.csv", &len);
	ok(sjis && len > 1000, "the Shift_JIS copy of the official list is there");
	struct verrs ve = {0};
	struct calendar_import_result res;
	int64_t s0 = world_audit_seq(&W);
	enum gcas_err e = svc_calendar_import_report(&W.w.env, &sys, a, sjis, len, &res, &ve);
	is_int(e, GCAS_OK, "the system imports the official Shift_JIS file");
	is_int(res.days, 219, "  219 days (the header row skipped)");
	is_int(res.years, 12, "  12 years");
	ok(res.first_year == 2016 && res.last_year == 2027, "  2016-2027");
	audit_wrote(&W, s0, "calendar.import", "ok", "  one calendar.import record");
	struct audit_rec r = world_audit_last(&W, a);
	has_str(r.detail, "2016,2017,2018", "  the record lists the years");
	has_str(r.detail, "219", "  and the count");

	struct calendar c = load(a);
	is_int(c.nyears, 12, "loaded: 12 imported years");
	is_int(c.ndays, 219, "loaded: 219 days");
	is_str(calendar_holiday(&c, (struct ymd){2019, 5, 1}), "休日（祝日扱い）",
	       "names decoded from Shift_JIS");
	int sorted = 1;
	for (size_t i = 1; i < c.ndays; i++)
		sorted &= ymd_cmp(c.days[i - 1].day, c.days[i].day) < 0;
	ok(sorted, "loaded days are sorted");
	/* The imported list agrees with the computed one, day by day. */
	int same = 1;
	for (size_t i = 0; i < c.ndays; i++) {
		const char *comp = calendar_computed_holiday(c.days[i].day);
		same &= comp && strcmp(comp, c.days[i].name) == 0;
	}
	ok(same, "every imported day is the computed holiday of that day");
	arena_free(a);
}

static void test_replace(void)
{
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op);
	struct verrs ve = {0};
	int years, days;
	/* A UTF-8 file, no header, dashes, unsorted: 2026 gets a day the law does not have and
	 * loses the others. */
	static const char csv[] =
	    "2026-11-03,文化の日\r\n2026/1/1,元日\r\n2026/6/15,臨時休日,,\r\n";
	int64_t s0 = world_audit_seq(&W);
	enum gcas_err e =
	    svc_calendar_import(&W.w.env, &op, a, csv, sizeof(csv) - 1, &years, &days, &ve);
	is_int(e, GCAS_OK, "an operator imports a UTF-8 file for 2026");
	ok(years == 1 && days == 3, "  1 year, 3 days");
	audit_wrote(&W, s0, "calendar.import", "ok", "  recorded");
	struct calendar c = load(a);
	struct holiday h[64];
	int imported;
	size_t n = svc_calendar_year(&c, 2026, h, 64, &imported);
	ok(imported && n == 3, "2026 now holds exactly the 3 imported days");
	is_str(calendar_holiday(&c, (struct ymd){2026, 6, 15}), "臨時休日", "  the new day");
	ok(!calendar_holiday(&c, (struct ymd){2026, 5, 6}), "  5/6 is no longer a holiday");
	ok(calendar_is_business_day(&c, (struct ymd){2026, 5, 6}), "  so it is a business day");
	n = svc_calendar_year(&c, 2025, h, 64, &imported);
	ok(imported && n == 19, "2025 keeps its earlier import (19 days)");
	n = svc_calendar_year(&c, 2030, h, 64, &imported);
	ok(!imported && n > 10, "2030 was never imported: computed");
	arena_free(a);
}

static void refused(const char *data, size_t len, const char *ja, const char *en, const char *what)
{
	struct arena *a = arena_new(0);
	struct actor sys = actor_system("cli");
	struct verrs ve = {0};
	int years = -1, days = -1;
	int64_t s0 = world_audit_seq(&W);
	struct calendar before = load(a);
	enum gcas_err e = svc_calendar_import(&W.w.env, &sys, a, data, len, &years, &days, &ve);
	is_int(e, GCAS_ERR_INVALID, "refused: %s", what);
	ok(has_msg(&ve, ja, en), "  the message says \"%s\"", en);
	ok(years == 0 && days == 0, "  nothing counted");
	audit_none(&W, s0, "  no audit record");
	struct calendar after = load(a);
	ok(after.ndays == before.ndays && after.nyears == before.nyears, "  nothing written");
	arena_free(a);
}

#define R(lit, ja, en, what) refused(lit, sizeof(lit) - 1, ja, en, what)

static void test_refusals(void)
{
	R("国民の祝日・休日月日,国民の祝日・休日名称\n2028/1/1,元日\n2028/2/30,建国記念の日\n",
	  "3行目", "line 3: the date is not valid", "an impossible date, line 3");
	R("2028/1/1,元日\n2028-1-8,成人の日\n", "2行目", "line 2: the date",
	  "a dash date without padding (a first row that is a date is no header)");
	R("2028/1/1,元日\n2028/1/10,  \n", "名称がありません", "line 2: the name is empty",
	  "an empty name");
	R("2028/1/1,元日\n2028/1/10\n", "名称がありません", "line 2: the name is empty",
	  "a row without a name");
	R("2028/1/1,元日\n2028/2/11,建国記念の日\n2028/1/1,元日\n", "1行目と同じ日付",
	  "line 3: the same date as line 1", "a duplicate date");
	R("2028/1/1,元日\n2028/1/10,成人の日,extra\n", "列が多すぎます", "line 2: too many columns",
	  "a third column");
	R("2028/1/1,元日\n\"2028/1/10,成人の日\n", "引用符", "line 2: unterminated quoted field",
	  "an unterminated quote");
	R("\xff\xfe\x41\x00", "文字コード", "neither UTF-8 nor Shift_JIS", "UTF-16 bytes");
	R("国民の祝日・休日月日,国民の祝日・休日名称\r\n", "祝日の行がありません",
	  "lists no holidays", "a header and nothing else");
	refused("", 0, "空か", "empty or too large", "an empty file");
	static char big[CALENDAR_MAX_UPLOAD + 1];
	memset(big, '\n', sizeof(big));
	refused(big, sizeof(big), "大きすぎ", "too large", "a file over 1 MiB");
	/* Bad rows are all reported (up to ten), each with its line. */
	struct arena *a = arena_new(0);
	struct actor sys = actor_system("cli");
	struct verrs ve = {0};
	int y, d;
	static const char many[] = "2028/1/1,\n2028/1/2,\nx,y\n2028/1/4,ok\n2028/13/1,z\n";
	svc_calendar_import(&W.w.env, &sys, a, many, sizeof(many) - 1, &y, &d, &ve);
	ok(ve.n == 4 && has_msg(&ve, "1行目", "line 1") && has_msg(&ve, "5行目", "line 5"),
	   "every bad line is reported (4 of them)");
	arena_free(a);
}

static void test_denied(void)
{
	static const char csv[] = "2028/1/1,元日\n";
	const char *who[] = {W.am1, W.as1, W.pm1, W.cs1};
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		struct arena *a = arena_new(0);
		struct actor ac = world_actor(&W, who[i]);
		struct verrs ve = {0};
		int y, d;
		int64_t s0 = world_audit_seq(&W);
		enum gcas_err e =
		    svc_calendar_import(&W.w.env, &ac, a, csv, sizeof(csv) - 1, &y, &d, &ve);
		is_int(e, GCAS_ERR_DENIED, "%s may not import holidays", role_name(ac.subj.role));
		audit_wrote(&W, s0, "permission.denied", "denied", "  a permission.denied record");
		struct calendar c = load(a);
		struct holiday h[40];
		int imported;
		svc_calendar_year(&c, 2028, h, 40, &imported);
		ok(!imported, "  2028 still computed");
		arena_free(a);
	}
}

int main(void)
{
	if (world_open(&W)) {
		ok(0, "world");
		return tap_done();
	}
	test_official_file();
	test_replace();
	test_refusals();
	test_denied();
	world_close(&W);
	return tap_done();
}
