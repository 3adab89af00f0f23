/* SPDX-License-Identifier: MIT */
/* R7.2 (regulation §5.2.2) beyond the account pages: every operator read of people's details
 * carries a recorded reason. Browsing reads (a group's members, an environment's CSP users, a
 * review campaign's items and its CSV, the departure form, BreakGlass registrations) send an
 * operator without a purpose to the form (303) or answer 428, and record nothing; with one they
 * answer 200 and record exactly one read with the reason. An organisation page shows its people
 * only under a purpose. Workflow reads (one application, the application lists, a system
 * registration with its contacts) ask for nothing and are recorded under "operations" naming
 * the item. An agency manager reads their own people with no purpose and no record (R7.1). */
#include "base/clock.h"
#include "test_env.h"
#include "test_purpose.h"

#define T0 1767225600 /* 2026-01-01T09:00 JST */

static char op_org[33], ag[33], pj[33], ca[33], staff[33], env1[33], grp[33], rid[33], app[33];
static char op_token[128], mgr_token[128], cm_token[128];
static struct who op, mgr, pm, cm;

static int setup(void)
{
	char dummy[33];
	if (wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) ||
	    wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", ag) ||
	    wt_org(&W, ORG_PROJECT, ag, "甲市 住民記録", NULL, pj) ||
	    wt_org(&W, ORG_CONTRACTOR, pj, "甲開発", NULL, ca) ||
	    person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) ||
	    person(ROLE_AGENCY_MANAGER, ag, "mgr@ag.example.jp", &mgr) ||
	    person(ROLE_PROJECT_MANAGER, pj, "pm@ag.example.jp", &pm) ||
	    person(ROLE_CONTRACTOR_MANAGER, ca, "cm@ca.example.jp", &cm) ||
	    wt_account(&W, ROLE_AGENCY_STAFF, ag, "staff@ag.example.jp", staff) ||
	    wt_account(&W, ROLE_PROJECT_STAFF, pj, "ps@ag.example.jp", dummy) ||
	    wt_token(&W, op.id, "read write", op_token) ||
	    wt_token(&W, mgr.id, "read write", mgr_token) ||
	    wt_token(&W, cm.id, "read write", cm_token))
		return -1;
	/* The agency's PMO group, with its manager in it. */
	if (get(&op, "/groups") != 200)
		return -1;
	link_id(BODY, "/groups/", "甲市", grp);
	if (!grp[0] || post(&mgr, fmt("/groups/%s/members", grp),
	                    form("csrf", mgr.csrf, "account_id", staff, NULL)) != 303)
		return -1;
	/* An environment with a CSP user. */
	if (post(&pm, fmt("/orgs/%s/system", pj),
	         fmt("%s&csps=aws&environments=production",
	             form("csrf", pm.csrf, "name", "住民記録システム", "purpose", "住民票",
	                  "lifecycle", "building", "contacts", "pm@ag.example.jp", "period_start",
	                  "2026-04-01", "classification", "c2", "billing_unit", "市民課", NULL))) !=
	    303)
		return -1;
	if (test_env_make(pj, ag, env1, "gcas-local-000000000001") ||
	    post(&pm, fmt("/environments/%s/assignments", env1),
	         form("csrf", pm.csrf, "email", "ps@ag.example.jp", "privilege", "admin", NULL)) !=
	        303)
		return -1;
	/* A review campaign of the agency. */
	if (post(&op, "/reviews/new",
	         form("csrf", op.csrf, "name", "定期確認", "deadline", "2026-01-30", "agency_id",
	              ag, NULL)) != 303 ||
	    !LOCATION || strncmp(LOCATION, "/reviews/", 9) != 0)
		return -1;
	snprintf(rid, sizeof(rid), "%.32s", LOCATION + 9);
	/* An application naming a person. */
	char body[1024];
	snprintf(body, sizeof(body),
	         "{\"kind\":\"create\",\"org_id\":\"%s\",\"email\":\"sato@ca.example.jp\","
	         "\"family_name\":\"佐藤\",\"given_name\":\"次郎\",\"family_kana\":\"サトウ\","
	         "\"given_kana\":\"ジロウ\",\"role\":\"contractor_staff\",\"reason\":\"運用保守\","
	         "\"verified_on\":\"2024-04-01\",\"scope\":\"contractor_nda\","
	         "\"system_name\":\"住民記録システム\",\"nda_confirmed\":true}",
	         ca);
	if (api_call(cm_token, "/api/v1/applications", NULL, body) != 201)
		return -1;
	const char *p = BODY ? strstr(BODY, "\"id\":\"") : NULL;
	if (!p)
		return -1;
	snprintf(app, sizeof(app), "%.32s", p + 6);
	return 0;
}

/* The browsing reads: page path (NULL: none), API path (NULL: none), audit action. */
struct gated {
	const char *page, *api, *action;
};

static struct gated routes[5];

