/* SPDX-License-Identifier: MIT */
/* Application pages (S1, R2.1–R2.3, R2.6): the list with its filters, the operator's
 * fulfilment queue, one form per kind of application (create carries the identity declaration
 * of 別表1), the detail view with its history and the actions the reader's role allows at the
 * application's state, the printable declaration (本人確認申告書) and the monthly SLO report.
 * Every decision is the svc_app_* use cases'; these pages only choose what to offer. */
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "core/calendar.h"
#include "svc/applications.h"
#include "svc/orgs.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define LIST_LIMIT     50
#define ORG_SCAN_PAGES 10

static const struct pages_done app_done[] = {
    {"created", "申請を提出しました。", "The application was submitted."},
    {"draft", "申請を下書きとして保存しました。", "The application was saved as a draft."},
    {"submit", "申請を提出しました。", "The application was submitted."},
    {"withdraw", "申請を取り下げました。", "The application was withdrawn."},
    {"approve", "申請を承認しました。", "The application was approved."},
    {"reject", "申請を却下しました。", "The application was rejected."},
    {"fulfil", "申請を処理しました。", "The application was carried out."},
    {"fail", "申請を処理不能として記録しました。", "The application was marked as failed."},
};
#define NDONE (sizeof(app_done) / sizeof(app_done[0]))

/* ---- small views ------------------------------------------------------------------------- */

static int en(const struct web_ctx *c)
{
	return c->lang == LANG_EN;
}

static const char *role_text(const struct web_ctx *c, int r)
{
	const char *s = r >= 0 && r < ROLE__MAX ? role_label((enum role)r, en(c)) : NULL;
	return s ? s : "";
}

static const char *kind_text(const struct web_ctx *c, enum app_kind k)
{
	const char *s = app_kind_label(k, en(c));
	return s ? s : "";
}

static const char *state_text(const struct web_ctx *c, enum app_state s)
{
	const char *t = app_state_label(s, en(c));
	return t ? t : "";
}

static const char *state_badge_kind(enum app_state s)
{
	switch (s) {
	case APP_SUBMITTED:
		return "info";
	case APP_APPROVED:
		return "warning";
	case APP_FULFILLED:
		return "success";
	case APP_REJECTED:
	case APP_FAILED:
		return "error";
	default:
		return "neutral";
	}
}

static void state_badge(struct web_ctx *c, enum app_state s)
{
	ui_badge(&c->resp->body, state_badge_kind(s), state_text(c, s));
}

/* Today in Japan, "YYYY-MM-DD": due dates are administrative days (R2.3, R2.10). */
static const char *today_jst(struct web_ctx *c)
{
	char out[11];
	ymd_format(ymd_of_epoch_jst(clock_now()), out);
	return arena_strdup(c->a, out);
}

/* R2.3: approved and past its due date (JST), still not carried out. */
static int is_overdue(struct web_ctx *c, const struct application *ap)
{
	return ap->state == APP_APPROVED && ap->due_on && *ap->due_on &&
	       strcmp(ap->due_on, today_jst(c)) < 0;
}

static void late_badge(struct web_ctx *c, const struct application *ap)
{
	/* R2.6: a deletion applied later than 5 business days before the departure. */
	if (ap->late)
		ui_badge(&c->resp->body, "warning", T(c, "期限後の申請", "Late"));
}

static void due_cell(struct web_ctx *c, const struct application *ap)
{
	struct buf *b = &c->resp->body;
	if (!ap->due_on || !*ap->due_on) {
		html_lit(b, "—");
		return;
	}
	if (is_overdue(c, ap))
		html_printf(b, "<span class=\"app-due app-due--overdue\">%s（%s）</span>",
		            ap->due_on, T(c, "期限超過", "overdue"));
	else
		html_printf(b, "<span class=\"app-due\">%s</span>", ap->due_on);
}

/* ---- list and queue ---------------------------------------------------------------------- */

