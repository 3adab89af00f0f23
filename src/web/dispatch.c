/* SPDX-License-Identifier: MIT */
/* The request pipeline: client address and scheme (trusting X-Forwarded-* only from configured
 * proxies), route lookup, input parsing with caps, authentication (session cookie or bearer
 * token), CSRF checks on every state-changing request, the handler, and the security headers
 * every response carries. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/log.h"
#include "base/str.h"
#include "crypto/token.h"
#include "svc/tokens.h"
#include "web/cookie.h"
#include "web/multipart.h"
#include "web/web.h"

/* Strict CSP: no script at all, styles and images only from ourselves (QR codes are inline
 * SVG markup, not data: URLs). */
#define CSP                                                                                        \
	"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "         \
	"frame-ancestors 'none'; base-uri 'none'"

/* The WebAuthn pages need navigator.credentials, so they load static/webauthn.js: the same
 * policy plus script from ourselves (no inline script). Every other page runs no script. */
#define CSP_SCRIPT                                                                                 \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static int page_runs_script(const struct route *rt)
{
	return strcmp(rt->pattern, "/signin/webauthn") == 0 ||
	       strcmp(rt->pattern, "/settings/webauthn") == 0;
}

static int is_state_changing(enum http_method m)
{
	return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH || m == HTTP_DELETE;
}

/* Match path against pattern, capturing {x} segments. 1 on match. */
static int match(struct web_ctx *c, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	size_t n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *end = strchr(s, '/');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			char *seg;
			if (len == 0 || n >= WEB_MAX_PARAMS ||
			    url_decode_path(c->a, s, len, &seg) != GCAS_OK)
				return 0;
			c->params[n++] = seg;
			s += len;
			p = strchr(p, '}');
			if (!p)
				return 0;
			p++;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p || *s)
		return 0;
	c->nparams = n;
	return 1;
}

/* Is addr one of the comma-separated trusted proxy addresses? */
static int trusted_proxy(const char *list, const char *addr)
{
	if (!list || !*list || !addr)
		return 0;
	size_t n = strlen(addr);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ')
			e++;
		if ((size_t)(e - p) == n && strncmp(p, addr, n) == 0)
			return 1;
		p = e;
	}
	return 0;
}

