/* SPDX-License-Identifier: MIT */
/* The audit log (svc/audit.c, R6.4, regulation 4.6): every use case appends its record in its
 * own transaction; audit_verify passes on an intact chain and names the record when one is
 * edited, deleted, reordered or the tail truncated (tampering done with sqlite3 directly on the
 * database file); audit_export lets an auditor recompute every hash from the exported lines
 * alone; svc_audit_list is scoped (operator: all; agency manager: own agency; staff: refused),
 * and no agency sees another agency's people in it (R7.1). The anchor file (R6.4): written
 * atomically and only forward, authenticated by its HMAC (recomputed here from the documented
 * line format), and a rollback of the whole log (tail cut, head rewound with sqlite3) named by
 * audit_verify_anchor although the shortened chain alone still verifies. */
#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/codec.h"
#include "crypto/token.h"
#include "jobs/jobs.h"
#include "test_world.h"

static struct world W;
static const struct client cl = {"192.0.2.77", "audit-test"};

/* The newest record, with checks that it is the one a use case just wrote. */
static void expect_record(int64_t before, const char *action, const char *actor_id,
                          const char *target_id, const char *what)
{
	struct arena *a = arena_new(0);
	struct audit_rec r = world_audit_last(&W, a);
	int good = r.seq == before + 1 && strcmp(r.action, action) == 0 && r.at == W.now &&
	           (!actor_id || (r.actor_id && strcmp(r.actor_id, actor_id) == 0)) &&
	           (!target_id || (r.target_id && strcmp(r.target_id, target_id) == 0));
	if (!ok(good, "%s writes one %s record", what, action))
		printf("#   seq %lld (before %lld) action %s actor %s target %s at %lld\n",
		       (long long)r.seq, (long long)before, r.action, r.actor_id ? r.actor_id : "-",
		       r.target_id ? r.target_id : "-", (long long)r.at);
	arena_free(a);
}

static const char *code_now(char out[8])
{
	unsigned char key[64];
	long n = base32_decode(key, sizeof(key), WT_TOTP_SECRET, strlen(WT_TOTP_SECRET));
	long c = totp_code(key, (size_t)n, totp_step(W.now));
	snprintf(out, 8, "%06d", (int)(c < 0 ? 0 : c % 1000000));
	return out;
}

