/* SPDX-License-Identifier: MIT */
/* The simulated cloud's console (issue 4 §2, `local` provisioning driver): GET /local-cloud/{id}
 * shows which account of the built-in cloud this is and which environment it serves, so the
 * console links of the local driver lead somewhere real on the embedded default. */
#include "svc/environments.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_local_cloud_saml.h"
#include "web/page_shared.h"

void page_local_cloud(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct local_cloud_acct acct;
	struct environment en;
	int lang_en = c->lang == LANG_EN;
	enum gcas_err e = svc_local_cloud_get(c->env, &c->ac, c->a, web_param(c, 0), &acct, &en);
	if (e) {
		web_fail(c, e);
		return;
	}
	int open = acct.state && acct.state[0] == 'o';
	web_page_begin(c, "ローカルクラウド コンソール", "Local cloud console");
	html_printf(b, "<h1>%s</h1>\n", T(c, "ローカルクラウド コンソール", "Local cloud console"));
	ui_alert(b, c->lang, "info", NULL,
	         T(c,
	           "これは GCAS に組み込まれた模擬クラウドです。実際のクラウドサービスの資源は"
	           "作られていません。",
	           "This is the simulated cloud built into GCAS; no real cloud resources exist."));
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "アカウントID", "Account id"), acct.id);
	ui_dl_row(b, T(c, "状態", "State"),
	          open ? T(c, "利用中", "Open") : T(c, "削除済み", "Closed"));
	int csp = sys_csp_parse(acct.csp), kind = sys_env_parse(acct.kind);
	ui_dl_row(b, T(c, "模擬しているクラウド", "Simulating"),
	          csp < 0 ? acct.csp : sys_csp_label((enum sys_csp)csp));
	ui_dl_row(b, T(c, "環境の種類", "Environment type"),
	          kind < 0 ? acct.kind : sys_env_label((enum sys_env)kind, lang_en));
	ui_dl_row(b, T(c, "作成日時", "Created"), pages_jst(c, acct.created_at));
	if (acct.closed_at)
		ui_dl_row(b, T(c, "削除日時", "Closed"), pages_jst(c, acct.closed_at));
	ui_dl_end(b);
	/* Its console is a SAML service provider of its own (page_local_cloud_saml.c). */
	if (open)
		local_cloud_console_who(c, acct.id);
	if (en.id)
		html_printf(b, "<p><a href=\"/environments/%s\">%s (%s)</a></p>\n", en.id,
		            T(c, "この環境の詳細", "This environment's details"),
		            env_state_label(en.state, lang_en));
	web_page_end(c);
}
