/* SPDX-License-Identifier: MIT */
/* /api/v1 system registration (issue 4 §1, R4.1): PUT registers once (201; a second → 409),
 * then replaces at the version read (If-Match or "version"; stale → 409, ETag moves on), GET
 * answers with the ETag, the list and the history are scoped by agency, 422 problems name the
 * field (the CI/CD rule for development environments), and each role's refused side across two
 * agencies (403, audited) and token scopes. */
#include "test_api.h"

static char t_op[128], t_ma[128], t_sa[128], t_pm[128], t_pm_ro[128], t_ps[128], t_cm[128],
    t_mb[128];

/* A request with a bearer token and an optional If-Match. */
static int call_if(const char *method, const char *target, const char *token, const char *if_match,
                   const char *body)
{
	struct wt_resp r;
	char auth[256], im[96];
	const char *hdrs[3] = {auth, NULL, NULL};
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	if (if_match) {
		snprintf(im, sizeof(im), "If-Match: %s", if_match);
		hdrs[1] = im;
	}
	api_reset();
	if (wt_request(&W, method, target, NULL, body ? "application/json" : NULL, body, hdrs, &r))
		return -1;
	BODY = dup_or_null(r.body);
	LOCATION = dup_or_null(r.location);
	CTYPE = dup_or_null(r.content_type);
	J = r.body ? json_loads(r.body, 0, NULL) : NULL;
	int st = r.status;
	wt_resp_free(&r);
	return st;
}

static const char *body(const char *lifecycle, const char *envs, int ci_cd, const char *extra)
{
	static char out[2048];
	snprintf(out, sizeof(out),
	         "{\"name\":\"共通基盤\",\"purpose\":\"認証\",\"lifecycle\":\"%s\","
	         "\"csps\":[\"aws\",\"oci\"],\"environments\":%s,"
	         "\"contacts\":[\"pm@a.example.jp\"],\"period_start\":\"2026-04-01\","
	         "\"classification\":\"c1\",\"billing_unit\":\"総務課\",\"ci_cd\":%s%s}",
	         lifecycle, envs, ci_cd ? "true" : "false", extra ? extra : "");
	return out;
}

