/* SPDX-License-Identifier: MIT */
/* BreakGlass pages (issue 4 §6): the listener's own table through web_dispatch_table — only its
 * routes (no SSO, no main pages), its own cookie names (a main-server session is not a
 * BreakGlass session and the reverse), its sign-in with password and TOTP, the request form
 * re-rendered with messages (422) and kept input, CSRF, approval by the registered approver,
 * the local cloud's emergency sign-in with the mailed credential until it is revoked — and the
 * main server's /breakglass page: registrations with the register form, every use, scope. */
#include "base/clock.h"
#include "base/codec.h"
#include "crypto/totp.h"
#include "store/outbox.h"
#include "svc/audit.h"
#include "svc/breakglass.h"
#include "svc/environments.h"
#include "svc/mail.h"
#include "svc/systems.h"
#include "test_pages.h"
#include "web/web.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z, a TOTP step boundary */

static int64_t NOW = T0;

/* One request through the BreakGlass listener's table; fills BODY / LOCATION / COOKIES like
 * test_pages.h request(). */
static int bg(const char *method, const char *target, const char *cookie, const char *body)
{
	struct arena *a = arena_new(0);
	struct http_req req = {.a = a};
	struct http_resp resp;
	free(BODY);
	free(LOCATION);
	free(COOKIES);
	BODY = LOCATION = COOKIES = NULL;
	req.method = http_method_parse(method);
	const char *q = strchr(target, '?');
	req.path = q ? arena_strndup(a, target, (size_t)(q - target)) : target;
	req.query = q ? q + 1 : "";
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.peer_ip = "127.0.0.1";
	req.request_id = "bg-test";
	if (cookie)
		req.headers[req.nheaders++] = (struct http_header){"Cookie", cookie};
	if (body)
		req.headers[req.nheaders++] = (struct http_header){"Content-Type", FORM_CT};
	http_resp_init(&resp);
	web_dispatch_table(&W.env, &web_bg_table, &req, &resp);
	BODY = strdup(resp.static_body ? "(static)" : resp.body.data ? resp.body.data : "");
	for (size_t i = 0; i < resp.nheaders; i++) {
		const char *n = resp.headers[i].name, *v = resp.headers[i].value;
		if (strcmp(n, "Location") == 0)
			LOCATION = strdup(v);
		if (strcmp(n, "Set-Cookie") == 0) {
			char *joined = COOKIES ? strdup(fmt("%s\n%s", COOKIES, v)) : strdup(v);
			free(COOKIES);
			COOKIES = joined;
		}
		if (strcmp(n, "Content-Security-Policy") == 0 && !strstr(v, "default-src 'none'"))
			printf("# unexpected CSP %s\n", v);
	}
	int st = resp.status;
	http_resp_fini(&resp);
	arena_free(a);
	return st;
}

/* The value of cookie name in the last response's Set-Cookie lines (static; "" when none). */
static const char *set_cookie(const char *name)
{
	static char out[512];
	const char *key = fmt("%s=", name);
	const char *p = COOKIES ? strstr(COOKIES, key) : NULL;
	out[0] = '\0';
	if (p)
		snprintf(out, sizeof(out), "%.*s", (int)strcspn(p + strlen(key), ";\n"),
		         p + strlen(key));
	return out;
}

static const char *csrf_in(const char *body)
{
	static char tok[128];
	const char *p = body ? strstr(body, "name=\"csrf\" value=\"") : NULL;
	tok[0] = '\0';
	if (p)
		snprintf(tok, sizeof(tok), "%.*s", (int)strcspn(p + 19, "\""), p + 19);
	return tok;
}

/* Sign in on the listener with password and TOTP; cookie receives "gcas_bg_session=..." and
 * the returned status is the factor step's. The clock moves a TOTP step so a code is new. */
static int bg_signin(const char *email, char *cookie, size_t cap)
{
	char key[64], csrf[128], code[8];
	long kl = base32_decode(key, sizeof(key), WT_TOTP_SECRET, strlen(WT_TOTP_SECRET));
	NOW += 30;
	clock_fix(NOW);
	if (bg("GET", "/signin", NULL, NULL) != 200)
		return -1;
	snprintf(csrf, sizeof(csrf), "%s", set_cookie("gcas_bg_csrf"));
	int st = bg("POST", "/signin", fmt("gcas_bg_csrf=%s", csrf),
	            form("csrf", csrf, "email", email, "password", WT_PASSWORD, NULL));
	if (st != 303 || !*set_cookie("gcas_bg_session"))
		return -2;
	snprintf(cookie, cap, "gcas_bg_session=%s", set_cookie("gcas_bg_session"));
	if (bg("GET", "/signin/factor", cookie, NULL) != 200)
		return -3;
	snprintf(csrf, sizeof(csrf), "%s", csrf_in(BODY));
	snprintf(code, sizeof(code), "%06ld", totp_code(key, (size_t)kl, totp_step(NOW)));
	st = bg("POST", "/signin/factor", cookie, form("csrf", csrf, "code", code, NULL));
	if (*set_cookie("gcas_bg_session"))
		snprintf(cookie, cap, "gcas_bg_session=%s", set_cookie("gcas_bg_session"));
	return st;
}

