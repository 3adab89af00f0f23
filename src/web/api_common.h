/* SPDX-License-Identifier: MIT */
/* Shared parts of the JSON API under /api/v1 (api_*.c): the request body descriptions (also read
 * by the OpenAPI generator, so the document and the decoder cannot drift apart), the JSON views
 * of the domain records, cursor paging, and the mapping of use-case errors to RFC 9457
 * problems. Every function is thread-safe; json_t values returned are new references. */
#ifndef GCAS_WEB_API_COMMON_H
#define GCAS_WEB_API_COMMON_H

#include <jansson.h>

#include "web/jsonin.h"
#include "web/web.h"

#define API_LIMIT_DEFAULT 50
#define API_LIMIT_MAX     500
#define API_CURSOR_MAX    1024 /* characters of an encoded cursor */

/* One accepted request body: the jsonin spec that decodes it, and what the OpenAPI document says
 * about it. extra is a JSON object text (or NULL) mapping a member name to more JSON Schema
 * keywords for that member (enum, format, description); the value "@roles", "@org_kinds",
 * "@account_statuses" or "@group_kinds" of an "enum" keyword is replaced by the storage names
 * of that C enum (api_openapi.c). */
struct api_body {
	const char *schema; /* name under components/schemas, e.g. "OrgCreate" */
	const char *description;
	const struct jfield *fields;
	size_t nfields;
	const char *extra;
};

extern const struct api_body api_body_org_create;     /* POST /orgs */
extern const struct api_body api_body_org_update;     /* PATCH /orgs/{id} */
extern const struct api_body api_body_account_create; /* POST /accounts */
extern const struct api_body api_body_account_update; /* PATCH /accounts/{id} */
extern const struct api_body api_body_reason;         /* disable, delete */
extern const struct api_body api_body_empty;          /* enable, reset-factors, setup-link */
extern const struct api_body api_body_member_add;     /* POST /groups/{id}/members */

/* --- the OpenAPI document (api_openapi.c), assembled from one part per feature --- */
/* What the route table does not say about one operation. */
struct api_op_doc {
	const char *op_id;
	const struct api_body *body; /* NULL: no request body */
	int body_optional;
	int status;         /* success status */
	const char *schema; /* success body schema name; NULL for 204 */
	const char *query;  /* space-separated query parameter names */
	const char *errors; /* space-separated problem statuses */
};
/* An operation whose request body is not JSON (an upload): its media type and what it holds. */
struct api_raw_body {
	const char *op_id, *media_type, *description;
};
#define API_ERRS_RW    "400 401 403 404 415 422"
#define API_ERRS_RW409 "400 401 403 404 409 415 422"
struct api_param_doc {
	const char *name, *schema, *description;
};
/* One feature's operations, query parameters, response schemas (a JSON object text mapping
 * names to JSON Schemas, or NULL), resources that get a <Name>List schema and request bodies
 * (both NULL-terminated, or NULL). A feature's api_<feature>.c defines its part. */
struct api_doc_part {
	const struct api_op_doc *ops;
	size_t nops;
	const struct api_param_doc *params;
	size_t nparams;
	const char *schemas;
	const char *const *listed;
	const struct api_body *const *bodies;
	const struct api_raw_body *raw; /* uploads (NULL-terminated by op_id), or NULL */
};
extern const struct api_doc_part api_doc_applications; /* api_applications.c */
extern const struct api_doc_part api_doc_review;       /* api_review.c */
extern const struct api_doc_part api_doc_lifecycle;    /* api_lifecycle.c */
extern const struct api_doc_part api_doc_calendar;     /* api_calendar.c */
extern const struct api_doc_part api_doc_mail;         /* api_mail.c */
extern const struct api_doc_part api_doc_import;       /* api_import.c */
extern const struct api_doc_part api_doc_systems;      /* api_systems.c */
extern const struct api_doc_part api_doc_environments; /* api_environments.c */
extern const struct api_doc_part api_doc_assignments;  /* api_assignments.c */

/* Decode the request body per b into target (first member: the uint64_t presence mask, see
 * jsonin.h). optional != 0: an empty body is accepted as {} (operations without input).
 * Returns 0, or -1 after answering 400 (problem with an errors array) or 415. */
int api_body_decode(struct web_ctx *c, const struct api_body *b, void *target, int optional);

/* JSON values. api_str: NULL → null. api_time: 0 → null, else RFC 3339 UTC text. */
json_t *api_str(const char *s);
json_t *api_time(int64_t t);
/* Views of the records with stable field names. Never a password or token hash. NULL on OOM. */
json_t *api_org_json(const struct org *o);
json_t *api_account_json(const struct account *acc);
json_t *api_group_json(const struct group *g);
json_t *api_member_json(const struct membership *m);
json_t *api_audit_json(const struct audit_rec *r);
json_t *api_token_json(const struct api_token *t);

/* Read ?limit= (1..API_LIMIT_MAX, default API_LIMIT_DEFAULT) and ?cursor= (base64url of the
 * store's opaque page.next; decoded into the request arena) into pg. Returns 0, or -1 after
 * answering 400. */
int api_page(struct web_ctx *c, struct page *pg);
/* Answer 200 {"items": items, "next_cursor": base64url(next) | null}. Steals items. */
void api_list_send(struct web_ctx *c, json_t *items, const char *next);

/* Answer status with body (steals it). */
void api_send(struct web_ctx *c, int status, json_t *body);
/* Answer 201 with body and Location: path (the new resource's URL path). Steals body. */
void api_created(struct web_ctx *c, const char *path, json_t *body);
/* Answer 204 No Content. */
void api_no_content(struct web_ctx *c);
/* Answer a use case's refusal: INVALID → 422 and CONFLICT → 409 with ve's field errors;
 * NOTFOUND naming a body field (ve->n > 0) → 422; everything else as web_fail. */
void api_fail(struct web_ctx *c, enum gcas_err e, const struct verrs *ve);
/* Answer 400 for a bad query parameter, with an errors entry pointing at it. */
void api_bad_query(struct web_ctx *c, const char *name, const char *why);

/* Parse an RFC 3339 date-time (§5.6: "2026-04-01T09:00:00Z", "...+09:00", fractions ignored)
 * into epoch seconds. Returns 0, or -1 when s is not one. */
int api_parse_time(const char *s, int64_t *out);

#endif