static void app_table(struct web_ctx *c, const struct application *rows, size_t n,
                      const char *caption)
{
	struct buf *b = &c->resp->body;
	const char *heads[] = {
	    T(c, "種類", "Kind"),          T(c, "対象", "Person or organisation"),
	    T(c, "申請者", "Applicant"),   T(c, "状態", "State"),
	    T(c, "提出日時", "Submitted"), T(c, "処理期限", "Due")};
	ui_table_begin(b, "applications", caption, heads, 6);
	for (size_t i = 0; i < n; i++) {
		const struct application *ap = &rows[i];
		html_printf(b,
		            "<tr><td class=\"nowrap\"><a href=\"/applications/%s\">%s</a></td>"
		            "<td>%s</td><td>%s</td><td>",
		            ap->id, kind_text(c, ap->kind), ap->subject_label,
		            role_text(c, (int)ap->applicant_role));
		state_badge(c, ap->state);
		html_lit(b, " ");
		late_badge(c, ap);
		html_printf(b, "</td><td class=\"nowrap\">%s</td><td class=\"nowrap\">",
		            ap->submitted_at ? pages_jst(c, ap->submitted_at) : "—");
		due_cell(c, ap);
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
}

static void check_field(struct web_ctx *c, const char *name, const char *label, int on)
{
	struct form_field f = {
	    .name = name, .type = "checkbox", .label = label, .value = on ? "1" : NULL};
	pages_field(c, &f);
}

static void list_filters(struct web_ctx *c, const char *state, const char *kind,
                         const struct app_filter *f)
{
	struct form_option states[APP_STATE__MAX + 1], kinds[APP_KIND__MAX + 1];
	states[0] = (struct form_option){"", T(c, "すべて", "All")};
	kinds[0] = states[0];
	for (int s = 0; s < APP_STATE__MAX; s++)
		states[s + 1] = (struct form_option){app_state_name((enum app_state)s),
		                                     state_text(c, (enum app_state)s)};
	for (int k = 0; k < APP_KIND__MAX; k++)
		kinds[k + 1] = (struct form_option){app_kind_name((enum app_kind)k),
		                                    kind_text(c, (enum app_kind)k)};
	pages_filter_begin(c, "/applications");
	if (f->account_id)
		html_printf(&c->resp->body, "<input type=\"hidden\" name=\"account\" value=\"%s\">",
		            f->account_id);
	struct form_field sf = {.name = "state",
	                        .type = "select",
	                        .label = T(c, "状態", "State"),
	                        .value = state,
	                        .options = states,
	                        .noptions = APP_STATE__MAX + 1};
	pages_field(c, &sf);
	struct form_field kf = {.name = "kind",
	                        .type = "select",
	                        .label = T(c, "種類", "Kind"),
	                        .value = kind,
	                        .options = kinds,
	                        .noptions = APP_KIND__MAX + 1};
	pages_field(c, &kf);
	if (policy_role_can(c->ac.subj.role, ACT_APP_APPROVE))
		check_field(c, "awaiting", T(c, "自分の承認待ち", "Awaiting my approval"),
		            f->awaiting_me);
	if (policy_role_can(c->ac.subj.role, ACT_APP_FULFIL)) {
		check_field(c, "queue", T(c, "処理待ち（承認済み）", "Awaiting fulfilment"),
		            f->queue);
		check_field(c, "overdue", T(c, "期限超過のみ", "Overdue only"), f->overdue);
	}
	pages_filter_end(c, T(c, "絞り込む", "Filter"));
}

/* A checkbox filter: absent or "1"; anything else is refused like an unknown state. */
static int flag(struct web_ctx *c, const char *key, int *out)
{
	const char *v = web_query(c, key);
	*out = strcmp(v, "1") == 0;
	return *v && !*out ? -1 : 0;
}

void page_applications(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT};
	struct application *rows;
	size_t n;
	const char *state = web_query(c, "state"), *kind = web_query(c, "kind");
	const char *account = web_query(c, "account");
	struct app_filter f = {.state = *state ? app_state_parse(state) : -1,
	                       .kind = *kind ? app_kind_parse(kind) : -1,
	                       .account_id = *account ? account : NULL};
	int bad = flag(c, "awaiting", &f.awaiting_me) | flag(c, "queue", &f.queue) |
	          flag(c, "overdue", &f.overdue);
	/* Overdue is a property of the queue (R2.3): asking for it implies the queue. */
	if (f.overdue)
		f.queue = 1;
	if (bad || (*state && f.state < 0) || (*kind && f.kind < 0) || strlen(account) > 64 ||
	    pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "検索条件が正しくありません。", "The search is not valid.");
		return;
	}
	enum gcas_err e = svc_app_list(c->env, &c->ac, c->a, &f, &pg, &rows, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	pages_begin(c, "申請", "Applications", app_done, NDONE);
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>", T(c, "申請", "Applications"));
	if (policy_role_can(c->ac.subj.role, ACT_APP_APPLY))
		html_printf(b, "<a class=\"btn btn--primary\" href=\"/applications/new\">%s</a>",
		            T(c, "アカウント発行を申請", "Apply for an account"));
	html_lit(b, "</div>\n");
	if (policy_role_can(c->ac.subj.role, ACT_APP_FULFIL))
		html_printf(b,
		            "<p><a href=\"/applications/queue\">%s</a> · <a "
		            "href=\"/reports/slo\">%s</a></p>\n",
		            T(c, "処理待ちキュー", "Fulfilment queue"),
		            T(c, "月次サービスレベル報告", "Monthly service-level report"));
	list_filters(c, f.state >= 0 ? state : "", f.kind >= 0 ? kind : "", &f);
	if (n == 0)
		html_printf(b, "<p>%s</p>\n",
		            T(c, "該当する申請はありません。", "No applications match."));
	else
		app_table(c, rows, n, T(c, "申請の一覧", "Applications"));
	if (pg.next)
		pages_next_link(
		    c, pages_url(c, "/applications", "state", f.state >= 0 ? state : NULL, "kind",
		                 f.kind >= 0 ? kind : NULL, "awaiting", f.awaiting_me ? "1" : NULL,
		                 "queue", f.queue ? "1" : NULL, "overdue", f.overdue ? "1" : NULL,
		                 "account", account, "cursor", pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}

void page_applications_queue(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT};
	struct application *rows;
	size_t n, late = 0;
	struct app_filter f = {.state = -1, .kind = -1, .queue = 1};
	if (!policy_role_can(c->ac.subj.role, ACT_APP_FULFIL)) {
		web_denied(c, ACT_APP_FULFIL, "application", NULL, NULL);
		return;
	}
	if (pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "検索条件が正しくありません。", "The search is not valid.");
		return;
	}
	enum gcas_err e = svc_app_list(c->env, &c->ac, c->a, &f, &pg, &rows, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	for (size_t i = 0; i < n; i++)
		late += (size_t)is_overdue(c, &rows[i]);
	web_page_begin(c, "処理待ちキュー", "Fulfilment queue");
	html_printf(b, "<p><a href=\"/applications\">%s</a></p>\n",
	            T(c, "← 申請の一覧へ", "← Back to applications"));
	html_printf(b, "<h1>%s</h1>\n", T(c, "処理待ちキュー", "Fulfilment queue"));
	html_printf(b, "<p class=\"lead\">%s</p>\n",
	            T(c,
	              "承認済みの申請を、処理期限（承認から5営業日、R2.3）の早い順に表示します。",
	              "Approved applications, earliest due date first (5 business days after "
	              "approval, R2.3)."));
	if (late)
		ui_alert(b, c->lang, "error", NULL,
		         arena_printf(c->a, "%s%zu",
		                      T(c, "期限超過の申請: ", "Overdue applications: "), late));
	if (n == 0)
		html_printf(b, "<p>%s</p>\n",
		            T(c, "処理待ちの申請はありません。", "Nothing awaits fulfilment."));
	else
		app_table(c, rows, n, T(c, "処理待ちの申請", "Applications awaiting fulfilment"));
	if (pg.next)
		pages_next_link(c, pages_url(c, "/applications/queue", "cursor",
		                             pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}

/* ---- the application form ---------------------------------------------------------------- */

/* What was typed (or, for a change, what is stored now). */
struct app_form {
	int kind;
	const char *account_id, *org_id;
	struct account_input person;
	const char *reason, *departure_on, *verified_on, *scope, *system_name, *nda;
};

/* What the form is about: the organisation (create) or the account (other kinds), and the
 * roles the reader may apply for there. */
struct app_ctx {
	struct org org;
	int has_org;
	struct account acc;
	int has_acc;
	struct form_option roles[ROLE__MAX + 1];
	size_t nroles;
};

static int can_apply_role(const struct web_ctx *c, const struct org *o, enum role r)
{
	if (role_org_kind(r) != o->kind)
		return 0;
	struct target t = {.has_role = 1,
	                   .role = r,
	                   .org_id = o->id,
	                   .agency_id = o->agency_id,
	                   .project_id = o->project_id};
	return policy_allows(&c->ac.subj, ACT_APP_APPLY, &t);
}

static void roles_for(struct web_ctx *c, struct app_ctx *x, const struct org *o)
{
	x->roles[0] = (struct form_option){"", T(c, "選択してください", "Choose")};
	x->nroles = 1;
	for (int r = 0; r < ROLE__MAX; r++)
		if (can_apply_role(c, o, (enum role)r))
			x->roles[x->nroles++] =
			    (struct form_option){role_name((enum role)r), role_text(c, r)};
}

/* Load what the form is about and decide whether the reader may apply for it at all. Answers
 * the request itself (and returns -1) on refusal. */
static int ctx_load(struct web_ctx *c, const struct app_form *f, struct app_ctx *x)
{
	enum gcas_err e;
	memset(x, 0, sizeof(*x));
	if (f->kind == APP_CREATE) {
		if (!f->org_id || !*f->org_id)
			return 0; /* the organisation is chosen first */
		e = svc_org_get(c->env, &c->ac, c->a, f->org_id, &x->org);
		if (e) {
			web_fail(c, e);
			return -1;
		}
		x->has_org = 1;
		roles_for(c, x, &x->org);
		if (x->nroles == 1) {
			web_denied(c, ACT_APP_APPLY, "org", x->org.id, x->org.agency_id);
			return -1;
		}
		return 0;
	}
	if (!f->account_id || !*f->account_id) {
		web_error_page(c, 400, "対象のアカウントを指定してください。",
		               "Name the account concerned.");
		return -1;
	}
	e = svc_account_get(c->env, &c->ac, c->a, f->account_id, &x->acc);
	if (e) {
		web_fail(c, e);
		return -1;
	}
	x->has_acc = 1;
	struct target t = account_target(&x->acc);
	if (!policy_allows(&c->ac.subj, ACT_APP_APPLY, &t)) {
		web_denied(c, ACT_APP_APPLY, "account", x->acc.id, x->acc.agency_id);
		return -1;
	}
	if (f->kind == APP_CHANGE) {
		struct org o = {.id = x->acc.org_id,
		                .kind = role_org_kind(x->acc.role),
		                .agency_id = x->acc.agency_id,
		                .project_id = x->acc.project_id};
		roles_for(c, x, &o);
	}
	return 0;
}

/* The organisations where the reader may apply for at least one role. */
static enum gcas_err org_choices(struct web_ctx *c, struct form_option **out, size_t *nout)
{
	struct page pg = {.limit = 500};
	size_t cap = 0, n = 0;
	struct form_option *opts = NULL;
	for (int i = 0; i < ORG_SCAN_PAGES; i++) {
		struct org *rows;
		size_t nrows;
		enum gcas_err e = svc_org_list(c->env, &c->ac, c->a, -1, &pg, &rows, &nrows);
		if (e)
			return e;
		for (size_t k = 0; k < nrows; k++) {
			struct app_ctx tmp;
			roles_for(c, &tmp, &rows[k]);
			if (tmp.nroles == 1)
				continue;
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 32;
				struct form_option *g = arena_alloc(c->a, ncap * sizeof(*g));
				if (!g)
					return GCAS_ERR_NOMEM;
				if (n)
					memcpy(g, opts, n * sizeof(*g));
				opts = g;
				cap = ncap;
			}
			const char *kl = org_kind_label(rows[k].kind, en(c));
			opts[n++] = (struct form_option){
			    rows[k].id, arena_printf(c->a, en(c) ? "%s (%s)" : "%s（%s）",
			                             rows[k].name, kl ? kl : "")};
		}
		if (!pg.next)
			break;
		pg.after = pg.next;
	}
	*out = opts;
	*nout = n;
	return GCAS_OK;
}

/* Creating without an organisation: choose it first (a GET form), because the roles offered
 * depend on it. */
static void org_choice_page(struct web_ctx *c, const char *error)
{
	struct buf *b = &c->resp->body;
	struct form_option *opts;
	size_t n;
	enum gcas_err e = org_choices(c, &opts, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	if (n == 0) {
		web_denied(c, ACT_APP_APPLY, "org", NULL, c->ac.subj.agency_id);
		return;
	}
	struct form_option *all = arena_alloc(c->a, (n + 1) * sizeof(*all));
	if (!all) {
		web_fail(c, GCAS_ERR_NOMEM);
		return;
	}
	all[0] = (struct form_option){"", T(c, "選択してください", "Choose")};
	memcpy(all + 1, opts, n * sizeof(*opts));
	web_page_begin(c, "アカウント発行の申請", "Apply for an account");
	html_printf(b, "<p><a href=\"/applications\">%s</a></p>\n",
	            T(c, "← 申請の一覧へ", "← Back to applications"));
	html_printf(b, "<h1>%s</h1>\n", T(c, "アカウント発行の申請", "Apply for an account"));
	if (error) {
		struct field_error fe = {"org", error};
		form_error_summary(b, c->lang, &fe, 1);
	}
	html_lit(b, "<form method=\"get\" action=\"/applications/new\" class=\"form\">"
	            "<input type=\"hidden\" name=\"kind\" value=\"create\">");
	struct form_field of = {.name = "org",
	                        .type = "select",
	                        .label = T(c, "所属組織", "Organisation"),
	                        .hint = T(c, "発行するアカウントが所属する組織を選んでください。",
	                                  "The organisation the new account belongs to."),
	                        .error = error,
	                        .required = 1,
	                        .options = all,
	                        .noptions = n + 1};
	pages_field(c, &of);
	form_submit(b, T(c, "次へ", "Next"), "primary");
	html_lit(b, "</form>\n");
	web_page_end(c);
}

static void field(struct web_ctx *c, const char *name, const char *type, const char *label,
                  const char *hint, const char *value, const struct field_error *fe, size_t nfe,
                  int required, int width)
{
	struct form_field f = {.name = name,
	                       .type = type,
	                       .label = label,
	                       .hint = hint,
	                       .value = value,
	                       .error = form_error_for(fe, nfe, name),
	                       .required = required,
	                       .autocomplete = "off",
	                       .maxlength = type && strcmp(type, "textarea") == 0 ? 500
	                                    : type && strcmp(type, "email") == 0  ? 254
	                                                                          : 50,
	                       .width_chars = width};
	pages_field(c, &f);
}

static void person_fields(struct web_ctx *c, const struct app_form *f, const struct field_error *fe,
                          size_t nfe, int required)
{
	const struct account_input *p = &f->person;
	field(c, "email", "email", T(c, "メールアドレス", "Email address"),
	      T(c,
	        "本人だけが使う職場のメールアドレス。共用アドレスやメーリングリストは使えません（R2"
	        ".8）。",
	        "A work address only this person uses. Shared and list addresses are refused "
	        "(R2.8)."),
	      p->email, fe, nfe, required, 0);
	field(c, "family_name", NULL, T(c, "姓", "Family name"), NULL, p->family_name, fe, nfe,
	      required, 20);
	field(c, "given_name", NULL, T(c, "名", "Given name"), NULL, p->given_name, fe, nfe,
	      required, 20);
	const char *kh =
	    T(c, "カタカナまたはひらがなで入力してください。", "In katakana or hiragana.");
	field(c, "family_kana", NULL, T(c, "姓（フリガナ）", "Family name (kana reading)"), kh,
	      p->family_kana, fe, nfe, required, 20);
	field(c, "given_kana", NULL, T(c, "名（フリガナ）", "Given name (kana reading)"), kh,
	      p->given_kana, fe, nfe, required, 20);
}

static void role_field(struct web_ctx *c, const struct app_ctx *x, const char *value,
                       const struct field_error *fe, size_t nfe, int required)
{
	/* With one possible role it is chosen already. */
	const char *v = value && *value ? value : x->nroles == 2 ? x->roles[1].value : NULL;
	struct form_field rf = {.name = "role",
	                        .type = "select",
	                        .label = T(c, "役割", "Role"),
	                        .hint =
	                            T(c, "あなたが申請できる役割だけが表示されます（規程2.2.2）。",
	                              "Only the roles you may apply for are listed (2.2.2)."),
	                        .value = v,
	                        .error = form_error_for(fe, nfe, "role"),
	                        .required = required,
	                        .options = x->roles,
	                        .noptions = x->nroles};
	pages_field(c, &rf);
}

/* R2.1, 別表1: the certifying manager's declaration that the person was identified with a My
 * Number card and falls within the scope of 2.2.1. The number itself is never recorded. */
static void declaration_fields(struct web_ctx *c, const struct app_form *f,
                               const struct field_error *fe, size_t nfe)
{
	struct buf *b = &c->resp->body;
	html_printf(
	    b, "<fieldset class=\"app-decl\"><legend class=\"app-decl__legend\">%s</legend>\n",
	    T(c, "本人確認の申告（規程 別表1）", "Identity declaration (regulation, table 1)"));
	html_printf(
	    b, "<p class=\"app-decl__rule\">%s</p>\n",
	    T(c,
	      "別表1: "
	      "払出し対象者に対し、GCAS運用管理組織が提供する所定の様式等を用い、マイナンバー"
	      "カードで払出し対象者本人であることの確認（本人確認）を行い、2.2."
	      "1の対象範囲に当該払出し"
	      "対象者が含まれているかどうかの確認を行った上で、確認した旨を記載し申告を行うこと。",
	      "Table 1: the person to be issued an account is identified with their My Number card "
	      "on the prescribed form, and checked to fall within the scope of 2.2.1; the manager "
	      "then declares that both were checked."));
	ui_alert(
	    b, c->lang, "warning",
	    T(c, "個人番号は入力しないでください", "Never enter the Individual Number"),
	    T(c,
	      "マイナンバーカードは本人確認に使うだけです。個人番号（12桁）はどの欄にも入力しない"
	      "でください（番号法）。入力された場合は受け付けません。",
	      "The My Number card is only looked at. Do not enter the Individual Number (12 "
	      "digits) in any field (My Number Act); input holding one is refused."));
	struct form_field vf = {
	    .name = "verified_on",
	    .type = "date",
	    .label = T(c, "本人確認を行った日", "Date the identity was checked"),
	    .hint =
	        T(c, "今日以前の日付（例: 2026-04-01）。", "Today or earlier (e.g. 2026-04-01)."),
	    .value = f->verified_on,
	    .error = form_error_for(fe, nfe, "verified_on"),
	    .required = 1,
	    .width_chars = 12};
	pages_field(c, &vf);
	const struct form_option scopes[] = {
	    {"gov_admin",
	     T(c, "政府情報システム又は地方公共団体情報システム等の管理者（規程2.2.1）",
	       "An administrator of a government or local-government information system (2.2.1)")},
	    {"contractor_nda",
	     T(c,
	       "当該システムの開発・運用・保守等の委託を受け、守秘義務契約を交わした事業者において"
	       "作業に従事する者（規程2."
	       "2.1）",
	       "Staff of a contractor that develops, operates or maintains the system under a "
	       "non-disclosure agreement (2.2.1)")}};
	struct form_field sf = {.name = "scope",
	                        .type = "radio",
	                        .label = T(c, "2.2.1の対象範囲", "Scope of 2.2.1"),
	                        .value = f->scope,
	                        .error = form_error_for(fe, nfe, "scope"),
	                        .required = 1,
	                        .options = scopes,
	                        .noptions = 2};
	pages_field(c, &sf);
	field(c, "system_name", NULL, T(c, "従事するシステムの名称", "System worked on"),
	      T(c, "委託事業者の場合は必須です。", "Required for contractor staff."),
	      f->system_name, fe, nfe, 0, 0);
	struct form_field nf = {.name = "nda_confirmed",
	                        .type = "checkbox",
	                        .label = T(c, "守秘義務契約が締結されていることを確認しました",
	                                   "I checked that a non-disclosure agreement is in place"),
	                        .value = f->nda,
	                        .error = form_error_for(fe, nfe, "nda_confirmed")};
	pages_field(c, &nf);
	html_lit(b, "</fieldset>\n");
}

static const char *const form_order[] = {
    "kind",       "account_id",  "org_id",     "email",       "family_name",
    "given_name", "family_kana", "given_kana", "role",        "departure_on",
    "reason",     "verified_on", "scope",      "system_name", "nda_confirmed"};
#define NORDER (sizeof(form_order) / sizeof(form_order[0]))

static const char *title_of(int kind, int english)
{
	static const char *const t[APP_KIND__MAX][2] = {
	    [APP_CREATE] = {"アカウント発行の申請", "Apply for an account"},
	    [APP_CHANGE] = {"アカウント変更の申請", "Apply to change an account"},
	    [APP_DELETE] = {"アカウント削除の申請", "Apply to delete an account"},
	    [APP_REENABLE] = {"アカウント再有効化の申請", "Apply to re-enable an account"},
	    [APP_ORG_END] = {"利用終了の申請", "Apply to end the use"}};
	return t[kind][english];
}

static void new_page(struct web_ctx *c, const struct app_ctx *x, const struct app_form *f,
                     const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, form_order, NORDER);
	web_page_begin(c, title_of(f->kind, 0), title_of(f->kind, 1));
	if (x->has_acc)
		html_printf(b, "<p><a href=\"/accounts/%s\">← %s</a></p>\n", x->acc.id,
		            pages_person(c, x->acc.family_name, x->acc.given_name));
	else
		html_printf(b, "<p><a href=\"/orgs/%s\">← %s</a></p>\n", x->org.id, x->org.name);
	html_printf(b, "<h1>%s</h1>\n", T(c, title_of(f->kind, 0), title_of(f->kind, 1)));
	if (c->ac.subj.role == ROLE_CONTRACTOR_MANAGER)
		html_printf(
		    b, "<p class=\"lead\">%s</p>\n",
		    T(c,
		      "この申請は、プロジェクトチームGCAS責任者の承認を経てGCAS運用管理組織が処理し"
		      "ます（別表1）。",
		      "The project manager approves this application before the operator "
		      "carries it out (table 1)."));
	else
		html_printf(b, "<p class=\"lead\">%s</p>\n",
		            T(c,
		              "提出するとGCAS運用管理組織の処理待ちになり、5営業日以内に処理されま"
		              "す（R2.3）。",
		              "Once submitted it goes to the operator, who carries it out within 5 "
		              "business days (R2.3)."));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, "/applications/new", "form");
	html_printf(b, "<input type=\"hidden\" name=\"kind\" value=\"%s\">",
	            app_kind_name((enum app_kind)f->kind));
	if (x->has_acc) {
		html_printf(b, "<input type=\"hidden\" name=\"account_id\" value=\"%s\">",
		            x->acc.id);
		ui_dl_begin(b);
		ui_dl_row(b, T(c, "対象のアカウント", "Account"),
		          arena_printf(c->a, "%s <%s>",
		                       pages_person(c, x->acc.family_name, x->acc.given_name),
		                       x->acc.email));
		ui_dl_row(b, T(c, "現在の役割", "Current role"), role_text(c, (int)x->acc.role));
		ui_dl_row(b, T(c, "状態", "Status"), account_status_label(x->acc.status, en(c)));
		ui_dl_end(b);
	} else {
		html_printf(b, "<input type=\"hidden\" name=\"org_id\" value=\"%s\">", x->org.id);
		ui_dl_begin(b);
		ui_dl_row(b, T(c, "所属組織", "Organisation"), x->org.name);
		ui_dl_end(b);
	}
	switch (f->kind) {
	case APP_CREATE:
		person_fields(c, f, fe, nfe, 1);
		role_field(c, x, f->person.role, fe, nfe, 1);
		break;
	case APP_CHANGE:
		html_printf(b, "<p class=\"muted\">%s</p>\n",
		            T(c, "変更する項目だけを書き換えてください。",
		              "Change only what should change."));
		person_fields(c, f, fe, nfe, 0);
		role_field(c, x, f->person.role, fe, nfe, 0);
		break;
	case APP_DELETE: {
		struct form_field df = {
		    .name = "departure_on",
		    .type = "date",
		    .label = T(c, "離任日", "Departure date"),
		    .hint =
		        T(c,
		          "離任の5営業日前までに申請してください。それより後の申請は遅延として記録"
		          "されます（R2.6）。",
		          "Apply at least 5 business days before the departure; later "
		          "applications are recorded as late (R2.6)."),
		    .value = f->departure_on,
		    .error = form_error_for(fe, nfe, "departure_on"),
		    .width_chars = 12};
		pages_field(c, &df);
		break;
	}
	default:
		break;
	}
	field(c, "reason", "textarea", T(c, "申請の理由", "Reason"),
	      T(c, "承認者と運用管理組織が読みます。個人番号は書かないでください。",
	        "Read by the approver and the operator. Do not write an Individual Number."),
	      f->reason, fe, nfe, 1, 0);
	if (f->kind == APP_CREATE)
		declaration_fields(c, f, fe, nfe);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "申請する", "Submit"), "primary");
	html_printf(b,
	            "<button type=\"submit\" name=\"draft\" value=\"1\" class=\"btn "
	            "btn--secondary\">%s</button>",
	            T(c, "下書きとして保存", "Save as draft"));
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