static void test_every_use_case(void)
{
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op), am1 = world_actor(&W, W.am1);
	struct actor pm1 = world_actor(&W, W.pm1), am2 = world_actor(&W, W.am2);
	struct verrs ve = {0};
	struct org o = {0}, proj = {0}, con = {0};
	struct account acc = {0};
	const char *link = NULL;
	int64_t s;

	struct org_input in_ag = {.name = "環境省", .agency_type = "ministry", .code = "env"};
	s = world_audit_seq(&W);
	svc_org_create(&W.w.env, &op, a, ORG_AGENCY, &in_ag, &o, &ve);
	expect_record(s, "org.create_agency", W.op, o.id, "registering an agency");
	struct org_input in_pj = {.name = "監査テスト", .parent_id = W.ag1};
	s = world_audit_seq(&W);
	svc_org_create(&W.w.env, &am1, a, ORG_PROJECT, &in_pj, &proj, &ve);
	expect_record(s, "org.create_project", W.am1, proj.id, "creating a project team");
	struct org_input in_co = {.name = "監査請負", .parent_id = W.pj1};
	s = world_audit_seq(&W);
	svc_org_create(&W.w.env, &pm1, a, ORG_CONTRACTOR, &in_co, &con, &ve);
	expect_record(s, "org.create_contractor", W.pm1, con.id, "attaching a contractor");
	s = world_audit_seq(&W);
	svc_org_rename(&W.w.env, &am1, a, proj.id, "監査テスト二", &ve);
	expect_record(s, "org.rename", W.am1, proj.id, "renaming");

	struct account_input in = world_person("audit.person@digital.go.jp", "agency_staff", W.ag1);
	s = world_audit_seq(&W);
	/* Issuing, changing, re-enabling and deleting are the operator's (別表3); managers apply.
	 */
	svc_account_create(&W.w.env, &op, a, &in, &acc, &link, &ve);
	expect_record(s, "account.create", W.op, acc.id, "issuing an account");
	struct account stored = {0};
	ok(acc.id && world_account(&W, a, acc.id, &stored) == 0,
	   "  the record and the account committed together");
	in.given_name = "次郎";
	s = world_audit_seq(&W);
	svc_account_update(&W.w.env, &op, a, acc.id, 1, &in, &ve);
	expect_record(s, "account.update", W.op, acc.id, "changing an account");
	s = world_audit_seq(&W);
	svc_account_setup_link(&W.w.env, &op, a, acc.id, &link);
	expect_record(s, "account.setup_link", W.op, acc.id, "issuing a set-up link");
	s = world_audit_seq(&W);
	svc_setup_complete(&W.w.env, &cl, link, "maple lantern river 7", &ve);
	expect_record(s, "password.setup", acc.id, acc.id, "setting the first password");
	s = world_audit_seq(&W);
	svc_account_set_status(&W.w.env, &am1, a, acc.id, ACCOUNT_OP_DISABLE, "退職予定（三月末）",
	                       &ve);
	expect_record(s, "account.disable", W.am1, acc.id, "disabling");
	s = world_audit_seq(&W);
	svc_account_set_status(&W.w.env, &op, a, acc.id, ACCOUNT_OP_ENABLE, NULL, &ve);
	expect_record(s, "account.enable", W.op, acc.id, "re-enabling");
	s = world_audit_seq(&W);
	svc_account_reset_factors(&W.w.env, &am1, a, acc.id);
	expect_record(s, "account.reset_factors", W.am1, acc.id, "resetting factors");
	s = world_audit_seq(&W);
	svc_group_member_add(&W.w.env, &am1, a, W.pmo1, W.as1, 0, &ve);
	expect_record(s, "group.member_add", W.am1, W.pmo1, "adding a group member");
	s = world_audit_seq(&W);
	svc_group_member_remove(&W.w.env, &am1, a, W.pmo1, W.as1);
	expect_record(s, "group.member_remove", W.am1, W.pmo1, "removing a group member");

	char t1[SESSION_TOKEN_SIZE], t2[SESSION_TOKEN_SIZE], code[8];
	struct session_view sv;
	int need;
	s = world_audit_seq(&W);
	svc_signin_password(&W.w.env, &cl, "ps1@digital.go.jp", WT_PASSWORD, t1, &need);
	expect_record(s, "signin.password", W.ps1, W.ps1, "the password step");
	svc_session_resolve(&W.w.env, a, t1, &sv);
	s = world_audit_seq(&W);
	svc_signin_factor(&W.w.env, &cl, &sv, code_now(code), t2);
	expect_record(s, "signin.success", W.ps1, W.ps1, "the second factor");
	svc_session_resolve(&W.w.env, a, t2, &sv);
	s = world_audit_seq(&W);
	svc_reauth(&W.w.env, &cl, &sv, WT_PASSWORD);
	expect_record(s, "reauth.success", W.ps1, W.ps1, "re-authenticating");
	struct actor ps1 = world_actor(&W, W.ps1);
	struct api_token tok = {0};
	const char *secret = NULL;
	s = world_audit_seq(&W);
	svc_token_create(&W.w.env, &ps1, a, &sv, "監査", "read", 10, &tok, &secret, &ve);
	expect_record(s, "token.create", W.ps1, tok.id, "creating an API token");
	s = world_audit_seq(&W);
	svc_token_revoke(&W.w.env, &ps1, a, tok.id);
	expect_record(s, "token.revoke", W.ps1, tok.id, "revoking it");
	struct totp_enrolment en = {0};
	char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE];
	svc_totp_begin(&W.w.env, a, &sv, &en);
	unsigned char key[64];
	long kn = en.secret_b32
	              ? base32_decode(key, sizeof(key), en.secret_b32, strlen(en.secret_b32))
	              : -1;
	snprintf(code, sizeof(code), "%06d",
	         (int)(kn > 0 ? totp_code(key, (size_t)kn, totp_step(W.now)) % 1000000 : 0));
	s = world_audit_seq(&W);
	svc_totp_confirm(&W.w.env, &cl, &sv, code, codes, t1);
	expect_record(s, "factor.totp_enrolled", W.ps1, W.ps1, "enrolling an authenticator");
	s = world_audit_seq(&W);
	svc_password_change(&W.w.env, &cl, &sv, "violet tram umbrella 42", &ve);
	expect_record(s, "password.change", W.ps1, W.ps1, "changing one's password");
	svc_signin_password(&W.w.env, &cl, "pm1@digital.go.jp", WT_PASSWORD, t1, &need);
	svc_session_resolve(&W.w.env, a, t1, &sv);
	s = world_audit_seq(&W);
	svc_signout(&W.w.env, &cl, &sv);
	expect_record(s, "signout", W.pm1, W.pm1, "signing out");
	s = world_audit_seq(&W);
	svc_signin_password(&W.w.env, &cl, "pm1@digital.go.jp", "bad password here", t1, &need);
	expect_record(s, "signin.failure", NULL, W.pm1, "a failed sign-in");
	s = world_audit_seq(&W);
	svc_account_set_status(&W.w.env, &op, a, acc.id, ACCOUNT_OP_DELETE, "退職", &ve);
	expect_record(s, "account.delete", W.op, acc.id, "deleting");
	struct org seen;
	s = world_audit_seq(&W);
	svc_org_get(&W.w.env, &am2, a, W.pj1, &seen);
	expect_record(s, "permission.denied", W.am2, W.pj1, "a refused request");
	arena_free(a);
}

