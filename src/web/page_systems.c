/* SPDX-License-Identifier: MIT */
/* Pages for system registration (issue 4 §1, R4.1): the list of registered systems the reader
 * may see, a project team's registration (view, and for the three managers of its scope the
 * form that registers or edits it, re-rendered with every message on bad input) and its
 * history. The use cases decide and audit; the pages ask the matrix only to decide what to
 * offer. */
#include <string.h>

#include "svc/orgs.h"
#include "svc/systems.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define LIST_LIMIT 50

static const struct pages_done sys_done[] = {
    {"registered", "システム情報を登録しました。", "The system was registered."},
    {"updated", "システム情報を更新しました。", "The system information was updated."},
};

static const char *const field_order[] = {
    "project_id",   "version",      "name",           "purpose",     "lifecycle",
    "csps",         "environments", "ci_cd",          "contacts",    "contractor_id",
    "period_start", "period_end",   "classification", "billing_unit"};

/* What the form shows: typed text, or a record turned back into text. */
struct sys_form {
	const char *name, *purpose, *lifecycle, *csps, *environments, *contacts;
	const char *contractor_id, *period_start, *period_end, *classification, *billing_unit;
	int ci_cd;
	int64_t version; /* 0: registering */
};

static const char *csps_text(struct web_ctx *c, const struct system_rec *r)
{
	const char *s = "";
	for (int i = 0; i < CSP__MAX; i++)
		if (r->csps & (1u << i))
			s = arena_printf(c->a, "%s%s%s", s, *s ? "、" : "",
			                 sys_csp_label((enum sys_csp)i));
	return s;
}

static const char *envs_text(struct web_ctx *c, const struct system_rec *r)
{
	const char *s = "";
	for (int i = 0; i < SYSENV__MAX; i++)
		if (r->environments & (1u << i))
			s = arena_printf(c->a, "%s%s%s", s, *s ? "、" : "",
			                 sys_env_label((enum sys_env)i, c->lang == LANG_EN));
	return s;
}

/* ---- the list ------------------------------------------------------------------------------ */

