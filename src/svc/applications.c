/* SPDX-License-Identifier: MIT */
/* Application use cases (S1, R2.1–R2.3, R2.6, R2.9): apply, submit, withdraw, approve or reject,
 * fulfil or fail, read, list, and the monthly service-level report. Every move of the state
 * machine (core/application.h) is one transaction holding the move, its history row, its audit
 * record ("application.<verb>") and its notifications (outbox), so they commit or vanish together.
 * Fulfilment reuses the account steps of svc/accounts_tx.h inside the same transaction. */
#include "svc/applications.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "core/calendar.h"
#include "core/validate.h"
#include "store/applications.h"
#include "store/environments.h"
#include "store/outbox.h"
#include "svc/accounts_tx.h"
#include "svc/audit.h"
#include "svc/calendar.h"
#include "svc/lifecycle.h"
#include "svc/mail.h"
#include "svc/privacy.h"

/* R5.5: notifications, Japanese first. {{subject}} is the person (or the org), {{url}} the page. */
static const struct mail_tmpl tmpl_submitted = {
    "application.submitted",
    "【GCAS】承認依頼: {{kind_ja}}（{{subject}}）",
    "[GCAS] Approval requested: {{kind_en}} ({{subject}})",
    "{{applicant}} さんから次の申請が提出されました。内容を確認し、承認または却下してください。\n"
    "申請: {{kind_ja}}\n対象: {{subject}}\n理由: {{reason}}\n{{url}}\n",
    "{{applicant}} submitted the application below. Please review it and approve or reject "
    "it.\nApplication: {{kind_en}}\nSubject: {{subject}}\nReason: {{reason}}\n{{url}}\n",
};
static const struct mail_tmpl tmpl_approved = {
    "application.approved",
    "【GCAS】申請が承認されました: {{kind_ja}}（{{subject}}）",
    "[GCAS] Application approved: {{kind_en}} ({{subject}})",
    "申請が承認されました。運用管理組織が {{due_on}} までに対応します。\n"
    "申請: {{kind_ja}}\n対象: {{subject}}\n{{url}}\n",
    "Your application was approved. The operator will carry it out by {{due_on}}.\n"
    "Application: {{kind_en}}\nSubject: {{subject}}\n{{url}}\n",
};
static const struct mail_tmpl tmpl_rejected = {
    "application.rejected",
    "【GCAS】申請が却下されました: {{kind_ja}}（{{subject}}）",
    "[GCAS] Application rejected: {{kind_en}} ({{subject}})",
    "申請が却下されました。\n申請: {{kind_ja}}\n対象: {{subject}}\n理由: {{reason}}\n{{url}}\n",
    "Your application was rejected.\nApplication: {{kind_en}}\nSubject: {{subject}}\n"
    "Reason: {{reason}}\n{{url}}\n",
};
static const struct mail_tmpl tmpl_fulfilled = {
    "application.fulfilled",
    "【GCAS】申請の対応が完了しました: {{kind_ja}}（{{subject}}）",
    "[GCAS] Application carried out: {{kind_en}} ({{subject}})",
    "申請の対応が完了しました。\n申請: {{kind_ja}}\n対象: {{subject}}\n{{url}}\n",
    "Your application has been carried out.\nApplication: {{kind_en}}\nSubject: {{subject}}\n"
    "{{url}}\n",
};
static const struct mail_tmpl tmpl_failed = {
    "application.failed",
    "【GCAS】申請を実施できませんでした: {{kind_ja}}（{{subject}}）",
    "[GCAS] Application could not be carried out: {{kind_en}} ({{subject}})",
    "申請を実施できませんでした。\n申請: {{kind_ja}}\n対象: {{subject}}\n理由: {{reason}}\n"
    "{{url}}\n",
    "Your application could not be carried out.\nApplication: {{kind_en}}\n"
    "Subject: {{subject}}\nReason: {{reason}}\n{{url}}\n",
};

#define NO_APPROVAL_REASON "承認不要: 申請者が認証責任者 (別表1)"
#define ORG_END_REASON     "組織の利用終了により終了 (規程 別表1, R2.9)"
#define ORG_ENDED_JA       "この組織は利用を終了しています"
#define ORG_ENDED_EN       "This organisation has ended its use"

/* ---- small helpers ---- */

static struct ymd today_jst(void)
{
	return ymd_of_epoch_jst(clock_now());
}

static const char *ymd_str(struct arena *a, struct ymd d)
{
	char s[11];
	ymd_format(d, s);
	return arena_strdup(a, s);
}

static int empty(const char *s)
{
	return !s || !*s;
}

/* Free text: required or not, at most max code points, never an Individual Number (番号法 art.
 * 20: collecting it outside the permitted uses is forbidden, so it must not be typed here). */
static void check_text(struct verrs *ve, const char *field, const char *s, size_t max, int required)
{
	if (empty(s)) {
		if (required)
			verr_add(ve, field, "入力してください", "This is required");
		return;
	}
	if (validate_text(s, max, 1) != VP_OK) {
		verr_add(ve, field, "入力できない文字を含むか、長すぎます",
		         "Contains characters that cannot be used, or is too long");
		return;
	}
	if (validate_individual_number_in(s))
		verr_add(ve, field, validate_msg(VP_INDIVIDUAL_NUMBER, 0),
		         validate_msg(VP_INDIVIDUAL_NUMBER, 1));
}

/* "YYYY-MM-DD" into d; a field error when required and absent or when malformed. */
static int check_date(struct verrs *ve, const char *field, const char *s, int required,
                      struct ymd *d)
{
	if (empty(s)) {
		if (required)
			verr_add(ve, field, "日付を入力してください（YYYY-MM-DD）",
			         "Enter a date (YYYY-MM-DD)");
		return 0;
	}
	if (ymd_parse(s, d) || !ymd_valid(*d)) {
		verr_add(ve, field, "日付はYYYY-MM-DDの形で入力してください",
		         "Enter the date as YYYY-MM-DD");
		return 0;
	}
	return 1;
}

static struct target app_scope(const struct application *app)
{
	struct target t = {
	    .org_id = app->org_id, .agency_id = app->agency_id, .project_id = app->project_id};
	return t;
}

static int is_applicant(const struct actor *ac, const struct application *app)
{
	return ac->subj.account_id && app->applicant_id &&
	       strcmp(ac->subj.account_id, app->applicant_id) == 0;
}

static const char *app_url(struct arena *a, const struct env *env, const char *id)
{
	const char *base = env->cfg && env->cfg->base_url ? env->cfg->base_url : "";
	return arena_printf(a, "%s/applications/%s", base, id);
}

static enum gcas_err notify(struct db *db, const struct env *env, struct arena *a,
                            const struct account *to, const struct mail_tmpl *t,
                            const struct application *app, const char *applicant,
                            const char *reason)
{
	const char *vars[] = {
	    "kind_ja", app_kind_label(app->kind, 0), "kind_en",   app_kind_label(app->kind, 1),
	    "subject", app->subject_label,           "applicant", applicant ? applicant : "",
	    "reason",  reason ? reason : "",         "due_on",    app->due_on ? app->due_on : "",
	    "url",     app_url(a, env, app->id),     NULL};
	return mail_enqueue(db, env, a, to->email, to->id, t, vars);
}

