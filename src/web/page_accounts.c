/* SPDX-License-Identifier: MIT */
/* Account pages (R1.1, R1.2, R7.1): the list within the viewer's scope with search and
 * filters, issuing an account along the certification chain (the one-time set-up link is shown
 * once), the detail view with the actions the matrix allows (disable, enable, delete, reset
 * second factors, new set-up link), and editing names and email with optimistic concurrency.
 * Managers do not issue, change, delete or re-enable accounts themselves: they apply (S1,
 * 別表1), so these pages link them to the application forms; the operator keeps direct issuance. */
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "svc/accounts.h"
#include "svc/orgs.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define LIST_LIMIT 50
/* Pages of organisations scanned for the new-account form's organisation choice (500 each). */
#define ORG_SCAN_PAGES 10
/* Distinct organisations whose names one list page looks up. */
#define ORG_CACHE 64

static const struct pages_done acc_done[] = {
    {"updated", "アカウントを変更しました。", "The account was changed."},
    {"disabled",
     "アカウントを無効にしました。サインイン中のセッションとAPIトークンは終了しました。",
     "The account was disabled. Its sessions and API tokens have ended."},
    {"enabled", "アカウントを有効に戻しました。", "The account was enabled again."},
    {"deleted", "アカウントを削除しました。", "The account was deleted."},
    {"reset", "2段階認証をリセットしました。次回のサインインで認証アプリを登録し直します。",
     "The second factors were reset. The person sets up an authenticator at the next sign-in."},
};
#define NDONE (sizeof(acc_done) / sizeof(acc_done[0]))

static const char *role_text(const struct web_ctx *c, enum role r)
{
	const char *s = role_label(r, c->lang == LANG_EN);
	return s ? s : "";
}

/* ---- organisation names -------------------------------------------------------------------- */

struct org_names {
	const char *id[ORG_CACHE], *name[ORG_CACHE];
	size_t n;
};

/* The name of an account's organisation, when the viewer may see it; NULL otherwise. Asks the
 * matrix first so that a hidden organisation is never read (and no refusal is recorded). */
static const char *org_name_of(struct web_ctx *c, struct org_names *cache,
                               const struct account *acc)
{
	struct org o;
	for (size_t i = 0; i < cache->n; i++)
		if (strcmp(cache->id[i], acc->org_id) == 0)
			return cache->name[i];
	struct target t = {
	    .org_id = acc->org_id, .agency_id = acc->agency_id, .project_id = acc->project_id};
	const char *name = NULL;
	if (policy_allows(&c->ac.subj, ACT_ORG_VIEW, &t) &&
	    svc_org_get(c->env, &c->ac, c->a, acc->org_id, &o) == GCAS_OK)
		name = o.name;
	if (cache->n < ORG_CACHE) {
		cache->id[cache->n] = acc->org_id;
		cache->name[cache->n++] = name;
	}
	return name;
}

static void org_cell(struct web_ctx *c, struct org_names *cache, const struct account *acc)
{
	const char *name = org_name_of(c, cache, acc);
	if (name)
		html_printf(&c->resp->body, "<a href=\"/orgs/%s\">%s</a>", acc->org_id, name);
	else
		html_lit(&c->resp->body, "—");
}

/* ---- list ---------------------------------------------------------------------------------- */

static void list_filters(struct web_ctx *c, const char *q, const char *role, const char *status,
                         const char *org)
{
	struct buf *b = &c->resp->body;
	struct form_option roles[ROLE__MAX + 1], statuses[ACCOUNT__MAX + 1];
	roles[0] = (struct form_option){"", T(c, "すべて", "All")};
	statuses[0] = roles[0];
	for (int r = 0; r < ROLE__MAX; r++)
		roles[r + 1] =
		    (struct form_option){role_name((enum role)r), role_text(c, (enum role)r)};
	for (int s = 0; s < ACCOUNT__MAX; s++)
		statuses[s + 1] = (struct form_option){
		    account_status_name((enum account_status)s),
		    account_status_label((enum account_status)s, c->lang == LANG_EN)};
	pages_filter_begin(c, "/accounts");
	if (*org)
		html_printf(b, "<input type=\"hidden\" name=\"org\" value=\"%s\">", org);
	struct form_field qf = {.name = "q",
	                        .type = "search",
	                        .label = T(c, "氏名・フリガナ・メールアドレスで検索",
	                                   "Search by name, reading or email"),
	                        .value = q,
	                        .maxlength = 100};
	pages_field(c, &qf);
	struct form_field rf = {.name = "role",
	                        .type = "select",
	                        .label = T(c, "役割", "Role"),
	                        .value = role,
	                        .options = roles,
	                        .noptions = ROLE__MAX + 1};
	pages_field(c, &rf);
	struct form_field sf = {.name = "status",
	                        .type = "select",
	                        .label = T(c, "状態", "Status"),
	                        .value = status,
	                        .options = statuses,
	                        .noptions = ACCOUNT__MAX + 1};
	pages_field(c, &sf);
	pages_filter_end(c, T(c, "検索する", "Search"));
}

