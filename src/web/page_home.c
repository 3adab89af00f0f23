/* SPDX-License-Identifier: MIT */
/* The home page: who you are, and the services your role may use (別表2, R3.3), with links to
 * those already available. */
#include "web/handlers.h"
#include "web/html.h"

struct service {
	const char *id, *ja, *en, *href;
	unsigned roles; /* bit per enum role */
};

#define RB(r) (1u << (r))
#define MGRS3 (RB(ROLE_AGENCY_MANAGER) | RB(ROLE_PROJECT_MANAGER) | RB(ROLE_CONTRACTOR_MANAGER))
#define ALL   0x7Fu

/* 別表2: the services and who uses them. The operator runs them all. */
static const struct service services[] = {
    {"S1", "GCASアカウントの申請・認証", "GCAS account applications and approvals", "/applications",
     MGRS3 | RB(ROLE_OPERATOR)},
    {"S2", "メンバー管理", "Member management", "/groups", MGRS3 | RB(ROLE_OPERATOR)},
    {"S3", "GCASガイドの閲覧", "GCAS guide", NULL, ALL},
    {"S4", "ヘルプデスク・FAQ", "Helpdesk and FAQ", NULL, ALL},
    {"S5", "システム情報登録", "System information registration", "/systems",
     MGRS3 | RB(ROLE_OPERATOR)},
    {"S6", "CSP環境作成・削除申請", "CSP environment applications", "/environments",
     RB(ROLE_AGENCY_MANAGER) | RB(ROLE_PROJECT_MANAGER) | RB(ROLE_OPERATOR)},
    {"S7", "CSPユーザー作成・管理", "CSP users", NULL, MGRS3 | RB(ROLE_OPERATOR)},
    {"S8", "管理コンソールへのシングルサインオン", "Management console sign-on", NULL, ALL},
};

/* Tools around the services, each shown to the roles the matrix lets use it (-1: everyone). */
static const struct {
	const char *ja, *en, *href;
	int act[2];
} tools[] = {
    {"処理待ちキュー（5営業日）",
     "Fulfilment queue (5 business days)",
     "/applications/queue",
     {ACT_APP_FULFIL, -1}},
    {"サービス水準の月次報告",
     "Monthly service-level report",
     "/reports/slo",
     {ACT_APP_FULFIL, -1}},
    {"一括申請（CSV）", "Bulk applications (CSV)", "/import", {ACT_APP_APPLY, -1}},
    {"定期確認", "Periodic reviews", "/reviews", {ACT_REVIEW_MANAGE, ACT_REVIEW_DECIDE}},
    {"登録できないメールアドレス",
     "Refused mail addresses",
     "/admin/mail-blocklist",
     {ACT_MAIL_BLOCKLIST, -1}},
    {"クラウドの管理コンソール", "Cloud consoles", "/console", {ACT_CONSOLE_USE, -1}},
    {"行政機関の休日", "Administrative holidays", "/calendar", {-1, -1}},
};

static int tool_allowed(enum role r, size_t i)
{
	if (tools[i].act[0] < 0)
		return 1;
	for (size_t k = 0; k < 2; k++)
		if (tools[i].act[k] >= 0 && policy_role_can(r, (enum action)tools[i].act[k]))
			return 1;
	return 0;
}

void page_home(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	const struct account *acc = &c->sv.acc;
	web_page_begin(c, "ホーム", "Home");
	html_printf(b, "<h1>%s</h1>", T(c, "ホーム", "Home"));
	if (c->lang == LANG_EN)
		html_printf(b, "<p class=\"lead\">Welcome, %s %s (%s)</p>", acc->family_name,
		            acc->given_name, role_label(acc->role, 1));
	else
		html_printf(b, "<p class=\"lead\">ようこそ、%s %sさん（%s）</p>", acc->family_name,
		            acc->given_name, role_label(acc->role, 0));
	if (acc->status == ACCOUNT_PENDING)
		ui_alert(b, c->lang, "info", NULL,
		         T(c, "初回のサインインが完了し、アカウントは有効になりました。",
		           "Your first sign-in is complete and your account is now active."));
	html_printf(b, "<h2>%s</h2>", T(c, "利用できるサービス", "Services you can use"));
	html_lit(b, "<div class=\"cards\">");
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		const struct service *s = &services[i];
		if (!(s->roles & RB(acc->role)))
			continue;
		html_lit(b, "<div class=\"card\"><h3 class=\"card__title\">");
		if (s->href)
			html_printf(b, "<a href=\"%s\">%s</a>", s->href, T(c, s->ja, s->en));
		else
			html_text(b, T(c, s->ja, s->en));
		html_printf(b, "</h3><p class=\"muted\">%s%s</p></div>", s->id,
		            s->href ? "" : T(c, "・準備中", " · coming later"));
	}
	html_lit(b, "</div>");
	html_printf(b, "<h2>%s</h2><ul class=\"tool-links\">", T(c, "業務ツール", "Tools"));
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (tool_allowed(acc->role, i))
			html_printf(b, "<li><a href=\"%s\">%s</a></li>", tools[i].href,
			            T(c, tools[i].ja, tools[i].en));
	html_lit(b, "</ul>");
	web_page_end(c);
}
