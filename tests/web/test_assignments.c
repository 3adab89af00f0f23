/* SPDX-License-Identifier: MIT */
/* CSP user pages and API (issue 4 §3, §4): an environment's assignments page (who, privilege,
 * push state), the assign form re-rendered with its message and what was typed (422: unknown
 * address; 409: already assigned), privilege change and revocation, refusals across agencies
 * (403, audited), the console page listing only the reader's own active assignments with a
 * CSRF-protected sign-in form per environment (and an explanation when there are none), the
 * navigation and home page entries, and the API's list / create / revoke. */
#include "test_env.h"
#include "test_pages.h"

static struct who op, ma, pm, ps, cs, mb, pmb;
static char a[33], pj[33], co[33], b[33], pjb[33], env1[33], envb[33];

static const char *id_after(const char *s, const char *prefix, char out[33])
{
	size_t pl = strlen(prefix);
	out[0] = '\0';
	for (const char *p = s ? strstr(s, prefix) : NULL; p; p = strstr(p + 1, prefix))
		if (strspn(p + pl, "0123456789abcdef") == 32) {
			memcpy(out, p + pl, 32);
			out[32] = '\0';
			break;
		}
	return out;
}

static void register_system(const struct who *p, const char *team, const char *contact)
{
	is_int(
	    post(p, fmt("/orgs/%s/system", team),
	         fmt("%s&csps=aws&environments=production",
	             form("csrf", p->csrf, "name", "住民記録システム", "purpose", "住民票",
	                  "lifecycle", "building", "contacts", contact, "period_start",
	                  "2026-04-01", "classification", "c2", "billing_unit", "市民課", NULL))),
	    303, "system of a team registered");
}

static void make_env(const char *team, const char *agency, char *out, const char *ext)
{
	ok(test_env_make(team, agency, out, ext) == GCAS_OK, "environment %s made", ext);
}

