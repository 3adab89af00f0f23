/* SPDX-License-Identifier: MIT */
/* BreakGlass use cases (issue 4 §6, R4.5, regulation 5.6, 別紙1), see svc/breakglass.h.
 * Registering, requesting, deciding and ending are one transaction each (change + history event
 * + audit record + outbox mail). Issuing and revoking the credential are three steps so that no
 * transaction is held open across a CSP call: claim the request under a lease (attempts + 1),
 * call the driver, record the outcome. Also the local cloud's emergency sign-in check. */
#include "svc/breakglass.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "core/calendar.h"
#include "core/validate.h"
#include "crypto/token.h"
#include "store/environments.h"
#include "svc/audit.h"
#include "svc/due.h"
#include "svc/mail.h"
#include "svc/privacy.h"

/* A claim outlives the longest driver run, so a crashed node's claim expires and another run
 * retries (the idempotency key makes the retried issue return the same CSP user). */
#define LEASE_SLACK 60

/* ---- mail (R4.5: every use is reported; R5.5: to the work address of each account) ---- */

static const struct mail_tmpl tmpl_requested = {
    "breakglass.requested",
    "【GCAS】BreakGlass（緊急アクセス）の承認依頼: {{environment}}",
    "[GCAS] BreakGlass (emergency access) request to approve: {{environment}}",
    "{{requester}} さんから、SSOを経由しない緊急アクセスの申請がありました。\n"
    "環境: {{environment}}\n理由: {{reason}}\n重要業務: {{critical_work}}\n実施日: "
    "{{work_date}}\n希望時間: {{hours}} 時間\n承認または却下してください: {{url}}\n",
    "{{requester}} asks for emergency access without SSO.\nEnvironment: {{environment}}\n"
    "Reason: {{reason}}\nCritical work: {{critical_work}}\nDate: {{work_date}}\nHours: "
    "{{hours}}\nApprove or reject it: {{url}}\n",
};
static const struct mail_tmpl tmpl_rejected = {
    "breakglass.rejected",
    "【GCAS】BreakGlass申請は却下されました: {{environment}}",
    "[GCAS] BreakGlass request rejected: {{environment}}",
    "緊急アクセスの申請は却下されました。\n環境: {{environment}}\n承認者: {{approver}}\n"
    "コメント: {{note}}\n{{url}}\n",
    "Your emergency access request was rejected.\nEnvironment: {{environment}}\nApprover: "
    "{{approver}}\nNote: {{note}}\n{{url}}\n",
};
/* The one place the secret leaves gcas: the requester's own work address (別紙1). Queued with
 * mail_enqueue_secret: sealed in the outbox, erased once sent. */
static const struct mail_tmpl tmpl_credential = {
    "breakglass.credential",
    "【GCAS】緊急アクセス用の認証情報: {{environment}}",
    "[GCAS] Your emergency access credential: {{environment}}",
    "緊急アクセスが承認され、認証情報が発行されました。{{expires}}（日本時間）に失効します。\n"
    "サインインURL: {{login_url}}\nユーザー名: {{user}}\nパスワード: {{secret}}\n"
    "利用はすべて記録され、運用管理組織と利用機関の責任者に報告されます。\n{{url}}\n",
    "Your emergency access was approved and a credential issued. It expires at {{expires}} "
    "(Japan time).\nSign in at: {{login_url}}\nUser: {{user}}\nPassword: {{secret}}\n"
    "Every use is recorded and reported to the operator and your agency's managers.\n{{url}}\n",
};
static const struct mail_tmpl tmpl_notice = {
    "breakglass.notice",
    "【GCAS】BreakGlass 利用報告（{{event_ja}}）: {{environment}}",
    "[GCAS] BreakGlass use report ({{event_en}}): {{environment}}",
    "SSOを経由しない緊急アクセス（BreakGlass）について報告します。\n事象: {{event_ja}}\n"
    "環境: {{environment}}\n申請者: {{requester}}\n承認者: {{approver}}\n理由: {{reason}}\n"
    "重要業務: {{critical_work}}\n実施日: {{work_date}}\n発行: {{issued}}\n失効予定: "
    "{{expires}}\n終了: {{ended}}\n{{url}}\n",
    "A report on emergency access without SSO (BreakGlass).\nEvent: {{event_en}}\nEnvironment: "
    "{{environment}}\nRequester: {{requester}}\nApprover: {{approver}}\nReason: {{reason}}\n"
    "Critical work: {{critical_work}}\nDate: {{work_date}}\nIssued: {{issued}}\nExpires: "
    "{{expires}}\nEnded: {{ended}}\n{{url}}\n",
};
static const struct mail_tmpl tmpl_revoke_failed = {
    "breakglass.revoke_failed",
    "【GCAS】要対応: 緊急アクセスの認証情報を失効できません: {{environment}}",
    "[GCAS] Action needed: an emergency credential could not be revoked: {{environment}}",
    "緊急アクセスの認証情報の失効に {{attempts}} 回失敗しました。再試行を続けます。\n"
    "CSP側で直ちに無効化してください。\n環境: {{environment}}\n認証情報: {{user}}\n"
    "理由: {{error}}\n{{url}}\n",
    "Revoking an emergency credential failed {{attempts}} times; retries continue. Disable it at "
    "the CSP now.\nEnvironment: {{environment}}\nCredential: {{user}}\nReason: {{error}}\n"
    "{{url}}\n",
};
static const struct mail_tmpl tmpl_failed = {
    "breakglass.failed",
    "【GCAS】緊急アクセスの認証情報を発行できませんでした: {{environment}}",
    "[GCAS] The emergency credential could not be issued: {{environment}}",
    "緊急アクセスの認証情報の発行に失敗しました（{{attempts}} 回）。\n理由: {{error}}\n"
    "運用管理組織に連絡してください。\n{{url}}\n",
    "Issuing the emergency credential failed ({{attempts}} attempts).\nReason: {{error}}\n"
    "Please contact the operator.\n{{url}}\n",
};

static const char *const state_labels[BG_STATE__MAX][2] = {
    [BG_SUBMITTED] = {"承認待ち", "Waiting for approval"},
    [BG_APPROVED] = {"承認済み（発行中）", "Approved (issuing)"},
    [BG_REJECTED] = {"却下", "Rejected"},
    [BG_ISSUED] = {"発行済み（有効）", "Issued (live)"},
    [BG_EXPIRED] = {"期限切れで失効", "Expired"},
    [BG_REVOKED] = {"失効（取消）", "Revoked"},
    [BG_FAILED] = {"発行失敗", "Failed"},
};

const char *bg_state_label(enum bg_state s, int english)
{
	return (unsigned)s < BG_STATE__MAX ? state_labels[s][english ? 1 : 0] : NULL;
}

const char *bg_role_label(enum bg_role r, int english)
{
	if (r == BG_REQUESTER)
		return english ? "Requester" : "申請者";
	if (r == BG_APPROVER)
		return english ? "Approver" : "承認者";
	return NULL;
}

