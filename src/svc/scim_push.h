/* SPDX-License-Identifier: MIT */
/* The SCIM push of CSP users (issue 4 §3, S7, R4.3): for each environment with a SCIM target,
 * the users of its active assignments whose accounts are active (userName = email, externalId
 * = account id) and the two groups "gcas-admin" and "gcas-general" are carried to the CSP's
 * identity store with scim/client.h; everything else that was pushed there goes inactive and
 * leaves the groups. Changes are queued by the use cases and retried with backoff (30 s
 * doubling, 10 attempts, then failed with the reason); every scim_interval the remote state
 * is read back and any drift corrected. A disabled or deleted account, a revoked assignment
 * or a closed environment is inactive at the CSP after one cycle. */
#ifndef GCAS_SVC_SCIM_PUSH_H
#define GCAS_SVC_SCIM_PUSH_H

#include <stdio.h>

#include "scim/client.h"
#include "svc/env.h"

#define SCIM_RETRY_BASE    30 /* seconds before the first retry; doubles each attempt */
#define SCIM_MAX_ATTEMPTS  10
#define SCIM_WORKERS_MAX   16
#define SCIM_GROUP_ADMIN   "gcas-admin"
#define SCIM_GROUP_GENERAL "gcas-general"

struct scim_push_opts {
	/* NULL: a libcurl transport per environment (timeout cfg->scim_timeout, TLS verified,
	 * one connection reused for the whole environment). Borrowed. */
	struct scim_transport *transport;
	const char *only_env; /* NULL: every environment with work */
	int workers;          /* environments pushed at once (threads), 1..SCIM_WORKERS_MAX */
	int force;            /* 1: push and check drift now, whatever the interval */
	/* Called with one line per change sent or corrected (the CLI prints them); may be NULL. */
	void (*note)(void *ctx, const char *environment_id, const char *line);
	void *note_ctx;
};

struct scim_push_report {
	int64_t environments; /* pushed (leased and run) */
	int64_t requests;     /* SCIM requests sent */
	int64_t users_created, users_updated, users_deactivated;
	int64_t groups_created, member_changes;
	int64_t corrected; /* drift found and corrected */
	int64_t failures;  /* users or groups whose push failed this run */
};

/* One push run. Environments whose lease another node holds are skipped. Errors: DB, NOMEM
 * (a failing CSP is not an error of the run: it is recorded on the queue entries). */
enum gcas_err svc_scim_push_run(const struct env *env, const struct scim_push_opts *o,
                                struct scim_push_report *rep);
/* The "scim_push" job: svc_scim_push_run with the defaults; *count = environments pushed. */
enum gcas_err svc_scim_push_job(const struct env *env, int64_t *count);

/* Push state of one assigned account in an environment, for the assignments page. */
enum scim_user_state { SCIM_ST_PENDING, SCIM_ST_PUSHED, SCIM_ST_FAILED };
struct scim_user_status {
	const char *account_id;
	enum scim_user_state state;
	const char *error; /* failed (or retrying): the last reason */
	int64_t attempts, next_attempt_at, checked_at;
};
struct scim_env_status {
	int has_target; /* 0: the environment takes no SCIM pushes */
	int64_t last_sync_at, last_drift_at;
	const char *last_error, *corrected;
	struct scim_user_status *users;
	size_t n;
};
/* ACT_ASSIGN_VIEW on the environment's team. NOTFOUND; DENIED (audited). */
enum gcas_err svc_scim_status(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *environment_id, struct scim_env_status *out);
/* The state of account_id in st (PENDING when not listed). */
const struct scim_user_status *svc_scim_status_of(const struct scim_env_status *st,
                                                  const char *account_id);

/* Give an environment a push target (its token sealed with signer "scim-token"), for the CLI
 * and tests; fulfilment does the same through the environments use case. The system actor
 * only. NOTFOUND; DENIED; CRYPTO (no signer). */
enum gcas_err svc_scim_target_set(const struct env *env, const struct actor *ac,
                                  const char *environment_id, const char *url, const char *token);

#endif
