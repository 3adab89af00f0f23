/* SPDX-License-Identifier: MIT */
/* Periodic review pages and API (R2.7): who may open a campaign, the form re-rendered with its
 * messages (422) and what was typed, the campaign list with progress, a manager's waiting items,
 * the inline decide form only on items the reader may decide (and only its own items), refusals
 * across agencies (403), a final decision (409), remove filing a deletion application, the
 * undecided filter, the CSV export (BOM, RFC 4180, scoped to the agency manager's rows), closing,
 * and the JSON API (list, open, items, decision). */
#include <jansson.h>

#include "base/clock.h"
#include "test_pages.h"

static char *CTYPE;

/* A request that keeps the response's content type; token: a bearer token or NULL. */
static int call(const char *method, const char *target, const char *cookie, const char *token,
                const char *ctype, const char *body)
{
	struct wt_resp r;
	char auth[256];
	const char *hdrs[2] = {NULL, NULL};
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdrs[0] = auth;
	}
	free(BODY);
	free(LOCATION);
	free(CTYPE);
	BODY = LOCATION = CTYPE = NULL;
	if (wt_request(&W, method, target, cookie, ctype, body, hdrs, &r))
		return -1;
	BODY = pages_dup(r.body);
	LOCATION = pages_dup(r.location);
	CTYPE = pages_dup(r.content_type);
	int st = r.status;
	wt_resp_free(&r);
	return st;
}

/* The id of the item row (<tr id="item-ID">) that shows email, or "". */
static const char *item_for(const char *email, char out[33])
{
	out[0] = '\0';
	for (const char *p = BODY ? strstr(BODY, "<tr id=\"item-") : NULL; p;
	     p = strstr(p + 1, "<tr id=\"item-")) {
		const char *end = strstr(p, "</tr>");
		const char *e = strstr(p, email);
		if (end && e && e < end) {
			memcpy(out, p + 13, 32);
			out[32] = '\0';
			return out;
		}
	}
	return out;
}

/* The 32-hex id after prefix in s (e.g. a Location header), or "". */
static const char *id_after(const char *s, const char *prefix, char out[33])
{
	const char *p = s ? strstr(s, prefix) : NULL;
	out[0] = '\0';
	if (p && strspn(p + strlen(prefix), "0123456789abcdef") >= 32) {
		memcpy(out, p + strlen(prefix), 32);
		out[32] = '\0';
	}
	return out;
}

