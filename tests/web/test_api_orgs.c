/* SPDX-License-Identifier: MIT */
/* /api/v1/orgs: listing within one's agency, creating agencies (operator), project teams and
 * contractors, reading and renaming; malformed bodies (400), refusals by the matrix (403, with
 * nothing changed and the denial audited), unknown ids (404), duplicate codes (409) and invalid
 * local-government check digits (422). */
#include "test_api.h"

static char op_org[33], agA[33], agB[33], projA[33], projB[33];
static char op[33], mA[33], mB[33];
static char t_op[128], t_mA[128], t_mA_ro[128], t_mB[128];

static int setup(void)
{
	return wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) ||
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agA) ||
	       wt_org(&W, ORG_AGENCY, NULL, "総務省", "soumu", agB) ||
	       wt_org(&W, ORG_PROJECT, agA, "住民記録システム", NULL, projA) ||
	       wt_org(&W, ORG_PROJECT, agB, "統計システム", NULL, projB) ||
	       wt_account(&W, ROLE_OPERATOR, op_org, "ops@gcas.go.jp", op) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agA, "mgr-a@digital.go.jp", mA) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agB, "mgr-b@soumu.go.jp", mB) ||
	       wt_token(&W, op, "read write", t_op) || wt_token(&W, mA, "read write", t_mA) ||
	       wt_token(&W, mA, "read", t_mA_ro) || wt_token(&W, mB, "read write", t_mB);
}

/* 1 when the last list response has an item with this id. */
static int listed(const char *id)
{
	json_t *items = json_object_get(J, "items"), *it;
	size_t i;
	json_array_foreach(items, i, it) if (strcmp(jstr_in(it, "id"), id) == 0) return 1;
	return 0;
}

static long org_count(const char *token)
{
	call("GET", "/api/v1/orgs?limit=500", token, NULL);
	return nitems();
}

static void test_list(void)
{
	is_int(call("GET", "/api/v1/orgs", t_op, NULL), 200, "operator lists organisations");
	ok(listed(agA) && listed(agB) && listed(projB), "the operator sees every agency");
	ok(json_is_null(json_object_get(J, "next_cursor")), "one page: next_cursor is null");
	json_t *first = json_array_get(json_object_get(J, "items"), 0);
	ok(jstr_in(first, "id") && jstr_in(first, "kind") && jstr_in(first, "name"),
	   "items carry id, kind, name");
	const char *at = jstr_in(first, "created_at");
	ok(at && strlen(at) == 20 && at[10] == 'T' && at[19] == 'Z', "created_at is RFC 3339 UTC");

	is_int(call("GET", "/api/v1/orgs", t_mA, NULL), 200, "an agency manager lists");
	ok(listed(agA) && listed(projA), "their agency and its project teams");
	ok(!listed(agB) && !listed(projB), "nothing of another agency (R7.1)");

	is_int(call("GET", "/api/v1/orgs?kind=project", t_mA, NULL), 200, "filter by kind");
	ok(nitems() == 1 && listed(projA), "only the project team");
	is_int(call("GET", "/api/v1/orgs?kind=ministry", t_mA, NULL), 400, "unknown kind → 400");
	ok(is_problem(400, "/kind"), "the problem points at kind");

	is_int(call("GET", "/api/v1/orgs?limit=2", t_op, NULL), 200, "limit=2");
	is_int(nitems(), 2, "two items");
	const char *cur = js("next_cursor");
	ok(cur != NULL, "and a next_cursor");
	char next[256];
	snprintf(next, sizeof(next), "/api/v1/orgs?limit=2&cursor=%s", cur ? cur : "");
	is_int(call("GET", next, t_op, NULL), 200, "the next page");
	ok(nitems() >= 1, "has the rest");

	static const char *const bad[] = {"limit=0", "limit=501", "limit=abc",
	                                  "limit=",  "limit=-5",  "limit=1e2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char url[64];
		snprintf(url, sizeof(url), "/api/v1/orgs?%s", bad[i]);
		call("GET", url, t_op, NULL);
		ok(is_problem(400, "/limit"), "?%s → 400 pointing at limit", bad[i]);
	}
	static const char *const badcur[] = {"cursor=%21%21%21", "cursor=", "cursor=_w",
	                                     "cursor=AA"};
	for (size_t i = 0; i < sizeof(badcur) / sizeof(badcur[0]); i++) {
		char url[64];
		snprintf(url, sizeof(url), "/api/v1/orgs?%s", badcur[i]);
		call("GET", url, t_op, NULL);
		ok(is_problem(400, "/cursor"), "?%s → 400 pointing at cursor", badcur[i]);
	}
}

