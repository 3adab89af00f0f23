/* SPDX-License-Identifier: MIT */
/* The SCIM 2.0 service provider through the real dispatcher (issue 4 §3, RFC 7644):
 * /scim/v2 over the gcas directory — discovery, lists with filters and paging, attributes,
 * 404 for what does not exist and for another agency's people (never a leak), errors exactly
 * as §3.12 (application/scim+json, status as a string), POST/PUT/DELETE of Users refused,
 * PATCH active false disabling an account (its sessions end), stale If-Match 412, group
 * members added and removed — and a local environment's identity store at
 * /local-cloud/{id}/scim/v2: full CRUD, userName uniqueness 409, the 100-member PATCH AWS
 * sends, wrong token 401, closed environment 404. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "signer/signer.h"
#include "store/environments.h"
#include "store/scim.h"
#include "store/systems.h"
#include "tap.h"
#include "webtest.h"

static struct wt W;
static char *BODY;
static char *CTYPE;
static char *LOCATION;
static char agA[33], agB[33], pjA[33];
static char mgrA[33], mgrB[33], alice[33], bob[33], dev[33], carol[33];
static char tokA[128], tokA_ro[128], tokB[128];

#define SCIM_CT_JSON  "application/scim+json"
#define ERR_SCHEMA    "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"]"
#define SEARCH_SCHEMA "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"]"

__attribute__((format(printf, 1, 2))) static const char *fmt(const char *f, ...)
{
	static char bufs[8][16384];
	static int i;
	char *out = bufs[i++ % 8];
	va_list ap;
	va_start(ap, f);
	vsnprintf(out, 16384, f, ap);
	va_end(ap);
	return out;
}

/* Sent as If-None-Match when set. */
static const char *IF_NONE_MATCH;

/* One SCIM request with a bearer token (NULL: none) and optional If-Match. */
static int scim(const char *method, const char *target, const char *token, const char *body,
                const char *if_match)
{
	struct wt_resp r;
	const char *h[5];
	int n = 0;
	if (token)
		h[n++] = fmt("Authorization: Bearer %s", token);
	if (if_match)
		h[n++] = fmt("If-Match: %s", if_match);
	if (IF_NONE_MATCH)
		h[n++] = fmt("If-None-Match: %s", IF_NONE_MATCH);
	h[n] = NULL;
	free(BODY);
	free(CTYPE);
	free(LOCATION);
	BODY = CTYPE = LOCATION = NULL;
	if (wt_request(&W, method, target, NULL, body ? SCIM_CT_JSON : NULL, body, h, &r))
		return -1;
	BODY = strdup(r.body ? r.body : "");
	CTYPE = r.content_type ? strdup(r.content_type) : NULL;
	LOCATION = r.location ? strdup(r.location) : NULL;
	int st = r.status;
	wt_resp_free(&r);
	return st;
}

/* A member of the last body: integer or string at a top-level key, or inside "meta". */
static long long body_int(const char *key)
{
	json_error_t je;
	json_t *j = json_loads(BODY, 0, &je);
	long long v = json_integer_value(json_object_get(j, key));
	json_decref(j);
	return v;
}

static const char *body_str(const char *key)
{
	static char out[512];
	json_error_t je;
	json_t *j = json_loads(BODY, 0, &je);
	json_t *v = json_object_get(j, key);
	if (!v && strcmp(key, "version") == 0)
		v = json_object_get(json_object_get(j, "meta"), "version");
	snprintf(out, sizeof(out), "%s", json_is_string(v) ? json_string_value(v) : "");
	json_decref(j);
	return out;
}

/* The id of the first resource of a ListResponse. */
static const char *first_id(void)
{
	static char out[64];
	json_error_t je;
	json_t *j = json_loads(BODY, 0, &je);
	json_t *v = json_object_get(json_array_get(json_object_get(j, "Resources"), 0), "id");
	snprintf(out, sizeof(out), "%s", json_is_string(v) ? json_string_value(v) : "");
	json_decref(j);
	return out;
}

static int lacks(const char *hay, const char *needle)
{
	return hay && !strstr(hay, needle);
}

static void fixtures(void)
{
	ok(wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agA) == 0, "agency A");
	ok(wt_org(&W, ORG_PROJECT, agA, "共通基盤チーム", NULL, pjA) == 0, "its project team");
	ok(wt_org(&W, ORG_AGENCY, NULL, "総務省", "soumu", agB) == 0, "agency B");
	ok(wt_account(&W, ROLE_AGENCY_MANAGER, agA, "mgr@digital.go.jp", mgrA) == 0, "A's manager");
	ok(wt_account(&W, ROLE_AGENCY_STAFF, agA, "alice@digital.go.jp", alice) == 0, "alice");
	ok(wt_account(&W, ROLE_AGENCY_STAFF, agA, "bob@digital.go.jp", bob) == 0, "bob");
	ok(wt_account(&W, ROLE_PROJECT_MANAGER, pjA, "dev@digital.go.jp", dev) == 0, "dev");
	ok(wt_account(&W, ROLE_AGENCY_MANAGER, agB, "mgr@soumu.go.jp", mgrB) == 0, "B's manager");
	ok(wt_account(&W, ROLE_AGENCY_STAFF, agB, "carol@soumu.go.jp", carol) == 0, "carol in B");
	ok(wt_token(&W, mgrA, "read write", tokA) == 0, "A's manager's read/write token");
	ok(wt_token(&W, mgrA, "read", tokA_ro) == 0, "A's manager's read-only token");
	ok(wt_token(&W, mgrB, "read write", tokB) == 0, "B's manager's token");
}

