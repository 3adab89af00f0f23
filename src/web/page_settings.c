/* SPDX-License-Identifier: MIT */
/* Personal settings: one's own profile, changing the password, replacing the authenticator app,
 * security keys (WebAuthn: registered, listed, removed) and personal API tokens (created with the
 * secret shown once, listed, revoked). Every change of a credential needs a fresh re-authentication
 * (issue §4): without one the page offers the way to /reauth instead of the form, and a POST is
 * sent there first. */
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "svc/orgs.h"
#include "svc/tokens.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define TOKEN_DEFAULT_DAYS "90"

static const struct pages_done settings_done[] = {
    {"revoked", "APIトークンを失効させました。", "The API token was revoked."},
    {"webauthn_added", "セキュリティキーを登録しました。", "The security key was registered."},
    {"webauthn_removed", "セキュリティキーを削除しました。", "The security key was removed."},
};
#define NDONE (sizeof(settings_done) / sizeof(settings_done[0]))

struct token_form {
	const char *name, *scopes, *ttl_days;
};

static int fresh(const struct web_ctx *c)
{
	return svc_reauth_fresh(c->env, &c->sv);
}

/* Send the person to confirm their password, then back to next. */
static void to_reauth(struct web_ctx *c, const char *next)
{
	web_redirect(c, pages_url(c, "/reauth", "next", next, NULL));
}

static void reauth_offer(struct web_ctx *c, const char *next, const char *what)
{
	struct buf *b = &c->resp->body;
	html_printf(b, "<p>%s</p>", what);
	html_printf(b, "<p><a class=\"btn btn--secondary\" href=\"%s\">%s</a></p>\n",
	            pages_url(c, "/reauth", "next", next, NULL),
	            T(c, "パスワードで本人確認する", "Confirm it's you with your password"));
}

static void profile(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	const struct account *acc = &c->sv.acc;
	struct org o;
	struct target t = {
	    .org_id = acc->org_id, .agency_id = acc->agency_id, .project_id = acc->project_id};
	html_printf(b, "<section class=\"card\"><h2 class=\"card__title\">%s</h2>\n",
	            T(c, "プロフィール", "Profile"));
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "氏名", "Name"), pages_person(c, acc->family_name, acc->given_name));
	ui_dl_row(b, T(c, "フリガナ", "Reading"),
	          pages_person(c, acc->family_kana, acc->given_kana));
	ui_dl_row(b, T(c, "メールアドレス", "Email address"), acc->email);
	ui_dl_row(b, T(c, "役割", "Role"), role_label(acc->role, c->lang == LANG_EN));
	html_printf(b, "<div class=\"detail-list__row\"><dt>%s</dt><dd>",
	            T(c, "所属組織", "Organisation"));
	if (acc->org_id && policy_allows(&c->ac.subj, ACT_ORG_VIEW, &t) &&
	    svc_org_get(c->env, &c->ac, c->a, acc->org_id, &o) == GCAS_OK)
		html_printf(b, "<a href=\"/orgs/%s\">%s</a>", o.id, o.name);
	else
		html_lit(b, "—");
	html_lit(b, "</dd></div>\n");
	ui_dl_row(b, T(c, "最終サインイン", "Last sign-in"), pages_jst(c, acc->last_signin_at));
	ui_dl_end(b);
	html_printf(b, "<p class=\"muted\">%s</p></section>\n",
	            T(c,
	              "氏名やメールアドレスの変更は、あなたのアカウントを発行した責任者に依頼してく"
	              "ださい。",
	              "To change your name or email address, ask the manager who issued your "
	              "account."));
}

