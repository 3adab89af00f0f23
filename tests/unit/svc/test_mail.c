/* SPDX-License-Identifier: MIT */
/* Mail (svc/mail.c, svc/mailer.c; R2.8, R5.5) against a real SMTP conversation: a Japanese
 * message goes through libcurl to the test SMTP server, whose recorded envelope and DATA are
 * decoded independently; a 421 then OK gives a retry with the documented backoff, ten failures
 * end as failed; the file transport writes a parseable .eml; header injection, role and list
 * addresses, blocklist globs and taken addresses are refused; the verification flow (valid,
 * reused, expired, address taken meanwhile, wrong link kind) and set-up links verifying.
 * Mail hygiene: a message carrying a secret is sealed in the outbox, opened only to send it, and
 * its body erased once sent or failed for good (with or without a signer, tampered text
 * refused); mail.retention purges old sent and failed rows in batches, never queued ones. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "base/str.h"
#include "crypto/token.h"
#include "mimedecode.h"
#include "smtpsink.h"
#include "store/outbox.h"
#include "svc/audit.h"
#include "svc/auth.h"
#include "svc/mail.h"
#include "tap.h"
#include "webtest.h"

#define T0 1795693680 /* 2026-11-26T11:48:00Z */

static struct wt W;
static char agency[33], op_org[33], op_id[33], staff_id[33];

static const struct mail_tmpl tmpl_test = {
    .name = "test.notice",
    .subject_ja = "{{app}}の申請が承認されました",
    .subject_en = "Application {{app}} approved",
    .body_ja = "{{name}} 様\n申請 {{app}} は承認されました。{{missing}}以上です。\n",
    .body_en = "Dear {{name}},\nApplication {{app}} was approved.\n",
};

/* Stands in for breakglass.credential: a body that carries a secret. */
static const struct mail_tmpl tmpl_secret = {
    .name = "test.credential",
    .subject_ja = "認証情報",
    .subject_en = "Credential",
    .body_ja = "ユーザー名: {{user}}\nパスワード: {{secret}}\n",
    .body_en = "User: {{user}}\nPassword: {{secret}}\n",
};

/* ---- small store helpers (the tests' own transactions) ---- */

struct enq {
	const char *to, *account_id;
	const struct mail_tmpl *t;
	const char *const *vars;
	struct arena *a;
};

static enum gcas_err enq_tx(struct db *db, void *ctx)
{
	struct enq *q = ctx;
	return mail_enqueue(db, &W.env, q->a, q->to, q->account_id, q->t, q->vars);
}

static enum gcas_err enqueue(const char *to, const struct mail_tmpl *t, const char *const *vars)
{
	struct arena *a = arena_new(0);
	struct enq q = {to, NULL, t, vars, a};
	enum gcas_err e = store_tx(W.env.st, enq_tx, &q);
	arena_free(a);
	return e;
}

static enum gcas_err enq_secret_tx(struct db *db, void *ctx)
{
	struct enq *q = ctx;
	return mail_enqueue_secret(db, &W.env, q->a, q->to, q->account_id, q->t, q->vars);
}

/* mail_enqueue_secret of tmpl_secret carrying user and secret. */
static enum gcas_err enqueue_secret(const char *to, const char *user, const char *secret)
{
	struct arena *a = arena_new(0);
	const char *vars[] = {"user", user, "secret", secret, NULL};
	struct enq q = {to, NULL, &tmpl_secret, vars, a};
	enum gcas_err e = store_tx(W.env.st, enq_secret_tx, &q);
	arena_free(a);
	return e;
}

struct row_ctx {
	struct arena *a;
	const char *id;
	int64_t attempts, next, before;
	int failed, limit;
	int64_t n;
	struct outbox_msg m;
};

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct row_ctx *c = ctx;
	return store_outbox_get(db, c->a, c->id, &c->m);
}

/* GCAS_OK when row id still exists. */
static enum gcas_err row_exists(const char *id)
{
	struct arena *a = arena_new(0);
	struct row_ctx c = {.a = a, .id = id};
	enum gcas_err e = store_run(W.env.st, get_tx, &c);
	arena_free(a);
	return e;
}

static enum gcas_err retry_tx(struct db *db, void *ctx)
{
	struct row_ctx *c = ctx;
	return store_outbox_retry(db, c->id, c->attempts, c->next, "test", c->failed);
}

/* Record an attempt on row id as the mailer would: failed != 0 ends it, else due at next. */
static enum gcas_err mark(const char *id, int64_t attempts, int64_t next, int failed)
{
	struct row_ctx c = {.id = id, .attempts = attempts, .next = next, .failed = failed};
	return store_tx(W.env.st, retry_tx, &c);
}

static enum gcas_err purge_tx(struct db *db, void *ctx)
{
	struct row_ctx *c = ctx;
	return store_outbox_purge(db, c->before, c->limit, &c->n);
}

struct list_ctx {
	struct arena *a;
	const char *state, *to;
	struct outbox_msg *m;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_outbox_list(db, c->a, c->state, c->to, 1000, &c->m, &c->n);
}

/* The newest outbox message to `to` (any state), in a; zeroed when none. */
static struct outbox_msg last_to(struct arena *a, const char *to, size_t *count)
{
	struct list_ctx c = {a, NULL, to, NULL, 0};
	struct outbox_msg m = {0};
	if (store_run(W.env.st, list_tx, &c) == GCAS_OK && c.n)
		m = c.m[c.n - 1];
	if (count)
		*count = c.n;
	return m;
}

