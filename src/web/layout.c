/* SPDX-License-Identifier: MIT */
/* The page frame and the shared components of the HTML pages. Markup follows the Digital
 * Agency Design System's patterns (label above input, support text, error text below, error
 * summary on top) and WCAG 2.2 AA: lang on <html>, a skip link (2.4.1), aria-current on the
 * active item, described-by links for hints and errors (1.3.1, 3.3.1), required marked in text
 * (1.4.1). All dynamic text goes through html_printf/html_text; raw markup is literal. */
#include "web/layout.h"

#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "web/html.h"

/* A language switch or pagination URL never needs more; a longer one falls back to "/". */
#define URL_MAX 4096

static const char *lang_code(enum lang l)
{
	return l == LANG_EN ? "en" : "ja";
}

/* 1 when the query parameter starting at p (up to '&' or end) has the name key. */
static int param_is(const char *p, size_t n, const char *key)
{
	size_t k = strlen(key);
	return n >= k && memcmp(p, key, k) == 0 && (n == k || p[k] == '=');
}

/* out = path_and_query without its fragment and without any key= parameter, then key=value
 * appended (RFC 3986 §3.4 query, application/x-www-form-urlencoded pairs). value is a token
 * made of unreserved characters (a language code or a number). */
static void url_with_param(struct buf *out, const char *pathq, const char *key, const char *value)
{
	buf_reset(out);
	if (!pathq || !html_url_is_safe(pathq) || pathq[0] != '/')
		pathq = "/";
	size_t end = strcspn(pathq, "#");
	size_t qpos = strcspn(pathq, "?");
	if (qpos > end)
		qpos = end;
	buf_append(out, pathq, qpos);
	char sep = '?';
	const char *p = pathq + qpos + (qpos < end ? 1 : 0);
	const char *stop = pathq + end;
	while (p < stop) {
		size_t n = strcspn(p, "&#");
		if (p + n > stop)
			n = (size_t)(stop - p);
		if (n > 0 && !param_is(p, n, key)) {
			buf_putc(out, sep);
			buf_append(out, p, n);
			sep = '&';
		}
		p += n + 1;
	}
	buf_printf(out, "%c%s=%s", sep, key, value);
}

void page_lang_url(struct buf *out, const char *path_and_query, enum lang target)
{
	url_with_param(out, path_and_query, "lang", lang_code(target));
}

/* Write href="..." for a URL built at run time; a URL that failed to build becomes "/". */
static void href_built(struct buf *b, struct buf *url)
{
	html_lit(b, " href=\"");
	html_attr_url(b, url->failed || !url->data ? "/" : url->data);
	html_lit(b, "\"");
}

static void write_head(struct buf *b, const struct page_ctx *p)
{
	const char *title = tr(p->lang, p->title_ja, p->title_en);
	html_printf(b,
	            "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	            "<meta name=\"color-scheme\" content=\"light\">\n"
	            "<meta name=\"referrer\" content=\"same-origin\">\n",
	            lang_code(p->lang));
	if (title && *title)
		html_printf(b, "<title>%s | GCAS</title>\n", title);
	else
		html_lit(b, "<title>GCAS</title>\n");
	html_lit(b, "<link rel=\"stylesheet\" href=\"/static/tokens.css\">\n"
	            "<link rel=\"stylesheet\" href=\"/static/gcas.css\">\n"
	            "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
	            "</head>\n");
}

/* 日本語 / English: the current language is plain text marked aria-current, the other one a
 * link to the same page with lang= set, marked with its own lang (WCAG 3.1.2). */
static void write_lang_switch(struct buf *b, const struct page_ctx *p)
{
	struct buf url;
	buf_init(&url, URL_MAX);
	html_printf(b,
	            "<nav class=\"lang-switch\" aria-label=\"%s\"><ul class=\"lang-switch__list\">",
	            tr(p->lang, "言語切替", "Language"));
	if (p->lang == LANG_JA) {
		html_lit(b, "<li><span class=\"lang-switch__current\" aria-current=\"true\" "
		            "lang=\"ja\">日本語</span></li><li><a class=\"lang-switch__link\"");
		page_lang_url(&url, p->path_and_query, LANG_EN);
		href_built(b, &url);
		html_lit(b, " lang=\"en\" hreflang=\"en\">English</a></li>");
	} else {
		html_lit(b, "<li><a class=\"lang-switch__link\"");
		page_lang_url(&url, p->path_and_query, LANG_JA);
		href_built(b, &url);
		html_lit(b, " lang=\"ja\" hreflang=\"ja\">日本語</a></li><li><span "
		            "class=\"lang-switch__current\" aria-current=\"true\" "
		            "lang=\"en\">English</span></li>");
	}
	html_lit(b, "</ul></nav>\n");
	buf_free(&url);
}

