/* SPDX-License-Identifier: MIT */
/* The audit log page (R6.4, regulation 4.6): records newest first, filtered by action prefix,
 * actor and a date range in Japan time, paged by an opaque cursor. The use case scopes what is
 * read: the operator sees everything, an agency manager only their agency's records, anyone
 * else is refused (and the refusal itself is recorded). */
#include <string.h>

#include "svc/audit.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define LIST_LIMIT 50

/* Words for the actions people meet most; anything else is shown by its code alone. */
static const struct {
	const char *code, *ja, *en;
} action_words[] = {
    {"account.bootstrap", "初期運用者の作成", "First operator created"},
    {"account.create", "アカウントの発行", "Account issued"},
    {"account.update", "アカウントの変更", "Account changed"},
    {"account.disable", "アカウントの無効化", "Account disabled"},
    {"account.enable", "アカウントの再有効化", "Account enabled"},
    {"account.delete", "アカウントの削除", "Account deleted"},
    {"account.reset_factors", "2段階認証のリセット", "Second factors reset"},
    {"account.setup_link", "設定用リンクの発行", "Set-up link issued"},
    {"org.create_agency", "利用機関の登録", "Agency registered"},
    {"org.create_project", "プロジェクトチームの作成", "Project team created"},
    {"org.create_contractor", "開発運用委託業者の追加", "Contractor added"},
    {"org.rename", "組織名の変更", "Organisation renamed"},
    {"group.member_add", "メンバーの追加", "Member added"},
    {"group.member_remove", "メンバーの削除", "Member removed"},
    {"signin.success", "サインイン", "Signed in"},
    {"signin.failure", "サインインの失敗", "Sign-in failed"},
    {"signin.factor_failure", "2段階認証の失敗", "Second factor failed"},
    {"signin.password", "パスワードの確認", "Password accepted"},
    {"signout", "サインアウト", "Signed out"},
    {"reauth.success", "本人確認", "Re-authenticated"},
    {"reauth.failure", "本人確認の失敗", "Re-authentication failed"},
    {"password.change", "パスワードの変更", "Password changed"},
    {"password.setup", "パスワードの設定", "Password set"},
    {"factor.totp_enrolled", "認証アプリの登録", "Authenticator set up"},
    {"token.create", "APIトークンの作成", "API token created"},
    {"token.revoke", "APIトークンの失効", "API token revoked"},
    {"permission.denied", "権限のない操作", "Permission denied"},
    {"account.departure", "離任の記録", "Departure recorded"},
    {"account.email_verified", "メールアドレスの確認", "Address verified"},
    {"application.create", "申請の作成", "Application made"},
    {"application.submit", "申請の提出", "Application submitted"},
    {"application.approve", "申請の承認", "Application approved"},
    {"application.reject", "申請の却下", "Application rejected"},
    {"application.withdraw", "申請の取り下げ", "Application withdrawn"},
    {"application.fulfil", "申請の処理完了", "Application fulfilled"},
    {"application.fail", "申請の処理不可", "Application could not be fulfilled"},
    {"org.end", "組織の利用終了（データ削除）", "Organisation ended (data deleted)"},
    {"group.member_expire", "メンバーの期限切れ", "Membership expired"},
    {"review.open", "定期確認の開始", "Review opened"},
    {"review.decide", "定期確認の判定", "Review decision"},
    {"review.escalate", "定期確認の上位者への回付", "Review escalated"},
    {"review.close", "定期確認の終了", "Review closed"},
    {"import.accounts", "一括申請", "Bulk applications"},
    {"calendar.import", "祝日一覧の取り込み", "Holiday list imported"},
    {"mail.block_add", "登録不可アドレスの追加", "Refused address added"},
    {"mail.block_remove", "登録不可アドレスの削除", "Refused address removed"},
    {"system.register", "システム情報の登録", "System registered"},
    {"system.update", "システム情報の変更", "System information changed"},
    {"env.submitted", "CSP環境の申請", "Environment requested"},
    {"env.approved", "CSP環境申請の承認", "Environment request approved"},
    {"env.rejected", "CSP環境申請の却下", "Environment request rejected"},
    {"env.fulfilled", "CSP環境の作成・削除", "Environment request fulfilled"},
    {"env.attempt_failed", "CSP環境の処理失敗（再試行）", "Environment attempt failed (retrying)"},
    {"env.failed", "CSP環境の処理不可", "Environment request failed"},
    {"assignment.create", "CSPユーザーの割り当て", "CSP user assigned"},
    {"assignment.privilege", "CSPユーザーの権限変更", "CSP user privilege changed"},
    {"assignment.revoke", "CSPユーザーの割り当て解除", "CSP user assignment revoked"},
    {"scim.drift_corrected", "CSP側の差分の修正", "CSP identity store drift corrected"},
    {"factor.webauthn_registered", "セキュリティキーの登録", "Security key registered"},
    {"factor.webauthn_refused", "セキュリティキーの拒否", "Security key refused"},
    {"factor.webauthn_removed", "セキュリティキーの削除", "Security key removed"},
    {"oidc.client_register", "OIDCクライアントの登録", "OIDC client registered"},
    {"oidc.client_disable", "OIDCクライアントの無効化", "OIDC client disabled"},
    {"oidc.authorize", "コンソールへのサインイン（OIDC）", "Console sign-in (OIDC)"},
    {"oidc.code_reuse", "認可コードの再使用（トークン失効）",
     "Authorization code reused (tokens revoked)"},
    {"oidc.refresh_reuse", "リフレッシュトークンの再使用（失効）",
     "Refresh token reused (revoked)"},
    {"saml.sp_register", "SAMLサービスプロバイダの登録", "SAML service provider registered"},
    {"saml.sp_disable", "SAMLサービスプロバイダの無効化", "SAML service provider disabled"},
    {"saml.sso", "SAMLによるサインイン", "SAML sign-in"},
    {"saml.idp_initiated", "SAMLによるサインイン（IdP起点）", "SAML sign-in (IdP-initiated)"},
    {"console.signin", "コンソールへのサインイン（SAML）", "Console sign-in (SAML)"},
    {"keys.generate", "署名鍵の作成", "Signing key generated"},
    {"keys.rotate", "署名鍵のローテーション", "Signing key rotated"},
    {"keys.revoke", "署名鍵の失効", "Signing key revoked"},
    {"breakglass.registered", "緊急アクセスの事前登録", "BreakGlass registration"},
    {"breakglass.unregistered", "緊急アクセスの登録解除", "BreakGlass registration ended"},
    {"breakglass.requested", "緊急アクセスの申請", "Emergency access requested"},
    {"breakglass.approved", "緊急アクセスの承認", "Emergency access approved"},
    {"breakglass.rejected", "緊急アクセスの却下", "Emergency access rejected"},
    {"breakglass.issued", "緊急アクセス認証情報の発行", "Emergency credential issued"},
    {"breakglass.issue_failed", "緊急アクセス認証情報の発行失敗（再試行）",
     "Emergency credential issue failed (retrying)"},
    {"breakglass.failed", "緊急アクセス認証情報の発行不可", "Emergency credential not issued"},
    {"breakglass.withdrawn", "緊急アクセスの取り下げ", "Emergency access withdrawn"},
    {"breakglass.revoke_requested", "緊急アクセスの終了依頼", "Emergency access ended early"},
    {"breakglass.revoked", "緊急アクセス認証情報の失効", "Emergency credential revoked"},
    {"breakglass.revoke_failed", "緊急アクセス認証情報の失効失敗（再試行）",
     "Emergency credential revocation failed (retrying)"},
    {"breakglass.expired", "緊急アクセス認証情報の期限切れ失効", "Emergency credential expired"},
    {"breakglass.emergency_signin", "緊急アクセスによるサインイン",
     "Sign-in with an emergency credential"},
};

