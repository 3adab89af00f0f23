/* SPDX-License-Identifier: MIT */
/* Pages for the lifecycle over time: recording a person's departure (R2.6: the date, leaving every
 * group, the deletion application, flagged late when fewer than 5 business days ahead) and
 * applying for an agency or project team to end its use (R2.9). The use cases decide and audit;
 * these pages ask the matrix first only to decide what to offer. */
#include <string.h>

#include "svc/accounts.h"
#include "svc/applications.h"
#include "svc/lifecycle.h"
#include "svc/orgs.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

static const struct pages_done dep_done[] = {
    {"applied", "離任日を記録し、アカウントの削除を申請しました。所属グループからは外れました。",
     "The departure date was recorded and the account's deletion applied for. The person has "
     "left every group."},
};
static const struct pages_done end_done[] = {
    {"applied",
     "利用終了を申請しました。承認と処理の後、配下のアカウントとグループは削除されます。",
     "The end of use was applied for. Once it is fulfilled, the accounts and groups below are "
     "deleted."},
};

static const char *const dep_order[] = {"departure_on", "reason"};
static const char *const end_order[] = {"ends_on", "reason"};

static void date_field(struct web_ctx *c, const char *name, const char *label, const char *hint,
                       const char *value, const struct field_error *fe, size_t nfe)
{
	struct form_field f = {.name = name,
	                       .type = "date",
	                       .label = label,
	                       .hint = hint,
	                       .value = value,
	                       .error = form_error_for(fe, nfe, name),
	                       .required = 1,
	                       .maxlength = 10,
	                       .width_chars = 12};
	pages_field(c, &f);
}

static void reason_field(struct web_ctx *c, const char *value, const struct field_error *fe,
                         size_t nfe)
{
	struct form_field f = {.name = "reason",
	                       .type = "textarea",
	                       .label = T(c, "理由", "Reason"),
	                       .hint = T(c, "個人番号（マイナンバー）は書かないでください。",
	                                 "Do not write an Individual Number (My Number)."),
	                       .value = value,
	                       .error = form_error_for(fe, nfe, "reason"),
	                       .required = 1,
	                       .maxlength = 500};
	pages_field(c, &f);
}

/* ---- departure (R2.6) ----------------------------------------------------------------------- */

/* The account the viewer may record a departure for; answers the request itself otherwise. */
static int load_departing(struct web_ctx *c, struct account *acc)
{
	const char *id = web_param(c, 0);
	/* R7.2 (regulation §5.2.2): the form shows the person, as the account page does; the
	 * operator states why first (account.view records it), returning to the form. */
	if (purpose_gate_page_next(c, arena_printf(c->a, "/accounts/%s/departure", id)))
		return -1;
	enum gcas_err e = svc_account_get(c->env, &c->ac, c->a, id, acc);
	if (!e && acc->status == ACCOUNT_DELETED)
		e = GCAS_ERR_NOTFOUND;
	if (e) {
		web_fail(c, e);
		return -1;
	}
	struct target t = account_target(acc);
	if (!policy_allows(&c->ac.subj, ACT_APP_APPLY, &t)) {
		web_denied(c, ACT_APP_APPLY, "account", acc->id, acc->agency_id);
		return -1;
	}
	return 0;
}

/* Whether a departure on day is late (fewer than 5 business days ahead): the notice the form
 * shows for the date typed or recorded. Nothing when the date does not parse. */
static void late_notice(struct web_ctx *c, const char *day)
{
	int late = 0;
	if (!day || !*day || svc_departure_late(c->env, c->a, day, &late) != GCAS_OK)
		return;
	if (late)
		ui_alert(
		    &c->resp->body, c->lang, "warning", T(c, "期限後の申請", "Late application"),
		    T(c,
		      "離任日まで5営業日を切っています。この申請は期限後の申請として記録されます"
		      "（規程 別表1）。",
		      "The departure is fewer than 5 business days away: this application is "
		      "recorded as late (appendix 1)."));
	else
		ui_alert(&c->resp->body, c->lang, "info", T(c, "期限内の申請", "On time"),
		         T(c, "離任日の5営業日以上前の申請です。",
		           "The departure is at least 5 business days away."));
}

static void departure_page(struct web_ctx *c, const struct account *acc, const char *day,
                           const char *reason, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, dep_order, 2);
	pages_begin(c, "離任の届出", "Record a departure", dep_done, 1);
	const char *person = pages_person(c, acc->family_name, acc->given_name);
	html_printf(b, "<p><a href=\"/accounts/%s\">← %s</a></p>\n", acc->id, person);
	html_printf(b, "<h1>%s</h1>\n", T(c, "離任の届出", "Record a departure"));
	form_error_summary(b, c->lang, fe, nfe);
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "氏名", "Name"), person);
	ui_dl_row(b, T(c, "メールアドレス", "Email address"), acc->email);
	ui_dl_row(b, T(c, "記録済みの離任日", "Departure date recorded"),
	          acc->departure_on ? acc->departure_on : "—");
	ui_dl_end(b);
	purpose_notice(c);
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "離任日を記録すると、所属するすべてのグループから外れ、アカウントの削除が申請"
	              "されます。離任日の終わりにアカウントは無効になります。申請は離任日の5営業日"
	              "前までに行ってください（規程 別表1）。",
	              "Recording the departure removes the person from every group and applies for "
	              "the account's deletion. The account is disabled at the end of the departure "
	              "day. Apply at least 5 business days before it (appendix 1)."));
	late_notice(c, day && *day ? day : acc->departure_on);
	pages_form_begin(c, arena_printf(c->a, "/accounts/%s/departure", acc->id), "form");
	date_field(c, "departure_on", T(c, "離任日", "Departure date"),
	           T(c, "最終出勤日。例: 2026-05-07", "The last working day, e.g. 2026-05-07"), day,
	           fe, nfe);
	reason_field(c, reason, fe, nfe);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "届け出る", "Record the departure"), "primary");
	html_printf(b, "<a class=\"btn btn--text\" href=\"/accounts/%s\">%s</a>", acc->id,
	            T(c, "キャンセル", "Cancel"));
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