static void test_pages(void)
{
	char aid[33];
	char page[80]; /* fmt's buffers rotate: keep our own copy */
	snprintf(page, sizeof(page), "/environments/%s/assignments", env1);
	is_int(get(&pm, fmt("/environments/%s", env1)), 200, "the environment page");
	has_str(BODY, page, "  links to its CSP users");
	is_int(get(&pm, page), 200, "the assignments page");
	has_str(BODY, "割り当てる", "  with the assign form");
	has_str(BODY, "name=\"csrf\"", "  CSRF field");
	has_str(BODY, "送信先", "  the SCIM target line");

	is_int(
	    post(&pm, page,
	         form("csrf", pm.csrf, "email", "nobody@a.example.jp", "privilege", "admin", NULL)),
	    422, "an unknown address: 422");
	has_str(BODY, "このメールアドレスのGCASアカウントはありません", "  the message");
	has_str(BODY, "value=\"nobody@a.example.jp\"", "  what was typed is kept");
	has_str(BODY, "value=\"admin\" checked", "  and the privilege chosen");
	is_int(post(&pm, page,
	            form("csrf", pm.csrf, "email", "ps@a.example.jp", "privilege", "admin", NULL)),
	       303, "the project manager assigns ps as administrator");
	has_str(LOCATION, "done=assigned", "  confirmation");
	is_int(wt_audit_count(&W, "assignment.create", "ok"), 1, "  audited");
	is_int(
	    post(&pm, page,
	         form("csrf", pm.csrf, "email", "ps@a.example.jp", "privilege", "general", NULL)),
	    409, "assigning again: 409");
	has_str(BODY, "すでにこの環境に割り当てられています", "  the message");
	is_int(
	    post(&ma, page,
	         form("csrf", ma.csrf, "email", "cs@co.example.jp", "privilege", "general", NULL)),
	    303, "the agency manager assigns a contractor");
	is_int(get(&pm, page), 200, "the page lists them");
	has_str(BODY, "ps@a.example.jp", "  ps");
	has_str(BODY, "cs@co.example.jp", "  cs");
	has_str(BODY, "管理者", "  with the privilege");
	has_str(BODY, "送信先なし", "  push state: this environment takes no SCIM pushes");
	id_after(strstr(BODY, "ps@a.example.jp"), fmt("/environments/%s/assignments/", env1), aid);
	is_int((int)strlen(aid), 32, "  with per-person actions");

	long d0 = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&mb, page), 403, "another agency's manager may not look: 403");
	is_int(post(&mb, page,
	            form("csrf", mb.csrf, "email", "ps@a.example.jp", "privilege", "admin", NULL)),
	       403, "nor assign: 403");
	is_int(post(&pmb, page,
	            form("csrf", pmb.csrf, "email", "pm@b.example.jp", "privilege", "admin", NULL)),
	       403, "another agency's project manager: 403");
	is_int(post(&pm, fmt("/environments/%s/assignments", envb),
	            form("csrf", pm.csrf, "email", "ps@a.example.jp", "privilege", "admin", NULL)),
	       403, "our manager may not use the other agency's environment: 403");
	ok(wt_audit_count(&W, "permission.denied", "denied") >= d0 + 4, "  refusals audited");
	is_int(post(&ps, page,
	            form("csrf", ps.csrf, "email", "cs@co.example.jp", "privilege", "admin", NULL)),
	       403, "project staff may not assign: 403");
	is_int(post(&pm, page, form("email", "x@a.example.jp", "privilege", "admin", NULL)), 403,
	       "without the CSRF field: refused");

	/* The console page. */
	is_int(get(&ps, "/console"), 200, "ps opens the console page");
	has_str(BODY, "gcas-local-000000000001", "  their environment's CSP id");
	is_int(count_of(BODY, "/signin\""), 1, "  one sign-in form");
	has_str(BODY, fmt("action=\"/console/%s/signin\"", env1), "  posting to the sign-in");
	has_str(BODY, "サインイン", "  labelled in Japanese");
	has_str(BODY, "name=\"csrf\"", "  with the CSRF field");
	has_str(BODY, "管理者", "  and the privilege");
	lacks_str(BODY, "gcas-local-000000000002", "  not the other agency's environment");
	is_int(get(&pm, "/console"), 200, "pm (not assigned) opens it");
	has_str(BODY, "入れる環境はありません", "  the empty state");
	has_str(BODY, "割り当てる", "  explaining how to get access");
	is_int(get(&ps, "/console?lang=en"), 200, "in English");
	has_str(BODY, "Sign in", "  Sign in");
	is_int(get(&ps, "/"), 200, "home page");
	has_str(BODY, "href=\"/console\"", "  links to the consoles");
	has_str(BODY, "コンソール", "  in the navigation");

	/* Change and revoke. */
	is_int(post(&pm, fmt("%s/%s/privilege", page, aid),
	            form("csrf", pm.csrf, "privilege", "root", NULL)),
	       422, "an unknown privilege: 422");
	is_int(post(&pm, fmt("%s/%s/privilege", page, aid),
	            form("csrf", pm.csrf, "privilege", "general", NULL)),
	       303, "privilege changed");
	is_int(wt_audit_count(&W, "assignment.privilege", "ok"), 1, "  audited");
	is_int(post(&pm, fmt("/environments/%s/assignments/%s/revoke", envb, aid),
	            form("csrf", pm.csrf, NULL)),
	       404, "an assignment under another environment's path: 404");
	is_int(post(&mb, fmt("%s/%s/revoke", page, aid), form("csrf", mb.csrf, NULL)), 403,
	       "another agency may not revoke: 403");
	is_int(post(&pm, fmt("%s/%s/revoke", page, aid), form("csrf", pm.csrf, NULL)), 303,
	       "revoked");
	is_int(wt_audit_count(&W, "assignment.revoke", "ok"), 1, "  audited");
	get(&pm, page);
	has_str(BODY, "解除された割り当て", "  the history lists it");
	is_int(get(&cs, "/console"), 200, "cs opens the console page");
	is_int(count_of(BODY, "/signin\""), 1, "  one environment");
	get(&ps, "/console");
	is_int(count_of(BODY, "/signin\""), 0, "ps's console page is empty now");
}