static void write_user_box(struct buf *b, const struct page_ctx *p)
{
	if (!p->user_name)
		return;
	html_printf(b,
	            "<div class=\"user-box\"><p class=\"user-box__who\"><span "
	            "class=\"visually-hidden\">%s</span><span class=\"user-box__name\">%s</span>",
	            tr(p->lang, "サインイン中：", "Signed in as: "), p->user_name);
	if (p->role_label && *p->role_label)
		html_printf(b, "<span class=\"user-box__role\">%s</span>", p->role_label);
	html_lit(
	    b, "</p><form class=\"user-box__signout\" method=\"post\" action=\"" PAGE_SIGNOUT_ACTION
	       "\">");
	form_csrf(b, p->csrf);
	html_printf(b,
	            "<button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s</button>"
	            "</form></div>\n",
	            tr(p->lang, "サインアウト", "Sign out"));
}

static void write_header(struct buf *b, const struct page_ctx *p)
{
	html_printf(b, "<a class=\"skip-link\" href=\"#main\">%s</a>\n",
	            tr(p->lang, "本文へ移動", "Skip to main content"));
	html_printf(b,
	            "<header class=\"site-header\"><div class=\"site-header__inner\">\n"
	            "<a class=\"site-brand\" href=\"/\"><img class=\"site-brand__logo\" "
	            "src=\"/static/favicon.svg\" alt=\"\" width=\"40\" height=\"40\"><span "
	            "class=\"site-brand__text\"><span class=\"site-brand__short\">GCAS</span><span "
	            "class=\"site-brand__name\">%s</span></span></a>\n"
	            "<div class=\"site-header__tools\">\n",
	            tr(p->lang, "ガバメントクラウド利用支援サービス",
	               "Government Cloud Assistant Service"));
	write_lang_switch(b, p);
	write_user_box(b, p);
	html_lit(b, "</div></div></header>\n");
}

static void write_nav(struct buf *b, const struct page_ctx *p)
{
	html_printf(b, "<nav class=\"site-nav\" aria-label=\"%s\"><ul class=\"site-nav__list\">\n",
	            tr(p->lang, "メインメニュー", "Main menu"));
	for (size_t i = 0; i < p->nnav; i++) {
		const struct nav_item *it = &p->nav[i];
		int active = p->active_href && it->href && strcmp(p->active_href, it->href) == 0;
		html_lit(b, "<li><a class=\"site-nav__link\" href=\"");
		html_attr_url(b, it->href);
		if (active)
			html_lit(b, "\" aria-current=\"page\">");
		else
			html_lit(b, "\">");
		html_printf(b, "%s</a></li>\n", tr(p->lang, it->ja, it->en));
	}
	html_lit(b, "</ul></nav>\n");
}

void page_begin(struct buf *b, const struct page_ctx *p)
{
	write_head(b, p);
	html_lit(b, "<body>\n");
	write_header(b, p);
	if (p->nav && p->nnav > 0) {
		html_lit(b, "<div class=\"site-body site-body--nav\">\n");
		write_nav(b, p);
	} else {
		html_lit(b, "<div class=\"site-body\">\n");
	}
	html_lit(b, "<main id=\"main\" class=\"site-main\" tabindex=\"-1\">\n");
	if (p->flash_msg && *p->flash_msg)
		ui_alert(b, p->lang, p->flash_kind, NULL, p->flash_msg);
}

void page_end(struct buf *b, const struct page_ctx *p)
{
	enum lang l = p->lang;
	html_lit(b, "</main>\n</div>\n");
	/* The guide (S3), helpdesk (S4) and service status (R6.1) join the footer when they
	 * exist; no link leads nowhere. */
	html_printf(b,
	            "<footer class=\"site-footer\"><div class=\"site-footer__inner\">\n"
	            "<p class=\"site-footer__org\">%s</p>\n</div></footer>\n</body>\n</html>\n",
	            tr(l, "GCAS運用管理組織（デジタル庁 ガバメントクラウドチーム）",
	               "GCAS operations (Government Cloud team, Digital Agency)"));
}

