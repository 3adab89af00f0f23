/* SPDX-License-Identifier: MIT */
/* Environment request use cases (issue 4 §2, S6, R4.2), see svc/environments.h. Submit and
 * decide are one transaction each (change + history event + audit record + outbox mail: the
 * operators on submission, the applicant on every decision and outcome). Fulfilment is three
 * steps so that no transaction is held open across a CSP call: claim the request under a lease
 * (attempts + 1), call the driver, record the outcome (what the driver returned, the SCIM token
 * sealed; on a close, every assignment to the environment revoked). */
#include "svc/environments.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "signer/signer.h"
#include "store/applications.h"
#include "store/assignments.h"
#include "store/systems.h"
#include "svc/audit.h"
#include "svc/calendar.h"
#include "svc/due.h"
#include "svc/mail.h"
#include "svc/provision.h"

/* A claim outlives the longest driver run, so a crashed node's claim expires and another node
 * retries (the idempotency key makes that retry safe). */
#define LEASE_SLACK 60

/* The operators approve every request (issue 4 §2), so each one hears of it when submitted. */
static const struct mail_tmpl tmpl_submitted = {
    "environment.submitted",
    "【GCAS】環境の{{kind_ja}}の申請: {{team}} {{csp}} {{env_kind}}",
    "[GCAS] New environment request ({{kind_en}}): {{team}} {{csp}} {{env_kind}}",
    "{{applicant}} さんから環境の{{kind_ja}}の申請がありました。内容を確認し、承認または却下して"
    "ください（承認から5営業日以内に実施）。\nプロジェクトチーム: {{team}}\nクラウド: {{csp}} "
    "{{env_kind}}\n理由: {{reason}}\n{{url}}\n",
    "{{applicant}} submitted an environment request ({{kind_en}}); please review it and approve "
    "or reject it (due 5 business days after approval).\nProject team: {{team}}\nCSP: {{csp}} "
    "{{env_kind}}\nReason: {{reason}}\n{{url}}\n",
};
static const struct mail_tmpl tmpl_decided = {
    "environment.decided",
    "【GCAS】環境申請の結果: {{kind_ja}} {{csp}} {{env_kind}}",
    "[GCAS] Environment request: {{kind_en}} {{csp}} {{env_kind}}",
    "環境の申請（{{kind_ja}}）は「{{state_ja}}」となりました。\n期限: "
    "{{due_on}}\n{{note}}\n{{url}}\n",
    "Your environment request ({{kind_en}}) is now \"{{state_en}}\".\nDue: {{due_on}}\n{{note}}\n"
    "{{url}}\n",
};
static const struct mail_tmpl tmpl_done = {
    "environment.fulfilled",
    "【GCAS】環境の{{kind_ja}}が完了しました: {{csp}} {{env_kind}}",
    "[GCAS] Environment {{kind_en}} done: {{csp}} {{env_kind}}",
    "申請された環境の{{kind_ja}}が完了しました。\nID: {{external_id}}\nコンソール: {{console}}\n"
    "{{url}}\n",
    "The environment request ({{kind_en}}) is done.\nId: {{external_id}}\nConsole: {{console}}\n"
    "{{url}}\n",
};
static const struct mail_tmpl tmpl_failed = {
    "environment.failed",
    "【GCAS】環境の{{kind_ja}}に失敗しました: {{csp}} {{env_kind}}",
    "[GCAS] Environment {{kind_en}} failed: {{csp}} {{env_kind}}",
    "{{attempts}} "
    "回試みましたが、環境の{{kind_ja}}に失敗しました。運用管理組織に連絡してください。\n"
    "理由: {{reason}}\n{{url}}\n",
    "The environment request ({{kind_en}}) failed after {{attempts}} attempts; please contact "
    "the operator.\nReason: {{reason}}\n{{url}}\n",
};

static struct target project_target(const char *project_id, const char *agency_id)
{
	struct target t = {.org_id = project_id, .agency_id = agency_id, .project_id = project_id};
	return t;
}

static const char *actor_id(const struct actor *ac)
{
	return ac->acc ? ac->acc->id : NULL;
}

/* A driver's optional text: NULL when it gave none. */
static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static char *new_id(struct arena *a)
{
	char *id = arena_alloc(a, 33);
	return id && rand_id(id) == 0 ? id : NULL;
}