static char *verify_text(enum gcas_err *e, int64_t *checked)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	*e = f ? audit_verify(W.w.env.st, f, checked) : GCAS_ERR_IO;
	if (f)
		fclose(f);
	return text;
}

static sqlite3 *db;

static int sql(const char *q)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, q, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		printf("# sqlite: %s: %s\n", q, err ? err : "?");
	sqlite3_free(err);
	return rc;
}

/* Tamper, verify, check the report names the record, restore, verify again. */
static void tamper_case(const char *what, const char *tamper, const char *restore,
                        const char *must_say)
{
	enum gcas_err e;
	int64_t checked;
	/* Someone with full rights on the database file: the append-only triggers go first. */
	sql("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete");
	ok(sql(tamper) == SQLITE_OK, "%s (raw SQL on the database file)", what);
	char *text = verify_text(&e, &checked);
	is_int(e, GCAS_ERR_CONFLICT, "  audit_verify reports a broken chain");
	has_str(text, must_say, "  and names the record");
	free(text);
	ok(sql(restore) == SQLITE_OK, "  restored");
	text = verify_text(&e, &checked);
	is_int(e, GCAS_OK, "  the restored chain verifies again");
	free(text);
}

struct scan_ctx {
	struct arena *a;
	int64_t after;
	struct audit_rec *r;
	size_t n;
};

static enum gcas_err scan_tx_all(struct db *dbh, void *ctx)
{
	struct scan_ctx *c = ctx;
	return store_audit_scan(dbh, c->a, c->after, 100000, &c->r, &c->n);
}

static enum gcas_err scan_tx(struct db *dbh, void *ctx)
{
	struct scan_ctx *c = ctx;
	return store_audit_scan(dbh, c->a, c->after, 1, &c->r, &c->n);
}

/* The thorough forger: edits record k and recomputes every later hash and the chain head, so
 * the chain itself is consistent again. Only the seals, made with a key the database does not
 * hold, give it away. */
static void test_rechained(int64_t k)
{
	struct arena *a = arena_new(0);
	struct scan_ctx sc = {a, 0, NULL, 0};
	if (!ok(store_run(W.w.env.st, scan_tx_all, &sc) == GCAS_OK && sc.n > (size_t)k,
	        "the whole log read for the forger"))
		goto out;
	sql("CREATE TEMP TABLE saved AS SELECT * FROM audit;"
	    "CREATE TEMP TABLE savedh AS SELECT * FROM audit_head");
	char prev[SHA256_HEX_SIZE], q[512];
	snprintf(prev, sizeof(prev), "%s", sc.r[k - 1].prev_hash);
	int fine = 1;
	for (size_t i = (size_t)k - 1; i < sc.n; i++) {
		struct audit_rec f = sc.r[i];
		if (f.seq == k)
			f.detail = "{\"forged\":true}";
		f.prev_hash = prev;
		char *canon = audit_canonical(a, &f);
		char *msg = arena_printf(a, "%s\n%s", f.prev_hash, canon);
		char h[SHA256_HEX_SIZE];
		sha256_hex(msg, strlen(msg), h);
		snprintf(q, sizeof(q),
		         "UPDATE audit SET detail = '%s', prev_hash = '%s', hash = '%s' WHERE seq "
		         "= %lld",
		         f.detail, prev, h, (long long)f.seq);
		fine &= sql(q) == SQLITE_OK;
		snprintf(prev, sizeof(prev), "%s", h);
	}
	snprintf(q, sizeof(q), "UPDATE audit_head SET hash = '%s'", prev);
	fine &= sql(q) == SQLITE_OK;
	ok(fine, "record %lld forged and every later hash and the head recomputed", (long long)k);
	enum gcas_err e;
	int64_t checked;
	char *text = verify_text(&e, &checked);
	is_int(e, GCAS_ERR_CONFLICT, "  audit_verify still reports tampering");
	char say[96];
	snprintf(say, sizeof(say), "seq %lld: the seal does not match", (long long)k);
	has_str(text, say, "  named by the seal of the forged record");
	free(text);
	ok(sql("DELETE FROM audit; INSERT INTO audit SELECT * FROM saved; DROP TABLE saved;"
	       "UPDATE audit_head SET seq = (SELECT seq FROM savedh), hash = (SELECT hash FROM "
	       "savedh); DROP TABLE savedh") == SQLITE_OK,
	   "  restored");
	text = verify_text(&e, &checked);
	is_int(e, GCAS_OK, "  the restored log verifies again");
	free(text);
out:
	arena_free(a);
}

