/* SPDX-License-Identifier: MIT */
/* svc_due_run: the pass every leased work queue makes (see svc/due.h). */
#include "svc/due.h"

#include "base/clock.h"
#include "base/log.h"

#define DUE_PER_PASS 50

struct due_ctx {
	due_list_fn list;
	struct arena *a;
	const char **ids;
	size_t n;
};

static enum gcas_err due_tx(struct db *db, void *ctx)
{
	struct due_ctx *c = ctx;
	return c->list(db, c->a, clock_now(), DUE_PER_PASS, &c->ids, &c->n);
}

enum gcas_err svc_due_run(const struct env *env, const char *who, const char *what,
                          due_list_fn list, due_act_fn act, int64_t *count)
{
	struct actor ac = actor_system(who);
	struct arena *a = arena_new(65536);
	struct due_ctx c = {list, a, NULL, 0};
	*count = 0;
	enum gcas_err e = a ? store_run(env->st, due_tx, &c) : GCAS_ERR_NOMEM;
	for (size_t i = 0; !e && i < c.n; i++) {
		enum gcas_err one = act(env, &ac, a, c.ids[i]);
		if (one == GCAS_ERR_CONFLICT)
			continue; /* another node claimed it first */
		if (one)
			log_msg(LOG_WARN, what, "request", c.ids[i], "error", gcas_err_name(one),
			        NULL);
		(*count)++;
	}
	arena_free(a);
	return e;
}