char *svc_env_request_json(struct arena *a, const struct env_request *r)
{
	json_t *o = json_pack(
	    "{s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:I, "
	    "s:s?, s:I, s:I}",
	    "id", r->id, "kind", envreq_kind_name(r->kind), "project_id", r->project_id,
	    "agency_id", r->agency_id, "system_id", r->system_id, "environment_id",
	    r->environment_id, "csp", sys_csp_name(r->csp), "env_kind", sys_env_name(r->env_kind),
	    "reason", r->reason, "state", envreq_state_name(r->state), "applicant_id",
	    r->applicant_id, "decided_by", r->decided_by, "due_on", r->due_on, "idempotency_key",
	    r->idempotency_key, "attempts", (json_int_t)r->attempts, "last_error", r->last_error,
	    "created_at", (json_int_t)r->created_at, "updated_at", (json_int_t)r->updated_at);
	if (!o)
		return NULL;
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	char *copy = text ? arena_strdup(a, text) : NULL;
	free(text);
	return copy;
}

/* The SCIM token never leaves the store, not even sealed: only whether one is kept. */
char *svc_environment_json(struct arena *a, const struct environment *e)
{
	json_t *o = json_pack(
	    "{s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:I, s:s?, s:b, s:s?, s:s?}",
	    "id", e->id, "project_id", e->project_id, "agency_id", e->agency_id, "system_id",
	    e->system_id, "csp", sys_csp_name(e->csp), "kind", sys_env_name(e->kind), "state",
	    env_state_name(e->state), "driver", e->driver, "external_id", e->external_id,
	    "console_url", e->console_url, "created_at", (json_int_t)e->created_at, "scim_url",
	    e->scim_url, "scim_token_stored", e->scim_token_sealed != NULL, "saml_entity_id",
	    e->saml_entity_id, "saml_acs_url", e->saml_acs_url);
	if (!o)
		return NULL;
	if (e->closed_at)
		json_object_set_new(o, "closed_at", json_integer(e->closed_at));
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	char *copy = text ? arena_strdup(a, text) : NULL;
	free(text);
	return copy;
}

/* History event and audit record of one change, in the caller's transaction. */
static enum gcas_err record(struct db *db, struct arena *a, const struct actor *ac,
                            const struct env_request *r, const char *event, const char *note)
{
	enum gcas_err e = store_env_event_add(db, r->id, clock_now(), actor_id(ac), event, note);
	if (e)
		return e;
	const char *action = arena_printf(a, "env.%s", event);
	const char *detail =
	    audit_json(a, "kind", envreq_kind_name(r->kind), "csp", sys_csp_name(r->csp),
	               "env_kind", sys_env_name(r->env_kind), "note", note, NULL);
	struct audit_event ev = {action, "env_request", r->id, r->agency_id, NULL, detail};
	return action ? audit_append(db, a, ac, &ev) : GCAS_ERR_NOMEM;
}

/* Mail the applicant (R5.5); a request without one (made by the system) mails no one. */
static enum gcas_err mail_applicant(struct db *db, const struct env *env, struct arena *a,
                                    const struct env_request *r, const struct mail_tmpl *t,
                                    const char *note, const struct environment *en)
{
	struct account acc;
	if (!r->applicant_id)
		return GCAS_OK;
	enum gcas_err e = store_account_get(db, a, r->applicant_id, &acc);
	if (e == GCAS_ERR_NOTFOUND)
		return GCAS_OK;
	if (e)
		return e;
	const char *attempts = arena_printf(a, "%lld", (long long)r->attempts);
	const char *url = arena_printf(a, "%s/environments/requests/%s", env->cfg->base_url, r->id);
	const char *vars[] = {"kind_ja",     envreq_kind_label(r->kind, 0),
	                      "kind_en",     envreq_kind_label(r->kind, 1),
	                      "csp",         sys_csp_label(r->csp),
	                      "env_kind",    sys_env_name(r->env_kind),
	                      "state_ja",    envreq_state_label(r->state, 0),
	                      "state_en",    envreq_state_label(r->state, 1),
	                      "due_on",      r->due_on ? r->due_on : "-",
	                      "note",        note ? note : "",
	                      "reason",      r->last_error ? r->last_error : "",
	                      "attempts",    attempts ? attempts : "",
	                      "external_id", en && en->external_id ? en->external_id : "",
	                      "console",     en && en->console_url ? en->console_url : "",
	                      "url",         url ? url : "",
	                      NULL};
	return mail_enqueue(db, env, a, acc.email, acc.id, t, vars);
}