static int64_t outbox_count(const char *state)
{
	struct arena *a = arena_new(0);
	struct list_ctx c = {a, state, NULL, NULL, 0};
	store_run(W.env.st, list_tx, &c);
	arena_free(a);
	return (int64_t)c.n;
}

struct acc_ctx {
	struct arena *a;
	const char *id;
	struct account acc;
	const char *pending;
	int send;
	enum account_status status;
};

static enum gcas_err acc_get_tx(struct db *db, void *ctx)
{
	struct acc_ctx *c = ctx;
	return store_account_get(db, c->a, c->id, &c->acc);
}

static struct account account_get(struct arena *a, const char *id)
{
	struct acc_ctx c = {.a = a, .id = id};
	store_run(W.env.st, acc_get_tx, &c);
	return c.acc;
}

/* What an address change does (svc/accounts.c): record the pending address, mail the link. */
static enum gcas_err pending_tx(struct db *db, void *ctx)
{
	struct acc_ctx *c = ctx;
	enum gcas_err e = store_account_set_pending_email(db, c->id, c->pending, clock_now());
	if (e || (e = store_account_get(db, c->a, c->id, &c->acc)))
		return e;
	return mail_send_verification(db, &W.env, c->a, &c->acc, clock_now());
}

static enum gcas_err request_change(const char *id, const char *pending)
{
	struct arena *a = arena_new(0);
	struct acc_ctx c = {.a = a, .id = id, .pending = pending};
	enum gcas_err e = store_tx(W.env.st, pending_tx, &c);
	arena_free(a);
	return e;
}

static enum gcas_err status_tx(struct db *db, void *ctx)
{
	struct acc_ctx *c = ctx;
	return store_account_set_status(db, c->id, c->status, NULL, clock_now());
}

/* The token of the newest link of kind ("verify"/"setup") mailed to `to`, into tok. */
static int link_in_mail(const char *to, const char *kind, char *tok, size_t cap)
{
	struct arena *a = arena_new(0);
	struct outbox_msg m = last_to(a, to, NULL);
	char needle[64];
	snprintf(needle, sizeof(needle), "/%s/", kind);
	const char *p = m.body ? strstr(m.body, needle) : NULL;
	size_t n = 0;
	if (p) {
		p += strlen(needle);
		while (p[n] && p[n] != '\n' && p[n] != ' ' && n + 1 < cap)
			n++;
		memcpy(tok, p, n);
	}
	tok[n] = '\0';
	arena_free(a);
	return p && n ? 0 : -1;
}

/* ---- SMTP ---- */