static const char *action_word(const struct web_ctx *c, const char *code)
{
	for (size_t i = 0; code && i < sizeof(action_words) / sizeof(action_words[0]); i++)
		if (strcmp(action_words[i].code, code) == 0)
			return T(c, action_words[i].ja, action_words[i].en);
	return NULL;
}

static void outcome_badge(struct web_ctx *c, const char *outcome)
{
	struct buf *b = &c->resp->body;
	if (!outcome || strcmp(outcome, "ok") == 0)
		ui_badge(b, "success", T(c, "成功", "OK"));
	else if (strcmp(outcome, "denied") == 0)
		ui_badge(b, "error", T(c, "拒否", "Denied"));
	else if (strcmp(outcome, "failure") == 0)
		ui_badge(b, "warning", T(c, "失敗", "Failed"));
	else
		ui_badge(b, "neutral", outcome);
}

/* The target as a link to its page where there is one; ids are shortened for reading and
 * kept whole in the title. */
static void target_cell(struct web_ctx *c, const struct audit_rec *r)
{
	struct buf *b = &c->resp->body;
	static const struct {
		const char *type, *path, *ja, *en;
	} kinds[] = {
	    {"account", "/accounts/", "アカウント", "Account"},
	    {"org", "/orgs/", "組織", "Organisation"},
	    {"group", "/groups/", "グループ", "Group"},
	    {"token", NULL, "APIトークン", "API token"},
	    {"session", NULL, "セッション", "Session"},
	    {"audit", NULL, "監査ログ", "Audit log"},
	};
	size_t i = 0, nk = sizeof(kinds) / sizeof(kinds[0]);
	while (i < nk && (!r->target_type || strcmp(kinds[i].type, r->target_type) != 0))
		i++;
	html_text(b, i < nk ? T(c, kinds[i].ja, kinds[i].en) : r->target_type);
	if (!r->target_id || !*r->target_id)
		return;
	const char *shortid = arena_printf(c->a, "%.8s…", r->target_id);
	if (i < nk && kinds[i].path)
		html_printf(b, "<br><a class=\"mono\" href=\"%s%s\" title=\"%s\">%s</a>",
		            kinds[i].path, r->target_id, r->target_id, shortid);
	else
		html_printf(b, "<br><span class=\"mono\" title=\"%s\">%s</span>", r->target_id,
		            shortid);
}