static void test_auth_and_discovery(void)
{
	is_int(scim("GET", "/scim/v2/Users", NULL, NULL, NULL), 401, "no token: 401");
	is_str(CTYPE, SCIM_CT_JSON, "  as application/scim+json");
	is_str(BODY,
	       "{" ERR_SCHEMA ",\"status\":\"401\",\"detail\":\"The bearer token is missing, "
	       "unknown, expired or revoked.\"}",
	       "  the RFC 7644 §3.12 error, status a string");
	is_int(scim("GET", "/scim/v2/Users", "gcas_pat_nosuchtoken", NULL, NULL), 401,
	       "unknown token: 401");
	is_int(scim("GET", "/scim/v2/ServiceProviderConfig", tokA, NULL, NULL), 200,
	       "ServiceProviderConfig");
	has_str(BODY, "\"patch\":{\"supported\":true}", "  patch supported");
	has_str(BODY, "\"filter\":{\"supported\":true,\"maxResults\":1000}", "  filter, max 1000");
	has_str(BODY, "\"bulk\":{\"supported\":false", "  bulk not supported");
	has_str(BODY, "\"sort\":{\"supported\":false}", "  sort not supported");
	has_str(BODY, "\"etag\":{\"supported\":true}", "  etag supported");
	has_str(BODY, "\"changePassword\":{\"supported\":false}", "  changePassword not");
	has_str(BODY, "\"location\":\"http://127.0.0.1:8080/scim/v2/ServiceProviderConfig\"",
	        "  meta.location");
	is_int(scim("GET", "/scim/v2/Schemas", tokA, NULL, NULL), 200, "Schemas");
	is_int(body_int("totalResults"), 3, "  User, EnterpriseUser, Group");
	is_int(scim("GET", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", tokA,
	            NULL, NULL),
	       200, "one schema by URN");
	has_str(BODY, "\"name\":\"userName\"", "  lists userName");
	has_str(BODY, "\"uniqueness\":\"server\"", "  unique");
	is_int(scim("GET", "/scim/v2/Schemas/urn:nope", tokA, NULL, NULL), 404, "unknown schema");
	is_int(scim("GET", "/scim/v2/ResourceTypes", tokA, NULL, NULL), 200, "ResourceTypes");
	has_str(BODY, "\"endpoint\":\"/Users\"", "  Users");
	has_str(BODY, "\"endpoint\":\"/Groups\"", "  Groups");
	is_int(scim("GET", "/scim/v2/ResourceTypes/Group", tokA, NULL, NULL), 200, "one type");
}

