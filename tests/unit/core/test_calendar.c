/* SPDX-License-Identifier: MIT */
/* The administrative calendar (core/calendar.c): every computed holiday of 2016-2027 against the
 * Cabinet Office list (tests/data/calendar, both directions), historic rules, business-day
 * arithmetic (Golden Week, the year-end closure, substitute holidays, n < 0), weekdays, date
 * parsing and the JST day boundary. */
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "tap.h"

#define DATA GCAS_SOURCE_ROOT "/tests/data/calendar/syukujitsu-2016-2027.csv"

struct official {
	struct ymd day;
	char name[64];
};

static struct official list[400];
static size_t nlist;

static int load_official(void)
{
	FILE *f = fopen(DATA, "r");
	char line[256];
	if (!f)
		return -1;
	while (nlist < sizeof(list) / sizeof(list[0]) && fgets(line, sizeof(line), f)) {
		char *comma = strchr(line, ',');
		if (!comma)
			continue;
		*comma = '\0';
		line[strcspn(comma + 1, "\r\n") + (size_t)(comma + 1 - line)] = '\0';
		if (ymd_parse(line, &list[nlist].day))
			continue;
		snprintf(list[nlist].name, sizeof(list[nlist].name), "%s", comma + 1);
		nlist++;
	}
	fclose(f);
	return 0;
}

static struct ymd D(int y, int m, int d) {
	return (struct ymd){y, m, d};
}

static const char *
fmt(struct ymd d)
{
	static char s[4][11];
	static int i;
	i = (i + 1) % 4;
	ymd_format(d, s[i]);
	return s[i];
}

static void test_official_list(void)
{
	ok(load_official() == 0 && nlist == 219, "the official 2016-2027 list loads (219 days)");
	for (int y = 2016; y <= 2027; y++) {
		int bad = 0;
		size_t want = 0;
		for (size_t i = 0; i < nlist; i++) {
			if (list[i].day.y != y)
				continue;
			want++;
			const char *got = calendar_computed_holiday(list[i].day);
			if (!got || strcmp(got, list[i].name) != 0) {
				printf("#   %s: computed %s, official %s\n", fmt(list[i].day),
				       got ? got : "(none)", list[i].name);
				bad++;
			}
		}
		ok(!bad && want > 0, "%d: every official holiday is computed, same name", y);
		struct holiday h[40];
		size_t n = calendar_computed_year(y, h, 40);
		bad = n != want;
		for (size_t k = 0; k < n; k++) {
			int found = 0;
			for (size_t i = 0; i < nlist; i++)
				found |= ymd_cmp(list[i].day, h[k].day) == 0;
			if (!found) {
				printf("#   %s %s computed but not official\n", fmt(h[k].day),
				       h[k].name);
				bad = 1;
			}
			if (k && ymd_cmp(h[k - 1].day, h[k].day) >= 0)
				bad = 1;
		}
		ok(!bad, "%d: nothing computed beyond the official list (%zu days, in order)", y,
		   n);
	}
	struct holiday h[3];
	is_int(calendar_computed_year(2026, h, 3), 3, "calendar_computed_year keeps to cap");
	is_str(fmt(h[2].day), "2026-02-11", "  the first three of the year");
}

static void test_history(void)
{
	is_str(calendar_computed_holiday(D(2018, 12, 23)), "天皇誕生日", "12/23 under Heisei");
	ok(!calendar_computed_holiday(D(2019, 12, 23)), "no Emperor's birthday in 2019");
	ok(!calendar_computed_holiday(D(2019, 2, 23)), "nor on 2/23 before 2020");
	is_str(calendar_computed_holiday(D(2006, 4, 29)), "みどりの日",
	       "4/29 みどりの日 until 2006");
	is_str(calendar_computed_holiday(D(2006, 5, 4)), "休日",
	       "5/4 a citizens' holiday until 2006");
	is_str(calendar_computed_holiday(D(1988, 4, 29)), "天皇誕生日", "4/29 under Showa");
	is_str(calendar_computed_holiday(D(2008, 5, 6)), "休日",
	       "2008: 5/4 on Sunday moves to 5/6 (2007 rule)");
	is_str(calendar_computed_holiday(D(2015, 9, 22)), "休日", "2015 silver week 9/22");
	is_str(calendar_computed_holiday(D(1999, 1, 15)), "成人の日", "成人の日 1/15 until 1999");
	is_str(calendar_computed_holiday(D(2000, 1, 10)), "成人の日", "2nd Monday from 2000");
	ok(!calendar_computed_holiday(D(2000, 1, 15)), "  and no longer 1/15");
	is_str(calendar_computed_holiday(D(1989, 2, 24)), "大喪の礼", "the 1989 state funeral");
	is_str(calendar_computed_holiday(D(2002, 7, 20)), "海の日", "海の日 7/20 until 2002");
	ok(!calendar_computed_holiday(D(2015, 8, 11)), "no 山の日 before 2016");
	ok(!calendar_computed_holiday(D(2020, 7, 20)), "2020: 海の日 moved off the 3rd Monday");
	ok(!calendar_computed_holiday(D(2020, 10, 12)), "2020: スポーツの日 moved off October");
	ok(!calendar_computed_holiday(D(2021, 8, 11)), "2021: 山の日 moved to 8/8");
	is_str(calendar_computed_holiday(D(2030, 3, 20)), "春分の日", "2030 vernal equinox");
	is_str(calendar_computed_holiday(D(2033, 9, 23)), "秋分の日", "2033 autumnal equinox");
	ok(!calendar_computed_holiday(D(2026, 2, 30)), "an invalid date is no holiday");
	ok(!calendar_computed_holiday(D(2026, 5, 7)), "an ordinary Thursday");
}

