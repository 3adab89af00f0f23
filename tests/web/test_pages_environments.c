/* SPDX-License-Identifier: MIT */
/* CSP environment pages and API (issue 4 §2, S6): the request form re-rendered with every
 * message and what was typed (422: a CSP the system did not register, development without
 * CI/CD), each side refused across roles and agencies (403, audited), the operator alone
 * approving and fulfilling through the local driver, the simulated console, deletion closing
 * the environment, and the API's idempotent create. Then what an exec driver returns shown on
 * the environment page and in the API (SCIM URL, SAML entity id and ACS URL; the SCIM token
 * only as "stored", never itself), and the environment lines of the operator's monthly
 * service-level report. */
#include <limits.h>

#include "core/system.h"
#include "signer/signer.h"
#include "test_pages.h"

static struct who op, ma, pm, ps, mb, pmb;
static char a[33], pj[33], b[33], pjb[33];

/* The 32-hex id after prefix in s ("" when none). */
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

static void register_system(void)
{
	char url[64];
	snprintf(url, sizeof(url), "/orgs/%s/system", pj);
	is_int(
	    post(&pm, url,
	         fmt("%s&csps=aws&csps=gcp&environments=production&environments=staging",
	             form("csrf", pm.csrf, "name", "住民記録システム", "purpose", "住民票",
	                  "lifecycle", "building", "contacts", "pm@a.example.jp", "period_start",
	                  "2026-04-01", "classification", "c2", "billing_unit", "市民課", NULL))),
	    303, "the team registers its system (aws, gcp; no CI/CD)");
}

static void test_request_flow(void)
{
	char rid[33], eid[33], did[33], ext[24] = "";
	is_int(get(&pm, "/environments"), 200, "the project manager opens the environments");
	has_str(BODY, fmt("/environments/new?project_id=%s", pj), "  a link to request one");
	is_int(get(&pm, fmt("/environments/new?project_id=%s", pj)), 200, "the request form");
	has_str(BODY, "name=\"csrf\"", "  with the CSRF field");
	has_str(BODY, "さくらのクラウド", "  offering the CSPs");

	is_int(post(&pm, "/environments/new",
	            form("csrf", pm.csrf, "project_id", pj, "csp", "azure", "kind", "development",
	                 "reason", "検証のための環境", NULL)),
	       422, "azure (not registered) and development (no CI/CD): 422");
	has_str(BODY, "登録されていないクラウドサービス", "  the CSP message");
	has_str(BODY, "CI/CD を運用するシステムだけ", "  the CI/CD message");
	has_str(BODY, "検証のための環境", "  the reason typed is kept");
	is_int(post(&pm, "/environments/new?lang=en",
	            form("csrf", pm.csrf, "project_id", pj, "csp", "aws", "kind", "development",
	                 "reason", "x", NULL)),
	       422, "in English: 422");
	has_str(BODY, "A development environment is only for a system that runs CI/CD",
	        "  the CI/CD rule (en)");

	long d0 = wt_audit_count(&W, "permission.denied", "denied");
	is_int(post(&ps, "/environments/new",
	            form("csrf", ps.csrf, "project_id", pj, "csp", "aws", "kind", "production",
	                 "reason", "本番", NULL)),
	       403, "project staff may not request: 403");
	is_int(post(&mb, "/environments/new",
	            form("csrf", mb.csrf, "project_id", pj, "csp", "aws", "kind", "production",
	                 "reason", "本番", NULL)),
	       403, "another agency's manager may not: 403");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), d0 + 2, "  both audited");

	is_int(post(&ma, "/environments/new",
	            form("csrf", ma.csrf, "project_id", pj, "csp", "aws", "kind", "production",
	                 "reason", "本番環境の開設", NULL)),
	       303, "the agency manager requests aws production");
	has_str(LOCATION, "done=requested", "  redirected with a confirmation");
	id_after(LOCATION, "/environments/requests/", rid);
	is_int((int)strlen(rid), 32, "  to the request's page");

	is_int(get(&pm, fmt("/environments/requests/%s", rid)), 200, "the team reads the request");
	has_str(BODY, "申請中", "  submitted");
	lacks_str(BODY, "/decide", "  no approval form for the team");
	is_int(get(&pmb, fmt("/environments/requests/%s", rid)), 403, "another agency: 403");
	is_int(post(&pm, fmt("/environments/requests/%s/decide", rid),
	            form("csrf", pm.csrf, "decision", "approve", NULL)),
	       403, "the project manager may not approve: 403");
	is_int(get(&op, fmt("/environments/requests/%s", rid)), 200, "the operator reads it");
	has_str(BODY, "/decide", "  with the approval form");
	is_int(post(&op, fmt("/environments/requests/%s/decide", rid),
	            form("csrf", op.csrf, "decision", "approve", "note", "確認済み", NULL)),
	       303, "the operator approves");
	is_int(wt_audit_count(&W, "env.approved", "ok"), 1, "  audited");
	is_int(post(&op, fmt("/environments/requests/%s/fulfil", rid), form("csrf", op.csrf, NULL)),
	       303, "the operator carries it out now");
	is_int(get(&pm, fmt("/environments/requests/%s", rid)), 200, "the request page");
	has_str(BODY, "完了", "  fulfilled");
	has_str(BODY, "確認済み", "  the note in the history");
	id_after(BODY, "href=\"/environments/", eid);
	is_int(get(&pm, fmt("/environments/%s", eid)), 200, "the environment page");
	has_str(BODY, "利用中", "  active");
	const char *p = strstr(BODY, "gcas-local-");
	if (p) {
		memcpy(ext, p, 23);
		ext[23] = '\0';
	}
	is_int((int)strlen(ext), 23, "  its local cloud id");
	has_str(BODY, fmt("/local-cloud/%s", ext), "  a console link");
	is_int(get(&ps, fmt("/local-cloud/%s", ext)), 200, "project staff open the console");
	has_str(BODY, "模擬クラウド", "  it says it is the simulated cloud");
	has_str(BODY, ext, "  and which account");
	is_int(get(&mb, fmt("/local-cloud/%s", ext)), 403, "another agency's manager: 403");

	/* Deletion. */
	is_int(post(&pm, fmt("/environments/%s/delete", eid),
	            form("csrf", pm.csrf, "reason", "", NULL)),
	       422, "deletion without a reason: 422");
	has_str(BODY, "理由を入力してください", "  the message");
	is_int(post(&pmb, fmt("/environments/%s/delete", eid),
	            form("csrf", pmb.csrf, "reason", "x", NULL)),
	       403, "another agency may not request deletion: 403");
	is_int(post(&pm, fmt("/environments/%s/delete", eid),
	            form("csrf", pm.csrf, "reason", "利用終了", NULL)),
	       303, "the project manager requests deletion");
	id_after(LOCATION, "/environments/requests/", did);
	is_int(post(&op, fmt("/environments/requests/%s/decide", did),
	            form("csrf", op.csrf, "decision", "approve", NULL)),
	       303, "the operator approves it");
	is_int(post(&op, fmt("/environments/requests/%s/fulfil", did), form("csrf", op.csrf, NULL)),
	       303, "and carries it out");
	is_int(get(&pm, fmt("/environments/%s", eid)), 200, "the environment page");
	has_str(BODY, "削除済み", "  closed");
	is_int(get(&op, fmt("/local-cloud/%s", ext)), 200, "the console");
	has_str(BODY, "削除済み", "  the simulated account is closed");
}

