/* SPDX-License-Identifier: MIT */
/* Tables for roles, organisation kinds and account states (regulation 1.2, 2.2.2). */
#include "core/roles.h"

#include <string.h>

struct label {
	const char *name, *ja, *en;
};

static const struct label roles[ROLE__MAX] = {
    [ROLE_OPERATOR] = {"operator", "GCAS運用管理者", "GCAS operator"},
    [ROLE_AGENCY_MANAGER] = {"agency_manager", "利用機関GCAS責任者", "Agency GCAS manager"},
    [ROLE_AGENCY_STAFF] = {"agency_staff", "利用機関GCAS担当者", "Agency GCAS staff"},
    [ROLE_PROJECT_MANAGER] = {"project_manager", "プロジェクトチームGCAS責任者",
                              "Project team GCAS manager"},
    [ROLE_PROJECT_STAFF] = {"project_staff", "プロジェクトチームGCAS担当者",
                            "Project team GCAS staff"},
    [ROLE_CONTRACTOR_MANAGER] = {"contractor_manager", "開発運用委託業者GCAS責任者",
                                 "Contractor GCAS manager"},
    [ROLE_CONTRACTOR_STAFF] = {"contractor_staff", "開発運用委託業者GCAS担当者",
                               "Contractor GCAS staff"},
};

static const struct label orgs[ORG__MAX] = {
    [ORG_OPERATOR] = {"operator", "GCAS運用管理組織", "GCAS operator"},
    [ORG_AGENCY] = {"agency", "利用機関", "User agency"},
    [ORG_PROJECT] = {"project", "プロジェクトチーム", "Project team"},
    [ORG_CONTRACTOR] = {"contractor", "開発運用委託業者", "Contractor"},
};

static const struct label statuses[ACCOUNT__MAX] = {
    [ACCOUNT_PENDING] = {"pending", "有効化待ち", "Pending"},
    [ACCOUNT_ACTIVE] = {"active", "有効", "Active"},
    [ACCOUNT_DISABLED] = {"disabled", "無効", "Disabled"},
    [ACCOUNT_DELETED] = {"deleted", "削除済み", "Deleted"},
};

static int parse(const struct label *t, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(t[i].name, s) == 0)
			return i;
	return -1;
}

static const char *label(const struct label *t, int n, int i, int english)
{
	if (i < 0 || i >= n)
		return NULL;
	return english ? t[i].en : t[i].ja;
}

int role_parse(const char *s)
{
	return parse(roles, ROLE__MAX, s);
}

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE__MAX ? roles[r].name : NULL;
}

const char *role_label(enum role r, int english)
{
	return label(roles, ROLE__MAX, (int)r, english);
}

enum org_kind role_org_kind(enum role r)
{
	switch (r) {
	case ROLE_OPERATOR:
		return ORG_OPERATOR;
	case ROLE_AGENCY_MANAGER:
	case ROLE_AGENCY_STAFF:
		return ORG_AGENCY;
	case ROLE_PROJECT_MANAGER:
	case ROLE_PROJECT_STAFF:
		return ORG_PROJECT;
	default:
		return ORG_CONTRACTOR;
	}
}

int role_needs_project(enum role r)
{
	return r >= ROLE_PROJECT_MANAGER && r < ROLE__MAX;
}

int role_is_manager(enum role r)
{
	return r == ROLE_OPERATOR || r == ROLE_AGENCY_MANAGER || r == ROLE_PROJECT_MANAGER ||
	       r == ROLE_CONTRACTOR_MANAGER;
}

int org_kind_parse(const char *s)
{
	return parse(orgs, ORG__MAX, s);
}

const char *org_kind_name(enum org_kind k)
{
	return (unsigned)k < ORG__MAX ? orgs[k].name : NULL;
}

const char *org_kind_label(enum org_kind k, int english)
{
	return label(orgs, ORG__MAX, (int)k, english);
}

int account_status_parse(const char *s)
{
	return parse(statuses, ACCOUNT__MAX, s);
}

const char *account_status_name(enum account_status s)
{
	return (unsigned)s < ACCOUNT__MAX ? statuses[s].name : NULL;
}

const char *account_status_label(enum account_status s, int english)
{
	return label(statuses, ACCOUNT__MAX, (int)s, english);
}
