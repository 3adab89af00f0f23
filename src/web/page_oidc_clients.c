/* SPDX-License-Identifier: MIT */
/* The operator's OpenID Connect clients (issue 4 §4): the list, registration (the secret is
 * shown once, right after), and disabling a client. Only the operator (ACT_SSO_CLIENT_MANAGE)
 * reaches them; the use cases decide again. */
#include <string.h>

#include "svc/oidc.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define CLIENTS_PATH "/sso/clients"

static const struct pages_done done[] = {
    {"disabled", "クライアントを無効にしました。", "The client was disabled."},
};

static void client_table(struct web_ctx *c, const struct oidc_client *k, size_t n)
{
	struct buf *b = &c->resp->body;
	const char *heads[] = {T(c, "名前", "Name"),
	                       T(c, "クライアントID", "Client ID"),
	                       T(c, "リダイレクトURI", "Redirect URIs"),
	                       T(c, "種類", "Type"),
	                       T(c, "登録日時", "Registered"),
	                       T(c, "状態", "Status")};
	if (!n) {
		html_printf(
		    b, "<p>%s</p>\n",
		    T(c, "登録されたクライアントはありません。", "No clients are registered."));
		return;
	}
	ui_table_begin(b, "oidc-clients", T(c, "OIDCクライアント", "OIDC clients"), heads, 6);
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td>%s</td><td><code>%s</code></td><td>", k[i].name,
		            k[i].client_id);
		for (const char *p = k[i].redirect_uris; p && *p;) {
			size_t len = strcspn(p, "\n");
			html_printf(b, "<code>%s</code><br>", arena_strndup(c->a, p, len));
			p += len + (p[len] == '\n');
		}
		html_printf(b, "</td><td>%s %s</td><td class=\"nowrap\">%s</td><td>",
		            strcmp(k[i].auth_method, "none") == 0 ? T(c, "公開", "Public")
		                                                  : T(c, "機密", "Confidential"),
		            k[i].id_token_alg, pages_jst(c, k[i].created_at));
		if (k[i].disabled_at) {
			ui_badge(b, "neutral", T(c, "無効", "Disabled"));
		} else {
			ui_badge(b, "success", T(c, "有効", "Active"));
			pages_form_begin(
			    c, arena_printf(c->a, CLIENTS_PATH "/%s/disable", k[i].client_id),
			    NULL);
			html_printf(
			    b,
			    " <button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s"
			    "<span class=\"visually-hidden\"> %s</span></button></form>",
			    T(c, "無効にする", "Disable"), k[i].name);
		}
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
}

void page_oidc_clients(struct web_ctx *c)
{
	struct oidc_client *k;
	size_t n;
	enum gcas_err e = svc_oidc_client_list(c->env, &c->ac, c->a, &k, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	struct buf *b = &c->resp->body;
	pages_begin(c, "OIDCクライアント", "OIDC clients", done, sizeof(done) / sizeof(done[0]));
	html_printf(b, "<h1>%s</h1>\n", T(c, "OIDCクライアント", "OIDC clients"));
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "GCASのアカウントでサインインできるアプリケーション（OpenID Connect の"
	              "リライングパーティ）です。",
	              "Applications whose users sign in with their GCAS account (OpenID Connect "
	              "relying parties)."));
	html_printf(b,
	            "<p><a class=\"btn btn--primary\" href=\"" CLIENTS_PATH "/new\">%s</a></p>\n",
	            T(c, "クライアントを登録", "Register a client"));
	client_table(c, k, n);
	html_printf(b,
	            "<p class=\"muted\">%s <code>%s/.well-known/openid-configuration</code></p>\n",
	            T(c, "ディスカバリー：", "Discovery:"), c->env->cfg->base_url);
	web_page_end(c);
}

static const struct form_option kind_opts[] = {
    {"confidential", "機密クライアント（シークレットあり）"},
    {"public", "公開クライアント（シークレットなし、PKCEのみ）"},
};
static const struct form_option kind_opts_en[] = {
    {"confidential", "Confidential (with a secret)"},
    {"public", "Public (no secret, PKCE only)"},
};
static const struct form_option alg_opts[] = {{"RS256", "RS256"}, {"ES256", "ES256"}};

