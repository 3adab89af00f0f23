/* SPDX-License-Identifier: MIT */
/* Periodic review campaigns (svc/review.c, R2.7): items for the right reviewers (each role's
 * certifier), one assignment mail per reviewer, deciding allowed and refused along the chain and
 * across agencies, final decisions, "remove" filing a deletion application, reminders 7 days and
 * 1 day before the deadline (once each), escalation at the deadline up to the operator with a
 * business-day deadline, closing, and the CSV export with its scoping. */
#include "base/str.h"
#include "core/application.h"
#include "store/outbox.h"
#include "svc/applications.h"
#include "svc/review.h"
#include "test_world.h"

static struct world W;
static struct review_campaign A; /* every agency, deadline 2026-01-30 */

/* ---- readers ------------------------------------------------------------------------------- */

struct outbox_ctx {
	struct arena *a;
	const char *to;
	struct outbox_msg *m;
	size_t n;
};

static enum gcas_err outbox_tx(struct db *db, void *ctx)
{
	struct outbox_ctx *c = ctx;
	return store_outbox_list(db, c->a, NULL, c->to, 1000, &c->m, &c->n);
}

/* Messages queued for address to (NULL: anyone) with template tmpl. */
static long mails(const char *to, const char *tmpl)
{
	struct arena *a = arena_new(0);
	struct outbox_ctx c = {.a = a, .to = to};
	long k = -1;
	if (store_run(W.w.env.st, outbox_tx, &c) == GCAS_OK) {
		k = 0;
		for (size_t i = 0; i < c.n; i++)
			k += strcmp(c.m[i].template_name, tmpl) == 0;
	}
	arena_free(a);
	return k;
}

/* The item of account_id in campaign (as the operator sees it), copied into W.a. */
static int item_of(const char *campaign, const char *account_id, struct review_item *out)
{
	struct actor op = world_actor(&W, W.op);
	struct page pg = {.limit = 500};
	struct review_item *it;
	size_t n;
	if (svc_review_items(&W.w.env, &op, W.a, campaign, 0, 0, &pg, &it, &n))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(it[i].account_id, account_id) == 0) {
			*out = it[i];
			return 0;
		}
	return -1;
}

static enum gcas_err decide(const char *who, const char *account, const char *decision,
                            const char *reason, struct review_item *out, struct verrs *ve)
{
	struct review_item it;
	struct actor ac = world_actor(&W, who);
	if (item_of(A.id, account, &it))
		return GCAS_ERR_INTERNAL;
	return svc_review_decide(&W.w.env, &ac, W.a, A.id, it.id, decision, reason, out, ve);
}

/* ---- open ---------------------------------------------------------------------------------- */

static void test_open_refused(void)
{
	struct actor am = world_actor(&W, W.am1), op = world_actor(&W, W.op);
	struct verrs ve = {0};
	struct review_open_input in = {"2026年度 定期確認", "2026-01-30", NULL};
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_review_open(&W.w.env, &am, W.a, &in, NULL, &ve), GCAS_ERR_DENIED,
	       "an agency manager may not open a campaign");
	audit_wrote(&W, s0, "permission.denied", "denied", "  the refusal is recorded");
	struct review_open_input bad = {"", "2025-12-31", NULL};
	ve = (struct verrs){0};
	is_int(svc_review_open(&W.w.env, &op, W.a, &bad, NULL, &ve), GCAS_ERR_INVALID,
	       "empty name and a past deadline are refused");
	ok(verr_has(&ve, "name") && verr_has(&ve, "deadline"), "  both fields named");
	struct review_open_input num = {"確認 123456789018", "2026/1/30", NULL};
	ve = (struct verrs){0};
	is_int(svc_review_open(&W.w.env, &op, W.a, &num, NULL, &ve), GCAS_ERR_INVALID,
	       "an Individual Number in the name and a non-ISO date are refused");
	ok(verr_has(&ve, "name") && verr_has(&ve, "deadline"), "  both fields named");
	struct review_open_input ag = {"確認", "2026-01-30", W.pj1};
	ve = (struct verrs){0};
	is_int(svc_review_open(&W.w.env, &op, W.a, &ag, NULL, &ve), GCAS_ERR_INVALID,
	       "an agency scope that is not an agency is refused");
	ok(verr_has(&ve, "agency_id"), "  agency_id named");
}