static void test_smtp(void)
{
	struct smtpsink *sink = smtpsink_start();
	if (!ok(sink != NULL, "test SMTP server started"))
		return;
	W.cfg.smtp_url = smtpsink_url(sink);
	clock_fix(T0);
	const char *vars[] = {"name", "山田 太郎", "app", "A-0001", NULL};
	is_int(enqueue("Taro.Yamada@Example.GO.JP", &tmpl_test, vars), GCAS_OK,
	       "a Japanese message queued");
	struct arena *a = arena_new(0);
	struct outbox_msg q = last_to(a, "taro.yamada@example.go.jp", NULL);
	is_str(q.state, "queued", "state queued, address normalised");
	ok(q.next_attempt_at == T0, "due at once");
	has_str(q.body, "申請 A-0001 は承認されました。以上です。",
	        "placeholders filled, missing empty");
	has_str(q.body, "\n---- English ----\n", "ja then en, separated");
	has_str(q.body, "http://127.0.0.1:8080", "footer has base_url");
	has_str(q.body, "このアドレスはGCASアカウントに紐づく職場メールアドレスです (規程2.4)",
	        "footer says why this address");

	int64_t sent = -1;
	is_int(svc_mail_deliver(&W.env, &sent), GCAS_OK, "delivery ran");
	is_int((int)sent, 1, "one message sent");
	is_int((int)smtpsink_count(sink), 1, "the SMTP server received one message");
	struct smtpsink_msg m = {0};
	smtpsink_get(sink, 0, &m);
	is_str(m.mail_from, "<gcas@example.go.jp>", "MAIL FROM is the configured sender");
	is_int((int)m.nrcpt, 1, "one RCPT TO");
	is_str(m.rcpt[0], "<taro.yamada@example.go.jp>", "RCPT TO is the recipient");
	char *subj = m.data ? md_header(m.data, "Subject") : NULL;
	char *dsubj = subj ? md_decode_words(subj) : NULL;
	is_str(dsubj, "A-0001の申請が承認されました / Application A-0001 approved",
	       "Subject decodes (RFC 2047) to the Japanese subject");
	ok(subj && strstr(subj, "=?UTF-8?B?") != NULL, "and was B-encoded on the wire");
	char *from = m.data ? md_header(m.data, "From") : NULL;
	char *dfrom = from ? md_decode_words(from) : NULL;
	is_str(dfrom, "政府クラウド <gcas@example.go.jp>", "From with a Japanese display name");
	has_str(m.data, "Content-Type: text/plain; charset=UTF-8\r\n", "charset UTF-8");
	has_str(m.data, "Content-Transfer-Encoding: base64\r\n", "base64 body");
	has_str(m.data, "Date: Thu, 26 Nov 2026 20:48:00 +0900\r\n", "Date on the fixed clock");
	char *mid = m.data ? md_header(m.data, "Message-ID") : NULL;
	ok(mid && mid[0] == '<' && strstr(mid, "@example.go.jp>"), "Message-ID at the domain");
	char *body = m.data ? md_body(m.data) : NULL;
	has_str(body, "山田 太郎 様\r\n申請 A-0001 は承認されました。", "body decodes (CRLF)");
	free(subj);
	free(dsubj);
	free(from);
	free(dfrom);
	free(mid);
	free(body);
	q = last_to(a, "taro.yamada@example.go.jp", NULL);
	is_str(q.state, "sent", "outbox row marked sent");
	ok(q.sent_at == T0, "sent_at recorded");
	sent = -1;
	svc_mail_deliver(&W.env, &sent);
	is_int((int)sent, 0, "nothing is sent twice");

	/* 421 then OK: one retry a minute later. */
	smtpsink_fail_next(sink, 1);
	enqueue("hanako@example.go.jp", &tmpl_test, vars);
	svc_mail_deliver(&W.env, &sent);
	is_int((int)sent, 0, "421: not sent");
	is_int(smtpsink_refused(sink), 1, "the server refused once");
	q = last_to(a, "hanako@example.go.jp", NULL);
	is_str(q.state, "queued", "still queued");
	is_int((int)q.attempts, 1, "attempts 1");
	ok(q.next_attempt_at == T0 + 60, "next attempt after 60 s");
	has_str(q.last_error, "421", "last_error keeps the reply");
	svc_mail_deliver(&W.env, &sent);
	is_int((int)sent, 0, "not retried before it is due");
	clock_fix(T0 + 60);
	svc_mail_deliver(&W.env, &sent);
	is_int((int)sent, 1, "retried when due, and delivered");
	is_int((int)smtpsink_count(sink), 2, "the server has both messages");
	q = last_to(a, "hanako@example.go.jp", NULL);
	is_str(q.state, "sent", "sent after the retry");

	/* Always failing: 60 s doubling, failed after the 10th attempt. */
	smtpsink_fail_next(sink, 100);
	int64_t now = T0 + 1000;
	clock_fix(now);
	enqueue("jiro@example.go.jp", &tmpl_test, vars);
	int schedule_ok = 1;
	for (int k = 1; k <= 10; k++) {
		svc_mail_deliver(&W.env, &sent);
		q = last_to(a, "jiro@example.go.jp", NULL);
		if (q.attempts != k)
			schedule_ok = 0;
		if (k < 10) {
			int64_t want = 60LL << (k - 1);
			if (want > 21600)
				want = 21600;
			if (q.next_attempt_at - now != want || strcmp(q.state, "queued") != 0) {
				printf("#   attempt %d: wait %lld, want %lld, state %s\n", k,
				       (long long)(q.next_attempt_at - now), (long long)want,
				       q.state);
				schedule_ok = 0;
			}
			now = q.next_attempt_at;
			clock_fix(now);
		}
	}
	ok(schedule_ok, "backoff 60, 120, 240 ... s between attempts");
	is_str(q.state, "failed", "failed after 10 attempts");
	is_int((int)q.attempts, 10, "with 10 attempts recorded");
	clock_fix(now + 86400);
	svc_mail_deliver(&W.env, &sent);
	q = last_to(a, "jiro@example.go.jp", NULL);
	is_int((int)q.attempts, 10, "a failed message is not tried again");
	arena_free(a);
	smtpsink_fail_next(sink, 0);
	W.cfg.smtp_url = "";
	smtpsink_stop(sink);
}

/* ---- file transport ---- */

static void test_files(void)
{
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/mail/out", W.dir);
	W.cfg.smtp_url = "";
	W.cfg.mail_dir = dir;
	clock_fix(T0);
	const char *vars[] = {"name", "佐藤 花子", "app", "B-7", NULL};
	enqueue("sato@example.go.jp", &tmpl_test, vars);
	int64_t sent = 0;
	is_int(svc_mail_deliver(&W.env, &sent), GCAS_OK, "file delivery ran");
	is_int((int)sent, 1, "one message written");
	DIR *d = opendir(dir);
	ok(d != NULL, "mail_dir created (mkdir -p)");
	char path[512] = "";
	int files = 0, tmps = 0;
	for (struct dirent *de; d && (de = readdir(d));) {
		if (strstr(de->d_name, ".tmp"))
			tmps++;
		else if (strstr(de->d_name, ".eml")) {
			files++;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			ok(strncmp(de->d_name, "20261126T114800Z-", 17) == 0,
			   "named <utc-time>-<id>.eml: %s", de->d_name);
		}
	}
	if (d)
		closedir(d);
	is_int(files, 1, "one .eml file");
	is_int(tmps, 0, "no temporary file left");
	FILE *f = fopen(path, "rb");
	char buf[16384] = "";
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	char *to = md_header(buf, "To"), *s = md_header(buf, "Subject");
	char *ds = s ? md_decode_words(s) : NULL, *body = md_body(buf);
	is_str(to, "sato@example.go.jp", "the .eml has To");
	is_str(ds, "B-7の申請が承認されました / Application B-7 approved",
	       "and a decodable Subject");
	has_str(body, "佐藤 花子 様", "and a decodable body");
	ok(strstr(buf, "\r\n\r\n") != NULL, "headers end with a blank line (CRLF)");
	free(to);
	free(s);
	free(ds);
	free(body);
}

/* ---- refusals ---- */

