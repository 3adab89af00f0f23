/* SPDX-License-Identifier: MIT */
/* Group pages: the list scoped to the viewer, one group with its members, adding a member from
 * the people offered (errors re-render with the choice kept), removing, and refusals across
 * agencies (403, recorded, nothing changed). */
#include "test_pages.h"

int main(void)
{
	char op_org[33], a[33], b[33], pj[33], ga[33], gb[33], gpj[33];
	struct who op, ma, sa, sa2, mb, sb, pm, ps;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pj) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0,
	   "agencies A (with a project team) and B");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "suzuki@a.example.jp", &sa) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "tanaka@a.example.jp", &sa2) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", &pm) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "ito@a.example.jp", &ps) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0 &&
	       person(ROLE_AGENCY_STAFF, b, "kato@b.example.jp", &sb) == 0,
	   "people in both agencies, signed in");

	is_int(get(&op, "/groups"), 200, "operator: list");
	link_id(BODY, "/groups/", "甲市", ga);
	link_id(BODY, "/groups/", "乙省", gb);
	link_id(BODY, "/groups/", "甲市 住民記録", gpj);
	ok(ga[0] && gb[0] && gpj[0], "lists the groups of both agencies and the project team");
	is_int(get(&ma, "/groups"), 200, "A's manager: list");
	has_str(BODY, fmt("/groups/%s", ga), "shows A's PMO group");
	lacks_str(BODY, fmt("/groups/%s", gb), "not B's");

	/* One group: members and the add form listing only A's own people. */
	is_int(get(&ma, fmt("/groups/%s", ga)), 200, "A's PMO group");
	has_str(BODY, "メンバーはいません", "no members yet");
	has_str(BODY, fmt("value=\"%s\"", sa.id), "offers A's staff");
	lacks_str(BODY, fmt("value=\"%s\"", sb.id), "not B's staff");
	lacks_str(BODY, fmt("value=\"%s\"", pm.id),
	          "not the project team's manager (system group)");
	lacks_str(BODY, fmt("value=\"%s\"", ma.id), "nor the manager themself");

	/* Bad input re-renders with the choice kept. */
	is_int(post(&ma, fmt("/groups/%s/members", ga),
	            form("csrf", ma.csrf, "account_id", sa.id, "ends_at", "2026-02-30", NULL)),
	       422, "an impossible end date: 422");
	has_str(BODY, "年-月-日で入力してください", "says how to write it");
	has_str(BODY, "value=\"2026-02-30\"", "keeps the typed date");
	has_str(BODY, fmt("value=\"%s\" selected", sa.id), "keeps the chosen person");
	is_int(
	    post(&ma, fmt("/groups/%s/members", ga), form("csrf", ma.csrf, "account_id", "", NULL)),
	    422, "nobody chosen: 422");
	has_str(BODY, "追加するアカウントを選んでください", "asks for a person");
	is_int(post(&ma, fmt("/groups/%s/members", ga),
	            form("csrf", ma.csrf, "account_id", sa.id, "ends_at", "2001-01-01", NULL)),
	       422, "an end date in the past: 422");
	has_str(BODY, "終了日は未来の日付にしてください", "says it must be in the future");
	is_int(post(&ma, fmt("/groups/%s/members", ga),
	            form("csrf", ma.csrf, "account_id", pm.id, NULL)),
	       422, "someone outside the group's scope: 422");
	has_str(BODY, "このグループの範囲外", "says so");
	is_int(post(&ma, fmt("/groups/%s/members", ga), form("account_id", sa.id, NULL)), 403,
	       "no CSRF token: 403");

	/* Add and remove. */
	is_int(post(&ma, fmt("/groups/%s/members", ga),
	            form("csrf", ma.csrf, "account_id", sa.id, "ends_at", "2999-03-31", NULL)),
	       303, "a member is added");
	is_int(get(&ma, fmt("/groups/%s?done=added", ga)), 200, "the group");
	has_str(BODY, "メンバーを追加しました", "confirms");
	has_str(BODY, "suzuki@a.example.jp", "lists the member");
	has_str(BODY, "2999-04-01 00:00", "ends at the end of the chosen day, Japan time");
	has_str(BODY, fmt("/groups/%s/members/%s/remove", ga, sa.id), "with a remove button");
	lacks_str(BODY, fmt("<option value=\"%s\"", sa.id), "no longer offered for adding");
	is_int(post(&ma, fmt("/groups/%s/members", ga),
	            form("csrf", ma.csrf, "account_id", sa.id, NULL)),
	       422, "adding them twice: 422");
	has_str(BODY, "既にメンバーです", "says they are already a member");
	is_int(get(&sa2, fmt("/groups/%s", ga)), 200, "A's staff may look at the group");
	lacks_str(BODY, "/remove", "but gets no remove buttons");
	lacks_str(BODY, "account_id", "nor the add form");
	is_int(post(&sa2, fmt("/groups/%s/members", ga),
	            form("csrf", sa2.csrf, "account_id", sa2.id, NULL)),
	       403, "and may not add");

	/* Across agencies: refused, recorded, nothing changed. */
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&ma, fmt("/groups/%s", gb)), 403, "A's manager opening B's group: 403");
	is_int(post(&ma, fmt("/groups/%s/members", gb),
	            form("csrf", ma.csrf, "account_id", sb.id, NULL)),
	       403, "adding to B's group: 403");
	is_int(post(&ma, fmt("/groups/%s/members", gb),
	            form("csrf", ma.csrf, "account_id", sa2.id, NULL)),
	       403, "adding one's own staff to B's group: 403");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 3, "all recorded");
	is_int(get(&mb, fmt("/groups/%s", gb)), 200, "B's manager: their group");
	has_str(BODY, "メンバーはいません", "still has no members");
	is_int(post(&mb, fmt("/groups/%s/members", gb),
	            form("csrf", mb.csrf, "account_id", sb.id, NULL)),
	       303, "B's manager adds their staff");
	is_int(
	    post(&ma, fmt("/groups/%s/members/%s/remove", gb, sb.id), form("csrf", ma.csrf, NULL)),
	    403, "A's manager removing from B's group: 403");
	is_int(get(&mb, fmt("/groups/%s", gb)), 200, "B's group");
	has_str(BODY, "kato@b.example.jp", "still has its member");

	is_int(
	    post(&ma, fmt("/groups/%s/members/%s/remove", ga, sa.id), form("csrf", ma.csrf, NULL)),
	    303, "A's manager removes the member");
	is_int(get(&ma, fmt("/groups/%s?done=removed", ga)), 200, "A's group");
	has_str(BODY, "メンバーを外しました", "confirms");
	lacks_str(BODY, "suzuki@a.example.jp</td>", "the member is gone");

	/* The project team's system group belongs to its manager. */
	is_int(get(&pm, fmt("/groups/%s", gpj)), 200, "the project manager: system group");
	has_str(BODY, fmt("value=\"%s\"", ps.id), "may add the team's staff");
	is_int(get(&pm, fmt("/groups/%s", ga)), 403, "but not open the agency's PMO group");

	/* English. */
	is_int(get(&ma, "/groups?lang=en"), 200, "list in English");
	has_str(BODY, "PMO group", "English kind");
	is_int(get(&ma, fmt("/groups/%s?lang=en", ga)), 200, "group in English");
	has_str(BODY, "Add a member", "English form title");
	pages_done();
	return tap_done();
}