/* The applicant hears of approval, rejection, fulfilment and failure (R5.5). */
static enum gcas_err notify_applicant(struct db *db, const struct env *env, struct arena *a,
                                      const struct application *app, const struct mail_tmpl *t,
                                      const char *reason)
{
	struct account who;
	enum gcas_err e = store_account_get(db, a, app->applicant_id, &who);
	if (e == GCAS_ERR_NOTFOUND)
		return GCAS_OK;
	if (e)
		return e;
	if (who.status == ACCOUNT_DELETED || who.status == ACCOUNT_DISABLED)
		return GCAS_OK; /* nobody left to read it */
	return notify(db, env, a, &who, t, app, NULL, reason);
}

/* 別表1: a contractor manager's application goes to every active approver of its scope: the
 * project team's manager(s) and the agency's manager(s). */
static enum gcas_err notify_approvers(struct db *db, const struct env *env, struct arena *a,
                                      const struct application *app, const char *applicant)
{
	static const enum role approvers[] = {ROLE_PROJECT_MANAGER, ROLE_AGENCY_MANAGER};
	for (size_t i = 0; i < 2; i++) {
		struct account *to;
		size_t n;
		const char *project = approvers[i] == ROLE_PROJECT_MANAGER ? app->project_id : NULL;
		if (approvers[i] == ROLE_PROJECT_MANAGER && !project)
			continue;
		enum gcas_err e =
		    store_app_approvers(db, a, approvers[i], app->agency_id, project, &to, &n);
		for (size_t k = 0; !e && k < n; k++)
			e = notify(db, env, a, &to[k], &tmpl_submitted, app, applicant,
			           app->reason);
		if (e)
			return e;
	}
	return GCAS_OK;
}

/* One move of the state machine with its history row and audit record. The row changes only if
 * it is still in the state and version read (else GCAS_ERR_CONFLICT: someone moved it first). */
static enum gcas_err app_move(struct db *db, struct arena *a, const struct actor *ac,
                              struct application *app, enum app_state to, const char *reason,
                              const char *verb)
{
	enum app_state from = app->state;
	int64_t now = clock_now();
	if (!app_transition_allowed(from, to))
		return GCAS_ERR_CONFLICT;
	app->state = to;
	app->updated_at = now;
	enum gcas_err e = store_app_update(db, app, from);
	if (e)
		return e;
	app->version++;
	char *eid = arena_alloc(a, 33);
	if (!eid || rand_id(eid))
		return GCAS_ERR_NOMEM;
	struct app_event ev = {.id = eid,
	                       .application_id = app->id,
	                       .at = now,
	                       .actor_id = ac->acc ? ac->acc->id : NULL,
	                       .actor_label = ac->label ? ac->label : "system",
	                       .from_state = (int)from,
	                       .to_state = to,
	                       .reason = reason};
	if ((e = store_app_event_insert(db, &ev)))
		return e;
	char *detail = audit_json(a, "kind", app_kind_name(app->kind), "from", app_state_name(from),
	                          "to", app_state_name(to), "reason", reason, NULL);
	struct audit_event au = {arena_printf(a, "application.%s", verb),
	                         "application",
	                         app->id,
	                         app->agency_id,
	                         NULL,
	                         detail};
	return audit_append(db, a, ac, &au);
}

/* ---- fulfilment ---- */

static const char *json_str(struct arena *a, json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? arena_strdup(a, v) : NULL;
}

struct fulfil_out {
	const char *failure; /* set when the change cannot be made now */
};

static enum gcas_err fulfil_create(struct db *db, const struct env *env, const struct actor *ac,
                                   struct arena *a, struct application *app, json_t *p,
                                   struct fulfil_out *fo)
{
	struct account_input in = {.email = json_str(a, p, "email"),
	                           .family_name = json_str(a, p, "family_name"),
	                           .given_name = json_str(a, p, "given_name"),
	                           .family_kana = json_str(a, p, "family_kana"),
	                           .given_kana = json_str(a, p, "given_kana"),
	                           .role = json_str(a, p, "role"),
	                           .org_id = app->org_id};
	struct verrs ve = {0};
	struct org o;
	struct account acc;
	int role = role_parse(in.role);
	if (role < 0 || !in.email)
		return GCAS_ERR_INTERNAL;
	enum gcas_err e = account_org_for_role(db, a, app->org_id, (enum role)role, &o, &ve);
	if (e == GCAS_ERR_INVALID) {
		/* Gone, or ended its use since the application (R2.9). */
		fo->failure = ve.n ? arena_printf(a, "%s / %s", ve.e[0].ja, ve.e[0].en)
		                   : "所属組織がありません / The organisation no longer exists";
		return fo->failure ? GCAS_OK : GCAS_ERR_NOMEM;
	}
	if (e)
		return e;
	/* Taken since the application was made: fail it rather than refuse the insert (on
	 * PostgreSQL a refused INSERT would abort the whole transaction). */
	e = store_account_get_by_email(db, a, in.email, &acc);
	if (e == GCAS_OK) {
		fo->failure =
		    "このメールアドレスは既に使われています / The address is already in use";
		return GCAS_OK;
	}
	if (e != GCAS_ERR_NOTFOUND)
		return e;
	/* The set-up link goes to the person only (mailed, never shown to anyone). */
	const char *link = NULL;
	struct account_new nw = {.in = &in,
	                         .role = (enum role)role,
	                         .org = &o,
	                         .email = in.email,
	                         .setup_link = &link,
	                         .mail_setup = 1,
	                         .audit_action = "account.create",
	                         .application_id = app->id};
	if ((e = account_create_tx(db, env, ac, a, &nw, &acc, &ve)))
		return e;
	app->account_id = acc.id;
	return GCAS_OK;
}

static enum gcas_err fulfil_change(struct db *db, const struct env *env, const struct actor *ac,
                                   struct arena *a, struct application *app, json_t *p,
                                   struct fulfil_out *fo)
{
	struct account acc, other;
	enum gcas_err e = store_account_get(db, a, app->account_id, &acc);
	if (e)
		return e;
	if (acc.status == ACCOUNT_DELETED) {
		fo->failure = "アカウントは削除済みです / The account has been deleted";
		return GCAS_OK;
	}
	static const char *const keys[] = {"family_name", "given_name", "family_kana",
	                                   "given_kana"};
	const char **dst[] = {&acc.family_name, &acc.given_name, &acc.family_kana, &acc.given_kana};
	for (size_t i = 0; i < 4; i++) {
		const char *v = json_str(a, p, keys[i]);
		if (v)
			*dst[i] = v;
	}
	int role = role_parse(json_string_value(json_object_get(p, "role")));
	if (role >= 0)
		acc.role = (enum role)role;
	const char *email = json_str(a, p, "email");
	acc.pending_email = NULL;
	if (email && strcmp(email, acc.email) != 0) {
		e = store_account_get_by_email(db, a, email, &other);
		if (e == GCAS_OK) {
			fo->failure = "このメールアドレスは既に使われています / The address is "
			              "already in use";
			return GCAS_OK;
		}
		if (e != GCAS_ERR_NOTFOUND)
			return e;
		acc.pending_email = email;
	}
	return account_change_tx(db, env, ac, a, &acc, app->id);
}

