/* SPDX-License-Identifier: MIT */
/* /api/v1/applications and /api/v1/reports/slo: the shapes (application, events, declaration,
 * cursor-paged lists), problem+json errors (400 from the decoder, 422 with an errors array from
 * the use case, 403 recorded, 409 for a state that moved on), each action's allowed and refused
 * side across two agencies, drafts, and the whole flow: a contractor manager applies, the project
 * manager approves, the operator fulfils and the account is pending. */
#include "core/application.h"
#include "test_api.h"

static char url[256];

/* "/api/v1/applications/<id><tail>" in a static buffer. */
static const char *u(const char *id, const char *tail)
{
	snprintf(url, sizeof(url), "/api/v1/applications/%s%s", id, tail);
	return url;
}

/* A create application body for a contractor staff member of org. */
static const char *create_body(const char *org, const char *email, const char *extra)
{
	static char body[2048];
	snprintf(body, sizeof(body),
	         "{\"kind\":\"create\",\"org_id\":\"%s\",\"email\":\"%s\",\"family_name\":\"佐藤\","
	         "\"given_name\":\"次郎\",\"family_kana\":\"サトウ\",\"given_kana\":\"ジロウ\","
	         "\"role\":\"contractor_staff\",\"reason\":\"運用保守に従事するため\","
	         "\"verified_on\":\"2024-04-01\",\"scope\":\"contractor_nda\","
	         "\"system_name\":\"住民記録システム\",\"nda_confirmed\":true%s}",
	         org, email, extra ? extra : "");
	return body;
}

static int audit_delta(long before)
{
	return (int)(wt_audit_count(&W, "permission.denied", "denied") - before);
}

