/* SPDX-License-Identifier: MIT */
/* CSP environment requests (svc/environments.c, issue 4 §2, S6): who may request (agency and
 * project managers of the scope) and who may not, the rules against the registered system
 * (a CSP it registered, development only with CI/CD), approval by the operator only with a due
 * date 5 business days on (R2.3), fulfilment by the job through the local driver, the exec
 * driver with test scripts (success, failure retried with doubling backoff then failed with the
 * reason, a timeout), idempotent creates, and deletion closing the environment. Then what a
 * driver returns (SCIM URL and token, SAML entity id and ACS URL) kept with the environment,
 * the token sealed and never in the JSON (or not kept, and why, without a signer); every
 * assignment revoked when the environment closes; the operators mailed on each submission; and
 * the environment lines of the monthly service-level report (on time, late, open overdue). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "signer/signer.h"
#include "store/assignments.h"
#include "store/outbox.h"
#include "svc/applications.h"
#include "svc/environments.h"
#include "svc/provision.h"
#include "svc/systems.h"
#include "test_world.h"

#define lacks_str(hay, needle, ...) ok(!(hay) || !strstr((hay), (needle)), __VA_ARGS__)

static struct world W;
static char scripts[PATH_MAX]; /* tests/data/provision */

static int find_scripts(void)
{
	char here[PATH_MAX];
	if (!realpath(__FILE__, here))
		return -1;
	char *slash = strrchr(here, '/'); /* .../tests/unit/svc/x.c → .../tests */
	for (int i = 0; i < 3 && slash; i++) {
		*slash = '\0';
		slash = strrchr(here, '/');
	}
	int n = snprintf(scripts, sizeof(scripts), "%.*s/data/provision", PATH_MAX - 32, here);
	return n > 0 && (size_t)n < sizeof(scripts) ? 0 : -1;
}

static void set_driver(enum sys_csp csp, const char *script)
{
	if (!script) {
		W.w.cfg.provision[csp] = "local";
		return;
	}
	W.w.cfg.provision[csp] = arena_printf(W.a, "exec:%s/%s", scripts, script);
}

static void register_system(const char *project, const char *csps, const char *envs, int ci_cd,
                            const char *contact)
{
	struct system_input in = {.name = "共通基盤システム",
	                          .purpose = "府省共通の認証",
	                          .lifecycle = "building",
	                          .csps = csps,
	                          .environments = envs,
	                          .contacts = contact,
	                          .period_start = "2026-04-01",
	                          .classification = "c2",
	                          .billing_unit = "情報システム課",
	                          .ci_cd = ci_cd};
	struct actor op = world_actor(&W, W.op);
	struct system_rec r;
	struct verrs ve = {0};
	enum gcas_err e = svc_system_register(&W.w.env, &op, W.a, project, &in, &r, &ve);
	if (!ok(e == GCAS_OK, "system of %s registered", project))
		for (size_t i = 0; i < ve.n; i++)
			printf("#   %s: %s\n", ve.e[i].field, ve.e[i].en);
}

/* Request as who; checks the outcome and its audit record (none for invalid input). */
static enum gcas_err request_as(const char *who, const char *project, const char *csp,
                                const char *kind, const char *reason, const char *key,
                                struct env_request *out, struct verrs *ve, enum gcas_err want,
                                const char *what)
{
	struct actor ac = world_actor(&W, who);
	struct env_request_input in = {csp, kind, reason, key};
	int64_t s0 = world_audit_seq(&W);
	*ve = (struct verrs){0};
	enum gcas_err e = svc_env_request_create(&W.w.env, &ac, W.a, project, &in, out, ve);
	if (!ok(e == want, "%s", what)) {
		printf("#   got %s, want %s\n", gcas_err_name(e), gcas_err_name(want));
		for (size_t i = 0; i < ve->n; i++)
			printf("#   %s: %s\n", ve->e[i].field, ve->e[i].en);
	}
	if (want == GCAS_ERR_DENIED)
		audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	else if (want != GCAS_OK)
		audit_none(&W, s0, "  nothing audited");
	return e;
}

static enum gcas_err decide_as(const char *who, const char *id, int approve,
                               struct env_request *out)
{
	struct actor ac = world_actor(&W, who);
	return svc_env_request_decide(&W.w.env, &ac, W.a, id, approve, "確認しました", out);
}

static struct env_request get_req(const char *id)
{
	struct actor op = world_actor(&W, W.op);
	struct env_request r = {0};
	svc_env_request_get(&W.w.env, &op, W.a, id, &r, NULL, NULL);
	return r;
}

static struct environment get_env(const char *id)
{
	struct actor op = world_actor(&W, W.op);
	struct environment e = {0};
	svc_environment_get(&W.w.env, &op, W.a, id, &e);
	return e;
}

static int64_t run_job(void)
{
	int64_t n = -1;
	svc_env_provision_run(&W.w.env, &n);
	return n;
}