static void test_verify(void)
{
	enum gcas_err e;
	int64_t checked = 0, n = world_audit_seq(&W);
	char *text = verify_text(&e, &checked);
	is_int(e, GCAS_OK, "an intact chain verifies");
	is_int(checked, n, "  every record checked (%lld)", (long long)n);
	has_str(text, "0 problems", "  and the report says so");
	free(text);

	if (strncmp(W.w.dsn, "sqlite:", 7) != 0) {
		ok(1, "# SKIP tampering needs the SQLite store (GCAS_TEST_DSN is set)");
		return;
	}
	if (!ok(sqlite3_open(W.w.dsn + 7, &db) == SQLITE_OK,
	        "the database file opens with sqlite3"))
		return;
	sqlite3_busy_timeout(db, 5000);
	int64_t k = n / 2;
	ok(sqlite3_exec(db, "UPDATE audit SET detail = '{}' WHERE seq = 1", NULL, NULL, NULL) ==
	       SQLITE_CONSTRAINT,
	   "the database itself refuses to edit an audit record (append-only trigger)");
	ok(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 1", NULL, NULL, NULL) ==
	       SQLITE_CONSTRAINT,
	   "or to delete one");
	char tamper[512], restore[512], say[160];

	snprintf(tamper, sizeof(tamper),
	         "CREATE TEMP TABLE saved AS SELECT * FROM audit WHERE seq = %lld;"
	         "UPDATE audit SET detail = '{\"reason\":\"nothing happened\"}' WHERE seq = %lld",
	         (long long)k, (long long)k);
	snprintf(restore, sizeof(restore),
	         "DELETE FROM audit WHERE seq = %lld; INSERT INTO audit SELECT * FROM saved;"
	         "DROP TABLE saved",
	         (long long)k);
	snprintf(say, sizeof(say), "seq %lld: hash mismatch (record edited)", (long long)k);
	tamper_case("EDITED: a record's detail is changed", tamper, restore, say);

	snprintf(tamper, sizeof(tamper),
	         "CREATE TEMP TABLE saved AS SELECT * FROM audit WHERE seq = %lld;"
	         "DELETE FROM audit WHERE seq = %lld",
	         (long long)k, (long long)k);
	snprintf(restore, sizeof(restore),
	         "INSERT INTO audit SELECT * FROM saved; DROP TABLE saved");
	snprintf(say, sizeof(say), "seq %lld: records %lld..%lld are missing", (long long)k + 1,
	         (long long)k, (long long)k);
	tamper_case("DELETED: a record in the middle is removed", tamper, restore, say);

	snprintf(tamper, sizeof(tamper),
	         "UPDATE audit SET seq = -1 WHERE seq = %lld;"
	         "UPDATE audit SET seq = %lld WHERE seq = %lld;"
	         "UPDATE audit SET seq = %lld WHERE seq = -1",
	         (long long)k, (long long)k, (long long)k + 1, (long long)k + 1);
	snprintf(restore, sizeof(restore), "%s", tamper);
	snprintf(say, sizeof(say), "seq %lld: ", (long long)k);
	tamper_case("REORDERED: two records swap their seq", tamper, restore, say);

	snprintf(tamper, sizeof(tamper),
	         "CREATE TEMP TABLE saved AS SELECT * FROM audit WHERE seq = %lld;"
	         "DELETE FROM audit WHERE seq = %lld",
	         (long long)n, (long long)n);
	snprintf(restore, sizeof(restore),
	         "INSERT INTO audit SELECT * FROM saved; DROP TABLE saved");
	snprintf(say, sizeof(say), "should end at seq %lld but ends at %lld", (long long)n,
	         (long long)n - 1);
	tamper_case("TRUNCATED: the last record is removed", tamper, restore, say);

	/* A careful forger re-computes the edited record's own hash: the next record gives it
	 * away. */
	struct arena *a = arena_new(0);
	struct scan_ctx sc = {a, k - 1, NULL, 0};
	if (ok(store_run(W.w.env.st, scan_tx, &sc) == GCAS_OK && sc.n == 1, "record %lld read",
	       (long long)k)) {
		struct audit_rec f = sc.r[0];
		f.detail = "{\"forged\":true}";
		char *canon = audit_canonical(a, &f);
		char *msg = arena_printf(a, "%s\n%s", f.prev_hash, canon);
		char h[SHA256_HEX_SIZE];
		sha256_hex(msg, strlen(msg), h);
		snprintf(
		    tamper, sizeof(tamper),
		    "CREATE TEMP TABLE saved AS SELECT * FROM audit WHERE seq = %lld;"
		    "UPDATE audit SET detail = '{\"forged\":true}', hash = '%s' WHERE seq = %lld",
		    (long long)k, h, (long long)k);
		snprintf(
		    restore, sizeof(restore),
		    "DELETE FROM audit WHERE seq = %lld; INSERT INTO audit SELECT * FROM saved;"
		    "DROP TABLE saved",
		    (long long)k);
		snprintf(say, sizeof(say), "seq %lld: does not follow the previous record",
		         (long long)k + 1);
		tamper_case("EDITED and re-hashed: the forger fixes the record's own hash", tamper,
		            restore, say);
	}
	arena_free(a);
	test_rechained(k);
	sqlite3_close(db);
	db = NULL;
}

