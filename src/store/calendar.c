/* SPDX-License-Identifier: MIT */
/* Typed store operations for imported national holidays (R2.10), see store/calendar.h. */
#include "store/calendar.h"

#include <stddef.h>

#include "store/internal.h"

#define YR(f) offsetof(struct holiday_year_row, f)
static const struct colmap year_cols[] = {
    {YR(year), COL_INT, NULL},
    {YR(imported_at), COL_I64, NULL},
    {YR(imported_by), COL_STR, NULL},
};
#undef YR

#define HD(f) offsetof(struct holiday_row, f)
static const struct colmap day_cols[] = {
    {HD(day), COL_STR, NULL},
    {HD(year), COL_INT, NULL},
    {HD(name), COL_STR, NULL},
};
#undef HD

/* Far above the Cabinet Office file (1955 onwards: about 1,100 days in 73 years). */
#define MAX_ROWS 100000

enum gcas_err store_holiday_years_list(struct db *db, struct arena *a,
                                       struct holiday_year_row **out, size_t *n)
{
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_HOLIDAY_YEARS_LIST, NULL, 0, year_cols, NPARAMS(year_cols),
	                  sizeof(struct holiday_year_row), MAX_ROWS, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_holidays_list(struct db *db, struct arena *a, struct holiday_row **out,
                                  size_t *n)
{
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_HOLIDAYS_LIST, NULL, 0, day_cols, NPARAMS(day_cols),
	                  sizeof(struct holiday_row), MAX_ROWS, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_holiday_year_replace(struct db *db, int year, int64_t at, const char *by)
{
	struct db_param p[] = {P_INT(year)};
	int64_t changed;
	enum gcas_err e = db_change(db, STMT_HOLIDAYS_DELETE_YEAR, p, NPARAMS(p), &changed);
	if (e)
		return e;
	struct db_param q[] = {P_INT(year), P_INT(at), P_TEXT(by)};
	return db_change(db, STMT_HOLIDAY_YEAR_PUT, q, NPARAMS(q), NULL);
}

enum gcas_err store_holiday_insert(struct db *db, const char *day, int year, const char *name)
{
	struct db_param p[] = {P_TEXT(day), P_INT(year), P_TEXT(name)};
	return db_change(db, STMT_HOLIDAY_INSERT, p, NPARAMS(p), NULL);
}