/* Every active operator hears of a new request (issue 4 §2: the operator approves). */
static enum gcas_err mail_operators(struct db *db, const struct env *env, struct arena *a,
                                    const struct actor *ac, const struct env_request *r,
                                    const char *team)
{
	struct account *to;
	size_t n = 0;
	enum gcas_err e = store_app_approvers(db, a, ROLE_OPERATOR, NULL, NULL, &to, &n);
	if (e)
		return e;
	const char *url = arena_printf(a, "%s/environments/requests/%s", env->cfg->base_url, r->id);
	const char *vars[] = {"kind_ja",   envreq_kind_label(r->kind, 0),
	                      "kind_en",   envreq_kind_label(r->kind, 1),
	                      "csp",       sys_csp_label(r->csp),
	                      "env_kind",  sys_env_name(r->env_kind),
	                      "team",      team ? team : "",
	                      "applicant", ac->label ? ac->label : "",
	                      "reason",    r->reason ? r->reason : "",
	                      "url",       url ? url : "",
	                      NULL};
	for (size_t i = 0; !e && i < n; i++)
		e = mail_enqueue(db, env, a, to[i].email, to[i].id, &tmpl_submitted, vars);
	return e;
}

/* ---- submitting ---- */

struct submit_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *key_id; /* project team (create) or environment (delete) */
	enum envreq_kind kind;
	const struct env_request_input *in;
	struct env_request *out;
	struct verrs *ve;
	const char *agency_id; /* out: for a refusal's audit record */
};

/* The project team itself: NOTFOUND unless id names one. */
static enum gcas_err load_team(struct db *db, struct arena *a, const char *id, struct org *o)
{
	if (!id || !*id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_org_get(db, a, id, o);
	if (e)
		return e;
	return o->kind == ORG_PROJECT ? GCAS_OK : GCAS_ERR_NOTFOUND;
}

static void add_problems(struct verrs *ve, const struct system_problem *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		verr_add(ve, p[i].field, p[i].ja, p[i].en);
}

/* Fill the create request's environment fields from the input, checked against sys. */
static enum gcas_err check_create(struct submit_ctx *c, const struct system_rec *sys,
                                  struct env_request *r)
{
	struct system_problem probs[8];
	int csp = sys_csp_parse(c->in->csp), kind = sys_env_parse(c->in->kind);
	r->csp = csp < 0 ? CSP__MAX : (enum sys_csp)csp;
	r->env_kind = kind < 0 ? SYSENV__MAX : (enum sys_env)kind;
	size_t n = environment_check(sys, r->csp, r->env_kind, c->in->reason, probs, 8);
	add_problems(c->ve, probs, n);
	return n ? GCAS_ERR_INVALID : GCAS_OK;
}

/* Delete: the environment must be active with no deletion pending; the reason is checked the
 * same way as a create's (against a system that allows the environment as it is). */
static enum gcas_err check_delete(struct db *db, struct submit_ctx *c, const struct environment *en,
                                  struct env_request *r)
{
	struct system_problem probs[8];
	struct system_rec as_is = {.csps = 1u << en->csp, .ci_cd = 1};
	int64_t open = 0;
	enum gcas_err e = store_env_request_open_deletes(db, en->id, &open);
	if (e)
		return e;
	if (en->state != ENV_ACTIVE || open) {
		verr_add(
		    c->ve, "environment_id",
		    "この環境は削除を申請できる状態ではありません（申請済みまたは利用中でない）",
		    "This environment cannot be deleted now (not active, or already requested)");
		return GCAS_ERR_CONFLICT;
	}
	r->csp = en->csp;
	r->env_kind = en->kind;
	r->environment_id = en->id;
	r->system_id = en->system_id;
	size_t n = environment_check(&as_is, en->csp, en->kind, c->in->reason, probs, 8);
	add_problems(c->ve, probs, n);
	return n ? GCAS_ERR_INVALID : GCAS_OK;
}

static enum gcas_err submit_tx(struct db *db, void *ctx)
{
	struct submit_ctx *c = ctx;
	struct environment en;
	struct org team;
	struct system_rec sys;
	struct env_request *r = c->out;
	const char *project_id = c->key_id;
	enum gcas_err e;
	c->ve->n = 0; /* store_tx may run this again */
	if (c->kind == ENVREQ_DELETE) {
		if ((e = store_environment_get(db, c->a, c->key_id, &en)))
			return e;
		project_id = en.project_id;
	}
	if ((e = load_team(db, c->a, project_id, &team)))
		return e;
	c->agency_id = team.agency_id;
	struct target t = project_target(team.id, team.agency_id);
	if (!policy_allows(&c->ac->subj, ACT_ENV_APPLY, &t))
		return GCAS_ERR_DENIED;
	const char *key = c->in->idempotency_key;
	if (key && *key &&
	    (e = store_env_request_get_by_key(db, c->a, key, r)) != GCAS_ERR_NOTFOUND) {
		/* A repeated submission (a retried POST) is answered with the first request. */
		if (e == GCAS_OK && strcmp(r->project_id, team.id) != 0)
			return GCAS_ERR_CONFLICT;
		return e;
	}
	*r = (struct env_request){.kind = c->kind,
	                          .project_id = team.id,
	                          .agency_id = team.agency_id,
	                          .reason = c->in->reason,
	                          .state = ENVREQ_SUBMITTED,
	                          .applicant_id = actor_id(c->ac)};
	if (c->kind == ENVREQ_DELETE) {
		e = check_delete(db, c, &en, r);
	} else {
		e = store_system_get_by_project(db, c->a, team.id, &sys);
		if (e == GCAS_ERR_NOTFOUND) {
			verr_add(c->ve, "project_id",
			         "先にこのプロジェクトチームのシステム情報を登録してください",
			         "Register this project team's system first");
			return GCAS_ERR_INVALID;
		}
		r->system_id = sys.id;
		if (!e)
			e = check_create(c, &sys, r);
	}
	if (e)
		return e;
	r->id = new_id(c->a);
	r->idempotency_key = key && *key ? key : new_id(c->a);
	if (!r->id || !r->idempotency_key)
		return GCAS_ERR_NOMEM;
	r->created_at = r->updated_at = clock_now();
	if ((e = store_env_request_insert(db, r)))
		return e;
	if ((e = record(db, c->a, c->ac, r, "submitted", NULL)))
		return e;
	return mail_operators(db, c->env, c->a, c->ac, r, team.name);
}

static enum gcas_err submit(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *key_id, enum envreq_kind kind,
                            const struct env_request_input *in, struct env_request *out,
                            struct verrs *ve)
{
	if (!policy_role_can(ac->subj.role, ACT_ENV_APPLY))
		return audit_denied(env, ac, ACT_ENV_APPLY, "org", key_id, NULL);
	struct submit_ctx c = {env, ac, a, key_id, kind, in, out, ve, NULL};
	enum gcas_err e = store_tx(env->st, submit_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_ENV_APPLY, "org", key_id, c.agency_id);
	return e;
}

enum gcas_err svc_env_request_create(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *project_id, const struct env_request_input *in,
                                     struct env_request *out, struct verrs *ve)
{
	return submit(env, ac, a, project_id, ENVREQ_CREATE, in, out, ve);
}

enum gcas_err svc_env_request_delete(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *environment_id, const struct env_request_input *in,
                                     struct env_request *out, struct verrs *ve)
{
	return submit(env, ac, a, environment_id, ENVREQ_DELETE, in, out, ve);
}

/* ---- deciding ---- */

struct decide_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id, *note;
	int approve;
	struct env_request *out;
	const char *agency_id;
};