/* --- forms ----------------------------------------------------------------------------------- */

void form_error_summary(struct buf *b, enum lang l, const struct field_error *e, size_t n)
{
	if (!e || n == 0)
		return;
	html_lit(
	    b, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\""
	       " tabindex=\"-1\">\n<h2 class=\"error-summary__title\" id=\"error-summary-title\">");
	if (l == LANG_EN)
		html_printf(b, "There %s %zu problem%s with your answers", n == 1 ? "is" : "are", n,
		            n == 1 ? "" : "s");
	else
		html_printf(b, "入力内容に%zu件の問題があります", n);
	html_lit(b, "</h2>\n<ul class=\"error-summary__list\">\n");
	for (size_t i = 0; i < n; i++)
		html_printf(b, "<li><a href=\"#%s\">%s</a></li>\n", e[i].field, e[i].msg);
	html_lit(b, "</ul>\n</div>\n");
}

const char *form_error_for(const struct field_error *e, size_t n, const char *field)
{
	if (!e || !field)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (e[i].field && strcmp(e[i].field, field) == 0)
			return e[i].msg;
	}
	return NULL;
}

static int type_is(const struct form_field *f, const char *t)
{
	return f->type && strcmp(f->type, t) == 0;
}

/* The label text plus the required marker in words (WCAG 1.4.1: not colour alone). */
static void label_text(struct buf *b, enum lang l, const struct form_field *f)
{
	html_text(b, f->label);
	if (f->required)
		html_printf(b, "<span class=\"field__req\">%s</span>", tr(l, "※必須", "Required"));
}

static void hint_and_error_ids(struct buf *b, const struct form_field *f)
{
	if (!f->hint && !f->error)
		return;
	html_lit(b, " aria-describedby=\"");
	if (f->hint)
		html_printf(b, "%s-hint", f->name);
	if (f->hint && f->error)
		html_lit(b, " ");
	if (f->error)
		html_printf(b, "%s-error", f->name);
	html_lit(b, "\"");
	if (f->error)
		html_lit(b, " aria-invalid=\"true\"");
}

static void write_hint(struct buf *b, const struct form_field *f)
{
	if (f->hint)
		html_printf(b, "<p class=\"field__hint\" id=\"%s-hint\">%s</p>\n", f->name,
		            f->hint);
}

static void write_error(struct buf *b, enum lang l, const struct form_field *f)
{
	if (f->error)
		html_printf(b,
		            "<p class=\"field__error\" id=\"%s-error\"><span "
		            "class=\"visually-hidden\">%s</span>%s</p>\n",
		            f->name, tr(l, "エラー：", "Error: "), f->error);
}

/* Narrow inputs use fixed classes (no style= under the CSP): the next width up. */
static const char *width_class(int chars)
{
	static const struct {
		int chars;
		const char *cls;
	} widths[] = {{4, " input--w4"},
	              {8, " input--w8"},
	              {12, " input--w12"},
	              {20, " input--w20"},
	              {30, " input--w30"}};
	if (chars <= 0)
		return "";
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		if (chars <= widths[i].chars)
			return widths[i].cls;
	}
	return "";
}

static void common_attrs(struct buf *b, const struct form_field *f)
{
	hint_and_error_ids(b, f);
	if (f->required)
		html_lit(b, " required");
	if (f->autocomplete)
		html_printf(b, " autocomplete=\"%s\"", f->autocomplete);
	if (f->inputmode)
		html_printf(b, " inputmode=\"%s\"", f->inputmode);
	if (f->maxlength > 0)
		html_printf(b, " maxlength=\"%d\"", f->maxlength);
}

