/* SPDX-License-Identifier: MIT */
/* /api/v1/me and /api/v1/accounts: issuing accounts (201, Location, a working one-time set-up
 * link, no password hash ever; the operator issues, managers apply instead and are refused
 * here, 別表1), reading and listing within one's agency, filters, merge-patch
 * updates with optimistic concurrency (409 on a stale version or a taken email), disable /
 * enable / delete with a reason, factor reset, new set-up links; 400 / 403 / 404 / 409 / 422;
 * and paging 120 new accounts with limit 50 without duplicates or gaps. */
#include "test_api.h"

static char op_org[33], agA[33], agB[33], projA[33];
static char op[33], mA[33], sA[33], mB[33], sB[33];
static char t_op[128], t_mA[128], t_mA_ro[128], t_sA[128], t_mB[128];
/* R7.2: the operator reads accounts under a declared purpose: a session that declared one
 * (the API takes the session's purpose when no GCAS-Access-Purpose header is sent). */
static char c_op[256];

static int declare_purpose(void)
{
	char csrf[64], body[160];
	struct wt_resp r;
	if (wt_login(&W, op, c_op, csrf))
		return -1;
	snprintf(body, sizeof(body), "csrf=%s&purpose=operations&reason=test", csrf);
	if (wt_request(&W, "POST", "/access-purpose", c_op, "application/x-www-form-urlencoded",
	               body, NULL, &r))
		return -1;
	int st = r.status;
	wt_resp_free(&r);
	return st == 303 ? 0 : -1;
}

static int op_read(const char *url)
{
	return call_full("GET", url, NULL, c_op, NULL, NULL, NULL);
}

static int setup(void)
{
	return wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) ||
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agA) ||
	       wt_org(&W, ORG_AGENCY, NULL, "総務省", "soumu", agB) ||
	       wt_org(&W, ORG_PROJECT, agA, "住民記録システム", NULL, projA) ||
	       wt_account(&W, ROLE_OPERATOR, op_org, "ops@gcas.go.jp", op) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agA, "mgr-a@digital.go.jp", mA) ||
	       wt_account(&W, ROLE_AGENCY_STAFF, agA, "staff-a@digital.go.jp", sA) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agB, "mgr-b@soumu.go.jp", mB) ||
	       wt_account(&W, ROLE_AGENCY_STAFF, agB, "staff-b@soumu.go.jp", sB) ||
	       wt_token(&W, op, "read write", t_op) || wt_token(&W, mA, "read write", t_mA) ||
	       wt_token(&W, mA, "read", t_mA_ro) || wt_token(&W, sA, "read write", t_sA) ||
	       wt_token(&W, mB, "read write", t_mB) || declare_purpose();
}

static long count_accounts(const char *token)
{
	call("GET", "/api/v1/accounts?limit=500", token, NULL);
	return nitems();
}

static const char *person(char *buf, size_t cap, const char *email, const char *role,
                          const char *org)
{
	snprintf(buf, cap,
	         "{\"email\":\"%s\",\"family_name\":\"山田\",\"given_name\":\"太郎\","
	         "\"family_kana\":\"やまだ\",\"given_kana\":\"タロウ\",\"role\":\"%s\","
	         "\"org_id\":\"%s\"}",
	         email, role, org);
	return buf;
}

static char created[33]; /* the account test_create issued */

static void test_me(void)
{
	is_int(call("GET", "/api/v1/me", t_mA, NULL), 200, "GET /me");
	is_str(js("email"), "mgr-a@digital.go.jp", "is the caller");
	is_str(js("role"), "agency_manager", "with the role's storage name");
	ok(!strstr(BODY, "password"), "no password hash, ever");
}

