/* SPDX-License-Identifier: MIT */
/* Fuzz driver for src/web/params.c: the urlencoded parser, path-segment decoding and the
 * encoder. Beyond "no crash", it checks the contract: caps hold, output is valid UTF-8 without
 * NUL, and url_encode + params_parse round-trips every accepted pair. */
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "fuzz.h"
#include "web/params.h"

static void check_accepted(struct arena *a, const struct kv_list *l)
{
	struct buf b;
	struct kv_list again;
	FUZZ_CHECK(l->n <= PARAMS_MAX_PAIRS);
	buf_init(&b, 0);
	for (size_t i = 0; i < l->n; i++) {
		const struct kv *kv = &l->items[i];
		size_t klen = strlen(kv->key);
		FUZZ_CHECK(klen <= PARAMS_MAX_KEY && utf8_valid(kv->key, klen));
		FUZZ_CHECK(kv->val_len == strlen(kv->val) && kv->val_len <= PARAMS_MAX_VAL);
		FUZZ_CHECK(utf8_valid(kv->val, kv->val_len));
		FUZZ_CHECK(kv_count(l, kv->key) >= 1 && kv_get(l, kv->key) != NULL);
		if (i)
			buf_putc(&b, '&');
		url_encode(&b, kv->key);
		buf_putc(&b, '=');
		url_encode(&b, kv->val);
	}
	FUZZ_CHECK(!b.failed);
	FUZZ_CHECK(params_parse(a, b.data ? b.data : "", b.len, &again, NULL) == GCAS_OK);
	FUZZ_CHECK(again.n == l->n);
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_CHECK(strcmp(again.items[i].key, l->items[i].key) == 0);
		FUZZ_CHECK(strcmp(again.items[i].val, l->items[i].val) == 0);
	}
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct kv_list l;
	const char *why = NULL;
	char *seg = NULL;
	const char *s = (const char *)data;
	if (!a)
		return 0;
	enum gcas_err e = params_parse(a, s, size, &l, &why);
	if (e == GCAS_OK) {
		FUZZ_CHECK(why == NULL);
		check_accepted(a, &l);
	} else {
		FUZZ_CHECK(why != NULL && l.items == NULL && l.n == 0);
	}
	if (url_decode_path(a, s, size, &seg) == GCAS_OK) {
		size_t n = strlen(seg);
		FUZZ_CHECK(n <= size && utf8_valid_text(seg, n));
		FUZZ_CHECK(!memchr(seg, '/', n) && !memchr(seg, '\\', n));
	} else {
		FUZZ_CHECK(seg == NULL);
	}
	arena_free(a);
	return 0;
}