static void test_requests(void)
{
	struct env_request r, r2;
	struct verrs ve;
	request_as(W.ps1, W.pj1, "aws", "production", "本番", NULL, &r, &ve, GCAS_ERR_DENIED,
	           "project staff may not request");
	request_as(W.as1, W.pj1, "aws", "production", "本番", NULL, &r, &ve, GCAS_ERR_DENIED,
	           "agency staff may not request");
	request_as(W.cm1, W.pj1, "aws", "production", "本番", NULL, &r, &ve, GCAS_ERR_DENIED,
	           "a contractor manager may not request");
	request_as(W.am2, W.pj1, "aws", "production", "本番", NULL, &r, &ve, GCAS_ERR_DENIED,
	           "another agency's manager may not request");
	request_as(W.pmq, W.pj1, "aws", "production", "本番", NULL, &r, &ve, GCAS_ERR_DENIED,
	           "another agency's project manager may not request");
	request_as(W.pm2, W.pj1, "aws", "production", "本番", NULL, &r, &ve, GCAS_ERR_DENIED,
	           "the manager of another team may not request");
	request_as(W.op, W.pj1, "aws", "production", "本番", NULL, &r, &ve, GCAS_ERR_DENIED,
	           "the operator approves, it does not apply");

	request_as(W.pm1, W.pj1, "azure", "production", "本番", NULL, &r, &ve, GCAS_ERR_INVALID,
	           "a CSP the system did not register is refused");
	ok(verr_has(&ve, "csp"), "  explained on csp");
	request_as(W.pm1, W.pj1, "aws", "development", "開発", NULL, &r, &ve, GCAS_ERR_INVALID,
	           "development is refused for a system without CI/CD");
	ok(verr_has(&ve, "kind"), "  explained on kind");
	has_str(ve.n ? ve.e[0].ja : "", "CI/CD", "  the message names CI/CD");
	request_as(W.pm1, W.pj1, "mars", "qa", "", NULL, &r, &ve, GCAS_ERR_INVALID,
	           "unknown CSP and type, empty reason");
	is_int((long)ve.n, 3, "  three messages at once");
	request_as(W.pm1, W.pj1, "aws", "production", "番号 123456789018 を含む", NULL, &r, &ve,
	           GCAS_ERR_INVALID, "an Individual Number in the reason is refused");
	request_as(W.pmq, W.pjq, "aws", "production", "本番", NULL, &r, &ve, GCAS_ERR_INVALID,
	           "a team with no registered system is refused");
	ok(verr_has(&ve, "project_id"), "  explained on project_id");

	request_as(W.pm2, W.pj2, "aws", "development", "CI 用の開発環境", NULL, &r, &ve, GCAS_OK,
	           "development is accepted for a system that runs CI/CD");
	int64_t s0 = world_audit_seq(&W);
	if (request_as(W.am1, W.pj1, "aws", "production", "本番環境の開設", "key-aws-prod-1", &r,
	               &ve, GCAS_OK,
	               "the agency manager requests for a team of the agency") != GCAS_OK)
		return;
	audit_wrote(&W, s0, "env.submitted", "ok", "  audited as env.submitted");
	is_int(r.state, ENVREQ_SUBMITTED, "  submitted");
	request_as(W.am1, W.pj1, "aws", "production", "本番環境の開設", "key-aws-prod-1", &r2, &ve,
	           GCAS_OK, "the same idempotency key again");
	is_str(r2.id, r.id, "  returns the first request, not a second one");
	request_as(W.pm2, W.pj2, "aws", "production", "x", "key-aws-prod-1", &r2, &ve,
	           GCAS_ERR_CONFLICT, "another team's key is a conflict");
	const char *id = arena_strdup(W.a, r.id);

	/* Approval: the operator only. */
	is_int(decide_as(W.pm1, id, 1, &r2), GCAS_ERR_DENIED,
	       "the project manager may not approve");
	is_int(decide_as(W.am1, id, 1, &r2), GCAS_ERR_DENIED, "the agency manager may not approve");
	is_int(decide_as(W.am2, id, 1, &r2), GCAS_ERR_DENIED, "another agency may not approve");
	is_int(run_job(), 0, "the job leaves a submitted request alone");
	s0 = world_audit_seq(&W);
	if (!ok(decide_as(W.op, id, 1, &r2) == GCAS_OK, "the operator approves"))
		return;
	audit_wrote(&W, s0, "env.approved", "ok", "  audited");
	/* WORLD_T0 is Thu 2026-01-01 JST (a holiday); 5 business days after: 1/2 and 1/3 are
	 * year-end holidays, 1/12 is Coming of Age Day. */
	is_str(r2.due_on, "2026-01-09", "  due 5 business days after approval (R2.3)");
	struct environment en = get_env(r2.environment_id);
	is_int(en.state, ENV_PROVISIONING, "  the environment is provisioning");
	is_str(en.driver, "local", "  through the local driver (the default)");
	is_int(decide_as(W.op, id, 0, &r2), GCAS_ERR_CONFLICT, "deciding twice: CONFLICT");

	/* The job fulfils through the local driver. */
	is_int(run_job(), 1, "the job tries the approved request");
	r2 = get_req(id);
	is_int(r2.state, ENVREQ_FULFILLED, "  fulfilled");
	is_int(r2.attempts, 1, "  in one attempt");
	en = get_env(r2.environment_id);
	is_int(en.state, ENV_ACTIVE, "  the environment is active");
	ok(en.external_id && strncmp(en.external_id, "gcas-local-", 11) == 0 &&
	       strlen(en.external_id) == 23,
	   "  id gcas-local-<12 digits>: %s", en.external_id ? en.external_id : "(null)");
	const char *want_url = arena_printf(W.a, "%s/local-cloud/%s", W.w.cfg.base_url,
	                                    en.external_id ? en.external_id : "");
	is_str(en.console_url, want_url, "  console under base_url/local-cloud/");
	is_int(run_job(), 0, "the job has nothing more to do");

	/* Idempotency at the driver: a retried create returns what the first made. */
	struct provision_req rq = {.action = "create",
	                           .idempotency_key = r2.idempotency_key,
	                           .project_id = W.pj1,
	                           .csp = CSP_AWS,
	                           .kind = SYSENV_PRODUCTION};
	struct provision_result res = {0};
	is_int(provision_local.create(&W.w.env, NULL, &rq, &res), GCAS_OK, "local create again");
	is_str(res.external_id, en.external_id, "  the same external id");

	/* Reading across agencies. */
	struct actor am2 = world_actor(&W, W.am2);
	struct env_request rx;
	is_int(svc_env_request_get(&W.w.env, &am2, W.a, id, &rx, NULL, NULL), GCAS_ERR_DENIED,
	       "another agency may not read the request");
	struct actor ps1 = world_actor(&W, W.ps1);
	struct environment *list;
	size_t n = 0;
	struct page pg = {.limit = 50};
	is_int(svc_environment_list(&W.w.env, &ps1, W.a, NULL, &pg, &list, &n), GCAS_OK,
	       "project staff list their team's environments");
	is_int((long)n, 1, "  one");
	is_int(svc_environment_list(&W.w.env, &am2, W.a, W.pj1, &pg, &list, &n), GCAS_ERR_DENIED,
	       "another agency may not list the team's");
	struct local_cloud_acct acct;
	is_int(svc_local_cloud_get(&W.w.env, &am2, W.a, en.external_id, &acct, NULL),
	       GCAS_ERR_DENIED, "another agency may not open the simulated console");
	is_int(svc_local_cloud_get(&W.w.env, &ps1, W.a, en.external_id, &acct, NULL), GCAS_OK,
	       "the team's staff may");
	is_str(acct.state, "open", "  the simulated account is open");

	/* Deletion closes it through the driver. */
	struct actor pm1 = world_actor(&W, W.pm1);
	struct env_request_input din = {NULL, NULL, "不要になったため", NULL};
	struct env_request d, d2;
	struct verrs dve = {0};
	struct actor pm2 = world_actor(&W, W.pm2);
	is_int(svc_env_request_delete(&W.w.env, &pm2, W.a, en.id, &din, &d, &dve), GCAS_ERR_DENIED,
	       "another team's manager may not request deletion");
	if (!ok(svc_env_request_delete(&W.w.env, &pm1, W.a, en.id, &din, &d, &dve) == GCAS_OK,
	        "the project manager requests deletion"))
		return;
	is_int(svc_env_request_delete(&W.w.env, &pm1, W.a, en.id, &din, &d2, &dve),
	       GCAS_ERR_CONFLICT, "a second deletion request: CONFLICT");
	is_int(decide_as(W.op, d.id, 1, &d2), GCAS_OK, "the operator approves the deletion");
	is_int(get_env(en.id).state, ENV_CLOSING, "  the environment is closing");
	is_int(run_job(), 1, "the job fulfils the deletion");
	is_int(get_req(d.id).state, ENVREQ_FULFILLED, "  fulfilled");
	struct environment closed = get_env(en.id);
	is_int(closed.state, ENV_CLOSED, "  the environment is closed");
	ok(closed.closed_at == W.now, "  at now");
	svc_local_cloud_get(&W.w.env, &ps1, W.a, en.external_id, &acct, NULL);
	is_str(acct.state, "closed", "  the simulated account is closed too");

	/* Rejection. */
	request_as(W.pm1, W.pj1, "gcp", "staging", "検証", NULL, &r, &ve, GCAS_OK,
	           "another request");
	is_int(decide_as(W.op, r.id, 0, &r2), GCAS_OK, "the operator rejects");
	is_int(r2.state, ENVREQ_REJECTED, "  rejected");
	ok(r2.environment_id == NULL, "  no environment made");
	is_int(run_job(), 0, "  the job ignores it");
	struct env_request_event *ev;
	size_t nev = 0;
	struct actor op = world_actor(&W, W.op);
	svc_env_request_get(&W.w.env, &op, W.a, r.id, &r2, &ev, &nev);
	ok(nev == 2 && strcmp(ev[0].event, "submitted") == 0 &&
	       strcmp(ev[1].event, "rejected") == 0,
	   "  history: submitted, rejected");
	is_str(nev == 2 ? ev[1].note : "", "確認しました", "  the note is kept");
}