static void test_create(void)
{
	char body[512], loc[128];
	long before = count_accounts(t_mA);
	is_int(call("POST", "/api/v1/accounts", t_op,
	            person(body, sizeof(body), "Hanako.Sato@Digital.go.jp", "agency_manager", agA)),
	       201, "the operator issues an agency manager account");
	take_id("id", created);
	snprintf(loc, sizeof(loc), "/api/v1/accounts/%s", created);
	is_str(LOCATION, loc, "Location names the new account");
	is_str(js("email"), "hanako.sato@digital.go.jp", "the address is normalised");
	is_str(js("family_kana"), "ヤマダ", "the reading is kept in katakana");
	is_str(js("status"), "pending", "pending until the person sets a password");
	is_str(js("agency_id"), agA, "in agency A");
	is_int(ji("version"), 1, "version 1");
	ok(json_is_null(json_object_get(J, "activated_at")), "never activated: null");
	ok(!strstr(BODY, "password"), "no password hash in the answer");
	const char *link = js("setup_link");
	const char *base = W.cfg.base_url;
	ok(link && strncmp(link, base, strlen(base)) == 0 &&
	       strncmp(link + strlen(base), "/setup/", 7) == 0,
	   "setup_link is a full URL to /setup/...");
	char path[256];
	snprintf(path, sizeof(path), "%s", link ? link + strlen(base) : "/");
	is_int(call("GET", path, NULL, NULL), 200, "and the link opens the set-up page");
	is_int(count_accounts(t_mA), before + 1, "one more account");
	is_int(call("GET", loc, t_mA, NULL), 200, "readable at Location");
	ok(!js("setup_link"), "the set-up link is shown only once");

	is_int(call("POST", "/api/v1/accounts", t_op,
	            person(body, sizeof(body), "hanako.sato@digital.go.jp", "agency_manager", agA)),
	       409, "the same address again → 409");
	ok(is_problem(409, "/email"), "pointing at email");

	static const struct {
		const char *email, *role, *ptr, *what;
	} bad[] = {
	    {"info@digital.go.jp", "agency_manager", "/email", "a role address like info@ (R2.8)"},
	    {"soumu+1@digital.go.jp", "agency_manager", "/email", "a shared section address"},
	    {"not-an-address", "agency_manager", "/email", "not an email address"},
	    {"a.b@digital.go.jp", "contractor_staff", "/role",
	     "a role that does not live in an agency"},
	    {"a.c@digital.go.jp", "project_manager", "/role",
	     "a project role placed in the agency itself"},
	    {"a.d@digital.go.jp", "boss", "/role", "a role that does not exist"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_int(call("POST", "/api/v1/accounts", t_op,
		            person(body, sizeof(body), bad[i].email, bad[i].role, agA)),
		       422, "%s → 422", bad[i].what);
		ok(is_problem(422, bad[i].ptr), "%s: pointing at %s", bad[i].what, bad[i].ptr);
	}
	is_int(call("POST", "/api/v1/accounts", t_op,
	            person(body, sizeof(body), "x.y@digital.go.jp", "agency_manager",
	                   "ffffffffffffffffffffffffffffffff")),
	       422, "an unknown organisation → 422");
	ok(is_problem(422, "/org_id"), "pointing at org_id");
	snprintf(body, sizeof(body),
	         "{\"email\":\"k@digital.go.jp\",\"family_name\":\"山田\",\"given_name\":\"太郎\","
	         "\"family_kana\":\"yamada\",\"given_kana\":\"タロウ\",\"role\":\"agency_manager\","
	         "\"org_id\":\"%s\"}",
	         agA);
	is_int(call("POST", "/api/v1/accounts", t_op, body), 422,
	       "a reading in latin letters → 422");
	ok(is_problem(422, "/family_kana"), "pointing at family_kana");
	is_int(count_accounts(t_mA), before + 1, "no refused call created an account");

	/* 別表1: managers apply for the people they certify (/api/v1/applications); issuing
	 * directly is the operator's (who fulfils the applications). */
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(call("POST", "/api/v1/accounts", t_mA,
	            person(body, sizeof(body), "staff2@digital.go.jp", "agency_staff", agA)),
	       403, "an agency manager cannot issue directly, even whom they certify");
	is_int(call("POST", "/api/v1/accounts", t_mA,
	            person(body, sizeof(body), "peer@digital.go.jp", "agency_manager", agA)),
	       403, "nor another agency manager");
	ok(wt_audit_count(&W, "permission.denied", "denied") >= denied + 2, "audited");
	is_int(call("POST", "/api/v1/accounts", t_op,
	            person(body, sizeof(body), "new.mgr@digital.go.jp", "agency_manager", agA)),
	       201, "the operator does");
}

static void test_cross_agency(void)
{
	char body[512], url[128];
	long b_before = count_accounts(t_mB);
	is_int(call("POST", "/api/v1/accounts", t_mA,
	            person(body, sizeof(body), "intruder@soumu.go.jp", "agency_staff", agB)),
	       403, "agency A's manager cannot issue an account in agency B");
	is_int(count_accounts(t_mB), b_before, "nothing was created in agency B");

	snprintf(url, sizeof(url), "/api/v1/accounts/%s", sB);
	is_int(call("GET", url, t_mA, NULL), 403, "nor read agency B's staff");
	ok(is_problem(403, NULL), "as a problem");
	is_int(call("PATCH", url, t_mA, "{\"version\":1,\"given_name\":\"乗取\"}"), 403,
	       "nor change them");
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/disable", sB);
	is_int(call("POST", url, t_mA, "{\"reason\":\"越境\"}"), 403, "nor disable them");
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/delete", sB);
	is_int(call("POST", url, t_mA, "{\"reason\":\"越境\"}"), 403, "nor delete them");
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/reset-factors", sB);
	is_int(call("POST", url, t_mA, NULL), 403, "nor reset their factors");
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/setup-link", sB);
	is_int(call("POST", url, t_mA, NULL), 403, "nor issue them a set-up link");
	snprintf(url, sizeof(url), "/api/v1/accounts/%s", sB);
	is_int(call("GET", url, t_mB, NULL), 200, "agency B's manager reads them");
	is_str(js("given_name"), "太郎", "unchanged");
	is_str(js("status"), "active", "still active");
	is_int(ji("version"), 1, "still version 1");

	is_int(call("GET", "/api/v1/accounts?limit=500", t_mA, NULL), 200, "A lists accounts");
	ok(!strstr(BODY, "soumu.go.jp"), "and sees nobody of agency B");

	is_int(call("GET", "/api/v1/accounts/0123456789abcdef0123456789abcdef", t_mA, NULL), 404,
	       "an unknown id → 404");
	is_int(call("POST", "/api/v1/accounts/0123456789abcdef0123456789abcdef/disable", t_mA,
	            "{\"reason\":\"x\"}"),
	       404, "disabling an unknown id → 404");
}

static void test_filters(void)
{
	is_int(call("GET", "/api/v1/accounts?q=hanako", t_mA, NULL), 200, "q filter");
	is_int(nitems(), 1, "finds the one account");
	is_int(call("GET", "/api/v1/accounts?q=%E5%B1%B1%E7%94%B0", t_mA, NULL), 200,
	       "q matches names too (山田)");
	ok(nitems() >= 1, "found by family name");
	is_int(call("GET", "/api/v1/accounts?role=agency_manager", t_mA, NULL), 200, "role filter");
	json_t *it;
	size_t i, wrong = 0;
	json_array_foreach(json_object_get(J, "items"), i,
	                   it) if (strcmp(jstr_in(it, "role"), "agency_manager") != 0) wrong++;
	ok(nitems() >= 1 && wrong == 0, "only agency managers");
	is_int(call("GET", "/api/v1/accounts?status=pending", t_mA, NULL), 200, "status filter");
	ok(nitems() >= 1 && strstr(BODY, "hanako.sato"), "the pending account");
	ok(!strstr(BODY, "staff-a@"), "not the active ones");
	is_int(call("GET", "/api/v1/accounts?role=boss", t_mA, NULL), 400, "unknown role → 400");
	ok(is_problem(400, "/role"), "pointing at role");
	is_int(call("GET", "/api/v1/accounts?status=asleep", t_mA, NULL), 400,
	       "unknown status → 400");
	ok(is_problem(400, "/status"), "pointing at status");
}

static void test_update(void)
{
	char url[128];
	snprintf(url, sizeof(url), "/api/v1/accounts/%s", created);
	is_int(call("PATCH", url, t_op, "{\"version\":1,\"given_name\":\"花子\"}"), 200,
	       "a merge patch of one name");
	is_str(js("given_name"), "花子", "changed");
	is_str(js("family_name"), "山田", "the rest kept");
	is_str(js("email"), "hanako.sato@digital.go.jp", "email kept");
	is_int(ji("version"), 2, "version bumped");
	is_int(call("PATCH", url, t_op, "{\"version\":1,\"given_name\":\"次郎\"}"), 409,
	       "a stale version → 409");
	ok(is_problem(409, "/version"), "pointing at version");
	is_int(call("PATCH", url, t_op, "{\"version\":2,\"email\":\"staff-a@digital.go.jp\"}"), 409,
	       "an address already in use → 409");
	ok(is_problem(409, "/email"), "pointing at email");
	is_int(call("PATCH", url, t_op, "{\"version\":2,\"email\":\"info@digital.go.jp\"}"), 422,
	       "a role address → 422");
	is_int(call("PATCH", url, t_op, "{\"given_name\":\"次郎\"}"), 400, "version missing → 400");
	ok(is_problem(400, "/version"), "pointing at version");
	is_int(call("PATCH", url, t_op, "{\"version\":\"2\",\"given_name\":\"次郎\"}"), 400,
	       "version as a string → 400");
	is_int(call("PATCH", url, t_op, "{\"version\":0}"), 400, "version 0 → 400");
	is_int(call("PATCH", url, t_op, "{\"version\":2,\"role\":\"agency_manager\"}"), 400,
	       "role is not patchable (unknown member) → 400");
	ok(is_problem(400, "/role"), "pointing at role");
	char big[200], body[300];
	memset(big, 'x', 51);
	big[51] = '\0';
	snprintf(body, sizeof(body), "{\"version\":2,\"family_name\":\"%s\"}", big);
	is_int(call("PATCH", url, t_op, body), 400, "a 51-character name → 400");
	is_int(call("PATCH", url, t_mA_ro, "{\"version\":2,\"given_name\":\"次郎\"}"), 403,
	       "a read-only token → 403");
	is_int(call("PATCH", url, t_sA, "{\"version\":2,\"given_name\":\"次郎\"}"), 403,
	       "agency staff may not change accounts");
	is_int(call("PATCH", url, t_mA, "{\"version\":2,\"given_name\":\"次郎\"}"), 403,
	       "nor may a manager directly: they apply for a change");
	is_int(op_read(url), 200, "read again");
	is_str(js("given_name"), "花子", "no refused call changed it");
	is_int(ji("version"), 2, "still version 2");
}

static void test_status(void)
{
	char url[128];
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/disable", sA);
	is_int(call("POST", url, t_mA, "{}"), 400, "disable without a reason → 400");
	ok(is_problem(400, "/reason"), "pointing at reason");
	is_int(call("POST", url, t_mA, "{\"reason\":\"\"}"), 422, "an empty reason → 422");
	ok(is_problem(422, "/reason"), "pointing at reason");
	is_int(call("GET", "/api/v1/me", t_sA, NULL), 200, "the staff token works");
	is_int(call("POST", url, t_mA, "{\"reason\":\"異動のため\"}"), 200, "disable");
	is_str(js("status"), "disabled", "disabled");
	is_str(js("disabled_reason"), "異動のため", "with the reason");
	is_int(call("GET", "/api/v1/me", t_sA, NULL), 401, "their token stops at once");
	is_int(call("POST", url, t_mA, "{\"reason\":\"もう一度\"}"), 409, "disabling twice → 409");
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/enable", sA);
	is_int(call("POST", url, t_mA, NULL), 403, "a manager does not enable directly (applies)");
	is_int(call("POST", url, t_op, NULL), 200, "the operator enables (no body)");
	is_str(js("status"), "active", "active again");
	is_int(call("POST", url, t_op, "{}"), 409, "enabling an active account → 409");
	is_int(call("POST", url, t_op, "{\"reason\":\"x\"}"), 400, "enable takes no members → 400");

	snprintf(url, sizeof(url), "/api/v1/accounts/%s/reset-factors", sA);
	is_int(call("POST", url, t_mA, NULL), 200, "reset second factors");
	is_str(js("id"), sA, "answers with the account");
	long resets = wt_audit_count(&W, "account.reset_factors", NULL);
	is_int(resets, 1, "audited");

	snprintf(url, sizeof(url), "/api/v1/accounts/%s/setup-link", created);
	is_int(call("POST", url, t_op, NULL), 200, "a new set-up link");
	const char *link = js("setup_link");
	ok(link && strstr(link, "/setup/"), "as a full URL");
	is_str(js("account_id"), created, "for the account");

	snprintf(url, sizeof(url), "/api/v1/accounts/%s/delete", created);
	is_int(call("POST", url, t_mA_ro, "{\"reason\":\"不要\"}"), 403, "read-only cannot delete");
	is_int(call("POST", url, t_mA, "{\"reason\":\"不要\"}"), 403,
	       "a manager does not delete directly (applies)");
	is_int(call("POST", url, t_op, "{\"reason\":\"不要になったため\"}"), 200, "delete");
	is_str(js("status"), "deleted", "deleted (kept as a tombstone)");
	is_int(call("POST", url, t_op, "{\"reason\":\"再度\"}"), 404, "deleting again → 404");
	is_int(call("GET", "/api/v1/accounts?q=hanako", t_mA, NULL), 200, "list");
	is_int(nitems(), 0, "deleted accounts are not listed");
	is_int(call("GET", "/api/v1/accounts?q=hanako&status=deleted", t_mA, NULL), 200,
	       "unless asked for");
	is_int(nitems(), 1, "then they are");
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/setup-link", created);
	is_int(call("POST", url, t_op, NULL), 404, "no set-up link for a deleted account");
}

/* 120 new accounts, walked 50 at a time: every one exactly once. */
static void test_pagination(void)
{
	enum { N = 120 };
	static char ids[N][33];
	char body[512], email[64];
	int made = 0;
	for (int i = 0; i < N; i++) {
		snprintf(email, sizeof(email), "page.%03d@digital.go.jp", i);
		if (call("POST", "/api/v1/accounts", t_op,
		         person(body, sizeof(body), email, "agency_manager", agA)) == 201)
			made++;
		take_id("id", ids[i]);
	}
	is_int(made, N, "120 accounts issued");
	op_read("/api/v1/accounts?limit=500");
	long total = nitems(); /* everyone, for the operator */
	long seen = 0, dups = 0, pages = 0, found = 0, short_pages = 0;
	char url[2048] = "/api/v1/accounts?limit=50";
	static char all[1000][33];
	for (;;) {
		if (op_read(url) != 200)
			break;
		pages++;
		json_t *it;
		size_t i;
		if (nitems() < 50 && json_is_string(json_object_get(J, "next_cursor")))
			short_pages++;
		json_array_foreach(json_object_get(J, "items"), i, it)
		{
			const char *id = jstr_in(it, "id");
			for (long k = 0; k < seen; k++)
				if (strcmp(all[k], id) == 0)
					dups++;
			if (seen < 1000)
				snprintf(all[seen++], 33, "%s", id);
		}
		const char *next = js("next_cursor");
		if (!next || pages > 10)
			break;
		snprintf(url, sizeof(url), "/api/v1/accounts?limit=50&cursor=%s", next);
	}
	for (int i = 0; i < N; i++)
		for (long k = 0; k < seen; k++)
			if (strcmp(all[k], ids[i]) == 0) {
				found++;
				break;
			}
	ok(total > 125, "more than two pages of accounts (%ld)", total);
	is_int(pages, (total + 49) / 50, "walked ceil(total/50) pages");
	is_int(seen, total, "saw every account");
	is_int(dups, 0, "none twice");
	is_int(found, N, "all 120 new ones among them");
	is_int(short_pages, 0, "every page but the last is full (the operator sees all)");

	/* The agency manager's view pages the same way, within agency A. */
	seen = dups = pages = 0;
	snprintf(url, sizeof(url), "/api/v1/accounts?limit=50");
	for (;;) {
		if (call("GET", url, t_mA, NULL) != 200)
			break;
		pages++;
		json_t *it;
		size_t i;
		json_array_foreach(json_object_get(J, "items"), i, it)
		{
			const char *id = jstr_in(it, "id");
			for (long k = 0; k < seen; k++)
				if (strcmp(all[k], id) == 0)
					dups++;
			if (seen < 1000)
				snprintf(all[seen++], 33, "%s", id);
		}
		const char *next = js("next_cursor");
		if (!next || pages > 10)
			break;
		snprintf(url, sizeof(url), "/api/v1/accounts?limit=50&cursor=%s", next);
	}
	ok(seen >= N + 2 && seen < total, "agency A's manager pages through agency A only (%ld)",
	   seen);
	is_int(dups, 0, "without duplicates");
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	if (!ok(setup() == 0, "fixtures"))
		return tap_done();
	test_me();
	test_create();
	test_cross_agency();
	test_filters();
	test_update();
	test_status();
	test_pagination();
	api_reset();
	wt_close(&W);
	return tap_done();
}
