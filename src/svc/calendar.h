/* SPDX-License-Identifier: MIT */
/* The administrative calendar as the program uses it: the computed holidays overlaid with the
 * years imported from the Cabinet Office CSV (R2.10), and that import itself. */
#ifndef GCAS_SVC_CALENDAR_H
#define GCAS_SVC_CALENDAR_H

#include "core/calendar.h"
#include "svc/env.h"

/* Load the calendar (every imported year) inside the caller's transaction; its arrays are in a. */
enum gcas_err svc_calendar_load(struct db *db, struct arena *a, struct calendar *out);
/* The same in its own read. */
enum gcas_err svc_calendar_get(const struct env *env, struct arena *a, struct calendar *out);

/* Import the Cabinet Office holiday CSV ("国民の祝日月日,国民の祝日名称"; Shift_JIS or UTF-8):
 * every year it covers replaces what was imported for that year before, in one transaction with
 * its audit record. Operator (or system) only. Bad input: GCAS_ERR_INVALID with ve naming the line.
 * *years and *days count what was imported. */
enum gcas_err svc_calendar_import(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *data, size_t len, int *years, int *days,
                                  struct verrs *ve);

/* The same, reporting the first and last year the file covered as well (for messages such as
 * "imported 219 days for years 2016-2027"). svc_calendar_import calls this. */
struct calendar_import_result {
	int years, days;
	int first_year, last_year;
};
enum gcas_err svc_calendar_import_report(const struct env *env, const struct actor *ac,
                                         struct arena *a, const char *data, size_t len,
                                         struct calendar_import_result *res, struct verrs *ve);

/* The holidays of one year under c (loaded above): the imported list when the year was
 * imported (*imported = 1), else the computed one (*imported = 0). At most cap entries are
 * written; returns the count. Names point into c or static storage. */
size_t svc_calendar_year(const struct calendar *c, int year, struct holiday *out, size_t cap,
                         int *imported);

/* Largest accepted upload (the Cabinet Office file for 1955-2027 is about 21 KB). */
#define CALENDAR_MAX_UPLOAD (1024u * 1024u)

#endif
