/* SPDX-License-Identifier: MIT */
/* GET /api/v1/openapi.json: every API row of the route table appears with its method,
 * operationId, summary and scope, and nothing else does; every operation documents a success
 * response; every $ref resolves; path parameters match the templates; request bodies carry the
 * decoder's limits. Also keeps docs/api/openapi.json equal to the generated document:
 *   test_web_api_openapi --write   regenerates it. */
#include <ctype.h>
#include <unistd.h>

#include "test_api.h"
#include "web/web.h"

static const char *method_key(enum http_method m)
{
	switch (m) {
	case HTTP_GET:
		return "get";
	case HTTP_POST:
		return "post";
	case HTTP_PATCH:
		return "patch";
	case HTTP_DELETE:
		return "delete";
	case HTTP_PUT:
		return "put";
	default:
		return "?";
	}
}

static int is_api(const struct route *rt)
{
	return rt->kind == ROUTE_API;
}

/* Every {"$ref": "#/components/schemas/X"} below v names a schema that exists. */
static int refs_resolve(json_t *doc, json_t *v, char *bad, size_t badlen)
{
	const char *key;
	json_t *val;
	size_t i;
	if (json_is_array(v)) {
		json_array_foreach(v, i, val) if (!refs_resolve(doc, val, bad, badlen)) return 0;
		return 1;
	}
	if (!json_is_object(v))
		return 1;
	json_object_foreach(v, key, val)
	{
		if (strcmp(key, "$ref") == 0) {
			const char *r = json_string_value(val);
			const char *pre = "#/components/schemas/";
			json_t *schemas =
			    json_object_get(json_object_get(doc, "components"), "schemas");
			if (!r || strncmp(r, pre, strlen(pre)) != 0 ||
			    !json_object_get(schemas, r + strlen(pre))) {
				snprintf(bad, badlen, "%s", r ? r : "(not a string)");
				return 0;
			}
		} else if (!refs_resolve(doc, val, bad, badlen)) {
			return 0;
		}
	}
	return 1;
}

/* The path parameters declared on a path item are exactly the {x} of its template. */
static int params_match(const char *pattern, json_t *item)
{
	json_t *ps = json_object_get(item, "parameters"), *p;
	size_t i, braces = 0;
	for (const char *s = strchr(pattern, '{'); s; s = strchr(s + 1, '{')) {
		const char *e = strchr(s, '}');
		int found = 0;
		braces++;
		json_array_foreach(ps, i, p)
		{
			const char *n = json_string_value(json_object_get(p, "name"));
			if (n && strlen(n) == (size_t)(e - s - 1) &&
			    strncmp(n, s + 1, strlen(n)) == 0 &&
			    json_is_true(json_object_get(p, "required")) &&
			    strcmp(json_string_value(json_object_get(p, "in")), "path") == 0)
				found = 1;
		}
		if (!found)
			return 0;
	}
	return json_array_size(ps) == braces;
}

static int has_2xx(json_t *op)
{
	const char *key;
	json_t *val;
	json_object_foreach(json_object_get(op, "responses"), key, val)
	{
		if (key[0] != '2')
			continue;
		if (strcmp(key, "204") == 0)
			return 1;
		json_t *schema = json_object_get(
		    json_object_get(json_object_get(val, "content"), "application/json"), "schema");
		return json_is_object(schema);
	}
	return 0;
}

/* docs/api/openapi.json next to this source file (which the compiler may name relative to the
 * build directory: then relative to the executable's build tree). */
static void docs_path(char *out, size_t cap)
{
	char exe[512] = "";
	const char *file = __FILE__;
	const char *tail = "tests/web/test_api_openapi.c";
	size_t root_len = strlen(file) - strlen(tail);
	if (file[0] == '/') {
		snprintf(out, cap, "%.*sdocs/api/openapi.json", (int)root_len, file);
		return;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	/* exe = BUILD/tests/web/test_web_api_openapi; file = ../tests/web/... relative to BUILD */
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
	}
	snprintf(out, cap, "%s/%.*sdocs/api/openapi.json", exe, (int)root_len, file);
}

