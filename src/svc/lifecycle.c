/* SPDX-License-Identifier: MIT */
/* What happens to accounts over time: the inactivity sweep (R2.4, 別表1), departures (R2.6) and
 * organisations ending their use (R2.9). The sweeps work in batches of BATCH accounts, one
 * transaction each, so memory stays flat over a million accounts and a failure loses one batch;
 * every change is a conditional UPDATE (store/stmt_lifecycle.h), so a sweep run twice, or on two
 * nodes at once, disables and mails each account once. */
#include "svc/lifecycle.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "core/calendar.h"
#include "store/lifecycle.h"
#include "svc/accounts.h"
#include "svc/applications.h"
#include "svc/audit.h"
#include "svc/calendar.h"
#include "svc/mail.h"

#define BATCH 500
#define DAY   86400

/* ---- mail templates (R5.5: to the address tied to the account) ------------------------------ */

static const struct mail_tmpl tmpl_disabled = {
    "inactivity.disabled", "GCASアカウントを無効にしました（{{days}}日間未使用）",
    "Your GCAS account was disabled ({{days}} days unused)",
    "{{name}} 様\n\nGCASアカウント（{{email}}）は{{days}}日間利用がなかったため、規程 "
    "別表1に基づき無効にしました。\n引き続き利用する場合は、所属の管理者に再有効化の申請を"
    "依頼してください。\n",
    "Dear {{name}},\n\nYour GCAS account ({{email}}) was not used for {{days}} days and has been "
    "disabled under the regulation (appendix 1).\nTo use it again, ask your manager to apply "
    "for it to be re-enabled.\n"};

static const struct mail_tmpl tmpl_disabled_mgr = {
    "inactivity.disabled.manager", "管理対象のGCASアカウントを無効にしました（{{days}}日間未使用）",
    "A GCAS account you manage was disabled ({{days}} days unused)",
    "管理対象のGCASアカウント {{name}}（{{email}}）は{{days}}日間利用がなかったため、規程 "
    "別表1に基づき無効にしました。\n引き続き必要な場合は再有効化を申請してください。不要な"
    "場合は削除を申請してください。\n",
    "The GCAS account of {{name}} ({{email}}), which you manage, was not used for {{days}} days "
    "and has been disabled under the regulation (appendix 1).\nApply to re-enable it if it is "
    "still needed, or to delete it if not.\n"};

static const struct mail_tmpl tmpl_warn = {
    "inactivity.warning", "GCASアカウントはあと{{left}}日で無効になります",
    "Your GCAS account will be disabled in {{left}} days",
    "{{name}} 様\n\nGCASアカウント（{{email}}）は最後の利用から{{used}}日が経過しました。"
    "{{days}}日間利用がないアカウントは規程 別表1に基づき無効になります。\n"
    "あと{{left}}日以内にサインインすると、引き続き利用できます。\n",
    "Dear {{name}},\n\nYour GCAS account ({{email}}) has not been used for {{used}} days. "
    "Accounts unused for {{days}} days are disabled under the regulation (appendix 1).\n"
    "Sign in within {{left}} days to keep it.\n"};

static const struct mail_tmpl tmpl_warn_mgr = {
    "inactivity.warning.manager", "管理対象のGCASアカウントがあと{{left}}日で無効になります",
    "A GCAS account you manage will be disabled in {{left}} days",
    "管理対象のGCASアカウント {{name}}（{{email}}）は最後の利用から{{used}}日が経過しました。"
    "あと{{left}}日以内に利用がなければ、規程 別表1に基づき無効になります。\n",
    "The GCAS account of {{name}} ({{email}}), which you manage, has not been used for {{used}} "
    "days. Unless it is used within {{left}} days it will be disabled under the regulation "
    "(appendix 1).\n"};

/* ---- managers ---------------------------------------------------------------------------- */

struct mgr_entry {
	enum role role;
	const char *scope; /* the id the role is narrowed by; "" for the operators; NULL = free */
	struct life_cand *list;
	size_t n;
};