/* The approved create's environment row, in state provisioning until the driver answers. */
static enum gcas_err open_environment(struct db *db, struct decide_ctx *c, struct env_request *r)
{
	const char *arg;
	struct environment en = {.id = new_id(c->a),
	                         .project_id = r->project_id,
	                         .agency_id = r->agency_id,
	                         .system_id = r->system_id,
	                         .csp = r->csp,
	                         .kind = r->env_kind,
	                         .state = ENV_PROVISIONING,
	                         .driver = provision_driver_for(c->env->cfg, r->csp, &arg)->name,
	                         .created_at = clock_now()};
	if (!en.id)
		return GCAS_ERR_NOMEM;
	r->environment_id = en.id;
	return store_environment_insert(db, &en);
}

static enum gcas_err set_env_state(struct db *db, struct arena *a, const char *id,
                                   enum env_state st)
{
	struct environment en;
	enum gcas_err e = store_environment_get(db, a, id, &en);
	if (e)
		return e;
	en.state = st;
	en.closed_at = st == ENV_CLOSED ? clock_now() : 0;
	return store_environment_set(db, &en);
}

static enum gcas_err decide_tx(struct db *db, void *ctx)
{
	struct decide_ctx *c = ctx;
	struct env_request *r = c->out;
	struct calendar cal;
	enum gcas_err e = store_env_request_get(db, c->a, c->id, r);
	if (e)
		return e;
	c->agency_id = r->agency_id;
	struct target t = project_target(r->project_id, r->agency_id);
	if (!policy_allows(&c->ac->subj, ACT_ENV_APPROVE, &t))
		return GCAS_ERR_DENIED;
	if (r->state != ENVREQ_SUBMITTED)
		return GCAS_ERR_CONFLICT;
	int64_t now = clock_now();
	r->decided_by = actor_id(c->ac);
	r->decided_at = r->updated_at = now;
	r->state = c->approve ? ENVREQ_APPROVED : ENVREQ_REJECTED;
	if (c->approve) {
		/* R2.3: fulfilled within 5 business days (JST administrative calendar). */
		if ((e = svc_calendar_load(db, c->a, &cal)))
			return e;
		char *due = arena_alloc(c->a, 11);
		if (!due)
			return GCAS_ERR_NOMEM;
		ymd_format(
		    calendar_add_business_days(&cal, ymd_of_epoch_jst(now), ENV_DUE_BUSINESS), due);
		r->due_on = due;
		r->next_attempt_at = now;
		e = r->kind == ENVREQ_CREATE
		        ? open_environment(db, c, r)
		        : set_env_state(db, c->a, r->environment_id, ENV_CLOSING);
		if (e)
			return e;
	}
	if ((e = store_env_request_update(db, r, ENVREQ_SUBMITTED, 0)))
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
	if ((e = record(db, c->a, c->ac, r, c->approve ? "approved" : "rejected", c->note)))
		return e;
	return mail_applicant(db, c->env, c->a, r, &tmpl_decided, c->note, NULL);
}

