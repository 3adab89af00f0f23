/* SPDX-License-Identifier: MIT */
/* Typed store operations for BreakGlass (issue 4 §6, R4.5): registrations of requesters and
 * approvers per environment, emergency requests with their history, and the local driver's
 * emergency users. Every function runs inside the caller's transaction (store_tx / store_run);
 * records read are allocated in a. */
#ifndef GCAS_STORE_BREAKGLASS_H
#define GCAS_STORE_BREAKGLASS_H

#include <stdint.h>

#include "store/store.h"

enum bg_role { BG_REQUESTER, BG_APPROVER, BG_ROLE__MAX };
enum bg_state {
	BG_SUBMITTED, /* waiting for an approver */
	BG_APPROVED,  /* approved; the credential is being issued (retried by the job) */
	BG_REJECTED,
	BG_ISSUED,  /* a live credential exists at the CSP */
	BG_EXPIRED, /* revoked at the CSP at its expiry */
	BG_REVOKED, /* ended early (requester, approver, operator), or approved but withdrawn */
	BG_FAILED,  /* the driver never issued it */
	BG_STATE__MAX
};

/* Storage names ("requester", "issued"); parse gives -1 when unknown. */
const char *bg_role_name(enum bg_role r);
int bg_role_parse(const char *s);
const char *bg_state_name(enum bg_state s);
int bg_state_parse(const char *s);

struct bg_registration {
	const char *id, *account_id, *environment_id, *project_id, *agency_id;
	enum bg_role role;
	const char *registered_by;
	int64_t registered_at;
	const char *revoked_by;
	int64_t revoked_at;                    /* 0 while live */
	const char *email;                     /* joined (read only): the account's address, */
	const char *env_external_id, *env_csp; /* the environment's CSP-side id and CSP */
};

struct bg_request {
	const char *id, *requester_id, *environment_id, *project_id, *agency_id;
	const char *reason, *critical_work, *work_date; /* work_date YYYY-MM-DD (JST) */
	int64_t ttl;                                    /* seconds asked for */
	enum bg_state state;
	const char *approver_id;
	int64_t decided_at;
	const char *decision_note;
	const char *credential_id, *login_url;
	int64_t issued_at, expires_at, revoke_requested_at;
	const char *revoked_by;
	int64_t ended_at;
	const char *idempotency_key;
	int64_t attempts, next_attempt_at, lease_until;
	const char *last_error;
	int64_t created_at, updated_at;
	/* joined (read only): addresses (approver NULL until decided), the environment's CSP-side
	 * id and CSP */
	const char *requester_email, *approver_email, *env_external_id, *env_csp;
};

struct bg_event {
	const char *request_id;
	int64_t seq, at;
	const char *actor_id; /* NULL for the system */
	const char *event, *note;
};

/* One emergency user of the simulated cloud. */
struct local_bg_cred {
	const char *id, *cloud_id, *idempotency_key, *person_email, *privilege, *secret_hash;
	int64_t expires_at, revoked_at, created_at, last_used_at;
};

/* Registrations. Insert: CONFLICT when the same live (account, environment, role) exists.
 * Get / live: NOTFOUND. Revoke: NOTFOUND when there is no such live registration. */
enum gcas_err store_bg_reg_insert(struct db *db, const struct bg_registration *r);
enum gcas_err store_bg_reg_get(struct db *db, struct arena *a, const char *id,
                               struct bg_registration *out);
enum gcas_err store_bg_reg_live(struct db *db, struct arena *a, const char *account_id,
                                const char *environment_id, enum bg_role role,
                                struct bg_registration *out);
enum gcas_err store_bg_reg_revoke(struct db *db, const char *id, const char *by, int64_t at);
/* Live registrations, newest first, at most 500; each filter NULL (role < 0) = any. */
struct bg_reg_filter {
	const char *agency_id, *project_id, *environment_id, *account_id;
	int role;
};
enum gcas_err store_bg_reg_list(struct db *db, struct arena *a, const struct bg_reg_filter *f,
                                struct bg_registration **out, size_t *n);

/* Requests. Insert: CONFLICT when the id or the idempotency key exists. Update writes every
 * workflow field provided the stored state is still from and the row holds no live lease
 * (lease_until >= r->updated_at, which the caller sets to now) other than held (the lease
 * the caller's own claim took; 0 when it holds none); NOTFOUND otherwise. */
enum gcas_err store_bg_req_insert(struct db *db, const struct bg_request *r);
enum gcas_err store_bg_req_get(struct db *db, struct arena *a, const char *id,
                               struct bg_request *out);
enum gcas_err store_bg_req_get_by_key(struct db *db, struct arena *a, const char *key,
                                      struct bg_request *out);
enum gcas_err store_bg_req_update(struct db *db, const struct bg_request *r, enum bg_state from,
                                  int64_t held);
/* Newest first with a keyset cursor "created_at\x1fid"; filters NULL = any. */
struct bg_req_filter {
	const char *agency_id, *project_id, *environment_id, *requester_id;
};
enum gcas_err store_bg_req_list(struct db *db, struct arena *a, const struct bg_req_filter *f,
                                struct page *pg, struct bg_request **out, size_t *n);
/* Ids (in a) of requests the job should act on at now, at most max. */
enum gcas_err store_bg_req_due(struct db *db, struct arena *a, int64_t now, int max,
                               const char ***ids, size_t *n);
/* History: append (seq is the next number); list oldest first, at most 500. */
enum gcas_err store_bg_event_add(struct db *db, const char *request_id, int64_t at,
                                 const char *actor_id, const char *event, const char *note);
enum gcas_err store_bg_event_list(struct db *db, struct arena *a, const char *request_id,
                                  struct bg_event **out, size_t *n);

/* The local driver's emergency users. Insert: CONFLICT (id or key). Resecret: NOTFOUND when
 * revoked. Revoke: idempotent (NOTFOUND only when there is no such user). */
enum gcas_err store_local_bg_insert(struct db *db, const struct local_bg_cred *c);
enum gcas_err store_local_bg_get(struct db *db, struct arena *a, const char *id,
                                 struct local_bg_cred *out);
enum gcas_err store_local_bg_get_by_key(struct db *db, struct arena *a, const char *key,
                                        struct local_bg_cred *out);
enum gcas_err store_local_bg_resecret(struct db *db, const char *id, const char *secret_hash,
                                      int64_t expires_at);
enum gcas_err store_local_bg_revoke(struct db *db, const char *id, int64_t at);
enum gcas_err store_local_bg_used(struct db *db, const char *id, int64_t at);

#endif