static void test_lists(void)
{
	is_int(scim("GET", "/scim/v2/Users", tokA, NULL, NULL), 200, "list Users");
	is_str(CTYPE, SCIM_CT_JSON, "  application/scim+json");
	has_str(BODY, "urn:ietf:params:scim:api:messages:2.0:ListResponse", "  a ListResponse");
	is_int(body_int("totalResults"), 4, "  A's manager sees A's four accounts");
	ok(lacks(BODY, "carol@soumu.go.jp"), "  and nobody of agency B");
	is_int(scim("GET", "/scim/v2/Users?filter=userName%20eq%20%22ALICE%40digital.go.jp%22",
	            tokA, NULL, NULL),
	       200, "filter userName eq (case-insensitive)");
	is_int(body_int("totalResults"), 1, "  one result");
	is_str(first_id(), alice, "  alice");
	is_int(scim("GET", "/scim/v2/Users?filter=userName%20eq%20%22carol%40soumu.go.jp%22", tokA,
	            NULL, NULL),
	       200, "filter for another agency's person");
	is_int(body_int("totalResults"), 0, "  finds nothing");
	is_int(scim("GET",
	            "/scim/v2/Users?filter=emails.value%20ew%20%22digital.go.jp%22%20and%20"
	            "userType%20eq%20%22agency_staff%22",
	            tokA, NULL, NULL),
	       200, "a scanned filter (ew and eq)");
	is_int(body_int("totalResults"), 2, "  alice and bob");
	is_int(scim("GET", "/scim/v2/Users?startIndex=2&count=2", tokA, NULL, NULL), 200, "paging");
	is_int(body_int("startIndex"), 2, "  startIndex echoed");
	is_int(body_int("itemsPerPage"), 2, "  two items");
	is_int(body_int("totalResults"), 4, "  total of all");
	is_int(scim("GET", "/scim/v2/Users?startIndex=4&count=10", tokA, NULL, NULL), 200,
	       "the last page");
	is_int(body_int("itemsPerPage"), 1, "  one item");
	is_int(scim("GET", "/scim/v2/Users?count=0", tokA, NULL, NULL), 200, "count=0");
	is_int(body_int("itemsPerPage"), 0, "  no items");
	is_int(body_int("totalResults"), 4, "  but the total");
	is_int(scim("GET", "/scim/v2/Users?startIndex=-3&count=5000", tokA, NULL, NULL), 200,
	       "startIndex < 1 and a huge count");
	is_int(body_int("startIndex"), 1, "  startIndex is 1");
	is_int(scim("GET", "/scim/v2/Users?count=ten", tokA, NULL, NULL), 400,
	       "count not a number");
	has_str(BODY, "\"scimType\":\"invalidValue\"", "  invalidValue");
	is_int(scim("GET", "/scim/v2/Users?attributes=userName", tokA, NULL, NULL), 200,
	       "attributes=userName");
	has_str(BODY, "\"userName\":", "  has userName");
	has_str(BODY, "\"id\":", "  and id (returned always)");
	ok(lacks(BODY, "\"emails\"") && lacks(BODY, "\"meta\""), "  nothing else");
	is_int(scim("GET", "/scim/v2/Users?excludedAttributes=emails,groups", tokA, NULL, NULL),
	       200, "excludedAttributes");
	ok(lacks(BODY, "\"emails\"") && lacks(BODY, "\"groups\""), "  leaves those out");
	has_str(BODY, "\"name\":", "  keeps the rest");
	is_int(scim("GET", "/scim/v2/Users?attributes=nosuch", tokA, NULL, NULL), 400,
	       "an unknown attribute in attributes=");
	has_str(BODY, "\"scimType\":\"invalidPath\"", "  invalidPath");
	is_int(scim("POST", "/scim/v2/Users/.search", tokA,
	            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"],"
	            "\"filter\":\"userName sw \\\"bob\\\"\",\"attributes\":[\"userName\"],"
	            "\"startIndex\":1,\"count\":10}",
	            NULL),
	       200, "POST /Users/.search");
	is_int(body_int("totalResults"), 1, "  finds bob");
	has_str(BODY, "bob@digital.go.jp", "  by userName");
	/* RFC 7644 §3.4.3: a member of the wrong type is refused, never dropped (a filter that
	 * was not read would answer with every user). */
	static const struct {
		const char *body, *type, *what;
	} bad[] = {
	    {"{" SEARCH_SCHEMA ",\"filter\":5}", "invalidFilter", "a filter that is a number"},
	    {"{" SEARCH_SCHEMA ",\"filter\":{}}", "invalidFilter", "a filter that is an object"},
	    {"{" SEARCH_SCHEMA ",\"filtre\":\"userName eq \\\"nobody\\\"\"}", "invalidSyntax",
	     "a misspelt member"},
	    {"{\"filter\":\"userName eq \\\"nobody\\\"\"}", "invalidSyntax", "no schemas"},
	    {"{\"schemas\":[\"urn:x\"],\"filter\":\"userName pr\"}", "invalidSyntax",
	     "the wrong schema"},
	    {"{" SEARCH_SCHEMA ",\"count\":\"10\"}", "invalidValue", "count as a string"},
	    {"{" SEARCH_SCHEMA ",\"startIndex\":1.5}", "invalidValue", "startIndex not whole"},
	    {"{" SEARCH_SCHEMA ",\"attributes\":[1]}", "invalidValue", "attributes not names"},
	    {"{" SEARCH_SCHEMA ",\"excludedAttributes\":{}}", "invalidValue",
	     "excludedAttributes an object"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_int(scim("POST", "/scim/v2/Users/.search", tokA, bad[i].body, NULL), 400,
		       "POST .search with %s", bad[i].what);
		has_str(BODY, fmt("\"scimType\":\"%s\"", bad[i].type), "  %s", bad[i].type);
		ok(lacks(BODY, "bob@digital.go.jp"), "  and no user in the answer");
	}
	is_int(scim("POST", "/scim/v2/Users/.search", NULL, "{\"filter\":5}", NULL), 401,
	       "a bad SearchRequest without a token: 401 first");
	/* What the dispatcher refuses before the handler still answers as RFC 7644 §3.12 says. */
	static const struct {
		const char *method, *target;
		int status;
	} unread[] = {
	    {"DELETE", "/scim/v2/Users", 405},
	    {"GET", "/scim/v2/Bogus", 404},
	    {"GET", "/scim/v2/Users?filter=userName%20eq%20%22%ff%22", 400},
	    {"GET", "/scim/v2/Users?filter=%00", 400},
	    {"GET", "/local-cloud/x/scim/v2/Bogus", 404},
	};
	for (size_t i = 0; i < sizeof(unread) / sizeof(unread[0]); i++) {
		is_int(scim(unread[i].method, unread[i].target, tokA, NULL, NULL), unread[i].status,
		       "%s %s: %d", unread[i].method, unread[i].target, unread[i].status);
		is_str(CTYPE, SCIM_CT_JSON, "  application/scim+json");
		has_str(BODY, ERR_SCHEMA, "  an ErrorResponse");
		has_str(BODY, fmt("\"status\":\"%d\"", unread[i].status), "  status as a string");
	}
}

static void test_errors(void)
{
	is_int(scim("GET", "/scim/v2/Users?filter=userName", tokA, NULL, NULL), 400, "bad filter");
	is_str(CTYPE, SCIM_CT_JSON, "  application/scim+json");
	is_str(BODY,
	       "{" ERR_SCHEMA ",\"status\":\"400\",\"scimType\":\"invalidFilter\",\"detail\":"
	       "\"The filter is not valid: expected an operator (eq ne co sw ew gt ge lt le pr) "
	       "after 'userName' at offset 8.\"}",
	       "  exactly the RFC 7644 §3.12 body");
	is_int(scim("GET", "/scim/v2/Users?filter=shoeSize%20gt%2010", tokA, NULL, NULL), 400,
	       "unknown attribute in the filter");
	is_str(BODY,
	       "{" ERR_SCHEMA ",\"status\":\"400\",\"scimType\":\"invalidFilter\",\"detail\":"
	       "\"The filter is not valid: unknown attribute 'shoeSize'.\"}",
	       "  invalidFilter naming it");
	is_int(scim("GET", "/scim/v2/Users?filter=active%20gt%20true", tokA, NULL, NULL), 400,
	       "gt on a boolean");
	has_str(BODY, "\"scimType\":\"invalidFilter\"", "  invalidFilter");
	is_int(scim("GET", "/scim/v2/Users/0123456789abcdef0123456789abcdef", tokA, NULL, NULL),
	       404, "an unknown user");
	is_str(BODY,
	       "{" ERR_SCHEMA ",\"status\":\"404\",\"detail\":\"User "
	       "0123456789abcdef0123456789abcdef not found.\"}",
	       "  404 in SCIM form");
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(scim("GET", fmt("/scim/v2/Users/%s", carol), tokA, NULL, NULL), 404,
	       "another agency's person: 404, not 403");
	has_str(BODY, "not found", "  the same answer as for nobody");
	ok(lacks(BODY, "carol"), "  nothing about her");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 1,
	       "  the refusal is audited");
	is_int(scim("GET", fmt("/scim/v2/Users/%s", alice), tokB, NULL, NULL), 404,
	       "B's manager cannot read alice");
	is_int(scim("POST", "/scim/v2/Users", tokA,
	            "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	            "\"userName\":\"new@digital.go.jp\"}",
	            NULL),
	       403, "POST /Users refused");
	has_str(BODY, "created by application (別表1)", "  accounts come by application");
	has_str(BODY, "\"status\":\"403\"", "  status 403");
	is_int(scim("GET", "/scim/v2/Users?filter=userName%20eq%20%22new%40digital.go.jp%22", tokA,
	            NULL, NULL),
	       200, "and nothing was created");
	is_int(body_int("totalResults"), 0, "  no such account");
	is_int(scim("PUT", fmt("/scim/v2/Users/%s", alice), tokA,
	            "{\"userName\":\"alice@digital.go.jp\"}", NULL),
	       403, "PUT /Users refused");
	is_int(scim("DELETE", fmt("/scim/v2/Users/%s", alice), tokA, NULL, NULL), 403,
	       "DELETE /Users refused");
	has_str(BODY, "別表1", "  by application");
	is_int(scim("POST", "/scim/v2/Groups", tokA, "{\"displayName\":\"x\"}", NULL), 403,
	       "POST /Groups refused");
	is_int(scim("PATCH", fmt("/scim/v2/Users/%s", alice), tokA, "{\"Operations\":[]}", NULL),
	       400, "PATCH without the PatchOp schema");
	has_str(BODY, "\"scimType\":\"invalidSyntax\"", "  invalidSyntax");
	is_int(scim("PATCH", fmt("/scim/v2/Users/%s", alice), tokA, "not json", NULL), 400,
	       "PATCH with a body that is not JSON");
}