/* An auditor's check of an export: each line alone gives its hash. */
static void test_export(void)
{
	char *text = NULL;
	size_t len = 0;
	int64_t written = 0, n = world_audit_seq(&W);
	FILE *f = open_memstream(&text, &len);
	is_int(f ? audit_export(W.w.env.st, f, &written) : GCAS_ERR_IO, GCAS_OK, "audit_export");
	if (f)
		fclose(f);
	is_int(written, n, "  one line per record (%lld)", (long long)n);
	has_str(text, "\\u9000\\u8077", "  non-ASCII escaped: the reason 退職 as \\u9000\\u8077");
	char prev[SHA256_HEX_SIZE] =
	    "0000000000000000000000000000000000000000000000000000000000000000";
	long lines = 0, good_hash = 0, good_chain = 0, ascii = 1, seq_ok = 0;
	for (char *line = text, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		lines++;
		for (const char *p = line; *p; p++)
			ascii &= (unsigned char)*p < 0x80;
		json_error_t jerr;
		json_t *o = json_loads(line, 0, &jerr);
		const char *ph = json_string_value(json_object_get(o, "prev_hash"));
		const char *hh = json_string_value(json_object_get(o, "hash"));
		seq_ok += json_integer_value(json_object_get(o, "seq")) == lines;
		if (!o || !ph || !hh) {
			printf("#   line %ld does not parse: %s\n", lines, jerr.text);
			json_decref(o);
			continue;
		}
		char *ph_copy = strdup(ph), *hh_copy = strdup(hh);
		good_chain += strcmp(ph_copy, prev) == 0;
		json_object_del(o, "prev_hash");
		json_object_del(o, "hash");
		json_object_del(o, "mac"); /* the seal needs the key; the chain does not */
		char *canon = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
		size_t mlen = strlen(ph_copy) + 1 + strlen(canon);
		char *msg = malloc(mlen + 1);
		char h[SHA256_HEX_SIZE];
		snprintf(msg, mlen + 1, "%s\n%s", ph_copy, canon);
		sha256_hex(msg, mlen, h);
		if (strcmp(h, hh_copy) == 0)
			good_hash++;
		else
			printf("#   line %ld: recomputed %s, exported %s\n", lines, h, hh_copy);
		snprintf(prev, sizeof(prev), "%s", hh_copy);
		free(msg);
		free(canon);
		free(ph_copy);
		free(hh_copy);
		json_decref(o);
	}
	is_int(lines, n, "  %ld JSON lines", lines);
	is_int(good_hash, n, "  every hash recomputes from its line alone");
	is_int(good_chain, n, "  every line's prev_hash is the previous line's hash");
	is_int(seq_ok, n, "  seq runs 1..n without a gap");
	ok(ascii, "  lines are ASCII (non-ASCII escaped, as in the canonical form)");
	free(text);
}

static void test_list_scope(void)
{
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op), am1 = world_actor(&W, W.am1);
	struct actor am2 = world_actor(&W, W.am2), as1 = world_actor(&W, W.as1);
	struct actor pm1 = world_actor(&W, W.pm1);
	struct audit_rec *r;
	size_t n;
	struct page pg = {.limit = 1000};
	struct audit_filter f = {0};
	int64_t total = world_audit_seq(&W);
	is_int(svc_audit_list(&W.w.env, &op, a, &f, &pg, &r, &n), GCAS_OK, "the operator lists");
	is_int(n, total, "  every record");

	/* Cross-agency attempts by agency 1's people, so agency 2 has records about them. */
	struct org o;
	struct account acc;
	svc_org_get(&W.w.env, &am1, a, W.pjq, &o);
	svc_account_get(&W.w.env, &am1, a, W.psq, &acc);

	f = (struct audit_filter){.agency_id = W.ag2};
	pg = (struct page){.limit = 1000};
	is_int(svc_audit_list(&W.w.env, &am1, a, &f, &pg, &r, &n), GCAS_OK,
	       "agency 1's manager lists, asking for agency 2's records");
	int only_own = n > 0;
	for (size_t i = 0; i < n; i++)
		only_own &= r[i].agency_id && strcmp(r[i].agency_id, W.ag1) == 0;
	ok(only_own, "  and gets only agency 1's records (%zu)", n);

	f = (struct audit_filter){0};
	pg = (struct page){.limit = 1000};
	is_int(svc_audit_list(&W.w.env, &am2, a, &f, &pg, &r, &n), GCAS_OK,
	       "agency 2's manager lists");
	int clean = n > 0, leaked = 0;
	for (size_t i = 0; i < n; i++) {
		clean &= r[i].agency_id && strcmp(r[i].agency_id, W.ag2) == 0;
		/* R7.1: user information belongs to its agency and never crosses agencies; a
		 * record naming one of agency 1's people is agency 1's information. */
		if (r[i].actor_id && (strcmp(r[i].actor_id, W.am1) == 0)) {
			leaked++;
			printf("#   agency 2 sees %s by %s (%s)\n", r[i].action, r[i].actor_label,
			       r[i].actor_id);
		}
	}
	ok(clean, "  only agency 2's records (%zu)", n);
	is_int(leaked, 0, "  none of which names agency 1's people (R7.1)");

	int64_t s0 = world_audit_seq(&W);
	f = (struct audit_filter){0};
	is_int(svc_audit_list(&W.w.env, &as1, a, &f, &pg, &r, &n), GCAS_ERR_DENIED,
	       "agency staff may not read the audit log");
	audit_wrote(&W, s0, "permission.denied", "denied", "  the refusal is recorded");
	is_int(n, 0, "  and nothing is returned");
	s0 = world_audit_seq(&W);
	is_int(svc_audit_list(&W.w.env, &pm1, a, &f, &pg, &r, &n), GCAS_ERR_DENIED,
	       "nor may a project manager");
	audit_wrote(&W, s0, "permission.denied", "denied", "  recorded too");

	f = (struct audit_filter){.action_prefix = "permission."};
	pg = (struct page){.limit = 1000};
	is_int(svc_audit_list(&W.w.env, &op, a, &f, &pg, &r, &n), GCAS_OK,
	       "the operator filters by action");
	int all_denied = n > 0;
	for (size_t i = 0; i < n; i++)
		all_denied &= strcmp(r[i].action, "permission.denied") == 0;
	ok(all_denied, "  and gets only those (%zu)", n);
	arena_free(a);
}