int main(int argc, char **argv)
{
	int write = argc > 1 && strcmp(argv[1], "--write") == 0;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	/* The document names the server; fix it so the copy in docs/ does not follow defaults. */
	W.cfg.base_url = "http://127.0.0.1:8080";

	is_int(call("GET", "/api/v1/openapi.json", NULL, NULL), 200, "the document needs no auth");
	is_str(CTYPE, "application/json", "served as JSON");
	ok(J != NULL, "the body parses");
	json_t *doc = json_incref(J);
	is_str(jstr_in(doc, "openapi"), "3.1.0", "OpenAPI 3.1.0");
	ok(jstr_in(json_object_get(doc, "info"), "title") &&
	       jstr_in(json_object_get(doc, "info"), "version"),
	   "info has a title and a version");
	json_t *paths = json_object_get(doc, "paths");

	/* Every API route, with its method, operationId, summary and scope. */
	size_t napi = 0, good = 0;
	for (size_t i = 0; i < web_nroutes; i++) {
		const struct route *rt = &web_routes[i];
		if (!is_api(rt))
			continue;
		napi++;
		json_t *op =
		    json_object_get(json_object_get(paths, rt->pattern), method_key(rt->method));
		const char *id = jstr_in(op, "operationId");
		const char *sum = jstr_in(op, "summary");
		const char *scope = jstr_in(op, "x-gcas-scope");
		json_t *sec = json_object_get(op, "security");
		int scope_ok =
		    rt->scope
		        ? scope && strcmp(scope, rt->scope) == 0 &&
		              strcmp(json_string_value(json_array_get(
		                         json_object_get(json_array_get(sec, 0), "bearerToken"), 0))
		                         ?: "",
		                     rt->scope) == 0
		        : json_is_array(sec) && json_array_size(sec) == 0;
		if (op && id && strcmp(id, rt->op_id) == 0 && sum &&
		    strcmp(sum, rt->summary) == 0 && scope_ok && has_2xx(op))
			good++;
		else
			diag("route %s %s: operation missing or wrong in the document",
			     method_key(rt->method), rt->pattern);
	}
	ok(napi >= 20, "the route table has the API rows");
	is_int((long)good, (long)napi,
	       "every API route is documented with method, operationId, summary, scope and a "
	       "success response");

	/* Nothing else: every documented operation is an API route. */
	const char *path;
	json_t *item;
	size_t nops = 0, stray = 0, pm_ok = 0, npaths = 0;
	json_object_foreach(paths, path, item)
	{
		const char *m;
		json_t *op;
		npaths++;
		if (params_match(path, item))
			pm_ok++;
		else
			diag("path %s: parameters do not match the template", path);
		json_object_foreach(item, m, op)
		{
			if (strcmp(m, "parameters") == 0)
				continue;
			nops++;
			int found = 0;
			for (size_t i = 0; i < web_nroutes; i++) {
				const struct route *rt = &web_routes[i];
				if (is_api(rt) && strcmp(rt->pattern, path) == 0 &&
				    strcmp(method_key(rt->method), m) == 0)
					found = 1;
			}
			if (!found) {
				stray++;
				diag("documented but not routed: %s %s", m, path);
			}
		}
	}
	is_int((long)nops, (long)napi, "as many operations as API routes");
	is_int((long)stray, 0, "no operation that is not an API route");
	is_int((long)pm_ok, (long)npaths, "path parameters match the {x} of every template");
	ok(json_object_get(paths, "/api/v1/groups/{id}/members/{account}") != NULL,
	   "templates keep their parameter names");
	ok(!json_object_get(paths, "/accounts") && !json_object_get(paths, "/healthz"),
	   "pages and plain routes are not in the document");

	/* Unique operationIds (OpenAPI 3.1 §4.8.10: "MUST be unique"). */
	size_t dup = 0;
	for (size_t i = 0; i < web_nroutes; i++)
		for (size_t k = i + 1; k < web_nroutes; k++)
			if (is_api(&web_routes[i]) && is_api(&web_routes[k]) &&
			    strcmp(web_routes[i].op_id, web_routes[k].op_id) == 0)
				dup++;
	is_int((long)dup, 0, "operationIds are unique");

	char bad[256] = "";
	ok(refs_resolve(doc, doc, bad, sizeof(bad)), "every $ref resolves");
	if (bad[0])
		diag("unresolved: %s", bad);

	/* Schemas carry what the decoder enforces and what the C enums hold. */
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	json_t *ac = json_object_get(schemas, "AccountCreate");
	ok(json_is_false(json_object_get(ac, "additionalProperties")),
	   "request bodies refuse unknown members, like the decoder");
	is_int((long)json_integer_value(json_object_get(
	           json_object_get(json_object_get(ac, "properties"), "email"), "maxLength")),
	       254, "email maxLength comes from the decoder spec");
	json_t *roles =
	    json_object_get(json_object_get(json_object_get(ac, "properties"), "role"), "enum");
	is_int((long)json_array_size(roles), ROLE__MAX, "role enum lists the seven roles");
	is_str(json_string_value(json_array_get(roles, 1)), "agency_manager",
	       "role enum uses the storage names");
	json_t *acc = json_object_get(json_object_get(schemas, "Account"), "properties");
	ok(acc && !json_object_get(acc, "password_hash"), "Account has no password_hash");
	ok(json_object_get(json_object_get(json_object_get(schemas, "Token"), "properties"),
	                   "token_hash") == NULL,
	   "Token has no hash");
	ok(json_object_get(schemas, "Problem") && json_object_get(schemas, "AccountList"),
	   "problem and list schemas");
	json_t *create = json_object_get(json_object_get(paths, "/api/v1/accounts"), "post");
	ok(json_object_get(json_object_get(create, "responses"), "201") &&
	       json_object_get(json_object_get(create, "responses"), "422"),
	   "createAccount documents 201 and 422");
	json_t *upd = json_object_get(json_object_get(paths, "/api/v1/accounts/{id}"), "patch");
	json_t *req = json_object_get(
	    json_object_get(json_object_get(json_object_get(upd, "requestBody"), "content"),
	                    "application/json"),
	    "schema");
	is_str(jstr_in(req, "$ref"), "#/components/schemas/AccountUpdate",
	       "PATCH /accounts/{id} takes AccountUpdate");
	json_t *sch = json_object_get(schemas, "AccountUpdate");
	is_str(json_string_value(json_array_get(json_object_get(sch, "required"), 0)), "version",
	       "AccountUpdate requires version");
	json_t *sec_schemes =
	    json_object_get(json_object_get(doc, "components"), "securitySchemes");
	is_str(jstr_in(json_object_get(sec_schemes, "bearerToken"), "scheme"), "bearer",
	       "bearer token security scheme");

	/* The copy in docs/ is the generated document. */
	char file[1024];
	docs_path(file, sizeof(file));
	if (write) {
		ok(json_dump_file(doc, file, JSON_INDENT(2)) == 0, "wrote the document");
		FILE *f = fopen(file, "a");
		if (f) {
			fputc('\n', f);
			fclose(f);
		}
		diag("wrote %s", file);
	}
	json_t *saved = json_load_file(file, 0, NULL);
	ok(saved && json_equal(saved, doc),
	   "docs/api/openapi.json is up to date (regenerate: test_web_api_openapi --write)");
	if (!saved)
		diag("could not read %s", file);
	json_decref(saved);
	json_decref(doc);
	api_reset();
	wt_close(&W);
	return tap_done();
}