struct acc_ctx {
	struct arena *a;
	const char *id;
	struct account *out;
};

static enum gcas_err acc_tx(struct db *db, void *ctx)
{
	struct acc_ctx *c = ctx;
	return store_account_get(db, c->a, c->id, c->out);
}

static int get_account(struct wt *w, struct arena *a, const char *id, struct account *out)
{
	struct acc_ctx c = {a, id, out};
	return store_run(w->env.st, acc_tx, &c) == GCAS_OK ? 0 : -1;
}

/* An active environment of project (system, request, approval, job) through the use cases. */
/* R7.2: the detail of the newest breakglass.view record of request id, or "". */
static const char *last_bg_view(const char *id)
{
	static char out[1024];
	struct arena *a = arena_new(0);
	struct actor sys = actor_system("test");
	struct audit_filter f = {.action_prefix = "breakglass.view"};
	struct page pg = {.limit = 1};
	struct audit_rec *recs = NULL;
	size_t n = 0;
	out[0] = '\0';
	if (svc_audit_list(&W.env, &sys, a, &f, &pg, &recs, &n) == GCAS_OK && n == 1 &&
	    recs[0].target_id && strcmp(recs[0].target_id, id) == 0 && recs[0].detail)
		snprintf(out, sizeof(out), "%s", recs[0].detail);
	arena_free(a);
	return out;
}

static const char *make_env(const char *op_id, const char *pm_id, const char *project,
                            char *external)
{
	struct arena *a = arena_new(0);
	struct account op_acc, pm_acc;
	struct actor op = {0}, pm = {0};
	struct system_input in = {.name = "緊急対応",
	                          .purpose = "業務継続",
	                          .lifecycle = "production",
	                          .csps = "aws",
	                          .environments = "production",
	                          .contacts = pm_id,
	                          .period_start = "2026-04-01",
	                          .classification = "c2",
	                          .billing_unit = "情報システム課"};
	struct system_rec sys;
	struct env_request r;
	struct environment en;
	struct verrs ve = {0};
	struct env_request_input ri = {"aws", "production", "本番", NULL};
	int64_t n;
	static char id[33];
	id[0] = '\0';
	if (get_account(&W, a, op_id, &op_acc) || get_account(&W, a, pm_id, &pm_acc))
		goto out;
	actor_from_account(&op, &op_acc);
	actor_from_account(&pm, &pm_acc);
	if (svc_system_register(&W.env, &op, a, project, &in, &sys, &ve) ||
	    svc_env_request_create(&W.env, &pm, a, project, &ri, &r, &ve) ||
	    svc_env_request_decide(&W.env, &op, a, r.id, 1, NULL, &r) ||
	    svc_env_provision_run(&W.env, &n) ||
	    svc_environment_get(&W.env, &op, a, r.environment_id, &en))
		goto out;
	snprintf(id, sizeof(id), "%s", en.id);
	snprintf(external, 64, "%s", en.external_id ? en.external_id : "");
out:
	arena_free(a);
	return id;
}

struct mail_ctx {
	struct arena *a;
	const char *to;
	struct outbox_msg *m;
	size_t n;
};

static enum gcas_err mail_tx(struct db *db, void *ctx)
{
	struct mail_ctx *c = ctx;
	return store_outbox_list(db, c->a, NULL, c->to, 1000, &c->m, &c->n);
}

/* The value after label on its line in the newest mail of template tmpl to `to` (static). The
 * credential mail is sealed in the outbox: it is read as the mailer would send it. */
