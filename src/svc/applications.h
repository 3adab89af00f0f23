/* SPDX-License-Identifier: MIT */
/* Application use cases (S1, R2.1–R2.3, R2.6, R2.9): a manager applies, the right approver
 * approves (or it needs none), the operator fulfils within 5 business days (or it is fulfilled at
 * once when lifecycle.auto_fulfil is on). Every step is one transaction with its history row, its
 * audit record and its notifications (outbox). Two approvers acting at once: exactly one wins, the
 * other gets GCAS_ERR_CONFLICT. */
#ifndef GCAS_SVC_APPLICATIONS_H
#define GCAS_SVC_APPLICATIONS_H

#include "core/application.h"
#include "core/environment.h"
#include "svc/accounts.h"

struct app_input {
	const char *kind;       /* "create" | "change" | "delete" | "reenable" | "org_end" */
	const char *account_id; /* change, delete, reenable: the account concerned */
	/* create: the person (all fields); change: the fields to change, NULL or "" = unchanged
	 * (role: a role of the same organisation kind, R2.5) */
	struct account_input person;
	const char *org_id;       /* org_end: the agency or project team that ends its use */
	const char *ends_on;      /* org_end: YYYY-MM-DD, the end of use (applied before it) */
	const char *reason;       /* required; refused when it contains an Individual Number */
	const char *departure_on; /* delete: YYYY-MM-DD departure date (R2.6), optional */
	/* create: the identity declaration (R2.1), required */
	const char *verified_on; /* YYYY-MM-DD, not in the future */
	const char *scope;       /* "gov_admin" | "contractor_nda" */
	const char *system_name; /* contractor_nda: required */
	int nda_confirmed;       /* contractor_nda: must be 1 */
	int draft;               /* 1: keep as a draft; 0: submit at once */
	const char *import_id;   /* set by bulk onboarding */
};

/* Apply. Validates everything (field errors in ve → GCAS_ERR_INVALID), checks ACT_APP_APPLY (or
 * ACT_APP_APPLY_ORG_END) along the chain → GCAS_ERR_DENIED (audited), then writes the application,
 * its declaration, its history, audit and notifications in one transaction. */
enum gcas_err svc_app_create(const struct env *env, const struct actor *ac, struct arena *a,
                             const struct app_input *in, struct application *out, struct verrs *ve);
/* The same inside the caller's transaction (bulk onboarding puts many in one). */
enum gcas_err app_create_tx(struct db *db, const struct env *env, const struct actor *ac,
                            struct arena *a, const struct app_input *in, struct application *out,
                            struct verrs *ve);
/* Submit a draft (applicant only). */
enum gcas_err svc_app_submit(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id);
/* Withdraw a draft or a submitted application (applicant only). */
enum gcas_err svc_app_withdraw(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *id, const char *reason, struct verrs *ve);
/* Approve (approve = 1) or reject with a reason (required when rejecting). Refused for the
 * applicant (nobody approves their own), outside ACT_APP_APPROVE, or when no longer submitted
 * (GCAS_ERR_CONFLICT). Approval sets the due date (R2.3) and, with auto_fulfil, fulfils. */
enum gcas_err svc_app_decide(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, int approve, const char *reason, struct verrs *ve);
/* The operator fulfils an approved application: creates, changes, deletes or re-enables the
 * account (create: pending, set-up link mailed to the address), or ends the organisation, in one
 * transaction with its audit record and notifications. When the change cannot be made (address
 * taken meanwhile, account already deleted), the application ends failed with the reason and
 * GCAS_OK is returned; out (may be NULL) receives the final state. */
enum gcas_err svc_app_fulfil(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, struct application *out);
/* The operator marks an approved application failed (could not be done), with a reason. */
enum gcas_err svc_app_fail(const struct env *env, const struct actor *ac, struct arena *a,
                           const char *id, const char *reason, struct verrs *ve);

/* R2.9 + 5.2.1: organisation end, inside the caller's transaction (lifecycle_org_end_tx). For
 * org_id and every org below it (an agency's project teams and contractors, a team's
 * contractors): every open application except application_id (the org_end being fulfilled; may
 * be NULL) ends — approved → failed, draft/submitted → withdrawn — with the reason
 * "組織の利用終了により終了 (規程 別表1, R2.9)", a history row and an audit record each (actor ac);
 * then the scope's applications lose their personal data (subject_label "削除済み", email NULL,
 * payload "{}"; org_end applications keep the organisation's name), declarations and history rows
 * by the scope's accounts carry the account id instead of its label, and the outbox rows to the
 * scope's accounts are deleted. Audit records stay (5.2.1 first exception). Store errors are
 * returned as they are (the caller rolls back); GCAS_ERR_INVALID for an empty org_id. */
enum gcas_err app_org_end_cleanup_tx(struct db *db, const struct env *env, const struct actor *ac,
                                     struct arena *a, const char *org_id,
                                     const char *application_id);

/* One application with its history (oldest first) and, for a create, its declaration
 * (*has_decl = 1). Visible to the applicant, the approvers of its scope and the operator. */
enum gcas_err svc_app_get(const struct env *env, const struct actor *ac, struct arena *a,
                          const char *id, struct application *out, struct app_event **events,
                          size_t *nevents, struct identity_decl *decl, int *has_decl);

struct app_filter {
	int state;       /* -1 any */
	int kind;        /* -1 any */
	int awaiting_me; /* submitted, needing approval, that the reader may approve */
	int queue;       /* approved, awaiting fulfilment (the operator's queue), by due date */
	int overdue;     /* with queue: only those past their due date (JST today) */
	const char *import_id;  /* one bulk onboarding batch */
	const char *account_id; /* about one account */
};
/* Applications the reader may see (narrowed in SQL to their scope, plus their own). */
enum gcas_err svc_app_list(const struct env *env, const struct actor *ac, struct arena *a,
                           const struct app_filter *f, struct page *pg, struct application **out,
                           size_t *n);

/* R2.3: the monthly service-level report: per kind, applications approved in the month (an
 * application counts in the month of its approval, decided_at, JST), fulfilled within their due
 * date, fulfilled late, failed (could not be carried out), and still open (open_overdue: past
 * due). The on-time share is on_time / (on_time + late + open_overdue): a backlog lowers it.
 * Environment requests (issue 4 §2), due 5 business days after approval too, are counted the
 * same way in env[] (create, delete). Operator only. */
struct slo_line {
	enum app_kind kind;
	int64_t approved, on_time, late, open_overdue, open, failed;
};
struct slo_report {
	int year, month;
	struct slo_line line[APP_KIND__MAX];
	struct slo_line env[ENVREQ_KIND__MAX]; /* by enum envreq_kind; their kind is unused */
};
enum gcas_err svc_app_slo_report(const struct env *env, const struct actor *ac, struct arena *a,
                                 int year, int month, struct slo_report *out);

#endif