static void test_create(void)
{
	long before = org_count(t_op);
	is_int(call("POST", "/api/v1/orgs", t_op,
	            "{\"kind\":\"agency\",\"name\":\"札幌市\",\"agency_type\":\"local\","
	            "\"code\":\"011002\"}"),
	       201, "the operator registers a local government");
	char id[33];
	take_id("id", id);
	char loc[128];
	snprintf(loc, sizeof(loc), "/api/v1/orgs/%s", id);
	is_str(LOCATION, loc, "Location names the new organisation");
	is_str(js("kind"), "agency", "kind");
	is_str(js("code"), "011002", "code");
	is_str(js("agency_type"), "local", "agency_type");
	is_str(js("agency_id"), id, "an agency is its own agency");
	ok(json_is_null(json_object_get(J, "parent_id")), "no parent");
	is_int(org_count(t_op), before + 1, "one more organisation");
	is_int(call("GET", loc, t_op, NULL), 200, "readable at Location");
	is_str(js("name"), "札幌市", "with its name");

	is_int(call("POST", "/api/v1/orgs", t_op,
	            "{\"kind\":\"agency\",\"name\":\"札幌市（重複）\",\"agency_type\":\"local\","
	            "\"code\":\"011002\"}"),
	       409, "the same code again → 409");
	ok(is_problem(409, "/code"), "pointing at code");

	is_int(call("POST", "/api/v1/orgs", t_op,
	            "{\"kind\":\"agency\",\"name\":\"どこか市\",\"agency_type\":\"local\","
	            "\"code\":\"011001\"}"),
	       422, "a wrong JIS X 0402 check digit → 422");
	ok(is_problem(422, "/code"), "pointing at code");
	has_str(BODY, "detail_ja", "errors carry a Japanese detail too");
	is_int(call("POST", "/api/v1/orgs", t_op,
	            "{\"kind\":\"operator\",\"name\":\"第二運用チーム\"}"),
	       422, "kind operator cannot be created");
	ok(is_problem(422, "/kind"), "pointing at kind");
	is_int(call("POST", "/api/v1/orgs", t_op, "{\"kind\":\"agency\",\"name\":\"\"}"), 422,
	       "an empty name and missing type → 422");
	ok(is_problem(422, "/name") && is_problem(422, "/agency_type"), "both reported at once");

	char body[256];
	snprintf(body, sizeof(body),
	         "{\"kind\":\"project\",\"name\":\"マイナポータル\",\"parent_id\":\"%s\"}", agA);
	is_int(call("POST", "/api/v1/orgs", t_mA, body), 201,
	       "an agency manager creates a project team in their agency");
	is_str(js("agency_id"), agA, "inside agency A");
	is_str(js("parent_id"), agA, "parent is the agency");
	take_id("id", id);
	is_str(js("project_id"), id, "a project team is its own project");
	snprintf(body, sizeof(body),
	         "{\"kind\":\"contractor\",\"name\":\"株式会社テスト\",\"parent_id\":\"%s\"}", id);
	is_int(call("POST", "/api/v1/orgs", t_mA, body), 201, "and attaches a contractor to it");
	is_str(js("project_id"), id, "the contractor sits in the project team");
	snprintf(body, sizeof(body),
	         "{\"kind\":\"contractor\",\"name\":\"株式会社テスト\",\"parent_id\":\"%s\"}",
	         "ffffffffffffffffffffffffffffffff");
	is_int(call("POST", "/api/v1/orgs", t_mA, body), 422, "an unknown parent → 422");
	ok(is_problem(422, "/parent_id"), "pointing at parent_id");
}

