/* SPDX-License-Identifier: MIT */
/* Typed store operations for the account lifecycle over time: the inactivity sweep (R2.4),
 * departures (R2.6) and organisations ending their use (R2.9). Same contracts as store.h: run
 * inside store_tx(), records allocated in the caller's arena. */
#ifndef GCAS_STORE_LIFECYCLE_H
#define GCAS_STORE_LIFECYCLE_H

#include "store/store.h"

/* What a sweep needs of a candidate account (a subset of struct account). */
struct life_cand {
	const char *id, *email, *family_name, *given_name;
	enum role role;
	const char *org_id, *agency_id, *project_id;
	int64_t last_active_at;
	const char *departure_on;
};

/* Up to limit non-operator accounts of status s with lo <= last_active_at <= hi whose last
 * warning stage is 0 or greater than stage (stage -1: any), oldest first. */
enum gcas_err store_life_inactive_pick(struct db *db, struct arena *a, enum account_status s,
                                       int64_t lo, int64_t hi, int stage, int limit,
                                       struct life_cand **out, size_t *n);
/* Disable one account if it is still active or pending, not an operator, and unused since
 * cutoff. *changed = 1 when this call disabled it, 0 when it no longer qualified. */
enum gcas_err store_life_inactive_disable(struct db *db, const char *id, int64_t cutoff,
                                          const char *reason, int64_t at, int *changed);
/* Record warning stage (days before) for one account if it still qualifies (same conditions,
 * and its last stage is 0 or greater). *changed as above. */
enum gcas_err store_life_inactive_warn(struct db *db, const char *id, int64_t cutoff, int stage,
                                       int *changed);
/* Active accounts holding role in a scope, at most 20, by address: the operators for
 * ROLE_OPERATOR (the ids are ignored); otherwise within agency_id (required: none found without
 * it), narrowed to project_id and org_id when they are not NULL. */
enum gcas_err store_life_managers(struct db *db, struct arena *a, enum role role,
                                  const char *agency_id, const char *project_id, const char *org_id,
                                  struct life_cand **out, size_t *n);

/* R2.6: record the departure date (YYYY-MM-DD) on a live account (NOTFOUND otherwise). */
enum gcas_err store_life_set_departure(struct db *db, const char *id, const char *day, int64_t at);
/* Up to limit active or pending accounts whose departure_on is before today (YYYY-MM-DD). */
enum gcas_err store_life_departed_pick(struct db *db, struct arena *a, const char *today, int limit,
                                       struct life_cand **out, size_t *n);
/* Disable one of them if it still qualifies; *changed as above. */
enum gcas_err store_life_departed_disable(struct db *db, const char *id, const char *today,
                                          const char *reason, int64_t at, int *changed);

/* R2.9: what ending org_id (and every organisation below it) removed. */
struct life_org_end {
	int64_t orgs, accounts, groups, memberships, sessions, tokens, factors;
};
/* Delete the scope's factors, sessions, tokens, links, memberships and groups, turn its accounts
 * into tombstones (reason, names replaced by name/kana, address deleted+<id>@invalid) and mark
 * its organisations ended at `at`. The org rows, applications and audit records stay. */
enum gcas_err store_life_org_end(struct db *db, const char *org_id, const char *reason,
                                 const char *name, const char *kana, int64_t at,
                                 struct life_org_end *out);

#endif
