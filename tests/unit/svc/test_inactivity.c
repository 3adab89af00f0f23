/* SPDX-License-Identifier: MIT */
/* R2.4 (別表1): the inactivity sweep on a fixed clock. A never-used account expires 90 days after
 * its creation, a used one 90 days after its last sign-in; warnings go out at day 76 and day 87,
 * once each, to the person and (in one digest per sweep) their certifying manager; signing in
 * starts the count again;
 * operators are never disabled; sweeping twice, or from two threads at once, disables and mails
 * each account once. Mail is read from the outbox table with sqlite3, as an outsider would. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "base/rand.h"
#include "store/lifecycle.h"
#include "svc/lifecycle.h"
#include "test_world.h"

#define D 86400

static struct world W;
static sqlite3 *SQ; /* NULL when the store is not SQLite: mail counts are then skipped */

/* Rows in the outbox to addr (NULL: any) with template tmpl. */
static long outbox(const char *addr, const char *tmpl)
{
	sqlite3_stmt *st;
	long n = -1;
	if (!SQ || sqlite3_prepare_v2(SQ,
	                              "SELECT COUNT(*) FROM outbox WHERE template = ?1 AND "
	                              "(?2 IS NULL OR to_addr = ?2)",
	                              -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, tmpl, -1, SQLITE_STATIC);
	if (addr)
		sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Digests to addr whose body mentions both needles (the manager's digest lists each account
 * disabled or warned by a sweep, R2.4). */
static long digest(const char *addr, const char *who, const char *what)
{
	sqlite3_stmt *st;
	long n = -1;
	if (!SQ || sqlite3_prepare_v2(SQ,
	                              "SELECT COUNT(*) FROM outbox WHERE template = "
	                              "'inactivity.manager.digest' AND to_addr = ?1 AND "
	                              "instr(body, ?2) > 0 AND instr(body, ?3) > 0",
	                              -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

struct touch_ctx {
	const char *id;
	int64_t at;
};

static enum gcas_err touch_tx(struct db *db, void *ctx)
{
	struct touch_ctx *c = ctx;
	return store_account_signed_in(db, c->id, c->at);
}

/* A sign-in now (what svc_signin does to the account row). */
static void sign_in(const char *id)
{
	struct touch_ctx c = {id, W.now};
	store_tx(W.w.env.st, touch_tx, &c);
}

static struct account acct(const char *id)
{
	struct account a = {0};
	world_account(&W, W.a, id, &a);
	return a;
}

static int64_t sweep(void)
{
	int64_t n = -1;
	enum gcas_err e = svc_inactivity_sweep(&W.w.env, &n);
	if (e)
		printf("# sweep: %s\n", gcas_err_name(e));
	return n;
}

/* Everyone but the accounts under test stays in use. */
static void keep_fresh(const char *const *skip, size_t nskip)
{
	const char *all[] = {W.am1, W.pm1, W.ps1, W.cm1, W.cs1, W.cm1b, W.cs1b, W.pm2,
	                     W.ps2, W.am2, W.as2, W.pmq, W.psq, W.cmd,  W.csd};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		int s = 0;
		for (size_t k = 0; k < nskip; k++)
			s |= strcmp(all[i], skip[k]) == 0;
		if (!s)
			sign_in(all[i]);
	}
}

static void goto_time(int64_t t)
{
	W.now = t;
	clock_fix(t);
}

/* ---- many expired accounts: batches and two sweepers at once ------------------------------- */

struct bulk_ctx {
	const char *org, *agency;
	int n;
	int64_t at;
};

static enum gcas_err bulk_tx(struct db *db, void *ctx)
{
	struct bulk_ctx *c = ctx;
	for (int i = 0; i < c->n; i++) {
		char id[33], email[64];
		if (rand_id(id))
			return GCAS_ERR_INTERNAL;
		snprintf(email, sizeof(email), "bulk%04d@digital.go.jp", i);
		struct account acc = {.id = id,
		                      .email = email,
		                      .family_name = "一括",
		                      .given_name = "太郎",
		                      .family_kana = "イッカツ",
		                      .given_kana = "タロウ",
		                      .role = ROLE_AGENCY_STAFF,
		                      .org_id = c->org,
		                      .agency_id = c->agency,
		                      .status = ACCOUNT_ACTIVE,
		                      .created_at = c->at,
		                      .activated_at = c->at,
		                      .updated_at = c->at,
		                      .version = 1};
		enum gcas_err e = store_account_insert(db, &acc);
		if (e)
			return e;
	}
	return GCAS_OK;
}

struct thr {
	int64_t n;
	enum gcas_err e;
};

static void *sweeper(void *arg)
{
	struct thr *t = arg;
	t->e = svc_inactivity_sweep(&W.w.env, &t->n);
	return NULL;
}

static void test_two_sweepers(void)
{
	int64_t t = W.now;
	struct bulk_ctx bc = {W.ag1, W.ag1, 1200, t};
	ok(store_tx(W.w.env.st, bulk_tx, &bc) == GCAS_OK, "1,200 more accounts in agency 1");
	goto_time(t + 90 * (int64_t)D);
	keep_fresh(NULL, 0);
	long audit0 = wt_audit_count(&W.w, "account.disable", NULL);
	long mail0 = outbox(NULL, "inactivity.disabled");
	struct thr a = {0}, b = {0};
	pthread_t ta, tb;
	pthread_create(&ta, NULL, sweeper, &a);
	pthread_create(&tb, NULL, sweeper, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ok(a.e == GCAS_OK && b.e == GCAS_OK, "both sweepers finish");
	/* as1 (last used long ago) may also be due here, so count the bulk ones exactly. */
	ok(a.n + b.n >= 1200, "together they disabled the 1,200 (%lld + %lld)", (long long)a.n,
	   (long long)b.n);
	is_int(wt_audit_count(&W.w, "account.disable", NULL) - audit0, a.n + b.n,
	       "one audit record per account disabled, none twice");
	if (SQ)
		is_int(outbox(NULL, "inactivity.disabled") - mail0, a.n + b.n,
		       "one mail per account disabled, none twice");
	int64_t again = sweep();
	is_int(again, 0, "a third sweep finds nothing left to do");
}

int main(void)
{
	if (world_open(&W))
		return tap_done();
	const char *dsn = getenv("GCAS_TEST_DSN");
	char path[200];
	snprintf(path, sizeof(path), "%s/gcas.db", W.w.dir);
	if (!(dsn && *dsn) && sqlite3_open(path, &SQ) != SQLITE_OK)
		SQ = NULL;
	if (SQ)
		sqlite3_busy_timeout(SQ, 5000);
	/* Issued by the program (as fulfilling a create application does). */
	struct actor sys = actor_system("test");
	int64_t t0 = W.now;

	/* A never-used account: pending, issued on day 10. */
	world_tick(&W, 10 * (int64_t)D);
	struct account_input in = world_person("newbie@digital.go.jp", "agency_staff", W.ag1);
	struct account p = {0};
	struct verrs ve = {0};
	const char *link = NULL;
	enum gcas_err ce = svc_account_create(&W.w.env, &sys, W.a, &in, &p, &link, &ve);
	if (!ok(ce == GCAS_OK, "a pending account is issued on day 10"))
		printf("#   %s %s\n", gcas_err_name(ce), ve.n ? ve.e[0].en : "");
	int64_t born = W.now;
	const char *fresh_skip[] = {W.as1};

	/* as1 signs in on day 20 and holds a session and a token. */
	goto_time(t0 + 20 * (int64_t)D);
	sign_in(W.as1);
	char cookie[256], csrf[64], tok[128];
	ok(wt_login(&W.w, W.as1, cookie, csrf) == 0 && wt_token(&W.w, W.as1, "read", tok) == 0,
	   "as1 signs in on day 20 with a session and an API token");

	/* Day 76 after issue minus one second: nothing yet. */
	goto_time(born + 76 * (int64_t)D - 1);
	keep_fresh(fresh_skip, 1);
	sweep();
	is_int(acct(p.id).inactivity_warned, 0, "75 days 23:59:59 unused: no warning yet");
	is_int(outbox("newbie@digital.go.jp", "inactivity.warning"), SQ ? 0 : -1, "and no mail");
	goto_time(born + 76 * (int64_t)D);
	keep_fresh(fresh_skip, 1);
	sweep();
	is_int(acct(p.id).inactivity_warned, 14, "day 76: the 14-day warning stage");
	if (SQ) {
		is_int(outbox("newbie@digital.go.jp", "inactivity.warning"), 1,
		       "the person is mailed once");
		is_int(
		    digest("am1@digital.go.jp", "newbie@digital.go.jp", "あと14日で無効になります"),
		    1, "and their certifying manager (the agency manager), in a digest");
		is_int(outbox("am1@digital.go.jp", "inactivity.manager.digest"), 1,
		       "one digest for the sweep");
		is_int(outbox("am2@city.chiyoda.lg.jp", "inactivity.manager.digest"), 0,
		       "no other agency's manager");
	}
	sweep();
	goto_time(W.now + 3600);
	sweep();
	if (SQ)
		is_int(outbox("newbie@digital.go.jp", "inactivity.warning"), 1,
		       "sweeping again (same hour, next hour) mails nobody twice");

	goto_time(born + 87 * (int64_t)D - 1);
	keep_fresh(fresh_skip, 1);
	sweep();
	is_int(acct(p.id).inactivity_warned, 14, "day 86: still the first stage");
	goto_time(born + 87 * (int64_t)D);
	keep_fresh(fresh_skip, 1);
	sweep();
	sweep();
	is_int(acct(p.id).inactivity_warned, 3, "day 87: the 3-day warning stage");
	if (SQ)
		is_int(outbox("newbie@digital.go.jp", "inactivity.warning"), 2,
		       "a second warning mail, once");

	/* as1 (used on day 20) has by now passed day 76 of its own count: warned, then signs in. */
	ok(acct(W.as1).inactivity_warned == 14, "as1 was warned 76 days after its sign-in");
	sign_in(W.as1);
	is_int(acct(W.as1).inactivity_warned, 0, "signing in resets the warning stage");

	goto_time(born + 90 * (int64_t)D - 1);
	keep_fresh(fresh_skip, 1);
	sweep();
	ok(acct(p.id).status == ACCOUNT_PENDING, "89 days 23:59:59: still pending");
	long audit0 = wt_audit_count(&W.w, "account.disable", "ok");
	goto_time(born + 90 * (int64_t)D);
	keep_fresh(fresh_skip, 1);
	int64_t n = sweep();
	struct account pa = acct(p.id);
	ok(pa.status == ACCOUNT_DISABLED, "day 90 after issue, never used: disabled");
	is_str(pa.disabled_reason, "90日間利用がないため無効化 (規程 別表1)", "with the reason");
	is_int(n, 1, "exactly one account disabled by this run");
	is_int(wt_audit_count(&W.w, "account.disable", "ok") - audit0, 1, "and audited");
	struct arena *la = arena_new(0);
	struct audit_rec last = world_audit_last(&W, la);
	has_str(last.detail, "\"reason\":\"inactivity\"", "the record says why");
	has_str(last.detail, "\"days\":90", "and after how many days");
	arena_free(la);
	if (SQ) {
		is_int(outbox("newbie@digital.go.jp", "inactivity.disabled"), 1,
		       "the person is told");
		is_int(digest("am1@digital.go.jp", "newbie@digital.go.jp", "無効にしました"), 1,
		       "and their manager, in a digest");
		is_int(digest("am1@digital.go.jp", "newbie@digital.go.jp", ">: disabled"), 1,
		       "in both languages");
	}
	ok(acct(W.as1).status == ACCOUNT_ACTIVE, "as1, who signed in later, stays active");
	ok(acct(W.op).status == ACCOUNT_ACTIVE, "the operator, unused for 100+ days, stays active");
	is_int(sweep(), 0, "sweeping again changes nothing (idempotent)");
	if (SQ)
		is_int(outbox("newbie@digital.go.jp", "inactivity.disabled"), 1,
		       "and mails nobody again");

	/* as1 has been idle since its sign-in at about day 99; 90 days later its session and
	 * token end with it. */
	int64_t as1_used = acct(W.as1).last_active_at;
	goto_time(as1_used + 90 * (int64_t)D);
	keep_fresh(fresh_skip, 1);
	int64_t s0 = world_sessions(&W);
	sweep();
	ok(acct(W.as1).status == ACCOUNT_DISABLED, "a used account: disabled 90 days after its "
	                                           "last sign-in");
	ok(world_sessions(&W) < s0, "its session ended");
	struct wt_resp r;
	char auth[160];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
	const char *hdrs[] = {auth, NULL};
	wt_request(&W.w, "GET", "/api/v1/me", NULL, NULL, NULL, hdrs, &r);
	is_int(r.status, 401, "its API token no longer works");
	wt_resp_free(&r);
	ok(acct(W.op).status == ACCOUNT_ACTIVE, "the operator still untouched");

	test_two_sweepers();

	if (SQ)
		sqlite3_close(SQ);
	world_close(&W);
	return tap_done();
}