static void test_refusals(void)
{
	char body[256];
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	long b_before = org_count(t_mB);
	snprintf(body, sizeof(body),
	         "{\"kind\":\"project\",\"name\":\"越境プロジェクト\",\"parent_id\":\"%s\"}", agB);
	is_int(call("POST", "/api/v1/orgs", t_mA, body), 403,
	       "agency A's manager cannot create a project team in agency B");
	ok(is_problem(403, NULL), "as a problem");
	is_int(org_count(t_mB), b_before, "nothing was created in agency B");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 1,
	       "the refusal is audited");

	is_int(call("POST", "/api/v1/orgs", t_mA,
	            "{\"kind\":\"agency\",\"name\":\"偽庁\",\"agency_type\":\"ministry\","
	            "\"code\":\"fake\"}"),
	       403, "an agency manager cannot register agencies");

	long a_before = org_count(t_mA);
	snprintf(body, sizeof(body),
	         "{\"kind\":\"project\",\"name\":\"読み取り専用\",\"parent_id\":\"%s\"}", agA);
	is_int(call("POST", "/api/v1/orgs", t_mA_ro, body), 403, "a read-only token cannot create");
	is_int(org_count(t_mA), a_before, "and nothing was created");

	char url[128];
	snprintf(url, sizeof(url), "/api/v1/orgs/%s", agB);
	is_int(call("GET", url, t_mA, NULL), 403, "agency A's manager cannot read agency B");
	is_int(call("PATCH", url, t_mA, "{\"name\":\"乗っ取り\"}"), 403, "nor rename it");
	is_int(call("GET", url, t_mB, NULL), 200, "agency B reads itself");
	is_str(js("name"), "総務省", "its name is unchanged");
	snprintf(url, sizeof(url), "/api/v1/orgs/%s", projB);
	is_int(call("PATCH", url, t_mA, "{\"name\":\"乗っ取り\"}"), 403,
	       "nor rename agency B's project team");
	is_int(call("GET", url, t_op, NULL), 200, "the operator reads it");
	is_str(js("name"), "統計システム", "unchanged");

	is_int(call("GET", "/api/v1/orgs/0123456789abcdef0123456789abcdef", t_op, NULL), 404,
	       "an unknown id → 404");
	ok(is_problem(404, NULL), "as a problem");
	is_int(call("PATCH", "/api/v1/orgs/0123456789abcdef0123456789abcdef", t_op,
	            "{\"name\":\"なし\"}"),
	       404, "renaming an unknown id → 404");
}

static void test_rename(void)
{
	char url[128];
	snprintf(url, sizeof(url), "/api/v1/orgs/%s", projA);
	is_int(call("PATCH", url, t_mA, "{\"name\":\"住民記録システム2\"}"), 200,
	       "an agency manager renames their project team");
	is_str(js("name"), "住民記録システム2", "the answer has the new name");
	is_int(call("GET", url, t_mA, NULL), 200, "read again");
	is_str(js("name"), "住民記録システム2", "the name was stored");
	is_int(call("PATCH", url, t_mA, "{\"name\":\" 先頭に空白\"}"), 422,
	       "a name with a leading space → 422");
	ok(is_problem(422, "/name"), "pointing at name");
	is_int(call_full("PATCH", url, t_mA, NULL, NULL, "application/merge-patch+json",
	                 "{\"name\":\"住民記録システム3\"}"),
	       200, "application/merge-patch+json is accepted");
	is_int(call("PATCH", url, t_mA_ro, "{\"name\":\"読み取り\"}"), 403,
	       "a read-only token cannot rename");
	is_int(call("GET", url, t_mA, NULL), 200, "read again");
	is_str(js("name"), "住民記録システム3", "unchanged by the refused call");
}

static void test_malformed(void)
{
	char url[128], big[512];
	snprintf(url, sizeof(url), "/api/v1/orgs/%s", projA);
	static const struct {
		const char *body, *ptr, *what;
	} cases[] = {
	    {"{\"name\":", NULL, "malformed JSON"},
	    {"[\"name\"]", NULL, "a body that is not an object"},
	    {"{\"name\":\"x\",\"colour\":\"red\"}", "/colour", "an unknown member"},
	    {"{\"name\":42}", "/name", "a number where a string belongs"},
	    {"{\"name\":null}", "/name", "null where a string belongs"},
	    {"{\"name\":\"\xff\xfe\"}", NULL, "invalid UTF-8"},
	    {"{\"name\":\"a\",\"name\":\"b\"}", NULL, "a duplicate member"},
	    {"{}", "/name", "a missing required member"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		is_int(call("PATCH", url, t_mA, cases[i].body), 400, "%s → 400", cases[i].what);
		ok(is_problem(400, cases[i].ptr) && json_is_array(json_object_get(J, "errors")),
		   "%s: problem with an errors array", cases[i].what);
	}
	memset(big, 'a', 101);
	big[101] = '\0';
	char body[600];
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", big);
	is_int(call("PATCH", url, t_mA, body), 400, "a 101-character name → 400");
	ok(is_problem(400, "/name"), "pointing at name");
	snprintf(body, sizeof(body), "{\"kind\":\"project\",\"name\":\"%s\",\"parent_id\":\"%s\"}",
	         big, agA);
	is_int(call("POST", "/api/v1/orgs", t_mA, body), 400, "also on create");
	is_int(call_full("PATCH", url, t_mA, NULL, NULL, "text/plain", "{\"name\":\"x\"}"), 415,
	       "a body that is not JSON → 415");
	is_int(call("GET", url, t_mA, NULL), 200, "read again");
	is_str(js("name"), "住民記録システム3", "no malformed call changed anything");
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	if (!ok(setup() == 0, "fixtures: operator, two agencies with managers and tokens"))
		return tap_done();
	test_list();
	test_create();
	test_refusals();
	test_rename();
	test_malformed();
	api_reset();
	wt_close(&W);
	return tap_done();
}
