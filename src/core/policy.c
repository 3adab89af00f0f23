/* SPDX-License-Identifier: MIT */
/* The permission matrix as one declarative table of rules. A request is allowed when one rule
 * names the actor's role and the action, includes the relation of the target, and — for account
 * actions — includes the target's role. Anything not granted is refused (default deny).
 * The certification chain (regulation 2.2.2, R1.1): operator → agency_manager → agency_staff,
 * project_manager → project_staff, contractor_manager → contractor_staff. */
#include "core/policy.h"

#include <string.h>

#define R(x)  (1u << (x))
#define ANYR  0xFFFFu /* any target role */
#define NOROL 0u      /* the action takes no account target */

/* Relation sets, widest scope each role may reach. */
#define SELF_ONLY   R(REL_SELF)
#define IN_ORG      (R(REL_SELF) | R(REL_SAME_ORG))
#define IN_PROJECT  (IN_ORG | R(REL_SAME_PROJECT))
#define IN_AGENCY   (IN_PROJECT | R(REL_SAME_AGENCY))
#define ANYWHERE    (IN_AGENCY | R(REL_OTHER))
#define NOT_SELF(x) ((x) & ~R(REL_SELF))

struct rule {
	enum role actor;
	enum action action;
	unsigned relations;    /* bit per enum relation */
	unsigned target_roles; /* bit per enum role; ANYR; or NOROL for non-account targets */
};

/* Roles each manager certifies (R1.1). */
#define CERT_BY_OPERATOR (R(ROLE_OPERATOR) | R(ROLE_AGENCY_MANAGER))
#define CERT_BY_AGENCY   (R(ROLE_AGENCY_STAFF) | R(ROLE_PROJECT_MANAGER))
#define CERT_BY_PROJECT  (R(ROLE_PROJECT_STAFF) | R(ROLE_CONTRACTOR_MANAGER))
#define CERT_BY_CONTRACT R(ROLE_CONTRACTOR_STAFF)

