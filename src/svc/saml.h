/* SPDX-License-Identifier: MIT */
/* SAML 2.0 use cases (issue 4 §4, S8, R4.4): the operator registers service providers; the
 * identity provider answers SP-initiated requests (after sign-in when needed), IdP-initiated
 * sign-in and console sign-in to an environment; the local cloud's console is a service
 * provider of its own. Refusals of protocol input are data (why / why_ja), not audited one by
 * one (a flood of junk must not flood the audit log); sign-ins and refusals of the permission
 * matrix are audited. */
#ifndef GCAS_SVC_SAML_H
#define GCAS_SVC_SAML_H

#include "sso/saml.h"
#include "store/saml.h"
#include "svc/env.h"

/* Pending SP-initiated requests wait this long for the person to sign in. */
#define SAML_PENDING_TTL 900

/* ---- service providers (ACT_SSO_CLIENT_MANAGE: the operator) ---- */

struct saml_sp_input {
	const char *metadata, *name;
	const char *csp;     /* "" / NULL: none; else aws|gcp|azure|oci|sakura */
	const char *profile; /* "aws" or "generic" ("" = generic) */
	const char *provider, *admin_role, *general_role; /* profile aws: all three needed */
};
/* Register an SP by its metadata (checked with Lasso). INVALID with ve (fields "metadata",
 * "name", "csp", "profile", "provider", "admin_role", "general_role"); CONFLICT when its entity
 * id is registered already or the CSP has an active default SP (also in ve); DENIED (audited).
 * Audited "saml.sp_register". */
enum gcas_err svc_saml_sp_register(const struct env *env, const struct actor *ac, struct arena *a,
                                   const struct saml_sp_input *in, struct saml_sp_rec *out,
                                   struct verrs *ve);
enum gcas_err svc_saml_sp_list(const struct env *env, const struct actor *ac, struct arena *a,
                               struct saml_sp_rec **out, size_t *n);
enum gcas_err svc_saml_sp_get(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *id, struct saml_sp_rec *out);
/* Disable (the row stays for the record). NOTFOUND (none, or disabled already); DENIED.
 * Audited "saml.sp_disable". */
enum gcas_err svc_saml_sp_disable(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *id);

/* ---- the identity provider ---- */

/* Our IdP metadata (every published SAML certificate), in a. NOTFOUND when no SAML key exists
 * yet (`gcas keys generate --use saml`). */
enum gcas_err svc_saml_metadata(const struct env *env, struct arena *a, const char **xml);

/* The outcome of a sign-in step. */
struct saml_answer {
	struct saml_post post;    /* GCAS_OK with pending_id NULL: post this to the ACS */
	const char *relay_state;  /* echoed to the SP (saml-bindings §3.5.3) */
	const char *pending_id;   /* GCAS_OK: the person must sign in, then /saml/continue?id= */
	int fresh_signin;         /* with pending_id: end the session first (ForceAuthn) */
	const char *why, *why_ja; /* on refusal: what to tell the person (static strings) */
};

/* An AuthnRequest at /saml/sso. ac: the signed-in person (both factors) or NULL; authn_at:
 * when they signed in. value: the SAMLRequest parameter; msg: what Lasso reads (Redirect: the
 * raw query string, whose signature covers its exact bytes; POST: value again). Checks, in
 * this order and before anything is stored: size, DOCTYPE, base64/DEFLATE (INVALID); the SP is
 * registered, or is the console of an active environment (NOTFOUND); Lasso's parse and any
 * signature (AUTH / INVALID); the ACS URL is in its metadata (INVALID); IssueInstant within
 * SAML_CLOCK_SKEW of now (INVALID); the ID never seen before from that SP (CONFLICT, replay).
 * Then, signed in: the Response (DENIED, audited, for an environment's console without an
 * active assignment); else the request is kept SAML_PENDING_TTL seconds. Audited "saml.sso". */
enum gcas_err svc_saml_sso(const struct env *env, const struct actor *ac, int64_t authn_at,
                           struct arena *a, enum saml_binding b, const char *value, const char *msg,
                           const char *relay_state, struct saml_answer *out);
/* Resume a pending request once ac has signed in (one use). NOTFOUND when unknown, used or
 * older than SAML_PENDING_TTL. */
enum gcas_err svc_saml_continue(const struct env *env, const struct actor *ac, int64_t authn_at,
                                struct arena *a, const char *pending_id, struct saml_answer *out);
/* IdP-initiated sign-in to a registered, active SP. NOTFOUND. Audited "saml.idp_initiated". */
enum gcas_err svc_saml_idp_initiated(const struct env *env, const struct actor *ac,
                                     int64_t authn_at, struct arena *a, const char *entity_id,
                                     const char *relay_state, struct saml_answer *out);
/* Console sign-in (S8): ac must hold an active assignment to the active environment
 * (ACT_CONSOLE_USE; DENIED and audited otherwise, also across agencies); the Response goes to
 * the environment's console SP (the driver's entity id and ACS URL, else the registered SP for
 * its CSP: CONFLICT when there is none). Audited "console.signin" with the environment and
 * the privilege. NOTFOUND (no such environment). */
enum gcas_err svc_saml_console_signin(const struct env *env, const struct actor *ac,
                                      int64_t authn_at, struct arena *a, const char *environment_id,
                                      struct saml_answer *out);

/* ---- the local cloud's console as a service provider ---- */

/* Its SP metadata. NOTFOUND (no such local cloud account, or no SAML key). */
enum gcas_err svc_local_saml_metadata(const struct env *env, struct arena *a, const char *cloud_id,
                                      const char **xml);
/* An AuthnRequest to our IdP (Redirect binding): *url and the request id to remember (the
 * caller keeps it in a cookie for the ACS's InResponseTo check). NOTFOUND. */
enum gcas_err svc_local_saml_login(const struct env *env, struct arena *a, const char *cloud_id,
                                   const char **url, const char **request_id);
/* The ACS: validate the Response (saml_sp_accept), its InResponseTo against request_id (the
 * request this browser sent; NULL: only an unsolicited Response is acceptable), its assertion
 * never seen before (CONFLICT), then the person must be a provisioned, active user of the
 * environment's identity store (DENIED "not provisioned" / "deactivated"). A new console
 * session: *token for the cookie, valid *ttl seconds. INVALID / AUTH with why. */
enum gcas_err svc_local_saml_acs(const struct env *env, struct arena *a, const char *cloud_id,
                                 const char *saml_response, const char *request_id,
                                 const char **token, int64_t *ttl, const char **why);
/* The console session of token on cloud_id; NOTFOUND. */
enum gcas_err svc_local_session_get(const struct env *env, struct arena *a, const char *cloud_id,
                                    const char *token, struct local_cloud_session *out);
/* Sweep expired replay-cache entries, stale pending requests and console sessions. */
enum gcas_err svc_saml_sweep(const struct env *env, int64_t *deleted);

#endif
