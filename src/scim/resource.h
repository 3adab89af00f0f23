/* SPDX-License-Identifier: MIT */
/* SCIM 2.0 resources (RFC 7643): the User, enterprise User extension and Group schemas as static
 * tables, path resolution against them, cleaning and type-checking of client representations,
 * attributes / excludedAttributes projection, meta, ListResponse and the error message of
 * RFC 7644 §3.12, and the discovery documents (ServiceProviderConfig, Schemas, ResourceTypes).
 * Pure: JSON in, JSON out; no I/O. Every json_t returned is a new reference the caller owns. */
#ifndef GCAS_SCIM_RESOURCE_H
#define GCAS_SCIM_RESOURCE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define SCIM_CT                "application/scim+json"
#define SCIM_SCHEMA_USER       "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_SCHEMA_GROUP      "urn:ietf:params:scim:schemas:core:2.0:Group"
#define SCIM_SCHEMA_ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define SCIM_MSG_ERROR         "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCIM_MSG_LIST          "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_MSG_PATCH         "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define SCIM_MSG_SEARCH        "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
/* RFC 7644 §3.4.2.4: the provider caps count; ServiceProviderConfig says so (filter.maxResults). */
#define SCIM_MAX_RESULTS   1000
#define SCIM_DEFAULT_COUNT 100

enum scim_type {
	SCIM_T_STRING,
	SCIM_T_BOOLEAN,
	SCIM_T_DECIMAL,
	SCIM_T_INTEGER,
	SCIM_T_DATETIME,
	SCIM_T_REFERENCE,
	SCIM_T_BINARY,
	SCIM_T_COMPLEX,
	SCIM_T__MAX
};
enum scim_mut { SCIM_M_RW, SCIM_M_RO, SCIM_M_IMMUTABLE, SCIM_M_WO, SCIM_M__MAX };
enum scim_ret { SCIM_R_DEFAULT, SCIM_R_ALWAYS, SCIM_R_NEVER, SCIM_R_REQUEST, SCIM_R__MAX };
enum scim_uniq { SCIM_U_NONE, SCIM_U_SERVER, SCIM_U_GLOBAL, SCIM_U__MAX };

/* One attribute definition (RFC 7643 §7). */
struct scim_attr {
	const char *name;
	enum scim_type type;
	int multi, required, case_exact;
	enum scim_mut mut;
	enum scim_ret ret;
	enum scim_uniq uniq;
	const char *desc;
	const struct scim_attr *sub; /* complex: sub-attributes */
	size_t nsub;
	const char *const *canonical; /* NULL-terminated, or NULL */
	const char *const *refs;      /* reference types, NULL-terminated, or NULL */
};

struct scim_schema {
	const char *id; /* URN */
	const char *name, *desc;
	const struct scim_attr *attrs;
	size_t nattrs;
};

enum scim_rtype { SCIM_USER, SCIM_GROUP, SCIM_RTYPE__MAX };

/* A resource type (RFC 7643 §6): its core schema and extensions. */
struct scim_rdef {
	enum scim_rtype type;
	const char *name;     /* "User" */
	const char *endpoint; /* "/Users" */
	const char *desc;
	const struct scim_schema *core;
	const struct scim_schema *ext; /* one optional extension, or NULL */
};

const struct scim_rdef *scim_rdef_get(enum scim_rtype t);

/* A path resolved against a resource type: the attribute, its sub-attribute (or NULL), and the
 * extension URN the attribute lives under (NULL: the core schema or a common attribute). */
struct scim_resolved {
	const struct scim_attr *attr, *sub;
	const char *ext;
};
/* Resolve urn (may be NULL), attr and sub (may be NULL); names are case-insensitive
 * (RFC 7643 §2.1). Common attributes (id, externalId, meta) resolve too. An unqualified name that
 * is not in the core schema is looked up in the extension. 0, or -1 when unknown. */
int scim_resolve(const struct scim_rdef *rd, const char *urn, const char *attr, const char *sub,
                 struct scim_resolved *out);
