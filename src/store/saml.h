/* SPDX-License-Identifier: MIT */
/* Typed store operations for the SAML identity provider (issue 4 §4): registered service
 * providers, the replay cache of request / assertion IDs, SP-initiated requests waiting for a
 * sign-in, and the local cloud console's sessions. Every function runs inside the caller's
 * transaction (store_tx / store_run); records read are allocated in a. */
#ifndef GCAS_STORE_SAML_H
#define GCAS_STORE_SAML_H

#include <stdint.h>

#include "store/store.h"

struct saml_sp_rec {
	const char *id, *entity_id, *name;
	const char *metadata; /* the SP's EntityDescriptor as registered */
	const char *csp;      /* NULL, or the CSP whose environments use this SP by default */
	const char *profile;  /* "aws" or "generic" */
	const char *aws_provider_name, *aws_admin_role, *aws_general_role; /* profile aws */
	int64_t rev;                     /* grows with every change (the Lasso server cache key) */
	const char *created_by;          /* account id; NULL for the CLI */
	int64_t created_at, disabled_at; /* disabled_at 0 while active */
};

struct saml_pending_rec {
	const char *id, *sp, *binding, *request, *relay_state;
	int64_t created_at;
};

struct local_cloud_session {
	const char *id_hash, *cloud_id, *environment_id;
	const char *user_name, *display_name, *privilege, *name_id;
	int64_t created_at, expires_at;
};

/* CONFLICT when the id or entity id exists, or csp already has an active SP. rev starts at 1. */
enum gcas_err store_saml_sp_insert(struct db *db, const struct saml_sp_rec *r);
/* Register again the disabled SP r->id with r's fields (rev + 1); NOTFOUND unless disabled. */
enum gcas_err store_saml_sp_revive(struct db *db, const struct saml_sp_rec *r);
/* NOTFOUND when there is none (disabled ones are found: check disabled_at). */
enum gcas_err store_saml_sp_get(struct db *db, struct arena *a, const char *id,
                                struct saml_sp_rec *out);
enum gcas_err store_saml_sp_by_entity(struct db *db, struct arena *a, const char *entity_id,
                                      struct saml_sp_rec *out);
/* The active SP registered as csp's default; NOTFOUND. */
enum gcas_err store_saml_sp_for_csp(struct db *db, struct arena *a, const char *csp,
                                    struct saml_sp_rec *out);
/* Every SP, active first then newest, at most 500. */
enum gcas_err store_saml_sp_list(struct db *db, struct arena *a, struct saml_sp_rec **out,
                                 size_t *n);
/* Disable an active SP (rev + 1); NOTFOUND when there is none or it is disabled already. */
enum gcas_err store_saml_sp_disable(struct db *db, const char *id, int64_t at);

/* Remember (sp, id) until expires_at. *fresh = 1 when it was new, 0 when seen before. */
enum gcas_err store_saml_seen_add(struct db *db, const char *sp, const char *id, int64_t expires_at,
                                  int *fresh);
/* Forget entries expired before now; *n (may be NULL) = how many. */
enum gcas_err store_saml_seen_sweep(struct db *db, int64_t now, int64_t *n);

enum gcas_err store_saml_pending_insert(struct db *db, const struct saml_pending_rec *r);
/* Read and delete (one use); NOTFOUND when there is none (or another request took it). */
enum gcas_err store_saml_pending_take(struct db *db, struct arena *a, const char *id,
                                      struct saml_pending_rec *out);
/* Delete pending requests created before before. */
enum gcas_err store_saml_pending_sweep(struct db *db, int64_t before, int64_t *n);

/* The active environment whose console SP has this entity id (*env_id in a); NOTFOUND. */
enum gcas_err store_saml_env_by_entity(struct db *db, struct arena *a, const char *entity_id,
                                       const char **env_id);

enum gcas_err store_local_session_insert(struct db *db, const struct local_cloud_session *s);
/* The unexpired session of cloud_id with this hash; NOTFOUND. */
enum gcas_err store_local_session_get(struct db *db, struct arena *a, const char *id_hash,
                                      const char *cloud_id, int64_t now,
                                      struct local_cloud_session *out);
enum gcas_err store_local_session_delete(struct db *db, const char *id_hash);
enum gcas_err store_local_session_sweep(struct db *db, int64_t now, int64_t *n);
/* Rows of the replay cache and of pending requests together (tests, metrics). */
enum gcas_err store_saml_stored_count(struct db *db, int64_t *n);

#endif
