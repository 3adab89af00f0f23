/* SPDX-License-Identifier: MIT */
/* Application pages: the forms per kind (the create form's identity declaration and its
 * Individual Number warning), 422 re-renders that keep what was typed, CSRF, each action's
 * allowed and refused side across two agencies (403, recorded, nothing changed), the printable
 * declaration (the stylesheet, no inline script or style), the queue and the SLO report, the
 * account pages sending managers to the application forms, and the whole flow: a contractor
 * manager applies, the project manager approves, the operator fulfils, the account is pending. */
#include "core/application.h"
#include "test_pages.h"

/* The application id in a Location "/applications/<id>?done=..." (33 bytes). */
static const char *app_id_of(const char *loc, char *out)
{
	const char *p = loc ? strstr(loc, "/applications/") : NULL;
	out[0] = '\0';
	if (p && strspn(p + 14, "0123456789abcdef") == 32) {
		memcpy(out, p + 14, 32);
		out[32] = '\0';
	}
	return out;
}

/* A complete create application for a contractor staff member of org, as a form body. */
static const char *create_form(const struct who *p, const char *org, const char *email,
                               const char *verified_on)
{
	return form("csrf", p->csrf, "kind", "create", "org_id", org, "email", email, "family_name",
	            "佐藤", "given_name", "次郎", "family_kana", "サトウ", "given_kana", "ジロウ",
	            "role", "contractor_staff", "reason",
	            "住民記録システムの運用保守に従事するため", "verified_on", verified_on, "scope",
	            "contractor_nda", "system_name", "住民記録システム", "nda_confirmed", "1",
	            NULL);
}