/* ---- small helpers ---- */

static struct target env_target(const char *project_id, const char *agency_id)
{
	struct target t = {.org_id = project_id, .agency_id = agency_id, .project_id = project_id};
	return t;
}

static struct target account_target(const struct account *acc)
{
	struct target t = {.has_role = 1,
	                   .role = acc->role,
	                   .account_id = acc->id,
	                   .org_id = acc->org_id,
	                   .agency_id = acc->agency_id,
	                   .project_id = acc->project_id};
	return t;
}

static const char *actor_id(const struct actor *ac)
{
	return ac->acc ? ac->acc->id : NULL;
}

static char *new_id(struct arena *a)
{
	char *id = arena_alloc(a, 33);
	return id && rand_id(id) == 0 ? id : NULL;
}

static const char *jst(struct arena *a, int64_t t)
{
	char buf[24];
	if (!t)
		return "-";
	clock_fmt_jst(buf, t);
	return arena_strdup(a, buf);
}

/* "AWS gcas-local-123456789012 (production)": how people recognise an environment. */
static const char *env_label(struct arena *a, const struct environment *en)
{
	return arena_printf(a, "%s %s (%s)", sys_csp_label(en->csp),
	                    en->external_id ? en->external_id : en->id, sys_env_name(en->kind));
}

/* A request's page on the BreakGlass listener (`gcas breakglass`), which has an address of its
 * own: breakglass.base_url, or server.base_url when that is not set. Every BreakGlass link in
 * mail is made here. */
static const char *request_url(const struct env *env, struct arena *a, const char *id)
{
	const char *base = env->cfg->breakglass_base_url && *env->cfg->breakglass_base_url
	                       ? env->cfg->breakglass_base_url
	                   : env->cfg->base_url ? env->cfg->base_url
	                                        : "";
	return arena_printf(a, "%s/requests/%s", base, id);
}

/* Delay before attempt attempts + 1: a minute, doubling, at most an hour. */
static int64_t retry_delay(int64_t attempts)
{
	int64_t d = BG_RETRY_BASE;
	for (int64_t i = 1; i < attempts && d < BG_RETRY_MAX; i++)
		d *= 2;
	return d < BG_RETRY_MAX ? d : BG_RETRY_MAX;
}

/* History event and audit record of one change, in the caller's transaction. */
static enum gcas_err record(struct db *db, struct arena *a, const struct actor *ac,
                            const struct bg_request *r, const char *event, const char *outcome,
                            const char *note)
{
	enum gcas_err e = store_bg_event_add(db, r->id, clock_now(), actor_id(ac), event, note);
	if (e)
		return e;
	const char *action = arena_printf(a, "breakglass.%s", event);
	const char *expires =
	    r->expires_at ? arena_printf(a, "%lld", (long long)r->expires_at) : NULL;
	const char *detail =
	    audit_json(a, "environment", r->environment_id, "requester", r->requester_id, "state",
	               bg_state_name(r->state), "expires_at", expires, "credential",
	               r->credential_id, "note", note, NULL);
	struct audit_event ev = {action, "breakglass_request", r->id, r->agency_id, outcome,
	                         detail};
	return action ? audit_append(db, a, ac, &ev) : GCAS_ERR_NOMEM;
}

/* Mail one account (skipped when it is gone); secret: the body carries the credential, so it is
 * queued sealed and erased after sending (mail_enqueue_secret). */
static enum gcas_err mail_account(struct db *db, const struct env *env, struct arena *a,
                                  const char *account_id, const struct mail_tmpl *t,
                                  const char *const *vars, int secret)
{
	struct account acc;
	if (!account_id)
		return GCAS_OK;
	enum gcas_err e = store_account_get(db, a, account_id, &acc);
	if (e == GCAS_ERR_NOTFOUND)
		return GCAS_OK;
	if (e)
		return e;
	return secret ? mail_enqueue_secret(db, env, a, acc.email, acc.id, t, vars)
	              : mail_enqueue(db, env, a, acc.email, acc.id, t, vars);
}

/* Mail every active account of a role (of agency_id when not NULL). */
static enum gcas_err mail_role(struct db *db, const struct env *env, struct arena *a,
                               enum role role, const char *agency_id, const struct mail_tmpl *t,
                               const char *const *vars)
{
	struct account_filter f = {
	    .agency_id = agency_id, .role = (int)role, .status = ACCOUNT_ACTIVE};
	struct page pg = {.limit = 200};
	struct account *accs;
	size_t n;
	enum gcas_err e = store_account_list(db, a, &f, &pg, &accs, &n);
	for (size_t i = 0; !e && i < n; i++)
		e = mail_enqueue(db, env, a, accs[i].email, accs[i].id, t, vars);
	return e;
}

/* R4.5: the operators and the agency's managers hear of every issue and revocation. */
static enum gcas_err notify_use(struct db *db, const struct env *env, struct arena *a,
                                const struct bg_request *r, const struct environment *en,
                                const char *ev_ja, const char *ev_en)
{
	const char *vars[] = {"event_ja",
	                      ev_ja,
	                      "event_en",
	                      ev_en,
	                      "environment",
	                      env_label(a, en),
	                      "requester",
	                      r->requester_email ? r->requester_email : "-",
	                      "approver",
	                      r->approver_email ? r->approver_email : "-",
	                      "reason",
	                      r->reason,
	                      "critical_work",
	                      r->critical_work,
	                      "work_date",
	                      r->work_date,
	                      "issued",
	                      jst(a, r->issued_at),
	                      "expires",
	                      jst(a, r->expires_at),
	                      "ended",
	                      jst(a, r->ended_at),
	                      "url",
	                      request_url(env, a, r->id),
	                      NULL};
	enum gcas_err e = mail_role(db, env, a, ROLE_OPERATOR, NULL, &tmpl_notice, vars);
	return e ? e : mail_role(db, env, a, ROLE_AGENCY_MANAGER, r->agency_id, &tmpl_notice, vars);
}

/* A request re-read with its joined e-mail addresses, into out. */
static enum gcas_err reread(struct db *db, struct arena *a, const char *id, struct bg_request *out)
{
	return store_bg_req_get(db, a, id, out);
}

/* ---- registrations ---- */

struct reg_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const struct bg_register_input *in;
	const char *id; /* unregister */
	struct bg_registration *out;
	struct verrs *ve;
	const char *agency_id; /* for a refusal's audit record */
	const char *target_id;
};

static enum gcas_err load_account(struct db *db, struct arena *a, const char *key,
                                  struct account *acc)
{
	if (!key || !*key)
		return GCAS_ERR_NOTFOUND;
	if (strchr(key, '@')) {
		char *email = arena_strdup(a, key);
		if (!email)
			return GCAS_ERR_NOMEM;
		str_lower(email);
		return store_account_get_by_email(db, a, str_trim(email), acc);
	}
	return store_account_get(db, a, key, acc);
}

