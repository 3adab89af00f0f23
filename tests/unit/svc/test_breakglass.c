/* SPDX-License-Identifier: MIT */
/* BreakGlass (svc/breakglass.c, issue 4 §6, R4.5, 別紙1): who may register requesters and
 * approvers (across agencies), that only a registered requester may ask and only with a reason,
 * the critical work and a date from today (field errors, nothing stored), that a registered
 * approver approves — never their own request — and the credential is issued through the local
 * driver at once (mailed to the requester with its password; operator and the agency's managers
 * told), capped at max_ttl, accepted by the local cloud's emergency sign-in until the job
 * revokes it at expiry on the fixed clock; early revocation, a revocation that fails (exec
 * driver) staying visible and mailed to the operator, the exec driver's cred ops, and the audit
 * records of every step. Mail hygiene: the credential mail is sealed in the outbox (no password
 * in the row), readable in the delivered .eml, and erased from the row once sent; without a
 * signer it is queued as rendered and erased all the same; links in BreakGlass mail use
 * breakglass.base_url, or server.base_url when it is empty. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "mimedecode.h"
#include "store/outbox.h"
#include "svc/breakglass.h"
#include "svc/mail.h"
#include "svc/environments.h"
#include "svc/systems.h"
#include "test_world.h"

static struct world W;
static char scripts[PATH_MAX];  /* tests/data/provision */
static const char *ENV1, *ENVQ; /* active environments of pj1 (agency 1) and pjq (agency 2) */

static int find_scripts(void)
{
	char here[PATH_MAX];
	if (!realpath(__FILE__, here))
		return -1;
	char *slash = strrchr(here, '/');
	for (int i = 0; i < 3 && slash; i++) {
		*slash = '\0';
		slash = strrchr(here, '/');
	}
	int n = snprintf(scripts, sizeof(scripts), "%.*s/data/provision", PATH_MAX - 32, here);
	return n > 0 && (size_t)n < sizeof(scripts) ? 0 : -1;
}

/* An active environment of project through the real flow: system, request, approval, job. */
static const char *make_env(const char *pm, const char *project)
{
	struct system_input in = {.name = "緊急対応システム",
	                          .purpose = "業務継続",
	                          .lifecycle = "production",
	                          .csps = "aws",
	                          .environments = "production",
	                          .contacts = pm,
	                          .period_start = "2026-04-01",
	                          .classification = "c2",
	                          .billing_unit = "情報システム課",
	                          .ci_cd = 0};
	struct actor op = world_actor(&W, W.op), mgr = world_actor(&W, pm);
	struct system_rec sys;
	struct env_request r;
	struct verrs ve = {0};
	int64_t n;
	if (svc_system_register(&W.w.env, &op, W.a, project, &in, &sys, &ve))
		return NULL;
	struct env_request_input ri = {"aws", "production", "本番環境", NULL};
	if (svc_env_request_create(&W.w.env, &mgr, W.a, project, &ri, &r, &ve) ||
	    svc_env_request_decide(&W.w.env, &op, W.a, r.id, 1, NULL, &r) ||
	    svc_env_provision_run(&W.w.env, &n))
		return NULL;
	struct environment en;
	if (svc_environment_get(&W.w.env, &op, W.a, r.environment_id, &en) ||
	    en.state != ENV_ACTIVE)
		return NULL;
	return arena_strdup(W.a, en.id);
}

static enum gcas_err reg(const char *who, const char *account, const char *env_id, const char *role,
                         struct verrs *ve)
{
	struct actor ac = world_actor(&W, who);
	struct bg_register_input in = {account, env_id, role};
	struct bg_registration r;
	*ve = (struct verrs){0};
	return svc_bg_register(&W.w.env, &ac, W.a, &in, &r, ve);
}

static enum gcas_err ask(const char *who, const char *env_id, const char *reason, const char *work,
                         const char *date, const char *hours, const char *key,
                         struct bg_request *out, struct verrs *ve)
{
	struct actor ac = world_actor(&W, who);
	struct bg_request_input in = {env_id, reason, work, date, hours, key};
	*ve = (struct verrs){0};
	return svc_bg_request(&W.w.env, &ac, W.a, &in, out, ve);
}

static enum gcas_err decide(const char *who, const char *id, int approve, struct bg_request *out)
{
	struct actor ac = world_actor(&W, who);
	return svc_bg_decide(&W.w.env, &ac, W.a, id, approve, approve ? "承認" : "不要", out);
}

static struct bg_request get_as_op(const char *id)
{
	struct actor op = world_actor(&W, W.op);
	struct bg_request r = {0};
	svc_bg_get(&W.w.env, &op, W.a, id, &r, NULL, NULL);
	return r;
}

static int64_t run_job(void)
{
	int64_t n = -1;
	svc_bg_run(&W.w.env, &n);
	return n;
}

