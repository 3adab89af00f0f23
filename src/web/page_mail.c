/* SPDX-License-Identifier: MIT */
/* Mail pages: confirming a new email address from its verification link (R2.8: GET only shows a
 * confirm button, because mail scanners follow links; the POST changes the address), and the
 * operator's blocklist of list and shared addresses (list, add, remove). */
#include <string.h>

#include "svc/mail.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define BLOCKLIST_PATH "/admin/mail-blocklist"

static void link_invalid(struct web_ctx *c)
{
	web_error_page(c, 404,
	               "このリンクは無効か、期限が切れています。管理者にメールアドレスの変更を"
	               "もう一度依頼してください。",
	               "This link is invalid or has expired. Ask your manager to change the "
	               "address again.");
}

static void card_begin(struct web_ctx *c, const char *tja, const char *ten)
{
	web_page_begin(c, tja, ten);
	html_printf(&c->resp->body, "<div class=\"auth-card\"><h1>%s</h1>", T(c, tja, ten));
}

static void card_end(struct web_ctx *c)
{
	html_lit(&c->resp->body, "</div>");
	web_page_end(c);
}

void page_verify_form(struct web_ctx *c)
{
	struct account acc;
	struct buf *b = &c->resp->body;
	if (svc_email_verify_peek(c->env, c->a, web_param(c, 0), &acc)) {
		link_invalid(c);
		return;
	}
	card_begin(c, "メールアドレスの確認", "Confirm your email address");
	html_printf(b, "<p>%s</p>",
	            T(c, "GCASアカウントのメールアドレスを次のアドレスに変更します。",
	              "Your GCAS account's email address will become:"));
	html_printf(b, "<p><strong>%s</strong></p>", acc.pending_email);
	html_printf(b, "<form method=\"post\" action=\"/verify/%s\" novalidate>", web_param(c, 0));
	form_csrf(b, web_csrf_token(c));
	form_submit(b, T(c, "確認する", "Confirm"), "primary");
	html_lit(b, "</form>");
	card_end(c);
}

