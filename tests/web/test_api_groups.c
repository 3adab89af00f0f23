/* SPDX-License-Identifier: MIT */
/* /api/v1/groups: listing PMO and system groups within one's agency, reading a group with its
 * members, adding (with an optional RFC 3339 end) and removing members; refusals across
 * agencies (403, nothing changed), outside a group's scope (422), duplicates (409), unknown ids
 * (404) and malformed bodies (400). */
#include "test_api.h"

static char op_org[33], agA[33], agB[33], projA[33];
static char op[33], mA[33], sA[33], pmA[33], mB[33], sB[33];
static char t_op[128], t_mA[128], t_mA_ro[128], t_mB[128];
static char pmoA[33], sysA[33], pmoB[33];

static int setup(void)
{
	return wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) ||
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agA) ||
	       wt_org(&W, ORG_AGENCY, NULL, "総務省", "soumu", agB) ||
	       wt_org(&W, ORG_PROJECT, agA, "住民記録システム", NULL, projA) ||
	       wt_account(&W, ROLE_OPERATOR, op_org, "ops@gcas.go.jp", op) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agA, "mgr-a@digital.go.jp", mA) ||
	       wt_account(&W, ROLE_AGENCY_STAFF, agA, "staff-a@digital.go.jp", sA) ||
	       wt_account(&W, ROLE_PROJECT_MANAGER, projA, "pm-a@digital.go.jp", pmA) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agB, "mgr-b@soumu.go.jp", mB) ||
	       wt_account(&W, ROLE_AGENCY_STAFF, agB, "staff-b@soumu.go.jp", sB) ||
	       wt_token(&W, op, "read write", t_op) || wt_token(&W, mA, "read write", t_mA) ||
	       wt_token(&W, mA, "read", t_mA_ro) || wt_token(&W, mB, "read write", t_mB);
}

/* The id of the listed group of org (after a list call). */
static int group_of(const char *org, char *out)
{
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(J, "items"), i, it)
	{
		if (strcmp(jstr_in(it, "org_id"), org) == 0) {
			snprintf(out, 33, "%s", jstr_in(it, "id"));
			return 1;
		}
	}
	return 0;
}

/* 1 when the last group answer lists account among its members. */
static int is_member(const char *account)
{
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(J, "members"), i,
	                   it) if (strcmp(jstr_in(it, "account_id"), account) == 0) return 1;
	return 0;
}

static long member_count(const char *token, const char *group)
{
	char url[128];
	snprintf(url, sizeof(url), "/api/v1/groups/%s", group);
	if (call("GET", url, token, NULL) != 200)
		return -1;
	return (long)json_array_size(json_object_get(J, "members"));
}

static void test_list(void)
{
	is_int(call("GET", "/api/v1/groups", t_op, NULL), 200, "the operator lists groups");
	ok(group_of(agB, pmoB), "agency B's PMO group is there");
	is_int(call("GET", "/api/v1/groups", t_mA, NULL), 200, "agency A's manager lists groups");
	ok(group_of(agA, pmoA) && group_of(projA, sysA), "A's PMO and system groups");
	char tmp[33];
	ok(!group_of(agB, tmp), "not agency B's");
	json_t *first = json_array_get(json_object_get(J, "items"), 0);
	ok(jstr_in(first, "kind") && json_is_integer(json_object_get(first, "member_count")),
	   "items carry kind and member_count");
	is_int(call("GET", "/api/v1/groups?limit=1", t_mA, NULL), 200, "limit=1");
	is_int(nitems(), 1, "one item");
	char url[256];
	snprintf(url, sizeof(url), "/api/v1/groups?limit=1&cursor=%s", js("next_cursor"));
	is_int(call("GET", url, t_mA, NULL), 200, "the next page");
	is_int(nitems(), 1, "the other group");
	ok(json_is_null(json_object_get(J, "next_cursor")), "and no more");
	is_int(call("GET", "/api/v1/groups?cursor=%25%25", t_mA, NULL), 400, "a bad cursor → 400");
}

static void test_get(void)
{
	char url[128];
	snprintf(url, sizeof(url), "/api/v1/groups/%s", pmoA);
	is_int(call("GET", url, t_mA, NULL), 200, "read A's PMO group");
	is_str(js("kind"), "pmo", "kind pmo");
	ok(json_is_array(json_object_get(J, "members")), "with a members array");
	snprintf(url, sizeof(url), "/api/v1/groups/%s", pmoB);
	is_int(call("GET", url, t_mA, NULL), 403, "agency B's group → 403");
	is_int(call("GET", "/api/v1/groups/0123456789abcdef0123456789abcdef", t_mA, NULL), 404,
	       "an unknown group → 404");
}