void page_systems(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT};
	struct system_rec *v;
	size_t n;
	if (pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "ページ送りの指定が正しくありません。",
		               "The page cursor is not valid.");
		return;
	}
	enum gcas_err e = svc_system_list(c->env, &c->ac, c->a, &pg, &v, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_page_begin(c, "システム情報", "Systems");
	html_printf(b, "<h1>%s</h1>\n", T(c, "システム情報", "Systems"));
	html_printf(b, "<p class=\"lead\">%s</p>\n",
	            T(c,
	              "あなたが参照できるプロジェクトチームの登録システムです。登録や変更は各"
	              "プロジェクトチームのページから行います（1チーム1システム）。",
	              "The registered systems of the project teams you can see. Register or "
	              "change one from its project team (one system per team)."));
	if (c->ac.subj.project_id && policy_role_can(c->ac.subj.role, ACT_SYSTEM_EDIT))
		html_printf(
		    b, "<p><a class=\"btn btn--primary\" href=\"/orgs/%s/system\">%s</a></p>\n",
		    c->ac.subj.project_id, T(c, "自チームのシステム情報", "Your team's system"));
	if (n == 0) {
		html_printf(b, "<p>%s</p>\n",
		            T(c, "登録されたシステムはありません。", "No systems are registered."));
	} else {
		const char *heads[] = {
		    T(c, "システム名", "System"), T(c, "ライフサイクル", "Lifecycle"),
		    T(c, "クラウド", "Clouds"),   T(c, "機密性", "Classification"),
		    T(c, "版", "Version"),        T(c, "更新日時", "Updated")};
		ui_table_begin(b, "systems", T(c, "登録システムの一覧", "Registered systems"),
		               heads, 6);
		for (size_t i = 0; i < n; i++) {
			const struct system_rec *r = &v[i];
			html_printf(
			    b,
			    "<tr><td><a href=\"/orgs/%s/system\">%s</a></td><td>%s</td>"
			    "<td>%s</td><td>%s</td><td>%lld</td><td class=\"nowrap\">%s</td>"
			    "</tr>\n",
			    r->project_id, r->name,
			    sys_lifecycle_label(r->lifecycle, c->lang == LANG_EN), csps_text(c, r),
			    sys_class_label(r->classification), (long long)r->version,
			    pages_jst(c, r->updated_at));
		}
		ui_table_end(b);
	}
	if (pg.next)
		pages_next_link(
		    c, pages_url(c, "/systems", "cursor", pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}

/* ---- one project team's registration ------------------------------------------------------ */

static void form_from_rec(struct web_ctx *c, const struct system_rec *r,
                          const struct system_names *x, struct sys_form *f)
{
	const char *contacts = "";
	for (size_t i = 0; i < r->ncontacts; i++) {
		const char *who = x->contact_emails[i] ? x->contact_emails[i] : r->contacts[i];
		contacts = arena_printf(c->a, "%s%s%s", contacts, *contacts ? "\n" : "", who);
	}
	*f = (struct sys_form){.name = r->name,
	                       .purpose = r->purpose,
	                       .lifecycle = sys_lifecycle_name(r->lifecycle),
	                       .csps = system_set_format(c->a, r->csps, 1),
	                       .environments = system_set_format(c->a, r->environments, 0),
	                       .contacts = contacts,
	                       .contractor_id = r->contractor_id,
	                       .period_start = r->period_start,
	                       .period_end = r->period_end,
	                       .classification = sys_class_name(r->classification),
	                       .billing_unit = r->billing_unit,
	                       .ci_cd = r->ci_cd,
	                       .version = r->version};
}

/* The typed form; repeated checkbox names ("csps", "environments") are joined. */
static void form_from_post(struct web_ctx *c, struct sys_form *f)
{
	const char *csps = "", *envs = "";
	for (size_t i = 0; i < c->form.n; i++) {
		const struct kv *p = &c->form.items[i];
		if (strcmp(p->key, "csps") == 0)
			csps = arena_printf(c->a, "%s %s", csps, p->val);
		else if (strcmp(p->key, "environments") == 0)
			envs = arena_printf(c->a, "%s %s", envs, p->val);
	}
	int64_t version = 0;
	const char *vs = web_form(c, "version");
	for (const char *p = vs; *p >= '0' && *p <= '9' && version < INT64_MAX / 10 - 10; p++)
		version = version * 10 + (*p - '0');
	*f = (struct sys_form){.name = web_form(c, "name"),
	                       .purpose = web_form(c, "purpose"),
	                       .lifecycle = web_form(c, "lifecycle"),
	                       .csps = csps,
	                       .environments = envs,
	                       .contacts = web_form(c, "contacts"),
	                       .contractor_id = web_form(c, "contractor_id"),
	                       .period_start = web_form(c, "period_start"),
	                       .period_end = web_form(c, "period_end"),
	                       .classification = web_form(c, "classification"),
	                       .billing_unit = web_form(c, "billing_unit"),
	                       .ci_cd = strcmp(web_form(c, "ci_cd"), "1") == 0,
	                       .version = version};
}

static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list ? strstr(list, word) : NULL; p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/* A group of checkboxes sharing one name: a fieldset whose id is the field's, so the error
 * summary's #name link lands on it. */
static void check_group(struct web_ctx *c, const char *name, const char *legend, const char *hint,
                        const struct form_option *o, size_t n, const char *chosen,
                        const char *error)
{
	struct buf *b = &c->resp->body;
	html_printf(b, "<fieldset class=\"field field--group%s\" id=\"%s\">",
	            error ? " field--error" : "", name);
	html_printf(b,
	            "<legend class=\"field__label\">%s <span class=\"field__req\">%s</span>"
	            "</legend>\n",
	            legend, T(c, "※必須", "Required"));
	if (hint)
		html_printf(b, "<p class=\"field__hint\">%s</p>\n", hint);
	html_lit(b, "<div class=\"choices\">\n");
	for (size_t i = 0; i < n; i++)
		html_printf(
		    b,
		    "<div class=\"choice\"><input class=\"choice__input\" type=\"checkbox\" "
		    "id=\"%s-%s\" name=\"%s\" value=\"%s\"%s><label class=\"choice__label\" "
		    "for=\"%s-%s\">%s</label></div>\n",
		    name, o[i].value, name, o[i].value,
		    has_word(chosen, o[i].value) ? " checked" : "", name, o[i].value, o[i].label);
	html_lit(b, "</div>\n");
	if (error)
		html_printf(
		    b,
		    "<p class=\"field__error\"><span class=\"visually-hidden\">%s</span>%s</p>\n",
		    T(c, "エラー：", "Error: "), error);
	html_lit(b, "</fieldset>\n");
}

static void text_field(struct web_ctx *c, const char *name, const char *type, const char *label,
                       const char *hint, const char *value, int required, int maxlength,
                       const struct field_error *fe, size_t nfe)
{
	struct form_field f = {.name = name,
	                       .type = type,
	                       .label = label,
	                       .hint = hint,
	                       .value = value,
	                       .error = form_error_for(fe, nfe, name),
	                       .required = required,
	                       .maxlength = maxlength};
	pages_field(c, &f);
}

static void edit_form(struct web_ctx *c, const struct org *team, const struct sys_form *f,
                      const struct field_error *fe, size_t nfe)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	struct org *cos = NULL;
	size_t nco = 0;
	(void)svc_system_contractors(c->env, &c->ac, c->a, team->id, &cos, &nco);
	html_printf(b, "<h2>%s</h2>\n",
	            f->version ? T(c, "システム情報の変更", "Change the system information")
	                       : T(c, "システム情報の登録", "Register the system"));
	pages_form_begin(c, arena_printf(c->a, "/orgs/%s/system", team->id), "form");
	if (f->version)
		html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">\n",
		            (long long)f->version);
	text_field(c, "name", NULL, T(c, "システム名", "System name"), NULL, f->name, 1,
	           SYSTEM_NAME_MAX_CP, fe, nfe);
	text_field(c, "purpose", "textarea", T(c, "目的・概要", "Purpose"),
	           T(c, "個人番号（マイナンバー）は書かないでください。",
	             "Do not write an Individual Number (My Number)."),
	           f->purpose, 1, SYSTEM_TEXT_MAX_CP, fe, nfe);
	struct form_option lc[SYS_LIFECYCLE__MAX];
	for (int i = 0; i < SYS_LIFECYCLE__MAX; i++)
		lc[i] = (struct form_option){sys_lifecycle_name((enum sys_lifecycle)i),
		                             sys_lifecycle_label((enum sys_lifecycle)i, en)};
	struct form_field lf = {.name = "lifecycle",
	                        .type = "radio",
	                        .label = T(c, "ライフサイクル", "Lifecycle"),
	                        .value = f->lifecycle,
	                        .error = form_error_for(fe, nfe, "lifecycle"),
	                        .required = 1,
	                        .options = lc,
	                        .noptions = SYS_LIFECYCLE__MAX};
	pages_field(c, &lf);
	struct form_option cs[CSP__MAX];
	for (int i = 0; i < CSP__MAX; i++)
		cs[i] = (struct form_option){sys_csp_name((enum sys_csp)i),
		                             sys_csp_label((enum sys_csp)i)};
	check_group(c, "csps", T(c, "利用するクラウドサービス", "Cloud service providers"), NULL,
	            cs, CSP__MAX, f->csps, form_error_for(fe, nfe, "csps"));
	struct form_option ev[SYSENV__MAX];
	for (int i = 0; i < SYSENV__MAX; i++)
		ev[i] = (struct form_option){sys_env_name((enum sys_env)i),
		                             sys_env_label((enum sys_env)i, en)};
	check_group(c, "environments", T(c, "環境", "Environments"),
	            T(c, "開発環境は CI/CD を使う場合にだけ登録できます。",
	              "A development environment needs CI/CD."),
	            ev, SYSENV__MAX, f->environments, form_error_for(fe, nfe, "environments"));
	struct form_field cf = {.name = "ci_cd",
	                        .type = "checkbox",
	                        .label = T(c, "CI/CD を使う", "Runs CI/CD"),
	                        .value = f->ci_cd ? "1" : NULL,
	                        .error = form_error_for(fe, nfe, "ci_cd")};
	pages_field(c, &cf);
	text_field(
	    c, "contacts", "textarea", T(c, "連絡先", "Contacts"),
	    T(c,
	      "メールアドレスを1行に1つ（8人まで）。プロジェクトチーム、委託業者、利用機関の方。",
	      "One email address per line (up to eight): people of the project team, its "
	      "contractor or its agency."),
	    f->contacts, 1, 0, fe, nfe);
	struct form_option *co = arena_alloc(c->a, sizeof(*co) * (nco + 1));
	if (co) {
		co[0] = (struct form_option){"", T(c, "なし", "None")};
		for (size_t i = 0; i < nco; i++)
			co[i + 1] = (struct form_option){cos[i].id, cos[i].name};
		form_select(b, "contractor_id", T(c, "開発運用委託業者", "Contractor"), NULL, co,
		            nco + 1, f->contractor_id ? f->contractor_id : "",
		            form_error_for(fe, nfe, "contractor_id"), 0);
	}
	text_field(c, "period_start", "date", T(c, "利用開始日", "Start of use"),
	           T(c, "例: 2026-04-01", "e.g. 2026-04-01"), f->period_start, 1, 10, fe, nfe);
	text_field(c, "period_end", "date", T(c, "利用終了日（予定）", "End of use (planned)"),
	           T(c, "未定なら空欄", "Leave empty when not decided"), f->period_end, 0, 10, fe,
	           nfe);
	struct form_option cl[SYSCLASS__MAX];
	for (int i = 0; i < SYSCLASS__MAX; i++)
		cl[i] = (struct form_option){sys_class_name((enum sys_class)i),
		                             sys_class_label((enum sys_class)i)};
	struct form_field clf = {
	    .name = "classification",
	    .type = "radio",
	    .label = T(c, "データの機密性", "Data classification"),
	    .hint = T(c, "政府統一基準の機密性区分", "The unified standards' classes"),
	    .value = f->classification,
	    .error = form_error_for(fe, nfe, "classification"),
	    .required = 1,
	    .options = cl,
	    .noptions = SYSCLASS__MAX};
	pages_field(c, &clf);
	text_field(c, "billing_unit", NULL, T(c, "請求単位", "Billing unit"),
	           T(c, "費用を按分する単位（例: 部署名や予算科目）",
	             "The unit costs are charged to (a division, a budget line)"),
	           f->billing_unit, 1, SYSTEM_BILLING_MAX_CP, fe, nfe);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b,
	            f->version ? T(c, "変更を保存", "Save changes") : T(c, "登録する", "Register"),
	            "primary");
	html_lit(b, "</div></form>\n");
}