#define PATCH_OP(ops)                                                                              \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" ops "]}"

static void test_disable(void)
{
	char cookie[256], csrf[64];
	struct wt_resp r;
	char path[96];
	snprintf(path, sizeof(path), "/scim/v2/Users/%s", alice);
	ok(wt_login(&W, alice, cookie, csrf) == 0, "alice is signed in");
	is_int(scim("GET", path, tokA, NULL, NULL), 200, "GET alice");
	is_str(body_str("version"), "W/\"1\"", "  meta.version is the account's version");
	has_str(BODY, "\"active\":true", "  active");
	/* RFC 7644 §3.14, RFC 7232 §3.2 (weak comparison; "*" and lists). */
	static const struct {
		const char *inm;
		int status;
	} inms[] = {{"W/\"1\"", 304}, {"\"1\"", 304},   {"W/\"7\", W/\"1\"", 304},
	            {"*", 304},       {"W/\"7\"", 200}, {"W/\"11\"", 200}};
	for (size_t i = 0; i < sizeof(inms) / sizeof(inms[0]); i++) {
		IF_NONE_MATCH = inms[i].inm;
		is_int(scim("GET", path, tokA, NULL, NULL), inms[i].status, "If-None-Match %s: %d",
		       inms[i].inm, inms[i].status);
		if (inms[i].status == 304)
			is_str(BODY, "", "  without a body");
	}
	IF_NONE_MATCH = NULL;
	has_str(BODY, fmt("\"location\":\"http://127.0.0.1:8080/scim/v2/Users/%s\"", alice),
	        "  meta.location");
	is_int(scim("PATCH", path, tokA_ro,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"active\","
	                     "\"value\":false}"),
	            NULL),
	       403, "a read-only token cannot PATCH");
	is_int(scim("PATCH", path, tokA,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"active\",\"value\":false}"),
	            "W/\"7\""),
	       412, "a stale If-Match: 412");
	is_str(BODY,
	       "{" ERR_SCHEMA ",\"status\":\"412\",\"detail\":\"The resource changed since the "
	       "version given in If-Match; read it again.\"}",
	       "  in SCIM form");
	is_int(scim("GET", path, tokA, NULL, NULL), 200, "alice after the 412");
	has_str(BODY, "\"active\":true", "  still active: nothing changed");
	is_int(scim("PATCH", path, tokA,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"name.givenName\",\"value\":\"x\"}"),
	            NULL),
	       403, "other attributes cannot be changed");
	has_str(BODY, "Only active", "  says what can");
	is_int(scim("PATCH", path, tokA,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"meta.version\",\"value\":\"x\"}"),
	            NULL),
	       400, "a readOnly attribute");
	has_str(BODY, "\"scimType\":\"mutability\"", "  mutability");
	long disables = wt_audit_count(&W, "account.disable", NULL);
	is_int(scim("PATCH", path, tokA,
	            PATCH_OP("{\"op\":\"Replace\",\"value\":{\"active\":\"False\"}}"), "W/\"1\""),
	       200, "PATCH active false (Azure AD's spelling) with the right If-Match");
	has_str(BODY, "\"active\":false", "  the answer says inactive");
	is_str(body_str("version"), "W/\"2\"", "  with the next version");
	is_int(wt_audit_count(&W, "account.disable", NULL), disables + 1,
	       "  disabled through the account use case (audited)");
	wt_request(&W, "GET", "/", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 303, "  and alice's session ended");
	wt_resp_free(&r);
	is_int(scim("PATCH", path, tokA,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"active\",\"value\":true}"), NULL),
	       403, "re-enabling through SCIM is refused");
	has_str(BODY, "re-enabled by application", "  it goes by application");
	is_int(scim("PATCH", fmt("/scim/v2/Users/%s", carol), tokA,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"active\",\"value\":false}"), NULL),
	       404, "PATCH of another agency's person: 404");
	is_int(scim("GET", "/scim/v2/Users?filter=active%20eq%20false", tokA, NULL, NULL), 200,
	       "filter active eq false");
	is_int(body_int("totalResults"), 1, "  finds alice");
}

