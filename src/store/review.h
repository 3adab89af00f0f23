/* SPDX-License-Identifier: MIT */
/* Typed store operations for periodic review campaigns (R2.7): campaigns, their items (one per
 * account to re-certify), decisions, escalation up the certification chain, reminders and the
 * notifications they owe. Records are allocated in the caller's arena. */
#ifndef GCAS_STORE_REVIEW_H
#define GCAS_STORE_REVIEW_H

#include "store/store.h"

struct review_campaign {
	const char *id, *name;
	const char *agency_id; /* NULL: every agency */
	const char *state;     /* "open" | "closed" */
	const char *opened_by;
	int64_t opened_at, deadline_at, closed_at;
	int64_t items, decided; /* counts within the scope the query was asked for */
};

struct review_item {
	const char *id, *campaign_id, *campaign_name, *campaign_state;
	const char *account_id, *org_id, *agency_id, *project_id;
	enum role reviewer_role; /* the certifying role that may decide (2.2.2) */
	int escalations;
	int64_t deadline_at;
	const char *decision; /* "keep" | "change" | "remove", NULL while undecided */
	const char *reason;
	const char *decided_by, *decided_by_email;
	int64_t decided_at;
	const char *application_id; /* remove: the deletion application filed, or NULL */
	const char *result;         /* what the decision led to, or NULL */
	int64_t reminded_at;
	/* the account, joined */
	const char *email, *family_name, *given_name;
	enum role role;
	enum account_status status;
	const char *org_name;
};

/* Which items: every NULL / 0 field does not filter. */
struct review_item_filter {
	const char *campaign_id;
	const char *agency_id, *project_id, *org_id;
	int reviewer_role; /* -1 any */
	int undecided;     /* 1: only undecided items */
	int open_only;     /* 1: only items of open campaigns */
};

enum gcas_err store_review_campaign_insert(struct db *db, const struct review_campaign *c);
/* One campaign with its item counts narrowed by scope f (campaign_id ignored; NULL = all). */
enum gcas_err store_review_campaign_get(struct db *db, struct arena *a, const char *id,
                                        const struct review_item_filter *f,
                                        struct review_campaign *out);
/* Campaigns newest first: agency_id NULL = all, else that agency's and every-agency ones;
 * counts narrowed by f. Paged (cursor opaque). */
enum gcas_err store_review_campaign_list(struct db *db, struct arena *a, const char *agency_id,
                                         const struct review_item_filter *f, struct page *pg,
                                         struct review_campaign **out, size_t *n);
/* open → closed; CONFLICT when already closed, NOTFOUND when missing (caller checks first). */
enum gcas_err store_review_campaign_close(struct db *db, const char *id, int64_t at);

/* A new item; it is marked as owing an "assigned" notification (store_review_mail_pending). */
enum gcas_err store_review_item_insert(struct db *db, const struct review_item *it,
                                       int64_t deadline_at);
enum gcas_err store_review_item_get(struct db *db, struct arena *a, const char *id,
                                    struct review_item *out);
/* Items ordered by the account's address; paged. */
enum gcas_err store_review_item_list(struct db *db, struct arena *a,
                                     const struct review_item_filter *f, struct page *pg,
                                     struct review_item **out, size_t *n);
/* Record a decision; CONFLICT when the item was already decided. */
enum gcas_err store_review_item_decide(struct db *db, const char *id, const char *decision,
                                       const char *reason, const char *decided_by, int64_t at);
enum gcas_err store_review_item_result(struct db *db, const char *id, const char *application_id,
                                       const char *result);
/* Undecided items of open campaigns whose deadline passed before now and whose reviewer is not
 * the operator yet (at most limit). */
enum gcas_err store_review_item_overdue(struct db *db, struct arena *a, int64_t now, int limit,
                                        struct review_item **out, size_t *n);
/* Move an undecided item to reviewer_role with a new deadline; it owes an "assigned" mail. */
enum gcas_err store_review_item_escalate(struct db *db, const char *id, enum role reviewer_role,
                                         int64_t deadline_at, int64_t now);
/* Mark the undecided items due for a reminder (7 days / 1 day before their deadline, once
 * each) as owing a "reminder" mail; *marked counts them. */
enum gcas_err store_review_remind_mark(struct db *db, int64_t now, int64_t *marked);

/* One notification owed: a person who may decide, the campaign, and how many items. */
struct review_mail {
	const char *account_id, *email, *family_name, *given_name;
	const char *campaign_id, *campaign_name;
	const char *kind; /* "assigned" | "reminder" */
	int64_t items, deadline_at;
};
/* Notifications owed (campaign_id NULL = every campaign), at most max. */
enum gcas_err store_review_mail_pending(struct db *db, struct arena *a, const char *campaign_id,
                                        size_t max, struct review_mail **out, size_t *n);
/* Forget what is owed (after queuing the mail in the same transaction). */
enum gcas_err store_review_mail_clear(struct db *db, const char *campaign_id);

#endif
