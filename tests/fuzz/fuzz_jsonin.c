/* SPDX-License-Identifier: MIT */
/* Fuzz driver for src/web/jsonin.c with a schema using every field type. Checks the contract:
 * success means no errors and every required field present within its limits; refusal means at
 * least one error with a pointer and printable detail; nothing leaks (LeakSanitizer). */
#include <stddef.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "fuzz.h"
#include "web/jsonin.h"

struct req {
	uint64_t present;
	const char *email;
	int64_t age;
	int admin;
	struct jstr_array tags;
	const char *name;
};

static const struct jfield spec[] = {
    {"email", JF_STRING, 1, 64, 0, 0, offsetof(struct req, email)},
    {"age", JF_INT, 0, 0, 0, 150, offsetof(struct req, age)},
    {"admin", JF_BOOL, 0, 0, 0, 0, offsetof(struct req, admin)},
    {"tags", JF_STRING_ARRAY, 0, 8, 0, 3, offsetof(struct req, tags)},
    {"name", JF_STRING, 1, 32, 0, 0, offsetof(struct req, name)},
};
enum { NSPEC = sizeof(spec) / sizeof(spec[0]), MAX_ERRS = 4 };

static void check_string(const char *s, size_t max_len)
{
	FUZZ_CHECK(s != NULL && utf8_valid_text(s, strlen(s)));
	FUZZ_CHECK((size_t)utf8_count(s, strlen(s)) <= max_len);
}

static void check_ok(const struct req *r)
{
	FUZZ_CHECK((r->present & 0x11) == 0x11);
	check_string(r->email, 64);
	check_string(r->name, 32);
	FUZZ_CHECK(r->age >= 0 && r->age <= 150);
	FUZZ_CHECK(r->admin == 0 || r->admin == 1);
	FUZZ_CHECK(r->tags.n <= 3);
	for (size_t i = 0; i < r->tags.n; i++)
		check_string(r->tags.items[i], 8);
	FUZZ_CHECK(!r->tags.items || r->tags.items[r->tags.n] == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct jerr errs[MAX_ERRS];
	struct req r;
	size_t nerr = 99;
	if (!a)
		return 0;
	enum gcas_err e =
	    jsonin_decode(a, (const char *)data, size, spec, NSPEC, &r, errs, MAX_ERRS, &nerr);
	FUZZ_CHECK(e == GCAS_OK || e == GCAS_ERR_INVALID);
	FUZZ_CHECK(nerr <= MAX_ERRS && (e == GCAS_OK) == (nerr == 0));
	FUZZ_CHECK(r.present < (UINT64_C(1) << NSPEC));
	if (e == GCAS_OK)
		check_ok(&r);
	for (size_t i = 0; i < nerr; i++) {
		FUZZ_CHECK(errs[i].pointer && errs[i].detail);
		FUZZ_CHECK(errs[i].pointer[0] == '\0' || errs[i].pointer[0] == '/');
		FUZZ_CHECK(utf8_valid_text(errs[i].detail, strlen(errs[i].detail)));
	}
	arena_free(a);
	return 0;
}
