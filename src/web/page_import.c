/* SPDX-License-Identifier: MIT */
/* Bulk onboarding pages (issue 3 §8): the upload form with the file format and a template,
 * the multipart upload itself, and the result: every refused row (nothing was written), a clean
 * dry run, or the number of applications created with a link to that batch. */
#include <string.h>

#include "base/codec.h"
#include "svc/import.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/multipart.h"
#include "web/page_shared.h"

/* Refusals shown on the result page; the rest are counted (the CLI prints them all). */
#define SHOW_REFUSALS 1000

static int may_import(struct web_ctx *c)
{
	return c->authed && c->ac.acc && policy_role_can(c->ac.subj.role, ACT_APP_APPLY);
}

/* ---- the form ------------------------------------------------------------------------------ */

static void columns_help(struct web_ctx *c)
{
	struct buf *b = &c->resp->body;
	static const struct {
		const char *ja, *en, *need_ja, *need_en, *what_ja, *what_en;
	} rows[] = {
	    {"メールアドレス", "email", "必須", "required", "本人だけが使うアドレス",
	     "an address only this person uses"},
	    {"姓 / 名", "family_name / given_name", "必須", "required", "氏名", "the name"},
	    {"姓カナ / 名カナ", "family_kana / given_kana", "必須", "required",
	     "フリガナ（カタカナまたはひらがな）", "the reading in katakana or hiragana"},
	    {"ロール", "role", "必須", "required",
	     "役割の名前（例: 利用機関GCAS担当者）または agency_staff などの識別子",
	     "the role's label (e.g. 利用機関GCAS担当者) or its name such as agency_staff"},
	    {"組織", "org", "必須", "required", "組織コードまたは組織ID",
	     "the organisation's code or id"},
	    {"本人確認日", "verified_on", "必須", "required", "YYYY-MM-DD（未来の日付は不可）",
	     "YYYY-MM-DD, not in the future"},
	    {"確認範囲", "scope", "必須", "required",
	     "政府職員（gov_admin）または委託先（contractor_nda）",
	     "gov_admin (政府職員) or contractor_nda (委託先)"},
	    {"システム名", "system_name", "委託先のみ", "contractors", "担当するシステム",
	     "the system worked on"},
	    {"守秘義務", "nda", "委託先のみ", "contractors", "はい / いいえ（yes / no、1 / 0）",
	     "yes / no (はい / いいえ, 1 / 0)"},
	    {"理由", "reason", "必須", "required", "申請の理由（マイナンバーは書かないでください）",
	     "why the account is needed (never an Individual Number)"},
	};
	const char *heads[] = {T(c, "列名（日本語）", "Column (Japanese)"),
	                       T(c, "列名（英語）", "Column (English)"), T(c, "入力", "Needed"),
	                       T(c, "内容", "Content")};
	ui_table_begin(b, "import-columns", T(c, "CSVファイルの列", "Columns of the CSV file"),
	               heads, 4);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		html_printf(b,
		            "<tr><td>%s</td><td><code>%s</code></td><td>%s</td><td>%s</td></tr>\n",
		            rows[i].ja, rows[i].en, T(c, rows[i].need_ja, rows[i].need_en),
		            T(c, rows[i].what_ja, rows[i].what_en));
	ui_table_end(b);
}

/* The upload form; error is the file field's message (NULL: none). */
static void upload_form(struct web_ctx *c, int dry_run, const char *error)
{
	struct buf *b = &c->resp->body;
	struct field_error fe = {"file", error};
	if (error)
		form_error_summary(b, c->lang, &fe, 1);
	html_lit(b, "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\" "
	            "novalidate>");
	form_csrf(b, web_csrf_token(c));
	struct form_field ff = {
	    .name = "file",
	    .type = "file",
	    .label = T(c, "CSVファイル", "CSV file"),
	    .hint = T(c, "UTF-8のCSV（ExcelではCSV UTF-8で保存）。1ファイル10,000行まで。",
	              "UTF-8 CSV (in Excel: CSV UTF-8). At most 10,000 rows per file."),
	    .error = error,
	    .required = 1};
	pages_field(c, &ff);
	struct form_field df = {.name = "dry_run",
	                        .type = "checkbox",
	                        .label =
	                            T(c, "検証のみ（登録しない）", "Check only (write nothing)"),
	                        .value = dry_run ? "1" : NULL};
	pages_field(c, &df);
	form_submit(b, T(c, "取り込む", "Import"), "primary");
	html_lit(b, "</form>\n");
}

