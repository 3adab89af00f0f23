/* SPDX-License-Identifier: MIT */
/* Japan's administrative calendar (see calendar.h): proleptic Gregorian day numbers, the
 * national holidays as 国民の祝日に関する法律 defined them in each year (with its amendments and
 * the one-off laws of 1959-2021), the year-end closure of 行政機関の休日に関する法律, and
 * business-day arithmetic over the computed list or an imported one. Names follow the Cabinet
 * Office's syukujitsu.csv, which calls every substitute and citizens' holiday simply "休日". */
#include "core/calendar.h"

#include <string.h>

#define Y_MIN 1900
#define Y_MAX 2999

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int ymd_valid(struct ymd d)
{
	if (d.y < Y_MIN || d.y > Y_MAX || d.m < 1 || d.m > 12)
		return 0;
	return d.d >= 1 && d.d <= month_days(d.y, d.m);
}

/* Reads 1..max digits at *p; advances *p. -1 when there is no digit. */
static int digits(const char **p, int min, int max)
{
	int v = 0, n = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min ? v : -1;
}

int ymd_parse(const char *s, struct ymd *out)
{
	if (!s)
		return -1;
	const char *p = s;
	struct ymd d;
	d.y = digits(&p, 4, 4);
	char sep = *p;
	/* ISO 8601 extended form is fixed width; the Cabinet Office CSV writes "2026/5/6". */
	int lo = sep == '/' ? 1 : 2;
	if (d.y < 0 || (sep != '-' && sep != '/'))
		return -1;
	p++;
	d.m = digits(&p, lo, 2);
	if (d.m < 0 || *p != sep)
		return -1;
	p++;
	d.d = digits(&p, lo, 2);
	if (d.d < 0 || *p != '\0' || !ymd_valid(d))
		return -1;
	*out = d;
	return 0;
}

void ymd_format(struct ymd d, char out[11])
{
	unsigned y = (unsigned)d.y % 10000u, m = (unsigned)d.m % 100u, dd = (unsigned)d.d % 100u;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + dd / 10);
	out[9] = (char)('0' + dd % 10);
	out[10] = '\0';
}

