/* SPDX-License-Identifier: MIT */
/* Pages for CSP environments (issue 4 §2, S6): the environments and requests the reader may
 * see (per project team with ?project_id=), the request form (re-rendered with every message
 * and what was typed on bad input), an environment with its deletion form, and a request with
 * its history and, for the operator, approve / reject / fulfil. The use cases decide and audit;
 * the pages ask the matrix only to decide what to offer. */
#include <string.h>

#include "svc/environments.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define LIST_LIMIT 50

static const struct pages_done env_done[] = {
    {"requested", "申請しました。運用管理組織の承認を待っています。",
     "Requested. It now awaits the operator's approval."},
    {"approved", "承認しました。", "Approved."},
    {"rejected", "却下しました。", "Rejected."},
    {"attempted", "プロビジョニングを実行しました。結果は下の状態と履歴を見てください。",
     "Provisioning was attempted; see the state and history below."},
};

static const char *const field_order[] = {"project_id", "environment_id", "csp", "kind", "reason"};

static const char *req_badge_kind(enum envreq_state s)
{
	switch (s) {
	case ENVREQ_FULFILLED:
		return "success";
	case ENVREQ_REJECTED:
	case ENVREQ_FAILED:
		return "error";
	case ENVREQ_APPROVED:
		return "info";
	default:
		return "neutral";
	}
}

static const char *env_badge_kind(enum env_state s)
{
	return s == ENV_ACTIVE ? "success" : s == ENV_FAILED ? "error" : "neutral";
}

static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

/* ---- the list -------------------------------------------------------------------------- */

static void env_table(struct web_ctx *c, const struct environment *v, size_t n)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	const char *heads[] = {T(c, "クラウド", "CSP"), T(c, "種類", "Type"), T(c, "状態", "State"),
	                       T(c, "ID", "Id"), T(c, "作成日時", "Created")};
	ui_table_begin(b, "environments", T(c, "環境の一覧", "Environments"), heads, 5);
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td><a href=\"/environments/%s\">%s</a></td><td>%s</td><td>",
		            v[i].id, sys_csp_label(v[i].csp), sys_env_label(v[i].kind, en));
		ui_badge(b, env_badge_kind(v[i].state), env_state_label(v[i].state, en));
		html_printf(b, "</td><td class=\"mono\">%s</td><td class=\"nowrap\">%s</td></tr>\n",
		            v[i].external_id ? v[i].external_id : "—",
		            pages_jst(c, v[i].created_at));
	}
	ui_table_end(b);
}

static void req_table(struct web_ctx *c, const struct env_request *v, size_t n)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	const char *heads[] = {T(c, "申請", "Request"), T(c, "クラウド", "CSP"),
	                       T(c, "種類", "Type"),    T(c, "状態", "State"),
	                       T(c, "期限", "Due"),     T(c, "申請日時", "Submitted")};
	ui_table_begin(b, "requests", T(c, "環境の申請", "Environment requests"), heads, 6);
	for (size_t i = 0; i < n; i++) {
		html_printf(b,
		            "<tr><td><a href=\"/environments/requests/%s\">%s</a></td><td>%s</td>"
		            "<td>%s</td><td>",
		            v[i].id, envreq_kind_label(v[i].kind, en), sys_csp_label(v[i].csp),
		            sys_env_label(v[i].env_kind, en));
		ui_badge(b, req_badge_kind(v[i].state), envreq_state_label(v[i].state, en));
		html_printf(b,
		            "</td><td class=\"nowrap\">%s</td><td class=\"nowrap\">%s</td></tr>\n",
		            v[i].due_on ? v[i].due_on : "—", pages_jst(c, v[i].created_at));
	}
	ui_table_end(b);
}

