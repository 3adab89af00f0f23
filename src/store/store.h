/* SPDX-License-Identifier: MIT */
/* The typed store API: the only way the program reads or writes the database. Every operation
 * runs one statement of the closed table (stmt.c) with bound parameters. Operations take a
 * `struct db *` obtained inside store_tx(), so every use case is one transaction.
 * Records read are allocated in the caller's arena. Thread-safety: a struct store is shared by
 * all threads; a struct db (connection) is used by one thread at a time. */
#ifndef GCAS_STORE_STORE_H
#define GCAS_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/model.h"
#include "core/throttle.h"

struct store;
struct db;

/* Open a store: "sqlite:PATH" or a plain file path → SQLite (WAL, synchronous=FULL, foreign keys);
 * "postgresql://..." or "postgres://..." → PostgreSQL. pool = connections kept (>= 1).
 * On failure returns NULL and writes a reason into why. */
struct store *store_open(const char *dsn, int pool, char *why, size_t why_len);
void store_close(struct store *st);
/* "sqlite" | "postgresql" */
const char *store_engine(const struct store *st);

/* Schema. migrate applies every embedded migration not yet applied (forward only). */
enum gcas_err store_migrate(struct store *st, int *applied, char *why, size_t why_len);
/* Current schema version of the database and the newest one this binary carries. */
enum gcas_err store_schema_version(struct store *st, int *db_version, int *binary_version);

/* Run fn(db, ctx) in one transaction: commit when it returns GCAS_OK, roll back otherwise.
 * Retries the whole function (rolled back first) on SQLITE_BUSY and on PostgreSQL 40001/40P01,
 * up to 8 times with growing randomised backoff, so fn must be safe to re-run. On SQLite, fn may
 * run on another thread inside a batch (group commit: each fn in its own savepoint, one COMMIT),
 * so fn must use only db and ctx — no thread-local state — and its effects outside the database
 * must wait until store_tx has returned GCAS_OK. */
typedef enum gcas_err (*store_tx_fn)(struct db *db, void *ctx);
enum gcas_err store_tx(struct store *st, store_tx_fn fn, void *ctx);
/* Same without a transaction (one statement = one implicit transaction): for reads. */
enum gcas_err store_run(struct store *st, store_tx_fn fn, void *ctx);

/* Paging: list operations take an opaque cursor (NULL = first page; the id/key of the last row
 * returned) and a limit; *next is set to the cursor of the next page or NULL at the end. */
struct page {
	const char *after;
	int limit;
	const char *next; /* out */
};

/* --- organisations --- */
enum gcas_err store_org_insert(struct db *db, const struct org *o);
enum gcas_err store_org_get(struct db *db, struct arena *a, const char *id, struct org *out);
enum gcas_err store_org_get_by_code(struct db *db, struct arena *a, const char *code,
                                    struct org *out);
enum gcas_err store_org_operator(struct db *db, struct arena *a, struct org *out);
enum gcas_err store_org_update_name(struct db *db, const char *id, const char *name, int64_t at);
/* Orgs visible in a scope: agency_id NULL = all; kind < 0 = any kind. */
enum gcas_err store_org_list(struct db *db, struct arena *a, const char *agency_id, int kind,
                             struct page *pg, struct org **out, size_t *n);
/* The same narrowed further (the permission matrix's scope pushed into SQL, so pages and
 * cursors never count rows the reader may not see): NULL fields do not filter. */
struct org_filter {
	const char *agency_id, *project_id, *id;
	int kind; /* -1 any */
};
enum gcas_err store_org_list_filtered(struct db *db, struct arena *a, const struct org_filter *f,
                                      struct page *pg, struct org **out, size_t *n);

/* --- accounts --- */
enum gcas_err store_account_insert(struct db *db, const struct account *acc);
enum gcas_err store_account_get(struct db *db, struct arena *a, const char *id,
                                struct account *out);
enum gcas_err store_account_get_by_email(struct db *db, struct arena *a, const char *email,
                                         struct account *out);
/* Update names/email; refuses (CONFLICT) when version differs; bumps version. */
enum gcas_err store_account_update(struct db *db, const struct account *acc, int64_t at);
enum gcas_err store_account_set_status(struct db *db, const char *id, enum account_status s,
                                       const char *reason, int64_t at);
enum gcas_err store_account_set_password(struct db *db, const char *id, const char *hash,
                                         int64_t at);
