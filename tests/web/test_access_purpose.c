/* SPDX-License-Identifier: MIT */
/* R7.2 (regulation §5.2.2): the operator reads user information only with a recorded reason.
 * Without a live purpose the account pages send the operator to /access-purpose (303) and the
 * API answers 428; bad declarations re-render with messages (422) and store nothing; a declared
 * purpose lets the reads through, each audited (account.view / account.list) with its reason;
 * it lapses after privacy.purpose_ttl (fixed clock) and ends with the session; agency managers
 * read their own agency's people without any of this; others may not declare one. Also the
 * svc checks of a purpose and of the GCAS-Access-Purpose header. */
#include "base/clock.h"
#include "svc/privacy.h"
#include "test_purpose.h"

#define T0 1790000000 /* 2026-09-21 */

static char op_org[33], ag[33], staff[33], op_token[128], mgr_token[128];
static struct who op, mgr;

static void test_checks(void)
{
	struct verrs ve = {0};
	struct arena *a = arena_new(0);
	struct access_purpose p;
	char r200[201], r201[202];
	memset(r200, 'x', 200);
	r200[200] = '\0';
	memset(r201, 'x', 201);
	r201[201] = '\0';
	is_int(purpose_check("operations", "INQ-1", &ve), 0, "check: operations with a reason");
	for (int i = 0; i < PURPOSE__MAX; i++)
		ok(purpose_label_find(purpose_labels[i].key) == &purpose_labels[i],
		   "check: category %s is known", purpose_labels[i].key);
	is_int(purpose_check("legal", r200, &ve), 0, "check: 200 characters are enough");
	is_int(purpose_check("legal",
	                     "照会番号"
	                     "\xE3\x80\x80"
	                     "第42号",
	                     &ve),
	       0, "check: Japanese text with an ideographic space");
	is_int((int)ve.n, 0, "  no messages so far");
	is_int(purpose_check("legal", r201, &ve), -1, "check: 201 characters are refused");
	is_str(ve.e[0].field, "reason", "  on the reason");
	ve.n = 0;
	is_int(purpose_check("curiosity", "INQ-1", &ve), -1, "check: an unknown category");
	is_str(ve.e[0].field, "purpose", "  on the purpose");
	ve.n = 0;
	is_int(purpose_check(NULL, "", &ve), -1, "check: nothing at all");
	is_int((int)ve.n, 2, "  two messages");
	ve.n = 0;
	is_int(purpose_check("legal", "line\nbreak", &ve), -1, "check: a newline is refused");
	is_int(purpose_check("legal", "tab\there", &ve), -1, "check: a tab is refused");
	is_int(purpose_check("legal", "c1\xC2\x85", &ve), -1, "check: a C1 control is refused");
	is_int(purpose_check("legal", "bad\xC3", &ve), -1, "check: invalid UTF-8 is refused");
	ve.n = 0;
	is_int(purpose_parse_header(a, "  security ;  CERT-7 ", &p, &ve), GCAS_OK,
	       "header: parsed with blanks");
	is_str(p.category, "security", "  category");
	is_str(p.reason, "CERT-7", "  reason trimmed");
	is_int(purpose_parse_header(a, "security; a; b", &p, &ve), GCAS_OK,
	       "header: a ; in the reason is kept");
	is_str(p.reason, "a; b", "  reason");
	is_int(purpose_parse_header(a, "security", &p, &ve), GCAS_ERR_INVALID,
	       "header: no reason part");
	is_int(purpose_parse_header(a, "security;   ", &p, &ve), GCAS_ERR_INVALID,
	       "header: an empty reason");
	is_int(purpose_parse_header(a, NULL, &p, &ve), GCAS_ERR_INVALID, "header: absent");
	is_int(purpose_parse_header(a, "Operations; x", &p, &ve), GCAS_ERR_INVALID,
	       "header: category keys are exact");
	arena_free(a);
}

