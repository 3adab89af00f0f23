/* SPDX-License-Identifier: MIT */
/* The operator's SAML service providers (issue 4 §4): the list, registration by metadata
 * (pasted or uploaded, checked with Lasso by the use case; the CSP whose environments use it
 * by default; the AWS profile's role names), and disabling one. Only the operator
 * (ACT_SSO_CLIENT_MANAGE) reaches them; the use cases decide again. */
#include <string.h>

#include "svc/saml.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/multipart.h"
#include "web/page_shared.h"

#define SPS_PATH "/sso/sps"

static const struct pages_done done[] = {
    {"registered", "サービスプロバイダを登録しました。", "The service provider was registered."},
    {"disabled", "サービスプロバイダを無効にしました。", "The service provider was disabled."},
};

static void sp_table(struct web_ctx *c, const struct saml_sp_rec *s, size_t n)
{
	struct buf *b = &c->resp->body;
	const char *heads[] = {T(c, "名前", "Name"),
	                       "entityID",
	                       T(c, "既定のCSP", "Default for CSP"),
	                       T(c, "プロファイル", "Profile"),
	                       T(c, "登録日時", "Registered"),
	                       T(c, "状態", "Status")};
	if (!n) {
		html_printf(b, "<p>%s</p>\n",
		            T(c, "登録されたサービスプロバイダはありません。",
		              "No service providers are registered."));
		return;
	}
	ui_table_begin(b, "saml-sps", T(c, "SAMLサービスプロバイダ", "SAML service providers"),
	               heads, 6);
	for (size_t i = 0; i < n; i++) {
		html_printf(b,
		            "<tr><td>%s</td><td><code>%s</code></td><td>%s</td><td>%s</td>"
		            "<td class=\"nowrap\">%s</td><td>",
		            s[i].name, s[i].entity_id, s[i].csp ? s[i].csp : "—", s[i].profile,
		            pages_jst(c, s[i].created_at));
		if (s[i].disabled_at) {
			ui_badge(b, "neutral", T(c, "無効", "Disabled"));
		} else {
			ui_badge(b, "success", T(c, "有効", "Active"));
			pages_form_begin(c, arena_printf(c->a, SPS_PATH "/%s/disable", s[i].id),
			                 NULL);
			html_printf(
			    b,
			    " <button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s"
			    "<span class=\"visually-hidden\"> %s</span></button></form>",
			    T(c, "無効にする", "Disable"), s[i].name);
		}
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
}

void page_saml_sps(struct web_ctx *c)
{
	struct saml_sp_rec *s;
	size_t n;
	enum gcas_err e = svc_saml_sp_list(c->env, &c->ac, c->a, &s, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	struct buf *b = &c->resp->body;
	pages_begin(c, "SAMLサービスプロバイダ", "SAML service providers", done,
	            sizeof(done) / sizeof(done[0]));
	html_printf(b, "<h1>%s</h1>\n", T(c, "SAMLサービスプロバイダ", "SAML service providers"));
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "GCASのアカウントでサインインできるサービス(SAML 2.0 のサービスプロバイダ。"
	              "クラウドの管理コンソールなど)です。",
	              "Services whose users sign in with their GCAS account (SAML 2.0 service "
	              "providers, such as cloud consoles)."));
	html_printf(b, "<p><a class=\"btn btn--primary\" href=\"" SPS_PATH "/new\">%s</a></p>\n",
	            T(c, "サービスプロバイダを登録", "Register a service provider"));
	sp_table(c, s, n);
	html_printf(b, "<p class=\"muted\">%s <a href=\"/saml/metadata\">/saml/metadata</a></p>\n",
	            T(c, "このIdPのメタデータ:", "This IdP's metadata:"));
	web_page_end(c);
}

static const struct form_option csp_opts[] = {
    {"", "—"},          {"aws", "AWS"}, {"gcp", "Google Cloud"},
    {"azure", "Azure"}, {"oci", "OCI"}, {"sakura", "さくらのクラウド"},
};
static const struct form_option profile_opts[] = {{"generic", "generic"}, {"aws", "aws"}};

static void text_field(struct web_ctx *c, const struct field_error *fe, size_t nfe,
                       const char *name, const char *label, const char *hint, int required)
{
	struct form_field f = {.name = name,
	                       .label = label,
	                       .hint = hint,
	                       .value = web_form(c, name),
	                       .error = form_error_for(fe, nfe, name),
	                       .required = required,
	                       .maxlength = 200};
	pages_field(c, &f);
}

