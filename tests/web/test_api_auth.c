/* SPDX-License-Identifier: MIT */
/* Authentication of every API operation, driven by the route table: no token, a wrong token,
 * an expired one and a revoked one answer 401; a read-only token on every write operation
 * answers 403 and writes nothing. A browser session works with the X-CSRF-Token header and is
 * refused without it. /me and /tokens (list without hashes, revoke own only, 204). */
#include "base/clock.h"
#include "test_api.h"
#include "web/web.h"

static char agA[33], agB[33], mA[33], mB[33], opOrg[33], op[33];
static char t_mA[128], t_mA_ro[128], t_gone[128], t_mB[128], t_op[128];

static int setup(void)
{
	return wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, opOrg) ||
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agA) ||
	       wt_org(&W, ORG_AGENCY, NULL, "総務省", "soumu", agB) ||
	       wt_account(&W, ROLE_OPERATOR, opOrg, "ops@gcas.go.jp", op) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agA, "mgr-a@digital.go.jp", mA) ||
	       wt_account(&W, ROLE_AGENCY_MANAGER, agB, "mgr-b@soumu.go.jp", mB) ||
	       wt_token(&W, mA, "read write", t_mA) || wt_token(&W, mA, "read", t_mA_ro) ||
	       wt_token(&W, mA, "read write", t_gone) || wt_token(&W, mB, "read write", t_mB) ||
	       wt_token(&W, op, "read", t_op);
}

/* The route's pattern with every {x} replaced by an id-shaped value. */
static void fill(const char *pattern, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = pattern; *p && n + 40 < cap;) {
		if (*p == '{') {
			n += (size_t)snprintf(out + n, cap - n, "0123456789abcdef0123456789abcdef");
			const char *close = strchr(p, '}');
			if (!close)
				break;
			p = close + 1;
			continue;
		}
		out[n++] = *p++;
	}
	out[n] = '\0';
}

static const char *method_name(enum http_method m)
{
	return http_method_name(m);
}

/* The newest audit record's seq: anything written moves it. */
static long long newest_seq(void)
{
	if (call("GET", "/api/v1/audit?limit=1", t_op, NULL) != 200)
		return -1;
	return (long long)json_integer_value(
	    json_object_get(json_array_get(json_object_get(J, "items"), 0), "seq"));
}

static const char *body_for(const struct route *rt)
{
	return rt->method == HTTP_GET || rt->method == HTTP_DELETE ? NULL : "{}";
}

static void every_route(const char *token, int want, const char *what)
{
	size_t n = 0, good = 0;
	for (size_t i = 0; i < web_nroutes; i++) {
		const struct route *rt = &web_routes[i];
		char url[256];
		if (rt->kind != ROUTE_API || rt->auth == AUTH_NONE)
			continue;
		fill(rt->pattern, url, sizeof(url));
		n++;
		int st = call(method_name(rt->method), url, token, body_for(rt));
		if (st == want && is_problem(want, NULL))
			good++;
		else
			diag("%s %s with %s: %d", method_name(rt->method), url, what, st);
	}
	ok(n >= 20, "the table has the authenticated API operations");
	is_int((long)good, (long)n, "every one answers %d problem+json with %s", want, what);
}

static void test_401(void)
{
	char wrong[160];
	every_route(NULL, 401, "no token");
	every_route("gcas_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 401,
	            "an unknown token");
	snprintf(wrong, sizeof(wrong), "%.*s", (int)strlen(t_mA) - 1, t_mA);
	every_route(wrong, 401, "a truncated token");
	every_route("not-a-gcas-token", 401, "a token without our prefix");

	/* Expired: the fixture's tokens live one day. */
	clock_fix(clock_now() + 2 * 86400);
	every_route(t_mA, 401, "an expired token");
	clock_fix(-1);
	is_int(call("GET", "/api/v1/me", t_mA, NULL), 200, "the same token works today");
}

static void test_scope(void)
{
	long long before = newest_seq();
	size_t n = 0, good = 0;
	for (size_t i = 0; i < web_nroutes; i++) {
		const struct route *rt = &web_routes[i];
		char url[256];
		if (rt->kind != ROUTE_API || !rt->scope || strcmp(rt->scope, "write") != 0)
			continue;
		/* Real ids, so a missing scope check would reach the use case and change things. */
		snprintf(url, sizeof(url), "%s", rt->pattern);
		fill(rt->pattern, url, sizeof(url));
		n++;
		int st = call(method_name(rt->method), url, t_mA_ro, body_for(rt));
		if (st == 403 && is_problem(403, NULL))
			good++;
		else
			diag("%s %s read-only: %d", method_name(rt->method), url, st);
	}
	ok(n >= 12, "there are write operations");
	is_int((long)good, (long)n, "a read-only token gets 403 on every write operation");
	char url[128], body[256];
	snprintf(url, sizeof(url), "/api/v1/orgs/%s", agA);
	is_int(call("PATCH", url, t_mA_ro, "{\"name\":\"読み取り専用で改名\"}"), 403,
	       "renaming a real organisation read-only → 403");
	snprintf(body, sizeof(body),
	         "{\"kind\":\"project\",\"name\":\"読み取り専用\",\"parent_id\":\"%s\"}", agA);
	is_int(call("POST", "/api/v1/orgs", t_mA_ro, body), 403, "creating read-only → 403");
	is_int(newest_seq(), before, "nothing was written (no new audit record)");
	is_int(call("GET", url, t_mA_ro, NULL), 200, "reading with it works");
	is_str(js("name"), "デジタル庁", "the name is unchanged");
}

