/* SPDX-License-Identifier: MIT */
/* Sign-in pages: password, second factor, TOTP enrolment with recovery codes, sign-out, the
 * one-time set-up link, re-authentication before sensitive changes, and a security key
 * (WebAuthn) as the second factor. Every failure of the password step shows the same message
 * (no account enumeration). */
#include <string.h>

#include "base/codec.h"
#include "base/str.h"
#include "web/cookie.h"
#include "web/handlers.h"
#include "web/html.h"

/* ---- where to go once signed in (web_require_signin) ---- */

/* A protocol endpoint (OIDC authorize, SAML SSO) that needs a person remembers its own URL in
 * a short-lived cookie and the sign-in pages return there once both factors are done. Only a
 * path on this server is ever remembered or followed (no open redirect, RFC 9700 §4.11);
 * the value is base64url so '?', '&', '%' and ';' survive the cookie grammar (RFC 6265
 * §4.1.1). */
#define RETURN_TTL     600  /* 10 minutes: long enough to sign in, short enough to go stale */
#define RETURN_MAX_LEN 2048 /* base64url of this stays under COOKIE_MAX_PAIR */

static const char *return_cookie(const struct web_ctx *c)
{
	return c->secure ? "__Host-gcas_return" : "gcas_return";
}

/* 1 when path is a same-origin path we may send the browser to. */
static int return_path_ok(const char *path)
{
	if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
		return 0;
	return strlen(path) <= RETURN_MAX_LEN && html_url_is_safe(path);
}

void web_require_signin(struct web_ctx *c, const char *return_to)
{
	if (c->authed) { /* nothing to do: go straight on */
		web_redirect(c, return_path_ok(return_to) ? return_to : "/");
		return;
	}
	if (return_path_ok(return_to)) {
		size_t n = strlen(return_to);
		char *enc = arena_alloc(c->a, b64url_len(n) + 1);
		if (enc) {
			b64url_encode(enc, return_to, n);
			web_set_cookie(c, return_cookie(c), enc, RETURN_TTL);
		}
	}
	if (c->has_session)
		web_redirect(c, c->sv.has_totp || c->sv.has_webauthn ? "/signin/factor"
		                                                     : "/signin/enrol");
	else
		web_redirect(c, "/signin");
}

/* Where a completed sign-in goes: the remembered path (the cookie is cleared) or home. */
static const char *signin_done_target(struct web_ctx *c)
{
	const char *enc = cookie_get(&c->cookies, return_cookie(c));
	if (!enc)
		return "/";
	web_set_cookie(c, return_cookie(c), "", -1);
	size_t len = strlen(enc);
	char *path = arena_alloc(c->a, len + 1);
	if (!path)
		return "/";
	long n = b64_decode(path, len, enc, len);
	if (n <= 0)
		return "/";
	path[n] = '\0';
	if (strlen(path) != (size_t)n || !return_path_ok(path))
		return "/";
	return path;
}

/* Sign-in pages are narrow cards with the heading inside. */
static void card_open(struct web_ctx *c, const char *cls, const char *tja, const char *ten)
{
	web_page_begin(c, tja, ten);
	html_printf(&c->resp->body, "<div class=\"%s\"><h1>%s</h1>", cls, T(c, tja, ten));
}

static void card_begin(struct web_ctx *c, const char *tja, const char *ten)
{
	card_open(c, "auth-card", tja, ten);
}

/* Enrolment and recovery codes need room for the QR code and the list. */
static void wide_card_begin(struct web_ctx *c, const char *tja, const char *ten)
{
	card_open(c, "auth-card auth-card--wide", tja, ten);
}

static void card_end(struct web_ctx *c)
{
	html_lit(&c->resp->body, "</div>");
	web_page_end(c);
}

static void field(struct web_ctx *c, const char *name, const char *type, const char *label_ja,
                  const char *label_en, const char *value, const char *error,
                  const char *autocomplete, const char *inputmode, int mono)
{
	struct form_field f = {.name = name,
	                       .type = type,
	                       .label = T(c, label_ja, label_en),
	                       .value = value,
	                       .error = error,
	                       .required = 1,
	                       .autocomplete = autocomplete,
	                       .inputmode = inputmode,
	                       .monospace = mono,
	                       .width_chars = mono ? 12 : 0};
	form_field(&c->resp->body, c->lang, &f);
}