/* Who may be registered in which role (別紙1): a requester must be able to ask for this
 * environment; the approver is the project_manager of the environment's project. */
static int fits_role(const struct account *acc, enum bg_role role, const struct environment *en)
{
	struct actor who = {0};
	actor_from_account(&who, acc);
	struct target t = env_target(en->project_id, en->agency_id);
	if (role == BG_APPROVER)
		return acc->role == ROLE_PROJECT_MANAGER &&
		       policy_allows(&who.subj, ACT_BREAKGLASS_APPROVE, &t);
	return policy_allows(&who.subj, ACT_BREAKGLASS_REQUEST, &t);
}

static enum gcas_err register_tx(struct db *db, void *ctx)
{
	struct reg_ctx *c = ctx;
	struct environment en;
	struct account acc;
	enum gcas_err e;
	int role = bg_role_parse(c->in->role);
	c->ve->n = 0; /* store_tx may run this again */
	if (role < 0)
		verr_add(c->ve, "role", "役割（申請者または承認者）を選んでください",
		         "Choose a role: requester or approver");
	e = c->in->environment_id && *c->in->environment_id
	        ? store_environment_get(db, c->a, c->in->environment_id, &en)
	        : GCAS_ERR_NOTFOUND;
	if (e == GCAS_ERR_NOTFOUND)
		verr_add(c->ve, "environment_id", "環境が見つかりません", "No such environment");
	else if (e)
		return e;
	enum gcas_err ea = load_account(db, c->a, c->in->account, &acc);
	if (ea == GCAS_ERR_NOTFOUND)
		verr_add(c->ve, "account", "アカウントが見つかりません", "No such account");
	else if (ea)
		return ea;
	if (c->ve->n)
		return GCAS_ERR_INVALID;
	c->agency_id = en.agency_id;
	c->target_id = acc.id;
	struct target te = env_target(en.project_id, en.agency_id), ta = account_target(&acc);
	if (!policy_allows(&c->ac->subj, ACT_BREAKGLASS_VIEW, &te) ||
	    !policy_allows(&c->ac->subj, ACT_BREAKGLASS_REGISTER, &ta))
		return GCAS_ERR_DENIED;
	if (en.state != ENV_ACTIVE)
		verr_add(c->ve, "environment_id", "この環境は利用中ではありません",
		         "This environment is not active");
	if (acc.status != ACCOUNT_ACTIVE)
		verr_add(c->ve, "account", "このアカウントは有効ではありません",
		         "This account is not active");
	else if (!fits_role(&acc, (enum bg_role)role, &en))
		verr_add(
		    c->ve, "account",
		    role == BG_APPROVER
		        ? "承認者はこの環境のプロジェクトチームGCAS責任者でなければなりません"
		        : "この人はこの環境の緊急アクセスを申請できません",
		    role == BG_APPROVER
		        ? "The approver must be a project manager of this environment's project"
		        : "This person may not request emergency access to this environment");
	if (c->ve->n)
		return GCAS_ERR_INVALID;
	struct bg_registration *r = c->out;
	*r = (struct bg_registration){.id = new_id(c->a),
	                              .account_id = acc.id,
	                              .environment_id = en.id,
	                              .project_id = en.project_id,
	                              .agency_id = en.agency_id,
	                              .role = (enum bg_role)role,
	                              .registered_by = actor_id(c->ac),
	                              .registered_at = clock_now(),
	                              .email = acc.email};
	if (!r->id)
		return GCAS_ERR_NOMEM;
	if ((e = store_bg_reg_insert(db, r))) {
		if (e == GCAS_ERR_CONFLICT)
			verr_add(c->ve, "account", "既に登録されています", "Already registered");
		return e;
	}
	const char *detail = audit_json(c->a, "environment", en.id, "role", bg_role_name(r->role),
	                                "registration", r->id, NULL);
	struct audit_event ev = {
	    "breakglass.registered", "account", acc.id, en.agency_id, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_bg_register(const struct env *env, const struct actor *ac, struct arena *a,
                              const struct bg_register_input *in, struct bg_registration *out,
                              struct verrs *ve)
{
	if (!policy_role_can(ac->subj.role, ACT_BREAKGLASS_REGISTER))
		return audit_denied(env, ac, ACT_BREAKGLASS_REGISTER, "account", NULL, NULL);
	struct reg_ctx c = {.env = env, .ac = ac, .a = a, .in = in, .out = out, .ve = ve};
	enum gcas_err e = store_tx(env->st, register_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_BREAKGLASS_REGISTER, "account", c.target_id,
		                    c.agency_id);
	return e;
}

static enum gcas_err unregister_tx(struct db *db, void *ctx)
{
	struct reg_ctx *c = ctx;
	struct bg_registration r;
	struct account acc;
	enum gcas_err e = store_bg_reg_get(db, c->a, c->id, &r);
	if (e)
		return e;
	if (r.revoked_at)
		return GCAS_ERR_NOTFOUND;
	if ((e = store_account_get(db, c->a, r.account_id, &acc)))
		return e;
	c->agency_id = r.agency_id;
	c->target_id = acc.id;
	struct target te = env_target(r.project_id, r.agency_id), ta = account_target(&acc);
	if (!policy_allows(&c->ac->subj, ACT_BREAKGLASS_VIEW, &te) ||
	    !policy_allows(&c->ac->subj, ACT_BREAKGLASS_REGISTER, &ta))
		return GCAS_ERR_DENIED;
	if ((e = store_bg_reg_revoke(db, r.id, actor_id(c->ac), clock_now())))
		return e;
	const char *detail = audit_json(c->a, "environment", r.environment_id, "role",
	                                bg_role_name(r.role), "registration", r.id, NULL);
	struct audit_event ev = {
	    "breakglass.unregistered", "account", acc.id, r.agency_id, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_bg_unregister(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *registration_id)
{
	if (!policy_role_can(ac->subj.role, ACT_BREAKGLASS_REGISTER))
		return audit_denied(env, ac, ACT_BREAKGLASS_REGISTER, "bg_registration",
		                    registration_id, NULL);
	if (!registration_id || !*registration_id)
		return GCAS_ERR_NOTFOUND;
	struct reg_ctx c = {.env = env, .ac = ac, .a = a, .id = registration_id};
	enum gcas_err e = store_tx(env->st, unregister_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_BREAKGLASS_REGISTER, "account", c.target_id,
		                    c.agency_id);
	return e;
}

struct reglist_ctx {
	struct arena *a;
	struct bg_reg_filter f;
	struct bg_registration *out;
	size_t n;
};

static enum gcas_err reglist_tx(struct db *db, void *ctx)
{
	struct reglist_ctx *c = ctx;
	return store_bg_reg_list(db, c->a, &c->f, &c->out, &c->n);
}

/* Narrow a listing to the actor's ACT_BREAKGLASS_VIEW scope (pushed into SQL). */
static void view_scope(const struct actor *ac, const char **agency_id, const char **project_id)
{
	*agency_id = *project_id = NULL;
	if (ac->subj.role == ROLE_AGENCY_MANAGER)
		*agency_id = ac->subj.agency_id ? ac->subj.agency_id : "-";
	else if (ac->subj.role != ROLE_OPERATOR)
		*project_id = ac->subj.project_id ? ac->subj.project_id : "-";
}

enum gcas_err svc_bg_registrations(const struct env *env, const struct actor *ac, struct arena *a,
                                   int mine, const char *environment_id,
                                   struct bg_registration **out, size_t *n)
{
	struct reglist_ctx c = {.a = a, .f = {.environment_id = environment_id, .role = -1}};
	*out = NULL;
	*n = 0;
	if (mine) {
		c.f.account_id = actor_id(ac);
		if (!c.f.account_id)
			return GCAS_OK;
	} else if (!policy_role_can(ac->subj.role, ACT_BREAKGLASS_VIEW)) {
		return audit_denied(env, ac, ACT_BREAKGLASS_VIEW, "bg_registration", NULL, NULL);
	} else {
		view_scope(ac, &c.f.agency_id, &c.f.project_id);
	}
	enum gcas_err e = store_run(env->st, reglist_tx, &c);
	if (e)
		return e;
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct target t = env_target(c.out[i].project_id, c.out[i].agency_id);
		if (mine || policy_allows(&ac->subj, ACT_BREAKGLASS_VIEW, &t))
			c.out[k++] = c.out[i];
	}
	/* R7.2 (regulation §5.2.2): the registrations name people; an operator's read of them
	 * (not of their own) is recorded with its purpose before they are handed out. */
	if (!mine) {
		const char *extra[] = {"count", arena_printf(a, "%zu", k), NULL};
		struct audit_event ev = {
		    "breakglass.registrations.list", "bg_registration", NULL, NULL, NULL, NULL};
		if ((e = purpose_record_read(env, NULL, a, ac, NULL, &ev, extra)))
			return e;
	}
	*out = c.out;
	*n = k;
	return GCAS_OK;
}

/* ---- requesting ---- */

struct req_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const struct bg_request_input *in;
	const char *key;
	struct bg_request *out;
	struct verrs *ve;
	const char *agency_id;
	int repeat; /* the key's request already existed and is returned */
};

static void check_text(struct verrs *ve, const char *field, const char *v, const char *ja_empty,
                       const char *en_empty)
{
	enum vproblem p = v && *v ? validate_text(v, BG_TEXT_MAX_CP, 1) : VP_EMPTY;
	if (p == VP_EMPTY)
		verr_add(ve, field, ja_empty, en_empty);
	else if (p)
		verr_add(ve, field, "2000文字までの文章で入力してください",
		         "Use text of at most 2000 characters");
	else if (validate_individual_number_in(v))
		verr_add(ve, field, "個人番号（マイナンバー）は入力できません",
		         "An Individual Number (My Number) may not be entered");
}

/* The request's fields (別紙1: reason, the critical work it serves, and its date), into r. */
static void check_request(const struct env *env, const struct bg_request_input *in,
                          struct verrs *ve, struct bg_request *r)
{
	struct ymd d, today = ymd_of_epoch_jst(clock_now());
	int64_t hours = 0, cap = env->cfg->breakglass_max_ttl;
	check_text(ve, "reason", in->reason, "理由を入力してください", "Enter the reason");
	check_text(ve, "critical_work", in->critical_work, "対象の重要業務を入力してください",
	           "Enter the critical work this access serves");
	if (!in->work_date || !*in->work_date)
		verr_add(ve, "work_date", "実施日を入力してください", "Enter the date of the work");
	else if (ymd_parse(in->work_date, &d) || !ymd_valid(d))
		verr_add(ve, "work_date", "実施日は YYYY-MM-DD の形で入力してください",
		         "Enter the date as YYYY-MM-DD");
	else if (ymd_cmp(d, today) < 0)
		verr_add(ve, "work_date", "実施日は今日以降の日付にしてください",
		         "The date must be today or later (Japan time)");
	if (in->hours && *in->hours &&
	    (str_to_i64(in->hours, &hours) || hours < 1 || hours > BG_MAX_HOURS))
		verr_add(ve, "hours", "時間は1から24までの整数で入力してください",
		         "Hours must be a whole number from 1 to 24");
	r->reason = in->reason;
	r->critical_work = in->critical_work;
	r->work_date = in->work_date;
	r->ttl = hours > 0 ? hours * 3600 : cap;
}

/* Mail every live approver of the environment but the requester. */
static enum gcas_err mail_approvers(struct db *db, struct req_ctx *c, const struct bg_request *r,
                                    const struct environment *en)
{
	struct bg_reg_filter f = {.environment_id = en->id, .role = BG_APPROVER};
	struct bg_registration *regs;
	size_t n;
	enum gcas_err e = store_bg_reg_list(db, c->a, &f, &regs, &n);
	const char *hours = arena_printf(c->a, "%lld", (long long)((r->ttl + 3599) / 3600));
	const char *vars[] = {"requester",
	                      r->requester_email ? r->requester_email : "",
	                      "environment",
	                      env_label(c->a, en),
	                      "reason",
	                      r->reason,
	                      "critical_work",
	                      r->critical_work,
	                      "work_date",
	                      r->work_date,
	                      "hours",
	                      hours ? hours : "",
	                      "url",
	                      request_url(c->env, c->a, r->id),
	                      NULL};
	for (size_t i = 0; !e && i < n; i++)
		if (strcmp(regs[i].account_id, r->requester_id) != 0)
			e = mail_enqueue(db, c->env, c->a, regs[i].email, regs[i].account_id,
			                 &tmpl_requested, vars);
	return e;
}

static enum gcas_err request_tx(struct db *db, void *ctx)
{
	struct req_ctx *c = ctx;
	struct environment en;
	struct bg_registration reg;
	struct bg_request *r = c->out;
	c->ve->n = 0;
	c->repeat = 0;
	enum gcas_err e = store_bg_req_get_by_key(db, c->a, c->key, r);
	if (e == GCAS_OK) {
		c->repeat = 1;
		return strcmp(r->requester_id, actor_id(c->ac)) == 0 ? GCAS_OK : GCAS_ERR_CONFLICT;
	}
	if (e != GCAS_ERR_NOTFOUND)
		return e;
	e = c->in->environment_id && *c->in->environment_id
	        ? store_environment_get(db, c->a, c->in->environment_id, &en)
	        : GCAS_ERR_NOTFOUND;
	if (e == GCAS_ERR_NOTFOUND) {
		verr_add(c->ve, "environment_id", "環境を選んでください", "Choose an environment");
		return GCAS_ERR_INVALID;
	}
	if (e)
		return e;
	c->agency_id = en.agency_id;
	struct target t = env_target(en.project_id, en.agency_id);
	if (!policy_allows(&c->ac->subj, ACT_BREAKGLASS_REQUEST, &t))
		return GCAS_ERR_DENIED;
	/* 別紙1: only a requester registered in advance may ask. */
	e = store_bg_reg_live(db, c->a, actor_id(c->ac), en.id, BG_REQUESTER, &reg);
	if (e == GCAS_ERR_NOTFOUND)
		return GCAS_ERR_DENIED;
	if (e)
		return e;
	*r = (struct bg_request){0};
	check_request(c->env, c->in, c->ve, r);
	if (en.state != ENV_ACTIVE || !en.external_id)
		verr_add(c->ve, "environment_id", "この環境は利用中ではありません",
		         "This environment is not active");
	if (c->ve->n)
		return GCAS_ERR_INVALID;
	int64_t now = clock_now();
	r->id = new_id(c->a);
	r->requester_id = actor_id(c->ac);
	r->requester_email = c->ac->acc->email;
	r->environment_id = en.id;
	r->project_id = en.project_id;
	r->agency_id = en.agency_id;
	r->state = BG_SUBMITTED;
	r->idempotency_key = c->key;
	r->created_at = r->updated_at = now;
	if (!r->id)
		return GCAS_ERR_NOMEM;
	if ((e = store_bg_req_insert(db, r)))
		return e;
	if ((e = record(db, c->a, c->ac, r, "requested", NULL, NULL)))
		return e;
	return mail_approvers(db, c, r, &en);
}

enum gcas_err svc_bg_request(const struct env *env, const struct actor *ac, struct arena *a,
                             const struct bg_request_input *in, struct bg_request *out,
                             struct verrs *ve)
{
	if (!policy_role_can(ac->subj.role, ACT_BREAKGLASS_REQUEST) || !ac->acc)
		return audit_denied(env, ac, ACT_BREAKGLASS_REQUEST, "environment",
		                    in->environment_id, NULL);
	struct req_ctx c = {.env = env, .ac = ac, .a = a, .in = in, .out = out, .ve = ve};
	c.key = in->idempotency_key && *in->idempotency_key ? in->idempotency_key : new_id(a);
	if (!c.key)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = store_tx(env->st, request_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_BREAKGLASS_REQUEST, "environment",
		                    in->environment_id, c.agency_id);
	return e;
}

/* ---- issuing and revoking: claim, call the driver, record ---- */

struct attempt_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id;
	struct bg_request r;
	struct environment en;
	struct provision_cred_req rq;
	struct provision_cred res;
	enum gcas_err driver_err;
	enum bg_state from;
	int revoking;
	int64_t now;
	int64_t held; /* the lease claim_tx took (record_tx writes under it) */
};

static enum gcas_err claim_tx(struct db *db, void *ctx)
{
	struct attempt_ctx *c = ctx;
	enum gcas_err e = store_bg_req_get(db, c->a, c->id, &c->r);
	if (e)
		return e;
	struct bg_request *r = &c->r;
	int due_revoke =
	    r->state == BG_ISSUED && (r->expires_at <= c->now || r->revoke_requested_at);
	if ((r->state != BG_APPROVED && !due_revoke) ||
	    (r->lease_until && r->lease_until >= c->now))
		return GCAS_ERR_CONFLICT;
	if ((e = store_environment_get(db, c->a, r->environment_id, &c->en)))
		return e;
	c->from = r->state;
	c->revoking = due_revoke;
	r->attempts++;
	r->lease_until = c->now + c->env->cfg->provision_timeout + LEASE_SLACK;
	r->updated_at = c->now;
	c->held = r->lease_until;
	e = store_bg_req_update(db, r, c->from, 0);
	return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
}

static enum gcas_err record_issue(struct db *db, struct attempt_ctx *c)
{
	struct bg_request *r = &c->r;
	int ok = c->driver_err == GCAS_OK;
	int final = !ok && (r->attempts >= BG_MAX_ISSUE_ATTEMPTS || r->expires_at <= c->now);
	enum gcas_err e;
	r->state = ok ? BG_ISSUED : final ? BG_FAILED : BG_APPROVED;
	r->last_error = ok ? NULL : arena_strdup(c->a, c->res.error);
	r->next_attempt_at = ok || final ? 0 : c->now + retry_delay(r->attempts);
	if (ok) {
		r->credential_id = arena_strdup(c->a, c->res.credential_id);
		r->login_url = arena_strdup(c->a, c->res.login_url);
		r->issued_at = c->now;
		r->attempts = 0; /* the revocation counts its own attempts */
	}
	if (final)
		r->ended_at = c->now;
	if ((e = store_bg_req_update(db, r, BG_APPROVED, c->held)))
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
	const char *event = ok ? "issued" : final ? "failed" : "issue_failed";
	if ((e = record(db, c->a, c->ac, r, event, ok ? NULL : "failure", r->last_error)))
		return e;
	const char *url = request_url(c->env, c->a, r->id);
	const char *attempts = arena_printf(c->a, "%lld", (long long)r->attempts);
	if (final) {
		const char *vars[] = {"environment", env_label(c->a, &c->en), "attempts", attempts,
		                      "error",       r->last_error,           "url",      url,
		                      NULL};
		e = mail_account(db, c->env, c->a, r->requester_id, &tmpl_failed, vars, 0);
		return e ? e : mail_role(db, c->env, c->a, ROLE_OPERATOR, NULL, &tmpl_failed, vars);
	}
	if (!ok)
		return GCAS_OK;
	const char *vars[] = {"environment", env_label(c->a, &c->en),
	                      "expires",     jst(c->a, r->expires_at),
	                      "login_url",   r->login_url ? r->login_url : "",
	                      "user",        r->credential_id ? r->credential_id : "",
	                      "secret",      c->res.secret,
	                      "url",         url,
	                      NULL};
	if ((e = mail_account(db, c->env, c->a, r->requester_id, &tmpl_credential, vars, 1)))
		return e;
	return notify_use(db, c->env, c->a, r, &c->en, "発行", "issued");
}

static enum gcas_err record_revoke(struct db *db, struct attempt_ctx *c)
{
	struct bg_request *r = &c->r;
	int ok = c->driver_err == GCAS_OK;
	enum gcas_err e;
	r->last_error = ok ? NULL : arena_strdup(c->a, c->res.error);
	r->next_attempt_at = ok ? 0 : c->now + retry_delay(r->attempts);
	if (ok) {
		r->state = r->revoke_requested_at ? BG_REVOKED : BG_EXPIRED;
		r->ended_at = c->now;
	}
	if ((e = store_bg_req_update(db, r, BG_ISSUED, c->held)))
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
	const char *event = !ok ? "revoke_failed" : r->state == BG_REVOKED ? "revoked" : "expired";
	if ((e = record(db, c->a, c->ac, r, event, ok ? NULL : "failure", r->last_error)))
		return e;
	if (ok)
		return r->state == BG_REVOKED
		           ? notify_use(db, c->env, c->a, r, &c->en, "取消", "revoked")
		           : notify_use(db, c->env, c->a, r, &c->en, "期限切れ失効", "expired");
	/* A credential that outlives its box must reach a person: the operator, on the 1st, 2nd,
	 * 4th, 8th... failure (retries continue hourly at most, so this does not flood). */
	if (r->attempts & (r->attempts - 1))
		return GCAS_OK;
	const char *attempts = arena_printf(c->a, "%lld", (long long)r->attempts);
	const char *vars[] = {"environment", env_label(c->a, &c->en),
	                      "attempts",    attempts,
	                      "user",        r->credential_id ? r->credential_id : "",
	                      "error",       r->last_error,
	                      "url",         request_url(c->env, c->a, r->id),
	                      NULL};
	return mail_role(db, c->env, c->a, ROLE_OPERATOR, NULL, &tmpl_revoke_failed, vars);
}

static enum gcas_err record_tx(struct db *db, void *ctx)
{
	struct attempt_ctx *c = ctx;
	c->now = clock_now();
	c->r.lease_until = 0;
	c->r.updated_at = c->now;
	return c->revoking ? record_revoke(db, c) : record_issue(db, c);
}

/* Call the driver for the claimed step, outside any transaction. */
static void call_driver(struct attempt_ctx *c)
{
	const char *arg;
	const struct provision_driver *d = provision_driver_for(c->env->cfg, c->en.csp, &arg);
	c->rq = (struct provision_cred_req){.request_id = c->r.id,
	                                    .idempotency_key = c->r.idempotency_key,
	                                    .external_id = c->en.external_id,
	                                    .csp = c->en.csp,
	                                    .person_email = c->r.requester_email,
	                                    .privilege = "admin",
	                                    .expires_at = c->r.expires_at,
	                                    .credential_id = c->r.credential_id};
	if (!c->revoking && c->r.expires_at <= c->now) {
		c->driver_err = GCAS_ERR_CONFLICT;
		str_copy(c->res.error, sizeof(c->res.error), "expired before it could be issued");
		return;
	}
	enum gcas_err (*fn)(const struct env *, const char *, const struct provision_cred_req *,
	                    struct provision_cred *) = c->revoking ? d->cred_revoke : d->cred_issue;
	if (!fn) {
		c->driver_err = GCAS_ERR_INVALID;
		snprintf(c->res.error, sizeof(c->res.error),
		         "the %s driver cannot issue emergency credentials", d->name);
		return;
	}
	c->driver_err = fn(c->env, arg, &c->rq, &c->res);
	if (c->driver_err && !c->res.error[0])
		str_copy(c->res.error, sizeof(c->res.error), gcas_err_name(c->driver_err));
	if (c->driver_err)
		log_msg(LOG_WARN,
		        c->revoking ? "breakglass revocation failed" : "breakglass issue failed",
		        "request", c->r.id, "driver", d->name, "error", c->res.error, NULL);
}

/* One attempt at request id's due step. GCAS_OK when an outcome was recorded (success or
 * failure); *shown (may be NULL) receives the issued credential, secret included. */
static enum gcas_err attempt(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, struct bg_request *out, struct provision_cred *shown)
{
	struct attempt_ctx *c = arena_alloc(a, sizeof(*c));
	if (!c)
		return GCAS_ERR_NOMEM;
	*c = (struct attempt_ctx){.env = env, .ac = ac, .a = a, .id = id, .now = clock_now()};
	enum gcas_err e = store_tx(env->st, claim_tx, c);
	if (e)
		return e;
	call_driver(c);
	e = store_tx(env->st, record_tx, c);
	if (!e && shown && !c->revoking && c->driver_err == GCAS_OK)
		*shown = c->res;
	explicit_bzero(c->res.secret, sizeof(c->res.secret));
	if (e)
		return e;
	if (out)
		*out = c->r;
	return GCAS_OK;
}

/* ---- deciding ---- */

struct decide_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id, *note;
	int approve;
	struct bg_request *out;
	const char *agency_id;
	int own;
};

