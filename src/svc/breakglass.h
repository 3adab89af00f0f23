/* SPDX-License-Identifier: MIT */
/* BreakGlass (issue 4 §6, R4.5, regulation 5.6, 別紙1): emergency access to a CSP environment
 * when console SSO (S8) is unavailable. Requesters and approvers are registered per environment
 * in advance; a registered requester asks with a reason, the critical work and its date; a
 * registered approver (the environment's project_manager, never the requester) approves; the
 * provisioning driver issues a credential that lives at most [breakglass] max_ttl from approval
 * and is revoked at expiry by the "breakglass_expiry" job (or earlier on demand). The requester
 * receives the credential by mail; the operators and the agency's managers are told of every
 * issue and revocation; every step is audited ("breakglass.*"). Driver calls happen outside any
 * transaction: claim under a lease, call, record the outcome. */
#ifndef GCAS_SVC_BREAKGLASS_H
#define GCAS_SVC_BREAKGLASS_H

#include "store/breakglass.h"
#include "svc/env.h"
#include "svc/provision.h"

#define BG_MAX_ISSUE_ATTEMPTS 5    /* then the request fails (requester and operators told) */
#define BG_RETRY_BASE         60   /* seconds before the first retry, doubling ... */
#define BG_RETRY_MAX          3600 /* ... up to an hour (a revocation is retried for ever) */
#define BG_TEXT_MAX_CP        2000 /* reason, critical work */
#define BG_MAX_HOURS          24   /* the most one may ask for (max_ttl caps it further) */

/* Labels for people; NULL for an out-of-range value. */
const char *bg_state_label(enum bg_state s, int english);
const char *bg_role_label(enum bg_role r, int english);

/* Register an account (email address or id) as requester or approver of an environment.
 * ACT_BREAKGLASS_REGISTER on the account and sight of the environment (ACT_BREAKGLASS_VIEW) are
 * needed: DENIED (audited). INVALID with ve: unknown role, environment or account; the
 * environment is not active; the account is not active; a requester who may not request for
 * that environment (ACT_BREAKGLASS_REQUEST); an approver who is not a project_manager of the
 * environment's project. CONFLICT (also in ve): already registered so. Audited
 * "breakglass.registered". */
struct bg_register_input {
	const char *account, *environment_id, *role;
};
enum gcas_err svc_bg_register(const struct env *env, const struct actor *ac, struct arena *a,
                              const struct bg_register_input *in, struct bg_registration *out,
                              struct verrs *ve);
/* End a live registration (the same rights as registering). DENIED (audited); NOTFOUND. */
enum gcas_err svc_bg_unregister(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *registration_id);
/* Live registrations: mine = 1 → the actor's own (anyone signed in); mine = 0 → those in the
 * scope of ACT_BREAKGLASS_VIEW (DENIED, audited, for a role without it). environment_id NULL:
 * any. */
enum gcas_err svc_bg_registrations(const struct env *env, const struct actor *ac, struct arena *a,
                                   int mine, const char *environment_id,
                                   struct bg_registration **out, size_t *n);

/* A request, as typed. hours "" = as long as allowed. idempotency_key NULL: one is made; a
 * repeat with the same key by the same requester returns the first request (CONFLICT for
 * another's key). */
struct bg_request_input {
	const char *environment_id, *reason, *critical_work, *work_date, *hours, *idempotency_key;
};
/* DENIED (audited): no ACT_BREAKGLASS_REQUEST for the environment, or no live requester
 * registration. INVALID with ve (nothing stored): unknown or inactive environment; reason or
 * critical work missing, too long or holding an Individual Number; date missing, malformed or
 * before today (JST); hours not 1..BG_MAX_HOURS. The approvers are mailed. Audited
 * "breakglass.requested". */
enum gcas_err svc_bg_request(const struct env *env, const struct actor *ac, struct arena *a,
                             const struct bg_request_input *in, struct bg_request *out,
                             struct verrs *ve);
/* A registered approver approves or rejects (note kept). DENIED (audited): no
 * ACT_BREAKGLASS_APPROVE on the environment, no live approver registration, or the approver's
 * own request. CONFLICT: not submitted. On approval expires_at = now + min(ttl, max_ttl) and the
 * credential is issued at once through the driver (outside the transaction); out tells the
 * outcome (issued, or approved with last_error and a retry scheduled, or failed). */
enum gcas_err svc_bg_decide(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *request_id, int approve, const char *note,
                            struct bg_request *out);
/* End a request early: the requester, a registered approver of its environment, or the
 * operator. submitted / approved → revoked at once; issued → revoked through the driver now (a
 * failure stays visible in last_error and the job retries). DENIED (audited); NOTFOUND;
 * CONFLICT (already ended, or a driver call is in progress). */
enum gcas_err svc_bg_revoke(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *request_id, struct bg_request *out);
/* The requester tries an approved request's issue now (after a failed attempt). GCAS_OK with
 * shown filled (the secret: show it once) when issued; CONFLICT when not approved or in
 * progress; IO when the driver failed (out->last_error says why); DENIED (audited). */
enum gcas_err svc_bg_issue_now(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *request_id, struct bg_request *out,
                               struct provision_cred *shown);
/* One request and its history (ev / nev may be NULL): the requester, a registered approver of
 * its environment, or ACT_BREAKGLASS_VIEW. DENIED (audited); NOTFOUND. */
enum gcas_err svc_bg_get(const struct env *env, const struct actor *ac, struct arena *a,
                         const char *request_id, struct bg_request *out, struct bg_event **ev,
                         size_t *nev);
/* Every use in the scope of ACT_BREAKGLASS_VIEW, newest first (DENIED, audited, otherwise). */
enum gcas_err svc_bg_list(const struct env *env, const struct actor *ac, struct arena *a,
                          struct page *pg, struct bg_request **out, size_t *n);
/* The listener's home: the actor's own requests, and the requests of environments it approves
 * for (the newest 100 of each). */
struct bg_mine {
	struct bg_request *mine, *to_decide;
	size_t nmine, nto;
};
enum gcas_err svc_bg_mine(const struct env *env, const struct actor *ac, struct arena *a,
                          struct bg_mine *out);
/* The job: issue approved requests whose attempt is due, revoke issued ones at expiry or asked
 * to end. *count = requests tried. */
enum gcas_err svc_bg_run(const struct env *env, int64_t *count);

/* The local cloud's emergency sign-in (page_local_cloud_bg.c): user and one-time password of
 * an emergency user of cloud account cloud_id. GCAS_ERR_AUTH for every failure (unknown,
 * wrong, expired, revoked, closed account) after the same work; audited
 * "breakglass.emergency_signin" (ok or failure). out (may be NULL) receives the user. */
enum gcas_err svc_local_cloud_bg_signin(const struct env *env, struct arena *a,
                                        const char *cloud_id, const char *user,
                                        const char *password, const char *ip,
                                        struct local_bg_cred *out);

#endif
