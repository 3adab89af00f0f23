/* SPDX-License-Identifier: MIT */
/* The SCIM client (scim/client.c) against the in-process transport and the fake identity
 * store: users created, found by `userName eq` (with quotes and backslashes in the name, RFC
 * 7644 §3.4.2.2), patched and deleted; groups with 250 members added in PATCHes of 100, 100
 * and 50 (AWS IAM Identity Center's limit) and removed the same way; RFC 7644 §3.12 errors
 * parsed (uniqueness, a non-JSON body, a failing store, a wrong bearer token). */
#include <stdio.h>
#include <string.h>

#include "fake_scim.h"
#include "scim/client.h"
#include "tap.h"

static struct fake_scim F;

static void test_filter(struct arena *a)
{
	is_str(scim_filter_eq(a, "userName", "taro@example.go.jp"),
	       "userName eq \"taro@example.go.jp\"", "a plain value is quoted");
	is_str(scim_filter_eq(a, "userName", "a\"b\\c@x.jp"), "userName eq \"a\\\"b\\\\c@x.jp\"",
	       "quotes and backslashes are escaped as in a JSON string");
	is_str(scim_filter_eq(a, "displayName", "管理者"), "displayName eq \"管理者\"",
	       "UTF-8 passes through");
}

static void test_errors(void)
{
	struct scim_error e;
	scim_error_parse("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],"
	                 "\"status\":\"409\",\"scimType\":\"uniqueness\",\"detail\":\"taken\"}",
	                 409, &e);
	is_int(e.status, 409, "status");
	is_str(e.scim_type, "uniqueness", "scimType");
	is_str(e.detail, "taken", "detail");
	scim_error_parse("{\"status\":\"400\",\"scimType\":\"invalidFilter\"}", 0, &e);
	is_int(e.status, 400, "the body's status string is read when there is no HTTP status");
	is_str(e.scim_type, "invalidFilter", "scimType without detail");
	has_str(e.detail, "400", "detail names the status when the body has none");
	scim_error_parse("<html>Bad gateway</html>", 502, &e);
	is_int(e.status, 502, "a non-JSON body keeps the HTTP status");
	is_str(e.scim_type, "", "no scimType");
	has_str(e.detail, "502", "detail names the status");
	scim_error_parse(NULL, 503, &e);
	is_int(e.status, 503, "an empty body too");
}

static void test_users(struct arena *a, struct scim_client *c)
{
	struct scim_user in = {.user_name = "o\"brien\\x@example.go.jp",
	                       .external_id = "acc-1",
	                       .display_name = "オブライエン 太郎",
	                       .given_name = "太郎",
	                       .family_name = "オブライエン",
	                       .email = "o\"brien\\x@example.go.jp",
	                       .active = 1},
	                 out, got;
	is_int(scim_user_find(c, a, in.user_name, &got), GCAS_ERR_NOTFOUND,
	       "an unknown userName is not found");
	is_str(F.last_filter, "userName eq \"o\\\"brien\\\\x@example.go.jp\"",
	       "  the filter reached the store quoted");
	if (!ok(scim_user_create(c, a, &in, &out) == GCAS_OK, "create"))
		return;
	ok(out.id && *out.id, "  the store's id came back");
	is_int(scim_user_create(c, a, &in, &got), GCAS_ERR_CONFLICT, "a second create conflicts");
	is_int(c->err.status, 409, "  status 409");
	is_str(c->err.scim_type, "uniqueness", "  scimType uniqueness");
	is_int(scim_user_find(c, a, in.user_name, &got), GCAS_OK,
	       "found by a userName with a quote and a backslash");
	is_str(got.id, out.id, "  the same user");
	is_str(got.family_name, "オブライエン", "  name read back");
	in.active = 0;
	in.given_name = "次郎";
	is_int(scim_user_patch(c, out.id, &in), GCAS_OK, "patch");
	is_int(scim_user_get(c, a, out.id, &got), GCAS_OK, "get by id");
	is_int(got.active, 0, "  inactive now");
	is_str(got.given_name, "次郎", "  renamed");
	struct scim_user only_active = {.active = 1};
	is_int(scim_user_patch(c, out.id, &only_active), GCAS_OK, "patch of active alone");
	scim_user_get(c, a, out.id, &got);
	ok(got.active && strcmp(got.given_name, "次郎") == 0, "  active again, name kept");
	is_int(scim_user_delete(c, out.id), GCAS_OK, "delete");
	is_int(scim_user_get(c, a, out.id, &got), GCAS_ERR_NOTFOUND, "gone: 404 is NOTFOUND");
	is_int(scim_user_patch(c, out.id, &in), GCAS_ERR_NOTFOUND, "patching it is NOTFOUND");
}