void page_environments(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT}, rpg = {.limit = LIST_LIMIT};
	struct environment *v;
	struct env_request *r;
	size_t n, nr;
	const char *project = opt(web_query(c, "project_id"));
	enum gcas_err e = svc_environment_list(c->env, &c->ac, c->a, project, &pg, &v, &n);
	if (!e)
		e = svc_env_request_list(c->env, &c->ac, c->a, project, NULL, &rpg, &r, &nr);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_page_begin(c, "クラウド環境", "Cloud environments");
	html_printf(b, "<h1>%s</h1>\n", T(c, "クラウド環境", "Cloud environments"));
	html_printf(b, "<p class=\"lead\">%s</p>\n",
	            T(c,
	              "プロジェクトチームのクラウド環境と、その作成・削除の申請です。申請は運用管理"
	              "組織が承認し、承認から5営業日以内に対応します。",
	              "The project teams' cloud environments and the requests to create or delete "
	              "them. The operator approves a request and carries it out within 5 business "
	              "days of approval."));
	const char *team = project ? project : c->ac.subj.project_id;
	if (team && policy_role_can(c->ac.subj.role, ACT_ENV_APPLY))
		html_printf(
		    b,
		    "<p><a class=\"btn btn--primary\" href=\"/environments/new?project_id=%s\">"
		    "%s</a></p>\n",
		    team, T(c, "環境を申請する", "Request an environment"));
	html_printf(b, "<h2>%s</h2>\n", T(c, "環境", "Environments"));
	if (n)
		env_table(c, v, n);
	else
		html_printf(b, "<p>%s</p>\n",
		            T(c, "環境はまだありません。", "No environments yet."));
	html_printf(b, "<h2>%s</h2>\n", T(c, "申請", "Requests"));
	if (nr)
		req_table(c, r, nr);
	else
		html_printf(b, "<p>%s</p>\n", T(c, "申請はありません。", "No requests."));
	web_page_end(c);
}

/* ---- the request form ------------------------------------------------------------------ */

struct req_form {
	const char *project_id, *csp, *kind, *reason;
};

static void request_form(struct web_ctx *c, const struct req_form *f, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, field_order, sizeof(field_order) / sizeof(field_order[0]));
	web_page_begin(c, "環境の申請", "Request an environment");
	html_printf(b, "<p><a href=\"/environments?project_id=%s\">← %s</a></p>\n", f->project_id,
	            T(c, "クラウド環境", "Cloud environments"));
	html_printf(b, "<h1>%s</h1>\n", T(c, "環境の申請", "Request an environment"));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, "/environments/new", "form");
	html_printf(b, "<input type=\"hidden\" name=\"project_id\" value=\"%s\">\n", f->project_id);
	struct form_option cs[CSP__MAX];
	for (int i = 0; i < CSP__MAX; i++)
		cs[i] = (struct form_option){sys_csp_name((enum sys_csp)i),
		                             sys_csp_label((enum sys_csp)i)};
	form_select(
	    b, "csp", T(c, "クラウドサービス", "Cloud service provider"),
	    T(c, "システム情報に登録したものから選んでください。", "One the system registered."),
	    cs, CSP__MAX, f->csp, form_error_for(fe, nfe, "csp"), 1);
	struct form_option ks[SYSENV__MAX];
	for (int i = 0; i < SYSENV__MAX; i++)
		ks[i] = (struct form_option){sys_env_name((enum sys_env)i),
		                             sys_env_label((enum sys_env)i, en)};
	struct form_field kf = {.name = "kind",
	                        .type = "radio",
	                        .label = T(c, "環境の種類", "Environment type"),
	                        .hint = T(c, "開発環境は CI/CD を運用するシステムだけです。",
	                                  "Development only for a system that runs CI/CD."),
	                        .value = f->kind,
	                        .error = form_error_for(fe, nfe, "kind"),
	                        .required = 1,
	                        .options = ks,
	                        .noptions = SYSENV__MAX};
	pages_field(c, &kf);
	struct form_field rf = {.name = "reason",
	                        .type = "textarea",
	                        .label = T(c, "理由", "Reason"),
	                        .hint = T(c, "個人番号（マイナンバー）は書かないでください。",
	                                  "Do not write an Individual Number (My Number)."),
	                        .value = f->reason,
	                        .error = form_error_for(fe, nfe, "reason"),
	                        .required = 1,
	                        .maxlength = ENV_REASON_MAX_CP};
	pages_field(c, &rf);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "申請する", "Submit the request"), "primary");
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