static void test_api(void)
{
	char tok[128], tokb[128];
	struct wt_resp r = {0};
	if (!ok(wt_token(&W, pm.id, "read write", tok) == 0 &&
	            wt_token(&W, mb.id, "read write", tokb) == 0,
	        "API tokens"))
		return;
	const char *h[] = {fmt("Authorization: Bearer %s", tok), NULL};
	const char *hb[] = {fmt("Authorization: Bearer %s", tokb), NULL};
	const char *url = fmt("/api/v1/environments/%s/assignments", env1);
	wt_request(&W, "POST", url, NULL, "application/json",
	           "{\"email\":\"ps@a.example.jp\",\"privilege\":\"general\"}", h, &r);
	is_int(r.status, 201, "POST assignments: 201");
	has_str(r.body, "\"privilege\":\"general\"", "  general");
	char aid[33];
	id_after(r.body, "\"id\":\"", aid);
	wt_resp_free(&r);
	wt_request(&W, "POST", url, NULL, "application/json",
	           "{\"email\":\"ps@a.example.jp\",\"privilege\":\"general\"}", h, &r);
	is_int(r.status, 409, "again: 409");
	wt_resp_free(&r);
	wt_request(&W, "POST", url, NULL, "application/json",
	           "{\"email\":\"pm@a.example.jp\",\"privilege\":\"owner\"}", h, &r);
	is_int(r.status, 422, "a bad privilege: 422");
	has_str(r.body, "privilege", "  pointing at it");
	wt_resp_free(&r);
	wt_request(&W, "GET", url, NULL, NULL, NULL, h, &r);
	is_int(r.status, 200, "GET assignments: 200");
	is_int(count_of(r.body, "\"active\":true"), 2, "  two active");
	has_str(r.body, "\"push_state\":\"none\"", "  push state (no SCIM target)");
	wt_resp_free(&r);
	wt_request(&W, "GET", fmt("%s?include_revoked=true", url), NULL, NULL, NULL, h, &r);
	is_int(count_of(r.body, "\"active\":false"), 1, "  the history on request");
	wt_resp_free(&r);
	wt_request(&W, "GET", url, NULL, NULL, NULL, hb, &r);
	is_int(r.status, 403, "another agency: 403");
	wt_resp_free(&r);
	wt_request(&W, "POST", fmt("%s/%s/revoke", url, aid), NULL, "application/json", "{}", hb,
	           &r);
	is_int(r.status, 403, "another agency may not revoke: 403");
	wt_resp_free(&r);
	wt_request(&W, "POST", fmt("%s/%s/revoke", url, aid), NULL, "application/json", "{}", h,
	           &r);
	is_int(r.status, 200, "revoke: 200");
	has_str(r.body, "\"active\":false", "  inactive");
	wt_resp_free(&r);
}

int main(void)
{
	char op_org[33];
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pj) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pj, "甲開発", NULL, co) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0 &&
	       wt_org(&W, ORG_PROJECT, b, "乙省 基盤", NULL, pjb) == 0,
	   "agency A (a team, a contractor), agency B (a team)");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", &pm) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "ps@a.example.jp", &ps) == 0 &&
	       person(ROLE_CONTRACTOR_STAFF, co, "cs@co.example.jp", &cs) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pjb, "pm@b.example.jp", &pmb) == 0,
	   "people of both agencies signed in");
	register_system(&pm, pj, "pm@a.example.jp");
	register_system(&pmb, pjb, "pm@b.example.jp");
	make_env(pj, a, env1, "gcas-local-000000000001");
	make_env(pjb, b, envb, "gcas-local-000000000002");
	test_pages();
	test_api();
	pages_done();
	return tap_done();
}