/* Managers looked up during one sweep, by (certifying role, scope): a million accounts share
 * about ten thousand scopes, so this saves a query per account. Open addressing over MGR_SLOTS
 * slots in the cache's own arena; once it is full, lookups go to the database. A manager
 * disabled during the few seconds of a sweep may still receive that sweep's notices. */
#define MGR_SLOTS 16384
struct mgr_cache {
	struct arena *a;
	struct mgr_entry *slot;
	size_t n;
};

static size_t mgr_hash(enum role r, const char *scope)
{
	uint64_t h = 1469598103934665603u ^ (uint64_t)r; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)scope; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return (size_t)(h % MGR_SLOTS);
}

/* Remember a list in the cache's arena (the caller's is freed batch by batch). */
static void mgr_remember(struct mgr_cache *mc, struct mgr_entry *slot, enum role r,
                         const char *scope, const struct life_cand *list, size_t n)
{
	struct life_cand *copy = n ? arena_alloc(mc->a, n * sizeof(*copy)) : NULL;
	const char *sc = arena_strdup(mc->a, scope);
	if ((n && !copy) || !sc)
		return; /* not remembered: asked again next time */
	for (size_t i = 0; i < n; i++) {
		copy[i].id = arena_strdup(mc->a, list[i].id);
		copy[i].email = arena_strdup(mc->a, list[i].email);
		if (!copy[i].id || !copy[i].email)
			return;
	}
	*slot = (struct mgr_entry){r, sc, copy, n};
	mc->n++;
}

/* The certifying managers of an account (2.2.2, core/application.h role_certifier): the active
 * holders of the certifying role in the account's agency, project team or contractor; the
 * operators for an agency manager. */
static enum gcas_err managers_of(struct db *db, struct arena *a, struct mgr_cache *mc,
                                 const struct life_cand *acc, struct life_cand **out, size_t *n)
{
	int r = role_certifier(acc->role);
	*out = NULL;
	*n = 0;
	if (r < 0)
		return GCAS_OK;
	const char *ag = NULL, *pj = NULL, *org = NULL, *scope = "";
	if (r != ROLE_OPERATOR)
		ag = acc->agency_id;
	if (r == ROLE_AGENCY_MANAGER)
		scope = acc->agency_id;
	else if (r == ROLE_PROJECT_MANAGER)
		scope = pj = acc->project_id;
	else if (r == ROLE_CONTRACTOR_MANAGER)
		scope = org = acc->org_id;
	if (!scope || (r != ROLE_OPERATOR && !ag))
		return GCAS_OK; /* a broken scope must never widen to every holder of the role */
	size_t h = mgr_hash((enum role)r, scope);
	struct mgr_entry *slot = NULL;
	for (size_t i = 0; mc->slot && i < MGR_SLOTS; i++) {
		struct mgr_entry *m = &mc->slot[(h + i) % MGR_SLOTS];
		if (!m->scope) {
			slot = m;
			break;
		}
		if (m->role == (enum role)r && strcmp(m->scope, scope) == 0) {
			*out = m->list;
			*n = m->n;
			return GCAS_OK;
		}
	}
	enum gcas_err e = store_life_managers(db, a, (enum role)r, ag, pj, org, out, n);
	if (!e && slot && mc->n < MGR_SLOTS / 2)
		mgr_remember(mc, slot, (enum role)r, scope, *out, *n);
	return e;
}

/* Mail the account (tmpl) and each of its managers (tmpl_mgr), with the same variables. */
static enum gcas_err notify(struct db *db, const struct env *env, struct arena *a,
                            struct mgr_cache *mc, const struct life_cand *acc,
                            const struct mail_tmpl *tmpl, const struct mail_tmpl *tmpl_mgr,
                            const char *const *vars)
{
	struct life_cand *mgr;
	size_t n;
	enum gcas_err e = mail_enqueue(db, env, a, acc->email, acc->id, tmpl, vars);
	if (!e)
		e = managers_of(db, a, mc, acc, &mgr, &n);
	for (size_t i = 0; !e && i < n; i++)
		e = mail_enqueue(db, env, a, mgr[i].email, mgr[i].id, tmpl_mgr, vars);
	return e;
}