/* Submit and approve a gcp staging request of pj1; returns its id (world arena). */
static const char *approved_gcp(const char *key)
{
	struct env_request r, r2;
	struct verrs ve;
	if (request_as(W.pm1, W.pj1, "gcp", "staging", "検証環境", key, &r, &ve, GCAS_OK,
	               "a gcp staging request") != GCAS_OK)
		return "";
	decide_as(W.op, r.id, 1, &r2);
	return arena_strdup(W.a, r.id);
}

static void test_exec_driver(void)
{
	struct actor op = world_actor(&W, W.op);
	struct actor pm1 = world_actor(&W, W.pm1);
	struct env_request r;

	set_driver(CSP_GCP, "ok.sh");
	const char *id = approved_gcp("key-exec-ok");
	is_str(get_env(get_req(id).environment_id).driver, "exec", "the environment names exec");
	is_int(svc_env_request_fulfil(&W.w.env, &pm1, W.a, id, &r), GCAS_ERR_DENIED,
	       "the project manager may not fulfil");
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r), GCAS_OK, "the operator fulfils");
	is_int(r.state, ENVREQ_FULFILLED, "  fulfilled through the command");
	struct environment en = get_env(r.environment_id);
	is_str(en.external_id, "ext-key-exec-ok", "  the id the command printed");
	is_str(en.console_url, "https://console.example.test/key-exec-ok", "  and its console");
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r), GCAS_ERR_CONFLICT,
	       "fulfilling twice: CONFLICT");
	struct provision_req rq = {.action = "create", .idempotency_key = "key-exec-ok"};
	struct provision_result res = {0};
	const char *arg;
	const struct provision_driver *d = provision_driver_for(&W.w.cfg, CSP_GCP, &arg);
	is_str(d->name, "exec", "driver_for picks exec for gcp");
	is_int(d->create(&W.w.env, arg, &rq, &res), GCAS_OK, "a retried create");
	is_str(res.external_id, "ext-key-exec-ok", "  returns the same id");

	/* Failure: retried with doubling backoff, failed after 8 attempts with the reason. */
	set_driver(CSP_GCP, "fail.sh");
	id = approved_gcp("key-exec-fail");
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r), GCAS_OK, "a failing attempt");
	is_int(r.state, ENVREQ_APPROVED, "  still approved (to be retried)");
	is_str(r.last_error, "quota exceeded for this project",
	       "  stderr's first line is the reason");
	ok(r.next_attempt_at == W.now + 60, "  next attempt in a minute");
	is_int(run_job(), 0, "  not due yet");
	int64_t wait = 60;
	for (int i = 2; i <= ENV_MAX_ATTEMPTS; i++) {
		world_tick(&W, wait);
		run_job();
		wait *= 2;
	}
	r = get_req(id);
	is_int(r.attempts, ENV_MAX_ATTEMPTS, "eight attempts in all");
	is_int(r.state, ENVREQ_FAILED, "  then failed");
	is_str(r.last_error, "quota exceeded for this project", "  with the reason");
	is_int(get_env(r.environment_id).state, ENV_FAILED, "  the environment is failed");
	struct audit_rec last = world_audit_last(&W, W.a);
	is_str(last.action, "env.failed", "  audited as env.failed");
	world_tick(&W, 100000);
	is_int(run_job(), 0, "  and never tried again");

	/* A command that does not answer is killed after the timeout. */
	set_driver(CSP_GCP, "slow.sh");
	W.w.cfg.provision_timeout = 1;
	id = approved_gcp("key-exec-slow");
	int64_t t0 = clock_mono_ms();
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r), GCAS_OK, "a slow command");
	ok(clock_mono_ms() - t0 < 5000, "  killed after about a second");
	is_str(r.last_error, "timed out after 1s", "  the reason says so");
	is_int(r.state, ENVREQ_APPROVED, "  retried later");

	/* One that closes its output and keeps running is killed at the timeout all the same. */
	set_driver(CSP_GCP, "closer.sh");
	id = approved_gcp("key-exec-closer");
	t0 = clock_mono_ms();
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r), GCAS_OK,
	       "a command that closes its output and keeps running");
	ok(clock_mono_ms() - t0 < 5000, "  killed after about a second, not left running");
	is_str(r.last_error, "timed out after 1s", "  the reason says so");

	/* A command that cannot be run. */
	W.w.cfg.provision[CSP_GCP] = "exec:/nonexistent/provision";
	id = approved_gcp("key-exec-missing");
	svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r);
	has_str(r.last_error ? r.last_error : "", "cannot run /nonexistent/provision",
	        "a missing command is a failure with its reason");
	W.w.cfg.provision_timeout = 300;
	set_driver(CSP_GCP, NULL);
}