static void make_routes(void)
{
	static char p[5][96], a[3][96];
	snprintf(p[0], sizeof(p[0]), "/groups/%s", grp);
	snprintf(a[0], sizeof(a[0]), "/api/v1/groups/%s", grp);
	snprintf(p[1], sizeof(p[1]), "/environments/%s/assignments", env1);
	snprintf(a[1], sizeof(a[1]), "/api/v1/environments/%s/assignments", env1);
	snprintf(p[2], sizeof(p[2]), "/reviews/%s", rid);
	snprintf(a[2], sizeof(a[2]), "/api/v1/reviews/%s/items", rid);
	snprintf(p[3], sizeof(p[3]), "/reviews/%s/export.csv", rid);
	snprintf(p[4], sizeof(p[4]), "/accounts/%s/departure", mgr.id);
	routes[0] = (struct gated){p[0], a[0], "group.members.list"};
	routes[1] = (struct gated){p[1], a[1], "assignment.list"};
	routes[2] = (struct gated){p[2], a[2], "review.items.list"};
	routes[3] = (struct gated){p[3], NULL, "review.export"};
	routes[4] = (struct gated){p[4], NULL, "account.view"};
}

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static void test_no_purpose(void)
{
	for (size_t i = 0; i < NROUTES; i++) {
		const struct gated *g = &routes[i];
		is_int(get(&op, g->page), 303, "no purpose: %s is redirected", g->page);
		ok(LOCATION && strncmp(LOCATION, "/access-purpose?next=%2F", 24) == 0,
		   "  to the purpose form, coming back after");
		if (g->api) {
			is_int(api_call(op_token, g->api, NULL, NULL), 428, "no purpose: %s is 428",
			       g->api);
			has_str(BODY, "GCAS-Access-Purpose", "  naming the header");
		}
		is_int(wt_audit_count(&W, g->action, NULL), 0, "  no %s record", g->action);
	}
	/* A re-rendered POST goes back to its list, not to the POST's own path. */
	is_int(post(&op, fmt("/environments/%s/assignments", env1),
	            form("csrf", op.csrf, "email", "nobody@ag.example.jp", "privilege", "admin",
	                 NULL)),
	       303, "no purpose: a failed assignment re-render is redirected");
	is_str(LOCATION, fmt("/access-purpose?next=%%2Fenvironments%%2F%s%%2Fassignments", env1),
	       "  returning to the list");
	is_int(wt_audit_count(&W, "assignment.list", NULL), 0, "  and nothing was read");

	/* The organisation is not user information; its people are. */
	is_int(get(&op, fmt("/orgs/%s", ag)), 200, "no purpose: the organisation page opens");
	lacks_str(BODY, "staff@ag.example.jp", "  without its people");
	has_str(BODY, fmt("/accounts?org=%s", ag), "  linking to its (gated) account list");
	is_int(wt_audit_count(&W, "account.list", NULL), 0, "  nothing read, nothing recorded");
}

static void test_workflow(void)
{
	/* R7.2 / §5.2.2: opening an application is the operator's duty: no purpose asked. */
	is_int(get(&op, fmt("/applications/%s", app)), 200,
	       "no purpose: the operator opens an application");
	has_str(BODY, "sato@ca.example.jp", "  showing the person");
	is_int(wt_audit_count(&W, "application.view", NULL), 1, "  one application.view record");
	has_str(last_detail("application.view"), "\"category\":\"operations\"",
	        "  under operations");
	has_str(last_detail("application.view"), fmt("application %s", app),
	        "  naming the application");
	is_int(api_call(op_token, fmt("/api/v1/applications/%s", app), NULL, NULL), 200,
	       "no header: the API opens it too");
	is_int(wt_audit_count(&W, "application.view", NULL), 2, "  recorded");
	is_int(api_call(op_token, fmt("/api/v1/applications/%s", app), "legal; 照会-7", NULL), 200,
	       "with a header");
	has_str(last_detail("application.view"), "照会-7", "  recorded with its reason");
	has_str(last_detail("application.view"), "\"category\":\"legal\"", "  and category");
	is_int(api_call(op_token, fmt("/api/v1/applications/%s", app), "legal", NULL), 428,
	       "a bad header is refused, not ignored");
	is_int(wt_audit_count(&W, "application.view", NULL), 3, "  and not recorded");
	is_int(get(&mgr, fmt("/applications/%s", app)), 200, "the agency manager opens it");
	is_int(wt_audit_count(&W, "application.view", NULL), 3, "  with no record");
	/* The lists name each applicant: recorded the same way, without a purpose asked. */
	is_int(get(&op, "/applications"), 200, "no purpose: the operator opens the list");
	is_int(wt_audit_count(&W, "application.list", NULL), 1, "  one application.list record");
	has_str(last_detail("application.list"), "\"reason\":\"application list\"",
	        "  under operations, naming the list");
	is_int(api_call(op_token, "/api/v1/applications", NULL, NULL), 200,
	       "  and through the API");
	is_int(wt_audit_count(&W, "application.list", NULL), 2, "  recorded");
	is_int(get(&mgr, "/applications"), 200, "the agency manager opens the list");
	is_int(wt_audit_count(&W, "application.list", NULL), 2, "  with no record");
	/* A system registration names its contacts: kept right by the operator (R4.1). */
	is_int(get(&op, fmt("/orgs/%s/system", pj)), 200,
	       "no purpose: the operator opens a system");
	has_str(BODY, "pm@ag.example.jp", "  showing its contacts");
	is_int(wt_audit_count(&W, "system.view", NULL), 1, "  one system.view record");
	has_str(last_detail("system.view"), "\"category\":\"operations\"", "  under operations");
	has_str(last_detail("system.view"), "\"reason\":\"system ", "  naming the system");
	is_int(api_call(op_token, fmt("/api/v1/projects/%s/system", pj), NULL, NULL), 200,
	       "  and through the API");
	is_int(wt_audit_count(&W, "system.view", NULL), 2, "  recorded");
	is_int(get(&mgr, fmt("/orgs/%s/system", pj)), 200, "the agency manager opens it");
	is_int(wt_audit_count(&W, "system.view", NULL), 2, "  with no record");
}

