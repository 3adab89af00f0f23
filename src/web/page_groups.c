/* SPDX-License-Identifier: MIT */
/* Member management pages (別表2 ②, S2, R2.5): the PMO and system groups the viewer may see,
 * and one group with its members, an add-member form listing only the people the viewer may
 * place in that group, and remove buttons where the matrix allows. */
#include <string.h>

#include "svc/accounts.h"
#include "svc/groups.h"
#include "svc/orgs.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define LIST_LIMIT 50
/* Pages of accounts (500 each) read to offer people for the add-member form. */
#define ACCOUNT_SCAN_PAGES 4

static const struct pages_done group_done[] = {
    {"added", "メンバーを追加しました。", "The member was added."},
    {"removed", "メンバーを外しました。", "The member was removed."},
};
#define NDONE (sizeof(group_done) / sizeof(group_done[0]))

static const char *group_kind_label(const struct web_ctx *c, enum group_kind k)
{
	return k == GROUP_PMO ? T(c, "PMOグループ", "PMO group")
	                      : T(c, "システムグループ", "System group");
}

void page_groups(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT};
	struct group *rows;
	size_t n;
	if (pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "ページ送りの指定が正しくありません。",
		               "The page cursor is not valid.");
		return;
	}
	enum gcas_err e = svc_group_list(c->env, &c->ac, c->a, &pg, &rows, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_page_begin(c, "メンバー管理", "Groups");
	html_printf(b, "<h1>%s</h1>\n", T(c, "メンバー管理", "Groups"));
	html_printf(b, "<p class=\"lead\">%s</p>\n",
	            T(c,
	              "利用機関ごとのPMOグループと、プロジェクトチームごとのシステムグループです。",
	              "The PMO group of each agency and the system group of each project team."));
	if (n == 0) {
		html_printf(
		    b, "<p>%s</p>\n",
		    T(c, "参照できるグループはありません。", "There are no groups you can see."));
	} else {
		const char *heads[] = {T(c, "名称", "Name"), T(c, "種別", "Kind"),
		                       T(c, "メンバー数", "Members"), T(c, "作成日時", "Created")};
		ui_table_begin(b, "groups", T(c, "グループの一覧", "Groups"), heads, 4);
		for (size_t i = 0; i < n; i++) {
			const struct group *g = &rows[i];
			html_printf(
			    b,
			    "<tr><td><a href=\"/groups/%s\">%s</a></td><td>%s</td>"
			    "<td class=\"num\">%lld</td><td class=\"nowrap\">%s</td></tr>\n",
			    g->id, g->name, group_kind_label(c, g->kind), (long long)g->members,
			    pages_jst(c, g->created_at));
		}
		ui_table_end(b);
	}
	if (pg.next)
		pages_next_link(
		    c, pages_url(c, "/groups", "cursor", pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}

/* ---- one group ----------------------------------------------------------------------------- */

/* The accounts of the group's scope the viewer may see: the agency's own accounts for a PMO
 * group, the project team's and its contractors' for a system group (svc/groups.c). */
struct scope {
	struct account *acc;
	size_t n;
};

static enum gcas_err scope_accounts(struct web_ctx *c, const struct group *g, struct scope *out)
{
	struct page pg = {.limit = 500};
	size_t cap = 0;
	out->acc = NULL;
	out->n = 0;
	if (!policy_role_can(c->ac.subj.role, ACT_ACCOUNT_VIEW))
		return GCAS_OK;
	for (int i = 0; i < ACCOUNT_SCAN_PAGES; i++) {
		struct account_filter f = {.role = -1, .status = -1};
		struct account *rows;
		size_t n;
		if (g->kind == GROUP_PMO)
			f.org_id = g->org_id;
		else
			f.project_id = g->project_id;
		enum gcas_err e = svc_account_list(c->env, &c->ac, c->a, &f, &pg, &rows, &n);
		if (e)
			return e;
		if (out->n + n > cap) {
			size_t ncap = (out->n + n) * 2;
			struct account *grown = arena_alloc(c->a, ncap * sizeof(*grown));
			if (!grown)
				return GCAS_ERR_NOMEM;
			if (out->n)
				memcpy(grown, out->acc, out->n * sizeof(*grown));
			out->acc = grown;
			cap = ncap;
		}
		memcpy(out->acc + out->n, rows, n * sizeof(*rows));
		out->n += n;
		if (!pg.next)
			break;
		pg.after = pg.next;
	}
	return GCAS_OK;
}

static const struct account *scope_find(const struct scope *s, const char *id)
{
	for (size_t i = 0; id && i < s->n; i++)
		if (strcmp(s->acc[i].id, id) == 0)
			return &s->acc[i];
	return NULL;
}

static int is_member(const struct membership *m, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].account_id, id) == 0)
			return 1;
	return 0;
}