static void write_control(struct buf *b, const struct form_field *f)
{
	const char *err = f->error ? " is-invalid" : "";
	if (type_is(f, "textarea")) {
		html_printf(b, "<textarea class=\"textarea%s\" id=\"%s\" name=\"%s\" rows=\"5\"",
		            err, f->name, f->name);
		common_attrs(b, f);
		html_printf(b, ">%s</textarea>\n", f->value);
		return;
	}
	if (type_is(f, "select")) {
		html_printf(
		    b,
		    "<div class=\"select-wrap%s\"><select class=\"select%s\" id=\"%s\" name=\"%s\"",
		    width_class(f->width_chars), err, f->name, f->name);
		common_attrs(b, f);
		html_lit(b, ">\n");
		for (size_t i = 0; i < f->noptions; i++) {
			const struct form_option *o = &f->options[i];
			int sel = f->value && o->value && strcmp(f->value, o->value) == 0;
			html_printf(b, "<option value=\"%s\"%s>%s</option>\n", o->value,
			            sel ? " selected" : "", o->label);
		}
		html_lit(b, "</select></div>\n");
		return;
	}
	html_printf(b, "<input class=\"input%s%s%s\" id=\"%s\" name=\"%s\" type=\"%s\"",
	            width_class(f->width_chars), f->monospace ? " input--code" : "", err, f->name,
	            f->name, f->type ? f->type : "text");
	/* Never echo a password back into the page. */
	if (f->value && !type_is(f, "password"))
		html_printf(b, " value=\"%s\"", f->value);
	common_attrs(b, f);
	html_lit(b, ">\n");
}

/* Radio buttons: a fieldset whose legend is the question (WCAG 1.3.1, H71). The first radio
 * carries the field's id so the error summary's #name link lands on it. */
static void write_radios(struct buf *b, enum lang l, const struct form_field *f)
{
	html_printf(b, "<fieldset class=\"field field--group%s\"", f->error ? " field--error" : "");
	hint_and_error_ids(b, f);
	html_lit(b, "><legend class=\"field__label\">");
	label_text(b, l, f);
	html_lit(b, "</legend>\n");
	write_hint(b, f);
	html_lit(b, "<div class=\"choices\">\n");
	for (size_t i = 0; i < f->noptions; i++) {
		const struct form_option *o = &f->options[i];
		int sel = f->value && o->value && strcmp(f->value, o->value) == 0;
		if (i == 0)
			html_printf(
			    b,
			    "<div class=\"choice\"><input class=\"choice__input\" type=\"radio\" "
			    "id=\"%s\"",
			    f->name);
		else
			html_printf(
			    b,
			    "<div class=\"choice\"><input class=\"choice__input\" type=\"radio\" "
			    "id=\"%s-%zu\"",
			    f->name, i);
		html_printf(b, " name=\"%s\" value=\"%s\"%s%s>", f->name, o->value,
		            sel ? " checked" : "", f->required ? " required" : "");
		if (i == 0)
			html_printf(b, "<label class=\"choice__label\" for=\"%s\">", f->name);
		else
			html_printf(b, "<label class=\"choice__label\" for=\"%s-%zu\">", f->name,
			            i);
		html_printf(b, "%s</label></div>\n", o->label);
	}
	html_lit(b, "</div>\n");
	write_error(b, l, f);
	html_lit(b, "</fieldset>\n");
}

static void write_checkbox(struct buf *b, enum lang l, const struct form_field *f)
{
	html_printf(b, "<div class=\"field%s\">\n", f->error ? " field--error" : "");
	html_printf(b,
	            "<div class=\"choice\"><input class=\"choice__input\" type=\"checkbox\" "
	            "id=\"%s\" name=\"%s\" value=\"1\"%s",
	            f->name, f->name, f->value && *f->value ? " checked" : "");
	common_attrs(b, f);
	html_printf(b, "><label class=\"choice__label\" for=\"%s\">", f->name);
	label_text(b, l, f);
	html_lit(b, "</label></div>\n");
	write_hint(b, f);
	write_error(b, l, f);
	html_lit(b, "</div>\n");
}

void form_field(struct buf *b, enum lang l, const struct form_field *f)
{
	if (!f || !f->name || !f->label) {
		b->failed = 1; /* a page bug: refuse to render half a form */
		return;
	}
	if (type_is(f, "radio")) {
		write_radios(b, l, f);
		return;
	}
	if (type_is(f, "checkbox")) {
		write_checkbox(b, l, f);
		return;
	}
	/* DADS order: label, support text, control, error text. */
	html_printf(b, "<div class=\"field%s\">\n<label class=\"field__label\" for=\"%s\">",
	            f->error ? " field--error" : "", f->name);
	label_text(b, l, f);
	html_lit(b, "</label>\n");
	write_hint(b, f);
	write_control(b, f);
	write_error(b, l, f);
	html_lit(b, "</div>\n");
}