struct audit_query {
	const char *action, *actor, *since, *until, *cursor;
};

static void filters(struct web_ctx *c, const struct audit_query *q, const struct field_error *fe,
                    size_t nfe)
{
	struct buf *b = &c->resp->body;
	form_error_summary(b, c->lang, fe, nfe);
	pages_filter_begin(c, "/audit");
	struct form_field af = {.name = "action",
	                        .label = T(c, "操作（前方一致）", "Action (starts with)"),
	                        .hint = T(c, "例：account. でアカウントに関する操作すべて",
	                                  "For example account. for everything about accounts"),
	                        .value = q->action,
	                        .error = form_error_for(fe, nfe, "action"),
	                        .maxlength = 64};
	pages_field(c, &af);
	struct form_field uf = {.name = "actor",
	                        .label = T(c, "実行者のアカウントID", "Actor's account id"),
	                        .hint = T(c, "表の実行者のリンクからも絞り込めます。",
	                                  "Or follow an actor's link in the table."),
	                        .value = q->actor,
	                        .error = form_error_for(fe, nfe, "actor"),
	                        .maxlength = 64};
	pages_field(c, &uf);
	struct form_field sf = {.name = "since",
	                        .type = "date",
	                        .label = T(c, "開始日", "From"),
	                        .hint =
	                            T(c, "日本時間。例：2026-04-01", "Japan time, e.g. 2026-04-01"),
	                        .value = q->since,
	                        .error = form_error_for(fe, nfe, "since")};
	pages_field(c, &sf);
	struct form_field tf = {
	    .name = "until",
	    .type = "date",
	    .label = T(c, "終了日", "To"),
	    .hint = T(c, "この日の終わりまでを含みます。", "Up to the end of this day."),
	    .value = q->until,
	    .error = form_error_for(fe, nfe, "until")};
	pages_field(c, &tf);
	pages_filter_end(c, T(c, "絞り込む", "Filter"));
}