/* ---- mail ---- */

struct mail_q {
	struct arena *a;
	const char *to;
	struct outbox_msg *m;
	size_t n;
};

static enum gcas_err mail_tx(struct db *db, void *ctx)
{
	struct mail_q *c = ctx;
	return store_outbox_list(db, c->a, NULL, c->to, 1000, &c->m, &c->n);
}

/* Messages of template tmpl queued for to; *last (may be NULL) one whose body holds about
 * (the messages of one second are in no particular order). */
static int mails_about(const char *to, const char *tmpl, const char *about,
                       const struct outbox_msg **last)
{
	struct mail_q c = {W.a, to, NULL, 0};
	int n = 0;
	if (last)
		*last = NULL;
	if (store_run(W.w.env.st, mail_tx, &c))
		return -1;
	for (size_t i = 0; i < c.n; i++)
		if (strcmp(c.m[i].template_name, tmpl) == 0) {
			n++;
			if (last && (!about || strstr(c.m[i].body, about)))
				*last = &c.m[i];
		}
	return n;
}

static int mails(const char *to, const char *tmpl, const struct outbox_msg **last)
{
	return mails_about(to, tmpl, NULL, last);
}

static void test_operator_mail(void)
{
	struct env_request r, r2;
	struct verrs ve;
	const struct outbox_msg *m;
	int op0 = mails("op1@gcas.go.jp", "environment.submitted", NULL);
	int pm0 = mails("pm1@digital.go.jp", "environment.decided", NULL);
	if (request_as(W.pm1, W.pj1, "gcp", "staging", "負荷試験のための検証環境", "key-mail-1", &r,
	               &ve, GCAS_OK, "a request to mail about") != GCAS_OK)
		return;
	is_int(mails_about("op1@gcas.go.jp", "environment.submitted", r.id, &m), op0 + 1,
	       "the operator is mailed on submission, in the same transaction");
	has_str(m ? m->subject : "", "【GCAS】環境の作成の申請", "  Japanese subject first");
	has_str(m ? m->subject : "", "New environment request (Create)", "  then English");
	has_str(m ? m->body : "", "pm1@digital.go.jp さんから", "  names the applicant");
	has_str(m ? m->body : "", "負荷試験のための検証環境", "  carries the reason");
	has_str(m ? m->body : "", arena_printf(W.a, "/environments/requests/%s", r.id),
	        "  links to the request");
	request_as(W.pm1, W.pj1, "gcp", "staging", "負荷試験のための検証環境", "key-mail-1", &r2,
	           &ve, GCAS_OK, "the same key again");
	is_int(mails("op1@gcas.go.jp", "environment.submitted", NULL), op0 + 1,
	       "  no second mail for a repeated submission");
	request_as(W.ps1, W.pj1, "gcp", "staging", "x", NULL, &r2, &ve, GCAS_ERR_DENIED,
	           "a refused request");
	is_int(mails("op1@gcas.go.jp", "environment.submitted", NULL), op0 + 1, "  mails no one");
	is_int(decide_as(W.op, r.id, 0, &r2), GCAS_OK, "the operator rejects it");
	is_int(mails_about("pm1@digital.go.jp", "environment.decided", r.id, &m), pm0 + 1,
	       "  the applicant is mailed the decision");
	has_str(m ? m->body : "", "却下", "  which says rejected");
}

