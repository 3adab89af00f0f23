/* SPDX-License-Identifier: MIT */
/* Memberships with an end date lapse on it (R2.5): the expiry job removes them, each with its
 * audit record, and leaves every other membership alone. */
#include "base/clock.h"
#include "store/store.h"
#include "svc/auth.h"
#include "svc/groups.h"
#include "tap.h"
#include "webtest.h"

struct add_ctx {
	const char *group, *a1, *a2;
	int64_t ends_at;
};

static enum gcas_err add_tx(struct db *db, void *ctx)
{
	struct add_ctx *c = ctx;
	struct membership m1 = {
	    .group_id = c->group, .account_id = c->a1, .added_at = 1, .ends_at = c->ends_at};
	struct membership m2 = {.group_id = c->group, .account_id = c->a2, .added_at = 1};
	enum gcas_err e = store_member_add(db, &m1);
	return e ? e : store_member_add(db, &m2);
}

struct list_ctx {
	struct arena *a;
	const char *org, *group;
	size_t n;
};

static enum gcas_err group_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	struct group g;
	struct membership *m;
	enum gcas_err e = store_group_of_org(db, c->a, c->org, &g);
	if (e)
		return e;
	c->group = g.id;
	return store_member_list(db, c->a, g.id, &m, &c->n);
}

struct thr_ctx {
	const char *key;
	struct throttle_state t;
};

static enum gcas_err thr_tx(struct db *db, void *ctx)
{
	struct thr_ctx *c = ctx;
	return store_throttle_get(db, c->key, &c->t);
}

/* Guesses at addresses nobody has leave counters; the sweep forgets them once quiet. */
static void test_throttle_sweep(struct wt *w, int64_t t0)
{
	struct client cl = {"198.51.100.9", "sweep"};
	char token[SESSION_TOKEN_SIZE];
	int64_t n;
	clock_fix(t0);
	svc_signin_password(&w->env, &cl, "nobody.here@example.go.jp", "guess one", token, NULL);
	struct thr_ctx c = {"acct:nobody.here@example.go.jp", {0}};
	store_run(w->env.st, thr_tx, &c);
	is_int(c.t.failures, 1, "a guess at an unknown address is counted");
	svc_session_sweep(&w->env, &n);
	store_run(w->env.st, thr_tx, &c);
	is_int(c.t.failures, 1, "the sweep keeps a fresh counter");
	clock_fix(t0 + 2 * 86400);
	svc_session_sweep(&w->env, &n);
	store_run(w->env.st, thr_tx, &c);
	is_int(c.t.failures, 0, "and forgets it after a quiet day");
}

int main(void)
{
	struct wt w;
	char agency[33], a1[33], a2[33];
	int64_t t0 = 1798761600; /* 2027-01-01T00:00:00Z */
	int64_t removed = -1;
	if (!ok(wt_open(&w) == 0, "store"))
		return tap_done();
	clock_fix(t0);
	struct arena *a = arena_new(0);
	wt_org(&w, ORG_AGENCY, NULL, "デジタル庁", "digital", agency);
	wt_account(&w, ROLE_AGENCY_STAFF, agency, "leaving.soon@digital.go.jp", a1);
	wt_account(&w, ROLE_AGENCY_STAFF, agency, "staying.on@digital.go.jp", a2);
	struct list_ctx lc = {a, agency, NULL, 0};
	store_run(w.env.st, group_tx, &lc);
	struct add_ctx ac = {lc.group, a1, a2, t0 + 3600};
	ok(store_tx(w.env.st, add_tx, &ac) == GCAS_OK, "two members, one until an hour from now");

	is_int(svc_group_expire_memberships(&w.env, &removed), GCAS_OK, "the job runs");
	is_int(removed, 0, "before the end date nothing lapses");
	clock_fix(t0 + 3600);
	svc_group_expire_memberships(&w.env, &removed);
	is_int(removed, 1, "at the end date the membership lapses");
	store_run(w.env.st, group_tx, &lc);
	is_int(lc.n, 1, "the other member stays");
	is_int(wt_audit_count(&w, "group.member_expire", NULL), 1, "the lapse is audited");
	svc_group_expire_memberships(&w.env, &removed);
	is_int(removed, 0, "running again changes nothing");
	test_throttle_sweep(&w, t0 + 7200);
	clock_fix(-1);
	arena_free(a);
	wt_close(&w);
	return tap_done();
}