/* 1 when the actor holds a live approver registration for the environment. */
static int is_approver(struct db *db, struct arena *a, const struct actor *ac, const char *env_id,
                       enum gcas_err *e)
{
	struct bg_registration reg;
	*e = GCAS_OK;
	if (!ac->acc)
		return 0;
	enum gcas_err r = store_bg_reg_live(db, a, ac->acc->id, env_id, BG_APPROVER, &reg);
	if (r && r != GCAS_ERR_NOTFOUND)
		*e = r;
	return r == GCAS_OK;
}

static enum gcas_err decide_tx(struct db *db, void *ctx)
{
	struct decide_ctx *c = ctx;
	struct bg_request *r = c->out;
	struct environment en;
	enum gcas_err e = store_bg_req_get(db, c->a, c->id, r);
	if (e)
		return e;
	c->agency_id = r->agency_id;
	struct target t = env_target(r->project_id, r->agency_id);
	if (!policy_allows(&c->ac->subj, ACT_BREAKGLASS_APPROVE, &t))
		return GCAS_ERR_DENIED;
	int approver = is_approver(db, c->a, c->ac, r->environment_id, &e);
	if (e)
		return e;
	/* 別紙1: an approver never approves their own request. */
	c->own = strcmp(r->requester_id, actor_id(c->ac)) == 0;
	if (!approver || c->own)
		return GCAS_ERR_DENIED;
	if (r->state != BG_SUBMITTED)
		return GCAS_ERR_CONFLICT;
	if ((e = store_environment_get(db, c->a, r->environment_id, &en)))
		return e;
	int64_t now = clock_now(), max = c->env->cfg->breakglass_max_ttl;
	r->approver_id = actor_id(c->ac);
	r->approver_email = c->ac->acc->email;
	r->decided_at = r->updated_at = now;
	r->decision_note = c->note;
	r->state = c->approve ? BG_APPROVED : BG_REJECTED;
	if (c->approve) {
		/* 別紙1: time-boxed from approval, never longer than max_ttl (8 hours). */
		r->expires_at = now + (r->ttl < max ? r->ttl : max);
		r->next_attempt_at = now;
		r->attempts = 0;
	} else {
		r->ended_at = now;
	}
	if ((e = store_bg_req_update(db, r, BG_SUBMITTED, 0)))
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
	if ((e = record(db, c->a, c->ac, r, c->approve ? "approved" : "rejected", NULL, c->note)))
		return e;
	if (c->approve)
		return GCAS_OK;
	const char *vars[] = {
	    "environment", env_label(c->a, &en),   "approver", r->approver_email,
	    "note",        c->note ? c->note : "", "url",      request_url(c->env, c->a, r->id),
	    NULL};
	return mail_account(db, c->env, c->a, r->requester_id, &tmpl_rejected, vars, 0);
}