static void test_groups(struct arena *a, struct scim_client *c)
{
	const char *ids[250];
	struct scim_group g, got;
	for (int i = 0; i < 250; i++)
		ids[i] = arena_printf(a, "member-%03d", i);
	if (!ok(scim_group_create(c, a, "gcas-admin", &g) == GCAS_OK, "group created"))
		return;
	is_int(scim_group_find(c, a, "gcas-admin", &got), GCAS_OK, "found by displayName");
	is_str(got.id, g.id, "  the same group");
	int64_t before = c->requests;
	F.npatch_sizes = 0;
	is_int(scim_group_members(c, g.id, ids, 250, NULL, 0), GCAS_OK, "250 members added");
	is_int(c->requests - before, 3, "  in three requests");
	is_int(F.npatch_sizes, 3, "  three PATCHes reached the store");
	ok(F.patch_sizes[0] == 100 && F.patch_sizes[1] == 100 && F.patch_sizes[2] == 50,
	   "  of 100, 100 and 50 member changes");
	is_int(scim_group_get(c, a, g.id, &got), GCAS_OK, "group read back");
	ok(got.members_known && got.nmembers == 250, "  with its 250 members");
	F.npatch_sizes = 0;
	is_int(scim_group_members(c, g.id, NULL, 0, ids, 150), GCAS_OK, "150 removed");
	ok(F.npatch_sizes == 2 && F.patch_sizes[0] == 100 && F.patch_sizes[1] == 50,
	   "  in PATCHes of 100 and 50");
	scim_group_get(c, a, g.id, &got);
	is_int((long)got.nmembers, 100, "  100 remain");
	is_str(got.nmembers ? got.members[0] : "", "member-150", "  the right ones");
	is_int(scim_group_delete(c, g.id), GCAS_OK, "group deleted");
	is_int(scim_group_get(c, a, g.id, &got), GCAS_ERR_NOTFOUND, "  gone");
}

static void test_failures(struct arena *a, struct scim_client *c)
{
	struct scim_user got;
	F.fail_status = 503;
	is_int(scim_user_find(c, a, "x@example.go.jp", &got), GCAS_ERR_BUSY,
	       "a 503 is BUSY (try later)");
	has_str(c->err.detail, "unavailable", "  the store's detail is kept");
	F.fail_status = 0;
	F.token = "right";
	is_int(scim_user_find(c, a, "x@example.go.jp", &got), GCAS_ERR_AUTH,
	       "a wrong bearer token is AUTH");
	is_int(c->err.status, 401, "  status 401");
	F.token = NULL;
}

int main(void)
{
	struct arena *a = arena_new(0);
	struct scim_transport *tr = scim_transport_func_new(fs_handle, &F);
	struct scim_client c;
	scim_client_init(&c, tr, "https://idstore.example/scim/v2", "tok");
	test_filter(a);
	test_errors();
	test_users(a, &c);
	test_groups(a, &c);
	test_failures(a, &c);
	struct scim_transport *ct = scim_transport_curl_new(2);
	ok(ct != NULL, "the libcurl transport starts");
	scim_client_init(&c, ct, "http://127.0.0.1:9/scim/v2", "tok");
	struct scim_user got;
	is_int(scim_user_find(&c, a, "x@example.go.jp", &got), GCAS_ERR_IO,
	       "no server: IO, with the reason");
	ok(c.err.detail[0] != '\0', "  reason: %s", c.err.detail);
	scim_transport_free(ct);
	scim_transport_free(tr);
	arena_free(a);
	return tap_done();
}