static void test_api(void)
{
	char tok[128], tokb[128];
	struct wt_resp r1 = {0}, r2 = {0}, r3 = {0};
	if (!ok(wt_token(&W, pm.id, "read write", tok) == 0 &&
	            wt_token(&W, pmb.id, "read", tokb) == 0,
	        "API tokens"))
		return;
	const char *auth = fmt("Authorization: Bearer %s", tok);
	const char *hdrs[] = {auth, "Idempotency-Key: api-key-1", NULL};
	const char *body = fmt(
	    "{\"project_id\":\"%s\",\"csp\":\"gcp\",\"kind\":\"staging\",\"reason\":\"検証\"}", pj);
	wt_request(&W, "POST", "/api/v1/environment-requests", NULL, "application/json", body, hdrs,
	           &r1);
	is_int(r1.status, 201, "POST /environment-requests: 201");
	has_str(r1.body, "\"idempotency_key\":\"api-key-1\"", "  the key is kept");
	wt_request(&W, "POST", "/api/v1/environment-requests", NULL, "application/json", body, hdrs,
	           &r2);
	ok(r2.status == 201 && r1.body && r2.body && strcmp(r1.body, r2.body) == 0,
	   "the same key again answers with the same request");
	const char *bad = fmt("{\"project_id\":\"%s\",\"csp\":\"oci\",\"kind\":\"development\","
	                      "\"reason\":\"x\"}",
	                      pj);
	const char *h1[] = {auth, NULL};
	wt_request(&W, "POST", "/api/v1/environment-requests", NULL, "application/json", bad, h1,
	           &r3);
	is_int(r3.status, 422, "oci + development: 422");
	has_str(r3.body, "\"errors\"", "  with field errors");
	wt_resp_free(&r1);
	wt_resp_free(&r2);
	wt_resp_free(&r3);
	const char *hb[] = {fmt("Authorization: Bearer %s", tokb), NULL};
	wt_request(&W, "GET", fmt("/api/v1/environment-requests?project_id=%s", pj), NULL, NULL,
	           NULL, hb, &r1);
	is_int(r1.status, 403, "another agency may not list the team's requests");
	wt_resp_free(&r1);
	wt_request(&W, "GET", "/api/v1/environment-requests", NULL, NULL, NULL, h1, &r1);
	is_int(r1.status, 200, "the team lists its requests");
	is_int(count_of(r1.body, "\"kind\":\"create\""), 2, "  two create requests");
	wt_resp_free(&r1);
}