static const char *group_of(const char *token, const char *name)
{
	static char id[64];
	scim("GET", fmt("/scim/v2/Groups?filter=displayName%%20eq%%20%%22%s%%22", name), token,
	     NULL, NULL);
	snprintf(id, sizeof(id), "%s", first_id());
	return id;
}

static void test_groups(void)
{
	char pmo[64], sys[64], v1[32];
	snprintf(pmo, sizeof(pmo), "%s", group_of(tokA, "デジタル庁"));
	ok(strlen(pmo) == 32, "A's PMO group by displayName");
	snprintf(sys, sizeof(sys), "%s", group_of(tokA, "共通基盤チーム"));
	ok(strlen(sys) == 32, "the project team's group");
	is_int(scim("GET", "/scim/v2/Groups", tokB, NULL, NULL), 200, "B lists groups");
	ok(lacks(BODY, pmo), "  not A's");
	is_int(scim("GET", fmt("/scim/v2/Groups/%s", pmo), tokB, NULL, NULL), 404,
	       "  and A's group is 404 to B");
	char path[96];
	snprintf(path, sizeof(path), "/scim/v2/Groups/%s", pmo);
	is_int(scim("GET", path, tokA, NULL, NULL), 200, "GET the PMO group");
	snprintf(v1, sizeof(v1), "%s", body_str("version"));
	long adds = wt_audit_count(&W, "group.member_add", NULL);
	is_int(scim("PATCH", path, tokA,
	            PATCH_OP("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"%s\"},"
	                     "{\"value\":\"%s\"}]}"),
	            NULL),
	       400, "a member value that is not an account");
	has_str(BODY, "\"scimType\":\"invalidValue\"", "  invalidValue");
	char ops[512];
	snprintf(ops, sizeof(ops),
	         PATCH_OP("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"%s\"},"
	                  "{\"value\":\"%s\"}]}"),
	         bob, alice);
	is_int(scim("PATCH", path, tokA, ops, v1), 200, "add bob and alice");
	has_str(BODY, bob, "  bob is a member");
	is_int(wt_audit_count(&W, "group.member_add", NULL), adds + 2, "  two audited additions");
	ok(strcmp(body_str("version"), v1) != 0, "  the version moved");
	is_int(scim("PATCH", path, tokA, ops, v1), 412,
	       "the same PATCH with the old If-Match: 412");
	snprintf(ops, sizeof(ops),
	         PATCH_OP("{\"op\":\"remove\",\"path\":\"members[value eq \\\"%s\\\"]\"}"), bob);
	is_int(scim("PATCH", path, tokA, ops, NULL), 200, "remove bob by a valuePath filter");
	ok(lacks(BODY, bob), "  bob is gone");
	has_str(BODY, alice, "  alice stays");
	snprintf(ops, sizeof(ops),
	         PATCH_OP("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"%s\"}]}"),
	         dev);
	is_int(scim("PATCH", path, tokA, ops, NULL), 400,
	       "a project member cannot join the agency's PMO group");
	snprintf(ops, sizeof(ops),
	         PATCH_OP("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"%s\"}]}"),
	         carol);
	is_int(scim("PATCH", path, tokA, ops, NULL), 403, "nor another agency's person");
	is_int(scim("PATCH", path, tokA,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"x\"}"),
	            NULL),
	       403, "the name follows the organisation");
	is_int(scim("GET", fmt("/scim/v2/Users/%s", alice), tokA, NULL, NULL), 200,
	       "alice as a User");
	has_str(BODY, fmt("\"groups\":[{\"value\":\"%s\"", pmo), "  lists the group");
	is_int(scim("GET",
	            fmt("/scim/v2/Groups?filter=members%%5Bvalue%%20eq%%20%%22%s%%22%%5D", alice),
	            tokA, NULL, NULL),
	       200, "Groups filtered by members[value eq ...]");
	is_int(body_int("totalResults"), 1, "  the PMO group");
	is_int(scim("PATCH", path, tokB, ops, NULL), 404, "B cannot PATCH A's group");
}

