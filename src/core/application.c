/* SPDX-License-Identifier: MIT */
/* Application kinds, states and the transitions between them (S1, R2.2; see application.h):
 * storage names, labels in both languages, the transition table, and who needs approval and who
 * certifies whom (別表1, 2.2.2). Pure tables, no I/O. */
#include "core/application.h"

#include <string.h>

struct label {
	const char *name, *ja, *en;
};

static const struct label kinds[APP_KIND__MAX] = {
    [APP_CREATE] = {"create", "アカウント発行", "Issue an account"},
    [APP_CHANGE] = {"change", "アカウント変更", "Change an account"},
    [APP_DELETE] = {"delete", "アカウント削除", "Delete an account"},
    [APP_REENABLE] = {"reenable", "アカウント再有効化", "Re-enable an account"},
    [APP_ORG_END] = {"org_end", "利用終了", "End of use"},
};

static const struct label states[APP_STATE__MAX] = {
    [APP_DRAFT] = {"draft", "下書き", "Draft"},
    [APP_SUBMITTED] = {"submitted", "申請中", "Submitted"},
    [APP_APPROVED] = {"approved", "承認済み", "Approved"},
    [APP_REJECTED] = {"rejected", "却下", "Rejected"},
    [APP_WITHDRAWN] = {"withdrawn", "取下げ", "Withdrawn"},
    [APP_FULFILLED] = {"fulfilled", "対応完了", "Fulfilled"},
    [APP_FAILED] = {"failed", "対応不可", "Failed"},
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

const char *app_kind_name(enum app_kind k)
{
	return (unsigned)k < APP_KIND__MAX ? kinds[k].name : NULL;
}

int app_kind_parse(const char *s)
{
	return parse(kinds, APP_KIND__MAX, s);
}

const char *app_kind_label(enum app_kind k, int english)
{
	if ((unsigned)k >= APP_KIND__MAX)
		return NULL;
	return english ? kinds[k].en : kinds[k].ja;
}

const char *app_state_name(enum app_state s)
{
	return (unsigned)s < APP_STATE__MAX ? states[s].name : NULL;
}

int app_state_parse(const char *s)
{
	return parse(states, APP_STATE__MAX, s);
}

const char *app_state_label(enum app_state s, int english)
{
	if ((unsigned)s >= APP_STATE__MAX)
		return NULL;
	return english ? states[s].en : states[s].ja;
}

#define B(x) (1u << (x))
/* S1: the only moves. A decision is final; only an approved application can be fulfilled. */
static const unsigned next_states[APP_STATE__MAX] = {
    [APP_DRAFT] = B(APP_SUBMITTED) | B(APP_WITHDRAWN),
    [APP_SUBMITTED] = B(APP_APPROVED) | B(APP_REJECTED) | B(APP_WITHDRAWN),
    [APP_APPROVED] = B(APP_FULFILLED) | B(APP_FAILED),
};

int app_transition_allowed(enum app_state from, enum app_state to)
{
	if ((unsigned)from >= APP_STATE__MAX || (unsigned)to >= APP_STATE__MAX)
		return 0;
	return (next_states[from] & B(to)) != 0;
}

int app_state_final(enum app_state s)
{
	return s == APP_REJECTED || s == APP_WITHDRAWN || s == APP_FULFILLED || s == APP_FAILED;
}

int app_needs_approval(enum role applicant)
{
	/* 別表1, 別表2 ①: the contractor's manager is not a government official, so the
	 * project team's (or agency's) manager approves what they ask for. */
	return applicant == ROLE_CONTRACTOR_MANAGER;
}

int role_certifier(enum role r)
{
	switch (r) {
	case ROLE_AGENCY_MANAGER:
		return ROLE_OPERATOR;
	case ROLE_AGENCY_STAFF:
	case ROLE_PROJECT_MANAGER:
		return ROLE_AGENCY_MANAGER;
	case ROLE_PROJECT_STAFF:
	case ROLE_CONTRACTOR_MANAGER:
		return ROLE_PROJECT_MANAGER;
	case ROLE_CONTRACTOR_STAFF:
		return ROLE_CONTRACTOR_MANAGER;
	default:
		return -1;
	}
}