/* Disabling ends access at once, server-side: sessions, API tokens and set-up links. */
static enum gcas_err end_access(struct db *db, const char *id, int64_t now)
{
	enum gcas_err e = store_session_delete_account(db, id);
	if (!e)
		e = store_token_revoke_account(db, id, now);
	if (!e)
		e = store_link_revoke_account(db, id, now);
	return e;
}

static const char *person_name(struct arena *a, const struct life_cand *c)
{
	return arena_printf(a, "%s %s", c->family_name ? c->family_name : "",
	                    c->given_name ? c->given_name : "");
}

/* ---- the inactivity sweep ------------------------------------------------------------------ */

struct sweep {
	const struct env *env;
	struct arena *a;
	const struct actor *ac;
	int days;  /* N = cfg.inactivity_days */
	int stage; /* -1: disable; 3 or 14: the warning N-3 / N-14 days after last use */
	enum account_status status;
	int64_t lo, hi; /* last_active_at window of this stage; lo advances batch by batch */
	int64_t now;
	struct mgr_cache *mc;
	/* per batch, reset at the start of each (store_tx may run it again) */
	size_t picked;
	int64_t changed, last_at;
};

static enum gcas_err sweep_one(struct db *db, struct sweep *s, struct mgr_cache *mc,
                               const struct life_cand *cand)
{
	int changed = 0;
	enum gcas_err e;
	char days[16], used[16], left[16];
	snprintf(days, sizeof(days), "%d", s->days);
	snprintf(used, sizeof(used), "%d", s->days - (s->stage < 0 ? 0 : s->stage));
	snprintf(left, sizeof(left), "%d", s->stage < 0 ? 0 : s->stage);
	const char *vars[] = {"name",  person_name(s->a, cand),
	                      "email", cand->email,
	                      "days",  days,
	                      "used",  used,
	                      "left",  left,
	                      NULL};
	if (s->stage >= 0) {
		e = store_life_inactive_warn(db, cand->id, s->hi, s->stage, &changed);
		if (e || !changed)
			return e;
		s->changed++;
		return notify(db, s->env, s->a, mc, cand, &tmpl_warn, &tmpl_warn_mgr, vars);
	}
	const char *reason = arena_printf(s->a, "%d日間利用がないため無効化 (規程 別表1)", s->days);
	e = store_life_inactive_disable(db, cand->id, s->hi, reason, s->now, &changed);
	if (e || !changed)
		return e;
	s->changed++;
	if ((e = end_access(db, cand->id, s->now)))
		return e;
	const char *detail = arena_printf(s->a, "{\"days\":%d,\"reason\":\"inactivity\"}", s->days);
	struct audit_event ev = {"account.disable", "account", cand->id,
	                         cand->agency_id,   NULL,      detail};
	if ((e = audit_append(db, s->a, s->ac, &ev)))
		return e;
	return notify(db, s->env, s->a, mc, cand, &tmpl_disabled, &tmpl_disabled_mgr, vars);
}

static enum gcas_err sweep_batch_tx(struct db *db, void *ctx)
{
	struct sweep *s = ctx;
	struct life_cand *cands;
	size_t n;
	s->picked = 0;
	s->changed = 0;
	s->last_at = s->lo;
	enum gcas_err e = store_life_inactive_pick(db, s->a, s->status, s->lo, s->hi, s->stage,
	                                           BATCH, &cands, &n);
	for (size_t i = 0; !e && i < n; i++)
		e = sweep_one(db, s, s->mc, &cands[i]);
	if (e)
		return e;
	s->picked = n;
	if (n)
		s->last_at = cands[n - 1].last_active_at;
	return GCAS_OK;
}

