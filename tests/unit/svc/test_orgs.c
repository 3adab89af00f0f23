/* SPDX-License-Identifier: MIT */
/* Organisation use cases (svc/orgs.c) on both sides: who registers agencies, project teams and
 * contractors (and never across agencies), local-government codes with their JIS X 0402 check
 * digit, duplicate codes, names without an Individual Number, renaming, reading within scope, and
 * one transaction per use case (no row and no audit record on refusal, except permission.denied).
 */
#include "svc/orgs.h"
#include "test_world.h"

static struct world W;

static int64_t org_total(void)
{
	struct arena *a = arena_new(0);
	struct actor op = actor_system("count");
	struct page pg = {.limit = 500};
	struct org *out;
	size_t n = 0;
	if (svc_org_list(&W.w.env, &op, a, -1, &pg, &out, &n))
		n = (size_t)-1;
	arena_free(a);
	return (int64_t)n;
}

static void create_case(const char *who_id, const char *who, enum org_kind kind,
                        struct org_input in, enum gcas_err want, const char *what)
{
	struct arena *a = arena_new(0);
	struct actor ac = world_actor(&W, who_id);
	struct verrs ve = {0};
	struct org out = {0};
	int64_t n0 = org_total(), s0 = world_audit_seq(&W);
	enum gcas_err e = svc_org_create(&W.w.env, &ac, a, kind, &in, &out, &ve);
	if (!ok(e == want, "%s: %s", who, what)) {
		printf("#   got %s, want %s\n", gcas_err_name(e), gcas_err_name(want));
		for (size_t i = 0; i < ve.n; i++)
			printf("#   %s: %s\n", ve.e[i].field, ve.e[i].en);
	}
	static const char *const act[] = {[ORG_AGENCY] = "org.create_agency",
	                                  [ORG_PROJECT] = "org.create_project",
	                                  [ORG_CONTRACTOR] = "org.create_contractor"};
	if (want == GCAS_OK) {
		is_int(org_total(), n0 + 1, "  one organisation more");
		audit_wrote(&W, s0, act[kind], "ok", "  recorded");
		char gid[33];
		if (kind == ORG_CONTRACTOR)
			ok(world_group_of(&W, out.id, gid) != 0,
			   "  a contractor has no group of its own");
		else
			ok(world_group_of(&W, out.id, gid) == 0, "  with its %s group (別表2 ②)",
			   kind == ORG_AGENCY ? "PMO" : "system");
		if (kind != ORG_AGENCY)
			is_str(out.parent_id, in.parent_id, "  under its parent");
	} else if (want == GCAS_ERR_DENIED) {
		is_int(org_total(), n0, "  no row");
		audit_wrote(&W, s0, "permission.denied", "denied",
		            "  only a permission.denied record");
	} else {
		is_int(org_total(), n0, "  no row");
		audit_none(&W, s0, "  and no audit record");
	}
	arena_free(a);
}

static struct org_input agency(const char *name, const char *type, const char *code)
{
	return (struct org_input){.name = name, .agency_type = type, .code = code};
}

static struct org_input child(const char *name, const char *parent)
{
	return (struct org_input){.name = name, .parent_id = parent};
}

static void test_agencies(void)
{
	create_case(W.op, "operator", ORG_AGENCY, agency("厚生労働省", "ministry", "mhlw"), GCAS_OK,
	            "registers a ministry");
	create_case(W.op, "operator", ORG_AGENCY, agency("札幌市", "local", "011002"), GCAS_OK,
	            "registers a local government with a valid code");
	create_case(W.op, "operator", ORG_AGENCY, agency("架空市", "local", "131017"),
	            GCAS_ERR_INVALID, "a wrong JIS X 0402 check digit is refused");
	create_case(W.op, "operator", ORG_AGENCY, agency("架空県", "local", "481001"),
	            GCAS_ERR_INVALID, "a prefecture code above 47 is refused");
	create_case(W.op, "operator", ORG_AGENCY, agency("架空町", "local", "13101"),
	            GCAS_ERR_INVALID, "five digits are refused");
	create_case(W.op, "operator", ORG_AGENCY, agency("架空省", "ministry", "Bad Code"),
	            GCAS_ERR_INVALID, "a malformed ministry code is refused");
	create_case(W.op, "operator", ORG_AGENCY, agency("架空省", "agency", "kaku"),
	            GCAS_ERR_INVALID, "an unknown agency type is refused");
	create_case(W.op, "operator", ORG_AGENCY, agency("", "ministry", "empty"), GCAS_ERR_INVALID,
	            "an empty name is refused");
	create_case(W.op, "operator", ORG_AGENCY, agency("番号123456789018課", "ministry", "mynum"),
	            GCAS_ERR_INVALID, "a name holding an Individual Number is refused");
	create_case(W.op, "operator", ORG_AGENCY, agency("千代田区（重複）", "local", "131016"),
	            GCAS_ERR_CONFLICT, "a code already registered is a conflict");
	create_case(W.op, "operator", ORG_AGENCY,
	            agency("デジタル庁（重複）", "ministry", "digital"), GCAS_ERR_CONFLICT,
	            "a ministry code already registered is a conflict");
	create_case(W.am1, "agency manager", ORG_AGENCY, agency("新しい庁", "ministry", "newcho"),
	            GCAS_ERR_DENIED, "may not register an agency");
	create_case(W.pm1, "project manager", ORG_AGENCY, agency("新しい庁", "ministry", "newcho"),
	            GCAS_ERR_DENIED, "may not register an agency");

	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op);
	struct verrs ve = {0};
	struct org out;
	struct org_input in = agency("架空市", "local", "131017");
	svc_org_create(&W.w.env, &op, a, ORG_AGENCY, &in, &out, &ve);
	ok(verr_has(&ve, "code"), "the bad check digit is reported on the code field");
	ve = (struct verrs){0};
	in = agency("千代田区（重複）", "local", "131016");
	svc_org_create(&W.w.env, &op, a, ORG_AGENCY, &in, &out, &ve);
	ok(verr_has(&ve, "code"), "the duplicate too");
	arena_free(a);
}

