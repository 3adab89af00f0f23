/* SPDX-License-Identifier: MIT */
/* Group member management (svc/groups.c, S2, R2.5, R2.6) on both sides: a PMO group takes only
 * agency-level accounts of its agency, a system group only its project team's accounts; a
 * contractor manager places only their own staff; nobody reaches across agencies; staff manage
 * nothing; reading groups within scope; and no row and no audit record on refusal (except the
 * permission.denied record). */
#include "test_world.h"

static struct world W;

static void member_case(const char *who_id, const char *who, int add, const char *group,
                        const char *account, enum gcas_err want, const char *what)
{
	struct arena *a = arena_new(0);
	struct actor ac = world_actor(&W, who_id);
	struct verrs ve = {0};
	int before = world_is_member(&W, group, account);
	int64_t s0 = world_audit_seq(&W);
	enum gcas_err e = add ? svc_group_member_add(&W.w.env, &ac, a, group, account, 0, &ve)
	                      : svc_group_member_remove(&W.w.env, &ac, a, group, account);
	if (!ok(e == want, "%s %s: %s", who, add ? "adds" : "removes", what)) {
		printf("#   got %s, want %s\n", gcas_err_name(e), gcas_err_name(want));
		for (size_t i = 0; i < ve.n; i++)
			printf("#   %s: %s\n", ve.e[i].field, ve.e[i].en);
	}
	int after = world_is_member(&W, group, account);
	if (want == GCAS_OK) {
		is_int(after, add, "  membership %s", add ? "added" : "removed");
		audit_wrote(&W, s0, add ? "group.member_add" : "group.member_remove", "ok",
		            "  recorded");
		struct arena *b = arena_new(0);
		struct audit_rec r = world_audit_last(&W, b);
		has_str(r.detail, account, "  the record names the account");
		is_str(r.target_id, group, "  and the group");
		arena_free(b);
	} else {
		is_int(after, before, "  membership unchanged");
		if (want == GCAS_ERR_DENIED)
			audit_wrote(&W, s0, "permission.denied", "denied",
			            "  only a permission.denied record");
		else
			audit_none(&W, s0, "  and no audit record");
	}
	arena_free(a);
}

static void test_pmo(void)
{
	member_case(W.am1, "agency manager", 1, W.pmo1, W.as1, GCAS_OK,
	            "its agency staff to the PMO group");
	member_case(W.am1, "agency manager", 1, W.pmo1, W.as1, GCAS_ERR_CONFLICT,
	            "the same person twice");
	member_case(W.am1, "agency manager", 1, W.pmo1, W.pm1, GCAS_ERR_INVALID,
	            "a project manager to the PMO group (agency-level accounts only)");
	member_case(W.am1, "agency manager", 1, W.pmo1, W.as2, GCAS_ERR_DENIED,
	            "another agency's staff to its PMO group");
	member_case(W.am1, "agency manager", 1, W.pmo2, W.as1, GCAS_ERR_DENIED,
	            "its staff to another agency's PMO group");
	member_case(W.am1, "agency manager", 1, W.pmo1, W.am1, GCAS_ERR_DENIED,
	            "itself (its own membership belongs to the operator)");
	member_case(W.as1, "agency staff", 1, W.pmo1, W.as1, GCAS_ERR_DENIED,
	            "anyone (S2 is for managers)");
	member_case(W.op, "operator", 1, W.pmo1, W.am1, GCAS_ERR_DENIED,
	            "anyone (S2 is for the agencies' managers)");
	member_case(W.as1, "agency staff", 0, W.pmo1, W.as1, GCAS_ERR_DENIED, "anyone");
	member_case(W.am2, "agency 2's manager", 0, W.pmo1, W.as1, GCAS_ERR_DENIED,
	            "a member of agency 1's PMO group");
	member_case(W.am1, "agency manager", 0, W.pmo1, W.as1, GCAS_OK,
	            "its staff from the PMO group");
	member_case(W.am1, "agency manager", 0, W.pmo1, W.as1, GCAS_ERR_NOTFOUND,
	            "a person who is no longer a member");
}