/* --- the local cloud's identity store --- */

static char envL[33], envClosed[33];
static char localTok[] = "local-scim-token-0123456789";

struct env_fx {
	struct signer *sg;
	const char *token;
	struct system_rec *sys;
	struct environment *e[2];
};

static enum gcas_err env_tx(struct db *db, void *ctx)
{
	struct env_fx *f = ctx;
	enum gcas_err e = store_system_insert(db, f->sys);
	for (int i = 0; !e && i < 2; i++)
		e = store_environment_insert(db, f->e[i]);
	if (e)
		return e;
	struct arena *a = arena_new(0);
	char *sealed = NULL;
	e = signer_seal(f->sg, a, "scim-token", f->token, strlen(f->token), &sealed);
	for (int i = 0; !e && i < 2; i++)
		e = store_scim_env_token_set(db, f->e[i]->id, sealed);
	arena_free(a);
	return e;
}

static int local_fixture(struct signer *sg)
{
	char sid[33];
	int64_t now = clock_now();
	rand_id(sid);
	rand_id(envL);
	rand_id(envClosed);
	struct system_rec sys = {.id = sid,
	                         .project_id = pjA,
	                         .agency_id = agA,
	                         .name = "共通基盤",
	                         .purpose = "検証",
	                         .lifecycle = SYS_BUILDING,
	                         .csps = 1u << CSP_AWS,
	                         .environments = 1u << SYSENV_PRODUCTION,
	                         .period_start = "2026-04-01",
	                         .classification = SYSCLASS_C2,
	                         .billing_unit = "情報システム課",
	                         .version = 1,
	                         .created_at = now,
	                         .updated_at = now};
	struct environment e1 = {.id = envL,
	                         .project_id = pjA,
	                         .agency_id = agA,
	                         .system_id = sid,
	                         .csp = CSP_AWS,
	                         .kind = SYSENV_PRODUCTION,
	                         .state = ENV_ACTIVE,
	                         .driver = "local",
	                         .created_at = now};
	struct environment e2 = e1;
	e2.id = envClosed;
	e2.state = ENV_CLOSED;
	e2.closed_at = now;
	struct env_fx f = {sg, localTok, &sys, {&e1, &e2}};
	return store_tx(W.env.st, env_tx, &f) == GCAS_OK ? 0 : -1;
}

static const char *L(const char *rest)
{
	return fmt("/local-cloud/%s/scim/v2%s", envL, rest);
}

static void create_user(int i, char *id_out)
{
	const char *body = fmt("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	                       "\"userName\":\"user%03d@example.jp\",\"externalId\":\"ext-%03d\","
	                       "\"name\":{\"givenName\":\"G%d\",\"familyName\":\"F%d\"},"
	                       "\"displayName\":\"User %d\",\"active\":true,"
	                       "\"emails\":[{\"value\":\"user%03d@example.jp\",\"primary\":true}]}",
	                       i, i, i, i, i, i);
	int st = scim("POST", L("/Users"), localTok, body, NULL);
	snprintf(id_out, 33, "%s", body_str("id"));
	if (st != 201)
		printf("# create user %d: %d %s\n", i, st, BODY);
}