static size_t count_uses(const char *who)
{
	struct actor ac = world_actor(&W, who);
	struct page pg = {.limit = 500};
	struct bg_request *r;
	size_t n = 0;
	if (svc_bg_list(&W.w.env, &ac, W.a, &pg, &r, &n))
		return (size_t)-1;
	return n;
}

/* ---- the outbox ---- */

struct mails_ctx {
	struct arena *a;
	const char *to;
	struct outbox_msg *m;
	size_t n;
};

static enum gcas_err mails_tx(struct db *db, void *ctx)
{
	struct mails_ctx *c = ctx;
	return store_outbox_list(db, c->a, NULL, c->to, 1000, &c->m, &c->n);
}

/* Messages to `to` made from template tmpl (any state); *last (may be NULL) the newest body. */
static size_t mails(const char *to, const char *tmpl, const char **last)
{
	struct mails_ctx c = {.a = W.a, .to = to};
	size_t k = 0;
	if (store_run(W.w.env.st, mails_tx, &c))
		return 0;
	for (size_t i = 0; i < c.n; i++) {
		if (strcmp(c.m[i].template_name, tmpl) != 0)
			continue;
		k++;
		if (last)
			*last = c.m[i].body;
	}
	return k;
}

/* The newest outbox row to `to` made from template tmpl (zeroed when none), in W.a. Rows made
 * in the same second are in id order, so callers tick the clock between messages they tell
 * apart. */
static struct outbox_msg newest(const char *to, const char *tmpl)
{
	struct mails_ctx c = {.a = W.a, .to = to};
	struct outbox_msg m = {0};
	if (store_run(W.w.env.st, mails_tx, &c))
		return m;
	for (size_t i = 0; i < c.n; i++)
		if (strcmp(c.m[i].template_name, tmpl) == 0)
			m = c.m[i];
	return m;
}

struct get_ctx {
	const char *id;
	struct outbox_msg m;
};

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct get_ctx *c = ctx;
	return store_outbox_get(db, W.a, c->id, &c->m);
}

/* The outbox row id as stored now (zeroed when gone). */
static struct outbox_msg row(const char *id)
{
	struct get_ctx c = {.id = id};
	if (store_run(W.w.env.st, get_tx, &c))
		return (struct outbox_msg){0};
	return c.m;
}

/* Run the mail job with the file transport and return the decoded body of the .eml written for
 * outbox message id (in W.a; "" when none): what the person actually receives. */
static const char *delivered(const char *id)
{
	char dir[256], path[512] = "", suffix[64];
	int64_t sent = 0;
	snprintf(dir, sizeof(dir), "%s/mail", W.w.dir);
	snprintf(suffix, sizeof(suffix), "-%s.eml", id ? id : "none");
	W.w.cfg.smtp_url = "";
	W.w.cfg.mail_dir = dir;
	if (svc_mail_deliver(&W.w.env, &sent))
		return "";
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		size_t n = strlen(de->d_name), k = strlen(suffix);
		if (n > k && strcmp(de->d_name + n - k, suffix) == 0)
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
	}
	if (d)
		closedir(d);
	FILE *f = path[0] ? fopen(path, "rb") : NULL;
	static char raw[65536];
	size_t n = f ? fread(raw, 1, sizeof(raw) - 1, f) : 0;
	raw[n] = '\0';
	if (f)
		fclose(f);
	char *body = n ? md_body(raw) : NULL;
	const char *out = arena_strdup(W.a, body ? body : "");
	free(body);
	return out;
}