static void view_rec(struct web_ctx *c, const struct system_rec *r, const struct system_names *x)
{
	struct buf *b = &c->resp->body;
	int en = c->lang == LANG_EN;
	const char *contacts = "";
	for (size_t i = 0; i < r->ncontacts; i++)
		contacts =
		    arena_printf(c->a, "%s%s%s", contacts, *contacts ? "、" : "",
		                 x->contact_emails[i] ? x->contact_emails[i] : r->contacts[i]);
	const char *period = arena_printf(c->a, "%s 〜 %s", r->period_start,
	                                  r->period_end ? r->period_end : T(c, "未定", "open"));
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "システム名", "System name"), r->name);
	ui_dl_row(b, T(c, "目的・概要", "Purpose"), r->purpose);
	ui_dl_row(b, T(c, "ライフサイクル", "Lifecycle"), sys_lifecycle_label(r->lifecycle, en));
	ui_dl_row(b, T(c, "クラウドサービス", "Cloud service providers"), csps_text(c, r));
	ui_dl_row(b, T(c, "環境", "Environments"), envs_text(c, r));
	ui_dl_row(b, "CI/CD", r->ci_cd ? T(c, "使う", "Yes") : T(c, "使わない", "No"));
	ui_dl_row(b, T(c, "連絡先", "Contacts"), contacts);
	ui_dl_row(b, T(c, "開発運用委託業者", "Contractor"),
	          x->contractor_name ? x->contractor_name : "—");
	ui_dl_row(b, T(c, "利用期間", "Period of use"), period);
	ui_dl_row(b, T(c, "データの機密性", "Data classification"),
	          sys_class_label(r->classification));
	ui_dl_row(b, T(c, "請求単位", "Billing unit"), r->billing_unit);
	ui_dl_row(b, T(c, "版", "Version"), arena_printf(c->a, "%lld", (long long)r->version));
	ui_dl_row(b, T(c, "更新日時", "Updated"), pages_jst(c, r->updated_at));
	ui_dl_end(b);
	html_printf(b, "<p><a href=\"/systems/%s/history\">%s</a></p>\n", r->id,
	            T(c, "変更履歴を見る", "See the history"));
}

