/* SPDX-License-Identifier: MIT */
/* BreakGlass seen from the main server (issue 4 §6, R4.5): GET /breakglass lists the
 * registrations of the reader's scope with register / unregister forms (for the managers who may
 * register) and every use with its state and times (operator, agency and project managers);
 * GET /breakglass/requests/{id} shows one use read-only. Requests and approvals themselves happen
 * on the BreakGlass listener (`gcas breakglass`), which keeps working while this server is down. */
#include <string.h>

#include "web/handlers.h"
#include "web/html.h"
#include "web/page_bg.h"
#include "web/page_shared.h"

static const struct pages_done bg_done[] = {
    {"registered", "登録しました。", "Registered."},
    {"unregistered", "登録を解除しました。", "The registration was ended."},
};

static const char *const field_order[] = {"account", "environment_id", "role"};

static void reg_table(struct web_ctx *c, const struct bg_registration *v, size_t n, int can_edit)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	const char *heads[] = {T(c, "アカウント", "Account"), T(c, "環境", "Environment"),
	                       T(c, "役割", "Role"), T(c, "登録日時", "Registered"),
	                       T(c, "操作", "Actions")};
	ui_table_begin(b, "registrations", T(c, "登録", "Registrations"), heads, can_edit ? 5 : 4);
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"nowrap\">%s</td>",
		            v[i].email,
		            bg_env_text(c, v[i].env_csp, v[i].env_external_id, v[i].environment_id),
		            bg_role_label(v[i].role, en), pages_jst(c, v[i].registered_at));
		if (can_edit) {
			html_lit(b, "<td>");
			pages_form_begin(
			    c, arena_printf(c->a, "/breakglass/registrations/%s/remove", v[i].id),
			    NULL);
			form_submit(b, T(c, "解除", "Remove"), "secondary");
			html_lit(b, "</form></td>");
		}
		html_lit(b, "</tr>\n");
	}
	ui_table_end(b);
}

static void register_form(struct web_ctx *c, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, field_order, sizeof(field_order) / sizeof(field_order[0]));
	static const struct form_option roles_ja[] = {{"requester", "申請者"},
	                                              {"approver", "承認者"}};
	static const struct form_option roles_en[] = {{"requester", "Requester"},
	                                              {"approver", "Approver"}};
	html_printf(b, "<h2>%s</h2>\n", T(c, "事前登録", "Register in advance"));
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "承認者はその環境のプロジェクトチームGCAS責任者です。申請者は自分の申請を承認"
	              "できません。",
	              "The approver is a project manager of the environment's project team. Nobody "
	              "approves their own request."));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, "/breakglass/registrations", "form");
	struct form_field f[] = {
	    {.name = "account",
	     .label = T(c, "アカウント（メールアドレス）", "Account (email address)"),
	     .value = web_form(c, "account"),
	     .error = form_error_for(fe, nfe, "account"),
	     .required = 1,
	     .autocomplete = "off"},
	    {.name = "environment_id",
	     .label = T(c, "環境ID", "Environment id"),
	     .hint = T(c, "クラウド環境のページに表示されるID。",
	               "The id shown on the environment's page."),
	     .value = web_form(c, "environment_id"),
	     .error = form_error_for(fe, nfe, "environment_id"),
	     .required = 1},
	    {.name = "role",
	     .type = "radio",
	     .label = T(c, "役割", "Role"),
	     .value = web_form(c, "role"),
	     .error = form_error_for(fe, nfe, "role"),
	     .required = 1,
	     .options = c->lang == LANG_EN ? roles_en : roles_ja,
	     .noptions = 2},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		pages_field(c, &f[i]);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "登録する", "Register"), "primary");
	html_lit(b, "</div></form>\n");
}

