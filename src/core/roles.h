/* SPDX-License-Identifier: MIT */
/* The seven roles of the regulation (2.2.2) and the organisation kinds they belong to.
 * Pure data: names for storage, labels for people, and which organisation a role lives in. */
#ifndef GCAS_CORE_ROLES_H
#define GCAS_CORE_ROLES_H

enum role {
	ROLE_OPERATOR,           /* GCAS運用管理組織 */
	ROLE_AGENCY_MANAGER,     /* 利用機関GCAS責任者 */
	ROLE_AGENCY_STAFF,       /* 利用機関GCAS担当者 */
	ROLE_PROJECT_MANAGER,    /* プロジェクトチームGCAS責任者 */
	ROLE_PROJECT_STAFF,      /* プロジェクトチームGCAS担当者 */
	ROLE_CONTRACTOR_MANAGER, /* 開発運用委託業者GCAS責任者 */
	ROLE_CONTRACTOR_STAFF,   /* 開発運用委託業者GCAS担当者 */
	ROLE__MAX
};

enum org_kind {
	ORG_OPERATOR, /* the GCAS operator team (ガバメントクラウドチーム) */
	ORG_AGENCY,   /* 利用機関: a ministry or a local government */
	ORG_PROJECT,  /* プロジェクトチーム: one per registered system, inside an agency */
	ORG_CONTRACTOR, /* 委託業者: attached to one project team */
	ORG__MAX
};

enum account_status {
	ACCOUNT_PENDING, /* created, not yet activated (first sign-in / address not verified) */
	ACCOUNT_ACTIVE,
	ACCOUNT_DISABLED, /* with a reason; sessions ended */
	ACCOUNT_DELETED,  /* tombstone: kept for the audit trail, never signs in */
	ACCOUNT__MAX
};

/* Storage names ("agency_manager"), -1 / NULL when unknown. */
int role_parse(const char *s);
const char *role_name(enum role r);
/* Label in the regulation's words (ja) or English. */
const char *role_label(enum role r, int english);
/* The organisation kind an account of this role belongs to (R1.2). */
enum org_kind role_org_kind(enum role r);
/* 1 when the role is scoped to one project team (R1.2: project_* and contractor_*). */
int role_needs_project(enum role r);
/* 1 for the manager roles (the ones that certify others). */
int role_is_manager(enum role r);

int org_kind_parse(const char *s);
const char *org_kind_name(enum org_kind k);
const char *org_kind_label(enum org_kind k, int english);

int account_status_parse(const char *s);
const char *account_status_name(enum account_status s);
const char *account_status_label(enum account_status s, int english);

#endif