static void test_injection(void)
{
	int64_t before = outbox_count(NULL);
	const char *vars[] = {"name", "x", "app", "1", NULL};
	is_int(enqueue("a@example.go.jp\r\nBcc: evil@example.com", &tmpl_test, vars),
	       GCAS_ERR_INVALID, "CRLF in the recipient refused");
	is_int(enqueue("Taro <a@example.go.jp>", &tmpl_test, vars), GCAS_ERR_INVALID,
	       "a name-addr is not a single addr-spec");
	is_int(enqueue("a@example.go.jp, b@example.go.jp", &tmpl_test, vars), GCAS_ERR_INVALID,
	       "two addresses refused");
	is_int(enqueue("", &tmpl_test, vars), GCAS_ERR_INVALID, "empty address refused");
	const char *evil[] = {"name", "x", "app", "1\r\nBcc: evil@example.com", NULL};
	is_int(enqueue("a@example.go.jp", &tmpl_test, evil), GCAS_ERR_INVALID,
	       "a variable carrying CRLF into the subject refused");
	const char *ctl[] = {"name", "x\x01", "app", "1", NULL};
	is_int(enqueue("a@example.go.jp", &tmpl_test, ctl), GCAS_ERR_INVALID,
	       "control characters in the body refused");
	is_int((int)(outbox_count(NULL) - before), 0, "nothing was queued");
}

struct acceptable_ctx {
	struct arena *a;
	const char *email, *except;
	struct verrs ve;
	int ok;
	enum gcas_err err;
};

static enum gcas_err acceptable_tx(struct db *db, void *ctx)
{
	struct acceptable_ctx *c = ctx;
	c->ok = mail_address_acceptable(db, c->a, c->email, c->except, "email", &c->ve, &c->err);
	return GCAS_OK;
}

/* 1 when accepted; the first message (English) into why. */
static int acceptable(const char *email, const char *except, const char **ja)
{
	struct arena *a = arena_new(0);
	struct acceptable_ctx c = {.a = a, .email = email, .except = except};
	store_run(W.env.st, acceptable_tx, &c);
	static char msg[256];
	str_copy(msg, sizeof(msg), c.ve.n ? c.ve.e[0].ja : "");
	if (ja)
		*ja = msg;
	if (c.ok && c.ve.n)
		c.ok = -1; /* contradiction */
	if (!c.ok && c.ve.n && strcmp(c.ve.e[0].field, "email") != 0)
		c.ok = -1;
	arena_free(a);
	return c.err ? -2 : c.ok;
}

static void test_roles(void)
{
	const char *why;
	is_int(acceptable("hanako.suzuki@example.go.jp", NULL, NULL), 1, "personal address ok");
	static const char *const roles[] = {"info@example.go.jp",     "Admin@example.go.jp",
	                                    "no-reply@example.go.jp", "soumu@example.lg.jp",
	                                    "kikaku@example.lg.jp",   "ml-dev@example.go.jp",
	                                    "team-all@example.go.jp", "list-x@example.go.jp",
	                                    "helpdesk@example.go.jp", "dev-ml@example.go.jp"};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		is_int(acceptable(roles[i], NULL, &why), 0, "role/list address refused: %s",
		       roles[i]);
	}
	has_str(why, "メーリングリストや共用のアドレスは登録できません (規程 別表1)",
	        "the message says why (ja)");
	is_int(acceptable("not an address", NULL, &why), 0, "malformed refused");
}

