/* SPDX-License-Identifier: MIT */
/* The CSP users of one environment (issue 4 §3, S7): who is assigned with which privilege and
 * where each stands in the SCIM push (pushed / pending / failed with the reason), when the
 * identity store was last checked for drift and what was corrected; the form to assign a
 * person by email (re-rendered with its messages and what was typed), and per person the
 * privilege change and revocation. The use cases authorise and audit; the page asks only to
 * decide what to offer. */
#include <string.h>

#include "svc/assignments.h"
#include "svc/environments.h"
#include "svc/scim_push.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

static const struct pages_done asg_done[] = {
    {"assigned", "割り当てました。次の同期でクラウドに反映されます。",
     "Assigned. The next sync carries it to the cloud."},
    {"changed", "権限を変更しました。", "Privilege changed."},
    {"revoked", "割り当てを解除しました。次の同期でクラウドの利用者は無効になります。",
     "Assignment revoked. The next sync deactivates the cloud user."},
};

static const char *priv_label(const struct web_ctx *c, enum asg_priv p)
{
	return p == ASG_PRIV_ADMIN ? T(c, "管理者", "Administrator")
	                           : T(c, "一般利用者", "General");
}

/* The reasons the use cases store (svc/assignments.c, svc/environments.c), in the page's
 * language; anything else as stored. */
static const char *reason_label(const struct web_ctx *c, const char *r)
{
	if (!r)
		return "";
	if (strcmp(r, "removed") == 0)
		return T(c, "管理者による解除", "Revoked by a manager");
	if (strcmp(r, "environment closed") == 0)
		return T(c, "環境の削除", "Environment closed");
	return r;
}

static void state_cell(struct web_ctx *c, const struct scim_env_status *st,
                       const struct assignment *as)
{
	struct buf *b = &c->resp->body;
	const struct scim_user_status *s = svc_scim_status_of(st, as->account_id);
	if (!st->has_target) {
		html_text(b, T(c, "送信先なし", "No SCIM target"));
		return;
	}
	if (s && s->state == SCIM_ST_PUSHED) {
		ui_badge(b, "success", T(c, "反映済み", "Pushed"));
		return;
	}
	if (s && s->state == SCIM_ST_FAILED) {
		ui_badge(b, "error", T(c, "失敗", "Failed"));
		html_printf(b, " <span class=\"muted\">%s</span>", s->error ? s->error : "");
		return;
	}
	ui_badge(b, "info", T(c, "反映待ち", "Pending"));
	if (s && s->error)
		html_printf(b, " <span class=\"muted\">%s (%s %lld)</span>", s->error,
		            T(c, "再試行", "retry"), (long long)s->attempts);
}

static void row_actions(struct web_ctx *c, const struct environment *en,
                        const struct assignment *as)
{
	struct buf *b = &c->resp->body;
	enum asg_priv other = as->priv == ASG_PRIV_ADMIN ? ASG_PRIV_GENERAL : ASG_PRIV_ADMIN;
	pages_form_begin(
	    c, arena_printf(c->a, "/environments/%s/assignments/%s/privilege", en->id, as->id),
	    NULL);
	html_printf(b, "<input type=\"hidden\" name=\"privilege\" value=\"%s\">",
	            asg_priv_name(other));
	/* The person's name, hidden, tells one row's buttons from another's (WCAG 2.4.6). */
	html_printf(b,
	            "<button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s"
	            "<span class=\"visually-hidden\"> %s</span></button></form> ",
	            other == ASG_PRIV_ADMIN ? T(c, "管理者にする", "Make administrator")
	                                    : T(c, "一般利用者にする", "Make general"),
	            as->account_name);
	pages_form_begin(
	    c, arena_printf(c->a, "/environments/%s/assignments/%s/revoke", en->id, as->id), NULL);
	html_printf(b,
	            "<button type=\"submit\" class=\"btn btn--danger btn--sm\">%s"
	            "<span class=\"visually-hidden\"> %s</span></button></form>",
	            T(c, "解除する", "Revoke"), as->account_name);
}

