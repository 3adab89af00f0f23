/* SPDX-License-Identifier: MIT */
/* The BreakGlass listener's request pages (issue 4 §6, 別紙1): the request form (environment,
 * reason, critical work, date, hours; re-rendered with every message and what was typed), a
 * request with its history and the actions its reader may take (approve / reject for a
 * registered approver, end now, issue again after a failure — the credential then shown once),
 * and the shared renderers the main server's read-only view uses too. The use cases decide and
 * audit; the pages ask only to decide what to offer. */
#include <string.h>

#include "base/clock.h"
#include "core/calendar.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_bg.h"
#include "web/page_shared.h"

static const struct pages_done req_done[] = {
    {"requested", "申請しました。承認者にメールで知らせました。",
     "Requested. The approvers were told by mail."},
    {"approved", "承認しました。", "Approved."},
    {"rejected", "却下しました。", "Rejected."},
    {"revoked", "終了しました。", "Ended."},
};

static const char *const field_order[] = {"environment_id", "reason", "critical_work", "work_date",
                                          "hours"};

const char *bg_badge_kind(enum bg_state s)
{
	switch (s) {
	case BG_ISSUED:
		return "warning"; /* a live emergency credential: worth attention */
	case BG_REJECTED:
	case BG_FAILED:
		return "error";
	case BG_APPROVED:
		return "info";
	case BG_EXPIRED:
	case BG_REVOKED:
		return "success";
	default:
		return "neutral";
	}
}

const char *bg_env_text(struct web_ctx *c, const char *csp, const char *external_id,
                        const char *environment_id)
{
	int k = sys_csp_parse(csp);
	const char *label = k >= 0 ? sys_csp_label((enum sys_csp)k) : (csp ? csp : "");
	return arena_printf(c->a, "%s %s", label, external_id ? external_id : environment_id);
}

static const char *time_or_dash(struct web_ctx *c, int64_t t)
{
	return t ? pages_jst(c, t) : "—";
}

void bg_request_table(struct web_ctx *c, const char *id, const char *caption,
                      const struct bg_request *v, size_t n, const char *href_prefix)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	const char *heads[] = {T(c, "環境", "Environment"), T(c, "申請者", "Requester"),
	                       T(c, "実施日", "Date"),      T(c, "状態", "State"),
	                       T(c, "失効", "Expires"),     T(c, "申請日時", "Requested")};
	ui_table_begin(b, id, caption, heads, 6);
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td><a href=\"%s%s\">%s</a></td><td>%s</td><td>%s</td><td>",
		            href_prefix, v[i].id,
		            bg_env_text(c, v[i].env_csp, v[i].env_external_id, v[i].environment_id),
		            v[i].requester_email ? v[i].requester_email : "", v[i].work_date);
		ui_badge(b, bg_badge_kind(v[i].state), bg_state_label(v[i].state, en));
		html_printf(b,
		            "</td><td class=\"nowrap\">%s</td><td class=\"nowrap\">%s</td></tr>\n",
		            time_or_dash(c, v[i].expires_at), pages_jst(c, v[i].created_at));
	}
	ui_table_end(b);
}

