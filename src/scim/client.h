/* SPDX-License-Identifier: MIT */
/* The SCIM 2.0 client (RFC 7643 resources, RFC 7644 protocol) that pushes CSP users and groups
 * to an environment's identity store, kept to the subset AWS IAM Identity Center accepts:
 * filters only `attr eq "value"` (userName, displayName, externalId), PATCH replace on users,
 * PATCH add/remove on group members with at most 100 member changes per request, no bulk, no
 * ETags. Requests go through a transport (libcurl, or an in-process function for tests). */
#ifndef GCAS_SCIM_CLIENT_H
#define GCAS_SCIM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

/* AWS IAM Identity Center PatchGroup: "A maximum of 100 membership changes are allowed in a
 * single request". */
#define SCIM_MEMBERS_PER_PATCH 100
/* Response bodies larger than this are refused (a user or group, or one page of a list). */
#define SCIM_RESP_MAX (4u * 1024u * 1024u)

/* One HTTP exchange: method ("GET", "POST", "PATCH", "DELETE"), absolute url, bearer token,
 * JSON body (NULL for none). On GCAS_OK *status is the HTTP status and resp holds the body
 * (reset first). GCAS_ERR_IO when no answer came (connection, TLS, timeout), with a reason in
 * why. The transport is used by one thread at a time. */
struct scim_transport {
	enum gcas_err (*send)(struct scim_transport *t, const char *method, const char *url,
	                      const char *token, const char *body, long *status, struct buf *resp,
	                      char *why, size_t why_len);
	void (*free)(struct scim_transport *t);
	void *ctx;
};

/* libcurl: TLS verification on (peer and host), no proxy from the environment unless set by
 * the operator's libcurl defaults, timeout seconds per request, and ONE easy handle kept for
 * the transport's life so connections are reused (keep-alive) across a push run. NULL on OOM. */
struct scim_transport *scim_transport_curl_new(int64_t timeout);

/* In-process: every request is handed to fn (tests, and the benchmark's own server). */
typedef enum gcas_err (*scim_handler_fn)(void *ctx, const char *method, const char *url,
                                         const char *token, const char *body, long *status,
                                         struct buf *resp);
struct scim_transport *scim_transport_func_new(scim_handler_fn fn, void *ctx);

void scim_transport_free(struct scim_transport *t);

/* An RFC 7644 §3.12 error response (or what we made of a response that was not one). */
struct scim_error {
	long status;        /* HTTP status; 0 when no answer came */
	char scim_type[40]; /* "uniqueness", "invalidFilter", ... or "" */
	char detail[256];   /* detail, or a short description of what went wrong */
};
/* Parse an error body: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],
 * "status":"409","scimType":"uniqueness","detail":"..."}. status is the HTTP status (the
 * body's "status" is a string per §3.12 and only fills in when http_status is 0). A body
 * that is not such an object still gives status and a detail naming the HTTP status. */
void scim_error_parse(const char *body, long http_status, struct scim_error *out);

/* The filter `attr eq "value"` with value written as a JSON string (RFC 7644 §3.4.2.2: a
 * compValue string is a JSON string, so '"' and '\' are escaped), arena-allocated. */
char *scim_filter_eq(struct arena *a, const char *attr, const char *value);

struct scim_client {
	struct scim_transport *tr;
	const char *base;      /* ".../scim/v2", no trailing slash */
	const char *token;     /* bearer token */
	struct scim_error err; /* the last failure */
	int64_t requests;      /* requests sent (for reports and the benchmark) */
};
void scim_client_init(struct scim_client *c, struct scim_transport *tr, const char *base,
                      const char *token);

/* A user as gcas pushes it (RFC 7643 §4.1): userName = email, externalId = account id. */
struct scim_user {
	const char *id; /* the store's id; NULL before creation */
	const char *user_name, *external_id, *display_name, *given_name, *family_name, *email;
	int active;
};
struct scim_group {
	const char *id, *display_name, *external_id;
	const char **members; /* member ids (values), when the store returned them */
	size_t nmembers;
	int members_known; /* 0 when the response carried no "members" attribute */
};

/* Every operation: GCAS_OK; NOTFOUND (404, or an empty filter result); CONFLICT (409);
 * AUTH (401/403); INVALID (400 or a response we cannot read); BUSY (429, 5xx: try later);
 * IO (no answer). c->err tells the status, scimType and detail. Results are allocated in a. */
enum gcas_err scim_user_find(struct scim_client *c, struct arena *a, const char *user_name,
                             struct scim_user *out);
enum gcas_err scim_user_get(struct scim_client *c, struct arena *a, const char *id,
                            struct scim_user *out);
enum gcas_err scim_user_create(struct scim_client *c, struct arena *a, const struct scim_user *in,
                               struct scim_user *out);
/* PATCH replace of active, displayName, name and emails (RFC 7644 §3.5.2.3); of active alone
 * when in->user_name is NULL (deactivating a user whose details are gone). */
enum gcas_err scim_user_patch(struct scim_client *c, const char *id, const struct scim_user *in);
enum gcas_err scim_user_delete(struct scim_client *c, const char *id);
enum gcas_err scim_group_find(struct scim_client *c, struct arena *a, const char *display_name,
                              struct scim_group *out);
enum gcas_err scim_group_get(struct scim_client *c, struct arena *a, const char *id,
                             struct scim_group *out);
/* Whether user_id is a member of group group_id, asked with the filter
 * `id eq "g" and members eq "u"` (for stores that list no members in a group: AWS). *member
 * 1 or 0 with GCAS_OK; INVALID when the store refuses the filter (400) or answers with
 * another group; the other errors as above. */
enum gcas_err scim_group_has_member(struct scim_client *c, struct arena *a, const char *group_id,
                                    const char *user_id, int *member);
enum gcas_err scim_group_create(struct scim_client *c, struct arena *a, const char *display_name,
                                struct scim_group *out);
/* PATCH add / remove members (RFC 7644 §3.5.2.1, §3.5.2.2) in requests of at most
 * SCIM_MEMBERS_PER_PATCH changes each: adds first, then removes. Stops at the first failure. */
enum gcas_err scim_group_members(struct scim_client *c, const char *id, const char *const *add,
                                 size_t nadd, const char *const *remove, size_t nremove);
enum gcas_err scim_group_delete(struct scim_client *c, const char *id);

#endif