/* The exec driver's test command tests/data/provision/sso.sh, as a driver setting. */
static const char *sso_driver(void)
{
	char here[PATH_MAX];
	if (!realpath(__FILE__, here))
		return NULL;
	for (int i = 0; i < 2; i++) { /* .../tests/web/x.c → .../tests */
		char *slash = strrchr(here, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
	}
	return fmt("exec:%s/data/provision/sso.sh", here);
}

static void test_driver_outputs(void)
{
	static const unsigned char kek[32] = {7, 7, 7};
	struct signer *saved = W.env.signer, *sg = NULL;
	char rid[33], eid[33], tok[128];
	const char *drv = sso_driver();
	if (!ok(drv && signer_open(W.env.st, kek, 0, &sg) == GCAS_OK,
	        "an exec driver and a signer"))
		return;
	W.cfg.provision[CSP_GCP] = drv;
	W.env.signer = sg;
	is_int(post(&pm, "/environments/new",
	            form("csrf", pm.csrf, "project_id", pj, "csp", "gcp", "kind", "staging",
	                 "reason", "認証連携の検証", NULL)),
	       303, "the project manager requests gcp staging");
	id_after(LOCATION, "/environments/requests/", rid);
	is_int(post(&op, fmt("/environments/requests/%s/decide", rid),
	            form("csrf", op.csrf, "decision", "approve", NULL)),
	       303, "the operator approves");
	is_int(post(&op, fmt("/environments/requests/%s/fulfil", rid), form("csrf", op.csrf, NULL)),
	       303, "and carries it out through the command");
	get(&pm, fmt("/environments/requests/%s", rid));
	id_after(BODY, "href=\"/environments/", eid);
	is_int(get(&pm, fmt("/environments/%s", eid)), 200, "the environment page");
	has_str(BODY, "SCIM の送信先", "  names the SCIM endpoint");
	has_str(BODY, "https://scim.example.test/", "  shows it");
	has_str(BODY, "https://signin.example.test/", "  and the SAML service provider");
	has_str(BODY, "/acs", "  with its ACS URL");
	has_str(BODY, "保管済み（暗号化）", "  says the token is stored, encrypted");
	lacks_str(BODY, "tok-secret", "  never shows the token");
	is_int(get(&op, fmt("/environments/%s?lang=en", eid)), 200, "the operator's page (en)");
	has_str(BODY, "Stored (encrypted)", "  the token stored");
	lacks_str(BODY, "tok-secret", "  never the token");
	if (ok(wt_token(&W, pm.id, "read", tok) == 0, "an API token")) {
		struct wt_resp r = {0};
		const char *h[] = {fmt("Authorization: Bearer %s", tok), NULL};
		wt_request(&W, "GET", fmt("/api/v1/environments/%s", eid), NULL, NULL, NULL, h, &r);
		is_int(r.status, 200, "GET /environments/{id}");
		has_str(r.body, "\"scim_token_stored\":true", "  says the token is stored");
		has_str(r.body, "\"saml_entity_id\":\"https://signin.example.test/",
		        "  the entity id");
		lacks_str(r.body, "tok-secret", "  never the token");
		lacks_str(r.body, "scim_token_sealed", "  nor its sealed form");
		wt_resp_free(&r);
	}
	W.env.signer = saved;
	W.cfg.provision[CSP_GCP] = "local";
	signer_free(sg);
}

static void test_slo_report(void)
{
	is_int(get(&op, "/reports/slo"), 200, "the operator's monthly report");
	/* This month: aws and gcp created, the aws one deleted, each at once (on time); the two
	 * API requests were never approved. */
	has_str(
	    BODY,
	    "<tr><td>環境の作成</td><td>2</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td>"
	    "<td>100.0%</td></tr>",
	    "  an environment creation line: 2 approved, 2 on time");
	has_str(
	    BODY,
	    "<tr><td>環境の削除</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td>"
	    "<td>100.0%</td></tr>",
	    "  an environment deletion line: 1 on time");
	is_int(get(&op, "/reports/slo?lang=en"), 200, "in English");
	has_str(BODY, "<td>Environment creation</td>", "  Environment creation");
	has_str(BODY, "<td>Environment deletion</td>", "  Environment deletion");
	is_int(get(&op, "/reports/slo?month=2001-01"), 200, "a month without any");
	has_str(
	    BODY,
	    "<tr><td>環境の作成</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>"
	    "<td>—</td></tr>",
	    "  zeros and no rate");
	is_int(get(&ma, "/reports/slo"), 403, "an agency manager may not read it");
}

int main(void)
{
	char op_org[33];
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pj) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0 &&
	       wt_org(&W, ORG_PROJECT, b, "乙省 基盤", NULL, pjb) == 0,
	   "agency A (a team), agency B (a team)");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", &pm) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "ps@a.example.jp", &ps) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pjb, "pm@b.example.jp", &pmb) == 0,
	   "people of both agencies signed in");
	register_system();
	test_request_flow();
	test_api();
	test_driver_outputs();
	test_slo_report();
	pages_done();
	return tap_done();
}
