/* SPDX-License-Identifier: MIT */
/* In-process web tests: a fresh SQLite store in a temporary directory, fixtures that create
 * organisations, accounts, signed-in sessions and API tokens directly in the store, and a fake
 * request that runs the real dispatcher (no sockets). */
#ifndef GCAS_TESTS_WEBTEST_H
#define GCAS_TESTS_WEBTEST_H

#include "svc/env.h"
#include "web/http.h"

struct wt {
	struct config cfg;
	struct env env;
	char dir[128];
	char dsn[512];
	char schema[32];   /* PostgreSQL: this program's own schema (dropped by wt_close) */
	char pg_base[400]; /* PostgreSQL: the server's DSN without the schema option */
};

/* Open a fresh store (SQLite in a temp dir, or a schema of its own on the PostgreSQL server of
 * $GCAS_TEST_DSN when set) with cheap argon2
 * parameters, and a signer (env.signer, fixed test key in cfg.keys_key) holding one OIDC RS256,
 * one OIDC ES256 and one SAML key, active since the epoch (activate_at 1). Returns 0 or -1. */
int wt_open(struct wt *w);
void wt_close(struct wt *w);

struct wt_resp {
	int status;
	const char *content_type;
	const char *location;   /* Location header or NULL */
	const char *set_cookie; /* all Set-Cookie values joined by "\n", or NULL */
	char *body;             /* NUL-terminated */
	struct arena *a;        /* owns everything above */
};
void wt_resp_free(struct wt_resp *r);

/* Run one request. cookie: a Cookie header value or NULL; ctype/body: request body or NULL;
 * hdrs: extra "Name: value" strings, NULL-terminated, or NULL. */
int wt_request(struct wt *w, const char *method, const char *target, const char *cookie,
               const char *ctype, const char *body, const char *const *hdrs, struct wt_resp *out);

/* Fixtures (bypass the use cases: they set up state for the test). Ids are written to out
 * (33 bytes). */
int wt_org(struct wt *w, enum org_kind kind, const char *parent_id, const char *name,
           const char *code, char *out);
/* An active account with password "correct horse battery staple" and a confirmed TOTP secret
 * "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP". */
int wt_account(struct wt *w, enum role role, const char *org_id, const char *email, char *out);
#define WT_PASSWORD    "correct horse battery staple"
#define WT_TOTP_SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
/* A signed-in session (both factors) for the account: cookie = "gcas_session=..." (256 bytes),
 * csrf = its CSRF token (64 bytes). */
int wt_login(struct wt *w, const char *account_id, char *cookie, char *csrf);
/* A personal API token with the given scopes ("read" / "read write"); token out (128 bytes). */
int wt_token(struct wt *w, const char *account_id, const char *scopes, char *token);
/* Number of audit records whose action equals action (and outcome when not NULL). */
long wt_audit_count(struct wt *w, const char *action, const char *outcome);

#endif
