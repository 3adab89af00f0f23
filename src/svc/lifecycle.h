/* SPDX-License-Identifier: MIT */
/* What happens to accounts over time: the 90-day inactivity rule (R2.4), departures (R2.6) and
 * organisations ending their use (R2.9). The jobs are idempotent and safe with several nodes. */
#ifndef GCAS_SVC_LIFECYCLE_H
#define GCAS_SVC_LIFECYCLE_H

#include "core/application.h"
#include "svc/env.h"

/* The daily job (R2.4, 別表1): warn each account unused for inactivity_days - 14 and - 3 days
 * (the account by mail, once per stage, and its certifying managers in one digest per sweep),
 * and disable every account
 * unused for inactivity_days counting from the later of activation and last sign-in (creation
 * when never activated), with the reason, its sessions and tokens ended, an audit record and a
 * notification. Works in batches so memory stays flat over a million accounts. */
enum gcas_err svc_inactivity_sweep(const struct env *env, int64_t *disabled);

/* R2.6: the manager records a person's departure: the date is kept on the account, the person is
 * removed from every group, and a deletion application is made (flagged late when submitted later
 * than 5 business days before the date). *app receives the application. */
enum gcas_err svc_departure(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *account_id, const char *departure_on, const char *reason,
                            struct application *app, struct verrs *ve);
/* R2.6 for the form: *late = 1 when a departure on departure_on (YYYY-MM-DD), applied today (JST),
 * is later than 5 business days before it (the administrative calendar, R2.10). INVALID when the
 * date does not parse. */
enum gcas_err svc_departure_late(const struct env *env, struct arena *a, const char *departure_on,
                                 int *late);
/* The job: disable every account whose departure date has ended (JST), whatever else happened. */
enum gcas_err svc_departure_sweep(const struct env *env, int64_t *disabled);

/* R2.9 fulfilment, inside the caller's transaction (svc_app_fulfil calls it for org_end): delete
 * the organisation's accounts (tombstones with personal data removed), groups, memberships,
 * sessions, tokens and the organisations below it; keep the audit records (5.2.1) and write a
 * deletion record. *deleted counts the accounts deleted. */
enum gcas_err lifecycle_org_end_tx(struct db *db, const struct env *env, struct arena *a,
                                   const struct actor *ac, const char *org_id,
                                   const char *application_id, int64_t *deleted);

#endif
