/* SPDX-License-Identifier: MIT */
/* CSP environment requests (issue 4 §2, S6, R4.2): agency and project managers request an
 * environment's creation or deletion; the operator approves or rejects (due 5 business days
 * after approval, R2.3); fulfilment goes through the provisioning driver configured for the CSP
 * (svc/provision.h), by the operator at once or by the "provision" job with retries. Every change
 * is one transaction with its history event and audit record; the driver call itself happens
 * between two transactions (claim under a lease, then record the outcome). */
#ifndef GCAS_SVC_ENVIRONMENTS_H
#define GCAS_SVC_ENVIRONMENTS_H

#include "core/environment.h"
#include "store/environments.h"
#include "svc/env.h"

/* What a person typed (form or API), as text. idempotency_key may be NULL (one is made); a
 * repeated submission with the same key returns the first request (R: requests carry
 * idempotency keys). */
struct env_request_input {
	const char *csp, *kind, *reason, *idempotency_key;
};

/* Request a new environment for project team project_id. INVALID with ve (unknown CSP/type,
 * CSP the system did not register, development without CI/CD, no registered system, reason);
 * DENIED (audited); NOTFOUND (no such team); CONFLICT when the key belongs to another team. */
enum gcas_err svc_env_request_create(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *project_id, const struct env_request_input *in,
                                     struct env_request *out, struct verrs *ve);
/* Request environment_id's deletion (in->csp / in->kind are ignored). INVALID (reason);
 * DENIED; NOTFOUND; CONFLICT (not active, or a deletion is already requested; also in ve). */
enum gcas_err svc_env_request_delete(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *environment_id, const struct env_request_input *in,
                                     struct env_request *out, struct verrs *ve);
/* The operator approves (approve = 1: due date set, a create's environment row made in state
 * provisioning, a delete's environment set closing; the job may now fulfil it) or rejects it
 * (note kept in the history). DENIED (audited); NOTFOUND; CONFLICT when not submitted. */
enum gcas_err svc_env_request_decide(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *request_id, int approve, const char *note,
                                     struct env_request *out);
/* The operator fulfils an approved request now (one driver attempt; a failure counts as an
 * attempt and is scheduled for retry like the job's). GCAS_OK whatever the driver said: out
 * tells (state, last_error). DENIED; NOTFOUND; CONFLICT (not approved, or leased by a run in
 * progress). */
enum gcas_err svc_env_request_fulfil(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *request_id, struct env_request *out);
/* One request and its history (oldest first; ev / nev may be NULL). DENIED (audited); NOTFOUND. */
enum gcas_err svc_env_request_get(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *request_id, struct env_request *out,
                                  struct env_request_event **ev, size_t *nev);
/* Requests the actor may see, newest first: of project_id when not NULL (DENIED when it may not
 * see it), else of its whole scope; state NULL = any. */
enum gcas_err svc_env_request_list(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *project_id, const char *state, struct page *pg,
                                   struct env_request **out, size_t *n);
/* Environments, the same way. */
enum gcas_err svc_environment_list(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *project_id, struct page *pg,
                                   struct environment **out, size_t *n);
enum gcas_err svc_environment_get(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *id, struct environment *out);
/* The job: every approved request whose attempt is due is tried once through its driver.
 * *count = requests tried. */
enum gcas_err svc_env_provision_run(const struct env *env, int64_t *count);
/* The simulated cloud's account external_id and the environment it serves (env_out may be
 * NULL when it has none yet). Only who may see that environment (ACT_ENV_VIEW) may look:
 * DENIED; NOTFOUND. */
enum gcas_err svc_local_cloud_get(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *external_id, struct local_cloud_acct *out,
                                  struct environment *env_out);
/* `gcas env request --as EMAIL`: the actor of the account with that address (case ignored),
 * acting from the command line as it would on the web. acc is read into a. NOTFOUND (no such
 * account); DENIED when it is not active or its role may not request environments. */
enum gcas_err svc_env_applicant(const struct env *env, struct arena *a, const char *email,
                                struct account *acc, struct actor *out);
/* JSON object texts for the API (arena; NULL on OOM). svc_environment_json never carries the
 * SCIM token, only "scim_token_stored". */
char *svc_env_request_json(struct arena *a, const struct env_request *r);
char *svc_environment_json(struct arena *a, const struct environment *e);

#endif