/* ---- what a driver returns ---- */

/* The latest history event of a request. */
static struct env_request_event last_event(const char *id)
{
	struct actor op = world_actor(&W, W.op);
	struct env_request r;
	struct env_request_event *ev = NULL;
	size_t nev = 0;
	svc_env_request_get(&W.w.env, &op, W.a, id, &r, &ev, &nev);
	return nev ? ev[nev - 1] : (struct env_request_event){0};
}

struct asg_ctx {
	struct arena *a;
	const struct assignment *ins;
	const char *env_id;
	struct assignment *out;
	size_t n;
};

static enum gcas_err asg_insert_tx(struct db *db, void *ctx)
{
	struct asg_ctx *c = ctx;
	return store_assignment_insert(db, c->ins);
}

static enum gcas_err asg_list_tx(struct db *db, void *ctx)
{
	struct asg_ctx *c = ctx;
	return store_assignments_of_environment(db, c->a, c->env_id, 0, &c->out, &c->n);
}

static int assign(const char *account, const struct environment *en)
{
	static unsigned seq;
	char *id = arena_alloc(W.a, 33);
	snprintf(id, 33, "%.24s%08x", account, ++seq);
	struct assignment as = {.id = id,
	                        .account_id = account,
	                        .environment_id = en->id,
	                        .project_id = en->project_id,
	                        .agency_id = en->agency_id,
	                        .priv = ASG_PRIV_ADMIN,
	                        .active = 1,
	                        .created_by = W.pm1,
	                        .created_at = W.now};
	struct asg_ctx c = {.ins = &as};
	return store_tx(W.w.env.st, asg_insert_tx, &c) == GCAS_OK ? 0 : -1;
}

