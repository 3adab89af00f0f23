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

#endif