/* The sub-attribute name of a complex attribute, or NULL. */
const struct scim_attr *scim_attr_sub(const struct scim_attr *a, const char *name);

/* Case-insensitive member lookup (attribute names are case-insensitive, RFC 7643 §2.1); the
 * exact key is returned in *key when key is not NULL. Borrowed reference or NULL. */
json_t *scim_json_get(const json_t *obj, const char *name, const char **key);
/* Remove every member whose key equals name case-insensitively. */
void scim_json_del(json_t *obj, const char *name);

/* A protocol error (RFC 7644 §3.12): HTTP status, scimType (NULL where the RFC has none) and
 * detail. The strings are static or live in the arena of the call that filled it. */
struct scim_error {
	int status;
	const char *type;
	const char *detail;
};
void scim_error_set(struct scim_error *e, int status, const char *type, const char *detail);
/* {"schemas":[Error],"status":"400","scimType":...,"detail":...}: status is a string. */
json_t *scim_error_json(const struct scim_error *e);

/* Clean a representation sent by a client (POST, PUT, or the result of a PATCH): keep known
 * attributes only (unknown ones are ignored), drop readOnly ones (id, meta, groups: the provider
 * owns them), coerce "true"/"false" strings for booleans (Azure AD sends them), check types,
 * canonical shapes (a multi-valued attribute is an array, a complex one an object) and required
 * attributes. *out is a new object with "schemas" set. Errors: GCAS_ERR_INVALID with err filled
 * (400 invalidValue / invalidSyntax), GCAS_ERR_NOMEM. */
enum gcas_err scim_resource_clean(struct arena *a, const struct scim_rdef *rd, const json_t *in,
                                  json_t **out, struct scim_error *err);

/* meta (RFC 7643 §3.1) set on res: resourceType, created, lastModified, location
 * (base + endpoint + "/" + id) and version W/"<version>". */
void scim_meta_set(json_t *res, const struct scim_rdef *rd, const char *base, const char *id,
                   int64_t created, int64_t modified, int64_t version);
/* W/"<version>" into out (>= 32 bytes). */
void scim_etag(char *out, size_t cap, int64_t version);
/* Does an If-Match header value (a list of entity tags, or "*") match version? 1 yes, 0 no
 * (RFC 9110 §13.1.1; weak comparison as RFC 7644 §3.14 uses weak tags). NULL matches. */
int scim_if_match(const char *header, int64_t version);

/* Projection (RFC 7644 §3.4.2.5, §3.9): attributes and excluded are comma-separated paths
 * (either may be NULL). id and schemas are always returned, password never. Returns a new
 * object. Errors: GCAS_ERR_INVALID with err (400 invalidPath) when a path is unknown. */
enum gcas_err scim_project(struct arena *a, const struct scim_rdef *rd, const json_t *res,
                           const char *attributes, const char *excluded, json_t **out,
                           struct scim_error *err);

/* Paging parameters (RFC 7644 §3.4.2.4): startIndex 1-based (< 1 is 1), count >= 0 (negative
 * is 0) capped at SCIM_MAX_RESULTS, default SCIM_DEFAULT_COUNT. Text may be NULL (absent).
 * Errors: GCAS_ERR_INVALID with err (400 invalidValue) for non-integers. */
enum gcas_err scim_paging(const char *start_text, const char *count_text, int64_t *start,
                          int64_t *count, struct scim_error *err);
/* ListResponse over items (stolen): totalResults, startIndex, itemsPerPage, Resources. */
json_t *scim_list_json(json_t *items, int64_t total, int64_t start);

/* Discovery documents (RFC 7643 §5, §6, §7; RFC 7644 §4). base is the service root
 * ("https://host/scim/v2"), used in meta.location. schemas_one / types_one: one entry by id or
 * name, NULL when unknown. */
json_t *scim_spc_json(const char *base);
json_t *scim_schemas_json(const char *base);
json_t *scim_schema_one(const char *base, const char *id);
json_t *scim_types_json(const char *base);
json_t *scim_type_one(const char *base, const char *name);

#endif
