/* SPDX-License-Identifier: MIT */
/* Kernel randomness. getrandom() blocks only until the pool is initialised at boot. */
#include "base/rand.h"

#include <errno.h>
#include <sys/random.h>

#include "base/codec.h"

int rand_bytes(void *p, size_t n)
{
	unsigned char *q = p;
	while (n) {
		ssize_t r = getrandom(q, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

int rand_id(char out[33])
{
	unsigned char b[16];
	if (rand_bytes(b, sizeof(b)))
		return -1;
	hex_encode(out, b, sizeof(b));
	return 0;
}

uint32_t rand_uniform(uint32_t bound)
{
	/* Rejection sampling avoids modulo bias. */
	uint32_t limit = UINT32_MAX - UINT32_MAX % bound, v;
	do {
		if (rand_bytes(&v, sizeof(v)))
			return 0;
	} while (v >= limit);
	return v % bound;
}