int main(void)
{
	char op_org[33], a[33], pa[33], ca[33], b[33], pb[33], cb[33], app[33], app2[33], acc[33];
	struct who op, ma, pm, cm, sa, cs, mb, pmb, cmb;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pa) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pa, "甲システム株式会社", NULL, ca) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0 &&
	       wt_org(&W, ORG_PROJECT, b, "乙省 統計", NULL, pb) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pb, "乙データ株式会社", NULL, cb) == 0,
	   "operator org; agencies A and B, each with a project team and a contractor");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pa, "pm@a.example.jp", &pm) == 0 &&
	       person(ROLE_CONTRACTOR_MANAGER, ca, "cm@ca.example.jp", &cm) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "staff@a.example.jp", &sa) == 0 &&
	       person(ROLE_CONTRACTOR_STAFF, ca, "cs@ca.example.jp", &cs) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pb, "pm@b.example.jp", &pmb) == 0 &&
	       person(ROLE_CONTRACTOR_MANAGER, cb, "cm@cb.example.jp", &cmb) == 0,
	   "people in both agencies, signed in");
	/* R7.2: the operator reads user information under a declared purpose. */
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "operations", "reason", "test", NULL)),
	       303, "the operator declares a purpose");

	/* Lists render for every role that may see applications. */
	const struct who *lister[] = {&op, &ma, &pm, &cm, &mb};
	int lists = 0;
	for (size_t i = 0; i < sizeof(lister) / sizeof(lister[0]); i++)
		lists += get(lister[i], "/applications") == 200 && strstr(BODY, "<h1>申請</h1>");
	is_int(lists, 5, "the list renders for the operator and every manager");
	is_int(get(&cm, "/applications?state=nonsense"), 400, "an unknown state filter: 400");
	is_int(get(&cm, "/applications?awaiting=yes"), 400, "a malformed flag: 400");

	/* The create form: organisation first, then the person and the declaration. */
	is_int(get(&cm, "/applications/new"), 200, "contractor manager: choose the organisation");
	has_str(BODY, fmt("value=\"%s\"", ca), "offers its own company");
	lacks_str(BODY, fmt("value=\"%s\"", cb), "not another agency's contractor");
	is_int(get(&cm, fmt("/applications/new?kind=create&org=%s", ca)), 200, "the create form");
	has_str(BODY, "value=\"contractor_staff\" selected", "its one possible role is chosen");
	lacks_str(BODY, "value=\"contractor_manager\"", "a manager cannot apply for a peer");
	has_str(BODY, "name=\"verified_on\"", "asks when the identity was checked");
	has_str(BODY, "value=\"contractor_nda\"", "the scope of 2.2.1 as a choice");
	has_str(BODY, "name=\"nda_confirmed\"", "the NDA confirmation");
	has_str(BODY, "マイナンバーカード", "cites the regulation's words (別表1)");
	has_str(BODY, "個人番号は入力しないでください",
	        "warns never to enter the Individual Number");
	lacks_str(BODY, "<script", "no script");
	is_int(get(&cm, fmt("/applications/new?kind=create&org=%s&lang=en", ca)), 200,
	       "in English");
	has_str(BODY, "Never enter the Individual Number", "the warning in English");
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&mb, fmt("/applications/new?kind=create&org=%s", a)), 403,
	       "B's manager: the form for agency A is refused");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 1, "and recorded");
	is_int(get(&sa, "/applications/new"), 403, "staff may apply for nothing");
	is_int(get(&cm, "/applications/new?kind=org_end"), 400, "an unknown kind here: 400");

	/* Bad input: 422, messages, typed values kept. */
	is_int(post(&cm, "/applications/new",
	            form("csrf", cm.csrf, "kind", "create", "org_id", ca, "email", "not-an-email",
	                 "family_name", "佐藤", "given_name", "次郎", "family_kana", "サトウ",
	                 "given_kana", "ジロウ", "role", "contractor_staff", "reason", "運用保守",
	                 "scope", "contractor_nda", "system_name", "住民記録システム", NULL)),
	       422, "a bad email and no declaration date: 422");
	has_str(BODY, "error-summary", "an error summary");
	has_str(BODY, "href=\"#email\"", "linked to the email field");
	has_str(BODY, "href=\"#verified_on\"", "and to the declaration date");
	has_str(BODY, "value=\"not-an-email\"", "the email is kept");
	has_str(BODY, "value=\"佐藤\"", "the family name is kept");
	has_str(BODY, "value=\"住民記録システム\"", "the system name is kept");
	has_str(BODY, "運用保守", "the reason is kept");
	has_str(BODY, "value=\"contractor_nda\" checked", "the scope stays chosen");
	is_int(post(&cm, "/applications/new",
	            create_form(&cm, ca, "sato@ca.example.jp", "2024-04-01")),
	       303, "a valid application is accepted");
	app_id_of(LOCATION, app);
	ok(app[0], "and redirects to it");
	has_str(LOCATION, "done=created", "with a confirmation");

	/* Refused: no CSRF, another agency (403, recorded, nothing written). */
	long applied = wt_audit_count(&W, "application.apply", NULL);
	is_int(post(&cm, "/applications/new",
	            form("kind", "create", "org_id", ca, "email", "x@ca.example.jp", NULL)),
	       403, "no CSRF token: 403");
	denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(
	    post(&mb, "/applications/new", create_form(&mb, ca, "spy@ca.example.jp", "2024-04-01")),
	    403, "B's manager applying for A's contractor: 403");
	ok(wt_audit_count(&W, "permission.denied", "denied") > denied, "recorded");
	is_int(wt_audit_count(&W, "application.apply", "ok"), applied, "nothing was applied");
	is_int(post(&cm, "/applications/new",
	            form("csrf", cm.csrf, "kind", "create", "org_id", ca, "email",
	                 "nn@ca.example.jp", "family_name", "佐藤", "given_name", "花子",
	                 "family_kana", "サトウ", "given_kana", "ハナコ", "role",
	                 "contractor_staff", "reason", "個人番号 123456789018 を確認",
	                 "verified_on", "2024-04-01", "scope", "contractor_nda", "system_name",
	                 "住民記録システム", "nda_confirmed", "1", NULL)),
	       422, "an Individual Number in the reason: 422");

	/* The detail page: the applicant may withdraw, not approve. */
	is_int(get(&cm, fmt("/applications/%s", app)), 200, "the applicant sees it");
	has_str(BODY, "sato@ca.example.jp", "who it is about");
	has_str(BODY, "本人確認の申告", "the declaration");
	has_str(BODY, fmt("/applications/%s/withdraw", app), "withdrawing is offered");
	lacks_str(BODY, fmt("/applications/%s/approve", app), "approving one's own is not");
	is_int(get(&pm, fmt("/applications/%s", app)), 200, "the project manager sees it");
	has_str(BODY, fmt("/applications/%s/approve", app), "and may approve it");
	has_str(BODY, fmt("/applications/%s/reject", app), "or reject it");
	is_int(get(&pm, "/applications?awaiting=1"), 200, "awaiting my approval");
	has_str(BODY, fmt("/applications/%s", app), "lists it");
	is_int(get(&pmb, fmt("/applications/%s", app)), 403, "B's project manager may not see it");
	is_int(get(&pmb, "/applications"), 200, "B's list");
	lacks_str(BODY, fmt("/applications/%s", app), "does not hold it");

	/* Approving: refused for the applicant, for agency B, and for staff; recorded. */
	denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(post(&cm, fmt("/applications/%s/approve", app), form("csrf", cm.csrf, NULL)), 403,
	       "the applicant may not approve their own");
	is_int(post(&pmb, fmt("/applications/%s/approve", app), form("csrf", pmb.csrf, NULL)), 403,
	       "B's project manager may not approve it");
	is_int(post(&op, fmt("/applications/%s/fulfil", app), form("csrf", op.csrf, NULL)), 409,
	       "fulfilling before approval: 409");
	ok(wt_audit_count(&W, "permission.denied", "denied") >= denied + 2,
	   "the refusals are recorded");
	is_int(post(&pm, fmt("/applications/%s/approve", app), NULL), 403, "no CSRF token: 403");
	is_int(post(&pm, fmt("/applications/%s/reject", app),
	            form("csrf", pm.csrf, "reject_reason", "", NULL)),
	       422, "rejecting without a reason: 422");
	has_str(BODY, "href=\"#reject_reason\"", "the message points at the reason");
	is_int(post(&pm, fmt("/applications/%s/frobnicate", app), form("csrf", pm.csrf, NULL)), 404,
	       "an unknown action: 404");
	is_int(post(&pm, fmt("/applications/%s/approve", app), form("csrf", pm.csrf, NULL)), 303,
	       "the project manager approves");
	has_str(LOCATION, "done=approve", "confirmed");
	is_int(get(&pm, fmt("/applications/%s?done=approve", app)), 200, "the page after it");
	has_str(BODY, "申請を承認しました", "says so");
	has_str(BODY, "処理期限", "shows the due date (R2.3)");
	is_int(post(&pm, fmt("/applications/%s/approve", app), form("csrf", pm.csrf, NULL)), 409,
	       "approving again: 409");

	/* The operator's queue, and fulfilling. */
	is_int(get(&op, "/applications/queue"), 200, "the operator's queue");
	has_str(BODY, fmt("/applications/%s", app), "holds the approved application");
	denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&pm, "/applications/queue"), 403, "a manager has no queue");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 1, "recorded");
	is_int(post(&pm, fmt("/applications/%s/fulfil", app), form("csrf", pm.csrf, NULL)), 403,
	       "a manager may not fulfil");
	is_int(get(&op, fmt("/applications/%s", app)), 200, "the operator sees it");
	has_str(BODY, fmt("/applications/%s/fulfil", app), "with the fulfil action");
	has_str(BODY, fmt("/applications/%s/fail", app), "and marking it failed");
	is_int(post(&op, fmt("/applications/%s/fulfil", app), form("csrf", op.csrf, NULL)), 303,
	       "the operator fulfils");
	is_int(get(&cm, fmt("/applications/%s", app)), 200, "the applicant sees the result");
	link_id(BODY, "/accounts/", "アカウントを表示", acc);
	ok(acc[0], "it links to the new account");
	is_int(get(&op, fmt("/accounts/%s", acc)), 200, "the account exists");
	has_str(BODY, "sato@ca.example.jp", "with the address applied for");
	has_str(BODY, account_status_label(ACCOUNT_PENDING, 0), "pending until the set-up");
	lacks_str(BODY, "/setup/", "the set-up link is mailed, not shown");

	/* The printable declaration. */
	is_int(get(&cm, fmt("/applications/%s/declaration", app)), 200, "the declaration form");
	has_str(BODY, "本人確認申告書", "titled as the prescribed form");
	has_str(BODY, "<link rel=\"stylesheet\" href=\"/static/gcas.css\">",
	        "links the stylesheet holding the print rules");
	has_str(BODY, "decl-form__sign-line", "has signature lines");
	has_str(BODY, "住民記録システム", "names the system");
	lacks_str(BODY, "<script", "no script");
	lacks_str(BODY, "<style", "no style element");
	lacks_str(BODY, " style=", "no style attribute");
	is_int(get(&pmb, fmt("/applications/%s/declaration", app)), 403,
	       "B's project manager may not read it");

	/* Withdrawing; a manager of another agency cannot. */
	is_int(
	    post(&cm, "/applications/new",
	         form("csrf", cm.csrf, "kind", "create", "org_id", ca, "email",
	              "kato@ca.example.jp", "family_name", "加藤", "given_name", "三郎",
	              "family_kana", "カトウ", "given_kana", "サブロウ", "role", "contractor_staff",
	              "reason", "増員", "verified_on", "2024-04-01", "scope", "contractor_nda",
	              "system_name", "住民記録システム", "nda_confirmed", "1", "draft", "1", NULL)),
	    303, "saved as a draft");
	app_id_of(LOCATION, app2);
	has_str(LOCATION, "done=draft", "confirmed as a draft");
	is_int(get(&cm, fmt("/applications/%s", app2)), 200, "the draft");
	has_str(BODY, fmt("/applications/%s/submit", app2), "offers submitting");
	is_int(post(&cmb, fmt("/applications/%s/withdraw", app2), form("csrf", cmb.csrf, NULL)),
	       403, "another agency's manager may not withdraw it");
	is_int(post(&cm, fmt("/applications/%s/withdraw", app2),
	            form("csrf", cm.csrf, "withdraw_reason", "不要になった", NULL)),
	       303, "the applicant withdraws it");
	is_int(get(&cm, fmt("/applications/%s", app2)), 200, "withdrawn");
	has_str(BODY, app_state_label(APP_WITHDRAWN, 0), "shows the state");
	has_str(BODY, "不要になった", "and the reason in the history");

	/* Account pages send managers to the application forms. */
	is_int(get(&ma, "/accounts/new"), 303, "a manager's issue form redirects");
	has_str(LOCATION, "/applications/new?kind=create", "to the create application");
	is_int(get(&op, "/accounts/new"), 200, "the operator keeps direct issuance");
	is_int(get(&ma, fmt("/accounts/%s", sa.id)), 200, "A's manager: a staff member's page");
	has_str(BODY, "kind=change", "offers applying for a change");
	has_str(BODY, "kind=delete", "and for deletion");
	lacks_str(BODY, fmt("/accounts/%s/edit", sa.id), "not editing directly");
	is_int(get(&ma, fmt("/applications/new?kind=change&account=%s", sa.id)), 200,
	       "the change form");
	has_str(BODY, "value=\"staff@a.example.jp\"", "filled with the stored values");
	is_int(get(&mb, fmt("/applications/new?kind=delete&account=%s", sa.id)), 403,
	       "B's manager: a deletion form for A's staff is refused");
	is_int(post(&ma, "/applications/new",
	            form("csrf", ma.csrf, "kind", "delete", "account_id", sa.id, "reason", "",
	                 "departure_on", "2030-04-01", NULL)),
	       422, "a deletion without a reason: 422");
	has_str(BODY, "value=\"2030-04-01\"", "keeps the departure date");

	/* The monthly report. */
	is_int(get(&op, "/reports/slo?month=2026-04"), 200, "the operator's SLO report");
	has_str(BODY, "2026-04", "for the month asked");
	has_str(BODY, app_kind_label(APP_CREATE, 0), "a line per kind");
	has_str(BODY, "実施不可", "failed applications in a column of their own");
	has_str(BODY, "承認された月", "says an application counts in the month of its approval");
	has_str(BODY, "未処理（期限超過）の合計で割った", "and that open breaches lower the rate");
	is_int(get(&op, "/reports/slo?month=2026-13"), 400, "a bad month: 400");
	is_int(get(&ma, "/reports/slo"), 403, "a manager may not read it");

	pages_done();
	return tap_done();
}
