/* SPDX-License-Identifier: MIT */
/* GET /api/v1/openapi.json: the OpenAPI 3.1.0 document of this API, generated at run time from
 * the route table (paths, methods, operationId, summary, scope), the request body specs the
 * handlers decode with (api_body), and the response schemas written once below. A route added
 * to routes.c appears here without anything else to keep in step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/roles.h"
#include "web/api_common.h"
#include "web/handlers.h"

/* --- response schemas (OpenAPI 3.1 uses JSON Schema 2020-12: nullable is a type list) --- */
#define S      "{\"type\":\"string\"}"
#define NS     "{\"type\":[\"string\",\"null\"]}"
#define DT     "{\"type\":\"string\",\"format\":\"date-time\"}"
#define NDT    "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"
#define ID     "{\"type\":\"string\",\"description\":\"opaque identifier (32 hexadecimal digits)\"}"
#define REF(x) "{\"$ref\":\"#/components/schemas/" x "\"}"

static const char schemas_json[] =
    "{"
    "\"Org\":{\"type\":\"object\","
    "\"required\":[\"id\",\"kind\",\"name\",\"code\",\"agency_type\",\"parent_id\",\"agency_id\","
    "\"project_id\",\"created_at\"],"
    "\"properties\":{\"id\":" ID ",\"kind\":{\"type\":\"string\",\"enum\":\"@org_kinds\"},"
    "\"name\":" S ",\"code\":" NS ","
    "\"agency_type\":{\"type\":[\"string\",\"null\"],\"enum\":[\"ministry\",\"local\",null]},"
    "\"parent_id\":" NS ",\"agency_id\":" NS ",\"project_id\":" NS ",\"created_at\":" DT "}},"

    "\"Account\":{\"type\":\"object\","
    "\"required\":[\"id\",\"email\",\"family_name\",\"given_name\",\"family_kana\","
    "\"given_kana\",\"role\",\"org_id\",\"agency_id\",\"project_id\",\"status\","
    "\"disabled_reason\",\"created_at\",\"activated_at\",\"last_signin_at\",\"version\"],"
    "\"properties\":{\"id\":" ID ",\"email\":{\"type\":\"string\",\"format\":\"email\"},"
    "\"family_name\":" S ",\"given_name\":" S ",\"family_kana\":" S ",\"given_kana\":" S ","
    "\"role\":{\"type\":\"string\",\"enum\":\"@roles\"},\"org_id\":" S ","
    "\"agency_id\":" NS ",\"project_id\":" NS ","
    "\"status\":{\"type\":\"string\",\"enum\":\"@account_statuses\"},"
    "\"disabled_reason\":" NS ",\"created_at\":" DT ",\"activated_at\":" NDT ","
    "\"last_signin_at\":" NDT ","
    "\"version\":{\"type\":\"integer\",\"minimum\":1,"
    "\"description\":\"send it back in PATCH (optimistic concurrency)\"}}},"

    "\"AccountCreated\":{\"allOf\":[" REF(
        "Account") ",{\"type\":\"object\","
                   "\"required\":[\"setup_link\"],\"properties\":{\"setup_link\":{\"type\":"
                   "\"string\","
                   "\"format\":\"uri\",\"description\":\"one-time set-up URL for the person; shown "
                   "only in "
                   "this response\"}}}]},"

                   "\"SetupLink\":{\"type\":\"object\",\"required\":[\"account_id\",\"setup_link\"]"
                   ","
                   "\"properties\":{\"account_id\":" ID ",\"setup_link\":{\"type\":\"string\","
                   "\"format\":\"uri\",\"description\":\"one-time set-up URL; earlier links stop "
                   "working\"}}},"

                   "\"Group\":{\"type\":\"object\","
                   "\"required\":[\"id\",\"kind\",\"name\",\"org_id\",\"agency_id\",\"project_id\","
                   "\"created_at\",\"member_count\"],"
                   "\"properties\":{\"id\":" ID
                   ",\"kind\":{\"type\":\"string\",\"enum\":\"@group_kinds\"},"
                   "\"name\":" S ",\"org_id\":" S ",\"agency_id\":" NS ",\"project_id\":" NS ","
                   "\"created_at\":" DT ",\"member_count\":{\"type\":\"integer\",\"minimum\":0}}},"

                   "\"Member\":{\"type\":\"object\","
                   "\"required\":[\"account_id\",\"email\",\"family_name\",\"given_name\",\"role\","
                   "\"added_by\",\"added_at\",\"ends_at\"],"
                   "\"properties\":{\"account_id\":" ID ",\"email\":" S ",\"family_name\":" S ","
                   "\"given_name\":" S ",\"role\":{\"type\":\"string\",\"enum\":\"@roles\"},"
                   "\"added_by\":" NS ",\"added_at\":" DT ",\"ends_at\":" NDT "}},"

                   "\"GroupDetail\":{\"allOf\":[" REF(
                       "Group") ",{\"type\":\"object\","
                                "\"required\":[\"members\"],\"properties\":{\"members\":{\"type\":"
                                "\"array\","
                                "\"items\":" REF(
                                    "Member") "}}}]},"

                                              "\"AuditRecord\":{\"type\":\"object\","
                                              "\"required\":[\"seq\",\"at\",\"actor_id\",\"actor_"
                                              "label\",\"action\",\"target_type\","
                                              "\"target_id\",\"agency_id\",\"outcome\",\"detail\","
                                              "\"ip\",\"request_id\",\"hash\"],"
                                              "\"properties\":{\"seq\":{\"type\":\"integer\","
                                              "\"minimum\":1},\"at\":" DT ","
                                              "\"actor_id\":" NS ",\"actor_label\":" NS
                                              ",\"action\":" S ",\"target_type\":" NS ","
                                              "\"target_id\":" NS ",\"agency_id\":" NS ","
                                              "\"outcome\":{\"type\":\"string\",\"description\":"
                                              "\"ok, denied or failure\"},"
                                              "\"detail\":{\"type\":\"object\"},\"ip\":" NS
                                              ",\"request_id\":" NS ","
                                              "\"hash\":{\"type\":\"string\",\"description\":\"SHA-"
                                              "256 chaining this record to the "
                                              "previous one (tamper evidence)\"}}},"

                                              "\"Token\":{\"type\":\"object\","
                                              "\"required\":[\"id\",\"name\",\"scopes\",\"created_"
                                              "at\",\"expires_at\",\"last_used_at\","
                                              "\"revoked_at\"],"
                                              "\"properties\":{\"id\":" ID ",\"name\":" S
                                              ",\"scopes\":{\"type\":\"array\","
                                              "\"items\":{\"type\":\"string\",\"enum\":[\"read\","
                                              "\"write\"]}},\"created_at\":" DT ","
                                              "\"expires_at\":" DT ",\"last_used_at\":" NDT
                                              ",\"revoked_at\":" NDT "}},"

                                              "\"Problem\":{\"type\":\"object\",\"description\":"
                                              "\"RFC 9457 problem details\","
                                              "\"required\":[\"type\",\"title\",\"status\"],"
                                              "\"properties\":{\"type\":{\"type\":\"string\","
                                              "\"format\":\"uri-reference\"},"
                                              "\"title\":" S ",\"status\":{\"type\":\"integer\","
                                              "\"minimum\":100,\"maximum\":599},"
                                              "\"detail\":" S ",\"request_id\":" S ","
                                              "\"errors\":{\"type\":\"array\",\"items\":{\"type\":"
                                              "\"object\","
                                              "\"required\":[\"pointer\",\"detail\"],"
                                              "\"properties\":{\"pointer\":{\"type\":\"string\","
                                              "\"description\":\"JSON Pointer (RFC 6901) to the "
                                              "body member, or /name of the query "
                                              "parameter\"},\"detail\":" S ",\"detail_ja\":" S
                                              "}}}}},"

                                              "\"OpenApiDocument\":{\"type\":\"object\","
                                              "\"description\":\"this document\"}"
                                              "}";

