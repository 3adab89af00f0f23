/* SPDX-License-Identifier: MIT */
/* Response helpers shared by every handler: redirects, JSON, RFC 9457 problems, error pages,
 * the page frame with this request's user and navigation. */
#include <string.h>
#include <strings.h>

#include "base/rand.h"
#include "base/str.h"
#include "core/policy.h"
#include "crypto/token.h"
#include "svc/audit.h"
#include "web/cookie.h"
#include "web/html.h"
#include "web/jsonin.h"
#include "web/web.h"

void web_redirect(struct web_ctx *c, const char *location)
{
	/* 303: after a POST the browser follows with a GET (RFC 9110 §15.4.4). */
	c->resp->status = 303;
	http_resp_header(c->resp, c->a, "Location", location);
	buf_reset(&c->resp->body);
}

/* json_dump_callback's sink: straight into the response body, without json_dumps's own growing
 * buffer and the copy out of it (a token response carries a long ID token). */
static int dump_to_buf(const char *p, size_t n, void *data)
{
	struct buf *b = data;
	buf_append(b, p, n);
	return b->failed ? -1 : 0;
}

void web_json(struct web_ctx *c, int status, json_t *body)
{
	c->resp->status = status;
	c->resp->content_type = "application/json";
	buf_reset(&c->resp->body);
	int rc = body ? json_dump_callback(body, dump_to_buf, &c->resp->body, JSON_COMPACT) : -1;
	json_decref(body);
	if (rc != 0 || c->resp->body.failed) {
		c->resp->status = 500;
		buf_reset(&c->resp->body);
		buf_puts(&c->resp->body, "{}");
	}
}

void web_problem(struct web_ctx *c, int status, const char *title, const char *detail,
                 const struct verrs *ve)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("about:blank"));
	json_object_set_new(o, "title", json_string(title));
	json_object_set_new(o, "status", json_integer(status));
	if (detail)
		json_object_set_new(o, "detail", json_string(detail));
	if (ve && ve->n) {
		json_t *arr = json_array();
		for (size_t i = 0; i < ve->n; i++) {
			json_t *e = json_object();
			char *ptr = arena_printf(c->a, "/%s", ve->e[i].field ? ve->e[i].field : "");
			json_object_set_new(e, "pointer", json_string(ptr ? ptr : "/"));
			json_object_set_new(e, "detail", json_string(ve->e[i].en));
			json_object_set_new(e, "detail_ja", json_string(ve->e[i].ja));
			json_array_append_new(arr, e);
		}
		json_object_set_new(o, "errors", arr);
	}
	if (c->req->request_id)
		json_object_set_new(o, "request_id", json_string(c->req->request_id));
	web_json(c, status, o);
	c->resp->content_type = "application/problem+json";
}

static int status_of(enum gcas_err e)
{
	switch (e) {
	case GCAS_OK:
		return 200;
	case GCAS_ERR_INVALID:
		return 422;
	case GCAS_ERR_NOTFOUND:
		return 404;
	case GCAS_ERR_CONFLICT:
		return 409;
	case GCAS_ERR_DENIED:
		return 403;
	case GCAS_ERR_AUTH:
		return 401;
	case GCAS_ERR_BUSY:
		return 503;
	default:
		return 500;
	}
}

void web_fail(struct web_ctx *c, enum gcas_err e)
{
	int st = status_of(e);
	static const struct {
		int status;
		const char *ja, *en;
	} msgs[] = {
	    {403, "この操作を行う権限がありません。", "You do not have permission to do this."},
	    {404, "お探しのものは見つかりませんでした。", "The requested item was not found."},
	    {409, "他の変更と競合しました。読み込み直してからもう一度お試しください。",
	     "This conflicts with another change. Reload and try again."},
	    {422, "入力内容に問題があります。", "The input is not valid."},
	    {401, "サインインしてください。", "Please sign in."},
	    {503, "混み合っています。しばらくしてからもう一度お試しください。",
	     "The service is busy. Please try again shortly."},
	    {500, "システムエラーが発生しました。", "An internal error occurred."},
	};
	const char *ja = msgs[6].ja, *en = msgs[6].en;
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (msgs[i].status == st) {
			ja = msgs[i].ja;
			en = msgs[i].en;
		}
	if (c->route && c->route->kind == ROUTE_API)
		web_problem(c, st, http_status_text(st), en, NULL);
	else
		web_error_page(c, st, ja, en);
}