void page_environment_new_form(struct web_ctx *c)
{
	struct req_form f = {.project_id = web_query(c, "project_id"), .kind = "production"};
	if (!opt(f.project_id)) {
		web_error_page(c, 400, "プロジェクトチームを指定してください。",
		               "Name the project team (project_id).");
		return;
	}
	request_form(c, &f, NULL);
}

void page_environment_new(struct web_ctx *c)
{
	struct req_form f = {web_form(c, "project_id"), web_form(c, "csp"), web_form(c, "kind"),
	                     web_form(c, "reason")};
	struct env_request_input in = {f.csp, f.kind, f.reason, NULL};
	struct env_request r;
	struct verrs ve = {0};
	enum gcas_err e = svc_env_request_create(c->env, &c->ac, c->a, f.project_id, &in, &r, &ve);
	if (!e) {
		web_redirect(c,
		             arena_printf(c->a, "/environments/requests/%s?done=requested", r.id));
		return;
	}
	if (!((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n)) {
		web_fail(c, e);
		return;
	}
	c->resp->status = e == GCAS_ERR_CONFLICT ? 409 : 422;
	request_form(c, &f, &ve);
}

/* ---- one environment, and its deletion ------------------------------------------------- */

static void environment_page(struct web_ctx *c, const struct environment *en, const char *reason,
                             const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	int lang_en = c->lang == LANG_EN;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	web_page_begin(c, "クラウド環境", "Cloud environment");
	html_printf(b, "<p><a href=\"/environments?project_id=%s\">← %s</a></p>\n", en->project_id,
	            T(c, "クラウド環境", "Cloud environments"));
	html_printf(b, "<h1>%s %s</h1>\n", sys_csp_label(en->csp),
	            sys_env_label(en->kind, lang_en));
	form_error_summary(b, c->lang, fe, nfe);
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "状態", "State"), env_state_label(en->state, lang_en));
	ui_dl_row(b, T(c, "プロビジョニング方式", "Driver"), en->driver);
	ui_dl_row(b, T(c, "クラウド側のID", "CSP id"), en->external_id ? en->external_id : "—");
	ui_dl_row(b, T(c, "作成日時", "Created"), pages_jst(c, en->created_at));
	if (en->closed_at)
		ui_dl_row(b, T(c, "削除日時", "Closed"), pages_jst(c, en->closed_at));
	/* What the driver returned (issue 4 §3, §4). The SCIM token is never shown, only whether
	 * one is kept (sealed). */
	ui_dl_row(b, T(c, "SCIM の送信先", "SCIM endpoint"), en->scim_url ? en->scim_url : "—");
	ui_dl_row(b, T(c, "SCIM トークン", "SCIM token"),
	          en->scim_token_sealed ? T(c, "保管済み（暗号化）", "Stored (encrypted)")
	                                : T(c, "なし", "None"));
	ui_dl_row(b, T(c, "SAML エンティティID", "SAML entity id"),
	          en->saml_entity_id ? en->saml_entity_id : "—");
	ui_dl_row(b, T(c, "SAML ACS URL", "SAML ACS URL"),
	          en->saml_acs_url ? en->saml_acs_url : "—");
	ui_dl_end(b);
	if (en->console_url && en->state == ENV_ACTIVE)
		html_printf(b, "<p><a href=\"%s\">%s</a></p>\n", en->console_url,
		            T(c, "コンソールを開く", "Open the console"));
	html_printf(b, "<p><a href=\"/environments/%s/assignments\">%s</a></p>\n", en->id,
	            T(c, "CSPユーザー（割り当て）", "CSP users (assignments)"));
	struct target t = {
	    .org_id = en->project_id, .agency_id = en->agency_id, .project_id = en->project_id};
	if (en->state == ENV_ACTIVE && policy_allows(&c->ac.subj, ACT_ENV_APPLY, &t)) {
		html_printf(b, "<h2>%s</h2>\n", T(c, "削除の申請", "Request deletion"));
		pages_form_begin(c, arena_printf(c->a, "/environments/%s/delete", en->id), "form");
		struct form_field rf = {.name = "reason",
		                        .type = "textarea",
		                        .label = T(c, "理由", "Reason"),
		                        .value = reason,
		                        .error = form_error_for(fe, nfe, "reason"),
		                        .required = 1,
		                        .maxlength = ENV_REASON_MAX_CP};
		pages_field(c, &rf);
		html_lit(b, "<div class=\"form-actions\">");
		form_submit(b, T(c, "削除を申請する", "Request deletion"), "danger");
		html_lit(b, "</div></form>\n");
	}
	web_page_end(c);
}

