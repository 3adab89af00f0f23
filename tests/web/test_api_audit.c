/* SPDX-License-Identifier: MIT */
/* /api/v1/audit: the operator reads every record, an agency manager only their agency's, staff
 * nothing (403); records carry detail as an object and their chain hash; filters (action
 * prefix, actor, target, since, until) and newest-first cursor paging; bad filters and
 * cursors answer 400. */
#include "base/clock.h"
#include "test_api.h"

static char op_org[33], agA[33], agB[33];
static char op[33], mA[33], sA[33], sA2[33], mB[33], sB[33];
static char t_op[128], t_opw[128], t_mA[128], t_sA[128], t_mB[128];

static int setup(void)
{
	return wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) ||
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agA) ||
	       wt_org(&W, ORG_AGENCY, NULL, "総務省", "soumu", agB) ||
	       wt_account(&W, ROLE_OPERATOR, op_org, "ops@gcas.go.jp", op) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agA, "mgr-a@digital.go.jp", mA) ||
	       wt_account(&W, ROLE_AGENCY_STAFF, agA, "staff-a@digital.go.jp", sA) ||
	       wt_account(&W, ROLE_AGENCY_STAFF, agA, "staff-a2@digital.go.jp", sA2) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agB, "mgr-b@soumu.go.jp", mB) ||
	       wt_account(&W, ROLE_AGENCY_STAFF, agB, "staff-b@soumu.go.jp", sB) ||
	       wt_token(&W, op, "read", t_op) || wt_token(&W, op, "read write", t_opw) ||
	       wt_token(&W, mA, "read write", t_mA) || wt_token(&W, sA, "read write", t_sA) ||
	       wt_token(&W, mB, "read write", t_mB);
}

static char newA[33];

/* Some events in both agencies: the operator issues agency managers (managers apply for the
 * rest, 別表1), each agency's manager disables one of their staff, the operator one account. */
static int make_events(void)
{
	char body[512], url[128];
	int bad = 0;
	for (int i = 0; i < 3; i++) {
		snprintf(body, sizeof(body),
		         "{\"email\":\"a%d@digital.go.jp\",\"family_name\":\"山田\",\"given_name\":"
		         "\"太郎\",\"family_kana\":\"ヤマダ\",\"given_kana\":\"タロウ\",\"role\":"
		         "\"agency_manager\",\"org_id\":\"%s\"}",
		         i, agA);
		bad += call("POST", "/api/v1/accounts", t_opw, body) != 201;
		take_id("id", newA);
	}
	snprintf(body, sizeof(body),
	         "{\"email\":\"b1@soumu.go.jp\",\"family_name\":\"佐藤\",\"given_name\":\"花子\","
	         "\"family_kana\":\"サトウ\",\"given_kana\":\"ハナコ\",\"role\":\"agency_manager\","
	         "\"org_id\":\"%s\"}",
	         agB);
	bad += call("POST", "/api/v1/accounts", t_opw, body) != 201;
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/disable", sB);
	bad += call("POST", url, t_mB, "{\"reason\":\"B\"}") != 200;
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/disable", newA);
	bad += call("POST", url, t_opw, "{\"reason\":\"運用\"}") != 200;
	snprintf(url, sizeof(url), "/api/v1/accounts/%s/disable", sA2);
	bad += call("POST", url, t_mA, "{\"reason\":\"テスト\"}") != 200;
	return bad;
}

/* Count items whose string member key differs from want. */
static long items_where_not(const char *key, const char *want)
{
	json_t *it;
	size_t i;
	long n = 0;
	json_array_foreach(json_object_get(J, "items"), i, it)
	{
		const char *v = jstr_in(it, key);
		if (!v || strncmp(v, want, strlen(want)) != 0)
			n++;
	}
	return n;
}

static void test_scope(void)
{
	is_int(call("GET", "/api/v1/audit", t_op, NULL), 200, "the operator reads the log");
	ok(nitems() >= 5, "every record");
	ok(items_where_not("agency_id", agB) < nitems(), "including agency B's");
	json_t *first = json_array_get(json_object_get(J, "items"), 0);
	is_str(jstr_in(first, "action"), "account.disable", "newest first");
	json_t *detail = json_object_get(first, "detail");
	ok(json_is_object(detail), "detail is an object, not a string");
	is_str(jstr_in(detail, "reason"), "テスト", "with its members");
	const char *hash = jstr_in(first, "hash");
	ok(hash && strlen(hash) == 64, "and the record's chain hash");
	is_str(jstr_in(first, "actor_id"), mA, "actor_id");
	is_str(jstr_in(first, "actor_label"), "mgr-a@digital.go.jp", "actor_label");
	is_str(jstr_in(first, "outcome"), "ok", "outcome");
	const char *at = jstr_in(first, "at");
	ok(at && strlen(at) == 20 && at[19] == 'Z', "at is RFC 3339 UTC");
	ok(json_is_integer(json_object_get(first, "seq")), "seq is an integer");

	is_int(call("GET", "/api/v1/audit?limit=500", t_mA, NULL), 200,
	       "agency A's manager reads the log");
	ok(nitems() >= 4, "their agency's records");
	is_int(items_where_not("agency_id", agA), 0, "and only those");
	is_int(call("GET", "/api/v1/audit?limit=500", t_mB, NULL), 200, "agency B's manager");
	is_int(items_where_not("agency_id", agB), 0, "only agency B's");
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(call("GET", "/api/v1/audit", t_sA, NULL), 403, "agency staff → 403");
	ok(is_problem(403, NULL), "as a problem");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 1,
	       "and the refusal is itself audited");
}

