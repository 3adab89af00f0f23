/* SPDX-License-Identifier: MIT */
/* OpenID Connect provider use cases (issue 4 §4, S8): the operator registers relying parties;
 * a signed-in person is given an authorization code; the client redeems it (PKCE S256) for an
 * access token, a rotated refresh token and a signed ID token; userinfo and revocation.
 * Protocol refusals are data (struct oidc_error, RFC 6749 §5.2), not C errors: the token,
 * userinfo and revocation calls return GCAS_OK with err->error set when they refuse, and a C
 * error only when the server failed (the web layer answers server_error). */
#ifndef GCAS_SVC_OIDC_H
#define GCAS_SVC_OIDC_H

#include "sso/oidc.h"
#include "store/oidc.h"
#include "svc/auth.h"
#include "svc/env.h"

/* ---- clients (ACT_SSO_CLIENT_MANAGE, audited) ---- */
struct oidc_client_input {
	const char *name;
	const char *redirect_uris; /* as typed: one per line (CR LF or LF), blank lines ignored */
	int public_client;         /* 1: no secret, token_endpoint_auth_method "none" */
	const char *alg;           /* "RS256" (default when NULL or "") or "ES256" */
	/* confidential clients: "client_secret_basic" (default) or "client_secret_post" */
	const char *auth_method;
	const char *scopes; /* NULL or "": every scope (OIDC_SCOPES_ALL) */
};
/* Register a client. *out is the stored row (in a); *secret (in a) is the client secret, shown
 * once and stored only hashed, or NULL for a public client. INVALID with ve filled (names
 * "name", "redirect_uris", "alg", "auth_method", "scopes"); DENIED (audited). */
enum gcas_err svc_oidc_client_register(const struct env *env, const struct actor *ac,
                                       struct arena *a, const struct oidc_client_input *in,
                                       struct oidc_client *out, const char **secret,
                                       struct verrs *ve);
/* Every client, newest first (at most 500). DENIED. */
enum gcas_err svc_oidc_client_list(const struct env *env, const struct actor *ac, struct arena *a,
                                   struct oidc_client **out, size_t *n);
/* Stop a client: its codes and tokens stop working at once (every grant checks the client).
 * NOTFOUND (unknown or disabled already), DENIED. Audited. */
enum gcas_err svc_oidc_client_disable(const struct env *env, const struct actor *ac,
                                      struct arena *a, const char *client_id);
/* A client in use, for the authorization endpoint (no actor: anyone may start a request).
 * NOTFOUND when unknown or disabled. */
enum gcas_err svc_oidc_client_find(const struct env *env, struct arena *a, const char *client_id,
                                   struct oidc_client *out);

/* ---- authorization (OIDC Core §3.1.2) ---- */
/* Issue a code for a request already checked (oidc_authz_check; client and redirect_uri
 * matched) to the person of sv, who must be fully signed in (ac is that person) and allowed
 * ACT_CONSOLE_USE on themselves. Records the grant and audits "oidc.authorize". *code (in a)
 * is the code to put in the redirect. DENIED (audited), AUTH (not fully signed in). */
enum gcas_err svc_oidc_authorize(const struct env *env, const struct actor *ac, struct arena *a,
                                 const struct session_view *sv, const struct oidc_client *client,
                                 const struct oidc_authz_req *req, const char **code);

/* ---- the token endpoint (RFC 6749 §3.2, §4.1.3, §6; OIDC Core §3.1.3, §12) ---- */
struct oidc_token_req {
	const char *grant_type, *code, *redirect_uri, *code_verifier, *refresh_token, *scope;
	/* Client authentication (RFC 6749 §2.3.1): from the body, and from an Authorization:
	 * Basic header (already base64- and form-decoded) when basic is 1. */
	const char *client_id, *client_secret;
	int basic;
	const char *basic_id, *basic_secret;
};
struct oidc_token_resp {
	const char *access_token, *refresh_token, *id_token, *scope;
	int64_t expires_in;
};
/* One transaction: authenticate the client, spend the code (or the refresh token), store the
 * new access and refresh tokens. A code presented twice revokes what it was exchanged for
 * (RFC 6749 §4.1.2); a spent refresh token presented again revokes its whole family (RFC 9700
 * §4.14.2); both are audited. Any other refusal changes nothing. The ID token is signed after
 * the commit with the client's alg. Strings of *out are in a. */
enum gcas_err svc_oidc_token(const struct env *env, struct arena *a,
                             const struct oidc_token_req *req, struct oidc_token_resp *out,
                             struct oidc_error *err);

/* ---- userinfo (OIDC Core §5.3) and revocation (RFC 7009) ---- */
/* The claims for a valid access token of an active account, as JSON text in a. err: invalid_token
 * (unknown, expired, revoked, the account or client disabled), insufficient_scope (no openid). */
enum gcas_err svc_oidc_userinfo(const struct env *env, struct arena *a, const char *access_token,
                                const char **json, struct oidc_error *err);
/* Revoke token (an access or refresh token of the authenticated client; a refresh token takes
 * its family's access tokens with it, RFC 7009 §2.1). A token that is unknown or another
 * client's is answered like a success and nothing changes (§2.2). err: invalid_client,
 * invalid_request. */
enum gcas_err svc_oidc_revoke(const struct env *env, struct arena *a,
                              const struct oidc_token_req *client, const char *token,
                              struct oidc_error *err);

/* The job: delete expired codes, access tokens and refresh-token families. */
enum gcas_err svc_oidc_purge(const struct env *env, int64_t *deleted);

#endif