static void test_members(void)
{
	char url[128], body[256];
	snprintf(url, sizeof(url), "/api/v1/groups/%s/members", pmoA);
	snprintf(body, sizeof(body), "{\"account_id\":\"%s\"}", sA);
	is_int(call("POST", url, t_mA, body), 200, "add agency staff to the PMO group");
	ok(is_member(sA), "the answer lists them");
	is_int(ji("member_count"), 1, "member_count follows");
	is_int(wt_audit_count(&W, "group.member_add", NULL), 1, "audited");
	is_int(call("POST", url, t_mA, body), 409, "adding twice → 409");
	ok(is_problem(409, "/account_id"), "pointing at account_id");

	/* A project manager belongs to a project team, not to the agency's PMO group. */
	snprintf(body, sizeof(body), "{\"account_id\":\"%s\"}", pmA);
	is_int(call("POST", url, t_mA, body), 422, "someone outside the group's scope → 422");
	ok(is_problem(422, "/account_id"), "pointing at account_id");
	snprintf(body, sizeof(body), "{\"account_id\":\"%s\"}", "ffffffffffffffffffffffffffffffff");
	is_int(call("POST", url, t_mA, body), 422, "an unknown account → 422");
	ok(is_problem(422, "/account_id"), "pointing at account_id");

	snprintf(url, sizeof(url), "/api/v1/groups/%s/members", sysA);
	snprintf(body, sizeof(body),
	         "{\"account_id\":\"%s\",\"ends_at\":\"2999-01-01T00:00:00+09:00\"}", pmA);
	is_int(call("POST", url, t_mA, body), 200,
	       "add the project manager to the system group "
	       "until a date");
	json_t *it;
	size_t i;
	const char *ends = NULL;
	json_array_foreach(json_object_get(J, "members"), i,
	                   it) if (strcmp(jstr_in(it, "account_id"), pmA) == 0) ends =
	    jstr_in(it, "ends_at");
	is_str(ends, "2998-12-31T15:00:00Z", "ends_at is kept and answered in UTC");
	snprintf(body, sizeof(body), "{\"account_id\":\"%s\",\"ends_at\":\"2020-01-01T00:00:00Z\"}",
	         sA);
	is_int(call("POST", url, t_mA, body), 422, "an end in the past → 422");
	ok(is_problem(422, "/ends_at"), "pointing at ends_at");
	static const char *const bad_times[] = {"2030-13-01T00:00:00Z", "2030-02-30T00:00:00Z",
	                                        "2030-01-01",           "2030-01-01T00:00:00",
	                                        "2030-01-01 00:00:00Z", "tomorrow"};
	for (size_t k = 0; k < sizeof(bad_times) / sizeof(bad_times[0]); k++) {
		snprintf(body, sizeof(body), "{\"account_id\":\"%s\",\"ends_at\":\"%s\"}", sA,
		         bad_times[k]);
		call("POST", url, t_mA, body);
		ok(is_problem(400, "/ends_at"), "ends_at \"%s\" → 400", bad_times[k]);
	}

	static const struct {
		const char *body, *ptr, *what;
	} bad[] = {
	    {"{\"account_id\":", NULL, "malformed JSON"},
	    {"{\"account_id\":5}", "/account_id", "a number for account_id"},
	    {"{\"account_id\":\"x\",\"role\":\"pmo\"}", "/role", "an unknown member"},
	    {"{}", "/account_id", "account_id missing"},
	};
	snprintf(url, sizeof(url), "/api/v1/groups/%s/members", pmoA);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		is_int(call("POST", url, t_mA, bad[k].body), 400, "%s → 400", bad[k].what);
		ok(is_problem(400, bad[k].ptr), "%s: problem with errors", bad[k].what);
	}
	is_int(member_count(t_mA, pmoA), 1, "nothing refused changed the PMO group");

	snprintf(url, sizeof(url), "/api/v1/groups/%s/members/%s", pmoA, sA);
	is_int(call("DELETE", url, t_mA_ro, NULL), 403, "a read-only token cannot remove");
	is_int(call("DELETE", url, t_mA, NULL), 204, "remove a member → 204");
	ok(BODY && !*BODY, "with no body");
	is_int(member_count(t_mA, pmoA), 0, "gone");
	is_int(call("DELETE", url, t_mA, NULL), 404, "removing again → 404");
	snprintf(url, sizeof(url), "/api/v1/groups/%s/members/%s", pmoA,
	         "ffffffffffffffffffffffffffffffff");
	is_int(call("DELETE", url, t_mA, NULL), 404, "removing an unknown account → 404");
	snprintf(url, sizeof(url), "/api/v1/groups/%s/members/%s",
	         "0123456789abcdef0123456789abcdef", sA);
	is_int(call("DELETE", url, t_mA, NULL), 404, "from an unknown group → 404");
	snprintf(url, sizeof(url), "/api/v1/groups/%s/members", "0123456789abcdef0123456789abcdef");
	snprintf(body, sizeof(body), "{\"account_id\":\"%s\"}", sA);
	is_int(call("POST", url, t_mA, body), 404, "adding to an unknown group → 404");
}

static void test_cross_agency(void)
{
	char url[128], body[256];
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	snprintf(url, sizeof(url), "/api/v1/groups/%s/members", pmoA);
	snprintf(body, sizeof(body), "{\"account_id\":\"%s\"}", sB);
	is_int(call("POST", url, t_mA, body), 403,
	       "agency A's manager cannot put agency B's staff in A's group");
	is_int(member_count(t_mA, pmoA), 0, "A's group is unchanged");

	snprintf(url, sizeof(url), "/api/v1/groups/%s/members", pmoB);
	snprintf(body, sizeof(body), "{\"account_id\":\"%s\"}", sA);
	is_int(call("POST", url, t_mA, body), 403, "nor change agency B's group");
	snprintf(body, sizeof(body), "{\"account_id\":\"%s\"}", sB);
	is_int(call("POST", url, t_mB, body), 200, "agency B's manager adds their staff");
	snprintf(url, sizeof(url), "/api/v1/groups/%s/members/%s", pmoB, sB);
	is_int(call("DELETE", url, t_mA, NULL), 403, "agency A's manager cannot remove them");
	is_int(member_count(t_mB, pmoB), 1, "agency B's group still has its member");
	ok(wt_audit_count(&W, "permission.denied", "denied") >= denied + 3,
	   "every refusal is audited");
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	if (!ok(setup() == 0, "fixtures"))
		return tap_done();
	test_list();
	test_get();
	test_members();
	test_cross_agency();
	api_reset();
	wt_close(&W);
	return tap_done();
}