/* Resources that are listed: each gets a <Name>List schema {items, next_cursor}. */
static const char *const listed[] = {"Org", "Account", "Group", "AuditRecord", "Token", NULL};

/* --- query parameters --- */

#define DATE_OR_TIME                                                                               \
	"{\"type\":\"string\",\"anyOf\":[{\"format\":\"date-time\"},{\"format\":\"date\"}]}"

static const struct api_param_doc params[] = {
    {"limit", "{\"type\":\"integer\",\"minimum\":1,\"maximum\":500,\"default\":50}",
     "Items per page."},
    {"cursor", "{\"type\":\"string\",\"maxLength\":1024}",
     "next_cursor of the previous page (opaque). A page may hold fewer than limit items and "
     "still have a next page."},
    {"kind", "{\"type\":\"string\",\"enum\":\"@org_kinds\"}", "Only organisations of this kind."},
    {"q", "{\"type\":\"string\",\"maxLength\":100}",
     "Part of the email address, the name or its reading."},
    {"role", "{\"type\":\"string\",\"enum\":\"@roles\"}", "Only accounts with this role."},
    {"status", "{\"type\":\"string\",\"enum\":\"@account_statuses\"}",
     "Only accounts in this state (deleted accounts are listed only when asked for)."},
    {"org_id", "{\"type\":\"string\",\"maxLength\":64}", "Only accounts of this organisation."},
    {"action", "{\"type\":\"string\",\"pattern\":\"^[A-Za-z0-9._-]{1,64}$\"}",
     "Only records whose action starts with this (\"account.\", \"signin.failure\")."},
    {"actor", "{\"type\":\"string\",\"pattern\":\"^[A-Za-z0-9._-]{1,64}$\"}",
     "Only records by this account id."},
    {"target", "{\"type\":\"string\",\"pattern\":\"^[A-Za-z0-9._-]{1,64}$\"}",
     "Only records about this target id."},
    {"since", DATE_OR_TIME,
     "Only records at or after this instant (RFC 3339 date-time), or from the start of this "
     "date in Japan time."},
    {"until", DATE_OR_TIME,
     "Only records before this instant (RFC 3339 date-time), or up to the end of this date in "
     "Japan time."},
};