void page_accounts(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct page pg = {.limit = LIST_LIMIT};
	struct account *rows;
	struct org_names cache = {0};
	size_t n;
	const char *q = web_query(c, "q"), *role = web_query(c, "role"),
	           *status = web_query(c, "status"), *org = web_query(c, "org");
	struct account_filter f = {.q = *q ? q : NULL,
	                           .org_id = *org ? org : NULL,
	                           .role = *role ? role_parse(role) : -1,
	                           .status = *status ? account_status_parse(status) : -1};
	/* An unknown value in a filter shows nothing rather than everything. */
	if ((*role && f.role < 0) || (*status && f.status < 0) || strlen(q) > 100 ||
	    pages_cursor_in(c, &pg.after)) {
		web_error_page(c, 400, "検索条件が正しくありません。", "The search is not valid.");
		return;
	}
	/* R7.2: the operator says why before the list of people is read. */
	if (purpose_gate_page(c))
		return;
	enum gcas_err e = svc_account_list(c->env, &c->ac, c->a, &f, &pg, &rows, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	pages_begin(c, "アカウント管理", "Accounts", acc_done, NDONE);
	purpose_notice(c);
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>",
	            T(c, "アカウント管理", "Accounts"));
	if (policy_role_can(c->ac.subj.role, ACT_ACCOUNT_CREATE))
		html_printf(b, "<a class=\"btn btn--primary\" href=\"%s\">%s</a>",
		            pages_url(c, "/accounts/new", "org", org, NULL),
		            T(c, "アカウントを発行", "Issue an account"));
	else if (policy_role_can(c->ac.subj.role, ACT_APP_APPLY))
		html_printf(b, "<a class=\"btn btn--primary\" href=\"%s\">%s</a>",
		            pages_url(c, "/applications/new", "kind", "create", "org", org, NULL),
		            T(c, "アカウント発行を申請", "Apply for an account"));
	html_lit(b, "</div>\n");
	list_filters(c, q, f.role >= 0 ? role : "", f.status >= 0 ? status : "", org);
	if (n == 0) {
		html_printf(b, "<p>%s</p>\n",
		            T(c, "該当するアカウントはありません。", "No accounts match."));
	} else {
		const char *heads[] = {
		    T(c, "氏名", "Name"),   T(c, "メールアドレス", "Email address"),
		    T(c, "役割", "Role"),   T(c, "所属組織", "Organisation"),
		    T(c, "状態", "Status"), T(c, "最終サインイン", "Last sign-in")};
		ui_table_begin(b, "accounts", T(c, "アカウントの一覧", "Accounts"), heads, 6);
		for (size_t i = 0; i < n; i++) {
			const struct account *acc = &rows[i];
			html_printf(b,
			            "<tr><td class=\"nowrap\"><a href=\"/accounts/%s\">%s</a></td>"
			            "<td class=\"email\">%s</td><td>%s</td><td>",
			            acc->id, pages_person(c, acc->family_name, acc->given_name),
			            acc->email, role_text(c, acc->role));
			org_cell(c, &cache, acc);
			html_lit(b, "</td><td>");
			pages_status_badge(c, acc->status);
			html_printf(b, "</td><td class=\"nowrap\">%s</td></tr>\n",
			            acc->last_signin_at ? pages_jst(c, acc->last_signin_at) : "—");
		}
		ui_table_end(b);
	}
	if (pg.next)
		pages_next_link(c,
		                pages_url(c, "/accounts", "q", q, "role", f.role >= 0 ? role : NULL,
		                          "status", f.status >= 0 ? status : NULL, "org", org,
		                          "cursor", pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}

/* ---- the person's fields (shared by issuing and editing) ------------------------------------ */

static void text_field(struct web_ctx *c, const char *name, const char *label, const char *hint,
                       const char *value, const struct field_error *fe, size_t nfe,
                       const char *type, const char *autocomplete, int width)
{
	struct form_field f = {.name = name,
	                       .type = type,
	                       .label = label,
	                       .hint = hint,
	                       .value = value,
	                       .error = form_error_for(fe, nfe, name),
	                       .required = 1,
	                       .autocomplete = autocomplete,
	                       .maxlength = type ? 254 : 50,
	                       .width_chars = width};
	pages_field(c, &f);
}

static void person_fields(struct web_ctx *c, const struct account_input *in,
                          const struct field_error *fe, size_t nfe)
{
	text_field(
	    c, "email", T(c, "メールアドレス", "Email address"),
	    T(c,
	      "本人だけが使うメールアドレス。共用アドレスやメーリングリストは使えません（R2.8）。",
	      "An address only this person uses. Shared and list addresses are refused (R2.8)."),
	    in ? in->email : NULL, fe, nfe, "email", "off", 0);
	text_field(c, "family_name", T(c, "姓", "Family name"), NULL, in ? in->family_name : NULL,
	           fe, nfe, NULL, "off", 20);
	text_field(c, "given_name", T(c, "名", "Given name"), NULL, in ? in->given_name : NULL, fe,
	           nfe, NULL, "off", 20);
	const char *kh =
	    T(c, "カタカナまたはひらがなで入力してください。", "In katakana or hiragana.");
	text_field(c, "family_kana", T(c, "姓（フリガナ）", "Family name (kana reading)"), kh,
	           in ? in->family_kana : NULL, fe, nfe, NULL, "off", 20);
	text_field(c, "given_kana", T(c, "名（フリガナ）", "Given name (kana reading)"), kh,
	           in ? in->given_kana : NULL, fe, nfe, NULL, "off", 20);
}

/* The order of the fields on the issue and edit forms, for the error summary. */
static const char *const form_order[] = {"email",      "family_name", "given_name", "family_kana",
                                         "given_kana", "org_id",      "role",       "version"};
#define NORDER (sizeof(form_order) / sizeof(form_order[0]))

static struct account_input person_input(struct web_ctx *c)
{
	struct account_input in = {.email = web_form(c, "email"),
	                           .family_name = web_form(c, "family_name"),
	                           .given_name = web_form(c, "given_name"),
	                           .family_kana = web_form(c, "family_kana"),
	                           .given_kana = web_form(c, "given_kana")};
	return in;
}

/* ---- issue --------------------------------------------------------------------------------- */

struct org_choice {
	struct org *o;
	size_t n;
};

static int creatable_in(const struct web_ctx *c, const struct org *o)
{
	for (int r = 0; r < ROLE__MAX; r++)
		if (pages_can_create_account(c, o, (enum role)r))
			return 1;
	return 0;
}

/* Append o to out, growing the array in the request's arena. */
static enum gcas_err choice_add(struct web_ctx *c, struct org_choice *out, size_t *cap,
                                const struct org *o)
{
	if (out->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct org *grown = arena_alloc(c->a, ncap * sizeof(*grown));
		if (!grown)
			return GCAS_ERR_NOMEM;
		if (out->n)
			memcpy(grown, out->o, out->n * sizeof(*grown));
		out->o = grown;
		*cap = ncap;
	}
	out->o[out->n++] = *o;
	return GCAS_OK;
}

/* The organisations where the viewer may issue at least one role. */
static enum gcas_err org_choices(struct web_ctx *c, struct org_choice *out)
{
	struct page pg = {.limit = 500};
	size_t cap = 0;
	out->o = NULL;
	out->n = 0;
	for (int i = 0; i < ORG_SCAN_PAGES; i++) {
		struct org *rows;
		size_t n;
		enum gcas_err e = svc_org_list(c->env, &c->ac, c->a, -1, &pg, &rows, &n);
		for (size_t k = 0; !e && k < n; k++)
			if (creatable_in(c, &rows[k]))
				e = choice_add(c, out, &cap, &rows[k]);
		if (e)
			return e;
		if (!pg.next)
			break;
		pg.after = pg.next;
	}
	return GCAS_OK;
}

static const struct org *choice_find(const struct org_choice *ch, const char *id)
{
	for (size_t i = 0; id && i < ch->n; i++)
		if (strcmp(ch->o[i].id, id) == 0)
			return &ch->o[i];
	return NULL;
}

static void account_new_page(struct web_ctx *c, const struct org_choice *ch,
                             const struct account_input *in, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, form_order, NORDER);
	const struct org *sel = choice_find(ch, in ? in->org_id : NULL);
	struct form_option *orgs = arena_alloc(c->a, (ch->n + 1) * sizeof(*orgs));
	struct form_option roles[ROLE__MAX + 1];
	size_t nroles = 1;
	if (!orgs) {
		web_fail(c, GCAS_ERR_NOMEM);
		return;
	}
	orgs[0] = (struct form_option){"", T(c, "選択してください", "Choose")};
	for (size_t i = 0; i < ch->n; i++) {
		const char *kind = org_kind_label(ch->o[i].kind, c->lang == LANG_EN);
		orgs[i + 1] = (struct form_option){
		    ch->o[i].id, c->lang == LANG_EN
		                     ? arena_printf(c->a, "%s (%s)", ch->o[i].name, kind)
		                     : arena_printf(c->a, "%s（%s）", ch->o[i].name, kind)};
	}
	/* Roles: those the viewer may issue in the chosen organisation, or in any of them. */
	roles[0] = orgs[0];
	for (int r = 0; r < ROLE__MAX; r++) {
		int ok = 0;
		for (size_t i = 0; !ok && i < ch->n; i++)
			ok = (!sel || sel == &ch->o[i]) &&
			     pages_can_create_account(c, &ch->o[i], (enum role)r);
		if (ok)
			roles[nroles++] = (struct form_option){role_name((enum role)r),
			                                       role_text(c, (enum role)r)};
	}
	web_page_begin(c, "アカウントの発行", "Issue an account");
	if (sel)
		html_printf(b, "<p><a href=\"/orgs/%s\">← %s</a></p>\n", sel->id, sel->name);
	else
		html_printf(b, "<p><a href=\"/accounts\">%s</a></p>\n",
		            T(c, "← アカウントの一覧へ", "← Back to accounts"));
	html_printf(b, "<h1>%s</h1>\n", T(c, "アカウントの発行", "Issue an account"));
	html_printf(
	    b, "<p class=\"lead\">%s</p>\n",
	    T(c,
	      "GCASアカウントは、認証する責任者が本人ごとに発行します（規程2.2."
	      "2）。発行後に表示される設定用リンクを本人に渡してください。",
	      "Each GCAS account is issued, person by person, by the manager who certifies "
	      "them (regulation 2.2.2). Give the person the set-up link shown afterwards."));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, "/accounts/new", "form");
	person_fields(c, in, fe, nfe);
	struct form_field of = {.name = "org_id",
	                        .type = "select",
	                        .label = T(c, "所属組織", "Organisation"),
	                        .value = in ? in->org_id : NULL,
	                        .error = form_error_for(fe, nfe, "org_id"),
	                        .required = 1,
	                        .options = orgs,
	                        .noptions = ch->n + 1};
	pages_field(c, &of);
	/* With one possible role it is chosen already. */
	const char *role = in && in->role && *in->role ? in->role
	                   : nroles == 2               ? roles[1].value
	                                               : NULL;
	struct form_field rf = {.name = "role",
	                        .type = "select",
	                        .label = T(c, "役割", "Role"),
	                        .hint = T(c, "あなたが認証できる役割だけが表示されます。",
	                                  "Only the roles you may certify are listed."),
	                        .value = role,
	                        .error = form_error_for(fe, nfe, "role"),
	                        .required = 1,
	                        .options = roles,
	                        .noptions = nroles};
	pages_field(c, &rf);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "発行する", "Issue the account"), "primary");
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

