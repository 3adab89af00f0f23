/* SPDX-License-Identifier: MIT */
/* Bulk onboarding (svc/import.c, issue 3 §8): a good file becomes one batch of applications in
 * one transaction; one refused row and nothing is written while the report names every refused
 * line, column and reason; a dry run never writes; Japanese headers, role labels and a BOM;
 * a manager of agency B importing rows for agency A is refused row by row; header, encoding,
 * row and size limits; the CLI's applicant lookup; the template is itself a valid file. */
#include <stdlib.h>

#include "svc/applications.h"
#include "svc/import.h"
#include "test_world.h"

static struct world W;

/* Applications in the store, optionally of one batch (read as the system: an operator's read
 * would be recorded in the audit log, R7.2, and these tests count audit records). */
static long count_apps(const char *import_id)
{
	struct arena *a = arena_new(0);
	struct actor op = actor_system("test");
	struct app_filter f = {.state = -1, .kind = -1, .import_id = import_id};
	struct page pg = {.limit = 500};
	long n = 0;
	for (;;) {
		struct application *apps;
		size_t k;
		if (svc_app_list(&W.w.env, &op, a, &f, &pg, &apps, &k)) {
			n = -1;
			break;
		}
		for (size_t i = 0; i < k; i++)
			if (import_id &&
			    (!apps[i].import_id || strcmp(apps[i].import_id, import_id)))
				n = -1000000;
		n += (long)k;
		if (!pg.next)
			break;
		pg.after = pg.next;
	}
	arena_free(a);
	return n;
}

/* n rows for agency 1 (org by code "digital"), English headers. */
static char *good_file(int n, const char *prefix)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b,
	         "email,family_name,given_name,family_kana,given_kana,role,org,verified_on,scope,"
	         "system_name,nda,reason\n");
	for (int i = 0; i < n; i++)
		buf_printf(&b,
		           "%s%04d@digital.go.jp,山田,花子,やまだ,ハナコ,agency_staff,digital,"
		           "2025-12-15,gov_admin,,no,\"4月の異動, 着任\"\n",
		           prefix, i);
	return buf_steal(&b);
}

static const struct import_refusal *refusal_at(const struct import_report *r, size_t line,
                                               const char *field)
{
	for (size_t i = 0; i < r->nrefusals; i++)
		if (r->refusals[i].line == line &&
		    (!field || (r->refusals[i].field && strcmp(r->refusals[i].field, field) == 0)))
			return &r->refusals[i];
	return NULL;
}

static void dump(const struct import_report *r)
{
	for (size_t i = 0; i < r->nrefusals && i < 20; i++)
		printf("#   line %zu %s: %s\n", r->refusals[i].line,
		       r->refusals[i].field ? r->refusals[i].field : "-", r->refusals[i].en);
}

struct prog {
	size_t calls, last_done, total;
};

static void on_progress(void *ctx, size_t done, size_t total)
{
	struct prog *p = ctx;
	if (done != p->last_done + 1)
		p->calls = 1000000; /* out of order */
	p->calls++;
	p->last_done = done;
	p->total = total;
}

static enum gcas_err run(const char *who, const char *data, size_t len, int dry_run,
                         struct arena *a, struct import_report *rep)
{
	struct actor ac = world_actor(&W, who);
	return svc_import_accounts(&W.w.env, &ac, a, data, len, dry_run, NULL, NULL, rep);
}

static void test_good_file(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	struct prog pr = {0};
	char *data = good_file(200, "good");
	struct actor am1 = world_actor(&W, W.am1);
	long before = count_apps(NULL), audits = wt_audit_count(&W.w, "import.accounts", NULL);
	int64_t t0 = clock_mono_ms();
	enum gcas_err e =
	    svc_import_accounts(&W.w.env, &am1, a, data, strlen(data), 0, on_progress, &pr, &rep);
	is_int(e, GCAS_OK, "a good 200-row file is imported");
	if (e != GCAS_OK)
		dump(&rep);
	printf("# 200 rows in %lld ms\n", (long long)(clock_mono_ms() - t0));
	is_int(rep.rows, 200, "200 rows read");
	is_int(rep.created, 200, "200 applications created");
	ok(rep.committed && !rep.dry_run, "committed");
	is_int(rep.nrefusals, 0, "no refusals");
	is_int(strlen(rep.import_id), 32, "an import id");
	is_int(count_apps(rep.import_id), 200, "the batch holds 200 applications with its id");
	is_int(count_apps(NULL), before + 200, "and nothing else was written");
	is_int(wt_audit_count(&W.w, "import.accounts", NULL), audits + 1,
	       "one import.accounts audit record");
	struct audit_rec last = world_audit_last(&W, a);
	is_str(last.action, "import.accounts", "it is the last record (after the applications)");
	has_str(last.detail, "\"created\":200", "with the counts");
	ok(pr.calls == 200 && pr.last_done == 200 && pr.total == 200,
	   "progress called once per row, in order");
	free(data);
	arena_free(a);
}