static int valid_ip(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* The client is the peer, unless the peer is a trusted proxy: then the right-most address of
 * X-Forwarded-For that is not itself a trusted proxy (earlier entries can be forged). */
static void client_identity(struct web_ctx *c)
{
	const struct config *cfg = c->env->cfg;
	c->client_ip = c->req->peer_ip ? c->req->peer_ip : "-";
	c->secure = c->req->tls;
	if (!trusted_proxy(cfg->trusted_proxies, c->req->peer_ip))
		return;
	/* The proxy appends its own line last; a client-sent one comes first. */
	const char *proto = http_req_header_last(c->req, "X-Forwarded-Proto");
	if (proto)
		c->secure = str_ieq(proto, "https");
	/* Proxies that add a new X-Forwarded-For line instead of appending (HAProxy) must not let
	 * the client's own line win: walk all lines joined, right to left. */
	const char *xff = http_req_header_all(c->req, "X-Forwarded-For");
	if (!xff)
		return;
	char *copy = arena_strdup(c->a, xff);
	while (copy && *copy) {
		char *comma = strrchr(copy, ',');
		char *cand = str_trim(comma ? comma + 1 : copy);
		if (!valid_ip(cand))
			return;
		c->client_ip = cand;
		if (!trusted_proxy(cfg->trusted_proxies, cand))
			return;
		if (!comma)
			return;
		*comma = '\0';
	}
}

/* A context built outside web_dispatch_table (tests) has no table: the main server's names. */
const char *web_session_cookie(const struct web_ctx *c)
{
	if (!c->table)
		return c->secure ? "__Host-gcas_session" : "gcas_session";
	return c->secure ? c->table->session_cookie_secure : c->table->session_cookie;
}

const char *web_csrf_cookie(const struct web_ctx *c)
{
	if (!c->table)
		return c->secure ? "__Host-gcas_csrf" : "gcas_csrf";
	return c->secure ? c->table->csrf_cookie_secure : c->table->csrf_cookie;
}

void web_set_cookie(struct web_ctx *c, const char *name, const char *value, int64_t max_age)
{
	struct buf b;
	struct cookie_attrs at = {.path = "/",
	                          .max_age = max_age,
	                          .http_only = 1,
	                          .secure = c->secure,
	                          .same_site = COOKIE_SAMESITE_LAX};
	buf_init(&b, 8192);
	if (cookie_format(&b, name, value, &at) == GCAS_OK)
		http_resp_header(c->resp, c->a, "Set-Cookie", b.data);
	buf_free(&b);
}

static void security_headers(struct web_ctx *c)
{
	struct http_resp *r = c->resp;
	http_resp_header(r, c->a, "X-Content-Type-Options", "nosniff");
	http_resp_header(r, c->a, "Referrer-Policy", "no-referrer");
	http_resp_header(r, c->a, "X-Frame-Options", "DENY");
	http_resp_header(r, c->a, "Cross-Origin-Opener-Policy", "same-origin");
	http_resp_header(r, c->a, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	if (c->csp)
		http_resp_header(r, c->a, "Content-Security-Policy", c->csp);
	else if (c->route && c->route->kind == ROUTE_PAGE && page_runs_script(c->route))
		http_resp_header(r, c->a, "Content-Security-Policy", CSP_SCRIPT);
	else if (c->route && c->route->kind == ROUTE_PAGE)
		http_resp_header(r, c->a, "Content-Security-Policy", CSP);
	else
		http_resp_header(r, c->a, "Content-Security-Policy",
		                 "default-src 'none'; frame-ancestors 'none'");
	if (!c->route || c->route->kind != ROUTE_PLAIN || c->route->auth != AUTH_NONE)
		http_resp_header(r, c->a, "Cache-Control", "no-store");
	if (c->secure)
		http_resp_header(r, c->a, "Strict-Transport-Security", "max-age=31536000");
	http_resp_header(r, c->a, "X-Request-Id", c->req->request_id ? c->req->request_id : "-");
}

static void choose_lang(struct web_ctx *c)
{
	const char *q = kv_get(&c->query, "lang");
	const char *ck = cookie_get(&c->cookies, "gcas_lang");
	c->lang = LANG_JA; /* Japanese first */
	if (ck && strcmp(ck, "en") == 0)
		c->lang = LANG_EN;
	if (q && (strcmp(q, "en") == 0 || strcmp(q, "ja") == 0)) {
		c->lang = strcmp(q, "en") == 0 ? LANG_EN : LANG_JA;
		if (!ck || strcmp(ck, q) != 0)
			web_set_cookie(c, "gcas_lang", q, 365 * 86400);
	}
}

/* Authenticate: API routes take a bearer token (or a session with the CSRF header); pages take
 * the session cookie. Returns 0 to go on, -1 when a response was already produced. */
static int authenticate(struct web_ctx *c)
{
	const struct route *rt = c->route;
	const char *authz = http_req_header(c->req, "Authorization");
	c->cl.ip = c->client_ip;
	c->cl.request_id = c->req->request_id;
	if (rt->kind == ROUTE_API && authz) {
		struct account *acc = arena_alloc(c->a, sizeof(*acc));
		struct api_token tok;
		/* RFC 9110 §11.1: the scheme name is case-insensitive. */
		if (!acc || strncasecmp(authz, "Bearer ", 7) != 0 ||
		    svc_token_resolve(c->env, c->a, authz + 7, acc, &tok) != GCAS_OK) {
			http_resp_header(c->resp, c->a, "WWW-Authenticate",
			                 "Bearer realm=\"gcas\", error=\"invalid_token\"");
			web_problem(c, 401, "Unauthorized",
			            "The bearer token is missing, unknown, expired or revoked.",
			            NULL);
			return -1;
		}
		actor_from_account(&c->ac, acc);
		c->ac.scopes = arena_strdup(c->a, tok.scopes);
		c->ac.ip = c->client_ip;
		c->ac.request_id = c->req->request_id;
		c->authed = 1;
		if (rt->scope && !token_has_scope(c->ac.scopes, rt->scope)) {
			web_problem(
			    c, 403, "Forbidden",
			    "This token's scopes do not include the one this operation needs.",
			    NULL);
			return -1;
		}
		return 0;
	}
	const char *sid = cookie_get(&c->cookies, web_session_cookie(c));
	if (sid && svc_session_resolve(c->env, c->a, sid, &c->sv) == GCAS_OK) {
		c->has_session = 1;
		if (c->sv.mfa_done) {
			actor_from_account(&c->ac, &c->sv.acc);
			c->ac.ip = c->client_ip;
			c->ac.request_id = c->req->request_id;
			c->authed = 1;
		}
	} else if (sid) {
		web_set_cookie(c, web_session_cookie(c), "", -1);
	}
	if (rt->auth == AUTH_NONE || rt->kind == ROUTE_PROTO)
		return 0;
	if (rt->auth == AUTH_PARTIAL && c->has_session)
		return 0;
	if (c->authed)
		return 0;
	if (rt->kind == ROUTE_API) {
		web_problem(c, 401, "Unauthorized", "Sign in or send a bearer token.", NULL);
		return -1;
	}
	if (c->has_session) {
		web_redirect(c, c->sv.has_totp ? "/signin/factor" : "/signin/enrol");
		return -1;
	}
	web_redirect(c, "/signin");
	return -1;
}

/* CSRF (OWASP synchronizer token): every state-changing browser request carries the session's
 * token (form field, or X-CSRF-Token for JSON); forms shown before sign-in use a double-submit
 * cookie. Bearer-token API calls carry no ambient credentials and need none. */
static int csrf_ok(struct web_ctx *c)
{
	if (!is_state_changing(c->req->method))
		return 1;
	if (c->route->kind == ROUTE_API && http_req_header(c->req, "Authorization"))
		return 1;
	if (c->route->kind == ROUTE_PLAIN || c->route->kind == ROUTE_PROTO)
		return 1;
	const char *sent = c->route->kind == ROUTE_API ? http_req_header(c->req, "X-CSRF-Token")
	                                               : kv_get(&c->form, "csrf");
	if (!sent)
		return 0;
	if (c->has_session)
		return ct_streq(c->sv.s.csrf, sent);
	const char *ck = cookie_get(&c->cookies, web_csrf_cookie(c));
	return ck && strlen(ck) >= 32 && ct_streq(ck, sent);
}

/* RFC 7578 upload: parts bounded by the body cap; the text parts become the form. */
static int parse_upload(struct web_ctx *c, const char *ct, const char **why)
{
	struct mp_form *f = arena_alloc(c->a, sizeof(*f));
	if (!f)
		return -1;
	if (multipart_parse(c->a, ct, c->req->body, c->req->body_len, c->req->body_len, f, why) ||
	    multipart_fields(c->a, f, &c->form))
		return -1;
	c->upload = f;
	return 0;
}

/* Input the handler never saw: in the route's own format when it has one (route.fail), else
 * an error page for a page, problem+json otherwise. */
static void bad_input(struct web_ctx *c, int status, const char *detail, const char *page_ja,
                      const char *page_en)
{
	if (c->route && c->route->fail)
		c->route->fail(c, status, detail);
	else if (c->route && c->route->kind == ROUTE_PAGE && page_ja)
		web_error_page(c, status, page_ja, page_en);
	else
		web_problem(c, status, http_status_text(status), detail, NULL);
}

static int parse_inputs(struct web_ctx *c)
{
	const char *why = NULL;
	const char *ck = http_req_header(c->req, "Cookie");
	if (ck && cookie_parse(c->a, ck, strlen(ck), &c->cookies) != GCAS_OK)
		c->cookies = (struct kv_list){0};
	if (params_parse(c->a, c->req->query, strlen(c->req->query), &c->query, &why)) {
		bad_input(c, 400, why ? why : "The query string is malformed.", NULL, NULL);
		return -1;
	}
	if (c->req->body_too_large) {
		bad_input(c, 413, "The request body is too large.",
		          "送信された内容が大きすぎます。", "What was sent is too large.");
		return -1;
	}
	const char *ct = http_req_header(c->req, "Content-Type");
	int bad = 0;
	if (c->req->body_len && ct && str_starts(ct, "application/x-www-form-urlencoded"))
		bad = params_parse(c->a, c->req->body, c->req->body_len, &c->form, &why) != 0;
	else if (c->req->body_len && ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		/* Protocol endpoints take no uploads: OAuth's are form-urlencoded (RFC 6749
		 * §4.1.3), SCIM's JSON. */
		bad = c->route && c->route->fail ? 1 : parse_upload(c, ct, &why) != 0;
		if (c->route && c->route->fail)
			why = "Send the parameters as application/x-www-form-urlencoded.";
	}
	if (bad) {
		bad_input(c, 400, why ? why : "The form body is malformed.",
		          "送信された内容を読み取れませんでした。",
		          "The submitted form could not be read.");
		return -1;
	}
	return 0;
}

static const struct route *find_route(struct web_ctx *c, const struct route **path_matched)
{
	*path_matched = NULL;
	for (size_t i = 0; i < c->table->nroutes; i++) {
		const struct route *rt = &c->table->routes[i];
		if (!match(c, rt->pattern, c->req->path))
			continue;
		if (!*path_matched)
			*path_matched = rt;
		if (rt->method == c->req->method ||
		    (c->req->method == HTTP_HEAD && rt->method == HTTP_GET))
			return rt;
	}
	return NULL;
}

/* Path segments of pattern ({x}: any one) that match the path's, from the start. */
static int segments_shared(const char *pattern, const char *path)
{
	int n = 0;
	while (*pattern == '/' && *path == '/') {
		pattern++, path++;
		size_t pl = strcspn(pattern, "/"), ql = strcspn(path, "/");
		int any = pl > 1 && pattern[0] == '{' && pattern[pl - 1] == '}';
		if (!ql || (!any && (pl != ql || memcmp(pattern, path, pl))))
			break;
		n++;
		pattern += pl, path += ql;
	}
	return n;
}

/* The route sharing the most leading segments with a path no route matches (the first of
 * equals), for the shape of its 404. */
static const struct route *nearest(const struct web_ctx *c)
{
	const struct route *best = NULL;
	int most = 0;
	for (size_t i = 0; i < c->table->nroutes; i++) {
		int k = segments_shared(c->table->routes[i].pattern, c->req->path);
		if (k > most) {
			most = k;
			best = &c->table->routes[i];
		}
	}
	return best;
}

void web_dispatch(const struct env *env, struct http_req *req, struct http_resp *resp)
{
	web_dispatch_table(env, NULL, req, resp);
}

void web_dispatch_table(const struct env *env, const struct web_table *table, struct http_req *req,
                        struct http_resp *resp)
{
	/* The main server's table (web_nroutes is not a constant expression, hence built here). */
	const struct web_table main_table = {.routes = web_routes,
	                                     .nroutes = web_nroutes,
	                                     .session_cookie = "gcas_session",
	                                     .session_cookie_secure = "__Host-gcas_session",
	                                     .csrf_cookie = "gcas_csrf",
	                                     .csrf_cookie_secure = "__Host-gcas_csrf"};
	int64_t t0 = clock_mono_ms();
	struct web_ctx *c = arena_alloc(req->a, sizeof(*c));
	if (!c) {
		resp->status = 503;
		return;
	}
	c->env = env;
	c->table = table ? table : &main_table;
	c->req = req;
	c->resp = resp;
	c->a = req->a;
	if (!req->query)
		req->query = "";
	client_identity(c);
	const struct route *path_matched;
	c->route = find_route(c, &path_matched);
	if (!c->route) {
		/* The answer takes the shape of the resource the path names (405), or of its
		 * nearest neighbour: problem+json under /api, SCIM's under a SCIM base, a page. */
		static const struct route page_missing = {
		    HTTP_GET, "", NULL, ROUTE_PAGE, AUTH_NONE, NULL, NULL, NULL, NULL};
		const struct route *near = path_matched ? path_matched : nearest(c);
		int shaped = near && (near->kind == ROUTE_API || near->fail);
		c->route = path_matched ? path_matched : shaped ? near : &page_missing;
		if (parse_inputs(c) == 0) {
			choose_lang(c);
			if (path_matched)
				bad_input(c, 405, "This resource does not support this method.",
				          NULL, NULL);
			else if (shaped)
				bad_input(c, 404, "No such resource.", NULL, NULL);
			else
				web_error_page(c, 404, "ページが見つかりません。",
				               "The page was not found.");
		}
		goto out;
	}
	if (parse_inputs(c) || authenticate(c))
		goto out;
	choose_lang(c);
	if (!csrf_ok(c)) {
		if (c->route->kind == ROUTE_PAGE)
			web_error_page(c, 403,
			               "フォームの有効期限が切れました。前のページに戻り、もう一度"
			               "送信してください。",
			               "The form has expired. Go back and submit it again.");
		else
			web_problem(c, 403, "Forbidden", "The CSRF token is missing or wrong.",
			            NULL);
		goto out;
	}
	c->route->fn(c);
out:
	security_headers(c);
	metrics_observe(resp->status, (clock_mono_ms() - t0) * 1000);
}
