/* SPDX-License-Identifier: MIT */
/* The permission matrix (src/core/policy.c) against an independently written grid of what the
 * regulation allows (2.2.2 certification chain, R1.1, R7.1, 別表2 S1/S2, 4.6, 5.4.3): every
 * role × action × relation × target role (or none) is compared on both sides. Also the relation
 * of a target to a subject, and policy_allows end to end: nothing crosses agencies. */
#include <string.h>

#include "core/policy.h"
#include "tap.h"

/* ---- the expected grid ----
 * One row per role × action that is granted anything; a role × action without a row is refused
 * for every relation and target. Written from the regulation, not from policy.c.
 *
 * rel: five columns, one per relation, in this order (a letter = allowed, '.' = refused):
 *   S  self          the target is the actor's own account
 *   O  same org      the actor's own organisation (agency, project team or contractor)
 *   P  same project  the actor's project team, e.g. a contractor of it
 *   A  same agency   elsewhere in the actor's agency (the agency, another project team)
 *   X  other         another agency, or no target at all
 * Scopes nest (self ⊂ org ⊂ project ⊂ agency ⊂ anywhere); actions done to others drop S.
 *
 * to: "-" the action takes no account target (allowed only with has_role = 0);
 *     "*" any target role; otherwise the roles the actor may act on (has_role = 1):
 *     OP operator, AM agency_manager, AS agency_staff, PM project_manager, PS project_staff,
 *     CM contractor_manager, CS contractor_staff. */
struct row {
	enum role r;
	enum action a;
	const char *rel;
	const char *to;
};

#define OP ROLE_OPERATOR
#define AM ROLE_AGENCY_MANAGER
#define AS ROLE_AGENCY_STAFF
#define PM ROLE_PROJECT_MANAGER
#define PS ROLE_PROJECT_STAFF
#define CM ROLE_CONTRACTOR_MANAGER
#define CS ROLE_CONTRACTOR_STAFF