static void test_japanese_headers_bom(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	char pj1_line[512];
	snprintf(
	    pj1_line, sizeof(pj1_line),
	    "異動のため,pj.lead@digital.go.jp,%s,プロジェクトチームGCAS責任者,鈴木,一郎,スズキ,"
	    "イチロウ,2025-12-01,政府職員,いいえ,\r\n",
	    W.pj1);
	char *data = arena_printf(
	    a,
	    "\xEF\xBB\xBF"
	    "理由,メールアドレス, 組織 ,ロール,姓,名,姓カナ,名カナ,本人確認日,確認範囲,守秘義務,"
	    "システム名\r\n"
	    "着任,jp.staff@digital.go.jp,digital,利用機関GCAS担当者,佐藤,花子,サトウ,ハナコ,"
	    "2025-11-30,政府職員,,\r\n"
	    "\r\n%s",
	    pj1_line);
	enum gcas_err e = run(W.am1, data, strlen(data), 0, a, &rep);
	is_int(e, GCAS_OK, "Japanese headers, labels, a BOM, CRLF and a blank line");
	if (e != GCAS_OK)
		dump(&rep);
	is_int(rep.created, 2, "two applications");
	is_int(count_apps(rep.import_id), 2, "in the batch");
	arena_free(a);
}

static void test_one_bad_row(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	char *data = good_file(5, "bad");
	/* Line 4 (the third data row): an invalid address; line 6: a future identity check. */
	char *p = strstr(data, "bad0002@digital.go.jp");
	memcpy(p, "bad0002@@igital", 15);
	p = strstr(data, "bad0004");
	p = strstr(p, "2025-12-15");
	memcpy(p, "2027", 4);
	long before = count_apps(NULL), audits = wt_audit_count(&W.w, "import.accounts", NULL);
	int64_t seq = world_audit_seq(&W);
	enum gcas_err e = run(W.am1, data, strlen(data), 0, a, &rep);
	is_int(e, GCAS_ERR_INVALID, "a file with a bad row is refused");
	is_int(count_apps(NULL), before, "nothing was written (the good rows neither)");
	is_int(wt_audit_count(&W.w, "import.accounts", NULL), audits, "no import record");
	is_int(world_audit_seq(&W), seq, "no audit record at all");
	ok(!rep.committed && rep.created == 0, "not committed");
	is_int(rep.rows, 5, "five rows read");
	is_int(rep.refused_rows, 2, "two rows refused");
	ok(refusal_at(&rep, 4, "email") != NULL, "line 4: email");
	const struct import_refusal *r = refusal_at(&rep, 6, "verified_on");
	ok(r && strstr(r->ja, "未来") && strstr(r->en, "future"),
	   "line 6: verified_on, in Japanese and English");
	ok(rep.refusals[0].line <= rep.refusals[rep.nrefusals - 1].line, "ordered by line");
	if (rep.refused_rows != 2)
		dump(&rep);
	free(data);
	arena_free(a);
}

static void test_dry_run(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	char *data = good_file(20, "dry");
	long before = count_apps(NULL);
	int64_t seq = world_audit_seq(&W);
	enum gcas_err e = run(W.am1, data, strlen(data), 1, a, &rep);
	is_int(e, GCAS_OK, "a clean dry run succeeds");
	ok(rep.dry_run && !rep.committed && rep.created == 0 && rep.rows == 20,
	   "reports 20 rows, nothing created");
	is_int(count_apps(NULL), before, "writes no application");
	is_int(world_audit_seq(&W), seq, "and no audit record");
	/* The same file really imports afterwards (the dry run left nothing behind). */
	e = run(W.am1, data, strlen(data), 0, a, &rep);
	is_int(e, GCAS_OK, "the same file then imports");
	is_int(rep.created, 20, "20 applications");
	/* A dry run of a bad file gives the same report as the real thing. */
	char *bad = good_file(3, "drybad");
	memcpy(strstr(bad, "agency_staff"), "agency_stuff", 12);
	e = run(W.am1, bad, strlen(bad), 1, a, &rep);
	is_int(e, GCAS_ERR_INVALID, "a dry run of a bad file is refused");
	ok(refusal_at(&rep, 2, "role") != NULL, "naming line 2, role");
	is_int(count_apps(NULL), before + 20, "still nothing more written");
	free(data);
	free(bad);
	arena_free(a);
}