static const struct rule rules[] = {
    /* Every role: its home page, its own settings (3.2.1: nothing beyond the services). */
    {ROLE_OPERATOR, ACT_HOME_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_HOME_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_STAFF, ACT_HOME_VIEW, ANYWHERE, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_HOME_VIEW, ANYWHERE, NOROL},
    {ROLE_PROJECT_STAFF, ACT_HOME_VIEW, ANYWHERE, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_HOME_VIEW, ANYWHERE, NOROL},
    {ROLE_CONTRACTOR_STAFF, ACT_HOME_VIEW, ANYWHERE, NOROL},
    {ROLE_OPERATOR, ACT_SELF_MANAGE, SELF_ONLY, ANYR},
    {ROLE_AGENCY_MANAGER, ACT_SELF_MANAGE, SELF_ONLY, ANYR},
    {ROLE_AGENCY_STAFF, ACT_SELF_MANAGE, SELF_ONLY, ANYR},
    {ROLE_PROJECT_MANAGER, ACT_SELF_MANAGE, SELF_ONLY, ANYR},
    {ROLE_PROJECT_STAFF, ACT_SELF_MANAGE, SELF_ONLY, ANYR},
    {ROLE_CONTRACTOR_MANAGER, ACT_SELF_MANAGE, SELF_ONLY, ANYR},
    {ROLE_CONTRACTOR_STAFF, ACT_SELF_MANAGE, SELF_ONLY, ANYR},

    /* Organisations. The operator registers agencies; an agency's manager creates its project
     * teams; a project's manager (or the agency's) attaches contractors. */
    {ROLE_OPERATOR, ACT_ORG_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_ORG_VIEW, IN_AGENCY, NOROL},
    {ROLE_AGENCY_STAFF, ACT_ORG_VIEW, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_ORG_VIEW, IN_PROJECT, NOROL},
    {ROLE_PROJECT_STAFF, ACT_ORG_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_ORG_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_STAFF, ACT_ORG_VIEW, IN_ORG, NOROL},
    {ROLE_OPERATOR, ACT_ORG_CREATE_AGENCY, ANYWHERE, NOROL},
    {ROLE_OPERATOR, ACT_ORG_CREATE_PROJECT, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_ORG_CREATE_PROJECT, IN_ORG, NOROL},
    {ROLE_OPERATOR, ACT_ORG_CREATE_CONTRACTOR, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_ORG_CREATE_CONTRACTOR, NOT_SELF(IN_AGENCY), NOROL},
    {ROLE_PROJECT_MANAGER, ACT_ORG_CREATE_CONTRACTOR, IN_ORG, NOROL},
    {ROLE_OPERATOR, ACT_ORG_UPDATE, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_ORG_UPDATE, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_ORG_UPDATE, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_ORG_UPDATE, IN_ORG, NOROL},

    /* Seeing accounts (R7.1): the person's project team and its agency's managers and staff;
     * nothing crosses agencies. The operator sees all (R7.2 records why, later). */
    {ROLE_OPERATOR, ACT_ACCOUNT_VIEW, ANYWHERE, ANYR},
    {ROLE_AGENCY_MANAGER, ACT_ACCOUNT_VIEW, IN_AGENCY, ANYR},
    {ROLE_AGENCY_STAFF, ACT_ACCOUNT_VIEW, IN_AGENCY, ANYR},
    {ROLE_PROJECT_MANAGER, ACT_ACCOUNT_VIEW, IN_PROJECT, ANYR},
    {ROLE_PROJECT_STAFF, ACT_ACCOUNT_VIEW, IN_PROJECT, ANYR},
    {ROLE_CONTRACTOR_MANAGER, ACT_ACCOUNT_VIEW, IN_PROJECT, ANYR},
    {ROLE_CONTRACTOR_STAFF, ACT_ACCOUNT_VIEW, SELF_ONLY, ANYR},

    /* Issuing, changing, re-enabling and deleting accounts (R1.1) is the operator's, who
     * fulfils applications (別表3) for every role and so may act on any account but its own;
     * managers apply for the people they certify (ACT_APP_APPLY,
     * 別表1, 別表2 ①) instead of issuing directly, so no change bypasses approval. */
    {ROLE_OPERATOR, ACT_ACCOUNT_CREATE, NOT_SELF(ANYWHERE), ANYR},
    {ROLE_OPERATOR, ACT_ACCOUNT_UPDATE, NOT_SELF(ANYWHERE), ANYR},
    /* Suspending is protective and immediate: the operator may suspend any account other than
     * its own (5.4.3 emergency restriction), a manager the people they certify. */
    {ROLE_OPERATOR, ACT_ACCOUNT_DISABLE, NOT_SELF(ANYWHERE), ANYR},
    {ROLE_AGENCY_MANAGER, ACT_ACCOUNT_DISABLE, NOT_SELF(IN_AGENCY), CERT_BY_AGENCY},
    {ROLE_PROJECT_MANAGER, ACT_ACCOUNT_DISABLE, NOT_SELF(IN_PROJECT), CERT_BY_PROJECT},
    {ROLE_CONTRACTOR_MANAGER, ACT_ACCOUNT_DISABLE, R(REL_SAME_ORG), CERT_BY_CONTRACT},
    {ROLE_OPERATOR, ACT_ACCOUNT_ENABLE, NOT_SELF(ANYWHERE), ANYR},
    {ROLE_OPERATOR, ACT_ACCOUNT_DELETE, NOT_SELF(ANYWHERE), ANYR},
    /* Lost second factor: the operator's helpdesk and the certifying manager may reset. */
    {ROLE_OPERATOR, ACT_ACCOUNT_RESET_FACTORS, NOT_SELF(ANYWHERE), ANYR},
    {ROLE_AGENCY_MANAGER, ACT_ACCOUNT_RESET_FACTORS, NOT_SELF(IN_AGENCY), CERT_BY_AGENCY},
    {ROLE_PROJECT_MANAGER, ACT_ACCOUNT_RESET_FACTORS, NOT_SELF(IN_PROJECT), CERT_BY_PROJECT},
    {ROLE_CONTRACTOR_MANAGER, ACT_ACCOUNT_RESET_FACTORS, R(REL_SAME_ORG), CERT_BY_CONTRACT},

    /* Groups (別表2 ②, S2): the agency manager runs the PMO group, the project manager the
     * system group; the contractor manager manages its own staff within the system group. */
    {ROLE_OPERATOR, ACT_GROUP_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_GROUP_VIEW, IN_AGENCY, NOROL},
    {ROLE_AGENCY_STAFF, ACT_GROUP_VIEW, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_GROUP_VIEW, IN_PROJECT, NOROL},
    {ROLE_PROJECT_STAFF, ACT_GROUP_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_GROUP_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_STAFF, ACT_GROUP_VIEW, IN_PROJECT, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_GROUP_MEMBER_MANAGE, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_GROUP_MEMBER_MANAGE, IN_ORG, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_GROUP_MEMBER_MANAGE, R(REL_SAME_PROJECT), NOROL},

    /* Audit (R6.4, 4.6): the operator sees and exports all; an agency's manager its agency's. */
    {ROLE_OPERATOR, ACT_AUDIT_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_AUDIT_VIEW, IN_AGENCY, NOROL},
    {ROLE_OPERATOR, ACT_AUDIT_EXPORT, ANYWHERE, NOROL},

    /* Applications (別表2 ①, 別表1): the managers of the chain apply for the people they
     * certify; approving is for the agency or project manager of the scope (and the operator);
     * fulfilment is the operator's (別表3). Whether an application needs approval at all (a
     * contractor_manager's does) and that nobody approves their own are decided in svc. */
    {ROLE_OPERATOR, ACT_APP_APPLY, NOT_SELF(ANYWHERE), CERT_BY_OPERATOR},
    {ROLE_AGENCY_MANAGER, ACT_APP_APPLY, NOT_SELF(IN_AGENCY), CERT_BY_AGENCY},
    {ROLE_PROJECT_MANAGER, ACT_APP_APPLY, NOT_SELF(IN_PROJECT), CERT_BY_PROJECT},
    {ROLE_CONTRACTOR_MANAGER, ACT_APP_APPLY, R(REL_SAME_ORG), CERT_BY_CONTRACT},
    /* R2.9 (別表1 last row): the agency's IT-policy office or the project team itself. */
    {ROLE_OPERATOR, ACT_APP_APPLY_ORG_END, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_APP_APPLY_ORG_END, NOT_SELF(IN_AGENCY), NOROL},
    {ROLE_PROJECT_MANAGER, ACT_APP_APPLY_ORG_END, R(REL_SAME_ORG), NOROL},
    {ROLE_OPERATOR, ACT_APP_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_APP_VIEW, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_APP_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_APP_VIEW, IN_ORG, NOROL},
    {ROLE_OPERATOR, ACT_APP_APPROVE, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_APP_APPROVE, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_APP_APPROVE, IN_PROJECT, NOROL},
    {ROLE_OPERATOR, ACT_APP_FULFIL, ANYWHERE, NOROL},
    {ROLE_OPERATOR, ACT_CALENDAR_MANAGE, ANYWHERE, NOROL},
    {ROLE_OPERATOR, ACT_MAIL_BLOCKLIST, ANYWHERE, NOROL},

    /* Periodic review (別表1 second row, R2.7): the operator runs campaigns; each manager
     * re-certifies the people they certify, and undecided items escalate up the chain, so a
     * manager may decide for anyone below them in their scope. */
    {ROLE_OPERATOR, ACT_REVIEW_MANAGE, ANYWHERE, NOROL},
    {ROLE_OPERATOR, ACT_REVIEW_DECIDE, NOT_SELF(ANYWHERE), ANYR},
    {ROLE_AGENCY_MANAGER, ACT_REVIEW_DECIDE, NOT_SELF(IN_AGENCY),
     CERT_BY_AGENCY | CERT_BY_PROJECT | CERT_BY_CONTRACT},
    {ROLE_PROJECT_MANAGER, ACT_REVIEW_DECIDE, NOT_SELF(IN_PROJECT),
     CERT_BY_PROJECT | CERT_BY_CONTRACT},
    {ROLE_CONTRACTOR_MANAGER, ACT_REVIEW_DECIDE, R(REL_SAME_ORG), CERT_BY_CONTRACT},
    {ROLE_OPERATOR, ACT_REVIEW_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_REVIEW_VIEW, IN_AGENCY, NOROL},

    /* Systems (issue 4 §1, 別表2 ⑤): seen by everyone who sees the project team; registered
     * and edited by the agency's manager, the team's manager and the manager of the contractor
     * serving it (a contractor's project_id is the team's, hence IN_PROJECT). */
    {ROLE_OPERATOR, ACT_SYSTEM_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_SYSTEM_VIEW, IN_AGENCY, NOROL},
    {ROLE_AGENCY_STAFF, ACT_SYSTEM_VIEW, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_SYSTEM_VIEW, IN_PROJECT, NOROL},
    {ROLE_PROJECT_STAFF, ACT_SYSTEM_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_SYSTEM_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_STAFF, ACT_SYSTEM_VIEW, IN_ORG, NOROL},
    {ROLE_OPERATOR, ACT_SYSTEM_EDIT, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_SYSTEM_EDIT, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_SYSTEM_EDIT, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_SYSTEM_EDIT, IN_PROJECT, NOROL},
    /* Environments (issue 4 §2, S6): the agency and project managers apply, the operator
     * approves and fulfils; seen by whoever sees the project team. */
    {ROLE_AGENCY_MANAGER, ACT_ENV_APPLY, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_ENV_APPLY, IN_PROJECT, NOROL},
    {ROLE_OPERATOR, ACT_ENV_APPROVE, ANYWHERE, NOROL},
    {ROLE_OPERATOR, ACT_ENV_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_ENV_VIEW, IN_AGENCY, NOROL},
    {ROLE_AGENCY_STAFF, ACT_ENV_VIEW, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_ENV_VIEW, IN_PROJECT, NOROL},
    {ROLE_PROJECT_STAFF, ACT_ENV_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_ENV_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_STAFF, ACT_ENV_VIEW, IN_ORG, NOROL},
    /* Signing keys and federation partners are the operator's (5.6: the operator runs SSO). */
    {ROLE_OPERATOR, ACT_KEYS_MANAGE, ANYWHERE, NOROL},
    {ROLE_OPERATOR, ACT_SSO_CLIENT_MANAGE, ANYWHERE, NOROL},
    /* CSP users (S7, 別表2 ⑦): the three managers assign the people of their scope to their
     * scope's environments (svc also checks the environment is in the manager's scope). */
    {ROLE_OPERATOR, ACT_ASSIGN_MANAGE, ANYWHERE, ANYR},
    {ROLE_AGENCY_MANAGER, ACT_ASSIGN_MANAGE, IN_AGENCY, ANYR},
    {ROLE_PROJECT_MANAGER, ACT_ASSIGN_MANAGE, IN_PROJECT, ANYR},
    {ROLE_CONTRACTOR_MANAGER, ACT_ASSIGN_MANAGE, IN_ORG, ANYR},
    {ROLE_OPERATOR, ACT_ASSIGN_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_ASSIGN_VIEW, IN_AGENCY, NOROL},
    {ROLE_AGENCY_STAFF, ACT_ASSIGN_VIEW, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_ASSIGN_VIEW, IN_PROJECT, NOROL},
    {ROLE_PROJECT_STAFF, ACT_ASSIGN_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_ASSIGN_VIEW, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_STAFF, ACT_ASSIGN_VIEW, IN_ORG, NOROL},
    /* S8 is for all users: each sees and enters only what they are assigned. */
    {ROLE_OPERATOR, ACT_CONSOLE_USE, SELF_ONLY, ANYR},
    {ROLE_AGENCY_MANAGER, ACT_CONSOLE_USE, SELF_ONLY, ANYR},
    {ROLE_AGENCY_STAFF, ACT_CONSOLE_USE, SELF_ONLY, ANYR},
    {ROLE_PROJECT_MANAGER, ACT_CONSOLE_USE, SELF_ONLY, ANYR},
    {ROLE_PROJECT_STAFF, ACT_CONSOLE_USE, SELF_ONLY, ANYR},
    {ROLE_CONTRACTOR_MANAGER, ACT_CONSOLE_USE, SELF_ONLY, ANYR},
    {ROLE_CONTRACTOR_STAFF, ACT_CONSOLE_USE, SELF_ONLY, ANYR},
    /* BreakGlass (5.6, 別紙1): the project's manager (or the agency's) registers requesters and
     * approvers in advance; a registered requester asks; the project_manager approves — never
     * their own request (svc). The operator and the agency's managers see every use. */
    {ROLE_OPERATOR, ACT_BREAKGLASS_REGISTER, ANYWHERE, ANYR},
    {ROLE_AGENCY_MANAGER, ACT_BREAKGLASS_REGISTER, IN_AGENCY, ANYR},
    {ROLE_PROJECT_MANAGER, ACT_BREAKGLASS_REGISTER, IN_PROJECT, ANYR},
    {ROLE_AGENCY_MANAGER, ACT_BREAKGLASS_REQUEST, IN_AGENCY, NOROL},
    {ROLE_AGENCY_STAFF, ACT_BREAKGLASS_REQUEST, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_BREAKGLASS_REQUEST, IN_PROJECT, NOROL},
    {ROLE_PROJECT_STAFF, ACT_BREAKGLASS_REQUEST, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_MANAGER, ACT_BREAKGLASS_REQUEST, IN_PROJECT, NOROL},
    {ROLE_CONTRACTOR_STAFF, ACT_BREAKGLASS_REQUEST, IN_PROJECT, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_BREAKGLASS_APPROVE, IN_PROJECT, NOROL},
    {ROLE_OPERATOR, ACT_BREAKGLASS_VIEW, ANYWHERE, NOROL},
    {ROLE_AGENCY_MANAGER, ACT_BREAKGLASS_VIEW, IN_AGENCY, NOROL},
    {ROLE_PROJECT_MANAGER, ACT_BREAKGLASS_VIEW, IN_PROJECT, NOROL},
};

