/* SPDX-License-Identifier: MIT */
/* Exponential back-off for failed sign-ins. */
#include "core/throttle.h"

int throttle_locked(const struct throttle_state *s, int64_t now)
{
	return s->locked_until > now;
}

void throttle_fail(struct throttle_state *s, const struct throttle_rule *r, int64_t now)
{
	if (s->window_start == 0 || now - s->window_start > r->window) {
		s->failures = 0;
		s->window_start = now;
	}
	s->failures++;
	int64_t over = s->failures - r->free;
	if (over <= 0)
		return;
	int64_t delay = over >= 30 ? r->max_delay : (int64_t)1 << over;
	if (delay > r->max_delay)
		delay = r->max_delay;
	s->locked_until = now + delay;
}