static void test_children(void)
{
	create_case(W.am1, "agency manager", ORG_PROJECT, child("新システム", W.ag1), GCAS_OK,
	            "creates a project team in its agency");
	create_case(W.op, "operator", ORG_PROJECT, child("区の新システム", W.ag2), GCAS_OK,
	            "creates a project team in any agency");
	create_case(W.am1, "agency manager", ORG_PROJECT, child("越境システム", W.ag2),
	            GCAS_ERR_DENIED, "may not create a project team in another agency");
	create_case(W.as1, "agency staff", ORG_PROJECT, child("担当者のシステム", W.ag1),
	            GCAS_ERR_DENIED, "may not create project teams");
	create_case(W.pm1, "project manager", ORG_PROJECT, child("もう一つ", W.ag1),
	            GCAS_ERR_DENIED, "may not create project teams");
	create_case(W.am1, "agency manager", ORG_PROJECT, child("入れ子", W.pj1), GCAS_ERR_NOTFOUND,
	            "a project team's parent must be an agency");
	create_case(W.am1, "agency manager", ORG_PROJECT, child("親なし", NULL), GCAS_ERR_NOTFOUND,
	            "a project team needs a parent");

	create_case(W.pm1, "project manager", ORG_CONTRACTOR, child("三次請株式会社", W.pj1),
	            GCAS_OK, "attaches a contractor to its own project team");
	create_case(W.am1, "agency manager", ORG_CONTRACTOR, child("保守株式会社", W.pj2), GCAS_OK,
	            "attaches a contractor to a project team of its agency");
	create_case(W.pm1, "project manager", ORG_CONTRACTOR, child("他チーム請負", W.pj2),
	            GCAS_ERR_DENIED, "may not attach one to another project team");
	create_case(W.am2, "agency manager of agency 2", ORG_CONTRACTOR, child("越境請負", W.pj1),
	            GCAS_ERR_DENIED, "may not attach one across agencies");
	create_case(W.cm1, "contractor manager", ORG_CONTRACTOR, child("孫請け", W.pj1),
	            GCAS_ERR_DENIED, "may not attach contractors");
	create_case(W.ps1, "project staff", ORG_CONTRACTOR, child("職員の請負", W.pj1),
	            GCAS_ERR_DENIED, "may not attach contractors");
	create_case(W.pm1, "project manager", ORG_CONTRACTOR, child("請負の下", W.co1),
	            GCAS_ERR_NOTFOUND, "a contractor's parent must be a project team");
	create_case(W.pm1, "project manager", ORG_CONTRACTOR, child("\x01制御文字", W.pj1),
	            GCAS_ERR_INVALID, "a name with a control character is refused");

	struct arena *a = arena_new(0);
	struct actor ac = world_actor(&W, W.am1);
	struct verrs ve = {0};
	struct org out;
	struct org_input in = child("入れ子", W.pj1);
	svc_org_create(&W.w.env, &ac, a, ORG_PROJECT, &in, &out, &ve);
	ok(verr_has(&ve, "parent_id"), "a wrong parent is reported on the parent field");
	is_int(svc_org_create(&W.w.env, &ac, a, ORG_OPERATOR, &in, &out, &ve), GCAS_ERR_INVALID,
	       "the operator team is not created through the use case");
	arena_free(a);
}