static int kind_of(const char *s)
{
	int k = *s ? app_kind_parse(s) : APP_CREATE;
	/* Ending an organisation's use has its own pages (lifecycle); the API takes it too. */
	return k == APP_ORG_END ? -1 : k;
}

void page_application_new_form(struct web_ctx *c)
{
	struct app_ctx x;
	struct app_form f = {.kind = kind_of(web_query(c, "kind")),
	                     .account_id = web_query(c, "account"),
	                     .org_id = web_query(c, "org")};
	if (f.kind < 0) {
		web_error_page(c, 400, "申請の種類が正しくありません。",
		               "The kind of application is not valid.");
		return;
	}
	if (ctx_load(c, &f, &x))
		return;
	if (f.kind == APP_CREATE && !x.has_org) {
		org_choice_page(c, NULL);
		return;
	}
	if (f.kind == APP_CHANGE)
		f.person = (struct account_input){.email = x.acc.email,
		                                  .family_name = x.acc.family_name,
		                                  .given_name = x.acc.given_name,
		                                  .family_kana = x.acc.family_kana,
		                                  .given_kana = x.acc.given_kana,
		                                  .role = role_name(x.acc.role)};
	new_page(c, &x, &f, NULL);
}

/* A change asks only for what differs from the stored account ("" = unchanged). */
static const char *changed(const char *typed, const char *stored)
{
	return typed && stored && strcmp(typed, stored) == 0 ? "" : typed;
}