static void test_no_purpose(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/accounts/%s", staff);
	is_int(get(&op, "/accounts"), 303, "operator, no purpose: /accounts is redirected");
	is_str(LOCATION, "/access-purpose?next=%2Faccounts", "  to the form, coming back after");
	is_int(get(&op, fmt("%s?x=1", path)), 303, "operator, no purpose: an account page too");
	is_str(LOCATION, fmt("/access-purpose?next=%%2Faccounts%%2F%s%%3Fx%%3D1", staff),
	       "  with its path and query");
	is_int(get(&op, fmt("%s/edit", path)), 303, "operator, no purpose: the edit form too");
	is_str(LOCATION, fmt("/access-purpose?next=%%2Faccounts%%2F%s%%2Fedit", staff),
	       "  (it shows the person's details)");
	is_int(api_call(op_token, fmt("/api/v1%s", path), NULL, NULL), 428,
	       "API without the header: 428");
	has_str(BODY, "GCAS-Access-Purpose", "  names the header");
	has_str(BODY, "\"operations\"", "  and the categories");
	is_int(api_call(op_token, "/api/v1/accounts", NULL, NULL), 428, "API list without it: 428");
	is_int(api_call(op_token, fmt("/api/v1%s", path), "curiosity; because", NULL), 428,
	       "API with an unknown category: 428");
	has_str(BODY, "\"errors\"", "  says what was wrong");
	is_int(api_call(op_token, fmt("/api/v1%s", path), "operations", NULL), 428,
	       "API with no reason: 428");
	is_int(wt_audit_count(&W, "account.view", NULL), 0, "no account.view was recorded");
	is_int(wt_audit_count(&W, "account.list", NULL), 0, "nor account.list");
}

static void test_bad_declarations(void)
{
	char r201[202];
	memset(r201, 'y', 201);
	r201[201] = '\0';
	is_int(get(&op, "/access-purpose?next=/accounts"), 200, "the form");
	has_str(BODY, "name=\"purpose\"", "  a purpose select");
	has_str(BODY, "value=\"security\"", "  offering the regulation's cases");
	has_str(BODY, "name=\"reason\"", "  a reason field");
	has_str(BODY, "name=\"csrf\"", "  a CSRF token");
	has_str(BODY, "value=\"/accounts\"", "  the page to return to");
	has_str(BODY, "利用者情報の閲覧目的", "  Japanese first");
	is_int(get(&op, "/access-purpose?next=//evil.example/x"), 200, "a foreign next");
	lacks_str(BODY, "value=\"//evil.example", "  is not carried");
	has_str(BODY, "name=\"next\" value=\"/accounts\"", "  the account list instead");

	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "legal", "reason", "", "next", "/accounts",
	                 NULL)),
	       422, "an empty reason: 422");
	has_str(BODY, "理由(問い合わせ番号など)を入力してください", "  says a reason is needed");
	has_str(BODY, "<option value=\"legal\" selected", "  keeps the category chosen");
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "curiosity", "reason", "INQ-9", NULL)),
	       422, "an unknown category: 422");
	has_str(BODY, "利用目的を選んでください", "  says to choose one");
	has_str(BODY, "value=\"INQ-9\"", "  keeps the reason typed");
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "legal", "reason", r201, NULL)),
	       422, "201 characters: 422");
	has_str(BODY, "200文字以内", "  says the limit");
	has_str(BODY, r201, "  keeps what was typed");
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "legal", "reason",
	                 "INQ\x01"
	                 "9",
	                 NULL)),
	       422, "a control character: 422");
	has_str(BODY, "使えない文字", "  says so");
	is_int(post(&op, "/access-purpose",
	            form("csrf", "wrong", "purpose", "legal", "reason", "INQ-9", NULL)),
	       403, "a wrong CSRF token: 403");
	is_int(wt_audit_count(&W, "privacy.purpose", NULL), 0, "nothing was declared");
	is_int(get(&op, "/accounts"), 303, "and the list still asks for a purpose");
}

static void test_declared(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/accounts/%s", staff);
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "legal", "reason", "照会 INQ-2026-0042",
	                 "next", path, NULL)),
	       303, "a good declaration");
	is_str(LOCATION, path, "  returns to the page asked for");
	is_int(wt_audit_count(&W, "privacy.purpose", "ok"), 1, "  audited (privacy.purpose)");
	has_str(last_detail("privacy.purpose"), "INQ-2026-0042", "  with the reason");
	has_str(last_detail("privacy.purpose"), "\"legal\"", "  and the category");

	is_int(get(&op, path), 200, "now the account page opens");
	has_str(BODY, "staff@ag.example.jp", "  showing the person");
	has_str(BODY, "法律又は政令に基づく開示義務", "  with a notice of the purpose");
	has_str(BODY, "INQ-2026-0042", "  and its reason");
	has_str(BODY, "2026-09-21 23:", "  and when it ends (30 minutes, Japan time)");
	is_int(wt_audit_count(&W, "account.view", NULL), 1, "one account.view record");
	has_str(last_detail("account.view"), "INQ-2026-0042", "  holding the reason");
	has_str(last_detail("account.view"), "\"category\":\"legal\"", "  and the category");

	is_int(get(&op, "/accounts?q=staff"), 200, "the list opens");
	is_int(wt_audit_count(&W, "account.list", NULL), 1, "one account.list record");
	has_str(last_detail("account.list"), "\"q\":\"staff\"", "  with the query");
	has_str(last_detail("account.list"), "\"count\":\"1\"", "  and the number shown");
	has_str(last_detail("account.list"), "INQ-2026-0042", "  and the reason");

	is_int(api_call(op_token, fmt("/api/v1%s", path), "security; CERT-2026-7", NULL), 200,
	       "API with a good header: 200");
	has_str(BODY, "staff@ag.example.jp", "  the account");
	is_int(wt_audit_count(&W, "account.view", NULL), 2, "  recorded");
	has_str(last_detail("account.view"), "CERT-2026-7", "  with the header's reason");
	is_int(api_call(op_token, "/api/v1/accounts", "published; notice 12", NULL), 200,
	       "API list with the header: 200");
	is_int(wt_audit_count(&W, "account.list", NULL), 2, "  recorded");
	has_str(last_detail("account.list"), "notice 12", "  with its reason");

	/* The session's purpose also serves the API when called with the session. */
	struct wt_resp r;
	wt_request(&W, "GET", fmt("/api/v1%s", path), op.cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 200, "API with the session and no header: the session's purpose");
	wt_resp_free(&r);
	has_str(last_detail("account.view"), "INQ-2026-0042", "  recorded with it");
}