enum gcas_err svc_env_request_decide(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *request_id, int approve, const char *note,
                                     struct env_request *out)
{
	if (!policy_role_can(ac->subj.role, ACT_ENV_APPROVE))
		return audit_denied(env, ac, ACT_ENV_APPROVE, "env_request", request_id, NULL);
	struct decide_ctx c = {env,     ac,  a,   request_id, note && *note ? note : NULL,
	                       approve, out, NULL};
	enum gcas_err e = store_tx(env->st, decide_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_ENV_APPROVE, "env_request", request_id,
		                    c.agency_id);
	return e;
}

/* ---- fulfilling: claim, call the driver, record ---- */

struct attempt_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id;
	struct env_request r;
	struct environment en;
	struct provision_req rq;
	struct provision_result res;
	enum gcas_err driver_err;
	int64_t now;
	const char *token_sealed; /* res.scim_token sealed, or NULL */
	const char *token_note;   /* why a token the driver gave is not kept, or NULL */
};

static enum gcas_err claim_tx(struct db *db, void *ctx)
{
	struct attempt_ctx *c = ctx;
	enum gcas_err e = store_env_request_get(db, c->a, c->id, &c->r);
	if (e)
		return e;
	if (c->r.state != ENVREQ_APPROVED || (c->r.lease_until && c->r.lease_until >= c->now))
		return GCAS_ERR_CONFLICT;
	if ((e = store_environment_get(db, c->a, c->r.environment_id, &c->en)))
		return e;
	c->r.attempts++;
	c->r.lease_until = c->now + c->env->cfg->provision_timeout + LEASE_SLACK;
	c->r.updated_at = c->now;
	e = store_env_request_update(db, &c->r, ENVREQ_APPROVED, 0);
	return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
}