/* Assignments of environment id: how many are active; *reason the last revoked one's. */
static int active_assignments(const char *id, size_t *total, const char **reason)
{
	struct asg_ctx c = {.a = W.a, .env_id = id};
	int n = 0;
	*total = 0;
	*reason = NULL;
	if (store_run(W.w.env.st, asg_list_tx, &c))
		return -1;
	for (size_t i = 0; i < c.n; i++)
		if (c.out[i].active)
			n++;
		else
			*reason = c.out[i].revoked_reason;
	*total = c.n;
	return n;
}

static void test_driver_outputs(void)
{
	static const unsigned char kek[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct actor op = world_actor(&W, W.op), pm1 = world_actor(&W, W.pm1);
	struct env_request r, d, d2;
	struct verrs ve = {0};
	struct signer *saved = W.w.env.signer, *sg = NULL;
	set_driver(CSP_GCP, "sso.sh");

	/* Without a signer the token is refused, and the history says why. */
	W.w.env.signer = NULL;
	const char *id = approved_gcp("key-sso-nosigner");
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r), GCAS_OK,
	       "fulfilled through a command that returns SCIM and SAML details");
	is_int(r.state, ENVREQ_FULFILLED, "  fulfilled");
	struct environment plain = get_env(r.environment_id);
	is_str(plain.scim_url, "https://scim.example.test/key-sso-nosigner/scim/v2",
	       "  the SCIM URL is kept");
	is_str(plain.saml_entity_id, "https://signin.example.test/key-sso-nosigner",
	       "  the SAML entity id is kept");
	is_str(plain.saml_acs_url, "https://signin.example.test/key-sso-nosigner/acs",
	       "  the SAML ACS URL is kept");
	ok(plain.scim_token_sealed == NULL, "  no signer: the token is not stored");
	struct env_request_event ev = last_event(id);
	is_str(ev.event, "fulfilled", "  the history's last event is the fulfilment");
	has_str(ev.note ? ev.note : "", "SCIM token not stored: no [keys] key_file",
	        "  and says why the token was not kept");
	struct audit_rec last = world_audit_last(&W, W.a);
	is_str(last.action, "env.fulfilled", "  audited");
	has_str(last.detail ? last.detail : "", "SCIM token not stored", "  with the reason");
	lacks_str(last.detail ? last.detail : "", "tok-secret", "  never the token");

	/* With a signer it is kept sealed, and only the signer opens it. */
	if (!ok(signer_open(W.w.env.st, kek, 0, &sg) == GCAS_OK, "a signer over the test key"))
		return;
	W.w.env.signer = sg;
	id = approved_gcp("key-sso-sealed");
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r), GCAS_OK, "fulfilled again");
	struct environment en = get_env(r.environment_id);
	ok(en.scim_token_sealed && !strstr(en.scim_token_sealed, "tok-secret"),
	   "  the token is stored sealed, not in clear");
	char *tok = NULL;
	size_t toklen = 0;
	is_int(signer_unseal(sg, W.a, "scim-token", en.scim_token_sealed, &tok, &toklen), GCAS_OK,
	       "  the signer opens it");
	is_str(tok, "tok-secret-key-sso-sealed", "  to the token the driver gave");
	ok(signer_unseal(sg, W.a, "totp", en.scim_token_sealed, &tok, &toklen) != GCAS_OK,
	   "  and not under another purpose");
	const char *json = svc_environment_json(W.a, &en);
	has_str(json, "\"scim_token_stored\":true", "the JSON says a token is stored");
	has_str(json, "\"scim_url\":\"https://scim.example.test/key-sso-sealed/scim/v2\"",
	        "  with the SCIM URL");
	has_str(json, "\"saml_acs_url\":\"https://signin.example.test/key-sso-sealed/acs\"",
	        "  and the ACS URL");
	lacks_str(json, "tok-secret", "  never the token");
	lacks_str(json, en.scim_token_sealed ? en.scim_token_sealed : "tok-secret",
	          "  nor its sealed form");
	lacks_str(svc_environment_json(W.a, &plain), "\"scim_token_stored\":true",
	          "an environment without a token says so");

	/* A malformed optional member fails the attempt with the reason. */
	id = approved_gcp("bad-sso");
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, id, &r), GCAS_OK,
	       "a command answering with a SCIM URL that is not a string");
	is_int(r.state, ENVREQ_APPROVED, "  the attempt failed (retried later)");
	has_str(r.last_error ? r.last_error : "", "\"scim_url\" in stdout is not a string",
	        "  the reason names the member");
	struct provision_req rq = {.action = "create", .idempotency_key = "key-direct"};
	struct provision_result res = {0};
	const char *arg;
	const struct provision_driver *drv = provision_driver_for(&W.w.cfg, CSP_GCP, &arg);
	is_int(drv->create(&W.w.env, arg, &rq, &res), GCAS_OK, "the exec driver itself");
	is_str(res.scim_token, "tok-secret-key-direct", "  reads scim_token");
	is_str(res.scim_url, "https://scim.example.test/key-direct/scim/v2", "  and scim_url");
	is_str(res.saml_entity_id, "https://signin.example.test/key-direct", "  saml_entity_id");
	is_str(res.saml_acs_url, "https://signin.example.test/key-direct/acs", "  saml_acs_url");

	/* Closing revokes every assignment to the environment, in the closing transaction. */
	ok(assign(W.pm1, &en) == 0 && assign(W.ps1, &en) == 0 && assign(W.pm1, &plain) == 0,
	   "two people assigned to the environment, one to another");
	struct env_request_input din = {NULL, NULL, "検証終了", NULL};
	if (!ok(svc_env_request_delete(&W.w.env, &pm1, W.a, en.id, &din, &d, &ve) == GCAS_OK,
	        "its deletion is requested"))
		return;
	is_int(decide_as(W.op, d.id, 1, &d2), GCAS_OK, "  approved");
	size_t total;
	const char *reason;
	is_int(active_assignments(en.id, &total, &reason), 2,
	       "  the assignments hold while closing");
	int pm_done0 = mails("pm1@digital.go.jp", "environment.fulfilled", NULL);
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, d.id, &d2), GCAS_OK, "  fulfilled");
	is_int(get_env(en.id).state, ENV_CLOSED, "the environment is closed");
	is_int(active_assignments(en.id, &total, &reason), 0, "  no assignment to it is active");
	is_int((long)total, 2, "  both are kept as history");
	is_str(reason, "environment closed", "  revoked because the environment closed");
	ev = last_event(d.id);
	has_str(ev.note ? ev.note : "", "2 assignments revoked", "  the history counts them");
	last = world_audit_last(&W, W.a);
	has_str(last.detail ? last.detail : "", "2 assignments revoked", "  and so does the audit");
	is_int(active_assignments(plain.id, &total, &reason), 1,
	       "another environment's assignment stays");
	is_int(mails("pm1@digital.go.jp", "environment.fulfilled", NULL), pm_done0 + 1,
	       "the applicant is mailed the fulfilment");

	W.w.env.signer = saved;
	signer_free(sg);
	set_driver(CSP_GCP, NULL);
}