static enum gcas_err fulfil_status(struct db *db, const struct actor *ac, struct arena *a,
                                   struct application *app, struct fulfil_out *fo)
{
	struct account acc;
	enum gcas_err e = store_account_get(db, a, app->account_id, &acc);
	if (e)
		return e;
	if (acc.status == ACCOUNT_DELETED) {
		fo->failure = "アカウントは削除済みです / The account has been deleted";
		return GCAS_OK;
	}
	if (app->kind == APP_REENABLE && acc.status != ACCOUNT_DISABLED) {
		fo->failure = "無効なアカウントではありません / The account is not disabled";
		return GCAS_OK;
	}
	enum account_op op = app->kind == APP_DELETE ? ACCOUNT_OP_DELETE : ACCOUNT_OP_ENABLE;
	return account_status_tx(db, ac, a, &acc, op, app->reason, app->id, NULL);
}

/* Carry out an approved application in the caller's transaction: the change, then approved →
 * fulfilled (or → failed when it cannot be made now), and the applicant's notification. */
static enum gcas_err fulfil_tx(struct db *db, const struct env *env, const struct actor *ac,
                               struct arena *a, struct application *app)
{
	struct fulfil_out fo = {0};
	enum gcas_err e = GCAS_OK;
	json_t *p = json_loads(app->payload ? app->payload : "{}", 0, NULL);
	if (!p)
		return GCAS_ERR_INTERNAL;
	switch (app->kind) {
	case APP_CREATE:
		e = fulfil_create(db, env, ac, a, app, p, &fo);
		break;
	case APP_CHANGE:
		e = fulfil_change(db, env, ac, a, app, p, &fo);
		break;
	case APP_DELETE:
	case APP_REENABLE:
		e = fulfil_status(db, ac, a, app, &fo);
		break;
	case APP_ORG_END: {
		int64_t deleted = 0;
		e = lifecycle_org_end_tx(db, env, a, ac, app->org_id, app->id, &deleted);
		if (!e)
			app->result =
			    arena_printf(a, "{\"accounts_deleted\":%lld}", (long long)deleted);
		break;
	}
	default:
		e = GCAS_ERR_INTERNAL;
	}
	json_decref(p);
	if (e)
		return e;
	app->fulfilled_at = clock_now();
	app->fulfilled_by = ac->acc ? ac->acc->id : NULL;
	if (fo.failure) {
		app->result = fo.failure;
		if ((e = app_move(db, a, ac, app, APP_FAILED, fo.failure, "fail")))
			return e;
		return notify_applicant(db, env, a, app, &tmpl_failed, fo.failure);
	}
	if (!app->result)
		app->result = "ok";
	if ((e = app_move(db, a, ac, app, APP_FULFILLED, NULL, "fulfil")))
		return e;
	return notify_applicant(db, env, a, app, &tmpl_fulfilled, NULL);
}

/* ---- approval and submission ---- */

/* submitted → approved: the due date is 5 business days after the approval day (R2.3, JST,
 * the administrative calendar); with auto_fulfil the operator's step follows at once (別表3). */
static enum gcas_err approve_tx(struct db *db, const struct env *env, const struct actor *ac,
                                struct arena *a, struct application *app, int by_rule)
{
	struct calendar cal;
	enum gcas_err e = svc_calendar_load(db, a, &cal);
	if (e)
		return e;
	app->decided_at = clock_now();
	app->decided_by = by_rule ? NULL : (ac->acc ? ac->acc->id : NULL);
	app->due_on = ymd_str(a, calendar_add_business_days(&cal, today_jst(), 5));
	if (!app->due_on)
		return GCAS_ERR_NOMEM;
	e = app_move(db, a, ac, app, APP_APPROVED, by_rule ? NO_APPROVAL_REASON : NULL, "approve");
	/* The applicant hears of someone else's approval; their own needs no mail. */
	if (!e && !by_rule)
		e = notify_applicant(db, env, a, app, &tmpl_approved, NULL);
	if (e || !env->cfg->auto_fulfil)
		return e;
	struct actor sys = actor_system("auto-fulfil");
	return fulfil_tx(db, env, &sys, a, app);
}

/* R2.6: a deletion for a departure is late when submitted after the 5th business day before it. */
static enum gcas_err mark_late(struct db *db, struct arena *a, struct application *app)
{
	struct ymd dep;
	struct calendar cal;
	if (app->kind != APP_DELETE || empty(app->departure_on) ||
	    ymd_parse(app->departure_on, &dep))
		return GCAS_OK;
	enum gcas_err e = svc_calendar_load(db, a, &cal);
	if (e)
		return e;
	struct ymd limit = calendar_add_business_days(&cal, dep, -5);
	app->late = ymd_cmp(today_jst(), limit) > 0;
	return GCAS_OK;
}

/* draft (or a new application) → submitted, then the approvers' mail, or approval by rule. */
static enum gcas_err submit_tx(struct db *db, const struct env *env, const struct actor *ac,
                               struct arena *a, struct application *app)
{
	app->submitted_at = clock_now();
	enum gcas_err e = mark_late(db, a, app);
	if (!e)
		e = app_move(db, a, ac, app, APP_SUBMITTED, NULL, "submit");
	if (e)
		return e;
	if (app->needs_approval)
		return notify_approvers(db, env, a, app, ac->label);
	return approve_tx(db, env, ac, a, app, 1);
}

/* ---- apply ---- */

struct apply {
	const struct app_input *in;
	enum app_kind kind;
	struct account_input person; /* normalised */
	char email[256];             /* normalised, "" when none */
	int role;                    /* create: the role; change: the new role or -1 */
	struct ymd verified_on, ends_on, departure_on;
	/* The dates as stored: always YYYY-MM-DD (ymd_parse also takes the Cabinet Office CSV's
	 * "YYYY/M/D", and the columns are compared as text: due_on < $12, departure_on < $1). */
	const char *departure_s, *ends_s;
};

