/* SPDX-License-Identifier: MIT */
/* System registration pages (issue 4 §1, R4.1): the list and nav entry, a project team's form
 * (register once, then edit at the version read), re-rendering with every message in Japanese or
 * English and the values typed (422), a stale version (409), the CI/CD rule for development
 * environments, the history growing per change, and each role's allowed and refused side across
 * two agencies (403, audited). */
#include "test_pages.h"

static struct who op, ma, sa, pm, ps, cm, cs, mb, pmb;
static char a[33], pj[33], co[33], b[33], pjb[33];

static const char *reg_form(const struct who *p, const char *version, const char *lifecycle,
                            const char *envs_extra, const char *ci_cd)
{
	return fmt("%s&csps=aws&csps=sakura&environments=production%s%s%s",
	           form("csrf", p->csrf, "version", version, "name", "住民記録システム", "purpose",
	                "住民票の記録と証明書の交付", "lifecycle", lifecycle, "contacts",
	                "pm@a.example.jp\nmgr@a.example.jp", "contractor_id", co, "period_start",
	                "2026-04-01", "period_end", "2030-03-31", "classification", "c3",
	                "billing_unit", "市民課", "ci_cd", ci_cd, NULL),
	           envs_extra, "", "");
}

static void test_register(void)
{
	char url[64]; /* not fmt(): its rotating buffers are reused below */
	snprintf(url, sizeof(url), "/orgs/%s/system", pj);
	is_int(get(&pm, "/"), 200, "home");
	has_str(BODY, "href=\"/systems\"", "the nav and S5 link to /systems");
	is_int(get(&pm, url), 200, "the project manager opens the team's system page");
	has_str(BODY, "まだ登録されていません", "  not registered yet");
	has_str(BODY, fmt("action=\"%s\"", url), "  the registration form");
	has_str(BODY, "name=\"csrf\"", "  with the CSRF field");
	has_str(BODY, "機密性3", "  offering the 機密性 classes");
	is_int(get(&ps, url), 200, "project staff open it");
	lacks_str(BODY, fmt("action=\"%s\"", url), "  without the form");
	is_int(get(&mb, url), 403, "another agency's manager: 403");
	is_int(get(&pmb, url), 403, "another agency's project manager: 403");

	/* Bad input: every message, what was typed kept. */
	is_int(post(&pm, url,
	            fmt("%s&environments=development",
	                form("csrf", pm.csrf, "name", "住民記録システム", "purpose", "",
	                     "lifecycle", "building", "contacts", "pm@a.example.jp", "period_start",
	                     "2026-04-01", "period_end", "2026-03-01", "classification", "c2",
	                     "billing_unit", "市民課", NULL))),
	       422, "no CSP, development without CI/CD, end before start: 422");
	has_str(BODY, "開発環境は CI/CD を使う場合にだけ登録できます", "  the CI/CD rule (ja)");
	has_str(BODY, "利用するクラウドサービスを1つ以上選んでください", "  at least one CSP");
	has_str(BODY, "利用終了日は利用開始日以降にしてください", "  the period order");
	has_str(BODY, "value=\"住民記録システム\"", "  the name typed is kept");
	has_str(BODY, "value=\"2026-03-01\"", "  and the end date");
	is_int(post(&pm, fmt("%s?lang=en", url),
	            fmt("%s&environments=development",
	                form("csrf", pm.csrf, "name", "x", "purpose", "x", "lifecycle", "building",
	                     "contacts", "pm@a.example.jp", "period_start", "2026-04-01",
	                     "classification", "c2", "billing_unit", "x", "csps", "aws", NULL))),
	       422, "in English: 422");
	has_str(BODY, "A development environment may be registered only when the system runs CI/CD",
	        "  the CI/CD rule (en)");

	long d0 = wt_audit_count(&W, "permission.denied", "denied");
	is_int(post(&ps, url, reg_form(&ps, "", "building", "", "")), 403,
	       "project staff may not register: 403");
	is_int(post(&mb, url, reg_form(&mb, "", "building", "", "")), 403,
	       "another agency's manager may not: 403");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), d0 + 2, "  both audited");

	is_int(post(&pm, url, reg_form(&pm, "", "building", "&environments=development", "1")), 303,
	       "the project manager registers (development with CI/CD)");
	has_str(LOCATION, "done=registered", "  redirected with a confirmation");
	is_int(wt_audit_count(&W, "system.register", "ok"), 1, "  audited");
	is_int(get(&pm, url), 200, "the page now shows it");
	has_str(BODY, "住民記録システム", "  the name");
	has_str(BODY, "さくらのクラウド", "  the CSPs");
	has_str(BODY, "mgr@a.example.jp", "  contacts by address");
	has_str(BODY, "株式会社委託", "  the contractor");
	has_str(BODY, "name=\"version\" value=\"1\"", "  the edit form carries version 1");
	is_int(post(&ma, url, reg_form(&ma, "", "building", "", "")), 409,
	       "a second registration: 409");
	has_str(BODY, "既に登録されています", "  says the team already has one");
}