static void new_page(struct web_ctx *c, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	static const char *const order[] = {"name", "redirect_uris", "kind", "alg"};
	pages_sort_errors(fe, nfe, order, 4);
	web_page_begin(c, "クライアントの登録", "Register a client");
	html_printf(b, "<h1>%s</h1>\n", T(c, "クライアントの登録", "Register a client"));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, CLIENTS_PATH "/new", "form");
	struct form_field name = {.name = "name",
	                          .label = T(c, "名前", "Name"),
	                          .value = web_form(c, "name"),
	                          .error = form_error_for(fe, nfe, "name"),
	                          .required = 1,
	                          .maxlength = 100};
	pages_field(c, &name);
	struct form_field uris = {
	    .name = "redirect_uris",
	    .type = "textarea",
	    .label = T(c, "リダイレクトURI", "Redirect URIs"),
	    .hint = T(
	        c, "1行に1つ。完全一致で照合します。https、または 127.0.0.1・localhost のみ http。",
	        "One per line, matched exactly. https, or http only for 127.0.0.1 or "
	        "localhost."),
	    .value = web_form(c, "redirect_uris"),
	    .error = form_error_for(fe, nfe, "redirect_uris"),
	    .required = 1};
	pages_field(c, &uris);
	const char *kind = web_form(c, "kind");
	struct form_field kf = {.name = "kind",
	                        .type = "radio",
	                        .label = T(c, "種類", "Type"),
	                        .value = *kind ? kind : "confidential",
	                        .error = form_error_for(fe, nfe, "kind"),
	                        .required = 1,
	                        .options = c->lang == LANG_EN ? kind_opts_en : kind_opts,
	                        .noptions = 2};
	pages_field(c, &kf);
	const char *alg = web_form(c, "alg");
	struct form_field af = {.name = "alg",
	                        .type = "select",
	                        .label = T(c, "IDトークンの署名方式", "ID token signing algorithm"),
	                        .value = *alg ? alg : "RS256",
	                        .error = form_error_for(fe, nfe, "alg"),
	                        .required = 1,
	                        .options = alg_opts,
	                        .noptions = 2};
	pages_field(c, &af);
	form_submit(b, T(c, "登録する", "Register"), "primary");
	html_lit(b, "</form>\n");
	web_page_end(c);
}

void page_oidc_client_new_form(struct web_ctx *c)
{
	struct target t = {0};
	if (!policy_allows(&c->ac.subj, ACT_SSO_CLIENT_MANAGE, &t)) {
		web_denied(c, ACT_SSO_CLIENT_MANAGE, "oidc_client", NULL, NULL);
		return;
	}
	new_page(c, NULL);
}

/* Shown once: the secret is stored only hashed. */
static void created_page(struct web_ctx *c, const struct oidc_client *k, const char *secret)
{
	struct buf *b = &c->resp->body;
	web_page_begin(c, "クライアントを登録しました", "Client registered");
	html_printf(b, "<h1>%s</h1>\n", T(c, "クライアントを登録しました", "Client registered"));
	if (secret)
		ui_alert(b, c->lang, "warning", NULL,
		         T(c,
		           "クライアントシークレットは今だけ表示されます。安全に保管してください。",
		           "The client secret is shown only now. Keep it safe."));
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "名前", "Name"), k->name);
	ui_dl_row(b, T(c, "クライアントID", "Client ID"), k->client_id);
	if (secret)
		ui_dl_row(b, T(c, "クライアントシークレット", "Client secret"), secret);
	ui_dl_row(b, T(c, "認証方式", "Authentication"), k->auth_method);
	ui_dl_row(b, T(c, "署名方式", "Signing algorithm"), k->id_token_alg);
	ui_dl_row(b, T(c, "発行者（issuer）", "Issuer"), c->env->cfg->base_url);
	ui_dl_end(b);
	html_printf(b, "<p><a href=\"" CLIENTS_PATH "\">%s</a></p>\n",
	            T(c, "クライアント一覧へ", "Back to the clients"));
	web_page_end(c);
}

void page_oidc_client_new(struct web_ctx *c)
{
	struct verrs ve = {0};
	struct oidc_client k;
	const char *secret = NULL;
	const char *kind = web_form(c, "kind");
	struct oidc_client_input in = {.name = web_form(c, "name"),
	                               .redirect_uris = web_form(c, "redirect_uris"),
	                               .public_client = strcmp(kind, "public") == 0,
	                               .alg = web_form(c, "alg")};
	if (*kind && strcmp(kind, "public") && strcmp(kind, "confidential"))
		verr_add(&ve, "kind", "種類を選んでください", "Choose the type");
	enum gcas_err e =
	    ve.n ? GCAS_ERR_INVALID
	         : svc_oidc_client_register(c->env, &c->ac, c->a, &in, &k, &secret, &ve);
	if (e == GCAS_ERR_INVALID && ve.n) {
		c->resp->status = 422;
		new_page(c, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	created_page(c, &k, secret);
}

void page_oidc_client_disable(struct web_ctx *c)
{
	enum gcas_err e = svc_oidc_client_disable(c->env, &c->ac, c->a, web_param(c, 0));
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, CLIENTS_PATH "?done=disabled");
}
