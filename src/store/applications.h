/* SPDX-License-Identifier: MIT */
/* Typed store operations for applications (S1, R2.2), their history, identity declarations
 * (R2.1), the approvers of a scope, and the account changes fulfilment makes (R2.4 re-enable,
 * R2.5 change). Records read are allocated in the caller's arena. */
#ifndef GCAS_STORE_APPLICATIONS_H
#define GCAS_STORE_APPLICATIONS_H

#include "core/application.h"
#include "store/store.h"

/* Insert a new application. email: the (new) address a create/change asks for, lower case, or
 * NULL; it is what makes a second open application for the same address detectable. */
enum gcas_err store_app_insert(struct db *db, const struct application *app, const char *email);
/* NOTFOUND when there is no such application. */
enum gcas_err store_app_get(struct db *db, struct arena *a, const char *id,
                            struct application *out);
/* Write app's mutable fields (state, account_id, submitted/decided/fulfilled, due_on, result,
 * late, updated_at) only if the row is still in from_state at app->version; bumps the version.
 * GCAS_ERR_CONFLICT when it is not (someone else moved it first). */
enum gcas_err store_app_update(struct db *db, const struct application *app,
                               enum app_state from_state);
/* Append a history row (ordered after the application's earlier rows). */
enum gcas_err store_app_event_insert(struct db *db, const struct app_event *ev);
/* History oldest first. */
enum gcas_err store_app_events(struct db *db, struct arena *a, const char *application_id,
                               struct app_event **out, size_t *n);
enum gcas_err store_app_decl_insert(struct db *db, const struct identity_decl *d);
/* NOTFOUND when the application has no declaration. */
enum gcas_err store_app_decl_get(struct db *db, struct arena *a, const char *application_id,
                                 struct identity_decl *out);
/* Open (draft, submitted, approved) applications of a kind about an account; org_end about an
 * org; create/change asking for an address (except_id: an application not to count, or NULL). */
enum gcas_err store_app_open_for_account(struct db *db, const char *account_id, enum app_kind kind,
                                         int64_t *n);
enum gcas_err store_app_open_for_org(struct db *db, const char *org_id, int64_t *n);
enum gcas_err store_app_open_for_email(struct db *db, const char *email, const char *except_id,
                                       int64_t *n);
/* R2.6 + R2.7: the id (in a) of the oldest open application of a kind about an account;
 * NOTFOUND when none is open. */
enum gcas_err store_app_open_id_for_account(struct db *db, struct arena *a, const char *account_id,
                                            enum app_kind kind, const char **id);
/* R2.9: *ended = 1 when org_id, or the agency or project team it sits in, has ended its use
 * (orgs.ended_at set); 0 otherwise, also for an unknown id. */
enum gcas_err store_app_org_ended(struct db *db, const char *org_id, int *ended);

/* R2.9 organisation end, for org_id and the orgs below it. Up to limit open (draft, submitted,
 * approved) applications of the scope other than except_id (may be NULL), oldest first. */
enum gcas_err store_app_scope_open(struct db *db, struct arena *a, const char *org_id,
                                   const char *except_id, int limit, struct application **out,
                                   size_t *n);
/* 5.2.1: remove the scope's personal data from the application records: subject_label becomes
 * label, email NULL and payload "{}" (org_end applications keep their organisation's name);
 * declarations made and history rows written by the scope's accounts carry the account id
 * instead of its name or address. *n (may be NULL): applications changed. */
enum gcas_err store_app_scope_scrub(struct db *db, const char *org_id, const char *label,
                                    int64_t *n);

/* The list, narrowed in SQL. Scope fields (NULL = not narrowed) apply only when scoped is 1;
 * own_id's applications are always included. Other fields filter (NULL / -1 = any).
 * queue = 1 orders by due date (keyset on due_on, id), else newest first. */
struct store_app_filter {
	const char *agency_id, *project_id, *org_id;
	int scoped;
	const char *own_id;
	int state, kind;
	int needs_approval; /* -1 any */
	const char *not_applicant;
	const char *import_id, *account_id;
	const char *due_before; /* YYYY-MM-DD: due_on < this */
	int queue;
};
enum gcas_err store_app_list(struct db *db, struct arena *a, const struct store_app_filter *f,
                             struct page *pg, struct application **out, size_t *n);

/* R2.3: every application decided (approved) in [from, to) that went on (approved, fulfilled or
 * failed); cb is called once per row with its kind, state, due date and fulfilment time. */
typedef void (*store_app_slo_fn)(void *ctx, enum app_kind kind, enum app_state state,
                                 const char *due_on, int64_t fulfilled_at);
enum gcas_err store_app_slo_rows(struct db *db, int64_t from, int64_t to, store_app_slo_fn cb,
                                 void *ctx);

/* Active accounts with role r (agency_id / project_id NULL = any), at most 100: the people to
 * notify. Only id, email and names are filled. */
enum gcas_err store_app_approvers(struct db *db, struct arena *a, enum role r,
                                  const char *agency_id, const char *project_id,
                                  struct account **out, size_t *n);

/* R2.4: back from disabled to status s (active or pending), a fresh inactivity period from at,
 * warnings cleared. NOTFOUND when the account is not disabled. */
enum gcas_err store_account_reenable(struct db *db, const char *id, enum account_status s,
                                     int64_t at);
/* Names, role and the pending address (NULL: none) of acc->id at `at`. NOTFOUND when deleted. */
enum gcas_err store_account_change(struct db *db, const struct account *acc, int64_t at);

#endif
