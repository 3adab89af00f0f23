/* SPDX-License-Identifier: MIT */
/* The store suite: every operation of store.h run against a real database, the same program on
 * SQLite and on PostgreSQL (argv[1] or GCAS_TEST_DSN: "sqlite:tmp", "env:GCAS_TEST_PG" or a DSN).
 * Each run starts from an empty database; the concurrency check (8 threads appending to the
 * audit chain) starts from a second empty database so its sequence must run exactly 1..400. */
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/rand.h"
#include "store/store.h"
#include "tap.h"
#include "testdb.h"

#define T0 INT64_C(1790000000)

#define is_err(got, want, ...)                                                                     \
	do {                                                                                       \
		enum gcas_err ge_ = (got), we_ = (want);                                           \
		if (!ok(ge_ == we_, __VA_ARGS__))                                                  \
			printf("#   got %s, want %s\n", gcas_err_name(ge_), gcas_err_name(we_));   \
	} while (0)

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct store *st;
static struct testdb tdb;
static struct arena *A; /* everything the main thread reads or builds */
static int is_pg;

/* ---------- record builders ---------- */

static const char *new_id(void)
{
	char id[33];
	if (rand_id(id))
		return NULL;
	return arena_strdup(A, id);
}

static struct org mk_org(enum org_kind kind, const char *name, const char *code,
                         const struct org *parent)
{
	struct org o = {.id = new_id(), .kind = kind, .name = name, .code = code};
	o.created_at = o.updated_at = T0;
	if (kind == ORG_AGENCY) {
		o.agency_type = "local";
		o.agency_id = o.id;
	}
	if (kind == ORG_PROJECT) {
		o.parent_id = parent->id;
		o.agency_id = parent->agency_id;
		o.project_id = o.id;
	}
	if (kind == ORG_CONTRACTOR) {
		o.parent_id = parent->id;
		o.agency_id = parent->agency_id;
		o.project_id = parent->id;
	}
	return o;
}

static struct account mk_acc(const char *email, enum role role, const struct org *o,
                             const char *family, const char *given)
{
	return (struct account){.id = new_id(),
	                        .email = email,
	                        .family_name = family,
	                        .given_name = given,
	                        .family_kana = "テスト",
	                        .given_kana = "ユーザー",
	                        .role = role,
	                        .org_id = o->id,
	                        .agency_id = o->agency_id,
	                        .project_id = o->project_id,
	                        .status = ACCOUNT_PENDING,
	                        .created_at = T0,
	                        .updated_at = T0,
	                        .version = 1};
}

/* The fixture shared by the sections, built by sec_orgs and sec_accounts. */
static struct {
	struct org op, ag_a, ag_b, pj_a, ct_a;
	struct account op1, op2, mgr, pm, dev, us, pc, xb, px, bs, gone;
} fx;

/* ---------- comparison helpers ---------- */

static int streq(const char *a, const char *b)
{
	return (a && b) ? strcmp(a, b) == 0 : a == b;
}

static int diff_s(const char *field, const char *got, const char *want)
{
	if (streq(got, want))
		return 0;
	printf("#   %s: got \"%s\", want \"%s\"\n", field, got ? got : "(null)",
	       want ? want : "(null)");
	return 1;
}

static int diff_i(const char *field, int64_t got, int64_t want)
{
	if (got == want)
		return 0;
	printf("#   %s: got %" PRId64 ", want %" PRId64 "\n", field, got, want);
	return 1;
}

#define DS(f) diff_s(#f, g->f, w->f)
#define DI(f) diff_i(#f, (int64_t)g->f, (int64_t)w->f)

static int org_diff(const struct org *g, const struct org *w)
{
	return DS(id) + DI(kind) + DS(name) + DS(code) + DS(agency_type) + DS(parent_id) +
	       DS(agency_id) + DS(project_id) + DI(created_at) + DI(updated_at);
}

static int acc_diff(const struct account *g, const struct account *w)
{
	return DS(id) + DS(email) + DS(family_name) + DS(given_name) + DS(family_kana) +
	       DS(given_kana) + DI(role) + DS(org_id) + DS(agency_id) + DS(project_id) +
	       DI(status) + DS(disabled_reason) + DS(password_hash) + DI(created_at) +
	       DI(activated_at) + DI(last_signin_at) + DI(updated_at) + DI(version);
}

static int session_diff(const struct session *g, const struct session *w)
{
	return DS(id_hash) + DS(account_id) + DS(csrf) + DS(lang) + DS(ip) + DI(created_at) +
	       DI(last_seen_at) + DI(expires_at) + DI(mfa_at) + DI(reauth_at);
}

static int token_diff(const struct api_token *g, const struct api_token *w)
{
	return DS(id) + DS(account_id) + DS(name) + DS(token_hash) + DS(scopes) + DI(created_at) +
	       DI(expires_at) + DI(last_used_at) + DI(revoked_at);
}

static int group_diff(const struct group *g, const struct group *w)
{
	return DS(id) + DI(kind) + DS(org_id) + DS(agency_id) + DS(project_id) + DS(name) +
	       DI(created_at) + DI(members);
}

/* 1 when got[0..ng) and want[0..nw) hold the same ids (order ignored, no duplicates). */
static int same_ids(const char *const *got, size_t ng, const char *const *want, size_t nw)
{
	if (ng != nw) {
		printf("#   got %zu rows, want %zu\n", ng, nw);
		return 0;
	}
	for (size_t i = 0; i < ng; i++) {
		size_t hits = 0;
		for (size_t j = 0; j < nw; j++)
			hits += streq(got[i], want[j]);
		for (size_t j = 0; j < i; j++)
			hits += streq(got[i], got[j]) ? 100 : 0;
		if (hits != 1) {
			printf("#   unexpected or repeated row %s\n", got[i]);
			return 0;
		}
	}
	return 1;
}

