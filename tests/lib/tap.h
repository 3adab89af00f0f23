/* SPDX-License-Identifier: MIT */
/* A tiny TAP producer (Test Anything Protocol, version 13) for the C test programs. Meson runs
 * each program with protocol 'tap'. Header-only: every test program includes it once. */
#ifndef GCAS_TESTS_TAP_H
#define GCAS_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 4, 5))) static int tap_ok(int cond, const char *file, int line,
                                                        const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                                     \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (!ok(g_ == w_, __VA_ARGS__))                                                    \
			printf("#   got %lld, want %lld\n", g_, w_);                               \
	} while (0)

#define is_str(got, want, ...)                                                                     \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		int eq_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;                             \
		if (!ok(eq_, __VA_ARGS__))                                                         \
			printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)",                \
			       w_ ? w_ : "(null)");                                                \
	} while (0)

#define has_str(hay, needle, ...)                                                                  \
	do {                                                                                       \
		const char *h_ = (hay), *n_ = (needle);                                            \
		if (!ok(h_ && strstr(h_, n_), __VA_ARGS__))                                        \
			printf("#   \"%s\" not found in \"%.400s\"\n", n_, h_ ? h_ : "(null)");    \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_n == 0)
		return 1; /* a test program that asserted nothing has failed */
	return tap_failed ? 1 : 0;
}

#endif