static void overview(struct web_ctx *c, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct bg_registration *regs;
	struct bg_request *uses;
	struct page pg = {.limit = 100};
	size_t nregs = 0, nuses = 0;
	const char *after = NULL;
	/* R7.2 (regulation §5.2.2): the registrations and uses name people; the operator states
	 * why first, returning to the overview (a re-rendered registration too). */
	if (ve ? purpose_gate_page_next(c, "/breakglass") : purpose_gate_page(c))
		return;
	if (pages_cursor_in(c, &after)) {
		web_error_page(c, 400, "ページの指定が正しくありません。",
		               "The page is not valid.");
		return;
	}
	pg.after = after;
	enum gcas_err e = svc_bg_registrations(c->env, &c->ac, c->a, 0, NULL, &regs, &nregs);
	if (!e)
		e = svc_bg_list(c->env, &c->ac, c->a, &pg, &uses, &nuses);
	if (e) {
		web_fail(c, e);
		return;
	}
	int can_edit = policy_role_can(c->ac.subj.role, ACT_BREAKGLASS_REGISTER);
	pages_begin(c, "緊急アクセス（BreakGlass）", "BreakGlass", bg_done,
	            sizeof(bg_done) / sizeof(bg_done[0]));
	html_printf(b, "<h1>%s</h1>\n", T(c, "緊急アクセス（BreakGlass）", "BreakGlass"));
	html_printf(
	    b, "<p class=\"lead\">%s</p>\n",
	    T(c,
	      "SSOが使えないときの緊急アクセス（規程5.6）の事前登録と、すべての利用の記録"
	      "です。申請と承認は緊急アクセス用の窓口（gcas breakglass）で行います。",
	      "Registrations for emergency access when SSO is unavailable (regulation 5.6) "
	      "and the record of every use. Requests and approvals happen on the BreakGlass "
	      "desk (gcas breakglass)."));
	purpose_notice(c);
	html_printf(b, "<h2>%s</h2>\n", T(c, "登録", "Registrations"));
	if (nregs)
		reg_table(c, regs, nregs, can_edit);
	else
		html_printf(b, "<p>%s</p>\n", T(c, "登録はありません。", "No registrations."));
	if (can_edit)
		register_form(c, ve);
	html_printf(b, "<h2>%s</h2>\n", T(c, "利用の記録", "Every use"));
	if (nuses)
		bg_request_table(c, "uses", T(c, "利用の記録", "Every use"), uses, nuses,
		                 "/breakglass/requests/");
	else
		html_printf(b, "<p>%s</p>\n", T(c, "利用はまだありません。", "No use yet."));
	const char *next = pages_cursor_out(c, pg.next);
	if (next)
		pages_next_link(c, pages_url(c, "/breakglass", "cursor", next, NULL));
	web_page_end(c);
}

void page_breakglass(struct web_ctx *c)
{
	overview(c, NULL);
}

void page_breakglass_register(struct web_ctx *c)
{
	struct bg_registration r;
	struct verrs ve = {0};
	struct bg_register_input in = {web_form(c, "account"), web_form(c, "environment_id"),
	                               web_form(c, "role")};
	enum gcas_err e = svc_bg_register(c->env, &c->ac, c->a, &in, &r, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		c->resp->status = 422;
		overview(c, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, "/breakglass?done=registered");
}

void page_breakglass_unregister(struct web_ctx *c)
{
	enum gcas_err e = svc_bg_unregister(c->env, &c->ac, c->a, web_param(c, 0));
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, "/breakglass?done=unregistered");
}

void page_breakglass_request(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct bg_request r;
	struct bg_event *ev;
	size_t nev = 0;
	/* R7.2 (regulation §5.2.2): a workflow read — no purpose asked, one recorded (a declared
	 * one if it holds, else "operations" naming the request; svc_bg_get). */
	if (purpose_peek(c))
		return;
	enum gcas_err e = svc_bg_get(c->env, &c->ac, c->a, web_param(c, 0), &r, &ev, &nev);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_page_begin(c, "緊急アクセスの利用", "Emergency access use");
	html_printf(b, "<p><a href=\"/breakglass\">← %s</a></p>\n",
	            T(c, "緊急アクセス（BreakGlass）", "BreakGlass"));
	html_printf(b, "<h1>%s</h1>\n", T(c, "緊急アクセスの利用", "Emergency access use"));
	bg_request_details(c, &r, ev, nev);
	web_page_end(c);
}