/* ---- R2.3 report ---- */

static void test_slo(void)
{
	struct actor op = world_actor(&W, W.op);
	struct slo_report rep;
	struct env_request r;
	/* 2026-03-02 00:00 JST is 2026-03-01T15:00Z; 9 hours on. */
	int64_t t = WORLD_T0 + 59 * 86400 + 15 * 3600 + 9 * 3600;
	if (t > W.now)
		world_tick(&W, t - W.now);
	const char *on_time = approved_gcp("key-slo-1");
	const char *late = approved_gcp("key-slo-2");
	approved_gcp("key-slo-3"); /* left open */
	is_str(get_req(on_time).due_on, "2026-03-09",
	       "approved Monday 2 March: due Monday 9 March");
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, on_time, &r), GCAS_OK,
	       "one fulfilled at once");
	struct env_request_input din = {NULL, NULL, "不要", NULL};
	struct actor pm1 = world_actor(&W, W.pm1);
	struct env_request d, d2;
	struct verrs ve = {0};
	svc_env_request_delete(&W.w.env, &pm1, W.a, r.environment_id, &din, &d, &ve);
	is_int(decide_as(W.op, d.id, 1, &d2), GCAS_OK, "its deletion approved");
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, d.id, &d2), GCAS_OK,
	       "  and fulfilled at once");
	world_tick(&W, 10 * 86400); /* Thursday 12 March */
	is_int(svc_env_request_fulfil(&W.w.env, &op, W.a, late, &r), GCAS_OK,
	       "another fulfilled after its due date");

	is_int(svc_app_slo_report(&W.w.env, &op, W.a, 2026, 3, &rep), GCAS_OK, "the March report");
	const struct slo_line *c = &rep.env[ENVREQ_CREATE], *x = &rep.env[ENVREQ_DELETE];
	is_int((int)c->approved, 3, "  environment creation: 3 approved");
	is_int((int)c->on_time, 1, "  1 on time");
	is_int((int)c->late, 1, "  1 late");
	is_int((int)c->open, 1, "  1 open");
	is_int((int)c->open_overdue, 1, "  which is overdue");
	is_int((int)c->failed, 0, "  none failed");
	is_int((int)x->approved, 1, "  environment deletion: 1 approved");
	is_int((int)x->on_time, 1, "  on time");
	is_int((int)(x->late + x->open), 0, "  nothing late or open");
	long apps = 0;
	for (int k = 0; k < APP_KIND__MAX; k++)
		apps += (long)rep.line[k].approved;
	is_int(apps, 0, "  the application lines count no environment request");
	is_int(svc_app_slo_report(&W.w.env, &op, W.a, 2026, 2, &rep), GCAS_OK, "February's");
	is_int((int)(rep.env[0].approved + rep.env[1].approved), 0, "  has none of them");
	struct actor pm = world_actor(&W, W.pm1);
	is_int(svc_app_slo_report(&W.w.env, &pm, W.a, 2026, 3, &rep), GCAS_ERR_DENIED,
	       "a project manager may not read the report");
}