static void test_open(void)
{
	struct actor op = world_actor(&W, W.op);
	struct verrs ve = {0};
	struct review_open_input in = {"2026年度 定期確認", "2026-01-30", NULL};
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_review_open(&W.w.env, &op, W.a, &in, &A, &ve), GCAS_OK,
	       "the operator opens a campaign for every agency");
	is_int(A.items, 16, "  one item per account that is not an operator (16)");
	audit_wrote(&W, s0, "review.open", "ok", "  recorded as review.open");
	struct arena *b = arena_new(0);
	struct audit_rec r = world_audit_last(&W, b);
	has_str(r.detail, "\"items\":\"16\"", "  with the item count");
	arena_free(b);
	/* 2026-01-30 ends at 2026-01-31 00:00 JST = 2026-01-30T15:00:00Z. */
	is_int(A.deadline_at, 1769785200 - 1, "  the deadline is the end of the day in Japan");

	struct {
		const char *acc, *who;
		enum role want;
	} cases[] = {
	    {W.am1, "agency manager", ROLE_OPERATOR},
	    {W.as1, "agency staff", ROLE_AGENCY_MANAGER},
	    {W.pm1, "project manager", ROLE_AGENCY_MANAGER},
	    {W.ps1, "project staff", ROLE_PROJECT_MANAGER},
	    {W.cm1, "contractor manager", ROLE_PROJECT_MANAGER},
	    {W.cs1, "contractor staff", ROLE_CONTRACTOR_MANAGER},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct review_item it = {0};
		int found = item_of(A.id, cases[i].acc, &it) == 0;
		ok(found && it.reviewer_role == cases[i].want, "%s is reviewed by the %s",
		   cases[i].who, role_name(cases[i].want));
	}
	struct review_item none;
	ok(item_of(A.id, W.op, &none) != 0, "the operator has no item");

	/* One mail per person who may decide, however many items they have. */
	is_int(mails(NULL, "review.assigned"), 9, "nine reviewers mailed once each");
	is_int(mails("pm1@digital.go.jp", "review.assigned"), 1,
	       "  the project manager with three items gets one mail");
	is_int(mails("op1@gcas.go.jp", "review.assigned"), 1, "  the operator one");
	is_int(mails("ps1@digital.go.jp", "review.assigned"), 0, "  staff none");

	struct review_campaign B;
	struct review_open_input in2 = {"千代田区 臨時確認", "2026-03-31", W.ag2};
	ve = (struct verrs){0};
	is_int(svc_review_open(&W.w.env, &op, W.a, &in2, &B, &ve), GCAS_OK,
	       "a campaign scoped to one agency");
	is_int(B.items, 6, "  covers only that agency's six accounts");
	struct review_item x;
	ok(item_of(B.id, W.am1, &x) != 0 && item_of(B.id, W.csd, &x) == 0,
	   "  agency 1 is left out, agency 2's contractor staff is in");
}

/* ---- reading ------------------------------------------------------------------------------- */

static void test_reading(void)
{
	struct actor pm1 = world_actor(&W, W.pm1), am1 = world_actor(&W, W.am1),
	             ps1 = world_actor(&W, W.ps1);
	struct review_item *it;
	size_t n;
	is_int(svc_review_items(&W.w.env, &pm1, W.a, A.id, 0, 0, NULL, &it, &n), GCAS_OK,
	       "a project manager lists the campaign's items");
	is_int((long)n, 3, "  and sees the three it decides (ps1, cm1, cm1b)");
	is_int(svc_review_items(&W.w.env, &am1, W.a, A.id, 0, 0, NULL, &it, &n), GCAS_OK,
	       "an agency manager lists them");
	is_int((long)n, 10, "  and sees every item of its agency (10)");
	int other = 0;
	for (size_t i = 0; i < n; i++)
		other |= strcmp(it[i].agency_id, W.ag1) != 0;
	ok(!other, "  none of another agency");
	is_int(svc_review_items(&W.w.env, &am1, W.a, NULL, 1, 1, NULL, &it, &n), GCAS_OK,
	       "an agency manager's open items across campaigns");
	is_int((long)n, 3, "  are the three it decides (as1, pm1, pm2)");
	is_int(svc_review_items(&W.w.env, &ps1, W.a, A.id, 0, 0, NULL, &it, &n), GCAS_OK,
	       "staff list nothing");
	is_int((long)n, 0, "  (no items)");
	struct review_campaign c;
	is_int(svc_review_get(&W.w.env, &ps1, W.a, A.id, &c), GCAS_ERR_DENIED,
	       "staff may not open a campaign");
	struct review_campaign *cs;
	struct page pg = {.limit = 10};
	is_int(svc_review_list(&W.w.env, &am1, W.a, &pg, &cs, &n), GCAS_OK,
	       "agency 1's manager lists campaigns");
	is_int((long)n, 1, "  only the every-agency one (not agency 2's)");
}