/* Checks that need no database: every field of the kind, all errors at once. */
static void check_input(struct arena *a, struct apply *p, struct verrs *ve)
{
	const struct app_input *in = p->in;
	struct ymd d;
	check_text(ve, "reason", in->reason, 1000, 1);
	p->role = -1;
	p->email[0] = 0;
	if (p->kind == APP_CREATE) {
		p->role = role_parse(in->person.role);
		if (p->role < 0)
			verr_add(ve, "role", "役割を選んでください", "Choose a role");
		account_check_person(a, &p->person, ve, p->email, sizeof(p->email));
		if (check_date(ve, "verified_on", in->verified_on, 1, &p->verified_on) &&
		    ymd_cmp(p->verified_on, today_jst()) > 0)
			verr_add(ve, "verified_on", "本人確認日に未来の日付は指定できません",
			         "The identity check cannot be in the future");
		/* R2.1, 2.2.1: government staff are checked as administrative staff; a
		 * contractor's people under a confidentiality agreement for one system. */
		const char *want =
		    p->role >= 0 && role_org_kind((enum role)p->role) == ORG_CONTRACTOR
		        ? "contractor_nda"
		        : "gov_admin";
		if (empty(in->scope) || (strcmp(in->scope, "gov_admin") != 0 &&
		                         strcmp(in->scope, "contractor_nda") != 0))
			verr_add(ve, "scope", "確認の区分を選んでください",
			         "Choose the kind of identity check");
		else if (p->role >= 0 && strcmp(in->scope, want) != 0)
			verr_add(ve, "scope", "この役割には選べない確認の区分です",
			         "This kind of identity check does not fit the role");
		if (!empty(in->scope) && strcmp(in->scope, "contractor_nda") == 0) {
			check_text(ve, "system_name", in->system_name, 200, 1);
			if (in->nda_confirmed != 1)
				verr_add(ve, "nda_confirmed", "秘密保持契約の確認が必要です",
				         "Confirm the confidentiality agreement");
		} else {
			check_text(ve, "system_name", in->system_name, 200, 0);
		}
	} else if (p->kind == APP_CHANGE) {
		struct account_input *q = &p->person;
		if (!empty(q->role)) {
			p->role = role_parse(q->role);
			if (p->role < 0)
				verr_add(ve, "role", "役割を選んでください", "Choose a role");
		}
		if (!empty(q->email)) {
			enum vproblem vp = validate_email(q->email, p->email, sizeof(p->email));
			if (vp)
				verr_add(ve, "email", validate_msg(vp, 0), validate_msg(vp, 1));
		}
		static const char *const f[] = {"family_name", "given_name", "family_kana",
		                                "given_kana"};
		const char **v[] = {&q->family_name, &q->given_name, &q->family_kana,
		                    &q->given_kana};
		for (int i = 0; i < 4; i++) {
			if (empty(*v[i])) {
				*v[i] = NULL;
				continue;
			}
			enum vproblem vp = validate_person_name(*v[i], i >= 2);
			if (vp) {
				verr_add(ve, f[i], validate_msg(vp, 0), validate_msg(vp, 1));
				continue;
			}
			size_t cap = strlen(*v[i]) + 1;
			char *k = i >= 2 ? arena_alloc(a, cap) : NULL;
			if (k && validate_kana_normalise(*v[i], k, cap) == VP_OK)
				*v[i] = k;
		}
	}
	if (p->kind == APP_CREATE || p->kind == APP_CHANGE) {
		static const char *const f[] = {"family_name", "given_name", "family_kana",
		                                "given_kana"};
		const char *v[] = {p->person.family_name, p->person.given_name,
		                   p->person.family_kana, p->person.given_kana};
		for (int i = 0; i < 4; i++)
			if (!empty(v[i]) && validate_individual_number_in(v[i]))
				verr_add(ve, f[i], validate_msg(VP_INDIVIDUAL_NUMBER, 0),
				         validate_msg(VP_INDIVIDUAL_NUMBER, 1));
	}
	if (p->kind == APP_DELETE && check_date(ve, "departure_on", in->departure_on, 0, &d))
		p->departure_s = ymd_str(a, d);
	if (p->kind != APP_ORG_END && p->kind != APP_CREATE && empty(in->account_id))
		verr_add(ve, "account_id", "対象のアカウントを指定してください",
		         "Choose the account");
	if (p->kind == APP_ORG_END) {
		if (empty(in->org_id))
			verr_add(ve, "org_id", "組織を選んでください", "Choose the organisation");
		/* R2.9: applied before the end date, so the end is today or later. */
		if (check_date(ve, "ends_on", in->ends_on, 1, &p->ends_on)) {
			p->ends_s = ymd_str(a, p->ends_on);
			if (ymd_cmp(p->ends_on, today_jst()) < 0)
				verr_add(ve, "ends_on", "利用終了日は本日以降の日付にしてください",
				         "The end date must be today or later");
		}
	}
}