void bg_request_details(struct web_ctx *c, const struct bg_request *r, const struct bg_event *ev,
                        size_t nev)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	if (r->last_error && (r->state == BG_APPROVED || r->state == BG_FAILED))
		ui_alert(
		    b, c->lang, r->state == BG_FAILED ? "error" : "warning",
		    T(c, "認証情報を発行できませんでした", "The credential could not be issued"),
		    r->last_error);
	else if (r->last_error && r->state == BG_ISSUED)
		ui_alert(b, c->lang, "error",
		         T(c, "認証情報を失効できていません（再試行中）",
		           "The credential is not revoked yet (retrying)"),
		         r->last_error);
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "状態", "State"), bg_state_label(r->state, en));
	ui_dl_row(b, T(c, "環境", "Environment"),
	          bg_env_text(c, r->env_csp, r->env_external_id, r->environment_id));
	ui_dl_row(b, T(c, "申請者", "Requester"), r->requester_email ? r->requester_email : "");
	ui_dl_row(b, T(c, "理由", "Reason"), r->reason);
	ui_dl_row(b, T(c, "重要業務", "Critical work"), r->critical_work);
	ui_dl_row(b, T(c, "実施日", "Date of the work"), r->work_date);
	ui_dl_row(b, T(c, "希望時間", "Hours asked"),
	          arena_printf(c->a, "%lld", (long long)((r->ttl + 3599) / 3600)));
	ui_dl_row(b, T(c, "承認者", "Approver"), r->approver_email ? r->approver_email : "—");
	ui_dl_row(b, T(c, "判断日時", "Decided"), time_or_dash(c, r->decided_at));
	if (r->decision_note)
		ui_dl_row(b, T(c, "コメント", "Note"), r->decision_note);
	ui_dl_row(b, T(c, "発行日時", "Issued"), time_or_dash(c, r->issued_at));
	ui_dl_row(b, T(c, "失効（予定）", "Expires"), time_or_dash(c, r->expires_at));
	ui_dl_row(b, T(c, "終了日時", "Ended"), time_or_dash(c, r->ended_at));
	if (r->credential_id)
		ui_dl_row(b, T(c, "ユーザー名", "User"), r->credential_id);
	if (r->login_url)
		ui_dl_row(b, T(c, "サインインURL", "Sign-in URL"), r->login_url);
	ui_dl_row(b, T(c, "申請日時", "Requested"), pages_jst(c, r->created_at));
	ui_dl_end(b);
	html_printf(b, "<h2>%s</h2>\n", T(c, "履歴", "History"));
	const char *heads[] = {T(c, "日時", "When"), T(c, "出来事", "Event"), T(c, "メモ", "Note")};
	ui_table_begin(b, "history", T(c, "履歴", "History"), heads, 3);
	for (size_t i = 0; i < nev; i++)
		html_printf(b, "<tr><td class=\"nowrap\">%s</td><td>%s</td><td>%s</td></tr>\n",
		            pages_jst(c, ev[i].at), ev[i].event, ev[i].note ? ev[i].note : "");
	ui_table_end(b);
}

/* ---- the form ---- */

static void request_form(struct web_ctx *c, const struct bg_registration *regs, size_t nregs,
                         const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, field_order, sizeof(field_order) / sizeof(field_order[0]));
	struct form_option *opts = arena_alloc(c->a, (nregs + 1) * sizeof(*opts));
	size_t nopts = 0;
	for (size_t i = 0; opts && i < nregs; i++)
		if (regs[i].role == BG_REQUESTER)
			opts[nopts++] = (struct form_option){regs[i].environment_id,
			                                     bg_env_text(c, regs[i].env_csp,
			                                                 regs[i].env_external_id,
			                                                 regs[i].environment_id)};
	char today[11];
	ymd_format(ymd_of_epoch_jst(clock_now()), today);
	const char *date = web_form(c, "work_date");
	const char *env_id = web_form(c, "environment_id");
	const char *key = web_form(c, "idempotency_key");
	int64_t max_h = c->env->cfg->breakglass_max_ttl / 3600;
	web_page_begin(c, "緊急アクセスの申請", "Request emergency access");
	html_printf(b, "<h1>%s</h1>\n", T(c, "緊急アクセスの申請", "Request emergency access"));
	form_error_summary(b, c->lang, fe, nfe);
	if (!nopts) {
		ui_alert(b, c->lang, "warning", NULL,
		         T(c, "あなたはどの環境の申請者にも登録されていません。",
		           "You are not registered as a requester of any environment."));
		web_page_end(c);
		return;
	}
	pages_form_begin(c, "/requests/new", "form");
	/* The same key on a resubmission (double click, retry) returns the first request. */
	html_printf(b, "<input type=\"hidden\" name=\"idempotency_key\" value=\"%s\">",
	            *key ? key : web_csrf_token(c));
	struct form_field f[] = {
	    {.name = "environment_id",
	     .type = "select",
	     .label = T(c, "環境", "Environment"),
	     .value = *env_id ? env_id : web_query(c, "environment_id"),
	     .error = form_error_for(fe, nfe, "environment_id"),
	     .required = 1,
	     .options = opts,
	     .noptions = nopts},
	    {.name = "reason",
	     .type = "textarea",
	     .label = T(c, "理由", "Reason"),
	     .hint = T(c, "SSOが使えない状況と、緊急アクセスが必要な理由。",
	               "Why SSO cannot be used and why emergency access is needed."),
	     .value = web_form(c, "reason"),
	     .error = form_error_for(fe, nfe, "reason"),
	     .required = 1,
	     .maxlength = BG_TEXT_MAX_CP},
	    {.name = "critical_work",
	     .type = "textarea",
	     .label = T(c, "対象の重要業務", "Critical work it serves"),
	     .hint = T(c, "業務継続計画（BCP）上の重要業務。", "The critical work of the BCP."),
	     .value = web_form(c, "critical_work"),
	     .error = form_error_for(fe, nfe, "critical_work"),
	     .required = 1,
	     .maxlength = BG_TEXT_MAX_CP},
	    {.name = "work_date",
	     .type = "date",
	     .label = T(c, "実施日", "Date of the work"),
	     .hint = T(c, "今日以降（日本時間）。", "Today or later (Japan time)."),
	     .value = *date ? date : today,
	     .error = form_error_for(fe, nfe, "work_date"),
	     .required = 1,
	     .width_chars = 12},
	    {.name = "hours",
	     .type = "number",
	     .label = T(c, "必要な時間（時間）", "Hours needed"),
	     .hint = arena_printf(c->a, "%s %lld", T(c, "承認から最長", "At most, from approval:"),
	                          (long long)(max_h ? max_h : 1)),
	     .value = web_form(c, "hours"),
	     .error = form_error_for(fe, nfe, "hours"),
	     .inputmode = "numeric",
	     .width_chars = 4},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		pages_field(c, &f[i]);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "申請する", "Request"), "primary");
	html_lit(b, "</div></form>");
	web_page_end(c);
}