static void test_session(void)
{
	char cookie[256], csrf[64], body[256];
	if (!ok(wt_login(&W, mA, cookie, csrf) == 0, "a browser session"))
		return;
	is_int(call_full("GET", "/api/v1/me", NULL, cookie, NULL, NULL, NULL), 200,
	       "reads with the session cookie");
	is_str(js("id"), mA, "as its account");
	snprintf(body, sizeof(body),
	         "{\"kind\":\"project\",\"name\":\"セッション作成\",\"parent_id\":\"%s\"}", agA);
	is_int(call_full("POST", "/api/v1/orgs", NULL, cookie, NULL, "application/json", body), 403,
	       "a state-changing call without X-CSRF-Token → 403");
	is_int(call_full("POST", "/api/v1/orgs", NULL, cookie, "wrong", "application/json", body),
	       403, "with a wrong X-CSRF-Token → 403");
	is_int(call_full("GET", "/api/v1/orgs?kind=project", NULL, cookie, NULL, NULL, NULL), 200,
	       "list projects");
	is_int(nitems(), 0, "none was created");
	is_int(call_full("POST", "/api/v1/orgs", NULL, cookie, csrf, "application/json", body), 201,
	       "with the session's token → 201");
	is_int(call_full("GET", "/api/v1/tokens", NULL, cookie, NULL, NULL, NULL), 200,
	       "the session lists the account's tokens");
}

static void test_tokens(void)
{
	is_int(call("GET", "/api/v1/tokens", t_mA, NULL), 200, "list my tokens");
	is_int(nitems(), 3, "the three of agency A's manager");
	ok(!strstr(BODY, "hash") && !strstr(BODY, t_mA + 9), "no hash and no secret in the list");
	ok(json_is_null(json_object_get(J, "next_cursor")), "one page");
	json_t *it;
	size_t i;
	char ro_id[33] = "";
	json_array_foreach(json_object_get(J, "items"), i, it)
	{
		json_t *sc = json_object_get(it, "scopes");
		if (json_array_size(sc) == 1)
			snprintf(ro_id, sizeof(ro_id), "%s", jstr_in(it, "id"));
		ok(jstr_in(it, "name") && jstr_in(it, "created_at") && jstr_in(it, "expires_at") &&
		       json_is_null(json_object_get(it, "revoked_at")),
		   "token %zu: name, times, not revoked", i);
	}
	ok(ro_id[0], "the read-only token has scopes [\"read\"]");

	char url[128];
	snprintf(url, sizeof(url), "/api/v1/tokens/%s", ro_id);
	is_int(call("DELETE", url, t_mB, NULL), 404, "another person's token is not found");
	is_int(call("GET", "/api/v1/me", t_mA_ro, NULL), 200, "so it still works");
	is_int(call("DELETE", url, t_mA_ro, NULL), 403, "a read-only token cannot revoke");
	is_int(call("DELETE", url, t_mA, NULL), 204, "revoke my read-only token → 204");
	is_int(wt_audit_count(&W, "token.revoke", NULL), 1, "audited");
	is_int(call("GET", "/api/v1/me", t_mA_ro, NULL), 401, "a revoked token → 401");
	is_int(call("DELETE", url, t_mA, NULL), 404, "revoking again → 404");
	is_int(call("GET", "/api/v1/tokens", t_mA, NULL), 200, "list again");
	has_str(BODY, "\"revoked_at\":\"", "the list shows when it was revoked");

	/* A token can revoke itself; then every operation refuses it. t_gone is the read-write
	 * token never used yet (listing with t_mA leaves its last_used_at null). */
	char gone_id[33] = "";
	is_int(call("GET", "/api/v1/tokens", t_mA, NULL), 200, "list again");
	json_array_foreach(json_object_get(J, "items"), i, it)
	{
		if (json_is_null(json_object_get(it, "last_used_at")) &&
		    json_is_null(json_object_get(it, "revoked_at")))
			snprintf(gone_id, sizeof(gone_id), "%s", jstr_in(it, "id"));
	}
	snprintf(url, sizeof(url), "/api/v1/tokens/%s", gone_id);
	is_int(call("DELETE", url, t_gone, NULL), 204, "a token revokes itself");
	int revoked = call("GET", "/api/v1/me", t_gone, NULL) == 401;
	ok(revoked, "and is refused from then on");
	every_route(t_gone, 401, "a revoked token");
	is_int(call("GET", "/api/v1/me", t_mA, NULL), 200, "the other token is unaffected");
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	if (!ok(setup() == 0, "fixtures"))
		return tap_done();
	test_401();
	test_scope();
	test_session();
	test_tokens();
	api_reset();
	wt_close(&W);
	return tap_done();
}