int main(void)
{
	char op_org[33], a[33], pj[33], co[33], b[33], rid[33], it_ps[33], it_cm[33], it_sa[33];
	char tok_op[128], tok_cm[128];
	struct who op, ma, sa, pm, ps, cm, cs, mb, sb;
	clock_fix(1767225600); /* 2026-01-01T09:00 JST */
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pj) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pj, "甲開発株式会社", NULL, co) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0,
	   "agency A with a project team and a contractor, agency B");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "suzuki@a.example.jp", &sa) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", &pm) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "ito@a.example.jp", &ps) == 0 &&
	       person(ROLE_CONTRACTOR_MANAGER, co, "cm@kaihatsu.example.jp", &cm) == 0 &&
	       person(ROLE_CONTRACTOR_STAFF, co, "cs@kaihatsu.example.jp", &cs) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0 &&
	       person(ROLE_AGENCY_STAFF, b, "kato@b.example.jp", &sb) == 0,
	   "people of every role, signed in");

	/* Who may open. */
	is_int(get(&sa, "/reviews"), 403, "staff may not open the review pages");
	is_int(get(&ma, "/reviews/new"), 403, "an agency manager may not open the new form");
	is_int(post(&ma, "/reviews/new",
	            form("csrf", ma.csrf, "name", "x", "deadline", "2026-01-30", NULL)),
	       403, "nor post it");
	is_int(get(&op, "/reviews/new"), 200, "the operator opens the form");
	has_str(BODY, "name=\"deadline\"", "  with a deadline field");
	has_str(BODY, fmt("value=\"%s\"", a), "  and the agencies to choose from");

	/* Bad input re-renders with its messages and keeps what was typed. */
	is_int(
	    post(&op, "/reviews/new",
	         form("csrf", op.csrf, "name", "", "deadline", "2026-02-30", "agency_id", a, NULL)),
	    422, "an empty name and an impossible date: 422");
	has_str(BODY, "期限は YYYY-MM-DD", "  says how to write the date");
	has_str(BODY, "value=\"2026-02-30\"", "  keeps the typed date");
	has_str(BODY, fmt("value=\"%s\" selected", a), "  keeps the chosen agency");
	is_int(post(&op, "/reviews/new",
	            form("csrf", op.csrf, "name", "2026年度 定期確認", "deadline", "2026-01-30",
	                 NULL)),
	       303, "the operator opens a review of every agency");
	id_after(LOCATION, "/reviews/", rid);
	ok(rid[0] != '\0', "  and is sent to it");
	has_str(LOCATION, "done=opened", "  with a confirmation");

	is_int(get(&op, "/reviews"), 200, "the operator's list");
	has_str(BODY, "2026年度 定期確認", "  shows the campaign");
	has_str(BODY, "0 / 8 件判断済み", "  with its progress over the 8 accounts");
	is_int(get(&pm, "/reviews"), 200, "a project manager's list");
	has_str(BODY, "ito@a.example.jp", "  shows its staff waiting");
	has_str(BODY, "cm@kaihatsu.example.jp", "  and its contractor's manager");
	lacks_str(BODY, "cs@kaihatsu.example.jp",
	          "  not the contractor's staff (theirs to decide)");

	/* One campaign: decide forms only where the reader decides. */
	is_int(get(&pm, fmt("/reviews/%s", rid)), 200, "the project manager opens the campaign");
	item_for("ito@a.example.jp", it_ps);
	item_for("cm@kaihatsu.example.jp", it_cm);
	ok(it_ps[0] && it_cm[0], "  its two items are shown");
	is_int(count_of(BODY, "name=\"decision\" id=\"decision-"), 6,
	       "  each with a keep / change / remove choice");
	lacks_str(BODY, "suzuki@a.example.jp", "  the agency's staff is not its to see");
	is_int(get(&ma, fmt("/reviews/%s", rid)), 200, "the agency manager opens it");
	item_for("suzuki@a.example.jp", it_sa);
	ok(it_sa[0] != '\0', "  sees its staff's item");
	has_str(BODY, "ito@a.example.jp", "  and every item of its agency");
	lacks_str(BODY, "kato@b.example.jp", "  but not agency B's");
	has_str(BODY, fmt("/reviews/%s/items/%s/decide", rid, it_sa), "  may decide its staff");
	lacks_str(BODY, fmt("/reviews/%s/items/%s/decide", rid, it_ps),
	          "  not the project manager's items");
	is_int(get(&sb, fmt("/reviews/%s", rid)), 403, "staff may not open a campaign");

	/* Deciding: messages, refusals, finality. */
	const char *decide_ps = fmt("/reviews/%s/items/%s/decide", rid, it_ps);
	is_int(post(&pm, decide_ps, form("csrf", pm.csrf, "decision", "keep", "reason", "", NULL)),
	       422, "no reason: 422");
	has_str(BODY, fmt("href=\"#reason-%s\"", it_ps),
	        "  the summary links to that item's reason");
	has_str(BODY, fmt("id=\"decision-%s-keep\" value=\"keep\" checked", it_ps),
	        "  the choice is kept");
	is_int(post(&pm, decide_ps, form("csrf", pm.csrf, "reason", "異動予定 <確認>", NULL)), 422,
	       "no decision: 422");
	has_str(BODY, "継続・変更・削除のいずれかを選んでください", "  asks for one");
	has_str(BODY, "異動予定 &lt;確認&gt;</textarea>", "  the reason is kept, escaped");
	long denied = wt_audit_count(&W, "permission.denied", NULL);
	is_int(
	    post(&mb, decide_ps, form("csrf", mb.csrf, "decision", "keep", "reason", "確認", NULL)),
	    403, "another agency's manager: 403");
	is_int(wt_audit_count(&W, "permission.denied", NULL), denied + 1, "  recorded");
	is_int(
	    post(&cm, decide_ps, form("csrf", cm.csrf, "decision", "keep", "reason", "確認", NULL)),
	    403, "a contractor manager may not decide project staff");
	is_int(post(&pm, fmt("/reviews/%s/items/%s/decide", rid, it_sa),
	            form("csrf", pm.csrf, "decision", "keep", "reason", "確認", NULL)),
	       403, "a project manager may not decide agency staff");
	is_int(
	    post(&pm, decide_ps,
	         form("csrf", pm.csrf, "decision", "remove", "reason", "プロジェクト終了", NULL)),
	    303, "the project manager removes its staff");
	is_int(wt_audit_count(&W, "review.decide", "ok"), 1, "  recorded as review.decide");
	has_str(LOCATION, fmt("/reviews/%s?done=decided#item-%s", rid, it_ps),
	        "  back to the item");
	is_int(get(&pm, fmt("/reviews/%s?done=decided", rid)), 200, "the campaign again");
	has_str(BODY, "判断を記録しました", "  confirms");
	has_str(BODY, "削除申請", "  the item says a deletion application was filed");
	is_int(count_of(BODY, "name=\"decision\" id=\"decision-"), 3, "  one decide form is left");
	is_int(post(&pm, decide_ps,
	            form("csrf", pm.csrf, "decision", "keep", "reason", "やはり継続", NULL)),
	       409, "deciding again: 409");
	has_str(BODY, "既に判断済み", "  says it was decided already");

	/* R7.2: the operator reads a campaign's items under a declared purpose. */
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "operations", "reason", "test", NULL)),
	       303, "the operator declares a purpose");
	is_int(get(&op, fmt("/reviews/%s?undecided=1", rid)), 200, "the undecided filter");
	lacks_str(BODY, "ito@a.example.jp", "  hides the decided item");
	has_str(BODY, "cm@kaihatsu.example.jp", "  shows the others");

	/* Export. */
	is_int(call("GET", fmt("/reviews/%s/export.csv", rid), op.cookie, NULL, NULL, NULL), 200,
	       "the operator exports");
	has_str(CTYPE, "text/csv", "  as CSV");
	ok(BODY && strncmp(BODY, "\xEF\xBB\xBF", 3) == 0, "  with a UTF-8 byte-order mark");
	has_str(BODY, "\"ito@a.example.jp\",\"試験 太郎\",\"プロジェクトチームGCAS担当者\"",
	        "  a row: address, name, role");
	has_str(BODY, "\"削除\",\"プロジェクト終了\",\"pm@a.example.jp\",\"2026-01-01 09:00\"\r\n",
	        "  decision, reason, decider, JST time");
	has_str(BODY, "kato@b.example.jp", "  every agency");
	is_int(call("GET", fmt("/reviews/%s/export.csv", rid), ma.cookie, NULL, NULL, NULL), 200,
	       "agency A's manager exports");
	has_str(BODY, "suzuki@a.example.jp", "  its agency's rows");
	lacks_str(BODY, "kato@b.example.jp", "  not agency B's");
	is_int(call("GET", fmt("/reviews/%s/export.csv", rid), pm.cookie, NULL, NULL, NULL), 403,
	       "a project manager may not export");

	/* API. */
	ok(wt_token(&W, op.id, "read write", tok_op) == 0 &&
	       wt_token(&W, cm.id, "read write", tok_cm) == 0,
	   "API tokens");
	is_int(call("GET", "/api/v1/reviews", NULL, tok_op, NULL, NULL), 200, "API: list");
	has_str(BODY, "\"2026年度 定期確認\"", "  names the campaign");
	has_str(BODY, "\"decided\":1", "  with its progress");
	is_int(call("GET", fmt("/api/v1/reviews/%s/items", rid), NULL, tok_cm, NULL, NULL), 200,
	       "API: a contractor manager's items");
	has_str(BODY, "cs@kaihatsu.example.jp", "  its staff");
	lacks_str(BODY, "ito@a.example.jp", "  nothing else");
	char it_cs[33];
	id_after(BODY, "\"id\":\"", it_cs);
	is_int(call("POST", fmt("/api/v1/reviews/%s/items/%s/decision", rid, it_cs), NULL, tok_cm,
	            "application/json", "{\"decision\":\"keep\",\"reason\":\"保守で必要\"}"),
	       200, "API: the contractor manager keeps its staff");
	has_str(BODY, "\"decision\":\"keep\"", "  the decision is returned");
	is_int(call("POST", fmt("/api/v1/reviews/%s/items/%s/decision", rid, it_cs), NULL, tok_cm,
	            "application/json", "{\"decision\":\"remove\",\"reason\":\"x\"}"),
	       409, "API: deciding again is 409");
	is_int(call("POST", fmt("/api/v1/reviews/%s/items/%s/decision", rid, it_cs), NULL, tok_cm,
	            "application/json", "{\"decision\":\"drop\",\"reason\":\"x\"}"),
	       422, "API: an unknown decision is 422");
	is_int(call("POST", "/api/v1/reviews", NULL, tok_cm, "application/json",
	            "{\"name\":\"x\",\"deadline\":\"2026-03-31\"}"),
	       403, "API: a contractor manager may not open a campaign");
	is_int(
	    call(
	        "POST", "/api/v1/reviews", NULL, tok_op, "application/json",
	        fmt("{\"name\":\"乙省 臨時確認\",\"deadline\":\"2026-03-31\",\"agency_id\":\"%s\"}",
	            b)),
	    201, "API: the operator opens one for agency B");
	has_str(BODY, "\"items\":2", "  covering its two accounts");

	/* Close. */
	is_int(post(&ma, fmt("/reviews/%s/close", rid), form("csrf", ma.csrf, NULL)), 403,
	       "an agency manager may not close");
	is_int(post(&op, fmt("/reviews/%s/close", rid), form("csrf", op.csrf, NULL)), 303,
	       "the operator closes");
	is_int(get(&op, fmt("/reviews/%s", rid)), 200, "the closed campaign");
	has_str(BODY, "終了", "  says closed");
	lacks_str(BODY, "name=\"decision\"", "  and offers no decide form");
	is_int(post(&ma, fmt("/reviews/%s/items/%s/decide", rid, it_sa),
	            form("csrf", ma.csrf, "decision", "keep", "reason", "確認", NULL)),
	       409, "no decisions after closing");

	free(CTYPE);
	pages_done();
	clock_fix(-1);
	return tap_done();
}