static void add_case(int y, int m, int d, int n, const char *want, const char *what)
{
	is_str(fmt(calendar_add_business_days(NULL, D(y, m, d), n)), want, "%s", what);
}

static void test_business_days(void)
{
	add_case(2026, 4, 30, 1, "2026-05-01", "Golden Week: Thu 4/30 + 1 = Fri 5/1");
	add_case(2026, 4, 30, 2, "2026-05-07", "  + 2 jumps 5/2-5/6 to Thu 5/7");
	add_case(2026, 5, 7, -1, "2026-05-01", "  5/7 - 1 = 5/1");
	add_case(2026, 5, 3, 5, "2026-05-13", "5 business days after a holiday (5/3)");
	add_case(2025, 12, 26, 1, "2026-01-05", "year end: Fri 12/26 + 1 = Mon 1/5");
	add_case(2026, 12, 25, 5, "2027-01-07",
	         "12/28 counts, 12/29-1/3 are closed: 12/25 + 5 = 1/7");
	add_case(2026, 1, 5, -1, "2025-12-26", "n < 0 across the year end");
	add_case(2024, 11, 1, 1, "2024-11-05", "substitute holiday: Fri 11/1 + 1 skips Mon 11/4");
	add_case(2026, 9, 18, 1, "2026-09-24", "silver week 2026: Fri 9/18 + 1 = Thu 9/24");
	add_case(2026, 5, 5, 0, "2026-05-05", "n == 0 gives the day itself, even a holiday");
	add_case(2026, 5, 11, -4, "2026-04-30", "n = -4 from Mon 5/11 skips GW and 4/29");
	add_case(2026, 5, 11, -6, "2026-04-27", "n = -6 from Mon 5/11");
	ok(calendar_is_business_day(NULL, D(2026, 12, 28)), "Mon 12/28 is a business day");
	ok(!calendar_is_business_day(NULL, D(2026, 12, 29)), "12/29 is closed");
	ok(!calendar_is_business_day(NULL, D(2027, 1, 3)), "1/3 is closed");
	ok(calendar_is_business_day(NULL, D(2027, 1, 4)), "Mon 1/4 is a business day");
	ok(!calendar_is_business_day(NULL, D(2026, 9, 22)), "a citizens' holiday is not");
	ok(!calendar_is_business_day(NULL, D(2026, 5, 9)), "a Saturday is not");
	is_int(calendar_business_days_between(NULL, D(2026, 4, 30), D(2026, 5, 7)), 2,
	       "business days in (4/30, 5/7] = 2");
	is_int(calendar_business_days_between(NULL, D(2026, 5, 7), D(2026, 4, 30)), 0,
	       "0 when to <= from");
	is_int(calendar_business_days_between(NULL, D(2026, 1, 1), D(2026, 12, 31)), 240,
	       "2026: 261 weekdays - 17 weekday holidays - 4 closed days = 240");

	/* An imported year replaces the computed list for that year only. */
	static const int years[] = {2026};
	static const struct holiday days[] = {{{2026, 1, 1}, "元日"}, {{2026, 6, 15}, "臨時"}};
	struct calendar c = {years, 1, days, 2};
	ok(!calendar_holiday(&c, D(2026, 5, 6)), "imported 2026: 5/6 is no longer a holiday");
	is_str(calendar_holiday(&c, D(2026, 6, 15)), "臨時", "  a day only the import lists");
	is_str(calendar_holiday(&c, D(2027, 1, 11)), "成人の日", "  2027 stays computed");
	ok(calendar_is_business_day(&c, D(2026, 5, 6)), "  5/6 is a business day then");
	ok(!calendar_is_business_day(&c, D(2026, 6, 15)), "  6/15 is not");
}