void form_input(struct buf *b, const char *name, const char *type, const char *label,
                const char *hint, const char *value, const char *error, int required,
                const char *autocomplete)
{
	struct form_field f = {.name = name,
	                       .type = type,
	                       .label = label,
	                       .hint = hint,
	                       .value = value,
	                       .error = error,
	                       .required = required,
	                       .autocomplete = autocomplete};
	form_field(b, LANG_JA, &f);
}

void form_select(struct buf *b, const char *name, const char *label, const char *hint,
                 const struct form_option *opts, size_t nopts, const char *selected,
                 const char *error, int required)
{
	struct form_field f = {.name = name,
	                       .type = "select",
	                       .label = label,
	                       .hint = hint,
	                       .value = selected,
	                       .error = error,
	                       .required = required,
	                       .options = opts,
	                       .noptions = nopts};
	form_field(b, LANG_JA, &f);
}

void form_csrf(struct buf *b, const char *token)
{
	if (!token)
		return;
	html_printf(b, "<input type=\"hidden\" name=\"" FORM_CSRF_FIELD "\" value=\"%s\">", token);
}

static const char *kind_or(const char *kind, const char *const *allowed, size_t n)
{
	for (size_t i = 0; kind && i < n; i++) {
		if (strcmp(kind, allowed[i]) == 0)
			return allowed[i];
	}
	return allowed[0];
}

void form_submit(struct buf *b, const char *label, const char *kind)
{
	static const char *const kinds[] = {"primary", "secondary", "danger"};
	html_printf(b, "<button type=\"submit\" class=\"btn btn--%s\">%s</button>\n",
	            kind_or(kind, kinds, 3), label);
}

/* --- components ------------------------------------------------------------------------------ */

void ui_alert(struct buf *b, enum lang l, const char *kind, const char *title, const char *msg)
{
	static const char *const kinds[] = {"info", "success", "warning", "error"};
	static const char *const ja[] = {"お知らせ：", "完了：", "注意：", "エラー："};
	static const char *const en[] = {"Information: ", "Success: ", "Warning: ", "Error: "};
	const char *k = kind_or(kind, kinds, 4);
	size_t idx = 0;
	while (idx < 3 && strcmp(kinds[idx], k) != 0)
		idx++;
	/* Errors and warnings interrupt (role=alert); confirmations are polite (role=status). The
	 * kind is also said in words for screen readers; sighted users get the icon (1.4.1). */
	html_printf(b, "<div class=\"alert alert--%s\" role=\"%s\"><div class=\"alert__content\">",
	            k, idx >= 2 ? "alert" : "status");
	if (title)
		html_printf(
		    b,
		    "<p class=\"alert__title\"><span class=\"visually-hidden\">%s</span>%s</p>"
		    "<p class=\"alert__body\">%s</p>",
		    tr(l, ja[idx], en[idx]), title, msg);
	else
		html_printf(
		    b, "<p class=\"alert__body\"><span class=\"visually-hidden\">%s</span>%s</p>",
		    tr(l, ja[idx], en[idx]), msg);
	html_lit(b, "</div></div>\n");
}

void ui_badge(struct buf *b, const char *kind, const char *text)
{
	static const char *const kinds[] = {"neutral", "info", "success", "warning", "error"};
	html_printf(b, "<span class=\"badge badge--%s\">%s</span>", kind_or(kind, kinds, 5), text);
}

void ui_table_begin(struct buf *b, const char *id, const char *caption, const char *const *headers,
                    size_t nheaders)
{
	const char *tid = id ? id : "table";
	html_printf(
	    b,
	    "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"%s-caption\" "
	    "tabindex=\"0\">\n<table class=\"table\" id=\"%s\">\n<caption id=\"%s-caption\">%s"
	    "</caption>\n<thead><tr>",
	    tid, tid, tid, caption);
	for (size_t i = 0; i < nheaders; i++)
		html_printf(b, "<th scope=\"col\">%s</th>", headers[i]);
	html_lit(b, "</tr></thead>\n<tbody>\n");
}

void ui_table_end(struct buf *b)
{
	html_lit(b, "</tbody>\n</table>\n</div>\n");
}

void ui_dl_begin(struct buf *b)
{
	html_lit(b, "<dl class=\"detail-list\">\n");
}

void ui_dl_row(struct buf *b, const char *term, const char *value)
{
	html_printf(b, "<div class=\"detail-list__row\"><dt>%s</dt><dd>%s</dd></div>\n", term,
	            value && *value ? value : "—");
}

