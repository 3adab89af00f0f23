/* SPDX-License-Identifier: MIT */
/* Typed store operations for the imported national holidays (R2.10): the years imported from
 * the Cabinet Office CSV (holiday_years) and their days (holidays). Every function runs inside
 * the caller's transaction (store_tx / store_run); records read are allocated in a. */
#ifndef GCAS_STORE_CALENDAR_H
#define GCAS_STORE_CALENDAR_H

#include <stdint.h>

#include "store/store.h"

struct holiday_year_row {
	int year;
	int64_t imported_at;
	const char *imported_by; /* the actor's label at the time */
};

struct holiday_row {
	const char *day; /* "YYYY-MM-DD" */
	int year;
	const char *name;
};

/* Every imported year, ascending. *out is NULL when *n == 0. Errors: DB, NOMEM. */
enum gcas_err store_holiday_years_list(struct db *db, struct arena *a,
                                       struct holiday_year_row **out, size_t *n);
/* Every imported day, ascending by day. Errors: DB, NOMEM. */
enum gcas_err store_holidays_list(struct db *db, struct arena *a, struct holiday_row **out,
                                  size_t *n);
/* Forget the days of a year and (re)mark the year imported at `at` by `by`. */
enum gcas_err store_holiday_year_replace(struct db *db, int year, int64_t at, const char *by);
/* One imported day; its year must have been marked first. CONFLICT when the day exists. */
enum gcas_err store_holiday_insert(struct db *db, const char *day, int year, const char *name);

#endif