/* --- what the route table does not say about each operation --- */
#define RW    API_ERRS_RW
#define RW409 API_ERRS_RW409
static const struct api_op_doc ops[] = {
    {"getOpenApi", NULL, 0, 200, "OpenApiDocument", NULL, ""},
    {"getMe", NULL, 0, 200, "Account", NULL, "401 403"},
    {"listOrgs", NULL, 0, 200, "OrgList", "limit cursor kind", "400 401 403"},
    {"createOrg", &api_body_org_create, 0, 201, "Org", NULL, "400 401 403 409 415 422"},
    {"getOrg", NULL, 0, 200, "Org", NULL, "401 403 404"},
    {"updateOrg", &api_body_org_update, 0, 200, "Org", NULL, RW},
    {"listAccounts", NULL, 0, 200, "AccountList", "limit cursor q role status org_id",
     "400 401 403 428"},
    {"createAccount", &api_body_account_create, 0, 201, "AccountCreated", NULL,
     "400 401 403 409 415 422"},
    {"getAccount", NULL, 0, 200, "Account", NULL, "401 403 404 428"},
    {"updateAccount", &api_body_account_update, 0, 200, "Account", NULL, RW409},
    {"disableAccount", &api_body_reason, 0, 200, "Account", NULL, RW},
    {"enableAccount", &api_body_empty, 1, 200, "Account", NULL, RW},
    {"deleteAccount", &api_body_reason, 0, 200, "Account", NULL, RW},
    {"resetAccountFactors", &api_body_empty, 1, 200, "Account", NULL, "400 401 403 404 415"},
    {"createSetupLink", &api_body_empty, 1, 200, "SetupLink", NULL, "400 401 403 404 409 415"},
    {"listGroups", NULL, 0, 200, "GroupList", "limit cursor", "400 401 403"},
    {"getGroup", NULL, 0, 200, "GroupDetail", NULL, "401 403 404 428"},
    {"addGroupMember", &api_body_member_add, 0, 200, "GroupDetail", NULL, RW409},
    {"removeGroupMember", NULL, 0, 204, NULL, NULL, "401 403 404"},
    {"listAudit", NULL, 0, 200, "AuditRecordList", "limit cursor action actor target since until",
     "400 401 403"},
    {"listTokens", NULL, 0, 200, "TokenList", NULL, "401 403"},
    {"revokeToken", NULL, 0, 204, NULL, NULL, "401 403 404"},
};

static const struct api_body *const bodies[] = {
    &api_body_org_create, &api_body_account_create, &api_body_account_update, &api_body_reason,
    &api_body_org_update, &api_body_empty,          &api_body_member_add,     NULL};

