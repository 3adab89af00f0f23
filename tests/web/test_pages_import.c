/* SPDX-License-Identifier: MIT */
/* Bulk onboarding pages (page_import.c) through the real dispatcher: the upload form and the
 * template for managers only, the multipart upload with its own CSRF check, a good file making
 * one batch, a bad file re-rendering with every refused row (422, nothing written), a dry run,
 * a missing file, a malformed body, and escaping of what the file says. */
#include "test_pages.h"

#define BOUNDARY "----gcasTestBoundary7MA4YWxk"
#define MP_CT    "multipart/form-data; boundary=" BOUNDARY
#define HEADER                                                                                     \
	"email,family_name,given_name,family_kana,given_kana,role,org,verified_on,scope,"          \
	"system_name,nda,reason\n"

static struct who mgr, staff;
static char ag1[33];

/* POST /import as a multipart upload: csrf (NULL: left out), the file (NULL: no file part) and
 * the dry-run box. */
static int upload(const struct who *p, const char *csrf, const char *csv, int dry_run)
{
	struct buf b;
	struct wt_resp r;
	buf_init(&b, 0);
	if (csrf)
		buf_printf(&b,
		           "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
		           "%s\r\n",
		           csrf);
	if (csv)
		buf_printf(&b,
		           "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
		           "filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n%s\r\n",
		           csv);
	if (dry_run)
		buf_puts(&b, "--" BOUNDARY
		             "\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n");
	buf_puts(&b, "--" BOUNDARY "--\r\n");
	free(BODY);
	free(LOCATION);
	BODY = LOCATION = NULL;
	int rc = wt_request(&W, "POST", "/import", p ? p->cookie : NULL, MP_CT, b.data, NULL, &r);
	buf_free(&b);
	if (rc)
		return -1;
	BODY = pages_dup(r.body);
	LOCATION = pages_dup(r.location);
	int st = r.status;
	wt_resp_free(&r);
	return st;
}

static const char *rows(int n, const char *prefix)
{
	static char out[8192];
	size_t k = (size_t)snprintf(out, sizeof(out), "%s", HEADER);
	for (int i = 0; i < n && k < sizeof(out) - 300; i++)
		k += (size_t)snprintf(
		    out + k, sizeof(out) - k,
		    "%s%d@digital.go.jp,山田,花子,ヤマダ,ハナコ,agency_staff,digital,"
		    "2025-12-15,gov_admin,,no,着任\n",
		    prefix, i);
	return out;
}

static void test_form(void)
{
	is_int(get(&mgr, "/import"), 200, "a manager opens the upload form");
	has_str(BODY, "enctype=\"multipart/form-data\"", "a multipart form");
	has_str(BODY, "type=\"file\"", "with a file input");
	has_str(BODY, fmt("name=\"csrf\" value=\"%s\"", mgr.csrf), "and the session's CSRF token");
	has_str(BODY, "name=\"dry_run\"", "a dry-run box");
	has_str(BODY, "/import/template.csv", "a template link");
	has_str(BODY, "本人確認日", "the columns explained (Japanese first)");

	is_int(get(&mgr, "/import/template.csv"), 200, "the template downloads");
	const char *ja = "\xEF\xBB\xBF"
	                 "メールアドレス,姓,名,";
	ok(BODY && strncmp(BODY, ja, strlen(ja)) == 0, "BOM and Japanese headers");
	is_int(get(&mgr, "/import/template.csv?headers=en"), 200, "the English template");
	ok(BODY && strncmp(BODY,
	                   "\xEF\xBB\xBF"
	                   "email,family_name",
	                   20) == 0,
	   "English headers");

	long denied = wt_audit_count(&W, "permission.denied", NULL);
	is_int(get(&staff, "/import"), 403, "agency staff may not open it");
	is_int(wt_audit_count(&W, "permission.denied", NULL), denied + 1, "the refusal is audited");
	is_int(get(&staff, "/import/template.csv"), 403, "nor download the template");
	int st = get(NULL, "/import");
	ok(st == 302 || st == 303, "signed out: sent to sign in (%d)", st);
}

static void test_csrf(void)
{
	long imports = wt_audit_count(&W, "import.accounts", NULL);
	is_int(upload(&mgr, NULL, rows(1, "nocsrf"), 0), 403, "an upload without the token: 403");
	is_int(upload(&mgr, "0123456789abcdef0123456789abcdef", rows(1, "badcsrf"), 0), 403,
	       "with a wrong token: 403");
	is_int(upload(&mgr, staff.csrf, rows(1, "othercsrf"), 0), 403,
	       "with another session's token: 403");
	int st = upload(NULL, mgr.csrf, rows(1, "nosession"), 0);
	ok(st == 302 || st == 303, "without a session: sent to sign in (%d)", st);
	is_int(wt_audit_count(&W, "import.accounts", NULL), imports, "nothing imported");
	is_int(upload(&staff, staff.csrf, rows(1, "staff"), 0), 403, "staff may not upload");
}