static struct app_form form_read(struct web_ctx *c)
{
	struct app_form f = {.kind = kind_of(web_form(c, "kind")),
	                     .account_id = web_form(c, "account_id"),
	                     .org_id = web_form(c, "org_id"),
	                     .reason = web_form(c, "reason"),
	                     .departure_on = web_form(c, "departure_on"),
	                     .verified_on = web_form(c, "verified_on"),
	                     .scope = web_form(c, "scope"),
	                     .system_name = web_form(c, "system_name"),
	                     .nda = web_form(c, "nda_confirmed")};
	f.person = (struct account_input){.email = web_form(c, "email"),
	                                  .family_name = web_form(c, "family_name"),
	                                  .given_name = web_form(c, "given_name"),
	                                  .family_kana = web_form(c, "family_kana"),
	                                  .given_kana = web_form(c, "given_kana"),
	                                  .role = web_form(c, "role"),
	                                  .org_id = web_form(c, "org_id")};
	return f;
}

void page_application_new(struct web_ctx *c)
{
	struct app_form f = form_read(c);
	struct verrs ve = {0};
	struct application out;
	struct account cur;
	if (f.kind < 0) {
		web_error_page(c, 400, "申請の種類が正しくありません。",
		               "The kind of application is not valid.");
		return;
	}
	struct app_input in = {.kind = app_kind_name((enum app_kind)f.kind),
	                       .account_id = f.kind == APP_CREATE ? NULL : f.account_id,
	                       .person = f.person,
	                       .reason = f.reason,
	                       .draft = strcmp(web_form(c, "draft"), "1") == 0};
	switch (f.kind) {
	case APP_CREATE:
		in.verified_on = f.verified_on;
		in.scope = f.scope;
		in.system_name = f.system_name;
		in.nda_confirmed = strcmp(f.nda, "1") == 0;
		break;
	case APP_CHANGE:
		/* The form shows the stored values; only those edited are asked for. When the
		 * account cannot be read, the use case refuses (and records) the attempt. */
		if (*f.account_id &&
		    svc_account_get(c->env, &c->ac, c->a, f.account_id, &cur) == GCAS_OK) {
			in.person.email = changed(f.person.email, cur.email);
			in.person.family_name = changed(f.person.family_name, cur.family_name);
			in.person.given_name = changed(f.person.given_name, cur.given_name);
			in.person.family_kana = changed(f.person.family_kana, cur.family_kana);
			in.person.given_kana = changed(f.person.given_kana, cur.given_kana);
			in.person.role = changed(f.person.role, role_name(cur.role));
		}
		in.person.org_id = NULL;
		break;
	case APP_DELETE:
		in.departure_on = *f.departure_on ? f.departure_on : NULL;
		in.person = (struct account_input){0};
		break;
	default:
		in.person = (struct account_input){0};
		break;
	}
	enum gcas_err e = svc_app_create(c->env, &c->ac, c->a, &in, &out, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		struct app_ctx x;
		if (ctx_load(c, &f, &x))
			return;
		c->resp->status = 422;
		if (f.kind == APP_CREATE && !x.has_org)
			org_choice_page(
			    c, T(c, "所属組織を選んでください", "Choose the organisation"));
		else
			new_page(c, &x, &f, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/applications/%s?done=%s", out.id,
	                             in.draft ? "draft" : "created"));
}

