/* SPDX-License-Identifier: MIT */
/* OpenID Connect protocol logic, pure (no I/O): PKCE S256 (RFC 7636), scope strings (RFC 6749
 * §3.3), validation of an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 9700
 * §2.1.1), the redirect-URI rules of registration and matching (RFC 9700 §4.1.3), and the
 * claims of ID tokens and userinfo (OIDC Core §2, §3.1.3.6, §5.1, §5.4). */
#ifndef GCAS_SSO_OIDC_H
#define GCAS_SSO_OIDC_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/model.h"

/* Every scope this provider knows; a client may be registered for a subset. */
#define OIDC_SCOPES_ALL "openid email profile gcas"

#define OIDC_STATE_MAX    1024 /* bytes of state / nonce we carry back (bounded storage) */
#define OIDC_NONCE_MAX    512
#define OIDC_REDIRECT_MAX 2000 /* bytes of one redirect URI */

/* ---- PKCE (RFC 7636) ---- */
/* 1 when v is a code_verifier: 43..128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~"
 * (§4.1). */
int oidc_pkce_verifier_ok(const char *v);
/* 1 when c can be an S256 code_challenge: exactly 43 base64url characters (§4.2). */
int oidc_pkce_challenge_ok(const char *c);
/* BASE64URL(SHA256(ASCII(verifier))) into out (44 bytes) (§4.2). 0, or -1 when hashing
 * failed. */
int oidc_pkce_s256(const char *verifier, char out[44]);
/* 1 when the verifier is well formed and its S256 transform equals challenge (compared in
 * constant time, §4.6); 0 otherwise. */
int oidc_pkce_check(const char *verifier, const char *challenge);

/* ---- scopes (RFC 6749 §3.3: space-delimited, case-sensitive) ---- */
/* 1 when s is one or more scope tokens (%x21 / %x23-5B / %x5D-7E) separated by single
 * spaces. */
int oidc_scope_valid(const char *s);
/* 1 when the space-separated list has the word. */
int oidc_scope_has(const char *list, const char *word);
/* 1 when every word of asked is in allowed. */
int oidc_scope_subset(const char *asked, const char *allowed);

/* ---- the authorization request ---- */
struct oidc_authz_req {
	const char *client_id, *redirect_uri, *response_type, *scope, *state, *nonce;
	const char *code_challenge, *code_challenge_method;
	const char *prompt, *max_age, *response_mode;
	/* Present but unsupported (OIDC Core §6, RFC 7591): refused with their own errors. */
	const char *request, *request_uri, *registration;
};

/* An OAuth error (RFC 6749 §4.1.2.1, §5.2): the code and a human description (ASCII, no
 * '"' or '\\', RFC 6749 §5.2). */
struct oidc_error {
	const char *error, *description;
};

/* What a valid request asks of the session: prompt=none (never show a page), a fresh sign-in
 * (prompt=login, or max_age elapsed), and max_age (-1 when absent). */
struct oidc_authz_need {
	int prompt_none, prompt_login;
	int64_t max_age;
};

/* Check everything of a request except its client_id and redirect_uri (which the caller has
 * already matched against the registration: their errors are shown, never redirected).
 * client_scopes: what the client may ask for. Returns 0 (need filled), or -1 with err set to
 * the error to send back to the client. */
int oidc_authz_check(const struct oidc_authz_req *r, const char *client_scopes,
                     struct oidc_authz_need *need, struct oidc_error *err);

/* ---- redirect URIs ---- */
/* 1 when uri equals one of the '\n'-separated registered URIs byte for byte (RFC 9700 §4.1.3:
 * exact string matching, no normalisation, no wildcards). */
int oidc_redirect_uri_registered(const char *registered, const char *uri);
/* 1 when uri may be registered: an absolute https URL with a host, or http only for the
 * loopback hosts 127.0.0.1, [::1] and localhost (RFC 8252 §7.3, §8.3); no fragment (RFC 6749
 * §3.1.2), no userinfo, no whitespace or controls, at most OIDC_REDIRECT_MAX bytes. */
int oidc_redirect_uri_acceptable(const char *uri);

/* ---- tokens and claims ---- */
/* at_hash (OIDC Core §3.1.3.6): base64url of the left half of SHA-256 of the access token's
 * ASCII (RS256 and ES256 both use SHA-256) into out (23 bytes). 0 or -1. */
int oidc_at_hash(const char *access_token, char out[23]);

/* What an ID token says (OIDC Core §2). Strings are borrowed. */
struct oidc_id_claims {
	const char *iss, *aud; /* aud is also azp (one audience, the client) */
	const char *nonce;     /* NULL: omitted */
	const char *amr;       /* space separated; NULL: omitted */
	const char *sid;       /* NULL: omitted */
	const char *at_hash;   /* NULL: omitted */
	const char *scope;     /* decides which person claims are added */
	int64_t iat, exp, auth_time;
};
/* The ID token payload as compact JSON text (malloc'd; free()). sub is the account id; the
 * scope adds email (email, email_verified), profile (name, family_name, given_name, locale)
 * and gcas (role, org, agency, project). NULL on OOM. */
char *oidc_id_token_payload(const struct oidc_id_claims *c, const struct account *acc);
/* The userinfo response (OIDC Core §5.3.2) for scope: sub and the same person claims, as
 * compact JSON text (malloc'd). NULL on OOM. */
char *oidc_userinfo_json(const struct account *acc, const char *scope);

#endif
