/* SPDX-License-Identifier: MIT */
/* The domain records as plain C structs. Strings are owned by the arena the record was read into
 * (or by the caller who built it); times are epoch seconds, 0 meaning "never". Ids are 32 hex. */
#ifndef GCAS_CORE_MODEL_H
#define GCAS_CORE_MODEL_H

#include <stdint.h>

#include "core/roles.h"

struct org {
	const char *id;
	enum org_kind kind;
	const char *name;
	const char *code;        /* agencies: 6-digit local-government code or ministry code */
	const char *agency_type; /* agencies: "ministry" | "local"; NULL otherwise */
	const char *parent_id;   /* project → agency, contractor → project */
	const char *agency_id;   /* the agency this org sits in (itself for an agency) */
	const char *project_id; /* the project team (itself for a project; parent for contractor) */
	int64_t created_at, updated_at;
};

struct account {
	const char *id;
	const char *email; /* normalised lower case; unique */
	const char *family_name, *given_name, *family_kana, *given_kana;
	enum role role;
	const char *org_id, *agency_id, *project_id;
	enum account_status status;
	const char *disabled_reason;
	const char *password_hash; /* argon2id encoded, NULL until set */
	int64_t created_at, activated_at, last_signin_at, updated_at;
	int64_t version;           /* optimistic concurrency */
	int64_t email_verified_at; /* R2.8: 0 until the address answered a verification link */
	const char *pending_email; /* a changed address awaiting verification, or NULL */
	int64_t last_active_at;    /* R2.4: later of activation and last sign-in (or creation) */
	int inactivity_warned;     /* R2.4: days-before of the last warning sent (14, 3) or 0 */
	const char *departure_on;  /* R2.6: YYYY-MM-DD departure date recorded, or NULL */
};

enum factor_kind { FACTOR_TOTP, FACTOR_RECOVERY, FACTOR_WEBAUTHN, FACTOR__MAX };

struct factor {
	const char *id, *account_id;
	enum factor_kind kind;
	const char *label;
	const char *secret;        /* TOTP: base32 secret; recovery: SHA-256 of the code */
	const char *credential_id; /* WebAuthn (later) */
	const char *public_key;
	int64_t sign_count;
	int64_t last_used_step; /* TOTP: last accepted time step (codes usable once) */
	int confirmed;
	int64_t created_at, used_at;
};

struct session {
	const char *id_hash; /* SHA-256 of the cookie value; the value itself is never stored */
	const char *account_id;
	const char *csrf;
	const char *lang;
	const char *ip;
	int64_t created_at, last_seen_at, expires_at;
	int64_t mfa_at;    /* when the second factor passed; 0 = password only */
	int64_t reauth_at; /* last re-authentication, for sensitive changes */
};

enum group_kind { GROUP_PMO, GROUP_SYSTEM, GROUP__MAX };

struct group {
	const char *id;
	enum group_kind kind;
	const char *org_id, *agency_id, *project_id;
	const char *name;
	int64_t created_at;
	int64_t members; /* count, filled by list queries */
};

struct membership {
	const char *group_id, *account_id;
	const char *added_by;
	int64_t added_at, ends_at;
	/* joined from the account: for display, and to ask the matrix whether the reader may see
	 * this member (R7.1) */
	const char *email, *family_name, *given_name;
	enum role role;
	const char *org_id, *agency_id, *project_id;
};

struct api_token {
	const char *id, *account_id, *name;
	const char *token_hash;
	const char *scopes; /* space-separated: "read" "write" */
	int64_t created_at, expires_at, last_used_at, revoked_at;
};

struct audit_rec {
	int64_t seq;
	int64_t at;
	const char *actor_id;    /* NULL for the system or an unknown user */
	const char *actor_label; /* email or "system" at the time */
	const char *action;      /* e.g. "account.create", "signin.failure" */
	const char *target_type; /* "account", "org", "group", "session", ... */
	const char *target_id;
	const char *agency_id; /* the agency whose managers may read the record */
	const char *outcome;   /* "ok" | "denied" | "failure" */
	const char *detail;    /* JSON object text */
	const char *ip;
	const char *request_id;
	const char *prev_hash, *hash;
	const char *mac; /* HMAC of hash under the audit key (the seal) */
};

/* Storage names of the small enums above ("totp", "pmo", ...); parse gives -1 when unknown. */
const char *factor_kind_name(enum factor_kind k);
int factor_kind_parse(const char *s);
const char *group_kind_name(enum group_kind k);
int group_kind_parse(const char *s);

#endif