/* ---- detail ------------------------------------------------------------------------------ */

struct act_errs {
	const char *op;    /* the form that failed */
	const char *value; /* the reason as typed */
	struct field_error fe[VERR_MAX];
	size_t n;
	const char *alert; /* a refusal that belongs to no field (a conflict) */
};

static int is_applicant(const struct web_ctx *c, const struct application *ap)
{
	return c->ac.subj.account_id && ap->applicant_id &&
	       strcmp(c->ac.subj.account_id, ap->applicant_id) == 0;
}

static struct target app_target(const struct application *ap)
{
	struct target t = {
	    .org_id = ap->org_id, .agency_id = ap->agency_id, .project_id = ap->project_id};
	return t;
}

static int may(const struct web_ctx *c, enum action act, const struct application *ap)
{
	struct target t = app_target(ap);
	return policy_allows(&c->ac.subj, act, &t);
}

static void op_form(struct web_ctx *c, const struct application *ap, const char *op,
                    const struct act_errs *er, const char *label, const char *button,
                    const char *kind, int reason, int required)
{
	struct buf *b = &c->resp->body;
	int mine = er && er->op && strcmp(er->op, op) == 0;
	const char *fname = arena_printf(c->a, "%s_reason", op);
	pages_form_begin(c, arena_printf(c->a, "/applications/%s/%s", ap->id, op), "form");
	if (reason) {
		struct form_field f = {
		    .name = fname,
		    .type = "textarea",
		    .label = label,
		    .hint = T(c, "履歴と監査ログに記録されます。個人番号は書かないでください。",
		              "Kept in the history and the audit log. Do not write "
		              "an Individual Number."),
		    .value = mine ? er->value : NULL,
		    .error = mine ? form_error_for(er->fe, er->n, fname) : NULL,
		    .required = required,
		    .maxlength = 500};
		pages_field(c, &f);
	}
	form_submit(b, button, kind);
	html_lit(b, "</form>\n");
}

