/* SPDX-License-Identifier: MIT */
/* The BreakGlass listener's own sign-in (password, then a TOTP code, a recovery code or a
 * security key, through the same use cases as the main server's: svc/auth.h) and its home page:
 * one's registrations, one's requests, and the requests one approves for. The session lives
 * under this listener's cookie names (bg_routes.c), so it never depends on the main server or
 * its SSO being up. */
#include <string.h>

#include "web/handlers.h"
#include "web/html.h"
#include "web/page_bg.h"
#include "web/page_shared.h"

static void card_begin(struct web_ctx *c, const char *tja, const char *ten)
{
	web_page_begin(c, tja, ten);
	html_printf(&c->resp->body, "<div class=\"auth-card\"><h1>%s</h1>", T(c, tja, ten));
}

static void card_end(struct web_ctx *c)
{
	html_lit(&c->resp->body, "</div>");
	web_page_end(c);
}

static void lead(struct web_ctx *c)
{
	html_printf(&c->resp->body, "<p class=\"muted\">%s</p>",
	            T(c,
	              "SSOが使えないときに、事前に登録された申請者と承認者だけが使う緊急アクセスの"
	              "窓口です（規程5.6）。利用はすべて記録され、報告されます。",
	              "The emergency access desk for when SSO is unavailable, for requesters and "
	              "approvers registered in advance (regulation 5.6). Every use is recorded and "
	              "reported."));
}

static void code_field(struct web_ctx *c, const char *name, const char *type, const char *ja,
                       const char *en, const char *value, const char *error,
                       const char *autocomplete, int mono)
{
	struct form_field f = {.name = name,
	                       .type = type,
	                       .label = T(c, ja, en),
	                       .value = value,
	                       .error = error,
	                       .required = 1,
	                       .autocomplete = autocomplete,
	                       .monospace = mono,
	                       .width_chars = mono ? 12 : 0};
	form_field(&c->resp->body, c->lang, &f);
}

static void signin_page(struct web_ctx *c, const char *email, const char *error)
{
	struct buf *b = &c->resp->body;
	card_begin(c, "緊急アクセス サインイン", "BreakGlass sign-in");
	lead(c);
	if (error) {
		struct field_error fe = {"email", error};
		form_error_summary(b, c->lang, &fe, 1);
	}
	html_lit(b, "<form method=\"post\" action=\"/signin\" novalidate>");
	form_csrf(b, web_csrf_token(c));
	code_field(c, "email", "email", "メールアドレス", "Email address", email, NULL, "username",
	           0);
	code_field(c, "password", "password", "パスワード", "Password", NULL, NULL,
	           "current-password", 0);
	form_submit(b, T(c, "次へ", "Continue"), "primary");
	html_lit(b, "</form>");
	card_end(c);
}

void page_bg_signin_form(struct web_ctx *c)
{
	if (c->authed) {
		web_redirect(c, "/");
		return;
	}
	signin_page(c, NULL, NULL);
}