static enum gcas_err reread_tx(struct db *db, void *ctx)
{
	struct decide_ctx *c = ctx;
	return reread(db, c->a, c->id, c->out);
}

enum gcas_err svc_bg_decide(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *request_id, int approve, const char *note,
                            struct bg_request *out)
{
	if (!policy_role_can(ac->subj.role, ACT_BREAKGLASS_APPROVE) || !ac->acc)
		return audit_denied(env, ac, ACT_BREAKGLASS_APPROVE, "breakglass_request",
		                    request_id, NULL);
	if (!request_id || !*request_id)
		return GCAS_ERR_NOTFOUND;
	struct decide_ctx c = {env,     ac,  a,    request_id, note && *note ? note : NULL,
	                       approve, out, NULL, 0};
	enum gcas_err e = store_tx(env->st, decide_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_BREAKGLASS_APPROVE, "breakglass_request",
		                    request_id, c.agency_id);
	if (e || !approve)
		return e;
	/* The credential at once (outside the transaction); a failure is retried by the job. */
	e = attempt(env, ac, a, request_id, NULL, NULL);
	if (e && e != GCAS_ERR_CONFLICT)
		log_msg(LOG_WARN, "breakglass issue attempt failed", "request", request_id, "error",
		        gcas_err_name(e), NULL);
	return store_run(env->st, reread_tx, &c);
}