static void signin_page(struct web_ctx *c, const char *email, const char *error)
{
	struct buf *b = &c->resp->body;
	card_begin(c, "サインイン", "Sign in");
	if (error) {
		struct field_error fe = {"email", error};
		form_error_summary(b, c->lang, &fe, 1);
	}
	html_lit(b, "<form method=\"post\" action=\"/signin\" novalidate>");
	form_csrf(b, web_csrf_token(c));
	field(c, "email", "email", "メールアドレス", "Email address", email, NULL, "username", NULL,
	      0);
	field(c, "password", "password", "パスワード", "Password", NULL, NULL, "current-password",
	      NULL, 0);
	form_submit(b, T(c, "次へ", "Continue"), "primary");
	html_lit(b, "</form>");
	html_printf(b, "<p class=\"auth-card__footer muted\">%s</p>",
	            T(c, "GCASアカウントはGCASの利用以外には使えません（規程3.2.1）。",
	              "A GCAS account may be used for GCAS only (regulation 3.2.1)."));
	card_end(c);
}

void page_signin_form(struct web_ctx *c)
{
	if (c->authed) {
		web_redirect(c, "/");
		return;
	}
	signin_page(c, NULL, NULL);
}

void page_signin(struct web_ctx *c)
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
	/* A new session id at sign-in (no fixation); any earlier session cookie is replaced. */
	web_set_cookie(c, web_session_cookie(c), token, 0);
	web_redirect(c, need_enrol ? "/signin/enrol" : "/signin/factor");
}

static void factor_page(struct web_ctx *c, const char *error)
{
	struct buf *b = &c->resp->body;
	card_begin(c, "2段階認証", "Two-step verification");
	if (error) {
		struct field_error fe = {"code", error};
		form_error_summary(b, c->lang, &fe, 1);
	}
	html_printf(b, "<p>%s</p>",
	            T(c,
	              "認証アプリに表示されている6桁のコードを入力してください。認証アプリが使えな"
	              "い場合は、リカバリーコードを入力できます。",
	              "Enter the 6-digit code shown by your authenticator app. If you cannot use "
	              "it, enter one of your recovery codes."));
	html_lit(b, "<form method=\"post\" action=\"/signin/factor\" novalidate>");
	form_csrf(b, web_csrf_token(c));
	field(c, "code", "text", "確認コード", "Verification code", NULL, error, "one-time-code",
	      NULL, 1);
	form_submit(b, T(c, "確認する", "Verify"), "primary");
	html_lit(b, "</form>");
	if (c->sv.has_webauthn)
		html_printf(b,
		            "<p class=\"webauthn-offer\"><a class=\"btn btn--secondary\" "
		            "href=\"/signin/webauthn\">%s</a></p>",
		            T(c, "セキュリティキーを使う", "Use a security key"));
	card_end(c);
}

void page_factor_form(struct web_ctx *c)
{
	if (c->sv.mfa_done) {
		web_redirect(c, "/");
		return;
	}
	if (!c->sv.has_totp && !c->sv.has_webauthn) {
		web_redirect(c, "/signin/enrol");
		return;
	}
	factor_page(c, NULL);
}