static const char **org_ids(const struct org *o, size_t n)
{
	const char **ids = arena_alloc(A, (n + 1) * sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = o[i].id;
	return ids;
}

static const char **acc_ids(const struct account *a, size_t n)
{
	const char **ids = arena_alloc(A, (n + 1) * sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = a[i].id;
	return ids;
}

/* ---------- schema ---------- */

static void sec_open_and_migrate(void)
{
	char why[256] = "";
	int applied = -1, dbv = -1, binv = -1;
	is_str(store_engine(st), is_pg ? "postgresql" : "sqlite", "engine is %s",
	       is_pg ? "postgresql" : "sqlite");
	is_err(store_schema_version(st, &dbv, &binv), GCAS_OK,
	       "schema version readable when empty");
	is_int(dbv, 0, "empty database is at version 0");
	ok(binv >= 1, "binary carries migrations (%d)", binv);
	is_err(store_migrate(st, &applied, why, sizeof(why)), GCAS_OK, "migrate: %s", why);
	is_int(applied, binv, "first migrate applies every migration");
	is_err(store_migrate(st, &applied, why, sizeof(why)), GCAS_OK, "migrate again");
	is_int(applied, 0, "second migrate applies nothing");
	is_err(store_schema_version(st, &dbv, &binv), GCAS_OK, "schema version after migrate");
	is_int(dbv, binv, "database version equals the binary's");

	char **cols = NULL;
	size_t n = 0;
	int found = 0, sorted = 1, mig = 0;
	is_err(store_schema_columns(st, A, &cols, &n), GCAS_OK, "schema columns");
	for (size_t i = 0; i < n; i++) {
		found +=
		    strcmp(cols[i], "accounts.email") == 0 || strcmp(cols[i], "audit.hash") == 0;
		mig += strncmp(cols[i], "schema_migrations.", 18) == 0;
		if (i && strcmp(cols[i - 1], cols[i]) >= 0)
			sorted = 0;
	}
	is_int(found, 2, "schema columns list accounts.email and audit.hash");
	is_int(mig, 0, "schema columns leave out the migrations table");
	ok(sorted && n > 50, "schema columns sorted and unique (%zu)", n);
}

static void sec_open_errors(void)
{
	char why[256] = "";
	const char *bad = is_pg ? "postgresql://gcas@127.0.0.1:1/nothing"
	                        : "sqlite:/nonexistent-gcas-dir/sub/x.db";
	struct store *s = store_open(bad, 1, why, sizeof(why));
	ok(s == NULL, "store_open refuses an unreachable database");
	why[strcspn(why, "\r\n")] = '\0'; /* libpq's message spans lines; TAP wants one */
	ok(why[0] != '\0', "and says why: %s", why);
	store_close(s);
}

/* ---------- organisations ---------- */

static int org_page_ordered(const struct org *o, size_t n, const struct org *prev)
{
	for (size_t i = 0; i < n; i++) {
		const struct org *p = i ? &o[i - 1] : prev;
		if (!p)
			continue;
		int c = strcmp(p->name, o[i].name);
		if (c > 0 || (c == 0 && strcmp(p->id, o[i].id) >= 0))
			return 0;
	}
	return 1;
}

static void orgs_paging(struct db *db)
{
	struct org agc = mk_org(ORG_AGENCY, "八王子市", "132012", NULL);
	const char *want[8];
	store_org_insert(db, &agc);
	for (size_t i = 0; i < NELEM(want); i++) {
		/* Six share one name: the cursor must carry the id to split them across pages. */
		struct org p =
		    mk_org(ORG_PROJECT, i < 6 ? "同名プロジェクト" : "Alpha", NULL, &agc);
		want[i] = p.id;
		if (store_org_insert(db, &p))
			ok(0, "insert paging org %zu", i);
	}
	struct page pg = {.limit = 3};
	const char *got[16];
	size_t total = 0, sizes[8] = {0}, pages = 0;
	struct org last = {0};
	int ordered = 1;
	do {
		struct org *items = NULL;
		size_t n = 0;
		enum gcas_err e = store_org_list(db, A, agc.id, ORG_PROJECT, &pg, &items, &n);
		if (e || pages >= 6 || total + n > NELEM(got))
			break;
		ordered &= org_page_ordered(items, n, pages ? &last : NULL);
		for (size_t i = 0; i < n; i++)
			got[total++] = items[i].id;
		if (n)
			last = items[n - 1];
		sizes[pages++] = n;
		pg.after = pg.next;
	} while (pg.after);
	is_int(pages, 3, "org paging: 8 rows at limit 3 take 3 pages");
	ok(sizes[0] == 3 && sizes[1] == 3 && sizes[2] == 2, "org paging: pages of 3, 3, 2");
	ok(same_ids(got, total, want, NELEM(want)), "org paging: every row once across pages");
	ok(ordered, "org paging: ordered by (name, id) across pages, equal names split by id");
	ok(pg.next == NULL, "org paging: no cursor after the last page");
}

static void orgs_lists(struct db *db)
{
	struct org *items = NULL;
	size_t n = 0;
	const char *in_a[] = {fx.ag_a.id, fx.pj_a.id, fx.ct_a.id};
	is_err(store_org_list(db, A, fx.ag_a.id, -1, NULL, &items, &n), GCAS_OK, "org list agency");
	ok(same_ids(org_ids(items, n), n, in_a, 3), "agency filter: the agency and its orgs");
	is_err(store_org_list(db, A, NULL, ORG_PROJECT, NULL, &items, &n), GCAS_OK,
	       "list projects");
	ok(same_ids(org_ids(items, n), n, &fx.pj_a.id, 1), "kind filter: the one project");
	is_err(store_org_list(db, A, fx.ag_a.id, ORG_CONTRACTOR, NULL, &items, &n), GCAS_OK,
	       "list agency contractors");
	ok(same_ids(org_ids(items, n), n, &fx.ct_a.id, 1), "agency and kind filters together");
	is_err(store_org_list(db, A, fx.ag_b.id, ORG_PROJECT, NULL, &items, &n), GCAS_OK,
	       "list empty");
	is_int(n, 0, "agency B has no project");
	struct page pg = {.limit = 10};
	is_err(store_org_list(db, A, NULL, -1, &pg, &items, &n), GCAS_OK, "list all");
	is_int(n, 5, "no filter: all five orgs");
	ok(pg.next == NULL, "a single page has no next cursor");
}

static enum gcas_err sec_orgs(struct db *db, void *ctx)
{
	(void)ctx;
	struct org got = {0};
	fx.op = mk_org(ORG_OPERATOR, "ガバメントクラウドチーム", NULL, NULL);
	fx.ag_a = mk_org(ORG_AGENCY, "千代田区", "131016", NULL);
	fx.ag_b = mk_org(ORG_AGENCY, "デジタル庁", "D00001", NULL);
	fx.ag_b.agency_type = "ministry";
	fx.pj_a = mk_org(ORG_PROJECT, "住民記録システム", NULL, &fx.ag_a);
	fx.ct_a = mk_org(ORG_CONTRACTOR, "株式会社テスト開発", NULL, &fx.pj_a);
	const struct org *all[] = {&fx.op, &fx.ag_a, &fx.ag_b, &fx.pj_a, &fx.ct_a};
	for (size_t i = 0; i < NELEM(all); i++) {
		enum gcas_err e = store_org_insert(db, all[i]);
		is_err(e, GCAS_OK, "insert org %s", all[i]->name);
		if (e)
			return e;
	}
	is_err(store_org_insert(db, &fx.ag_a), GCAS_ERR_CONFLICT, "same org id twice: CONFLICT");
	struct org dup = mk_org(ORG_AGENCY, "別の区", "131016", NULL);
	is_err(store_org_insert(db, &dup), GCAS_ERR_CONFLICT, "duplicate org code: CONFLICT");

	is_err(store_org_get(db, A, fx.ct_a.id, &got), GCAS_OK, "org get");
	is_int(org_diff(&got, &fx.ct_a), 0, "org get returns every field as inserted");
	is_err(store_org_get_by_code(db, A, "131016", &got), GCAS_OK, "org get by code");
	is_int(org_diff(&got, &fx.ag_a), 0, "org by code is the agency");
	is_err(store_org_get_by_code(db, A, "999999", &got), GCAS_ERR_NOTFOUND, "unknown code");
	is_err(store_org_get(db, A, "00000000000000000000000000000000", &got), GCAS_ERR_NOTFOUND,
	       "unknown org id: NOTFOUND");
	is_err(store_org_operator(db, A, &got), GCAS_OK, "operator org");
	is_int(org_diff(&got, &fx.op), 0, "operator org is the one inserted");

	is_err(store_org_update_name(db, fx.ag_a.id, "千代田区役所", T0 + 10), GCAS_OK, "rename");
	store_org_get(db, A, fx.ag_a.id, &got);
	is_str(got.name, "千代田区役所", "renamed");
	is_int(got.updated_at, T0 + 10, "rename sets updated_at");
	is_int(got.created_at, T0, "rename keeps created_at");
	fx.ag_a.name = "千代田区役所";
	is_err(store_org_update_name(db, "00000000000000000000000000000000", "x", T0),
	       GCAS_ERR_NOTFOUND, "rename unknown org: NOTFOUND");

	orgs_lists(db);
	orgs_paging(db);
	return GCAS_OK;
}

/* ---------- accounts ---------- */

static enum gcas_err accounts_insert(struct db *db)
{
	fx.op1 = mk_acc("operator@gcas.go.jp", ROLE_OPERATOR, &fx.op, "運用", "一郎");
	fx.op1.status = ACCOUNT_ACTIVE;
	fx.op1.activated_at = T0;
	fx.op2 = mk_acc("operator2@gcas.go.jp", ROLE_OPERATOR, &fx.op, "運用", "二郎");
	fx.mgr = mk_acc("kanri@city.chiyoda.lg.jp", ROLE_AGENCY_MANAGER, &fx.ag_a, "山田", "太郎");
	fx.mgr.family_kana = "ヤマダ";
	fx.mgr.given_kana = "タロウ";
	fx.pm = mk_acc("pm@city.chiyoda.lg.jp", ROLE_PROJECT_MANAGER, &fx.pj_a, "佐藤", "花子");
	fx.dev =
	    mk_acc("dev@contractor.example.jp", ROLE_CONTRACTOR_STAFF, &fx.ct_a, "Smith", "John");
	fx.us = mk_acc("a_b@example.jp", ROLE_AGENCY_STAFF, &fx.ag_a, "鈴木", "一");
	fx.xb = mk_acc("axb@example.jp", ROLE_AGENCY_STAFF, &fx.ag_a, "高橋", "二");
	fx.pc = mk_acc("100%sure@example.jp", ROLE_AGENCY_STAFF, &fx.ag_a, "田中", "三");
	fx.px = mk_acc("100xsure@example.jp", ROLE_AGENCY_STAFF, &fx.ag_a, "伊藤", "四");
	fx.bs = mk_acc("obrien@example.jp", ROLE_AGENCY_STAFF, &fx.ag_a, "O\\Brien", "Pat");
	fx.gone = mk_acc("gone@example.jp", ROLE_AGENCY_STAFF, &fx.ag_a, "渡辺", "五");
	struct account *all[] = {&fx.op1, &fx.op2, &fx.mgr, &fx.pm, &fx.dev, &fx.us,
	                         &fx.xb,  &fx.pc,  &fx.px,  &fx.bs, &fx.gone};
	for (size_t i = 0; i < NELEM(all); i++) {
		enum gcas_err e = store_account_insert(db, all[i]);
		is_err(e, GCAS_OK, "insert account %s", all[i]->email);
		if (e)
			return e;
	}
	struct account dup =
	    mk_acc("kanri@city.chiyoda.lg.jp", ROLE_AGENCY_STAFF, &fx.ag_a, "別", "人");
	is_err(store_account_insert(db, &dup), GCAS_ERR_CONFLICT, "duplicate email: CONFLICT");
	return GCAS_OK;
}

static void accounts_get_update(struct db *db)
{
	struct account got = {0}, upd;
	is_err(store_account_get(db, A, fx.mgr.id, &got), GCAS_OK, "account get");
	is_int(acc_diff(&got, &fx.mgr), 0, "account get returns every field as inserted");
	is_err(store_account_get_by_email(db, A, "kanri@city.chiyoda.lg.jp", &got), GCAS_OK,
	       "account get by email");
	is_str(got.id, fx.mgr.id, "by email: the right account");
	is_err(store_account_get_by_email(db, A, "nobody@example.jp", &got), GCAS_ERR_NOTFOUND,
	       "unknown email: NOTFOUND");
	is_err(store_account_get(db, A, "00000000000000000000000000000000", &got),
	       GCAS_ERR_NOTFOUND, "unknown account id: NOTFOUND");

	upd = fx.mgr;
	upd.given_name = "次郎";
	is_err(store_account_update(db, &upd, T0 + 20), GCAS_OK, "update at the current version");
	store_account_get(db, A, fx.mgr.id, &got);
	is_str(got.given_name, "次郎", "update changed the name");
	is_int(got.version, 2, "update bumped the version");
	is_int(got.updated_at, T0 + 20, "update set updated_at");
	upd.family_name = "古い";
	is_err(store_account_update(db, &upd, T0 + 21), GCAS_ERR_CONFLICT,
	       "update with a stale version: CONFLICT");
	store_account_get(db, A, fx.mgr.id, &got);
	ok(streq(got.family_name, "山田") && got.version == 2, "stale update changed nothing");
	upd = got;
	upd.email = fx.pm.email;
	is_err(store_account_update(db, &upd, T0 + 22), GCAS_ERR_CONFLICT,
	       "update to another account's email: CONFLICT");
	fx.mgr = got;

	is_err(store_account_set_status(db, fx.mgr.id, ACCOUNT_DISABLED, "異動のため", T0 + 30),
	       GCAS_OK, "disable");
	store_account_get(db, A, fx.mgr.id, &got);
	ok(got.status == ACCOUNT_DISABLED && streq(got.disabled_reason, "異動のため"),
	   "disabled with its reason");
	is_int(got.version, 3, "status change bumps the version");
	is_err(store_account_set_status(db, fx.mgr.id, ACCOUNT_ACTIVE, NULL, T0 + 31), GCAS_OK,
	       "enable");
	store_account_get(db, A, fx.mgr.id, &got);
	ok(got.status == ACCOUNT_ACTIVE && got.disabled_reason == NULL, "enabled, reason cleared");
	is_err(store_account_set_status(db, "00000000000000000000000000000000", ACCOUNT_ACTIVE,
	                                NULL, T0),
	       GCAS_ERR_NOTFOUND, "status of unknown account: NOTFOUND");

	const char *hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
	is_err(store_account_set_password(db, fx.mgr.id, hash, T0 + 40), GCAS_OK, "set password");
	store_account_get(db, A, fx.mgr.id, &got);
	is_str(got.password_hash, hash, "password hash stored");
	is_int(got.updated_at, T0 + 40, "set password sets updated_at");
	is_err(store_account_set_password(db, "00000000000000000000000000000000", hash, T0),
	       GCAS_ERR_NOTFOUND, "password of unknown account: NOTFOUND");
}

static void accounts_signed_in(struct db *db)
{
	struct account got = {0};
	is_err(store_account_signed_in(db, fx.pm.id, T0 + 50), GCAS_OK, "first sign-in");
	store_account_get(db, A, fx.pm.id, &got);
	is_int(got.status, ACCOUNT_ACTIVE, "first sign-in activates a pending account");
	is_int(got.activated_at, T0 + 50, "activated_at set");
	is_int(got.last_signin_at, T0 + 50, "last_signin_at set");
	is_err(store_account_signed_in(db, fx.pm.id, T0 + 60), GCAS_OK, "second sign-in");
	store_account_get(db, A, fx.pm.id, &got);
	is_int(got.activated_at, T0 + 50, "activated_at set only once");
	is_int(got.last_signin_at, T0 + 60, "last_signin_at follows");
	store_account_set_status(db, fx.dev.id, ACCOUNT_DISABLED, "契約終了", T0 + 61);
	store_account_signed_in(db, fx.dev.id, T0 + 62);
	store_account_get(db, A, fx.dev.id, &got);
	is_int(got.status, ACCOUNT_DISABLED, "sign-in does not re-activate a disabled account");
	store_account_set_status(db, fx.dev.id, ACCOUNT_ACTIVE, NULL, T0 + 63);
	is_err(store_account_signed_in(db, "00000000000000000000000000000000", T0),
	       GCAS_ERR_NOTFOUND, "sign-in of unknown account: NOTFOUND");
}

/* List with a filter (no paging) and compare the ids. */
static void acc_list_is(struct db *db, const struct account_filter *f, const char *const *want,
                        size_t nw, const char *what)
{
	struct account *items = NULL;
	size_t n = 0;
	enum gcas_err e = store_account_list(db, A, f, NULL, &items, &n);
	if (e) {
		is_err(e, GCAS_OK, "%s", what);
		return;
	}
	ok(same_ids(acc_ids(items, n), n, want, nw), "%s", what);
}

static void accounts_filters(struct db *db)
{
	struct account_filter f = {.role = -1, .status = -1};
	const char *live[] = {fx.op1.id, fx.mgr.id, fx.pm.id, fx.dev.id, fx.us.id,
	                      fx.xb.id,  fx.pc.id,  fx.px.id, fx.bs.id};
	store_account_set_status(db, fx.gone.id, ACCOUNT_DELETED, NULL, T0 + 70);
	store_account_set_status(db, fx.op2.id, ACCOUNT_DELETED, NULL, T0 + 70);
	acc_list_is(db, &f, live, NELEM(live), "no filter: every account but the deleted");
	f.status = ACCOUNT_DELETED;
	acc_list_is(db, &f, (const char *[]){fx.gone.id, fx.op2.id}, 2, "deleted when asked for");
	f.status = ACCOUNT_ACTIVE;
	acc_list_is(db, &f, (const char *[]){fx.op1.id, fx.mgr.id, fx.pm.id, fx.dev.id}, 4,
	            "status filter: active");
	f = (struct account_filter){.agency_id = fx.ag_a.id, .role = -1, .status = -1};
	acc_list_is(db, &f, live + 1, NELEM(live) - 1, "agency filter");
	f.project_id = fx.pj_a.id;
	acc_list_is(db, &f, (const char *[]){fx.pm.id, fx.dev.id}, 2, "project filter");
	f = (struct account_filter){.org_id = fx.ct_a.id, .role = -1, .status = -1};
	acc_list_is(db, &f, &fx.dev.id, 1, "org filter");
	f = (struct account_filter){.role = ROLE_OPERATOR, .status = -1};
	acc_list_is(db, &f, &fx.op1.id, 1, "role filter (deleted operator left out)");
	f.role = ROLE_AGENCY_STAFF;
	f.agency_id = fx.ag_a.id;
	f.status = ACCOUNT_PENDING;
	acc_list_is(db, &f, (const char *[]){fx.us.id, fx.xb.id, fx.pc.id, fx.px.id, fx.bs.id}, 5,
	            "role, agency and status filters together");
}

static void accounts_search(struct db *db)
{
	struct account_filter f = {.role = -1, .status = -1};
	f.q = "_";
	acc_list_is(db, &f, &fx.us.id, 1, "q \"_\" is a literal underscore");
	f.q = "a_b";
	acc_list_is(db, &f, &fx.us.id, 1, "q \"a_b\" does not match axb");
	f.q = "%";
	acc_list_is(db, &f, &fx.pc.id, 1, "q \"%%\" is a literal percent sign");
	f.q = "100%s";
	acc_list_is(db, &f, &fx.pc.id, 1, "q \"100%%s\" does not match 100xsure");
	f.q = "\\";
	acc_list_is(db, &f, &fx.bs.id, 1, "q \"\\\" is a literal backslash");
	f.q = "山田";
	acc_list_is(db, &f, &fx.mgr.id, 1, "q matches a Japanese family name");
	f.q = "田次";
	acc_list_is(db, &f, &fx.mgr.id, 1, "q matches across family and given name (山田次郎)");
	f.q = "ヤマダタロウ";
	acc_list_is(db, &f, &fx.mgr.id, 1, "q matches the kana reading");
	f.q = "chiyoda";
	acc_list_is(db, &f, (const char *[]){fx.mgr.id, fx.pm.id}, 2, "q matches inside emails");
	f.q = "佐藤";
	f.agency_id = fx.ag_b.id;
	acc_list_is(db, &f, NULL, 0, "q combined with another agency: nothing");
	f.agency_id = NULL;
	f.q = "存在しない";
	acc_list_is(db, &f, NULL, 0, "q without a match: nothing");
	f.q = "";
	struct account *items = NULL;
	size_t n = 0;
	store_account_list(db, A, &f, NULL, &items, &n);
	is_int(n, 9, "empty q means no search");
	/* A search longer than the pattern buffer must narrow (nothing matches), never fall back
	 * to "no search" and list every account. */
	char *longq = arena_alloc(A, 2001);
	memset(longq, 'x', 2000);
	f.q = longq;
	enum gcas_err e = store_account_list(db, A, &f, NULL, &items, &n);
	ok(e != GCAS_OK || n == 0, "a 2000-byte q matches nothing (got %s, %zu rows)",
	   gcas_err_name(e), n);
	/* Engine parity: SQLite's LIKE ignores ASCII case, PostgreSQL's does not. Search boxes
	 * should find "Smith" from "smith" and an address typed in capitals on both engines. */
	f.q = "smith";
	acc_list_is(db, &f, &fx.dev.id, 1, "q ignores ASCII case in names (same on both engines)");
	f.q = "DEV@CONTRACTOR";
	acc_list_is(db, &f, &fx.dev.id, 1, "q ignores ASCII case in emails (same on both engines)");
}

static void accounts_paging(struct db *db)
{
	const char *want[23];
	for (size_t i = 0; i < NELEM(want); i++) {
		char *email = arena_printf(A, "user%02zu@digital.go.jp", (NELEM(want) - 1 - i));
		struct account a = mk_acc(email, ROLE_AGENCY_STAFF, &fx.ag_b, "利用", "者");
		want[i] = a.id;
		if (store_account_insert(db, &a))
			ok(0, "insert paging account %zu", i);
	}
	struct account_filter f = {.agency_id = fx.ag_b.id, .role = -1, .status = -1};
	struct page pg = {.limit = 10};
	const char *got[32], *prev = NULL;
	size_t total = 0, sizes[8] = {0}, pages = 0;
	int ordered = 1;
	do {
		struct account *items = NULL;
		size_t n = 0;
		if (store_account_list(db, A, &f, &pg, &items, &n) || pages >= 6 ||
		    total + n > NELEM(got))
			break;
		for (size_t i = 0; i < n; i++) {
			ordered &= !prev || strcmp(prev, items[i].email) < 0;
			prev = items[i].email;
			got[total++] = items[i].id;
		}
		sizes[pages++] = n;
		pg.after = pg.next;
	} while (pg.after);
	is_int(pages, 3, "account paging: 23 rows at limit 10 take 3 pages");
	ok(sizes[0] == 10 && sizes[1] == 10 && sizes[2] == 3, "account paging: 10, 10, 3");
	ok(same_ids(got, total, want, NELEM(want)), "account paging: every row once");
	ok(ordered, "account paging: ordered by email across pages");
}

static enum gcas_err sec_accounts(struct db *db, void *ctx)
{
	(void)ctx;
	enum gcas_err e = accounts_insert(db);
	if (e)
		return e;
	accounts_get_update(db);
	accounts_signed_in(db);
	accounts_filters(db);
	accounts_search(db);
	int64_t n = -1;
	is_err(store_account_count(db, &n), GCAS_OK, "account count");
	is_int(n, 11, "account count includes deleted accounts");
	is_err(store_operator_count(db, &n), GCAS_OK, "operator count");
	is_int(n, 1, "operator count leaves out the deleted operator");
	accounts_paging(db);
	store_account_count(db, &n);
	is_int(n, 34, "account count after paging rows");
	return GCAS_OK;
}

/* ---------- second factors ---------- */

static struct factor *factor_find(struct db *db, const char *acc, const char *id, size_t *n)
{
	struct factor *items = NULL;
	if (store_factor_list(db, A, acc, &items, n))
		return NULL;
	for (size_t i = 0; i < *n; i++)
		if (streq(items[i].id, id))
			return &items[i];
	return NULL;
}

static enum gcas_err sec_factors(struct db *db, void *ctx)
{
	(void)ctx;
	const char *acc = fx.mgr.id;
	struct factor totp = {.id = new_id(),
	                      .account_id = acc,
	                      .kind = FACTOR_TOTP,
	                      .label = "認証アプリ",
	                      .secret = "JBSWY3DPEHPK3PXP",
	                      .created_at = T0};
	struct factor rc1 = {.id = new_id(),
	                     .account_id = acc,
	                     .kind = FACTOR_RECOVERY,
	                     .secret =
	                         "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	                     .created_at = T0 + 1};
	struct factor rc2 = rc1;
	rc2.id = new_id();
	struct factor wa = {.id = new_id(),
	                    .account_id = acc,
	                    .kind = FACTOR_WEBAUTHN,
	                    .credential_id = "cred-1",
	                    .public_key = "pk",
	                    .created_at = T0 + 2};
	struct factor wa2 = wa;
	wa2.id = new_id();
	const struct factor *all[] = {&totp, &rc1, &rc2, &wa};
	for (size_t i = 0; i < NELEM(all); i++) {
		enum gcas_err e = store_factor_insert(db, all[i]);
		is_err(e, GCAS_OK, "insert factor %zu", i);
		if (e)
			return e;
	}
	is_err(store_factor_insert(db, &wa2), GCAS_ERR_CONFLICT,
	       "duplicate credential id: CONFLICT");

	struct factor *items = NULL;
	size_t n = 0;
	is_err(store_factor_list(db, A, acc, &items, &n), GCAS_OK, "factor list");
	is_int(n, 4, "four factors");
	ok(n == 4 && items[0].kind == FACTOR_RECOVERY && items[1].kind == FACTOR_RECOVERY &&
	       items[2].kind == FACTOR_TOTP && items[3].kind == FACTOR_WEBAUTHN,
	   "listed by kind");
	struct factor *f = factor_find(db, acc, totp.id, &n);
	ok(f && streq(f->secret, totp.secret) && streq(f->label, "認証アプリ") && !f->confirmed &&
	       f->used_at == 0 && f->last_used_step == 0 && f->created_at == T0,
	   "TOTP factor read back as inserted");
	store_factor_list(db, A, fx.pm.id, &items, &n);
	is_int(n, 0, "another account has no factors");

	is_err(store_factor_confirm(db, totp.id, T0 + 5), GCAS_OK, "confirm");
	f = factor_find(db, acc, totp.id, &n);
	ok(f && f->confirmed == 1 && f->used_at == T0 + 5, "confirmed, used_at set");
	is_err(store_factor_confirm(db, "00000000000000000000000000000000", T0), GCAS_ERR_NOTFOUND,
	       "confirm unknown factor: NOTFOUND");

	is_err(store_factor_use_step(db, totp.id, 1000, T0 + 6), GCAS_OK, "use step 1000");
	is_err(store_factor_use_step(db, totp.id, 1000, T0 + 7), GCAS_ERR_CONFLICT,
	       "step 1000 again (replay): CONFLICT");
	is_err(store_factor_use_step(db, totp.id, 999, T0 + 7), GCAS_ERR_CONFLICT,
	       "older step 999: CONFLICT");
	is_err(store_factor_use_step(db, totp.id, 1001, T0 + 8), GCAS_OK, "next step 1001");
	f = factor_find(db, acc, totp.id, &n);
	ok(f && f->last_used_step == 1001 && f->used_at == T0 + 8, "last step 1001 stored");

	is_err(store_factor_use_once(db, rc1.id, T0 + 9), GCAS_OK, "use recovery code");
	is_err(store_factor_use_once(db, rc1.id, T0 + 10), GCAS_ERR_CONFLICT,
	       "same recovery code again: CONFLICT");
	f = factor_find(db, acc, rc2.id, &n);
	ok(f && f->used_at == 0, "the other recovery code is still unused");

	is_err(store_factor_delete(db, rc2.id, fx.pm.id), GCAS_ERR_NOTFOUND,
	       "delete another account's factor: NOTFOUND");
	is_err(store_factor_delete(db, rc2.id, acc), GCAS_OK, "delete factor");
	store_factor_list(db, A, acc, &items, &n);
	is_int(n, 3, "three factors left");
	is_err(store_factor_delete_all(db, acc, FACTOR_RECOVERY), GCAS_OK, "delete all recovery");
	store_factor_list(db, A, acc, &items, &n);
	ok(n == 2 && items[0].kind == FACTOR_TOTP && items[1].kind == FACTOR_WEBAUTHN,
	   "only the recovery codes went");
	is_err(store_factor_delete_all(db, acc, -1), GCAS_OK, "delete all factors");
	store_factor_list(db, A, acc, &items, &n);
	is_int(n, 0, "no factors left");
	return GCAS_OK;
}

/* ---------- sessions ---------- */

static struct session mk_session(const char *acc, int64_t last_seen, int64_t expires)
{
	return (struct session){.id_hash = new_id(),
	                        .account_id = acc,
	                        .csrf = new_id(),
	                        .lang = "ja",
	                        .ip = "192.0.2.1",
	                        .created_at = T0 - 7200,
	                        .last_seen_at = last_seen,
	                        .expires_at = expires};
}

static enum gcas_err sec_sessions(struct db *db, void *ctx)
{
	(void)ctx;
	struct session s1 = mk_session(fx.mgr.id, T0, T0 + 8 * 3600);
	struct session s2 = mk_session(fx.mgr.id, T0, T0 + 100);        /* absolute expiry */
	struct session s3 = mk_session(fx.pm.id, T0 - 3600, T0 + 3600); /* idle */
	struct session s4 = mk_session(fx.pm.id, T0 + 150, T0 + 3600);
	s4.lang = NULL;
	s4.ip = NULL;
	const struct session *all[] = {&s1, &s2, &s3, &s4};
	for (size_t i = 0; i < NELEM(all); i++) {
		enum gcas_err e = store_session_insert(db, all[i]);
		is_err(e, GCAS_OK, "insert session %zu", i);
		if (e)
			return e;
	}
	is_err(store_session_insert(db, &s1), GCAS_ERR_CONFLICT, "same session twice: CONFLICT");
	struct session got = {0};
	is_err(store_session_get(db, A, s1.id_hash, &got), GCAS_OK, "session get");
	is_int(session_diff(&got, &s1), 0, "session read back as inserted");
	store_session_get(db, A, s4.id_hash, &got);
	is_int(session_diff(&got, &s4), 0, "NULL lang and ip read back as NULL");
	is_err(store_session_get(db, A, "nope", &got), GCAS_ERR_NOTFOUND, "unknown session");

	is_err(store_session_touch(db, s1.id_hash, T0 + 60), GCAS_OK, "touch");
	is_err(store_session_mfa(db, s1.id_hash, T0 + 70), GCAS_OK, "mfa");
	store_session_get(db, A, s1.id_hash, &got);
	ok(got.last_seen_at == T0 + 60 && got.mfa_at == T0 + 70 && got.reauth_at == T0 + 70,
	   "touch sets last_seen_at; mfa sets mfa_at and reauth_at");
	is_err(store_session_reauth(db, s1.id_hash, T0 + 80), GCAS_OK, "reauth");
	is_err(store_session_set_lang(db, s1.id_hash, "en"), GCAS_OK, "set lang");
	store_session_get(db, A, s1.id_hash, &got);
	ok(got.reauth_at == T0 + 80 && got.mfa_at == T0 + 70 && streq(got.lang, "en"),
	   "reauth moves only reauth_at; lang is en");
	is_err(store_session_touch(db, "nope", T0), GCAS_ERR_NOTFOUND, "touch unknown: NOTFOUND");
	is_err(store_session_mfa(db, "nope", T0), GCAS_ERR_NOTFOUND, "mfa unknown: NOTFOUND");
	is_err(store_session_reauth(db, "nope", T0), GCAS_ERR_NOTFOUND, "reauth unknown: NOTFOUND");
	is_err(store_session_set_lang(db, "nope", "en"), GCAS_ERR_NOTFOUND,
	       "lang unknown: NOTFOUND");

	int64_t n = -1, deleted = -1;
	is_err(store_session_count(db, &n), GCAS_OK, "session count");
	is_int(n, 4, "four sessions");
	is_err(store_session_sweep(db, T0 + 200, T0 - 1800, &deleted), GCAS_OK, "sweep");
	is_int(deleted, 2, "sweep deleted the expired and the idle session");
	is_err(store_session_get(db, A, s2.id_hash, &got), GCAS_ERR_NOTFOUND, "expired one gone");
	is_err(store_session_get(db, A, s3.id_hash, &got), GCAS_ERR_NOTFOUND, "idle one gone");
	is_err(store_session_get(db, A, s1.id_hash, &got), GCAS_OK, "live one kept");
	store_session_sweep(db, T0 + 200, T0 - 1800, &deleted);
	is_int(deleted, 0, "second sweep finds nothing");

	/* After a password change: every other session of the account ends, this one stays. */
	struct session s5 = mk_session(fx.mgr.id, T0 + 150, T0 + 3600);
	struct session s6 = mk_session(fx.mgr.id, T0 + 150, T0 + 3600);
	store_session_insert(db, &s5);
	store_session_insert(db, &s6);
	is_err(store_session_delete_others(db, fx.mgr.id, s1.id_hash), GCAS_OK,
	       "delete the account's other sessions");
	ok(store_session_get(db, A, s1.id_hash, &got) == GCAS_OK &&
	       store_session_get(db, A, s5.id_hash, &got) == GCAS_ERR_NOTFOUND &&
	       store_session_get(db, A, s6.id_hash, &got) == GCAS_ERR_NOTFOUND,
	   "the kept session stays, the others are gone");
	is_err(store_session_get(db, A, s4.id_hash, &got), GCAS_OK,
	       "another account's session untouched");
	is_err(store_session_delete_others(db, fx.mgr.id, s1.id_hash), GCAS_OK,
	       "nothing else to delete is not an error");

	is_err(store_session_delete(db, s4.id_hash), GCAS_OK, "delete session");
	is_err(store_session_get(db, A, s4.id_hash, &got), GCAS_ERR_NOTFOUND, "deleted");
	is_err(store_session_delete(db, s4.id_hash), GCAS_OK, "deleting again is not an error");
	struct session s7 = mk_session(fx.mgr.id, T0, T0 + 3600);
	store_session_insert(db, &s7);
	is_err(store_session_delete_account(db, fx.mgr.id), GCAS_OK, "delete account's sessions");
	store_session_count(db, &n);
	is_int(n, 0, "no sessions left");
	return GCAS_OK;
}

/* ---------- throttle ---------- */

static enum gcas_err sec_throttle(struct db *db, void *ctx)
{
	(void)ctx;
	struct throttle_state t = {.failures = 99, .window_start = 99, .locked_until = 99};
	is_err(store_throttle_get(db, "ip:192.0.2.9", &t), GCAS_OK, "get a missing key");
	ok(t.failures == 0 && t.window_start == 0 && t.locked_until == 0, "missing key: zeros");
	struct throttle_state put = {3, T0, 0};
	is_err(store_throttle_put(db, "ip:192.0.2.9", &put), GCAS_OK, "put");
	store_throttle_put(db, "email:kanri@city.chiyoda.lg.jp",
	                   &(struct throttle_state){1, T0 + 1, 0});
	store_throttle_get(db, "ip:192.0.2.9", &t);
	ok(t.failures == 3 && t.window_start == T0 && t.locked_until == 0, "read back");
	put = (struct throttle_state){5, T0, T0 + 900};
	is_err(store_throttle_put(db, "ip:192.0.2.9", &put), GCAS_OK, "put again (upsert)");
	store_throttle_get(db, "ip:192.0.2.9", &t);
	ok(t.failures == 5 && t.window_start == T0 && t.locked_until == T0 + 900, "upserted");
	store_throttle_get(db, "email:kanri@city.chiyoda.lg.jp", &t);
	ok(t.failures == 1 && t.window_start == T0 + 1, "other key untouched");
	is_err(store_throttle_clear(db, "ip:192.0.2.9"), GCAS_OK, "clear");
	store_throttle_get(db, "ip:192.0.2.9", &t);
	ok(t.failures == 0 && t.locked_until == 0, "cleared key reads as zeros");
	is_err(store_throttle_clear(db, "ip:192.0.2.9"), GCAS_OK, "clearing again is not an error");
	return GCAS_OK;
}

/* ---------- groups and memberships ---------- */

static void groups_paging(struct db *db)
{
	const char *want[5];
	for (size_t i = 0; i < NELEM(want); i++) {
		struct org p = mk_org(ORG_PROJECT, "B事業", NULL, &fx.ag_b);
		struct group g = {.id = new_id(),
		                  .kind = GROUP_SYSTEM,
		                  .org_id = p.id,
		                  .agency_id = fx.ag_b.id,
		                  .project_id = p.id,
		                  .name = "同名グループ",
		                  .created_at = T0};
		want[i] = g.id;
		if (store_org_insert(db, &p) || store_group_insert(db, &g))
			ok(0, "insert paging group %zu", i);
	}
	struct page pg = {.limit = 2};
	const char *got[8];
	size_t total = 0, pages = 0;
	int ordered = 1;
	do {
		struct group *items = NULL;
		size_t n = 0;
		if (store_group_list(db, A, fx.ag_b.id, &pg, &items, &n) || pages >= 6 ||
		    total + n > NELEM(got))
			break;
		for (size_t i = 0; i < n; i++) {
			ordered &= !total || strcmp(got[total - 1], items[i].id) < 0;
			got[total++] = items[i].id;
		}
		pages++;
		pg.after = pg.next;
	} while (pg.after);
	is_int(pages, 3, "group paging: 5 rows at limit 2 take 3 pages");
	ok(same_ids(got, total, want, NELEM(want)), "group paging: every group once");
	ok(ordered, "group paging: equal names ordered by id across pages");
	struct group *items = NULL;
	size_t n = 0;
	store_group_list(db, A, NULL, NULL, &items, &n);
	is_int(n, 7, "group list without agency: all groups");
}

static void members(struct db *db, const struct group *pmo, const struct group *sys)
{
	struct membership m1 = {
	    .group_id = pmo->id, .account_id = fx.mgr.id, .added_by = fx.op1.id, .added_at = T0};
	struct membership m2 = {
	    .group_id = pmo->id, .account_id = fx.us.id, .added_at = T0 + 1, .ends_at = T0 + 1000};
	struct membership m3 = {.group_id = sys->id, .account_id = fx.mgr.id, .added_at = T0 + 2};
	is_err(store_member_add(db, &m1), GCAS_OK, "add member");
	is_err(store_member_add(db, &m2), GCAS_OK, "add second member");
	is_err(store_member_add(db, &m3), GCAS_OK, "add to the other group");
	is_err(store_member_add(db, &m1), GCAS_ERR_CONFLICT, "add the same member twice: CONFLICT");

	struct membership *ms = NULL;
	size_t n = 0;
	is_err(store_member_list(db, A, pmo->id, &ms, &n), GCAS_OK, "member list");
	is_int(n, 2, "two members");
	ok(n == 2 && streq(ms[0].account_id, fx.us.id) && streq(ms[1].account_id, fx.mgr.id),
	   "members ordered by email");
	ok(n == 2 && streq(ms[1].email, fx.mgr.email) && streq(ms[1].family_name, "山田") &&
	       streq(ms[1].given_name, "次郎") && ms[1].role == ROLE_AGENCY_MANAGER,
	   "member list joins email, names and role");
	ok(n == 2 && streq(ms[1].added_by, fx.op1.id) && ms[1].added_at == T0 &&
	       ms[1].ends_at == 0 && ms[0].added_by == NULL && ms[0].ends_at == T0 + 1000,
	   "member list carries added_by, added_at, ends_at");
	struct group got = {0};
	store_group_get(db, A, pmo->id, &got);
	is_int(got.members, 2, "group get counts members");

	is_err(store_member_remove(db, pmo->id, fx.us.id), GCAS_OK, "remove member");
	is_err(store_member_remove(db, pmo->id, fx.us.id), GCAS_ERR_NOTFOUND,
	       "remove again: NOTFOUND");
	store_member_list(db, A, pmo->id, &ms, &n);
	is_int(n, 1, "one member left");
	is_err(store_member_remove_all(db, fx.mgr.id), GCAS_OK, "remove from every group");
	store_member_list(db, A, pmo->id, &ms, &n);
	is_int(n, 0, "PMO group empty");
	store_member_list(db, A, sys->id, &ms, &n);
	is_int(n, 0, "system group empty");
	is_err(store_member_remove_all(db, fx.mgr.id), GCAS_OK,
	       "remove_all with nothing to remove");
}

static enum gcas_err sec_groups(struct db *db, void *ctx)
{
	(void)ctx;
	struct group pmo = {.id = new_id(),
	                    .kind = GROUP_PMO,
	                    .org_id = fx.ag_a.id,
	                    .agency_id = fx.ag_a.id,
	                    .name = "千代田区PMO",
	                    .created_at = T0};
	struct group sys = {.id = new_id(),
	                    .kind = GROUP_SYSTEM,
	                    .org_id = fx.pj_a.id,
	                    .agency_id = fx.ag_a.id,
	                    .project_id = fx.pj_a.id,
	                    .name = "住民記録システム",
	                    .created_at = T0 + 1};
	enum gcas_err e = store_group_insert(db, &pmo);
	is_err(e, GCAS_OK, "insert PMO group");
	if (!e)
		e = store_group_insert(db, &sys);
	is_err(e, GCAS_OK, "insert system group");
	if (e)
		return e;
	struct group dup = pmo;
	dup.id = new_id();
	is_err(store_group_insert(db, &dup), GCAS_ERR_CONFLICT,
	       "second group for one org: CONFLICT");

	struct group got = {0};
	is_err(store_group_get(db, A, sys.id, &got), GCAS_OK, "group get");
	is_int(group_diff(&got, &sys), 0, "group read back as inserted (0 members)");
	is_err(store_group_get(db, A, "00000000000000000000000000000000", &got), GCAS_ERR_NOTFOUND,
	       "unknown group: NOTFOUND");
	is_err(store_group_of_org(db, A, fx.ag_a.id, &got), GCAS_OK, "group of org");
	is_int(group_diff(&got, &pmo), 0, "group of the agency is its PMO group");
	is_err(store_group_of_org(db, A, fx.ct_a.id, &got), GCAS_ERR_NOTFOUND,
	       "org without a group: NOTFOUND");
	members(db, &pmo, &sys);
	groups_paging(db);
	return GCAS_OK;
}

/* ---------- API tokens ---------- */

static enum gcas_err sec_tokens(struct db *db, void *ctx)
{
	(void)ctx;
	struct api_token t1 = {.id = new_id(),
	                       .account_id = fx.pm.id,
	                       .name = "CI",
	                       .token_hash = new_id(),
	                       .scopes = "read",
	                       .created_at = T0,
	                       .expires_at = T0 + 90 * 86400};
	struct api_token t2 = t1, t3 = t1;
	t2.id = new_id();
	t2.token_hash = new_id();
	t2.name = "デプロイ";
	t2.scopes = "read write";
	t2.created_at = T0 + 10;
	t3.id = new_id();
	t3.token_hash = new_id();
	t3.account_id = fx.mgr.id;
	const struct api_token *all[] = {&t1, &t2, &t3};
	for (size_t i = 0; i < NELEM(all); i++) {
		enum gcas_err e = store_token_insert(db, all[i]);
		is_err(e, GCAS_OK, "insert token %zu", i);
		if (e)
			return e;
	}
	struct api_token dup = t1;
	dup.id = new_id();
	is_err(store_token_insert(db, &dup), GCAS_ERR_CONFLICT, "duplicate token hash: CONFLICT");

	struct api_token got = {0};
	is_err(store_token_get_by_hash(db, A, t1.token_hash, &got), GCAS_OK, "token by hash");
	is_int(token_diff(&got, &t1), 0, "token read back as inserted");
	is_err(store_token_get_by_hash(db, A, "nope", &got), GCAS_ERR_NOTFOUND, "unknown hash");
	struct api_token *items = NULL;
	size_t n = 0;
	is_err(store_token_list(db, A, fx.pm.id, &items, &n), GCAS_OK, "token list");
	ok(n == 2 && streq(items[0].id, t2.id) && streq(items[1].id, t1.id),
	   "an account's tokens, newest first");

	is_err(store_token_used(db, t1.id, T0 + 20), GCAS_OK, "token used");
	is_err(store_token_used(db, "00000000000000000000000000000000", T0), GCAS_ERR_NOTFOUND,
	       "used unknown token: NOTFOUND");
	is_err(store_token_revoke(db, t1.id, fx.pm.id, T0 + 30), GCAS_OK, "revoke");
	store_token_get_by_hash(db, A, t1.token_hash, &got);
	ok(got.last_used_at == T0 + 20 && got.revoked_at == T0 + 30, "last_used_at, revoked_at");
	is_err(store_token_revoke(db, t1.id, fx.pm.id, T0 + 31), GCAS_ERR_NOTFOUND,
	       "revoke twice: NOTFOUND");
	is_err(store_token_revoke(db, t3.id, fx.pm.id, T0 + 31), GCAS_ERR_NOTFOUND,
	       "revoke another account's token: NOTFOUND");
	is_err(store_token_revoke_account(db, fx.pm.id, T0 + 40), GCAS_OK, "revoke all of account");
	store_token_list(db, A, fx.pm.id, &items, &n);
	ok(n == 2 && items[0].revoked_at == T0 + 40 && items[1].revoked_at == T0 + 30,
	   "revoke_account revokes the live one and keeps the earlier revocation time");
	store_token_get_by_hash(db, A, t3.token_hash, &got);
	is_int(got.revoked_at, 0, "other account's token untouched");
	return GCAS_OK;
}

/* ---------- one-time links ---------- */

static enum gcas_err sec_links(struct db *db, void *ctx)
{
	(void)ctx;
	const char *h1 = new_id(), *h2 = new_id(), *h3 = new_id(), *h4 = new_id(), *acc = NULL;
	enum gcas_err e = store_link_insert(db, h1, fx.pm.id, "setup", T0, T0 + 3600);
	is_err(e, GCAS_OK, "insert link");
	if (e)
		return e;
	is_err(store_link_insert(db, h1, fx.pm.id, "setup", T0, T0 + 3600), GCAS_ERR_CONFLICT,
	       "same link hash twice: CONFLICT");
	is_err(store_link_insert(db, h2, fx.pm.id, "bogus", T0, T0 + 3600), GCAS_ERR_INVALID,
	       "unknown purpose refused by the schema: INVALID");
	is_err(
	    store_link_insert(db, h2, "00000000000000000000000000000000", "setup", T0, T0 + 3600),
	    GCAS_ERR_INVALID, "link to an unknown account refused (foreign key): INVALID");
	is_err(store_link_peek(db, A, h1, T0 + 10, &acc), GCAS_OK, "peek");
	is_str(acc, fx.pm.id, "peek gives the account");
	is_err(store_link_peek(db, A, h1, T0 + 11, &acc), GCAS_OK, "peek does not consume");
	acc = NULL;
	is_err(store_link_use(db, A, h1, T0 + 20, &acc), GCAS_OK, "use");
	is_str(acc, fx.pm.id, "use gives the account");
	is_err(store_link_use(db, A, h1, T0 + 21, &acc), GCAS_ERR_NOTFOUND, "use twice: NOTFOUND");
	is_err(store_link_peek(db, A, h1, T0 + 21, &acc), GCAS_ERR_NOTFOUND, "used link: NOTFOUND");
	is_err(store_link_peek(db, A, "nope", T0, &acc), GCAS_ERR_NOTFOUND, "unknown link");

	store_link_insert(db, h2, fx.pm.id, "setup", T0, T0 + 100);
	is_err(store_link_peek(db, A, h2, T0 + 99, &acc), GCAS_OK, "link valid before expiry");
	is_err(store_link_peek(db, A, h2, T0 + 100, &acc), GCAS_ERR_NOTFOUND,
	       "link expired at expires_at: NOTFOUND");
	is_err(store_link_use(db, A, h2, T0 + 200, &acc), GCAS_ERR_NOTFOUND,
	       "expired link cannot be used");
	store_link_insert(db, h3, fx.mgr.id, "setup", T0, T0 + 3600);
	store_link_insert(db, h4, fx.mgr.id, "setup", T0, T0 + 3600);
	is_err(store_link_revoke_account(db, fx.mgr.id, T0 + 30), GCAS_OK, "revoke account links");
	ok(store_link_peek(db, A, h3, T0 + 31, &acc) == GCAS_ERR_NOTFOUND &&
	       store_link_use(db, A, h4, T0 + 31, &acc) == GCAS_ERR_NOTFOUND,
	   "revoked links can be neither peeked nor used");
	is_err(store_link_revoke_account(db, fx.mgr.id, T0 + 40), GCAS_OK,
	       "revoking with nothing left is not an error");
	return GCAS_OK;
}

/* ---------- audit log ---------- */

static const char *hash_of(struct arena *a, int64_t seq)
{
	return arena_printf(a, "%064" PRIx64, (uint64_t)seq * UINT64_C(0x9E3779B97F4A7C15));
}

struct append {
	struct arena *a;
	struct audit_rec rec; /* seq, prev_hash and hash are filled in */
	int64_t seq;          /* out */
};

/* Append one record at the head of the chain: the pattern svc/audit.c uses. */
static enum gcas_err tx_append(struct db *db, void *ctx)
{
	struct append *c = ctx;
	int64_t seq = -1;
	const char *hash = NULL;
	enum gcas_err e = store_audit_head(db, c->a, &seq, &hash);
	if (e)
		return e;
	if (!streq(hash, hash_of(c->a, seq)))
		return GCAS_ERR_INTERNAL; /* the head row and the chain disagree */
	c->rec.seq = seq + 1;
	c->rec.prev_hash = hash;
	c->rec.hash = hash_of(c->a, seq + 1);
	c->seq = seq + 1;
	return store_audit_insert(db, &c->rec);
}

struct head_ctx {
	int64_t seq;
	const char *hash;
};

static enum gcas_err tx_head(struct db *db, void *ctx)
{
	struct head_ctx *h = ctx;
	return store_audit_head(db, A, &h->seq, &h->hash);
}

static const struct audit_rec audit_spec[] = {
    {.at = T0 + 1,
     .actor_label = "operator@gcas.go.jp",
     .action = "account.create",
     .target_type = "account",
     .outcome = "ok",
     .detail = "{}"},
    {.at = T0 + 2,
     .actor_label = "kanri@city.chiyoda.lg.jp",
     .action = "signin.success",
     .target_type = "session",
     .outcome = "ok",
     .detail = "{\"mfa\":true}"},
    {.at = T0 + 3,
     .actor_label = "system",
     .action = "signin.failure",
     .outcome = "failure",
     .detail = "{\"email\":\"x@example.jp\"}"},
    {.at = T0 + 4,
     .actor_label = "kanri@city.chiyoda.lg.jp",
     .action = "account.update",
     .target_type = "account",
     .outcome = "ok",
     .detail = "{}"},
    {.at = T0 + 5,
     .actor_label = "operator@gcas.go.jp",
     .action = "org.create",
     .target_type = "org",
     .outcome = "ok",
     .detail = "{}"},
    {.at = T0 + 6,
     .actor_label = "kanri@city.chiyoda.lg.jp",
     .action = "signin.success",
     .target_type = "session",
     .outcome = "ok",
     .detail = "{}"},
    {.at = T0 + 7,
     .actor_label = "operator@gcas.go.jp",
     .action = "account.disable",
     .target_type = "account",
     .outcome = "denied",
     .detail = "{}"},
    {.at = T0 + 8,
     .actor_label = "system",
     .action = "session.sweep",
     .outcome = "ok",
     .detail = "{\"deleted\":3}"},
    {.at = T0 + 9,
     .actor_label = "kanri@city.chiyoda.lg.jp",
     .action = "group.member_add",
     .target_type = "group",
     .outcome = "ok",
     .detail = "{}"},
    {.at = T0 + 10,
     .actor_label = "operator@gcas.go.jp",
     .action = "account.create",
     .target_type = "account",
     .outcome = "ok",
     .detail = "{}"},
    {.at = T0 + 11,
     .actor_label = "pm@city.chiyoda.lg.jp",
     .action = "signin.success",
     .target_type = "session",
     .outcome = "ok",
     .detail = "{}"},
    {.at = T0 + 12,
     .actor_label = "operator@gcas.go.jp",
     .action = "account.delete",
     .target_type = "account",
     .outcome = "ok",
     .detail = "{}"},
};
#define NAUDIT NELEM(audit_spec)
static struct audit_rec audit_recs[NAUDIT];

/* Actors, targets and agencies come from the fixture, so they are set at run time. */
static void audit_fill(void)
{
	for (size_t i = 0; i < NAUDIT; i++) {
		struct audit_rec *r = &audit_recs[i];
		*r = audit_spec[i];
		r->ip = "192.0.2.7";
		r->request_id = arena_printf(A, "req-%zu", i);
		if (streq(r->actor_label, "operator@gcas.go.jp"))
			r->actor_id = fx.op1.id;
		if (streq(r->actor_label, "kanri@city.chiyoda.lg.jp"))
			r->actor_id = fx.mgr.id;
		if (streq(r->actor_label, "pm@city.chiyoda.lg.jp"))
			r->actor_id = fx.pm.id;
		r->target_id = r->target_type ? (i % 2 ? fx.mgr.id : fx.pm.id) : NULL;
		r->agency_id = i % 3 == 2 ? NULL : (i % 3 ? fx.ag_a.id : fx.ag_b.id);
	}
}

static int audit_match(const struct audit_rec *r, const struct audit_filter *f)
{
	if (f->agency_id && !streq(r->agency_id, f->agency_id))
		return 0;
	if (f->actor_id && !streq(r->actor_id, f->actor_id))
		return 0;
	if (f->target_id && !streq(r->target_id, f->target_id))
		return 0;
	if (f->action_prefix && strncmp(r->action, f->action_prefix, strlen(f->action_prefix)))
		return 0;
	if (f->since && r->at < f->since)
		return 0;
	return !f->until || r->at < f->until;
}

/* List every page of a filter (limit lim) and compare with the expected seqs, newest first. */
static void audit_list_is(struct db *db, const struct audit_filter *f, int lim, const char *what)
{
	int64_t want[NAUDIT], got[NAUDIT + 4];
	size_t nw = 0, ng = 0, pages = 0;
	for (size_t i = NAUDIT; i-- > 0;)
		if (audit_match(&audit_recs[i], f))
			want[nw++] = audit_recs[i].seq;
	struct page pg = {.limit = lim};
	enum gcas_err e = GCAS_OK;
	do {
		struct audit_rec *items = NULL;
		size_t n = 0;
		e = store_audit_list(db, A, f, &pg, &items, &n);
		if (e || pages++ > NAUDIT || ng + n > NELEM(got))
			break;
		for (size_t i = 0; i < n; i++)
			got[ng++] = items[i].seq;
		pg.after = pg.next;
	} while (pg.after);
	int same = e == GCAS_OK && ng == nw;
	for (size_t i = 0; same && i < ng; i++)
		same = got[i] == want[i];
	if (!ok(same, "%s", what)) {
		printf("#   %s; got %zu rows, want %zu:", gcas_err_name(e), ng, nw);
		for (size_t i = 0; i < ng; i++)
			printf(" %" PRId64, got[i]);
		printf("\n");
	}
}

static void audit_lists(struct db *db)
{
	struct audit_filter f = {0};
	audit_list_is(db, &f, 5, "audit list: everything, newest first, pages of 5");
	audit_list_is(db, &f, 50, "audit list: one page");
	f.agency_id = fx.ag_a.id;
	audit_list_is(db, &f, 3, "audit list: agency filter");
	f = (struct audit_filter){.actor_id = fx.op1.id};
	audit_list_is(db, &f, 2, "audit list: actor filter");
	f = (struct audit_filter){.target_id = fx.mgr.id};
	audit_list_is(db, &f, 4, "audit list: target filter");
	f = (struct audit_filter){.action_prefix = "signin."};
	audit_list_is(db, &f, 2, "audit list: action prefix");
	f = (struct audit_filter){.since = T0 + 5};
	audit_list_is(db, &f, 3, "audit list: since (inclusive)");
	f = (struct audit_filter){.until = T0 + 5};
	audit_list_is(db, &f, 3, "audit list: until (exclusive)");
	f = (struct audit_filter){.since = T0 + 3, .until = T0 + 9, .agency_id = fx.ag_a.id};
	audit_list_is(db, &f, 1, "audit list: since, until and agency together");
	f = (struct audit_filter){.action_prefix = "account.", .actor_id = fx.op1.id};
	audit_list_is(db, &f, 10, "audit list: prefix and actor together");
	/* The prefix is literal: LIKE wildcards in it must not widen the search (an auditor's
	 * "%" must not list everything), and it compares bytes the same way on both engines. */
	f = (struct audit_filter){.action_prefix = "sign_n."};
	audit_list_is(db, &f, 10, "audit list: '_' in the action prefix is literal");
	f = (struct audit_filter){.action_prefix = "%"};
	audit_list_is(db, &f, 10, "audit list: '%' in the action prefix is literal");
	f = (struct audit_filter){.action_prefix = "SIGNIN."};
	audit_list_is(db, &f, 10, "audit list: action prefix is case-sensitive on both engines");
	struct page pg = {.after = "junk", .limit = 5};
	struct audit_rec *items = NULL;
	size_t n = 0;
	f = (struct audit_filter){0};
	is_err(store_audit_list(db, A, &f, &pg, &items, &n), GCAS_ERR_INVALID,
	       "audit list: a cursor that is not a seq is INVALID");
}

static void audit_scan(struct db *db)
{
	struct audit_rec *items = NULL;
	size_t n = 0;
	is_err(store_audit_scan(db, A, 0, 5, &items, &n), GCAS_OK, "scan from the start");
	ok(n == 5 && items[0].seq == 1 && items[4].seq == 5, "scan: oldest first, limit kept");
	ok(n == 5 && streq(items[0].prev_hash, hash_of(A, 0)) &&
	       streq(items[1].prev_hash, items[0].hash),
	   "scan: records carry the chain");
	if (n)
		is_int(diff_s("actor_label", items[0].actor_label, audit_recs[0].actor_label) +
		           diff_s("detail", items[2].detail, audit_recs[2].detail) +
		           diff_s("actor_id", items[2].actor_id, NULL) +
		           diff_s("request_id", items[1].request_id, "req-1") +
		           diff_s("ip", items[1].ip, "192.0.2.7") +
		           diff_i("at", items[3].at, T0 + 4),
		       0, "scan: fields read back as inserted");
	is_err(store_audit_scan(db, A, 5, 100, &items, &n), GCAS_OK, "scan after 5");
	ok(n == NAUDIT - 5 && items[0].seq == 6 && items[n - 1].seq == (int64_t)NAUDIT,
	   "scan: the rest in order");
	is_err(store_audit_scan(db, A, (int64_t)NAUDIT, 100, &items, &n), GCAS_OK, "scan at end");
	is_int(n, 0, "scan past the head: nothing");
}

/* Insert a record reusing seq 1 (rolled back by store_tx on the expected CONFLICT). */
static enum gcas_err tx_dup_seq(struct db *db, void *ctx)
{
	struct append *c = ctx;
	c->rec.seq = 1;
	c->rec.prev_hash = hash_of(c->a, 0);
	c->rec.hash = hash_of(c->a, 1);
	return store_audit_insert(db, &c->rec);
}

static void sec_audit(void)
{
	struct head_ctx h = {-1, NULL};
	is_err(store_tx(st, tx_head, &h), GCAS_OK, "audit head");
	is_int(h.seq, 0, "chain starts at seq 0");
	is_str(h.hash, "0000000000000000000000000000000000000000000000000000000000000000",
	       "chain starts at 64 zeros");
	audit_fill();
	int appended = 0;
	for (size_t i = 0; i < NAUDIT; i++) {
		struct append c = {.a = A, .rec = audit_recs[i]};
		if (store_tx(st, tx_append, &c) == GCAS_OK && c.seq == (int64_t)i + 1)
			appended++;
		audit_recs[i].seq = c.seq;
	}
	is_int(appended, NAUDIT, "appended %zu records with seq = head + 1", NAUDIT);
	is_err(store_tx(st, tx_head, &h), GCAS_OK, "audit head again");
	is_int(h.seq, NAUDIT, "head is the last seq");
	is_str(h.hash, hash_of(A, (int64_t)NAUDIT), "head is the last hash");
	/* A record whose seq is already taken is refused: the chain cannot fork. */
	struct append dup = {.a = A, .rec = audit_recs[0]};
	is_err(store_tx(st, tx_dup_seq, &dup), GCAS_ERR_CONFLICT,
	       "audit insert of a used seq: CONFLICT");
	is_err(store_tx(st, tx_head, &h), GCAS_OK, "audit head after the refused insert");
	is_int(h.seq, NAUDIT, "refused insert left the head alone");
}

static enum gcas_err sec_audit_read(struct db *db, void *ctx)
{
	(void)ctx;
	audit_lists(db);
	audit_scan(db);
	return GCAS_OK;
}

/* ---------- job leases ---------- */

static enum gcas_err sec_jobs(struct db *db, void *ctx)
{
	(void)ctx;
	is_err(store_job_lease(db, "sweep", "node-a", 1000, 1060), GCAS_OK, "A takes the lease");
	is_err(store_job_lease(db, "sweep", "node-b", 1010, 1070), GCAS_ERR_CONFLICT,
	       "B refused while A holds it");
	is_err(store_job_lease(db, "sweep", "node-a", 1020, 1080), GCAS_OK, "A renews");
	is_err(store_job_lease(db, "sweep", "node-b", 1079, 1139), GCAS_ERR_CONFLICT,
	       "B refused until the renewed lease ends");
	is_err(store_job_lease(db, "sweep", "node-b", 1081, 1141), GCAS_OK,
	       "B takes it after expiry");
	is_err(store_job_lease(db, "sweep", "node-a", 1090, 1150), GCAS_ERR_CONFLICT,
	       "now A is refused");
	is_err(store_job_lease(db, "mail", "node-a", 1090, 1150), GCAS_OK,
	       "another job's lease is independent");
	return GCAS_OK;
}

/* ---------- store_tx ---------- */

struct tx_ctx {
	struct org org;
	enum gcas_err ret; /* what fn returns after the insert */
	int busy_first;    /* return GCAS_ERR_BUSY this many times first */
	int calls;
};

static enum gcas_err tx_insert_org(struct db *db, void *ctx)
{
	struct tx_ctx *c = ctx;
	c->calls++;
	/* On a re-run the first attempt's insert must have been rolled back, or this conflicts. */
	enum gcas_err e = store_org_insert(db, &c->org);
	if (e)
		return e;
	if (c->calls <= c->busy_first)
		return GCAS_ERR_BUSY;
	return c->ret;
}

static enum gcas_err get_org(struct db *db, void *ctx)
{
	struct org got;
	return store_org_get(db, A, ctx, &got);
}

static void sec_tx(void)
{
	struct tx_ctx c = {.org = mk_org(ORG_AGENCY, "コミット市", NULL, NULL)};
	is_err(store_tx(st, tx_insert_org, &c), GCAS_OK, "tx: OK commits");
	is_err(store_run(st, get_org, (void *)c.org.id), GCAS_OK, "tx: committed row visible");

	c = (struct tx_ctx){.org = mk_org(ORG_AGENCY, "ロールバック市", NULL, NULL),
	                    .ret = GCAS_ERR_INVALID};
	is_err(store_tx(st, tx_insert_org, &c), GCAS_ERR_INVALID, "tx: fn's error is returned");
	is_int(c.calls, 1, "tx: a non-transient error is not retried");
	is_err(store_run(st, get_org, (void *)c.org.id), GCAS_ERR_NOTFOUND,
	       "tx: rolled back, the row is absent");

	c = (struct tx_ctx){.org = mk_org(ORG_AGENCY, "リトライ市", NULL, NULL), .busy_first = 2};
	is_err(store_tx(st, tx_insert_org, &c), GCAS_OK, "tx: BUSY twice then OK commits");
	is_int(c.calls, 3, "tx: fn ran three times");
	is_err(store_run(st, get_org, (void *)c.org.id), GCAS_OK, "tx: retried row visible once");

	c = (struct tx_ctx){.org = mk_org(ORG_AGENCY, "いつも混雑市", NULL, NULL),
	                    .busy_first = 100};
	is_err(store_tx(st, tx_insert_org, &c), GCAS_ERR_BUSY, "tx: always BUSY gives up BUSY");
	is_int(c.calls, 8, "tx: after 8 attempts");
	is_err(store_run(st, get_org, (void *)c.org.id), GCAS_ERR_NOTFOUND,
	       "tx: nothing left behind");
}

static enum gcas_err tx_nothing(struct db *db, void *ctx)
{
	(void)db;
	(void)ctx;
	return GCAS_OK;
}

/* The transaction's first statement carries its BEGIN (PostgreSQL: one pipelined round trip):
 * a first statement that fails leaves the connection usable, and one without statements ends
 * cleanly. */
static void sec_tx_first(void)
{
	struct tx_ctx c = {.org = mk_org(ORG_AGENCY, "先頭市", NULL, NULL)};
	is_err(store_tx(st, tx_insert_org, &c), GCAS_OK, "tx first: committed");
	c.calls = 0;
	for (int i = 0; i < 3; i++)
		is_err(store_tx(st, tx_insert_org, &c), GCAS_ERR_CONFLICT,
		       "tx first: a first statement that conflicts is CONFLICT (%d)", i + 1);
	is_err(store_tx(st, tx_nothing, NULL), GCAS_OK,
	       "tx first: a transaction with no statement");
	struct tx_ctx d = {.org = mk_org(ORG_AGENCY, "次の市", NULL, NULL)};
	is_err(store_tx(st, tx_insert_org, &d), GCAS_OK, "tx first: the next one commits");
	is_err(store_run(st, get_org, (void *)d.org.id), GCAS_OK, "tx first: and is visible");
}

struct swallow_ctx {
	struct org x, y;
	enum gcas_err dup, after;
};

/* A use case that treats "already exists" as fine and carries on in the same transaction. */
static enum gcas_err tx_swallow(struct db *db, void *ctx)
{
	struct swallow_ctx *c = ctx;
	enum gcas_err e = store_org_insert(db, &c->x);
	if (e)
		return e;
	c->dup = store_org_insert(db, &c->x);
	c->after = store_org_insert(db, &c->y);
	return GCAS_OK;
}

static void sec_tx_swallow(void)
{
	struct swallow_ctx c = {.x = mk_org(ORG_AGENCY, "続行市", NULL, NULL),
	                        .y = mk_org(ORG_AGENCY, "続行町", NULL, NULL)};
	enum gcas_err e = store_tx(st, tx_swallow, &c);
	is_err(c.dup, GCAS_ERR_CONFLICT, "tx: a duplicate inside a transaction is CONFLICT");
	int x = store_run(st, get_org, (void *)c.x.id) == GCAS_OK;
	int y = store_run(st, get_org, (void *)c.y.id) == GCAS_OK;
	/* PostgreSQL aborts the whole transaction at the failed statement and then answers COMMIT
	 * with ROLLBACK; store_tx must not report that as a commit. */
	ok(e != GCAS_OK || (x && (y || c.after != GCAS_OK)),
	   "tx: OK only when the work was committed (store_tx %s, later insert %s, rows %d/%d)",
	   gcas_err_name(e), gcas_err_name(c.after), x, y);
}

/* ---------- PostgreSQL connection loss ---------- */

static enum gcas_err count_accounts(struct db *db, void *ctx)
{
	return store_account_count(db, ctx);
}

/* The server ends the store's connection (restart, failover, idle timeout): the store must
 * reconnect rather than fail every later call on that pooled connection. */
/* A store of one connection that PostgreSQL knows by application_name app (made from what,
 * so that testdb_pg_terminate can end exactly its session). */
static struct store *store_named(const char *what, char app[64])
{
	char dsn[1200], why[512] = "";
	snprintf(app, 64, "gcas_store_%s_%d", what, (int)getpid());
	snprintf(dsn, sizeof(dsn), "%s%capplication_name=%s", tdb.dsn,
	         strchr(tdb.dsn, '?') ? '&' : '?', app);
	return store_open(dsn, 1, why, sizeof(why));
}

static void sec_pg_reconnect(void)
{
	char app[64];
	int64_t n = 0;
	struct store *s = store_named("test", app);
	if (!ok(s != NULL, "reconnect: open a second store"))
		return;
	is_err(store_run(s, count_accounts, &n), GCAS_OK, "reconnect: query before");
	is_int(testdb_pg_terminate(tdb.dsn, app), 1, "reconnect: the server ended the connection");
	enum gcas_err e1 = store_run(s, count_accounts, &n);
	enum gcas_err e2 = store_run(s, count_accounts, &n);
	enum gcas_err e3 = store_tx(s, count_accounts, &n);
	ok(e2 == GCAS_OK && e3 == GCAS_OK,
	   "reconnect: later calls succeed (1st %s, 2nd %s, in tx %s)", gcas_err_name(e1),
	   gcas_err_name(e2), gcas_err_name(e3));
	store_close(s);
}

/* ---------- concurrent migrations ---------- */

#define NMIGRATORS 4

/* First line of a message (libpq's span several), in place. */
static const char *first_line(char *s)
{
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

struct migrator {
	pthread_t th;
	pthread_barrier_t *go;
	enum gcas_err e;
	int applied;
	char why[256];
};

static void *migrator_main(void *arg)
{
	struct migrator *m = arg;
	struct store *s = store_open(tdb.dsn, 1, m->why, sizeof(m->why));
	pthread_barrier_wait(m->go);
	m->e = s ? store_migrate(s, &m->applied, m->why, sizeof(m->why)) : GCAS_ERR_DB;
	store_close(s);
	return NULL;
}

/* SQLite: a writer that holds the database lock for a moment after the barrier, so every
 * migrator reads the schema version (WAL readers are not blocked) before any can apply. This
 * makes the interleaving that loses certain instead of occasional. */
struct blocker {
	pthread_t th;
	pthread_barrier_t *go;
	int held;
};

static void *blocker_main(void *arg)
{
	struct blocker *b = arg;
	const char *path = tdb.dsn + (str_starts(tdb.dsn, "sqlite://") ? 9 : 7);
	sqlite3 *h = NULL;
	/* The migrators open their stores at the same moment; wait out their brief locks. */
	b->held = sqlite3_open(path, &h) == SQLITE_OK &&
	          sqlite3_busy_timeout(h, 5000) == SQLITE_OK &&
	          sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	pthread_barrier_wait(b->go);
	struct timespec ts = {0, 300 * 1000 * 1000};
	nanosleep(&ts, NULL);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	return NULL;
}

/* One round: NMIGRATORS stores migrate the (empty) database at once. Returns the failures. */
static int migrate_round(int binv, int *applied)
{
	struct migrator m[NMIGRATORS] = {0};
	struct blocker b = {0};
	pthread_barrier_t go;
	int failed = 0, nb = 0;
	*applied = 0;
	if (!is_pg) {
		/* The version table exists (as after any `gcas db status`); the schema is empty. */
		char why[256];
		int dbv, binv2;
		struct store *s = store_open(tdb.dsn, 1, why, sizeof(why));
		if (s)
			store_schema_version(s, &dbv, &binv2);
		store_close(s);
		nb = 1;
	}
	pthread_barrier_init(&go, NULL, NMIGRATORS + nb);
	for (int i = 0; i < NMIGRATORS; i++) {
		m[i].go = &go;
		pthread_create(&m[i].th, NULL, migrator_main, &m[i]);
	}
	b.go = &go;
	if (nb)
		pthread_create(&b.th, NULL, blocker_main, &b);
	for (int i = 0; i < NMIGRATORS; i++) {
		pthread_join(m[i].th, NULL);
		failed += m[i].e != GCAS_OK;
		*applied += m[i].applied;
		if (m[i].e)
			printf("# migrator %d: %s: %.200s\n", i, gcas_err_name(m[i].e),
			       first_line(m[i].why));
	}
	if (nb) {
		pthread_join(b.th, NULL);
		failed += !b.held;
	}
	pthread_barrier_destroy(&go);
	return failed + (*applied != binv);
}

/* Several nodes start at once against an empty database (a rolling deploy running
 * `gcas db migrate` on each): every one must succeed and each migration be applied once. */
static void sec_migrate_race(int binv)
{
	int bad_rounds = 0, applied = 0, rounds = 0;
	for (; rounds < 5 && !bad_rounds; rounds++) {
		if (testdb_reset(&tdb))
			break;
		bad_rounds += migrate_round(binv, &applied) != 0;
	}
	is_int(bad_rounds, 0,
	       "%d nodes migrating one empty database at once all succeed and apply each "
	       "migration once (%d rounds)",
	       NMIGRATORS, rounds);
}

/* ---------- concurrency ---------- */

#define NTHREADS   8
#define PER_THREAD 50

struct worker {
	pthread_t th;
	int no, ok, failed;
	enum gcas_err last;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		struct arena *a = arena_new(0);
		char *label = a ? arena_printf(a, "thread-%d", w->no) : NULL;
		struct append c = {.a = a,
		                   .rec = {.at = T0 + i,
		                           .actor_label = label,
		                           .action = "test.append",
		                           .outcome = "ok",
		                           .detail = "{}"}};
		enum gcas_err e = label ? store_tx(st, tx_append, &c) : GCAS_ERR_NOMEM;
		if (e == GCAS_OK)
			w->ok++;
		else {
			w->failed++;
			w->last = e;
		}
		arena_free(a);
	}
	return NULL;
}

static enum gcas_err scan_all(struct db *db, void *ctx)
{
	struct audit_rec **out = ctx;
	size_t n = 0;
	enum gcas_err e = store_audit_scan(db, A, 0, 10000, out, &n);
	return e ? e : (n == NTHREADS * PER_THREAD ? GCAS_OK : GCAS_ERR_INTERNAL);
}

static void sec_concurrency(void)
{
	struct worker w[NTHREADS] = {0};
	int started = 0, oks = 0, failed = 0;
	for (int i = 0; i < NTHREADS; i++) {
		w[i].no = i;
		started += pthread_create(&w[i].th, NULL, worker_main, &w[i]) == 0;
	}
	is_int(started, NTHREADS, "started %d threads", NTHREADS);
	for (int i = 0; i < started; i++) {
		pthread_join(w[i].th, NULL);
		oks += w[i].ok;
		failed += w[i].failed;
		if (w[i].failed)
			printf("# thread %d: %d failed, last %s\n", i, w[i].failed,
			       gcas_err_name(w[i].last));
	}
	is_int(oks, NTHREADS * PER_THREAD, "every transaction committed");
	is_int(failed, 0, "no transaction failed");

	struct audit_rec *r = NULL;
	is_err(store_run(st, scan_all, &r), GCAS_OK, "scan returns exactly %d records",
	       NTHREADS * PER_THREAD);
	if (!r)
		return;
	int gaps = 0, chain = 0, per[NTHREADS] = {0}, even = 1;
	for (int i = 0; i < NTHREADS * PER_THREAD; i++) {
		gaps += r[i].seq != i + 1;
		chain +=
		    !streq(r[i].prev_hash, hash_of(A, i)) || !streq(r[i].hash, hash_of(A, i + 1));
		for (int t = 0; t < NTHREADS; t++)
			per[t] += streq(r[i].actor_label, arena_printf(A, "thread-%d", t));
	}
	for (int t = 0; t < NTHREADS; t++)
		even &= per[t] == PER_THREAD;
	is_int(gaps, 0, "seq runs 1..%d with no gap or duplicate", NTHREADS * PER_THREAD);
	is_int(chain, 0, "every record links to the one before");
	ok(even, "each thread's %d records are all there", PER_THREAD);
	struct head_ctx h = {-1, NULL};
	store_tx(st, tx_head, &h);
	is_int(h.seq, NTHREADS * PER_THREAD, "head is the last seq");
}

/* ---------- group commit: one use case's failure stays its own ---------- */

/* What a queued use case does after appending its record. */
enum batch_kind { BK_OK, BK_FAIL, BK_SWALLOW, BK_SLOW };

struct batch_uc {
	pthread_t th;
	enum batch_kind kind;
	struct append c;
	enum gcas_err e;
	volatile int *running; /* BK_SLOW: set once it leads, so the others queue behind it */
};

static enum gcas_err tx_batch_uc(struct db *db, void *ctx)
{
	struct batch_uc *u = ctx;
	enum gcas_err e = tx_append(db, &u->c);
	if (e)
		return e;
	if (u->kind == BK_SLOW) {
		*u->running = 1;
		struct timespec ts = {0, 200 * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (u->kind == BK_FAIL)
		return GCAS_ERR_CONFLICT; /* refused after writing: its record must go */
	if (u->kind == BK_SWALLOW) {
		/* The same seq again: refused by the database, and the refusal ignored. SQLite
		 * carries on; PostgreSQL has aborted the transaction, so this use case cannot
		 * commit. Neither may take another use case with it. */
		struct audit_rec dup = u->c.rec;
		(void)store_audit_insert(db, &dup);
		/* PostgreSQL holds that write for the next round trip (db_change_later): a read
		 * sends it, and its refusal, ignored too. */
		int64_t seq;
		const char *hash;
		(void)store_audit_head_read(db, u->c.a, &seq, &hash);
	}
	return GCAS_OK;
}

static void *batch_uc_main(void *arg)
{
	struct batch_uc *u = arg;
	u->e = store_tx(st, tx_batch_uc, u);
	return NULL;
}

struct scan_out {
	struct audit_rec *r;
	size_t n;
};

static enum gcas_err scan_some(struct db *db, void *ctx)
{
	struct scan_out *o = ctx;
	return store_audit_scan(db, A, 0, 10000, &o->r, &o->n);
}

static int label_count(const char *label)
{
	struct scan_out o = {0};
	int n = 0;
	if (store_run(st, scan_some, &o) || !o.r)
		return -1;
	for (size_t i = 0; i < o.n; i++)
		n += streq(o.r[i].actor_label, label);
	return n;
}

/* A slow use case leads while four more queue behind it, so on SQLite (timing allowing; the
 * outcomes are the same either way) they commit as one batch: two that succeed, one refused
 * after writing, one that ignored a refused statement. PostgreSQL runs each in its own
 * transaction (store_tx does not batch there); the outcomes must be the same but for the one
 * whose refused statement aborted its transaction. */
static void sec_batch_isolation(void)
{
	static const char *const labels[] = {"batch-slow", "batch-ok-1", "batch-fail",
	                                     "batch-swallow", "batch-ok-2"};
	static const enum batch_kind kinds[] = {BK_SLOW, BK_OK, BK_FAIL, BK_SWALLOW, BK_OK};
	int pg = strcmp(store_engine(st), "postgresql") == 0;
	volatile int running = 0;
	struct batch_uc u[5];
	struct head_ctx h0 = {-1, NULL};
	store_tx(st, tx_head, &h0);
	for (int i = 0; i < 5; i++) {
		struct arena *a = arena_new(0);
		u[i] = (struct batch_uc){.kind = kinds[i], .running = &running};
		u[i].c = (struct append){.a = a,
		                         .rec = {.at = T0 + 1000 + i,
		                                 .actor_label = labels[i],
		                                 .action = "test.batch",
		                                 .outcome = "ok",
		                                 .detail = "{}"}};
		pthread_create(&u[i].th, NULL, batch_uc_main, &u[i]);
		for (int w = 0; i == 0 && !running && w < 2000; w++) {
			struct timespec ts = {0, 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	for (int i = 0; i < 5; i++)
		pthread_join(u[i].th, NULL);
	is_err(u[0].e, GCAS_OK, "the slow use case committed");
	is_err(u[1].e, GCAS_OK, "a use case queued behind it committed");
	is_err(u[2].e, GCAS_ERR_CONFLICT, "the one refused after writing reports its refusal");
	is_err(u[3].e, pg ? GCAS_ERR_DB : GCAS_OK, "the one that ignored a refused statement: %s",
	       pg ? "DB (PostgreSQL aborted its work)" : "committed (SQLite carried on)");
	is_err(u[4].e, GCAS_OK, "the use case queued after those committed");
	struct head_ctx h = {-1, NULL};
	store_tx(st, tx_head, &h);
	int64_t added = pg ? 3 : 4;
	is_int(h.seq, h0.seq + added, "the chain grew by the committed use cases only");
	is_int(label_count("batch-ok-2"), 1, "the last one's record is there");
	is_int(label_count("batch-fail"), 0, "the refused one's record is gone");
	is_int(label_count("batch-swallow"), pg ? 0 : 1,
	       "the one that ignored a refusal: record %s", pg ? "gone" : "kept");
	for (int i = 0; i < 5; i++)
		arena_free(u[i].c.a);
}

/* ---------- a deferred write's refusal fails its own use case ---------- */

/* A record for these tests: label and time told apart, the rest alike. */
static struct append deferred_rec(const char *label, int64_t at)
{
	return (struct append){.a = A,
	                       .rec = {.at = at,
	                               .actor_label = label,
	                               .action = "test.deferred",
	                               .outcome = "ok",
	                               .detail = "{}"}};
}

static enum gcas_err tx_refused_write(struct db *db, void *ctx)
{
	struct append *c = ctx;
	enum gcas_err e = tx_append(db, c);
	if (e)
		return e;
	struct audit_rec dup = c->rec;
	dup.actor_label = "deferred-dup";
	return store_audit_insert(db, &dup);
}

/* The audit writes are deferred on PostgreSQL: sent with the COMMIT, so a refusal arrives
 * there instead of at the statement (SQLite refuses at once). Either way the use case must
 * fail with the refusal, keep nothing, and leave its connection fit for the next one. */
static void sec_deferred_refusal(void)
{
	struct head_ctx h0 = {-1, NULL}, h1 = {-1, NULL};
	store_tx(st, tx_head, &h0);
	struct append c = deferred_rec("deferred-refused", T0 + 2000);
	is_err(store_tx(st, tx_refused_write, &c), GCAS_ERR_CONFLICT,
	       "a refused audit write fails its use case with CONFLICT");
	is_err(store_tx(st, tx_head, &h1), GCAS_OK, "the next transaction runs");
	is_int(h1.seq, h0.seq, "the chain did not move");
	is_int(label_count("deferred-refused") + label_count("deferred-dup"), 0,
	       "neither record was kept");
	int fine = 1;
	for (int i = 0; i < 4; i++) {
		struct append n = deferred_rec("deferred-after", T0 + 2001 + i);
		fine &= store_tx(st, tx_append, &n) == GCAS_OK && n.seq == h0.seq + 1 + i;
	}
	ok(fine, "four use cases after it commit, each on the chain in turn");
	is_int(label_count("deferred-after"), 4, "their records are there");
}

/* Outside a transaction (store_run) nothing would send a held write: it must run at once. */
static void sec_deferred_autocommit(void)
{
	struct head_ctx h0 = {-1, NULL}, h1 = {-1, NULL};
	store_tx(st, tx_head, &h0);
	struct append c = deferred_rec("deferred-autocommit", T0 + 3000);
	is_err(store_run(st, tx_append, &c), GCAS_OK, "an append outside a transaction runs");
	char why[256] = "";
	struct store *other = store_open(tdb.dsn, 1, why, sizeof(why));
	struct scan_out o = {NULL, 0};
	int seen = 0;
	if (other && store_run(other, scan_some, &o) == GCAS_OK)
		for (size_t i = 0; i < o.n; i++)
			seen += streq(o.r[i].actor_label, "deferred-autocommit");
	store_close(other);
	is_int(seen, 1, "another connection sees its record at once");
	store_tx(st, tx_head, &h1);
	is_int(h1.seq, h0.seq + 1, "and the head moved to it");
	struct append n = deferred_rec("deferred-autocommit-next", T0 + 3001);
	is_err(store_tx(st, tx_append, &n), GCAS_OK, "the next use case commits");
	is_int(n.seq, h0.seq + 2, "and follows it on the chain");
}

/* PostgreSQL: the backend dies between a use case's first statement and its COMMIT, which
 * carries the held audit writes. The use case must fail, keep nothing, and the connection
 * must serve the next use case (a new session). */
struct lost_uc {
	struct append c;
	const char *app;
	int killed;
};

static enum gcas_err tx_append_then_die(struct db *db, void *ctx)
{
	struct lost_uc *u = ctx;
	enum gcas_err e = tx_append(db, &u->c);
	if (!e && !u->killed++)
		testdb_pg_terminate(tdb.dsn, u->app);
	return e;
}

static void sec_pg_lost_midtx(void)
{
	char app[64];
	struct store *s = store_named("lost", app);
	if (!ok(s != NULL, "lost: open a store of one connection"))
		return;
	struct head_ctx h0 = {-1, NULL}, h1 = {-1, NULL};
	store_tx(st, tx_head, &h0);
	struct lost_uc u = {deferred_rec("lost-midtx", T0 + 4000), app, 0};
	enum gcas_err e = store_tx(s, tx_append_then_die, &u);
	ok(e != GCAS_OK, "lost: a use case whose backend died before COMMIT fails (%s)",
	   gcas_err_name(e));
	is_int(label_count("lost-midtx"), 0, "lost: its record was not kept");
	struct append n = deferred_rec("lost-next", T0 + 4001);
	is_err(store_tx(s, tx_append, &n), GCAS_OK, "lost: the next use case on it commits");
	store_tx(st, tx_head, &h1);
	is_int(h1.seq, h0.seq + 1, "lost: the chain grew by that one only");
	store_close(s);
}

/* ---------- main ---------- */

static int open_fresh(void)
{
	char why[512] = "";
	if (testdb_reset(&tdb))
		return -1;
	st = store_open(tdb.dsn, NTHREADS, why, sizeof(why));
	if (!st)
		printf("# store_open %s: %s\n", tdb.dsn, why);
	return st ? 0 : -1;
}

static void section(const char *name, store_tx_fn fn)
{
	enum gcas_err e = store_run(st, fn, NULL);
	is_err(e, GCAS_OK, "section %s completed", name);
}

int main(int argc, char **argv)
{
	const char *why = NULL;
	int r = testdb_resolve(argc > 1 ? argv[1] : getenv("GCAS_TEST_DSN"), &tdb, &why);
	if (r) {
		printf("1..0 # SKIP %s\n", why);
		return r > 0 ? 0 : 1;
	}
	is_pg = tdb.is_pg;
	A = arena_new(0);
	if (!A || open_fresh()) {
		ok(0, "open a fresh %s database", is_pg ? "PostgreSQL" : "SQLite");
		testdb_cleanup(&tdb);
		return tap_done();
	}
	sec_open_and_migrate();
	sec_open_errors();
	section("orgs", sec_orgs);
	section("accounts", sec_accounts);
	section("factors", sec_factors);
	section("sessions", sec_sessions);
	section("throttle", sec_throttle);
	section("groups", sec_groups);
	section("tokens", sec_tokens);
	section("links", sec_links);
	sec_audit();
	section("audit lists", sec_audit_read);
	section("jobs", sec_jobs);
	sec_tx();
	sec_tx_first();
	sec_tx_swallow();
	if (is_pg)
		sec_pg_reconnect();
	int dbv = 0, binv = 0;
	store_schema_version(st, &dbv, &binv);
	store_close(st);

	/* A second empty database: migrated by several nodes at once, then 8 threads on a pool
	 * of 8 append to the audit chain. */
	st = NULL;
	sec_migrate_race(binv);
	if (testdb_reset(&tdb))
		ok(0, "reset the database for the concurrency test");
	char why2[256] = "";
	int applied = 0;
	st = store_open(tdb.dsn, NTHREADS, why2, sizeof(why2));
	if (st && store_migrate(st, &applied, why2, sizeof(why2)) == GCAS_OK) {
		sec_concurrency();
		sec_batch_isolation();
		sec_deferred_refusal();
		sec_deferred_autocommit();
		if (strcmp(store_engine(st), "postgresql") == 0)
			sec_pg_lost_midtx();
	} else
		ok(0, "reopen the database for the concurrency test: %s", why2);
	store_close(st);
	arena_free(A);
	testdb_cleanup(&tdb);
	return tap_done();
}