/* The foundation's part; each later feature brings its own (api_common.h). */
static const struct api_doc_part api_doc_core = {ops,    sizeof(ops) / sizeof(ops[0]),
                                                 params, sizeof(params) / sizeof(params[0]),
                                                 NULL,   listed,
                                                 bodies, NULL};

/* One part per line, so each feature adds its own line. */
/* clang-format off */
static const struct api_doc_part *const parts[] = {
    &api_doc_core,
    &api_doc_applications,
    &api_doc_review,
    &api_doc_lifecycle,
    &api_doc_calendar,
    &api_doc_mail,
    &api_doc_import,
    &api_doc_systems,
    &api_doc_environments,
    &api_doc_assignments,
};
/* clang-format on */
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

static const struct api_op_doc *op_doc_find(const char *op_id)
{
	for (size_t k = 0; op_id && k < NPARTS; k++)
		for (size_t i = 0; i < parts[k]->nops; i++)
			if (strcmp(parts[k]->ops[i].op_id, op_id) == 0)
				return &parts[k]->ops[i];
	return NULL;
}

static const struct api_raw_body *raw_body_find(const char *op_id)
{
	for (size_t k = 0; op_id && k < NPARTS; k++)
		for (const struct api_raw_body *r = parts[k]->raw; r && r->op_id; r++)
			if (strcmp(r->op_id, op_id) == 0)
				return r;
	return NULL;
}

static json_t *load(const char *text)
{
	return json_loads(text, JSON_REJECT_DUPLICATES, NULL);
}

/* The storage names of the C enums the document lists, by index; NULL past the end. */
static const char *role_at(int i)
{
	return i < ROLE__MAX ? role_name((enum role)i) : NULL;
}

static const char *org_kind_at(int i)
{
	return i < ORG__MAX ? org_kind_name((enum org_kind)i) : NULL;
}

static const char *status_at(int i)
{
	return i < ACCOUNT__MAX ? account_status_name((enum account_status)i) : NULL;
}

static const char *group_kind_at(int i)
{
	return i < GROUP__MAX ? group_kind_name((enum group_kind)i) : NULL;
}

static const struct {
	const char *tag;
	const char *(*at)(int);
} enums[] = {
    {"@roles", role_at},
    {"@org_kinds", org_kind_at},
    {"@account_statuses", status_at},
    {"@group_kinds", group_kind_at},
};

/* The values of the enum named by tag ("@roles"), as a JSON array. */
static json_t *enum_values(const char *tag)
{
	json_t *arr = json_array();
	for (size_t k = 0; arr && k < sizeof(enums) / sizeof(enums[0]); k++) {
		if (strcmp(enums[k].tag, tag) != 0)
			continue;
		for (int i = 0; enums[k].at(i); i++)
			json_array_append_new(arr, json_string(enums[k].at(i)));
	}
	return arr;
}

