/* SPDX-License-Identifier: MIT */
/* Account use cases (svc/accounts.c) on both sides: issuing along the certification chain
 * (R1.1) and never across agencies, the role's organisation kind (R1.2), personal addresses
 * only (R2.8), duplicate addresses, no Individual Number in reasons (R2.1), optimistic
 * versions, suspension / re-enabling / deletion, factor resets, reading within scope (R7.1),
 * bootstrap (R1.3), and one transaction per use case: a refused or invalid call leaves no row
 * and — except the permission.denied record — no audit record. */
#include "svc/accounts.h"
#include "svc/auth.h"
#include "test_world.h"

static struct world W;

/* Issue one account and check the outcome on every side (row, audit record, group, link). */
static void create_case(const char *who_id, const char *who, const char *role, const char *org,
                        enum gcas_err want, const char *what)
{
	static int serial;
	struct arena *a = arena_new(0);
	struct actor ac = world_actor(&W, who_id);
	struct verrs ve = {0};
	struct account out = {0};
	const char *link = NULL;
	char *email = arena_printf(a, "new.person%d@digital.go.jp", ++serial);
	struct account_input in = world_person(email, role, org);
	int64_t n0 = world_accounts(&W), s0 = world_audit_seq(&W);
	enum gcas_err e = svc_account_create(&W.w.env, &ac, a, &in, &out, &link, &ve);
	if (!ok(e == want, "%s %s %s", who, want ? "may not issue" : "issues", what)) {
		printf("#   got %s, want %s\n", gcas_err_name(e), gcas_err_name(want));
		for (size_t i = 0; i < ve.n; i++)
			printf("#   %s: %s\n", ve.e[i].field, ve.e[i].en);
	}
	if (want == GCAS_OK) {
		is_int(world_accounts(&W), n0 + 1, "  one account row more");
		audit_wrote(&W, s0, "account.create", "ok", "  and its account.create record");
		ok(link && strlen(link) >= 40, "  with a one-time set-up link");
		is_int(out.status, ACCOUNT_PENDING, "  pending until first sign-in");
		int role_i = role_parse(role);
		const char *grp = NULL;
		char gid[33];
		if (role_org_kind(role_i) == ORG_CONTRACTOR)
			grp = world_group_of(&W, out.project_id, gid) ? NULL : gid;
		else
			grp = world_group_of(&W, org, gid) ? NULL : gid;
		if (role_org_kind(role_i) == ORG_OPERATOR)
			is_int(out.role, ROLE_OPERATOR,
			       "  in the operator team (which has no group)");
		else
			ok(grp && world_is_member(&W, grp, out.id) == 1,
			   "  and a member of its PMO / system group (別表2 ②)");
	} else if (want == GCAS_ERR_DENIED) {
		is_int(world_accounts(&W), n0, "  no account row");
		audit_wrote(&W, s0, "permission.denied", "denied",
		            "  only a permission.denied record");
	} else {
		is_int(world_accounts(&W), n0, "  no account row");
		audit_none(&W, s0, "  and no audit record");
	}
	arena_free(a);
}

static void test_chain(void)
{
	/* 別表3: the operator issues directly, for every role (it fulfils applications); it
	 * never acts on itself. */
	create_case(W.op, "operator", "agency_manager", W.ag1, GCAS_OK, "an agency manager");
	create_case(W.op, "operator", "agency_manager", W.ag2, GCAS_OK,
	            "an agency manager of any agency");
	create_case(W.op, "operator", "operator", W.op_org, GCAS_OK, "another operator");
	create_case(W.op, "operator", "agency_staff", W.ag1, GCAS_OK, "agency staff");
	create_case(W.op, "operator", "project_manager", W.pj1, GCAS_OK, "a project manager");
	create_case(W.op, "operator", "contractor_staff", W.co1, GCAS_OK, "contractor staff");
	/* 別表1, 別表2 ①: managers apply (svc_app_create) instead of issuing, even for the
	 * people they certify, so nothing bypasses approval; staff issue nobody. */
	create_case(W.am1, "agency manager", "agency_staff", W.ag1, GCAS_ERR_DENIED,
	            "its agency staff directly");
	create_case(W.am1, "agency manager", "project_manager", W.pj2, GCAS_ERR_DENIED,
	            "a project manager of its agency directly");
	create_case(W.am1, "agency manager", "agency_staff", W.ag2, GCAS_ERR_DENIED,
	            "staff of another agency");
	create_case(W.as1, "agency staff", "agency_staff", W.ag1, GCAS_ERR_DENIED, "anyone");
	create_case(W.ps1, "project staff", "project_staff", W.pj1, GCAS_ERR_DENIED, "anyone");
	create_case(W.cs1, "contractor staff", "contractor_staff", W.co1, GCAS_ERR_DENIED,
	            "anyone");
	create_case(W.pm1, "project manager", "project_staff", W.pj1, GCAS_ERR_DENIED,
	            "its project staff directly");
	create_case(W.pm1, "project manager", "contractor_manager", W.co1b, GCAS_ERR_DENIED,
	            "a contractor manager directly");
	create_case(W.cm1, "contractor manager", "contractor_staff", W.co1, GCAS_ERR_DENIED,
	            "its own staff directly");
	create_case(W.pmq, "project manager of agency 2", "contractor_manager", W.co1,
	            GCAS_ERR_DENIED, "a contractor manager into agency 1");
}