/* ---- decide -------------------------------------------------------------------------------- */

static void test_decide(void)
{
	struct review_item out;
	struct verrs ve = {0};
	int64_t s0 = world_audit_seq(&W);
	is_int(decide(W.cm1b, W.cs1, "keep", "引き続き必要", &out, &ve), GCAS_ERR_DENIED,
	       "another contractor's manager may not decide");
	audit_wrote(&W, s0, "permission.denied", "denied", "  recorded");
	is_int(decide(W.pm1, W.cs1, "keep", "引き続き必要", &out, &ve), GCAS_ERR_DENIED,
	       "the project manager may not decide a contractor manager's item before escalation");
	is_int(decide(W.am2, W.ps1, "keep", "確認済み", &out, &ve), GCAS_ERR_DENIED,
	       "another agency's manager may not decide");
	is_int(decide(W.as1, W.cs1, "keep", "確認済み", &out, &ve), GCAS_ERR_DENIED,
	       "staff may not decide");
	is_int(decide(W.pm2, W.ps1, "keep", "確認済み", &out, &ve), GCAS_ERR_DENIED,
	       "the manager of another project team may not decide");
	ve = (struct verrs){0};
	is_int(decide(W.cm1, W.cs1, "maybe", "", &out, &ve), GCAS_ERR_INVALID,
	       "an unknown decision and an empty reason are refused");
	ok(verr_has(&ve, "decision") && verr_has(&ve, "reason"), "  both named");
	ve = (struct verrs){0};
	is_int(decide(W.cm1, W.cs1, "keep", "番号 1234-5678-9018 の確認", &out, &ve),
	       GCAS_ERR_INVALID, "a reason holding an Individual Number is refused");
	ok(verr_has(&ve, "reason"), "  reason named");

	ve = (struct verrs){0};
	s0 = world_audit_seq(&W);
	is_int(decide(W.cm1, W.cs1, "keep", "運用保守で \"毎日\", 利用", &out, &ve), GCAS_OK,
	       "the contractor manager keeps its staff");
	audit_wrote(&W, s0, "review.decide", "ok", "  recorded as review.decide");
	is_str(out.decision, "keep", "  decision returned");
	ve = (struct verrs){0};
	is_int(decide(W.cm1, W.cs1, "remove", "やはり不要", &out, &ve), GCAS_ERR_CONFLICT,
	       "a decision is final");
	struct review_item it;
	item_of(A.id, W.cs1, &it);
	is_str(it.decision, "keep", "  the first decision stands");

	ve = (struct verrs){0};
	is_int(decide(W.pm1, W.ps1, "remove", "プロジェクトから異動", &out, &ve), GCAS_OK,
	       "the project manager removes its staff");
	ok(out.application_id != NULL, "  a deletion application was filed");
	has_str(out.result, out.application_id ? out.application_id : "?",
	        "  and the item's result names it");
	struct actor op = world_actor(&W, W.op);
	struct application app;
	struct app_event *ev;
	size_t nev;
	struct identity_decl decl;
	int has_decl;
	enum gcas_err e = out.application_id ? svc_app_get(&W.w.env, &op, W.a, out.application_id,
	                                                   &app, &ev, &nev, &decl, &has_decl)
	                                     : GCAS_ERR_NOTFOUND;
	is_int(e, GCAS_OK, "  the application exists");
	if (!e) {
		is_int(app.kind, APP_DELETE, "  a deletion");
		is_str(app.account_id, W.ps1, "  of the reviewed account");
		has_str(app.reason, "プロジェクトから異動", "  with the reviewer's reason");
	}
	ve = (struct verrs){0};
	is_int(decide(W.op, W.am1, "change", "権限範囲を見直し", &out, &ve), GCAS_OK,
	       "the operator decides an agency manager's item");
	ok(out.application_id == NULL, "  change files nothing");
	ve = (struct verrs){0};
	is_int(decide(W.am1, W.pm1, "remove", "事業終了", &out, &ve), GCAS_OK,
	       "an agency manager removes a project manager");
	ok(out.application_id != NULL, "  a deletion application was filed");
}

/* R2.6 + R2.7: a leaver's deletion is already applied for when the reviewer removes them; the
 * decision is recorded against that application, not refused as a second one. */
