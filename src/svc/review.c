/* SPDX-License-Identifier: MIT */
/* Periodic review campaigns (R2.7, 別表1 second row): opening a campaign with one item per
 * account, deciding items along the certification chain (2.2.2), escalating undecided items and
 * reminding reviewers (the hourly job), closing, and the CSV export for the records. */
#include "svc/review.h"

#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "base/str.h"
#include "core/application.h"
#include "core/validate.h"
#include "svc/accounts.h"
#include "store/applications.h"
#include "svc/applications.h"
#include "svc/audit.h"
#include "svc/calendar.h"
#include "svc/mail.h"
#include "svc/privacy.h"

#define NAME_MAX_CP   100
#define REASON_MAX_CP 500
#define OPEN_BATCH    500 /* accounts read per statement while opening */
#define JOB_BATCH     200 /* overdue items escalated per statement */
#define MAIL_MAX      100000

static const struct mail_tmpl tmpl_assigned = {
    "review.assigned", "【GCAS】アカウントの定期確認をお願いします（{{campaign}}）",
    "[GCAS] Please review accounts ({{campaign}})",
    "{{name}} 様\n\n"
    "GCASアカウントの定期確認「{{campaign}}」で、あなたが確認する"
    "アカウントが {{count}} 件あります。\n"
    "利用の必要性・有効性・利用期間・権限の範囲を確認し、継続・変更・削除を"
    "{{deadline}} までに判断してください。\n"
    "期限までに判断されない項目は、上位の責任者に回付されます。\n\n{{url}}\n",
    "Dear {{name}},\n\n"
    "In the GCAS account review \"{{campaign}}\" there are {{count}} accounts for you to "
    "review.\nCheck each account's necessity, validity, period of use and scope of privileges "
    "and decide keep, change or remove by {{deadline}} (Japan time).\n"
    "Items not decided by then go to the manager above you.\n\n{{url}}\n"};

static const struct mail_tmpl tmpl_reminder = {
    "review.reminder", "【GCAS】定期確認の期限が近づいています（{{campaign}}）",
    "[GCAS] Account review due soon ({{campaign}})",
    "{{name}} 様\n\n"
    "GCASアカウントの定期確認「{{campaign}}」で、未判断のアカウントが {{count}} 件"
    "あります。期限は {{deadline}} です。\n\n{{url}}\n",
    "Dear {{name}},\n\n"
    "In the GCAS account review \"{{campaign}}\" {{count}} accounts are still undecided. "
    "They are due by {{deadline}} (Japan time).\n\n{{url}}\n"};

static int eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

const char *review_decision_label(const char *decision, int english)
{
	if (eq(decision, "keep"))
		return english ? "Keep" : "継続";
	if (eq(decision, "change"))
		return english ? "Change" : "変更";
	if (eq(decision, "remove"))
		return english ? "Remove" : "削除";
	return english ? "Undecided" : "未判断";
}

static int decision_valid(const char *d)
{
	return eq(d, "keep") || eq(d, "change") || eq(d, "remove");
}

/* End of the day d in Japan: the deadline is inclusive of that whole day. */
static int64_t end_of_day_jst(struct ymd d)
{
	return ymd_epoch_jst(ymd_add_days(d, 1)) - 1;
}

/* The items a reader may see (R7.1 applied to reviews): the operator all, an agency manager
 * their agency's (ACT_REVIEW_VIEW), project and contractor managers the items they decide.
 * mine narrows everyone to the items they decide. Returns 0 when the reader sees nothing. */
static int reader_scope(const struct actor *ac, int mine, struct review_item_filter *f)
{
	const struct subject *s = &ac->subj;
	*f = (struct review_item_filter){.reviewer_role = -1};
	switch (s->role) {
	case ROLE_OPERATOR:
		if (mine)
			f->reviewer_role = ROLE_OPERATOR;
		return 1;
	case ROLE_AGENCY_MANAGER:
		f->agency_id = s->agency_id;
		if (mine)
			f->reviewer_role = ROLE_AGENCY_MANAGER;
		return s->agency_id != NULL;
	case ROLE_PROJECT_MANAGER:
		f->project_id = s->project_id;
		f->reviewer_role = ROLE_PROJECT_MANAGER;
		return s->project_id != NULL;
	case ROLE_CONTRACTOR_MANAGER:
		f->org_id = s->org_id;
		f->reviewer_role = ROLE_CONTRACTOR_MANAGER;
		return s->org_id != NULL;
	default:
		return 0; /* staff roles review nobody */
	}
}