static void test_core(void)
{
	struct system_rec sys = {.csps = 1u << CSP_AWS, .ci_cd = 0};
	struct system_problem p[4];
	is_int((long)environment_check(&sys, CSP_AWS, SYSENV_PRODUCTION, "理由", p, 4), 0,
	       "aws production on an aws system");
	is_int((long)environment_check(&sys, CSP_OCI, SYSENV_PRODUCTION, "理由", p, 4), 1,
	       "oci refused");
	is_int((long)environment_check(&sys, CSP_AWS, SYSENV_DEVELOPMENT, "理由", p, 4), 1,
	       "development refused without CI/CD");
	sys.ci_cd = 1;
	is_int((long)environment_check(&sys, CSP_AWS, SYSENV_DEVELOPMENT, "理由", p, 4), 0,
	       "development accepted with CI/CD");
	is_int((int)environment_retry_delay(1), 60, "first retry after 60 s");
	is_int((int)environment_retry_delay(4), 480, "doubling: 480 s before the fifth");
	char id[24];
	is_int(provision_local_new_id(id), 0, "a local id");
	is_int((long)strspn(id + 11, "0123456789"), 12, "  12 digits");
	is_int(env_state_parse("closing"), ENV_CLOSING, "state names parse");
	is_int(envreq_state_parse("done"), -1, "unknown names do not");
}

/* Two runs (the job on two nodes, or the operator's button and the job) read the same approved
 * request; one claims it. The other's claim, written from its stale read, must not pass, and
 * only the lease holder may record the outcome (on PostgreSQL an UPDATE that waited re-checks
 * its WHERE against the committed row, so the lease must be part of it). */
struct stale_ctx {
	const char *id;
	int64_t now;
	enum gcas_err claim, second, holder;
};

static enum gcas_err stale_tx(struct db *db, void *ctx)
{
	struct stale_ctx *c = ctx;
	struct env_request r, first, other;
	enum gcas_err e = store_env_request_get(db, W.a, c->id, &r);
	if (e)
		return e;
	first = other = r;
	first.attempts++;
	first.lease_until = c->now + 300;
	first.updated_at = c->now;
	c->claim = store_env_request_update(db, &first, ENVREQ_APPROVED, 0);
	other.attempts++;
	other.lease_until = c->now + 300;
	other.updated_at = c->now;
	c->second = store_env_request_update(db, &other, ENVREQ_APPROVED, 0);
	const int64_t held = first.lease_until;
	first.lease_until = 0;
	c->holder = store_env_request_update(db, &first, ENVREQ_APPROVED, held);
	return GCAS_OK;
}

static void test_stale_claim(void)
{
	const char *id = approved_gcp("stale-claim-1");
	struct stale_ctx c = {id, clock_now(), 0, 0, 0};
	if (!ok(id[0] != '\0', "an approved request"))
		return;
	is_int(store_tx(W.w.env.st, stale_tx, &c), GCAS_OK, "the writers ran");
	is_int(c.claim, GCAS_OK, "  the first claim takes the lease");
	is_int(c.second, GCAS_ERR_NOTFOUND, "  a second claim from the same read is refused");
	is_int(c.holder, GCAS_OK, "  the lease holder records its outcome");
	struct env_request r = get_req(id);
	ok(!r.lease_until && r.attempts == 1, "  one claim counted, the lease let go");
}

int main(void)
{
	if (!ok(world_open(&W) == 0, "world opens") || !ok(find_scripts() == 0, "scripts found"))
		return tap_done();
	test_core();
	register_system(W.pj1, "aws gcp", "production staging", 0, "pm1@digital.go.jp");
	register_system(W.pj2, "aws", "production development", 1, "pm2@digital.go.jp");
	test_requests();
	test_operator_mail();
	test_exec_driver();
	test_driver_outputs();
	test_slo();
	test_stale_claim();
	world_close(&W);
	return tap_done();
}