static void test_remove_already_applied(void)
{
	struct review_item out;
	struct verrs ve = {0};
	struct application del;
	struct actor pmq = world_actor(&W, W.pmq);
	struct app_input in = {
	    .kind = "delete", .account_id = W.psq, .reason = "退職", .departure_on = "2026-03-31"};
	is_int(svc_app_create(&W.w.env, &pmq, W.a, &in, &del, &ve), GCAS_OK,
	       "pmq applies for psq's deletion (departure)");
	ve = (struct verrs){0};
	int64_t s0 = world_audit_seq(&W);
	is_int(decide(W.pmq, W.psq, "remove", "離任のため", &out, &ve), GCAS_OK,
	       "pmq then removes psq in the review: recorded, not refused");
	is_str(out.decision, "remove", "  decision returned");
	is_str(out.application_id, del.id, "  linked to the existing deletion application");
	has_str(out.result, "既存の削除申請",
	        "  the result says an existing application covers it");
	has_str(out.result, del.id, "  and names it");
	audit_wrote(&W, s0, "review.decide", "ok", "  recorded as review.decide");
	struct review_item it;
	item_of(A.id, W.psq, &it);
	is_str(it.decision, "remove", "  the item reads back decided");
	is_str(it.application_id, del.id, "  with the application linked");
	struct actor op = world_actor(&W, W.op);
	struct app_filter f = {.state = -1, .kind = APP_DELETE, .account_id = W.psq};
	struct page pg = {.limit = 50};
	struct application *rows;
	size_t n = 0;
	svc_app_list(&W.w.env, &op, W.a, &f, &pg, &rows, &n);
	is_int((long)n, 1, "  still one deletion application for psq");
}

/* ---- the job ------------------------------------------------------------------------------- */

static int64_t run(void)
{
	int64_t n = -1;
	if (svc_review_run(&W.w.env, &n) != GCAS_OK)
		return -1;
	return n;
}

static void test_reminders(void)
{
	is_int(run(), 0, "nothing to do three weeks before the deadline");
	is_int(mails("pm2@digital.go.jp", "review.reminder"), 0, "  no reminder yet");
	/* 2026-01-23T16:00Z: within 7 days of the deadline (2026-01-30T14:59:59Z). */
	world_tick(&W, 1769184000 - W.now);
	ok(run() > 0, "a week before: reminders");
	is_int(mails("pm2@digital.go.jp", "review.reminder"), 1, "  the reviewer is reminded");
	is_int(mails("cm1@ichiji.co.jp", "review.reminder"), 0,
	       "  not a reviewer whose items are all decided");
	world_tick(&W, 3600);
	is_int(run(), 0, "an hour later nothing more");
	is_int(mails("pm2@digital.go.jp", "review.reminder"), 1, "  reminded once");
	/* 2026-01-29T16:00Z: the last day. */
	world_tick(&W, 1769702400 - W.now);
	ok(run() > 0, "a day before: reminders again");
	is_int(mails("pm2@digital.go.jp", "review.reminder"), 2, "  the second reminder");
	world_tick(&W, 3600);
	run();
	is_int(mails("pm2@digital.go.jp", "review.reminder"), 2, "  and only once");
}

static void test_escalation(void)
{
	struct review_item it;
	struct review_item out;
	struct verrs ve = {0};
	long am1_before = mails("am1@digital.go.jp", "review.assigned");
	is_int(run(), 0, "nothing escalates before the deadline");
	/* 2026-01-30T15:00:05Z: the deadline has passed. */
	world_tick(&W, 1769785205 - W.now);
	ok(run() > 0, "after the deadline the job escalates");
	item_of(A.id, W.ps2, &it);
	is_int(it.reviewer_role, ROLE_AGENCY_MANAGER,
	       "a project staff item goes to the agency "
	       "manager");
	is_int(it.escalations, 1, "  escalations 1");
	/* Friday 2026-01-30 + 5 business days = Friday 2026-02-06, ending 2026-02-06T15:00Z. */
	is_int(it.deadline_at, 1770390000 - 1, "  new deadline 5 business days later");
	item_of(A.id, W.cs1b, &it);
	is_int(it.reviewer_role, ROLE_PROJECT_MANAGER,
	       "a contractor staff item goes to the project "
	       "manager");
	item_of(A.id, W.cs1, &it);
	is_int(it.escalations, 0, "a decided item does not move");
	is_int(mails("am1@digital.go.jp", "review.assigned"), am1_before + 1,
	       "the new reviewer is mailed once");
	is_int(run(), 0, "running again changes nothing");
	is_int(decide(W.pm2, W.ps2, "keep", "確認済み", &out, &ve), GCAS_ERR_DENIED,
	       "the former reviewer may no longer decide");

	/* 2026-02-06T15:00:05Z: the escalated deadline passes too. */
	world_tick(&W, 1770390005 - W.now);
	ok(run() > 0, "the next deadline escalates again");
	item_of(A.id, W.ps2, &it);
	is_int(it.reviewer_role, ROLE_OPERATOR, "  agency manager → operator");
	is_int(it.escalations, 2, "  escalations 2");
	item_of(A.id, W.am2, &it);
	is_int(it.reviewer_role, ROLE_OPERATOR, "an item already at the operator stays there");
	is_int(it.escalations, 0, "  without counting an escalation");
	world_tick(&W, 30 * 86400);
	run();
	item_of(A.id, W.ps2, &it);
	is_int(it.escalations, 2, "items at the operator do not escalate further");
	ve = (struct verrs){0};
	is_int(decide(W.op, W.ps2, "keep", "運用管理組織で確認", &out, &ve), GCAS_OK,
	       "the operator decides the escalated item");
	ok(out.application_id == NULL, "  (keep files nothing)");
}