/* ---- ending early ---- */

struct revoke_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id;
	struct bg_request *out;
	const char *agency_id;
	int via_driver; /* issued: the driver must revoke it now */
};

static enum gcas_err may_end(struct db *db, struct revoke_ctx *c, const struct bg_request *r)
{
	enum gcas_err e;
	if (actor_id(c->ac) && strcmp(r->requester_id, actor_id(c->ac)) == 0)
		return GCAS_OK;
	if (c->ac->subj.role == ROLE_OPERATOR) {
		struct target t = env_target(r->project_id, r->agency_id);
		return policy_allows(&c->ac->subj, ACT_BREAKGLASS_VIEW, &t) ? GCAS_OK
		                                                            : GCAS_ERR_DENIED;
	}
	int approver = is_approver(db, c->a, c->ac, r->environment_id, &e);
	return e ? e : approver ? GCAS_OK : GCAS_ERR_DENIED;
}

static enum gcas_err revoke_tx(struct db *db, void *ctx)
{
	struct revoke_ctx *c = ctx;
	struct bg_request *r = c->out;
	struct environment en;
	int64_t now = clock_now();
	enum gcas_err e = store_bg_req_get(db, c->a, c->id, r);
	if (e)
		return e;
	c->agency_id = r->agency_id;
	c->via_driver = 0;
	if ((e = may_end(db, c, r)))
		return e;
	if (r->lease_until && r->lease_until >= now)
		return GCAS_ERR_CONFLICT; /* a driver call is in progress */
	enum bg_state from = r->state;
	if (from == BG_ISSUED && r->revoke_requested_at) {
		c->via_driver = 1; /* asked already: try again now */
		return GCAS_OK;
	}
	if (from != BG_SUBMITTED && from != BG_APPROVED && from != BG_ISSUED)
		return GCAS_ERR_CONFLICT;
	r->revoke_requested_at = now;
	r->revoked_by = actor_id(c->ac);
	r->updated_at = now;
	if (from == BG_ISSUED) {
		r->next_attempt_at = now;
		r->attempts = 0;
		c->via_driver = 1;
	} else {
		r->state = BG_REVOKED;
		r->ended_at = now;
		r->next_attempt_at = 0;
	}
	if ((e = store_bg_req_update(db, r, from, 0)))
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
	if ((e = record(db, c->a, c->ac, r, c->via_driver ? "revoke_requested" : "withdrawn", NULL,
	                NULL)))
		return e;
	if (c->via_driver || from == BG_SUBMITTED)
		return GCAS_OK;
	/* An approved request ended before its credential existed: still a use to report. */
	if ((e = store_environment_get(db, c->a, r->environment_id, &en)))
		return e;
	return notify_use(db, c->env, c->a, r, &en, "取消", "revoked");
}