static void test_blocklist(void)
{
	struct arena *a = arena_new(0);
	struct actor sys = actor_system("test");
	struct verrs ve = {0};
	const char *why;
	long audits = wt_audit_count(&W, "mail.block_add", NULL);
	is_int(svc_mail_block_add(&W.env, &sys, a, "ML-*@Example.go.jp", "開発ML", &ve), GCAS_OK,
	       "glob added");
	is_int(svc_mail_block_add(&W.env, &sys, a, "*@lists.example.jp", NULL, &ve), GCAS_OK,
	       "domain glob added");
	is_int(svc_mail_block_add(&W.env, &sys, a, "kyoyu.box@example.go.jp", NULL, &ve), GCAS_OK,
	       "exact address added");
	is_int((int)(wt_audit_count(&W, "mail.block_add", "ok") - audits), 3, "each add audited");
	is_int(acceptable("ml-kaihatsu@example.go.jp", NULL, &why), 0, "glob matches (ml-*)");
	has_str(why, "規程 別表1", "  with the regulation cited");
	is_int(acceptable("Taro@Lists.Example.jp", NULL, NULL), 0,
	       "domain glob matches, case-insensitively");
	is_int(acceptable("KYOYU.BOX@example.go.jp", NULL, NULL), 0, "exact entry matches");
	is_int(acceptable("kyoyu.box2@example.go.jp", NULL, NULL), 1, "exact is not a prefix");
	is_int(acceptable("taro@lists.example.jp.evil.com", NULL, NULL), 1,
	       "glob anchored at the end");

	ve.n = 0;
	is_int(svc_mail_block_add(&W.env, &sys, a, "ml-*@example.go.jp", NULL, &ve),
	       GCAS_ERR_INVALID, "duplicate pattern refused");
	has_str(ve.n ? ve.e[0].en : "", "already", "  saying so");
	ve.n = 0;
	is_int(svc_mail_block_add(&W.env, &sys, a, "*", NULL, &ve), GCAS_ERR_INVALID,
	       "a pattern matching everything refused");
	ve.n = 0;
	is_int(svc_mail_block_add(&W.env, &sys, a, "*@*", NULL, &ve), GCAS_ERR_INVALID,
	       "*@* refused");
	ve.n = 0;
	is_int(svc_mail_block_add(&W.env, &sys, a, "a b@example.jp", NULL, &ve), GCAS_ERR_INVALID,
	       "spaces refused");

	/* Operator only (ACT_MAIL_BLOCKLIST). */
	struct arena *b = arena_new(0);
	struct acc_ctx sc = {.a = b, .id = staff_id};
	store_run(W.env.st, acc_get_tx, &sc);
	struct actor staff = {0};
	actor_from_account(&staff, &sc.acc);
	long denied = wt_audit_count(&W, "permission.denied", NULL);
	ve.n = 0;
	is_int(svc_mail_block_add(&W.env, &staff, a, "x-*@example.go.jp", NULL, &ve),
	       GCAS_ERR_DENIED, "agency staff may not add");
	struct mail_block *list;
	size_t n = 0;
	is_int(svc_mail_block_list(&W.env, &staff, a, &list, &n), GCAS_ERR_DENIED,
	       "nor read the list");
	is_int((int)(wt_audit_count(&W, "permission.denied", NULL) - denied), 2,
	       "refusals audited");

	is_int(svc_mail_block_list(&W.env, &sys, a, &list, &n), GCAS_OK, "operator lists");
	is_int((int)n, 3, "three entries");
	const char *id = NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].pattern, "ml-*@example.go.jp") == 0)
			id = list[i].id;
	ok(id != NULL, "pattern stored in lower case");
	is_int(svc_mail_block_remove(&W.env, &staff, a, id), GCAS_ERR_DENIED,
	       "staff may not remove");
	is_int(svc_mail_block_remove(&W.env, &sys, a, id), GCAS_OK, "operator removes");
	is_int((int)wt_audit_count(&W, "mail.block_remove", "ok"), 1, "removal audited");
	is_int(svc_mail_block_remove(&W.env, &sys, a, id), GCAS_ERR_NOTFOUND, "gone");
	is_int(acceptable("ml-kaihatsu@example.go.jp", NULL, NULL), 0,
	       "ml- is still a list address by the built-in rule");
	is_int(acceptable("devs@lists.example.jp", NULL, NULL), 0, "other entries still apply");
	arena_free(b);
	arena_free(a);
}

static void test_unique(void)
{
	char other[33];
	const char *why;
	wt_account(&W, ROLE_AGENCY_STAFF, agency, "kenji.ito@example.go.jp", other);
	is_int(acceptable("Kenji.Ito@example.go.jp", NULL, &why), 0,
	       "an address of another account refused (case-insensitive)");
	has_str(why, "既に別のアカウント", "  saying it is taken");
	is_int(acceptable("kenji.ito@example.go.jp", other, NULL), 1,
	       "the same account keeps its own address");
	is_int(request_change(staff_id, "kenji.new@example.go.jp"), GCAS_OK,
	       "an address change asked");
	is_int(acceptable("kenji.new@example.go.jp", NULL, NULL), 0,
	       "an address awaiting verification is taken too");
	struct acc_ctx c = {.id = other, .status = ACCOUNT_DELETED};
	store_tx(W.env.st, status_tx, &c);
	is_int(acceptable("kenji.ito@example.go.jp", NULL, NULL), 1,
	       "a deleted account's address is free");
}

/* ---- verification ---- */

static void test_verify(void)
{
	char acc_id[33], tok[128], old_tok[128];
	struct arena *a = arena_new(0);
	struct account out;
	clock_fix(T0);
	wt_account(&W, ROLE_AGENCY_STAFF, agency, "yuki.mori@example.go.jp", acc_id);
	is_int(request_change(acc_id, "yuki.mori2@example.go.jp"), GCAS_OK, "change asked");
	size_t nmail = 0;
	struct outbox_msg m = last_to(a, "yuki.mori2@example.go.jp", &nmail);
	is_int((int)nmail, 1, "a verification mail to the new address");
	is_str(m.template_name, "account.verify_email", "  template account.verify_email");
	has_str(m.body, "http://127.0.0.1:8080/verify/", "  with the verify link");
	m = last_to(a, "yuki.mori@example.go.jp", &nmail);
	is_str(m.template_name, "account.email_change_notice",
	       "the current address is told of the change");
	ok(link_in_mail("yuki.mori2@example.go.jp", "verify", old_tok, sizeof(old_tok)) == 0,
	   "link token found");

	/* A second request replaces the first link. */
	clock_fix(T0 + 10);
	request_change(acc_id, "yuki.mori2@example.go.jp");
	link_in_mail("yuki.mori2@example.go.jp", "verify", tok, sizeof(tok));
	ok(strcmp(tok, old_tok) != 0, "a new link each time");
	is_int(svc_email_verify_peek(&W.env, a, old_tok, &out), GCAS_ERR_NOTFOUND,
	       "the older link no longer works");
	is_int(svc_setup_peek(&W.env, a, tok, &out), GCAS_ERR_NOTFOUND,
	       "a verify link is not a set-up link (cannot set a password)");

	is_int(svc_email_verify_peek(&W.env, a, tok, &out), GCAS_OK, "peek: valid");
	is_str(out.pending_email, "yuki.mori2@example.go.jp", "  shows the pending address");
	struct account before = account_get(a, acc_id);
	is_str(before.email, "yuki.mori@example.go.jp", "peek changed nothing");
	clock_fix(T0 + 100);
	is_int(svc_email_verify(&W.env, a, tok, "192.0.2.1", &out), GCAS_OK, "verified");
	is_str(out.email, "yuki.mori2@example.go.jp", "the address is the new one");
	ok(out.pending_email == NULL, "nothing pending");
	ok(out.email_verified_at == T0 + 100, "email_verified_at = now");
	is_int((int)wt_audit_count(&W, "account.email_verified", "ok"), 1, "audited");
	is_int(svc_email_verify(&W.env, a, tok, "192.0.2.1", &out), GCAS_ERR_NOTFOUND,
	       "a used link is refused");

	/* Expired. */
	request_change(acc_id, "yuki.mori3@example.go.jp");
	link_in_mail("yuki.mori3@example.go.jp", "verify", tok, sizeof(tok));
	clock_fix(T0 + 100 + W.cfg.setup_link_ttl + 1);
	is_int(svc_email_verify(&W.env, a, tok, NULL, &out), GCAS_ERR_NOTFOUND,
	       "an expired link is refused");
	is_str(account_get(a, acc_id).email, "yuki.mori2@example.go.jp", "  address unchanged");

	/* Taken meanwhile. */
	clock_fix(T0 + 200000);
	request_change(acc_id, "yuki.taken@example.go.jp");
	link_in_mail("yuki.taken@example.go.jp", "verify", tok, sizeof(tok));
	char thief[33];
	wt_account(&W, ROLE_AGENCY_STAFF, agency, "yuki.taken@example.go.jp", thief);
	is_int(svc_email_verify(&W.env, a, tok, NULL, &out), GCAS_ERR_CONFLICT,
	       "an address taken meanwhile is refused");
	is_str(account_get(a, acc_id).email, "yuki.mori2@example.go.jp", "  address unchanged");
	is_int(svc_email_verify(&W.env, a, "", NULL, &out), GCAS_ERR_NOTFOUND, "empty token");
	is_int(svc_email_verify(&W.env, a, "nonsense", NULL, &out), GCAS_ERR_NOTFOUND,
	       "unknown token");
	arena_free(a);
}