static const struct row grid[] = {
    /* Every user: the home page (no target) and their own password, factors and tokens. */
    {OP, ACT_HOME_VIEW, "SOPAX", "-"},
    {AM, ACT_HOME_VIEW, "SOPAX", "-"},
    {AS, ACT_HOME_VIEW, "SOPAX", "-"},
    {PM, ACT_HOME_VIEW, "SOPAX", "-"},
    {PS, ACT_HOME_VIEW, "SOPAX", "-"},
    {CM, ACT_HOME_VIEW, "SOPAX", "-"},
    {CS, ACT_HOME_VIEW, "SOPAX", "-"},
    {OP, ACT_SELF_MANAGE, "S....", "*"},
    {AM, ACT_SELF_MANAGE, "S....", "*"},
    {AS, ACT_SELF_MANAGE, "S....", "*"},
    {PM, ACT_SELF_MANAGE, "S....", "*"},
    {PS, ACT_SELF_MANAGE, "S....", "*"},
    {CM, ACT_SELF_MANAGE, "S....", "*"},
    {CS, ACT_SELF_MANAGE, "S....", "*"},

    /* Organisations: the operator sees all; an agency's office its whole agency; a project team
     * (and its contractors' managers) the team and its contractors; contractor staff their own
     * company. Nothing crosses agencies (R7.1). */
    {OP, ACT_ORG_VIEW, "SOPAX", "-"},
    {AM, ACT_ORG_VIEW, "SOPA.", "-"},
    {AS, ACT_ORG_VIEW, "SOPA.", "-"},
    {PM, ACT_ORG_VIEW, "SOP..", "-"},
    {PS, ACT_ORG_VIEW, "SOP..", "-"},
    {CM, ACT_ORG_VIEW, "SOP..", "-"},
    {CS, ACT_ORG_VIEW, "SO...", "-"},
    /* The operator registers user agencies (no target → X). */
    {OP, ACT_ORG_CREATE_AGENCY, "SOPAX", "-"},
    /* Project teams are created in an agency by its manager (target: the agency itself). */
    {OP, ACT_ORG_CREATE_PROJECT, "SOPAX", "-"},
    {AM, ACT_ORG_CREATE_PROJECT, "SO...", "-"},
    /* Contractors are attached to a project team: by the agency's manager (a team elsewhere in
     * the agency) or the team's own manager (S5, R4.1: the team registers its contractor). */
    {OP, ACT_ORG_CREATE_CONTRACTOR, "SOPAX", "-"},
    {AM, ACT_ORG_CREATE_CONTRACTOR, ".OPA.", "-"},
    {PM, ACT_ORG_CREATE_CONTRACTOR, "SO...", "-"},
    /* Renaming: each manager within what they manage. Staff never. */
    {OP, ACT_ORG_UPDATE, "SOPAX", "-"},
    {AM, ACT_ORG_UPDATE, "SOPA.", "-"},
    {PM, ACT_ORG_UPDATE, "SOP..", "-"},
    {CM, ACT_ORG_UPDATE, "SO...", "-"},

    /* R7.1: user information is shown to the person's project team and its agency's managers
     * and staff, never across agencies; the operator where necessary (R7.2). Contractor staff
     * see only themselves (least privilege is within R7.1's bound). */
    {OP, ACT_ACCOUNT_VIEW, "SOPAX", "*"},
    {AM, ACT_ACCOUNT_VIEW, "SOPA.", "*"},
    {AS, ACT_ACCOUNT_VIEW, "SOPA.", "*"},
    {PM, ACT_ACCOUNT_VIEW, "SOP..", "*"},
    {PS, ACT_ACCOUNT_VIEW, "SOP..", "*"},
    {CM, ACT_ACCOUNT_VIEW, "SOP..", "*"},
    {CS, ACT_ACCOUNT_VIEW, "S....", "*"},

    /* R1.1, actors table: operator → agency_manager (and further operators: only the first is
     * bootstrapped, R1.3). Issuing, changing, deleting and re-enabling are the operator's alone
     * (別表3: the operator fulfils, for every role); the managers of the chain apply instead
     * (別表1, 別表2 ①: ACT_APP_APPLY below), so no manager bypasses approval. */
    {OP, ACT_ACCOUNT_CREATE, ".OPAX", "*"},
    {OP, ACT_ACCOUNT_UPDATE, ".OPAX", "*"},
    {OP, ACT_ACCOUNT_DELETE, ".OPAX", "*"},
    /* Suspending stays with the chain (protective and immediate), plus the operator's
     * emergency restriction of any user (5.4.3) and its undoing. Nobody suspends themselves. */
    {OP, ACT_ACCOUNT_DISABLE, ".OPAX", "*"},
    {AM, ACT_ACCOUNT_DISABLE, ".OPA.", "AS PM"},
    {PM, ACT_ACCOUNT_DISABLE, ".OP..", "PS CM"},
    {CM, ACT_ACCOUNT_DISABLE, ".O...", "CS"},
    {OP, ACT_ACCOUNT_ENABLE, ".OPAX", "*"},
    /* A lost second factor: the operator's helpdesk (S4) or the certifying manager. */
    {OP, ACT_ACCOUNT_RESET_FACTORS, ".OPAX", "*"},
    {AM, ACT_ACCOUNT_RESET_FACTORS, ".OPA.", "AS PM"},
    {PM, ACT_ACCOUNT_RESET_FACTORS, ".OP..", "PS CM"},
    {CM, ACT_ACCOUNT_RESET_FACTORS, ".O...", "CS"},

    /* Applications (別表2 ①): a manager applies for exactly the people it would certify
     * (R1.1's chain); the agency or project manager of the scope approves a contractor
     * manager's application (別表1); the operator fulfils. */
    {OP, ACT_APP_APPLY, ".OPAX", "OP AM"},
    {AM, ACT_APP_APPLY, ".OPA.", "AS PM"},
    {PM, ACT_APP_APPLY, ".OP..", "PS CM"},
    {CM, ACT_APP_APPLY, ".O...", "CS"},
    /* R2.9: an agency's office ends its agency or one of its project teams; a project team
     * ends itself. */
    {OP, ACT_APP_APPLY_ORG_END, "SOPAX", "-"},
    {AM, ACT_APP_APPLY_ORG_END, ".OPA.", "-"},
    {PM, ACT_APP_APPLY_ORG_END, ".O...", "-"},
    {OP, ACT_APP_VIEW, "SOPAX", "-"},
    {AM, ACT_APP_VIEW, "SOPA.", "-"},
    {PM, ACT_APP_VIEW, "SOP..", "-"},
    {CM, ACT_APP_VIEW, "SO...", "-"},
    {OP, ACT_APP_APPROVE, "SOPAX", "-"},
    {AM, ACT_APP_APPROVE, "SOPA.", "-"},
    {PM, ACT_APP_APPROVE, "SOP..", "-"},
    {OP, ACT_APP_FULFIL, "SOPAX", "-"},
    {OP, ACT_CALENDAR_MANAGE, "SOPAX", "-"},
    {OP, ACT_MAIL_BLOCKLIST, "SOPAX", "-"},
    /* R2.7: re-certification by the chain, and by the managers above when it escalates. */
    {OP, ACT_REVIEW_MANAGE, "SOPAX", "-"},
    {OP, ACT_REVIEW_DECIDE, ".OPAX", "*"},
    {AM, ACT_REVIEW_DECIDE, ".OPA.", "AS PM PS CM CS"},
    {PM, ACT_REVIEW_DECIDE, ".OP..", "PS CM CS"},
    {CM, ACT_REVIEW_DECIDE, ".O...", "CS"},
    {OP, ACT_REVIEW_VIEW, "SOPAX", "-"},
    {AM, ACT_REVIEW_VIEW, "SOPA.", "-"},

    /* Groups (別表2 ②): the PMO group lives in the agency, a system group in its project team.
     * Contractor staff see the system group they work in. */
    {OP, ACT_GROUP_VIEW, "SOPAX", "-"},
    {AM, ACT_GROUP_VIEW, "SOPA.", "-"},
    {AS, ACT_GROUP_VIEW, "SOPA.", "-"},
    {PM, ACT_GROUP_VIEW, "SOP..", "-"},
    {PS, ACT_GROUP_VIEW, "SOP..", "-"},
    {CM, ACT_GROUP_VIEW, "SOP..", "-"},
    {CS, ACT_GROUP_VIEW, "SOP..", "-"},
    /* S2 is for the three managers only. The agency manager also reaches the system groups of
     * its agency: a departing project manager is removed from their groups by the manager who
     * certified them (R2.6). The contractor manager works in the system group of its project
     * team (P: its own company has no group). */
    {AM, ACT_GROUP_MEMBER_MANAGE, "SOPA.", "-"},
    {PM, ACT_GROUP_MEMBER_MANAGE, "SO...", "-"},
    {CM, ACT_GROUP_MEMBER_MANAGE, "..P..", "-"},

    /* Audit (4.6, R6.4): the operator everything, and the only one to export; an agency's
     * manager the records of their agency. Staff never. */
    {OP, ACT_AUDIT_VIEW, "SOPAX", "-"},
    {AM, ACT_AUDIT_VIEW, "SOPA.", "-"},
    {OP, ACT_AUDIT_EXPORT, "SOPAX", "-"},

    /* Systems (issue 4 §1, 別表2 ⑤): seen by whoever sees the project team; edited by the
     * agency manager, the project manager and the contractor manager serving that team (its
     * project, P), and by the operator. Staff only read; no one edits another agency's. */
    {OP, ACT_SYSTEM_VIEW, "SOPAX", "-"},
    {AM, ACT_SYSTEM_VIEW, "SOPA.", "-"},
    {AS, ACT_SYSTEM_VIEW, "SOPA.", "-"},
    {PM, ACT_SYSTEM_VIEW, "SOP..", "-"},
    {PS, ACT_SYSTEM_VIEW, "SOP..", "-"},
    {CM, ACT_SYSTEM_VIEW, "SOP..", "-"},
    {CS, ACT_SYSTEM_VIEW, "SO...", "-"},
    {OP, ACT_SYSTEM_EDIT, "SOPAX", "-"},
    {AM, ACT_SYSTEM_EDIT, "SOPA.", "-"},
    {PM, ACT_SYSTEM_EDIT, "SOP..", "-"},
    {CM, ACT_SYSTEM_EDIT, "SOP..", "-"},

    /* Environments (issue 4 §2, S6): agency and project managers apply in their scope; only
     * the operator approves; seen like the project team. */
    {AM, ACT_ENV_APPLY, "SOPA.", "-"},
    {PM, ACT_ENV_APPLY, "SOP..", "-"},
    {OP, ACT_ENV_APPROVE, "SOPAX", "-"},
    {OP, ACT_ENV_VIEW, "SOPAX", "-"},
    {AM, ACT_ENV_VIEW, "SOPA.", "-"},
    {AS, ACT_ENV_VIEW, "SOPA.", "-"},
    {PM, ACT_ENV_VIEW, "SOP..", "-"},
    {PS, ACT_ENV_VIEW, "SOP..", "-"},
    {CM, ACT_ENV_VIEW, "SOP..", "-"},
    {CS, ACT_ENV_VIEW, "SO...", "-"},

    /* Keys and federation partners: the operator only. */
    {OP, ACT_KEYS_MANAGE, "SOPAX", "-"},
    {OP, ACT_SSO_CLIENT_MANAGE, "SOPAX", "-"},
    /* CSP users (S7): the three managers assign the people of their scope, the operator any. */
    {OP, ACT_ASSIGN_MANAGE, "SOPAX", "*"},
    {AM, ACT_ASSIGN_MANAGE, "SOPA.", "*"},
    {PM, ACT_ASSIGN_MANAGE, "SOP..", "*"},
    {CM, ACT_ASSIGN_MANAGE, "SO...", "*"},
    {OP, ACT_ASSIGN_VIEW, "SOPAX", "-"},
    {AM, ACT_ASSIGN_VIEW, "SOPA.", "-"},
    {AS, ACT_ASSIGN_VIEW, "SOPA.", "-"},
    {PM, ACT_ASSIGN_VIEW, "SOP..", "-"},
    {PS, ACT_ASSIGN_VIEW, "SOP..", "-"},
    {CM, ACT_ASSIGN_VIEW, "SOP..", "-"},
    {CS, ACT_ASSIGN_VIEW, "SO...", "-"},
    /* S8: everyone, for themselves only. */
    {OP, ACT_CONSOLE_USE, "S....", "*"},
    {AM, ACT_CONSOLE_USE, "S....", "*"},
    {AS, ACT_CONSOLE_USE, "S....", "*"},
    {PM, ACT_CONSOLE_USE, "S....", "*"},
    {PS, ACT_CONSOLE_USE, "S....", "*"},
    {CM, ACT_CONSOLE_USE, "S....", "*"},
    {CS, ACT_CONSOLE_USE, "S....", "*"},
    /* BreakGlass (別紙1): managers register; people of the project request; its manager
     * approves; operator and agency see. */
    {OP, ACT_BREAKGLASS_REGISTER, "SOPAX", "*"},
    {AM, ACT_BREAKGLASS_REGISTER, "SOPA.", "*"},
    {PM, ACT_BREAKGLASS_REGISTER, "SOP..", "*"},
    {AM, ACT_BREAKGLASS_REQUEST, "SOPA.", "-"},
    {AS, ACT_BREAKGLASS_REQUEST, "SOPA.", "-"},
    {PM, ACT_BREAKGLASS_REQUEST, "SOP..", "-"},
    {PS, ACT_BREAKGLASS_REQUEST, "SOP..", "-"},
    {CM, ACT_BREAKGLASS_REQUEST, "SOP..", "-"},
    {CS, ACT_BREAKGLASS_REQUEST, "SOP..", "-"},
    {PM, ACT_BREAKGLASS_APPROVE, "SOP..", "-"},
    {OP, ACT_BREAKGLASS_VIEW, "SOPAX", "-"},
    {AM, ACT_BREAKGLASS_VIEW, "SOPA.", "-"},
    {PM, ACT_BREAKGLASS_VIEW, "SOP..", "-"},
};