static void section_begin(struct web_ctx *c, const char *title, const char *text)
{
	html_printf(&c->resp->body,
	            "<section class=\"card app-action\"><h2 class=\"card__title\">%s</h2><p>%s</p>",
	            title, text);
}

static void detail_actions(struct web_ctx *c, const struct application *ap,
                           const struct act_errs *er)
{
	struct buf *b = &c->resp->body;
	int mine = is_applicant(c, ap);
	if (mine && ap->state == APP_DRAFT) {
		section_begin(c, T(c, "提出", "Submit"),
		              T(c, "下書きを提出します。", "Submit the draft."));
		op_form(c, ap, "submit", er, NULL, T(c, "提出する", "Submit"), "primary", 0, 0);
		html_lit(b, "</section>\n");
	}
	if (mine && (ap->state == APP_DRAFT || ap->state == APP_SUBMITTED)) {
		section_begin(c, T(c, "取り下げ", "Withdraw"),
		              T(c, "取り下げた申請は元に戻せません。",
		                "A withdrawn application stays withdrawn."));
		op_form(c, ap, "withdraw", er, T(c, "取り下げる理由", "Reason for withdrawing"),
		        T(c, "取り下げる", "Withdraw"), "secondary", 1, 0);
		html_lit(b, "</section>\n");
	}
	if (!mine && ap->state == APP_SUBMITTED && ap->needs_approval &&
	    may(c, ACT_APP_APPROVE, ap)) {
		section_begin(c, T(c, "承認", "Approve"),
		              T(c,
		                "承認すると運用管理組織の処理待ちになります（5営業日以内、R2.3）。",
		                "Once approved the operator carries it out within 5 business days "
		                "(R2.3)."));
		op_form(c, ap, "approve", er, NULL, T(c, "承認する", "Approve"), "primary", 0, 0);
		html_lit(b, "</section>\n");
		section_begin(c, T(c, "却下", "Reject"),
		              T(c, "却下の理由は申請者に通知されます。",
		                "The applicant is told the reason."));
		op_form(c, ap, "reject", er, T(c, "却下の理由", "Reason for rejecting"),
		        T(c, "却下する", "Reject"), "danger", 1, 1);
		html_lit(b, "</section>\n");
	}
	if (ap->state == APP_APPROVED && may(c, ACT_APP_FULFIL, ap)) {
		section_begin(
		    c, T(c, "処理", "Carry out"),
		    T(c,
		      "申請の内容を実行します。発行の場合、設定用リンクは本人にメールで届きます。",
		      "Carries out what is asked. A new account's set-up link is mailed to "
		      "the person."));
		op_form(c, ap, "fulfil", er, NULL, T(c, "処理する", "Carry out"), "primary", 0, 0);
		html_lit(b, "</section>\n");
		section_begin(c, T(c, "処理不能", "Could not be done"),
		              T(c, "実行できない場合に理由を記録します。申請者に通知されます。",
		                "Records why it cannot be done. The applicant is told."));
		op_form(c, ap, "fail", er, T(c, "処理できない理由", "Why it cannot be done"),
		        T(c, "処理不能として記録", "Mark as failed"), "danger", 1, 1);
		html_lit(b, "</section>\n");
	}
}

/* What is asked, from the payload (JSON object of strings), with labelled keys. */
static void payload_rows(struct web_ctx *c, const char *payload)
{
	static const struct {
		const char *key, *ja, *en;
	} labels[] = {{"email", "メールアドレス", "Email address"},
	              {"family_name", "姓", "Family name"},
	              {"given_name", "名", "Given name"},
	              {"family_kana", "姓（フリガナ）", "Family name (reading)"},
	              {"given_kana", "名（フリガナ）", "Given name (reading)"},
	              {"role", "役割", "Role"},
	              {"ends_on", "利用終了日", "End of use"},
	              {"departure_on", "離任日", "Departure date"}};
	json_t *o = payload && *payload ? json_loads(payload, 0, NULL) : NULL;
	json_t *v;
	if (!json_is_object(o)) {
		json_decref(o);
		return;
	}
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		v = json_object_get(o, labels[i].key);
		const char *s = json_string_value(v);
		if (!s || !*s)
			continue;
		if (strcmp(labels[i].key, "role") == 0 && role_parse(s) >= 0)
			s = role_text(c, role_parse(s));
		ui_dl_row(&c->resp->body, T(c, labels[i].ja, labels[i].en), s);
	}
	json_decref(o);
}

static void history(struct web_ctx *c, const struct app_event *ev, size_t n)
{
	struct buf *b = &c->resp->body;
	html_printf(b, "<h2>%s</h2>\n<ol class=\"app-timeline\">\n", T(c, "履歴", "History"));
	for (size_t i = 0; i < n; i++) {
		html_printf(
		    b,
		    "<li class=\"app-timeline__item\"><span class=\"app-timeline__time\">%s</span> "
		    "<span class=\"app-timeline__who\">%s</span> ",
		    pages_jst(c, ev[i].at), ev[i].actor_label ? ev[i].actor_label : "");
		if (ev[i].from_state >= 0 && ev[i].from_state < APP_STATE__MAX)
			html_printf(b, "%s → ", state_text(c, (enum app_state)ev[i].from_state));
		state_badge(c, ev[i].to_state);
		if (ev[i].reason && *ev[i].reason)
			html_printf(b, "<p class=\"app-timeline__reason\">%s</p>", ev[i].reason);
		html_lit(b, "</li>\n");
	}
	html_lit(b, "</ol>\n");
}

static const char *scope_text(struct web_ctx *c, const char *scope)
{
	if (scope && strcmp(scope, "gov_admin") == 0)
		return T(c, "政府情報システム又は地方公共団体情報システム等の管理者",
		         "Administrator of a government or local-government system");
	if (scope && strcmp(scope, "contractor_nda") == 0)
		return T(c, "守秘義務契約を交わした委託事業者において作業に従事する者",
		         "Contractor staff under a non-disclosure agreement");
	return scope ? scope : "";
}

static void decl_rows(struct web_ctx *c, const struct identity_decl *d)
{
	struct buf *b = &c->resp->body;
	ui_dl_row(b, T(c, "本人確認を行った日", "Identity checked on"), d->verified_on);
	ui_dl_row(b, T(c, "2.2.1の対象範囲", "Scope of 2.2.1"), scope_text(c, d->scope));
	if (d->system_name && *d->system_name)
		ui_dl_row(b, T(c, "従事するシステム", "System worked on"), d->system_name);
	ui_dl_row(b, T(c, "守秘義務契約の確認", "Non-disclosure agreement checked"),
	          d->nda_confirmed ? T(c, "確認済み", "Checked")
	                           : T(c, "該当なし", "Not applicable"));
	ui_dl_row(b, T(c, "申告者", "Declared by"), d->declared_by_label);
	ui_dl_row(b, T(c, "申告日時", "Declared at"), pages_jst(c, d->declared_at));
}

