/* SPDX-License-Identifier: MIT */
/* R2.6 departures and R2.9 organisations ending their use, on a fixed clock. A departure keeps the
 * date on the account, removes the person from every group, applies for the deletion (late when
 * fewer than 5 business days ahead, counted on the administrative calendar across Golden Week),
 * and the departure job disables the account at the end of that day (JST), not before. Ending a
 * project team or an agency deletes every account, group, session and token below it, keeps the
 * organisation rows and the audit chain, and touches nothing outside. */
#include "store/lifecycle.h"
#include "svc/lifecycle.h"
#include "test_world.h"

static struct world W;

/* 2026-04-27 (Mon) 10:00 JST; Golden Week 2026: 4/29, 5/3-5/6 (5/6 substitute holiday). */
#define APR27_10JST   1777251600
#define MAY07_END_JST 1778165999 /* 2026-05-07 23:59:59 JST */

static struct account acct(const char *id)
{
	struct account a = {0};
	world_account(&W, W.a, id, &a);
	return a;
}

static int late_of(const char *day)
{
	int late = -1;
	if (svc_departure_late(&W.w.env, W.a, day, &late))
		return -1;
	return late;
}

static int64_t dsweep(void)
{
	int64_t n = -1;
	svc_departure_sweep(&W.w.env, &n);
	return n;
}

struct end_ctx {
	struct arena *a;
	const struct actor *ac;
	const char *org;
	int64_t deleted;
};

static enum gcas_err end_tx(struct db *db, void *ctx)
{
	struct end_ctx *c = ctx;
	return lifecycle_org_end_tx(db, &W.w.env, c->a, c->ac, c->org, NULL, &c->deleted);
}

struct member_ctx {
	const char *group, *account;
};

static enum gcas_err member_tx(struct db *db, void *ctx)
{
	struct member_ctx *c = ctx;
	struct membership m = {.group_id = c->group, .account_id = c->account, .added_at = W.now};
	return store_member_add(db, &m);
}

static enum gcas_err add_member(const char *group, const char *account)
{
	struct member_ctx c = {group, account};
	return store_tx(W.w.env.st, member_tx, &c);
}

