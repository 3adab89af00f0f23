/* SPDX-License-Identifier: MIT */
/* SCIM PATCH (RFC 7644 §3.5.2) and the resource helpers it relies on: every refusal of the
 * PatchOp message with its scimType, add / remove / replace with and without a path, valuePath
 * filters (with a sub-attribute, creating a value, matching nothing), members added and removed
 * as AWS and Azure AD send them, readOnly targets, the enterprise extension; then cleaning
 * (types, booleans as strings, required attributes), projection, If-Match, paging. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "scim/patch.h"
#include "tap.h"

static struct arena *A;

#define OPS(x)                                                                                     \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" x "]}"

static json_t *user(void)
{
	json_error_t je;
	return json_loads(
	    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"u1\","
	    "\"userName\":\"bjensen\",\"name\":{\"familyName\":\"Jensen\",\"givenName\":"
	    "\"Barbara\"},"
	    "\"active\":true,\"emails\":[{\"value\":\"b@work.example\",\"type\":\"work\"},"
	    "{\"value\":\"b@home.example\",\"type\":\"home\"}],"
	    "\"groups\":[{\"value\":\"g1\"}],\"meta\":{\"version\":\"W/\\\"1\\\"\"}}",
	    0, &je);
}

/* Parse and apply body to res (User unless group); returns the scimType of a refusal, "" on
 * success. */
static const char *apply_to(enum scim_rtype t, json_t *res, const char *body)
{
	struct scim_patch p;
	struct scim_error err = {0};
	const struct scim_rdef *rd = scim_rdef_get(t);
	enum gcas_err e = scim_patch_parse(A, rd, body, strlen(body), &p, &err);
	if (!e)
		e = scim_patch_apply(A, rd, &p, res, &err);
	if (!e)
		return "";
	return err.type ? err.type : "(none)";
}

static const char *apply(json_t *res, const char *body)
{
	return apply_to(SCIM_USER, res, body);
}

static const char *str_at(const json_t *res, const char *a, const char *b)
{
	json_t *v = json_object_get(res, a);
	if (b)
		v = json_object_get(v, b);
	return json_string_value(v);
}

static void refusals(void)
{
	static const struct {
		const char *body, *type, *why;
	} bad[] = {
	    {"not json", "invalidSyntax", "not JSON"},
	    {"[]", "invalidSyntax", "not an object"},
	    {"{\"Operations\":[{\"op\":\"add\",\"value\":{}}]}", "invalidSyntax", "no schemas"},
	    {OPS(""), "invalidSyntax", "no operations"},
	    {OPS("{\"op\":\"move\",\"path\":\"userName\"}"), "invalidSyntax", "unknown op"},
	    {OPS("7"), "invalidSyntax", "an operation that is not an object"},
	    {OPS("{\"op\":\"add\",\"path\":\"shoeSize\",\"value\":1}"), "invalidPath",
	     "unknown attribute"},
	    {OPS("{\"op\":\"add\",\"path\":5,\"value\":1}"), "invalidPath", "path not a string"},
	    {OPS("{\"op\":\"remove\",\"path\":\"emails[type eq]\"}"), "invalidFilter",
	     "bad filter in the path"},
	    {OPS("{\"op\":\"replace\",\"path\":\"emails[shoe eq \\\"x\\\"]\",\"value\":{}}"),
	     "invalidFilter", "unknown sub-attribute in the filter"},
	    {OPS("{\"op\":\"add\",\"path\":\"userName\"}"), "invalidValue", "add without a value"},
	    {OPS("{\"op\":\"remove\"}"), "noTarget", "remove without a path"},
	    {OPS("{\"op\":\"add\",\"value\":\"x\"}"), "invalidValue",
	     "no path and a value that is not an object"},
	    {OPS("{\"op\":\"replace\",\"path\":\"id\",\"value\":\"x\"}"), "mutability",
	     "replace id"},
	    {OPS("{\"op\":\"remove\",\"path\":\"meta.version\"}"), "mutability", "remove meta"},
	    {OPS("{\"op\":\"add\",\"path\":\"groups\",\"value\":[{\"value\":\"g2\"}]}"),
	     "mutability", "groups is readOnly"},
	    {OPS("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"other\\\"].value\",\"value\":"
	         "\"x\"}"),
	     "noTarget", "replace through a filter matching nothing"},
	    {OPS("{\"op\":\"add\",\"path\":\"emails[type eq \\\"work\\\" or primary eq true]."
	         "value\",\"value\":\"x\"},{\"op\":\"add\",\"path\":\"emails[value co "
	         "\\\"zz\\\"]\","
	         "\"value\":{}}"),
	     "noTarget", "add through a filter that is not a set of eq matching nothing"},
	    {OPS("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"]\",\"value\":\"x\"}"),
	     "invalidValue", "replace a filtered value with a non-object"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *u = user();
		is_str(apply(u, bad[i].body), bad[i].type, "refused (%s): %s", bad[i].type,
		       bad[i].why);
		json_decref(u);
	}
	/* More than 1000 operations. */
	static char big[40000];
	size_t n =
	    (size_t)snprintf(big, sizeof(big),
	                     "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	                     "\"Operations\":[");
	for (int i = 0; i < 1001; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
		                      "%s{\"op\":\"remove\",\"path\":\"title\"}", i ? "," : "");
	snprintf(big + n, sizeof(big) - n, "]}");
	json_t *u = user();
	is_str(apply(u, big), "tooMany", "1001 operations are refused");
	json_decref(u);
}