static enum gcas_err revoke_reread_tx(struct db *db, void *ctx)
{
	struct revoke_ctx *c = ctx;
	return reread(db, c->a, c->id, c->out);
}

enum gcas_err svc_bg_revoke(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *request_id, struct bg_request *out)
{
	if (!request_id || !*request_id)
		return GCAS_ERR_NOTFOUND;
	struct revoke_ctx c = {.env = env, .ac = ac, .a = a, .id = request_id, .out = out};
	enum gcas_err e = store_tx(env->st, revoke_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_BREAKGLASS_VIEW, "breakglass_request", request_id,
		                    c.agency_id);
	if (e || !c.via_driver)
		return e;
	e = attempt(env, ac, a, request_id, NULL, NULL);
	if (e && e != GCAS_ERR_CONFLICT)
		return e;
	return store_run(env->st, revoke_reread_tx, &c);
}

enum gcas_err svc_bg_issue_now(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *request_id, struct bg_request *out,
                               struct provision_cred *shown)
{
	struct bg_request r;
	enum gcas_err e = svc_bg_get(env, ac, a, request_id, &r, NULL, NULL);
	if (e)
		return e;
	if (!ac->acc || strcmp(r.requester_id, ac->acc->id) != 0)
		return audit_denied(env, ac, ACT_BREAKGLASS_REQUEST, "breakglass_request", r.id,
		                    r.agency_id);
	if (r.state != BG_APPROVED)
		return GCAS_ERR_CONFLICT;
	*shown = (struct provision_cred){0};
	if ((e = attempt(env, ac, a, r.id, out, shown)))
		return e;
	return out->state == BG_ISSUED ? GCAS_OK : GCAS_ERR_IO;
}

/* ---- reading ---- */

struct get_ctx {
	const struct actor *ac;
	struct arena *a;
	const char *id;
	struct bg_request *r;
	struct bg_event **ev;
	size_t *nev;
	int approver;
};

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct get_ctx *c = ctx;
	enum gcas_err e = store_bg_req_get(db, c->a, c->id, c->r);
	if (e)
		return e;
	c->approver = is_approver(db, c->a, c->ac, c->r->environment_id, &e);
	if (e || !c->ev)
		return e;
	return store_bg_event_list(db, c->a, c->r->id, c->ev, c->nev);
}

enum gcas_err svc_bg_get(const struct env *env, const struct actor *ac, struct arena *a,
                         const char *request_id, struct bg_request *out, struct bg_event **ev,
                         size_t *nev)
{
	struct get_ctx c = {ac, a, request_id, out, ev, nev, 0};
	if (!request_id || !*request_id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, get_tx, &c);
	if (e)
		return e;
	struct target t = env_target(out->project_id, out->agency_id);
	int self = ac->acc && strcmp(out->requester_id, ac->acc->id) == 0;
	if (self)
		return GCAS_OK;
	if (c.approver || policy_allows(&ac->subj, ACT_BREAKGLASS_VIEW, &t)) {
		/* R7.2 (regulation §5.2.2): opening one use to follow or approve it is the
		 * operator's duty (「GCASの整備、運用管理…」): no purpose asked, the read of the
		 * requester still recorded — with a declared purpose if one holds, else under
		 * "operations" naming the request — filed under its agency. */
		struct audit_event rev = {
		    "breakglass.view", "breakglass_request", out->id, out->agency_id, NULL, NULL};
		return purpose_record_read(env, NULL, a, ac,
		                           arena_printf(a, "breakglass request %s", out->id), &rev,
		                           NULL);
	}
	return audit_denied(env, ac, ACT_BREAKGLASS_VIEW, "breakglass_request", out->id,
	                    out->agency_id);
}