static void app_page(struct web_ctx *c, const struct application *ap, const struct app_event *ev,
                     size_t nev, const struct identity_decl *d, int has_decl,
                     const struct act_errs *er)
{
	struct buf *b = &c->resp->body;
	pages_begin(c, "申請の詳細", "Application", app_done, NDONE);
	html_printf(b, "<p><a href=\"/applications\">%s</a></p>\n",
	            T(c, "← 申請の一覧へ", "← Back to applications"));
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>", kind_text(c, ap->kind));
	state_badge(c, ap->state);
	late_badge(c, ap);
	html_lit(b, "</div>\n");
	if (er && er->n)
		form_error_summary(b, c->lang, er->fe, er->n);
	if (er && er->alert)
		ui_alert(b, c->lang, "error", NULL, er->alert);
	if (is_overdue(c, ap))
		ui_alert(b, c->lang, "error", NULL,
		         T(c, "処理期限を過ぎています（R2.3）。", "Past its due date (R2.3)."));
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "対象", "Person or organisation"), ap->subject_label);
	if (ap->account_id && *ap->account_id)
		html_printf(
		    b,
		    "<div class=\"detail-list__row\"><dt>%s</dt><dd><a href=\"/accounts/%s\">%s</a>"
		    "</dd></div>\n",
		    T(c, "アカウント", "Account"), ap->account_id,
		    T(c, "アカウントを表示", "View the account"));
	ui_dl_row(b, T(c, "申請者の役割", "Applicant's role"),
	          role_text(c, (int)ap->applicant_role));
	if (ap->has_target_role)
		ui_dl_row(b, T(c, "役割", "Role"), role_text(c, (int)ap->target_role));
	payload_rows(c, ap->payload);
	ui_dl_row(b, T(c, "理由", "Reason"), ap->reason);
	ui_dl_row(b, T(c, "承認", "Approval"),
	          ap->needs_approval
	              ? T(c, "要（別表1）", "Needed (table 1)")
	              : T(c, "不要（申請者が認証責任者）", "Not needed (the applicant certifies)"));
	ui_dl_row(b, T(c, "作成日時", "Created"), pages_jst(c, ap->created_at));
	if (ap->submitted_at)
		ui_dl_row(b, T(c, "提出日時", "Submitted"), pages_jst(c, ap->submitted_at));
	if (ap->decided_at)
		ui_dl_row(b, T(c, "決定日時", "Decided"), pages_jst(c, ap->decided_at));
	if (ap->due_on && *ap->due_on) {
		html_printf(b, "<div class=\"detail-list__row\"><dt>%s</dt><dd>",
		            T(c, "処理期限", "Due"));
		due_cell(c, ap);
		html_lit(b, "</dd></div>\n");
	}
	if (ap->fulfilled_at)
		ui_dl_row(b, T(c, "処理日時", "Carried out"), pages_jst(c, ap->fulfilled_at));
	if (ap->result && *ap->result)
		ui_dl_row(b, T(c, "結果", "Result"), ap->result);
	ui_dl_end(b);
	if (has_decl) {
		html_printf(b, "<h2>%s</h2>\n", T(c, "本人確認の申告", "Identity declaration"));
		ui_dl_begin(b);
		decl_rows(c, d);
		ui_dl_end(b);
		html_printf(b, "<p><a href=\"/applications/%s/declaration\">%s</a></p>\n", ap->id,
		            T(c, "本人確認申告書（印刷用）", "Printable declaration form"));
	}
	detail_actions(c, ap, er);
	history(c, ev, nev);
	web_page_end(c);
}

struct app_full {
	struct application ap;
	struct app_event *ev;
	size_t nev;
	struct identity_decl decl;
	int has_decl;
};

static enum gcas_err load_full(struct web_ctx *c, const char *id, struct app_full *f)
{
	memset(f, 0, sizeof(*f));
	return svc_app_get(c->env, &c->ac, c->a, id, &f->ap, &f->ev, &f->nev, &f->decl,
	                   &f->has_decl);
}

void page_application(struct web_ctx *c)
{
	struct app_full f;
	/* R7.2 (regulation §5.2.2): a workflow read — no purpose asked, one recorded (a declared
	 * one if it holds, else "operations" naming the application; svc_app_get). */
	if (purpose_peek(c))
		return;
	enum gcas_err e = load_full(c, web_param(c, 0), &f);
	if (e) {
		web_fail(c, e);
		return;
	}
	app_page(c, &f.ap, f.ev, f.nev, &f.decl, f.has_decl, NULL);
}

void page_application_action(struct web_ctx *c)
{
	static const char *const ops[] = {"submit", "withdraw", "approve",
	                                  "reject", "fulfil",   "fail"};
	const char *id = web_param(c, 0), *op = web_param(c, 1);
	size_t i = 0;
	struct verrs ve = {0};
	enum gcas_err e;
	while (i < 6 && strcmp(ops[i], op) != 0)
		i++;
	if (i == 6) {
		web_error_page(c, 404, "ページが見つかりません。", "Page not found.");
		return;
	}
	const char *reason = web_form(c, arena_printf(c->a, "%s_reason", op));
	switch (i) {
	case 0:
		e = svc_app_submit(c->env, &c->ac, c->a, id);
		break;
	case 1:
		e = svc_app_withdraw(c->env, &c->ac, c->a, id, reason, &ve);
		break;
	case 2:
	case 3:
		e = svc_app_decide(c->env, &c->ac, c->a, id, i == 2, i == 2 ? NULL : reason, &ve);
		break;
	case 4:
		e = svc_app_fulfil(c->env, &c->ac, c->a, id, NULL);
		break;
	default:
		e = svc_app_fail(c->env, &c->ac, c->a, id, reason, &ve);
		break;
	}
	if (e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) {
		struct app_full f;
		enum gcas_err e2 = load_full(c, id, &f);
		if (e2) {
			web_fail(c, e2);
			return;
		}
		struct act_errs er = {.op = op, .value = reason};
		for (size_t k = 0; k < ve.n; k++) {
			const char *msg = T(c, ve.e[k].ja, ve.e[k].en);
			if (ve.e[k].field && strcmp(ve.e[k].field, "reason") == 0)
				er.fe[er.n++] =
				    (struct field_error){arena_printf(c->a, "%s_reason", op), msg};
			else
				er.alert = msg;
		}
		/* A state that moved on meanwhile (another approver was first) is a conflict. */
		if (e == GCAS_ERR_CONFLICT && !er.alert && !er.n)
			er.alert = T(c, "この申請は既に他の操作で状態が変わっています。",
			             "The application has already moved on.");
		c->resp->status = e == GCAS_ERR_INVALID ? 422 : 409;
		app_page(c, &f.ap, f.ev, f.nev, &f.decl, f.has_decl, &er);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/applications/%s?done=%s", id, op));
}

/* ---- the printable declaration ----------------------------------------------------------- */

/* 本人確認申告書: the prescribed form of 別表1, printed by the browser with the print rules of
 * gcas.css (A4, black on white, no navigation); no script is needed. */
void page_application_declaration(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct app_full f;
	/* R7.2: a workflow read, as page_application (the applicant's identity declaration). */
	if (purpose_peek(c))
		return;
	enum gcas_err e = load_full(c, web_param(c, 0), &f);
	if (!e && !f.has_decl)
		e = GCAS_ERR_NOTFOUND;
	if (e) {
		web_fail(c, e);
		return;
	}
	const struct application *ap = &f.ap;
	web_page_begin(c, "本人確認申告書", "Identity declaration");
	html_printf(b, "<p class=\"no-print\"><a href=\"/applications/%s\">← %s</a></p>\n", ap->id,
	            T(c, "申請の詳細へ", "Back to the application"));
	html_lit(b, "<article class=\"decl-form\">\n");
	html_printf(b, "<h1 class=\"decl-form__title\">%s</h1>\n",
	            T(c, "本人確認申告書", "Identity declaration"));
	html_printf(b, "<p class=\"decl-form__ref\">%s %s</p>\n", T(c, "申請番号", "Application"),
	            ap->id);
	html_printf(b, "<p class=\"decl-form__to\">%s</p>\n",
	            T(c, "GCAS運用管理組織 御中", "To the GCAS operations organisation"));
	html_printf(
	    b, "<p>%s</p>\n",
	    T(c,
	      "下記の者について、マイナンバーカードにより払出し対象者本人であることを確認し、規程2."
	      "2."
	      "1の対象範囲に含まれることを確認したので、規程別表1に基づき申告します。",
	      "I declare under table 1 of the regulation that I identified the person below with "
	      "their My Number card and checked that they fall within the scope of 2.2.1."));
	html_printf(b, "<h2>%s</h2>\n", T(c, "払出し対象者", "Person"));
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "氏名・メールアドレス", "Name and address"), ap->subject_label);
	if (ap->has_target_role)
		ui_dl_row(b, T(c, "役割", "Role"), role_text(c, (int)ap->target_role));
	payload_rows(c, ap->payload);
	ui_dl_end(b);
	html_printf(b, "<h2>%s</h2>\n", T(c, "確認の内容", "What was checked"));
	ui_dl_begin(b);
	decl_rows(c, &f.decl);
	ui_dl_end(b);
	html_printf(
	    b, "<p class=\"decl-form__note\">%s</p>\n",
	    T(c,
	      "個人番号はこの申告書に記載しません（番号法）。本人確認に用いた情報は、各GCAS利用"
	      "機関の定める関連規程に従い管理します（別表1）。",
	      "The Individual Number is not written on this form (My Number Act). The "
	      "information used for the check is kept under the agency's own rules (table "
	      "1)."));
	html_lit(b, "<div class=\"decl-form__signatures\">");
	html_printf(b,
	            "<div class=\"decl-form__sign\"><span class=\"decl-form__sign-label\">%s</span>"
	            "<span class=\"decl-form__sign-line\"></span></div>",
	            T(c, "申告者 署名", "Declarer's signature"));
	html_printf(b,
	            "<div class=\"decl-form__sign\"><span class=\"decl-form__sign-label\">%s</span>"
	            "<span class=\"decl-form__sign-line\"></span></div>",
	            T(c, "日付", "Date"));
	html_lit(b, "</div>\n</article>\n");
	html_printf(b, "<p class=\"muted no-print\">%s</p>\n",
	            T(c, "ブラウザーの印刷機能で印刷してください（A4）。",
	              "Print with the browser's print command (A4)."));
	web_page_end(c);
}