static void test_kind_and_input(void)
{
	/* R1.2: a role lives in one kind of organisation. */
	create_case(W.op, "operator", "agency_manager", W.pj1, GCAS_ERR_INVALID,
	            "an agency manager inside a project team (R1.2)");
	create_case(W.op, "operator", "project_manager", W.ag1, GCAS_ERR_INVALID,
	            "a project manager placed in the agency itself (R1.2)");
	create_case(W.op, "operator", "agency_staff", W.pj1, GCAS_ERR_INVALID,
	            "agency staff placed in a project team (R1.2)");
	create_case(W.op, "operator", "contractor_manager", W.pj1, GCAS_ERR_INVALID,
	            "a contractor manager placed in the project team (R1.2)");
	create_case(W.op, "operator", "project_staff", W.co1, GCAS_ERR_INVALID,
	            "project staff placed in a contractor (R1.2)");
	create_case(W.op, "operator", "agency_staff", "ffffffffffffffffffffffffffffffff",
	            GCAS_ERR_INVALID, "into an organisation that does not exist");
	create_case(W.op, "operator", "superuser", W.ag1, GCAS_ERR_INVALID, "an unknown role");

	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op); /* issues directly (別表3) */
	struct account out = {0};
	const char *link;
	int64_t n0 = world_accounts(&W), s0 = world_audit_seq(&W);
	/* R2.8: personal work addresses only. */
	static const char *const shared[] = {"info@digital.go.jp", "NoReply+alerts@digital.go.jp",
	                                     "admin2@digital.go.jp", "soumu@digital.go.jp"};
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		struct verrs ve = {0};
		struct account_input in = world_person(shared[i], "agency_staff", W.ag1);
		is_int(svc_account_create(&W.w.env, &op, a, &in, &out, &link, &ve),
		       GCAS_ERR_INVALID, "shared address %s refused (R2.8)", shared[i]);
		ok(verr_has(&ve, "email"), "  with a message on the email field");
	}
	struct verrs ve = {0};
	struct account_input in = world_person("not-an-address", "agency_staff", W.ag1);
	in.family_name = "";
	in.given_kana = "Hanako";
	is_int(svc_account_create(&W.w.env, &op, a, &in, &out, &link, &ve), GCAS_ERR_INVALID,
	       "a malformed address, an empty name and a romaji reading are refused");
	ok(verr_has(&ve, "email") && verr_has(&ve, "family_name") && verr_has(&ve, "given_kana"),
	   "  each on its own field (%zu messages)", ve.n);
	is_int(world_accounts(&W), n0, "no row for any refused input");
	audit_none(&W, s0, "and no audit record");

	/* Duplicate address, case-insensitively. */
	ve = (struct verrs){0};
	in = world_person("Sato.Jiro@Digital.go.jp", "agency_staff", W.ag1);
	in.given_kana = "じろう"; /* hiragana reading: stored in katakana */
	is_int(svc_account_create(&W.w.env, &op, a, &in, &out, &link, &ve), GCAS_OK,
	       "a new address is accepted");
	is_str(out.email, "sato.jiro@digital.go.jp", "  stored in lower case");
	is_str(out.given_kana, "ジロウ", "  hiragana reading stored as katakana");
	n0 = world_accounts(&W);
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	in = world_person("SATO.JIRO@digital.GO.JP", "agency_staff", W.ag1);
	is_int(svc_account_create(&W.w.env, &op, a, &in, &out, &link, &ve), GCAS_ERR_CONFLICT,
	       "the same address in other case is a duplicate");
	ok(verr_has(&ve, "email"), "  reported on the email field");
	ve = (struct verrs){0};
	in = world_person("AS1@digital.go.jp", "agency_staff", W.ag1);
	is_int(svc_account_create(&W.w.env, &op, a, &in, &out, &link, &ve), GCAS_ERR_CONFLICT,
	       "an existing account's address in upper case is a duplicate");
	is_int(world_accounts(&W), n0, "no row for a duplicate");
	audit_none(&W, s0, "and no audit record");
	arena_free(a);
}