void page_environment(struct web_ctx *c)
{
	struct environment en;
	enum gcas_err e = svc_environment_get(c->env, &c->ac, c->a, web_param(c, 0), &en);
	if (e) {
		web_fail(c, e);
		return;
	}
	environment_page(c, &en, NULL, NULL);
}

void page_environment_delete(struct web_ctx *c)
{
	struct environment en;
	struct env_request r;
	struct verrs ve = {0};
	struct env_request_input in = {NULL, NULL, web_form(c, "reason"), NULL};
	enum gcas_err e =
	    svc_env_request_delete(c->env, &c->ac, c->a, web_param(c, 0), &in, &r, &ve);
	if (!e) {
		web_redirect(c,
		             arena_printf(c->a, "/environments/requests/%s?done=requested", r.id));
		return;
	}
	if (!((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n)) {
		web_fail(c, e);
		return;
	}
	enum gcas_err ge = svc_environment_get(c->env, &c->ac, c->a, web_param(c, 0), &en);
	if (ge) {
		web_fail(c, ge);
		return;
	}
	c->resp->status = e == GCAS_ERR_CONFLICT ? 409 : 422;
	environment_page(c, &en, in.reason, &ve);
}

/* ---- one request: details, history, the operator's actions ----------------------------- */

static void operator_actions(struct web_ctx *c, const struct env_request *r)
{
	struct buf *b = &c->resp->body;
	struct target t = {
	    .org_id = r->project_id, .agency_id = r->agency_id, .project_id = r->project_id};
	if (!policy_allows(&c->ac.subj, ACT_ENV_APPROVE, &t))
		return;
	if (r->state == ENVREQ_SUBMITTED) {
		html_printf(b, "<h2>%s</h2>\n", T(c, "承認・却下", "Approve or reject"));
		pages_form_begin(c, arena_printf(c->a, "/environments/requests/%s/decide", r->id),
		                 "form");
		struct form_field nf = {
		    .name = "note",
		    .type = "textarea",
		    .label = T(c, "メモ（申請者に通知されます）", "Note (sent to the applicant)"),
		    .maxlength = ENV_REASON_MAX_CP};
		pages_field(c, &nf);
		html_lit(b, "<div class=\"form-actions\">");
		html_printf(b,
		            "<button class=\"btn btn--primary\" type=\"submit\" name=\"decision\" "
		            "value=\"approve\">%s</button> <button class=\"btn btn--danger\" "
		            "type=\"submit\" name=\"decision\" value=\"reject\">%s</button>",
		            T(c, "承認する", "Approve"), T(c, "却下する", "Reject"));
		html_lit(b, "</div></form>\n");
	} else if (r->state == ENVREQ_APPROVED) {
		pages_form_begin(c, arena_printf(c->a, "/environments/requests/%s/fulfil", r->id),
		                 "form");
		html_lit(b, "<div class=\"form-actions\">");
		form_submit(b, T(c, "今すぐ実行する", "Carry it out now"), "primary");
		html_lit(b, "</div></form>\n");
	}
}

/* A history event: the state it moved the request to (svc/environments.c records the state's
 * name), or a failed attempt that will be retried. */
static const char *event_label(const char *ev, int en)
{
	int st = envreq_state_parse(ev);
	if (st >= 0)
		return envreq_state_label((enum envreq_state)st, en);
	if (strcmp(ev, "attempt_failed") == 0)
		return en ? "Attempt failed (will retry)" : "試行失敗（再試行します）";
	return ev;
}

void page_env_request(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct env_request r;
	struct env_request_event *ev;
	size_t nev = 0;
	int en = c->lang == LANG_EN;
	enum gcas_err e = svc_env_request_get(c->env, &c->ac, c->a, web_param(c, 0), &r, &ev, &nev);
	if (e) {
		web_fail(c, e);
		return;
	}
	pages_begin(c, "環境の申請", "Environment request", env_done,
	            sizeof(env_done) / sizeof(env_done[0]));
	html_printf(b, "<p><a href=\"/environments?project_id=%s\">← %s</a></p>\n", r.project_id,
	            T(c, "クラウド環境", "Cloud environments"));
	html_printf(b, "<h1>%s: %s %s</h1>\n", envreq_kind_label(r.kind, en), sys_csp_label(r.csp),
	            sys_env_label(r.env_kind, en));
	if (r.state == ENVREQ_FAILED || (r.state == ENVREQ_APPROVED && r.last_error))
		ui_alert(b, c->lang, r.state == ENVREQ_FAILED ? "error" : "warning",
		         T(c, "プロビジョニングに失敗しました", "Provisioning failed"),
		         r.last_error);
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "状態", "State"), envreq_state_label(r.state, en));
	ui_dl_row(b, T(c, "理由", "Reason"), r.reason);
	ui_dl_row(b, T(c, "期限", "Due"), r.due_on ? r.due_on : "—");
	ui_dl_row(b, T(c, "試行回数", "Attempts"),
	          arena_printf(c->a, "%lld / %d", (long long)r.attempts, ENV_MAX_ATTEMPTS));
	ui_dl_row(b, T(c, "申請日時", "Submitted"), pages_jst(c, r.created_at));
	ui_dl_end(b);
	if (r.environment_id)
		html_printf(b, "<p><a href=\"/environments/%s\">%s</a></p>\n", r.environment_id,
		            T(c, "環境を見る", "See the environment"));
	operator_actions(c, &r);
	html_printf(b, "<h2>%s</h2>\n", T(c, "履歴", "History"));
	const char *heads[] = {T(c, "日時", "When"), T(c, "出来事", "Event"), T(c, "メモ", "Note")};
	ui_table_begin(b, "history", T(c, "履歴", "History"), heads, 3);
	for (size_t i = 0; i < nev; i++)
		html_printf(b, "<tr><td class=\"nowrap\">%s</td><td>%s</td><td>%s</td></tr>\n",
		            pages_jst(c, ev[i].at), event_label(ev[i].event, en),
		            ev[i].note ? ev[i].note : "");
	ui_table_end(b);
	web_page_end(c);
}

void page_env_request_decide(struct web_ctx *c)
{
	struct env_request r;
	const char *d = web_form(c, "decision");
	int approve = strcmp(d, "approve") == 0;
	if (!approve && strcmp(d, "reject") != 0) {
		web_error_page(c, 400, "承認か却下を選んでください。", "Choose approve or reject.");
		return;
	}
	enum gcas_err e = svc_env_request_decide(c->env, &c->ac, c->a, web_param(c, 0), approve,
	                                         web_form(c, "note"), &r);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/environments/requests/%s?done=%s", r.id,
	                             approve ? "approved" : "rejected"));
}

void page_env_request_fulfil(struct web_ctx *c)
{
	struct env_request r;
	enum gcas_err e = svc_env_request_fulfil(c->env, &c->ac, c->a, web_param(c, 0), &r);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/environments/requests/%s?done=attempted", r.id));
}
