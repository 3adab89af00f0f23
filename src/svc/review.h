/* SPDX-License-Identifier: MIT */
/* Periodic review campaigns (R2.7, regulation 別表1 second row: each account's necessity,
 * validity, period of use and scope of privileges are re-certified periodically). The operator
 * opens a campaign; every account in scope (not deleted, not an operator) gets one item that the
 * certifying role of its chain decides (keep / change / remove, with a reason). Undecided items
 * escalate up the chain at their deadline; "remove" files a deletion application. Each use case
 * is authorise → validate → one transaction with its audit record and its mail (outbox). */
#ifndef GCAS_SVC_REVIEW_H
#define GCAS_SVC_REVIEW_H

#include "base/buf.h"
#include "store/review.h"
#include "svc/env.h"

struct review_open_input {
	const char *name;      /* required, <= 100 characters */
	const char *deadline;  /* "YYYY-MM-DD" (JST, the end of that day), after today */
	const char *agency_id; /* NULL or "": every agency */
};

/* Days of grace added to an escalated item's deadline (business days, R2.10 calendar). */
#define REVIEW_ESCALATION_BUSINESS_DAYS 5

/* Open a campaign (ACT_REVIEW_MANAGE: the operator). Creates the items in one transaction with
 * the "review.open" audit record (detail: the item count) and one "review.assigned" mail per
 * person who may decide. Field errors → GCAS_ERR_INVALID with ve; refusal → GCAS_ERR_DENIED
 * (audited). out (may be NULL) receives the campaign with its counts. */
enum gcas_err svc_review_open(const struct env *env, const struct actor *ac, struct arena *a,
                              const struct review_open_input *in, struct review_campaign *out,
                              struct verrs *ve);
/* Close an open campaign (operator). Undecided items stay recorded as undecided. CONFLICT when
 * already closed; audited "review.close". */
enum gcas_err svc_review_close(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *id);
/* Campaigns the reader takes part in, newest first, with counts narrowed to the items the
 * reader may see (the operator: all campaigns and items). Staff roles get nothing. */
enum gcas_err svc_review_list(const struct env *env, const struct actor *ac, struct arena *a,
                              struct page *pg, struct review_campaign **out, size_t *n);
/* One campaign with counts of the items the reader may see. DENIED (audited) when the reader
 * has no part in it; NOTFOUND when it does not exist. */
enum gcas_err svc_review_get(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, struct review_campaign *out);
/* Items the reader may see: campaign_id NULL = across open campaigns. mine = 1: only the items
 * the reader is to decide (their reviewer role in their scope); undecided = 1: undecided only.
 * The operator sees every item, an agency manager every item of their agency, project and
 * contractor managers the items they decide. */
enum gcas_err svc_review_items(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *campaign_id, int mine, int undecided, struct page *pg,
                               struct review_item **out, size_t *n);
/* 1 when ac may decide it now (pure; the use case checks the matrix as well): the item is
 * undecided in an open campaign, and ac is the operator or holds its reviewer role in the
 * account's scope (agency / project team / contractor company), and is not its subject. */
int review_can_decide(const struct actor *ac, const struct review_item *it);
/* Decide an item (campaign_id: NULL, or the campaign the item must belong to, else NOTFOUND):
 * decision "keep" | "change" | "remove", reason required (an Individual Number
 * is refused). A decision is final (CONFLICT when decided already or the campaign is closed).
 * "remove" also files a deletion application (svc/applications.h) when the decider may apply
 * for the account; the item's result says which application was made. Audited "review.decide".
 * out (may be NULL) receives the item as decided. */
enum gcas_err svc_review_decide(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *campaign_id, const char *item_id, const char *decision,
                                const char *reason, struct review_item *out, struct verrs *ve);
/* The campaign's results as CSV (RFC 4180, CRLF, UTF-8 with a byte-order mark so Excel reads
 * Japanese), appended to out: account email, name, role, organisation, reviewer role,
 * escalations, decision, reason, decided by, decided at (JST). ACT_REVIEW_VIEW: the operator
 * every row, an agency manager their agency's rows. Cells starting with = + - @ are prefixed
 * with ' so a spreadsheet never runs them as formulas. Audited "review.export". *rows counts
 * the data rows (may be NULL). */
enum gcas_err svc_review_export(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *id, struct buf *out, int64_t *rows);
/* The job (hourly): escalate undecided items past their deadline one step up the chain
 * (project_manager → agency_manager → operator; items at the operator stay there) with a new
 * deadline 5 business days later, mail the new reviewers, and send reminders 7 days and 1 day
 * before each deadline (once each). *count = items escalated + reminded. */
enum gcas_err svc_review_run(const struct env *env, int64_t *count);

/* Labels: "keep" → 継続 / Keep etc.; NULL or unknown → 未判断 / Undecided. */
const char *review_decision_label(const char *decision, int english);

#endif