/* Records a successful sign-in; activates a pending account. */
enum gcas_err store_account_signed_in(struct db *db, const char *id, int64_t at);
/* Filter: agency_id / project_id NULL = any; q = substring of email or name, NULL = any. */
struct account_filter {
	const char *agency_id, *project_id, *org_id, *q;
	const char *id; /* one account only (a reader who may see only themselves) */
	int role;       /* -1 any */
	int status;     /* -1 any (deleted excluded unless asked) */
};
enum gcas_err store_account_list(struct db *db, struct arena *a, const struct account_filter *f,
                                 struct page *pg, struct account **out, size_t *n);
enum gcas_err store_account_count(struct db *db, int64_t *n);
enum gcas_err store_operator_count(struct db *db, int64_t *n);

/* --- second factors --- */
enum gcas_err store_factor_insert(struct db *db, const struct factor *f);
enum gcas_err store_factor_list(struct db *db, struct arena *a, const char *account_id,
                                struct factor **out, size_t *n);
enum gcas_err store_factor_confirm(struct db *db, const char *id, int64_t at);
/* Advance a TOTP factor's last used step; CONFLICT when step <= the stored one (replay). */
enum gcas_err store_factor_use_step(struct db *db, const char *id, int64_t step, int64_t at);
/* Mark a recovery code used; CONFLICT when already used. */
enum gcas_err store_factor_use_once(struct db *db, const char *id, int64_t at);
/* *out = 1 when any account has a factor with this WebAuthn credential id (ids are UNIQUE). */
enum gcas_err store_factor_credential_exists(struct db *db, const char *credential_id, int *out);
/* Store a WebAuthn signature counter; CONFLICT unless count > the stored one (or both 0). */
enum gcas_err store_factor_use_count(struct db *db, const char *id, int64_t count, int64_t at);
enum gcas_err store_factor_delete(struct db *db, const char *id, const char *account_id);
enum gcas_err store_factor_delete_all(struct db *db, const char *account_id, int kind);

/* --- sessions --- */
enum gcas_err store_session_insert(struct db *db, const struct session *s);
enum gcas_err store_session_get(struct db *db, struct arena *a, const char *id_hash,
                                struct session *out);
enum gcas_err store_session_touch(struct db *db, const char *id_hash, int64_t at);
enum gcas_err store_session_mfa(struct db *db, const char *id_hash, int64_t at);
enum gcas_err store_session_reauth(struct db *db, const char *id_hash, int64_t at);
enum gcas_err store_session_set_lang(struct db *db, const char *id_hash, const char *lang);
enum gcas_err store_session_delete(struct db *db, const char *id_hash);
enum gcas_err store_session_delete_account(struct db *db, const char *account_id);
/* Every session of the account except keep_hash (after a password change). */
enum gcas_err store_session_delete_others(struct db *db, const char *account_id,
                                          const char *keep_hash);
/* Delete sessions idle since before idle_before or past their absolute expiry. */
enum gcas_err store_session_sweep(struct db *db, int64_t now, int64_t idle_before,
                                  int64_t *deleted);
enum gcas_err store_session_count(struct db *db, int64_t *n);
/* R7.2: the access purpose an operator declared for this session (regulation §5.2.2).
 * purpose is a category key, reason the stated reason, until when it lapses (0 = none
 * declared; purpose and reason are then NULL). */
struct session_purpose {
	const char *purpose, *reason;
	int64_t until;
};
/* Record (or replace) the session's purpose; NOTFOUND when the session is gone. */
enum gcas_err store_session_purpose_set(struct db *db, const char *id_hash, const char *purpose,
                                        const char *reason, int64_t until);
/* Read it (arena strings); NOTFOUND when the session is gone. */
enum gcas_err store_session_purpose_get(struct db *db, struct arena *a, const char *id_hash,
                                        struct session_purpose *out);

/* --- throttling of failed sign-ins (shared by every node) --- */
enum gcas_err store_throttle_get(struct db *db, const char *key, struct throttle_state *out);
/* Read a key's state and hold it for the rest of the transaction (a row lock on PostgreSQL;
 * SQLite's BEGIN IMMEDIATE already serialises writers), creating it when missing, so concurrent
 * attempts are all counted. */
enum gcas_err store_throttle_lock(struct db *db, const char *key, struct throttle_state *out);
enum gcas_err store_throttle_put(struct db *db, const char *key, const struct throttle_state *t);
enum gcas_err store_throttle_clear(struct db *db, const char *key);
/* Forget counters that are unlocked and quiet since before quiet_before (guesses at unknown
 * addresses would otherwise accumulate rows for ever). */
enum gcas_err store_throttle_sweep(struct db *db, int64_t now, int64_t quiet_before,
                                   int64_t *deleted);

/* --- groups and memberships --- */
enum gcas_err store_group_insert(struct db *db, const struct group *g);
enum gcas_err store_group_get(struct db *db, struct arena *a, const char *id, struct group *out);
enum gcas_err store_group_of_org(struct db *db, struct arena *a, const char *org_id,
                                 struct group *out);