static void test_system(void)
{
	member_case(W.pm1, "project manager", 1, W.sys1, W.ps1, GCAS_OK,
	            "its project staff to its system group");
	member_case(W.pm1, "project manager", 1, W.sys1, W.cm1, GCAS_OK,
	            "its contractor's manager to its system group");
	member_case(W.pm1, "project manager", 1, W.sys2, W.ps1, GCAS_ERR_DENIED,
	            "to another team's system group");
	member_case(W.pm1, "project manager", 1, W.sys1, W.ps2, GCAS_ERR_DENIED,
	            "another team's staff to its system group");
	member_case(W.pm1, "project manager", 1, W.sys1, W.cs1, GCAS_ERR_DENIED,
	            "contractor staff (their own manager places them)");
	member_case(W.pm1, "project manager", 1, W.sysq, W.psq, GCAS_ERR_DENIED,
	            "anyone in another agency");
	member_case(W.am1, "agency manager", 1, W.sys1, W.as1, GCAS_ERR_INVALID,
	            "agency staff to a system group (that project's accounts only)");
	member_case(W.am1, "agency manager", 1, W.sys1, W.pm2, GCAS_ERR_INVALID,
	            "another team's project manager to this system group");
	member_case(W.am1, "agency manager", 1, W.sys1, W.pm1, GCAS_OK,
	            "the team's project manager to its system group");
	/* R2.6: the certifying manager removes a departing person from their groups. */
	member_case(W.am1, "agency manager", 0, W.sys1, W.pm1, GCAS_OK,
	            "a departing project manager from the system group");
	member_case(W.ps1, "project staff", 1, W.sys1, W.ps1, GCAS_ERR_DENIED, "anyone");

	member_case(W.cm1, "contractor manager", 1, W.sys1, W.cs1, GCAS_OK,
	            "its own staff to the project's system group");
	member_case(W.cm1, "contractor manager", 1, W.sys1, W.cs1b, GCAS_ERR_DENIED,
	            "another contractor's staff");
	member_case(W.cm1, "contractor manager", 1, W.sys1, W.ps1, GCAS_ERR_DENIED,
	            "project staff");
	member_case(W.cm1, "contractor manager", 1, W.sys2, W.cs1, GCAS_ERR_DENIED,
	            "its staff to another team's system group");
	member_case(W.cm1, "contractor manager", 1, W.sysq, W.csd, GCAS_ERR_DENIED,
	            "anyone in another agency");
	member_case(W.cm1, "contractor manager", 0, W.sys1, W.ps1, GCAS_ERR_DENIED,
	            "project staff from the system group");
	member_case(W.cs1, "contractor staff", 0, W.sys1, W.cs1, GCAS_ERR_DENIED, "themselves");
	member_case(W.cm1, "contractor manager", 0, W.sys1, W.cs1, GCAS_OK, "its own staff");
	member_case(W.cmd, "agency 2's contractor manager", 1, W.sys1, W.csd, GCAS_ERR_DENIED,
	            "its staff into agency 1's system group");

	/* Inputs that cannot be a membership. */
	struct arena *a = arena_new(0);
	struct actor pm1 = world_actor(&W, W.pm1);
	struct verrs ve = {0};
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_group_member_add(&W.w.env, &pm1, a, W.sys1, W.cm1b, W.now - 1, &ve),
	       GCAS_ERR_INVALID, "an end date in the past is refused");
	ok(verr_has(&ve, "ends_at"), "  on the ends_at field");
	ve = (struct verrs){0};
	is_int(svc_group_member_add(&W.w.env, &pm1, a, W.sys1, "ffffffffffffffffffffffffffffffff",
	                            0, &ve),
	       GCAS_ERR_INVALID, "an unknown account is refused");
	ok(verr_has(&ve, "account_id"), "  on the account field");
	ve = (struct verrs){0};
	is_int(svc_group_member_add(&W.w.env, &pm1, a, "ffffffffffffffffffffffffffffffff", W.cm1b,
	                            0, &ve),
	       GCAS_ERR_NOTFOUND, "an unknown group is not found");
	audit_none(&W, s0, "  none of these leaves an audit record");
	ve = (struct verrs){0};
	is_int(svc_group_member_add(&W.w.env, &pm1, a, W.sys1, W.cm1b, W.now + 86400 * 30, &ve),
	       GCAS_OK, "a membership with a future end date");
	is_int(world_is_member(&W, W.sys1, W.cm1b), 1, "  is added");

	/* A deleted account cannot be placed. */
	struct actor am1 = world_actor(&W, W.am1), op = world_actor(&W, W.op);
	struct account gone = {0};
	const char *link;
	struct account_input in = world_person("gone.person@digital.go.jp", "agency_staff", W.ag1);
	ve = (struct verrs){0};
	svc_account_create(&W.w.env, &op, a, &in, &gone, &link, &ve);
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &op, a, gone.id, ACCOUNT_OP_DELETE, "退職", &ve),
	       GCAS_OK, "an account is deleted");
	ve = (struct verrs){0};
	is_int(svc_group_member_add(&W.w.env, &am1, a, W.pmo1, gone.id, 0, &ve), GCAS_ERR_INVALID,
	       "  and cannot be added to a group again");
	arena_free(a);
}