/* ---- the anchor (R6.4) ---- */

static char adir[64], apath[128];

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	return n;
}

static int spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* An anchor line made here, from the format documented in svc/audit.h and the test's audit key,
 * not by audit.c: what a holder of the key could write. */
static void forge_anchor(const char *path, int64_t seq, const char *hash, int64_t at)
{
	char body[256], line[400], hex[65];
	unsigned char mac[32];
	snprintf(body, sizeof(body), "gcas-audit-anchor-v1 %lld %s %lld", (long long)seq, hash,
	         (long long)at);
	hmac_sha256(W.w.cfg.audit_key, sizeof(W.w.cfg.audit_key), body, strlen(body), mac);
	hex_encode(hex, mac, sizeof(mac));
	snprintf(line, sizeof(line), "%s %s\n", body, hex);
	spit(path, line);
}

static char *anchor_text(const char *path, enum gcas_err *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	*e = f ? audit_verify_anchor(W.w.env.st, path, f) : GCAS_ERR_IO;
	if (f)
		fclose(f);
	return text;
}

/* The directory holds exactly the anchor: no temporary file left behind. */
static int only_anchor_in_dir(void)
{
	DIR *d = opendir(adir);
	int others = 0, anchor = 0;
	for (struct dirent *de; d && (de = readdir(d));) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, "audit.anchor") == 0)
			anchor++;
		else
			others++, printf("#   left in the directory: %s\n", de->d_name);
	}
	if (d)
		closedir(d);
	return anchor == 1 && others == 0;
}

static void append_events(int k)
{
	struct actor sys = actor_system("anchor-test");
	struct audit_event ev = {"test.anchor", "audit", NULL, NULL, NULL, NULL};
	for (int i = 0; i < k; i++)
		audit_record(&W.w.env, &sys, &ev);
}

