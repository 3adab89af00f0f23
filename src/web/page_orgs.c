/* SPDX-License-Identifier: MIT */
/* Organisation pages (R1.2): the list within the viewer's scope, registering an agency,
 * creating a project team under an agency and attaching a contractor to a project team, the
 * detail view with its group, sub-organisations and accounts, and renaming. What a page offers
 * follows the permission matrix; the use cases decide again on every POST. */
#include <string.h>

#include "svc/accounts.h"
#include "svc/groups.h"
#include "svc/orgs.h"
#include "svc/privacy.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

/* How many rows the list shows per page, and how many sub-organisations / accounts the detail
 * view lists before pointing to the full list. */
#define LIST_LIMIT   50
#define DETAIL_LIMIT 100
/* Pages of groups scanned to find an organisation's group (500 each). */
#define GROUP_SCAN_PAGES 20

static const struct pages_done org_done[] = {
    {"created", "組織を作成しました。", "The organisation was created."},
    {"renamed", "名称を変更しました。", "The name was changed."},
};
#define NDONE (sizeof(org_done) / sizeof(org_done[0]))

static const char *kind_label(const struct web_ctx *c, enum org_kind k)
{
	const char *s = org_kind_label(k, c->lang == LANG_EN);
	return s ? s : "";
}

static const char *agency_type_label(const struct web_ctx *c, const char *t)
{
	if (t && strcmp(t, "ministry") == 0)
		return T(c, "府省庁", "Ministry or agency");
	if (t && strcmp(t, "local") == 0)
		return T(c, "地方公共団体", "Local government");
	return "";
}

static enum action create_action(enum org_kind k)
{
	return k == ORG_AGENCY    ? ACT_ORG_CREATE_AGENCY
	       : k == ORG_PROJECT ? ACT_ORG_CREATE_PROJECT
	                          : ACT_ORG_CREATE_CONTRACTOR;
}

/* The policy target of an organisation's parent, from the ids the child carries, so the page
 * can ask the matrix before loading it (no refused read, hence no audit noise). */
static struct target parent_target(const struct org *o)
{
	struct target t = {.org_id = o->parent_id, .agency_id = o->agency_id};
	if (o->kind == ORG_CONTRACTOR)
		t.project_id = o->project_id;
	return t;
}

/* ---- list ---------------------------------------------------------------------------------- */

