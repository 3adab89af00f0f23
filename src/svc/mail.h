/* SPDX-License-Identifier: MIT */
/* Mail to people (R5.5: the operator reaches users at the work address tied to their account,
 * 2.4) and the rules for those addresses (R2.8: personal addresses only, verified).
 * A use case enqueues a message into the outbox inside its own transaction, so a change and its
 * notification commit or roll back together; the mail job delivers later over SMTP (libcurl) with
 * retries and backoff, or writes .eml files to mail.dir when no SMTP server is configured. */
#ifndef GCAS_SVC_MAIL_H
#define GCAS_SVC_MAIL_H

#include "svc/env.h"

struct outbox_msg; /* store/outbox.h */

/* A message template, defined by the module that sends it (static const). Placeholders are
 * {{name}}, filled from vars; a missing variable renders empty. Both languages go into one
 * message, Japanese first (the users are Japanese civil servants). */
struct mail_tmpl {
	const char *name; /* stable id, e.g. "application.submitted" (kept in the outbox) */
	const char *subject_ja, *subject_en;
	const char *body_ja, *body_en;
};

/* Render t with vars ("key", "value", ..., NULL) and queue it for to, inside the caller's
 * transaction. account_id may be NULL (e.g. a manager's address is still an account's, pass it).
 * The common footer (service name, base_url, why this address receives mail) is added. */
enum gcas_err mail_enqueue(struct db *db, const struct env *env, struct arena *a, const char *to,
                           const char *account_id, const struct mail_tmpl *t,
                           const char *const *vars);
/* mail_enqueue for a message whose body carries a secret (an emergency credential, 別紙1): the
 * row is marked sensitive; with a signer (env->signer) the body is stored sealed
 * (signer_seal, purpose "mail") as MAIL_SEALED + the sealed text, so the database and its
 * backups do not hold the secret; without one it is stored as rendered. The mailer opens it just
 * before sending and, once the message is sent or has failed for good, replaces it with
 * mail_erased_body. The subject is never sealed: keep secrets out of it. Errors as mail_enqueue,
 * plus CRYPTO when sealing fails (nothing is queued in clear then). */
enum gcas_err mail_enqueue_secret(struct db *db, const struct env *env, struct arena *a,
                                  const char *to, const char *account_id, const struct mail_tmpl *t,
                                  const char *const *vars);
#define MAIL_SEALED "s1:"
/* What a sensitive message's body becomes once it is sent or has failed for good (Japanese,
 * then English). */
extern const char mail_erased_body[];
/* The body of m as it is delivered: a sealed body opened (in a), any other as stored. CRYPTO
 * when it is sealed and cannot be opened (no signer, another key). */
enum gcas_err mail_body_open(const struct env *env, struct arena *a, const struct outbox_msg *m,
                             const char **body);
/* The same rendering without queueing: *out (id, to_addr, subject and body in the arena;
 * account_id and template_name borrowed) is ready for store_outbox_insert_many, so a batch job
 * writes its messages in one statement. INVALID for an unusable address or text. */
enum gcas_err mail_render(const struct env *env, struct arena *a, const char *to,
                          const char *account_id, const struct mail_tmpl *t,
                          const char *const *vars, struct outbox_msg *out);

/* R2.8: 1 when email may be registered for a person: well formed, not a role or list address
 * (common role local parts such as info@, admin@, support@, ml-…; and every entry of the
 * operator's blocklist, exact or glob), and not used by another account (except_account_id,
 * which may be NULL). Otherwise adds a message for field to ve and returns 0; database errors are
 * returned through *err (GCAS_OK otherwise). */
int mail_address_acceptable(struct db *db, struct arena *a, const char *email,
                            const char *except_account_id, const char *field, struct verrs *ve,
                            enum gcas_err *err);

/* A new account's set-up link (one-time, expiring; using it verifies the address) sent to the
 * account's address. link_token is the raw token (the URL is base_url/setup/TOKEN). */
enum gcas_err mail_send_setup_link(struct db *db, const struct env *env, struct arena *a,
                                   const struct account *acc, const char *link_token);
/* Issue a 'verify' link for acc->pending_email and mail it there (an address change waits for it).
 */
enum gcas_err mail_send_verification(struct db *db, const struct env *env, struct arena *a,
                                     const struct account *acc, int64_t now);
/* Consume a verify link: the pending address becomes the account's address, verified. Expired,
 * used or unknown links: GCAS_ERR_NOTFOUND. Audited. */
enum gcas_err svc_email_verify(const struct env *env, struct arena *a, const char *token,
                               const char *ip, struct account *out);

/* The verify page's GET: the account whose pending address a valid link would confirm (nothing
 * changes: mail scanners follow links). GCAS_ERR_NOTFOUND as for svc_email_verify. */
enum gcas_err svc_email_verify_peek(const struct env *env, struct arena *a, const char *token,
                                    struct account *out);
/* svc_email_verify also answers GCAS_ERR_CONFLICT (link left unused) when another account took
 * the pending address meanwhile. */

/* The operator's blocklist of list and shared addresses (exact addresses or glob patterns such as
 * "ml-*@example.go.jp"). Operator only. */
struct mail_block {
	const char *id, *pattern, *note, *created_by;
	int64_t created_at;
};
enum gcas_err svc_mail_block_add(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *pattern, const char *note, struct verrs *ve);
enum gcas_err svc_mail_block_remove(const struct env *env, const struct actor *ac, struct arena *a,
                                    const char *id);
enum gcas_err svc_mail_block_list(const struct env *env, const struct actor *ac, struct arena *a,
                                  struct mail_block **out, size_t *n);

/* The job: deliver every due queued message; failures are retried with exponential backoff
 * (1 min doubling to 6 h) and end as failed after 10 attempts. Safe with several nodes (each
 * message is leased before sending). *sent counts delivered messages. */
enum gcas_err svc_mail_deliver(const struct env *env, int64_t *sent);
/* The job: delete sent messages whose sent_at, and failed ones whose created_at, is older than
 * cfg->mail_retention, in batches (queued messages are never deleted); *n the rows deleted. */
enum gcas_err svc_mail_purge(const struct env *env, int64_t *n);

#endif