struct list_ctx {
	struct arena *a;
	struct bg_req_filter f;
	struct page *pg;
	struct bg_request *out;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_bg_req_list(db, c->a, &c->f, c->pg, &c->out, &c->n);
}

enum gcas_err svc_bg_list(const struct env *env, const struct actor *ac, struct arena *a,
                          struct page *pg, struct bg_request **out, size_t *n)
{
	struct list_ctx c = {.a = a, .pg = pg};
	*out = NULL;
	*n = 0;
	if (!policy_role_can(ac->subj.role, ACT_BREAKGLASS_VIEW))
		return audit_denied(env, ac, ACT_BREAKGLASS_VIEW, "breakglass_request", NULL, NULL);
	view_scope(ac, &c.f.agency_id, &c.f.project_id);
	enum gcas_err e = store_run(env->st, list_tx, &c);
	if (e)
		return e;
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct target t = env_target(c.out[i].project_id, c.out[i].agency_id);
		if (policy_allows(&ac->subj, ACT_BREAKGLASS_VIEW, &t))
			c.out[k++] = c.out[i];
	}
	/* R7.2: every use names its requester; an operator's read of the list is recorded. */
	const char *extra[] = {"count", arena_printf(a, "%zu", k), NULL};
	struct audit_event ev = {"breakglass.list", "breakglass_request", NULL, NULL, NULL, NULL};
	if ((e = purpose_record_read(env, NULL, a, ac, NULL, &ev, extra)))
		return e;
	*out = c.out;
	*n = k;
	return GCAS_OK;
}

struct mine_ctx {
	const struct actor *ac;
	struct arena *a;
	struct bg_mine *m;
};

static enum gcas_err mine_tx(struct db *db, void *ctx)
{
	struct mine_ctx *c = ctx;
	struct bg_req_filter own = {.requester_id = c->ac->acc->id};
	struct page pg = {.limit = 100};
	enum gcas_err e = store_bg_req_list(db, c->a, &own, &pg, &c->m->mine, &c->m->nmine);
	struct bg_reg_filter rf = {.account_id = c->ac->acc->id, .role = BG_APPROVER};
	struct bg_registration *regs;
	size_t nregs = 0;
	if (!e)
		e = store_bg_reg_list(db, c->a, &rf, &regs, &nregs);
	for (size_t i = 0; !e && i < nregs; i++) {
		struct bg_req_filter ef = {.environment_id = regs[i].environment_id};
		struct page p2 = {.limit = 100};
		struct bg_request *rs;
		size_t n;
		if ((e = store_bg_req_list(db, c->a, &ef, &p2, &rs, &n)))
			break;
		struct bg_request *all = arena_alloc(c->a, (c->m->nto + n + 1) * sizeof(*all));
		if (!all)
			return GCAS_ERR_NOMEM;
		if (c->m->nto)
			memcpy(all, c->m->to_decide, c->m->nto * sizeof(*all));
		for (size_t k = 0; k < n; k++)
			if (strcmp(rs[k].requester_id, c->ac->acc->id) != 0)
				all[c->m->nto++] = rs[k];
		c->m->to_decide = all;
	}
	return e;
}

enum gcas_err svc_bg_mine(const struct env *env, const struct actor *ac, struct arena *a,
                          struct bg_mine *out)
{
	*out = (struct bg_mine){0};
	if (!ac->acc)
		return GCAS_OK;
	struct mine_ctx c = {ac, a, out};
	return store_run(env->st, mine_tx, &c);
}

/* ---- the job ---- */

static enum gcas_err run_one(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id)
{
	return attempt(env, ac, a, id, NULL, NULL);
}

enum gcas_err svc_bg_run(const struct env *env, int64_t *count)
{
	return svc_due_run(env, "breakglass_expiry", "breakglass run failed", store_bg_req_due,
	                   run_one, count);
}

/* ---- the local cloud's emergency sign-in ---- */

struct signin_ctx {
	struct arena *a;
	const char *cloud_id, *user, *hash;
	struct local_bg_cred cred;
	const char *agency_id;
	int ok;
};

static enum gcas_err signin_tx(struct db *db, void *ctx)
{
	struct signin_ctx *c = ctx;
	struct local_cloud_acct acct;
	struct environment en;
	int64_t now = clock_now();
	c->ok = 0;
	enum gcas_err e = store_local_cloud_get(db, c->a, c->cloud_id, &acct);
	if (e)
		return e == GCAS_ERR_NOTFOUND ? GCAS_OK : e;
	if (*acct.label && store_environment_get(db, c->a, acct.label, &en) == GCAS_OK)
		c->agency_id = en.agency_id;
	e = store_local_bg_get(db, c->a, c->user, &c->cred);
	if (e)
		return e == GCAS_ERR_NOTFOUND ? GCAS_OK : e;
	/* Compare first, whatever else is wrong, so every failure costs the same. */
	int match = ct_streq(c->cred.secret_hash, c->hash);
	c->ok = match && strcmp(c->cred.cloud_id, acct.id) == 0 &&
	        strcmp(acct.state, "open") == 0 && !c->cred.revoked_at && c->cred.expires_at > now;
	return c->ok ? store_local_bg_used(db, c->cred.id, now) : GCAS_OK;
}

enum gcas_err svc_local_cloud_bg_signin(const struct env *env, struct arena *a,
                                        const char *cloud_id, const char *user,
                                        const char *password, const char *ip,
                                        struct local_bg_cred *out)
{
	char hash[SHA256_HEX_SIZE];
	struct signin_ctx c = {
	    .a = a, .cloud_id = cloud_id ? cloud_id : "", .user = user ? user : ""};
	if (token_hash(password ? password : "", hash))
		return GCAS_ERR_CRYPTO;
	c.hash = hash;
	enum gcas_err e = store_tx(env->st, signin_tx, &c);
	if (e)
		return e;
	struct actor ac = actor_system(c.user[0] ? c.user : "emergency-user");
	ac.ip = ip;
	const char *detail = audit_json(a, "cloud", c.cloud_id, "user", c.user, NULL);
	struct audit_event ev = {
	    "breakglass.emergency_signin", "local_cloud", c.cloud_id, c.agency_id,
	    c.ok ? NULL : "failure",       detail};
	if ((e = audit_record(env, &ac, &ev)))
		return e;
	if (!c.ok)
		return GCAS_ERR_AUTH;
	if (out)
		*out = c.cred;
	return GCAS_OK;
}
