/* SPDX-License-Identifier: MIT */
/* SCIM 2.0 endpoints (RFC 7644 §3) of both realms: /scim/v2 (the gcas directory) and
 * /local-cloud/{id}/scim/v2 (a local environment's identity store). The handlers read the
 * request into a struct scim_call and answer with what svc_scim_call decided, as
 * application/scim+json; errors are RFC 7644 §3.12 messages, never problem+json. */
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "svc/scim.h"
#include "web/handlers.h"

#define LOCAL_PREFIX "/local-cloud/"

static void send(struct web_ctx *c, struct scim_reply *rep)
{
	if (rep->status == 204 || rep->status == 304 || !rep->body) {
		c->resp->status = rep->status ? rep->status : 500;
		buf_reset(&c->resp->body);
		json_decref(rep->body);
	} else {
		web_json(c, rep->status, rep->body); /* steals the body */
		c->resp->content_type = SCIM_CT;
	}
	rep->body = NULL;
	if (rep->etag[0])
		http_resp_header(c->resp, c->a, "ETag", rep->etag);
	if (rep->location)
		http_resp_header(c->resp, c->a, "Location", rep->location);
	if (rep->status == 401)
		/* RFC 6750 §3: a request with a bad token is told so. */
		http_resp_header(c->resp, c->a, "WWW-Authenticate",
		                 http_req_header(c->req, "Authorization")
		                     ? "Bearer realm=\"gcas-scim\", error=\"invalid_token\""
		                     : "Bearer realm=\"gcas-scim\"");
}

static void fail(struct web_ctx *c, int status, const char *type, const char *detail)
{
	struct scim_reply rep = {0};
	svc_scim_error(&rep, status, type, detail);
	send(c, &rep);
}

void proto_scim_bad_input(struct web_ctx *c, int status, const char *detail)
{
	/* RFC 7644 §3.12: scimType is defined for 400 only. */
	fail(c, status, status == 400 ? "invalidSyntax" : NULL,
	     detail ? detail : "The request is malformed.");
}

static int is_local(const struct web_ctx *c)
{
	return str_starts(c->req->path, LOCAL_PREFIX);
}

/* Authenticate and open the realm the path names; on failure the answer is sent. */
static struct scim_realm *open_realm(struct web_ctx *c)
{
	struct scim_realm *r = NULL;
	struct scim_reply rep = {0};
	const char *authz = http_req_header(c->req, "Authorization");
	int rc = is_local(c) ? svc_scim_open_local(c->env, c->a, web_param(c, 0), authz,
	                                           c->client_ip, c->req->request_id, &r, &rep)
	                     : svc_scim_open_gcas(c->env, c->a, authz, c->client_ip,
	                                          c->req->request_id, &r, &rep);
	if (rc) {
		send(c, &rep);
		return NULL;
	}
	return r;
}

/* The resource type named by the path after ".../scim/v2". */
static enum scim_rtype rtype_of(const struct web_ctx *c)
{
	const char *p = strstr(c->req->path, "/scim/v2/");
	return p && str_starts(p + 9, "Groups") ? SCIM_GROUP : SCIM_USER;
}

/* The id segment of ".../Users/{id}" (the last path parameter). */
static const char *id_of(const struct web_ctx *c)
{
	return c->nparams ? c->params[c->nparams - 1] : NULL;
}

/* RFC 7644 §3.1: application/scim+json, and application/json is accepted too. */
static int json_body_ok(struct web_ctx *c)
{
	const char *ct = http_req_header(c->req, "Content-Type");
	if (!ct || str_starts(ct, "application/scim+json") || str_starts(ct, "application/json"))
		return 1;
	fail(c, 415, NULL, "Send the body as application/scim+json.");
	return 0;
}

/* RFC 7232 §3.2: If-None-Match compares weakly ("W/" aside), "*" matching any; a list is
 * comma-separated. */