static void without_path(void)
{
	json_t *u = user();
	is_str(
	    apply(u, OPS("{\"op\":\"Replace\",\"value\":{\"active\":false,\"displayName\":"
	                 "\"Babs\",\"name.givenName\":\"Barb\",\"shoeSize\":9,\"id\":\"other\"}}")),
	    "", "replace without a path (op is case-insensitive)");
	ok(json_is_false(json_object_get(u, "active")), "  active replaced");
	is_str(str_at(u, "displayName", NULL), "Babs", "  displayName added");
	is_str(str_at(u, "name", "givenName"), "Barb", "  a dotted path as a key (Azure AD)");
	is_str(str_at(u, "name", "familyName"), "Jensen", "  the other sub-attribute stays");
	ok(!json_object_get(u, "shoeSize"), "  unknown attributes are ignored");
	is_str(str_at(u, "id", NULL), "u1", "  readOnly attributes are ignored without a path");
	is_str(apply(u, OPS("{\"op\":\"add\",\"value\":{\"name\":{\"middleName\":\"J\"},"
	                    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":"
	                    "{\"department\":\"Tour\"}}}")),
	       "", "add without a path: complex and extension values");
	is_str(str_at(u, "name", "middleName"), "J", "  merged into name");
	is_str(str_at(u, "name", "givenName"), "Barb", "  keeping the rest");
	is_str(str_at(u, SCIM_SCHEMA_ENTERPRISE, "department"), "Tour", "  the extension");
	is_str(apply(u, OPS("{\"op\":\"replace\",\"value\":{\"displayName\":null}}")), "",
	       "a null value without a path");
	ok(!json_object_get(u, "displayName"), "  removes the attribute");
	json_decref(u);
}

static void with_path(void)
{
	json_t *u = user();
	is_str(apply(u, OPS("{\"op\":\"add\",\"path\":\"emails\",\"value\":[{\"value\":\"b@x\"},"
	                    "{\"value\":\"b@work.example\",\"type\":\"work\"}]}")),
	       "", "add to a multi-valued attribute");
	is_int(json_array_size(json_object_get(u, "emails")), 3, "  appends, without duplicates");
	is_str(apply(u, OPS("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"].value\","
	                    "\"value\":\"new@work.example\"}")),
	       "", "replace through a valuePath with a sub-attribute");
	is_str(json_string_value(
	           json_object_get(json_array_get(json_object_get(u, "emails"), 0), "value")),
	       "new@work.example", "  the work address changed");
	is_str(
	    apply(u, OPS("{\"op\":\"add\",\"path\":\"phoneNumbers[type eq \\\"mobile\\\"].value\","
	                 "\"value\":\"090\"}")),
	    "", "add through a valuePath matching nothing");
	json_t *ph = json_array_get(json_object_get(u, "phoneNumbers"), 0);
	ok(ph && strcmp(json_string_value(json_object_get(ph, "type")), "mobile") == 0 &&
	       strcmp(json_string_value(json_object_get(ph, "value")), "090") == 0,
	   "  creates the value the filter describes");
	is_str(apply(u, OPS("{\"op\":\"remove\",\"path\":\"emails[type eq \\\"home\\\"]\"}")), "",
	       "remove through a valuePath");
	is_int(json_array_size(json_object_get(u, "emails")), 2, "  one value fewer");
	is_str(apply(u, OPS("{\"op\":\"remove\",\"path\":\"emails[value eq \\\"nope\\\"]\"}")), "",
	       "remove through a filter matching nothing is no change");
	is_str(apply(u, OPS("{\"op\":\"remove\",\"path\":\"emails.type\"}")), "",
	       "remove a sub-attribute of every value");
	ok(!json_object_get(json_array_get(json_object_get(u, "emails"), 0), "type"),
	   "  the type is gone");
	is_str(
	    apply(u, OPS("{\"op\":\"replace\",\"path\":\"emails\",\"value\":{\"value\":\"o@x\"}}")),
	    "", "replace a multi-valued attribute with one value");
	is_int(json_array_size(json_object_get(u, "emails")), 1, "  one value left");
	is_str(apply(u, OPS("{\"op\":\"replace\",\"path\":\"name.givenName\",\"value\":\"B\"}")),
	       "", "replace a sub-attribute");
	is_str(str_at(u, "name", "givenName"), "B", "  changed");
	is_str(apply(u, OPS("{\"op\":\"remove\",\"path\":\"name.givenName\"}")), "",
	       "remove a sub-attribute");
	ok(!json_object_get(json_object_get(u, "name"), "givenName"), "  gone");
	is_str(apply(u, OPS("{\"op\":\"replace\",\"path\":\"nickName\",\"value\":\"Babs\"}")), "",
	       "replace of an absent attribute adds it (§3.5.2.3)");
	is_str(str_at(u, "nickName", NULL), "Babs", "  added");
	is_str(apply(u, OPS("{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:extension:"
	                    "enterprise:2.0:User:manager.value\",\"value\":\"m1\"}")),
	       "", "add a sub-attribute in the extension by URN");
	is_str(str_at(json_object_get(u, SCIM_SCHEMA_ENTERPRISE), "manager", "value"), "m1",
	       "  the extension object was made");
	is_str(apply(u, OPS("{\"op\":\"remove\",\"path\":\"USERNAME\"}")), "",
	       "remove userName (names fold)");
	ok(!json_object_get(u, "userName"), "  gone");
	json_t *clean = NULL;
	struct scim_error err = {0};
	is_int(scim_resource_clean(A, scim_rdef_get(SCIM_USER), u, &clean, &err), GCAS_ERR_INVALID,
	       "  and the result fails the required check");
	is_str(err.type, "invalidValue", "  invalidValue");
	has_str(err.detail, "'userName' is required", "  naming it");
	json_decref(u);
}