/* An organisation without its group: issuing an account there fails after the account row was
 * written, so the whole transaction must roll back. */
static enum gcas_err bare_org_tx(struct db *db, void *ctx)
{
	return store_org_insert(db, ctx);
}

static void test_one_transaction(void)
{
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op); /* issues directly (別表3) */
	struct org o = {.id = "0123456789abcdef0123456789abcdef",
	                .kind = ORG_PROJECT,
	                .name = "グループのないチーム",
	                .parent_id = W.ag1,
	                .agency_id = W.ag1,
	                .project_id = "0123456789abcdef0123456789abcdef",
	                .created_at = W.now,
	                .updated_at = W.now};
	ok(store_tx(W.w.env.st, bare_org_tx, &o) == GCAS_OK, "a project team without a group");
	struct verrs ve = {0};
	struct account out = {0};
	const char *link;
	struct account_input in = world_person("half.done@digital.go.jp", "project_manager", o.id);
	int64_t n0 = world_accounts(&W), s0 = world_audit_seq(&W);
	enum gcas_err e = svc_account_create(&W.w.env, &op, a, &in, &out, &link, &ve);
	ok(e != GCAS_OK, "issuing fails when the group is missing (%s)", gcas_err_name(e));
	is_int(world_accounts(&W), n0, "the account row written before the failure is rolled back");
	audit_none(&W, s0, "and no audit record was kept");
	arena_free(a);
}

static void test_update(void)
{
	struct arena *a = arena_new(0);
	struct actor am1 = world_actor(&W, W.am1), pm1 = world_actor(&W, W.pm1);
	struct actor am2 = world_actor(&W, W.am2), op = world_actor(&W, W.op);
	struct account acc = {0};
	struct verrs ve = {0};
	world_account(&W, a, W.as1, &acc);
	struct account_input in = world_person("as1@digital.go.jp", NULL, NULL);
	in.family_name = "鈴木";
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_account_update(&W.w.env, &op, a, W.as1, acc.version, &in, &ve), GCAS_OK,
	       "the operator changes agency staff's name (別表3; managers apply)");
	audit_wrote(&W, s0, "account.update", "ok", "  with an account.update record");
	struct account after = {0};
	world_account(&W, a, W.as1, &after);
	is_str(after.family_name, "鈴木", "  the new name is stored");
	is_int(after.version, acc.version + 1, "  and the version moves on");

	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	in.family_name = "高橋";
	is_int(svc_account_update(&W.w.env, &op, a, W.as1, acc.version, &in, &ve),
	       GCAS_ERR_CONFLICT, "a stale version is refused (optimistic concurrency)");
	ok(verr_has(&ve, "version"), "  explained on the version field");
	world_account(&W, a, W.as1, &after);
	is_str(after.family_name, "鈴木", "  and nothing changed");
	audit_none(&W, s0, "  and no audit record");

	ve = (struct verrs){0};
	in = world_person("AM1@digital.go.jp", NULL, NULL);
	is_int(svc_account_update(&W.w.env, &op, a, W.as1, after.version, &in, &ve),
	       GCAS_ERR_CONFLICT, "changing to an address in use is refused");
	ok(verr_has(&ve, "email") && !verr_has(&ve, "version"), "  explained on the email field");
	audit_none(&W, s0, "  and no audit record");

	ve = (struct verrs){0};
	in = world_person("kanri@digital.go.jp", NULL, NULL);
	is_int(svc_account_update(&W.w.env, &op, a, W.as1, after.version, &in, &ve),
	       GCAS_ERR_INVALID, "changing to a shared address is refused (R2.8)");
	audit_none(&W, s0, "  and no audit record");

	in = world_person("as1@digital.go.jp", NULL, NULL);
	struct {
		struct actor *who;
		const char *id;
		const char *what;
	} refused[] = {
	    {&pm1, W.as1, "a project manager may not change agency staff"},
	    {&am2, W.as1, "an agency manager may not change another agency's staff"},
	    {&am1, W.am1, "an agency manager may not change its own account (self)"},
	    {&am1, W.as1, "an agency manager no longer changes its staff directly (it applies)"},
	    {&op, W.op, "the operator may not change its own account"},
	    {&am1, W.ps1, "an agency manager may not change project staff (not its chain)"},
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct account cur = {0};
		world_account(&W, a, refused[i].id, &cur);
		ve = (struct verrs){0};
		s0 = world_audit_seq(&W);
		is_int(svc_account_update(&W.w.env, refused[i].who, a, refused[i].id, cur.version,
		                          &in, &ve),
		       GCAS_ERR_DENIED, "%s", refused[i].what);
		audit_wrote(&W, s0, "permission.denied", "denied",
		            "  only a permission.denied record");
	}
	arena_free(a);
}

