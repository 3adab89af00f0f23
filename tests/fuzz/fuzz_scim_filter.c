/* SPDX-License-Identifier: MIT */
/* Fuzz driver for src/scim/filter.c (RFC 7644 §3.4.2.2 filters and PATCH paths): the input is
 * a filter from a query string. Checks the contract: a parse either gives an AST or a printable
 * reason; the schema check of an AST either resolves every path or gives a reason; evaluation
 * over a fixed User and Group terminates with 0 or 1; the same text as a PATCH path is refused
 * cleanly or resolves an attribute; nothing leaks (LeakSanitizer). */
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "fuzz.h"
#include "scim/filter.h"

static const char *res_json =
    "{\"id\":\"u1\",\"userName\":\"Bjensen\",\"active\":true,\"externalId\":\"E\","
    "\"name\":{\"givenName\":\"B\",\"familyName\":\"J\"},\"title\":\"\","
    "\"emails\":[{\"value\":\"b@x\",\"type\":\"work\",\"primary\":true},{\"value\":\"c@y\"}],"
    "\"members\":[{\"value\":\"u2\"}],\"displayName\":\"G\","
    "\"meta\":{\"created\":\"2020-01-01T00:00:00Z\",\"lastModified\":\"2021-01-01T00:00:00Z\"},"
    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"employeeNumber\":\"7\","
    "\"manager\":{\"value\":\"m\"}}}";

static void check_why(const char *why)
{
	FUZZ_CHECK(why != NULL && *why);
	FUZZ_CHECK(utf8_valid(why, strlen(why)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	json_error_t je;
	json_t *res = json_loads(res_json, 0, &je);
	struct scim_filter *f = NULL;
	const char *why = NULL;
	if (!a || !res)
		goto out;
	enum gcas_err e = scim_filter_parse(a, (const char *)data, size, &f, &why);
	FUZZ_CHECK(e == GCAS_OK || e == GCAS_ERR_INVALID);
	FUZZ_CHECK((e == GCAS_OK) == (f != NULL));
	if (e) {
		check_why(why);
		FUZZ_CHECK(size > 0 || strstr(why, "end of the filter"));
	}
	for (int t = 0; f && t < SCIM_RTYPE__MAX; t++) {
		if (scim_filter_check(a, f, scim_rdef_get((enum scim_rtype)t), &why)) {
			check_why(why);
			continue;
		}
		int m = scim_filter_match(f, res);
		FUZZ_CHECK(m == 0 || m == 1);
		const char *v = NULL, *attr = scim_filter_simple_eq(f, &v);
		FUZZ_CHECK(!attr || v != NULL);
	}
	struct scim_patch_path pp;
	const char *type = NULL;
	e = scim_patch_path_parse(a, (const char *)data, size, scim_rdef_get(SCIM_USER), &pp, &why,
	                          &type);
	FUZZ_CHECK(e == GCAS_OK || e == GCAS_ERR_INVALID);
	if (e) {
		check_why(why);
		FUZZ_CHECK(type && (strcmp(type, "invalidPath") == 0 ||
		                    strcmp(type, "invalidFilter") == 0));
	} else {
		FUZZ_CHECK(pp.r.attr != NULL);
		FUZZ_CHECK(!pp.filter || pp.r.attr->type == SCIM_T_COMPLEX);
	}
out:
	json_decref(res);
	arena_free(a);
	return 0;
}