/* The outcome, on the request as claimed (a lease keeps other runs off it meanwhile). */
static enum gcas_err record_tx(struct db *db, void *ctx)
{
	struct attempt_ctx *c = ctx;
	struct env_request *r = &c->r;
	struct environment *en = &c->en;
	int64_t now = clock_now();
	int ok = c->driver_err == GCAS_OK, final = !ok && r->attempts >= ENV_MAX_ATTEMPTS;
	const char *event = ok ? "fulfilled" : final ? "failed" : "attempt_failed";
	const char *note = NULL;
	int64_t revoked = 0;
	enum gcas_err e;
	const int64_t held = r->lease_until; /* claim_tx's lease: only its holder records */
	r->lease_until = 0;
	r->updated_at = now;
	r->last_error = ok ? NULL : arena_strdup(c->a, c->res.error);
	r->next_attempt_at = ok || final ? 0 : now + environment_retry_delay(r->attempts);
	r->state = ok ? ENVREQ_FULFILLED : final ? ENVREQ_FAILED : ENVREQ_APPROVED;
	if (ok && r->kind == ENVREQ_CREATE) {
		en->state = ENV_ACTIVE;
		en->external_id = c->res.external_id;
		en->console_url = c->res.console_url;
		en->scim_url = nonempty(c->res.scim_url);
		en->scim_token_sealed = c->token_sealed;
		en->saml_entity_id = nonempty(c->res.saml_entity_id);
		en->saml_acs_url = nonempty(c->res.saml_acs_url);
		note = c->token_note;
	} else if (ok) {
		en->state = ENV_CLOSED;
		en->closed_at = now;
		/* Issue 4 §2: deleting an environment revokes every assignment to it, in the
		 * transaction that closes it; the SCIM push then deactivates the CSP users. */
		e = store_assignments_revoke_environment(db, en->id, now, "environment closed",
		                                         &revoked);
		if (e)
			return e;
		note = arena_printf(c->a,
		                    "割り当て %lld 件を取り消しました / %lld assignments revoked",
		                    (long long)revoked, (long long)revoked);
		if (!note)
			return GCAS_ERR_NOMEM;
	} else if (final) {
		/* A create that never succeeded leaves a failed environment; a delete that never
		 * succeeded leaves the environment as it was: still open at the CSP. */
		en->state = r->kind == ENVREQ_CREATE ? ENV_FAILED : ENV_ACTIVE;
	}
	if ((ok || final) && (e = store_environment_set(db, en)))
		return e;
	if ((e = store_env_request_update(db, r, ENVREQ_APPROVED, held)))
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
	if ((e = record(db, c->a, c->ac, r, event, ok ? note : r->last_error)))
		return e;
	if (ok)
		return mail_applicant(db, c->env, c->a, r, &tmpl_done, NULL, en);
	return final ? mail_applicant(db, c->env, c->a, r, &tmpl_failed, NULL, en) : GCAS_OK;
}

/* §3: the SCIM bearer token a create returned is kept only sealed under [keys] key_file
 * (signer_seal, purpose "scim-token"); with no signer, or when sealing fails, it is not kept at
 * all and the history and audit record say why (the SCIM push then has no credential for this
 * environment, which the operator sees on the request). The plaintext is wiped whatever
 * happened. */
static void seal_token(const struct env *env, struct attempt_ctx *c)
{
	struct provision_result *res = &c->res;
	char *sealed = NULL;
	c->token_sealed = c->token_note = NULL;
	if (c->driver_err || c->r.kind != ENVREQ_CREATE || !res->scim_token[0])
		goto out;
	if (!env->signer) {
		c->token_note =
		    "SCIM トークンを保存しませんでした（[keys] key_file の鍵がありません） / "
		    "SCIM token not stored: no [keys] key_file to seal it with";
		goto out;
	}
	enum gcas_err e = signer_seal(env->signer, c->a, "scim-token", res->scim_token,
	                              strlen(res->scim_token), &sealed);
	if (e) {
		c->token_note =
		    arena_printf(c->a,
		                 "SCIM トークンを保存しませんでした（封印に失敗: %s） / "
		                 "SCIM token not stored: sealing failed (%s)",
		                 gcas_err_name(e), gcas_err_name(e));
		goto out;
	}
	c->token_sealed = sealed;
out:
	explicit_bzero(res->scim_token, sizeof(res->scim_token));
	if (c->token_note)
		log_msg(LOG_WARN, "SCIM token not stored", "request", c->r.id, "why", c->token_note,
		        NULL);
}

/* One attempt at request id. GCAS_OK when an outcome was recorded (success or failure). */
static enum gcas_err attempt(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, struct env_request *out)
{
	struct attempt_ctx *c = arena_alloc(a, sizeof(*c));
	if (!c)
		return GCAS_ERR_NOMEM;
	*c = (struct attempt_ctx){.env = env, .ac = ac, .a = a, .id = id, .now = clock_now()};
	enum gcas_err e = store_tx(env->st, claim_tx, c);
	if (e)
		return e;
	const char *arg;
	const struct provision_driver *d = provision_driver_for(env->cfg, c->r.csp, &arg);
	c->rq = (struct provision_req){.action = c->r.kind == ENVREQ_CREATE ? "create" : "close",
	                               .request_id = c->r.id,
	                               .idempotency_key = c->r.idempotency_key,
	                               .environment_id = c->en.id,
	                               .project_id = c->r.project_id,
	                               .agency_id = c->r.agency_id,
	                               .system_id = c->r.system_id,
	                               .csp = c->r.csp,
	                               .kind = c->r.env_kind,
	                               .external_id = c->en.external_id};
	/* Outside any transaction: a CSP call may take minutes. */
	c->driver_err = c->r.kind == ENVREQ_CREATE ? d->create(env, arg, &c->rq, &c->res)
	                                           : d->close(env, arg, &c->rq, &c->res);
	if (c->driver_err && !c->res.error[0])
		str_copy(c->res.error, sizeof(c->res.error), gcas_err_name(c->driver_err));
	if (c->driver_err)
		log_msg(LOG_WARN, "provisioning attempt failed", "request", c->r.id, "driver",
		        d->name, "error", c->res.error, NULL);
	seal_token(env, c);
	if ((e = store_tx(env->st, record_tx, c)))
		return e;
	if (out)
		*out = c->r;
	return GCAS_OK;
}

