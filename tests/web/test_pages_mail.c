/* SPDX-License-Identifier: MIT */
/* Mail pages (page_mail.c): the address verification link (GET shows a confirm button and
 * changes nothing, since mail scanners follow links; POST with the double-submit CSRF token
 * confirms; a used or unknown link is 404; POST without the token is refused) and the
 * operator's blocklist page (operator only, add with errors kept on 422, remove, audited). */
#include "base/clock.h"
#include "store/outbox.h"
#include "svc/mail.h"
#include "test_pages.h"

struct change_ctx {
	struct arena *a;
	const char *id, *pending;
	struct account acc;
};

static enum gcas_err change_tx(struct db *db, void *ctx)
{
	struct change_ctx *c = ctx;
	enum gcas_err e = store_account_set_pending_email(db, c->id, c->pending, clock_now());
	if (e || (e = store_account_get(db, c->a, c->id, &c->acc)))
		return e;
	return mail_send_verification(db, &W.env, c->a, &c->acc, clock_now());
}

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct change_ctx *c = ctx;
	return store_account_get(db, c->a, c->id, &c->acc);
}

struct mail_ctx {
	struct arena *a;
	const char *to;
	struct outbox_msg *m;
	size_t n;
};

static enum gcas_err mail_tx(struct db *db, void *ctx)
{
	struct mail_ctx *c = ctx;
	return store_outbox_list(db, c->a, NULL, c->to, 100, &c->m, &c->n);
}

/* The verify token mailed to `to`, into out (128 bytes). */
static const char *verify_token(const char *to, char *out)
{
	struct arena *a = arena_new(0);
	struct mail_ctx c = {a, to, NULL, 0};
	out[0] = '\0';
	if (store_run(W.env.st, mail_tx, &c) == GCAS_OK && c.n) {
		const char *p = strstr(c.m[c.n - 1].body, "/verify/");
		size_t n = p ? strcspn(p + 8, "\n ") : 0;
		if (n > 0 && n < 128) {
			memcpy(out, p + 8, n);
			out[n] = '\0';
		}
	}
	arena_free(a);
	return out;
}

static const char *email_of(const char *id)
{
	static char out[256];
	struct arena *a = arena_new(0);
	struct change_ctx c = {a, id, NULL, {0}};
	out[0] = '\0';
	if (store_run(W.env.st, get_tx, &c) == GCAS_OK)
		snprintf(out, sizeof(out), "%s", c.acc.email);
	arena_free(a);
	return out;
}

static const char *anon_csrf(char *out)
{
	const char *p = COOKIES ? strstr(COOKIES, "gcas_csrf=") : NULL;
	size_t n = p ? strcspn(p + 10, ";\n") : 0;
	out[0] = '\0';
	if (n > 0 && n < 128) {
		memcpy(out, p + 10, n);
		out[n] = '\0';
	}
	return out;
}

/* The id in the first "/admin/mail-blocklist/<id>/remove" of the page. */
static const char *remove_id(char out[33])
{
	const char *p = BODY ? strstr(BODY, "/admin/mail-blocklist/") : NULL;
	out[0] = '\0';
	for (; p; p = strstr(p + 1, "/admin/mail-blocklist/")) {
		const char *id = p + 22;
		if (strspn(id, "0123456789abcdef") == 32 && strncmp(id + 32, "/remove", 7) == 0) {
			memcpy(out, id, 32);
			out[32] = '\0';
			break;
		}
	}
	return out;
}