/* The whole page: the record (when there is one) and, for editors, the form. status is
 * already set by the caller (200, 409 or 422). */
static void system_page(struct web_ctx *c, const struct org *team, const struct system_rec *r,
                        const struct system_names *x, const struct sys_form *f,
                        const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, field_order, sizeof(field_order) / sizeof(field_order[0]));
	struct target t = system_target(team->id, team->agency_id);
	int can_edit = policy_allows(&c->ac.subj, ACT_SYSTEM_EDIT, &t);
	pages_begin(c, "システム情報", "System information", sys_done,
	            sizeof(sys_done) / sizeof(sys_done[0]));
	html_printf(b, "<p><a href=\"/orgs/%s\">← %s</a></p>\n", team->id, team->name);
	html_printf(b, "<h1>%s</h1>\n", T(c, "システム情報", "System information"));
	form_error_summary(b, c->lang, fe, nfe);
	if (r)
		view_rec(c, r, x);
	else
		html_printf(b, "<p>%s</p>\n",
		            T(c, "このプロジェクトチームのシステムはまだ登録されていません。",
		              "This project team has not registered its system yet."));
	if (can_edit && f)
		edit_form(c, team, f, fe, nfe);
	web_page_end(c);
}

void page_system_form(struct web_ctx *c)
{
	struct org team = {0};
	struct system_rec r;
	struct system_names x;
	struct sys_form f = {0};
	enum gcas_err e = svc_system_get(c->env, &c->ac, c->a, web_param(c, 0), &r, &x, &team);
	if (e && !(e == GCAS_ERR_NOTFOUND && team.id)) {
		web_fail(c, e);
		return;
	}
	if (!e)
		form_from_rec(c, &r, &x, &f);
	system_page(c, &team, e ? NULL : &r, &x, &f, NULL);
}

