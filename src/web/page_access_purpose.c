/* SPDX-License-Identifier: MIT */
/* R7.2 (regulation §5.2.2): the operator states why before reading user information. The
 * /access-purpose form declares a purpose for the session; the gates below send an operator
 * without one to it (pages, 303) or answer 428 (API, RFC 6585 §3) naming the
 * GCAS-Access-Purpose header, and hand the purpose to the read use cases, which audit it. */
#include <string.h>

#include "base/clock.h"
#include "svc/privacy.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define PURPOSE_HEADER "GCAS-Access-Purpose"

/* Only same-site paths are accepted as the place to return to (no open redirect), as in
 * page_auth.c: html_url_is_safe refuses "//host", "/\\host" and controls. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || !html_url_is_safe(next))
		return "/accounts";
	return next;
}

static void purpose_form(struct web_ctx *c, const char *next, const char *category,
                         const char *reason, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	struct form_option opts[PURPOSE__MAX + 1] = {{"", T(c, "選択してください", "Choose one")}};
	for (int i = 0; i < PURPOSE__MAX; i++)
		opts[i + 1] = (struct form_option){
		    purpose_labels[i].key, T(c, purpose_labels[i].ja, purpose_labels[i].en)};
	web_page_begin(c, "利用者情報の閲覧目的", "Why you are reading user information");
	html_printf(b, "<h1>%s</h1>\n",
	            T(c, "利用者情報の閲覧目的", "Why you are reading user information"));
	form_error_summary(b, c->lang, fe, nfe);
	html_printf(
	    b, "<p>%s</p>\n",
	    T(c,
	      "GCAS運用管理組織は、GCAS利用者情報を厳に必要な場合に限り利用します"
	      "(GCAS利用規程 5.2.2)。目的と理由を記録してから閲覧してください。"
	      "閲覧はすべて目的と理由とともに監査ログに記録されます。",
	      "The operator uses GCAS user information only where strictly necessary "
	      "(GCAS regulation 5.2.2). Record the purpose and the reason before reading it; "
	      "every read is written to the audit log with them."));
	pages_form_begin(c, "/access-purpose", NULL);
	html_printf(b, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
	struct form_field pf = {.name = "purpose",
	                        .type = "select",
	                        .label = T(c, "目的", "Purpose"),
	                        .value = category,
	                        .error = form_error_for(fe, nfe, "purpose"),
	                        .required = 1,
	                        .options = opts,
	                        .noptions = PURPOSE__MAX + 1};
	pages_field(c, &pf);
	struct form_field rf = {.name = "reason",
	                        .label = T(c, "理由", "Reason"),
	                        .hint = T(c, "問い合わせ番号やチケット番号など(200文字以内)",
	                                  "An inquiry or ticket number, for example (at most 200 "
	                                  "characters)"),
	                        .value = reason,
	                        .error = form_error_for(fe, nfe, "reason"),
	                        .required = 1,
	                        .maxlength = PURPOSE_REASON_MAX};
	pages_field(c, &rf);
	form_submit(b, T(c, "記録して続ける", "Record and continue"), "primary");
	html_lit(b, "</form>\n");
	web_page_end(c);
}

void page_access_purpose_form(struct web_ctx *c)
{
	if (!purpose_needed(&c->ac)) {
		web_fail(c, GCAS_ERR_DENIED);
		return;
	}
	/* A purpose that still holds is offered again, to be renewed or changed. */
	struct access_purpose p;
	if (svc_purpose_current(c->env, c->a, c->sv.s.id_hash, &p))
		p = (struct access_purpose){"", "", 0};
	purpose_form(c, safe_next(web_query(c, "next")), p.category, p.reason, NULL);
}