static void test_read(void)
{
	struct arena *a = arena_new(0);
	struct {
		const char *who, *id;
		enum gcas_err want;
		const char *what;
	} gets[] = {
	    {W.op, W.sysq, GCAS_OK, "operator reads any group"},
	    {W.as1, W.sys2, GCAS_OK, "agency staff read a system group of their agency"},
	    {W.pm1, W.sys1, GCAS_OK, "project manager reads its system group"},
	    {W.pm1, W.pmo1, GCAS_ERR_DENIED, "but not the agency's PMO group"},
	    {W.cs1, W.sys1, GCAS_OK, "contractor staff read their project's system group"},
	    {W.cs1, W.sys2, GCAS_ERR_DENIED, "but not another team's"},
	    {W.am2, W.pmo1, GCAS_ERR_DENIED, "nobody reads another agency's group"},
	    {W.csd, W.sys1, GCAS_ERR_DENIED, "nobody reads another agency's system group"},
	};
	for (size_t i = 0; i < sizeof(gets) / sizeof(gets[0]); i++) {
		struct actor ac = world_actor(&W, gets[i].who);
		struct group g = {0};
		struct membership *m = NULL;
		size_t n = 0;
		int64_t s0 = world_audit_seq(&W);
		is_int(svc_group_get(&W.w.env, &ac, a, gets[i].id, &g, &m, &n), gets[i].want, "%s",
		       gets[i].what);
		if (gets[i].want)
			audit_wrote(&W, s0, "permission.denied", "denied", "  refusal recorded");
		else
			is_str(g.id, gets[i].id, "  the right group");
	}
	struct {
		const char *who;
		const char *see, *not1, *not2;
		const char *what;
	} lists[] = {
	    {W.am1, W.sys2, W.pmo2, W.sysq, "agency manager lists its agency's groups"},
	    {W.pm1, W.sys1, W.pmo1, W.sys2, "project manager lists its system group only"},
	    {W.cm1, W.sys1, W.pmo1, W.sysq, "contractor manager lists its project's group"},
	    {W.am2, W.pmo2, W.pmo1, W.sys1, "agency 2's manager lists agency 2's groups"},
	};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct actor ac = world_actor(&W, lists[i].who);
		struct page pg = {.limit = 500};
		struct group *out;
		size_t n;
		int seen = 0, leaked = 0;
		is_int(svc_group_list(&W.w.env, &ac, a, &pg, &out, &n), GCAS_OK, "%s",
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
	test_pmo();
	test_system();
	test_read();
	world_close(&W);
	return tap_done();
}