static char *payload_of(struct arena *a, const struct apply *p, const struct account *cur)
{
	json_t *o = json_object();
	const struct account_input *q = &p->person;
	if (!o)
		return NULL;
	if (p->kind == APP_CREATE) {
		json_object_set_new(o, "email", json_string(p->email));
		json_object_set_new(o, "family_name", json_string(q->family_name));
		json_object_set_new(o, "given_name", json_string(q->given_name));
		json_object_set_new(o, "family_kana", json_string(q->family_kana));
		json_object_set_new(o, "given_kana", json_string(q->given_kana));
		json_object_set_new(o, "role", json_string(role_name((enum role)p->role)));
		json_object_set_new(o, "org_id", json_string(p->in->person.org_id));
	} else if (p->kind == APP_CHANGE && cur) {
		/* Only what changes; the page shows it as "from → to". */
		const char *k[] = {"family_name", "given_name", "family_kana", "given_kana"};
		const char *nv[] = {q->family_name, q->given_name, q->family_kana, q->given_kana};
		const char *ov[] = {cur->family_name, cur->given_name, cur->family_kana,
		                    cur->given_kana};
		for (int i = 0; i < 4; i++)
			if (nv[i] && strcmp(nv[i], ov[i] ? ov[i] : "") != 0)
				json_object_set_new(o, k[i], json_string(nv[i]));
		if (p->email[0] && strcmp(p->email, cur->email) != 0)
			json_object_set_new(o, "email", json_string(p->email));
		if (p->role >= 0 && (enum role)p->role != cur->role)
			json_object_set_new(o, "role", json_string(role_name((enum role)p->role)));
	} else if (p->kind == APP_DELETE && p->departure_s) {
		json_object_set_new(o, "departure_on", json_string(p->departure_s));
	} else if (p->kind == APP_ORG_END && p->ends_s) {
		json_object_set_new(o, "ends_on", json_string(p->ends_s));
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	char *r = s ? arena_strdup(a, s) : NULL;
	free(s);
	return r;
}

/* The address asked for must be free: no account has it and no other open application asks
 * for it (R2.8 rules via mail_address_acceptable). */
static enum gcas_err check_address(struct db *db, struct arena *a, const char *email,
                                   const char *except_account, struct verrs *ve)
{
	enum gcas_err e = GCAS_OK;
	int64_t n = 0;
	if (!mail_address_acceptable(db, a, email, except_account, "email", ve, &e))
		return e ? e : GCAS_ERR_INVALID;
	if ((e = store_app_open_for_email(db, email, NULL, &n)))
		return e;
	if (n > 0) {
		verr_add(ve, "email", "このメールアドレスは他の申請で申請中です",
		         "Another open application already asks for this address");
		return GCAS_ERR_INVALID;
	}
	return GCAS_OK;
}

static enum gcas_err conflict_open(struct verrs *ve, const char *field)
{
	verr_add(ve, field, "この対象には処理中の同じ種類の申請があります",
	         "An application of this kind is already open for it");
	return GCAS_ERR_CONFLICT;
}

/* The unique indexes on open applications (0002_lifecycle.sql) refused the insert: a concurrent
 * request passed the same check first (PostgreSQL READ COMMITTED). Same message as the check. */
static enum gcas_err insert_conflict(const struct apply *p, struct verrs *ve)
{
	if (p->kind == APP_CREATE) {
		verr_add(ve, "email", "このメールアドレスは他の申請で申請中です",
		         "Another open application already asks for this address");
		return GCAS_ERR_CONFLICT;
	}
	return conflict_open(ve, p->kind == APP_ORG_END ? "org_id" : "account_id");
}

static enum gcas_err denied_in_tx(struct db *db, struct arena *a, const struct actor *ac,
                                  enum action act, const char *agency)
{
	/* Filed in the caller's transaction too: a bulk import that goes on commits it. When the
	 * transaction rolls back, svc_app_create records the refusal afresh (audit_denied). */
	char *detail = audit_json(a, "action", action_name(act), NULL);
	struct audit_event ev = {"permission.denied",
	                         "application",
	                         NULL,
	                         ac->subj.agency_id ? ac->subj.agency_id : agency,
	                         "denied",
	                         detail};
	enum gcas_err e = audit_append(db, a, ac, &ev);
	return e ? e : GCAS_ERR_DENIED;
}

/* Load the account concerned and check what the kind needs of it; fill the scope of app. */
static enum gcas_err apply_account(struct db *db, struct arena *a, const struct actor *ac,
                                   struct apply *p, struct application *app, struct account *cur,
                                   struct verrs *ve)
{
	enum gcas_err e = store_account_get(db, a, p->in->account_id, cur);
	if (e == GCAS_ERR_NOTFOUND || (e == GCAS_OK && cur->status == ACCOUNT_DELETED)) {
		verr_add(ve, "account_id", "アカウントが見つかりません",
		         "The account was not found");
		return GCAS_ERR_INVALID;
	}
	if (e)
		return e;
	struct target t = account_target(cur);
	if (!policy_allows(&ac->subj, ACT_APP_APPLY, &t))
		return denied_in_tx(db, a, ac, ACT_APP_APPLY, cur->agency_id);
	app->account_id = cur->id;
	app->org_id = cur->org_id;
	app->agency_id = cur->agency_id;
	app->project_id = cur->project_id;
	app->has_target_role = 1;
	app->target_role = cur->role;
	app->subject_label =
	    arena_printf(a, "%s %s <%s>", cur->family_name, cur->given_name, cur->email);
	if (p->kind == APP_REENABLE && cur->status != ACCOUNT_DISABLED) {
		verr_add(ve, "account_id", "無効なアカウントではありません",
		         "The account is not disabled");
		return GCAS_ERR_INVALID;
	}
	if (p->kind != APP_CHANGE)
		return GCAS_OK;
	/* R2.5: a role only within the same kind of organisation, and only between roles the
	 * applicant may apply for. */
	if (p->role >= 0 && (enum role)p->role != cur->role) {
		if (role_org_kind((enum role)p->role) != role_org_kind(cur->role)) {
			verr_add(ve, "role", "この組織では選べない役割です",
			         "This role does not belong to this kind of organisation");
			return GCAS_ERR_INVALID;
		}
		t.role = (enum role)p->role;
		if (!policy_allows(&ac->subj, ACT_APP_APPLY, &t))
			return denied_in_tx(db, a, ac, ACT_APP_APPLY, cur->agency_id);
		app->target_role = t.role;
	}
	return GCAS_OK;
}

static enum gcas_err apply_create(struct db *db, struct arena *a, const struct actor *ac,
                                  struct apply *p, struct application *app, struct verrs *ve)
{
	struct org o;
	enum gcas_err e =
	    account_org_for_role(db, a, p->in->person.org_id, (enum role)p->role, &o, ve);
	if (e)
		return e;
	struct target t = {.has_role = 1,
	                   .role = (enum role)p->role,
	                   .org_id = o.id,
	                   .agency_id = o.agency_id,
	                   .project_id = o.project_id};
	if (!policy_allows(&ac->subj, ACT_APP_APPLY, &t))
		return denied_in_tx(db, a, ac, ACT_APP_APPLY, o.agency_id);
	app->org_id = o.id;
	app->agency_id = o.agency_id;
	app->project_id = o.project_id;
	app->has_target_role = 1;
	app->target_role = (enum role)p->role;
	app->subject_label =
	    arena_printf(a, "%s %s <%s>", p->person.family_name, p->person.given_name, p->email);
	return check_address(db, a, p->email, NULL, ve);
}

static enum gcas_err apply_org_end(struct db *db, struct arena *a, const struct actor *ac,
                                   struct apply *p, struct application *app, struct verrs *ve)
{
	struct org o;
	int64_t n = 0;
	enum gcas_err e = store_org_get(db, a, p->in->org_id, &o);
	if (e == GCAS_ERR_NOTFOUND) {
		verr_add(ve, "org_id", "組織が見つかりません", "The organisation was not found");
		return GCAS_ERR_INVALID;
	}
	if (e)
		return e;
	struct target t = {.org_id = o.id, .agency_id = o.agency_id, .project_id = o.project_id};
	if (!policy_allows(&ac->subj, ACT_APP_APPLY_ORG_END, &t))
		return denied_in_tx(db, a, ac, ACT_APP_APPLY_ORG_END, o.agency_id);
	/* R2.9: an agency or a project team ends its use (a contractor leaves with its
	 * project team, or through its people's deletions). */
	if (o.kind != ORG_AGENCY && o.kind != ORG_PROJECT) {
		verr_add(ve, "org_id", "利用機関またはプロジェクトチームを選んでください",
		         "Choose an agency or a project team");
		return GCAS_ERR_INVALID;
	}
	/* R2.9: an end is once; a second one (or one inside an ended agency) is refused. */
	int ended = 0;
	if ((e = store_app_org_ended(db, o.id, &ended)))
		return e;
	if (ended) {
		verr_add(ve, "org_id", ORG_ENDED_JA, ORG_ENDED_EN);
		return GCAS_ERR_INVALID;
	}
	if ((e = store_app_open_for_org(db, o.id, &n)))
		return e;
	if (n > 0)
		return conflict_open(ve, "org_id");
	app->org_id = o.id;
	app->agency_id = o.agency_id;
	app->project_id = o.project_id;
	app->subject_label = o.name;
	return GCAS_OK;
}

/* Everything after the pure checks: scope, authorisation, the database checks, then the rows. */
static enum gcas_err apply_tx(struct db *db, const struct env *env, const struct actor *ac,
                              struct arena *a, struct apply *p, struct application *app,
                              struct verrs *ve)
{
	struct account cur = {0};
	int64_t n = 0;
	enum gcas_err e;
	if (p->kind == APP_CREATE)
		e = apply_create(db, a, ac, p, app, ve);
	else if (p->kind == APP_ORG_END)
		e = apply_org_end(db, a, ac, p, app, ve);
	else
		e = apply_account(db, a, ac, p, app, &cur, ve);
	if (e)
		return e;
	if (p->kind != APP_CREATE && p->kind != APP_ORG_END) {
		if ((e = store_app_open_for_account(db, cur.id, p->kind, &n)))
			return e;
		if (n > 0)
			return conflict_open(ve, "account_id");
	}
	if (p->kind == APP_CHANGE && p->email[0] && strcmp(p->email, cur.email) != 0 &&
	    (e = check_address(db, a, p->email, cur.id, ve)))
		return e;
	app->payload = payload_of(a, p, &cur);
	if (!app->payload || !app->subject_label)
		return GCAS_ERR_NOMEM;
	if (p->kind == APP_CHANGE && strcmp(app->payload, "{}") == 0) {
		verr_add(ve, "person", "変更する項目がありません", "Nothing would change");
		return GCAS_ERR_INVALID;
	}
	/* The address column is what the unique index on open applications holds: only an
	 * address asked for (a create's, or a change's new one). */
	const char *email = p->email[0] && (p->kind == APP_CREATE || strcmp(p->email, cur.email))
	                        ? arena_strdup(a, p->email)
	                        : NULL;
	e = store_app_insert(db, app, email);
	if (e == GCAS_ERR_CONFLICT)
		return insert_conflict(p, ve);
	if (e)
		return e;
	/* The creation is the first history row: from nothing to draft. */
	enum app_state want = p->in->draft ? APP_DRAFT : APP_SUBMITTED;
	char *eid = arena_alloc(a, 33);
	if (!eid || rand_id(eid))
		return GCAS_ERR_NOMEM;
	struct app_event ev = {.id = eid,
	                       .application_id = app->id,
	                       .at = app->created_at,
	                       .actor_id = app->applicant_id,
	                       .actor_label = ac->label ? ac->label : "system",
	                       .from_state = -1,
	                       .to_state = APP_DRAFT};
	if ((e = store_app_event_insert(db, &ev)))
		return e;
	char *detail = audit_json(a, "kind", app_kind_name(app->kind), "account_id",
	                          app->account_id, "org_id", app->org_id, NULL);
	struct audit_event au = {"application.create", "application", app->id,
	                         app->agency_id,       NULL,          detail};
	if ((e = audit_append(db, a, ac, &au)))
		return e;
	if (p->kind == APP_CREATE) {
		struct identity_decl d = {.application_id = app->id,
		                          .verified_on = ymd_str(a, p->verified_on),
		                          .scope = p->in->scope,
		                          .system_name =
		                              empty(p->in->system_name) ? NULL : p->in->system_name,
		                          .nda_confirmed = p->in->nda_confirmed == 1,
		                          .declared_by = app->applicant_id,
		                          .declared_by_label = ac->label ? ac->label : "",
		                          .declared_at = app->created_at};
		if ((e = store_app_decl_insert(db, &d)))
			return e;
	}
	if (want == APP_DRAFT)
		return GCAS_OK;
	return submit_tx(db, env, ac, a, app);
}

enum gcas_err app_create_tx(struct db *db, const struct env *env, const struct actor *ac,
                            struct arena *a, const struct app_input *in, struct application *out,
                            struct verrs *ve)
{
	int k = app_kind_parse(in->kind);
	if (k < 0) {
		verr_add(ve, "kind", "申請の種類を選んでください",
		         "Choose the kind of application");
		return GCAS_ERR_INVALID;
	}
	/* The applicant is a person of the chain (別表1); the system applies for nobody. */
	if (!ac->acc || !ac->subj.account_id)
		return GCAS_ERR_DENIED;
	struct apply *p = arena_alloc(a, sizeof(*p));
	char *id = arena_alloc(a, 33);
	if (!p || !id || rand_id(id))
		return GCAS_ERR_NOMEM;
	memset(p, 0, sizeof(*p));
	p->in = in;
	p->kind = (enum app_kind)k;
	p->person = in->person;
	check_input(a, p, ve);
	if (ve->n)
		return GCAS_ERR_INVALID;
	int64_t now = clock_now();
	*out = (struct application){.id = id,
	                            .kind = p->kind,
	                            .state = APP_DRAFT,
	                            .applicant_id = ac->subj.account_id,
	                            .applicant_role = ac->subj.role,
	                            .reason = in->reason,
	                            .needs_approval = app_needs_approval(ac->subj.role),
	                            .departure_on = p->kind == APP_DELETE ? p->departure_s : NULL,
	                            .ends_on = p->kind == APP_ORG_END ? p->ends_s : NULL,
	                            .import_id = empty(in->import_id) ? NULL : in->import_id,
	                            .created_at = now,
	                            .updated_at = now,
	                            .version = 1};
	return apply_tx(db, env, ac, a, p, out, ve);
}

struct create_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const struct app_input *in;
	struct application *out;
	struct verrs *ve;
	struct verrs ve0; /* errors of an attempt (a retried transaction starts afresh) */
};