void page_orgs(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT};
	struct org *rows;
	size_t n;
	const char *kq = web_query(c, "kind");
	int kind = *kq ? org_kind_parse(kq) : -1;
	if (pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "ページ送りの指定が正しくありません。",
		               "The page cursor is not valid.");
		return;
	}
	enum gcas_err e = svc_org_list(c->env, &c->ac, c->a, kind, &pg, &rows, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	pages_begin(c, "組織", "Organisations", org_done, NDONE);
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>", T(c, "組織", "Organisations"));
	if (policy_allows(&c->ac.subj, ACT_ORG_CREATE_AGENCY, NULL))
		html_printf(b,
		            "<a class=\"btn btn--primary\" href=\"/orgs/new?kind=agency\">%s</a>",
		            T(c, "利用機関を登録", "Register an agency"));
	html_lit(b, "</div>\n");
	html_printf(
	    b, "<p class=\"lead\">%s</p>\n",
	    T(c, "あなたが参照できる利用機関、プロジェクトチーム、開発運用委託業者の一覧です。",
	      "The agencies, project teams and contractors you can see."));

	/* Filter: a GET form, so the result can be bookmarked and shared. */
	const struct form_option kinds[] = {
	    {"", T(c, "すべて", "All")},
	    {"agency", kind_label(c, ORG_AGENCY)},
	    {"project", kind_label(c, ORG_PROJECT)},
	    {"contractor", kind_label(c, ORG_CONTRACTOR)},
	};
	pages_filter_begin(c, "/orgs");
	struct form_field kf = {.name = "kind",
	                        .type = "select",
	                        .label = T(c, "種別", "Kind"),
	                        .value = kind >= 0 ? kq : "",
	                        .options = kinds,
	                        .noptions = 4};
	pages_field(c, &kf);
	pages_filter_end(c, T(c, "絞り込む", "Filter"));

	if (n == 0) {
		html_printf(b, "<p>%s</p>",
		            T(c, "該当する組織はありません。", "No organisations match."));
	} else {
		const char *heads[] = {T(c, "名称", "Name"), T(c, "種別", "Kind"),
		                       T(c, "コード", "Code"), T(c, "登録日時", "Registered")};
		ui_table_begin(b, "orgs", T(c, "組織の一覧", "Organisations"), heads, 4);
		for (size_t i = 0; i < n; i++) {
			const struct org *o = &rows[i];
			html_printf(b,
			            "<tr><td><a href=\"/orgs/%s\">%s</a></td><td>%s</td>"
			            "<td class=\"mono\">%s</td><td class=\"nowrap\">%s</td></tr>\n",
			            o->id, o->name, kind_label(c, o->kind), o->code ? o->code : "",
			            pages_jst(c, o->created_at));
		}
		ui_table_end(b);
	}
	if (pg.next)
		pages_next_link(c, pages_url(c, "/orgs", "kind", kind >= 0 ? kq : NULL, "cursor",
		                             pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}

/* ---- create -------------------------------------------------------------------------------- */

static const char *new_title(enum org_kind k, int en)
{
	if (k == ORG_AGENCY)
		return en ? "Register a user agency" : "利用機関の登録";
	if (k == ORG_PROJECT)
		return en ? "Create a project team" : "プロジェクトチームの作成";
	return en ? "Add a contractor" : "開発運用委託業者の追加";
}

static void org_new_page(struct web_ctx *c, enum org_kind kind, const struct org *parent,
                         const struct org_input *in, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	web_page_begin(c, new_title(kind, 0), new_title(kind, 1));
	/* Back to where the form was opened from: the parent, or the list. */
	if (parent)
		html_printf(b, "<p><a href=\"/orgs/%s\">← %s</a></p>\n", parent->id, parent->name);
	else
		html_printf(b, "<p><a href=\"/orgs\">%s</a></p>\n",
		            T(c, "← 組織の一覧へ", "← Back to organisations"));
	html_printf(b, "<h1>%s</h1>\n", T(c, new_title(kind, 0), new_title(kind, 1)));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, "/orgs/new", "form");
	html_printf(b, "<input type=\"hidden\" name=\"kind\" value=\"%s\">", org_kind_name(kind));
	if (parent) {
		html_printf(b, "<input type=\"hidden\" name=\"parent_id\" value=\"%s\">",
		            parent->id);
		ui_dl_begin(b);
		ui_dl_row(b,
		          kind == ORG_PROJECT ? T(c, "所属する利用機関", "Agency")
		                              : T(c, "担当するプロジェクトチーム", "Project team"),
		          parent->name);
		ui_dl_end(b);
	}
	struct form_field name = {
	    .name = "name",
	    .label = kind == ORG_AGENCY ? T(c, "利用機関名", "Agency name")
	             : kind == ORG_PROJECT ? T(c, "プロジェクトチーム名", "Project team name")
	                                   : T(c, "事業者名", "Company name"),
	    .hint = kind == ORG_AGENCY
	                ? T(c, "正式名称を入力してください。例：デジタル庁、千代田区",
	                    "The official name, e.g. Digital Agency, Chiyoda City")
	            : kind == ORG_PROJECT
	                ? T(c, "登録するシステムごとに1つ作成します。例：住民記録システム",
	                    "One per registered system, e.g. Resident register system")
	                : T(c, "契約している開発・運用事業者の名称。例：株式会社サンプル",
	                    "The development or operations company under contract"),
	    .value = in ? in->name : NULL,
	    .error = form_error_for(fe, nfe, "name"),
	    .required = 1,
	    .maxlength = 200};
	pages_field(c, &name);
	if (kind == ORG_AGENCY) {
		const struct form_option types[] = {
		    {"ministry", T(c, "府省庁", "Ministry or agency")},
		    {"local", T(c, "地方公共団体", "Local government")},
		};
		struct form_field tf = {.name = "agency_type",
		                        .type = "radio",
		                        .label = T(c, "区分", "Type"),
		                        .value = in ? in->agency_type : NULL,
		                        .error = form_error_for(fe, nfe, "agency_type"),
		                        .required = 1,
		                        .options = types,
		                        .noptions = 2};
		pages_field(c, &tf);
		struct form_field cf = {
		    .name = "code",
		    .label = T(c, "コード", "Code"),
		    .hint = T(
		        c,
		        "地方公共団体：全国地方公共団体コード（総務省、6桁、末尾の検査数字を含む。"
		        "例：千代田区は131016）。"
		        "府省庁：英小文字で始まる英小文字・数字・ハイフン2〜32文字の府省庁コード（"
		        "例：digital）。",
		        "Local government: the 6-digit local government code "
		        "(全国地方公共団体コード) "
		        "including its final check digit, e.g. 131016 for Chiyoda City. Ministry: "
		        "the ministry code, 2-32 lower-case letters, digits or hyphens starting "
		        "with a letter, e.g. digital."),
		    .value = in ? in->code : NULL,
		    .error = form_error_for(fe, nfe, "code"),
		    .required = 1,
		    .autocomplete = "off",
		    .maxlength = 32,
		    .width_chars = 20};
		pages_field(c, &cf);
	}
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, new_title(kind, 0), new_title(kind, 1)), "primary");
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

