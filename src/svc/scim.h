/* SPDX-License-Identifier: MIT */
/* The SCIM 2.0 service provider's use cases (issue 4 §3, RFC 7643/7644): one protocol engine
 * (paging, filters, attributes, ETags and If-Match, PATCH, errors of RFC 7644 §3.12) over two
 * backends — the gcas directory at /scim/v2 (accounts and groups, read within the permission
 * matrix, written only through the account and group use cases) and the identity store of the
 * `local` simulated cloud at /local-cloud/{id}/scim/v2 (full CRUD). Every write is one
 * transaction with its audit record. */
#ifndef GCAS_SVC_SCIM_H
#define GCAS_SVC_SCIM_H

#include <jansson.h>

#include "scim/filter.h"
#include "scim/patch.h"
#include "scim/resource.h"
#include "svc/env.h"

enum scim_verb {
	SCIM_V_GET,
	SCIM_V_LIST,
	SCIM_V_CREATE,
	SCIM_V_REPLACE,
	SCIM_V_PATCH,
	SCIM_V_DELETE
};

/* One request on a resource endpoint as the web layer read it. Strings may be NULL. */
struct scim_call {
	enum scim_verb verb;
	enum scim_rtype type;
	const char *id;                             /* GET one, PUT, PATCH, DELETE */
	const char *filter, *attributes, *excluded; /* query (or a SearchRequest's members) */
	const char *start_index, *count;            /* raw text of startIndex and count */
	const char *if_match;                       /* the If-Match header */
	const char *body;                           /* POST, PUT, PATCH */
	size_t body_len;
};

/* The answer: status, body (a new reference the caller owns; NULL for 204), the ETag of the
 * resource (empty when none) and, for 201, its location. */
struct scim_reply {
	int status;
	json_t *body;
	char etag[40];
	const char *location;
};

struct scim_realm;

/* The backend interface: where resources live. load/create/save/remove run inside the engine's
 * transaction (db), list outside any (it may page through use cases). Resources are full
 * representations (id, meta, groups or members included); the engine projects them.
 * Errors: GCAS_ERR_NOTFOUND (404), GCAS_ERR_DENIED (403; the backend noted what to audit),
 * GCAS_ERR_CONFLICT (409 uniqueness), or any error with *err filled (its status wins). */
struct scim_backend {
	enum gcas_err (*load)(struct scim_realm *r, struct db *db, enum scim_rtype t,
	                      const char *id, json_t **res, int64_t *version);
	enum gcas_err (*list)(struct scim_realm *r, enum scim_rtype t, const struct scim_filter *f,
	                      int64_t start, int64_t count, json_t **items, int64_t *total,
	                      struct scim_error *err);
	/* NULL: creation refused (403 with create_refused[t]). *id: the new resource. */
	enum gcas_err (*create)(struct scim_realm *r, struct db *db, enum scim_rtype t,
	                        const json_t *clean, const char **id, struct scim_error *err);
	/* Write the change from old (as loaded) to clean (validated new representation). */
	enum gcas_err (*save)(struct scim_realm *r, struct db *db, enum scim_rtype t,
	                      const char *id, int64_t version, const json_t *old,
	                      const json_t *clean, struct scim_error *err);
	/* NULL: deletion refused (403 with remove_refused[t]). */
	enum gcas_err (*remove)(struct scim_realm *r, struct db *db, enum scim_rtype t,
	                        const char *id, int64_t version, struct scim_error *err);
	const char *create_refused[SCIM_RTYPE__MAX], *remove_refused[SCIM_RTYPE__MAX];
	const char *replace_refused[SCIM_RTYPE__MAX]; /* non-NULL: PUT refused with this */
};

/* Open the realm of /scim/v2 for the Authorization header of a request (a personal API token,
 * RFC 6750 Bearer; svc_token_resolve). ip and request_id go into audit records. On failure
 * returns -1 with *fail filled (401 with the SCIM error body; the caller adds
 * WWW-Authenticate). Everything lives in a. */
int svc_scim_open_gcas(const struct env *env, struct arena *a, const char *authorization,
                       const char *ip, const char *request_id, struct scim_realm **out,
                       struct scim_reply *fail);
/* Open the realm of a local environment's identity store: the environment must exist, use the
 * local driver and be active (404 otherwise), and the bearer token must equal its SCIM token
 * (unsealed with signer "scim-token", compared in constant time; 401 otherwise). */
int svc_scim_open_local(const struct env *env, struct arena *a, const char *environment_id,
                        const char *authorization, const char *ip, const char *request_id,
                        struct scim_realm **out, struct scim_reply *fail);
/* The service root of the realm ("<base_url>/scim/v2"), for meta.location. */
const char *svc_scim_base(const struct scim_realm *r);
/* 1 when the realm may write (the token has the "write" scope; always for the local store). */
int svc_scim_can_write(const struct scim_realm *r);

/* Run one call. Never fails: every problem becomes a SCIM error reply. */
void svc_scim_call(struct scim_realm *r, const struct scim_call *call, struct scim_reply *out);

/* Fill *out as the error e (status, scimType or NULL, detail). */
void svc_scim_error(struct scim_reply *out, int status, const char *type, const char *detail);

#endif