static enum gcas_err create_tx(struct db *db, void *ctx)
{
	struct create_ctx *c = ctx;
	c->ve0.n = 0;
	return app_create_tx(db, c->env, c->ac, c->a, c->in, c->out, &c->ve0);
}

enum gcas_err svc_app_create(const struct env *env, const struct actor *ac, struct arena *a,
                             const struct app_input *in, struct application *out, struct verrs *ve)
{
	struct create_ctx c = {.env = env, .ac = ac, .a = a, .in = in, .out = out, .ve = ve};
	enum gcas_err e = store_tx(env->st, create_tx, &c);
	for (size_t i = 0; i < c.ve0.n; i++)
		verr_add(ve, c.ve0.e[i].field, c.ve0.e[i].ja, c.ve0.e[i].en);
	if (e == GCAS_ERR_DENIED) {
		enum action act = in->kind && strcmp(in->kind, "org_end") == 0
		                      ? ACT_APP_APPLY_ORG_END
		                      : ACT_APP_APPLY;
		return audit_denied(env, ac, act, "application", NULL, NULL);
	}
	return e;
}

/* ---- moves on an existing application ---- */

enum app_op { OP_SUBMIT, OP_WITHDRAW, OP_APPROVE, OP_REJECT, OP_FULFIL, OP_FAIL };

struct op_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id;
	enum app_op op;
	const char *reason;
	struct application app;
	enum action denied_act;
	const char *denied_agency;
};

static enum gcas_err deny(struct op_ctx *c, enum action act)
{
	c->denied_act = act;
	c->denied_agency = c->app.agency_id;
	return GCAS_ERR_DENIED;
}

