/* SPDX-License-Identifier: MIT */
/* Periodic review pages (R2.7, 別表1 second row): the campaigns with their progress (the
 * operator) and the items waiting for the reader (managers), opening a campaign, one campaign's
 * items with an inline keep / change / remove form on each item the reader may decide, closing,
 * and the CSV export (RFC 4180, UTF-8 with BOM). Authorisation and auditing are svc_review_*'s. */
#include <string.h>

#include "svc/orgs.h"
#include "svc/review.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define LIST_LIMIT  50
#define ITEMS_LIMIT 100
#define EXPORT_MAX  (256u * 1024u * 1024u)

static const struct pages_done review_done[] = {
    {"opened", "定期確認を開始しました。確認者にメールで通知しました。",
     "The review was opened. The reviewers were notified by email."},
    {"decided", "判断を記録しました。", "The decision was recorded."},
    {"closed", "定期確認を終了しました。未判断の項目は未判断として記録されています。",
     "The review was closed. Undecided items stay recorded as undecided."},
};
#define NDONE (sizeof(review_done) / sizeof(review_done[0]))

static const char *date_jst(struct web_ctx *c, int64_t t)
{
	const char *s = pages_jst(c, t); /* "YYYY-MM-DD HH:MM" */
	return s && strlen(s) >= 10 ? arena_strndup(c->a, s, 10) : "";
}

static const char *state_label(struct web_ctx *c, const char *state)
{
	return strcmp(state, "open") == 0 ? T(c, "実施中", "Open") : T(c, "終了", "Closed");
}

static const char *progress(struct web_ctx *c, int64_t decided, int64_t items)
{
	return c->lang == LANG_EN ? arena_printf(c->a, "%lld of %lld decided", (long long)decided,
	                                         (long long)items)
	                          : arena_printf(c->a, "%lld / %lld 件判断済み", (long long)decided,
	                                         (long long)items);
}

static const char *role_text(const struct web_ctx *c, enum role r)
{
	const char *s = role_label(r, c->lang == LANG_EN);
	return s ? s : "";
}

/* ---- /reviews ------------------------------------------------------------------------------ */

static void campaigns_table(struct web_ctx *c, const struct review_campaign *cs, size_t n)
{
	struct buf *b = &c->resp->body;
	if (n == 0) {
		html_printf(b, "<p>%s</p>\n",
		            T(c, "定期確認はまだありません。", "There are no reviews yet."));
		return;
	}
	const char *heads[] = {T(c, "名称", "Name"), T(c, "対象", "Scope"), T(c, "状態", "State"),
	                       T(c, "期限", "Deadline"), T(c, "進捗", "Progress")};
	ui_table_begin(b, "reviews", T(c, "定期確認の一覧", "Reviews"), heads, 5);
	for (size_t i = 0; i < n; i++) {
		const struct review_campaign *r = &cs[i];
		struct org o;
		const char *scope = T(c, "すべての利用機関", "Every agency");
		if (r->agency_id)
			scope = svc_org_get(c->env, &c->ac, c->a, r->agency_id, &o) == GCAS_OK
			            ? o.name
			            : r->agency_id;
		html_printf(b, "<tr><td><a href=\"/reviews/%s\">%s</a></td><td>%s</td><td>", r->id,
		            r->name, scope);
		ui_badge(b, strcmp(r->state, "open") == 0 ? "info" : "neutral",
		         state_label(c, r->state));
		html_printf(b,
		            "</td><td class=\"nowrap\">%s</td><td class=\"nowrap\">%s</td></tr>\n",
		            date_jst(c, r->deadline_at), progress(c, r->decided, r->items));
	}
	ui_table_end(b);
}