/* The value after "label" up to the end of its line, in arena W.a ("" when absent). */
static const char *line_after(const char *body, const char *label)
{
	const char *p = body ? strstr(body, label) : NULL;
	if (!p)
		return "";
	p += strlen(label);
	size_t n = strcspn(p, "\r\n");
	char *out = arena_alloc(W.a, n + 1);
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

static enum gcas_err emergency_signin(const char *cloud, const char *user, const char *pw)
{
	struct local_bg_cred cred;
	return svc_local_cloud_bg_signin(&W.w.env, W.a, cloud, user, pw, "192.0.2.99", &cred);
}

/* ---- the tests ---- */

static void test_register(void)
{
	struct verrs ve;
	int64_t s0 = world_audit_seq(&W);
	is_int(reg(W.ps1, "cs1@ichiji.co.jp", ENV1, "requester", &ve), GCAS_ERR_DENIED,
	       "project staff may not register");
	audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	is_int(reg(W.am2, "cs1@ichiji.co.jp", ENV1, "requester", &ve), GCAS_ERR_DENIED,
	       "another agency's manager may not register for agency 1");
	is_int(reg(W.pmq, "cs1@ichiji.co.jp", ENV1, "requester", &ve), GCAS_ERR_DENIED,
	       "another agency's project manager may not either");
	is_int(reg(W.pm2, "ps2@digital.go.jp", ENV1, "requester", &ve), GCAS_ERR_DENIED,
	       "the manager of another team of the same agency may not register for env 1");
	is_int(reg(W.pm1, "pmq@city.chiyoda.lg.jp", ENV1, "requester", &ve), GCAS_ERR_DENIED,
	       "a project manager may not register another agency's person");

	s0 = world_audit_seq(&W);
	is_int(reg(W.pm1, "nobody@example.go.jp", "no-such-env", "guest", &ve), GCAS_ERR_INVALID,
	       "unknown account, environment and role");
	is_int((long)ve.n, 3, "  three messages at once");
	ok(verr_has(&ve, "account") && verr_has(&ve, "environment_id") && verr_has(&ve, "role"),
	   "  on account, environment_id and role");
	audit_none(&W, s0, "  nothing audited");
	is_int(reg(W.am1, "am1@digital.go.jp", ENV1, "approver", &ve), GCAS_ERR_INVALID,
	       "an agency manager is not an approver (the project_manager is)");
	ok(verr_has(&ve, "account"), "  explained on account");
	is_int(reg(W.op, "pm2@digital.go.jp", ENV1, "approver", &ve), GCAS_ERR_INVALID,
	       "the project manager of another team is not env 1's approver");
	is_int(reg(W.op, "csd@kunai.co.jp", ENV1, "requester", &ve), GCAS_ERR_INVALID,
	       "another agency's contractor cannot be env 1's requester");

	s0 = world_audit_seq(&W);
	is_int(reg(W.pm1, "cs1@ichiji.co.jp", ENV1, "requester", &ve), GCAS_OK,
	       "the project manager registers a contractor of the team as requester");
	audit_wrote(&W, s0, "breakglass.registered", "ok", "  audited breakglass.registered");
	is_int(reg(W.pm1, "CS1@ichiji.co.jp", ENV1, "requester", &ve), GCAS_ERR_CONFLICT,
	       "registering the same person twice is a conflict (address case ignored)");
	ok(verr_has(&ve, "account"), "  explained on account");
	is_int(reg(W.pm1, "pm1@digital.go.jp", ENV1, "approver", &ve), GCAS_OK,
	       "the project manager registers themself as approver");
	is_int(reg(W.am1, "pm1@digital.go.jp", ENV1, "requester", &ve), GCAS_OK,
	       "the agency manager registers the project manager as requester too");
	is_int(reg(W.am1, "ps1@digital.go.jp", ENV1, "requester", &ve), GCAS_OK,
	       "the agency manager registers project staff as requester");
	is_int(reg(W.op, "pmq@city.chiyoda.lg.jp", ENVQ, "approver", &ve), GCAS_OK,
	       "the operator registers agency 2's approver");

	struct actor am2 = world_actor(&W, W.am2), am1 = world_actor(&W, W.am1);
	struct bg_registration *rs;
	size_t n = 0;
	svc_bg_registrations(&W.w.env, &am1, W.a, 0, NULL, &rs, &n);
	is_int((long)n, 4, "agency 1's manager sees agency 1's four registrations");
	svc_bg_registrations(&W.w.env, &am2, W.a, 0, NULL, &rs, &n);
	is_int((long)n, 1, "agency 2's manager sees only agency 2's");
	struct actor cs1 = world_actor(&W, W.cs1);
	is_int(svc_bg_registrations(&W.w.env, &cs1, W.a, 0, NULL, &rs, &n), GCAS_ERR_DENIED,
	       "a contractor may not see the scope's registrations");
	svc_bg_registrations(&W.w.env, &cs1, W.a, 1, NULL, &rs, &n);
	ok(n == 1 && rs[0].role == BG_REQUESTER, "... but sees its own registration");
}

static void test_request_refused(void)
{
	struct bg_request r;
	struct verrs ve;
	int64_t s0 = world_audit_seq(&W);
	is_int(ask(W.as1, ENV1, "障害", "住民記録", "2026-01-01", "", NULL, &r, &ve),
	       GCAS_ERR_DENIED, "an unregistered requester is refused (agency staff)");
	audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	is_int(ask(W.ps2, ENV1, "障害", "住民記録", "2026-01-01", "", NULL, &r, &ve),
	       GCAS_ERR_DENIED, "another team's staff is refused");
	is_int(ask(W.pmq, ENV1, "障害", "住民記録", "2026-01-01", "", NULL, &r, &ve),
	       GCAS_ERR_DENIED, "another agency's manager is refused");
	size_t before = count_uses(W.op);
	s0 = world_audit_seq(&W);
	is_int(ask(W.cs1, ENV1, "", "", "", "", NULL, &r, &ve), GCAS_ERR_INVALID,
	       "reason, critical work and date missing");
	is_int((long)ve.n, 3, "  three field errors");
	ok(verr_has(&ve, "reason") && verr_has(&ve, "critical_work") && verr_has(&ve, "work_date"),
	   "  on reason, critical_work and work_date");
	is_int(ask(W.cs1, ENV1, "SSO障害", "給付金支払", "2025-12-31", "25", NULL, &r, &ve),
	       GCAS_ERR_INVALID, "a date before today (JST) and 25 hours are refused");
	ok(verr_has(&ve, "work_date") && verr_has(&ve, "hours") && ve.n == 2,
	   "  on work_date and hours only");
	is_int(ask(W.cs1, ENV1, "SSO障害", "給付金支払", "2026-02-30", "", NULL, &r, &ve),
	       GCAS_ERR_INVALID, "an impossible date is refused");
	is_int(ask(W.cs1, ENV1, "番号 123456789018 の件", "給付金支払", "2026-01-01", "", NULL, &r,
	           &ve),
	       GCAS_ERR_INVALID, "an Individual Number in the reason is refused");
	audit_none(&W, s0, "  nothing audited for bad input");
	is_int((long)count_uses(W.op), (long)before, "  and nothing stored");
}

/* The full path of one request; returns its id. */
static const char *test_issue(const char **cloud, const char **user, const char **secret)
{
	struct bg_request r, r2;
	struct verrs ve;
	int64_t s0 = world_audit_seq(&W);
	size_t mails0 = mails("pm1@digital.go.jp", "breakglass.requested", NULL);
	if (!ok(ask(W.cs1, ENV1, "SSO（S8）障害のため", "給付金の支払処理", "2026-01-01", "2",
	            "key-bg-1", &r, &ve) == GCAS_OK,
	        "a registered requester asks with reason, critical work and today's date"))
		return NULL;
	audit_wrote(&W, s0, "breakglass.requested", "ok", "  audited breakglass.requested");
	is_int(r.state, BG_SUBMITTED, "  submitted");
	is_int(r.ttl, 7200, "  for 2 hours");
	is_int((long)mails("pm1@digital.go.jp", "breakglass.requested", NULL), (long)mails0 + 1,
	       "  the approver got an email");
	is_int(ask(W.cs1, ENV1, "x", "y", "2026-01-02", "", "key-bg-1", &r2, &ve), GCAS_OK,
	       "the same idempotency key again");
	is_str(r2.id, r.id, "  returns the first request");
	is_int(ask(W.ps1, ENV1, "x", "y", "2026-01-02", "", "key-bg-1", &r2, &ve),
	       GCAS_ERR_CONFLICT, "another requester's key is a conflict");
	const char *id = arena_strdup(W.a, r.id);

	is_int(decide(W.am1, id, 1, &r2), GCAS_ERR_DENIED, "the agency manager may not approve");
	is_int(decide(W.pmq, id, 1, &r2), GCAS_ERR_DENIED, "another agency may not approve");
	is_int(decide(W.pm2, id, 1, &r2), GCAS_ERR_DENIED,
	       "another team's project manager may not approve");
	is_int(get_as_op(id).state, BG_SUBMITTED, "  still submitted");

	s0 = world_audit_seq(&W);
	size_t op0 = mails("op1@gcas.go.jp", "breakglass.notice", NULL);
	size_t am0 = mails("am1@digital.go.jp", "breakglass.notice", NULL);
	size_t am2 = mails("am2@city.chiyoda.lg.jp", "breakglass.notice", NULL);
	if (!ok(decide(W.pm1, id, 1, &r2) == GCAS_OK, "the registered approver approves"))
		return NULL;
	is_int(r2.state, BG_ISSUED, "  the credential is issued at once");
	is_int(r2.expires_at, W.now + 7200, "  expiring 2 hours after approval");
	ok(r2.credential_id && strncmp(r2.credential_id, "bg-", 3) == 0,
	   "  a local emergency user: %s", r2.credential_id ? r2.credential_id : "(null)");
	struct audit_rec last = world_audit_last(&W, W.a);
	is_str(last.action, "breakglass.issued", "  the last audit record is breakglass.issued");
	ok(last.seq == s0 + 2, "  after breakglass.approved (two records)");
	ok(!strstr(last.detail, "password") && !strstr(last.detail, "secret"),
	   "  no secret in the audit detail");
	is_int((long)mails("op1@gcas.go.jp", "breakglass.notice", NULL), (long)op0 + 1,
	       "  the operator is told of the use");
	is_int((long)mails("am1@digital.go.jp", "breakglass.notice", NULL), (long)am0 + 1,
	       "  the agency's manager is told");
	is_int((long)mails("am2@city.chiyoda.lg.jp", "breakglass.notice", NULL), (long)am2,
	       "  another agency's manager is not");
	is_int((long)mails("cs1@ichiji.co.jp", "breakglass.credential", NULL), 1,
	       "  the requester gets the credential by mail");
	struct outbox_msg cm = newest("cs1@ichiji.co.jp", "breakglass.credential");
	is_int((long)cm.sensitive, 1, "  queued as a message carrying a secret");
	ok(cm.body && strncmp(cm.body, MAIL_SEALED, strlen(MAIL_SEALED)) == 0,
	   "  its body sealed in the outbox (" MAIL_SEALED "...)");
	/* The user name itself, not its "bg-" prefix: three given characters occur by chance in
	 * a kilobyte of base64url ciphertext about once in 250 runs. */
	ok(cm.body && !strstr(cm.body, "パスワード") && !strstr(cm.body, "Password") &&
	       r2.credential_id && !strstr(cm.body, r2.credential_id),
	   "  no password, label or user name readable in the row");
	ok(cm.subject && !strstr(cm.subject, "bg-"), "  nor in the subject");
	const char *body = delivered(cm.id);
	*secret = line_after(body, "パスワード: ");
	*user = line_after(body, "ユーザー名: ");
	const char *url = line_after(body, "サインインURL: ");
	has_str(url, "/emergency-signin", "  with the local cloud's emergency sign-in URL");
	has_str(body, "失効", "  and says when it expires");
	is_int((long)strlen(*secret), 43, "  a 256-bit one-time password");
	is_str(*user, r2.credential_id, "  for the issued user");
	ok(!strstr(cm.body, *secret), "  the queued row never held the password in clear");
	struct outbox_msg after = row(cm.id);
	is_str(after.state, "sent", "  the credential mail was sent");
	is_str(after.body, mail_erased_body, "  and its body replaced by the fixed notice");
	ok(after.body && !strstr(after.body, *secret) && !strstr(after.body, *user) &&
	       !strstr(after.body, MAIL_SEALED),
	   "  neither the password, the user nor the sealed text is left");
	const char *p = strstr(url, "/local-cloud/");
	*cloud = p ? arena_strndup(W.a, p + 13, strcspn(p + 13, "/")) : "";
	is_int(decide(W.pm1, id, 0, &r2), GCAS_ERR_CONFLICT, "deciding twice: CONFLICT");

	s0 = world_audit_seq(&W);
	is_int(emergency_signin(*cloud, *user, *secret), GCAS_OK,
	       "the local cloud's emergency sign-in accepts it");
	audit_wrote(&W, s0, "breakglass.emergency_signin", "ok", "  audited");
	is_int(emergency_signin(*cloud, *user, "wrong"), GCAS_ERR_AUTH, "a wrong password: AUTH");
	audit_wrote(&W, s0 + 1, "breakglass.emergency_signin", "failure", "  audited as failure");
	is_int(emergency_signin("gcas-local-000000000000", *user, *secret), GCAS_ERR_AUTH,
	       "the right password at another cloud account id: AUTH");
	return id;
}

static void test_own_and_cap(const char **id8)
{
	struct bg_request r, r2;
	struct verrs ve;
	if (!ok(ask(W.pm1, ENV1, "本人申請", "窓口業務", "2026-01-02", "", NULL, &r, &ve) ==
	            GCAS_OK,
	        "the project manager (also a requester) asks"))
		return;
	int64_t s0 = world_audit_seq(&W);
	is_int(decide(W.pm1, r.id, 1, &r2), GCAS_ERR_DENIED,
	       "an approver may never approve their own request");
	audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	is_int(get_as_op(r.id).state, BG_SUBMITTED, "  it stays submitted");
	struct actor pm1 = world_actor(&W, W.pm1);
	is_int(svc_bg_revoke(&W.w.env, &pm1, W.a, r.id, &r2), GCAS_OK,
	       "the requester withdraws it");
	is_int(r2.state, BG_REVOKED, "  revoked");

	if (!ok(ask(W.ps1, ENV1, "長時間作業", "夜間バッチ", "2026-01-01", "24", NULL, &r, &ve) ==
	            GCAS_OK,
	        "project staff asks for 24 hours"))
		return;
	is_int(decide(W.pm1, r.id, 1, &r2), GCAS_OK, "approved");
	is_int(r2.expires_at - r2.decided_at, W.w.cfg.breakglass_max_ttl,
	       "  capped at max_ttl (8 hours), not 24");
	*id8 = arena_strdup(W.a, r.id);
}

static void test_expiry(const char *id2, const char *id8, const char *cloud, const char *user,
                        const char *secret)
{
	is_int(run_job(), 0, "the job has nothing to do before expiry");
	world_tick(&W, 7200 - 1);
	is_int(emergency_signin(cloud, user, secret), GCAS_OK,
	       "a second before expiry it still works");
	is_int(run_job(), 0, "  and the job leaves it");
	world_tick(&W, 1);
	size_t op0 = mails("op1@gcas.go.jp", "breakglass.notice", NULL);
	is_int(run_job(), 1, "at expiry the job revokes one credential");
	struct bg_request r = get_as_op(id2);
	is_int(r.state, BG_EXPIRED, "  the 2-hour request is expired");
	is_int(r.ended_at, W.now, "  ended now");
	is_int(get_as_op(id8).state, BG_ISSUED, "  the 8-hour one is still live");
	is_int(emergency_signin(cloud, user, secret), GCAS_ERR_AUTH,
	       "the expired credential is refused");
	is_int((long)mails("op1@gcas.go.jp", "breakglass.notice", NULL), (long)op0 + 1,
	       "  the operator is told of the expiry");
	struct audit_rec last = world_audit_last(&W, W.a);
	ok(strcmp(last.action, "breakglass.expired") == 0 ||
	       strcmp(last.action, "breakglass.emergency_signin") == 0,
	   "  audited (breakglass.expired, then the refused sign-in)");
	world_tick(&W, 6 * 3600);
	is_int(run_job(), 1, "at 8 hours the job revokes the other");
	is_int(get_as_op(id8).state, BG_EXPIRED, "  expired too");
	is_int(run_job(), 0, "nothing left to do");
}

static void test_revoke_and_failure(void)
{
	struct bg_request r, r2;
	struct verrs ve;
	char today[11];
	ymd_format(ymd_of_epoch_jst(W.now), today);
	if (!ok(ask(W.cs1, ENV1, "再発", "給付金の支払処理", today, "1", NULL, &r, &ve) ==
	                GCAS_OK &&
	            decide(W.pm1, r.id, 1, &r2) == GCAS_OK && r2.state == BG_ISSUED,
	        "another request, approved and issued"))
		return;
	struct actor ps2 = world_actor(&W, W.ps2), am2 = world_actor(&W, W.am2);
	is_int(svc_bg_revoke(&W.w.env, &ps2, W.a, r.id, &r2), GCAS_ERR_DENIED,
	       "another team's staff may not end it");
	is_int(svc_bg_get(&W.w.env, &am2, W.a, r.id, &r2, NULL, NULL), GCAS_ERR_DENIED,
	       "another agency's manager may not see it");
	is_int((long)count_uses(W.am2), 0, "  nor list it");
	ok(count_uses(W.am1) >= 4, "the agency's manager lists every use of agency 1");

	/* The CSP refuses the revocation: it stays live, visible, and the operator is mailed. */
	W.w.cfg.provision[CSP_AWS] = arena_printf(W.a, "exec:%s/fail.sh", scripts);
	size_t op0 = mails("op1@gcas.go.jp", "breakglass.revoke_failed", NULL);
	struct actor op = world_actor(&W, W.op);
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_bg_revoke(&W.w.env, &op, W.a, r.id, &r2), GCAS_OK,
	       "the operator ends it now; the driver fails");
	is_int(r2.state, BG_ISSUED, "  still issued");
	has_str(r2.last_error ? r2.last_error : "", "quota exceeded", "  the reason is visible");
	ok(r2.revoke_requested_at == W.now, "  the revocation is remembered");
	audit_wrote(&W, s0 + 1, "breakglass.revoke_failed", "failure", "  audited as a failure");
	is_int((long)mails("op1@gcas.go.jp", "breakglass.revoke_failed", NULL), (long)op0 + 1,
	       "  and mailed to the operator");
	is_int(run_job(), 0, "the job waits for the backoff");
	world_tick(&W, BG_RETRY_BASE);
	is_int(run_job(), 1, "  then retries (failing again)");
	is_int(get_as_op(r.id).attempts, 2, "  two attempts");
	W.w.cfg.provision[CSP_AWS] = "local";
	world_tick(&W, 2 * BG_RETRY_BASE);
	is_int(run_job(), 1, "with the CSP back, the job revokes it");
	r2 = get_as_op(r.id);
	is_int(r2.state, BG_REVOKED, "  revoked (not expired: it was asked to end)");
	ok(!r2.last_error, "  the error is cleared");

	/* Rejection mails the requester. */
	if (ask(W.cs1, ENV1, "誤申請", "なし", today, "", NULL, &r, &ve))
		return;
	is_int(decide(W.pm1, r.id, 0, &r2), GCAS_OK, "the approver rejects");
	is_int(r2.state, BG_REJECTED, "  rejected");
	ok(mails("cs1@ichiji.co.jp", "breakglass.rejected", NULL) == 1, "  the requester is told");
}