static void password_section(struct web_ctx *c, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	html_printf(
	    b,
	    "<section class=\"card\" id=\"password-section\"><h2 class=\"card__title\">%s</h2>\n",
	    T(c, "パスワードの変更", "Change your password"));
	if (!fresh(c)) {
		reauth_offer(
		    c, "/settings",
		    T(c, "パスワードを変更するには、先に現在のパスワードで本人確認をしてください。",
		      "To change your password, first confirm it's you with your current "
		      "password."));
		html_lit(b, "</section>\n");
		return;
	}
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, "/settings/password", "form");
	struct form_field p1 = {
	    .name = "password",
	    .type = "password",
	    .label = T(c, "新しいパスワード", "New password"),
	    .hint =
	        T(c,
	          "8文字以上。長いフレーズがおすすめです。よく使われるパスワードや、名前・メールア"
	          "ドレスを含むものは使えません。変更すると、ほかの端末のセッションは終了します。",
	          "At least 8 characters; a long phrase is best. Common passwords and ones "
	          "containing your name or email address are refused. Changing it ends your "
	          "sessions on other devices."),
	    .error = form_error_for(fe, nfe, "password"),
	    .required = 1,
	    .autocomplete = "new-password"};
	pages_field(c, &p1);
	struct form_field p2 = {.name = "password2",
	                        .type = "password",
	                        .label = T(c, "新しいパスワード（確認）", "New password (again)"),
	                        .error = form_error_for(fe, nfe, "password2"),
	                        .required = 1,
	                        .autocomplete = "new-password"};
	pages_field(c, &p2);
	form_submit(b, T(c, "パスワードを変更", "Change password"), "primary");
	html_lit(b, "</form></section>\n");
}

static void totp_section(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	html_printf(
	    b, "<section class=\"card\"><h2 class=\"card__title\">%s</h2>\n<p>%s</p>\n",
	    T(c, "認証アプリ", "Authenticator app"),
	    T(c,
	      "スマートフォンを替えたときなどに、新しい認証アプリを登録します。登録が終わると、以前"
	      "のアプリとリカバリーコードは使えなくなり、新しいリカバリーコードが表示されます。",
	      "Set up a new authenticator app, for example after changing phones. Once it "
	      "is set up, the old app and recovery codes stop working and new recovery "
	      "codes are shown."));
	html_printf(
	    b, "<p><a class=\"btn btn--secondary\" href=\"/settings/totp\">%s</a></p></section>\n",
	    T(c, "認証アプリを登録し直す", "Set up a new authenticator"));
}

/* Defined in page_auth.c: the WebAuthn ceremony form driven by static/webauthn.js. */
void webauthn_form(struct web_ctx *c, const char *mode, const char *action, const char *options,
                   const char *label_value, const char *label_error);

static void webauthn_section(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct factor *f;
	size_t n = 0;
	html_printf(b,
	            "<section class=\"card\" id=\"webauthn-section\"><h2 "
	            "class=\"card__title\">%s</h2>\n<p>%s</p>\n",
	            T(c, "セキュリティキー", "Security keys"),
	            T(c,
	              "USBキーや端末の生体認証などのセキュリティキーを、認証アプリの代わりに2段階"
	              "認証に使えます。",
	              "Security keys, such as a USB key or your device's biometrics, can be used "
	              "instead of the authenticator app for two-step verification."));
	if (svc_webauthn_list(c->env, c->a, &c->sv, &f, &n) != GCAS_OK)
		n = 0;
	if (n == 0)
		html_printf(b, "<p class=\"muted\">%s</p>\n",
		            T(c, "登録されたセキュリティキーはありません。",
		              "You have no security keys registered."));
	if (n > 0) {
		const char *heads[] = {T(c, "名前", "Name"), T(c, "登録日時", "Registered"),
		                       T(c, "最終使用", "Last used"), T(c, "操作", "Actions")};
		ui_table_begin(b, "webauthn-keys",
		               T(c, "あなたのセキュリティキー", "Your security keys"), heads, 4);
		for (size_t i = 0; i < n; i++) {
			html_printf(b,
			            "<tr><td>%s</td><td class=\"nowrap\">%s</td>"
			            "<td class=\"nowrap\">%s</td><td>",
			            f[i].label ? f[i].label : "—", pages_jst(c, f[i].created_at),
			            f[i].used_at ? pages_jst(c, f[i].used_at) : "—");
			pages_form_begin(
			    c, arena_printf(c->a, "/settings/webauthn/%s/remove", f[i].id), NULL);
			html_printf(
			    b,
			    "<button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s"
			    "<span class=\"visually-hidden\"> %s</span></button></form>",
			    T(c, "削除", "Remove"), f[i].label ? f[i].label : "");
			html_lit(b, "</td></tr>\n");
		}
		ui_table_end(b);
	}
	html_printf(
	    b,
	    "<p><a class=\"btn btn--secondary\" href=\"/settings/webauthn\">%s</a></p></section>\n",
	    T(c, "セキュリティキーを登録する", "Register a security key"));
}