static void my_items(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct review_item *it;
	size_t n;
	struct page pg = {.limit = LIST_LIMIT};
	if (svc_review_items(c->env, &c->ac, c->a, NULL, 1, 1, &pg, &it, &n) != GCAS_OK)
		return;
	html_printf(b, "<h2>%s</h2>\n", T(c, "あなたが判断する項目", "Items for you to decide"));
	if (n == 0) {
		html_printf(
		    b, "<p class=\"muted\">%s</p>\n",
		    T(c, "判断を待っている項目はありません。", "Nothing is waiting for you."));
		return;
	}
	const char *heads[] = {T(c, "氏名", "Name"), T(c, "メールアドレス", "Email address"),
	                       T(c, "役割", "Role"), T(c, "定期確認", "Review"),
	                       T(c, "期限", "Deadline")};
	ui_table_begin(b, "my-items", T(c, "判断を待っている項目", "Items waiting for you"), heads,
	               5);
	for (size_t i = 0; i < n; i++)
		html_printf(b,
		            "<tr><td class=\"nowrap\">%s</td><td class=\"email\">%s</td><td>%s</td>"
		            "<td><a href=\"/reviews/%s?undecided=1#item-%s\">%s</a></td>"
		            "<td class=\"nowrap\">%s</td></tr>\n",
		            pages_person(c, it[i].family_name, it[i].given_name), it[i].email,
		            role_text(c, it[i].role), it[i].campaign_id, it[i].id,
		            it[i].campaign_name, date_jst(c, it[i].deadline_at));
	ui_table_end(b);
	if (pg.next)
		html_printf(b, "<p class=\"muted\">%s</p>\n",
		            T(c, "ほかにも項目があります。各定期確認のページで確認してください。",
		              "There are more items: open each review to see them all."));
}

void page_reviews(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT};
	struct review_campaign *cs;
	size_t n;
	enum role r = c->ac.subj.role;
	if (!policy_role_can(r, ACT_REVIEW_DECIDE) && !policy_role_can(r, ACT_REVIEW_VIEW)) {
		web_denied(c, ACT_REVIEW_VIEW, "review", NULL, c->ac.subj.agency_id);
		return;
	}
	if (pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "ページ送りの指定が正しくありません。",
		               "The page cursor is not valid.");
		return;
	}
	enum gcas_err e = svc_review_list(c->env, &c->ac, c->a, &pg, &cs, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	pages_begin(c, "定期確認", "Periodic reviews", review_done, NDONE);
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>",
	            T(c, "定期確認", "Periodic reviews"));
	if (policy_role_can(r, ACT_REVIEW_MANAGE))
		html_printf(b, "<a class=\"btn btn--primary\" href=\"/reviews/new\">%s</a>",
		            T(c, "定期確認を開始", "Open a review"));
	html_lit(b, "</div>\n");
	html_printf(b, "<p class=\"lead\">%s</p>\n",
	            T(c,
	              "アカウントごとに、利用の必要性・有効性・利用期間・権限の範囲を確認し、"
	              "継続・変更・削除を判断します（規程 別表1）。",
	              "For each account, check its necessity, validity, period of use and scope "
	              "of privileges, and decide keep, change or remove (regulation, table 1)."));
	if (r != ROLE_OPERATOR || policy_role_can(r, ACT_REVIEW_DECIDE))
		my_items(c);
	html_printf(b, "<h2>%s</h2>\n", T(c, "定期確認の一覧", "Reviews"));
	campaigns_table(c, cs, n);
	if (pg.next)
		pages_next_link(
		    c, pages_url(c, "/reviews", "cursor", pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}

/* ---- /reviews/new -------------------------------------------------------------------------- */

static const char *const open_order[] = {"name", "deadline", "agency_id"};

static void new_page(struct web_ctx *c, const struct review_open_input *in, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, open_order, 3);
	struct page pg = {.limit = 500};
	struct org *ag = NULL;
	size_t nag = 0;
	if (svc_org_list(c->env, &c->ac, c->a, ORG_AGENCY, &pg, &ag, &nag) != GCAS_OK)
		nag = 0;
	struct form_option *opts = arena_alloc(c->a, (nag + 1) * sizeof(*opts));
	if (!opts) {
		web_fail(c, GCAS_ERR_NOMEM);
		return;
	}
	opts[0] = (struct form_option){"", T(c, "すべての利用機関", "Every agency")};
	for (size_t i = 0; i < nag; i++)
		opts[i + 1] = (struct form_option){ag[i].id, ag[i].name};
	web_page_begin(c, "定期確認の開始", "Open a review");
	html_printf(b, "<p><a href=\"/reviews\">%s</a></p>\n",
	            T(c, "← 定期確認の一覧へ", "← Back to reviews"));
	html_printf(b, "<h1>%s</h1>\n", T(c, "定期確認の開始", "Open a review"));
	html_printf(b, "<p class=\"lead\">%s</p>\n",
	            T(c,
	              "対象のアカウント（削除済みと運用管理組織を除く）ごとに確認項目を作り、"
	              "認証する責任者にメールで依頼します。期限までに判断されない項目は上位の"
	              "責任者に回付されます。",
	              "An item is made for every account in scope (except deleted ones and the "
	              "operator's), and the certifying managers are asked by email. Items not "
	              "decided by the deadline go to the manager above."));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, "/reviews/new", "form");
	struct form_field nf = {.name = "name",
	                        .label = T(c, "名称", "Name"),
	                        .hint = T(c, "例：2026年度 上期定期確認", "For example: 2026 H1"),
	                        .value = in ? in->name : NULL,
	                        .error = form_error_for(fe, nfe, "name"),
	                        .required = 1,
	                        .maxlength = 100};
	pages_field(c, &nf);
	struct form_field df = {.name = "deadline",
	                        .type = "date",
	                        .label = T(c, "期限", "Deadline"),
	                        .hint = T(c, "この日の終わり（日本時間）まで。例：2026-03-31",
	                                  "Until the end of this day, Japan time. For example "
	                                  "2026-03-31."),
	                        .value = in ? in->deadline : NULL,
	                        .error = form_error_for(fe, nfe, "deadline"),
	                        .required = 1,
	                        .width_chars = 12};
	pages_field(c, &df);
	struct form_field af = {.name = "agency_id",
	                        .type = "select",
	                        .label = T(c, "対象の利用機関", "Agency"),
	                        .value = in ? in->agency_id : NULL,
	                        .error = form_error_for(fe, nfe, "agency_id"),
	                        .options = opts,
	                        .noptions = nag + 1};
	pages_field(c, &af);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "開始する", "Open the review"), "primary");
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