/* The kind of organisation the new-organisation form is for: agency, project or contractor. */
static int parse_new_kind(const char *s)
{
	int k = org_kind_parse(s);
	return k == ORG_AGENCY || k == ORG_PROJECT || k == ORG_CONTRACTOR ? k : -1;
}

/* Load and check the parent for a project (an agency) or a contractor (a project team).
 * Answers the request itself and returns -1 when it cannot be used. */
static int load_parent(struct web_ctx *c, enum org_kind kind, const char *parent_id,
                       struct org *parent)
{
	enum gcas_err e = svc_org_get(c->env, &c->ac, c->a, parent_id, parent);
	if (!e && parent->kind != (kind == ORG_PROJECT ? ORG_AGENCY : ORG_PROJECT))
		e = GCAS_ERR_NOTFOUND;
	if (e) {
		web_fail(c, e);
		return -1;
	}
	return 0;
}

void page_org_new_form(struct web_ctx *c)
{
	struct org parent = {0};
	int kind = parse_new_kind(web_query(c, "kind"));
	if (kind < 0) {
		web_error_page(c, 404, "作成する組織の種別を指定してください。",
		               "Say which kind of organisation to create.");
		return;
	}
	if (kind != ORG_AGENCY && load_parent(c, kind, web_query(c, "parent"), &parent))
		return;
	struct target t = org_target(&parent);
	if (!policy_allows(&c->ac.subj, create_action(kind), kind == ORG_AGENCY ? NULL : &t)) {
		web_denied(c, create_action(kind), "org", kind == ORG_AGENCY ? NULL : parent.id,
		           kind == ORG_AGENCY ? NULL : parent.agency_id);
		return;
	}
	org_new_page(c, kind, kind == ORG_AGENCY ? NULL : &parent, NULL, NULL);
}