static int eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

enum relation policy_relation(const struct subject *s, const struct target *t)
{
	if (!t)
		return REL_OTHER;
	if (t->account_id && eq(s->account_id, t->account_id))
		return REL_SELF;
	if (eq(s->org_id, t->org_id))
		return REL_SAME_ORG;
	if (eq(s->project_id, t->project_id))
		return REL_SAME_PROJECT;
	if (eq(s->agency_id, t->agency_id))
		return REL_SAME_AGENCY;
	return REL_OTHER;
}

int policy_cell(enum role actor, enum action a, enum relation rel, int has_role, enum role target)
{
	if ((unsigned)actor >= ROLE__MAX || (unsigned)a >= ACT__MAX || (unsigned)rel >= REL__MAX)
		return 0;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		if (r->actor != actor || r->action != a || !(r->relations & R(rel)))
			continue;
		if (r->target_roles == NOROL)
			return !has_role;
		if (!has_role || (unsigned)target >= ROLE__MAX)
			continue;
		if (r->target_roles & R(target))
			return 1;
	}
	return 0;
}

int policy_allows(const struct subject *s, enum action a, const struct target *t)
{
	static const struct target none = {0};
	if (!s || (!s->account_id && !s->is_system))
		return 0; /* fail closed: nobody in particular may do nothing */
	if (!t)
		t = &none;
	return policy_cell(s->role, a, policy_relation(s, t), t->has_role, t->role);
}