static void test_filters(void)
{
	is_int(call("GET", "/api/v1/audit?action=account.create", t_op, NULL), 200,
	       "filter by action prefix");
	is_int(nitems(), 4, "four accounts were created");
	is_int(items_where_not("action", "account.create"), 0, "all account.create");
	is_int(call("GET", "/api/v1/audit?action=account.", t_op, NULL), 200, "a wider prefix");
	is_int(nitems(), 7, "creates and the three disables");
	char url[256];
	snprintf(url, sizeof(url), "/api/v1/audit?actor=%s", mB);
	is_int(call("GET", url, t_op, NULL), 200, "filter by actor");
	is_int(nitems(), 1, "agency B's manager did one thing");
	snprintf(url, sizeof(url), "/api/v1/audit?target=%s", newA);
	is_int(call("GET", url, t_op, NULL), 200, "filter by target");
	is_int(nitems(), 2, "the account was created and disabled");
	is_int(call("GET", "/api/v1/audit?since=2999-01-01T00:00:00Z", t_op, NULL), 200,
	       "since the future");
	is_int(nitems(), 0, "nothing");
	is_int(call("GET", "/api/v1/audit?until=2000-01-01T00:00:00%2B09:00", t_op, NULL), 200,
	       "until long ago");
	is_int(nitems(), 0, "nothing");
	is_int(call("GET", "/api/v1/audit?since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z",
	            t_op, NULL),
	       200, "a window around now");
	ok(nitems() >= 5, "everything");
	char today[32];
	clock_fmt_jst(today, clock_now());
	today[10] = '\0';
	snprintf(url, sizeof(url), "/api/v1/audit?since=%s&until=%s", today, today);
	is_int(call("GET", url, t_op, NULL), 200, "dates in Japan time, like the page: today");
	ok(nitems() >= 5, "today's records, until included");
	is_int(call("GET", "/api/v1/audit?until=2000-01-01", t_op, NULL), 200,
	       "until a date long ago");
	is_int(nitems(), 0, "nothing");
	static const char *const bad[][2] = {
	    {"since=yesterday", "/since"},
	    {"until=2026-1-01", "/until"},
	    {"since=2026-01-02&until=2026-01-01", "/until"},
	    {"since=2026-13-01", "/since"},
	    {"since=2026-02-30T00:00:00Z", "/since"},
	    {"action=account%25", "/action"},
	    {"actor=a%20b", "/actor"},
	    {"target=", "/target"},
	    {"limit=1000", "/limit"},
	    {"cursor=YWJj", "/cursor"}, /* base64url("abc"): decodes, but is no record number */
	    {"cursor=%3D%3D%3D", "/cursor"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(url, sizeof(url), "/api/v1/audit?%s", bad[i][0]);
		call("GET", url, t_op, NULL);
		ok(is_problem(400, bad[i][1]), "?%s → 400 pointing at %s", bad[i][0], bad[i][1]);
	}
}

static void test_paging(void)
{
	is_int(call("GET", "/api/v1/audit?limit=500", t_op, NULL), 200, "everything at once");
	long total = nitems();
	long seen = 0, pages = 0, order_bad = 0;
	long long last = -1;
	char url[512] = "/api/v1/audit?limit=2";
	for (;;) {
		if (call("GET", url, t_op, NULL) != 200)
			break;
		pages++;
		json_t *it;
		size_t i;
		json_array_foreach(json_object_get(J, "items"), i, it)
		{
			long long seq = (long long)json_integer_value(json_object_get(it, "seq"));
			if (last >= 0 && seq >= last)
				order_bad++;
			last = seq;
			seen++;
		}
		const char *next = js("next_cursor");
		if (!next || pages > 100)
			break;
		snprintf(url, sizeof(url), "/api/v1/audit?limit=2&cursor=%s", next);
	}
	is_int(seen, total, "pages of two cover the whole log");
	is_int(order_bad, 0, "in strictly decreasing seq, without repeats");
	is_int(pages, (total + 1) / 2, "in ceil(total/2) pages");
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	if (!ok(setup() == 0, "fixtures"))
		return tap_done();
	is_int(make_events(), 0, "events: accounts created in both agencies, one disabled");
	test_scope();
	test_filters();
	test_paging();
	api_reset();
	wt_close(&W);
	return tap_done();
}