void page_review_new_form(struct web_ctx *c)
{
	if (!policy_allows(&c->ac.subj, ACT_REVIEW_MANAGE, NULL)) {
		web_denied(c, ACT_REVIEW_MANAGE, "review", NULL, c->ac.subj.agency_id);
		return;
	}
	new_page(c, NULL, NULL);
}

void page_review_new(struct web_ctx *c)
{
	struct review_open_input in = {web_form(c, "name"), web_form(c, "deadline"),
	                               web_form(c, "agency_id")};
	struct review_campaign rc;
	struct verrs ve = {0};
	enum gcas_err e = svc_review_open(c->env, &c->ac, c->a, &in, &rc, &ve);
	if (e == GCAS_ERR_INVALID && ve.n) {
		c->resp->status = 422;
		new_page(c, &in, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/reviews/%s?done=opened", rc.id));
}

/* ---- /reviews/{id} ------------------------------------------------------------------------- */

/* A decide form that failed: which item, what was typed, what was wrong. */
struct failed_form {
	const char *item_id, *decision, *reason;
	struct field_error fe[VERR_MAX];  /* by field name, beside the controls */
	struct field_error sum[VERR_MAX]; /* the summary links to this item's control ids */
	size_t nfe;
};

static void decide_form(struct web_ctx *c, const struct review_item *it,
                        const struct failed_form *ff)
{
	struct buf *b = &c->resp->body;
	int mine = ff && strcmp(ff->item_id, it->id) == 0;
	const char *sel = mine ? ff->decision : NULL;
	const char *derr = mine ? form_error_for(ff->fe, ff->nfe, "decision") : NULL;
	const char *rerr = mine ? form_error_for(ff->fe, ff->nfe, "reason") : NULL;
	static const char *const values[] = {"keep", "change", "remove"};
	pages_form_begin(c,
	                 arena_printf(c->a, "/reviews/%s/items/%s/decide", it->campaign_id, it->id),
	                 "review-decide");
	html_printf(b, "<fieldset class=\"form-field\"><legend>%s</legend>",
	            T(c, "判断", "Decision"));
	if (derr)
		html_printf(b, "<p class=\"form-field__error\" id=\"decision-%s-error\">%s</p>",
		            it->id, derr);
	for (int i = 0; i < 3; i++)
		html_printf(b,
		            "<label class=\"radio\"><input type=\"radio\" name=\"decision\" "
		            "id=\"decision-%s-%s\" value=\"%s\"%s> %s</label>",
		            it->id, values[i], values[i],
		            sel && strcmp(sel, values[i]) == 0 ? " checked" : "",
		            review_decision_label(values[i], c->lang == LANG_EN));
	html_lit(b, "</fieldset>");
	html_printf(b,
	            "<div class=\"form-field\"><label for=\"reason-%s\">%s</label>"
	            "<p class=\"form-field__hint\">%s</p>",
	            it->id, T(c, "理由（必須）", "Reason (required)"),
	            T(c, "個人番号（マイナンバー）は書かないでください。",
	              "Do not write an Individual Number."));
	if (rerr)
		html_printf(b, "<p class=\"form-field__error\" id=\"reason-%s-error\">%s</p>",
		            it->id, rerr);
	html_printf(b,
	            "<textarea name=\"reason\" id=\"reason-%s\" rows=\"2\" maxlength=\"500\"%s>%s"
	            "</textarea></div>",
	            it->id, rerr ? " aria-invalid=\"true\"" : "", mine ? ff->reason : "");
	form_submit(b, T(c, "記録する", "Record"), "primary");
	html_lit(b, "</form>");
}

static void item_row(struct web_ctx *c, const struct review_item *it, const struct failed_form *ff)
{
	struct buf *b = &c->resp->body;
	html_printf(b,
	            "<tr id=\"item-%s\"><td class=\"nowrap\">%s</td><td class=\"email\">%s</td>"
	            "<td>%s</td><td>%s</td><td>%s",
	            it->id, pages_person(c, it->family_name, it->given_name), it->email,
	            role_text(c, it->role), it->org_name ? it->org_name : "—",
	            role_text(c, it->reviewer_role));
	if (it->escalations)
		html_printf(b, c->lang == LANG_EN ? " (escalated %d×)" : "（回付 %d 回）",
		            it->escalations);
	html_printf(b, "</td><td class=\"nowrap\">%s</td><td>", date_jst(c, it->deadline_at));
	if (it->decision) {
		ui_badge(b, strcmp(it->decision, "remove") == 0 ? "warning" : "success",
		         review_decision_label(it->decision, c->lang == LANG_EN));
		html_printf(b, "<p>%s</p><p class=\"muted\">%s %s</p>", it->reason,
		            it->decided_by_email ? it->decided_by_email : "",
		            pages_jst(c, it->decided_at));
		if (it->result)
			html_printf(b, "<p class=\"muted\">%s</p>", it->result);
	} else if (review_can_decide(&c->ac, it)) {
		decide_form(c, it, ff);
	} else {
		ui_badge(b, "neutral", review_decision_label(NULL, c->lang == LANG_EN));
	}
	html_lit(b, "</td></tr>\n");
}

static void review_page(struct web_ctx *c, const char *id, const struct failed_form *ff)
{
	struct buf *b = &c->resp->body;
	struct review_campaign rc;
	struct review_item *it;
	size_t n;
	struct page pg = {.limit = ITEMS_LIMIT};
	int undecided = strcmp(web_query(c, "undecided"), "1") == 0;
	/* R7.2 (regulation §5.2.2): a campaign's items are people; the operator states why first,
	 * returning to the campaign (a re-rendered decision too). */
	if (ff ? purpose_gate_page_next(c, arena_printf(c->a, "/reviews/%s", id))
	       : purpose_gate_page(c))
		return;
	if (pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "ページ送りの指定が正しくありません。",
		               "The page cursor is not valid.");
		return;
	}
	enum gcas_err e = svc_review_get(c->env, &c->ac, c->a, id, &rc);
	if (!e)
		e = svc_review_items(c->env, &c->ac, c->a, id, 0, undecided, &pg, &it, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	pages_begin(c, "定期確認", "Periodic review", review_done, NDONE);
	html_printf(b, "<p><a href=\"/reviews\">%s</a></p>\n",
	            T(c, "← 定期確認の一覧へ", "← Back to reviews"));
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>", rc.name);
	ui_badge(b, strcmp(rc.state, "open") == 0 ? "info" : "neutral", state_label(c, rc.state));
	html_lit(b, "</div>\n");
	if (ff && ff->nfe)
		form_error_summary(b, c->lang, ff->sum, ff->nfe);
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "期限", "Deadline"), pages_jst(c, rc.deadline_at));
	ui_dl_row(b, T(c, "進捗", "Progress"), progress(c, rc.decided, rc.items));
	ui_dl_row(b, T(c, "開始", "Opened"), pages_jst(c, rc.opened_at));
	if (rc.closed_at)
		ui_dl_row(b, T(c, "終了", "Closed"), pages_jst(c, rc.closed_at));
	ui_dl_end(b);
	purpose_notice(c);
	html_lit(b, "<div class=\"form-actions\">");
	if (c->ac.subj.role == ROLE_OPERATOR || c->ac.subj.role == ROLE_AGENCY_MANAGER)
		html_printf(
		    b, "<a class=\"btn btn--secondary\" href=\"/reviews/%s/export.csv\">%s</a>",
		    rc.id, T(c, "CSVで書き出す", "Export as CSV"));
	if (strcmp(rc.state, "open") == 0 && policy_allows(&c->ac.subj, ACT_REVIEW_MANAGE, NULL)) {
		pages_form_begin(c, arena_printf(c->a, "/reviews/%s/close", rc.id), "inline");
		form_submit(b, T(c, "定期確認を終了する", "Close the review"), "danger");
		html_lit(b, "</form>");
	}
	html_lit(b, "</div>\n");
	html_printf(b, "<p><a href=\"%s\">%s</a></p>\n",
	            undecided ? arena_printf(c->a, "/reviews/%s", rc.id)
	                      : arena_printf(c->a, "/reviews/%s?undecided=1", rc.id),
	            undecided ? T(c, "すべての項目を表示", "Show every item")
	                      : T(c, "未判断の項目だけを表示", "Show undecided items only"));
	if (n == 0) {
		html_printf(b, "<p>%s</p>\n",
		            T(c, "表示できる項目はありません。", "There are no items to show."));
	} else {
		const char *heads[] = {
		    T(c, "氏名", "Name"),       T(c, "メールアドレス", "Email address"),
		    T(c, "役割", "Role"),       T(c, "所属組織", "Organisation"),
		    T(c, "確認者", "Reviewer"), T(c, "期限", "Deadline"),
		    T(c, "判断", "Decision")};
		ui_table_begin(b, "review-items", T(c, "確認項目", "Items"), heads, 7);
		for (size_t i = 0; i < n; i++)
			item_row(c, &it[i], ff);
		ui_table_end(b);
	}
	if (pg.next)
		pages_next_link(c, pages_url(c, arena_printf(c->a, "/reviews/%s", rc.id),
		                             "undecided", undecided ? "1" : NULL, "cursor",
		                             pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}

void page_review(struct web_ctx *c)
{
	review_page(c, web_param(c, 0), NULL);
}

void page_review_decide(struct web_ctx *c)
{
	const char *id = web_param(c, 0), *item = web_param(c, 1);
	struct failed_form ff = {
	    .item_id = item, .decision = web_form(c, "decision"), .reason = web_form(c, "reason")};
	struct verrs ve = {0};
	struct review_item out;
	enum gcas_err e =
	    svc_review_decide(c->env, &c->ac, c->a, id, item, ff.decision, ff.reason, &out, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		ff.nfe = web_field_errors(c, &ve, ff.fe, VERR_MAX);
		for (size_t i = 0; i < ff.nfe; i++) {
			ff.sum[i] = ff.fe[i];
			ff.sum[i].field = strcmp(ff.fe[i].field, "decision") == 0
			                      ? arena_printf(c->a, "decision-%s-keep", item)
			                      : arena_printf(c->a, "%s-%s", ff.fe[i].field, item);
		}
		c->resp->status = e == GCAS_ERR_CONFLICT ? 409 : 422;
		review_page(c, id, &ff);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	/* Back to the item's own campaign (the item id decides, not the path's campaign). */
	web_redirect(c,
	             arena_printf(c->a, "/reviews/%s?done=decided#item-%s", out.campaign_id, item));
}

void page_review_close(struct web_ctx *c)
{
	const char *id = web_param(c, 0);
	enum gcas_err e = svc_review_close(c->env, &c->ac, c->a, id);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/reviews/%s?done=closed", id));
}

/* ---- /reviews/{id}/export.csv -------------------------------------------------------------- */

void page_review_export(struct web_ctx *c)
{
	const char *id = web_param(c, 0);
	struct buf csv;
	/* R7.2: the export is every item's person; the operator states why first. */
	if (purpose_gate_page(c))
		return;
	buf_init(&csv, EXPORT_MAX);
	enum gcas_err e = svc_review_export(c->env, &c->ac, c->a, id, &csv, NULL);
	if (!e && csv.failed)
		e = GCAS_ERR_NOMEM;
	if (e) {
		buf_free(&csv);
		web_fail(c, e);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/csv; charset=utf-8";
	/* RFC 6266: a download named after the campaign id (hex, nothing to escape). */
	http_resp_header(c->resp, c->a, "Content-Disposition",
	                 arena_printf(c->a, "attachment; filename=\"review-%.32s.csv\"", id));
	buf_append(&c->resp->body, csv.data ? csv.data : "", csv.len);
	buf_free(&csv);
}