int policy_role_can(enum role actor, enum action a)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].actor == actor && rules[i].action == a)
			return 1;
	return 0;
}

static const char *const action_names[ACT__MAX] = {
    [ACT_HOME_VIEW] = "home.view",
    [ACT_ORG_VIEW] = "org.view",
    [ACT_ORG_CREATE_AGENCY] = "org.create_agency",
    [ACT_ORG_CREATE_PROJECT] = "org.create_project",
    [ACT_ORG_CREATE_CONTRACTOR] = "org.create_contractor",
    [ACT_ORG_UPDATE] = "org.update",
    [ACT_ACCOUNT_VIEW] = "account.view",
    [ACT_ACCOUNT_CREATE] = "account.create",
    [ACT_ACCOUNT_UPDATE] = "account.update",
    [ACT_ACCOUNT_DISABLE] = "account.disable",
    [ACT_ACCOUNT_ENABLE] = "account.enable",
    [ACT_ACCOUNT_DELETE] = "account.delete",
    [ACT_ACCOUNT_RESET_FACTORS] = "account.reset_factors",
    [ACT_APP_APPLY] = "application.apply",
    [ACT_APP_APPLY_ORG_END] = "application.apply_org_end",
    [ACT_APP_VIEW] = "application.view",
    [ACT_APP_APPROVE] = "application.approve",
    [ACT_APP_FULFIL] = "application.fulfil",
    [ACT_CALENDAR_MANAGE] = "calendar.manage",
    [ACT_MAIL_BLOCKLIST] = "mail.blocklist",
    [ACT_REVIEW_MANAGE] = "review.manage",
    [ACT_REVIEW_DECIDE] = "review.decide",
    [ACT_REVIEW_VIEW] = "review.view",
    [ACT_SYSTEM_VIEW] = "system.view",
    [ACT_SYSTEM_EDIT] = "system.edit",
    [ACT_ENV_APPLY] = "env.apply",
    [ACT_ENV_APPROVE] = "env.approve",
    [ACT_ENV_VIEW] = "env.view",
    [ACT_GROUP_VIEW] = "group.view",
    [ACT_GROUP_MEMBER_MANAGE] = "group.member_manage",
    [ACT_AUDIT_VIEW] = "audit.view",
    [ACT_AUDIT_EXPORT] = "audit.export",
    [ACT_SELF_MANAGE] = "self.manage",
    [ACT_KEYS_MANAGE] = "keys.manage",
    [ACT_SSO_CLIENT_MANAGE] = "sso.client_manage",
    [ACT_ASSIGN_MANAGE] = "assignment.manage",
    [ACT_ASSIGN_VIEW] = "assignment.view",
    [ACT_CONSOLE_USE] = "console.use",
    [ACT_BREAKGLASS_REGISTER] = "breakglass.register",
    [ACT_BREAKGLASS_REQUEST] = "breakglass.request",
    [ACT_BREAKGLASS_APPROVE] = "breakglass.approve",
    [ACT_BREAKGLASS_VIEW] = "breakglass.view",
};

const char *action_name(enum action a)
{
	return (unsigned)a < ACT__MAX ? action_names[a] : "unknown";
}

int action_parse(const char *s)
{
	for (int i = 0; i < ACT__MAX; i++)
		if (s && strcmp(action_names[i], s) == 0)
			return i;
	return -1;
}

const char *relation_name(enum relation r)
{
	static const char *const n[REL__MAX] = {"self", "same_org", "same_project", "same_agency",
	                                        "other"};
	return (unsigned)r < REL__MAX ? n[r] : "unknown";
}