static void test_good_upload(void)
{
	long imports = wt_audit_count(&W, "import.accounts", NULL);
	long created = wt_audit_count(&W, "application.create", NULL);
	is_int(upload(&mgr, mgr.csrf, rows(3, "web"), 0), 200, "a good file is imported");
	has_str(BODY, "3件の申請を作成しました", "the count of applications");
	has_str(BODY, "href=\"/applications?import=", "a link to the batch");
	is_int(wt_audit_count(&W, "import.accounts", NULL), imports + 1, "one import record");
	is_int(wt_audit_count(&W, "application.create", NULL), created + 3, "three applications");
}

static void test_bad_upload(void)
{
	char csv[8192];
	long imports = wt_audit_count(&W, "import.accounts", NULL);
	long created = wt_audit_count(&W, "application.create", NULL);
	snprintf(csv, sizeof(csv), "%s", rows(3, "webbad"));
	memcpy(strstr(csv, "webbad1@digital"), "webbad1@@igital", 15);
	is_int(upload(&mgr, mgr.csrf, csv, 0), 422, "a file with a bad row: 422");
	has_str(BODY, "何も登録されていません", "says nothing was written");
	has_str(BODY, "<td class=\"nowrap\">3</td><td>email</td>", "names line 3, column email");
	has_str(BODY, "enctype=\"multipart/form-data\"", "offers the form again");
	is_int(wt_audit_count(&W, "import.accounts", NULL), imports, "no import record");
	is_int(wt_audit_count(&W, "application.create", NULL), created, "no application");

	/* What the file says is shown escaped. */
	is_int(upload(&mgr, mgr.csrf, "email,<script>alert(1)</script>\nx,y\n", 0), 422,
	       "unknown columns: 422");
	has_str(BODY, "&lt;script&gt;alert(1)&lt;/script&gt;", "the column name is escaped");
	ok(!strstr(BODY, "<script>"), "no markup from the file");

	is_int(upload(&mgr, mgr.csrf, NULL, 1), 422, "no file: 422");
	has_str(BODY, "取り込むCSVファイルを選択してください", "asks for the file");
	has_str(BODY, "href=\"#file\"", "the error summary links to the field");
	has_str(BODY, "name=\"dry_run\" value=\"1\" checked", "the dry-run box keeps its value");
}

static void test_dry_run(void)
{
	long imports = wt_audit_count(&W, "import.accounts", NULL);
	long created = wt_audit_count(&W, "application.create", NULL);
	is_int(upload(&mgr, mgr.csrf, rows(4, "webdry"), 1), 200, "a clean dry run");
	has_str(BODY, "4行すべて受け付けられます", "says all rows pass");
	is_int(wt_audit_count(&W, "import.accounts", NULL), imports, "no import record");
	is_int(wt_audit_count(&W, "application.create", NULL), created, "no application");
}

static void test_malformed(void)
{
	struct wt_resp r;
	const char *body = "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n";
	ok(wt_request(&W, "POST", "/import", mgr.cookie, MP_CT, body, NULL, &r) == 0 &&
	       r.status == 400,
	   "a truncated multipart body: 400");
	wt_resp_free(&r);
	ok(wt_request(&W, "POST", "/import", mgr.cookie, "multipart/form-data", "x", NULL, &r) ==
	           0 &&
	       r.status == 400,
	   "no boundary: 400");
	wt_resp_free(&r);
	/* A urlencoded post carries the token where the dispatcher does not look for this route:
	 * the handler still wants a multipart body. */
	ok(wt_request(&W, "POST", "/import", mgr.cookie, FORM_CT, fmt("csrf=%s", mgr.csrf), NULL,
	              &r) == 0 &&
	       r.status == 400,
	   "a urlencoded post: 400");
	wt_resp_free(&r);
}

int main(void)
{
	if (wt_open(&W))
		return 1;
	if (wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", ag1) ||
	    person(ROLE_AGENCY_MANAGER, ag1, "mgr@digital.go.jp", &mgr) ||
	    person(ROLE_AGENCY_STAFF, ag1, "staff@digital.go.jp", &staff)) {
		printf("Bail out! fixtures\n");
		return 1;
	}
	test_form();
	test_csrf();
	test_good_upload();
	test_bad_upload();
	test_dry_run();
	test_malformed();
	wt_close(&W);
	free(BODY);
	free(LOCATION);
	free(COOKIES);
	return tap_done();
}
