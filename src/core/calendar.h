/* SPDX-License-Identifier: MIT */
/* Japan's administrative calendar (R2.10): dates, national holidays as the law computes them
 * (国民の祝日に関する法律: fixed days, Happy Monday days, the equinox days, substitute holidays
 * 振替休日 (art. 3-2), citizens' holidays 国民の休日 (art. 3-3)), the year-end closure 29 December
 * – 3 January (行政機関の休日に関する法律 art. 1), and business-day arithmetic for the
 * 5-business-day service levels (R2.3). Imported years (the Cabinet Office CSV) replace the
 * computed list for that year. Pure: no I/O, no allocation. The administrative day is the day in
 * Japan (UTC+9, no DST). */
#ifndef GCAS_CORE_CALENDAR_H
#define GCAS_CORE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

struct ymd {
	int y, m, d;
};

struct holiday {
	struct ymd day;
	const char *name; /* Japanese name, e.g. "元日" */
};

/* Holidays imported for whole years: for a year listed in years[], only days[] count as national
 * holidays (the computed list is ignored for it). days[] sorted ascending. Empty = computed only.
 */
struct calendar {
	const int *years;
	size_t nyears;
	const struct holiday *days;
	size_t ndays;
};

/* 1 when d is a real Gregorian date in 1900..2999. */
int ymd_valid(struct ymd d);
/* "YYYY-MM-DD" (also "YYYY/M/D", as the Cabinet Office CSV writes it). 0 on success, -1 otherwise
 * (then *out is untouched). */
int ymd_parse(const char *s, struct ymd *out);
/* "YYYY-MM-DD" into out (11 bytes). */
void ymd_format(struct ymd d, char out[11]);
int ymd_cmp(struct ymd a, struct ymd b);
/* Days since 1970-01-01 and back. */
int64_t ymd_to_days(struct ymd d);
struct ymd ymd_from_days(int64_t days);
struct ymd ymd_add_days(struct ymd d, int64_t n);
/* 0 = Sunday .. 6 = Saturday. */
int ymd_weekday(struct ymd d);
/* The date in Japan of an epoch time, and the epoch time of 00:00 in Japan of a date. */
struct ymd ymd_of_epoch_jst(int64_t t);
int64_t ymd_epoch_jst(struct ymd d);

/* The computed national holiday on d (its Japanese name) or NULL. Valid from 1973 (substitute
 * holidays) with the rules in force each year, including the 2019-2021 one-off changes that the
 * law itself made (天皇の即位の日, the moved 2020/2021 Olympic holidays). */
const char *calendar_computed_holiday(struct ymd d);
/* Every computed holiday of a year in date order, at most cap; returns the count. */
size_t calendar_computed_year(int year, struct holiday *out, size_t cap);

/* The holiday on d under c (an imported year's list, else the computed one), or NULL.
 * c may be NULL (computed only). */
const char *calendar_holiday(const struct calendar *c, struct ymd d);
/* Not Saturday or Sunday, not a holiday, not 29 December – 3 January. */
int calendar_is_business_day(const struct calendar *c, struct ymd d);
/* The n-th business day after d (n > 0; d itself is not counted), or before it (n < 0);
 * n == 0 gives d. "Due 5 business days after approval" is calendar_add_business_days(c, day, 5). */
struct ymd calendar_add_business_days(const struct calendar *c, struct ymd d, int n);
/* Business days in (from, to]; 0 when to <= from. */
int calendar_business_days_between(const struct calendar *c, struct ymd from, struct ymd to);

#endif
