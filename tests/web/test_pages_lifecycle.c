/* SPDX-License-Identifier: MIT */
/* Departure and org-end pages and API (R2.6, R2.9): the forms show what will happen and whether a
 * departure is late (fewer than 5 business days ahead on the administrative calendar), re-render
 * with their messages and the typed values on bad input (422), apply on good input, and refuse
 * across agencies (403, audited). The links appear on the account and organisation pages for
 * those who may use them. */
#include "base/clock.h"
#include "test_pages.h"

/* 2026-04-27 (Mon) 10:00 JST */
#define APR27_10JST 1777251600

static int api_post(const char *token, const char *target, const char *json)
{
	struct wt_resp r;
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	const char *hdrs[] = {auth, NULL};
	free(BODY);
	BODY = NULL;
	if (wt_request(&W, "POST", target, NULL, "application/json", json, hdrs, &r))
		return -1;
	BODY = pages_dup(r.body);
	int st = r.status;
	wt_resp_free(&r);
	return st;
}

int main(void)
{
	char op_org[33], a[33], pj[33], b[33];
	struct who op, ma, pm, ps, ps2, mb;
	char tok_pm[128], tok_mb[128];
	clock_fix(APR27_10JST);
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pj) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0,
	   "agency A with a project team, agency B");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", &pm) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "ito@a.example.jp", &ps) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "sato@a.example.jp", &ps2) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0,
	   "people signed in");
	ok(wt_token(&W, pm.id, "read write", tok_pm) == 0 &&
	       wt_token(&W, mb.id, "read write", tok_mb) == 0,
	   "API tokens for the project manager and B's manager");

	/* The link on the account page, and the form. */
	is_int(get(&pm, fmt("/accounts/%s", ps.id)), 200, "the project manager opens ito's page");
	has_str(BODY, fmt("/accounts/%s/departure", ps.id), "it links to the departure form");
	is_int(get(&pm, fmt("/accounts/%s/departure", ps.id)), 200, "the departure form");
	has_str(BODY, "離任の届出", "in Japanese");
	has_str(BODY, "name=\"csrf\"", "with the CSRF field");
	has_str(BODY, "5営業日", "saying when to apply");
	is_int(get(&pm, fmt("/accounts/%s/departure?departure_on=2026-05-07", ps.id)), 200,
	       "the form for a date typed");
	has_str(BODY, "期限後の申請", "5/7 is late on 4/27 (Golden Week: 4 business days)");
	is_int(get(&pm, fmt("/accounts/%s/departure?departure_on=2026-05-08", ps.id)), 200,
	       "and for 5/8");
	has_str(BODY, "期限内の申請", "5/8 is on time");

	/* Bad input re-renders with what was typed. */
	is_int(
	    post(&pm, fmt("/accounts/%s/departure", ps.id),
	         form("csrf", pm.csrf, "departure_on", "2026-04-01", "reason", "人事異動", NULL)),
	    422, "a past date: 422");
	has_str(BODY, "過去の日付", "says why");
	has_str(BODY, "人事異動", "keeps the reason typed");
	has_str(BODY, "value=\"2026-04-01\"", "and the date");
	is_int(post(&pm, fmt("/accounts/%s/departure", ps.id),
	            form("csrf", pm.csrf, "departure_on", "2026-05-07", "reason", "", NULL)),
	       422, "no reason: 422");
	has_str(BODY, "理由を入力してください", "asks for the reason");
	has_str(BODY, "期限後の申請", "and still shows the date is late");

	/* Across agencies: refused and audited. */
	long d0 = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&mb, fmt("/accounts/%s/departure", ps.id)), 403,
	       "B's manager cannot open A's departure form");
	is_int(post(&mb, fmt("/accounts/%s/departure", ps.id),
	            form("csrf", mb.csrf, "departure_on", "2026-05-08", "reason", "x", NULL)),
	       403, "nor post it");
	ok(wt_audit_count(&W, "permission.denied", "denied") >= d0 + 2, "both refusals audited");

	/* Good input: applied, redirected, the date shown. */
	int st =
	    post(&pm, fmt("/accounts/%s/departure", ps.id),
	         form("csrf", pm.csrf, "departure_on", "2026-05-07", "reason", "人事異動", NULL));
	is_int(st, 303, "a good departure: redirect");
	if (st != 303 && BODY)
		printf("# %.300s\n", BODY);
	is_int(get(&pm, fmt("/accounts/%s/departure?done=applied", ps.id)), 200,
	       "back on the form");
	has_str(BODY, "削除を申請しました", "confirms");
	has_str(BODY, "2026-05-07", "shows the recorded date");
	is_int(wt_audit_count(&W, "account.departure", "ok"), 1, "audited once");

	/* API. */
	is_int(api_post(tok_mb, fmt("/api/v1/accounts/%s/departure", ps2.id),
	                "{\"departure_on\":\"2026-06-30\",\"reason\":\"異動\"}"),
	       403, "API: B's manager is refused");
	is_int(api_post(tok_pm, fmt("/api/v1/accounts/%s/departure", ps2.id),
	                "{\"departure_on\":\"2026-13-01\",\"reason\":\"異動\"}"),
	       422, "API: an impossible date is 422");
	has_str(BODY, "/departure_on", "pointing at the field");
	st = api_post(tok_pm, fmt("/api/v1/accounts/%s/departure", ps2.id),
	              "{\"departure_on\":\"2026-06-30\",\"reason\":\"異動\"}");
	is_int(st, 201, "API: departure recorded");
	if (st != 201 && BODY)
		printf("# %.300s\n", BODY);
	has_str(BODY, "\"kind\":\"delete\"", "answers the deletion application");
	has_str(BODY, "\"late\":false", "not late");

	/* Org end: link, form, refusals. */
	is_int(get(&ma, fmt("/orgs/%s", pj)), 200, "A's manager opens the project team");
	has_str(BODY, fmt("/orgs/%s/end", pj), "it links to the org-end form");
	is_int(get(&ma, fmt("/orgs/%s/end", pj)), 200, "the org-end form");
	has_str(BODY, "利用終了の申請", "titled in Japanese");
	has_str(BODY, "5.2.1", "says what is kept");
	is_int(get(&mb, fmt("/orgs/%s/end", pj)), 403, "B's manager is refused the form");
	is_int(post(&mb, fmt("/orgs/%s/end", pj),
	            form("csrf", mb.csrf, "ends_on", "2027-03-31", "reason", "x", NULL)),
	       403, "and the post");
	is_int(get(&ps, fmt("/orgs/%s", pj)), 200, "project staff open their team");
	lacks_str(BODY, fmt("/orgs/%s/end", pj), "no org-end link for them");
	is_int(post(&ma, fmt("/orgs/%s/end", pj),
	            form("csrf", ma.csrf, "ends_on", "", "reason", "システム廃止", NULL)),
	       422, "no end date: 422");
	has_str(BODY, "システム廃止", "keeps the reason");
	st = post(&ma, fmt("/orgs/%s/end", pj),
	          form("csrf", ma.csrf, "ends_on", "2027-03-31", "reason", "システム廃止", NULL));
	is_int(st, 303, "a good org-end application: redirect");
	if (st != 303 && BODY)
		printf("# %.300s\n", BODY);
	is_int(api_post(tok_mb, fmt("/api/v1/orgs/%s/end", pj),
	                "{\"ends_on\":\"2027-03-31\",\"reason\":\"x\"}"),
	       403, "API: B's manager cannot end A's team");

	wt_close(&W);
	clock_fix(-1);
	return tap_done();
}
