/* SPDX-License-Identifier: MIT */
/* Provisioning drivers (issue 4 §2): one interface over the ways an environment is opened and
 * closed at a CSP. `local` is a simulated cloud kept in the database (so everything works on the
 * embedded default); `exec` runs an operator-configured command (e.g. a Terraform pipeline) with
 * the request as JSON on stdin. The configuration picks a driver per CSP ([provision]). Drivers
 * are called OUTSIDE any database transaction; the idempotency key makes a repeated create
 * return what the first one made. */
#ifndef GCAS_SVC_PROVISION_H
#define GCAS_SVC_PROVISION_H

#include "core/environment.h"
#include "svc/env.h"

/* What a driver is asked to do; every string is borrowed. */
struct provision_req {
	const char *action;          /* "create" or "close" */
	const char *request_id;      /* the env_request */
	const char *idempotency_key; /* the same on every retry of one request */
	const char *environment_id;
	const char *project_id, *agency_id, *system_id;
	enum sys_csp csp;
	enum sys_env kind;
	const char *external_id; /* close: the CSP-side id create returned */
};

/* What came back. On failure error holds one line for people (the reason shown and mailed). */
struct provision_result {
	char external_id[128];
	char console_url[512];
	char error[256];
	/* §3: where the environment's identity store takes SCIM pushes, and the bearer token it
	 * wants (stored sealed); empty when the driver has none (then no users are pushed). */
	char scim_url[512];
	char scim_token[256];
	/* §4: the SAML service provider of the console (entity id and ACS URL); empty: none. */
	char saml_entity_id[512];
	char saml_acs_url[512];
};

/* §6 BreakGlass: an emergency credential for one person on one environment, bypassing SSO. */
struct provision_cred_req {
	const char *request_id, *idempotency_key;
	const char *external_id; /* the environment at the CSP */
	enum sys_csp csp;
	const char *person_email;  /* who it is for */
	const char *privilege;     /* "admin" or "general" */
	int64_t expires_at;        /* epoch seconds; the CSP must refuse it after this */
	const char *credential_id; /* revoke: what issue returned */
};
struct provision_cred {
	char credential_id[128]; /* the CSP-side user / key id, to revoke */
	char secret[512];    /* sign-in secret (a one-time password, a key); sent once, not kept */
	char login_url[512]; /* where to sign in with it */
	char error[256];
};

struct provision_driver {
	const char *name; /* "local", "exec" */
	/* GCAS_OK with external_id and console_url set, or an error with res->error set.
	 * arg: the driver's configuration (exec: the command line), may be NULL. */
	enum gcas_err (*create)(const struct env *env, const char *arg,
	                        const struct provision_req *rq, struct provision_result *res);
	/* Close external_id at the CSP. Closing what is already closed succeeds. */
	enum gcas_err (*close)(const struct env *env, const char *arg,
	                       const struct provision_req *rq, struct provision_result *res);
	/* §6: issue an emergency credential valid until rq->expires_at; revoke it (revoking what
	 * is already revoked or expired succeeds). NULL when the driver cannot. */
	enum gcas_err (*cred_issue)(const struct env *env, const char *arg,
	                            const struct provision_cred_req *rq,
	                            struct provision_cred *res);
	enum gcas_err (*cred_revoke)(const struct env *env, const char *arg,
	                             const struct provision_cred_req *rq,
	                             struct provision_cred *res);
};

extern const struct provision_driver provision_local;
extern const struct provision_driver provision_exec;

/* The driver configured for csp and its argument (exec: the command after "exec:"); the
 * default (no configuration) is local. Never NULL. */
const struct provision_driver *provision_driver_for(const struct config *cfg, enum sys_csp csp,
                                                    const char **arg);

/* The request as a JSON object text (what the exec driver writes to stdin); malloc'd, the caller
 * frees it. NULL on OOM. */
char *provision_req_json(const struct provision_req *rq);

/* The id the local cloud gives an account: "gcas-local-" and 12 digits. Returns 0, or -1 when
 * the random source fails. */
int provision_local_new_id(char out[24]);

#endif
