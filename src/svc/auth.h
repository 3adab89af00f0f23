/* SPDX-License-Identifier: MIT */
/* Sign-in and sessions (R3.1; issue §4): password then a second factor (TOTP or a recovery
 * code), throttled, with one answer for every failure; sessions stored only as hashes, with idle
 * and absolute timeouts, rotated at sign-in and at the second factor, ended at once on sign-out
 * or when the account is disabled. */
#ifndef GCAS_SVC_AUTH_H
#define GCAS_SVC_AUTH_H

#include "crypto/token.h"
#include "crypto/totp.h"
#include "svc/env.h"

#define SESSION_TOKEN_SIZE 64

/* A resolved session: the session row and its account. */
struct session_view {
	struct session s;
	struct account acc;
	int mfa_done;
	int has_totp;     /* a confirmed TOTP factor exists */
	int has_webauthn; /* a registered security key exists */
};

struct client {
	const char *ip;
	const char *request_id;
};

/* Password step. On success *token (SESSION_TOKEN_SIZE) is a new session that still needs the
 * second factor, and *need_enrol says whether the account has no confirmed TOTP yet. Every
 * failure (unknown email, wrong password, throttled, disabled) is GCAS_ERR_AUTH after the same
 * work. */
enum gcas_err svc_signin_password(const struct env *env, const struct client *cl, const char *email,
                                  const char *password, char *token, int *need_enrol);
/* Look a session cookie up. GCAS_ERR_AUTH when unknown, idle or expired, or the account can no
 * longer sign in (the session is then deleted). Touches the session. */
enum gcas_err svc_session_resolve(const struct env *env, struct arena *a, const char *token,
                                  struct session_view *out);
/* Second factor: a 6-digit TOTP code or a recovery code. Rotates the session: *token receives
 * the new value. GCAS_ERR_AUTH on a wrong, reused or throttled code. */
enum gcas_err svc_signin_factor(const struct env *env, const struct client *cl,
                                struct session_view *sv, const char *code, char *token);
/* TOTP enrolment: begin creates (or replaces) an unconfirmed secret and returns it with its
 * otpauth URI; confirm checks a code against it, confirms it, issues 10 recovery codes and —
 * when this was the sign-in's missing factor — completes the sign-in (rotating *token). */
struct totp_enrolment {
	const char *secret_b32;
	const char *uri;
};
enum gcas_err svc_totp_begin(const struct env *env, struct arena *a, struct session_view *sv,
                             struct totp_enrolment *out);
enum gcas_err svc_totp_confirm(const struct env *env, const struct client *cl,
                               struct session_view *sv, const char *code,
                               char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE], char *token);
enum gcas_err svc_signout(const struct env *env, const struct client *cl,
                          const struct session_view *sv);
/* Re-authentication before sensitive changes: checks the password, marks the session. */
enum gcas_err svc_reauth(const struct env *env, const struct client *cl, struct session_view *sv,
                         const char *password);
/* 1 when the session re-authenticated (or completed sign-in) within cfg->reauth_ttl. */
int svc_reauth_fresh(const struct env *env, const struct session_view *sv);
/* Change one's own password (needs a fresh re-authentication); ends every other session. */
enum gcas_err svc_password_change(const struct env *env, const struct client *cl,
                                  struct session_view *sv, const char *new_password,
                                  struct verrs *ve);
/* Set a password through a one-time set-up link (first password of a new account). */
enum gcas_err svc_setup_peek(const struct env *env, struct arena *a, const char *link_token,
                             struct account *out);
enum gcas_err svc_setup_complete(const struct env *env, const struct client *cl,
                                 const char *link_token, const char *password, struct verrs *ve);
/* Refuse a password that breaks the policy (NIST SP 800-63B): adds messages to ve. */
int svc_password_acceptable(const struct account *acc, const char *password, struct verrs *ve);
/* WebAuthn security keys as a second factor (issue 4 §5). The begin functions return the
 * options JSON static/webauthn.js passes to navigator.credentials.create/get (in a), after
 * storing a fresh challenge bound to this session: single use (consumed by the next finish,
 * whatever its outcome) and valid for SVC_WEBAUTHN_TTL seconds. Keys are stored as confirmed
 * 'webauthn' factors; a credential id is never registered twice (any account). */
#define SVC_WEBAUTHN_TTL       300
#define SVC_WEBAUTHN_LABEL_MAX 64 /* code points */
/* 1 when label is an acceptable key name: valid UTF-8 text of 1..SVC_WEBAUTHN_LABEL_MAX code
 * points. */
int svc_webauthn_label_ok(const char *label);
/* Registration needs a completed sign-in and a fresh re-authentication (like TOTP changes):
 * GCAS_ERR_DENIED otherwise. */
enum gcas_err svc_webauthn_register_begin(const struct env *env, struct arena *a,
                                          struct session_view *sv, const char **options_json);
/* Verify the browser's JSON (webauthn_response_parse form) and store the key under label (NULL
 * or "" = a default name). GCAS_ERR_DENIED as above; GCAS_ERR_INVALID for a bad label or
 * malformed JSON; GCAS_ERR_AUTH when no challenge is pending, it expired, or verification
 * failed; GCAS_ERR_CONFLICT when the credential id is already registered. Audited. */
enum gcas_err svc_webauthn_register_finish(const struct env *env, const struct client *cl,
                                           struct session_view *sv, const char *response_json,
                                           const char *label);
/* The second-factor step: options allowing the account's keys. GCAS_ERR_NOTFOUND when the
 * account has none; GCAS_ERR_DENIED when the session already passed its second factor. */
enum gcas_err svc_webauthn_signin_begin(const struct env *env, struct arena *a,
                                        struct session_view *sv, const char **options_json);
/* Verify an assertion against the pending challenge and the key it names, then complete the
 * sign-in like svc_signin_factor (throttled with it, rotating *token). A counter that does not
 * advance is refused as a possible clone and audited ("webauthn_clone_suspected").
 * GCAS_ERR_AUTH on every failure. */
enum gcas_err svc_webauthn_signin_finish(const struct env *env, const struct client *cl,
                                         struct session_view *sv, const char *response_json,
                                         char *token);
/* The account's registered keys (confirmed 'webauthn' factors), into a. */
enum gcas_err svc_webauthn_list(const struct env *env, struct arena *a,
                                const struct session_view *sv, struct factor **out, size_t *n);
/* Remove one of one's own keys (fresh re-authentication needed: GCAS_ERR_DENIED).
 * GCAS_ERR_NOTFOUND when it is not one of this account's keys. Audited. */
enum gcas_err svc_webauthn_remove(const struct env *env, const struct client *cl,
                                  struct session_view *sv, const char *factor_id);
/* The sweep job: delete expired and idle sessions, and throttle counters quiet for a day. */
enum gcas_err svc_session_sweep(const struct env *env, int64_t *deleted);

#endif