static void test_declared(void)
{
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "agreement", "reason", "INQ-2026-77", NULL)),
	       303, "the operator declares a purpose");
	for (size_t i = 0; i < NROUTES; i++) {
		const struct gated *g = &routes[i];
		is_int(get(&op, g->page), 200, "with a purpose: %s opens", g->page);
		is_int(wt_audit_count(&W, g->action, NULL), 1, "  exactly one %s record",
		       g->action);
		has_str(last_detail(g->action), "INQ-2026-77", "  with the reason");
		has_str(last_detail(g->action), "\"category\":\"agreement\"", "  and the category");
		if (!g->api)
			continue;
		is_int(api_call(op_token, g->api, "security; CERT-9", NULL), 200,
		       "with a header: %s answers", g->api);
		is_int(wt_audit_count(&W, g->action, NULL), 2, "  one more record");
		has_str(last_detail(g->action), "CERT-9", "  with the header's reason");
	}
	is_int(get(&op, routes[0].page), 200, "the group page again");
	has_str(BODY, "staff@ag.example.jp", "  lists its members");
	has_str(BODY, "INQ-2026-77", "  under a notice of the purpose");
	is_int(get(&op, routes[1].page), 200, "the CSP users page");
	has_str(BODY, "ps@ag.example.jp", "  lists them");
	has_str(BODY, "INQ-2026-77", "  under the notice");

	long lists = wt_audit_count(&W, "account.list", NULL);
	is_int(get(&op, fmt("/orgs/%s", ag)), 200, "with a purpose: the organisation page");
	has_str(BODY, "staff@ag.example.jp", "  shows its people");
	is_int(wt_audit_count(&W, "account.list", NULL), lists + 1, "  recorded once");
	has_str(last_detail("account.list"), fmt("\"org_id\":\"%s\"", ag), "  naming the org");
	has_str(last_detail("account.list"), "INQ-2026-77", "  with the reason");

	is_int(get(&op, fmt("/applications/%s", app)), 200, "a workflow read under a purpose");
	has_str(last_detail("application.view"), "INQ-2026-77", "  records the declared one");
}

static void test_agency_side(void)
{
	const char *actions[] = {"group.members.list", "assignment.list", "review.items.list",
	                         "account.view"};
	long before[4];
	for (size_t i = 0; i < 4; i++)
		before[i] = wt_audit_count(&W, actions[i], NULL);
	is_int(get(&mgr, routes[0].page), 200, "the agency manager: the group page, no purpose");
	lacks_str(BODY, "閲覧目的", "  no purpose notice");
	is_int(api_call(mgr_token, routes[0].api, NULL, NULL), 200, "  the group API");
	is_int(get(&mgr, routes[1].page), 200, "  the CSP users page");
	is_int(api_call(mgr_token, routes[1].api, NULL, NULL), 200, "  the CSP users API");
	is_int(get(&mgr, routes[2].page), 200, "  the review page");
	is_int(api_call(mgr_token, routes[2].api, NULL, NULL), 200, "  the review items API");
	is_int(get(&mgr, fmt("/orgs/%s", ag)), 200, "  the organisation page");
	has_str(BODY, "staff@ag.example.jp", "  with its people");
	for (size_t i = 0; i < 4; i++)
		is_int(wt_audit_count(&W, actions[i], NULL), before[i], "  no %s record",
		       actions[i]);
}

int main(void)
{
	clock_fix(T0);
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	if (!ok(setup() == 0, "an operator, an agency with its people, a group, an environment "
	                      "with a CSP user, a review and an application"))
		return tap_done();
	make_routes();
	test_no_purpose();
	test_workflow();
	test_declared();
	test_agency_side();
	clock_fix(-1);
	pages_done();
	return tap_done();
}
