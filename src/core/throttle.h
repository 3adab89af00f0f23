/* SPDX-License-Identifier: MIT */
/* Growing delays after failed sign-in attempts (NIST SP 800-63B §5.2.2: rate limiting). Pure
 * arithmetic on the per-key state that the store keeps for every node to share. */
#ifndef GCAS_CORE_THROTTLE_H
#define GCAS_CORE_THROTTLE_H

#include <stdint.h>

struct throttle_state {
	int64_t failures, window_start, locked_until;
};

struct throttle_rule {
	int free;          /* failures allowed before delays start */
	int64_t max_delay; /* cap on one delay, seconds */
	int64_t window;    /* a quiet period this long forgets earlier failures */
};

/* 1 when an attempt at now must be refused without checking the secret. */
int throttle_locked(const struct throttle_state *s, int64_t now);
/* Record one failure at now: after `free` failures each further one locks the key for
 * 2, 4, 8 ... seconds, capped at max_delay. */
void throttle_fail(struct throttle_state *s, const struct throttle_rule *r, int64_t now);

#endif