static void test_rename_and_read(void)
{
	struct arena *a = arena_new(0);
	struct {
		const char *who, *id;
		enum gcas_err want;
		const char *what;
	} renames[] = {
	    {W.am1, W.pj1, GCAS_OK, "agency manager renames a project team of its agency"},
	    {W.pm1, W.co1, GCAS_OK, "project manager renames its contractor"},
	    {W.cm1, W.co1, GCAS_OK, "contractor manager renames its own company"},
	    {W.cm1, W.pj1, GCAS_ERR_DENIED, "contractor manager may not rename the project team"},
	    {W.pm1, W.pj2, GCAS_ERR_DENIED, "project manager may not rename another team"},
	    {W.ps1, W.pj1, GCAS_ERR_DENIED, "project staff may not rename anything"},
	    {W.as1, W.ag1, GCAS_ERR_DENIED, "agency staff may not rename anything"},
	    {W.am2, W.pj1, GCAS_ERR_DENIED, "nobody renames across agencies"},
	};
	for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++) {
		struct actor ac = world_actor(&W, renames[i].who);
		struct verrs ve = {0};
		int64_t s0 = world_audit_seq(&W);
		char *name = arena_printf(a, "改名%zu", i);
		is_int(svc_org_rename(&W.w.env, &ac, a, renames[i].id, name, &ve), renames[i].want,
		       "%s", renames[i].what);
		audit_wrote(&W, s0, renames[i].want ? "permission.denied" : "org.rename",
		            renames[i].want ? "denied" : "ok", "  recorded");
		struct org o = {0};
		struct actor op = world_actor(&W, W.op);
		svc_org_get(&W.w.env, &op, a, renames[i].id, &o);
		if (renames[i].want == GCAS_OK)
			is_str(o.name, name, "  the new name is stored");
		else
			ok(o.name && strcmp(o.name, name) != 0, "  the name is unchanged");
	}
	struct actor am1 = world_actor(&W, W.am1);
	struct verrs ve = {0};
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_org_rename(&W.w.env, &am1, a, W.pj1, " 空白で始まる", &ve), GCAS_ERR_INVALID,
	       "a name with a leading space is refused");
	ve = (struct verrs){0};
	is_int(svc_org_rename(&W.w.env, &am1, a, W.pj1, "1234 5678 9018", &ve), GCAS_ERR_INVALID,
	       "a name that is an Individual Number is refused");
	audit_none(&W, s0, "  with no audit record");

	struct {
		const char *who, *id;
		enum gcas_err want;
		const char *what;
	} gets[] = {
	    {W.op, W.cod, GCAS_OK, "operator reads any organisation"},
	    {W.as1, W.co1b, GCAS_OK, "agency staff read a contractor of their agency"},
	    {W.pm1, W.co1, GCAS_OK, "project manager reads its contractor"},
	    {W.pm1, W.pj2, GCAS_ERR_DENIED, "but not another project team"},
	    {W.cm1, W.pj1, GCAS_OK, "contractor manager reads its project team"},
	    {W.cs1, W.co1, GCAS_OK, "contractor staff read their own company"},
	    {W.cs1, W.co1b, GCAS_ERR_DENIED, "but not another contractor"},
	    {W.am1, W.ag2, GCAS_ERR_DENIED, "nobody reads another agency"},
	    {W.csd, W.pj1, GCAS_ERR_DENIED, "nobody reads another agency's project"},
	};
	for (size_t i = 0; i < sizeof(gets) / sizeof(gets[0]); i++) {
		struct actor ac = world_actor(&W, gets[i].who);
		struct org o = {0};
		s0 = world_audit_seq(&W);
		is_int(svc_org_get(&W.w.env, &ac, a, gets[i].id, &o), gets[i].want, "%s",
		       gets[i].what);
		if (gets[i].want)
			audit_wrote(&W, s0, "permission.denied", "denied", "  refusal recorded");
	}

	struct {
		const char *who;
		const char *see, *not1, *not2;
		const char *what;
	} lists[] = {
	    {W.am1, W.co1b, W.ag2, W.cod, "agency manager lists its agency only"},
	    {W.pm1, W.co1, W.pj2, W.ag1, "project manager lists its team and contractors"},
	    {W.cs1, W.co1, W.pj1, W.co1b, "contractor staff list their own company"},
	    {W.am2, W.pjq, W.ag1, W.pj1, "agency 2's manager lists agency 2 only"},
	};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct actor ac = world_actor(&W, lists[i].who);
		struct page pg = {.limit = 500};
		struct org *out;
		size_t n;
		int seen = 0, leaked = 0;
		is_int(svc_org_list(&W.w.env, &ac, a, -1, &pg, &out, &n), GCAS_OK, "%s",
		       lists[i].what);
		for (size_t k = 0; k < n; k++) {
			seen |= strcmp(out[k].id, lists[i].see) == 0;
			leaked |= strcmp(out[k].id, lists[i].not1) == 0 ||
			          strcmp(out[k].id, lists[i].not2) == 0;
		}
		ok(seen && !leaked, "  sees its own and nothing outside (%zu)", n);
	}
	arena_free(a);
}

int main(void)
{
	if (!ok(world_open(&W) == 0, "fixture world"))
		return tap_done();
	test_agencies();
	test_children();
	test_rename_and_read();
	world_close(&W);
	return tap_done();
}