static void test_status(void)
{
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op), am1 = world_actor(&W, W.am1);
	struct actor pm1 = world_actor(&W, W.pm1), cm1 = world_actor(&W, W.cm1);
	struct actor as1 = world_actor(&W, W.as1), am2 = world_actor(&W, W.am2);
	struct account acc = {0};
	struct verrs ve = {0};
	int64_t s0 = world_audit_seq(&W);

	/* Reasons: required, and never an Individual Number (R2.1). */
	is_int(svc_account_set_status(&W.w.env, &pm1, a, W.ps1, ACCOUNT_OP_DISABLE, "", &ve),
	       GCAS_ERR_INVALID, "disabling needs a reason");
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &pm1, a, W.ps1, ACCOUNT_OP_DISABLE,
	                              "本人確認 個人番号 1234-5678-9018 にて", &ve),
	       GCAS_ERR_INVALID, "a reason holding an Individual Number is refused");
	ok(verr_has(&ve, "reason"), "  on the reason field");
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &pm1, a, W.ps1, ACCOUNT_OP_DELETE,
	                              "１２３４５６７８９０１８", &ve),
	       GCAS_ERR_INVALID, "  also in full-width digits, also for deletion");
	world_account(&W, a, W.ps1, &acc);
	is_int(acc.status, ACCOUNT_ACTIVE, "the account is untouched");
	audit_none(&W, s0, "and no audit record");

	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &pm1, a, W.ps1, ACCOUNT_OP_DISABLE,
	                              "異動 (ticket 123456789012)", &ve),
	       GCAS_OK, "a 12-digit number that is not an Individual Number is fine in a reason");
	audit_wrote(&W, s0, "account.disable", "ok", "  account.disable recorded");
	world_account(&W, a, W.ps1, &acc);
	is_int(acc.status, ACCOUNT_DISABLED, "  the account is disabled");
	is_str(acc.disabled_reason, "異動 (ticket 123456789012)", "  with its reason");

	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &pm1, a, W.ps1, ACCOUNT_OP_DISABLE, "again", &ve),
	       GCAS_ERR_CONFLICT, "disabling a disabled account is a conflict");
	audit_none(&W, s0, "  with no audit record");
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &cm1, a, W.ps1, ACCOUNT_OP_ENABLE, NULL, &ve),
	       GCAS_ERR_DENIED, "a contractor manager may not re-enable project staff");
	audit_wrote(&W, s0, "permission.denied", "denied", "  only a permission.denied record");
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &pm1, a, W.ps1, ACCOUNT_OP_ENABLE, NULL, &ve),
	       GCAS_ERR_DENIED,
	       "its project manager no longer re-enables it directly (it applies)");
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &op, a, W.ps1, ACCOUNT_OP_ENABLE, NULL, &ve),
	       GCAS_OK, "the operator re-enables it");
	audit_wrote(&W, s0, "account.enable", "ok", "  account.enable recorded");
	world_account(&W, a, W.ps1, &acc);
	is_int(acc.status, ACCOUNT_ACTIVE, "  active again");
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &op, a, W.ps1, ACCOUNT_OP_ENABLE, NULL, &ve),
	       GCAS_ERR_CONFLICT, "re-enabling an active account is a conflict");
	audit_none(&W, s0, "  with no audit record");

	/* 5.4.3: the operator may restrict anyone; others only their chain. */
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &op, a, W.cs1, ACCOUNT_OP_DISABLE, "緊急制限", &ve),
	       GCAS_OK, "the operator suspends contractor staff (emergency restriction)");
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &op, a, W.op, ACCOUNT_OP_DISABLE, "self", &ve),
	       GCAS_ERR_DENIED, "but not itself");
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &cm1, a, W.cs1, ACCOUNT_OP_ENABLE, NULL, &ve),
	       GCAS_ERR_DENIED, "the contractor manager applies to re-enable its staff instead");
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &as1, a, W.as1, ACCOUNT_OP_DISABLE, "辞職", &ve),
	       GCAS_ERR_DENIED, "nobody suspends themselves");
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &am2, a, W.pm1, ACCOUNT_OP_DISABLE, "他機関", &ve),
	       GCAS_ERR_DENIED, "nor across agencies");

	/* Deletion: a tombstone, out of its groups, still readable for the audit trail. */
	struct account leaving = {0};
	const char *link;
	ve = (struct verrs){0};
	struct account_input in =
	    world_person("leaving.person@digital.go.jp", "agency_staff", W.ag1);
	is_int(svc_account_create(&W.w.env, &op, a, &in, &leaving, &link, &ve), GCAS_OK,
	       "an account to delete");
	is_int(world_is_member(&W, W.pmo1, leaving.id), 1, "  in the PMO group");
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(
	    svc_account_set_status(&W.w.env, &pm1, a, leaving.id, ACCOUNT_OP_DELETE, "退職", &ve),
	    GCAS_ERR_DENIED, "a project manager may not delete agency staff");
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(
	    svc_account_set_status(&W.w.env, &am1, a, leaving.id, ACCOUNT_OP_DELETE, "退職", &ve),
	    GCAS_ERR_DENIED, "nor its agency manager directly (it applies)");
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &op, a, leaving.id, ACCOUNT_OP_DELETE, "退職", &ve),
	       GCAS_OK, "the operator deletes it");
	audit_wrote(&W, s0, "account.delete", "ok", "  account.delete recorded");
	world_account(&W, a, leaving.id, &acc);
	is_int(acc.status, ACCOUNT_DELETED, "  kept as a tombstone");
	is_int(world_is_member(&W, W.pmo1, leaving.id), 0, "  and removed from its groups");
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &op, a, leaving.id, ACCOUNT_OP_ENABLE, NULL, &ve),
	       GCAS_ERR_NOTFOUND, "a deleted account cannot be re-enabled");
	struct account seen = {0};
	is_int(svc_account_get(&W.w.env, &am1, a, leaving.id, &seen), GCAS_OK,
	       "but is still readable within scope");
	arena_free(a);
}