static enum gcas_err op_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	enum gcas_err e = store_app_get(db, c->a, c->id, &c->app);
	if (e)
		return e;
	struct application *app = &c->app;
	struct target t = app_scope(app);
	switch (c->op) {
	case OP_SUBMIT:
	case OP_WITHDRAW:
		/* Only the applicant submits or withdraws their own application. */
		if (!is_applicant(c->ac, app))
			return deny(c, ACT_APP_APPLY);
		if (c->op == OP_SUBMIT)
			return app->state == APP_DRAFT ? submit_tx(db, c->env, c->ac, c->a, app)
			                               : GCAS_ERR_CONFLICT;
		return app_move(db, c->a, c->ac, app, APP_WITHDRAWN, c->reason, "withdraw");
	case OP_APPROVE:
	case OP_REJECT:
		/* 別表1: the approver of the scope, and never the applicant themselves. */
		if (!policy_allows(&c->ac->subj, ACT_APP_APPROVE, &t) || is_applicant(c->ac, app))
			return deny(c, ACT_APP_APPROVE);
		if (!app->needs_approval || app->state != APP_SUBMITTED)
			return GCAS_ERR_CONFLICT;
		if (c->op == OP_APPROVE)
			return approve_tx(db, c->env, c->ac, c->a, app, 0);
		app->decided_at = clock_now();
		app->decided_by = c->ac->acc ? c->ac->acc->id : NULL;
		if ((e = app_move(db, c->a, c->ac, app, APP_REJECTED, c->reason, "reject")))
			return e;
		return notify_applicant(db, c->env, c->a, app, &tmpl_rejected, c->reason);
	case OP_FULFIL:
	case OP_FAIL:
		if (!policy_allows(&c->ac->subj, ACT_APP_FULFIL, &t))
			return deny(c, ACT_APP_FULFIL);
		if (app->state != APP_APPROVED)
			return GCAS_ERR_CONFLICT;
		if (c->op == OP_FULFIL)
			return fulfil_tx(db, c->env, c->ac, c->a, app);
		app->fulfilled_at = clock_now();
		app->fulfilled_by = c->ac->acc ? c->ac->acc->id : NULL;
		app->result = c->reason;
		if ((e = app_move(db, c->a, c->ac, app, APP_FAILED, c->reason, "fail")))
			return e;
		return notify_applicant(db, c->env, c->a, app, &tmpl_failed, c->reason);
	}
	return GCAS_ERR_INTERNAL;
}

static enum gcas_err run_op(struct op_ctx *c)
{
	enum gcas_err e = store_tx(c->env->st, op_tx, c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(c->env, c->ac, c->denied_act, "application", c->id,
		                    c->denied_agency);
	return e;
}

enum gcas_err svc_app_submit(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id)
{
	struct op_ctx c = {.env = env, .ac = ac, .a = a, .id = id, .op = OP_SUBMIT};
	return run_op(&c);
}

enum gcas_err svc_app_withdraw(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *id, const char *reason, struct verrs *ve)
{
	check_text(ve, "reason", reason, 1000, 0);
	if (ve->n)
		return GCAS_ERR_INVALID;
	struct op_ctx c = {
	    .env = env, .ac = ac, .a = a, .id = id, .op = OP_WITHDRAW, .reason = reason};
	return run_op(&c);
}

enum gcas_err svc_app_decide(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, int approve, const char *reason, struct verrs *ve)
{
	/* A rejection says why (the applicant is told); an approval may add a note. */
	check_text(ve, "reason", reason, 1000, !approve);
	if (ve->n)
		return GCAS_ERR_INVALID;
	struct op_ctx c = {.env = env,
	                   .ac = ac,
	                   .a = a,
	                   .id = id,
	                   .op = approve ? OP_APPROVE : OP_REJECT,
	                   .reason = empty(reason) ? NULL : reason};
	return run_op(&c);
}

enum gcas_err svc_app_fulfil(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, struct application *out)
{
	struct op_ctx c = {.env = env, .ac = ac, .a = a, .id = id, .op = OP_FULFIL};
	enum gcas_err e = run_op(&c);
	if (!e && out)
		*out = c.app;
	return e;
}

enum gcas_err svc_app_fail(const struct env *env, const struct actor *ac, struct arena *a,
                           const char *id, const char *reason, struct verrs *ve)
{
	check_text(ve, "reason", reason, 1000, 1);
	if (ve->n)
		return GCAS_ERR_INVALID;
	struct op_ctx c = {.env = env, .ac = ac, .a = a, .id = id, .op = OP_FAIL, .reason = reason};
	return run_op(&c);
}

/* ---- reading ---- */

struct get_ctx {
	const struct actor *ac;
	struct arena *a;
	const char *id;
	struct application *out;
	struct app_event **events;
	size_t *nevents;
	struct identity_decl *decl;
	int *has_decl;
	const char *denied_agency;
};

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct get_ctx *c = ctx;
	enum gcas_err e = store_app_get(db, c->a, c->id, c->out);
	if (e)
		return e;
	struct target t = app_scope(c->out);
	if (!is_applicant(c->ac, c->out) && !policy_allows(&c->ac->subj, ACT_APP_VIEW, &t)) {
		c->denied_agency = c->out->agency_id;
		return GCAS_ERR_DENIED;
	}
	if ((e = store_app_events(db, c->a, c->id, c->events, c->nevents)))
		return e;
	*c->has_decl = 0;
	e = store_app_decl_get(db, c->a, c->id, c->decl);
	if (e == GCAS_ERR_NOTFOUND)
		return GCAS_OK;
	if (!e)
		*c->has_decl = 1;
	return e;
}

enum gcas_err svc_app_get(const struct env *env, const struct actor *ac, struct arena *a,
                          const char *id, struct application *out, struct app_event **events,
                          size_t *nevents, struct identity_decl *decl, int *has_decl)
{
	struct get_ctx c = {ac, a, id, out, events, nevents, decl, has_decl, NULL};
	*events = NULL;
	*nevents = 0;
	*has_decl = 0;
	enum gcas_err e = store_run(env->st, get_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_APP_VIEW, "application", id, c.denied_agency);
	if (e)
		return e;
	/* R7.2 (regulation §5.2.2): opening an application to decide on it or carry it out is the
	 * operator's duty itself (「GCASの整備、運用管理…」), so no purpose is asked; the read of
	 * the person it names is still recorded — with the declared purpose if one holds, else
	 * under "operations" naming the application — and filed under its agency. */
	struct audit_event ev = {"application.view", "application", out->id,
	                         out->agency_id,     NULL,          NULL};
	return purpose_record_read(env, NULL, a, ac, arena_printf(a, "application %s", out->id),
	                           &ev, NULL);
}

struct list_ctx {
	struct arena *a;
	struct store_app_filter f;
	struct page *pg;
	struct application *out;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_app_list(db, c->a, &c->f, c->pg, &c->out, &c->n);
}

