/* SPDX-License-Identifier: MIT */
/* Wall clock behind an indirection so tests and jobs can run on a fixed clock (e.g. "90 days
 * later"). All times in the program are 64-bit epoch seconds (_at suffix). */
#ifndef GCAS_BASE_CLOCK_H
#define GCAS_BASE_CLOCK_H

#include <stdint.h>

/* Seconds since the epoch: the real time, or the fixed time set by clock_fix(). */
int64_t clock_now(void);
/* Fix the clock at t (tests, `gcas --now`); t < 0 returns to the real clock. Process-wide. */
void clock_fix(int64_t t);
/* Let the clock run from t instead (a server rehearsing "90 days later": time still passes, so
 * TOTP steps and session timeouts behave as they would on that day). */
void clock_start_at(int64_t t);
/* Monotonic milliseconds, for measuring durations. */
int64_t clock_mono_ms(void);
/* Format t as RFC 3339 UTC ("2026-11-26T11:48:00Z") into out (>= 21 bytes). */
void clock_fmt_utc(char *out, int64_t t);
/* Format t as Japan time "2026-11-26 20:48" (JST, UTC+9, no DST) into out (>= 17 bytes). */
void clock_fmt_jst(char *out, int64_t t);

#endif