static void test_other_agency(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	char *data = good_file(3, "cross");
	long before = count_apps(NULL);
	long denied = wt_audit_count(&W.w, "permission.denied", NULL);
	/* am2 manages agency 2 (Chiyoda); the rows are for agency 1 (digital). */
	enum gcas_err e = run(W.am2, data, strlen(data), 0, a, &rep);
	is_int(e, GCAS_ERR_INVALID, "a manager of agency B importing rows for agency A is refused");
	is_int(rep.refused_rows, 3, "every row refused");
	const struct import_refusal *r = refusal_at(&rep, 3, "org");
	ok(r && strcmp(r->ja, "この組織の申請権限がありません") == 0, "line 3: org: no right");
	is_int(count_apps(NULL), before, "nothing written");
	is_int(wt_audit_count(&W.w, "permission.denied", NULL), denied + 1,
	       "one permission.denied record for the import");
	free(data);
	arena_free(a);
}

static void test_file_problems(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	long before = count_apps(NULL);
	const char *unknown =
	    "email,family_name,given_name,family_kana,given_kana,role,org,"
	    "verified_on,scope,reason,shoe_size,favourite\n"
	    "x@digital.go.jp,a,b,ア,イ,agency_staff,digital,2025-01-01,gov_admin,r,"
	    "1,2\n";
	is_int(run(W.am1, unknown, strlen(unknown), 0, a, &rep), GCAS_ERR_INVALID,
	       "unknown columns are refused");
	ok(rep.nrefusals >= 1 && strstr(rep.refusals[0].en, "shoe_size, favourite") &&
	       rep.refusals[0].line == 1,
	   "the refusal names them, on line 1");
	const char *missing = "email,family_name,given_name\nx@digital.go.jp,a,b\n";
	is_int(run(W.am1, missing, strlen(missing), 0, a, &rep), GCAS_ERR_INVALID,
	       "missing columns are refused");
	ok(rep.nrefusals == 1 && strstr(rep.refusals[0].en, "role, org") &&
	       strstr(rep.refusals[0].ja, "理由（reason）"),
	   "naming every missing column in both languages");
	const char *twice = "email,メールアドレス,family_name,given_name,family_kana,given_kana,"
	                    "role,org,verified_on,scope,reason\n";
	is_int(run(W.am1, twice, strlen(twice), 0, a, &rep), GCAS_ERR_INVALID,
	       "a column given twice (in two languages) is refused");
	ok(refusal_at(&rep, 1, "メールアドレス") != NULL, "naming it");
	is_int(run(W.am1, "", 0, 0, a, &rep), GCAS_ERR_INVALID, "an empty file is refused");
	const char *header_only = "email,family_name,given_name,family_kana,given_kana,role,org,"
	                          "verified_on,scope,reason\n";
	is_int(run(W.am1, header_only, strlen(header_only), 0, a, &rep), GCAS_ERR_INVALID,
	       "a header without rows is refused");
	static const char sjis[] = "email\n\x83\x81\x81\x5b\x83\x8b\n"; /* メール in Shift_JIS */
	is_int(run(W.am1, sjis, sizeof(sjis) - 1, 0, a, &rep), GCAS_ERR_INVALID,
	       "Shift_JIS is refused");
	ok(rep.nrefusals == 1 && strstr(rep.refusals[0].ja, "CSV UTF-8"),
	   "with how to save it as UTF-8");
	const char *quote = "email,family_name,given_name,family_kana,given_kana,role,org,"
	                    "verified_on,scope,reason\n\"unterminated,a\n";
	is_int(run(W.am1, quote, strlen(quote), 0, a, &rep), GCAS_ERR_INVALID,
	       "malformed CSV is refused");
	ok(rep.nrefusals == 1 && rep.refusals[0].line == 2, "at its line");

	/* Row-level problems the file reader finds, reported with app_create_tx's. */
	char *data = good_file(4, "rowp");
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, data);
	buf_puts(&b, "rowp0001@DIGITAL.go.jp,山田,花子,ヤマダ,ハナコ,agency_staff,digital,"
	             "2025-12-15,gov_admin,,no,dup\n" /* line 6 */
	             "short@digital.go.jp,山田\n"     /* line 7 */
	             "n@digital.go.jp,山田,花子,ヤマダ,ハナコ,agency_staff,digital,"
	             "2025-12-15,gov_admin,,maybe,r\n" /* line 8 */
	             "o@digital.go.jp,山田,花子,ヤマダ,ハナコ,agency_staff,nowhere,"
	             "2025-12-15,gov_admin,,no,r\n" /* line 9 */
	             "bad@@x,山田,花子,ヤマダ,ハナコ,agency_staf,nowhere,"
	             "2099-12-15,gov_admin,,no,r\n"); /* line 10 */
	is_int(run(W.am1, b.data, b.len, 0, a, &rep), GCAS_ERR_INVALID, "row problems refuse");
	const struct import_refusal *r = refusal_at(&rep, 6, "email");
	ok(r && strstr(r->en, "line 3"), "line 6: the same address as line 3 (case-insensitive)");
	ok(refusal_at(&rep, 7, NULL) && strstr(refusal_at(&rep, 7, NULL)->en, "2 columns"),
	   "line 7: wrong number of columns");
	ok(refusal_at(&rep, 8, "nda") != NULL, "line 8: nda must be yes or no");
	r = refusal_at(&rep, 9, "org");
	ok(r && strstr(r->en, "not found"), "line 9: unknown organisation");
	ok(refusal_at(&rep, 10, "org") && refusal_at(&rep, 10, "email") &&
	       refusal_at(&rep, 10, "role") && refusal_at(&rep, 10, "verified_on"),
	   "line 10: an unknown organisation and every other problem of the row");
	int orgs = 0;
	for (size_t i = 0; i < rep.nrefusals; i++)
		orgs += rep.refusals[i].line == 10 && rep.refusals[i].field &&
		        strcmp(rep.refusals[i].field, "org") == 0;
	is_int(orgs, 1, "the organisation named once");
	is_int(rep.refused_rows, 5, "five rows refused");
	is_int(count_apps(NULL), before, "nothing written");
	buf_free(&b);
	free(data);
	arena_free(a);
}