static int none_match(const char *header, const char *etag)
{
	const char *want = str_starts(etag, "W/") ? etag + 2 : etag;
	size_t wl = strlen(want);
	for (const char *p = header; p && *p;) {
		p += strspn(p, " \t,");
		size_t n = strcspn(p, ",");
		size_t k = n;
		while (k && (p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		const char *v = p;
		if (k >= 2 && strncmp(v, "W/", 2) == 0)
			v += 2, k -= 2;
		if ((k == 1 && *v == '*') || (k == wl && strncmp(v, want, wl) == 0))
			return 1;
		p += n;
	}
	return 0;
}

static void run(struct web_ctx *c, struct scim_call *call)
{
	struct scim_realm *r = open_realm(c);
	struct scim_reply rep;
	if (!r)
		return;
	call->type = rtype_of(c);
	call->if_match = http_req_header(c->req, "If-Match");
	if (call->verb == SCIM_V_CREATE || call->verb == SCIM_V_REPLACE ||
	    call->verb == SCIM_V_PATCH) {
		if (!json_body_ok(c))
			return;
		call->body = c->req->body;
		call->body_len = c->req->body_len;
	}
	if (!call->attributes)
		call->attributes = kv_get(&c->query, "attributes");
	if (!call->excluded)
		call->excluded = kv_get(&c->query, "excludedAttributes");
	svc_scim_call(r, call, &rep);
	/* RFC 7644 §3.14: a client holding the current version is told so, without the body. */
	const char *inm = http_req_header(c->req, "If-None-Match");
	if (call->verb == SCIM_V_GET && rep.status == 200 && rep.etag[0] && inm &&
	    none_match(inm, rep.etag)) {
		json_decref(rep.body);
		rep.body = NULL;
		rep.status = 304;
	}
	send(c, &rep);
}

void proto_scim_list(struct web_ctx *c)
{
	struct scim_call call = {.verb = SCIM_V_LIST,
	                         .filter = kv_get(&c->query, "filter"),
	                         .start_index = kv_get(&c->query, "startIndex"),
	                         .count = kv_get(&c->query, "count")};
	run(c, &call);
}

void proto_scim_create(struct web_ctx *c)
{
	struct scim_call call = {.verb = SCIM_V_CREATE};
	run(c, &call);
}

void proto_scim_get(struct web_ctx *c)
{
	struct scim_call call = {.verb = SCIM_V_GET, .id = id_of(c)};
	run(c, &call);
}

void proto_scim_replace(struct web_ctx *c)
{
	struct scim_call call = {.verb = SCIM_V_REPLACE, .id = id_of(c)};
	run(c, &call);
}

void proto_scim_patch(struct web_ctx *c)
{
	struct scim_call call = {.verb = SCIM_V_PATCH, .id = id_of(c)};
	run(c, &call);
}

void proto_scim_delete(struct web_ctx *c)
{
	struct scim_call call = {.verb = SCIM_V_DELETE, .id = id_of(c)};
	run(c, &call);
}

/* A comma list from a SearchRequest's list of attribute paths (checked by search_problem). */
static const char *joined(struct web_ctx *c, json_t *arr)
{
	struct buf b;
	size_t i;
	json_t *el;
	if (!arr)
		return NULL;
	if (json_is_string(arr))
		return arena_strdup(c->a, json_string_value(arr));
	buf_init(&b, 8192);
	json_array_foreach(arr, i, el)
	{
		buf_printf(&b, "%s%s", b.len ? "," : "", json_string_value(el));
	}
	const char *out = b.failed ? NULL : arena_strdup(c->a, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

static const char *int_text(struct web_ctx *c, json_t *v)
{
	return v ? arena_printf(c->a, "%lld", (long long)json_integer_value(v)) : NULL;
}

static int string_list(json_t *v)
{
	size_t i;
	json_t *el;
	if (json_is_string(v))
		return 1;
	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, el)
	{
		if (!json_is_string(el))
			return 0;
	}
	return 1;
}

#define SEARCH_URN "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

/* What is wrong with a SearchRequest (RFC 7644 §3.4.3), with its scimType; NULL when nothing.
 * A member of the wrong type is refused, never dropped: a filter that was not read would
 * answer with every resource. */
static const char *search_problem(json_t *q, const char **type)
{
	static const char *const members[] = {"schemas",    "attributes", "excludedAttributes",
	                                      "filter",     "sortBy",     "sortOrder",
	                                      "startIndex", "count"};
	const char *k;
	json_t *v;
	*type = "invalidSyntax";
	json_object_foreach(q, k, v)
	{
		size_t i = 0;
		while (i < sizeof(members) / sizeof(members[0]) && strcmp(k, members[i]))
			i++;
		if (i == sizeof(members) / sizeof(members[0]))
			return "The SearchRequest has a member SCIM does not define.";
	}
	json_t *sch = json_object_get(q, "schemas");
	int urn = 0;
	size_t i;
	json_array_foreach(sch, i, v)
	{
		urn |= json_is_string(v) && strcmp(json_string_value(v), SEARCH_URN) == 0;
	}
	if (!urn)
		return "schemas must list " SEARCH_URN ".";
	v = json_object_get(q, "filter");
	if (v && !json_is_string(v)) {
		*type = "invalidFilter";
		return "filter must be a string.";
	}
	*type = "invalidValue";
	if ((v = json_object_get(q, "attributes")) && !string_list(v))
		return "attributes must be a list of attribute names.";
	v = json_object_get(q, "excludedAttributes");
	if (v && !string_list(v))
		return "excludedAttributes must be a list of attribute names.";
	if ((v = json_object_get(q, "sortBy")) && !json_is_string(v))
		return "sortBy must be a string.";
	if ((v = json_object_get(q, "sortOrder")) && !json_is_string(v))
		return "sortOrder must be a string.";
	if ((v = json_object_get(q, "startIndex")) && !json_is_integer(v))
		return "startIndex must be an integer.";
	if ((v = json_object_get(q, "count")) && !json_is_integer(v))
		return "count must be an integer.";
	return NULL;
}

/* POST .../.search (RFC 7644 §3.4.3): the query in a body, for filters too long or too
 * private for a URL. */
void proto_scim_search(struct web_ctx *c)
{
	json_error_t je;
	if (!json_body_ok(c))
		return;
	json_t *q = json_loadb(c->req->body ? c->req->body : "", c->req->body_len,
	                       JSON_REJECT_DUPLICATES, &je);
	const char *type = "invalidSyntax";
	const char *why = json_is_object(q) ? search_problem(q, &type)
	                                    : "The body must be a SearchRequest object.";
	if (why) {
		json_decref(q);
		/* Authenticate first so an anonymous caller learns nothing from the error. */
		if (open_realm(c))
			fail(c, 400, type, why);
		return;
	}
	struct scim_call call = {
	    .verb = SCIM_V_LIST,
	    .filter = arena_strdup(c->a, json_string_value(json_object_get(q, "filter"))),
	    .attributes = joined(c, json_object_get(q, "attributes")),
	    .excluded = joined(c, json_object_get(q, "excludedAttributes")),
	    .start_index = int_text(c, json_object_get(q, "startIndex")),
	    .count = int_text(c, json_object_get(q, "count")),
	};
	json_decref(q); /* what the call needs was copied into the arena */
	run(c, &call);
}

/* Discovery (RFC 7644 §4), behind the same bearer token as the resources. */
static void discovery(struct web_ctx *c, json_t *(*all)(const char *),
                      json_t *(*one)(const char *, const char *))
{
	struct scim_realm *r = open_realm(c);
	if (!r)
		return;
	const char *id = one ? id_of(c) : NULL;
	if (is_local(c) && c->nparams < 2)
		id = NULL;
	json_t *body = id ? one(svc_scim_base(r), id) : all(svc_scim_base(r));
	if (!body) {
		fail(c, 404, NULL, "No such schema or resource type.");
		return;
	}
	struct scim_reply rep = {.status = 200, .body = body};
	send(c, &rep);
}

void proto_scim_spc(struct web_ctx *c)
{
	discovery(c, scim_spc_json, NULL);
}

void proto_scim_schemas(struct web_ctx *c)
{
	discovery(c, scim_schemas_json, NULL);
}

void proto_scim_schema(struct web_ctx *c)
{
	discovery(c, scim_schemas_json, scim_schema_one);
}

void proto_scim_types(struct web_ctx *c)
{
	discovery(c, scim_types_json, NULL);
}

void proto_scim_type(struct web_ctx *c)
{
	discovery(c, scim_types_json, scim_type_one);
}