struct factor_ctx {
	struct arena *a;
	const char *id;
	struct factor *f;
	size_t n;
};

static enum gcas_err factor_list_tx(struct db *db, void *ctx)
{
	struct factor_ctx *c = ctx;
	return store_factor_list(db, c->a, c->id, &c->f, &c->n);
}

static int factor_count(const char *account_id)
{
	struct arena *a = arena_new(0);
	struct factor_ctx c = {a, account_id, NULL, 0};
	int r = store_run(W.w.env.st, factor_list_tx, &c) ? -1 : (int)c.n;
	arena_free(a);
	return r;
}

static void test_reset_factors(void)
{
	struct arena *a = arena_new(0);
	struct actor pm1 = world_actor(&W, W.pm1), cm1 = world_actor(&W, W.cm1);
	struct actor am1 = world_actor(&W, W.am1);
	char cookie[256], csrf[64];
	is_int(factor_count(W.ps1), 1, "project staff has an authenticator");
	ok(wt_login(&W.w, W.ps1, cookie, csrf) == 0, "and a session");
	int64_t sess = world_sessions(&W), s0 = world_audit_seq(&W);
	is_int(svc_account_reset_factors(&W.w.env, &cm1, a, W.ps1), GCAS_ERR_DENIED,
	       "a contractor manager may not reset project staff's factors");
	is_int(svc_account_reset_factors(&W.w.env, &am1, a, W.ps1), GCAS_ERR_DENIED,
	       "nor the agency manager (not its chain)");
	is_int(factor_count(W.ps1), 1, "  the factor is still there");
	is_int(world_audit_seq(&W), s0 + 2, "  two permission.denied records");
	s0 = world_audit_seq(&W);
	is_int(svc_account_reset_factors(&W.w.env, &pm1, a, W.ps1), GCAS_OK,
	       "its project manager resets them");
	audit_wrote(&W, s0, "account.reset_factors", "ok", "  recorded");
	is_int(factor_count(W.ps1), 0, "  no factor left: enrolment at next sign-in");
	is_int(world_sessions(&W), sess - 1, "  and its session ended");
	arena_free(a);
}