static void test_local(void)
{
	static const unsigned char kek[32] = {9, 9, 9};
	struct signer *sg = NULL, *saved = W.env.signer;
	static char ids[101][33];
	if (!ok(signer_open(W.env.st, kek, 0, &sg) == GCAS_OK && local_fixture(sg) == 0,
	        "a local environment with a sealed SCIM token"))
		return;
	W.env.signer = sg;

	is_int(scim("GET", L("/Users"), "wrong-token", NULL, NULL), 401, "wrong token: 401");
	has_str(BODY, "\"status\":\"401\"", "  SCIM error");
	is_int(scim("GET", L("/Users"), NULL, NULL, NULL), 401, "no token: 401");
	is_int(scim("GET", fmt("/local-cloud/%s/scim/v2/Users", envClosed), localTok, NULL, NULL),
	       404, "a closed environment: 404");
	is_int(scim("GET", "/local-cloud/0123456789abcdef0123456789abcdef/scim/v2/Users", localTok,
	            NULL, NULL),
	       404, "an unknown environment: 404");
	is_int(scim("GET", L("/ServiceProviderConfig"), localTok, NULL, NULL), 200,
	       "the local store's ServiceProviderConfig");
	has_str(BODY, fmt("/local-cloud/%s/scim/v2/ServiceProviderConfig", envL),
	        "  located under the environment");

	long creates = wt_audit_count(&W, "local_scim.user_create", NULL);
	create_user(0, ids[0]);
	is_int(scim("GET", L(fmt("/Users/%s", ids[0])), localTok, NULL, NULL), 200,
	       "create, then get a user");
	has_str(BODY, "\"userName\":\"user000@example.jp\"", "  userName kept");
	has_str(BODY, "\"givenName\":\"G0\"", "  name kept");
	is_str(body_str("version"), "W/\"1\"", "  version 1");
	is_int(wt_audit_count(&W, "local_scim.user_create", NULL), creates + 1, "  audited");
	is_int(scim("POST", L("/Users"), localTok,
	            "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	            "\"userName\":\"USER000@example.jp\"}",
	            NULL),
	       409, "the same userName in other case: 409");
	is_str(BODY,
	       "{" ERR_SCHEMA ",\"status\":\"409\",\"scimType\":\"uniqueness\",\"detail\":"
	       "\"userName 'USER000@example.jp' is already in use in this environment.\"}",
	       "  uniqueness");
	is_int(scim("POST", L("/Users"), localTok, "{\"displayName\":\"no user name\"}", NULL), 400,
	       "userName is required");
	has_str(BODY, "\"scimType\":\"invalidValue\"", "  invalidValue");
	is_int(
	    scim("POST", L("/Users"), localTok, "{\"userName\":\"x\",\"active\":\"maybe\"}", NULL),
	    400, "a value of the wrong type");
	for (int i = 1; i <= 100; i++)
		create_user(i, ids[i]);
	is_int(scim("GET", L("/Users?filter=userName%20eq%20%22User042%40EXAMPLE.jp%22"), localTok,
	            NULL, NULL),
	       200, "filter userName eq (AWS's lookup)");
	is_int(body_int("totalResults"), 1, "  one");
	is_str(first_id(), ids[42], "  user 42");
	is_int(
	    scim("GET", L("/Users?filter=externalId%20eq%20%22ext-007%22"), localTok, NULL, NULL),
	    200, "filter externalId eq");
	is_str(first_id(), ids[7], "  user 7");
	is_int(scim("GET", L("/Users?filter=name.givenName%20sw%20%22G9%22"), localTok, NULL, NULL),
	       200, "a scanned filter");
	is_int(body_int("totalResults"), 11, "  G9, G90..G99");
	is_int(scim("GET", L("/Users?startIndex=100&count=5"), localTok, NULL, NULL), 200,
	       "paging the store");
	is_int(body_int("totalResults"), 101, "  101 users");
	is_int(body_int("itemsPerPage"), 2, "  the last two");

	char u1[160];
	snprintf(u1, sizeof(u1), "%s", L(fmt("/Users/%s", ids[1])));
	is_int(scim("PATCH", u1, localTok,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"].value\","
	                     "\"value\":\"work1@example.jp\"},"
	                     "{\"op\":\"replace\",\"path\":\"active\",\"value\":false}"),
	            "W/\"1\""),
	       400, "replace through a filter that matches nothing: noTarget");
	has_str(BODY, "\"scimType\":\"noTarget\"", "  noTarget");
	is_int(
	    scim("PATCH", u1, localTok,
	         PATCH_OP("{\"op\":\"add\",\"path\":\"emails[type eq \\\"work\\\"].value\","
	                  "\"value\":\"work1@example.jp\"},"
	                  "{\"op\":\"replace\",\"path\":\"active\",\"value\":false},"
	                  "{\"op\":\"replace\",\"path\":\"urn:ietf:params:scim:schemas:extension:"
	                  "enterprise:2.0:User:department\",\"value\":\"情報システム課\"}"),
	         "W/\"1\""),
	    200, "PATCH: add through a filter, deactivate, an extension attribute");
	has_str(BODY, "\"active\":false", "  inactive");
	has_str(BODY, "work1@example.jp", "  the work address added");
	has_str(BODY, "情報システム課", "  the department");
	is_str(body_str("version"), "W/\"2\"", "  version 2");
	is_int(scim("PATCH", u1, localTok,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"active\",\"value\":true}"), "W/\"1\""),
	       412, "stale If-Match: 412");
	is_int(scim("PATCH", u1, localTok,
	            PATCH_OP("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"user002@"
	                     "example.jp\"}"),
	            NULL),
	       409, "PATCH to a taken userName: 409");
	is_int(
	    scim("PUT", u1, localTok,
	         "{\"userName\":\"renamed@example.jp\",\"active\":true,\"externalId\":\"ext-001\"}",
	         "W/\"2\""),
	    200, "PUT replaces the user");
	has_str(BODY, "renamed@example.jp", "  new userName");
	ok(lacks(BODY, "work1@example.jp"), "  attributes not sent are gone");

	/* Groups and members: the 100-member PATCH AWS IAM Identity Center sends. */
	is_int(scim("POST", L("/Groups"), localTok,
	            fmt("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
	                "\"displayName\":\"gcas-admin\",\"members\":[{\"value\":\"%s\"}]}",
	                ids[0]),
	            NULL),
	       201, "create a group with a member");
	char gid[33];
	snprintf(gid, sizeof(gid), "%s", body_str("id"));
	has_str(LOCATION ? LOCATION : "", fmt("/Groups/%s", gid), "  Location names it");
	is_int(scim("POST", L("/Groups"), localTok, "{\"displayName\":\"GCAS-ADMIN\"}", NULL), 409,
	       "a second group of the same name: 409");
	static char big[16384];
	size_t n = 0;
	n += (size_t)snprintf(big + n, sizeof(big) - n,
	                      "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
	                      "\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[");
	for (int i = 1; i <= 100; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%s{\"value\":\"%s\"}",
		                      i > 1 ? "," : "", ids[i]);
	snprintf(big + n, sizeof(big) - n, "]}]}");
	char gpath[160];
	snprintf(gpath, sizeof(gpath), "%s", L(fmt("/Groups/%s", gid)));
	is_int(scim("PATCH", gpath, localTok, big, "W/\"1\""), 200, "PATCH adding 100 members");
	is_int(scim("GET", L(fmt("/Groups?filter=displayName%%20eq%%20%%22gcas-admin%%22")),
	            localTok, NULL, NULL),
	       200, "find the group by displayName");
	{
		json_error_t je;
		json_t *j = json_loads(BODY, 0, &je);
		json_t *g = json_array_get(json_object_get(j, "Resources"), 0);
		is_int(json_array_size(json_object_get(g, "members")), 101, "  101 members");
		json_decref(j);
	}
	snprintf(
	    big, sizeof(big),
	    PATCH_OP("{\"op\":\"remove\",\"path\":\"members[value eq \\\"%s\\\"]\"},"
	             "{\"op\":\"remove\",\"path\":\"members\",\"value\":[{\"value\":\"%s\"}]}"),
	    ids[5], ids[6]);
	is_int(scim("PATCH", gpath, localTok, big, NULL), 200,
	       "remove members (filter, and Azure AD's value list)");
	ok(lacks(BODY, ids[5]) && lacks(BODY, ids[6]), "  both gone");
	has_str(BODY, ids[7], "  the others stay");
	is_int(scim("GET", L(fmt("/Users/%s", ids[7])), localTok, NULL, NULL), 200,
	       "a member as a User");
	has_str(BODY, fmt("\"groups\":[{\"value\":\"%s\",\"display\":\"gcas-admin\"", gid),
	        "  lists its group");
	is_int(scim("GET", L(fmt("/Users?filter=groups.display%%20eq%%20%%22gcas-admin%%22")),
	            localTok, NULL, NULL),
	       200, "users filtered by their group");
	is_int(body_int("totalResults"), 99, "  99 members left");
	is_int(scim("PATCH", gpath, localTok,
	            PATCH_OP(
	                "{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"nobody\"}]}"),
	            NULL),
	       400, "a member that is not a user here");
	is_int(scim("DELETE", L(fmt("/Users/%s", ids[7])), localTok, NULL, "W/\"9\""), 412,
	       "DELETE with a stale If-Match");
	is_int(scim("DELETE", L(fmt("/Users/%s", ids[7])), localTok, NULL, NULL), 204,
	       "DELETE a user");
	is_int(scim("GET", L(fmt("/Users/%s", ids[7])), localTok, NULL, NULL), 404, "  gone");
	is_int(scim("DELETE", gpath, localTok, NULL, NULL), 204, "DELETE the group");
	is_int(scim("GET", gpath, localTok, NULL, NULL), 404, "  gone");
	is_int(scim("GET", L(fmt("/Users/%s", ids[8])), localTok, NULL, NULL), 200,
	       "its members remain as users");
	ok(lacks(BODY, "\"groups\""), "  without the group");
	is_int(scim("GET", fmt("/scim/v2/Users/%s", ids[8]), tokA, NULL, NULL), 404,
	       "a local user is not a gcas account");
	W.env.signer = saved;
	signer_free(sg);
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "harness"))
		return tap_done();
	fixtures();
	test_auth_and_discovery();
	test_lists();
	test_errors();
	test_disable();
	test_groups();
	test_local();
	free(BODY);
	free(CTYPE);
	free(LOCATION);
	wt_close(&W);
	return tap_done();
}