void ui_dl_end(struct buf *b)
{
	html_lit(b, "</dl>\n");
}

static void page_link(struct buf *b, struct buf *url, const char *base, int n, const char *cls,
                      const char *rel, const char *text)
{
	char num[16];
	snprintf(num, sizeof(num), "%d", n);
	url_with_param(url, base, "page", num);
	html_printf(b, "<li><a class=\"pagination__link%s\"", cls);
	href_built(b, url);
	if (rel)
		html_printf(b, " rel=\"%s\"", rel);
	html_printf(b, ">%s</a></li>", text);
}

void ui_pagination(struct buf *b, enum lang l, const char *base_href, int page, int npages)
{
	if (npages <= 1)
		return;
	if (page < 1)
		page = 1;
	if (page > npages)
		page = npages;
	struct buf url;
	buf_init(&url, URL_MAX);
	html_printf(b,
	            "<nav class=\"pagination\" aria-label=\"%s\"><ul class=\"pagination__list\">",
	            tr(l, "ページ送り", "Pagination"));
	if (page > 1)
		page_link(b, &url, base_href, page - 1, " pagination__prev", "prev",
		          tr(l, "前へ", "Previous"));
	for (int i = 1; i <= npages; i++) {
		char num[16];
		/* First, last and the current page's neighbours; the gaps become an ellipsis. */
		if (i != 1 && i != npages && (i < page - 1 || i > page + 1)) {
			if (i == 2 || i == npages - 1)
				html_lit(
				    b, "<li class=\"pagination__gap\" aria-hidden=\"true\">…</li>");
			continue;
		}
		snprintf(num, sizeof(num), "%d", i);
		if (i == page)
			html_printf(b,
			            "<li><span class=\"pagination__current\" aria-current=\"page\">"
			            "<span class=\"visually-hidden\">%s</span>%d</span></li>",
			            tr(l, "ページ", "Page "), i);
		else
			page_link(b, &url, base_href, i, "", NULL, num);
	}
	if (page < npages)
		page_link(b, &url, base_href, page + 1, " pagination__next", "next",
		          tr(l, "次へ", "Next"));
	html_lit(b, "</ul></nav>\n");
	buf_free(&url);
}

/* One <path> for all dark modules, each row's runs merged, so a version-10 code stays a few KB. */
static void qr_svg(struct buf *b, enum lang l, const QRcode *qr)
{
	int w = qr->width;
	html_printf(
	    b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-4 -4 %d %d\" width=\"176\" "
	    "height=\"176\" role=\"img\" aria-label=\"%s\" shape-rendering=\"crispEdges\">"
	    "<rect x=\"-4\" y=\"-4\" width=\"%d\" height=\"%d\" fill=\"#fff\"/><path "
	    "fill=\"#000\" d=\"",
	    w + 8, w + 8, tr(l, "認証アプリ用のQRコード", "QR code for your authenticator app"),
	    w + 8, w + 8);
	for (int y = 0; y < w; y++) {
		int x = 0;
		while (x < w) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			html_printf(b, "M%d %dh%dv1h-%dz", x, y, run, run);
			x += run;
		}
	}
	html_lit(b, "\"/></svg>");
}

int ui_qr_box(struct buf *b, enum lang l, const char *otpauth_uri, const char *secret_b32)
{
	QRcode *qr =
	    otpauth_uri ? QRcode_encodeString(otpauth_uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
	html_lit(b, "<div class=\"qr-box\">\n");
	if (qr) {
		html_lit(b, "<div class=\"qr-box__code\">");
		qr_svg(b, l, qr);
		html_lit(b, "</div>\n");
	}
	html_printf(b, "<div class=\"qr-box__manual\"><p class=\"qr-box__label\">%s</p>",
	            tr(l, "QRコードを読み取れない場合は、次のキーを入力してください",
	               "If you cannot scan the code, enter this key"));
	/* Groups of four, as authenticator apps show them; spaces are ignored on entry. */
	html_lit(b, "<code class=\"qr-box__secret\">");
	size_t n = secret_b32 ? strlen(secret_b32) : 0;
	for (size_t i = 0; i < n; i += 4)
		html_printf(b, "%s%.4s", i ? " " : "", secret_b32 + i);
	html_lit(b, "</code></div>\n</div>\n");
	if (!qr)
		return -1;
	QRcode_free(qr);
	return 0;
}