static enum gcas_err my_regs(struct web_ctx *c, struct bg_registration **regs, size_t *n)
{
	return svc_bg_registrations(c->env, &c->ac, c->a, 1, NULL, regs, n);
}

void page_bg_request_form(struct web_ctx *c)
{
	struct bg_registration *regs;
	size_t n;
	enum gcas_err e = my_regs(c, &regs, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	request_form(c, regs, n, NULL);
}

void page_bg_request(struct web_ctx *c)
{
	struct bg_registration *regs;
	struct bg_request r;
	struct verrs ve = {0};
	size_t n;
	struct bg_request_input in = {
	    web_form(c, "environment_id"), web_form(c, "reason"), web_form(c, "critical_work"),
	    web_form(c, "work_date"),      web_form(c, "hours"),  web_form(c, "idempotency_key")};
	enum gcas_err e = svc_bg_request(c->env, &c->ac, c->a, &in, &r, &ve);
	if (e == GCAS_ERR_INVALID && my_regs(c, &regs, &n) == GCAS_OK) {
		c->resp->status = 422;
		request_form(c, regs, n, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/requests/%s?done=requested", r.id));
}

/* ---- one request ---- */

static void action_button(struct web_ctx *c, const char *id, const char *op, const char *label,
                          const char *kind)
{
	pages_form_begin(c, arena_printf(c->a, "/requests/%s/%s", id, op), "form");
	html_lit(&c->resp->body, "<div class=\"form-actions\">");
	form_submit(&c->resp->body, label, kind);
	html_lit(&c->resp->body, "</div></form>\n");
}

static void actions(struct web_ctx *c, const struct bg_request *r)
{
	struct buf *b = &c->resp->body;
	int self = c->ac.acc && strcmp(r->requester_id, c->ac.acc->id) == 0;
	if (r->state == BG_SUBMITTED && !self &&
	    policy_role_can(c->ac.subj.role, ACT_BREAKGLASS_APPROVE)) {
		html_printf(b, "<h2>%s</h2>\n", T(c, "承認", "Decision"));
		pages_form_begin(c, arena_printf(c->a, "/requests/%s/decide", r->id), "form");
		struct form_field note = {.name = "note",
		                          .type = "textarea",
		                          .label = T(c, "コメント", "Note"),
		                          .maxlength = BG_TEXT_MAX_CP};
		pages_field(c, &note);
		html_printf(b,
		            "<div class=\"form-actions\"><button class=\"btn btn--primary\" "
		            "type=\"submit\" name=\"decision\" value=\"approve\">%s</button> "
		            "<button class=\"btn btn--danger\" type=\"submit\" name=\"decision\" "
		            "value=\"reject\">%s</button></div></form>\n",
		            T(c, "承認する", "Approve"), T(c, "却下する", "Reject"));
	}
	if (r->state == BG_APPROVED && self)
		action_button(c, r->id, "issue", T(c, "今すぐ発行を再試行", "Try issuing now"),
		              "primary");
	if (r->state == BG_SUBMITTED || r->state == BG_APPROVED || r->state == BG_ISSUED)
		action_button(c, r->id, "revoke",
		              r->state == BG_ISSUED ? T(c, "今すぐ失効させる", "Revoke it now")
		                                    : T(c, "取り下げる", "Withdraw"),
		              "danger");
}

static void request_page(struct web_ctx *c, const struct bg_request *r, const struct bg_event *ev,
                         size_t nev, const struct provision_cred *shown)
{
	struct buf *b = &c->resp->body;
	pages_begin(c, "緊急アクセスの申請", "Emergency access request", req_done,
	            sizeof(req_done) / sizeof(req_done[0]));
	html_printf(b, "<p><a href=\"/\">← %s</a></p>\n", T(c, "緊急アクセス", "BreakGlass"));
	html_printf(b, "<h1>%s</h1>\n", T(c, "緊急アクセスの申請", "Emergency access request"));
	if (shown && shown->secret[0]) {
		ui_alert(b, c->lang, "warning", T(c, "認証情報", "Credential"),
		         T(c, "このパスワードは今だけ表示されます（メールでも送りました）。",
		           "This password is shown only now (it was also mailed to you)."));
		ui_dl_begin(b);
		ui_dl_row(b, T(c, "サインインURL", "Sign-in URL"), shown->login_url);
		ui_dl_row(b, T(c, "ユーザー名", "User"), shown->credential_id);
		html_printf(b, "<dt>%s</dt><dd><code class=\"mono\">%s</code></dd>",
		            T(c, "パスワード", "Password"), shown->secret);
		ui_dl_end(b);
	}
	bg_request_details(c, r, ev, nev);
	actions(c, r);
	web_page_end(c);
}

void page_bg_request_view(struct web_ctx *c)
{
	struct bg_request r;
	struct bg_event *ev;
	size_t nev = 0;
	enum gcas_err e = svc_bg_get(c->env, &c->ac, c->a, web_param(c, 0), &r, &ev, &nev);
	if (e) {
		web_fail(c, e);
		return;
	}
	request_page(c, &r, ev, nev, NULL);
}

void page_bg_decide(struct web_ctx *c)
{
	struct bg_request r;
	const char *d = web_form(c, "decision");
	int approve = strcmp(d, "approve") == 0;
	if (!approve && strcmp(d, "reject") != 0) {
		web_error_page(c, 400, "承認か却下を選んでください。", "Choose approve or reject.");
		return;
	}
	enum gcas_err e =
	    svc_bg_decide(c->env, &c->ac, c->a, web_param(c, 0), approve, web_form(c, "note"), &r);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(
	    c, arena_printf(c->a, "/requests/%s?done=%s", r.id, approve ? "approved" : "rejected"));
}

void page_bg_revoke(struct web_ctx *c)
{
	struct bg_request r;
	enum gcas_err e = svc_bg_revoke(c->env, &c->ac, c->a, web_param(c, 0), &r);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/requests/%s?done=revoked", r.id));
}

void page_bg_issue(struct web_ctx *c)
{
	struct bg_request r;
	struct provision_cred shown;
	struct bg_event *ev = NULL;
	size_t nev = 0;
	enum gcas_err e = svc_bg_issue_now(c->env, &c->ac, c->a, web_param(c, 0), &r, &shown);
	if (e && e != GCAS_ERR_IO) {
		web_fail(c, e);
		return;
	}
	/* Shown in this response only (no redirect: the secret is kept nowhere to show again). */
	if (svc_bg_get(c->env, &c->ac, c->a, web_param(c, 0), &r, &ev, &nev) != GCAS_OK) {
		web_fail(c, GCAS_ERR_INTERNAL);
		return;
	}
	request_page(c, &r, ev, nev, e ? NULL : &shown);
	explicit_bzero(&shown, sizeof(shown));
}
