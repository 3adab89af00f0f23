/* SPDX-License-Identifier: MIT */
/* What every use case is given: the store, the configuration, and who is acting. A use case is
 * authorise → validate → one transaction (change + audit record) → result. */
#ifndef GCAS_SVC_ENV_H
#define GCAS_SVC_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/model.h"
#include "core/policy.h"
#include "crypto/password.h"
#include "store/store.h"

struct config {
	const char *db;     /* DSN: sqlite:PATH or postgresql://... */
	const char *listen; /* address to bind, e.g. 127.0.0.1 */
	int port;
	int threads;          /* HTTP worker threads = database connections */
	const char *tls_cert; /* PEM files; both set → serve HTTPS */
	const char *tls_key;
	const char *trusted_proxies; /* comma-separated addresses whose X-Forwarded-* is trusted */
	const char *base_url;        /* public URL, for links shown to people */
	const char *issuer;          /* name shown in authenticator apps */
	const char *log_level;
	int64_t session_idle_ttl;    /* seconds; R3 / issue: 30 minutes */
	int64_t session_abs_ttl;     /* seconds; 12 hours */
	int64_t reauth_ttl;          /* a re-authentication is fresh for this long */
	int64_t setup_link_ttl;      /* account set-up links */
	int64_t token_max_ttl;       /* personal API tokens may not outlive this */
	int throttle_free;           /* failures per account before delays start */
	int throttle_ip_free;        /* failures per client address before delays start */
	int64_t throttle_max_delay;  /* seconds */
	size_t max_body;             /* request body cap, bytes */
	const char *audit_key_file;  /* key (hex) sealing audit records; the same on every node */
	unsigned char audit_key[32]; /* loaded from audit_key_file by the CLI */
	int audit_key_set;
	/* R6.4: the anchor (seq, hash, time, HMAC under audit_key) written forward only by the
	 * audit_anchor job and `gcas audit anchor`; NULL: no anchor is kept on this node. */
	const char *audit_anchor_file;
	const char *mail_from;  /* From: of every notification (R5.5) */
	const char *smtp_url;   /* smtp://host:port (smtps:// for TLS); empty: write .eml files */
	const char *mail_dir;   /* where .eml files go when there is no SMTP server */
	int64_t mail_retention; /* sent and failed outbox rows are deleted this long after */
	int64_t purpose_ttl;    /* R7.2: an operator's declared access purpose holds this long */
	int auto_fulfil;        /* 1: approved applications are fulfilled at once (別表3) */
	int inactivity_days;    /* R2.4: accounts unused this long are disabled (90) */
	/* issue 4 §2: the provisioning driver of each CSP ("local" or "exec:COMMAND"), in the
	 * order of enum sys_csp (aws gcp azure oci sakura), and how long an exec driver may run. */
	const char *provision[5];
	int64_t provision_timeout;
	/* issue 4 §4: OIDC and SAML signing keys are kept encrypted under this key (64 hex digits
	 * in a file outside the database, the same on every node); `gcas init` creates it. */
	const char *keys_key_file;
	unsigned char keys_key[32];
	int keys_key_set;
	int64_t oidc_code_ttl;         /* authorization codes (RFC 9700 §2.1.1: short) */
	int64_t oidc_access_ttl;       /* access and ID tokens */
	int64_t oidc_refresh_ttl;      /* a refresh token family ends this long after sign-in */
	int64_t saml_assertion_ttl;    /* NotOnOrAfter of a SAML assertion */
	int64_t saml_session_duration; /* AWS SessionDuration attribute, seconds (900–43200) */
	/* issue 4 §3: how often the SCIM push queue and drift check run, and an HTTP call's limit
	 */
	int64_t scim_interval;
	int64_t scim_timeout;
	/* issue 4 §6: BreakGlass runs as its own listener (`gcas breakglass`) */
	const char *breakglass_listen;
	int breakglass_port;
	int64_t breakglass_max_ttl; /* 別紙1: an emergency credential lives at most 8 hours */
	/* The listener's public URL, for links in BreakGlass mail; empty: base_url */
	const char *breakglass_base_url;
	struct pw_params pw;
};

/* Defaults for every field (the INI file, environment and flags override them). */
void config_defaults(struct config *c);

struct signer; /* signer/signer.h: the signing keys (issue 4 §4); NULL where none is needed */

struct env {
	struct store *st;
	const struct config *cfg;
	struct signer *signer;
};

/* Who is acting, resolved from a session or an API token (or the system for jobs and CLI). */
struct access_purpose; /* svc/privacy.h */

struct actor {
	struct subject subj;
	const struct account *acc; /* NULL for the system */
	const char *label;         /* email at the time, or "system" */
	const char *ip;
	const char *request_id;
	const char *scopes; /* API token scopes ("read write"); NULL for a browser session */
	/* R7.2: the purpose the operator declared for this request (svc/privacy.h); NULL: none.
	 * Reads of user information by an operator that carries one are audited with it. */
	const struct access_purpose *purpose;
};

/* The system actor for the CLI and jobs: operator rights, labelled "system". */
struct actor actor_system(const char *label);
/* Fill subj from an account. */
void actor_from_account(struct actor *ac, const struct account *acc);

/* Why a use case refused its input: one entry per field, in Japanese and English. */
struct verr {
	const char *field;
	const char *ja, *en;
};
#define VERR_MAX 16
struct verrs {
	struct verr e[VERR_MAX];
	size_t n;
};
void verr_add(struct verrs *v, const char *field, const char *ja, const char *en);

#endif