struct setup_ctx {
	struct arena *a;
	const char *id, *hash;
	struct account acc;
};

static enum gcas_err setup_tx(struct db *db, void *ctx)
{
	struct setup_ctx *c = ctx;
	enum gcas_err e = store_link_insert(db, c->hash, c->id, "setup", clock_now(),
	                                    clock_now() + W.cfg.setup_link_ttl);
	if (e || (e = store_account_get(db, c->a, c->id, &c->acc)))
		return e;
	return mail_send_setup_link(db, &W.env, c->a, &c->acc, "TOKEN-IN-MAIL");
}

static void test_setup_link(void)
{
	char acc_id[33], tok[TOKEN_B64_CHARS + 8], hash[SHA256_HEX_SIZE];
	struct arena *a = arena_new(0);
	clock_fix(T0 + 500000);
	wt_account(&W, ROLE_AGENCY_STAFF, agency, "new.person@example.go.jp", acc_id);
	token_new(tok, sizeof(tok), NULL);
	token_hash(tok, hash);
	struct setup_ctx c = {a, acc_id, hash, {0}};
	is_int(store_tx(W.env.st, setup_tx, &c), GCAS_OK, "set-up link issued and mailed");
	struct outbox_msg m = last_to(a, "new.person@example.go.jp", NULL);
	is_str(m.template_name, "account.setup", "template account.setup");
	has_str(m.body, "http://127.0.0.1:8080/setup/TOKEN-IN-MAIL", "link base_url/setup/TOKEN");
	has_str(m.body, "72時間", "validity in hours (ja)");
	has_str(m.body, "expires in 72 hours", "validity in hours (en)");
	ok(account_get(a, acc_id).email_verified_at == 0, "not verified before");
	struct verrs ve = {0};
	struct client cl = {"192.0.2.9", "rid"};
	is_int(svc_setup_complete(&W.env, &cl, tok, "a much longer passphrase 2026", &ve), GCAS_OK,
	       "password set through the link");
	ok(account_get(a, acc_id).email_verified_at == T0 + 500000,
	   "using the set-up link verified the address");
	arena_free(a);
}

/* ---- secrets in the outbox ---- */

