/* SPDX-License-Identifier: MIT */
/* Fuzz driver for src/web/multipart.c (multipart/form-data uploads). The input's first line is
 * the Content-Type header value, the rest the body. Checks that the bounds of the contract hold
 * for every accepted body, and that writing the parts back out with the same boundary parses to
 * the same parts (nothing was lost, merged or invented). */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "fuzz.h"
#include "web/multipart.h"

#define MAX_PART (64u * 1024u)

static void check_part(const struct mp_part *p, size_t body_len)
{
	FUZZ_CHECK(p->name && *p->name && strlen(p->name) <= MULTIPART_MAX_NAME);
	for (const char *s = p->name; *s; s++)
		FUZZ_CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
	FUZZ_CHECK(!p->filename || strlen(p->filename) <= MULTIPART_MAX_NAME);
	FUZZ_CHECK(!p->content_type || strlen(p->content_type) <= MULTIPART_MAX_HEADER);
	FUZZ_CHECK(p->len <= MAX_PART && p->len <= body_len);
	FUZZ_CHECK(p->data && p->data[p->len] == '\0');
}

static void write_back(struct buf *b, const struct mp_form *f, const char *boundary)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct mp_part *p = &f->part[i];
		buf_printf(b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"", boundary,
		           p->name);
		if (p->filename)
			buf_printf(b, "; filename=\"%s\"", p->filename);
		buf_puts(b, "\r\n");
		if (p->content_type)
			buf_printf(b, "Content-Type: %s\r\n", p->content_type);
		buf_puts(b, "\r\n");
		buf_append(b, p->data, p->len);
		buf_puts(b, "\r\n");
	}
	buf_printf(b, "--%s--\r\n", boundary);
}

static void check_round_trip(struct arena *a, const char *ct, const struct mp_form *f)
{
	char boundary[MULTIPART_MAX_BOUNDARY + 1];
	struct mp_form g;
	struct buf b;
	FUZZ_CHECK(multipart_boundary_get(ct, boundary, sizeof(boundary)) == GCAS_OK);
	buf_init(&b, 0);
	write_back(&b, f, boundary);
	FUZZ_CHECK(!b.failed);
	FUZZ_CHECK(multipart_parse(a, ct, b.data, b.len, MAX_PART, &g, NULL) == GCAS_OK);
	FUZZ_CHECK(g.n == f->n);
	for (size_t i = 0; i < f->n; i++) {
		FUZZ_CHECK(strcmp(g.part[i].name, f->part[i].name) == 0);
		FUZZ_CHECK(!g.part[i].filename == !f->part[i].filename);
		FUZZ_CHECK(g.part[i].len == f->part[i].len);
		FUZZ_CHECK(memcmp(g.part[i].data, f->part[i].data, f->part[i].len) == 0);
	}
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t ct_len = nl ? (size_t)(nl - in) : size;
	struct arena *a = arena_new(0);
	struct mp_form f;
	const char *why = NULL;
	if (!a)
		return 0;
	char *ct = arena_strndup(a, in, ct_len);
	const char *body = nl ? nl + 1 : in + size;
	size_t body_len = size - (size_t)(body - in);
	if (!ct)
		goto out;
	enum gcas_err e = multipart_parse(a, ct, body, body_len, MAX_PART, &f, &why);
	FUZZ_CHECK(e == GCAS_OK || e == GCAS_ERR_INVALID || e == GCAS_ERR_NOMEM);
	if (e) {
		FUZZ_CHECK(f.n == 0 && why && *why);
		goto out;
	}
	FUZZ_CHECK(f.n >= 1 && f.n <= MULTIPART_MAX_PARTS);
	for (size_t i = 0; i < f.n; i++)
		check_part(&f.part[i], body_len);
	struct kv_list l;
	if (multipart_fields(a, &f, &l) == GCAS_OK)
		for (size_t i = 0; i < l.n; i++)
			FUZZ_CHECK(strlen(l.items[i].val) == l.items[i].val_len);
	check_round_trip(a, ct, &f);
out:
	arena_free(a);
	return 0;
}