/* The exec driver's cred ops: JSON on stdin, the credential on stdout. */
static void test_exec_driver(void)
{
	struct bg_request r, r2;
	struct verrs ve;
	char today[11];
	ymd_format(ymd_of_epoch_jst(W.now), today);
	world_tick(&W, 1); /* newest() below tells this credential mail from earlier ones */
	W.w.cfg.provision[CSP_AWS] = arena_printf(W.a, "exec:%s/breakglass.sh", scripts);
	if (!ok(ask(W.cs1, ENV1, "exec", "exec", today, "1", NULL, &r, &ve) == GCAS_OK,
	        "a request on an exec-driven CSP"))
		return;
	is_int(decide(W.pm1, r.id, 1, &r2), GCAS_OK, "approved");
	is_int(r2.state, BG_ISSUED, "  issued by the command");
	is_str(r2.credential_id, "exec-emergency-1", "  with the command's credential id");
	is_str(r2.login_url, "https://csp.example/emergency", "  and login URL");
	struct outbox_msg cm = newest("cs1@ichiji.co.jp", "breakglass.credential");
	has_str(delivered(cm.id), "exec-one-time-secret", "  its secret mailed to the requester");
	ok(!strstr(row(cm.id).body, "exec-one-time-secret"), "  and gone from the outbox row");
	struct actor cs1 = world_actor(&W, W.cs1);
	is_int(svc_bg_revoke(&W.w.env, &cs1, W.a, r.id, &r2), GCAS_OK, "the requester ends it");
	is_int(r2.state, BG_REVOKED, "  the command revoked it");
	W.w.cfg.provision[CSP_AWS] = "local";
}