static const char *mailed(const char *to, const char *tmpl, const char *label)
{
	static char out[600];
	struct arena *a = arena_new(0);
	struct mail_ctx c = {.a = a, .to = to};
	const char *body = NULL;
	out[0] = '\0';
	if (store_run(W.env.st, mail_tx, &c) == GCAS_OK)
		for (size_t i = 0; i < c.n; i++)
			if (strcmp(c.m[i].template_name, tmpl) == 0 &&
			    mail_body_open(&W.env, a, &c.m[i], &body) != GCAS_OK)
				body = NULL;
	const char *p = body ? strstr(body, label) : NULL;
	if (p)
		snprintf(out, sizeof(out), "%.*s", (int)strcspn(p + strlen(label), "\r\n"),
		         p + strlen(label));
	arena_free(a);
	return out;
}

int main(void)
{
	char opo[33], ag[33], pj[33], co[33], ag2[33], external[64], rid[33];
	struct who op, pm, cs, am2, staff;
	char pm_bg[512], cs_bg[512];
	clock_fix(NOW);
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "運用", NULL, opo) == 0 &&
	       person(ROLE_OPERATOR, opo, "op@gcas.go.jp", &op) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", ag) == 0 &&
	       wt_org(&W, ORG_PROJECT, ag, "共通基盤", NULL, pj) == 0 &&
	       wt_org(&W, ORG_CONTRACTOR, pj, "一次請", NULL, co) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@digital.go.jp", &pm) == 0 &&
	       person(ROLE_CONTRACTOR_STAFF, co, "cs@ichiji.co.jp", &cs) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "ps@digital.go.jp", &staff) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "千代田区", "131016", ag2) == 0 &&
	       person(ROLE_AGENCY_MANAGER, ag2, "am2@city.chiyoda.lg.jp", &am2) == 0,
	   "an operator, a team with its manager, a contractor and staff; another agency");
	const char *env_id = make_env(op.id, pm.id, pj, external);
	if (!ok(*env_id && *external, "an active local environment %s", external))
		return tap_done();

	/* ---- the main server's page: registrations ---- */
	/* R7.2: the operator reads the registrations under a declared purpose. */
	is_int(get(&op, "/breakglass"), 303, "the operator without a purpose is asked for one");
	is_int(wt_audit_count(&W, "breakglass.registrations.list", NULL), 0, "  nothing read");
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "operations", "reason", "test", NULL)),
	       303, "the operator declares a purpose");
	is_int(get(&op, "/breakglass"), 200, "the operator opens /breakglass on the main server");
	is_int(wt_audit_count(&W, "breakglass.registrations.list", NULL), 1,
	       "  the read of the registrations is recorded");
	is_int(wt_audit_count(&W, "breakglass.list", NULL), 1, "  and of the uses");
	has_str(BODY, "action=\"/breakglass/registrations\"", "  with the register form");
	has_str(BODY, "href=\"/breakglass\"", "  and a navigation entry");
	is_int(get(&cs, "/breakglass"), 403, "a contractor may not (403)");
	is_int(post(&pm, "/breakglass/registrations",
	            form("csrf", pm.csrf, "account", "nobody@digital.go.jp", "environment_id",
	                 env_id, "role", "requester", NULL)),
	       422, "registering an unknown account re-renders the form (422)");
	has_str(BODY, "error-summary", "  with the error summary");
	has_str(BODY, "value=\"nobody@digital.go.jp\"", "  keeping what was typed");
	is_int(post(&pm, "/breakglass/registrations",
	            form("csrf", pm.csrf, "account", "cs@ichiji.co.jp", "environment_id", env_id,
	                 "role", "requester", NULL)),
	       303, "the project manager registers the contractor as requester");
	is_str(LOCATION, "/breakglass?done=registered", "  back to the page");
	is_int(post(&pm, "/breakglass/registrations",
	            form("csrf", pm.csrf, "account", "pm@digital.go.jp", "environment_id", env_id,
	                 "role", "approver", NULL)),
	       303, "... and themself as approver");
	is_int(post(&am2, "/breakglass/registrations",
	            form("csrf", am2.csrf, "account", "ps@digital.go.jp", "environment_id", env_id,
	                 "role", "requester", NULL)),
	       403, "another agency's manager may not register (403)");
	is_int(get(&pm, "/breakglass"), 200, "the page lists them");
	has_str(BODY, "cs@ichiji.co.jp", "  the requester");
	has_str(BODY, external, "  by the environment's CSP-side id");

	/* ---- the listener: only its routes, its own cookies ---- */
	is_int(bg("GET", "/signin", NULL, NULL), 200, "listener: GET /signin");
	ok(*set_cookie("gcas_bg_csrf") && !*set_cookie("gcas_csrf"),
	   "  sets its own pre-sign-in CSRF cookie (gcas_bg_csrf), not the main one");
	has_str(BODY, "緊急アクセス", "  and says what it is");
	is_int(bg("GET", "/", pm.cookie, NULL), 303, "a main-server session is not signed in here");
	is_str(LOCATION, "/signin", "  to the listener's sign-in");
	is_int(bg("GET", "/orgs", NULL, NULL), 404, "main pages do not exist on the listener");
	is_int(bg("GET", "/.well-known/openid-configuration", NULL, NULL), 404,
	       "nor any SSO endpoint");
	is_int(bg("GET", "/api/v1/me", NULL, NULL), 404, "nor the API");
	is_int(bg("GET", "/healthz", NULL, NULL), 200, "/healthz answers");
	is_int(bg_signin("cs@ichiji.co.jp", cs_bg, sizeof(cs_bg)), 303,
	       "the requester signs in with password and TOTP");
	is_str(LOCATION, "/", "  to the listener's home");
	{
		struct wt_resp r;
		wt_request(&W, "GET", "/", cs_bg, NULL, NULL, NULL, &r);
		is_int(r.status, 303, "the BreakGlass session is not signed in on the main server");
		wt_resp_free(&r);
	}
	is_int(bg("GET", "/", cs_bg, NULL), 200, "the listener's home");
	has_str(BODY, "href=\"/requests/new\"", "  offers a request (a registered requester)");
	has_str(BODY, "action=\"/signout\"", "  and sign-out");

	/* ---- a request ---- */
	is_int(bg("GET", "/requests/new", cs_bg, NULL), 200, "the request form");
	char csrf[128];
	snprintf(csrf, sizeof(csrf), "%s", csrf_in(BODY));
	has_str(BODY, fmt("value=\"%s\"", env_id), "  offers the registered environment");
	is_int(bg("POST", "/requests/new", cs_bg,
	          form("csrf", csrf, "environment_id", env_id, "reason", "SSO<障害>", "hours", "2",
	               NULL)),
	       422, "no critical work nor date: re-rendered (422)");
	has_str(BODY, "error-summary", "  with the error summary");
	has_str(BODY, "href=\"#critical_work\"", "  naming the critical work");
	has_str(BODY, "SSO&lt;障害&gt;", "  keeping the reason typed (escaped)");
	is_int(bg("POST", "/requests/new", cs_bg,
	          form("environment_id", env_id, "reason", "r", "critical_work", "w", "work_date",
	               "2026-01-01", NULL)),
	       403, "without the CSRF field: 403");
	is_int(bg("POST", "/requests/new", cs_bg,
	          form("csrf", csrf, "environment_id", env_id, "reason", "SSO（S8）障害",
	               "critical_work", "給付金の支払", "work_date", "2026-01-01", "hours", "2",
	               "idempotency_key", "web-key-1", NULL)),
	       303, "a complete request");
	const char *loc = LOCATION ? LOCATION : "";
	ok(strncmp(loc, "/requests/", 10) == 0 && strstr(loc, "?done=requested"),
	   "  to the request page: %s", loc);
	snprintf(rid, sizeof(rid), "%.32s", loc + 10);
	is_int(bg("GET", fmt("/requests/%s", rid), cs_bg, NULL), 200, "the requester sees it");
	lacks_str(BODY, "/decide", "  with no decision form (never one's own)");
	has_str(BODY, "/revoke", "  and a withdraw button");
	is_int(bg("GET", fmt("/requests/%s", rid), NULL, NULL), 303, "signed out: to sign-in");

	/* ---- the approver ---- */
	is_int(bg_signin("pm@digital.go.jp", pm_bg, sizeof(pm_bg)), 303, "the approver signs in");
	is_int(bg("GET", "/", pm_bg, NULL), 200, "the approver's home");
	has_str(BODY, fmt("/requests/%s", rid), "  lists the request to approve");
	is_int(bg("GET", fmt("/requests/%s", rid), pm_bg, NULL), 200, "the request page");
	has_str(BODY, fmt("action=\"/requests/%s/decide\"", rid), "  with the decision form");
	snprintf(csrf, sizeof(csrf), "%s", csrf_in(BODY));
	is_int(bg("POST", fmt("/requests/%s/decide", rid), pm_bg,
	          form("csrf", csrf, "decision", "approve", "note", "了承", NULL)),
	       303, "the approver approves");
	is_int(bg("GET", fmt("/requests/%s", rid), pm_bg, NULL), 200, "the page after approval");
	has_str(BODY, "発行済み", "  shows the credential issued");
	lacks_str(BODY, "パスワード", "  but never the password to the approver");

	/* ---- the emergency sign-in at the local cloud, on the listener ---- */
	const char *secret = mailed("cs@ichiji.co.jp", "breakglass.credential", "パスワード: ");
	char user[64], pw[128];
	snprintf(pw, sizeof(pw), "%s", secret);
	snprintf(user, sizeof(user), "%s",
	         mailed("cs@ichiji.co.jp", "breakglass.credential", "ユーザー名: "));
	ok(strlen(pw) == 43 && strncmp(user, "bg-", 3) == 0, "the requester was mailed user %s",
	   user);
	char path[128], cookie[200];
	snprintf(path, sizeof(path), "/local-cloud/%s/emergency-signin", external);
	is_int(bg("GET", path, NULL, NULL), 200, "the emergency sign-in form, no session needed");
	char ck[128];
	snprintf(ck, sizeof(ck), "%s", set_cookie("gcas_bg_csrf"));
	snprintf(csrf, sizeof(csrf), "%s", csrf_in(BODY));
	snprintf(cookie, sizeof(cookie), "gcas_bg_csrf=%s", ck);
	is_int(
	    bg("POST", path, cookie, form("csrf", csrf, "user", user, "password", "guess", NULL)),
	    401, "a wrong password: 401");
	has_str(BODY, "error-summary", "  with a message");
	is_int(bg("POST", path, cookie, form("csrf", csrf, "user", user, "password", pw, NULL)),
	       200, "the mailed credential signs in");
	has_str(BODY, "緊急アクセス", "  to the console marked as emergency access");
	has_str(BODY, "cs@ichiji.co.jp", "  naming the person");

	/* ---- the main server sees the use; scope ---- */
	is_int(get(&op, "/breakglass"), 200, "the operator's /breakglass");
	has_str(BODY, fmt("/breakglass/requests/%s", rid), "  lists the use");
	is_int(get(&op, fmt("/breakglass/requests/%s", rid)), 200, "  and shows it");
	is_int(wt_audit_count(&W, "breakglass.view", NULL), 1, "  a workflow read, recorded");
	has_str(last_bg_view(rid), "\"reason\":\"test\"", "  with the declared purpose");
	has_str(BODY, "SSO（S8）障害", "  with its reason");
	is_int(get(&am2, fmt("/breakglass/requests/%s", rid)), 403,
	       "another agency may not see it");
	is_int(get(&am2, "/breakglass"), 200, "another agency's /breakglass");
	lacks_str(BODY, rid, "  does not list it");

	/* ---- ending it ---- */
	is_int(bg("GET", fmt("/requests/%s", rid), cs_bg, NULL), 200, "the requester's page");
	snprintf(csrf, sizeof(csrf), "%s", csrf_in(BODY));
	is_int(bg("POST", fmt("/requests/%s/revoke", rid), cs_bg, form("csrf", csrf, NULL)), 303,
	       "the requester ends it now");
	is_int(bg("GET", fmt("/requests/%s", rid), cs_bg, NULL), 200, "the page after");
	has_str(BODY, "失効（取消）", "  shows it revoked");
	is_int(
	    bg("POST", path, cookie, form("csrf", csrf_in(""), "user", user, "password", pw, NULL)),
	    403, "a form without its token is refused");
	is_int(bg("GET", path, NULL, NULL), 200, "the form again");
	snprintf(ck, sizeof(ck), "%s", set_cookie("gcas_bg_csrf"));
	snprintf(csrf, sizeof(csrf), "%s", csrf_in(BODY));
	snprintf(cookie, sizeof(cookie), "gcas_bg_csrf=%s", ck);
	is_int(bg("POST", path, cookie, form("csrf", csrf, "user", user, "password", pw, NULL)),
	       401, "the revoked credential is refused (401)");
	is_int(bg("GET", "/", cs_bg, NULL), 200, "home");
	snprintf(csrf, sizeof(csrf), "%s", csrf_in(BODY));
	is_int(bg("POST", "/signout", cs_bg, form("csrf", csrf, NULL)), 303, "sign-out");
	ok(strstr(COOKIES ? COOKIES : "", "gcas_bg_session=;") != NULL,
	   "  clears the listener's session cookie");
	is_int(bg("GET", "/", cs_bg, NULL), 303, "the old session is gone");
	ok(wt_audit_count(&W, "breakglass.issued", "ok") == 1 &&
	       wt_audit_count(&W, "breakglass.revoked", "ok") == 1 &&
	       wt_audit_count(&W, "breakglass.emergency_signin", "failure") >= 2,
	   "the audit log has the issue, the revocation and the refused sign-ins");
	pages_done();
	clock_fix(-1);
	return tap_done();
}
