/* SPDX-License-Identifier: MIT */
/* The audit log page: the operator reads everything, an agency manager only their agency's
 * records, anyone else gets a 403 (itself recorded); filters by action, actor and dates (bad
 * dates re-render with 422), and cursor paging newest first. */
#include "test_pages.h"

/* The href of the rel="next" link, with &amp; undone, into out (1024 bytes); "" if none. */
static const char *next_href(const char *body, char *out)
{
	const char *p = body ? strstr(body, "rel=\"next\" href=\"") : NULL;
	size_t n = 0;
	out[0] = '\0';
	if (!p)
		return out;
	for (p += 17; *p && *p != '"' && n < 1000; p++) {
		if (strncmp(p, "&amp;", 5) == 0) {
			out[n++] = '&';
			p += 4;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return out;
}

int main(void)
{
	char op_org[33], a[33], b[33], next[1024];
	struct who op, ma, sa, mb;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0,
	   "operator, agencies A and B");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "suzuki@a.example.jp", &sa) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0,
	   "people signed in");

	/* Something to read: a project team in A (by A's manager), a rename in B (by B's). */
	is_int(post(&ma, "/orgs/new",
	            form("csrf", ma.csrf, "kind", "project", "parent_id", a, "name", "甲市 税務",
	                 NULL)),
	       303, "A's manager creates a project team");
	is_int(post(&mb, fmt("/orgs/%s/rename", b), form("csrf", mb.csrf, "name", "乙省庁", NULL)),
	       303, "B's manager renames agency B");

	is_int(get(&op, "/audit"), 200, "operator: the audit log");
	has_str(BODY, "org.create_project", "shows A's record");
	has_str(BODY, "org.rename", "and B's");
	has_str(BODY, "プロジェクトチームの作成", "actions are named in words");
	has_str(BODY, "mgr@a.example.jp", "the actor's label");
	has_str(BODY, "badge--success", "the outcome badge");
	has_str(BODY, ">test</td>", "the request id");
	ok(strstr(BODY, "org.rename") < strstr(BODY, "org.create_project"), "newest first");

	is_int(get(&ma, "/audit"), 200, "A's manager: the audit log");
	has_str(BODY, "org.create_project", "shows A's record");
	lacks_str(BODY, "org.rename", "not B's");
	lacks_str(BODY, "mgr@b.example.jp", "nor B's people");

	long denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&sa, "/audit"), 403, "A's staff: 403");
	has_str(BODY, "権限がありません", "the 403 page");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 1,
	       "the refusal is recorded");
	is_int(get(&ma, "/audit?action=permission."), 200, "A's manager filters refusals");
	has_str(BODY, "suzuki@a.example.jp", "sees the staff's refused attempt");
	has_str(BODY, "badge--error", "marked as refused");
	lacks_str(BODY, "org.create_project</span>", "the action filter leaves the rest out");

	/* Filters. */
	is_int(get(&op, "/audit?action=org.create"), 200, "action prefix filter");
	has_str(BODY, "org.create_project", "matches");
	lacks_str(BODY, "org.rename</span>", "and only matches");
	is_int(get(&op, fmt("/audit?actor=%s", mb.id)), 200, "actor filter");
	has_str(BODY, "org.rename", "B's manager's record");
	lacks_str(BODY, "org.create_project</span>", "only theirs");
	is_int(get(&op, "/audit?since=2000-01-01&until=2999-12-31"), 200, "a wide date range");
	has_str(BODY, "org.rename", "includes today's records");
	is_int(get(&op, "/audit?until=2001-01-01"), 200, "a range in the past");
	has_str(BODY, "該当する記録はありません", "holds nothing");
	is_int(get(&op, "/audit?since=2026-13-01&action=org."), 422, "a bad date: 422");
	has_str(BODY, "年-月-日で入力してください", "says how to write it");
	has_str(BODY, "value=\"2026-13-01\"", "keeps the typed date");
	has_str(BODY, "value=\"org.\"", "and the other filters");
	is_int(get(&op, "/audit?since=2026-05-02&until=2026-05-01"), 422, "an inverted range: 422");
	has_str(BODY, "終了日は開始日以降にしてください", "says so");
	is_int(get(&op, "/audit?cursor=%21%21"), 422, "a forged cursor: 422");
	is_int(get(&sa, "/audit?since=bad"), 403,
	       "a refused person gets 403 even with bad filters");

	/* Paging: more than a page of refusals, read newest first across two pages. */
	for (int i = 0; i < 55; i++)
		get(&sa, "/audit");
	is_int(get(&ma, "/audit?action=permission."), 200, "first page");
	next_href(BODY, next);
	ok(strncmp(next, "/audit?action=permission.&cursor=", 33) == 0 && strlen(next) > 33,
	   "links to the next page");
	is_int(count_of(BODY, "<tr><td class=\"nowrap\">"), 50, "50 rows on the first page");
	is_int(get(&ma, next), 200, "second page");
	is_int(count_of(BODY, "<tr><td class=\"nowrap\">"), 7, "holds the 7 older rows");
	next_href(BODY, next);
	is_str(next, "", "and is the last");

	/* English. */
	is_int(get(&op, "/audit?lang=en"), 200, "in English");
	has_str(BODY, "Audit log", "English title");
	has_str(BODY, "Permission denied", "English action words");
	pages_done();
	return tap_done();
}