/* Two writers that read the same approved request (PostgreSQL runs at READ COMMITTED: an
 * UPDATE that waited for another transaction re-applies its WHERE to the row as that one left
 * it). A claim keeps the state 'approved', so the state guard alone let a second claim (a
 * second CSP call) or a withdrawal read before the claim through, and the credential the
 * claim's driver call then created was never recorded, so never revoked. Modelled in one
 * transaction: read, a claim, then the stale writers. */
struct stale_ctx {
	struct arena *a;
	const char *id;
	int64_t now;
	enum gcas_err claim, second, withdraw, holder;
};

static enum gcas_err stale_tx(struct db *db, void *ctx)
{
	struct stale_ctx *s = ctx;
	struct bg_request seen, w;
	enum gcas_err e = store_bg_req_get(db, s->a, s->id, &seen);
	if (e)
		return e;
	struct bg_request claim = seen, second = seen;
	claim.attempts = second.attempts = seen.attempts + 1;
	claim.lease_until = second.lease_until = s->now + 600;
	claim.updated_at = second.updated_at = s->now;
	s->claim = store_bg_req_update(db, &claim, BG_APPROVED, 0);
	s->second = store_bg_req_update(db, &second, BG_APPROVED, 0);
	w = seen;
	w.state = BG_REVOKED;
	w.revoke_requested_at = w.ended_at = w.updated_at = s->now;
	s->withdraw = store_bg_req_update(db, &w, BG_APPROVED, 0);
	/* The lease holder records its (failed) outcome and lets go of the lease. */
	claim.lease_until = 0;
	claim.last_error = "quota exceeded";
	s->holder = store_bg_req_update(db, &claim, BG_APPROVED, s->now + 600);
	return GCAS_OK;
}