void page_factor(struct web_ctx *c)
{
	char token[SESSION_TOKEN_SIZE];
	if (c->sv.mfa_done) {
		web_redirect(c, "/");
		return;
	}
	enum gcas_err e = svc_signin_factor(c->env, &c->cl, &c->sv, web_form(c, "code"), token);
	if (e == GCAS_ERR_AUTH) {
		c->resp->status = 401;
		factor_page(c, T(c, "コードが正しくないか、既に使われています。",
		                 "The code is wrong or has already been used."));
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_set_cookie(c, web_session_cookie(c), token, 0);
	web_redirect(c, signin_done_target(c));
}

/* The enrolment page is shared by sign-in (first time) and settings (a new authenticator). */
void enrol_page(struct web_ctx *c, const char *action, const char *error);
void enrol_page(struct web_ctx *c, const char *action, const char *error)
{
	struct totp_enrolment en;
	struct buf *b = &c->resp->body;
	enum gcas_err e = svc_totp_begin(c->env, c->a, &c->sv, &en);
	if (e) {
		web_fail(c, e);
		return;
	}
	wide_card_begin(c, "認証アプリの登録", "Set up your authenticator app");
	if (error) {
		struct field_error fe = {"code", error};
		form_error_summary(b, c->lang, &fe, 1);
	}
	html_printf(b, "<ol class=\"steps\"><li>%s</li><li>%s</li></ol>",
	            T(c,
	              "スマートフォンの認証アプリ（TOTP対応）で次のQRコードを読み取るか、キーを入力"
	              "してください。",
	              "Scan this QR code with an authenticator app (TOTP) on your phone, or type "
	              "the key."),
	            T(c, "アプリに表示された6桁のコードを入力してください。",
	              "Enter the 6-digit code the app shows."));
	ui_qr_box(b, c->lang, en.uri, en.secret_b32);
	html_printf(b, "<form method=\"post\" action=\"%s\" novalidate>", action);
	form_csrf(b, web_csrf_token(c));
	field(c, "code", "text", "確認コード", "Verification code", NULL, error, "one-time-code",
	      "numeric", 1);
	form_submit(b, T(c, "登録する", "Set up"), "primary");
	html_lit(b, "</form>");
	card_end(c);
}

/* Recovery codes are shown once, right after enrolment. */
static void recovery_page_to(struct web_ctx *c, char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE],
                             const char *next)
{
	struct buf *b = &c->resp->body;
	wide_card_begin(c, "リカバリーコード", "Recovery codes");
	ui_alert(b, c->lang, "warning", NULL,
	         T(c,
	           "このコードは今だけ表示されます。安全な場所に保管してください。各コードは1回だけ"
	           "使えます。",
	           "These codes are shown only now. Keep them somewhere safe. Each works once."));
	html_lit(b, "<ul class=\"recovery-codes mono\">");
	for (int i = 0; i < RECOVERY_CODES; i++)
		html_printf(b, "<li><code>%s</code></li>", codes[i]);
	html_lit(b, "</ul><p><a class=\"btn btn--primary\" href=\"");
	html_attr_url(b, next);
	html_printf(b, "\">%s</a></p>",
	            strcmp(next, "/") == 0 ? T(c, "ホームへ進む", "Continue to the home page")
	                                   : T(c, "続ける", "Continue"));
	card_end(c);
}

void recovery_page(struct web_ctx *c, char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE]);
void recovery_page(struct web_ctx *c, char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE])
{
	recovery_page_to(c, codes, "/");
}

void page_enrol_form(struct web_ctx *c)
{
	if (c->sv.mfa_done || c->sv.has_totp) {
		web_redirect(c, c->sv.mfa_done ? "/" : "/signin/factor");
		return;
	}
	enrol_page(c, "/signin/enrol", NULL);
}

void page_enrol(struct web_ctx *c)
{
	char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE], token[SESSION_TOKEN_SIZE];
	if (c->sv.mfa_done || c->sv.has_totp) {
		web_redirect(c, "/");
		return;
	}
	enum gcas_err e =
	    svc_totp_confirm(c->env, &c->cl, &c->sv, web_form(c, "code"), codes, token);
	if (e == GCAS_ERR_AUTH) {
		c->resp->status = 422;
		enrol_page(c, "/signin/enrol",
		           T(c, "コードが正しくありません。アプリの時刻設定も確認してください。",
		             "The code is not correct. Check the time on your phone too."));
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_set_cookie(c, web_session_cookie(c), token, 0);
	/* The new session is already in the cookie; mark this page's view as signed in. */
	c->sv.mfa_done = 1;
	actor_from_account(&c->ac, &c->sv.acc);
	c->authed = 1;
	/* First sign-in ends here: the button goes on to the remembered path, if any. */
	recovery_page_to(c, codes, signin_done_target(c));
	explicit_bzero(codes, sizeof(codes));
}

void page_signout(struct web_ctx *c)
{
	svc_signout(c->env, &c->cl, &c->sv);
	web_set_cookie(c, web_session_cookie(c), "", -1);
	web_redirect(c, "/signin");
}

static void setup_page(struct web_ctx *c, const struct account *acc, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t n = web_field_errors(c, ve, fe, VERR_MAX);
	card_begin(c, "パスワードの設定", "Set your password");
	if (n)
		form_error_summary(b, c->lang, fe, n);
	html_printf(b, "<p>%s <strong>%s</strong></p>", T(c, "アカウント：", "Account:"),
	            acc->email);
	html_printf(b, "<p class=\"muted\">%s</p>",
	            T(c,
	              "8文字以上。長いフレーズがおすすめです。よく使われるパスワードや、名前・メー"
	              "ルアドレスを含むものは使えません。",
	              "At least 8 characters; a long phrase is best. Common passwords and ones "
	              "containing your name or email address are refused."));
	html_printf(b, "<form method=\"post\" action=\"/setup/%s\" novalidate>", web_param(c, 0));
	form_csrf(b, web_csrf_token(c));
	field(c, "password", "password", "新しいパスワード", "New password", NULL,
	      form_error_for(fe, n, "password"), "new-password", NULL, 0);
	field(c, "password2", "password", "新しいパスワード（確認）", "New password (again)", NULL,
	      form_error_for(fe, n, "password2"), "new-password", NULL, 0);
	form_submit(b, T(c, "設定する", "Set password"), "primary");
	html_lit(b, "</form>");
	card_end(c);
}