static void webauthn_register_page(struct web_ctx *c, const char *label, const char *label_error,
                                   const char *error)
{
	struct buf *b = &c->resp->body;
	const char *options = NULL;
	enum gcas_err e = svc_webauthn_register_begin(c->env, c->a, &c->sv, &options);
	if (e == GCAS_ERR_DENIED) {
		to_reauth(c, "/settings/webauthn");
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_page_begin(c, "セキュリティキーの登録", "Register a security key");
	html_printf(b, "<h1>%s</h1>\n", T(c, "セキュリティキーの登録", "Register a security key"));
	if (error || label_error) {
		struct field_error fe[2];
		size_t nfe = 0;
		if (label_error)
			fe[nfe++] = (struct field_error){"label", label_error};
		if (error)
			fe[nfe++] = (struct field_error){"credential", error};
		form_error_summary(b, c->lang, fe, nfe);
	}
	html_printf(
	    b, "<p>%s</p>\n",
	    T(c, "キーに名前を付けてボタンを押し、ブラウザの案内に従ってキーに触れてください。",
	      "Name the key, press the button, and touch the key when your browser asks."));
	webauthn_form(c, "create", "/settings/webauthn", options, label, label_error);
	html_printf(b, "<p><a href=\"/settings\">%s</a></p>\n",
	            T(c, "設定に戻る", "Back to settings"));
	web_page_end(c);
}

void page_settings_webauthn_form(struct web_ctx *c)
{
	if (!fresh(c)) {
		to_reauth(c, "/settings/webauthn");
		return;
	}
	webauthn_register_page(c, NULL, NULL, NULL);
}

void page_settings_webauthn(struct web_ctx *c)
{
	const char *label = web_form(c, "label"), *cred = web_form(c, "credential");
	if (!fresh(c)) {
		to_reauth(c, "/settings/webauthn");
		return;
	}
	enum gcas_err e = svc_webauthn_register_finish(c->env, &c->cl, &c->sv, cred, label);
	if (e == GCAS_OK) {
		web_redirect(c, "/settings?done=webauthn_added");
		return;
	}
	if (e == GCAS_ERR_DENIED) {
		to_reauth(c, "/settings/webauthn");
		return;
	}
	const char *err = NULL, *lerr = NULL;
	if (e == GCAS_ERR_CONFLICT)
		err = T(c, "このセキュリティキーは既に登録されています。",
		        "This security key is already registered.");
	else if (e == GCAS_ERR_AUTH)
		err = T(c, "セキュリティキーを確認できませんでした。もう一度お試しください。",
		        "The security key could not be verified. Please try again.");
	else if (e == GCAS_ERR_INVALID && !*cred)
		err = T(c, "セキュリティキーを使うには JavaScript を有効にしてください。",
		        "Security keys need JavaScript to be enabled.");
	else if (e == GCAS_ERR_INVALID && (!*label || svc_webauthn_label_ok(label)))
		err = T(c, "セキュリティキーの応答を読み取れませんでした。",
		        "The security key's answer could not be read.");
	else if (e == GCAS_ERR_INVALID)
		lerr = T(c, "名前は64文字以内で入力してください。",
		         "Enter a name of at most 64 characters.");
	if (!err && !lerr) {
		web_fail(c, e);
		return;
	}
	c->resp->status = 422;
	webauthn_register_page(c, label, lerr, err);
}

void page_settings_webauthn_remove(struct web_ctx *c)
{
	if (!fresh(c)) {
		to_reauth(c, "/settings");
		return;
	}
	enum gcas_err e = svc_webauthn_remove(c->env, &c->cl, &c->sv, web_param(c, 0));
	if (e == GCAS_ERR_DENIED) {
		to_reauth(c, "/settings");
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, "/settings?done=webauthn_removed");
}

static const char *scopes_label(const struct web_ctx *c, const char *scopes)
{
	return token_has_scope(scopes, "write") ? T(c, "読み取り・書き込み", "Read and write")
	                                        : T(c, "読み取りのみ", "Read only");
}

static void token_table(struct web_ctx *c, const struct api_token *t, size_t n)
{
	struct buf *b = &c->resp->body;
	int64_t now = clock_now();
	if (n == 0) {
		html_printf(b, "<p class=\"muted\">%s</p>\n",
		            T(c, "APIトークンはありません。", "You have no API tokens."));
		return;
	}
	const char *heads[] = {T(c, "名前", "Name"),          T(c, "権限", "Scopes"),
	                       T(c, "作成日時", "Created"),   T(c, "有効期限", "Expires"),
	                       T(c, "最終使用", "Last used"), T(c, "状態", "Status"),
	                       T(c, "操作", "Actions")};
	ui_table_begin(b, "tokens", T(c, "あなたのAPIトークン", "Your API tokens"), heads, 7);
	for (size_t i = 0; i < n; i++) {
		int live = !t[i].revoked_at && t[i].expires_at > now;
		html_printf(b,
		            "<tr><td>%s</td><td>%s</td><td class=\"nowrap\">%s</td>"
		            "<td class=\"nowrap\">%s</td><td class=\"nowrap\">%s</td><td>",
		            t[i].name, scopes_label(c, t[i].scopes), pages_jst(c, t[i].created_at),
		            pages_jst(c, t[i].expires_at),
		            t[i].last_used_at ? pages_jst(c, t[i].last_used_at) : "—");
		if (t[i].revoked_at)
			ui_badge(b, "neutral", T(c, "失効", "Revoked"));
		else if (!live)
			ui_badge(b, "warning", T(c, "期限切れ", "Expired"));
		else
			ui_badge(b, "success", T(c, "有効", "Active"));
		html_lit(b, "</td><td>");
		if (live) {
			pages_form_begin(
			    c, arena_printf(c->a, "/settings/tokens/%s/revoke", t[i].id), NULL);
			html_printf(
			    b,
			    "<button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s"
			    "<span class=\"visually-hidden\"> %s</span></button></form>",
			    T(c, "失効させる", "Revoke"), t[i].name);
		}
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
}

static void tokens_section(struct web_ctx *c, const struct token_form *in, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	struct api_token *t;
	size_t n;
	html_printf(b,
	            "<section class=\"card\" id=\"tokens-section\"><h2 "
	            "class=\"card__title\">%s</h2>\n<p>%s</p>\n",
	            T(c, "個人用APIトークン", "Personal API tokens"),
	            T(c,
	              "自動化のためにAPIを使うときのトークンです。あなたと同じ権限で動作します。不"
	              "要になったら失効させてください。",
	              "Tokens for using the API from scripts. They act with your rights. Revoke "
	              "them when they are no longer needed."));
	if (svc_token_list(c->env, &c->ac, c->a, &t, &n) == GCAS_OK)
		token_table(c, t, n);
	html_printf(b, "<h3>%s</h3>\n", T(c, "新しいトークンの作成", "Create a token"));
	if (!fresh(c)) {
		reauth_offer(c, "/settings",
		             T(c,
		               "トークンを作成するには、先にパスワードで本人確認をしてください。",
		               "To create a token, first confirm it's you with your password."));
		html_lit(b, "</section>\n");
		return;
	}
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, "/settings/tokens", "form");
	struct form_field nf = {.name = "name",
	                        .label = T(c, "名前", "Name"),
	                        .hint = T(c, "用途が分かる名前。例：夜間の棚卸しスクリプト",
	                                  "Say what it is for, e.g. nightly inventory script"),
	                        .value = in ? in->name : NULL,
	                        .error = form_error_for(fe, nfe, "name"),
	                        .required = 1,
	                        .maxlength = 100};
	pages_field(c, &nf);
	const struct form_option scopes[] = {
	    {"read", T(c, "読み取りのみ（read）", "Read only (read)")},
	    {"read write", T(c, "読み取り・書き込み（read write）", "Read and write (read write)")},
	};
	struct form_field sf = {.name = "scopes",
	                        .type = "radio",
	                        .label = T(c, "権限", "Scopes"),
	                        .value = in && *in->scopes ? in->scopes : "read",
	                        .error = form_error_for(fe, nfe, "scopes"),
	                        .required = 1,
	                        .options = scopes,
	                        .noptions = 2};
	pages_field(c, &sf);
	long long maxd = (long long)(c->env->cfg->token_max_ttl / 86400);
	struct form_field df = {.name = "ttl_days",
	                        .type = "number",
	                        .label = T(c, "有効日数", "Lifetime in days"),
	                        .hint = c->lang == LANG_EN
	                                    ? arena_printf(c->a, "1 to %lld days", maxd)
	                                    : arena_printf(c->a, "1〜%lld日", maxd),
	                        .value = in ? in->ttl_days : TOKEN_DEFAULT_DAYS,
	                        .error = form_error_for(fe, nfe, "ttl_days"),
	                        .required = 1,
	                        .inputmode = "numeric",
	                        .width_chars = 8};
	pages_field(c, &df);
	form_submit(b, T(c, "トークンを作成", "Create token"), "primary");
	html_lit(b, "</form></section>\n");
}

static void settings_page(struct web_ctx *c, const struct verrs *pw_ve,
                          const struct token_form *tin, const struct verrs *tok_ve)
{
	struct buf *b = &c->resp->body;
	pages_begin(c, "設定", "Settings", settings_done, NDONE);
	html_printf(b, "<h1>%s</h1>\n", T(c, "設定", "Settings"));
	profile(c);
	password_section(c, pw_ve);
	totp_section(c);
	webauthn_section(c);
	tokens_section(c, tin, tok_ve);
	web_page_end(c);
}

void page_settings(struct web_ctx *c)
{
	settings_page(c, NULL, NULL, NULL);
}

void page_settings_password(struct web_ctx *c)
{
	struct verrs ve = {0};
	if (!fresh(c)) {
		to_reauth(c, "/settings");
		return;
	}
	const char *pw = web_form(c, "password");
	enum gcas_err e = GCAS_ERR_INVALID;
	if (strcmp(pw, web_form(c, "password2")) != 0)
		verr_add(&ve, "password2", "確認用のパスワードが一致しません",
		         "The passwords do not match");
	else
		e = svc_password_change(c->env, &c->cl, &c->sv, pw, &ve);
	if (e == GCAS_ERR_INVALID) {
		c->resp->status = 422;
		settings_page(c, &ve, NULL, NULL);
		return;
	}
	if (e == GCAS_ERR_DENIED) {
		to_reauth(c, "/settings");
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	/* Shown here rather than after a redirect: the change ends the account's other sessions
	 * (and, as svc/auth.c stands, this one too), so a redirect could land on sign-in with no
	 * word of what happened. */
	struct buf *b = &c->resp->body;
	web_page_begin(c, "パスワードを変更しました", "Your password was changed");
	html_printf(b, "<h1>%s</h1>\n",
	            T(c, "パスワードを変更しました", "Your password was changed"));
	ui_alert(
	    b, c->lang, "success", NULL,
	    T(c,
	      "新しいパスワードを設定しました。ほかの端末やブラウザでのサインインは終了しました。",
	      "Your new password is set. Your sign-ins on other devices and browsers have "
	      "ended."));
	html_printf(b, "<p><a class=\"btn btn--primary\" href=\"/settings\">%s</a></p>\n",
	            T(c, "設定に戻る", "Back to settings"));
	web_page_end(c);
}

void page_settings_totp_form(struct web_ctx *c)
{
	if (!fresh(c)) {
		to_reauth(c, "/settings/totp");
		return;
	}
	enrol_page(c, "/settings/totp", NULL);
}

void page_settings_totp(struct web_ctx *c)
{
	char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE], token[SESSION_TOKEN_SIZE];
	if (!fresh(c)) {
		to_reauth(c, "/settings/totp");
		return;
	}
	enum gcas_err e =
	    svc_totp_confirm(c->env, &c->cl, &c->sv, web_form(c, "code"), codes, token);
	if (e == GCAS_ERR_AUTH) {
		c->resp->status = 422;
		enrol_page(c, "/settings/totp",
		           T(c, "コードが正しくありません。アプリの時刻設定も確認してください。",
		             "The code is not correct. Check the time on your phone too."));
		return;
	}
	if (e == GCAS_ERR_DENIED) {
		to_reauth(c, "/settings/totp");
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	recovery_page(c, codes);
	explicit_bzero(codes, sizeof(codes));
}

static void token_created_page(struct web_ctx *c, const struct api_token *t, const char *secret)
{
	struct buf *b = &c->resp->body;
	web_page_begin(c, "APIトークンを作成しました", "API token created");
	html_printf(b, "<h1>%s</h1>\n", T(c, "APIトークンを作成しました", "API token created"));
	ui_alert(b, c->lang, "warning",
	         T(c, "このトークンは今だけ表示されます", "This token is shown only now"),
	         T(c,
	           "今すぐコピーして、パスワード管理ツールなど安全な場所に保管してください。このペ"
	           "ージを離れると二度と表示できません。トークンはあなたと同じ権限で動作します。",
	           "Copy it now and keep it somewhere safe, such as a password manager. It cannot "
	           "be shown again once you leave this page. It acts with your rights."));
	html_printf(b,
	            "<div class=\"field\"><label class=\"field__label\" for=\"token\">%s</label>"
	            "<input class=\"input mono\" id=\"token\" type=\"text\" readonly "
	            "autocomplete=\"off\" value=\"%s\"></div>\n",
	            T(c, "トークン", "Token"), secret);
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "名前", "Name"), t->name);
	ui_dl_row(b, T(c, "権限", "Scopes"), scopes_label(c, t->scopes));
	ui_dl_row(b, T(c, "有効期限", "Expires"), pages_jst(c, t->expires_at));
	ui_dl_end(b);
	html_printf(
	    b, "<p class=\"muted\">%s <code class=\"mono\">Authorization: Bearer …</code></p>\n",
	    T(c, "APIには次のヘッダーで送ります：", "Send it to the API in the header"));
	html_printf(b, "<p><a class=\"btn btn--primary\" href=\"/settings\">%s</a></p>\n",
	            T(c, "設定に戻る", "Back to settings"));
	web_page_end(c);
}

void page_settings_token_create(struct web_ctx *c)
{
	struct verrs ve = {0};
	struct api_token t;
	const char *secret = NULL;
	int64_t days = 0;
	struct token_form in = {web_form(c, "name"), web_form(c, "scopes"),
	                        web_form(c, "ttl_days")};
	if (!fresh(c)) {
		to_reauth(c, "/settings");
		return;
	}
	if (str_to_i64(in.ttl_days, &days))
		days = 0; /* out of range: the use case says so next to the field */
	enum gcas_err e = svc_token_create(c->env, &c->ac, c->a, &c->sv, in.name, in.scopes, days,
	                                   &t, &secret, &ve);
	if (e == GCAS_ERR_INVALID) {
		c->resp->status = 422;
		settings_page(c, NULL, &in, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	token_created_page(c, &t, secret);
}

void page_settings_token_revoke(struct web_ctx *c)
{
	enum gcas_err e = svc_token_revoke(c->env, &c->ac, c->a, web_param(c, 0));
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, "/settings?done=revoked");
}