static void test_edit(void)
{
	char url[64]; /* not fmt(): its rotating buffers are reused below */
	snprintf(url, sizeof(url), "/orgs/%s/system", pj);
	is_int(post(&ma, url, reg_form(&ma, "1", "production", "", "")), 303,
	       "the agency manager edits at version 1");
	is_int(post(&cm, url, reg_form(&cm, "2", "production", "", "1")), 303,
	       "the team's contractor manager edits at version 2");
	is_int(post(&op, url, reg_form(&op, "3", "retired", "", "")), 303, "the operator edits");
	is_int(post(&pm, url, reg_form(&pm, "2", "building", "", "")), 409, "a stale version: 409");
	has_str(BODY, "他の人が先に更新しました", "  says someone changed it first");
	has_str(BODY, "value=\"building\" checked", "  keeps the choice typed");
	is_int(post(&cs, url, reg_form(&cs, "4", "building", "", "")), 403,
	       "contractor staff may not edit: 403");
	is_int(post(&sa, url, reg_form(&sa, "4", "building", "", "")), 403,
	       "agency staff may not edit: 403");
	is_int(post(&pmb, url, reg_form(&pmb, "4", "building", "", "")), 403,
	       "another agency's project manager may not: 403");
	is_int(wt_audit_count(&W, "system.update", "ok"), 3, "three updates audited");

	is_int(get(&sa, "/systems"), 200, "agency staff list systems");
	has_str(BODY, "住民記録システム", "  theirs is listed");
	has_str(BODY, "廃止", "  retired");
	is_int(get(&mb, "/systems"), 200, "another agency's manager lists systems");
	lacks_str(BODY, "住民記録システム", "  and sees none of agency A's");
	is_int(get(&pm, url), 200, "the page");
	const char *p = strstr(BODY, "/systems/");
	char hist[128] = "";
	if (p && strlen(p) > 9 + 32) {
		memcpy(hist, p, 9 + 32);
		hist[41] = '\0';
	}
	is_int(get(&sa, fmt("%s/history", hist)), 200, "agency staff read the history");
	is_int(count_of(BODY, "<tr><td>"), 4, "  four versions");
	has_str(BODY, "&quot;lifecycle&quot;:&quot;building&quot;", "  version 1 as it was");
	is_int(get(&mb, fmt("%s/history", hist)), 403, "another agency: 403");
	is_int(get(&ps, "/systems/00000000000000000000000000000000/history"), 404,
	       "an unknown system: 404");
}

int main(void)
{
	char op_org[33];
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pj) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pj, "株式会社委託", NULL, co) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0 &&
	       wt_org(&W, ORG_PROJECT, b, "乙省 基盤", NULL, pjb) == 0,
	   "agency A (a team with a contractor), agency B (a team)");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "staff@a.example.jp", &sa) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", &pm) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "ps@a.example.jp", &ps) == 0 &&
	       person(ROLE_CONTRACTOR_MANAGER, co, "cm@itaku.example.jp", &cm) == 0 &&
	       person(ROLE_CONTRACTOR_STAFF, co, "cs@itaku.example.jp", &cs) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pjb, "pm@b.example.jp", &pmb) == 0,
	   "people of both agencies signed in");
	test_register();
	test_edit();
	pages_done();
	return tap_done();
}