static void test_expiry_and_signout(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/accounts/%s", staff);
	clock_fix(T0 + 30 * 60 - 1);
	is_int(get(&op, path), 200, "29:59 later the purpose still holds");
	clock_fix(T0 + 30 * 60);
	is_int(get(&op, path), 303, "at 30 minutes it has lapsed: asked again");
	ok(LOCATION && strncmp(LOCATION, "/access-purpose", 15) == 0, "  to the form");
	long views = wt_audit_count(&W, "account.view", NULL);
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "operations", "reason", "renewed", NULL)),
	       303, "declared again");
	is_str(LOCATION, "/accounts", "  next defaults to the account list");
	is_int(get(&op, path), 200, "  the page opens");
	is_int(wt_audit_count(&W, "account.view", NULL), views + 1, "  and is recorded");

	is_int(post(&op, "/signout", form("csrf", op.csrf, NULL)), 303, "sign-out");
	ok(wt_login(&W, op.id, op.cookie, op.csrf) == 0, "signed in again");
	is_int(get(&op, path), 303, "the new session has no purpose: asked again");
	is_int(wt_audit_count(&W, "account.view", NULL), views + 1, "  nothing read");
}

static void test_others(void)
{
	char path[64];
	long views = wt_audit_count(&W, "account.view", NULL);
	long lists = wt_audit_count(&W, "account.list", NULL);
	snprintf(path, sizeof(path), "/accounts/%s", staff);
	is_int(get(&mgr, "/accounts"), 200, "an agency manager lists their people, no purpose");
	is_int(get(&mgr, path), 200, "  and opens one");
	lacks_str(BODY, "閲覧目的", "  with no purpose notice");
	is_int(api_call(mgr_token, fmt("/api/v1%s", path), NULL, NULL), 200,
	       "  and through the API");
	is_int(api_call(mgr_token, "/api/v1/accounts", NULL, NULL), 200, "  the list too");
	is_int(wt_audit_count(&W, "account.view", NULL), views, "  no account.view record");
	is_int(wt_audit_count(&W, "account.list", NULL), lists, "  no account.list record");

	is_int(get(&mgr, "/access-purpose"), 403, "the form is the operator's only");
	is_int(post(&mgr, "/access-purpose",
	            form("csrf", mgr.csrf, "purpose", "operations", "reason", "INQ-1", NULL)),
	       403, "a manager posting a purpose: 403");
	is_int(wt_audit_count(&W, "privacy.purpose", "denied"), 1, "  the refusal is audited");
}

int main(void)
{
	char dummy[33];
	clock_fix(T0);
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", ag) == 0,
	   "operator organisation and an agency");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, ag, "mgr@ag.example.jp", &mgr) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, ag, "staff@ag.example.jp", staff) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, ag, "other@ag.example.jp", dummy) == 0 &&
	       wt_token(&W, op.id, "read", op_token) == 0 &&
	       wt_token(&W, mgr.id, "read", mgr_token) == 0,
	   "an operator, a manager and their staff, signed in, with API tokens");
	is_int((int)W.cfg.purpose_ttl, 30 * 60, "privacy.purpose_ttl is 30 minutes");
	test_checks();
	test_no_purpose();
	test_bad_declarations();
	test_declared();
	test_others();
	test_expiry_and_signout();
	clock_fix(-1);
	pages_done();
	return tap_done();
}
