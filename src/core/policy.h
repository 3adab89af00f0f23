/* SPDX-License-Identifier: MIT */
/* The permission matrix: role × action × relation of the target to the actor (× the target's
 * role, for actions on accounts, which is how the certification chain of R1.1 is encoded).
 * Every use case asks policy_allows() before it touches anything. Pure: no I/O. */
#ifndef GCAS_CORE_POLICY_H
#define GCAS_CORE_POLICY_H

#include "core/roles.h"

enum action {
	ACT_HOME_VIEW,             /* the signed-in home page: every role */
	ACT_ORG_VIEW,              /* see an organisation */
	ACT_ORG_CREATE_AGENCY,     /* register a user agency (target: none) */
	ACT_ORG_CREATE_PROJECT,    /* create a project team (target: the parent agency) */
	ACT_ORG_CREATE_CONTRACTOR, /* attach a contractor (target: the parent project team) */
	ACT_ORG_UPDATE,            /* rename / edit an organisation */
	ACT_ACCOUNT_VIEW,          /* see an account's details (R7.1) */
	ACT_ACCOUNT_CREATE,        /* issue an account (target: the would-be account) */
	ACT_ACCOUNT_UPDATE,        /* change name, email */
	ACT_ACCOUNT_DISABLE,       /* suspend: ends sessions at once */
	ACT_ACCOUNT_ENABLE,        /* re-enable */
	ACT_ACCOUNT_DELETE,        /* delete (tombstone) */
	ACT_ACCOUNT_RESET_FACTORS, /* clear a locked-out user's second factors */
	ACT_GROUP_VIEW,            /* see a PMO / system group and its members */
	ACT_GROUP_MEMBER_MANAGE,   /* S2: add / remove members of a group one manages */
	ACT_AUDIT_VIEW,            /* read the audit log (R6.4) */
	ACT_AUDIT_EXPORT,          /* export for independent auditors */
	ACT_SELF_MANAGE,           /* own password, factors, API tokens */
	/* Applications (S1, R2.2) and the lifecycle around them (issue 3). */
	ACT_APP_APPLY, /* apply to create / change / delete / re-enable an account, or record
	                * a departure (target: the account or would-be account) */
	ACT_APP_APPLY_ORG_END, /* apply to end an agency's or project team's use (R2.9; target: org)
	                        */
	ACT_APP_VIEW,          /* see applications concerning a scope (target: the application's) */
	ACT_APP_APPROVE,       /* approve / reject a contractor_manager's application (別表1) */
	ACT_APP_FULFIL,      /* the operator's fulfilment queue (別表3), the SLO report (R2.3) */
	ACT_CALENDAR_MANAGE, /* import the Cabinet Office holiday list (R2.10) */
	ACT_MAIL_BLOCKLIST,  /* maintain the list of refused list/shared addresses (R2.8) */
	ACT_REVIEW_MANAGE,   /* open, close and export periodic review campaigns (R2.7) */
	ACT_REVIEW_DECIDE,   /* decide keep / change / remove on an account (target: the account) */
	ACT_REVIEW_VIEW,     /* read a campaign's results for a scope (target: the agency) */
	/* Systems (issue 4 §1, R4.1): a project team's registered system (target: the team). */
	ACT_SYSTEM_VIEW, /* see a registration and its history (the scope of ACT_ORG_VIEW) */
	ACT_SYSTEM_EDIT, /* register or change it (別表2 ⑤: the three managers of its scope) */
	/* issue 4 §2 (S6, R4.2): CSP environments */
	ACT_ENV_APPLY, /* request an environment's creation / deletion (target: the project team) */
	ACT_ENV_APPROVE, /* approve / reject / fulfil an environment request (the operator) */
	ACT_ENV_VIEW,    /* see environments and their requests (the scope of ACT_ORG_VIEW) */
	/* issue 4 §3–§6 */
	ACT_KEYS_MANAGE,       /* generate, rotate and retire signing keys (the operator) */
	ACT_SSO_CLIENT_MANAGE, /* register OIDC clients and SAML service providers (the operator) */
	ACT_ASSIGN_MANAGE,     /* assign an account to an environment (S7; target: the account) */
	ACT_ASSIGN_VIEW,       /* see an environment's assignments (the scope of ACT_ENV_VIEW) */
	ACT_CONSOLE_USE,       /* S8: one's own console page and console sign-in (every role) */
	ACT_BREAKGLASS_REGISTER, /* register a requester or approver in advance (target: account) */
	ACT_BREAKGLASS_REQUEST,  /* ask for emergency access to an environment of one's project */
	ACT_BREAKGLASS_APPROVE,  /* approve another's emergency request (the project_manager) */
	ACT_BREAKGLASS_VIEW,     /* see registrations and every use (operator, agency, project) */
	ACT__MAX
};

/* How the target relates to the actor, most specific first. */
enum relation {
	REL_SELF,         /* the target is the actor's own account */
	REL_SAME_ORG,     /* same organisation (agency, project team or contractor) */
	REL_SAME_PROJECT, /* same project team, e.g. a contractor of the actor's project */
	REL_SAME_AGENCY,  /* same agency, other project team or the agency itself */
	REL_OTHER,        /* another agency, or no relation */
	REL__MAX
};

/* Who is acting: their role and where they sit. Ids are NULL when not applicable
 * (the operator has no agency; agency roles have no project). */
struct subject {
	enum role role;
	/* The program itself (CLI, jobs), acting with operator rights. A subject that is neither
	 * this nor a signed-in account (account_id set) is refused everything, so a zeroed struct
	 * (whose role reads as ROLE_OPERATOR) can never grant anything. */
	int is_system;
	const char *account_id;
	const char *org_id;
	const char *agency_id;
	const char *project_id;
};

/* What is acted on. For accounts, role is the target account's role; for other targets it is
 * ignored (set has_role = 0). An absent target (e.g. creating an agency) has all ids NULL. */
struct target {
	int has_role;
	enum role role;
	const char *account_id;
	const char *org_id;
	const char *agency_id;
	const char *project_id;
};

/* The relation of t to s (pure; compares ids). */
enum relation policy_relation(const struct subject *s, const struct target *t);
/* 1 when the matrix allows s to do a on t; 0 otherwise. */
int policy_allows(const struct subject *s, enum action a, const struct target *t);
/* Lower-level: the matrix cell itself, for tests and for the UI (what may this role do). */
int policy_cell(enum role actor, enum action a, enum relation rel, int has_role, enum role target);
/* 1 when the role may do action a on some target at all (to decide what a home page offers). */
int policy_role_can(enum role actor, enum action a);

const char *action_name(enum action a);
int action_parse(const char *s);
const char *relation_name(enum relation r);

#endif