int main(void)
{
	char op_org[33], a[33], pa[33], ca[33], b[33], pb[33], cb[33];
	char op[33], ma[33], pm[33], cm[33], mb[33], pmb[33], cmb[33];
	char t_op[128], t_ma[128], t_pm[128], t_cm[128], t_cm_ro[128], t_mb[128], t_pmb[128],
	    t_cmb[128];
	char app[33], app2[33], acc[33];
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pa) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pa, "甲システム株式会社", NULL, ca) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0 &&
	       wt_org(&W, ORG_PROJECT, b, "乙省 統計", NULL, pb) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pb, "乙データ株式会社", NULL, cb) == 0,
	   "two agencies, each with a project team and a contractor");
	ok(wt_account(&W, ROLE_OPERATOR, op_org, "op@gcas.example.jp", op) == 0 &&
	       wt_account(&W, ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", ma) == 0 &&
	       wt_account(&W, ROLE_PROJECT_MANAGER, pa, "pm@a.example.jp", pm) == 0 &&
	       wt_account(&W, ROLE_CONTRACTOR_MANAGER, ca, "cm@ca.example.jp", cm) == 0 &&
	       wt_account(&W, ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", mb) == 0 &&
	       wt_account(&W, ROLE_PROJECT_MANAGER, pb, "pm@b.example.jp", pmb) == 0 &&
	       wt_account(&W, ROLE_CONTRACTOR_MANAGER, cb, "cm@cb.example.jp", cmb) == 0,
	   "people in both agencies");
	ok(wt_token(&W, op, "read write", t_op) == 0 && wt_token(&W, ma, "read write", t_ma) == 0 &&
	       wt_token(&W, pm, "read write", t_pm) == 0 &&
	       wt_token(&W, cm, "read write", t_cm) == 0 &&
	       wt_token(&W, cm, "read", t_cm_ro) == 0 &&
	       wt_token(&W, mb, "read write", t_mb) == 0 &&
	       wt_token(&W, pmb, "read write", t_pmb) == 0 &&
	       wt_token(&W, cmb, "read write", t_cmb) == 0,
	   "API tokens");

	/* Apply: 201 with the application, its history and its declaration. */
	is_int(
	    call("POST", "/api/v1/applications", t_cm, create_body(ca, "sato@ca.example.jp", NULL)),
	    201, "the contractor manager applies");
	take_id("id", app);
	ok(strlen(app) == 32, "an id");
	ok(LOCATION && strstr(LOCATION, app), "Location names it");
	is_str(js("kind"), "create", "kind");
	is_str(js("state"), "submitted", "submitted at once");
	ok(json_is_true(json_object_get(J, "needs_approval")),
	   "a contractor manager's application needs approval (別表1)");
	is_str(js("applicant_id"), cm, "the applicant");
	is_str(js("target_role"), "contractor_staff", "the role asked for");
	is_str(jstr_in(json_object_get(J, "declaration"), "scope"), "contractor_nda",
	       "the declaration's scope");
	is_str(jstr_in(json_object_get(J, "declaration"), "verified_on"), "2024-04-01",
	       "and the day the identity was checked");
	ok(json_array_size(json_object_get(J, "events")) >= 1, "the history has the submission");
	ok(!strstr(BODY ? BODY : "", "123456789"), "no number-like data in the answer");

	/* Refused input. */
	is_int(call("POST", "/api/v1/applications", t_cm, "{\"kind\":\"create\"}"), 400,
	       "no reason: 400 from the decoder");
	ok(is_problem(400, "/reason"), "pointing at reason");
	is_int(call("POST", "/api/v1/applications", t_cm,
	            create_body(ca, "x@ca.example.jp", ",\"colour\":\"red\"")),
	       400, "an unknown member: 400");
	is_int(call("POST", "/api/v1/applications", t_cm, create_body(ca, "not-an-email", NULL)),
	       422, "a bad email: 422");
	ok(is_problem(422, "/email"), "with an errors entry for /email");
	is_int(call("POST", "/api/v1/applications", t_cm,
	            create_body(ca, "y@ca.example.jp", ",\"draft\":\"yes\"")),
	       400, "draft must be a boolean");
	is_int(call_full("POST", "/api/v1/applications", t_cm, NULL, NULL, "text/plain",
	                 create_body(ca, "z@ca.example.jp", NULL)),
	       415, "not JSON: 415");
	is_int(call("POST", "/api/v1/applications", t_cm_ro,
	            create_body(ca, "ro@ca.example.jp", NULL)),
	       403, "a read-only token may not apply");
	long before = wt_audit_count(&W, "permission.denied", "denied");
	is_int(
	    call("POST", "/api/v1/applications", t_mb, create_body(ca, "spy@ca.example.jp", NULL)),
	    403, "B's manager applying for A's contractor: 403");
	ok(is_problem(403, NULL), "as problem+json");
	ok(audit_delta(before) >= 1, "recorded");

	/* Reading. */
	is_int(call("GET", u(app, ""), t_pm, NULL), 200, "the project manager reads it");
	is_str(js("state"), "submitted", "submitted");
	before = wt_audit_count(&W, "permission.denied", "denied");
	is_int(call("GET", u(app, ""), t_pmb, NULL), 403, "B's project manager may not");
	is_int(call("GET", "/api/v1/applications", t_pmb, NULL), 200, "B's list");
	is_int(nitems(), 0, "holds nothing of A's");
	is_int(call("GET", "/api/v1/applications?awaiting_me=true", t_pm, NULL), 200,
	       "awaiting my approval");
	is_int(nitems(), 1, "one");
	is_int(call("GET", "/api/v1/applications?state=nonsense", t_pm, NULL), 400,
	       "an unknown state: 400");
	ok(is_problem(400, "/state") || is_problem(400, NULL), "as a problem");
	is_int(call("GET", "/api/v1/applications?queue=maybe", t_op, NULL), 400,
	       "a malformed flag: 400");

	/* Deciding: refused for the applicant and for agency B; reject needs a reason. */
	before = wt_audit_count(&W, "permission.denied", "denied");
	is_int(call("POST", u(app, "/approve"), t_cm, NULL), 403,
	       "the applicant may not approve their own");
	is_int(call("POST", u(app, "/approve"), t_pmb, NULL), 403,
	       "B's project manager may not approve");
	ok(audit_delta(before) >= 2, "both refusals recorded");
	is_int(call("POST", u(app, "/reject"), t_pm, "{}"), 400, "rejecting without a reason: 400");
	ok(is_problem(400, "/reason"), "pointing at reason");
	is_int(call("POST", u(app, "/fulfil"), t_op, NULL), 409, "fulfilling before approval: 409");
	is_int(call("POST", u(app, "/approve"), t_pm, NULL), 200, "the project manager approves");
	is_str(js("state"), "approved", "approved");
	ok(js("due_on") && strlen(js("due_on")) == 10, "with a due date (R2.3)");
	is_int(call("POST", u(app, "/approve"), t_pm, NULL), 409, "approving again: 409");
	ok(is_problem(409, NULL), "as a problem");

	/* Fulfilling. */
	is_int(call("GET", "/api/v1/applications?queue=true", t_op, NULL), 200, "the queue");
	is_int(nitems(), 1, "holds the approved application");
	is_int(call("POST", u(app, "/fulfil"), t_pm, NULL), 403, "a manager may not fulfil");
	is_int(call("POST", u(app, "/fail"), t_op, "{}"), 400, "failing needs a reason");
	is_int(call("POST", u(app, "/fulfil"), t_op, NULL), 200, "the operator fulfils");
	is_str(js("state"), "fulfilled", "fulfilled");
	take_id("account_id", acc);
	ok(strlen(acc) == 32, "names the new account");
	ok(json_array_size(json_object_get(J, "events")) >= 3, "the history grew");
	/* R7.2: the operator reads the account under a declared purpose (the session's). */
	char c_op[256], op_csrf[64], form[160];
	struct wt_resp pr = {0};
	ok(wt_login(&W, op, c_op, op_csrf) == 0, "an operator session");
	snprintf(form, sizeof(form), "csrf=%s&purpose=operations&reason=fulfilment", op_csrf);
	wt_request(&W, "POST", "/access-purpose", c_op, "application/x-www-form-urlencoded", form,
	           NULL, &pr);
	is_int(pr.status, 303, "declares a purpose");
	wt_resp_free(&pr);
	is_int(call_full("GET", (snprintf(url, sizeof(url), "/api/v1/accounts/%s", acc), url), NULL,
	                 c_op, NULL, NULL, NULL),
	       200, "the account");
	is_str(js("status"), "pending", "is pending until the set-up");
	is_str(js("email"), "sato@ca.example.jp", "at the address applied for");
	ok(!js("setup_link"), "the set-up link is mailed, not returned");
	is_int(call("POST", u(app, "/fail"), t_op, "{\"reason\":\"x\"}"), 409,
	       "a fulfilled application cannot fail");

	/* An agency manager certifies: no approval, straight to the operator's queue. */
	char body[1024];
	snprintf(body, sizeof(body), "{\"kind\":\"create\",\"org_id\":\"%s\",\"reason\":\"増員\"}",
	         a);
	is_int(call("POST", "/api/v1/applications", t_ma, body), 422,
	       "a create without the person: 422");
	ok(is_problem(422, NULL) && json_array_size(json_object_get(J, "errors")) >= 2,
	   "listing every field");
	snprintf(body, sizeof(body),
	         "{\"kind\":\"create\",\"org_id\":\"%s\",\"email\":\"suzuki@a.example.jp\","
	         "\"family_name\":\"鈴木\",\"given_name\":\"一郎\",\"family_kana\":\"スズキ\","
	         "\"given_kana\":\"イチロウ\",\"role\":\"agency_staff\",\"reason\":\"着任\","
	         "\"verified_on\":\"2024-04-01\",\"scope\":\"gov_admin\"}",
	         a);
	is_int(call("POST", "/api/v1/applications", t_ma, body), 201,
	       "the agency manager applies for their staff");
	ok(json_is_false(json_object_get(J, "needs_approval")), "no approval needed (別表1)");
	is_str(js("state"), "approved", "straight to the operator's queue");
	snprintf(body, sizeof(body), "/api/v1/applications/%s/approve", js("id") ? js("id") : "");
	ok(call("POST", body, t_pm, NULL) >= 400,
	   "a project manager cannot approve the agency manager's application");

	/* Drafts: submit and withdraw are the applicant's. */
	is_int(call("POST", "/api/v1/applications", t_cm,
	            create_body(ca, "kato@ca.example.jp", ",\"draft\":true")),
	       201, "a draft");
	take_id("id", app2);
	is_str(js("state"), "draft", "kept as a draft");
	is_int(call("POST", u(app2, "/submit"), t_cmb, NULL), 403,
	       "another agency's manager may not submit it");
	is_int(call("POST", u(app2, "/submit"), t_cm, NULL), 200, "the applicant submits it");
	is_str(js("state"), "submitted", "submitted");
	is_int(call("POST", u(app2, "/withdraw"), t_cm, "{\"reason\":\"不要になった\"}"), 200,
	       "and withdraws it");
	is_str(js("state"), "withdrawn", "withdrawn");
	is_int(call("POST", u(app2, "/withdraw"), t_cm, NULL), 409, "withdrawing twice: 409");

	/* Paging. */
	is_int(call("GET", "/api/v1/applications?limit=1", t_cm, NULL), 200, "one per page");
	is_int(nitems(), 1, "one item");
	const char *next = js("next_cursor");
	ok(next && *next, "a next cursor");
	char cur[512];
	snprintf(url, sizeof(url), "/api/v1/applications?limit=1&cursor=%s", next ? next : "");
	snprintf(cur, sizeof(cur), "%s", url);
	is_int(call("GET", cur, t_cm, NULL), 200, "the next page");
	is_int(nitems(), 1, "the other item");
	ok(json_is_null(json_object_get(J, "next_cursor")), "and no more");
	is_int(call("GET", "/api/v1/applications?cursor=%%%%", t_cm, NULL), 400,
	       "a malformed cursor: 400");

	/* The monthly report. */
	is_int(call("GET", "/api/v1/reports/slo?month=2026-04", t_op, NULL), 200, "the SLO report");
	is_str(js("month"), "2026-04", "for the month asked");
	is_int((long)json_array_size(json_object_get(J, "lines")), APP_KIND__MAX,
	       "a line per kind");
	is_str(jstr_in(json_array_get(json_object_get(J, "lines"), 0), "kind"), "create",
	       "named by kind");
	is_int(call("GET", "/api/v1/reports/slo", t_op, NULL), 400, "month is required");
	ok(is_problem(400, "/month") || is_problem(400, NULL), "as a problem");
	is_int(call("GET", "/api/v1/reports/slo?month=2026-04", t_pm, NULL), 403,
	       "a manager may not read it");

	api_reset();
	wt_close(&W);
	return tap_done();
}