static void test_verify(const char *agency)
{
	char acc[33], tok[128], ck[128];
	ok(wt_account(&W, ROLE_AGENCY_STAFF, agency, "mori@a.example.jp", acc) == 0, "an account");
	struct arena *a = arena_new(0);
	struct change_ctx c = {a, acc, "mori.new@a.example.jp", {0}};
	is_int(store_tx(W.env.st, change_tx, &c), GCAS_OK, "an address change mailed a link");
	arena_free(a);
	ok(*verify_token("mori.new@a.example.jp", tok), "the mail holds /verify/TOKEN");

	is_int(get(NULL, fmt("/verify/%s", tok)), 200, "GET /verify/{token} opens");
	has_str(BODY, "mori.new@a.example.jp", "it shows the new address");
	has_str(BODY, fmt("action=\"/verify/%s\"", tok), "with a form posting back");
	has_str(BODY, "name=\"csrf\"", "carrying a CSRF field");
	has_str(BODY, "確認する", "and a confirm button");
	is_str(email_of(acc), "mori@a.example.jp", "GET changed nothing (scanners follow links)");
	is_int((int)wt_audit_count(&W, "account.email_verified", NULL), 0, "nothing audited");
	anon_csrf(ck);
	ok(*ck, "a double-submit CSRF cookie was set");

	int st = request("POST", fmt("/verify/%s", tok), NULL, form("csrf", ck, NULL));
	ok(st == 403 || st == 400, "POST without the CSRF cookie refused (%d)", st);
	is_str(email_of(acc), "mori@a.example.jp", "  nothing changed");

	is_int(request("POST", fmt("/verify/%s", tok), fmt("gcas_csrf=%s", ck),
	               form("csrf", ck, NULL)),
	       200, "POST with the token confirms");
	has_str(BODY, "メールアドレスを確認しました", "the page says so");
	is_str(email_of(acc), "mori.new@a.example.jp", "the address changed");
	is_int((int)wt_audit_count(&W, "account.email_verified", "ok"), 1, "audited");

	is_int(request("POST", fmt("/verify/%s", tok), fmt("gcas_csrf=%s", ck),
	               form("csrf", ck, NULL)),
	       404, "the link works once");
	is_int(get(NULL, fmt("/verify/%s", tok)), 404, "and no longer opens");
	has_str(BODY, "無効か、期限が切れています", "the page explains");
	is_int(get(NULL, "/verify/not-a-token"), 404, "an unknown link is 404");
	is_int(get(NULL, fmt("/verify/%s?lang=en", "x")), 404, "in English too");
	has_str(BODY, "invalid or has expired", "  with the English message");
}

static void test_blocklist(const struct who *op, const struct who *staff)
{
	char id[33];
	is_int(get(staff, "/admin/mail-blocklist"), 403, "staff may not open the blocklist");
	is_int(post(staff, "/admin/mail-blocklist",
	            form("csrf", staff->csrf, "pattern", "x-*@a.example.jp", NULL)),
	       403, "nor add to it");
	is_int(get(op, "/admin/mail-blocklist"), 200, "the operator opens it");
	has_str(BODY, "メールアドレスのブロックリスト", "Japanese title");
	has_str(BODY, "登録されたパターンはありません", "empty at first");

	is_int(post(op, "/admin/mail-blocklist",
	            form("csrf", op->csrf, "pattern", "*", "note", "全部止める", NULL)),
	       422, "a pattern matching everything is refused");
	has_str(BODY, "ml-*@example.go.jp", "the message shows an example");
	has_str(BODY, "value=\"*\"", "the typed pattern is kept");
	has_str(BODY, "全部止める", "and the note");
	is_int(post(op, "/admin/mail-blocklist", form("pattern", "ml-*@a.example.jp", NULL)), 403,
	       "POST without CSRF refused");

	is_int(post(op, "/admin/mail-blocklist",
	            form("csrf", op->csrf, "pattern", "ML-*@a.example.jp", "note", "開発ML", NULL)),
	       303, "a glob is added");
	is_str(LOCATION, "/admin/mail-blocklist?done=added", "back to the list");
	is_int((int)wt_audit_count(&W, "mail.block_add", "ok"), 1, "audited");
	is_int(get(op, "/admin/mail-blocklist?done=added"), 200, "the list");
	has_str(BODY, "ブロックリストに追加しました", "confirms the addition");
	has_str(BODY, "ml-*@a.example.jp", "shows the pattern in lower case");
	has_str(BODY, "開発ML", "and its note");
	ok(*remove_id(id), "with a remove button");

	is_int(post(op, "/admin/mail-blocklist",
	            form("csrf", op->csrf, "pattern", "ml-*@a.example.jp", NULL)),
	       422, "a duplicate is refused");
	has_str(BODY, "既に登録されています", "saying so");

	is_int(post(staff, fmt("/admin/mail-blocklist/%s/remove", id),
	            form("csrf", staff->csrf, NULL)),
	       403, "staff may not remove");
	is_int(post(op, fmt("/admin/mail-blocklist/%s/remove", id), form("csrf", op->csrf, NULL)),
	       303, "the operator removes it");
	is_int((int)wt_audit_count(&W, "mail.block_remove", "ok"), 1, "audited");
	is_int(get(op, "/admin/mail-blocklist?done=removed&lang=en"), 200, "the list in English");
	has_str(BODY, "Email address blocklist", "English title");
	lacks_str(BODY, "ml-*@a.example.jp", "the pattern is gone");
	is_int(post(op, fmt("/admin/mail-blocklist/%s/remove", id), form("csrf", op->csrf, NULL)),
	       404, "removing twice is 404");
}

int main(void)
{
	char op_org[33], agency[33];
	struct who op, staff;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agency) == 0,
	   "organisations");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_STAFF, agency, "staff@a.example.jp", &staff) == 0,
	   "people");
	test_verify(agency);
	test_blocklist(&op, &staff);
	pages_done();
	return tap_done();
}
