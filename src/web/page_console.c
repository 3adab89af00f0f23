/* SPDX-License-Identifier: MIT */
/* The console page (issue 4 §4, S8): the CSP environments the signed-in person may enter (their
 * active assignments to active environments) with the privilege, each with a sign-in button
 * that posts to /console/{environment}/signin (the SAML / OIDC sign-in, page of the SSO
 * work); and, when there are none, how to get access. */
#include "core/environment.h"
#include "svc/assignments.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

static const char *csp_label(const char *name)
{
	int v = sys_csp_parse(name);
	return v < 0 ? name : sys_csp_label((enum sys_csp)v);
}

static const char *kind_label(const struct web_ctx *c, const char *name)
{
	int v = sys_env_parse(name);
	return v < 0 ? name : sys_env_label((enum sys_env)v, c->lang == LANG_EN);
}

void page_console(struct web_ctx *c)
{
	struct assignment *v;
	size_t n = 0;
	enum gcas_err e = svc_assignments_mine(c->env, &c->ac, c->a, &v, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	struct buf *b = &c->resp->body;
	web_page_begin(c, "コンソール", "Consoles");
	html_printf(b, "<h1>%s</h1>\n", T(c, "クラウドの管理コンソール", "Cloud consoles"));
	if (!n) {
		ui_alert(
		    b, c->lang, "info", T(c, "入れる環境はありません", "No environment yet"),
		    T(c,
		      "CSP環境のコンソールに入るには、その環境のプロジェクトチームGCAS責任者"
		      "（または利用機関GCAS責任者）に、あなたのGCASアカウントを環境に割り当てる"
		      "よう依頼してください。割り当てられると、ここに表示されます。",
		      "To enter a CSP environment's console, ask its project team's GCAS manager "
		      "(or the agency's) to assign your GCAS account to the environment. Once "
		      "assigned, it appears here."));
		web_page_end(c);
		return;
	}
	html_printf(b, "<p>%s</p>\n",
	            T(c, "割り当てられた環境に、GCASのサインインのままで入れます。",
	              "Enter the environments assigned to you with your GCAS sign-in."));
	const char *heads[] = {T(c, "クラウド", "CSP"), T(c, "種類", "Type"),
	                       T(c, "クラウド側のID", "CSP id"), T(c, "権限", "Privilege"),
	                       T(c, "サインイン", "Sign in")};
	ui_table_begin(b, "consoles", T(c, "入れる環境", "Environments you may enter"), heads, 5);
	for (size_t i = 0; i < n; i++) {
		html_printf(b,
		            "<tr><td>%s</td><td>%s</td><td class=\"mono\">%s</td><td>%s</td><td>",
		            csp_label(v[i].env_csp), kind_label(c, v[i].env_kind),
		            v[i].env_external_id ? v[i].env_external_id : "—",
		            v[i].priv == ASG_PRIV_ADMIN ? T(c, "管理者", "Administrator")
		                                        : T(c, "一般利用者", "General"));
		pages_form_begin(c, arena_printf(c->a, "/console/%s/signin", v[i].environment_id),
		                 NULL);
		html_printf(
		    b,
		    "<button type=\"submit\" class=\"btn btn--primary btn--sm\">%s"
		    "<span class=\"visually-hidden\"> %s %s</span></button></form></td></tr>\n",
		    T(c, "サインイン", "Sign in"), csp_label(v[i].env_csp),
		    v[i].env_external_id ? v[i].env_external_id : "");
	}
	ui_table_end(b);
	web_page_end(c);
}