enum gcas_err svc_env_request_fulfil(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *request_id, struct env_request *out)
{
	struct env_request r;
	if (!policy_role_can(ac->subj.role, ACT_ENV_APPROVE))
		return audit_denied(env, ac, ACT_ENV_APPROVE, "env_request", request_id, NULL);
	enum gcas_err e = svc_env_request_get(env, ac, a, request_id, &r, NULL, NULL);
	if (e)
		return e;
	struct target t = project_target(r.project_id, r.agency_id);
	if (!policy_allows(&ac->subj, ACT_ENV_APPROVE, &t))
		return audit_denied(env, ac, ACT_ENV_APPROVE, "env_request", r.id, r.agency_id);
	return attempt(env, ac, a, r.id, out);
}

static enum gcas_err run_one(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id)
{
	return attempt(env, ac, a, id, NULL);
}

enum gcas_err svc_env_provision_run(const struct env *env, int64_t *count)
{
	return svc_due_run(env, "provision", "provisioning run failed", store_env_request_due,
	                   run_one, count);
}

/* ---- reading ---- */

struct read_ctx {
	struct arena *a;
	const char *id;
	struct env_request *r;
	struct environment *en;
	struct local_cloud_acct *acct;
	struct env_request_event **ev;
	size_t *nev;
	int have_env;
};

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct read_ctx *c = ctx;
	enum gcas_err e = store_env_request_get(db, c->a, c->id, c->r);
	if (e || !c->ev)
		return e;
	return store_env_event_list(db, c->a, c->r->id, c->ev, c->nev);
}

static enum gcas_err view_check(const struct env *env, const struct actor *ac, const char *type,
                                const char *id, const char *project_id, const char *agency_id)
{
	struct target t = project_target(project_id, agency_id);
	if (!policy_allows(&ac->subj, ACT_ENV_VIEW, &t))
		return audit_denied(env, ac, ACT_ENV_VIEW, type, id, agency_id);
	return GCAS_OK;
}

enum gcas_err svc_env_request_get(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *request_id, struct env_request *out,
                                  struct env_request_event **ev, size_t *nev)
{
	struct read_ctx c = {.a = a, .id = request_id, .r = out, .ev = ev, .nev = nev};
	if (!request_id || !*request_id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, get_tx, &c);
	if (e)
		return e;
	return view_check(env, ac, "env_request", out->id, out->project_id, out->agency_id);
}

static enum gcas_err env_get_tx(struct db *db, void *ctx)
{
	struct read_ctx *c = ctx;
	enum gcas_err e;
	if (c->acct) {
		if ((e = store_local_cloud_get(db, c->a, c->id, c->acct)))
			return e;
		/* The account's label is the environment it was made for. */
		if (!*c->acct->label)
			return GCAS_OK;
		e = store_environment_get(db, c->a, c->acct->label, c->en);
		c->have_env = e == GCAS_OK;
		return e == GCAS_ERR_NOTFOUND ? GCAS_OK : e;
	}
	e = store_environment_get(db, c->a, c->id, c->en);
	c->have_env = e == GCAS_OK;
	return e;
}

enum gcas_err svc_environment_get(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *id, struct environment *out)
{
	struct read_ctx c = {.a = a, .id = id, .en = out};
	if (!id || !*id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, env_get_tx, &c);
	if (e)
		return e;
	return view_check(env, ac, "environment", out->id, out->project_id, out->agency_id);
}

enum gcas_err svc_local_cloud_get(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *external_id, struct local_cloud_acct *out,
                                  struct environment *env_out)
{
	struct environment en;
	struct read_ctx c = {.a = a, .id = external_id, .en = &en, .acct = out};
	if (!external_id || !*external_id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, env_get_tx, &c);
	if (e)
		return e;
	if (!c.have_env) {
		/* An account no environment claims: the operator's alone. */
		if (ac->subj.role != ROLE_OPERATOR || !policy_role_can(ac->subj.role, ACT_ENV_VIEW))
			return audit_denied(env, ac, ACT_ENV_VIEW, "local_cloud", out->id, NULL);
		if (env_out)
			*env_out = (struct environment){0};
		return GCAS_OK;
	}
	if ((e = view_check(env, ac, "environment", en.id, en.project_id, en.agency_id)))
		return e;
	if (env_out)
		*env_out = en;
	return GCAS_OK;
}