void page_system_save(struct web_ctx *c)
{
	struct org team = {0};
	struct system_rec r, cur;
	struct system_names x;
	struct sys_form f;
	struct verrs ve = {0};
	form_from_post(c, &f);
	struct system_input in = {.name = f.name,
	                          .purpose = f.purpose,
	                          .lifecycle = f.lifecycle,
	                          .csps = f.csps,
	                          .environments = f.environments,
	                          .contacts = f.contacts,
	                          .contractor_id = f.contractor_id,
	                          .period_start = f.period_start,
	                          .period_end = f.period_end,
	                          .classification = f.classification,
	                          .billing_unit = f.billing_unit,
	                          .ci_cd = f.ci_cd};
	const char *project = web_param(c, 0);
	enum gcas_err e =
	    f.version ? svc_system_update(c->env, &c->ac, c->a, project, f.version, &in, &r, &ve)
	              : svc_system_register(c->env, &c->ac, c->a, project, &in, &r, &ve);
	if (!e) {
		web_redirect(c, arena_printf(c->a, "/orgs/%s/system?done=%s", project,
		                             f.version ? "updated" : "registered"));
		return;
	}
	if (!((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n)) {
		web_fail(c, e);
		return;
	}
	/* Re-render with what was typed, above it the record as it now stands. */
	enum gcas_err ge = svc_system_get(c->env, &c->ac, c->a, project, &cur, &x, &team);
	if (ge && !(ge == GCAS_ERR_NOTFOUND && team.id)) {
		web_fail(c, ge);
		return;
	}
	c->resp->status = e == GCAS_ERR_CONFLICT ? 409 : 422;
	system_page(c, &team, ge ? NULL : &cur, &x, &f, &ve);
}

void page_system_history(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT};
	struct system_rec r;
	struct system_history_row *h;
	size_t n;
	if (pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "ページ送りの指定が正しくありません。",
		               "The page cursor is not valid.");
		return;
	}
	enum gcas_err e = svc_system_get_by_id(c->env, &c->ac, c->a, web_param(c, 0), &r);
	if (!e)
		e = svc_system_history(c->env, &c->ac, c->a, r.id, &pg, &h, &n);
	if (e) {
		web_fail(c, e == GCAS_ERR_INVALID ? GCAS_ERR_NOTFOUND : e);
		return;
	}
	web_page_begin(c, "システム情報の変更履歴", "System history");
	html_printf(b, "<p><a href=\"/orgs/%s/system\">← %s</a></p>\n", r.project_id, r.name);
	html_printf(b, "<h1>%s</h1>\n", T(c, "システム情報の変更履歴", "System history"));
	const char *heads[] = {T(c, "版", "Version"), T(c, "変更日時", "Changed"),
	                       T(c, "変更者", "Changed by"), T(c, "内容", "Record")};
	ui_table_begin(b, "history", T(c, "変更履歴", "History"), heads, 4);
	for (size_t i = 0; i < n; i++)
		html_printf(
		    b,
		    "<tr><td>%lld</td><td class=\"nowrap\">%s</td><td class=\"mono\">%s</td>"
		    "<td class=\"mono\">%s</td></tr>\n",
		    (long long)h[i].version, pages_jst(c, h[i].changed_at),
		    h[i].changed_by ? h[i].changed_by : "system", h[i].record);
	ui_table_end(b);
	if (pg.next)
		pages_next_link(c, pages_url(c, arena_printf(c->a, "/systems/%s/history", r.id),
		                             "cursor", pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}
