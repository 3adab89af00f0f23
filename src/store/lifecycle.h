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

/* R2.4: what makes an account due. Cuts are last_active_at bounds (inclusive): unused since
 * disable_cut → disable; since late_cut and last warned at 0 or a stage above late_stage → warn
 * late_stage; likewise early_cut / early_stage. by_operator is the role the operators certify
 * (core/application.h role_certifier), walked apart so they get one digest per sweep. */
struct life_due {
	int64_t disable_cut, late_cut, early_cut;
	int late_stage, early_stage;
	enum role by_operator;
};
/* Up to limit due live non-operator accounts, not of role by_operator, whose agency_id >=
 * after_agency (NULL: from the start), by agency. */
enum gcas_err store_life_inactive_pick(struct db *db, struct arena *a, const struct life_due *d,
                                       const char *after_agency, int limit, struct life_cand **out,
                                       size_t *n);
/* The same for the accounts of role by_operator, last_active_at >= after_at, oldest first. */
enum gcas_err store_life_inactive_pick_role(struct db *db, struct arena *a,
                                            const struct life_due *d, int64_t after_at, int limit,
                                            struct life_cand **out, size_t *n);
/* Disable those of ids (n) still live, not operators and unused since cutoff, in one statement;
 * *changed (arena, *nchanged) lists the ids this call disabled (another node may have been first).
 */
enum gcas_err store_life_inactive_disable_many(struct db *db, struct arena *a,
                                               const char *const *ids, size_t n, int64_t cutoff,
                                               const char *reason, int64_t at,
                                               const char ***changed, size_t *nchanged);
/* Record warning stage on those of ids that still qualify (as above, last stage 0 or greater);
 * *changed lists them. */
enum gcas_err store_life_inactive_warn_many(struct db *db, struct arena *a, const char *const *ids,
                                            size_t n, int64_t cutoff, int stage,
                                            const char ***changed, size_t *nchanged);
/* End access of ids at once: delete their sessions, revoke their API tokens and set-up links. */
enum gcas_err store_life_end_access_many(struct db *db, struct arena *a, const char *const *ids,
                                         size_t n, int64_t at);
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