void page_account_new_form(struct web_ctx *c)
{
	struct org_choice ch;
	struct org o;
	const char *org = web_query(c, "org");
	/* 別表1: a manager applies for the account; the operator issues it. */
	if (!policy_role_can(c->ac.subj.role, ACT_ACCOUNT_CREATE) &&
	    policy_role_can(c->ac.subj.role, ACT_APP_APPLY)) {
		web_redirect(c,
		             pages_url(c, "/applications/new", "kind", "create", "org", org, NULL));
		return;
	}
	enum gcas_err e = org_choices(c, &ch);
	if (!e && *org && !choice_find(&ch, org)) {
		/* Say "not found" or "not allowed" as the use case would. */
		e = svc_org_get(c->env, &c->ac, c->a, org, &o);
		if (!e) {
			web_denied(c, ACT_ACCOUNT_CREATE, "org", org, o.agency_id);
			return;
		}
	}
	if (!e && ch.n == 0) {
		web_denied(c, ACT_ACCOUNT_CREATE, "account", NULL, NULL);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	struct account_input in = {.org_id = *org ? org : (ch.n == 1 ? ch.o[0].id : NULL)};
	account_new_page(c, &ch, &in, NULL);
}

/* The set-up link, shown once: it lets whoever holds it choose the account's password. */
static void setup_link_page(struct web_ctx *c, const struct account *acc, const char *link,
                            int created)
{
	struct buf *b = &c->resp->body;
	const char *base = c->env->cfg->base_url ? c->env->cfg->base_url : "";
	size_t bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	const char *url = arena_printf(c->a, "%.*s/setup/%s", (int)bl, base, link);
	const char *tja = created ? "アカウントを発行しました" : "設定用リンクを発行しました";
	const char *ten = created ? "The account was issued" : "A new set-up link was issued";
	web_page_begin(c, tja, ten);
	html_printf(b, "<h1>%s</h1>\n", T(c, tja, ten));
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "氏名", "Name"), pages_person(c, acc->family_name, acc->given_name));
	ui_dl_row(b, T(c, "メールアドレス", "Email address"), acc->email);
	ui_dl_row(b, T(c, "役割", "Role"), role_text(c, acc->role));
	ui_dl_end(b);
	ui_alert(b, c->lang, "warning",
	         T(c, "このリンクは今だけ表示されます", "This link is shown only now"),
	         T(c,
	           "このリンクを知っている人は、このアカウントのパスワードを設定できます。本人に確"
	           "実な方法で直接渡し、メールの転送やチャットへの貼り付けはしないでください。"
	           "有効期限を過ぎたり、失くしたりした場合は、アカウントの詳細画面から新しいリンク"
	           "を発行できます（以前のリンクは使えなくなります）。",
	           "Whoever has this link can set this account's password. Hand it to the person "
	           "yourself by a secure channel; do not forward it by email or paste it into a "
	           "chat. If it expires or is lost, issue a new one from the account's page (the "
	           "old one then stops working)."));
	/* Read-only so it can be selected and copied but not changed by accident. */
	html_printf(
	    b,
	    "<div class=\"field\"><label class=\"field__label\" for=\"setup_url\">%s</label>"
	    "<p class=\"field__hint\" id=\"setup_url-hint\">%s%s</p>"
	    "<input class=\"input mono\" id=\"setup_url\" type=\"text\" readonly "
	    "aria-describedby=\"setup_url-hint\" value=\"%s\"></div>\n",
	    T(c, "設定用リンク", "Set-up link"), T(c, "有効期限：", "Valid until: "),
	    pages_jst(c, clock_now() + c->env->cfg->setup_link_ttl), url);
	html_printf(
	    b,
	    "<div class=\"form-actions\"><a class=\"btn btn--primary\" href=\"/accounts/%s\">"
	    "%s</a>",
	    acc->id, T(c, "アカウントの詳細へ", "Go to the account"));
	if (created)
		html_printf(b, "<a class=\"btn btn--secondary\" href=\"%s\">%s</a>",
		            pages_url(c, "/accounts/new", "org", acc->org_id, NULL),
		            T(c, "続けて発行する", "Issue another"));
	html_lit(b, "</div>\n");
	web_page_end(c);
}