static void test_stale_writers(void)
{
	struct bg_request r, r2;
	struct verrs ve;
	char today[11];
	ymd_format(ymd_of_epoch_jst(W.now), today);
	W.w.cfg.provision[CSP_AWS] = arena_printf(W.a, "exec:%s/fail.sh", scripts);
	if (!ok(ask(W.cs1, ENV1, "競合", "給付金の支払処理", today, "1", NULL, &r, &ve) ==
	                GCAS_OK &&
	            decide(W.pm1, r.id, 1, &r2) == GCAS_OK && r2.state == BG_APPROVED,
	        "an approved request whose first issue failed"))
		return;
	W.w.cfg.provision[CSP_AWS] = "local";
	struct stale_ctx s = {W.a, r.id, W.now, 0, 0, 0, 0};
	is_int(store_tx(W.w.env.st, stale_tx, &s), GCAS_OK, "the writers ran");
	is_int(s.claim, GCAS_OK, "  the first claim takes the lease");
	is_int(s.second, GCAS_ERR_NOTFOUND, "  a second claim on the same read is refused");
	is_int(s.withdraw, GCAS_ERR_NOTFOUND, "  a withdrawal read before the claim is refused");
	is_int(s.holder, GCAS_OK, "  the lease holder records its outcome");
	r2 = get_as_op(r.id);
	is_int(r2.state, BG_APPROVED, "  still approved (not withdrawn under the driver call)");
	is_int(r2.attempts, 2, "  one claim counted");
	ok(!r2.lease_until, "  the lease is let go");
	struct actor cs1 = world_actor(&W, W.cs1);
	is_int(svc_bg_revoke(&W.w.env, &cs1, W.a, r.id, &r2), GCAS_OK, "then it can be withdrawn");
	is_int(r2.state, BG_REVOKED, "  withdrawn");
}