void page_setup_form(struct web_ctx *c)
{
	struct account acc;
	if (svc_setup_peek(c->env, c->a, web_param(c, 0), &acc)) {
		web_error_page(
		    c, 404,
		    "このリンクは無効か、期限が切れています。管理者に新しいリンクを依頼してください"
		    "。",
		    "This link is invalid or has expired. Ask your manager for a new one.");
		return;
	}
	setup_page(c, &acc, NULL);
}

void page_setup(struct web_ctx *c)
{
	struct account acc;
	struct verrs ve = {0};
	if (svc_setup_peek(c->env, c->a, web_param(c, 0), &acc)) {
		web_error_page(
		    c, 404,
		    "このリンクは無効か、期限が切れています。管理者に新しいリンクを依頼してください"
		    "。",
		    "This link is invalid or has expired. Ask your manager for a new one.");
		return;
	}
	const char *pw = web_form(c, "password");
	if (strcmp(pw, web_form(c, "password2")) != 0)
		verr_add(&ve, "password2", "確認用のパスワードが一致しません",
		         "The passwords do not match");
	enum gcas_err e =
	    ve.n ? GCAS_ERR_INVALID : svc_setup_complete(c->env, &c->cl, web_param(c, 0), pw, &ve);
	if (e == GCAS_ERR_INVALID) {
		c->resp->status = 422;
		setup_page(c, &acc, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	buf_reset(&c->resp->body);
	card_begin(c, "パスワードを設定しました", "Your password is set");
	html_printf(&c->resp->body,
	            "<p>%s</p><p><a class=\"btn btn--primary\" href=\"/signin\">%s</a></p>",
	            T(c, "サインインして、認証アプリを登録してください。",
	              "Sign in and set up your authenticator app."),
	            T(c, "サインインへ", "Go to sign-in"));
	card_end(c);
}

static void reauth_page(struct web_ctx *c, const char *next, const char *error)
{
	struct buf *b = &c->resp->body;
	card_begin(c, "本人確認", "Confirm it's you");
	if (error) {
		struct field_error fe = {"password", error};
		form_error_summary(b, c->lang, &fe, 1);
	}
	html_printf(b, "<p>%s</p>",
	            T(c, "安全のため、続ける前にパスワードを入力してください。",
	              "For your security, enter your password before continuing."));
	html_lit(b, "<form method=\"post\" action=\"/reauth\" novalidate>");
	form_csrf(b, web_csrf_token(c));
	html_printf(b, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
	field(c, "password", "password", "パスワード", "Password", NULL, error, "current-password",
	      NULL, 0);
	form_submit(b, T(c, "確認する", "Confirm"), "primary");
	html_lit(b, "</form>");
	card_end(c);
}

/* Only same-site paths are accepted as the place to return to (no open redirect). */
static const char *safe_next(const char *next)
{
	/* html_url_is_safe also refuses tabs, spaces and controls, which browsers strip
	 * ("/\t/evil.example" would become "//evil.example"). */
	if (!next || next[0] != '/' || !html_url_is_safe(next))
		return "/settings";
	return next;
}

void page_reauth_form(struct web_ctx *c)
{
	reauth_page(c, safe_next(web_query(c, "next")), NULL);
}

void page_reauth(struct web_ctx *c)
{
	const char *next = safe_next(web_form(c, "next"));
	enum gcas_err e = svc_reauth(c->env, &c->cl, &c->sv, web_form(c, "password"));
	if (e == GCAS_ERR_AUTH) {
		c->resp->status = 401;
		reauth_page(c, next,
		            T(c, "パスワードが正しくありません。", "The password is not correct."));
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, next);
}

/* ---- security keys (WebAuthn, issue 4 §5) ---- */

/* The ceremony form static/webauthn.js drives; also used by page_settings.c. mode is "create"
 * or "get"; options is the JSON from svc_webauthn_*_begin (escaped into a data attribute, so
 * no inline script is needed). Without JavaScript the form posts an empty credential and the
 * handler says the key needs JavaScript; TOTP stays available on /signin/factor. */
void webauthn_form(struct web_ctx *c, const char *mode, const char *action, const char *options,
                   const char *label_value, const char *label_error);

void webauthn_form(struct web_ctx *c, const char *mode, const char *action, const char *options,
                   const char *label_value, const char *label_error)
{
	struct buf *b = &c->resp->body;
	int create = strcmp(mode, "create") == 0;
	html_printf(b,
	            "<div id=\"webauthn\" data-mode=\"%s\" data-options=\"%s\" "
	            "data-msg-failed=\"%s\" data-msg-unsupported=\"%s\">\n",
	            mode, options ? options : "{}",
	            T(c, "セキュリティキーで確認できませんでした。もう一度お試しください。",
	              "The security key could not be used. Please try again."),
	            T(c, "このブラウザはセキュリティキーに対応していません。",
	              "This browser does not support security keys."));
	/* The alert sits inside a plain element: [hidden] on the styled box itself would lose to
	 * its display rule. */
	html_lit(b, "<div class=\"webauthn-status\" role=\"alert\" hidden>"
	            "<p class=\"alert alert--error\"></p></div>\n");
	html_printf(b, "<noscript><p>%s</p></noscript>\n",
	            T(c, "セキュリティキーを使うには JavaScript を有効にしてください。",
	              "Security keys need JavaScript to be enabled."));
	html_printf(b, "<form method=\"post\" action=\"%s\" novalidate>", action);
	form_csrf(b, web_csrf_token(c));
	if (create) {
		struct form_field f = {.name = "label",
		                       .label = T(c, "キーの名前", "Name of the key"),
		                       .hint = T(c, "例：青いUSBキー", "For example: blue USB key"),
		                       .value = label_value,
		                       .error = label_error,
		                       .maxlength = SVC_WEBAUTHN_LABEL_MAX};
		form_field(b, c->lang, &f);
	}
	html_lit(b, "<input type=\"hidden\" name=\"credential\" value=\"\">");
	form_submit(b,
	            create ? T(c, "セキュリティキーを登録", "Register the security key")
	                   : T(c, "セキュリティキーを使う", "Use your security key"),
	            "primary");
	html_lit(b, "</form></div>\n<script src=\"/static/webauthn.js\"></script>\n");
}

static void webauthn_signin_page(struct web_ctx *c, const char *options, const char *error)
{
	struct buf *b = &c->resp->body;
	card_begin(c, "セキュリティキー", "Security key");
	if (error) {
		struct field_error fe = {"credential", error};
		form_error_summary(b, c->lang, &fe, 1);
	}
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "登録したセキュリティキーを接続し、ボタンを押してからキーに触れてください。",
	              "Connect your registered security key, press the button, then touch the "
	              "key."));
	webauthn_form(c, "get", "/signin/webauthn", options, NULL, NULL);
	html_printf(b, "<p><a href=\"/signin/factor\">%s</a></p>\n",
	            T(c, "認証アプリのコードを使う", "Use a code from your authenticator app"));
	card_end(c);
}

void page_signin_webauthn_form(struct web_ctx *c)
{
	const char *options;
	if (c->sv.mfa_done) {
		web_redirect(c, "/");
		return;
	}
	enum gcas_err e = svc_webauthn_signin_begin(c->env, c->a, &c->sv, &options);
	if (e == GCAS_ERR_NOTFOUND) {
		web_redirect(c, "/signin/factor");
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	webauthn_signin_page(c, options, NULL);
}

void page_signin_webauthn(struct web_ctx *c)
{
	char token[SESSION_TOKEN_SIZE];
	const char *cred = web_form(c, "credential"), *options = NULL;
	if (c->sv.mfa_done) {
		web_redirect(c, "/");
		return;
	}
	enum gcas_err e = svc_webauthn_signin_finish(c->env, &c->cl, &c->sv, cred, token);
	if (e == GCAS_ERR_AUTH) {
		/* The challenge was used up: the page gets a fresh one. */
		c->resp->status = 401;
		if (svc_webauthn_signin_begin(c->env, c->a, &c->sv, &options) != GCAS_OK) {
			web_redirect(c, "/signin/factor");
			return;
		}
		webauthn_signin_page(
		    c, options,
		    *cred ? T(c, "セキュリティキーを確認できませんでした。",
		              "The security key could not be verified.")
		          : T(c, "セキュリティキーを使うには JavaScript を有効にしてください。",
		              "Security keys need JavaScript to be enabled."));
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_set_cookie(c, web_session_cookie(c), token, 0);
	web_redirect(c, signin_done_target(c));
}