void page_access_purpose(struct web_ctx *c)
{
	const char *next = safe_next(web_form(c, "next"));
	const char *category = web_form(c, "purpose"), *reason = web_form(c, "reason");
	struct verrs ve = {0};
	enum gcas_err e =
	    svc_purpose_declare(c->env, &c->ac, c->a, c->sv.s.id_hash, category, reason, NULL, &ve);
	if (e == GCAS_ERR_INVALID) {
		c->resp->status = 422;
		purpose_form(c, next, category, reason, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, next);
}

/* The session's live purpose into c->ac.purpose: 0 when set, 1 when there is none, -1 (the
 * answer given) on a store failure. */
static int load_session_purpose(struct web_ctx *c)
{
	struct access_purpose *p = arena_alloc(c->a, sizeof(*p));
	if (!p) {
		web_fail(c, GCAS_ERR_NOMEM);
		return -1;
	}
	enum gcas_err e = svc_purpose_current(c->env, c->a, c->sv.s.id_hash, p);
	if (e == GCAS_OK) {
		c->ac.purpose = p;
		return 0;
	}
	if (e != GCAS_ERR_NOTFOUND) {
		web_fail(c, e);
		return -1;
	}
	return 1;
}

int purpose_gate_page_next(struct web_ctx *c, const char *next)
{
	if (!purpose_needed(&c->ac))
		return 0;
	int r = load_session_purpose(c);
	if (r <= 0)
		return r;
	web_redirect(c, pages_url(c, "/access-purpose", "next", next, NULL));
	return -1;
}

int purpose_gate_page(struct web_ctx *c)
{
	/* Back to this very page (path and query) once the purpose is recorded. */
	const char *here = *c->req->query ? arena_printf(c->a, "%s?%s", c->req->path, c->req->query)
	                                  : c->req->path;
	return purpose_gate_page_next(c, here);
}

void purpose_notice(struct web_ctx *c)
{
	const struct access_purpose *p = c->ac.purpose;
	const struct purpose_label *l = p ? purpose_label_find(p->category) : NULL;
	if (!l)
		return;
	struct buf *b = &c->resp->body;
	const char *label = T(c, l->ja, l->en), *until = pages_jst(c, p->until);
	const char *msg =
	    c->lang == LANG_EN
	        ? arena_printf(c->a,
	                       "%s (%s). Holds until %s. Every read is recorded in the audit log.",
	                       label, p->reason, until)
	        : arena_printf(c->a, "%s(%s)。%s まで有効です。閲覧は監査ログに記録されます。",
	                       label, p->reason, until);
	ui_alert(b, c->lang, "info", T(c, "閲覧目的", "Purpose of access"), msg ? msg : "");
	const char *here = *c->req->query ? arena_printf(c->a, "%s?%s", c->req->path, c->req->query)
	                                  : c->req->path;
	html_printf(b, "<p><a href=\"%s\">%s</a></p>\n",
	            pages_url(c, "/access-purpose", "next", here, NULL),
	            T(c, "目的を変更する", "Change the purpose"));
}

/* RFC 6585 §3: 428 tells the client what the request lacks; the body (RFC 9457) names the
 * header, its form and the categories, and what was wrong with the one sent. */
static void precondition_required(struct web_ctx *c, const struct verrs *ve)
{
	json_t *o = json_object(), *cats = json_array();
	for (int i = 0; cats && i < PURPOSE__MAX; i++)
		json_array_append_new(cats, json_string(purpose_labels[i].key));
	json_object_set_new(o, "type", json_string("about:blank"));
	json_object_set_new(o, "title", json_string("Precondition Required"));
	json_object_set_new(o, "status", json_integer(428));
	json_object_set_new(
	    o, "detail",
	    json_string("Reading user information as the operator needs a declared purpose "
	                "(R7.2, GCAS regulation 5.2.2): send the header GCAS-Access-Purpose: "
	                "<category>; <reason>, the reason being 1-200 characters (an inquiry or "
	                "ticket number, for example)."));
	json_object_set_new(o, "header", json_string(PURPOSE_HEADER));
	json_object_set_new(o, "categories", cats);
	if (ve && ve->n) {
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < ve->n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "header",
			                                     PURPOSE_HEADER, "detail", ve->e[i].en,
			                                     "detail_ja", ve->e[i].ja));
		json_object_set_new(o, "errors", arr);
	}
	if (c->req->request_id)
		json_object_set_new(o, "request_id", json_string(c->req->request_id));
	web_json(c, 428, o);
	c->resp->content_type = "application/problem+json";
}

int purpose_gate_api(struct web_ctx *c)
{
	if (!purpose_needed(&c->ac))
		return 0;
	struct access_purpose *p = arena_alloc(c->a, sizeof(*p));
	struct verrs ve = {0};
	if (!p) {
		web_fail(c, GCAS_ERR_NOMEM);
		return -1;
	}
	const char *first = http_req_header(c->req, PURPOSE_HEADER);
	const char *all = http_req_header_all(c->req, PURPOSE_HEADER);
	enum gcas_err e;
	if (first && strcmp(first, all) != 0) {
		verr_add(&ve, PURPOSE_HEADER, "GCAS-Access-Purpose ヘッダーは1つだけ送ってください",
		         "Send the GCAS-Access-Purpose header once");
		e = GCAS_ERR_INVALID;
	} else if (first) {
		e = purpose_parse_header(c->a, first, p, &ve);
	} else if (c->has_session) {
		/* A browser script calling the API rides on the session's declared purpose. */
		e = svc_purpose_current(c->env, c->a, c->sv.s.id_hash, p);
	} else {
		e = GCAS_ERR_NOTFOUND;
	}
	if (e == GCAS_OK) {
		c->ac.purpose = p;
		return 0;
	}
	if (e == GCAS_ERR_INVALID || e == GCAS_ERR_NOTFOUND)
		precondition_required(c, &ve);
	else
		web_fail(c, e);
	return -1;
}

int purpose_peek(struct web_ctx *c)
{
	if (!purpose_needed(&c->ac))
		return 0;
	/* A header sent is used, and a bad one refused as by the gate: a client that states a
	 * purpose means it to be recorded. */
	if (c->route && c->route->kind == ROUTE_API && http_req_header(c->req, PURPOSE_HEADER))
		return purpose_gate_api(c);
	if (!c->has_session)
		return 0;
	return load_session_purpose(c) < 0 ? -1 : 0;
}