enum gcas_err store_group_list(struct db *db, struct arena *a, const char *agency_id,
                               struct page *pg, struct group **out, size_t *n);
/* Narrowed to one project team's groups as well (project_id NULL: no narrowing). */
enum gcas_err store_group_list_scoped(struct db *db, struct arena *a, const char *agency_id,
                                      const char *project_id, struct page *pg, struct group **out,
                                      size_t *n);
/* Keep a group's name in step with its organisation's. */
enum gcas_err store_group_rename_for_org(struct db *db, const char *org_id, const char *name);
enum gcas_err store_member_add(struct db *db, const struct membership *m);
enum gcas_err store_member_remove(struct db *db, const char *group_id, const char *account_id);
enum gcas_err store_member_remove_all(struct db *db, const char *account_id);
/* Memberships whose end date has passed (at most limit): group id, account id, agency id. */
struct membership_end {
	const char *group_id, *account_id, *agency_id;
};
enum gcas_err store_member_expired(struct db *db, struct arena *a, int64_t now, int limit,
                                   struct membership_end **out, size_t *n);
enum gcas_err store_member_list(struct db *db, struct arena *a, const char *group_id,
                                struct membership **out, size_t *n);

/* --- personal API tokens --- */
enum gcas_err store_token_insert(struct db *db, const struct api_token *t);
enum gcas_err store_token_get_by_hash(struct db *db, struct arena *a, const char *hash,
                                      struct api_token *out);
enum gcas_err store_token_list(struct db *db, struct arena *a, const char *account_id,
                               struct api_token **out, size_t *n);
enum gcas_err store_token_revoke(struct db *db, const char *id, const char *account_id, int64_t at);
enum gcas_err store_token_revoke_account(struct db *db, const char *account_id, int64_t at);
enum gcas_err store_token_used(struct db *db, const char *id, int64_t at);

/* --- audit log (hash chain is computed by svc/audit.c; the store keeps it) --- */
/* Lock the chain head for this transaction and read it (seq of the last record and its hash). */
enum gcas_err store_audit_head(struct db *db, struct arena *a, int64_t *seq, const char **hash);
/* The same without locking, for readers (audit verify). */
enum gcas_err store_audit_head_read(struct db *db, struct arena *a, int64_t *seq,
                                    const char **hash);
/* Insert the record that follows the head and move the head to it. The caller holds the head
 * (store_audit_head in this transaction). Both writes are deferred (db_change_later): on
 * PostgreSQL a refusal is reported by the next statement or the COMMIT. */
enum gcas_err store_audit_insert(struct db *db, const struct audit_rec *r);
/* Insert n records (already chained, in seq order) in one statement and move the head to the
 * last; inside the transaction that locked the head. */
enum gcas_err store_audit_insert_many(struct db *db, const struct audit_rec *r, size_t n);
struct audit_filter {
	const char *agency_id; /* NULL = all */
	const char *actor_id, *action_prefix, *target_id;
	int64_t since, until; /* 0 = unbounded */
};
/* Newest first, paged by seq. */
enum gcas_err store_audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
                               struct page *pg, struct audit_rec **out, size_t *n);
/* Oldest first from seq > after, at most limit rows: for verify and export in batches. */
enum gcas_err store_audit_scan(struct db *db, struct arena *a, int64_t after, int limit,
                               struct audit_rec **out, size_t *n);

/* --- one-time links (account set-up); only the SHA-256 of the link token is stored --- */
enum gcas_err store_link_insert(struct db *db, const char *id_hash, const char *account_id,
                                const char *purpose, int64_t now, int64_t expires_at);
/* Valid (unused, unexpired) link → its account id; NOTFOUND otherwise. use also consumes it. */
enum gcas_err store_link_peek(struct db *db, struct arena *a, const char *id_hash, int64_t now,
                              const char **account_id);
enum gcas_err store_link_use(struct db *db, struct arena *a, const char *id_hash, int64_t now,
                             const char **account_id);
enum gcas_err store_link_revoke_account(struct db *db, const char *account_id, int64_t now);

/* --- job leases (jobs run on one node at a time) --- */
/* Take or renew the lease on job name until until_at; GCAS_ERR_CONFLICT when another owner
 * holds an unexpired lease. */
enum gcas_err store_job_lease(struct db *db, const char *name, const char *owner, int64_t now,
                              int64_t until_at);

/* For tests and `gcas db status`: table and column names of the live schema, one
 * "table.column" per entry, sorted. */
enum gcas_err store_schema_columns(struct store *st, struct arena *a, char ***out, size_t *n);

#endif