int ymd_cmp(struct ymd a, struct ymd b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

/* Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian
 * calendar, eras of 400 years (146097 days) starting 1 March. */
int64_t ymd_to_days(struct ymd d)
{
	int64_t y = d.m <= 2 ? (int64_t)d.y - 1 : d.y;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = d.m > 2 ? d.m - 3 : d.m + 9;
	int64_t doy = (153 * mp + 2) / 5 + d.d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct ymd ymd_from_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	struct ymd r;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

struct ymd ymd_add_days(struct ymd d, int64_t n)
{
	return ymd_from_days(ymd_to_days(d) + n);
}

int ymd_weekday(struct ymd d)
{
	/* 1970-01-01 was a Thursday (4). */
	int64_t w = (ymd_to_days(d) + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

#define JST_OFFSET (9 * 3600) /* Japan Standard Time, UTC+9, no daylight saving */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct ymd ymd_of_epoch_jst(int64_t t)
{
	return ymd_from_days(floor_div(t + JST_OFFSET, 86400));
}

int64_t ymd_epoch_jst(struct ymd d)
{
	return ymd_to_days(d) * 86400 - JST_OFFSET;
}

/* --- the law ------------------------------------------------------------------------------- */

/* The n-th Monday of a month (Happy Monday system, 2000 / 2003 amendments). */
static int nth_monday(int y, int m, int n)
{
	int w1 = ymd_weekday((struct ymd){y, m, 1});
	int first = 1 + (8 - w1) % 7;
	return first + 7 * (n - 1);
}

/* The equinox days are fixed each February by the National Astronomical Observatory's 暦要項;
 * this is the usual approximation of its result, exact for 1900-2099 as published so far.
 * Fixed-point (×10^6) so no floating point decides a holiday. */
static int equinox_day(int y, int spring)
{
	int64_t base, anchor;
	if (y <= 1979) {
		base = spring ? 20835700 : 23258800;
		anchor = 1983;
	} else if (y <= 2099) {
		base = spring ? 20843100 : 23248800;
		anchor = 1980;
	} else {
		base = spring ? 21851000 : 24248800;
		anchor = 1980;
	}
	int64_t v = base + 242194 * (int64_t)(y - 1980) - 1000000 * floor_div(y - anchor, 4);
	return (int)floor_div(v, 1000000);
}

struct one_off {
	int y, m, d;
	const char *name;
};

/* Days made holidays by a law of their own (皇室の慶事, the 2019 enthronement, and the Olympic
 * years 2020/2021, whose moved days are listed in the rules below). */
static const struct one_off one_offs[] = {
    {1959, 4, 10, "結婚ノ儀"},
    {1989, 2, 24, "大喪の礼"},
    {1990, 11, 12, "即位礼正殿の儀"},
    {1993, 6, 9, "結婚の儀"},
    /* 天皇の即位の日及び即位礼正殿の儀の行われる日を休日とする法律 (平成30年法律第99号):
     * these days count as national holidays, so 4/30 and 5/2 become citizens' holidays. */
    {2019, 5, 1, "休日（祝日扱い）"},
    {2019, 10, 22, "休日（祝日扱い）"},
};

/* Happy Monday and fixed days, for years that have the usual list. */
static const char *moved_olympic(int y, int m, int d)
{
	/* 平成30年法律第57号 (2020) and 令和2年法律第68号 (2021): 海の日, スポーツの日 and 山の日
	 * moved around the Tokyo Games. */
	if (y == 2020) {
		if (m == 7 && d == 23)
			return "海の日";
		if (m == 7 && d == 24)
			return "スポーツの日";
		if (m == 8 && d == 10)
			return "山の日";
	}
	if (y == 2021) {
		if (m == 7 && d == 22)
			return "海の日";
		if (m == 7 && d == 23)
			return "スポーツの日";
		if (m == 8 && d == 8)
			return "山の日";
	}
	return NULL;
}

static const char *summer_autumn(int y, int m, int d)
{
	if (y == 2020 || y == 2021)
		return moved_olympic(y, m, d);
	if (m == 7 &&
	    ((y >= 1996 && y <= 2002 && d == 20) || (y >= 2003 && d == nth_monday(y, 7, 3))))
		return "海の日";
	if (m == 8 && y >= 2016 && d == 11)
		return "山の日";
	if (m == 10 &&
	    ((y >= 1966 && y <= 1999 && d == 10) || (y >= 2000 && d == nth_monday(y, 10, 2)))) {
		if (y >= 2020)
			return "スポーツの日";
		/* The renaming law passed in 2018; the Cabinet Office lists 2019's day so. */
		return y == 2019 ? "体育の日（スポーツの日）" : "体育の日";
	}
	return NULL;
}

static const char *september(int y, int m, int d)
{
	if (m != 9)
		return NULL;
	if ((y >= 1966 && y <= 2002 && d == 15) || (y >= 2003 && d == nth_monday(y, 9, 3)))
		return "敬老の日";
	if (d == equinox_day(y, 0))
		return "秋分の日";
	return NULL;
}

static const char *spring(int y, int m, int d)
{
	if (m == 1 && d == 1)
		return "元日";
	if (m == 1 && ((y <= 1999 && d == 15) || (y >= 2000 && d == nth_monday(y, 1, 2))))
		return "成人の日";
	if (m == 2 && d == 11 && y >= 1967)
		return "建国記念の日";
	if (m == 2 && d == 23 && y >= 2020)
		return "天皇誕生日";
	if (m == 3 && d == equinox_day(y, 1))
		return "春分の日";
	if (m == 4 && d == 29)
		return y <= 1988 ? "天皇誕生日" : y <= 2006 ? "みどりの日" : "昭和の日";
	if (m == 5 && d == 3)
		return "憲法記念日";
	if (m == 5 && d == 4 && y >= 2007)
		return "みどりの日";
	if (m == 5 && d == 5)
		return "こどもの日";
	return NULL;
}

/* A 国民の祝日 proper (art. 2 and the one-off laws): not the 休日 of art. 3. */
static const char *base_holiday(struct ymd day)
{
	int y = day.y, m = day.m, d = day.d;
	/* The act took effect on 20 July 1948; count whole years from 1949. */
	if (y < 1949)
		return NULL;
	for (size_t i = 0; i < sizeof(one_offs) / sizeof(one_offs[0]); i++)
		if (one_offs[i].y == y && one_offs[i].m == m && one_offs[i].d == d)
			return one_offs[i].name;
	const char *n = spring(y, m, d);
	if (!n)
		n = summer_autumn(y, m, d);
	if (!n)
		n = september(y, m, d);
	if (n)
		return n;
	if (m == 11 && d == 3)
		return "文化の日";
	if (m == 11 && d == 23)
		return "勤労感謝の日";
	/* The Emperor's birthday: 12/23 under Heisei; none in 2019 (the abdication was 4/30). */
	if (m == 12 && d == 23 && y >= 1989 && y <= 2018)
		return "天皇誕生日";
	return NULL;
}

/* 振替休日 (art. 3-2): from 12 April 1973 a holiday on Sunday makes the next day a holiday;
 * from 2007 the next day that is not itself a national holiday (so 5/6 when 5/3 is Sunday). */
static int is_substitute(struct ymd d)
{
	if (ymd_cmp(d, (struct ymd){1973, 4, 12}) <= 0)
		return 0;
	int reach = d.y >= 2007 ? 7 : 1;
	for (int k = 1; k <= reach; k++) {
		struct ymd p = ymd_add_days(d, -k);
		if (!base_holiday(p))
			return 0;
		if (ymd_weekday(p) == 0)
			return 1;
	}
	return 0;
}

/* 国民の休日 (art. 3-3, from 27 December 1985): a day between two national holidays. Until
 * 2006 the article excluded Sundays and substitute holidays. */
static int is_citizens(struct ymd d)
{
	if (ymd_cmp(d, (struct ymd){1985, 12, 27}) < 0)
		return 0;
	if (!base_holiday(ymd_add_days(d, -1)) || !base_holiday(ymd_add_days(d, 1)))
		return 0;
	if (d.y <= 2006 && ymd_weekday(d) == 0)
		return 0;
	return 1;
}

const char *calendar_computed_holiday(struct ymd d)
{
	if (!ymd_valid(d))
		return NULL;
	const char *n = base_holiday(d);
	if (n)
		return n;
	if (is_substitute(d) || is_citizens(d))
		return "休日";
	return NULL;
}

size_t calendar_computed_year(int year, struct holiday *out, size_t cap)
{
	size_t n = 0;
	struct ymd d = {year, 1, 1};
	if (!ymd_valid(d))
		return 0;
	for (; d.y == year && n < cap; d = ymd_add_days(d, 1)) {
		const char *name = calendar_computed_holiday(d);
		if (!name)
			continue;
		out[n].day = d;
		out[n].name = name;
		n++;
	}
	return n;
}

static int year_imported(const struct calendar *c, int y)
{
	for (size_t i = 0; c && i < c->nyears; i++)
		if (c->years[i] == y)
			return 1;
	return 0;
}

const char *calendar_holiday(const struct calendar *c, struct ymd d)
{
	if (!year_imported(c, d.y))
		return calendar_computed_holiday(d);
	size_t lo = 0, hi = c->ndays;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = ymd_cmp(c->days[mid].day, d);
		if (r == 0)
			return c->days[mid].name;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int calendar_is_business_day(const struct calendar *c, struct ymd d)
{
	int w = ymd_weekday(d);
	if (w == 0 || w == 6)
		return 0;
	/* 行政機関の休日に関する法律 art. 1(1)(iii): 12/29 to 1/3 are closed days. */
	if ((d.m == 12 && d.d >= 29) || (d.m == 1 && d.d <= 3))
		return 0;
	return calendar_holiday(c, d) == NULL;
}

struct ymd calendar_add_business_days(const struct calendar *c, struct ymd d, int n)
{
	int step = n < 0 ? -1 : 1;
	int64_t left = n < 0 ? -(int64_t)n : n;
	/* Stop at the edge of the supported range rather than walk for ever on absurd n. */
	while (left > 0) {
		struct ymd next = ymd_add_days(d, step);
		if (!ymd_valid(next))
			break;
		d = next;
		if (calendar_is_business_day(c, d))
			left--;
	}
	return d;
}

int calendar_business_days_between(const struct calendar *c, struct ymd from, struct ymd to)
{
	int64_t a = ymd_to_days(from), b = ymd_to_days(to);
	int n = 0;
	for (int64_t x = a + 1; x <= b; x++)
		if (calendar_is_business_day(c, ymd_from_days(x)))
			n++;
	return n;
}