/* Navigation: the services each role may use (R3.3: nothing beyond them). */
/* The navigation: each entry shows for roles the matrix lets do at least one of its actions
 * (-1: everyone signed in). */
static const struct {
	struct nav_item item;
	int act[2];
} nav_all[] = {
    {{"/", "ホーム", "Home"}, {-1, -1}},
    {{"/orgs", "組織", "Organisations"}, {ACT_ORG_VIEW, -1}},
    {{"/accounts", "アカウント管理", "Accounts"}, {ACT_ACCOUNT_VIEW, -1}},
    {{"/applications", "申請", "Applications"}, {ACT_APP_APPLY, ACT_APP_APPROVE}},
    {{"/groups", "メンバー管理", "Groups"}, {ACT_GROUP_VIEW, -1}},
    {{"/environments", "CSP環境", "Cloud environments"}, {ACT_ENV_VIEW, -1}},
    {{"/console", "コンソール", "Consoles"}, {ACT_CONSOLE_USE, -1}},
    {{"/breakglass", "緊急アクセス", "BreakGlass"}, {ACT_BREAKGLASS_VIEW, -1}},
    {{"/systems", "システム情報", "Systems"}, {ACT_SYSTEM_VIEW, -1}},
    {{"/reviews", "定期確認", "Reviews"}, {ACT_REVIEW_MANAGE, ACT_REVIEW_DECIDE}},
    {{"/sso/clients", "SSOクライアント", "SSO clients"}, {ACT_SSO_CLIENT_MANAGE, -1}},
    {{"/sso/sps", "SAML SP", "SAML SPs"}, {ACT_SSO_CLIENT_MANAGE, -1}},
    {{"/keys", "署名鍵", "Signing keys"}, {ACT_KEYS_MANAGE, -1}},
    {{"/audit", "監査ログ", "Audit log"}, {ACT_AUDIT_VIEW, -1}},
    {{"/settings", "設定", "Settings"}, {-1, -1}},
};
#define NNAV (sizeof(nav_all) / sizeof(nav_all[0]))

static int nav_allowed(const struct web_ctx *c, size_t i)
{
	enum role r = c->ac.subj.role;
	if (nav_all[i].act[0] < 0)
		return 1;
	for (size_t k = 0; k < 2; k++)
		if (nav_all[i].act[k] >= 0 && policy_role_can(r, (enum action)nav_all[i].act[k]))
			return 1;
	return 0;
}

static void begin(struct web_ctx *c, const char *tja, const char *ten, const char *kind,
                  const char *mja, const char *men)
{
	struct page_ctx p = {0};
	struct nav_item *nav = arena_alloc(c->a, sizeof(struct nav_item) * NNAV);
	size_t n = 0;
	p.lang = c->lang;
	p.title_ja = tja;
	p.title_en = ten;
	p.path_and_query = c->req->query[0]
	                       ? arena_printf(c->a, "%s?%s", c->req->path, c->req->query)
	                       : c->req->path;
	if (c->authed && c->sv.mfa_done) {
		p.user_name =
		    arena_printf(c->a, "%s %s", c->sv.acc.family_name, c->sv.acc.given_name);
		p.role_label = role_label(c->sv.acc.role, c->lang == LANG_EN);
		p.csrf = c->sv.s.csrf;
		for (size_t i = 0; nav && i < NNAV; i++)
			if (nav_allowed(c, i))
				nav[n++] = nav_all[i].item;
		p.nav = nav;
		p.nnav = n;
		/* Another listener (BreakGlass) has its own few pages and their navigation. */
		if (c->table && c->table->nav) {
			p.nav = c->table->nav;
			p.nnav = c->table->nnav;
		}
		/* The longest nav prefix of the path is the active section. */
		for (size_t i = 0; i < p.nnav; i++) {
			size_t l = strlen(p.nav[i].href);
			if (strcmp(c->req->path, p.nav[i].href) == 0 ||
			    (l > 1 && strncmp(c->req->path, p.nav[i].href, l) == 0))
				p.active_href = p.nav[i].href;
		}
	}
	p.flash_kind = kind;
	p.flash_msg = kind ? T(c, mja, men) : NULL;
	c->resp->content_type = "text/html; charset=utf-8";
	page_begin(&c->resp->body, &p);
}

void web_page_begin(struct web_ctx *c, const char *title_ja, const char *title_en)
{
	begin(c, title_ja, title_en, NULL, NULL, NULL);
}