static void rows_table(struct web_ctx *c, const struct audit_rec *r, size_t n)
{
	struct buf *b = &c->resp->body;
	const char *heads[] = {T(c, "日時（日本時間）", "Time (JST)"),
	                       T(c, "実行者", "Actor"),
	                       T(c, "操作", "Action"),
	                       T(c, "対象", "Target"),
	                       T(c, "結果", "Outcome"),
	                       T(c, "リクエストID", "Request id")};
	ui_table_begin(b, "audit", T(c, "監査ログ（新しい順）", "Audit records, newest first"),
	               heads, 6);
	for (size_t i = 0; i < n; i++) {
		const char *word = action_word(c, r[i].action);
		html_printf(b, "<tr><td class=\"nowrap\">%s</td><td>", pages_jst(c, r[i].at));
		if (r[i].actor_id)
			html_printf(b, "<a href=\"%s\">%s</a>",
			            pages_url(c, "/audit", "actor", r[i].actor_id, NULL),
			            r[i].actor_label);
		else
			html_text(b, r[i].actor_label);
		html_lit(b, "</td><td>");
		if (word)
			html_printf(b, "%s<br>", word);
		html_printf(b, "<span class=\"mono\">%s</span>", r[i].action);
		if (r[i].detail && strcmp(r[i].detail, "{}") != 0)
			html_printf(b,
			            "<details><summary>%s</summary><code class=\"mono\">%s</code>"
			            "</details>",
			            T(c, "詳細", "Details"), r[i].detail);
		html_lit(b, "</td><td class=\"nowrap\">");
		target_cell(c, &r[i]);
		html_lit(b, "</td><td>");
		outcome_badge(c, r[i].outcome);
		/* Request ids are long; the first characters find it in the logs, the title has
		 * it whole. */
		if (r[i].request_id && *r[i].request_id)
			html_printf(b,
			            "</td><td class=\"mono nowrap\" title=\"%s\">%.12s</td></tr>\n",
			            r[i].request_id, r[i].request_id);
		else
			html_lit(b, "</td><td>—</td></tr>\n");
	}
	ui_table_end(b);
}

void page_audit(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	struct audit_query q = {web_query(c, "action"), web_query(c, "actor"),
	                        web_query(c, "since"), web_query(c, "until"), NULL};
	struct audit_filter f = {0};
	struct page pg = {.limit = LIST_LIMIT};
	struct audit_rec *rows;
	struct verrs ve = {0};
	size_t n;
	int64_t since = 0, until = 0;
	if (strlen(q.action) > 64)
		verr_add(&ve, "action", "操作は64文字以内で入力してください",
		         "The action is at most 64 characters");
	if (strlen(q.actor) > 64)
		verr_add(&ve, "actor", "アカウントIDが正しくありません",
		         "The account id is not valid");
	if (*q.since && pages_parse_date_jst(q.since, &since))
		verr_add(&ve, "since", "開始日は 2026-04-01 のように年-月-日で入力してください",
		         "Enter the start date as year-month-day, like 2026-04-01");
	if (*q.until && pages_parse_date_jst(q.until, &until))
		verr_add(&ve, "until", "終了日は 2026-04-30 のように年-月-日で入力してください",
		         "Enter the end date as year-month-day, like 2026-04-30");
	else if (until)
		until += 86400; /* the store's bound is exclusive: up to the end of that day */
	if (since && until && since >= until)
		verr_add(&ve, "until", "終了日は開始日以降にしてください",
		         "The end date must not be before the start date");
	if (pages_cursor_in(c, &pg.after))
		verr_add(&ve, "cursor", "ページ送りの指定が正しくありません",
		         "The page cursor is not valid");
	/* Whatever was wrong with the filters, the use case still decides who may read: a
	 * refusal is a 403 page, not a form error. Invalid parts are left out of the query. */
	if (!ve.n) {
		f.action_prefix = *q.action ? q.action : NULL;
		f.actor_id = *q.actor ? q.actor : NULL;
		f.since = since;
		f.until = until;
	} else {
		pg.after = NULL;
	}
	enum gcas_err e = svc_audit_list(c->env, &c->ac, c->a, &f, &pg, &rows, &n);
	if (e) {
		web_fail(c, e);
		return;
	}
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, &ve, fe, VERR_MAX);
	if (nfe)
		c->resp->status = 422;
	web_page_begin(c, "監査ログ", "Audit log");
	html_printf(b, "<h1>%s</h1>\n", T(c, "監査ログ", "Audit log"));
	html_printf(
	    b, "<p class=\"lead\">%s</p>\n",
	    c->ac.subj.role == ROLE_OPERATOR
	        ? T(c, "すべての操作の記録です。記録は改ざんを検知できる形で保存されています。",
	            "Every recorded operation. Records are chained so that tampering is "
	            "detected.")
	        : T(c, "あなたの利用機関に関する操作の記録です。",
	            "Records of operations concerning your agency."));
	filters(c, &q, fe, nfe);
	if (n == 0)
		html_printf(b, "<p>%s</p>\n",
		            T(c, "該当する記録はありません。", "No records match."));
	else
		rows_table(c, rows, n);
	if (pg.next && !nfe)
		pages_next_link(c, pages_url(c, "/audit", "action", q.action, "actor", q.actor,
		                             "since", q.since, "until", q.until, "cursor",
		                             pages_cursor_out(c, pg.next), NULL));
	web_page_end(c);
}