static void form_page(struct web_ctx *c, int dry_run, const char *error)
{
	struct buf *b = &c->resp->body;
	web_page_begin(c, "一括登録", "Bulk onboarding");
	html_printf(b, "<h1>%s</h1>\n", T(c, "一括登録（CSV）", "Bulk onboarding (CSV)"));
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "CSVファイルの1行ごとに、アカウント発行の申請を1件作成します。1行でも受け付け"
	              "られない行があると、ファイル全体が取り込まれず、受け付けられない行とその理由"
	              "を一覧で示します。",
	              "Each row of the CSV file becomes one application for an account. If any "
	              "row is refused, nothing from the file is written and every refused row is "
	              "listed with its reason."));
	upload_form(c, dry_run, error);
	html_printf(b, "<h2>%s</h2>\n", T(c, "ファイルの形式", "File format"));
	html_printf(b, "<p>%s</p>\n",
	            T(c,
	              "1行目は見出し行です。列の順序は自由で、日本語または英語の列名が使えます。",
	              "The first row is the header row. Columns may come in any order, named in "
	              "Japanese or English."));
	columns_help(c);
	html_printf(b,
	            "<p><a href=\"/import/template.csv\" download>%s</a> · "
	            "<a href=\"/import/template.csv?headers=en\" download>%s</a></p>\n",
	            T(c, "テンプレートをダウンロード（日本語の列名）",
	              "Download the template (Japanese headers)"),
	            T(c, "英語の列名のテンプレート", "Template with English headers"));
	web_page_end(c);
}

void page_import_form(struct web_ctx *c)
{
	if (!may_import(c)) {
		web_denied(c, ACT_APP_APPLY, "import", NULL, NULL);
		return;
	}
	form_page(c, 0, NULL);
}

void page_import_template(struct web_ctx *c)
{
	if (!may_import(c)) {
		web_denied(c, ACT_APP_APPLY, "import", NULL, NULL);
		return;
	}
	int english = strcmp(web_query(c, "headers"), "en") == 0;
	const char *t = svc_import_template(english);
	c->resp->content_type = "text/csv; charset=utf-8";
	http_resp_header(c->resp, c->a, "Content-Disposition",
	                 english ? "attachment; filename=\"gcas-import-template-en.csv\""
	                         : "attachment; filename=\"gcas-import-template.csv\"");
	buf_puts(&c->resp->body, t);
}

/* ---- the upload and its result ------------------------------------------------------------- */

static void refusal_table(struct web_ctx *c, const struct import_report *rep)
{
	struct buf *b = &c->resp->body;
	const char *heads[] = {T(c, "行", "Line"), T(c, "列", "Column"), T(c, "理由", "Reason")};
	size_t n = rep->nrefusals < SHOW_REFUSALS ? rep->nrefusals : SHOW_REFUSALS;
	ui_table_begin(b, "import-refusals", T(c, "受け付けられない行", "Refused rows"), heads, 3);
	for (size_t i = 0; i < n; i++) {
		const struct import_refusal *r = &rep->refusals[i];
		if (r->line)
			html_printf(b, "<tr><td class=\"nowrap\">%zu</td>", r->line);
		else
			html_printf(b, "<tr><td>%s</td>", T(c, "ファイル", "File"));
		html_printf(b, "<td>%s</td><td>%s</td></tr>\n", r->field ? r->field : "—",
		            T(c, r->ja, r->en));
	}
	ui_table_end(b);
	if (rep->nrefusals > n)
		html_printf(b, "<p>%s %zu</p>\n",
		            T(c, "表示していない理由の件数:", "Reasons not shown:"),
		            rep->nrefusals - n);
}

