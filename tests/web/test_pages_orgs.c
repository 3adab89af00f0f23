/* SPDX-License-Identifier: MIT */
/* Organisation pages: the list scoped to the viewer, registering an agency (with the code
 * checked and kept on error), creating a project team, the detail view offering only what the
 * matrix allows, renaming, and refusals across agencies (403, recorded, nothing changed). */
#include "test_pages.h"

int main(void)
{
	char op_org[33], a[33], b[33], pj[33];
	struct who op, ma, sa, mb;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0,
	   "operator, agency A and agency B");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "staff@a.example.jp", &sa) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0,
	   "an operator, A's manager and staff, B's manager, all signed in");

	/* The operator sees everything and may register agencies. */
	is_int(get(&op, "/orgs"), 200, "operator: list");
	has_str(BODY, "甲市", "lists agency A");
	has_str(BODY, "乙省", "lists agency B");
	has_str(BODY, "/orgs/new?kind=agency", "offers registering an agency");
	is_int(get(&op, "/orgs?kind=project"), 200, "kind filter");
	lacks_str(BODY, "甲市", "the project filter leaves agencies out");
	is_int(get(&op, "/orgs/new?kind=agency"), 200, "operator: new agency form");
	has_str(BODY, "全国地方公共団体コード", "the code hint explains the local government code");
	has_str(BODY, "検査数字", "and its check digit");

	/* Bad input re-renders with the messages and what was typed. */
	is_int(post(&op, "/orgs/new",
	            form("csrf", op.csrf, "kind", "agency", "name", "丙町", "agency_type", "local",
	                 "code", "131017", NULL)),
	       422, "a wrong check digit is refused with 422");
	has_str(BODY, "検査数字）が正しくありません", "the check digit message is shown");
	has_str(BODY, "value=\"131017\"", "the typed code is kept");
	has_str(BODY, "value=\"丙町\"", "the typed name is kept");
	has_str(BODY, "value=\"local\" checked", "the chosen type stays chosen");
	is_int(post(&op, "/orgs/new", form("csrf", op.csrf, "kind", "agency", "name", "", NULL)),
	       422, "missing fields: 422");
	has_str(BODY, "種別を選んでください", "the type is asked for");
	has_str(BODY, "error-summary", "with an error summary");

	/* CSRF missing: refused, nothing created. */
	long before = wt_audit_count(&W, "org.create_agency", NULL);
	is_int(post(&op, "/orgs/new",
	            form("kind", "agency", "name", "丁村", "agency_type", "local", "code", "011002",
	                 NULL)),
	       403, "no CSRF token: 403");
	is_int(wt_audit_count(&W, "org.create_agency", NULL), before, "and no agency was created");

	/* Success: redirect to the new organisation, which then appears in the list. */
	is_int(post(&op, "/orgs/new",
	            form("csrf", op.csrf, "kind", "agency", "name", "丙町", "agency_type", "local",
	                 "code", "011002", NULL)),
	       303, "a valid agency is registered");
	ok(LOCATION && strncmp(LOCATION, "/orgs/", 6) == 0 && strstr(LOCATION, "?done=created"),
	   "redirects to its page");
	const char *loc = fmt("%s", LOCATION ? LOCATION : "/");
	is_int(get(&op, loc), 200, "the new agency's page");
	has_str(BODY, "組織を作成しました", "confirms the creation");
	has_str(BODY, "011002", "shows the code");
	has_str(BODY, "丙町 PMO", "links its PMO group");
	is_int(get(&op, "/orgs"), 200, "list again");
	has_str(BODY, "丙町", "the created agency is listed");

	/* Agency A's manager: only their agency; may create a project team in it. */
	is_int(get(&ma, "/orgs"), 200, "A's manager: list");
	has_str(BODY, "甲市", "sees agency A");
	lacks_str(BODY, "乙省", "does not see agency B");
	lacks_str(BODY, "kind=agency", "is not offered registering agencies");
	is_int(get(&ma, fmt("/orgs/%s", a)), 200, "A's manager: agency A");
	has_str(BODY, fmt("/orgs/new?kind=project&amp;parent=%s", a), "offers a project team");
	/* 別表1: managers apply for accounts (/applications/new); issuing is the operator's. */
	lacks_str(BODY, fmt("/accounts/new?org=%s", a), "no direct issuing for a manager");
	has_str(BODY, "名称の変更", "offers renaming");
	has_str(BODY, "mgr@a.example.jp", "lists the agency's accounts");
	is_int(get(&sa, fmt("/orgs/%s", a)), 200, "A's staff: agency A");
	lacks_str(BODY, "kind=project", "staff are not offered a project team");
	lacks_str(BODY, "/accounts/new", "nor issuing accounts");
	lacks_str(BODY, "名称の変更", "nor renaming");
	is_int(get(&ma, "/orgs/new?kind=agency"), 403, "A's manager may not register agencies");
	is_int(get(&ma, fmt("/orgs/new?kind=project&parent=%s", a)), 200, "project form");
	has_str(BODY, "甲市", "names the parent agency");
	is_int(post(&ma, "/orgs/new",
	            form("csrf", ma.csrf, "kind", "project", "parent_id", a, "name",
	                 "住民記録システム", NULL)),
	       303, "A's manager creates a project team");
	is_int(get(&ma, fmt("%s", LOCATION ? LOCATION : "/")), 200, "its page");
	has_str(BODY, "住民記録システム", "named");
	has_str(BODY, "開発運用委託業者を追加", "offers adding a contractor");
	link_id(BODY, "/orgs/", "甲市", pj);
	ok(pj[0] != '\0', "links back to its agency");
	is_int(get(&ma, fmt("/orgs/%s", a)), 200, "agency A again");
	has_str(BODY, "住民記録システム", "lists the project team under the agency");

	/* Across agencies: refused, recorded, nothing changed. */
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&ma, fmt("/orgs/%s", b)), 403, "A's manager opening agency B: 403");
	has_str(BODY, "権限がありません", "the 403 page says why");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 1,
	       "the refusal is recorded");
	is_int(
	    post(&ma, fmt("/orgs/%s/rename", b), form("csrf", ma.csrf, "name", "乗っ取り", NULL)),
	    403, "renaming agency B: 403");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 2, "recorded too");
	is_int(post(&ma, "/orgs/new",
	            form("csrf", ma.csrf, "kind", "project", "parent_id", b, "name", "侵入", NULL)),
	       403, "a project team under agency B: 403");
	is_int(get(&ma, fmt("/orgs/new?kind=project&parent=%s", b)), 403,
	       "and its form is refused too");
	is_int(get(&mb, fmt("/orgs/%s", b)), 200, "B's manager: agency B");
	has_str(BODY, "乙省", "still has its name");
	lacks_str(BODY, "乗っ取り", "unchanged");
	is_int(get(&mb, "/orgs"), 200, "B's list");
	lacks_str(BODY, "侵入", "holds no intruding project team");
	is_int(get(&op, "/orgs/00000000000000000000000000000000"), 404, "an unknown id: 404");

	/* Renaming: bad input keeps the typed text; a valid name is saved. */
	is_int(
	    post(&ma, fmt("/orgs/%s/rename", a), form("csrf", ma.csrf, "name", " 甲市役所", NULL)),
	    422, "a name with a leading space: 422");
	has_str(BODY, "先頭または末尾の空白", "says what is wrong");
	has_str(BODY, "value=\" 甲市役所\"", "keeps the typed name");
	is_int(
	    post(&ma, fmt("/orgs/%s/rename", a), form("csrf", ma.csrf, "name", "甲市役所", NULL)),
	    303, "a valid rename");
	is_int(get(&ma, fmt("/orgs/%s", a)), 200, "agency A");
	has_str(BODY, "<h1>甲市役所</h1>", "has its new name");
	is_int(post(&sa, fmt("/orgs/%s/rename", a),
	            form("csrf", sa.csrf, "name", "職員による変更", NULL)),
	       403, "A's staff may not rename");

	/* English. */
	is_int(get(&op, "/orgs?lang=en"), 200, "list in English");
	has_str(BODY, "Register an agency", "English button");
	has_str(BODY, "User agency", "English kind label");
	is_int(get(&op, fmt("/orgs/%s?lang=en", a)), 200, "detail in English");
	has_str(BODY, "PMO group", "English detail");
	is_int(get(&op, "/orgs/new?kind=agency&lang=en"), 200, "form in English");
	has_str(BODY, "check digit", "English hint");
	pages_done();
	return tap_done();
}