/* Replace the use case's "choose a role" (caused by the empty role passed to it) with what is
 * really wrong with the organisation and role chosen. */
static void fix_choice_errors(struct verrs *ve, int role_given, int pair_bad, int org_missing)
{
	size_t k = 0;
	for (size_t i = 0; i < ve->n; i++) {
		int is_role = ve->e[i].field && strcmp(ve->e[i].field, "role") == 0;
		if (is_role && pair_bad)
			ve->e[i] = (struct verr){
			    "role", "選んだ組織では、この役割のアカウントは発行できません",
			    "You cannot issue this role in the chosen organisation"};
		else if (is_role && role_given)
			continue;
		ve->e[k++] = ve->e[i];
	}
	ve->n = k;
	if (org_missing)
		verr_add(ve, "org_id", "所属組織を選んでください", "Choose the organisation");
}

void page_account_new(struct web_ctx *c)
{
	struct org_choice ch;
	struct account out;
	struct verrs ve = {0};
	const char *link = NULL;
	struct account_input in = person_input(c);
	in.role = web_form(c, "role");
	in.org_id = web_form(c, "org_id");
	enum gcas_err e = org_choices(c, &ch);
	if (e) {
		web_fail(c, e);
		return;
	}
	const struct org *sel = choice_find(&ch, in.org_id);
	int role = role_parse(in.role);
	int org_missing = !*in.org_id;
	int pair_bad = sel && role >= 0 && !pages_can_create_account(c, sel, (enum role)role);
	struct account_input call = in;
	/* Someone who may issue nothing goes straight to the use case, which refuses and records
	 * it. Otherwise a missing organisation or a role the viewer cannot issue there is a
	 * mistake in the form, not an attack: with an empty role the use case only validates the
	 * other fields (it touches nothing), and the page says what is wrong with the choice. */
	if (ch.n > 0 && (org_missing || pair_bad))
		call.role = "";
	e = svc_account_create(c->env, &c->ac, c->a, &call, &out, &link, &ve);
	if (call.role != in.role)
		fix_choice_errors(&ve, role >= 0, pair_bad, org_missing);
	if (ve.n && (e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT)) {
		c->resp->status = 422;
		account_new_page(c, &ch, &in, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	setup_link_page(c, &out, link, 1);
}

/* ---- detail -------------------------------------------------------------------------------- */

static int allowed(const struct web_ctx *c, enum action a, const struct account *acc)
{
	struct target t = account_target(acc);
	return policy_allows(&c->ac.subj, a, &t);
}

struct acc_errs {
	const char *op;    /* the form that failed: "disable" or "delete"; NULL for none */
	const char *value; /* the reason as typed */
	struct field_error fe[VERR_MAX];
	size_t n;
	const char *alert; /* a refusal that belongs to no field */
};

static void reason_form(struct web_ctx *c, const struct account *acc, const char *op,
                        const struct acc_errs *er, const char *label, const char *hint,
                        const char *button, const char *kind)
{
	struct buf *b = &c->resp->body;
	int mine = er && er->op && strcmp(er->op, op) == 0;
	const char *fname = arena_printf(c->a, "%s_reason", op);
	pages_form_begin(c, arena_printf(c->a, "/accounts/%s/status", acc->id), "form");
	html_printf(b, "<input type=\"hidden\" name=\"op\" value=\"%s\">", op);
	struct form_field f = {.name = fname,
	                       .type = "textarea",
	                       .label = label,
	                       .hint = hint,
	                       .value = mine ? er->value : NULL,
	                       .error = mine ? form_error_for(er->fe, er->n, fname) : NULL,
	                       .required = 1,
	                       .maxlength = 500};
	pages_field(c, &f);
	form_submit(b, button, kind);
	html_lit(b, "</form>\n");
}

static void button_form(struct web_ctx *c, const char *action, const char *fields_op,
                        const char *button, const char *kind)
{
	struct buf *b = &c->resp->body;
	pages_form_begin(c, action, NULL);
	if (fields_op)
		html_printf(b, "<input type=\"hidden\" name=\"op\" value=\"%s\">", fields_op);
	form_submit(b, button, kind);
	html_lit(b, "</form>\n");
}

static void section(struct web_ctx *c, const char *title, const char *text)
{
	html_printf(&c->resp->body,
	            "<section class=\"card\"><h2 class=\"card__title\">%s</h2><p>%s</p>", title,
	            text);
}

/* A link to the application form of kind for this account. */
static void apply_link(struct web_ctx *c, const struct account *acc, const char *kind,
                       const char *label)
{
	html_printf(&c->resp->body, "<a class=\"btn btn--secondary\" href=\"%s\">%s</a> ",
	            pages_url(c, "/applications/new", "kind", kind, "account", acc->id, NULL),
	            label);
}

/* What the viewer may only ask for (S1, 別表1): the changes made by the operator on
 * application. Offered where the direct action is not the viewer's own. */
static void apply_actions(struct web_ctx *c, const struct account *acc)
{
	struct buf *b = &c->resp->body;
	int change = !allowed(c, ACT_ACCOUNT_UPDATE, acc);
	int reenable = acc->status == ACCOUNT_DISABLED && !allowed(c, ACT_ACCOUNT_ENABLE, acc);
	int del = !allowed(c, ACT_ACCOUNT_DELETE, acc);
	if (!allowed(c, ACT_APP_APPLY, acc) || !(change || reenable || del))
		return;
	section(c, T(c, "申請", "Applications"),
	        T(c,
	          "変更・削除・再有効化は申請により行います。運用管理組織が5営業日以内に処理し"
	          "ます（R2.3）。",
	          "Changes, deletion and re-enabling are applied for; the operator carries them "
	          "out within 5 business days (R2.3)."));
	html_lit(b, "<p class=\"app-apply\">");
	if (change)
		apply_link(c, acc, "change", T(c, "変更を申請", "Apply to change"));
	if (reenable)
		apply_link(c, acc, "reenable", T(c, "再有効化を申請", "Apply to re-enable"));
	if (del)
		apply_link(c, acc, "delete", T(c, "削除を申請", "Apply to delete"));
	html_printf(b, "<a href=\"%s\">%s</a>",
	            pages_url(c, "/applications", "account", acc->id, NULL),
	            T(c, "このアカウントの申請", "Applications for this account"));
	html_lit(b, "</p></section>\n");
}

static void detail_actions(struct web_ctx *c, const struct account *acc, const struct acc_errs *er)
{
	struct buf *b = &c->resp->body;
	const char *path = arena_printf(c->a, "/accounts/%s", acc->id);
	int live = acc->status == ACCOUNT_PENDING || acc->status == ACCOUNT_ACTIVE;
	if (acc->status == ACCOUNT_DELETED)
		return;
	apply_actions(c, acc);
	int edit = allowed(c, ACT_ACCOUNT_UPDATE, acc);
	if (edit)
		html_printf(b, "<p><a class=\"btn btn--secondary\" href=\"%s/edit\">%s</a></p>\n",
		            path, T(c, "氏名・メールアドレスを変更", "Change name or email"));
	/* R2.6: the departure form (page_lifecycle.c) */
	if (allowed(c, ACT_APP_APPLY, acc))
		html_printf(b,
		            "<p><a class=\"btn btn--secondary\" href=\"%s/departure\">%s</a></p>\n",
		            path, T(c, "離任の届出", "Record a departure"));
	if (live && edit) {
		section(
		    c, T(c, "設定用リンクの再発行", "New set-up link"),
		    T(c,
		      "本人がリンクを失くした、または期限が切れた場合に使います。以前のリンクは使え"
		      "なくなります。",
		      "Use this when the person lost the link or it expired. Earlier links stop "
		      "working."));
		button_form(c, arena_printf(c->a, "%s/setup-link", path), NULL,
		            T(c, "新しい設定用リンクを発行", "Issue a new set-up link"),
		            "secondary");
		html_lit(b, "</section>\n");
	}
	if (allowed(c, ACT_ACCOUNT_RESET_FACTORS, acc)) {
		section(c, T(c, "2段階認証のリセット", "Reset second factors"),
		        T(c,
		          "スマートフォンの紛失などで認証アプリが使えないときに使います。本人確認を"
		          "してから行ってください。セッションも終了します。",
		          "Use this when the person lost their phone. Check who you are talking to "
		          "first. Their sessions also end."));
		button_form(c, arena_printf(c->a, "%s/reset-factors", path), NULL,
		            T(c, "2段階認証をリセット", "Reset second factors"), "secondary");
		html_lit(b, "</section>\n");
	}
	if (live && allowed(c, ACT_ACCOUNT_DISABLE, acc)) {
		section(
		    c, T(c, "アカウントの無効化", "Disable the account"),
		    T(c,
		      "無効にすると、サインイン中のセッションとAPIトークンはすぐに終了します。後で"
		      "有効に戻せます。",
		      "Disabling ends the person's sessions and API tokens at once. You can enable "
		      "the account again later."));
		reason_form(c, acc, "disable", er, T(c, "無効にする理由", "Reason for disabling"),
		            T(c, "監査ログに記録されます。個人番号は書かないでください。",
		              "Recorded in the audit log. Do not write an Individual Number."),
		            T(c, "無効にする", "Disable"), "danger");
		html_lit(b, "</section>\n");
	}
	if (acc->status == ACCOUNT_DISABLED && allowed(c, ACT_ACCOUNT_ENABLE, acc)) {
		section(c, T(c, "アカウントの再有効化", "Enable the account"),
		        T(c, "本人が再びサインインできるようになります。",
		          "The person can sign in again."));
		button_form(c, arena_printf(c->a, "%s/status", path), "enable",
		            T(c, "有効に戻す", "Enable"), "primary");
		html_lit(b, "</section>\n");
	}
	if (allowed(c, ACT_ACCOUNT_DELETE, acc)) {
		section(c, T(c, "アカウントの削除", "Delete the account"),
		        T(c, "削除したアカウントは元に戻せません。記録は監査のために残ります。",
		          "A deleted account cannot be restored. Its record is kept for the audit "
		          "trail."));
		reason_form(c, acc, "delete", er, T(c, "削除する理由", "Reason for deleting"),
		            T(c, "監査ログに記録されます。個人番号は書かないでください。",
		              "Recorded in the audit log. Do not write an Individual Number."),
		            T(c, "削除する", "Delete"), "danger");
		html_lit(b, "</section>\n");
	}
}

static void account_page(struct web_ctx *c, const struct account *acc, const struct acc_errs *er)
{
	struct buf *b = &c->resp->body;
	struct org_names cache = {0};
	pages_begin(c, "アカウントの詳細", "Account", acc_done, NDONE);
	purpose_notice(c);
	html_printf(b, "<p><a href=\"/accounts\">%s</a></p>\n",
	            T(c, "← アカウントの一覧へ", "← Back to accounts"));
	html_printf(b, "<div class=\"page-header\"><h1>%s</h1>",
	            pages_person(c, acc->family_name, acc->given_name));
	pages_status_badge(c, acc->status);
	html_lit(b, "</div>\n");
	if (er && er->n)
		form_error_summary(b, c->lang, er->fe, er->n);
	if (er && er->alert)
		ui_alert(b, c->lang, "error", NULL, er->alert);
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "氏名", "Name"), pages_person(c, acc->family_name, acc->given_name));
	ui_dl_row(b, T(c, "フリガナ", "Reading"),
	          pages_person(c, acc->family_kana, acc->given_kana));
	ui_dl_row(b, T(c, "メールアドレス", "Email address"), acc->email);
	ui_dl_row(b, T(c, "役割", "Role"), role_text(c, acc->role));
	html_printf(b, "<div class=\"detail-list__row\"><dt>%s</dt><dd>",
	            T(c, "所属組織", "Organisation"));
	org_cell(c, &cache, acc);
	html_printf(b, "</dd></div>\n<div class=\"detail-list__row\"><dt>%s</dt><dd>",
	            T(c, "状態", "Status"));
	pages_status_badge(c, acc->status);
	html_lit(b, "</dd></div>\n");
	if (acc->status == ACCOUNT_DISABLED || acc->status == ACCOUNT_DELETED)
		ui_dl_row(b, T(c, "理由", "Reason"), acc->disabled_reason);
	ui_dl_row(b, T(c, "発行日時", "Issued"), pages_jst(c, acc->created_at));
	ui_dl_row(b, T(c, "有効化日時", "Activated"),
	          acc->activated_at ? pages_jst(c, acc->activated_at) : T(c, "未設定", "Not yet"));
	ui_dl_row(b, T(c, "最終サインイン", "Last sign-in"),
	          acc->last_signin_at ? pages_jst(c, acc->last_signin_at) : T(c, "なし", "Never"));
	ui_dl_row(b, T(c, "更新日時", "Last changed"), pages_jst(c, acc->updated_at));
	ui_dl_end(b);
	detail_actions(c, acc, er);
	web_page_end(c);
}

