/* SPDX-License-Identifier: MIT */
/* Applications (S1, R2.2): what may be asked, the states an application moves through and which
 * moves are allowed. Pure data and rules; the use cases are in svc/applications.c.
 *   draft → submitted → approved | rejected | withdrawn;  approved → fulfilled | failed;
 *   draft → withdrawn;  submitted → approved at once when no approval is needed (別表1: only a
 *   contractor_manager's application needs the agency or project manager's approval). */
#ifndef GCAS_CORE_APPLICATION_H
#define GCAS_CORE_APPLICATION_H

#include <stdint.h>

#include "core/roles.h"

enum app_kind {
	APP_CREATE,   /* issue an account */
	APP_CHANGE,   /* change names, address or role (R2.5 privileges) */
	APP_DELETE,   /* delete an account (departure, R2.6) */
	APP_REENABLE, /* re-enable a disabled account (R2.4) */
	APP_ORG_END,  /* an agency or project team ends its use: delete its data (R2.9) */
	APP_KIND__MAX
};

enum app_state {
	APP_DRAFT,
	APP_SUBMITTED,
	APP_APPROVED,
	APP_REJECTED,
	APP_WITHDRAWN,
	APP_FULFILLED,
	APP_FAILED,
	APP_STATE__MAX
};

struct application {
	const char *id;
	enum app_kind kind;
	enum app_state state;
	const char *applicant_id;
	enum role applicant_role;
	const char *account_id; /* the account concerned; create: set when fulfilled */
	const char *org_id, *agency_id, *project_id;
	int has_target_role;
	enum role target_role;
	const char *subject_label; /* "氏名 <address>" of the person, or the org's name */
	const char *payload;       /* JSON of what is asked */
	const char *reason;
	int needs_approval;
	int late;                 /* R2.6: deletion applied later than 5 business days before */
	const char *departure_on; /* YYYY-MM-DD or NULL */
	const char *ends_on;      /* org_end: YYYY-MM-DD */
	const char *import_id;
	int64_t created_at, submitted_at, decided_at;
	const char *decided_by;
	const char *due_on; /* R2.3: YYYY-MM-DD, 5 business days after approval */
	int64_t fulfilled_at;
	const char *fulfilled_by;
	const char *result;
	int64_t updated_at, version;
};

struct app_event {
	const char *id, *application_id;
	int64_t at;
	const char *actor_id, *actor_label;
	int from_state; /* -1 for creation */
	enum app_state to_state;
	const char *reason;
};

/* R2.1: the certifying manager's declaration kept with a create application. */
struct identity_decl {
	const char *application_id;
	const char *verified_on; /* YYYY-MM-DD the My Number card was checked */
	const char *scope;       /* "gov_admin" | "contractor_nda" (2.2.1) */
	const char *system_name; /* contractor_nda: the system worked on */
	int nda_confirmed;
	const char *declared_by, *declared_by_label;
	int64_t declared_at;
};

const char *app_kind_name(enum app_kind k);
int app_kind_parse(const char *s);
const char *app_kind_label(enum app_kind k, int english);
const char *app_state_name(enum app_state s);
int app_state_parse(const char *s);
const char *app_state_label(enum app_state s, int english);
/* 1 when an application may move from → to. */
int app_transition_allowed(enum app_state from, enum app_state to);
/* 1 when the state is final (rejected, withdrawn, fulfilled, failed). */
int app_state_final(enum app_state s);
/* 別表1, 別表2 ①: a contractor_manager's application needs approval; other applicants are the
 * certifying managers themselves (their application goes straight to the operator). */
int app_needs_approval(enum role applicant);
/* The role that certifies (and so is "the manager" of) an account of role r (2.2.2):
 * agency_manager → operator, agency_staff/project_manager → agency_manager,
 * project_staff/contractor_manager → project_manager, contractor_staff → contractor_manager.
 * The operator has none (-1). */
int role_certifier(enum role r);

#endif
