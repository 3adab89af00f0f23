/* SPDX-License-Identifier: MIT */
/* Cryptographically secure randomness from the kernel (getrandom). Ids are 128 random bits as
 * 32 lowercase hex characters. */
#ifndef GCAS_BASE_RAND_H
#define GCAS_BASE_RAND_H

#include <stddef.h>
#include <stdint.h>

/* Fill p with n random bytes. Returns 0, or -1 if the kernel fails (never silently weak). */
int rand_bytes(void *p, size_t n);
/* New id: 32 hex chars + NUL into out[33]. Returns 0 or -1. */
int rand_id(char out[33]);
/* Uniform integer in [0, bound). bound > 0. */
uint32_t rand_uniform(uint32_t bound);

#endif
