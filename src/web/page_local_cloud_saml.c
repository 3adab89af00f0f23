/* SPDX-License-Identifier: MIT */
/* The local cloud's console as a real SAML service provider (issue 4 §4): its metadata, the
 * SP-initiated login (Lasso builds an AuthnRequest to our IdP, Redirect binding), and the ACS
 * where Lasso validates the Response before the person must be a provisioned, active user of
 * the environment's identity store. The console keeps its own session (cookie gcas_lc_<id>),
 * apart from GCAS's, as a CSP's console would. */
#include <string.h>

#include "svc/saml.h"
#include "web/cookie.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_local_cloud_saml.h"
#include "web/page_shared.h"

#define REQUEST_TTL 900 /* the AuthnRequest id waits this long for its Response */

/* The page policy, for the ACS's refusal page (a protocol route otherwise gets
 * "default-src 'none'", which would drop the stylesheet). */
#define LOCAL_PAGE_CSP                                                                             \
	"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "         \
	"frame-ancestors 'none'; base-uri 'none'"

static const char *session_cookie(struct web_ctx *c, const char *id)
{
	return arena_printf(c->a, "gcas_lc_%s", id);
}

static const char *request_cookie(struct web_ctx *c, const char *id)
{
	return arena_printf(c->a, "gcas_lcreq_%s", id);
}

/* Cloud ids are "gcas-local-" and digits; anything else cannot name a cookie or a cloud. */
static int id_ok(const char *id)
{
	return id && *id && strlen(id) < 64 &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(id);
}

void proto_local_saml_metadata(struct web_ctx *c)
{
	const char *xml;
	const char *id = web_param(c, 0);
	enum gcas_err e =
	    id_ok(id) ? svc_local_saml_metadata(c->env, c->a, id, &xml) : GCAS_ERR_NOTFOUND;
	if (e) {
		web_fail(c, e);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/samlmetadata+xml";
	buf_puts(&c->resp->body, xml);
}

void proto_local_saml_login(struct web_ctx *c)
{
	const char *url, *rid;
	const char *id = web_param(c, 0);
	enum gcas_err e =
	    id_ok(id) ? svc_local_saml_login(c->env, c->a, id, &url, &rid) : GCAS_ERR_NOTFOUND;
	if (e) {
		web_fail(c, e);
		return;
	}
	/* The ACS accepts a Response to this request only from this browser (InResponseTo). */
	web_set_cookie(c, request_cookie(c, id), rid, REQUEST_TTL);
	web_redirect(c, url);
}

void proto_local_saml_acs(struct web_ctx *c)
{
	const char *token, *why = NULL;
	int64_t ttl;
	const char *id = web_param(c, 0);
	if (!id_ok(id)) {
		web_fail(c, GCAS_ERR_NOTFOUND);
		return;
	}
	const char *rid = cookie_get(&c->cookies, request_cookie(c, id));
	enum gcas_err e = svc_local_saml_acs(c->env, c->a, id, kv_get(&c->form, "SAMLResponse"),
	                                     rid, &token, &ttl, &why);
	if (rid)
		web_set_cookie(c, request_cookie(c, id), "", -1);
	if (e == GCAS_ERR_INVALID || e == GCAS_ERR_AUTH || e == GCAS_ERR_CONFLICT ||
	    e == GCAS_ERR_DENIED) {
		const char *en = arena_printf(c->a, "The console refused the sign-in: %s.",
		                              why ? why : "refused");
		const char *ja =
		    arena_printf(c->a, "コンソールへのサインインを受け付けませんでした(%s)。",
		                 why ? why : "refused");
		c->csp = LOCAL_PAGE_CSP;
		web_error_page(c, e == GCAS_ERR_DENIED ? 403 : 400, ja, en);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_set_cookie(c, session_cookie(c, id), token, ttl);
	web_redirect(c, arena_printf(c->a, "/local-cloud/%s", id));
}

void local_cloud_console_who(struct web_ctx *c, const char *cloud_id)
{
	struct buf *b = &c->resp->body;
	struct local_cloud_session s;
	const char *tok =
	    id_ok(cloud_id) ? cookie_get(&c->cookies, session_cookie(c, cloud_id)) : NULL;
	html_printf(b, "<h2>%s</h2>\n", T(c, "コンソールのサインイン", "Console sign-in"));
	if (!tok || svc_local_session_get(c->env, c->a, cloud_id, tok, &s) != GCAS_OK) {
		html_printf(b, "<p>%s</p>\n",
		            T(c, "このコンソールには誰もサインインしていません。",
		              "Nobody is signed in to this console."));
		html_printf(b,
		            "<p><a class=\"btn btn--primary\" "
		            "href=\"/local-cloud/%s/saml/login\">%s</a></p>\n",
		            cloud_id, T(c, "SAML でサインイン", "Sign in with SAML"));
		return;
	}
	const char *role = !s.privilege                        ? T(c, "なし", "None")
	                   : strcmp(s.privilege, "admin") == 0 ? T(c, "管理者権限", "Administrator")
	                                                       : T(c, "一般権限", "General");
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "サインインしている人", "Signed in as"), s.user_name);
	if (s.display_name)
		ui_dl_row(b, T(c, "表示名", "Display name"), s.display_name);
	ui_dl_row(b, T(c, "権限", "Role"), role);
	ui_dl_row(b, T(c, "有効期限", "Until"), pages_jst(c, s.expires_at));
	ui_dl_end(b);
}