static void test_read_scope(void)
{
	struct arena *a = arena_new(0);
	struct account acc = {0};
	struct {
		const char *who;
		const char *target;
		enum gcas_err want;
		const char *what;
	} cases[] = {
	    {W.op, W.csd, GCAS_OK, "the operator reads any account"},
	    {W.am1, W.cs1, GCAS_OK, "an agency manager reads contractor staff of its agency"},
	    {W.as1, W.pm2, GCAS_OK, "agency staff read a project manager of their agency"},
	    {W.am1, W.as2, GCAS_ERR_DENIED, "an agency manager never reads another agency's staff"},
	    {W.as2, W.am1, GCAS_ERR_DENIED, "agency staff never read another agency's manager"},
	    {W.pm1, W.cs1b, GCAS_OK, "a project manager reads its contractors' staff"},
	    {W.pm1, W.ps2, GCAS_ERR_DENIED, "but not another project team's staff"},
	    {W.pm1, W.am1, GCAS_ERR_DENIED, "nor the agency's own accounts"},
	    {W.cm1, W.ps1, GCAS_OK, "a contractor manager reads its project team"},
	    {W.cs1, W.cs1, GCAS_OK, "contractor staff read themselves"},
	    {W.cs1, W.cm1, GCAS_ERR_DENIED, "but nobody else, not even their manager"},
	    {W.cmd, W.cm1, GCAS_ERR_DENIED, "nor anything across agencies"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct actor ac = world_actor(&W, cases[i].who);
		int64_t s0 = world_audit_seq(&W);
		is_int(svc_account_get(&W.w.env, &ac, a, cases[i].target, &acc), cases[i].want,
		       "%s", cases[i].what);
		if (cases[i].want == GCAS_OK)
			is_str(acc.id, cases[i].target, "  the right account");
		else
			audit_wrote(&W, s0, "permission.denied", "denied", "  refusal recorded");
	}
	struct actor op = world_actor(&W, W.op);
	is_int(svc_account_get(&W.w.env, &op, a, "nope", &acc), GCAS_ERR_NOTFOUND,
	       "an unknown id is not found");

	/* Listing narrows to the role's scope (R7.1), whatever the filter asked for. */
	struct {
		const char *who;
		const char *must_see;
		const char *must_not[4];
		const char *what;
	} lists[] = {
	    {W.am1, W.cs1b, {W.am2, W.csd, W.op, NULL}, "agency manager: its whole agency only"},
	    {W.pm1, W.cs1b, {W.pm2, W.am1, W.psq, NULL}, "project manager: its team + contractors"},
	    {W.cs1, W.cs1, {W.cm1, W.ps1, W.cs1b, NULL}, "contractor staff: themselves"},
	    {W.am2, W.csd, {W.am1, W.cs1, W.pm2, NULL}, "agency 2's manager: agency 2 only"},
	};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct actor ac = world_actor(&W, lists[i].who);
		struct account_filter f = {.role = -1, .status = -1, .agency_id = W.ag2};
		if (strcmp(lists[i].who, W.am2) == 0)
			f.agency_id = W.ag1; /* ask for the other agency: ignored */
		struct page pg = {.limit = 500};
		struct account *out;
		size_t n;
		int seen = 0, leaked = 0;
		is_int(svc_account_list(&W.w.env, &ac, a, &f, &pg, &out, &n), GCAS_OK, "%s",
		       lists[i].what);
		for (size_t k = 0; k < n; k++) {
			seen |= strcmp(out[k].id, lists[i].must_see) == 0;
			for (int m = 0; lists[i].must_not[m]; m++)
				leaked |= strcmp(out[k].id, lists[i].must_not[m]) == 0;
		}
		ok(seen && !leaked, "  sees what it should and nothing outside (%zu rows)", n);
	}
	struct account_filter f = {.role = -1, .status = -1};
	struct page pg = {.limit = 500};
	struct account *out;
	size_t n;
	is_int(svc_account_list(&W.w.env, &op, a, &f, &pg, &out, &n), GCAS_OK,
	       "the operator lists everyone");
	ok(n >= 17, "  every fixture account (%zu)", n);
	arena_free(a);
}