/* ---- export and close ---------------------------------------------------------------------- */

static void test_export(void)
{
	struct actor op = world_actor(&W, W.op), am1 = world_actor(&W, W.am1),
	             pm1 = world_actor(&W, W.pm1);
	struct buf b;
	int64_t rows = 0;
	buf_init(&b, 0);
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_review_export(&W.w.env, &op, W.a, A.id, &b, &rows), GCAS_OK,
	       "the operator exports the campaign");
	audit_wrote(&W, s0, "review.export", "ok", "  recorded");
	is_int(rows, 16, "  every row");
	ok(b.data && str_starts(b.data, "\xEF\xBB\xBF\"メールアドレス\",\"氏名\""),
	   "  UTF-8 byte-order mark, then the header");
	has_str(b.data, "\"判断日時（JST）\"\r\n", "  CRLF line ends");
	has_str(b.data, "\"cs1@ichiji.co.jp\",\"試験 太郎\",\"開発運用委託業者GCAS担当者\"",
	        "  a row");
	has_str(b.data, "\"継続\",\"運用保守で \"\"毎日\"\", 利用\",\"cm1@ichiji.co.jp\",",
	        "  quotes doubled, the decider's address");
	has_str(b.data, "\"csd@kunai.co.jp\"", "  other agencies' rows");
	has_str(b.data, "\"未判断\"", "  undecided items as undecided");
	buf_free(&b);
	buf_init(&b, 0);
	is_int(svc_review_export(&W.w.env, &am1, W.a, A.id, &b, &rows), GCAS_OK,
	       "an agency manager exports");
	is_int(rows, 10, "  only its agency's rows");
	ok(b.data && !strstr(b.data, "kunai.co.jp") && !strstr(b.data, "chiyoda"),
	   "  nothing of agency 2");
	buf_free(&b);
	buf_init(&b, 0);
	is_int(svc_review_export(&W.w.env, &pm1, W.a, A.id, &b, &rows), GCAS_ERR_DENIED,
	       "a project manager may not export");
	buf_free(&b);
}

static void test_close(void)
{
	struct actor op = world_actor(&W, W.op), am1 = world_actor(&W, W.am1);
	struct review_item out;
	struct verrs ve = {0};
	is_int(svc_review_close(&W.w.env, &am1, W.a, A.id), GCAS_ERR_DENIED,
	       "an agency manager may not close");
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_review_close(&W.w.env, &op, W.a, A.id), GCAS_OK, "the operator closes");
	audit_wrote(&W, s0, "review.close", "ok", "  recorded");
	is_int(svc_review_close(&W.w.env, &op, W.a, A.id), GCAS_ERR_CONFLICT, "closing twice");
	is_int(decide(W.op, W.cs1b, "keep", "確認済み", &out, &ve), GCAS_ERR_CONFLICT,
	       "no decisions after closing");
	struct review_item it;
	item_of(A.id, W.cs1b, &it);
	ok(it.decision == NULL, "  the item stays undecided");
	struct review_campaign c;
	is_int(svc_review_get(&W.w.env, &op, W.a, A.id, &c), GCAS_OK, "the campaign reads back");
	is_str(c.state, "closed", "  closed");
	ok(c.items > c.decided, "  with its undecided items counted");
}

int main(void)
{
	if (world_open(&W)) {
		printf("Bail out! no world\n");
		return 1;
	}
	test_open_refused();
	test_open();
	test_reading();
	test_decide();
	test_remove_already_applied();
	test_reminders();
	test_escalation();
	test_export();
	test_close();
	world_close(&W);
	return tap_done();
}