/* Replace every "enum": "@name" below v with the values of that C enum. */
static void expand_enums(json_t *v)
{
	const char *key;
	json_t *val;
	size_t i;
	if (json_is_array(v)) {
		json_array_foreach(v, i, val) expand_enums(val);
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach(v, key, val)
	{
		if (strcmp(key, "enum") == 0 && json_is_string(val))
			json_object_set_new(v, key, enum_values(json_string_value(val)));
		else
			expand_enums(val);
	}
}

static json_t *field_schema(const struct jfield *f)
{
	json_t *s = json_object();
	switch (f->type) {
	case JF_STRING:
		json_object_set_new(s, "type", json_string("string"));
		if (f->max_len)
			json_object_set_new(s, "maxLength", json_integer((json_int_t)f->max_len));
		break;
	case JF_INT:
		json_object_set_new(s, "type", json_string("integer"));
		if (f->min || f->max) {
			json_object_set_new(s, "minimum", json_integer(f->min));
			json_object_set_new(s, "maximum", json_integer(f->max));
		}
		break;
	case JF_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	default: {
		json_t *items = json_pack("{s:s}", "type", "string");
		if (f->max_len)
			json_object_set_new(items, "maxLength",
			                    json_integer((json_int_t)f->max_len));
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", items);
		break;
	}
	}
	return s;
}

/* A request body schema from the very spec the handler decodes with: the document cannot
 * promise a member the decoder refuses (jsonin refuses unknown members, hence
 * additionalProperties: false). */
static json_t *body_schema(const struct api_body *b)
{
	json_t *s = json_object(), *props = json_object(), *req = json_array();
	json_t *extra = b->extra ? load(b->extra) : NULL;
	json_object_set_new(s, "type", json_string("object"));
	json_object_set_new(s, "description", json_string(b->description));
	for (size_t i = 0; i < b->nfields; i++) {
		const struct jfield *f = &b->fields[i];
		json_t *fs = field_schema(f);
		json_t *more = json_object_get(extra, f->name);
		if (json_is_object(more))
			json_object_update(fs, more);
		json_object_set_new(props, f->name, fs);
		if (f->required)
			json_array_append_new(req, json_string(f->name));
	}
	json_object_set_new(s, "properties", props);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	json_object_set_new(s, "additionalProperties", json_false());
	json_decref(extra);
	return s;
}

static json_t *list_schema(const char *item)
{
	char ref[96];
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", item);
	return json_pack("{s:s, s:[s,s], s:{s:{s:s, s:{s:s}}, s:{s:[s,s], s:s}}}", "type", "object",
	                 "required", "items", "next_cursor", "properties", "items", "type", "array",
	                 "items", "$ref", ref, "next_cursor", "type", "string", "null",
	                 "description",
	                 "pass as ?cursor= for the next page; null on the last page");
}

/* One part's schemas, list schemas and request bodies into schemas; -1 when its JSON text does
 * not parse (a bug caught by the OpenAPI test). */
static int add_part(json_t *schemas, const struct api_doc_part *pt)
{
	if (pt->schemas) {
		json_t *more = load(pt->schemas);
		if (!more)
			return -1;
		json_object_update(schemas, more);
		json_decref(more);
	}
	for (size_t i = 0; pt->listed && pt->listed[i]; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%sList", pt->listed[i]);
		json_object_set_new(schemas, name, list_schema(pt->listed[i]));
	}
	for (size_t i = 0; pt->bodies && pt->bodies[i]; i++)
		json_object_set_new(schemas, pt->bodies[i]->schema, body_schema(pt->bodies[i]));
	return 0;
}

static json_t *components(void)
{
	json_t *schemas = load(schemas_json);
	if (!schemas)
		return NULL;
	for (size_t k = 0; k < NPARTS; k++) {
		if (add_part(schemas, parts[k]) != 0) {
			json_decref(schemas);
			return NULL;
		}
	}
	json_t *sec = json_pack(
	    "{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}}", "bearerToken", "type", "http",
	    "scheme", "bearer", "bearerFormat", "gcas_pat_...", "description",
	    "A personal API token (Settings → API tokens) with the scope each operation names in "
	    "x-gcas-scope: \"read\" or \"read write\".",
	    "session", "type", "apiKey", "in", "cookie", "name", "gcas_session", "description",
	    "A signed-in browser session (the cookie is __Host-gcas_session over https). "
	    "State-changing calls also send the session's CSRF token in the X-CSRF-Token header.");
	return json_pack("{s:o, s:o}", "schemas", schemas, "securitySchemes", sec);
}

/* R7.2: the reads of user information that take the GCAS-Access-Purpose header. 1: browsing
 * reads, which an operator makes only with a declared purpose (page_access_purpose.c answers
 * 428 without it); 2: workflow reads (regulation §5.2.2 "operations"), where it is optional:
 * recorded when sent, the read recorded under "operations" otherwise. 0: neither. */
static int purpose_header_op(const char *op_id)
{
	static const char *const required[] = {"listAccounts", "getAccount", "getGroup",
	                                       "listAssignments", "listReviewItems"};
	static const char *const optional[] = {"getApplication"};
	for (size_t i = 0; op_id && i < sizeof(required) / sizeof(required[0]); i++)
		if (strcmp(op_id, required[i]) == 0)
			return 1;
	for (size_t i = 0; op_id && i < sizeof(optional) / sizeof(optional[0]); i++)
		if (strcmp(op_id, optional[i]) == 0)
			return 2;
	return 0;
}

static json_t *purpose_header_param(int kind)
{
	return json_pack(
	    "{s:s, s:s, s:b, s:s, s:{s:s}, s:s}", "name", "GCAS-Access-Purpose", "in", "header",
	    "required", 0, "description",
	    kind == 1 ? "Required of the operator (R7.2, regulation 5.2.2): \"<category>; "
	                "<reason>\", category one of operations, legal, published, agreement, "
	                "security. Without it (and without a purpose declared on the session) the "
	                "operator gets 428."
	              : "Optional for the operator (R7.2, regulation 5.2.2: a workflow read): "
	                "\"<category>; <reason>\", category one of operations, legal, published, "
	                "agreement, security. When sent (or declared on the session) the read is "
	                "recorded with it, otherwise under operations naming the item; a malformed "
	                "value gets 428.",
	    "schema", "type", "string", "example", "operations; inquiry 2026-1234");
}

static json_t *problem_response(int status)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", http_status_text(status),
	                 "content", "application/problem+json", "schema", "$ref",
	                 "#/components/schemas/Problem");
}