/* A campaign the reader takes part in: every one for the operator; for managers, campaigns of
 * every agency or of their own. */
static int campaign_visible(const struct actor *ac, const struct review_campaign *c)
{
	struct review_item_filter f;
	if (!reader_scope(ac, 0, &f))
		return 0;
	return ac->subj.role == ROLE_OPERATOR || !c->agency_id ||
	       eq(c->agency_id, ac->subj.agency_id);
}

int review_can_decide(const struct actor *ac, const struct review_item *it)
{
	const struct subject *s = &ac->subj;
	if (it->decision || !eq(it->campaign_state, "open"))
		return 0;
	if (s->account_id && eq(s->account_id, it->account_id))
		return 0; /* nobody re-certifies themselves */
	if (s->role == ROLE_OPERATOR)
		return 1; /* the top of the chain may decide any item (5.4.3) */
	if (s->role != it->reviewer_role)
		return 0;
	switch (s->role) {
	case ROLE_AGENCY_MANAGER:
		return eq(s->agency_id, it->agency_id);
	case ROLE_PROJECT_MANAGER:
		return eq(s->project_id, it->project_id);
	case ROLE_CONTRACTOR_MANAGER:
		return eq(s->org_id, it->org_id);
	default:
		return 0;
	}
}

/* ---- mail ---------------------------------------------------------------------------------- */

/* Queue the notifications the items of campaign_id (NULL: all) owe, one per person, campaign
 * and kind, then forget them: inside the caller's transaction, so a rollback unsends too. */
static enum gcas_err send_pending(struct db *db, const struct env *env, struct arena *a,
                                  const char *campaign_id, int64_t *sent)
{
	struct review_mail *m;
	size_t n;
	enum gcas_err e = store_review_mail_pending(db, a, campaign_id, MAIL_MAX, &m, &n);
	for (size_t i = 0; !e && i < n; i++) {
		char when[24];
		clock_fmt_jst(when, m[i].deadline_at);
		const char *vars[] = {"name",
		                      arena_printf(a, "%s %s", m[i].family_name, m[i].given_name),
		                      "campaign",
		                      m[i].campaign_name,
		                      "count",
		                      arena_printf(a, "%lld", (long long)m[i].items),
		                      "deadline",
		                      arena_strdup(a, when),
		                      "url",
		                      arena_printf(a, "%s/reviews/%s",
		                                   env->cfg->base_url ? env->cfg->base_url : "",
		                                   m[i].campaign_id),
		                      NULL};
		const struct mail_tmpl *t =
		    eq(m[i].kind, "reminder") ? &tmpl_reminder : &tmpl_assigned;
		e = mail_enqueue(db, env, a, m[i].email, m[i].account_id, t, vars);
	}
	if (!e)
		e = store_review_mail_clear(db, campaign_id);
	if (!e && sent)
		*sent += (int64_t)n;
	return e;
}

/* ---- open ---------------------------------------------------------------------------------- */

struct open_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	struct review_campaign *c;
	struct verrs *ve;
	int64_t items;
};

static enum gcas_err open_items(struct db *db, struct open_ctx *c)
{
	struct account_filter f = {.agency_id = c->c->agency_id, .role = -1, .status = -1};
	struct page pg = {.limit = OPEN_BATCH};
	for (;;) {
		struct account *acc;
		size_t n;
		enum gcas_err e = store_account_list(db, c->a, &f, &pg, &acc, &n);
		for (size_t i = 0; !e && i < n; i++) {
			int rr = role_certifier(acc[i].role);
			if (acc[i].role == ROLE_OPERATOR || rr < 0 ||
			    acc[i].status == ACCOUNT_DELETED)
				continue;
			char *id = arena_alloc(c->a, 33);
			if (!id || rand_id(id))
				return GCAS_ERR_NOMEM;
			struct review_item it = {.id = id,
			                         .campaign_id = c->c->id,
			                         .account_id = acc[i].id,
			                         .org_id = acc[i].org_id,
			                         .agency_id = acc[i].agency_id,
			                         .project_id = acc[i].project_id,
			                         .reviewer_role = (enum role)rr};
			e = store_review_item_insert(db, &it, c->c->deadline_at);
			c->items++;
		}
		if (e)
			return e;
		if (!pg.next)
			return GCAS_OK;
		pg.after = pg.next;
	}
}

