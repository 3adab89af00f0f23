/* SPDX-License-Identifier: MIT */
/* The web layer's internals shared by the dispatcher and the handlers: the per-request context,
 * the route table (declare, then dispatch), and response helpers. */
#ifndef GCAS_WEB_WEB_H
#define GCAS_WEB_WEB_H

#include <jansson.h>

#include "svc/auth.h"
#include "web/http.h"
#include "web/layout.h"
#include "web/params.h"

enum auth_level {
	AUTH_NONE,    /* anyone */
	AUTH_PARTIAL, /* password accepted, second factor pending (sign-in pages only) */
	AUTH_FULL,    /* signed in with two factors, or an API token */
};

enum route_kind {
	ROUTE_PAGE,  /* HTML; errors re-render or show an error page */
	ROUTE_API,   /* JSON under /api/v1; errors are problem+json (RFC 9457) */
	ROUTE_PLAIN, /* health, metrics, static files */
	/* A federation or provisioning protocol endpoint (OIDC, SAML, SCIM): no CSRF form token —
	 * the protocol's own state, PKCE, signatures or bearer credentials protect it; the session
	 * cookie is read when present but never required by the dispatcher; the handler answers
	 * in the protocol's own error format (RFC 6749 §5.2, SAML status, RFC 7644 §3.12). */
	ROUTE_PROTO,
};

struct web_ctx;
typedef void (*route_fn)(struct web_ctx *c);
/* How a route says that its request could not be read before its handler ran (a malformed
 * query or form, a body too large, a method it does not take): status and what is wrong. */
typedef void (*route_fail_fn)(struct web_ctx *c, int status, const char *detail);

struct route {
	enum http_method method;
	const char *pattern; /* "/accounts/{id}"; {x} matches one path segment */
	route_fn fn;
	enum route_kind kind;
	enum auth_level auth;
	const char *op_id;   /* API: OpenAPI operationId; NULL for pages */
	const char *summary; /* API: one line for the OpenAPI document */
	const char *scope;   /* API: token scope needed ("read" / "write") */
	/* PROTO: the protocol's own error format (RFC 6749 §5.2, RFC 7644 §3.12); NULL: by
	 * kind (an error page for pages, problem+json otherwise). */
	route_fail_fn fail;
};

extern const struct route web_routes[];
extern const size_t web_nroutes;

/* What a listener serves (web_dispatch_table): its routes and the names of its cookies, so that
 * a session of one listener is never one of another (the BreakGlass listener, issue 4 §6, runs
 * beside the main server with its own sign-in), and its navigation. */
struct web_table {
	const struct route *routes;
	size_t nroutes;
	const char *session_cookie, *session_cookie_secure; /* plain / "__Host-" on https */
	const char *csrf_cookie, *csrf_cookie_secure;
	const struct nav_item *nav; /* NULL: the main server's navigation (respond.c) */
	size_t nnav;
};
/* The BreakGlass listener's table (bg_routes.c). */
extern const struct web_table web_bg_table;

#define WEB_MAX_PARAMS 4

struct mp_form;

struct web_ctx {
	const struct env *env;
	const struct web_table *table; /* the listener's routes and cookie names */
	struct http_req *req;
	struct http_resp *resp;
	struct arena *a;
	const struct route *route;
	enum lang lang;
	int secure;            /* the client's scheme is https (directly or via a trusted proxy) */
	const char *client_ip; /* after trusted X-Forwarded-For */
	struct client cl;      /* for svc_* calls */
	int has_session;       /* sv is valid */
	struct session_view sv;
	int authed; /* ac is a signed-in person (session with 2FA, or API token) */
	struct actor ac;
	const char *params[WEB_MAX_PARAMS];
	size_t nparams;
	struct kv_list query, form, cookies;
	/* A multipart/form-data body (uploads), decoded by the dispatcher; its non-file parts are
	 * also in form (so the CSRF check and web_form see them). NULL for other bodies. */
	const struct mp_form *upload;
	const char *anon_csrf; /* double-submit token for forms shown before sign-in */
	/* A handler may set its own Content-Security-Policy (e.g. a SAML POST form whose
	 * form-action is the service provider); NULL: the route kind's default. */
	const char *csp;
};

/* Cookie names: __Host- prefixed when the client uses https (RFC 6265bis §4.1.3.2). */
const char *web_session_cookie(const struct web_ctx *c);
const char *web_csrf_cookie(const struct web_ctx *c);
/* Set / clear a cookie with our standard attributes (HttpOnly, SameSite=Lax, Secure on https,
 * Path=/). max_age < 0 deletes. */
void web_set_cookie(struct web_ctx *c, const char *name, const char *value, int64_t max_age);

/* Send the browser to sign in (or to finish its second factor) and, once fully signed in,
 * back to return_to (a path on this server, e.g. "/oidc/authorize?..."; anything else is
 * ignored and the home page is used). For protocol endpoints that need a person (OIDC
 * authorize, SAML SSO). Implemented with the sign-in pages (page_auth.c). */
void web_require_signin(struct web_ctx *c, const char *return_to);

/* Responses. */
void web_redirect(struct web_ctx *c, const char *location);
void web_json(struct web_ctx *c, int status, json_t *body); /* steals body */
/* RFC 9457 problem+json; errors (may be NULL) become an "errors" array of {pointer, detail}. */
void web_problem(struct web_ctx *c, int status, const char *title, const char *detail,
                 const struct verrs *ve);
/* Map a use-case error to a response of the route's kind (page or API). */
void web_fail(struct web_ctx *c, enum gcas_err e);
/* A refusal decided in the web layer (a form the reader may not open): recorded in the audit
 * log like every refusal of the matrix, then answered as GCAS_ERR_DENIED. */
void web_denied(struct web_ctx *c, enum action act, const char *target_type, const char *target_id,
                const char *agency_id);
/* A full error page (page routes) in the request's language. */
void web_error_page(struct web_ctx *c, int status, const char *msg_ja, const char *msg_en);

/* Pages: start and finish the page frame with this request's user, navigation and language. */
void web_page_begin(struct web_ctx *c, const char *title_ja, const char *title_en);
void web_page_begin_flash(struct web_ctx *c, const char *title_ja, const char *title_en,
                          const char *kind, const char *msg_ja, const char *msg_en);
void web_page_end(struct web_ctx *c);
/* Convert a use case's field errors to the layout's form errors in the page's language. */
size_t web_field_errors(struct web_ctx *c, const struct verrs *ve, struct field_error *out,
                        size_t max);
/* The CSRF token to put in this page's forms. */
const char *web_csrf_token(struct web_ctx *c);
/* Form value or "" */
const char *web_form(struct web_ctx *c, const char *key);
const char *web_query(struct web_ctx *c, const char *key);
const char *web_param(struct web_ctx *c, size_t i);
/* Parse the JSON body per spec; on refusal answers 400/422 itself and returns -1. */
struct jfield;
int web_json_body(struct web_ctx *c, const struct jfield *spec, size_t nspec, void *target);

/* Tr: the string for the request's language. */
static inline const char *T(const struct web_ctx *c, const char *ja, const char *en)
{
	return c->lang == LANG_EN ? en : ja;
}

/* Metrics (Prometheus text at /metrics). */
void metrics_observe(int status, int64_t micros);
void metrics_render(struct buf *b, const struct env *env);

#endif