static void test_departure(void)
{
	struct actor pm1 = world_actor(&W, W.pm1), am2 = world_actor(&W, W.am2);
	struct application app = {0};
	struct verrs ve = {0};
	W.now = APR27_10JST;
	clock_fix(W.now);

	/* R2.6 + R2.10: 5 business days before 2026-05-07 is 2026-04-24 (4/29 is a holiday). */
	is_int(late_of("2026-05-07"), 1, "on 4/27, a departure on 5/7 is late (4 business days)");
	is_int(late_of("2026-05-08"), 0, "a departure on 5/8 is on time (5 business days)");
	is_int(late_of("2026-05-31"), 0, "a departure at the end of May is on time");

	ok(svc_departure(&W.w.env, &pm1, W.a, W.ps1, "2026-04-26", "異動", &app, &ve) ==
	           GCAS_ERR_INVALID &&
	       verr_has(&ve, "departure_on"),
	   "a date in the past is refused");
	ve = (struct verrs){0};
	ok(svc_departure(&W.w.env, &pm1, W.a, W.ps1, "2026-02-30", "異動", &app, &ve) ==
	           GCAS_ERR_INVALID &&
	       verr_has(&ve, "departure_on"),
	   "an impossible date is refused");
	ve = (struct verrs){0};
	ok(svc_departure(&W.w.env, &pm1, W.a, W.ps1, "2026-05-07", "", &app, &ve) ==
	           GCAS_ERR_INVALID &&
	       verr_has(&ve, "reason"),
	   "a reason is required");

	int64_t seq = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(svc_departure(&W.w.env, &am2, W.a, W.ps1, "2026-05-07", "異動", &app, &ve),
	       GCAS_ERR_DENIED, "another agency's manager is refused");
	audit_wrote(&W, seq, "permission.denied", "denied", "the refusal is audited");
	ok(acct(W.ps1).departure_on == NULL, "and nothing was recorded");

	ok(add_member(W.sys1, W.ps1) == GCAS_OK && add_member(W.pmo1, W.ps1) == GCAS_OK &&
	       world_is_member(&W, W.sys1, W.ps1) == 1,
	   "ps1 is in the project's system group and the agency's PMO group");
	ve = (struct verrs){0};
	enum gcas_err e =
	    svc_departure(&W.w.env, &pm1, W.a, W.ps1, "2026-05-07", "人事異動のため", &app, &ve);
	is_int(e, GCAS_OK, "the project manager records ps1's departure on 5/7");
	if (e)
		for (size_t i = 0; i < ve.n; i++)
			printf("#   %s: %s\n", ve.e[i].field, ve.e[i].en);
	is_str(acct(W.ps1).departure_on, "2026-05-07", "the date is kept on the account");
	ok(world_is_member(&W, W.sys1, W.ps1) == 0 && world_is_member(&W, W.pmo1, W.ps1) == 0,
	   "ps1 left both groups at once");
	ok(app.kind == APP_DELETE, "a deletion application was made");
	is_str(app.departure_on, "2026-05-07", "carrying the departure date");
	is_int(app.late, 1, "flagged late (fewer than 5 business days ahead)");
	is_int(wt_audit_count(&W.w, "account.departure", "ok"), 1, "audited account.departure");

	/* Not late: the contractor manager records cs1's departure (their certifier, 2.2.2). */
	ve = (struct verrs){0};
	struct actor cm1 = world_actor(&W, W.cm1);
	e = svc_departure(&W.w.env, &cm1, W.a, W.cs1, "2026-05-08", "契約終了", &app, &ve);
	is_int(e, GCAS_OK, "the contractor manager records cs1's departure on 5/8");
	is_int(app.late, 0, "on time: 5 business days ahead across Golden Week");

	/* The departure job: ps1 stays usable through 5/7 (JST) and is disabled after it. */
	W.now = MAY07_END_JST;
	clock_fix(W.now);
	is_int(dsweep(), 0, "5/7 23:59:59 JST: nobody disabled yet");
	ok(acct(W.ps1).status == ACCOUNT_ACTIVE, "ps1 still active on its last day");
	char cookie[256], csrf[64];
	wt_login(&W.w, W.ps1, cookie, csrf);
	int64_t s0 = world_sessions(&W);
	W.now = MAY07_END_JST + 1;
	clock_fix(W.now);
	long audit0 = wt_audit_count(&W.w, "account.disable", "ok");
	is_int(dsweep(), 1, "5/8 00:00 JST: one account disabled");
	struct account ps1 = acct(W.ps1);
	ok(ps1.status == ACCOUNT_DISABLED, "ps1 is disabled at the end of its departure day");
	is_str(ps1.disabled_reason, "離任日経過 (規程 別表1)", "with the reason");
	is_int(world_sessions(&W), s0 - 1, "its session ended");
	is_int(wt_audit_count(&W.w, "account.disable", "ok") - audit0, 1, "audited");
	ok(acct(W.cs1).status == ACCOUNT_ACTIVE, "cs1 (leaving 5/8) is still active");
	is_int(dsweep(), 0, "sweeping again changes nothing");
	W.now = MAY07_END_JST + 1 + 86400;
	clock_fix(W.now);
	is_int(dsweep(), 1, "a day later cs1 goes too");
}