static void test_put(const char *pj)
{
	char url[128];
	snprintf(url, sizeof(url), "/api/v1/projects/%s/system", pj);
	is_int(call_if("GET", url, t_pm, NULL, NULL), 404, "nothing registered: 404");
	is_int(call_if("PUT", url, t_pm, NULL, body("planning", "[\"development\"]", 0, NULL)), 422,
	       "development without CI/CD: 422");
	ok(is_problem(422, "/environments"), "  pointing at environments");
	is_int(call_if("PUT", url, t_pm, NULL,
	               body("planning", "[\"production\"]", 0, ",\"period_end\":\"2020-01-01\"")),
	       422, "end before start: 422");
	ok(is_problem(422, "/period_end"), "  pointing at period_end");
	is_int(call_if("PUT", url, t_pm_ro, NULL, body("planning", "[\"production\"]", 0, NULL)),
	       403, "a read-only token may not write");
	long d0 = wt_audit_count(&W, "permission.denied", "denied");
	is_int(call_if("PUT", url, t_ps, NULL, body("planning", "[\"production\"]", 0, NULL)), 403,
	       "project staff: 403");
	is_int(call_if("PUT", url, t_mb, NULL, body("planning", "[\"production\"]", 0, NULL)), 403,
	       "another agency's manager: 403");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), d0 + 2, "  both audited");

	is_int(call_if("PUT", url, t_pm, NULL,
	               body("planning", "[\"production\",\"development\"]", 1, NULL)),
	       201, "the project manager registers: 201");
	has_str(LOCATION, url + 7, "  Location is the registration");
	is_int(ji("version"), 1, "  version 1");
	is_str(js("classification"), "c1", "  c1");
	const char *sid = js("id");
	char id[33] = "";
	if (sid)
		snprintf(id, sizeof(id), "%s", sid);
	is_int(call_if("PUT", url, t_ma, NULL, body("planning", "[\"production\"]", 0, NULL)), 409,
	       "a second registration: 409");
	ok(is_problem(409, "/project_id"), "  pointing at project_id");

	is_int(call_if("GET", url, t_sa, NULL, NULL), 200, "agency staff read it");
	is_int(call_if("PUT", url, t_ma, "\"1\"", body("building", "[\"production\"]", 0, NULL)),
	       200, "the agency manager replaces at If-Match \"1\"");
	is_int(ji("version"), 2, "  version 2");
	is_int(call_if("PUT", url, t_cm, NULL,
	               body("production", "[\"production\"]", 0, ",\"version\":2")),
	       200, "the contractor manager replaces at version 2");
	is_int(call_if("PUT", url, t_pm, "\"2\"", body("retired", "[\"production\"]", 0, NULL)),
	       409, "a stale If-Match: 409");
	ok(is_problem(409, "/version"), "  pointing at version");
	is_int(call_if("PUT", url, t_pm, "W/\"3\"", body("retired", "[\"production\"]", 0, NULL)),
	       400, "a weak or foreign If-Match: 400");
	is_int(call_if("PUT", url, t_op, "\"3\"", body("retired", "[\"production\"]", 0, NULL)),
	       200, "the operator replaces at 3");
	is_int(wt_audit_count(&W, "system.update", "ok"), 3, "three updates audited");

	char hist[128];
	snprintf(hist, sizeof(hist), "/api/v1/systems/%s/history?limit=2", id);
	is_int(call_if("GET", hist, t_sa, NULL, NULL), 200, "the history, two a page");
	json_t *items = json_object_get(J, "items");
	is_int((long)json_array_size(items), 2, "  two items");
	is_int((long)json_integer_value(json_object_get(json_array_get(items, 0), "version")), 4,
	       "  newest first");
	ok(json_is_string(json_object_get(J, "next_cursor")), "  with a next cursor");
	snprintf(hist, sizeof(hist), "/api/v1/systems/%s/history?cursor=%s", id,
	         js("next_cursor") ? js("next_cursor") : "");
	is_int(call_if("GET", hist, t_sa, NULL, NULL), 200, "the second page");
	items = json_object_get(J, "items");
	is_int((long)json_array_size(items), 2, "  the other two");
	json_t *rec = json_object_get(json_array_get(items, 1), "record");
	is_str(jstr_in(rec, "lifecycle"), "planning", "  version 1 as it was");
	snprintf(hist, sizeof(hist), "/api/v1/systems/%s/history", id);
	is_int(call_if("GET", hist, t_mb, NULL, NULL), 403, "another agency: 403");

	is_int(call_if("GET", "/api/v1/systems", t_mb, NULL, NULL), 200, "B's manager lists");
	is_int((long)json_array_size(json_object_get(J, "items")), 0, "  none of A's");
	is_int(call_if("GET", "/api/v1/systems", t_sa, NULL, NULL), 200, "A's staff list");
	is_int((long)json_array_size(json_object_get(J, "items")), 1, "  A's one");
	is_int(call_if("GET", url, t_mb, NULL, NULL), 403, "B's manager may not read it");
}

int main(void)
{
	char op_org[33], a[33], pj[33], co[33], b[33];
	char op[33], ma[33], sa[33], pm[33], ps[33], cm[33], mb[33];
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "共通基盤", NULL, pj) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pj, "委託株式会社", NULL, co) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0,
	   "two agencies, a team with a contractor");
	ok(wt_account(&W, ROLE_OPERATOR, op_org, "op@gcas.example.jp", op) == 0 &&
	       wt_account(&W, ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", ma) == 0 &&
	       wt_account(&W, ROLE_AGENCY_STAFF, a, "staff@a.example.jp", sa) == 0 &&
	       wt_account(&W, ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", pm) == 0 &&
	       wt_account(&W, ROLE_PROJECT_STAFF, pj, "ps@a.example.jp", ps) == 0 &&
	       wt_account(&W, ROLE_CONTRACTOR_MANAGER, co, "cm@itaku.example.jp", cm) == 0 &&
	       wt_account(&W, ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", mb) == 0,
	   "people of both agencies");
	ok(wt_token(&W, op, "read write", t_op) == 0 && wt_token(&W, ma, "read write", t_ma) == 0 &&
	       wt_token(&W, sa, "read write", t_sa) == 0 &&
	       wt_token(&W, pm, "read write", t_pm) == 0 &&
	       wt_token(&W, pm, "read", t_pm_ro) == 0 &&
	       wt_token(&W, ps, "read write", t_ps) == 0 &&
	       wt_token(&W, cm, "read write", t_cm) == 0 &&
	       wt_token(&W, mb, "read write", t_mb) == 0,
	   "API tokens");
	test_put(pj);
	api_reset();
	wt_close(&W);
	return tap_done();
}