enum gcas_err svc_app_list(const struct env *env, const struct actor *ac, struct arena *a,
                           const struct app_filter *f, struct page *pg, struct application **out,
                           size_t *n)
{
	struct list_ctx c = {.a = a, .pg = pg};
	struct store_app_filter *s = &c.f;
	*out = NULL;
	*n = 0;
	if (pg)
		pg->next = NULL;
	if (!ac->subj.is_system && !ac->subj.account_id)
		return GCAS_ERR_DENIED;
	/* R7.1: the widest scope the role may view (ACT_APP_VIEW), pushed into SQL so pages
	 * never count rows the reader may not see; everyone also sees their own. */
	s->scoped = policy_role_can(ac->subj.role, ACT_APP_VIEW);
	switch (ac->subj.role) {
	case ROLE_OPERATOR:
		break;
	case ROLE_AGENCY_MANAGER:
		s->agency_id = ac->subj.agency_id;
		break;
	case ROLE_PROJECT_MANAGER:
		s->agency_id = ac->subj.agency_id;
		s->project_id = ac->subj.project_id;
		break;
	case ROLE_CONTRACTOR_MANAGER:
		s->org_id = ac->subj.org_id;
		break;
	default:
		s->scoped = 0;
		break;
	}
	if (s->scoped && ac->subj.role != ROLE_OPERATOR && !s->agency_id && !s->org_id)
		s->scoped = 0; /* fail closed: a manager with no place sees only their own */
	s->own_id = ac->subj.account_id;
	s->state = f->state;
	s->kind = f->kind;
	s->needs_approval = -1;
	s->import_id = empty(f->import_id) ? NULL : f->import_id;
	s->account_id = empty(f->account_id) ? NULL : f->account_id;
	if (f->awaiting_me) {
		if (!policy_role_can(ac->subj.role, ACT_APP_APPROVE) || !s->scoped)
			return GCAS_OK;
		s->state = APP_SUBMITTED;
		s->needs_approval = 1;
		s->not_applicant = ac->subj.account_id;
	}
	if (f->queue) {
		s->queue = 1;
		s->state = APP_APPROVED;
		if (f->overdue)
			s->due_before = ymd_str(a, today_jst());
	}
	enum gcas_err e = store_run(env->st, list_tx, &c);
	if (e)
		return e;
	*out = c.out;
	*n = c.n;
	if (!c.n)
		return GCAS_OK;
	/* R7.2 (§5.2.2): the lists name each applicant. Going through them is the operator's
	 * duty (「GCASの整備、運用管理…」), like opening one (svc_app_get): not asked for, but
	 * recorded, with the declared purpose if one holds, else under "operations". */
	char count[24];
	snprintf(count, sizeof(count), "%zu", c.n);
	const char *extra[] = {"count",      count,         "import_id", s->import_id,
	                       "account_id", s->account_id, NULL};
	struct audit_event ev = {"application.list", "application", NULL, NULL, NULL, NULL};
	return purpose_record_read(env, NULL, a, ac,
	                           f->queue ? "application queue" : "application list", &ev, extra);
}

/* ---- R2.9 organisation end ---- */

/* A batch of the scope's open applications at a time: each one closed drops out of the
 * selection, so the loop ends when a batch comes back short. */
#define ORG_END_BATCH 200

enum gcas_err app_org_end_cleanup_tx(struct db *db, const struct env *env, const struct actor *ac,
                                     struct arena *a, const char *org_id,
                                     const char *application_id)
{
	(void)env;
	if (empty(org_id))
		return GCAS_ERR_INVALID;
	for (;;) {
		struct application *apps;
		size_t n;
		enum gcas_err e =
		    store_app_scope_open(db, a, org_id, application_id, ORG_END_BATCH, &apps, &n);
		if (e)
			return e;
		for (size_t i = 0; i < n; i++) {
			struct application *app = &apps[i];
			/* S1: an approved application can only end failed; a draft or a submitted
			 * one is withdrawn. Nobody is mailed: the people concerned are gone. */
			if (app->state != APP_APPROVED) {
				e = app_move(db, a, ac, app, APP_WITHDRAWN, ORG_END_REASON,
				             "withdraw");
			} else {
				app->fulfilled_at = clock_now();
				app->fulfilled_by = ac->acc ? ac->acc->id : NULL;
				app->result = ORG_END_REASON;
				e = app_move(db, a, ac, app, APP_FAILED, ORG_END_REASON, "fail");
			}
			if (e)
				return e;
		}
		if (n < ORG_END_BATCH)
			break;
	}
	/* 5.2.1: the agency's information is the agency's to delete; the application records stay
	 * as the operator's log, without the names, addresses and readings of the people. */
	enum gcas_err e = store_app_scope_scrub(db, org_id, "削除済み", NULL);
	if (!e)
		e = store_outbox_delete_for_org(db, org_id, NULL);
	return e;
}

/* ---- R2.3 service levels ---- */

struct slo_ctx {
	struct slo_report *r;
	struct ymd today;
};

/* One approved item, application or environment request, on line l. */
static void slo_count(struct slo_line *l, struct ymd today, int fulfilled, int failed, int open,
                      const char *due_on, int64_t fulfilled_at)
{
	struct ymd due = {0, 0, 0};
	int has_due = due_on && ymd_parse(due_on, &due) == 0;
	l->approved++;
	if (fulfilled) {
		/* On time: fulfilled on or before the due day (JST). */
		if (has_due && ymd_cmp(ymd_of_epoch_jst(fulfilled_at), due) <= 0)
			l->on_time++;
		else
			l->late++;
	} else if (failed) {
		l->failed++;
	} else if (open) {
		l->open++;
		if (has_due && ymd_cmp(today, due) > 0)
			l->open_overdue++;
	}
}

static void slo_row(void *ctx, enum app_kind kind, enum app_state state, const char *due_on,
                    int64_t fulfilled_at)
{
	struct slo_ctx *c = ctx;
	slo_count(&c->r->line[kind], c->today, state == APP_FULFILLED, state == APP_FAILED,
	          state == APP_APPROVED, due_on, fulfilled_at);
}

static void slo_env_row(void *ctx, enum envreq_kind kind, enum envreq_state state,
                        const char *due_on, int64_t fulfilled_at)
{
	struct slo_ctx *c = ctx;
	slo_count(&c->r->env[kind], c->today, state == ENVREQ_FULFILLED, state == ENVREQ_FAILED,
	          state == ENVREQ_APPROVED, due_on, fulfilled_at);
}

struct slo_tx_ctx {
	int64_t from, to;
	struct slo_ctx s;
};

static enum gcas_err slo_tx(struct db *db, void *ctx)
{
	struct slo_tx_ctx *c = ctx;
	enum gcas_err e = store_app_slo_rows(db, c->from, c->to, slo_row, &c->s);
	return e ? e : store_env_request_slo_rows(db, c->from, c->to, slo_env_row, &c->s);
}

enum gcas_err svc_app_slo_report(const struct env *env, const struct actor *ac, struct arena *a,
                                 int year, int month, struct slo_report *out)
{
	(void)a;
	struct ymd first = {year, month, 1};
	if (!ymd_valid(first))
		return GCAS_ERR_INVALID;
	if (!policy_allows(&ac->subj, ACT_APP_FULFIL, NULL))
		return audit_denied(env, ac, ACT_APP_FULFIL, "application", NULL, NULL);
	struct ymd next = {month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1};
	memset(out, 0, sizeof(*out));
	out->year = year;
	out->month = month;
	for (int k = 0; k < APP_KIND__MAX; k++)
		out->line[k].kind = (enum app_kind)k;
	struct slo_tx_ctx c = {ymd_epoch_jst(first), ymd_epoch_jst(next), {out, today_jst()}};
	return store_run(env->st, slo_tx, &c);
}