static void test_limits(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "email,family_name,given_name,family_kana,given_kana,role,org,verified_on,"
	             "scope,reason\n");
	for (int i = 0; i <= IMPORT_MAX_ROWS; i++)
		buf_printf(
		    &b, "x%d@digital.go.jp,a,b,ア,イ,agency_staff,digital,2025-01-01,gov_admin,r\n",
		    i);
	long before = count_apps(NULL);
	is_int(run(W.am1, b.data, b.len, 0, a, &rep), GCAS_ERR_INVALID, "10,001 rows are refused");
	ok(rep.nrefusals == 1 && strstr(rep.refusals[0].en, "10,000") &&
	       rep.refusals[0].line == IMPORT_MAX_ROWS + 2,
	   "at the first row over the limit");
	buf_free(&b);
	char *big = malloc(IMPORT_MAX_BYTES + 1);
	memset(big, 'a', IMPORT_MAX_BYTES + 1);
	is_int(run(W.am1, big, IMPORT_MAX_BYTES + 1, 0, a, &rep), GCAS_ERR_INVALID,
	       "a file over 16 MB is refused");
	ok(rep.nrefusals == 1 && strstr(rep.refusals[0].en, "too large"), "as too large");
	free(big);
	is_int(count_apps(NULL), before, "nothing written");
	arena_free(a);
}

static void test_who_may_import(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	char *data = good_file(1, "who");
	long denied = wt_audit_count(&W.w, "permission.denied", NULL);
	is_int(run(W.as1, data, strlen(data), 0, a, &rep), GCAS_ERR_DENIED,
	       "agency staff may not import (they may not apply)");
	is_int(wt_audit_count(&W.w, "permission.denied", NULL), denied + 1, "audited");
	struct actor sys = actor_system("cli");
	is_int(svc_import_accounts(&W.w.env, &sys, a, data, strlen(data), 0, NULL, NULL, &rep),
	       GCAS_ERR_DENIED, "the system is nobody's applicant");

	struct account acc;
	struct actor ac;
	is_int(svc_import_applicant(&W.w.env, a, " AM1@Digital.go.jp ", &acc, &ac), GCAS_OK,
	       "--as finds the manager by address, case-insensitively");
	is_str(ac.subj.account_id, W.am1, "as that account");
	is_int(svc_import_applicant(&W.w.env, a, "nobody@digital.go.jp", &acc, &ac),
	       GCAS_ERR_NOTFOUND, "an unknown address");
	is_int(svc_import_applicant(&W.w.env, a, "as1@digital.go.jp", &acc, &ac), GCAS_ERR_DENIED,
	       "a staff account cannot be the applicant");
	free(data);
	arena_free(a);
}

static void test_template(void)
{
	struct arena *a = arena_new(0);
	struct import_report rep;
	for (int en = 0; en < 2; en++) {
		const char *t = svc_import_template(en);
		ok(strncmp(t, "\xEF\xBB\xBF", 3) == 0, "template %d starts with a BOM", en);
		enum gcas_err e = run(W.am1, t, strlen(t), 1, a, &rep);
		is_int(e, GCAS_OK, "template %d is a valid file (dry run)", en);
		if (e != GCAS_OK)
			dump(&rep);
	}
	arena_free(a);
}

int main(void)
{
	if (world_open(&W))
		return 1;
	test_good_file();
	test_japanese_headers_bom();
	test_one_bad_row();
	test_dry_run();
	test_other_agency();
	test_file_problems();
	test_limits();
	test_who_may_import();
	test_template();
	world_close(&W);
	return tap_done();
}