static void new_page(struct web_ctx *c, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	static const char *const order[] = {"metadata", "name",       "csp",         "profile",
	                                    "provider", "admin_role", "general_role"};
	pages_sort_errors(fe, nfe, order, 7);
	web_page_begin(c, "サービスプロバイダの登録", "Register a service provider");
	html_printf(b, "<h1>%s</h1>\n",
	            T(c, "サービスプロバイダの登録", "Register a service provider"));
	form_error_summary(b, c->lang, fe, nfe);
	html_lit(b, "<form method=\"post\" action=\"" SPS_PATH "/new\" "
	            "enctype=\"multipart/form-data\" novalidate>");
	form_csrf(b, web_csrf_token(c));
	struct form_field md = {
	    .name = "metadata",
	    .type = "textarea",
	    .label = T(c, "メタデータ(XML)", "Metadata (XML)"),
	    .hint = T(c, "SP の EntityDescriptor を貼り付けるか、下でファイルを選んでください。",
	              "Paste the SP's EntityDescriptor, or choose the file below."),
	    .value = web_form(c, "metadata"),
	    .error = form_error_for(fe, nfe, "metadata")};
	pages_field(c, &md);
	struct form_field file = {.name = "metadata_file",
	                          .type = "file",
	                          .label = T(c, "メタデータのファイル", "Metadata file")};
	pages_field(c, &file);
	text_field(c, fe, nfe, "name", T(c, "名前", "Name"), NULL, 1);
	struct form_field cf = {
	    .name = "csp",
	    .type = "select",
	    .label = T(c, "既定にするCSP", "Default for the environments of"),
	    .hint = T(c, "この CSP の環境のコンソールへのサインインに使います(CSPごとに1つ)。",
	              "Console sign-in to environments of this CSP uses it (one per CSP)."),
	    .value = web_form(c, "csp"),
	    .error = form_error_for(fe, nfe, "csp"),
	    .options = csp_opts,
	    .noptions = sizeof(csp_opts) / sizeof(csp_opts[0])};
	pages_field(c, &cf);
	const char *prof = web_form(c, "profile");
	struct form_field pf = {.name = "profile",
	                        .type = "radio",
	                        .label = T(c, "プロファイル", "Profile"),
	                        .value = *prof ? prof : "generic",
	                        .error = form_error_for(fe, nfe, "profile"),
	                        .required = 1,
	                        .options = profile_opts,
	                        .noptions = 2};
	pages_field(c, &pf);
	html_printf(b,
	            "<fieldset class=\"app-decl\"><legend class=\"app-decl__legend\">%s</legend>\n",
	            T(c, "AWS プロファイルの設定", "AWS profile settings"));
	text_field(c, fe, nfe, "provider",
	           T(c, "SAML プロバイダ名(IAM)", "SAML provider name (IAM)"), NULL, 0);
	text_field(c, fe, nfe, "admin_role",
	           T(c, "管理者権限のロール名", "Administrator role name"), NULL, 0);
	text_field(c, fe, nfe, "general_role", T(c, "一般権限のロール名", "General role name"),
	           NULL, 0);
	html_lit(b, "</fieldset>\n<div class=\"form-actions\">");
	form_submit(b, T(c, "登録する", "Register"), "primary");
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

void page_saml_sp_new_form(struct web_ctx *c)
{
	struct target t = {0};
	if (!policy_allows(&c->ac.subj, ACT_SSO_CLIENT_MANAGE, &t)) {
		web_denied(c, ACT_SSO_CLIENT_MANAGE, "saml_sp", NULL, NULL);
		return;
	}
	new_page(c, NULL);
}

void page_saml_sp_new(struct web_ctx *c)
{
	struct verrs ve = {0};
	struct saml_sp_rec r;
	const char *md = web_form(c, "metadata");
	const struct mp_part *f =
	    c->upload ? multipart_part_find(c->upload, "metadata_file") : NULL;
	if (f && f->len) {
		/* An uploaded file wins over the text box; it must be text (no NUL). */
		if (strlen(f->data) != f->len)
			verr_add(&ve, "metadata", "ファイルがテキスト(XML)ではありません",
			         "The file is not text (XML)");
		md = f->data;
	}
	struct saml_sp_input in = {.metadata = md,
	                           .name = web_form(c, "name"),
	                           .csp = web_form(c, "csp"),
	                           .profile = web_form(c, "profile"),
	                           .provider = web_form(c, "provider"),
	                           .admin_role = web_form(c, "admin_role"),
	                           .general_role = web_form(c, "general_role")};
	enum gcas_err e =
	    ve.n ? GCAS_ERR_INVALID : svc_saml_sp_register(c->env, &c->ac, c->a, &in, &r, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		c->resp->status = 422;
		new_page(c, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, SPS_PATH "?done=registered");
}

void page_saml_sp_disable(struct web_ctx *c)
{
	enum gcas_err e = svc_saml_sp_disable(c->env, &c->ac, c->a, web_param(c, 0));
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, SPS_PATH "?done=disabled");
}