static enum gcas_err open_tx(struct db *db, void *ctx)
{
	struct open_ctx *c = ctx;
	struct org o;
	c->items = 0;
	if (c->c->agency_id) {
		enum gcas_err e = store_org_get(db, c->a, c->c->agency_id, &o);
		if (e == GCAS_ERR_NOTFOUND || (!e && o.kind != ORG_AGENCY)) {
			verr_add(c->ve, "agency_id", "利用機関が見つかりません",
			         "The agency was not found");
			return GCAS_ERR_INVALID;
		}
		if (e)
			return e;
	}
	enum gcas_err e = store_review_campaign_insert(db, c->c);
	if (!e)
		e = open_items(db, c);
	if (!e)
		e = send_pending(db, c->env, c->a, c->c->id, NULL);
	if (e)
		return e;
	char *detail = audit_json(c->a, "name", c->c->name, "items",
	                          arena_printf(c->a, "%lld", (long long)c->items), "agency_id",
	                          c->c->agency_id, NULL);
	struct audit_event ev = {"review.open", "review", c->c->id, c->c->agency_id, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

static void check_text(struct verrs *ve, const char *field, const char *s, size_t max_cp,
                       int multiline)
{
	enum vproblem p = !s || !*s ? VP_EMPTY : validate_text(s, max_cp, multiline);
	if (!p && validate_individual_number_in(s))
		p = VP_INDIVIDUAL_NUMBER; /* 番号法: we may not hold Individual Numbers */
	if (!p && (s[0] == ' ' || s[strlen(s) - 1] == ' '))
		p = VP_EDGE_SPACE;
	if (p)
		verr_add(ve, field, validate_msg(p, 0), validate_msg(p, 1));
}

enum gcas_err svc_review_open(const struct env *env, const struct actor *ac, struct arena *a,
                              const struct review_open_input *in, struct review_campaign *out,
                              struct verrs *ve)
{
	struct verrs dummy = {0};
	struct ymd d;
	if (!ve)
		ve = &dummy;
	if (!policy_allows(&ac->subj, ACT_REVIEW_MANAGE, NULL))
		return audit_denied(env, ac, ACT_REVIEW_MANAGE, "review", NULL, NULL);
	check_text(ve, "name", in->name, NAME_MAX_CP, 0);
	int64_t now = clock_now();
	struct ymd today = ymd_of_epoch_jst(now);
	if (!in->deadline || !*in->deadline)
		verr_add(ve, "deadline", "期限を入力してください", "Enter the deadline");
	else if (strlen(in->deadline) != 10 || ymd_parse(in->deadline, &d))
		verr_add(ve, "deadline", "期限は YYYY-MM-DD の形式の日付で入力してください",
		         "Enter the deadline as a date, YYYY-MM-DD");
	else if (ymd_cmp(d, today) <= 0)
		verr_add(ve, "deadline", "期限は明日以降の日付にしてください",
		         "The deadline must be a date after today");
	if (ve->n)
		return GCAS_ERR_INVALID;
	char *id = arena_alloc(a, 33);
	if (!id || rand_id(id))
		return GCAS_ERR_NOMEM;
	struct review_campaign c = {.id = id,
	                            .name = in->name,
	                            .agency_id =
	                                in->agency_id && *in->agency_id ? in->agency_id : NULL,
	                            .state = "open",
	                            .opened_by = ac->label ? ac->label : "system",
	                            .opened_at = now,
	                            .deadline_at = end_of_day_jst(d)};
	struct open_ctx ctx = {env, ac, a, &c, ve, 0};
	enum gcas_err e = store_tx(env->st, open_tx, &ctx);
	if (e)
		return e;
	c.items = ctx.items;
	if (out)
		*out = c;
	return GCAS_OK;
}

/* ---- close, list, get ---------------------------------------------------------------------- */

struct camp_ctx {
	struct arena *a;
	const char *id;
	const struct actor *ac;
	struct review_campaign *c;
	struct review_item_filter f;
	int64_t undecided;
};

static enum gcas_err close_tx(struct db *db, void *ctx)
{
	struct camp_ctx *c = ctx;
	enum gcas_err e = store_review_campaign_get(db, c->a, c->id, NULL, c->c);
	if (!e)
		e = store_review_campaign_close(db, c->id, clock_now());
	if (e)
		return e;
	c->undecided = c->c->items - c->c->decided;
	char *detail = audit_json(c->a, "undecided",
	                          arena_printf(c->a, "%lld", (long long)c->undecided), NULL);
	struct audit_event ev = {"review.close", "review", c->id, c->c->agency_id, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_review_close(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *id)
{
	struct review_campaign rc;
	if (!policy_allows(&ac->subj, ACT_REVIEW_MANAGE, NULL))
		return audit_denied(env, ac, ACT_REVIEW_MANAGE, "review", id, NULL);
	struct camp_ctx c = {.a = a, .id = id, .ac = ac, .c = &rc};
	return store_tx(env->st, close_tx, &c);
}

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct camp_ctx *c = ctx;
	return store_review_campaign_get(db, c->a, c->id, &c->f, c->c);
}

enum gcas_err svc_review_get(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, struct review_campaign *out)
{
	struct camp_ctx c = {.a = a, .id = id, .ac = ac, .c = out};
	if (!reader_scope(ac, 0, &c.f))
		return audit_denied(env, ac, ACT_REVIEW_VIEW, "review", id, NULL);
	enum gcas_err e = store_run(env->st, get_tx, &c);
	if (e)
		return e;
	if (!campaign_visible(ac, out))
		return audit_denied(env, ac, ACT_REVIEW_VIEW, "review", id, out->agency_id);
	return GCAS_OK;
}

struct list_ctx {
	struct arena *a;
	const char *agency_id;
	struct review_item_filter f;
	struct page *pg;
	struct review_campaign *c;
	struct review_item *it;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_review_campaign_list(db, c->a, c->agency_id, &c->f, c->pg, &c->c, &c->n);
}

enum gcas_err svc_review_list(const struct env *env, const struct actor *ac, struct arena *a,
                              struct page *pg, struct review_campaign **out, size_t *n)
{
	struct list_ctx c = {.a = a, .pg = pg};
	*out = NULL;
	*n = 0;
	if (pg)
		pg->next = NULL;
	if (!reader_scope(ac, 0, &c.f))
		return GCAS_OK;
	c.agency_id = ac->subj.role == ROLE_OPERATOR ? NULL : ac->subj.agency_id;
	enum gcas_err e = store_run(env->st, list_tx, &c);
	if (e)
		return e;
	*out = c.c;
	*n = c.n;
	return GCAS_OK;
}

static enum gcas_err items_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_review_item_list(db, c->a, &c->f, c->pg, &c->it, &c->n);
}

enum gcas_err svc_review_items(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *campaign_id, int mine, int undecided, struct page *pg,
                               struct review_item **out, size_t *n)
{
	struct list_ctx c = {.a = a, .pg = pg};
	*out = NULL;
	*n = 0;
	if (pg)
		pg->next = NULL;
	if (!reader_scope(ac, mine, &c.f))
		return GCAS_OK;
	c.f.campaign_id = campaign_id;
	c.f.undecided = undecided;
	c.f.open_only = campaign_id == NULL;
	enum gcas_err e = store_run(env->st, items_tx, &c);
	if (e)
		return e;
	/* R7.2 (regulation §5.2.2): the items are people. The items the operator is to decide
	 * (mine) are its own work queue (別表1: escalated to the operator), a workflow read
	 * recorded without asking; browsing a campaign's items needs the declared purpose. */
	const char *extra[] = {"campaign_id", campaign_id,
	                       "mine",        mine ? "1" : "0",
	                       "count",       arena_printf(a, "%zu", c.n),
	                       NULL};
	struct audit_event ev = {"review.items.list", "review", campaign_id, NULL, NULL, NULL};
	if ((e = purpose_record_read(env, NULL, a, ac, mine ? "review items to decide" : NULL, &ev,
	                             extra)))
		return e;
	*out = c.it;
	*n = c.n;
	return GCAS_OK;
}

/* ---- decide -------------------------------------------------------------------------------- */

struct decide_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *campaign_id, *id, *decision, *reason;
	struct review_item *out;
	struct verrs *ve;
	const char *denied_agency;
};

/* "remove": file the deletion application in the same transaction when the decider may apply
 * for this account (ACT_APP_APPLY follows the certification chain; an escalated decider above
 * the certifier may not, and the item says so). */
static enum gcas_err file_removal(struct db *db, struct decide_ctx *c, const struct account *acc,
                                  const char **app_id, const char **result)
{
	struct target t = account_target(acc);
	*app_id = NULL;
	if (acc->status == ACCOUNT_DELETED) {
		*result = "account already deleted / アカウントは削除済み";
		return GCAS_OK;
	}
	/* R2.6 + R2.7: a leaver is exactly whom a reviewer removes; when the deletion is already
	 * applied for (a departure, an earlier decision), the decision is recorded against that
	 * application rather than refused as a second one (S1: one open per account and kind). */
	const char *open_id = NULL;
	enum gcas_err e = store_app_open_id_for_account(db, c->a, acc->id, APP_DELETE, &open_id);
	if (e == GCAS_OK) {
		*app_id = open_id;
		*result = arena_printf(c->a, "existing deletion application %s / 既存の削除申請 %s",
		                       open_id, open_id);
		return *result ? GCAS_OK : GCAS_ERR_NOMEM;
	}
	if (e != GCAS_ERR_NOTFOUND)
		return e;
	if (!policy_allows(&c->ac->subj, ACT_APP_APPLY, &t)) {
		*result = "no application: the certifying manager applies for the deletion / "
		          "申請なし：認証する責任者が削除を申請してください";
		return GCAS_OK;
	}
	struct app_input in = {
	    .kind = "delete",
	    .account_id = acc->id,
	    .reason = arena_printf(c->a, "定期確認（%s）: %s", c->out->campaign_name, c->reason)};
	struct application app;
	e = app_create_tx(db, c->env, c->ac, c->a, &in, &app, c->ve);
	if (e)
		return e;
	*app_id = app.id;
	*result = arena_printf(c->a, "deletion application %s / 削除申請 %s", app.id, app.id);
	return *result ? GCAS_OK : GCAS_ERR_NOMEM;
}

static enum gcas_err decide_tx(struct db *db, void *ctx)
{
	struct decide_ctx *c = ctx;
	struct account acc;
	enum gcas_err e = store_review_item_get(db, c->a, c->id, c->out);
	if (!e && c->campaign_id && !eq(c->campaign_id, c->out->campaign_id))
		e = GCAS_ERR_NOTFOUND; /* /reviews/A/items/<an item of B> */
	if (!e)
		e = store_account_get(db, c->a, c->out->account_id, &acc);
	if (e)
		return e;
	struct target t = account_target(&acc);
	struct review_item probe = *c->out;
	probe.decision = NULL;
	probe.campaign_state = "open";
	if (!policy_allows(&c->ac->subj, ACT_REVIEW_DECIDE, &t) ||
	    !review_can_decide(c->ac, &probe)) {
		c->denied_agency = c->out->agency_id;
		return GCAS_ERR_DENIED;
	}
	if (c->out->decision || !eq(c->out->campaign_state, "open")) {
		verr_add(c->ve, "decision", "この項目は既に判断済みか、確認が終了しています",
		         "This item was decided already or the review has closed");
		return GCAS_ERR_CONFLICT;
	}
	int64_t now = clock_now();
	const char *decider = c->ac->acc ? c->ac->acc->id : NULL;
	e = store_review_item_decide(db, c->id, c->decision, c->reason, decider, now);
	if (e == GCAS_ERR_CONFLICT)
		verr_add(c->ve, "decision", "この項目は既に判断済みです",
		         "This item was decided already");
	if (e)
		return e;
	const char *app_id = NULL, *result = NULL;
	if (eq(c->decision, "remove")) {
		if ((e = file_removal(db, c, &acc, &app_id, &result)))
			return e;
		if ((e = store_review_item_result(db, c->id, app_id, result)))
			return e;
	}
	c->out->decision = c->decision;
	c->out->reason = c->reason;
	c->out->decided_by = decider;
	c->out->decided_by_email = c->ac->acc ? c->ac->acc->email : NULL;
	c->out->decided_at = now;
	c->out->application_id = app_id;
	c->out->result = result;
	char *detail = audit_json(c->a, "campaign_id", c->out->campaign_id, "account_id", acc.id,
	                          "decision", c->decision, "application_id", app_id, NULL);
	struct audit_event ev = {"review.decide",   "review_item", c->id,
	                         c->out->agency_id, NULL,          detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_review_decide(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *campaign_id, const char *item_id, const char *decision,
                                const char *reason, struct review_item *out, struct verrs *ve)
{
	struct verrs dummy = {0};
	struct review_item it;
	if (!ve)
		ve = &dummy;
	if (!policy_role_can(ac->subj.role, ACT_REVIEW_DECIDE))
		return audit_denied(env, ac, ACT_REVIEW_DECIDE, "review_item", item_id, NULL);
	if (!decision_valid(decision))
		verr_add(ve, "decision", "継続・変更・削除のいずれかを選んでください",
		         "Choose keep, change or remove");
	check_text(ve, "reason", reason, REASON_MAX_CP, 1);
	if (ve->n)
		return GCAS_ERR_INVALID;
	struct decide_ctx c = {env, ac,  a, campaign_id, item_id, decision, reason, out ? out : &it,
	                       ve,  NULL};
	enum gcas_err e = store_tx(env->st, decide_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_REVIEW_DECIDE, "review_item", item_id,
		                    c.denied_agency);
	return e;
}

/* ---- export (RFC 4180) --------------------------------------------------------------------- */

static void csv_cell(struct buf *b, const char *s, int last)
{
	if (!s)
		s = "";
	/* A cell a spreadsheet would evaluate (=, +, -, @, tab, CR) is kept as text. */
	int formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
	buf_putc(b, '"');
	if (formula)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"'); /* RFC 4180 §2.7: a quote is doubled */
		buf_putc(b, *s);
	}
	buf_puts(b, last ? "\"\r\n" : "\",");
}

struct export_ctx {
	struct arena *a;
	struct review_item_filter f;
	struct buf *out;
	int64_t rows;
};

static enum gcas_err export_tx(struct db *db, void *ctx)
{
	struct export_ctx *c = ctx;
	struct page pg = {.limit = 500};
	for (;;) {
		struct review_item *it;
		size_t n;
		enum gcas_err e = store_review_item_list(db, c->a, &c->f, &pg, &it, &n);
		if (e)
			return e;
		for (size_t i = 0; i < n; i++) {
			char when[24] = "";
			if (it[i].decided_at)
				clock_fmt_jst(when, it[i].decided_at);
			struct buf *b = c->out;
			csv_cell(b, it[i].email, 0);
			csv_cell(
			    b, arena_printf(c->a, "%s %s", it[i].family_name, it[i].given_name), 0);
			csv_cell(b, role_label(it[i].role, 0), 0);
			csv_cell(b, it[i].org_name, 0);
			csv_cell(b, role_label(it[i].reviewer_role, 0), 0);
			csv_cell(b, arena_printf(c->a, "%d", it[i].escalations), 0);
			csv_cell(b, review_decision_label(it[i].decision, 0), 0);
			csv_cell(b, it[i].reason, 0);
			csv_cell(b, it[i].decided_by_email, 0);
			csv_cell(b, when, 1);
			c->rows++;
		}
		if (c->out->failed)
			return GCAS_ERR_NOMEM;
		if (!pg.next)
			return GCAS_OK;
		pg.after = pg.next;
	}
}

enum gcas_err svc_review_export(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *id, struct buf *out, int64_t *rows)
{
	struct review_campaign rc;
	struct camp_ctx cc = {.a = a, .id = id, .ac = ac, .c = &rc, .f = {.reviewer_role = -1}};
	enum gcas_err e = store_run(env->st, get_tx, &cc);
	if (e)
		return e;
	struct export_ctx c = {.a = a, .f = {.reviewer_role = -1, .campaign_id = id}, .out = out};
	if (ac->subj.role != ROLE_OPERATOR) {
		/* ACT_REVIEW_VIEW for the reader's own agency: an agency manager gets its rows. */
		struct target t = {.org_id = ac->subj.agency_id, .agency_id = ac->subj.agency_id};
		if (!ac->subj.agency_id || !policy_allows(&ac->subj, ACT_REVIEW_VIEW, &t) ||
		    (rc.agency_id && !eq(rc.agency_id, ac->subj.agency_id)))
			return audit_denied(env, ac, ACT_REVIEW_VIEW, "review", id, rc.agency_id);
		c.f.agency_id = ac->subj.agency_id;
	} else if (!policy_allows(&ac->subj, ACT_REVIEW_VIEW, NULL)) {
		return audit_denied(env, ac, ACT_REVIEW_VIEW, "review", id, rc.agency_id);
	}
	buf_puts(out, "\xEF\xBB\xBF"); /* UTF-8 BOM: Excel otherwise reads Shift_JIS */
	static const char *const head[] = {"メールアドレス", "氏名",           "役割", "所属組織",
	                                   "確認者の役割",   "回付回数",       "判断", "理由",
	                                   "判断者",         "判断日時（JST）"};
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_cell(out, head[i], i + 1 == sizeof(head) / sizeof(head[0]));
	if ((e = store_run(env->st, export_tx, &c)))
		return e;
	if (rows)
		*rows = c.rows;
	if (purpose_read_recorded(ac, NULL)) {
		/* R7.2: the operator's export is a read of user information, recorded with its
		 * purpose. */
		const char *extra[] = {"rows", arena_printf(a, "%lld", (long long)c.rows), NULL};
		struct audit_event pev = {"review.export", "review", id, rc.agency_id, NULL, NULL};
		return purpose_record_read(env, NULL, a, ac, NULL, &pev, extra);
	}
	struct audit_event ev = {"review.export",
	                         "review",
	                         id,
	                         c.f.agency_id ? c.f.agency_id : rc.agency_id,
	                         NULL,
	                         audit_json(a, "rows", arena_printf(a, "%lld", (long long)c.rows),
	                                    "agency_id", c.f.agency_id, NULL)};
	return audit_record(env, ac, &ev);
}

/* ---- the job ------------------------------------------------------------------------------- */

struct run_ctx {
	const struct env *env;
	int64_t escalated, reminded;
};

static enum gcas_err escalate_batch(struct db *db, struct arena *a, const struct calendar *cal,
                                    int64_t now, size_t *n, int64_t *done)
{
	struct actor sys = actor_system("review escalation");
	struct review_item *it;
	enum gcas_err e = store_review_item_overdue(db, a, now, JOB_BATCH, &it, n);
	for (size_t i = 0; !e && i < *n; i++) {
		int up = role_certifier(it[i].reviewer_role);
		if (up < 0)
			continue;
		/* The escalated reviewer gets 5 more business days from the missed deadline
		 * (R2.10 calendar: weekends, holidays, 29 Dec - 3 Jan do not count). */
		struct ymd d = calendar_add_business_days(cal, ymd_of_epoch_jst(it[i].deadline_at),
		                                          REVIEW_ESCALATION_BUSINESS_DAYS);
		e = store_review_item_escalate(db, it[i].id, (enum role)up, end_of_day_jst(d), now);
		if (e == GCAS_ERR_NOTFOUND) {
			e = GCAS_OK; /* decided meanwhile */
			continue;
		}
		if (e)
			break;
		char *detail = audit_json(a, "campaign_id", it[i].campaign_id, "account_id",
		                          it[i].account_id, "from", role_name(it[i].reviewer_role),
		                          "to", role_name((enum role)up), NULL);
		struct audit_event ev = {"review.escalate", "review_item", it[i].id,
		                         it[i].agency_id,   NULL,          detail};
		e = audit_append(db, a, &sys, &ev);
		(*done)++;
	}
	return e;
}

static enum gcas_err run_tx(struct db *db, void *ctx)
{
	struct run_ctx *c = ctx;
	struct arena *a = arena_new(0);
	struct calendar cal;
	int64_t now = clock_now();
	c->escalated = c->reminded = 0;
	enum gcas_err e = a ? svc_calendar_load(db, a, &cal) : GCAS_ERR_NOMEM;
	/* Each escalation moves an item one step up a chain of at most three, so this ends. */
	for (size_t n = JOB_BATCH; !e && n == JOB_BATCH;)
		e = escalate_batch(db, a, &cal, now, &n, &c->escalated);
	if (!e)
		e = store_review_remind_mark(db, now, &c->reminded);
	if (!e)
		e = send_pending(db, c->env, a, NULL, NULL);
	arena_free(a);
	return e;
}

enum gcas_err svc_review_run(const struct env *env, int64_t *count)
{
	struct run_ctx c = {env, 0, 0};
	enum gcas_err e = store_tx(env->st, run_tx, &c);
	*count = e ? 0 : c.escalated + c.reminded;
	return e;
}