static json_t *success_response(const struct api_op_doc *d)
{
	char ref[96];
	if (!d->schema)
		return json_pack("{s:s}", "description", http_status_text(d->status));
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", d->schema);
	json_t *r = json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", http_status_text(d->status),
	                      "content", "application/json", "schema", "$ref", ref);
	if (d->status == 201)
		json_object_set_new(r, "headers",
		                    json_pack("{s:{s:s, s:{s:s}}}", "Location", "description",
		                              "URL path of the new resource", "schema", "type",
		                              "string"));
	return r;
}

/* 1 when name is one of the space-separated words of names. */
static int has_word(const char *names, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(names, name); p; p = strstr(p + 1, name))
		if ((p == names || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return 1;
	return 0;
}

/* The named query parameters, in the order the parts declare them. A name is documented by
 * the op's own part first, so two features may each describe their own "state". */
static json_t *query_params(const struct api_doc_part *own, const char *names)
{
	json_t *arr = json_array(), *seen = json_object();
	for (size_t k = 0; names && k <= NPARTS; k++) {
		const struct api_doc_part *pt = k == 0 ? own : parts[k - 1];
		for (size_t i = 0; pt && i < pt->nparams; i++) {
			const struct api_param_doc *pd = &pt->params[i];
			if (!has_word(names, pd->name) || json_object_get(seen, pd->name))
				continue;
			json_object_set_new(seen, pd->name, json_true());
			json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s, s:o*}", "name",
			                                     pd->name, "in", "query", "required", 0,
			                                     "description", pd->description,
			                                     "schema", load(pd->schema)));
		}
	}
	json_decref(seen);
	return arr;
}

/* The part that documents an operation (for its own query parameters). */
static const struct api_doc_part *part_of(const struct api_op_doc *d)
{
	for (size_t k = 0; d && k < NPARTS; k++)
		if (d >= parts[k]->ops && d < parts[k]->ops + parts[k]->nops)
			return parts[k];
	return NULL;
}

/* {x} segments of a pattern become required path parameters. */
static json_t *path_params(const char *pattern)
{
	json_t *arr = json_array();
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e)
			break;
		json_t *name = json_stringn(p + 1, (size_t)(e - p - 1));
		json_array_append_new(arr,
		                      json_pack("{s:o, s:s, s:b, s:{s:s}}", "name", name, "in",
		                                "path", "required", 1, "schema", "type", "string"));
	}
	return arr;
}

/* The tag of an operation: the first segment after /api/v1/ ("orgs", "accounts"). */
static json_t *tag_of(const char *pattern)
{
	const char *s = pattern + strlen("/api/v1/");
	const char *e = strchr(s, '/');
	const char *dot = strchr(s, '.');
	size_t n = e ? (size_t)(e - s) : dot ? (size_t)(dot - s) : strlen(s);
	return json_stringn(s, n);
}