static void test_anchor_write(void)
{
	enum gcas_err e;
	struct audit_anchor an;
	int moved = -1;
	char before[512], after[512], *text;
	struct stat sb;

	text = anchor_text(apath, &e);
	is_int(e, GCAS_OK, "anchor: no file yet is not a failure");
	has_str(text, "note: no anchor file", "  but a note");
	free(text);

	int64_t n = world_audit_seq(&W);
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_OK, "anchor written");
	is_int(moved, 1, "  moved");
	is_int(an.seq, n, "  at the head's seq (%lld)", (long long)n);
	struct arena *a = arena_new(0);
	struct audit_rec last = world_audit_last(&W, a);
	is_str(an.hash, last.hash, "  with the head record's hash");
	is_int(an.at, W.now, "  and the time it was written");
	ok(stat(apath, &sb) == 0 && (sb.st_mode & 0777) == 0600, "  mode 0600 (%o)",
	   (unsigned)(sb.st_mode & 0777));
	ok(only_anchor_in_dir(), "  no temporary file left in the directory");

	/* The HMAC is what the header says: recompute the line independently. */
	slurp(apath, before, sizeof(before));
	char forged[128];
	snprintf(forged, sizeof(forged), "%s/forged.anchor", adir);
	forge_anchor(forged, an.seq, an.hash, an.at);
	slurp(forged, after, sizeof(after));
	is_str(before, after, "  the line is TAG SEQ HASH AT HMAC-SHA256(audit key, the rest)");
	unlink(forged);

	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_OK, "written again");
	is_int(moved, 0, "  nothing to move: the file is left");

	append_events(3);
	text = anchor_text(apath, &e);
	is_int(e, GCAS_OK, "three records later the log still reaches the anchor");
	has_str(text, "still reaches seq", "  and says so");
	free(text);
	int64_t checked;
	text = verify_text(&e, &checked);
	is_int(e, GCAS_OK, "  the chain verifies too");
	free(text);
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_OK, "the anchor moves on");
	ok(moved == 1 && an.seq == n + 3, "  to seq %lld", (long long)an.seq);
	ok(only_anchor_in_dir(), "  still no temporary file");

	/* A head below the file: the file is not moved back, whatever the database says. */
	slurp(apath, before, sizeof(before));
	forge_anchor(apath, n + 50, an.hash, W.now);
	slurp(apath, before, sizeof(before));
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_ERR_CONFLICT,
	       "a file ahead of the database: refused (conflict)");
	slurp(apath, after, sizeof(after));
	ok(moved == 0 && strcmp(before, after) == 0, "  the file is not moved back");
	text = anchor_text(apath, &e);
	is_int(e, GCAS_ERR_CONFLICT, "  and verify reports it");
	char say[160], t[32];
	clock_fmt_utc(t, W.now);
	snprintf(say, sizeof(say), "rolled back: it ends at %lld, but reached %lld at %s",
	         (long long)(n + 3), (long long)(n + 50), t);
	has_str(text, say, "  as a rollback naming both seqs");
	free(text);

	/* The seq edited by hand: the HMAC no longer matches. */
	forge_anchor(apath, n + 3, last.hash, W.now);
	slurp(apath, before, sizeof(before));
	char *sp = strchr(before, ' ');
	char edited[512];
	snprintf(edited, sizeof(edited), "gcas-audit-anchor-v1 %lld%s", (long long)(n + 2),
	         sp ? strchr(sp + 1, ' ') : "");
	spit(apath, edited);
	text = anchor_text(apath, &e);
	is_int(e, GCAS_ERR_CONFLICT, "anchor: the file's seq edited by hand");
	has_str(text, "the anchor file is not genuine", "  is reported as not genuine");
	free(text);
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_ERR_AUTH,
	       "  and the writer leaves it (evidence)");
	slurp(apath, after, sizeof(after));
	is_str(after, edited, "  untouched");

	spit(apath, "hello\n");
	text = anchor_text(apath, &e);
	is_int(e, GCAS_ERR_CONFLICT, "anchor: a file that is not an anchor");
	has_str(text, "is not an audit anchor file", "  is named so");
	free(text);
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_ERR_INVALID,
	       "  and left by the writer");

	unlink(apath);
	is_int(audit_anchor_write(W.w.env.st, "/nonexistent-gcas-dir/audit.anchor", &an, &moved),
	       GCAS_ERR_IO, "anchor: a directory that does not exist is an I/O error");
	ok(access("/nonexistent-gcas-dir", F_OK) != 0, "  and nothing is created");
	is_int(audit_anchor_write(W.w.env.st, "", &an, &moved), GCAS_OK,
	       "anchor: none configured: nothing to do");
	is_int(moved, 0, "  nothing written");
	text = anchor_text("", &e);
	ok(e == GCAS_OK && text && strstr(text, "note: no anchor file configured"),
	   "  and verify notes it");
	free(text);

	audit_set_key(NULL, 0);
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_ERR_AUTH,
	       "anchor: without the audit key none can be written");
	ok(access(apath, F_OK) != 0, "  and none is");
	audit_set_key(W.w.cfg.audit_key, sizeof(W.w.cfg.audit_key));
	arena_free(a);
}

/* The whole log rolled back: the tail cut and the head rewound with it, so the chain alone is
 * valid. Only the anchor shows it. */