static const char *const role_abbr[ROLE__MAX] = {
    [ROLE_OPERATOR] = "OP",         [ROLE_AGENCY_MANAGER] = "AM", [ROLE_AGENCY_STAFF] = "AS",
    [ROLE_PROJECT_MANAGER] = "PM",  [ROLE_PROJECT_STAFF] = "PS",  [ROLE_CONTRACTOR_MANAGER] = "CM",
    [ROLE_CONTRACTOR_STAFF] = "CS",
};

static const struct row *grid_row(enum role r, enum action a)
{
	for (size_t i = 0; i < sizeof(grid) / sizeof(grid[0]); i++)
		if (grid[i].r == r && grid[i].a == a)
			return &grid[i];
	return NULL;
}

/* 1 when the space-separated list holds the abbreviation of role t. */
static int to_has(const char *to, enum role t)
{
	size_t n = strlen(role_abbr[t]);
	for (const char *p = to; *p;) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, role_abbr[t], n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* What the grid says about one combination. has_role == 0 is "no account target". */
static int expected(enum role r, enum action a, enum relation rel, int has_role, enum role t)
{
	const struct row *g = grid_row(r, a);
	if (!g || g->rel[rel] == '.')
		return 0;
	if (strcmp(g->to, "-") == 0)
		return !has_role;
	if (!has_role)
		return 0;
	return strcmp(g->to, "*") == 0 || to_has(g->to, t);
}

/* The grid itself must be well formed, or the comparison proves nothing. */
static void test_grid_shape(void)
{
	int bad = 0;
	for (size_t i = 0; i < sizeof(grid) / sizeof(grid[0]); i++) {
		const struct row *g = &grid[i];
		static const char letters[] = "SOPAX";
		if (strlen(g->rel) != REL__MAX)
			bad++;
		for (int k = 0; k < REL__MAX && g->rel[k]; k++)
			if (g->rel[k] != '.' && g->rel[k] != letters[k])
				bad++;
		if (grid_row(g->r, g->a) != g)
			bad++; /* duplicate row */
		if (strcmp(g->to, "-") && strcmp(g->to, "*")) {
			int any = 0;
			for (int t = 0; t < ROLE__MAX; t++)
				any |= to_has(g->to, (enum role)t);
			if (!any)
				bad++;
		}
	}
	is_int(bad, 0, "the expected grid is well formed (%zu rows)",
	       sizeof(grid) / sizeof(grid[0]));
}

/* Every role × action × relation × (no target, or each target role), both sides. One TAP line
 * per role × action; each disagreeing cell is printed. */
static void test_matrix_exhaustive(void)
{
	long cells = 0, allowed = 0;
	for (int r = 0; r < ROLE__MAX; r++) {
		for (int a = 0; a < ACT__MAX; a++) {
			int mism = 0;
			for (int rel = 0; rel < REL__MAX; rel++) {
				/* has_role = 0: the target role is ignored, whatever it holds. */
				for (int t = 0; t < ROLE__MAX; t++) {
					int want = expected(r, a, rel, 0, t);
					int got = policy_cell(r, a, rel, 0, t);
					cells++;
					allowed += got;
					if (t == 0 && want != got)
						printf(
						    "#   %s %s %s no target: matrix %s, grid %s\n",
						    role_name(r), action_name(a),
						    relation_name(rel), got ? "allows" : "refuses",
						    want ? "allows" : "refuses");
					mism += want != got;
				}
				for (int t = 0; t < ROLE__MAX; t++) {
					int want = expected(r, a, rel, 1, t);
					int got = policy_cell(r, a, rel, 1, t);
					cells++;
					allowed += got;
					if (want != got) {
						printf(
						    "#   %s %s %s target %s: matrix %s, grid %s\n",
						    role_name(r), action_name(a),
						    relation_name(rel), role_name(t),
						    got ? "allows" : "refuses",
						    want ? "allows" : "refuses");
						mism++;
					}
				}
			}
			ok(mism == 0, "%s × %s: every relation and target as the grid says",
			   role_name(r), action_name(a));
		}
	}
	is_int(cells, (long)ROLE__MAX * ACT__MAX * REL__MAX * ROLE__MAX * 2,
	       "every combination was compared");
	ok(allowed > 0 && allowed < cells, "the matrix both allows and refuses (%ld of %ld)",
	   allowed, cells);
}

static void test_cell_bounds(void)
{
	ok(!policy_cell(ROLE__MAX, ACT_HOME_VIEW, REL_SELF, 0, ROLE_OPERATOR),
	   "an out-of-range actor role is refused");
	ok(!policy_cell((enum role) - 1, ACT_HOME_VIEW, REL_SELF, 0, ROLE_OPERATOR),
	   "a negative actor role is refused");
	ok(!policy_cell(ROLE_OPERATOR, ACT__MAX, REL_SELF, 0, ROLE_OPERATOR),
	   "an out-of-range action is refused");
	ok(!policy_cell(ROLE_OPERATOR, ACT_HOME_VIEW, REL__MAX, 0, ROLE_OPERATOR),
	   "an out-of-range relation is refused");
	ok(!policy_cell(ROLE_OPERATOR, ACT_ACCOUNT_VIEW, REL_OTHER, 1, ROLE__MAX),
	   "an out-of-range target role is refused even where any role is allowed");
	ok(!policy_cell(ROLE_OPERATOR, ACT_ACCOUNT_VIEW, REL_OTHER, 1, (enum role) - 3),
	   "a negative target role is refused");
}

static void test_role_can(void)
{
	int bad = 0;
	for (int r = 0; r < ROLE__MAX; r++) {
		for (int a = 0; a < ACT__MAX; a++) {
			int want = grid_row(r, a) != NULL;
			if (policy_role_can(r, a) != want) {
				printf("#   policy_role_can(%s, %s) = %d, grid %d\n", role_name(r),
				       action_name(a), !want, want);
				bad++;
			}
		}
	}
	is_int(bad, 0, "policy_role_can agrees with the grid for every role × action");
	ok(!policy_role_can(ROLE_AGENCY_STAFF, ACT_ACCOUNT_CREATE), "agency staff issue nothing");
	ok(!policy_role_can(ROLE_CONTRACTOR_MANAGER, ACT_ACCOUNT_CREATE),
	   "a contractor manager does not issue directly (別表2 ①: it applies)");
	ok(policy_role_can(ROLE_CONTRACTOR_MANAGER, ACT_APP_APPLY), "it applies instead");
}

static void test_names(void)
{
	int bad = 0;
	for (int a = 0; a < ACT__MAX; a++) {
		const char *n = action_name(a);
		if (!n || strcmp(n, "unknown") == 0 || action_parse(n) != a)
			bad++;
	}
	is_int(bad, 0, "every action has a name that parses back to it");
	is_int(action_parse("account.create"), ACT_ACCOUNT_CREATE, "account.create parses");
	is_int(action_parse("account.nuke"), -1, "an unknown action name gives -1");
	is_int(action_parse(NULL), -1, "NULL gives -1");
	is_str(action_name(ACT__MAX), "unknown", "an out-of-range action is named unknown");
	is_str(relation_name(REL_SELF), "self", "relation names: self");
	is_str(relation_name(REL_SAME_AGENCY), "same_agency", "relation names: same_agency");
	is_str(relation_name(REL_OTHER), "other", "relation names: other");
	is_str(relation_name(REL__MAX), "unknown", "an out-of-range relation is named unknown");
}

/* ---- realistic subjects and targets: two agencies, each with a project team and a contractor */

struct place {
	const char *agency, *project, *contractor, *op_org;
};

static const struct place ag1 = {"a1000000000000000000000000000001",
                                 "b1000000000000000000000000000001",
                                 "c1000000000000000000000000000001", NULL};
static const struct place ag2 = {"a2000000000000000000000000000002",
                                 "b2000000000000000000000000000002",
                                 "c2000000000000000000000000000002", NULL};
#define OP_ORG "f0000000000000000000000000000000"
/* A second project team and contractor in agency 1. */
#define AG1_PROJECT2    "b1000000000000000000000000000099"
#define AG1_CONTRACTOR2 "c1000000000000000000000000000098"

/* The org an account of role r sits in, and the ids it carries (as svc/env.c fills them). */
static struct subject subj_of(enum role r, const struct place *pl, const char *account_id)
{
	struct subject s = {.role = r, .account_id = account_id};
	switch (role_org_kind(r)) {
	case ORG_OPERATOR:
		s.org_id = OP_ORG;
		break;
	case ORG_AGENCY:
		s.org_id = s.agency_id = pl->agency;
		break;
	case ORG_PROJECT:
		s.org_id = s.project_id = pl->project;
		s.agency_id = pl->agency;
		break;
	default:
		s.org_id = pl->contractor;
		s.project_id = pl->project;
		s.agency_id = pl->agency;
		break;
	}
	return s;
}

static struct target account_of(enum role r, const struct place *pl, const char *account_id)
{
	struct subject s = subj_of(r, pl, account_id);
	struct target t = {.has_role = 1,
	                   .role = r,
	                   .account_id = account_id,
	                   .org_id = s.org_id,
	                   .agency_id = s.agency_id,
	                   .project_id = s.project_id};
	return t;
}

static void test_relation(void)
{
	struct subject am = subj_of(ROLE_AGENCY_MANAGER, &ag1, "acc-am1");
	struct subject pm = subj_of(ROLE_PROJECT_MANAGER, &ag1, "acc-pm1");
	struct subject cm = subj_of(ROLE_CONTRACTOR_MANAGER, &ag1, "acc-cm1");
	struct subject op = subj_of(ROLE_OPERATOR, &ag1, "acc-op1");
	struct target t;

	t = account_of(ROLE_AGENCY_MANAGER, &ag1, "acc-am1");
	is_int(policy_relation(&am, &t), REL_SELF, "own account: self");
	t = account_of(ROLE_AGENCY_STAFF, &ag1, "acc-as1");
	is_int(policy_relation(&am, &t), REL_SAME_ORG, "agency staff of my agency: same org");
	t = account_of(ROLE_PROJECT_STAFF, &ag1, "acc-ps1");
	is_int(policy_relation(&pm, &t), REL_SAME_ORG, "project staff of my team: same org");
	t = account_of(ROLE_CONTRACTOR_STAFF, &ag1, "acc-cs1");
	is_int(policy_relation(&pm, &t), REL_SAME_PROJECT,
	       "a contractor's staff of my team: same project");
	t = account_of(ROLE_PROJECT_MANAGER, &ag1, "acc-pm1");
	is_int(policy_relation(&cm, &t), REL_SAME_PROJECT,
	       "the project manager, seen from its contractor: same project");
	t = account_of(ROLE_PROJECT_MANAGER, &ag1, "acc-pm1");
	is_int(policy_relation(&am, &t), REL_SAME_AGENCY,
	       "a project manager of my agency: same agency");
	t = account_of(ROLE_AGENCY_MANAGER, &ag1, "acc-am1");
	is_int(policy_relation(&pm, &t), REL_SAME_AGENCY,
	       "my agency's manager, seen from a project team: same agency");
	t = (struct target){.has_role = 1,
	                    .role = ROLE_PROJECT_STAFF,
	                    .account_id = "acc-x",
	                    .org_id = AG1_PROJECT2,
	                    .agency_id = ag1.agency,
	                    .project_id = AG1_PROJECT2};
	is_int(policy_relation(&pm, &t), REL_SAME_AGENCY,
	       "another project team of my agency: same agency");
	t = (struct target){
	    .org_id = AG1_CONTRACTOR2, .agency_id = ag1.agency, .project_id = ag1.project};
	is_int(policy_relation(&cm, &t), REL_SAME_PROJECT,
	       "another contractor of my project team: same project");
	t = account_of(ROLE_AGENCY_STAFF, &ag2, "acc-as2");
	is_int(policy_relation(&am, &t), REL_OTHER, "staff of another agency: other");
	t = account_of(ROLE_CONTRACTOR_STAFF, &ag2, "acc-cs2");
	is_int(policy_relation(&cm, &t), REL_OTHER, "a contractor of another agency: other");
	is_int(policy_relation(&am, NULL), REL_OTHER, "no target at all: other");

	/* The operator sits in no agency and no project: NULL ids never match each other. */
	op.agency_id = op.project_id = NULL;
	t = (struct target){.org_id = ag1.agency, .agency_id = ag1.agency};
	is_int(policy_relation(&op, &t), REL_OTHER, "operator → an agency: other");
	t = account_of(ROLE_AGENCY_MANAGER, &ag2, "acc-am2");
	is_int(policy_relation(&op, &t), REL_OTHER, "operator → an agency manager: other");
	t = account_of(ROLE_OPERATOR, &ag1, "acc-op2");
	is_int(policy_relation(&op, &t), REL_SAME_ORG, "operator → another operator: same org");
	t = (struct target){0};
	is_int(policy_relation(&op, &t), REL_OTHER,
	       "operator → an empty target (all NULL): other, not same org/project/agency");
	struct subject sys = {.role = ROLE_OPERATOR};
	t = (struct target){.has_role = 1, .role = ROLE_OPERATOR};
	is_int(policy_relation(&sys, &t), REL_OTHER,
	       "a subject and a target without ids are not the same account");
	/* Agency roles carry no project: two NULL project ids must not make "same project". */
	t = account_of(ROLE_AGENCY_STAFF, &ag2, "acc-as2");
	t.org_id = "someone-else";
	is_int(policy_relation(&am, &t), REL_OTHER,
	       "agency roles of two agencies (both without a project): other");
	/* Self wins over same org; a target without an account id is never self. */
	t = account_of(ROLE_AGENCY_MANAGER, &ag1, NULL);
	is_int(policy_relation(&am, &t), REL_SAME_ORG,
	       "a would-be account (no id yet) in my org: same org, never self");
}

/* Targets of agency 2 that a subject of agency 1 might name. */
static size_t foreign_targets(struct target *out)
{
	size_t n = 0;
	out[n++] = (struct target){.org_id = ag2.agency, .agency_id = ag2.agency};
	out[n++] = (struct target){
	    .org_id = ag2.project, .agency_id = ag2.agency, .project_id = ag2.project};
	out[n++] = (struct target){
	    .org_id = ag2.contractor, .agency_id = ag2.agency, .project_id = ag2.project};
	static const char *const ids[ROLE__MAX] = {"x-op", "x-am", "x-as", "x-pm",
	                                           "x-ps", "x-cm", "x-cs"};
	for (int r = ROLE_AGENCY_MANAGER; r < ROLE__MAX; r++)
		out[n++] = account_of(r, &ag2, ids[r]);
	/* The same accounts as seen before they exist (creation: no account id). */
	for (int r = ROLE_AGENCY_MANAGER; r < ROLE__MAX; r++)
		out[n++] = account_of(r, &ag2, NULL);
	return n;
}

static void test_no_cross_agency(void)
{
	struct target ts[32];
	size_t nt = foreign_targets(ts);
	long tried = 0, leaks = 0;
	for (int r = ROLE_AGENCY_MANAGER; r < ROLE__MAX; r++) {
		struct subject s = subj_of(r, &ag1, "me");
		for (int a = 0; a < ACT__MAX; a++) {
			/* The home page takes no target; naming one is meaningless (see below). */
			if (a == ACT_HOME_VIEW)
				continue;
			for (size_t i = 0; i < nt; i++) {
				tried++;
				if (policy_allows(&s, a, &ts[i])) {
					printf("#   %s may %s on a target of another agency\n",
					       role_name(r), action_name(a));
					leaks++;
				}
			}
		}
	}
	is_int(leaks, 0,
	       "no non-operator role may do any action on anything of another agency "
	       "(%ld combinations)",
	       tried);
	for (int r = 0; r < ROLE__MAX; r++) {
		struct subject s = subj_of(r, &ag1, "me");
		ok(policy_allows(&s, ACT_HOME_VIEW, NULL), "%s sees its home page", role_name(r));
	}
}

/* The same subjects inside their own agency, so the refusals above are not an accident of
 * malformed subjects. */
static void test_allows_end_to_end(void)
{
	struct subject op = subj_of(ROLE_OPERATOR, &ag1, "op");
	struct subject am = subj_of(ROLE_AGENCY_MANAGER, &ag1, "am");
	struct subject as = subj_of(ROLE_AGENCY_STAFF, &ag1, "as");
	struct subject pm = subj_of(ROLE_PROJECT_MANAGER, &ag1, "pm");
	struct subject cm = subj_of(ROLE_CONTRACTOR_MANAGER, &ag1, "cm");
	struct subject cs = subj_of(ROLE_CONTRACTOR_STAFF, &ag1, "cs");
	op.agency_id = op.project_id = NULL;
	struct target t;

	ok(!policy_allows(NULL, ACT_HOME_VIEW, NULL), "no subject: refused");
	t = account_of(ROLE_AGENCY_MANAGER, &ag2, NULL);
	ok(policy_allows(&op, ACT_ACCOUNT_CREATE, &t), "operator issues an agency manager");
	t = account_of(ROLE_AGENCY_STAFF, &ag2, NULL);
	ok(policy_allows(&op, ACT_ACCOUNT_CREATE, &t),
	   "and agency staff too: the operator fulfils every application (別表3)");
	t = account_of(ROLE_OPERATOR, &ag1, NULL);
	ok(policy_allows(&op, ACT_ACCOUNT_CREATE, &t), "operator issues another operator");
	t = account_of(ROLE_AGENCY_STAFF, &ag2, "x");
	ok(policy_allows(&op, ACT_ACCOUNT_DISABLE, &t),
	   "operator may suspend anyone (5.4.3 emergency restriction)");
	ok(policy_allows(&op, ACT_ACCOUNT_UPDATE, &t), "and change them (fulfilment)");
	t = account_of(ROLE_OPERATOR, &ag1, "op");
	ok(!policy_allows(&op, ACT_ACCOUNT_DISABLE, &t), "operator does not suspend itself");
	ok(policy_allows(&op, ACT_SELF_MANAGE, &t), "operator manages its own settings");
	ok(policy_allows(&op, ACT_ORG_CREATE_AGENCY, NULL), "operator registers an agency");
	ok(!policy_allows(&am, ACT_ORG_CREATE_AGENCY, NULL), "an agency manager does not");
	ok(policy_allows(&op, ACT_AUDIT_EXPORT, NULL), "operator exports the audit log");

	t = account_of(ROLE_AGENCY_STAFF, &ag1, NULL);
	ok(!policy_allows(&am, ACT_ACCOUNT_CREATE, &t),
	   "agency manager no longer issues its agency staff directly (別表2 ①)");
	ok(policy_allows(&am, ACT_APP_APPLY, &t), "it applies for them");
	t = account_of(ROLE_PROJECT_MANAGER, &ag1, NULL);
	ok(policy_allows(&am, ACT_APP_APPLY, &t),
	   "agency manager applies for a project manager of its agency");
	t = account_of(ROLE_PROJECT_STAFF, &ag1, NULL);
	ok(!policy_allows(&am, ACT_APP_APPLY, &t), "but not for project staff (PM certifies)");
	t = account_of(ROLE_AGENCY_MANAGER, &ag1, "am2");
	ok(!policy_allows(&am, ACT_ACCOUNT_DISABLE, &t),
	   "agency manager does not suspend a fellow agency manager (operator certifies)");
	t = account_of(ROLE_AGENCY_STAFF, &ag1, NULL);
	ok(!policy_allows(&as, ACT_ACCOUNT_CREATE, &t), "agency staff issue nobody");
	t = account_of(ROLE_CONTRACTOR_STAFF, &ag1, "cs-x");
	ok(policy_allows(&as, ACT_ACCOUNT_VIEW, &t), "agency staff see accounts of their agency");

	t = account_of(ROLE_CONTRACTOR_MANAGER, &ag1, NULL);
	ok(policy_allows(&pm, ACT_APP_APPLY, &t),
	   "project manager applies for a contractor manager for its project's contractor");
	ok(!policy_allows(&pm, ACT_ACCOUNT_CREATE, &t), "but does not issue directly");
	t.org_id = AG1_CONTRACTOR2;
	t.project_id = AG1_PROJECT2;
	ok(!policy_allows(&pm, ACT_APP_APPLY, &t),
	   "but not for a contractor of another project team");
	t = account_of(ROLE_CONTRACTOR_STAFF, &ag1, NULL);
	ok(policy_allows(&cm, ACT_APP_APPLY, &t), "contractor manager applies for its own staff");
	ok(!policy_allows(&cm, ACT_ACCOUNT_CREATE, &t), "but does not issue directly");
	ok(policy_allows(&cm, ACT_ACCOUNT_DISABLE, &t), "and may still suspend them at once");
	t.org_id = AG1_CONTRACTOR2;
	ok(!policy_allows(&cm, ACT_APP_APPLY, &t),
	   "but not the staff of another contractor of the same project");
	t = account_of(ROLE_PROJECT_STAFF, &ag1, "ps");
	ok(!policy_allows(&cs, ACT_ACCOUNT_VIEW, &t), "contractor staff do not see project staff");
	t = account_of(ROLE_CONTRACTOR_STAFF, &ag1, "cs");
	ok(policy_allows(&cs, ACT_ACCOUNT_VIEW, &t), "contractor staff see themselves");
	t = (struct target){
	    .org_id = ag1.project, .agency_id = ag1.agency, .project_id = ag1.project};
	ok(policy_allows(&cm, ACT_GROUP_MEMBER_MANAGE, &t),
	   "contractor manager works in its project's system group");
	ok(policy_allows(&cs, ACT_GROUP_VIEW, &t), "contractor staff see that system group");
	ok(!policy_allows(&cs, ACT_ORG_VIEW, &t), "but not the project team's record");
	t = (struct target){.org_id = ag1.agency, .agency_id = ag1.agency};
	ok(policy_allows(&am, ACT_AUDIT_VIEW, &t), "agency manager reads its agency's audit");
	ok(!policy_allows(&as, ACT_AUDIT_VIEW, &t), "agency staff do not");
	ok(!policy_allows(&am, ACT_AUDIT_EXPORT, &t), "only the operator exports");
	t = account_of(ROLE_AGENCY_MANAGER, &ag1, NULL);
	ok(!policy_allows(&am, ACT_SELF_MANAGE, &t),
	   "self-management needs the actor's own account id");
}

/* A zeroed subject reads as ROLE_OPERATOR (enum value 0): it must be refused everything, while
 * the program's own system subject keeps the operator's rights. */
static void test_fail_closed(void)
{
	struct subject zero = {0}, sys = {.role = ROLE_OPERATOR, .is_system = 1};
	struct target agency = {.org_id = "a1", .agency_id = "a1"};
	int granted = 0;
	for (int a = 0; a < ACT__MAX; a++)
		granted += policy_allows(&zero, (enum action)a, &agency) +
		           policy_allows(&zero, (enum action)a, NULL);
	is_int(granted, 0, "a zeroed subject is refused every action");
	ok(policy_allows(&sys, ACT_ORG_CREATE_AGENCY, NULL),
	   "the system subject may register an agency");
	ok(policy_allows(&sys, ACT_AUDIT_EXPORT, NULL), "and export the audit log");
	ok(!policy_allows(NULL, ACT_HOME_VIEW, NULL), "no subject at all: refused");
}

int main(void)
{
	test_fail_closed();
	test_grid_shape();
	test_matrix_exhaustive();
	test_cell_bounds();
	test_role_can();
	test_names();
	test_relation();
	test_no_cross_agency();
	test_allows_end_to_end();
	return tap_done();
}
