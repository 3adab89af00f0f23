/* SPDX-License-Identifier: MIT */
/* Raising the argon2id parameters in the configuration re-hashes each password at its owner's
 * next successful sign-in (the parameters are stored with every hash), and never on a failed
 * one. */
#include <string.h>

#include "crypto/password.h"
#include "store/store.h"
#include "svc/auth.h"
#include "tap.h"
#include "webtest.h"

struct get_ctx {
	struct arena *a;
	const char *id;
	struct account acc;
};

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct get_ctx *g = ctx;
	return store_account_get(db, g->a, g->id, &g->acc);
}

static const char *stored_hash(struct wt *w, struct arena *a, const char *id)
{
	struct get_ctx g = {a, id, {0}};
	return store_run(w->env.st, get_tx, &g) ? NULL : g.acc.password_hash;
}

int main(void)
{
	struct wt w;
	char agency[33], id[33], token[SESSION_TOKEN_SIZE];
	struct client cl = {"192.0.2.1", "test"};
	if (!ok(wt_open(&w) == 0, "store"))
		return tap_done();
	struct arena *a = arena_new(0);
	wt_org(&w, ORG_AGENCY, NULL, "デジタル庁", "digital", agency);
	wt_account(&w, ROLE_AGENCY_MANAGER, agency, "hanako.suzuki@digital.go.jp", id);
	const char *before = stored_hash(&w, a, id);
	ok(before && !password_needs_rehash(before, &w.cfg.pw), "hash made at the old parameters");

	w.cfg.pw.opslimit = 2;
	w.cfg.pw.memlimit = 16384;
	ok(password_needs_rehash(before, &w.cfg.pw), "raised parameters make it stale");
	is_int(svc_signin_password(&w.env, &cl, "hanako.suzuki@digital.go.jp", "wrong password!",
	                           token, NULL),
	       GCAS_ERR_AUTH, "a failed sign-in");
	is_str(stored_hash(&w, a, id), before, "does not touch the hash");
	is_int(svc_signin_password(&w.env, &cl, "hanako.suzuki@digital.go.jp", WT_PASSWORD, token,
	                           NULL),
	       GCAS_OK, "a successful sign-in");
	const char *after = stored_hash(&w, a, id);
	ok(after && strcmp(after, before) != 0, "replaces the hash");
	ok(after && strstr(after, "$argon2id$") && strstr(after, "t=2"),
	   "with argon2id at the new parameters (%s)", after ? after : "-");
	ok(after && !password_needs_rehash(after, &w.cfg.pw), "which are now current");
	is_int(password_verify(after, WT_PASSWORD), GCAS_OK, "and the password still verifies");
	arena_free(a);
	wt_close(&w);
	return tap_done();
}