static void test_secret(void)
{
	const char *secret = "S3cr3t-0nly-1n-Th3-Ma1l", *user = "bg-0123456789abcdef";
	struct smtpsink *sink = smtpsink_start();
	if (!ok(sink != NULL, "test SMTP server started (secrets)"))
		return;
	W.cfg.smtp_url = smtpsink_url(sink);
	int64_t now = T0 + 30 * 86400, sent = 0;
	clock_fix(now);
	svc_mail_deliver(&W.env, &sent); /* what the tests above left queued goes first */
	struct arena *a = arena_new(0);

	/* With a signer: sealed in the row, opened only to send it. */
	is_int(enqueue_secret("kana.abe@example.go.jp", user, secret), GCAS_OK,
	       "a message carrying a secret is queued");
	struct outbox_msg q = last_to(a, "kana.abe@example.go.jp", NULL);
	is_int((int)q.sensitive, 1, "  marked sensitive in its row");
	ok(q.body && strncmp(q.body, MAIL_SEALED, strlen(MAIL_SEALED)) == 0,
	   "  the body is stored sealed (" MAIL_SEALED "...)");
	ok(q.body && !strstr(q.body, secret) && !strstr(q.body, user) &&
	       !strstr(q.body, "パスワード") && !strstr(q.body, "GCAS"),
	   "  nothing of the text is readable in the row");
	is_str(q.subject, "認証情報 / Credential", "  the subject is kept as it is");
	const char *plain = NULL;
	is_int(mail_body_open(&W.env, a, &q, &plain), GCAS_OK, "  mail_body_open opens it");
	has_str(plain, "パスワード: S3cr3t-0nly-1n-Th3-Ma1l\n", "  to the rendered body");
	has_str(plain, "このアドレスはGCASアカウントに紐づく", "  footer included");
	struct outbox_msg t = q;
	char *bad = arena_strdup(a, q.body);
	size_t k = strlen(MAIL_SEALED) + 10;
	bad[k] = bad[k] == 'A' ? 'B' : 'A';
	t.body = bad;
	is_int(mail_body_open(&W.env, a, &t, &plain), GCAS_ERR_CRYPTO,
	       "  a tampered sealed body is refused (CRYPTO)");
	t = q;
	t.sensitive = 0;
	is_int(mail_body_open(&W.env, a, &t, &plain), GCAS_OK, "  an ordinary row is not opened");
	ok(plain == t.body, "  its body is delivered as stored, even starting with " MAIL_SEALED);

	const char *vars[] = {"name", "阿部 加奈", "app", "C-3", NULL};
	clock_fix(now += 1); /* last_to orders by created_at: a second later than the secret */
	enqueue("kana.abe@example.go.jp", &tmpl_test, vars);
	struct outbox_msg ordinary = last_to(a, "kana.abe@example.go.jp", NULL);
	is_int(svc_mail_deliver(&W.env, &sent), GCAS_OK, "delivery ran");
	is_int((int)sent, 2, "  both messages sent");
	struct smtpsink_msg m = {0};
	char *body = NULL;
	for (size_t i = 0; i < smtpsink_count(sink); i++) {
		smtpsink_get(sink, i, &m);
		char *b = m.data ? md_body(m.data) : NULL;
		if (b && strstr(b, "ユーザー名")) {
			free(body);
			body = b;
		} else
			free(b);
	}
	has_str(body, "パスワード: S3cr3t-0nly-1n-Th3-Ma1l\r\n",
	        "  the received mail carries the secret in clear");
	has_str(body, "ユーザー名: bg-0123456789abcdef\r\n", "  and the user");
	free(body);
	struct row_ctx rc = {.a = a, .id = q.id};
	store_run(W.env.st, get_tx, &rc);
	is_str(rc.m.state, "sent", "  the row is marked sent");
	is_str(rc.m.body, mail_erased_body, "  and its body replaced by the fixed notice");
	has_str(rc.m.body, "本文を消去しました", "  (Japanese first)");
	has_str(rc.m.body, "its body was erased after sending", "  (then English)");
	rc.id = ordinary.id;
	store_run(W.env.st, get_tx, &rc);
	is_str(rc.m.state, "sent", "the ordinary message is sent too");
	is_str(rc.m.body, ordinary.body, "  and keeps its body");
	is_int((int)rc.m.sensitive, 0, "  it was never sensitive");

	/* The signer is gone when the mailer runs: the body cannot be opened, the message waits
	 * (still sealed) and goes out once the key is back. */
	enqueue_secret("ken.ueda@example.go.jp", user, secret);
	struct signer *keep = W.env.signer;
	W.env.signer = NULL;
	svc_mail_deliver(&W.env, &sent);
	W.env.signer = keep;
	is_int((int)sent, 0, "without the key the sealed message is not sent");
	q = last_to(a, "ken.ueda@example.go.jp", NULL);
	is_str(q.state, "queued", "  it stays queued");
	has_str(q.last_error, "no signer on this node", "  saying why");
	is_int((int)q.attempts, 0, "  without counting an attempt (keyless runs never fail it)");
	ok(q.next_attempt_at == now + 60, "  due again in a minute");
	ok(q.body && strncmp(q.body, MAIL_SEALED, strlen(MAIL_SEALED)) == 0,
	   "  its body still sealed (a retry will need it)");
	clock_fix(now += 60);
	svc_mail_deliver(&W.env, &sent);
	is_int((int)sent, 1, "  with the key back it is sent on the retry");
	q = last_to(a, "ken.ueda@example.go.jp", NULL);
	is_str(q.body, mail_erased_body, "  and erased");

	/* Failed for good: erased in the transaction that marks it failed. */
	smtpsink_fail_next(sink, 100);
	size_t received = smtpsink_count(sink);
	enqueue_secret("mio.sato@example.go.jp", user, secret);
	for (int i = 0; i < 10; i++) {
		svc_mail_deliver(&W.env, &sent);
		q = last_to(a, "mio.sato@example.go.jp", NULL);
		if (i < 9)
			ok(q.body && strncmp(q.body, MAIL_SEALED, strlen(MAIL_SEALED)) == 0,
			   "  attempt %d failed: still sealed for the retry", i + 1);
		clock_fix(now = q.next_attempt_at);
	}
	is_str(q.state, "failed", "a secret message that never gets through ends failed");
	is_str(q.body, mail_erased_body, "  and its body is erased");
	has_str(q.last_error, "421", "  the reason is kept");
	is_int((int)(smtpsink_count(sink) - received), 0, "  (nothing was received)");
	smtpsink_fail_next(sink, 0);

	/* No signer at all: queued as rendered (nothing to seal with), erased all the same. */
	W.env.signer = NULL;
	is_int(enqueue_secret("yuto.kimura@example.go.jp", user, secret), GCAS_OK,
	       "without a signer a secret message is queued");
	q = last_to(a, "yuto.kimura@example.go.jp", NULL);
	is_int((int)q.sensitive, 1, "  marked sensitive");
	has_str(q.body, secret, "  its body as rendered");
	svc_mail_deliver(&W.env, &sent);
	W.env.signer = keep;
	is_int((int)sent, 1, "  sent");
	q = last_to(a, "yuto.kimura@example.go.jp", NULL);
	is_str(q.body, mail_erased_body, "  and erased after sending");

	arena_free(a);
	W.cfg.smtp_url = "";
	smtpsink_stop(sink);
}