/* Placing or removing someone needs both rights (svc/groups.c): managing the group's members
 * and managing that person along the certification chain. */
static int may_place(const struct web_ctx *c, const struct group *g, const struct account *acc)
{
	struct target gt = group_target(g), at = account_target(acc);
	return policy_allows(&c->ac.subj, ACT_GROUP_MEMBER_MANAGE, &gt) &&
	       policy_allows(&c->ac.subj, ACT_APP_APPLY, &at);
}

static void members_table(struct web_ctx *c, const struct group *g, const struct membership *m,
                          size_t nm, const struct scope *sc)
{
	struct buf *b = &c->resp->body;
	html_printf(b, "<h2>%s</h2>\n", T(c, "メンバー", "Members"));
	if (nm == 0) {
		html_printf(b, "<p class=\"muted\">%s</p>\n",
		            T(c, "メンバーはいません。", "There are no members."));
		return;
	}
	const char *heads[] = {T(c, "氏名", "Name"),     T(c, "メールアドレス", "Email address"),
	                       T(c, "役割", "Role"),     T(c, "追加日時", "Added"),
	                       T(c, "終了日時", "Ends"), T(c, "操作", "Actions")};
	ui_table_begin(b, "members", T(c, "メンバーの一覧", "Members"), heads, 6);
	for (size_t i = 0; i < nm; i++) {
		const struct account *acc = scope_find(sc, m[i].account_id);
		const char *name = pages_person(c, m[i].family_name, m[i].given_name);
		html_lit(b, "<tr><td class=\"nowrap\">");
		if (acc)
			html_printf(b, "<a href=\"/accounts/%s\">%s</a>", m[i].account_id, name);
		else
			html_text(b, name);
		html_printf(b,
		            "</td><td>%s</td><td>%s</td><td class=\"nowrap\">%s</td>"
		            "<td class=\"nowrap\">%s</td><td>",
		            m[i].email, role_label(m[i].role, c->lang == LANG_EN),
		            pages_jst(c, m[i].added_at),
		            m[i].ends_at ? pages_jst(c, m[i].ends_at) : "—");
		if (acc && may_place(c, g, acc)) {
			pages_form_begin(c,
			                 arena_printf(c->a, "/groups/%s/members/%s/remove", g->id,
			                              m[i].account_id),
			                 NULL);
			html_printf(
			    b,
			    "<button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s"
			    "<span class=\"visually-hidden\"> %s</span></button></form>",
			    T(c, "外す", "Remove"), name);
		}
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
}

static void add_form(struct web_ctx *c, const struct group *g, const struct membership *m,
                     size_t nm, const struct scope *sc, const char *sel_id, const char *ends,
                     const struct field_error *fe, size_t nfe)
{
	struct buf *b = &c->resp->body;
	struct target gt = group_target(g);
	if (!policy_allows(&c->ac.subj, ACT_GROUP_MEMBER_MANAGE, &gt))
		return;
	struct form_option *opts = arena_alloc(c->a, (sc->n + 1) * sizeof(*opts));
	size_t n = 1;
	if (!opts)
		return;
	opts[0] = (struct form_option){"", T(c, "選択してください", "Choose")};
	for (size_t i = 0; i < sc->n; i++) {
		const struct account *acc = &sc->acc[i];
		if (acc->status == ACCOUNT_DELETED || is_member(m, nm, acc->id) ||
		    !may_place(c, g, acc))
			continue;
		const char *who = pages_person(c, acc->family_name, acc->given_name);
		opts[n++] = (struct form_option){
		    acc->id, c->lang == LANG_EN ? arena_printf(c->a, "%s (%s)", who, acc->email)
		                                : arena_printf(c->a, "%s（%s）", who, acc->email)};
	}
	html_printf(b, "<h2 id=\"add\">%s</h2>\n", T(c, "メンバーの追加", "Add a member"));
	form_error_summary(b, c->lang, fe, nfe);
	if (n == 1 && nfe == 0) {
		html_printf(
		    b, "<p class=\"muted\">%s</p>\n",
		    T(c, "追加できるアカウントはありません。先にアカウントを発行してください。",
		      "There is nobody you can add. Issue an account first."));
		return;
	}
	pages_form_begin(c, arena_printf(c->a, "/groups/%s/members", g->id), "form");
	struct form_field af = {
	    .name = "account_id",
	    .type = "select",
	    .label = T(c, "アカウント", "Account"),
	    .hint = g->kind == GROUP_PMO
	                ? T(c, "この利用機関に所属するアカウントから選びます。",
	                    "People of this agency.")
	                : T(c, "このプロジェクトチームと開発運用委託業者のアカウントから選びます。",
	                    "People of this project team and its contractors."),
	    .value = sel_id,
	    .error = form_error_for(fe, nfe, "account_id"),
	    .required = 1,
	    .options = opts,
	    .noptions = n};
	pages_field(c, &af);
	struct form_field ef = {
	    .name = "ends_at",
	    .type = "date",
	    .label = T(c, "終了日（任意）", "End date (optional)"),
	    .hint = T(c, "この日の終わり（日本時間）にメンバーから外れます。例：2026-03-31",
	              "Membership ends at the end of this day, Japan time. "
	              "For example 2026-03-31."),
	    .value = ends,
	    .error = form_error_for(fe, nfe, "ends_at"),
	    .width_chars = 12};
	pages_field(c, &ef);
	form_submit(b, T(c, "追加する", "Add"), "primary");
	html_lit(b, "</form>\n");
}

static void group_page(struct web_ctx *c, const struct group *g, const struct membership *m,
                       size_t nm, const char *sel_id, const char *ends, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	struct scope sc;
	struct org o;
	enum gcas_err e = scope_accounts(c, g, &sc);
	if (e) {
		web_fail(c, e);
		return;
	}
	pages_begin(c, "グループ", "Group", group_done, NDONE);
	html_printf(b, "<p><a href=\"/groups\">%s</a></p>\n",
	            T(c, "← グループの一覧へ", "← Back to groups"));
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>", g->name);
	ui_badge(b, "neutral", group_kind_label(c, g->kind));
	html_lit(b, "</div>\n");
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "種別", "Kind"), group_kind_label(c, g->kind));
	struct target ot = group_target(g);
	html_printf(b, "<div class=\"detail-list__row\"><dt>%s</dt><dd>",
	            T(c, "組織", "Organisation"));
	if (policy_allows(&c->ac.subj, ACT_ORG_VIEW, &ot) &&
	    svc_org_get(c->env, &c->ac, c->a, g->org_id, &o) == GCAS_OK)
		html_printf(b, "<a href=\"/orgs/%s\">%s</a>", o.id, o.name);
	else
		html_lit(b, "—");
	html_lit(b, "</dd></div>\n");
	ui_dl_row(b, T(c, "メンバー数", "Members"), arena_printf(c->a, "%zu", nm));
	ui_dl_end(b);
	purpose_notice(c);
	members_table(c, g, m, nm, &sc);
	add_form(c, g, m, nm, &sc, sel_id, ends, fe, nfe);
	web_page_end(c);
}

