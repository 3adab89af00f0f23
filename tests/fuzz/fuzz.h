/* SPDX-License-Identifier: MIT */
/* The libFuzzer entry point shared by the fuzz drivers and replay.c, which feeds the named seeds
 * under tests/fuzz/seeds/<driver>/ to the same function in every build. */
#ifndef GCAS_TESTS_FUZZ_H
#define GCAS_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Run one input through the parser under test and check its invariants; abort() on a violated
 * invariant (a test program, never a request path). Always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fail loudly so libFuzzer records a crash and replay.c dies under meson. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,       \
			        #cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