static json_t *operation(const struct route *rt)
{
	const struct api_op_doc *d = op_doc_find(rt->op_id);
	json_t *op = json_pack("{s:s, s:s, s:[o]}", "operationId", rt->op_id, "summary",
	                       rt->summary ? rt->summary : "", "tags", tag_of(rt->pattern));
	if (!op)
		return NULL;
	json_t *responses = json_object();
	if (rt->auth == AUTH_NONE) {
		json_object_set_new(op, "security", json_array());
	} else if (rt->scope) {
		/* OpenAPI 3.1 §4.8.30: for schemes other than OAuth the array may list the roles
		 * needed; x-gcas-scope says the same for tools that ignore that. */
		json_object_set_new(
		    op, "security",
		    json_pack("[{s:[s]}, {s:[]}]", "bearerToken", rt->scope, "session"));
		json_object_set_new(op, "x-gcas-scope", json_string(rt->scope));
	} else {
		json_object_set_new(op, "security",
		                    json_pack("[{s:[]}, {s:[]}]", "bearerToken", "session"));
	}
	if (d && d->query)
		json_object_set_new(op, "parameters", query_params(part_of(d), d->query));
	int purpose = purpose_header_op(rt->op_id);
	if (purpose) {
		json_t *ps = json_object_get(op, "parameters");
		if (!ps)
			json_object_set_new(op, "parameters", ps = json_array());
		json_array_append_new(ps, purpose_header_param(purpose));
	}
	const struct api_raw_body *raw = raw_body_find(rt->op_id);
	if (raw)
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:b, s:s, s:{s:{s:{s:s}}}}", "required", 1,
		                              "description", raw->description, "content",
		                              raw->media_type, "schema", "type", "string"));
	if (d && d->body) {
		char ref[96];
		snprintf(ref, sizeof(ref), "#/components/schemas/%s", d->body->schema);
		json_t *content =
		    json_pack("{s:{s:{s:s}}}", "application/json", "schema", "$ref", ref);
		if (rt->method == HTTP_PATCH)
			json_object_set_new(content, "application/merge-patch+json",
			                    json_pack("{s:{s:s}}", "schema", "$ref", ref));
		json_object_set_new(
		    op, "requestBody",
		    json_pack("{s:b, s:o}", "required", !d->body_optional, "content", content));
	}
	/* An operation missing from ops[] still appears, with only problem responses: the test
	 * that every operation has a success response catches it. */
	if (d) {
		char key[8];
		snprintf(key, sizeof(key), "%d", d->status);
		json_object_set_new(responses, key, success_response(d));
		for (const char *p = d->errors; *p;) {
			char *end;
			long st = strtol(p, &end, 10);
			if (end == p || st < 400 || st > 599)
				break;
			snprintf(key, sizeof(key), "%ld", st);
			json_object_set_new(responses, key, problem_response((int)st));
			for (p = end; *p == ' ';)
				p++;
		}
	}
	json_object_set_new(responses, "default", problem_response(500));
	json_object_set_new(op, "responses", responses);
	return op;
}

static const char *method_key(enum http_method m)
{
	switch (m) {
	case HTTP_GET:
		return "get";
	case HTTP_POST:
		return "post";
	case HTTP_PUT:
		return "put";
	case HTTP_PATCH:
		return "patch";
	case HTTP_DELETE:
		return "delete";
	case HTTP_HEAD:
		return "head";
	default:
		return "trace";
	}
}

static json_t *paths(void)
{
	json_t *ps = json_object();
	for (size_t i = 0; ps && i < web_nroutes; i++) {
		const struct route *rt = &web_routes[i];
		if (rt->kind != ROUTE_API)
			continue;
		json_t *item = json_object_get(ps, rt->pattern);
		if (!item) {
			item = json_object();
			json_t *pp = path_params(rt->pattern);
			if (json_array_size(pp))
				json_object_set_new(item, "parameters", pp);
			else
				json_decref(pp);
			json_object_set_new(ps, rt->pattern, item);
		}
		json_object_set_new(item, method_key(rt->method), operation(rt));
	}
	return ps;
}

static json_t *document(const struct web_ctx *c)
{
	json_t *comp = components();
	if (!comp)
		return NULL;
	expand_enums(comp);
	json_t *ps = paths();
	expand_enums(ps);
	return json_pack(
	    "{s:s, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[{s:s, s:s}], s:o, s:o}", "openapi", "3.1.0",
	    "info", "title", "gcas API", "version", "1.0.0", "description",
	    "Government Cloud Assistant Service: organisations, accounts along the certification "
	    "chain, applications and approvals, departures, periodic reviews, PMO and system "
	    "groups, and the audit log. Errors are RFC 9457 problem details; "
	    "lists are cursor-paged ({items, next_cursor}).",
	    "license", "name", "MIT", "identifier", "MIT", "servers", "url", c->env->cfg->base_url,
	    "description", "this deployment", "paths", ps, "components", comp);
}

void api_openapi(struct web_ctx *c)
{
	json_t *doc = document(c);
	if (!doc) {
		web_fail(c, GCAS_ERR_INTERNAL);
		return;
	}
	api_send(c, 200, doc);
}