static void members(void)
{
	json_error_t je;
	json_t *g = json_loads("{\"id\":\"g1\",\"displayName\":\"admins\",\"members\":[]}", 0, &je);
	static char body[20000];
	size_t n = (size_t)snprintf(body, sizeof(body),
	                            OPS("{\"op\":\"add\",\"path\":\"members\",\"value\":["));
	n -= 2; /* drop the closing "]}" to go on with the value list */
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s{\"value\":\"user-%03d\"}",
		                      i ? "," : "", i);
	snprintf(body + n, sizeof(body) - n, "]}]}");
	is_str(apply_to(SCIM_GROUP, g, body), "", "the 100-member add AWS sends");
	is_int(json_array_size(json_object_get(g, "members")), 100, "  100 members");
	is_str(apply_to(SCIM_GROUP, g, body), "", "sent again");
	is_int(json_array_size(json_object_get(g, "members")), 100, "  still 100 (no duplicates)");
	is_str(apply_to(SCIM_GROUP, g,
	                OPS("{\"op\":\"remove\",\"path\":\"members[value eq \\\"user-007\\\"]\"},"
	                    "{\"op\":\"remove\",\"path\":\"members\",\"value\":[{\"value\":"
	                    "\"user-008\"},{\"value\":\"user-009\"}]}")),
	       "", "remove by filter and by value list");
	is_int(json_array_size(json_object_get(g, "members")), 97, "  97 left");
	is_str(apply_to(
	           SCIM_GROUP, g,
	           OPS("{\"op\":\"replace\",\"path\":\"members\",\"value\":[{\"value\":\"a\"}]}")),
	       "", "replace all members");
	is_int(json_array_size(json_object_get(g, "members")), 1, "  one");
	is_str(apply_to(SCIM_GROUP, g, OPS("{\"op\":\"remove\",\"path\":\"members\"}")), "",
	       "remove all members");
	ok(!json_object_get(g, "members"), "  none");
	is_str(apply_to(SCIM_GROUP, g,
	                OPS("{\"op\":\"add\",\"path\":\"members[value eq \\\"x\\\"].display\","
	                    "\"value\":\"X\"}")),
	       "mutability", "members.display is readOnly");
	json_decref(g);
}