static void result_page(struct web_ctx *c, enum gcas_err e, const struct import_report *rep)
{
	struct buf *b = &c->resp->body;
	web_page_begin(c, "一括登録の結果", "Bulk onboarding result");
	html_printf(b, "<h1>%s</h1>\n", T(c, "一括登録の結果", "Bulk onboarding result"));
	if (e == GCAS_ERR_INVALID) {
		c->resp->status = 422;
		const char *ja =
		    arena_printf(c->a, "%zu行中%zu行を受け付けられません。何も登録されていません。",
		                 rep->rows, rep->refused_rows);
		const char *en =
		    arena_printf(c->a, "%zu of %zu rows were refused. Nothing was written.",
		                 rep->refused_rows, rep->rows);
		if (!rep->rows) {
			ja = "ファイルを読み取れません。何も登録されていません。";
			en = "The file could not be read. Nothing was written.";
		}
		ui_alert(b, c->lang, "error", T(c, "取り込めませんでした", "Not imported"),
		         T(c, ja, en));
		refusal_table(c, rep);
		html_printf(b, "<h2>%s</h2>\n",
		            T(c, "修正したファイルを取り込む", "Import a corrected file"));
		upload_form(c, rep->dry_run, NULL);
	} else if (rep->dry_run) {
		ui_alert(b, c->lang, "success", T(c, "検証しました", "Checked"),
		         T(c,
		           arena_printf(c->a, "%zu行すべて受け付けられます。登録はしていません。",
		                        rep->rows),
		           arena_printf(c->a, "All %zu rows can be imported. Nothing was written.",
		                        rep->rows)));
		html_printf(b, "<h2>%s</h2>\n", T(c, "このファイルを取り込む", "Import the file"));
		upload_form(c, 0, NULL);
	} else {
		ui_alert(b, c->lang, "success", T(c, "取り込みました", "Imported"),
		         T(c, arena_printf(c->a, "%zu件の申請を作成しました。", rep->created),
		           arena_printf(c->a, "%zu applications were created.", rep->created)));
		html_printf(b, "<p><a href=\"/applications?import=%s\">%s</a></p>\n",
		            rep->import_id,
		            T(c, "作成した申請の一覧", "The applications of this import"));
	}
	web_page_end(c);
}

void page_import_upload(struct web_ctx *c)
{
	struct import_report rep;
	/* The dispatcher decoded the upload and checked its CSRF token like any form's. */
	const struct mp_form *up = c->upload;
	if (!up) {
		web_error_page(c, 400, "CSVファイルをアップロードしてください。",
		               "Upload the CSV file as a form (multipart/form-data).");
		return;
	}
	if (!may_import(c)) {
		web_denied(c, ACT_APP_APPLY, "import", NULL, NULL);
		return;
	}
	const struct mp_part *dry = multipart_part_find(up, "dry_run");
	int dry_run = dry && !dry->filename && strcmp(dry->data, "1") == 0;
	const struct mp_part *file = multipart_part_find(up, "file");
	if (!file || !file->filename || file->len == 0) {
		c->resp->status = 422;
		form_page(
		    c, dry_run,
		    T(c, "取り込むCSVファイルを選択してください", "Choose the CSV file to import"));
		return;
	}
	enum gcas_err e = svc_import_accounts(c->env, &c->ac, c->a, file->data, file->len, dry_run,
	                                      NULL, NULL, &rep);
	if (e && e != GCAS_ERR_INVALID) {
		web_fail(c, e);
		return;
	}
	result_page(c, e, &rep);
}
