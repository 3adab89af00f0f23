/* SPDX-License-Identifier: MIT */
/* The simulated cloud's emergency sign-in (issue 4 §6, `local` driver): GET/POST
 * /local-cloud/{id}/emergency-signin takes the user and one-time password a BreakGlass approval
 * issued and, until it expires or is revoked, shows the console marked as emergency access.
 * Nothing here touches a GCAS session or SSO: it is what a CSP's own break-glass user would be,
 * and it is served by the BreakGlass listener too. */
#include "svc/breakglass.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

static void signin_form(struct web_ctx *c, const char *user, const char *error)
{
	struct buf *b = &c->resp->body;
	web_page_begin(c, "ローカルクラウド 緊急サインイン", "Local cloud emergency sign-in");
	html_printf(b, "<div class=\"auth-card\"><h1>%s</h1>",
	            T(c, "ローカルクラウド 緊急サインイン", "Local cloud emergency sign-in"));
	if (error) {
		struct field_error fe = {"user", error};
		form_error_summary(b, c->lang, &fe, 1);
	}
	html_printf(b, "<p class=\"muted\">%s <code class=\"mono\">%s</code></p>",
	            T(c, "アカウント:", "Account:"), web_param(c, 0));
	html_printf(b,
	            "<form method=\"post\" action=\"/local-cloud/%s/emergency-signin\" novalidate>",
	            web_param(c, 0));
	form_csrf(b, web_csrf_token(c));
	struct form_field f[] = {
	    {.name = "user",
	     .label = T(c, "ユーザー名", "User"),
	     .value = user,
	     .required = 1,
	     .autocomplete = "username"},
	    {.name = "password",
	     .type = "password",
	     .label = T(c, "パスワード", "Password"),
	     .required = 1,
	     .autocomplete = "one-time-code"},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		form_field(b, c->lang, &f[i]);
	form_submit(b, T(c, "サインイン", "Sign in"), "primary");
	html_lit(b, "</form></div>");
	web_page_end(c);
}

void page_local_cloud_bg_form(struct web_ctx *c)
{
	signin_form(c, NULL, NULL);
}

void page_local_cloud_bg_signin(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct local_bg_cred cred;
	const char *user = web_form(c, "user");
	enum gcas_err e = svc_local_cloud_bg_signin(c->env, c->a, web_param(c, 0), user,
	                                            web_form(c, "password"), c->client_ip, &cred);
	if (e == GCAS_ERR_AUTH) {
		c->resp->status = 401;
		signin_form(
		    c, user,
		    T(c, "ユーザー名またはパスワードが正しくないか、認証情報が失効しています。",
		      "The user or password is wrong, or the credential has ended."));
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_page_begin(c, "ローカルクラウド コンソール（緊急アクセス）",
	               "Local cloud console (emergency access)");
	html_printf(b, "<h1>%s</h1>\n",
	            T(c, "ローカルクラウド コンソール（緊急アクセス）",
	              "Local cloud console (emergency access)"));
	ui_alert(b, c->lang, "warning", T(c, "緊急アクセス", "Emergency access"),
	         T(c,
	           "SSOを経由しない緊急アクセス（BreakGlass）でサインインしています。この利用は"
	           "記録され、運用管理組織と利用機関の責任者に報告されます。",
	           "You are signed in through emergency access (BreakGlass), without SSO. This use "
	           "is recorded and reported to the operator and the agency's managers."));
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "アカウントID", "Account id"), cred.cloud_id);
	ui_dl_row(b, T(c, "ユーザー名", "User"), cred.id);
	ui_dl_row(b, T(c, "本人", "Person"), cred.person_email);
	ui_dl_row(b, T(c, "権限", "Privilege"), cred.privilege);
	ui_dl_row(b, T(c, "失効", "Expires"), pages_jst(c, cred.expires_at));
	ui_dl_end(b);
	web_page_end(c);
}