static void active_table(struct web_ctx *c, const struct environment *en,
                         const struct assignment *v, size_t n, const struct scim_env_status *st,
                         int manage)
{
	struct buf *b = &c->resp->body;
	const char *heads[] = {T(c, "氏名", "Name"), T(c, "メールアドレス", "Email"),
	                       T(c, "権限", "Privilege"), T(c, "クラウドへの反映", "Push state"),
	                       T(c, "操作", "Actions")};
	size_t shown = 0;
	for (size_t i = 0; i < n; i++)
		shown += v[i].active;
	if (!shown) {
		ui_alert(b, c->lang, "info", NULL,
		         T(c, "この環境に割り当てられた人はいません。",
		           "Nobody is assigned to this environment."));
		return;
	}
	ui_table_begin(b, "assignments", T(c, "割り当て", "Assignments"), heads, manage ? 5 : 4);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].active)
			continue;
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", v[i].account_name,
		            v[i].account_email, priv_label(c, v[i].priv));
		state_cell(c, st, &v[i]);
		html_lit(b, "</td>");
		if (manage) {
			html_lit(b, "<td>");
			row_actions(c, en, &v[i]);
			html_lit(b, "</td>");
		}
		html_lit(b, "</tr>\n");
	}
	ui_table_end(b);
}

static void history_table(struct web_ctx *c, const struct assignment *v, size_t n)
{
	struct buf *b = &c->resp->body;
	const char *heads[] = {T(c, "氏名", "Name"), T(c, "権限", "Privilege"),
	                       T(c, "解除日時", "Revoked"), T(c, "理由", "Reason")};
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += !v[i].active;
	if (!k)
		return;
	html_printf(b, "<h2>%s</h2>\n", T(c, "解除された割り当て", "Revoked assignments"));
	ui_table_begin(b, "revoked", T(c, "解除された割り当て", "Revoked assignments"), heads, 4);
	for (size_t i = 0; i < n; i++)
		if (!v[i].active)
			html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			            v[i].account_name, priv_label(c, v[i].priv),
			            pages_jst(c, v[i].revoked_at),
			            reason_label(c, v[i].revoked_reason));
	ui_table_end(b);
}

static void sync_summary(struct web_ctx *c, const struct scim_env_status *st)
{
	struct buf *b = &c->resp->body;
	ui_dl_begin(b);
	ui_dl_row(b, T(c, "SCIMの送信先", "SCIM target"),
	          st->has_target ? T(c, "あり", "Configured") : T(c, "なし", "None"));
	ui_dl_row(b, T(c, "最後の同期", "Last sync"),
	          st->last_sync_at ? pages_jst(c, st->last_sync_at) : "—");
	ui_dl_row(b, T(c, "最後の差分確認", "Last drift check"),
	          st->last_drift_at ? pages_jst(c, st->last_drift_at) : "—");
	ui_dl_row(b, T(c, "差分の修正", "Drift corrected"),
	          st->corrected && *st->corrected ? st->corrected : T(c, "なし", "None"));
	if (st->last_error)
		ui_dl_row(b, T(c, "最後のエラー", "Last error"), st->last_error);
	ui_dl_end(b);
}

static void add_form(struct web_ctx *c, const struct environment *en, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	static const char *const order[] = {"environment_id", "email", "privilege"};
	pages_sort_errors(fe, nfe, order, 3);
	struct form_option opts[] = {{"admin", T(c, "管理者", "Administrator")},
	                             {"general", T(c, "一般利用者", "General")}};
	const char *priv = web_form(c, "privilege");
	html_printf(b, "<h2 id=\"assign\">%s</h2>\n", T(c, "割り当てる", "Assign a person"));
	form_error_summary(b, c->lang, fe, nfe);
	pages_form_begin(c, arena_printf(c->a, "/environments/%s/assignments", en->id), "form");
	struct form_field ef = {.name = "email",
	                        .type = "email",
	                        .label =
	                            T(c, "GCASアカウントのメールアドレス", "GCAS account email"),
	                        .value = web_form(c, "email"),
	                        .error = form_error_for(fe, nfe, "email"),
	                        .required = 1,
	                        .autocomplete = "off",
	                        .maxlength = 254};
	pages_field(c, &ef);
	struct form_field pf = {.name = "privilege",
	                        .type = "radio",
	                        .label = T(c, "権限", "Privilege"),
	                        .value = *priv ? priv : "general",
	                        .error = form_error_for(fe, nfe, "privilege"),
	                        .required = 1,
	                        .options = opts,
	                        .noptions = 2};
	pages_field(c, &pf);
	html_lit(b, "<div class=\"form-actions\">");
	form_submit(b, T(c, "割り当てる", "Assign"), "primary");
	html_lit(b, "</div></form>\n");
}