void page_org_new(struct web_ctx *c)
{
	struct org parent = {0}, out;
	struct verrs ve = {0};
	int kind = parse_new_kind(web_form(c, "kind"));
	if (kind < 0) {
		web_error_page(c, 404, "作成する組織の種別を指定してください。",
		               "Say which kind of organisation to create.");
		return;
	}
	struct org_input in = {.name = web_form(c, "name")};
	if (kind == ORG_AGENCY) {
		in.agency_type = web_form(c, "agency_type");
		in.code = web_form(c, "code");
	} else {
		in.parent_id = web_form(c, "parent_id");
	}
	enum gcas_err e = svc_org_create(c->env, &c->ac, c->a, (enum org_kind)kind, &in, &out, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		/* Validation runs before authorisation: show the parent only to those who may see
		 * it (load_parent answers 403/404 otherwise). */
		if (kind != ORG_AGENCY && load_parent(c, kind, in.parent_id, &parent))
			return;
		c->resp->status = 422;
		org_new_page(c, kind, kind == ORG_AGENCY ? NULL : &parent, &in, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/orgs/%s?done=created", out.id));
}

/* ---- detail -------------------------------------------------------------------------------- */

/* The PMO group of an agency, or the system group of a project team (contractors sit in their
 * project team's group). Scans the groups the viewer may see; 0 when found. */
static int find_group(struct web_ctx *c, const char *org_id, struct group *out)
{
	struct page pg = {.limit = 500};
	for (int i = 0; i < GROUP_SCAN_PAGES; i++) {
		struct group *g;
		size_t n;
		if (svc_group_list(c->env, &c->ac, c->a, &pg, &g, &n))
			return -1;
		for (size_t k = 0; k < n; k++) {
			if (g[k].org_id && strcmp(g[k].org_id, org_id) == 0) {
				*out = g[k];
				return 0;
			}
		}
		if (!pg.next)
			return -1;
		pg.after = pg.next;
	}
	return -1;
}

static void org_link_row(struct web_ctx *c, const char *term, const struct org *o)
{
	struct buf *b = &c->resp->body;
	html_printf(b, "<div class=\"detail-list__row\"><dt>%s</dt><dd>", term);
	if (o)
		html_printf(b, "<a href=\"/orgs/%s\">%s</a>", o->id, o->name);
	else
		html_lit(b, "—");
	html_lit(b, "</dd></div>\n");
}

static void detail_list(struct web_ctx *c, const struct org *o)
{
	struct buf *b = &c->resp->body;
	struct org parent, agency;
	struct group g;
	int has_parent = 0, has_agency = 0;
	struct target pt = parent_target(o);
	if (o->parent_id && policy_allows(&c->ac.subj, ACT_ORG_VIEW, &pt))
		has_parent = svc_org_get(c->env, &c->ac, c->a, o->parent_id, &parent) == GCAS_OK;
	struct target at = {.org_id = o->agency_id, .agency_id = o->agency_id};
	if (o->kind == ORG_CONTRACTOR && o->agency_id &&
	    policy_allows(&c->ac.subj, ACT_ORG_VIEW, &at))
		has_agency = svc_org_get(c->env, &c->ac, c->a, o->agency_id, &agency) == GCAS_OK;
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "名称", "Name"), o->name);
	ui_dl_row(b, T(c, "種別", "Kind"), kind_label(c, o->kind));
	if (o->kind == ORG_AGENCY) {
		ui_dl_row(b, T(c, "区分", "Type"), agency_type_label(c, o->agency_type));
		html_printf(b,
		            "<div class=\"detail-list__row\"><dt>%s</dt><dd class=\"mono\">%s</dd>"
		            "</div>\n",
		            T(c, "コード", "Code"), o->code ? o->code : "—");
	}
	if (o->kind == ORG_PROJECT)
		org_link_row(c, T(c, "所属する利用機関", "Agency"), has_parent ? &parent : NULL);
	if (o->kind == ORG_CONTRACTOR) {
		org_link_row(c, T(c, "担当するプロジェクトチーム", "Project team"),
		             has_parent ? &parent : NULL);
		org_link_row(c, T(c, "利用機関", "Agency"), has_agency ? &agency : NULL);
	}
	if (o->kind != ORG_OPERATOR) {
		const char *gorg = o->kind == ORG_CONTRACTOR ? o->project_id : o->id;
		html_printf(b, "<div class=\"detail-list__row\"><dt>%s</dt><dd>",
		            o->kind == ORG_AGENCY ? T(c, "PMOグループ", "PMO group")
		                                  : T(c, "システムグループ", "System group"));
		if (gorg && find_group(c, gorg, &g) == 0)
			html_printf(b, "<a href=\"/groups/%s\">%s</a>", g.id, g.name);
		else
			html_lit(b, "—");
		html_lit(b, "</dd></div>\n");
	}
	ui_dl_row(b, T(c, "登録日時", "Registered"), pages_jst(c, o->created_at));
	ui_dl_row(b, T(c, "更新日時", "Last changed"), pages_jst(c, o->updated_at));
	ui_dl_end(b);
}