void page_verify(struct web_ctx *c)
{
	struct account acc;
	struct buf *b = &c->resp->body;
	enum gcas_err e = svc_email_verify(c->env, c->a, web_param(c, 0), c->client_ip, &acc);
	if (e == GCAS_ERR_NOTFOUND) {
		link_invalid(c);
		return;
	}
	if (e == GCAS_ERR_CONFLICT) {
		web_error_page(
		    c, 409,
		    "このメールアドレスは既に別のアカウントで使われています。管理者に連絡"
		    "してください。",
		    "This email address is already used by another account. Contact "
		    "your manager.");
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	card_begin(c, "メールアドレスを確認しました", "Your email address is confirmed");
	html_printf(
	    b, "<p>%s <strong>%s</strong></p>",
	    T(c, "今後のお知らせは次のアドレスに届きます：", "Notifications will now go to:"),
	    acc.email);
	html_printf(b, "<p><a class=\"btn btn--primary\" href=\"/\">%s</a></p>",
	            T(c, "ホームへ", "Go to the home page"));
	card_end(c);
}

static const struct pages_done block_done[] = {
    {"added", "ブロックリストに追加しました。", "The pattern was added."},
    {"removed", "ブロックリストから削除しました。", "The pattern was removed."},
};
#define NDONE (sizeof(block_done) / sizeof(block_done[0]))

static void block_table(struct web_ctx *c, const struct mail_block *m, size_t n)
{
	struct buf *b = &c->resp->body;
	if (n == 0) {
		html_printf(b, "<p class=\"muted\">%s</p>\n",
		            T(c, "登録されたパターンはありません。", "There are no patterns yet."));
		return;
	}
	const char *heads[] = {T(c, "パターン", "Pattern"), T(c, "メモ", "Note"),
	                       T(c, "登録日時", "Added"), T(c, "操作", "Actions")};
	ui_table_begin(b, "blocklist", T(c, "ブロックリスト", "Blocklist"), heads, 4);
	for (size_t i = 0; i < n; i++) {
		html_printf(b,
		            "<tr><td><code>%s</code></td><td>%s</td><td class=\"nowrap\">%s</td>"
		            "<td>",
		            m[i].pattern, m[i].note ? m[i].note : "",
		            pages_jst(c, m[i].created_at));
		pages_form_begin(c, arena_printf(c->a, BLOCKLIST_PATH "/%s/remove", m[i].id), NULL);
		html_printf(b,
		            "<button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s"
		            "<span class=\"visually-hidden\"> %s</span></button></form>",
		            T(c, "削除", "Remove"), m[i].pattern);
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
}

static void block_page(struct web_ctx *c, const struct mail_block *m, size_t n, const char *pattern,
                       const char *note, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	static const char *const order[] = {"pattern", "note"};
	pages_sort_errors(fe, nfe, order, 2);
	pages_begin(c, "メールアドレスのブロックリスト", "Email address blocklist", block_done,
	            NDONE);
	html_printf(b, "<h1>%s</h1>\n",
	            T(c, "メールアドレスのブロックリスト", "Email address blocklist"));
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "メーリングリストや共用のアドレスは登録できません (規程 別表1)。"
	              "ここに登録したアドレスやパターン (* と ? が使えます) に一致するアドレスは、"
	              "アカウントの発行や変更で拒否されます。",
	              "Mailing lists and shared addresses cannot be registered (regulation, table "
	              "1). Addresses matching an entry here (an address, or a pattern with * and "
	              "?) are refused when accounts are issued or changed."));
	block_table(c, m, n);
	html_printf(b, "<h2 id=\"add\">%s</h2>\n", T(c, "追加", "Add a pattern"));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, BLOCKLIST_PATH, "form");
	struct form_field pf = {.name = "pattern",
	                        .label = T(c, "アドレスまたはパターン", "Address or pattern"),
	                        .hint = T(c, "例：ml-*@example.go.jp", "e.g. ml-*@example.go.jp"),
	                        .value = pattern,
	                        .error = form_error_for(fe, nfe, "pattern"),
	                        .required = 1,
	                        .maxlength = 254};
	pages_field(c, &pf);
	struct form_field nf = {.name = "note",
	                        .label = T(c, "メモ（任意）", "Note (optional)"),
	                        .value = note,
	                        .error = form_error_for(fe, nfe, "note"),
	                        .maxlength = 200};
	pages_field(c, &nf);
	form_submit(b, T(c, "追加する", "Add"), "primary");
	html_lit(b, "</form>\n");
	web_page_end(c);
}

void page_mail_blocklist(struct web_ctx *c)
{
	struct mail_block *m;
	size_t n;
	enum gcas_err e = svc_mail_block_list(c->env, &c->ac, c->a, &m, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	block_page(c, m, n, NULL, NULL, NULL);
}

void page_mail_block_add(struct web_ctx *c)
{
	struct verrs ve = {0};
	const char *pattern = web_form(c, "pattern"), *note = web_form(c, "note");
	enum gcas_err e = svc_mail_block_add(c->env, &c->ac, c->a, pattern, note, &ve);
	if (e == GCAS_ERR_INVALID && ve.n) {
		struct mail_block *m;
		size_t n;
		enum gcas_err e2 = svc_mail_block_list(c->env, &c->ac, c->a, &m, &n);
		if (e2) {
			web_fail(c, e2);
			return;
		}
		c->resp->status = 422;
		block_page(c, m, n, pattern, note, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, BLOCKLIST_PATH "?done=added");
}

void page_mail_block_remove(struct web_ctx *c)
{
	enum gcas_err e = svc_mail_block_remove(c->env, &c->ac, c->a, web_param(c, 0));
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, BLOCKLIST_PATH "?done=removed");
}