static void assignments_page(struct web_ctx *c, const char *env_id, const struct verrs *ve)
{
	struct environment en;
	struct assignment *v;
	struct scim_env_status st;
	size_t n = 0;
	/* R7.2 (regulation §5.2.2): the page is a list of people; the operator states why first,
	 * returning to the list (a re-rendered POST too). */
	if (purpose_gate_page_next(c, arena_printf(c->a, "/environments/%s/assignments", env_id)))
		return;
	enum gcas_err e = svc_environment_get(c->env, &c->ac, c->a, env_id, &en);
	if (!e)
		e = svc_assignments_of_environment(c->env, &c->ac, c->a, en.id, 0, &v, &n);
	if (!e)
		e = svc_scim_status(c->env, &c->ac, c->a, en.id, &st);
	if (e) {
		web_fail(c, e);
		return;
	}
	struct buf *b = &c->resp->body;
	int manage = svc_assignment_may_manage(&c->ac, &en) && en.state == ENV_ACTIVE;
	pages_begin(c, "CSPユーザー", "CSP users", asg_done,
	            sizeof(asg_done) / sizeof(asg_done[0]));
	html_printf(b, "<p><a href=\"/environments/%s\">← %s</a></p>\n", en.id,
	            T(c, "クラウド環境", "Cloud environment"));
	html_printf(b, "<h1>%s: %s %s</h1>\n", T(c, "CSPユーザー", "CSP users"),
	            sys_csp_label(en.csp), sys_env_label(en.kind, c->lang == LANG_EN));
	purpose_notice(c);
	sync_summary(c, &st);
	active_table(c, &en, v, n, &st, manage);
	if (manage)
		add_form(c, &en, ve);
	history_table(c, v, n);
	web_page_end(c);
}

void page_assignments(struct web_ctx *c)
{
	assignments_page(c, web_param(c, 0), NULL);
}

void page_assignment_add(struct web_ctx *c)
{
	struct verrs ve = {0};
	struct assignment as;
	enum gcas_err e =
	    svc_assignment_add(c->env, &c->ac, c->a, web_param(c, 0), web_form(c, "email"),
	                       web_form(c, "privilege"), &as, &ve);
	if (!e) {
		web_redirect(c, arena_printf(c->a, "/environments/%s/assignments?done=assigned",
		                             as.environment_id));
		return;
	}
	if (!((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n)) {
		web_fail(c, e);
		return;
	}
	c->resp->status = e == GCAS_ERR_CONFLICT ? 409 : 422;
	assignments_page(c, web_param(c, 0), &ve);
}

/* The assignment named in the path must belong to the environment named in it. */
static int same_env(struct web_ctx *c)
{
	struct assignment as;
	enum gcas_err e = svc_assignment_get(c->env, &c->ac, c->a, web_param(c, 1), &as);
	if (!e && strcmp(as.environment_id, web_param(c, 0)) != 0)
		e = GCAS_ERR_NOTFOUND;
	if (e)
		web_fail(c, e);
	return !e;
}

void page_assignment_privilege(struct web_ctx *c)
{
	struct verrs ve = {0};
	if (!same_env(c))
		return;
	enum gcas_err e = svc_assignment_set_privilege(c->env, &c->ac, c->a, web_param(c, 1),
	                                               web_form(c, "privilege"), NULL, &ve);
	if (e == GCAS_ERR_INVALID) {
		c->resp->status = 422;
		assignments_page(c, web_param(c, 0), &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(
	    c, arena_printf(c->a, "/environments/%s/assignments?done=changed", web_param(c, 0)));
}

void page_assignment_revoke(struct web_ctx *c)
{
	if (!same_env(c))
		return;
	enum gcas_err e = svc_assignment_revoke(c->env, &c->ac, c->a, web_param(c, 1), NULL);
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(
	    c, arena_printf(c->a, "/environments/%s/assignments?done=revoked", web_param(c, 0)));
}