/* Buttons for what the viewer may do here, per the matrix. */
static void detail_actions(struct web_ctx *c, const struct org *o)
{
	struct buf *b = &c->resp->body;
	struct target t = org_target(o);
	int any_role = 0;
	for (int r = 0; r < ROLE__MAX; r++)
		any_role |= pages_can_create_account(c, o, (enum role)r);
	int project =
	    o->kind == ORG_AGENCY && policy_allows(&c->ac.subj, ACT_ORG_CREATE_PROJECT, &t);
	int contractor =
	    o->kind == ORG_PROJECT && policy_allows(&c->ac.subj, ACT_ORG_CREATE_CONTRACTOR, &t);
	/* R2.9: the org-end application form (page_lifecycle.c) for those who may apply */
	int end = (o->kind == ORG_AGENCY || o->kind == ORG_PROJECT) &&
	          policy_allows(&c->ac.subj, ACT_APP_APPLY_ORG_END, &t);
	if (!any_role && !project && !contractor && !end)
		return;
	html_lit(b, "<div class=\"form-actions\">");
	if (any_role)
		html_printf(b, "<a class=\"btn btn--primary\" href=\"/accounts/new?org=%s\">%s</a>",
		            o->id, T(c, "この組織にアカウントを発行", "Issue an account here"));
	if (project)
		html_printf(b,
		            "<a class=\"btn btn--secondary\" href=\"/orgs/new?kind=project&amp;"
		            "parent=%s\">%s</a>",
		            o->id, T(c, "プロジェクトチームを作成", "Create a project team"));
	if (contractor)
		html_printf(b,
		            "<a class=\"btn btn--secondary\" href=\"/orgs/new?kind=contractor&amp;"
		            "parent=%s\">%s</a>",
		            o->id, T(c, "開発運用委託業者を追加", "Add a contractor"));
	if (end)
		html_printf(b, "<a class=\"btn btn--secondary\" href=\"/orgs/%s/end\">%s</a>",
		            o->id, T(c, "利用終了の申請", "Apply to end the use"));
	html_lit(b, "</div>\n");
}

/* Project teams of an agency, or contractors of a project team. */
static void detail_children(struct web_ctx *c, const struct org *o)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = 500};
	struct org *rows;
	size_t n, shown = 0;
	if (o->kind != ORG_AGENCY && o->kind != ORG_PROJECT)
		return;
	int child = o->kind == ORG_AGENCY ? ORG_PROJECT : ORG_CONTRACTOR;
	if (svc_org_list(c->env, &c->ac, c->a, child, &pg, &rows, &n))
		return;
	html_printf(b, "<h2>%s</h2>\n",
	            child == ORG_PROJECT ? T(c, "プロジェクトチーム", "Project teams")
	                                 : T(c, "開発運用委託業者", "Contractors"));
	for (size_t i = 0; i < n && shown < DETAIL_LIMIT; i++) {
		if (!rows[i].parent_id || strcmp(rows[i].parent_id, o->id) != 0)
			continue;
		if (!shown++)
			html_lit(b, "<ul>");
		html_printf(b, "<li><a href=\"/orgs/%s\">%s</a></li>", rows[i].id, rows[i].name);
	}
	if (shown)
		html_lit(b, "</ul>\n");
	else
		html_printf(b, "<p class=\"muted\">%s</p>\n",
		            T(c, "まだありません。", "None yet."));
}

