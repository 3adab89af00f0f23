/* SPDX-License-Identifier: MIT */
/* Fuzz driver for src/scim/patch.c (RFC 7644 §3.5.2 PatchOp bodies): the input is a PATCH body
 * applied to a fixed User. Checks the contract: a refusal is a 400 with a scimType of the RFC's
 * list and a printable detail; an accepted patch applies or is refused the same way; the result
 * either cleans into a User with a userName or is refused as invalidValue; id and meta are never
 * changed by a patch; nothing leaks (LeakSanitizer). */
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "fuzz.h"
#include "scim/patch.h"

static const char *user_json =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"u1\","
    "\"userName\":\"bjensen\",\"name\":{\"givenName\":\"B\"},\"active\":true,"
    "\"emails\":[{\"value\":\"b@x\",\"type\":\"work\"}],\"groups\":[{\"value\":\"g1\"}],"
    "\"meta\":{\"version\":\"W/\\\"1\\\"\"}}";

static const char *const types[] = {"invalidSyntax", "invalidPath", "invalidFilter", "invalidValue",
                                    "noTarget",      "mutability",  "tooMany"};

static void check_err(const struct scim_error *err)
{
	int known = 0;
	FUZZ_CHECK(err->status == 400);
	FUZZ_CHECK(err->type != NULL);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		known |= strcmp(err->type, types[i]) == 0;
	FUZZ_CHECK(known);
	FUZZ_CHECK(err->detail && utf8_valid(err->detail, strlen(err->detail)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	json_error_t je;
	json_t *res = json_loads(user_json, 0, &je), *clean = NULL;
	struct scim_patch p;
	struct scim_error err = {0};
	const struct scim_rdef *rd = scim_rdef_get(SCIM_USER);
	if (!a || !res)
		goto out;
	enum gcas_err e = scim_patch_parse(a, rd, (const char *)data, size, &p, &err);
	FUZZ_CHECK(e == GCAS_OK || e == GCAS_ERR_INVALID);
	if (e) {
		check_err(&err);
		goto out;
	}
	FUZZ_CHECK(p.n >= 1 && p.n <= SCIM_PATCH_MAX_OPS);
	e = scim_patch_apply(a, rd, &p, res, &err);
	FUZZ_CHECK(e == GCAS_OK || e == GCAS_ERR_INVALID);
	if (e) {
		check_err(&err);
		goto out;
	}
	FUZZ_CHECK(strcmp(json_string_value(json_object_get(res, "id")), "u1") == 0);
	FUZZ_CHECK(json_object_get(json_object_get(res, "meta"), "version") != NULL);
	memset(&err, 0, sizeof(err));
	e = scim_resource_clean(a, rd, res, &clean, &err);
	FUZZ_CHECK(e == GCAS_OK || e == GCAS_ERR_INVALID);
	if (e)
		check_err(&err);
	else
		FUZZ_CHECK(json_is_string(json_object_get(clean, "userName")));
out:
	json_decref(clean);
	json_decref(res);
	arena_free(a);
	return 0;
}