void page_account(struct web_ctx *c)
{
	struct account acc;
	if (purpose_gate_page(c))
		return;
	enum gcas_err e = svc_account_get(c->env, &c->ac, c->a, web_param(c, 0), &acc);
	if (e) {
		web_fail(c, e);
		return;
	}
	account_page(c, &acc, NULL);
}

void page_account_status(struct web_ctx *c)
{
	static const struct {
		const char *name, *done;
		enum account_op op;
	} ops[] = {{"disable", "disabled", ACCOUNT_OP_DISABLE},
	           {"enable", "enabled", ACCOUNT_OP_ENABLE},
	           {"delete", "deleted", ACCOUNT_OP_DELETE}};
	const char *id = web_param(c, 0), *opname = web_form(c, "op");
	struct verrs ve = {0};
	struct account acc;
	size_t i = 0;
	while (i < 3 && strcmp(ops[i].name, opname) != 0)
		i++;
	if (i == 3) {
		web_error_page(c, 400, "操作の指定が正しくありません。",
		               "The operation is not valid.");
		return;
	}
	const char *reason = web_form(c, arena_printf(c->a, "%s_reason", opname));
	enum gcas_err e =
	    svc_account_set_status(c->env, &c->ac, c->a, id, ops[i].op,
	                           ops[i].op == ACCOUNT_OP_ENABLE ? NULL : reason, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		enum gcas_err e2 = svc_account_get(c->env, &c->ac, c->a, id, &acc);
		if (e2) {
			web_fail(c, e2);
			return;
		}
		struct acc_errs er = {.op = opname, .value = reason};
		for (size_t k = 0; k < ve.n; k++) {
			const char *msg = T(c, ve.e[k].ja, ve.e[k].en);
			if (ve.e[k].field && strcmp(ve.e[k].field, "reason") == 0)
				er.fe[er.n++] = (struct field_error){
				    arena_printf(c->a, "%s_reason", opname), msg};
			else
				er.alert = msg;
		}
		c->resp->status = e == GCAS_ERR_INVALID ? 422 : 409;
		account_page(c, &acc, &er);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/accounts/%s?done=%s", id, ops[i].done));
}

void page_account_reset(struct web_ctx *c)
{
	const char *id = web_param(c, 0);
	enum gcas_err e = svc_account_reset_factors(c->env, &c->ac, c->a, id);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/accounts/%s?done=reset", id));
}

void page_account_setup_link(struct web_ctx *c)
{
	struct account acc;
	const char *link = NULL, *id = web_param(c, 0);
	enum gcas_err e = svc_account_setup_link(c->env, &c->ac, c->a, id, &link);
	if (!e)
		e = svc_account_get(c->env, &c->ac, c->a, id, &acc);
	if (e) {
		web_fail(c, e);
		return;
	}
	setup_link_page(c, &acc, link, 0);
}

/* ---- edit ---------------------------------------------------------------------------------- */

static void edit_page(struct web_ctx *c, const struct account *acc, const struct account_input *in,
                      int64_t version, const struct verrs *ve, int conflict)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	pages_sort_errors(fe, nfe, form_order, NORDER);
	web_page_begin(c, "アカウントの変更", "Change an account");
	html_printf(b, "<p><a href=\"/accounts/%s\">← %s</a></p>\n", acc->id,
	            pages_person(c, acc->family_name, acc->given_name));
	html_printf(b, "<h1>%s</h1>\n", T(c, "アカウントの変更", "Change an account"));
	form_error_summary(b, c->lang, fe, nfe);
	if (conflict) {
		/* Someone saved first: show what is stored now next to what was typed. */
		html_printf(b, "<h2>%s</h2>\n", T(c, "現在の登録内容", "What is stored now"));
		ui_dl_begin(b);
		ui_dl_row(b, T(c, "メールアドレス", "Email address"), acc->email);
		ui_dl_row(b, T(c, "氏名", "Name"),
		          pages_person(c, acc->family_name, acc->given_name));
		ui_dl_row(b, T(c, "フリガナ", "Reading"),
		          pages_person(c, acc->family_kana, acc->given_kana));
		ui_dl_end(b);
		html_printf(b, "<p>%s</p>\n",
		            T(c, "内容を確認し、必要ならもう一度保存してください。",
		              "Check the values and save again if they are still right."));
	}
	pages_form_begin(c, arena_printf(c->a, "/accounts/%s/edit", acc->id), "form");
	html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">",
	            (long long)version);
	person_fields(c, in, fe, nfe);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "保存する", "Save"), "primary");
	html_printf(b, "<a class=\"btn btn--text\" href=\"/accounts/%s\">%s</a>", acc->id,
	            T(c, "キャンセル", "Cancel"));
	html_lit(b, "</div></form>\n");
	web_page_end(c);
}

