/* SPDX-License-Identifier: MIT */
/* Lists and group member lists show only what the reader may see (R7.1), and their pages and
 * cursors count nothing else: a project member paging the organisations one at a time never
 * gets an empty page nor a cursor naming another project team; contractor staff see only
 * themselves among accounts and among a group's members. */
#include "store/store.h"
#include "test_api.h"

static char agency[33], proj1[33], proj2[33], con1[33], con2[33];
static char pm1[33], ps1[33], cm1[33], cs1[33], cm2[33];
static char t_pm1[128], t_cs1[128];

static void setup(void)
{
	char name[64], id[33];
	wt_org(&W, ORG_AGENCY, NULL, "千代田区", "131016", agency);
	wt_org(&W, ORG_PROJECT, agency, "住民記録システム", NULL, proj1);
	/* Many other project teams in the same agency, sorted before and after ours. */
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "案件%02d", i);
		wt_org(&W, ORG_PROJECT, agency, name, NULL, i == 0 ? proj2 : id);
	}
	wt_org(&W, ORG_CONTRACTOR, proj1, "サンプル情報", NULL, con1);
	wt_org(&W, ORG_CONTRACTOR, proj1, "別の委託業者", NULL, con2);
	wt_account(&W, ROLE_PROJECT_MANAGER, proj1, "pm1@city.chiyoda.example.jp", pm1);
	wt_account(&W, ROLE_PROJECT_STAFF, proj1, "ps1@city.chiyoda.example.jp", ps1);
	wt_account(&W, ROLE_CONTRACTOR_MANAGER, con1, "cm1@sample.example.co.jp", cm1);
	wt_account(&W, ROLE_CONTRACTOR_STAFF, con1, "cs1@sample.example.co.jp", cs1);
	wt_account(&W, ROLE_CONTRACTOR_MANAGER, con2, "cm2@other.example.co.jp", cm2);
	wt_token(&W, pm1, "read", t_pm1);
	wt_token(&W, cs1, "read", t_cs1);
}

/* Walk /api/v1/orgs one item a page as pm1: every page has exactly one org of project 1. */
static void test_org_paging(void)
{
	char target[512] = "/api/v1/orgs?limit=1";
	int pages = 0, empty = 0, foreign = 0, seen = 0;
	while (pages < 20) {
		if (call("GET", target, t_pm1, NULL) != 200)
			break;
		pages++;
		json_t *items = json_object_get(J, "items");
		if (json_array_size(items) == 0)
			empty++;
		for (size_t i = 0; i < json_array_size(items); i++) {
			const char *pid = jstr_in(json_array_get(items, i), "project_id");
			if (!pid || strcmp(pid, proj1) != 0)
				foreign++;
			seen++;
		}
		const char *next = js("next_cursor");
		if (!next)
			break;
		snprintf(target, sizeof(target), "/api/v1/orgs?limit=1&cursor=%s", next);
	}
	is_int(seen, 3, "a project manager sees its team and its two contractors");
	is_int(empty, 0, "and no page comes back empty");
	is_int(foreign, 0, "and nothing of another project team");
	is_int(pages, 3, "in exactly three pages of one");
}

static void test_contractor_staff(void)
{
	is_int(call("GET", "/api/v1/accounts?limit=1", t_cs1, NULL), 200, "contractor staff list");
	is_int(nitems(), 1, "one account");
	is_str(jstr_in(json_array_get(json_object_get(J, "items"), 0), "id"), cs1, "their own");
	ok(js("next_cursor") == NULL, "and no cursor pointing at anyone else");
	is_int(call("GET", "/api/v1/orgs", t_cs1, NULL), 200, "contractor staff organisations");
	is_int(nitems(), 1, "only their own company");
}

struct add_ctx {
	const char *group;
	const char *who[5];
};

static enum gcas_err add_members_tx(struct db *db, void *ctx)
{
	struct add_ctx *c = ctx;
	for (int i = 0; i < 5; i++) {
		struct membership m = {
		    .group_id = c->group, .account_id = c->who[i], .added_at = 1};
		enum gcas_err e = store_member_add(db, &m);
		if (e)
			return e;
	}
	return GCAS_OK;
}

static void test_group_members(void)
{
	char target[128], group[33] = "";
	is_int(call("GET", "/api/v1/groups", t_pm1, NULL), 200, "pm1 lists groups");
	is_int(nitems(), 1, "only their project's system group");
	const char *gid = jstr_in(json_array_get(json_object_get(J, "items"), 0), "id");
	if (gid)
		snprintf(group, sizeof(group), "%s", gid);
	/* Put everyone in the system group directly (fixtures bypass the use cases). */
	struct add_ctx ac = {group, {pm1, ps1, cm1, cs1, cm2}};
	ok(store_tx(W.env.st, add_members_tx, &ac) == GCAS_OK, "five members in the group");
	snprintf(target, sizeof(target), "/api/v1/groups/%s", group);
	is_int(call("GET", target, t_cs1, NULL), 200, "contractor staff may see the group");
	json_t *members = json_object_get(J, "members");
	int others = 0;
	for (size_t i = 0; i < json_array_size(members); i++) {
		const char *id = jstr_in(json_array_get(members, i), "account_id");
		if (!id)
			id = jstr_in(json_array_get(members, i), "id");
		if (id && strcmp(id, cs1) != 0)
			others++;
	}
	is_int(others, 0, "but not the other members' details");
}

/* Forms the reader may not open are refusals like any other: recorded in the audit log. */
static void test_page_refusals_audited(void)
{
	char cookie[256], csrf[64], target[128];
	struct wt_resp r;
	wt_login(&W, cs1, cookie, csrf);
	long before = wt_audit_count(&W, "permission.denied", "denied");
	wt_request(&W, "GET", "/accounts/new", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 403, "contractor staff may not open the account form");
	wt_resp_free(&r);
	snprintf(target, sizeof(target), "/accounts/%s/edit", cs1);
	wt_request(&W, "GET", target, cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 403, "nor edit their own account");
	wt_resp_free(&r);
	snprintf(target, sizeof(target), "/orgs/new?kind=contractor&parent=%s", proj1);
	wt_request(&W, "GET", target, cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 403, "nor open the contractor form");
	wt_resp_free(&r);
	is_int(wt_audit_count(&W, "permission.denied", "denied") - before, 3,
	       "each refusal is in the audit log");
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "store"))
		return tap_done();
	setup();
	test_org_paging();
	test_contractor_staff();
	test_group_members();
	test_page_refusals_audited();
	api_reset();
	wt_close(&W);
	return tap_done();
}