/* Without a signer the credential mail is queued as rendered (nothing to seal with) but is
 * still marked and erased once sent. */
static void test_no_signer(void)
{
	struct bg_request r, r2;
	struct verrs ve;
	char today[11];
	struct signer *keep = W.w.env.signer;
	ymd_format(ymd_of_epoch_jst(W.now), today);
	W.w.env.signer = NULL;
	world_tick(&W, 1);
	int issued =
	    ask(W.cs1, ENV1, "署名鍵なし", "窓口業務", today, "1", NULL, &r, &ve) == GCAS_OK &&
	    decide(W.pm1, r.id, 1, &r2) == GCAS_OK && r2.state == BG_ISSUED;
	struct outbox_msg cm = newest("cs1@ichiji.co.jp", "breakglass.credential");
	W.w.env.signer = keep; /* the mailer has its key again (other rows are sealed) */
	const char *body = issued ? delivered(cm.id) : "";
	if (!ok(issued, "without a signer a credential is issued"))
		return;
	is_int((long)cm.sensitive, 1, "  its mail is still marked as carrying a secret");
	has_str(cm.body, "パスワード: ", "  and queued as rendered (no key to seal it with)");
	const char *secret = line_after(body, "パスワード: ");
	is_int((long)strlen(secret), 43, "  the delivered mail carries the password");
	has_str(cm.body, secret, "  the same one the row held");
	struct outbox_msg after = row(cm.id);
	is_str(after.state, "sent", "  sent");
	is_str(after.body, mail_erased_body, "  and erased from the row all the same");
	struct actor cs1 = world_actor(&W, W.cs1);
	is_int(svc_bg_revoke(&W.w.env, &cs1, W.a, r.id, &r2), GCAS_OK, "  ended");
}