void page_bg_signin(struct web_ctx *c)
{
	char token[SESSION_TOKEN_SIZE];
	int need_enrol = 0;
	const char *email = web_form(c, "email");
	enum gcas_err e =
	    svc_signin_password(c->env, &c->cl, email, web_form(c, "password"), token, &need_enrol);
	if (e == GCAS_ERR_AUTH) {
		c->resp->status = 401;
		signin_page(c, email,
		            T(c, "メールアドレスまたはパスワードが正しくありません。",
		              "The email address or password is not correct."));
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	/* A new session at sign-in (no fixation), under this listener's own cookie. */
	web_set_cookie(c, web_session_cookie(c), token, 0);
	explicit_bzero(token, sizeof(token));
	web_redirect(c, need_enrol ? "/signin/enrol" : "/signin/factor");
}

void page_bg_enrol(struct web_ctx *c)
{
	if (c->sv.mfa_done || c->sv.has_totp || c->sv.has_webauthn) {
		web_redirect(c, c->sv.mfa_done ? "/" : "/signin/factor");
		return;
	}
	c->resp->status = 403;
	card_begin(c, "2段階認証が未設定です", "No second factor set up");
	ui_alert(&c->resp->body, c->lang, "warning", NULL,
	         T(c,
	           "緊急アクセスには、事前に GCAS で認証アプリまたはセキュリティキーを登録しておく"
	           "必要があります。",
	           "Emergency access needs an authenticator app or a security key registered on "
	           "GCAS in advance."));
	card_end(c);
}

void page_bg_signout(struct web_ctx *c)
{
	svc_signout(c->env, &c->cl, &c->sv);
	web_set_cookie(c, web_session_cookie(c), "", -1);
	web_redirect(c, "/signin");
}

/* ---- home ---- */

static const struct pages_done home_done[] = {
    {"signedout", "サインアウトしました。", "Signed out."},
};

static void reg_table(struct web_ctx *c, const struct bg_registration *v, size_t n)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	const char *heads[] = {T(c, "環境", "Environment"), T(c, "役割", "Role"),
	                       T(c, "登録日時", "Registered")};
	ui_table_begin(b, "registrations", T(c, "あなたの登録", "Your registrations"), heads, 3);
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td>%s</td><td>%s</td><td class=\"nowrap\">%s</td></tr>\n",
		            bg_env_text(c, v[i].env_csp, v[i].env_external_id, v[i].environment_id),
		            bg_role_label(v[i].role, en), pages_jst(c, v[i].registered_at));
	}
	ui_table_end(b);
}

void page_bg_home(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct bg_registration *regs;
	struct bg_mine m;
	size_t nregs = 0;
	enum gcas_err e = svc_bg_registrations(c->env, &c->ac, c->a, 1, NULL, &regs, &nregs);
	if (!e)
		e = svc_bg_mine(c->env, &c->ac, c->a, &m);
	if (e) {
		web_fail(c, e);
		return;
	}
	int requester = 0;
	for (size_t i = 0; i < nregs; i++)
		requester |= regs[i].role == BG_REQUESTER;
	pages_begin(c, "緊急アクセス", "BreakGlass", home_done,
	            sizeof(home_done) / sizeof(home_done[0]));
	html_printf(b, "<h1>%s</h1>\n", T(c, "緊急アクセス（BreakGlass）", "BreakGlass"));
	lead(c);
	if (requester)
		html_printf(b,
		            "<p><a class=\"btn btn--primary\" href=\"/requests/new\">%s</a></p>\n",
		            T(c, "緊急アクセスを申請する", "Request emergency access"));
	html_printf(b, "<h2>%s</h2>\n", T(c, "登録", "Registrations"));
	if (nregs)
		reg_table(c, regs, nregs);
	else
		html_printf(
		    b, "<p>%s</p>\n",
		    T(c,
		      "あなたは申請者にも承認者にも登録されていません。登録はプロジェクトチー"
		      "ムまたは利用機関のGCAS責任者が事前に行います。",
		      "You are registered neither as a requester nor as an approver. Your "
		      "project's or agency's GCAS manager registers people in advance."));
	if (m.nto) {
		html_printf(b, "<h2>%s</h2>\n", T(c, "承認する申請", "Requests to approve"));
		bg_request_table(c, "to-decide", T(c, "承認する申請", "Requests to approve"),
		                 m.to_decide, m.nto, "/requests/");
	}
	html_printf(b, "<h2>%s</h2>\n", T(c, "あなたの申請", "Your requests"));
	if (m.nmine)
		bg_request_table(c, "mine", T(c, "あなたの申請", "Your requests"), m.mine, m.nmine,
		                 "/requests/");
	else
		html_printf(b, "<p>%s</p>\n", T(c, "申請はありません。", "No requests."));
	web_page_end(c);
}