/* ---- the command line's applicant ---- */

struct applicant_ctx {
	struct arena *a;
	const char *email;
	struct account *acc;
};

static enum gcas_err applicant_tx(struct db *db, void *ctx)
{
	struct applicant_ctx *c = ctx;
	return store_account_get_by_email(db, c->a, c->email, c->acc);
}

enum gcas_err svc_env_applicant(const struct env *env, struct arena *a, const char *email,
                                struct account *acc, struct actor *out)
{
	char *lower = arena_strdup(a, email ? email : "");
	if (!lower)
		return GCAS_ERR_NOMEM;
	str_lower(lower);
	struct applicant_ctx c = {a, str_trim(lower), acc};
	if (!*c.email)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, applicant_tx, &c);
	if (e)
		return e;
	/* Only someone who could sign in and request on the web may be acted as. */
	if (acc->status != ACCOUNT_ACTIVE || !policy_role_can(acc->role, ACT_ENV_APPLY))
		return GCAS_ERR_DENIED;
	*out = (struct actor){0};
	actor_from_account(out, acc);
	out->ip = "cli";
	out->request_id = "cli-env";
	return GCAS_OK;
}

/* ---- lists: the ACT_ENV_VIEW scope pushed into SQL, the matrix checking every row ---- */

struct list_ctx {
	struct arena *a;
	const char *agency_id, *project_id, *state;
	struct page *pg;
	struct env_request *reqs;
	struct environment *envs;
	size_t n;
	int want_envs;
	struct org team;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	if (c->want_envs)
		return store_environment_list(db, c->a, c->agency_id, c->project_id, c->pg,
		                              &c->envs, &c->n);
	return store_env_request_list(db, c->a, c->agency_id, c->project_id, c->state, c->pg,
	                              &c->reqs, &c->n);
}

static enum gcas_err team_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return load_team(db, c->a, c->project_id, &c->team);
}

/* Set the scope filters; 1 when the actor can see nothing at all. */
static int list_scope(const struct env *env, const struct actor *ac, struct list_ctx *c,
                      const char *project_id, enum gcas_err *e)
{
	*e = GCAS_OK;
	if (!policy_role_can(ac->subj.role, ACT_ENV_VIEW))
		return 1;
	if (project_id) {
		c->project_id = project_id;
		if ((*e = store_run(env->st, team_tx, c)))
			return 1;
		*e = view_check(env, ac, "org", c->team.id, c->team.id, c->team.agency_id);
		return *e != GCAS_OK;
	}
	switch (ac->subj.role) {
	case ROLE_OPERATOR:
		return 0;
	case ROLE_AGENCY_MANAGER:
	case ROLE_AGENCY_STAFF:
		c->agency_id = ac->subj.agency_id;
		return !c->agency_id;
	default:
		c->project_id = ac->subj.project_id;
		return !c->project_id;
	}
}

enum gcas_err svc_env_request_list(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *project_id, const char *state, struct page *pg,
                                   struct env_request **out, size_t *n)
{
	struct list_ctx c = {.a = a, .state = state, .pg = pg};
	enum gcas_err e;
	*out = NULL;
	*n = 0;
	if (list_scope(env, ac, &c, project_id, &e))
		return e;
	if ((e = store_run(env->st, list_tx, &c)))
		return e;
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct target t = project_target(c.reqs[i].project_id, c.reqs[i].agency_id);
		if (policy_allows(&ac->subj, ACT_ENV_VIEW, &t))
			c.reqs[k++] = c.reqs[i];
	}
	*out = c.reqs;
	*n = k;
	return GCAS_OK;
}

enum gcas_err svc_environment_list(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *project_id, struct page *pg,
                                   struct environment **out, size_t *n)
{
	struct list_ctx c = {.a = a, .pg = pg, .want_envs = 1};
	enum gcas_err e;
	*out = NULL;
	*n = 0;
	if (list_scope(env, ac, &c, project_id, &e))
		return e;
	if ((e = store_run(env->st, list_tx, &c)))
		return e;
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct target t = project_target(c.envs[i].project_id, c.envs[i].agency_id);
		if (policy_allows(&ac->subj, ACT_ENV_VIEW, &t))
			c.envs[k++] = c.envs[i];
	}
	*out = c.envs;
	*n = k;
	return GCAS_OK;
}