static void cleaning(void)
{
	json_error_t je;
	struct scim_error err = {0};
	json_t *out = NULL;
	const struct scim_rdef *rd = scim_rdef_get(SCIM_USER);
	json_t *in = json_loads("{\"userName\":\"x\",\"active\":\"False\",\"id\":\"evil\","
	                        "\"groups\":[{\"value\":\"g\"}],\"password\":\"p\",\"shoe\":1,"
	                        "\"emails\":{\"value\":\"a@b\"},\"name\":{\"givenName\":\"G\","
	                        "\"nope\":1}}",
	                        0, &je);
	is_int(scim_resource_clean(A, rd, in, &out, &err), GCAS_OK, "clean a representation");
	ok(json_is_false(json_object_get(out, "active")), "  \"False\" is false (Azure AD)");
	ok(!json_object_get(out, "id") && !json_object_get(out, "groups"),
	   "  readOnly attributes dropped");
	ok(!json_object_get(out, "password"), "  the password is never kept");
	ok(!json_object_get(out, "shoe"), "  unknown attributes dropped");
	ok(json_is_array(json_object_get(out, "emails")), "  a lone value becomes a list");
	ok(!json_object_get(json_object_get(out, "name"), "nope"),
	   "  unknown sub-attributes dropped");
	char *sc = json_dumps(json_object_get(out, "schemas"), 0);
	has_str(sc, SCIM_SCHEMA_USER, "  schemas set");
	free(sc);
	json_decref(out);
	json_decref(in);
	static const char *bad[] = {
	    "{\"userName\":5}",
	    "{\"userName\":\"x\",\"active\":\"maybe\"}",
	    "{\"userName\":\"x\",\"name\":\"Barbara\"}",
	    "{\"userName\":\"x\",\"displayName\":[\"a\"]}",
	    "{\"userName\":\"x\",\"emails\":[{\"primary\":\"yes\"}]}",
	    "{\"userName\":\"\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in = json_loads(bad[i], 0, &je);
		memset(&err, 0, sizeof(err));
		is_int(scim_resource_clean(A, rd, in, &out, &err), GCAS_ERR_INVALID, "refused: %s",
		       bad[i]);
		is_str(err.type, "invalidValue", "  invalidValue");
		json_decref(in);
	}
}

static void helpers(void)
{
	char tag[40];
	scim_etag(tag, sizeof(tag), 12);
	is_str(tag, "W/\"12\"", "ETag W/\"n\"");
	ok(scim_if_match(NULL, 3), "no If-Match matches");
	ok(scim_if_match("W/\"3\"", 3), "a weak tag");
	ok(scim_if_match("\"3\"", 3), "a strong tag (weak comparison)");
	ok(scim_if_match("W/\"1\", W/\"3\"", 3), "a list");
	ok(scim_if_match("*", 3), "*");
	ok(!scim_if_match("W/\"2\"", 3), "a stale tag");
	ok(!scim_if_match("garbage", 3), "garbage does not match");
	ok(!scim_if_match("W/\"33\"", 3), "no prefix match");
	int64_t s, c;
	struct scim_error err = {0};
	is_int(scim_paging(NULL, NULL, &s, &c, &err), GCAS_OK, "paging defaults");
	ok(s == 1 && c == SCIM_DEFAULT_COUNT, "  1 and the default count");
	scim_paging("0", "-5", &s, &c, &err);
	ok(s == 1 && c == 0, "  startIndex 0 is 1, a negative count is 0");
	scim_paging("3", "99999", &s, &c, &err);
	ok(s == 3 && c == 1000, "  count capped at 1000");
	is_int(scim_paging("x", NULL, &s, &c, &err), GCAS_ERR_INVALID, "  a bad startIndex");
	json_t *res = user(), *out = NULL;
	is_int(scim_project(A, scim_rdef_get(SCIM_USER), res, "name.givenName,emails.value", NULL,
	                    &out, &err),
	       GCAS_OK, "attributes with sub-attributes");
	char *txt = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	is_str(txt,
	       "{\"emails\":[{\"value\":\"b@work.example\"},{\"value\":\"b@home.example\"}],\"id\":"
	       "\"u1\",\"name\":{\"givenName\":\"Barbara\"},\"schemas\":[\"urn:ietf:params:scim:"
	       "schemas:core:2.0:User\"]}",
	       "  exactly those, with id and schemas");
	free(txt);
	json_decref(out);
	is_int(scim_project(A, scim_rdef_get(SCIM_USER), res, NULL, "id,name.familyName,emails",
	                    &out, &err),
	       GCAS_OK, "excludedAttributes");
	ok(json_object_get(out, "id") && !json_object_get(out, "emails") &&
	       !json_object_get(json_object_get(out, "name"), "familyName") &&
	       json_object_get(json_object_get(out, "name"), "givenName"),
	   "  id stays (returned always), the others go");
	json_decref(out);
	json_decref(res);
	struct scim_error e404 = {404, NULL, "gone"};
	json_t *ej = scim_error_json(&e404);
	txt = json_dumps(ej, JSON_COMPACT);
	is_str(txt,
	       "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"status\":\"404\","
	       "\"detail\":\"gone\"}",
	       "the error message: status a string, no scimType when none");
	free(txt);
	json_decref(ej);
}

int main(void)
{
	A = arena_new(0);
	refusals();
	without_path();
	with_path();
	members();
	cleaning();
	helpers();
	arena_free(A);
	return tap_done();
}