void page_departure_form(struct web_ctx *c)
{
	struct account acc;
	if (load_departing(c, &acc))
		return;
	departure_page(c, &acc, web_query(c, "departure_on"), NULL, NULL);
}

void page_departure(struct web_ctx *c)
{
	struct account acc;
	struct application app;
	struct verrs ve = {0};
	if (load_departing(c, &acc))
		return;
	const char *day = web_form(c, "departure_on"), *reason = web_form(c, "reason");
	enum gcas_err e = svc_departure(c->env, &c->ac, c->a, acc.id, day, reason, &app, &ve);
	if (e == GCAS_ERR_INVALID || (e == GCAS_ERR_CONFLICT && ve.n)) {
		c->resp->status = 422;
		departure_page(c, &acc, day, reason, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/accounts/%s/departure?done=applied", acc.id));
}

/* ---- an organisation ending its use (R2.9) ------------------------------------------------- */

static int load_ending(struct web_ctx *c, struct org *o)
{
	enum gcas_err e = svc_org_get(c->env, &c->ac, c->a, web_param(c, 0), o);
	if (!e && o->kind != ORG_AGENCY && o->kind != ORG_PROJECT)
		e = GCAS_ERR_NOTFOUND; /* R2.9: agencies and project teams end their use */
	if (e) {
		web_fail(c, e);
		return -1;
	}
	struct target t = {.org_id = o->id, .agency_id = o->agency_id, .project_id = o->project_id};
	if (!policy_allows(&c->ac.subj, ACT_APP_APPLY_ORG_END, &t)) {
		web_denied(c, ACT_APP_APPLY_ORG_END, "org", o->id, o->agency_id);
		return -1;
	}
	return 0;
}

static void org_end_page(struct web_ctx *c, const struct org *o, const char *ends_on,
                         const char *reason, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, end_order, 2);
	pages_begin(c, "利用終了の申請", "Apply to end the use", end_done, 1);
	html_printf(b, "<p><a href=\"/orgs/%s\">← %s</a></p>\n", o->id, o->name);
	html_printf(b, "<h1>%s</h1>\n", T(c, "利用終了の申請", "Apply to end the use"));
	form_error_summary(b, c->lang, fe, nfe);
	ui_alert(
	    b, c->lang, "warning", T(c, "削除される情報", "What is deleted"),
	    o->kind == ORG_AGENCY
	        ? T(c,
	            "申請が処理されると、この利用機関と配下のプロジェクトチーム・委託業者の"
	            "すべてのアカウント、グループ、セッション、APIトークンが削除されます。"
	            "監査記録は規程 5.2.1 に基づき保存されます。",
	            "Once fulfilled, every account, group, session and API token of this "
	            "agency and of its project teams and contractors is deleted. Audit records "
	            "are kept (regulation 5.2.1).")
	        : T(c,
	            "申請が処理されると、このプロジェクトチームと配下の委託業者のすべての"
	            "アカウント、グループ、セッション、APIトークンが削除されます。監査記録は"
	            "規程 5.2.1 に基づき保存されます。",
	            "Once fulfilled, every account, group, session and API token of this "
	            "project team and of its contractors is deleted. Audit records are kept "
	            "(regulation 5.2.1)."));
	pages_form_begin(c, arena_printf(c->a, "/orgs/%s/end", o->id), "form");
	date_field(c, "ends_on", T(c, "利用終了日", "End of use"),
	           T(c, "例: 2027-03-31", "e.g. 2027-03-31"), ends_on, fe, nfe);
	reason_field(c, reason, fe, nfe);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "申請する", "Apply"), "primary");
	html_printf(b, "<a class=\"btn btn--text\" href=\"/orgs/%s\">%s</a>", o->id,
	            T(c, "キャンセル", "Cancel"));
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

void page_org_end_form(struct web_ctx *c)
{
	struct org o;
	if (load_ending(c, &o))
		return;
	org_end_page(c, &o, NULL, NULL, NULL);
}

void page_org_end(struct web_ctx *c)
{
	struct org o;
	struct application app;
	struct verrs ve = {0};
	if (load_ending(c, &o))
		return;
	struct app_input in = {.kind = "org_end",
	                       .org_id = o.id,
	                       .ends_on = web_form(c, "ends_on"),
	                       .reason = web_form(c, "reason")};
	enum gcas_err e = svc_app_create(c->env, &c->ac, c->a, &in, &app, &ve);
	if (e == GCAS_ERR_INVALID || (e == GCAS_ERR_CONFLICT && ve.n)) {
		c->resp->status = 422;
		org_end_page(c, &o, in.ends_on, in.reason, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/orgs/%s/end?done=applied", o.id));
}