/* One stage over one status, batch after batch. The keyset (lo = the last row's time, inclusive)
 * only moves forward; rows already handled no longer match the selection, so ties at the
 * boundary are picked again only while they still need handling. */
static enum gcas_err sweep_stage(struct sweep *s, int64_t *total)
{
	for (;;) {
		s->a = arena_new(0);
		if (!s->a)
			return GCAS_ERR_NOMEM;
		enum gcas_err e = store_tx(s->env->st, sweep_batch_tx, s);
		arena_free(s->a);
		s->a = NULL;
		if (e)
			return e;
		if (s->stage < 0)
			*total += s->changed;
		int64_t prev = s->lo;
		s->lo = s->last_at;
		/* A short batch is the last. A full batch that changed nothing and did not move
		 * the keyset means another node holds these rows: it will finish them. */
		if (s->picked < BATCH || (s->changed == 0 && s->lo == prev))
			return GCAS_OK;
	}
}

enum gcas_err svc_inactivity_sweep(const struct env *env, int64_t *disabled)
{
	/* 別表1: the account of a person who has not used it for N days is disabled. Operators
	 * are never disabled automatically: the bootstrap operator is the one who re-enables
	 * everyone else, and locking them out would leave nobody able to (their accounts are
	 * reviewed by the operator team instead, R2.7). */
	int days = env->cfg->inactivity_days > 0 ? env->cfg->inactivity_days : 90;
	struct actor ac = actor_system("inactivity sweep");
	int64_t now = clock_now(), total = 0;
	static const enum account_status live[] = {ACCOUNT_ACTIVE, ACCOUNT_PENDING};
	/* Disable first, then the later warning, then the earlier one: an account that missed a
	 * stage (the job did not run that day) gets only the stage it is in now. */
	struct {
		int stage;
		int64_t lo, hi;
	} stages[] = {
	    {-1, INT64_MIN / 2, now - (int64_t)days * DAY},
	    {3, now - (int64_t)days * DAY + 1, now - (int64_t)(days - 3) * DAY},
	    {14, now - (int64_t)(days - 3) * DAY + 1, now - (int64_t)(days - 14) * DAY},
	};
	enum gcas_err e = GCAS_OK;
	struct mgr_cache mc = {.a = arena_new(0)};
	mc.slot = mc.a ? arena_alloc(mc.a, MGR_SLOTS * sizeof(*mc.slot)) : NULL;
	*disabled = 0;
	for (size_t i = 0; !e && i < sizeof(stages) / sizeof(stages[0]); i++) {
		if (stages[i].stage > 0 && days <= stages[i].stage)
			continue; /* N too short for this warning: nothing sensible to say */
		for (size_t k = 0; !e && k < 2; k++) {
			struct sweep s = {.env = env,
			                  .ac = &ac,
			                  .days = days,
			                  .stage = stages[i].stage,
			                  .status = live[k],
			                  .lo = stages[i].lo,
			                  .hi = stages[i].hi,
			                  .now = now,
			                  .mc = &mc};
			e = sweep_stage(&s, &total);
		}
	}
	arena_free(mc.a);
	*disabled = total;
	return e;
}

/* ---- departures (R2.6) ------------------------------------------------------------------- */

static enum gcas_err late_of(struct db *db, struct arena *a, struct ymd today, struct ymd dep,
                             int *late)
{
	struct calendar cal;
	enum gcas_err e = svc_calendar_load(db, a, &cal);
	if (e)
		return e;
	/* R2.6: applied later than 5 business days before the date (R2.10 calendar). */
	*late = ymd_cmp(today, calendar_add_business_days(&cal, dep, -5)) > 0;
	return GCAS_OK;
}

struct late_ctx {
	struct arena *a;
	struct ymd today, dep;
	int late;
};

static enum gcas_err late_tx(struct db *db, void *ctx)
{
	struct late_ctx *c = ctx;
	return late_of(db, c->a, c->today, c->dep, &c->late);
}

