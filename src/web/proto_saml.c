/* SPDX-License-Identifier: MIT */
/* The SAML 2.0 identity provider's endpoints (issue 4 §4, S8): metadata, the SSO service for
 * both bindings (saml-bindings §3.4 Redirect, §3.5 POST), the return after sign-in, IdP-initiated
 * sign-in, and console sign-in from the console page. Responses reach the SP by the HTTP-POST
 * binding: a form that static/saml-post.js submits, with a visible button when scripts are off,
 * under a Content-Security-Policy whose form-action is that ACS's origin only. */
#include <string.h>

#include "svc/saml.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

/* The page policy, for the refusals shown as pages (a protocol route otherwise gets
 * "default-src 'none'", which would drop the stylesheet). */
#define SAML_PAGE_CSP                                                                              \
	"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "         \
	"frame-ancestors 'none'; base-uri 'none'"

/* scheme://host[:port] of an absolute http(s) URL, checked to hold only characters a CSP
 * source may (RFC 3986 host and port); NULL when it is not one. */
static const char *origin_of(struct arena *a, const char *url)
{
	const char *p = strstr(url, "://");
	if (!p || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return NULL;
	p += 3;
	size_t n = strcspn(p, "/?#");
	if (!n ||
	    strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") < n)
		return NULL;
	return arena_strndup(a, url, (size_t)(p - url) + n);
}

/* The HTTP-POST binding's form (saml-bindings §3.5.4). */
static void post_page(struct web_ctx *c, const struct saml_answer *ans)
{
	const char *origin = origin_of(c->a, ans->post.acs_url);
	c->csp = arena_printf(c->a,
	                      "default-src 'none'; script-src 'self'; style-src 'self'; "
	                      "img-src 'self' data:; form-action %s; frame-ancestors 'none'; "
	                      "base-uri 'none'",
	                      origin ? origin : "'self'");
	struct buf *b = &c->resp->body;
	web_page_begin(c, "サービスへ移動", "Continue to the service");
	html_printf(b, "<h1>%s</h1>\n", T(c, "サービスへ移動します", "Continuing to the service"));
	html_printf(b, "<p>%s</p>\n",
	            T(c, "自動的に移動しない場合は「続ける」を押してください。",
	              "If nothing happens, press Continue."));
	html_printf(b, "<form id=\"saml-post\" method=\"post\" action=\"%s\">\n",
	            ans->post.acs_url);
	html_printf(b, "<input type=\"hidden\" name=\"SAMLResponse\" value=\"%s\">\n",
	            ans->post.response_b64);
	if (ans->relay_state && *ans->relay_state)
		html_printf(b, "<input type=\"hidden\" name=\"RelayState\" value=\"%s\">\n",
		            ans->relay_state);
	html_printf(b, "<button type=\"submit\" class=\"btn btn--primary\">%s</button>\n</form>\n",
	            "続ける / Continue");
	html_lit(b, "<script src=\"/static/saml-post.js\"></script>\n");
	web_page_end(c);
}

static int status_for(enum gcas_err e)
{
	switch (e) {
	case GCAS_ERR_DENIED:
		return 403;
	case GCAS_ERR_INVALID:
	case GCAS_ERR_AUTH:
	case GCAS_ERR_CONFLICT:
	case GCAS_ERR_NOTFOUND:
		return 400;
	default:
		return 0;
	}
}

/* The person's answer, a sign-in detour, or the refusal as a page (we cannot answer an SP we
 * could not verify by posting to it: saml-profiles §4.1.3.5 leaves such errors to the IdP). */
static void reply(struct web_ctx *c, enum gcas_err e, const struct saml_answer *ans)
{
	if (!e && ans->pending_id) {
		if (ans->fresh_signin) {
			/* ForceAuthn, as prompt=login for OIDC: this session ends, a new one
			 * begins. */
			svc_signout(c->env, &c->cl, &c->sv);
			web_set_cookie(c, web_session_cookie(c), "", -1);
			c->authed = c->has_session = 0;
		}
		web_require_signin(c, arena_printf(c->a, "/saml/continue?id=%s", ans->pending_id));
		return;
	}
	if (!e) {
		post_page(c, ans);
		return;
	}
	int st = status_for(e);
	c->csp = SAML_PAGE_CSP;
	if (!st || !ans->why) {
		web_fail(c, e);
		return;
	}
	web_error_page(c, st, ans->why_ja, ans->why);
}

static int64_t authn_at(const struct web_ctx *c)
{
	return c->sv.s.mfa_at ? c->sv.s.mfa_at : c->sv.s.created_at;
}

static const struct actor *person(const struct web_ctx *c)
{
	return c->authed && c->has_session ? &c->ac : NULL;
}

void proto_saml_metadata(struct web_ctx *c)
{
	const char *xml;
	enum gcas_err e = svc_saml_metadata(c->env, c->a, &xml);
	if (e) {
		web_fail(c, e);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/samlmetadata+xml";
	buf_puts(&c->resp->body, xml);
}

void proto_saml_sso_get(struct web_ctx *c)
{
	struct saml_answer ans;
	const char *value = kv_get(&c->query, "SAMLRequest");
	enum gcas_err e = svc_saml_sso(c->env, person(c), authn_at(c), c->a, SAML_BIND_REDIRECT,
	                               value, c->req->query, kv_get(&c->query, "RelayState"), &ans);
	reply(c, e, &ans);
}

void proto_saml_sso_post(struct web_ctx *c)
{
	struct saml_answer ans;
	const char *value = kv_get(&c->form, "SAMLRequest");
	enum gcas_err e = svc_saml_sso(c->env, person(c), authn_at(c), c->a, SAML_BIND_POST, value,
	                               value, kv_get(&c->form, "RelayState"), &ans);
	reply(c, e, &ans);
}

void proto_saml_continue(struct web_ctx *c)
{
	struct saml_answer ans;
	const char *id = kv_get(&c->query, "id");
	if (!person(c)) {
		web_require_signin(c, arena_printf(c->a, "/saml/continue?id=%s", id ? id : ""));
		return;
	}
	enum gcas_err e = svc_saml_continue(c->env, person(c), authn_at(c), c->a, id, &ans);
	reply(c, e, &ans);
}

void proto_saml_idp_initiated(struct web_ctx *c)
{
	struct saml_answer ans;
	const char *sp = kv_get(&c->query, "sp");
	if (!person(c)) {
		const char *q = c->req->query;
		web_require_signin(c, arena_printf(c->a, "/saml/idp-initiated?%s", q));
		return;
	}
	enum gcas_err e = svc_saml_idp_initiated(c->env, person(c), authn_at(c), c->a, sp,
	                                         kv_get(&c->query, "RelayState"), &ans);
	reply(c, e, &ans);
}

void page_console_signin(struct web_ctx *c)
{
	struct saml_answer ans;
	enum gcas_err e =
	    svc_saml_console_signin(c->env, &c->ac, authn_at(c), c->a, web_param(c, 0), &ans);
	if (e == GCAS_ERR_CONFLICT && ans.why) {
		web_error_page(c, 409, ans.why_ja, ans.why);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	post_page(c, &ans);
}