void page_group(struct web_ctx *c)
{
	struct group g;
	struct membership *m;
	size_t nm;
	/* R7.2 (regulation §5.2.2): the page is its member list; the operator states why first. */
	if (purpose_gate_page(c))
		return;
	enum gcas_err e = svc_group_get(c->env, &c->ac, c->a, web_param(c, 0), &g, &m, &nm);
	if (e) {
		web_fail(c, e);
		return;
	}
	group_page(c, &g, m, nm, NULL, NULL, NULL);
}

void page_group_member_add(struct web_ctx *c)
{
	struct group g;
	struct membership *m;
	size_t nm;
	struct verrs ve = {0};
	int64_t ends_at = 0;
	const char *id = web_param(c, 0), *acc_id = web_form(c, "account_id"),
	           *ends = web_form(c, "ends_at");
	enum gcas_err e = GCAS_ERR_INVALID;
	if (*ends && pages_parse_date_jst(ends, &ends_at))
		verr_add(&ve, "ends_at", "終了日は 2026-03-31 のように年-月-日で入力してください",
		         "Enter the end date as year-month-day, like 2026-03-31");
	if (!*acc_id)
		verr_add(&ve, "account_id", "追加するアカウントを選んでください",
		         "Choose the account to add");
	/* The end of the chosen day, Japan time. */
	if (!ve.n)
		e = svc_group_member_add(c->env, &c->ac, c->a, id, acc_id,
		                         ends_at ? ends_at + 86400 : 0, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		enum gcas_err e2 = svc_group_get(c->env, &c->ac, c->a, id, &g, &m, &nm);
		if (e2) {
			web_fail(c, e2);
			return;
		}
		c->resp->status = 422;
		group_page(c, &g, m, nm, acc_id, ends, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/groups/%s?done=added", id));
}

void page_group_member_remove(struct web_ctx *c)
{
	const char *id = web_param(c, 0);
	enum gcas_err e = svc_group_member_remove(c->env, &c->ac, c->a, id, web_param(c, 1));
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/groups/%s?done=removed", id));
}