void web_page_begin_flash(struct web_ctx *c, const char *title_ja, const char *title_en,
                          const char *kind, const char *msg_ja, const char *msg_en)
{
	begin(c, title_ja, title_en, kind, msg_ja, msg_en);
}

void web_page_end(struct web_ctx *c)
{
	struct page_ctx p = {.lang = c->lang};
	page_end(&c->resp->body, &p);
}

void web_denied(struct web_ctx *c, enum action act, const char *target_type, const char *target_id,
                const char *agency_id)
{
	audit_denied(c->env, &c->ac, act, target_type, target_id, agency_id);
	web_fail(c, GCAS_ERR_DENIED);
}

void web_error_page(struct web_ctx *c, int status, const char *msg_ja, const char *msg_en)
{
	buf_reset(&c->resp->body);
	/* Keep the headers already set (a cookie being deleted, the language choice) but drop a
	 * redirect: an error page is the answer now. */
	size_t k = 0;
	for (size_t i = 0; i < c->resp->nheaders; i++)
		if (strcasecmp(c->resp->headers[i].name, "Location") != 0)
			c->resp->headers[k++] = c->resp->headers[i];
	c->resp->nheaders = k;
	c->resp->status = status;
	web_page_begin(c, "エラー", "Error");
	struct buf *b = &c->resp->body;
	html_printf(b, "<h1>%s</h1>", T(c, "エラー", "Error"));
	ui_alert(b, c->lang, "error", NULL, T(c, msg_ja, msg_en));
	html_printf(b, "<p><a href=\"/\">%s</a></p>",
	            T(c, "ホームに戻る", "Back to the home page"));
	web_page_end(c);
}

size_t web_field_errors(struct web_ctx *c, const struct verrs *ve, struct field_error *out,
                        size_t max)
{
	size_t n = 0;
	for (size_t i = 0; ve && i < ve->n && n < max; i++)
		out[n++] = (struct field_error){ve->e[i].field, T(c, ve->e[i].ja, ve->e[i].en)};
	return n;
}

const char *web_csrf_token(struct web_ctx *c)
{
	if (c->has_session)
		return c->sv.s.csrf;
	if (c->anon_csrf)
		return c->anon_csrf;
	/* Before sign-in: reuse the double-submit cookie, or set a new one. */
	const char *ck = cookie_get(&c->cookies, web_csrf_cookie(c));
	if (ck && strlen(ck) >= 32 && strlen(ck) < 128) {
		c->anon_csrf = ck;
		return ck;
	}
	char tok[64];
	if (token_new(tok, sizeof(tok), ""))
		return "";
	c->anon_csrf = arena_strdup(c->a, tok);
	web_set_cookie(c, web_csrf_cookie(c), tok, 0);
	return c->anon_csrf;
}

const char *web_form(struct web_ctx *c, const char *key)
{
	const char *v = kv_get(&c->form, key);
	return v ? v : "";
}

const char *web_query(struct web_ctx *c, const char *key)
{
	const char *v = kv_get(&c->query, key);
	return v ? v : "";
}

const char *web_param(struct web_ctx *c, size_t i)
{
	return i < c->nparams ? c->params[i] : "";
}

int web_json_body(struct web_ctx *c, const struct jfield *spec, size_t nspec, void *target)
{
	const char *ct = http_req_header(c->req, "Content-Type");
	if (!ct || !(str_starts(ct, "application/json") ||
	             str_starts(ct, "application/merge-patch+json"))) {
		web_problem(c, 415, "Unsupported Media Type", "Send the body as application/json.",
		            NULL);
		return -1;
	}
	struct jerr errs[16];
	size_t nerr = 0;
	enum gcas_err e = jsonin_decode(c->a, c->req->body ? c->req->body : "", c->req->body_len,
	                                spec, nspec, target, errs, 16, &nerr);
	if (e == GCAS_OK)
		return 0;
	struct verrs ve = {0};
	for (size_t i = 0; i < nerr; i++) {
		const char *field =
		    errs[i].pointer && errs[i].pointer[0] == '/' ? errs[i].pointer + 1 : "";
		verr_add(&ve, field, errs[i].detail, errs[i].detail);
	}
	web_problem(c, e == GCAS_ERR_INVALID ? 400 : 500, "Bad Request",
	            "The request body is not valid.", &ve);
	return -1;
}