/* Load an account the viewer may change; answers the request itself on refusal. */
static int load_editable(struct web_ctx *c, const char *id, struct account *acc)
{
	enum gcas_err e = svc_account_get(c->env, &c->ac, c->a, id, acc);
	if (!e && acc->status == ACCOUNT_DELETED)
		e = GCAS_ERR_NOTFOUND;
	if (!e && !allowed(c, ACT_ACCOUNT_UPDATE, acc)) {
		web_denied(c, ACT_ACCOUNT_UPDATE, "account", id, acc->agency_id);
		return -1;
	}
	if (e) {
		web_fail(c, e);
		return -1;
	}
	return 0;
}

void page_account_edit_form(struct web_ctx *c)
{
	struct account acc;
	/* The form shows the person's details: for the operator a read like any other (R7.2). */
	if (purpose_gate_page(c) || load_editable(c, web_param(c, 0), &acc))
		return;
	struct account_input in = {.email = acc.email,
	                           .family_name = acc.family_name,
	                           .given_name = acc.given_name,
	                           .family_kana = acc.family_kana,
	                           .given_kana = acc.given_kana};
	edit_page(c, &acc, &in, acc.version, NULL, 0);
}

void page_account_edit(struct web_ctx *c)
{
	struct account acc;
	struct verrs ve = {0};
	int64_t version = 0;
	const char *id = web_param(c, 0);
	struct account_input in = person_input(c);
	if (str_to_i64(web_form(c, "version"), &version))
		version = 0; /* matches no row: reported as a conflict */
	enum gcas_err e = svc_account_update(c->env, &c->ac, c->a, id, version, &in, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		if (load_editable(c, id, &acc))
			return;
		int conflict = 0;
		for (size_t i = 0; i < ve.n; i++)
			conflict |= ve.e[i].field && strcmp(ve.e[i].field, "version") == 0;
		c->resp->status = conflict ? 409 : 422;
		/* After a conflict the form carries the stored version, so saving again is a
		 * deliberate choice made with the current values in view. */
		edit_page(c, &acc, &in, conflict ? acc.version : version, &ve, conflict);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, arena_printf(c->a, "/accounts/%s?done=updated", id));
}
