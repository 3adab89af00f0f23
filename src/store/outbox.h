/* SPDX-License-Identifier: MIT */
/* Typed store operations for the mail outbox (R5.5), the operator's blocklist of list and
 * shared addresses (R2.8), address verification state on accounts, and one-time links checked
 * by purpose. Same contract as store/store.h: a struct db from store_tx()/store_run(), records
 * read are allocated in the caller's arena. */
#ifndef GCAS_STORE_OUTBOX_H
#define GCAS_STORE_OUTBOX_H

#include "store/store.h"

/* One outbox row. state is "queued", "sent" or "failed". sensitive != 0: the body carries a
 * secret (svc/mail.h mail_enqueue_secret): stored sealed when a signer exists, erased after. */
struct outbox_msg {
	const char *id, *to_addr, *account_id, *template_name, *subject, *body, *state;
	int64_t attempts, next_attempt_at, lease_until;
	const char *last_error;
	int64_t created_at, sent_at;
	int64_t sensitive;
};

/* Queue m (state queued, attempts 0, next_attempt_at = created_at = m->created_at). Uses id,
 * to_addr, account_id (may be NULL), template_name, subject, body, created_at, sensitive. */
enum gcas_err store_outbox_insert(struct db *db, const struct outbox_msg *m);
/* The same for n messages in one statement (one round trip); all or none. sensitive is not
 * written (0): batch notices carry no secrets. */
enum gcas_err store_outbox_insert_many(struct db *db, const struct outbox_msg *m, size_t n);
/* Lease up to limit queued messages due at now (next_attempt_at <= now and no live lease) until
 * lease_until; they are returned (arena) and skipped by other leasers until then. */
enum gcas_err store_outbox_lease(struct db *db, struct arena *a, int64_t now, int64_t lease_until,
                                 int limit, struct outbox_msg **out, size_t *n);
/* Delivered: state sent. NOTFOUND when the message is no longer queued. */
enum gcas_err store_outbox_sent(struct db *db, const char *id, int64_t at);
/* A failed attempt: attempts, next try, error text; failed != 0 ends retries (state failed). */
enum gcas_err store_outbox_retry(struct db *db, const char *id, int64_t attempts,
                                 int64_t next_attempt_at, const char *error, int failed);
/* Replace the body of a sensitive message (no change to any other row: *n, may be NULL, is 0
 * then). Called in the transaction that marks it sent or failed. */
enum gcas_err store_outbox_erase_body(struct db *db, const char *id, const char *body, int64_t *n);
/* Delete up to limit sent messages with sent_at < before and failed ones with created_at <
 * before (queued ones never); *n the rows deleted. Callers loop until *n < limit. */
enum gcas_err store_outbox_purge(struct db *db, int64_t before, int limit, int64_t *n);
enum gcas_err store_outbox_get(struct db *db, struct arena *a, const char *id,
                               struct outbox_msg *out);
/* Oldest first; state / to_addr NULL = any; at most limit (<= 1000). For the CLI and tests. */
enum gcas_err store_outbox_list(struct db *db, struct arena *a, const char *state,
                                const char *to_addr, int limit, struct outbox_msg **out, size_t *n);
enum gcas_err store_outbox_count(struct db *db, const char *state, int64_t *n);
/* R2.9 + 5.2.1: delete every message (any state) to the accounts of org_id and the orgs below it
 * (by account_id, or by their address or pending address), and the application mails about the
 * scope's applications (found by the page address in the body) sent to anyone; *n (may be NULL)
 * the rows deleted. */
enum gcas_err store_outbox_delete_for_org(struct db *db, const char *org_id, int64_t *n);

/* The blocklist. pattern is stored as given (the service lower-cases it); a duplicate pattern is
 * GCAS_ERR_CONFLICT. */
struct blocklist_row {
	const char *id, *pattern, *note, *created_by;
	int64_t created_at;
};
enum gcas_err store_blocklist_insert(struct db *db, const struct blocklist_row *r);
enum gcas_err store_blocklist_get(struct db *db, struct arena *a, const char *id,
                                  struct blocklist_row *out);
/* NOTFOUND when no such entry. */
enum gcas_err store_blocklist_delete(struct db *db, const char *id);
/* Every entry ordered by pattern, at most limit (<= 10000). */
enum gcas_err store_blocklist_list(struct db *db, struct arena *a, int limit,
                                   struct blocklist_row **out, size_t *n);

/* Number of live (not deleted) accounts other than except_account_id (NULL: none excepted)
 * whose address or pending address equals email, ignoring ASCII case. */
enum gcas_err store_email_in_use(struct db *db, const char *email, const char *except_account_id,
                                 int64_t *n);
/* Record an address change awaiting verification (NULL clears it); bumps version. */
enum gcas_err store_account_set_pending_email(struct db *db, const char *id, const char *pending,
                                              int64_t at);
/* The account's current address answered a link (set-up): email_verified_at = at. */
enum gcas_err store_account_email_verified(struct db *db, const char *id, int64_t at);
/* The pending address becomes the address, verified at at. NOTFOUND when none is pending;
 * CONFLICT when another account holds it (unique index). */
enum gcas_err store_account_email_apply(struct db *db, const char *id, int64_t at);

/* One-time links restricted to purpose ("setup" / "verify"): like store_link_peek/use, but a link
 * of another purpose is NOTFOUND. */
enum gcas_err store_link_peek_purpose(struct db *db, struct arena *a, const char *id_hash,
                                      const char *purpose, int64_t now, const char **account_id);
enum gcas_err store_link_use_purpose(struct db *db, struct arena *a, const char *id_hash,
                                     const char *purpose, int64_t now, const char **account_id);
/* Retire the account's unused links of that purpose (a new verification replaces older ones). */
enum gcas_err store_link_revoke_purpose(struct db *db, const char *account_id, const char *purpose,
                                        int64_t now);

#endif