/* ---- the monthly service-level report (R2.3) ---------------------------------------------- */

/* "YYYY-MM" → year, month. Returns 0 or -1. */
static int month_parse(const char *s, int *y, int *m)
{
	int64_t yy, mm;
	char ys[5], ms[3];
	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	memcpy(ys, s, 4);
	ys[4] = '\0';
	memcpy(ms, s + 5, 2);
	ms[2] = '\0';
	if (strspn(ys, "0123456789") != 4 || strspn(ms, "0123456789") != 2)
		return -1;
	if (str_to_i64(ys, &yy) || str_to_i64(ms, &mm) || yy < 2000 || yy > 2999 || mm < 1 ||
	    mm > 12)
		return -1;
	*y = (int)yy;
	*m = (int)mm;
	return 0;
}

/* One row of the report: label, the counts, the on-time rate. */
static void slo_tr(struct web_ctx *c, const char *label, const struct slo_line *l)
{
	struct buf *b = &c->resp->body;
	/* R2.3: an open breach counts against the share as much as a late one; otherwise a
	 * growing backlog would leave the figure at 100%. */
	int64_t due = l->on_time + l->late + l->open_overdue;
	html_printf(b,
	            "<tr><td>%s</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td>"
	            "<td>%lld</td><td>%lld</td><td>",
	            label, (long long)l->approved, (long long)l->on_time, (long long)l->late,
	            (long long)l->open_overdue, (long long)l->open, (long long)l->failed);
	if (due)
		html_printf(b, "%.1f%%", 100.0 * (double)l->on_time / (double)due);
	else
		html_lit(b, "—");
	html_lit(b, "</td></tr>\n");
}

void page_slo_report(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct slo_report r;
	struct ymd now = ymd_of_epoch_jst(clock_now());
	int y = now.y, m = now.m;
	const char *month = web_query(c, "month");
	if (*month && month_parse(month, &y, &m)) {
		web_error_page(c, 400, "月は YYYY-MM の形で指定してください。",
		               "Give the month as YYYY-MM.");
		return;
	}
	enum gcas_err e = svc_app_slo_report(c->env, &c->ac, c->a, y, m, &r);
	if (e) {
		web_fail(c, e);
		return;
	}
	const char *ym = arena_printf(c->a, "%04d-%02d", y, m);
	web_page_begin(c, "月次サービスレベル報告", "Monthly service-level report");
	html_printf(b, "<h1>%s</h1>\n",
	            T(c, "月次サービスレベル報告", "Monthly service-level report"));
	html_printf(b, "<p class=\"lead\">%s</p>\n",
	            T(c, "承認から5営業日以内に処理した申請（アカウントと環境）の割合（R2.3）。",
	              "Applications and environment requests carried out within 5 business days "
	              "of approval (R2.3)."));
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "申請は承認された月（日本時間）に計上します。期限内率は、期限内処理の件数を"
	              "期限内処理・期限後処理・未処理（期限超過）の合計で割ったものです。"
	              "実施できなかった申請は「実施不可」に別に示し、率には含めません。",
	              "An application counts in the month it was approved (Japan time). The "
	              "on-time rate is on time divided by on time, late and open overdue together. "
	              "Applications that could not be carried out are shown under Failed and are "
	              "not part of the rate."));
	pages_filter_begin(c, "/reports/slo");
	struct form_field mf = {.name = "month",
	                        .type = "month",
	                        .label = T(c, "対象月", "Month"),
	                        .hint = "YYYY-MM",
	                        .value = ym,
	                        .width_chars = 8};
	pages_field(c, &mf);
	pages_filter_end(c, T(c, "表示する", "Show"));
	const char *heads[] = {T(c, "種類", "Kind"),
	                       T(c, "承認", "Approved"),
	                       T(c, "期限内処理", "On time"),
	                       T(c, "期限後処理", "Late"),
	                       T(c, "未処理（期限超過）", "Open, overdue"),
	                       T(c, "未処理", "Open"),
	                       T(c, "実施不可", "Failed"),
	                       T(c, "期限内率", "On-time rate")};
	ui_table_begin(b, "slo", arena_printf(c->a, "%s %s", ym, T(c, "の実績", "results")), heads,
	               8);
	for (int k = 0; k < APP_KIND__MAX; k++)
		slo_tr(c, kind_text(c, (enum app_kind)k), &r.line[k]);
	/* Issue 4 §2: environment requests are due 5 business days after approval as well. */
	slo_tr(c, T(c, "環境の作成", "Environment creation"), &r.env[ENVREQ_CREATE]);
	slo_tr(c, T(c, "環境の削除", "Environment deletion"), &r.env[ENVREQ_DELETE]);
	ui_table_end(b);
	web_page_end(c);
}
