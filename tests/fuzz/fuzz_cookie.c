/* SPDX-License-Identifier: MIT */
/* Fuzz driver for src/web/cookie.c: the Cookie header parser and the Set-Cookie writer. Checks
 * that every cookie kept is one we could have written ourselves (cookie_format accepts it and
 * the result parses back to the same pair), and that caps hold. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "fuzz.h"
#include "web/cookie.h"

/* Secure + Path=/ satisfy the __Host- and __Secure- prefix rules, so any parsed pair is
 * writable. */
static const struct cookie_attrs attrs = {.path = "/", .max_age = 60, .http_only = 1, .secure = 1};

static void check_round_trip(struct arena *a, const char *name, const char *value)
{
	struct buf b;
	struct kv_list back;
	buf_init(&b, 0);
	FUZZ_CHECK(cookie_format(&b, name, value, &attrs) == GCAS_OK);
	/* The attributes parse as malformed pairs or as extra pairs after ours. */
	FUZZ_CHECK(cookie_parse(a, b.data, b.len, &back) == GCAS_OK);
	FUZZ_CHECK(back.n >= 1 && strcmp(back.items[0].key, name) == 0);
	FUZZ_CHECK(strcmp(back.items[0].val, value) == 0);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct kv_list l;
	if (!a)
		return 0;
	FUZZ_CHECK(cookie_parse(a, (const char *)data, size, &l) == GCAS_OK);
	FUZZ_CHECK(l.n <= COOKIE_MAX_COUNT);
	for (size_t i = 0; i < l.n; i++) {
		size_t nlen = strlen(l.items[i].key);
		FUZZ_CHECK(nlen > 0 && l.items[i].val_len == strlen(l.items[i].val));
		FUZZ_CHECK(nlen + 1 + l.items[i].val_len <= COOKIE_MAX_PAIR);
		FUZZ_CHECK(cookie_get(&l, l.items[i].key) != NULL);
		check_round_trip(a, l.items[i].key, l.items[i].val);
	}
	/* The whole input as a name and as a value: when the writer accepts it, the header it
	 * produced must carry exactly that cookie. */
	char *s = arena_strndup(a, (const char *)data, size);
	struct buf b;
	buf_init(&b, 0);
	if (s && cookie_format(&b, s, "v", &attrs) == GCAS_OK)
		check_round_trip(a, s, "v");
	if (s && cookie_format(&b, "n", s, &attrs) == GCAS_OK)
		check_round_trip(a, "n", s);
	buf_free(&b);
	arena_free(a);
	return 0;
}
