/* SPDX-License-Identifier: MIT */
/* An active AWS environment of a team, stored directly (as the provisioning driver leaves it),
 * for the web tests that need one to assign people to or read from. The team's system must be
 * registered first. */
#ifndef GCAS_TESTS_WEB_TEST_ENV_H
#define GCAS_TESTS_WEB_TEST_ENV_H

#include "base/rand.h"
#include "core/environment.h"
#include "store/environments.h"
#include "store/systems.h"
#include "test_pages.h"

struct test_env {
	const char *team, *agency, *id, *ext;
	struct arena *ar;
};

static inline enum gcas_err test_env_tx(struct db *db, void *ctx)
{
	struct test_env *m = ctx;
	struct system_rec s;
	enum gcas_err e = store_system_get_by_project(db, m->ar, m->team, &s);
	if (e)
		return e;
	struct environment en = {.id = m->id,
	                         .project_id = m->team,
	                         .agency_id = m->agency,
	                         .system_id = s.id,
	                         .csp = CSP_AWS,
	                         .kind = SYSENV_PRODUCTION,
	                         .state = ENV_ACTIVE,
	                         .driver = "local",
	                         .external_id = m->ext,
	                         .created_at = 1767225600};
	return store_environment_insert(db, &en);
}

/* A fresh id into out[33] and the environment under it (external id ext). */
static inline enum gcas_err test_env_make(const char *team, const char *agency, char *out,
                                          const char *ext)
{
	struct test_env m = {team, agency, out, ext, arena_new(0)};
	rand_id(out);
	enum gcas_err e = m.ar ? store_tx(W.env.st, test_env_tx, &m) : GCAS_ERR_NOMEM;
	arena_free(m.ar);
	return e;
}

#endif