static void detail_accounts(struct web_ctx *c, const struct org *o)
{
	struct buf *b = &c->resp->body;
	struct account_filter f = {.org_id = o->id, .role = -1, .status = -1};
	struct page pg = {.limit = DETAIL_LIMIT};
	struct account *rows;
	size_t n;
	if (!policy_role_can(c->ac.subj.role, ACT_ACCOUNT_VIEW))
		return;
	html_printf(b, "<h2>%s</h2>\n", T(c, "アカウント", "Accounts"));
	/* R7.2 (regulation §5.2.2): the organisation is not user information, its people are. An
	 * operator without a declared purpose sees the organisation and a link to its accounts,
	 * which asks for one; with one, the list is shown and recorded (account.list). */
	if (purpose_needed(&c->ac) && !c->ac.purpose) {
		html_printf(b, "<p><a href=\"%s\">%s</a></p>\n",
		            pages_url(c, "/accounts", "org", o->id, NULL),
		            T(c, "この組織のアカウントを表示(閲覧目的の記録が必要です)",
		              "Show the accounts of this organisation (needs a recorded purpose)"));
		return;
	}
	if (svc_account_list(c->env, &c->ac, c->a, &f, &pg, &rows, &n))
		return;
	purpose_notice(c);
	if (n == 0) {
		html_printf(b, "<p class=\"muted\">%s</p>\n",
		            T(c, "参照できるアカウントはありません。", "No accounts you can see."));
		return;
	}
	const char *heads[] = {T(c, "氏名", "Name"), T(c, "メールアドレス", "Email address"),
	                       T(c, "役割", "Role"), T(c, "状態", "Status")};
	ui_table_begin(b, "org-accounts",
	               T(c, "この組織のアカウント", "Accounts in this organisation"), heads, 4);
	for (size_t i = 0; i < n; i++) {
		const struct account *acc = &rows[i];
		html_printf(
		    b, "<tr><td><a href=\"/accounts/%s\">%s</a></td><td>%s</td><td>%s</td><td>",
		    acc->id, pages_person(c, acc->family_name, acc->given_name), acc->email,
		    role_label(acc->role, c->lang == LANG_EN));
		pages_status_badge(c, acc->status);
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
	if (pg.next)
		html_printf(b, "<p><a href=\"%s\">%s</a></p>\n",
		            pages_url(c, "/accounts", "org", o->id, NULL),
		            T(c, "すべてのアカウントを表示", "Show all accounts"));
}

static void detail_rename(struct web_ctx *c, const struct org *o, const char *value,
                          const struct field_error *fe, size_t nfe)
{
	struct buf *b = &c->resp->body;
	struct target t = org_target(o);
	if (!policy_allows(&c->ac.subj, ACT_ORG_UPDATE, &t))
		return;
	html_printf(b, "<h2 id=\"rename-title\">%s</h2>\n", T(c, "名称の変更", "Rename"));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, arena_printf(c->a, "/orgs/%s/rename", o->id), "form");
	struct form_field nf = {.name = "name",
	                        .label = T(c, "新しい名称", "New name"),
	                        .value = value ? value : o->name,
	                        .error = form_error_for(fe, nfe, "name"),
	                        .required = 1,
	                        .maxlength = 200};
	pages_field(c, &nf);
	form_submit(b, T(c, "名称を変更", "Rename"), "secondary");
	html_lit(b, "</form>\n");
}

static void org_page(struct web_ctx *c, const struct org *o, const char *rename_value,
                     const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_begin(c, "組織の詳細", "Organisation", org_done, NDONE);
	html_printf(b, "<p><a href=\"/orgs\">%s</a></p>\n",
	            T(c, "← 組織の一覧へ", "← Back to organisations"));
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>", o->name);
	ui_badge(b, "neutral", kind_label(c, o->kind));
	html_lit(b, "</div>\n");
	detail_list(c, o);
	detail_actions(c, o);
	detail_children(c, o);
	detail_accounts(c, o);
	detail_rename(c, o, rename_value, fe, nfe);
	web_page_end(c);
}

void page_org(struct web_ctx *c)
{
	struct org o;
	if (purpose_peek(c))
		return;
	enum gcas_err e = svc_org_get(c->env, &c->ac, c->a, web_param(c, 0), &o);
	if (e) {
		web_fail(c, e);
		return;
	}
	org_page(c, &o, NULL, NULL);
}

void page_org_rename(struct web_ctx *c)
{
	struct org o;
	struct verrs ve = {0};
	const char *id = web_param(c, 0), *name = web_form(c, "name");
	enum gcas_err e = svc_org_rename(c->env, &c->ac, c->a, id, name, &ve);
	if (e == GCAS_ERR_INVALID && ve.n) {
		/* Re-render only for someone who may see the organisation. */
		if ((e = svc_org_get(c->env, &c->ac, c->a, id, &o))) {
			web_fail(c, e);
			return;
		}
		if (purpose_peek(c))
			return;
		c->resp->status = 422;
		org_page(c, &o, name, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/orgs/%s?done=renamed", id));
}