enum gcas_err svc_departure_late(const struct env *env, struct arena *a, const char *departure_on,
                                 int *late)
{
	struct late_ctx c = {.a = a, .today = ymd_of_epoch_jst(clock_now())};
	*late = 0;
	if (!departure_on || ymd_parse(departure_on, &c.dep) || !ymd_valid(c.dep))
		return GCAS_ERR_INVALID;
	enum gcas_err e = store_run(env->st, late_tx, &c);
	*late = c.late;
	return e;
}

struct dep_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id, *day, *reason;
	struct ymd today, dep;
	struct application *app;
	struct verrs *ve;
	const char *denied_agency;
};

static enum gcas_err departure_tx(struct db *db, void *ctx)
{
	struct dep_ctx *c = ctx;
	struct account acc;
	int late = 0;
	int64_t now = clock_now();
	enum gcas_err e = store_account_get(db, c->a, c->id, &acc);
	if (e)
		return e;
	if (acc.status == ACCOUNT_DELETED)
		return GCAS_ERR_NOTFOUND;
	struct target t = account_target(&acc);
	if (!policy_allows(&c->ac->subj, ACT_APP_APPLY, &t)) {
		c->denied_agency = acc.agency_id;
		return GCAS_ERR_DENIED;
	}
	/* The date is kept on the account (the departure job disables it after that day) and the
	 * person leaves every group at once: a leaver keeps no group's access meanwhile. */
	if ((e = store_life_set_departure(db, acc.id, c->day, now)) ||
	    (e = store_member_remove_all(db, acc.id)))
		return e;
	struct app_input in = {
	    .kind = "delete", .account_id = acc.id, .reason = c->reason, .departure_on = c->day};
	if ((e = app_create_tx(db, c->env, c->ac, c->a, &in, c->app, c->ve)))
		return e;
	if ((e = late_of(db, c->a, c->today, c->dep, &late)))
		return e;
	const char *detail =
	    arena_printf(c->a, "{\"application_id\":\"%s\",\"departure_on\":\"%s\",\"late\":%s}",
	                 c->app->id ? c->app->id : "", c->day, late ? "true" : "false");
	struct audit_event ev = {"account.departure", "account", acc.id,
	                         acc.agency_id,       NULL,      detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_departure(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *account_id, const char *departure_on, const char *reason,
                            struct application *app, struct verrs *ve)
{
	struct dep_ctx c = {.env = env,
	                    .ac = ac,
	                    .a = a,
	                    .id = account_id ? account_id : "",
	                    .day = departure_on,
	                    .reason = reason,
	                    .today = ymd_of_epoch_jst(clock_now()),
	                    .app = app,
	                    .ve = ve};
	if (!policy_role_can(ac->subj.role, ACT_APP_APPLY))
		return audit_denied(env, ac, ACT_APP_APPLY, "account", account_id, NULL);
	if (!departure_on || !*departure_on)
		verr_add(ve, "departure_on", "離任日を入力してください",
		         "Enter the departure date");
	else if (ymd_parse(departure_on, &c.dep) || !ymd_valid(c.dep))
		verr_add(ve, "departure_on", "離任日は YYYY-MM-DD の形式の日付で入力してください",
		         "Enter the departure date as YYYY-MM-DD");
	else if (ymd_cmp(c.dep, c.today) < 0)
		verr_add(ve, "departure_on", "離任日に過去の日付は指定できません",
		         "The departure date cannot be in the past");
	if (!reason || !*reason)
		verr_add(ve, "reason", "理由を入力してください", "Enter the reason");
	if (ve->n)
		return GCAS_ERR_INVALID;
	/* Keep the canonical form "YYYY-MM-DD" whatever separator was typed. */
	char day[11];
	ymd_format(c.dep, day);
	c.day = arena_strdup(a, day);
	if (!c.day)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = store_tx(env->st, departure_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_APP_APPLY, "account", account_id, c.denied_agency);
	return e;
}

struct dsweep {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *today;
	int64_t now;
	size_t picked;
	int64_t changed;
};

static enum gcas_err departed_batch_tx(struct db *db, void *ctx)
{
	struct dsweep *s = ctx;
	struct life_cand *cands;
	size_t n;
	static const char reason[] = "離任日経過 (規程 別表1)";
	s->picked = 0;
	s->changed = 0;
	enum gcas_err e = store_life_departed_pick(db, s->a, s->today, BATCH, &cands, &n);
	for (size_t i = 0; !e && i < n; i++) {
		int changed = 0;
		e = store_life_departed_disable(db, cands[i].id, s->today, reason, s->now,
		                                &changed);
		if (e || !changed)
			continue;
		s->changed++;
		if ((e = end_access(db, cands[i].id, s->now)))
			break;
		const char *detail = audit_json(s->a, "departure_on", cands[i].departure_on,
		                                "reason", "departure", NULL);
		struct audit_event ev = {"account.disable",  "account", cands[i].id,
		                         cands[i].agency_id, NULL,      detail};
		e = audit_append(db, s->a, s->ac, &ev);
	}
	if (!e)
		s->picked = n;
	return e;
}

enum gcas_err svc_departure_sweep(const struct env *env, int64_t *disabled)
{
	struct actor ac = actor_system("departure sweep");
	char today[11];
	int64_t now = clock_now();
	/* R2.6: access ends with the departure date, i.e. once that day is over in Japan: the
	 * first run on the next day (JST) disables the account. */
	ymd_format(ymd_of_epoch_jst(now), today);
	struct dsweep s = {.env = env, .ac = &ac, .today = today, .now = now};
	*disabled = 0;
	for (;;) {
		if (!(s.a = arena_new(0)))
			return GCAS_ERR_NOMEM;
		enum gcas_err e = store_tx(env->st, departed_batch_tx, &s);
		arena_free(s.a);
		if (e)
			return e;
		*disabled += s.changed;
		/* Handled rows drop out of the selection; a full batch with no change means
		 * another node is on them. */
		if (s.picked < BATCH || s.changed == 0)
			return GCAS_OK;
	}
}

/* ---- organisations ending their use (R2.9) ---------------------------------------------- */

enum gcas_err lifecycle_org_end_tx(struct db *db, const struct env *env, struct arena *a,
                                   const struct actor *ac, const char *org_id,
                                   const char *application_id, int64_t *deleted)
{
	struct org o;
	struct life_org_end r;
	int64_t now = clock_now();
	(void)env;
	*deleted = 0;
	enum gcas_err e = store_org_get(db, a, org_id ? org_id : "", &o);
	if (e)
		return e;
	if (o.kind == ORG_OPERATOR)
		return GCAS_ERR_INVALID; /* the operator's own organisation never ends this way */
	/* 5.2.1: the user agency's information is the agency's to delete, so its accounts,
	 * factors, sessions, tokens, memberships and groups go. What stays is what the operator
	 * keeps for information security (5.2.1 first exception: logs and the information they
	 * rest on): the audit chain, the applications, and the organisation rows and account
	 * tombstones (ids, roles, no personal data) those records refer to. */
	e = store_life_org_end(db, o.id, "利用終了に伴い削除 (規程 5.2.1)", "削除済み",
	                       "サクジョズミ", now, &r);
	if (e)
		return e;
	const char *detail = arena_printf(
	    a,
	    "{\"accounts\":%lld,\"application_id\":\"%s\",\"groups\":%lld,\"memberships\":%lld,"
	    "\"orgs\":%lld,\"sessions\":%lld,\"tokens\":%lld}",
	    (long long)r.accounts, application_id ? application_id : "", (long long)r.groups,
	    (long long)r.memberships, (long long)r.orgs, (long long)r.sessions,
	    (long long)r.tokens);
	struct audit_event ev = {"org.end", "org", o.id, o.agency_id, NULL, detail};
	if ((e = audit_append(db, a, ac, &ev)))
		return e;
	*deleted = r.accounts;
	return GCAS_OK;
}