/* Every link in BreakGlass mail points at the listener: breakglass.base_url, or
 * server.base_url while that is empty. */
static void test_links(void)
{
	struct bg_request r, r2;
	struct verrs ve;
	char today[11];
	const char *bg = "https://bg.example.go.jp:8444", *main_url = W.w.cfg.base_url;
	ymd_format(ymd_of_epoch_jst(W.now), today);
	is_str(W.w.cfg.breakglass_base_url, "", "breakglass.base_url is empty by default");
	world_tick(&W, 1);
	if (!ok(ask(W.cs1, ENV1, "リンク確認", "窓口業務", today, "1", NULL, &r, &ve) == GCAS_OK,
	        "a request while breakglass.base_url is empty"))
		return;
	const char *want = arena_printf(W.a, "%s/requests/%s", main_url, r.id);
	has_str(newest("pm1@digital.go.jp", "breakglass.requested").body, want,
	        "  the approver's link falls back to server.base_url");
	world_tick(&W, 1);
	is_int(decide(W.pm1, r.id, 0, &r2), GCAS_OK, "  rejected");
	has_str(newest("cs1@ichiji.co.jp", "breakglass.rejected").body, want,
	        "  the rejection's link too");

	W.w.cfg.breakglass_base_url = bg;
	world_tick(&W, 1);
	if (!ok(ask(W.cs1, ENV1, "リンク確認2", "窓口業務", today, "1", NULL, &r, &ve) == GCAS_OK,
	        "a request with breakglass.base_url set"))
		goto out;
	want = arena_printf(W.a, "%s/requests/%s", bg, r.id);
	const char *main_link = arena_printf(W.a, "%s/requests/", main_url);
	const char *b = newest("pm1@digital.go.jp", "breakglass.requested").body;
	has_str(b, want, "  the approver's link is on the listener's own URL");
	ok(b && !strstr(b, main_link), "  not on server.base_url");
	world_tick(&W, 1);
	is_int(decide(W.pm1, r.id, 1, &r2), GCAS_OK, "  approved and issued");
	struct outbox_msg cm = newest("cs1@ichiji.co.jp", "breakglass.credential");
	b = delivered(cm.id);
	has_str(b, want, "  the credential mail links to the listener");
	ok(!strstr(b, main_link), "  and not to server.base_url");
	has_str(newest("op1@gcas.go.jp", "breakglass.notice").body, want,
	        "  the operator's use report too");
	has_str(newest("am1@digital.go.jp", "breakglass.notice").body, want,
	        "  and the agency manager's");
	struct actor cs1 = world_actor(&W, W.cs1);
	world_tick(&W, 1);
	is_int(svc_bg_revoke(&W.w.env, &cs1, W.a, r.id, &r2), GCAS_OK, "  ended");
	has_str(newest("op1@gcas.go.jp", "breakglass.notice").body, want,
	        "  the revocation report links to the listener");
out:
	W.w.cfg.breakglass_base_url = "";
}

int main(void)
{
	const char *cloud = "", *user = "", *secret = "", *id8 = NULL;
	if (!ok(world_open(&W) == 0, "world opens") || !ok(find_scripts() == 0, "scripts found"))
		return tap_done();
	W.w.cfg.breakglass_max_ttl = 8 * 3600;
	ENV1 = make_env(W.pm1, W.pj1);
	ENVQ = make_env(W.pmq, W.pjq);
	if (!ok(ENV1 && ENVQ, "two active environments (agency 1 and agency 2)"))
		return tap_done();
	test_register();
	test_request_refused();
	const char *id2 = test_issue(&cloud, &user, &secret);
	test_own_and_cap(&id8);
	if (id2 && id8)
		test_expiry(id2, id8, cloud, user, secret);
	test_revoke_and_failure();
	test_exec_driver();
	test_stale_writers();
	test_no_signer();
	test_links();
	world_close(&W);
	return tap_done();
}
