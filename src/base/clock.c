/* SPDX-License-Identifier: MIT */
/* The program's clock: real time unless fixed (tests, simulated "90 days later"). */
#include "base/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static _Atomic int64_t fixed_at = -1;
static _Atomic int64_t shift_by = 0;

int64_t clock_now(void)
{
	int64_t f = atomic_load(&fixed_at);
	if (f >= 0)
		return f;
	return (int64_t)time(NULL) + atomic_load(&shift_by);
}

void clock_start_at(int64_t t)
{
	atomic_store(&shift_by, t - (int64_t)time(NULL));
}

void clock_fix(int64_t t)
{
	atomic_store(&fixed_at, t < 0 ? -1 : t);
}

int64_t clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_fmt_utc(char *out, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void clock_fmt_jst(char *out, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)(t + 9 * 3600); /* JST is UTC+9 all year */
	gmtime_r(&tt, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}