static void test_org_end(void)
{
	struct actor sys = actor_system("test fulfil");
	struct arena *a = arena_new(0);
	int64_t audit_seq0 = world_audit_seq(&W);
	char cookie[256], csrf[64], tok[128];
	wt_login(&W.w, W.cm1b, cookie, csrf);
	wt_token(&W.w, W.cm1b, "read", tok);
	wt_login(&W.w, W.pm2, cookie, csrf);
	int64_t s0 = world_sessions(&W);

	struct end_ctx c = {a, &sys, W.pj1, 0};
	is_int(store_tx(W.w.env.st, end_tx, &c), GCAS_OK, "project team pj1 ends its use");
	/* pj1: pm1, ps1; contractors co1 (cm1, cs1) and co1b (cm1b, cs1b). */
	is_int(c.deleted, 6, "its 6 accounts (team and both contractors) are deleted");
	const char *gone[] = {W.pm1, W.ps1, W.cm1, W.cs1, W.cm1b, W.cs1b};
	int all = 1;
	for (size_t i = 0; i < 6; i++) {
		struct account x = acct(gone[i]);
		char want[64];
		snprintf(want, sizeof(want), "deleted+%s@invalid", gone[i]);
		all &= x.status == ACCOUNT_DELETED && strcmp(x.family_name, "削除済み") == 0 &&
		       strcmp(x.given_kana, "サクジョズミ") == 0 && strcmp(x.email, want) == 0 &&
		       x.password_hash == NULL;
	}
	ok(all, "each a tombstone: names, reading, address and password removed");
	is_int(world_sessions(&W), s0 - 1, "cm1b's session is gone, pm2's stays");
	struct wt_resp r;
	char auth[160];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
	const char *hdrs[] = {auth, NULL};
	wt_request(&W.w, "GET", "/api/v1/me", NULL, NULL, NULL, hdrs, &r);
	is_int(r.status, 401, "cm1b's API token no longer works");
	wt_resp_free(&r);
	char g[33] = "";
	ok(world_group_of(&W, W.pj1, g) != 0, "pj1's system group is deleted");
	ok(acct(W.pm2).status == ACCOUNT_ACTIVE && acct(W.am1).status == ACCOUNT_ACTIVE,
	   "the agency's other team and its manager are untouched");
	ok(world_group_of(&W, W.pj2, g) == 0, "pj2's group stays");
	/* The departures recorded above left deletion applications open in pj1: the end closes
	 * them first (application.* records), then writes its own record last. */
	long closed = wt_audit_count(&W.w, "application.withdraw", "ok") +
	              wt_audit_count(&W.w, "application.fail", "ok");
	ok(closed >= 1, "the team's open applications were closed by the end");
	struct audit_rec last = world_audit_last(&W, a);
	is_str(last.action, "org.end", "the last audit record is org.end");
	is_int(last.seq - audit_seq0, closed + 1,
	       "one record per closed application, then org.end");
	has_str(last.detail, "\"accounts\":6", "with the counts");
	has_str(last.detail, "\"orgs\":3", "three organisations (the team and two contractors)");
	int64_t checked = 0;
	FILE *devnull = fopen("/dev/null", "w");
	is_int(audit_verify(W.w.env.st, devnull, &checked), GCAS_OK,
	       "the audit chain is intact (5.2.1: records kept)");
	fclose(devnull);
	struct org o;
	struct actor op = world_actor(&W, W.op);
	is_int(svc_org_get(&W.w.env, &op, a, W.co1, &o), GCAS_OK,
	       "the organisation rows stay (applications and audit refer to them)");

	/* An agency: everything below it. */
	c = (struct end_ctx){a, &sys, W.ag2, 0};
	is_int(store_tx(W.w.env.st, end_tx, &c), GCAS_OK, "agency 2 ends its use");
	is_int(c.deleted, 6, "its 6 accounts (agency, team, contractor) are deleted");
	ok(acct(W.csd).status == ACCOUNT_DELETED && acct(W.am2).status == ACCOUNT_DELETED,
	   "down to the contractor's staff");
	ok(world_group_of(&W, W.ag2, g) != 0 && world_group_of(&W, W.pjq, g) != 0,
	   "its PMO and system groups are deleted");
	ok(acct(W.am1).status == ACCOUNT_ACTIVE && acct(W.ps2).status == ACCOUNT_ACTIVE,
	   "agency 1 is untouched");
	c = (struct end_ctx){a, &sys, W.op_org, 0};
	ok(store_tx(W.w.env.st, end_tx, &c) != GCAS_OK, "the operator's organisation never ends");
	arena_free(a);
}

int main(void)
{
	if (world_open(&W))
		return tap_done();
	test_departure();
	test_org_end();
	world_close(&W);
	return tap_done();
}