static void test_anchor_rollback(void)
{
	enum gcas_err e;
	struct audit_anchor an;
	int moved;
	int64_t checked;
	char *text, before[512], after[512], q[512], say[200], t[32];
	if (strncmp(W.w.dsn, "sqlite:", 7) != 0) {
		ok(1, "# SKIP the rollback needs the SQLite store (GCAS_TEST_DSN is set)");
		return;
	}
	if (!ok(sqlite3_open(W.w.dsn + 7, &db) == SQLITE_OK, "the database file opens"))
		return;
	sqlite3_busy_timeout(db, 5000);
	int64_t n = world_audit_seq(&W);
	append_events(4);
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_OK,
	       "rollback: anchor written at seq %lld", (long long)(n + 4));
	is_int(an.seq, n + 4, "  at the head");
	slurp(apath, before, sizeof(before));

	sql("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete");
	snprintf(
	    q, sizeof(q),
	    "CREATE TEMP TABLE tail AS SELECT * FROM audit WHERE seq > %lld;"
	    "CREATE TEMP TABLE savedh AS SELECT * FROM audit_head;"
	    "DELETE FROM audit WHERE seq > %lld;"
	    "UPDATE audit_head SET seq = %lld, hash = (SELECT hash FROM audit WHERE seq = %lld)",
	    (long long)n, (long long)n, (long long)n, (long long)n);
	ok(sql(q) == SQLITE_OK, "  the last 4 records cut and the head rewound (raw SQL)");
	text = verify_text(&e, &checked);
	is_int(e, GCAS_OK, "  the shortened chain alone still verifies (why the anchor exists)");
	free(text);
	text = anchor_text(apath, &e);
	is_int(e, GCAS_ERR_CONFLICT, "  audit_verify_anchor reports it");
	clock_fmt_utc(t, an.at);
	snprintf(say, sizeof(say),
	         "the audit log was rolled back: it ends at %lld, but reached %lld at %s",
	         (long long)n, (long long)(n + 4), t);
	has_str(text, say, "  naming both seqs and the time");
	free(text);
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_ERR_CONFLICT,
	       "  the writer refuses to follow the lower head");
	slurp(apath, after, sizeof(after));
	ok(moved == 0 && strcmp(before, after) == 0, "  and the file is not moved back");
	ok(sql("INSERT INTO audit SELECT * FROM tail; DROP TABLE tail;"
	       "UPDATE audit_head SET seq = (SELECT seq FROM savedh), hash = (SELECT hash FROM "
	       "savedh); DROP TABLE savedh") == SQLITE_OK,
	   "  restored");
	text = anchor_text(apath, &e);
	is_int(e, GCAS_OK, "  the restored log reaches the anchor again");
	free(text);

	/* The record at the anchor's seq given another hash (as a re-chaining forger would). */
	snprintf(q, sizeof(q),
	         "CREATE TEMP TABLE saved AS SELECT * FROM audit WHERE seq = %lld;"
	         "UPDATE audit SET hash = '%064d' WHERE seq = %lld",
	         (long long)(n + 4), 0, (long long)(n + 4));
	ok(sql(q) == SQLITE_OK, "rewritten: the anchored record's hash replaced");
	text = anchor_text(apath, &e);
	is_int(e, GCAS_ERR_CONFLICT, "  audit_verify_anchor reports it");
	snprintf(say, sizeof(say), "seq %lld was rewritten", (long long)(n + 4));
	has_str(text, say, "  as rewritten");
	free(text);
	is_int(audit_anchor_write(W.w.env.st, apath, &an, &moved), GCAS_ERR_CONFLICT,
	       "  and the writer leaves the file");
	snprintf(q, sizeof(q),
	         "DELETE FROM audit WHERE seq = %lld; INSERT INTO audit SELECT * FROM saved;"
	         "DROP TABLE saved",
	         (long long)(n + 4));
	ok(sql(q) == SQLITE_OK, "  restored");
	text = anchor_text(apath, &e);
	is_int(e, GCAS_OK, "  and it verifies again");
	free(text);
	sqlite3_close(db);
	db = NULL;
}

/* The anchor job runs on every node, without the cluster-wide lease the other jobs take: each
 * node keeps its own file, so a second node's file moves too while the first holds the leases. */
static void test_anchor_every_node(void)
{
	struct audit_anchor an;
	const char *was = W.w.cfg.audit_anchor_file;
	W.w.cfg.audit_anchor_file = apath;
	append_events(2);
	int ran_a = jobs_run_once(&W.w.env, "node-a");
	ok(ran_a > 1, "node A runs every job (%d)", ran_a);
	ok(audit_anchor_read(apath, &an) == GCAS_OK && an.seq == world_audit_seq(&W),
	   "  and its anchor reaches the head");
	append_events(2);
	int64_t head = world_audit_seq(&W);
	int ran_b = jobs_run_once(&W.w.env, "node-b");
	is_int(ran_b, 1, "node B, while A holds the leases, runs only the anchor job");
	ok(audit_anchor_read(apath, &an) == GCAS_OK && an.seq >= head,
	   "  which moved its file to the new head (%lld of %lld)", (long long)an.seq,
	   (long long)world_audit_seq(&W));
	W.w.cfg.audit_anchor_file = was;
}

int main(void)
{
	if (!ok(world_open(&W) == 0, "fixture world"))
		return tap_done();
	test_every_use_case();
	test_verify();
	test_export();
	test_list_scope();
	snprintf(adir, sizeof(adir), "/tmp/gcas-anchor-XXXXXX");
	if (ok(mkdtemp(adir) != NULL, "a directory for the anchor")) {
		snprintf(apath, sizeof(apath), "%s/audit.anchor", adir);
		test_anchor_write();
		test_anchor_rollback();
		test_anchor_every_node();
		unlink(apath);
		rmdir(adir);
	}
	world_close(&W);
	return tap_done();
}