/* ---- retention ---- */

static const char *queue_at(struct arena *a, int64_t at, const char *to)
{
	const char *vars[] = {"name", "x", "app", "R", NULL};
	clock_fix(at);
	enqueue(to, &tmpl_test, vars);
	return last_to(a, to, NULL).id;
}

static void test_retention(void)
{
	const int64_t D = 86400, T = T0 + 400 * D;
	char dir[256];
	int64_t n = -1, sent = 0;
	struct arena *a = arena_new(0);
	snprintf(dir, sizeof(dir), "%s/mail/retention", W.dir);
	W.cfg.smtp_url = "";
	W.cfg.mail_dir = dir;
	is_int(W.cfg.mail_retention, 30 * D, "mail.retention defaults to 30 days");
	/* A clean slate: whatever the tests above left is sent, then purged. */
	clock_fix(T - 100 * D);
	svc_mail_deliver(&W.env, &sent);
	clock_fix(T - 60 * D);
	is_int(svc_mail_purge(&W.env, &n), GCAS_OK, "purge runs");
	ok(n > 0, "  the earlier tests' old messages go (%lld)", (long long)n);
	is_int(outbox_count("queued"), 0, "  nothing is left queued");

	const char *old_sent = queue_at(a, T - 40 * D, "old.sent@example.go.jp");
	svc_mail_deliver(&W.env, &sent);
	const char *late_sent = queue_at(a, T - 40 * D, "late.sent@example.go.jp");
	const char *old_failed = queue_at(a, T - 40 * D, "old.failed@example.go.jp");
	const char *old_queued = queue_at(a, T - 40 * D, "old.queued@example.go.jp");
	mark(old_failed, 10, 0, 1);
	mark(old_queued, 3, T + 100 * D, 0); /* still retrying, long after the cutoff */
	clock_fix(T - 10 * D);
	svc_mail_deliver(&W.env, &sent);
	is_int((int)sent, 1, "queued 40 days ago, sent 10 days ago");
	const char *new_failed = queue_at(a, T - 10 * D, "new.failed@example.go.jp");
	mark(new_failed, 10, 0, 1);
	const char *edge_sent = queue_at(a, T - 30 * D, "edge.sent@example.go.jp");
	svc_mail_deliver(&W.env, &sent);
	const char *new_sent = queue_at(a, T - D, "new.sent@example.go.jp");
	svc_mail_deliver(&W.env, &sent);

	clock_fix(T);
	struct row_ctx c = {.before = T - 30 * D, .limit = 1};
	is_int(store_tx(W.env.st, purge_tx, &c), GCAS_OK, "a purge batch of one");
	is_int((int)c.n, 1, "  deletes one row");
	is_int(svc_mail_purge(&W.env, &n), GCAS_OK, "the purge job");
	is_int((int)n, 1, "  deletes the other old one");
	is_int(row_exists(old_sent), GCAS_ERR_NOTFOUND, "  sent 40 days ago: gone");
	is_int(row_exists(old_failed), GCAS_ERR_NOTFOUND, "  failed, queued 40 days ago: gone");
	is_int(row_exists(late_sent), GCAS_OK, "  queued 40 days ago but sent 10 days ago: kept");
	is_int(row_exists(new_failed), GCAS_OK, "  failed, queued 10 days ago: kept");
	is_int(row_exists(edge_sent), GCAS_OK, "  sent exactly 30 days ago: kept");
	is_int(row_exists(new_sent), GCAS_OK, "  sent yesterday: kept");
	is_int(row_exists(old_queued), GCAS_OK, "  queued 40 days ago and still queued: kept");
	is_int(svc_mail_purge(&W.env, &n), GCAS_OK, "again");
	is_int((int)n, 0, "  nothing more");
	clock_fix(T + 365 * D);
	svc_mail_purge(&W.env, &n);
	is_int(row_exists(old_queued), GCAS_OK, "a queued row is never purged, however old");
	is_int(row_exists(new_sent), GCAS_ERR_NOTFOUND, "  while every sent one goes in time");
	arena_free(a);
}

int main(void)
{
	if (wt_open(&W))
		return 1;
	W.cfg.mail_from = "政府クラウド <gcas@example.go.jp>";
	clock_fix(T0);
	if (wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) ||
	    wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agency) ||
	    wt_account(&W, ROLE_OPERATOR, op_org, "op@example.go.jp", op_id) ||
	    wt_account(&W, ROLE_AGENCY_STAFF, agency, "staff@example.go.jp", staff_id)) {
		printf("Bail out! fixtures\n");
		return 1;
	}
	test_smtp();
	test_files();
	test_injection();
	test_roles();
	test_blocklist();
	test_unique();
	test_verify();
	test_setup_link();
	test_secret();
	test_retention();
	wt_close(&W);
	return tap_done();
}