static void test_setup_link_and_bootstrap(void)
{
	struct arena *a = arena_new(0);
	struct actor pm1 = world_actor(&W, W.pm1), am2 = world_actor(&W, W.am2);
	struct actor op = world_actor(&W, W.op);
	const char *link1 = NULL, *link2 = NULL;
	struct account acc = {0};
	is_int(svc_account_setup_link(&W.w.env, &am2, a, W.ps1, &link1), GCAS_ERR_DENIED,
	       "no set-up link across agencies");
	is_int(svc_account_setup_link(&W.w.env, &pm1, a, W.ps1, &link1), GCAS_ERR_DENIED,
	       "a set-up link chooses the password: the certifying manager no longer issues one");
	is_int(svc_account_setup_link(&W.w.env, &op, a, W.ps1, &link1), GCAS_OK,
	       "the operator issues a set-up link");
	is_int(svc_setup_peek(&W.w.env, a, link1, &acc), GCAS_OK, "  it works");
	is_str(acc.id, W.ps1, "  for that account");
	is_int(svc_account_setup_link(&W.w.env, &op, a, W.ps1, &link2), GCAS_OK, "a second link");
	is_int(svc_setup_peek(&W.w.env, a, link1, &acc), GCAS_ERR_NOTFOUND, "  replaces the first");
	is_int(svc_setup_peek(&W.w.env, a, link2, &acc), GCAS_OK, "  which works");

	struct verrs ve = {0};
	struct account op2 = {0};
	struct account_input in = world_person("second.op@gcas.go.jp", NULL, NULL);
	int64_t n0 = world_accounts(&W);
	is_int(svc_bootstrap_operator(&W.w.env, a, &in, "violet tram umbrella 42", &op2, &ve),
	       GCAS_ERR_CONFLICT, "bootstrap is refused once an operator exists (R1.3)");
	is_int(world_accounts(&W), n0, "  no row");

	struct wt fresh;
	if (ok(wt_open(&fresh) == 0, "an empty store")) {
		int64_t s0;
		ve = (struct verrs){0};
		is_int(svc_bootstrap_operator(&fresh.env, a, &in, "password1", &op2, &ve),
		       GCAS_ERR_INVALID, "bootstrap refuses a common password");
		ve = (struct verrs){0};
		is_int(svc_bootstrap_operator(&fresh.env, a, &in, "violet tram umbrella 42", &op2,
		                              &ve),
		       GCAS_OK, "bootstrap creates the first operator");
		is_int(op2.role, ROLE_OPERATOR, "  an operator");
		s0 = wt_audit_count(&fresh, "account.bootstrap", "ok");
		is_int(s0, 1, "  recorded as account.bootstrap");
		int need = -1;
		char tok[SESSION_TOKEN_SIZE];
		struct client cl = {"192.0.2.50", "boot"};
		is_int(svc_signin_password(&fresh.env, &cl, "second.op@gcas.go.jp",
		                           "violet tram umbrella 42", tok, &need),
		       GCAS_OK, "  who signs in with that password");
		is_int(need, 1, "  and must enrol a second factor");
		wt_close(&fresh);
	}
	arena_free(a);
}

int main(void)
{
	if (!ok(world_open(&W) == 0, "fixture world"))
		return tap_done();
	test_chain();
	test_kind_and_input();
	test_one_transaction();
	test_update();
	test_status();
	test_reset_factors();
	test_read_scope();
	test_setup_link_and_bootstrap();
	world_close(&W);
	return tap_done();
}