static void test_dates(void)
{
	struct ymd d = {1, 1, 1};
	ok(ymd_parse("2026-05-06", &d) == 0 && ymd_cmp(d, D(2026, 5, 6)) == 0, "YYYY-MM-DD");
	ok(ymd_parse("2026/5/6", &d) == 0 && ymd_cmp(d, D(2026, 5, 6)) == 0, "YYYY/M/D");
	ok(ymd_parse("2026/12/31", &d) == 0 && ymd_cmp(d, D(2026, 12, 31)) == 0, "YYYY/MM/DD");
	ok(ymd_parse("2024-02-29", &d) == 0, "a leap day");
	static const char *bad[] = {
	    "2026-5-6",   "2026-02-29",     "1900-02-29",  "1899-12-31", "3000-01-01",
	    "2026-13-01", "2026-00-10",     "2026-05-06x", "",           "20260506",
	    "2026/5-6",   "２０２６-05-06", " 2026-05-06", "2026/5/",    "2026/123/1",
	    "+026-05-06"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = D(1, 2, 3);
		ok(ymd_parse(bad[i], &d) == -1 && d.y == 1 && d.m == 2 && d.d == 3,
		   "refused, out untouched: \"%s\"", bad[i]);
	}
	ok(ymd_parse(NULL, &d) == -1, "NULL refused");
	ok(ymd_valid(D(2000, 2, 29)) && !ymd_valid(D(2100, 2, 29)), "Gregorian leap years");
	is_int(ymd_weekday(D(1970, 1, 1)), 4, "1970-01-01 was a Thursday");
	is_int(ymd_weekday(D(2000, 2, 29)), 2, "2000-02-29 was a Tuesday");
	is_int(ymd_weekday(D(2026, 5, 6)), 3, "2026-05-06 is a Wednesday");
	is_int(ymd_weekday(D(1900, 1, 1)), 1, "1900-01-01 was a Monday");
	is_int(ymd_to_days(D(1970, 1, 1)), 0, "day 0");
	is_int(ymd_to_days(D(2000, 3, 1)), 11017, "2000-03-01 is day 11017");
	is_int(ymd_to_days(D(1969, 12, 31)), -1, "the day before is -1");
	int bad_rt = 0;
	struct ymd prev = D(1900, 1, 1);
	for (int64_t x = ymd_to_days(prev) + 1; x <= ymd_to_days(D(2999, 12, 31)); x++) {
		struct ymd cur = ymd_from_days(x);
		if (!ymd_valid(cur) || ymd_to_days(cur) != x || ymd_cmp(prev, cur) >= 0 ||
		    ymd_cmp(ymd_add_days(prev, 1), cur) != 0)
			bad_rt++;
		prev = cur;
	}
	ok(!bad_rt, "days <-> dates round-trip, every day 1900-2999");
	is_str(fmt(ymd_add_days(D(2024, 2, 28), 2)), "2024-03-01", "add days over a leap day");
	char s[11];
	ymd_format(D(987, 6, 5), s);
	is_str(s, "0987-06-05", "format pads");
}

static void test_jst(void)
{
	/* 2026-01-01T14:59:59Z is 23:59:59 in Japan; one second later it is the 2nd. */
	int64_t t = 1767279599;
	is_str(fmt(ymd_of_epoch_jst(t)), "2026-01-01", "14:59:59Z is still the 1st in Japan");
	is_str(fmt(ymd_of_epoch_jst(t + 1)), "2026-01-02", "15:00:00Z is the 2nd");
	is_int(ymd_epoch_jst(D(2026, 1, 2)), t + 1, "00:00 JST of the 2nd is 15:00Z of the 1st");
	is_str(fmt(ymd_of_epoch_jst(1767193199)), "2025-12-31", "14:59:59Z on 12/31");
	is_str(fmt(ymd_of_epoch_jst(1767193200)), "2026-01-01", "new year in Japan at 15:00Z");
	is_str(fmt(ymd_of_epoch_jst(-1)), "1970-01-01", "before the epoch: 08:59:59 JST");
	is_str(fmt(ymd_of_epoch_jst(-32401)), "1969-12-31", "23:59:59 JST on 12/31/1969");
	is_int(ymd_epoch_jst(D(1970, 1, 1)), -32400, "00:00 JST of day 0");
}

int main(void)
{
	test_official_list();
	test_history();
	test_business_days();
	test_dates();
	test_jst();
	return tap_done();
}
