/* SPDX-License-Identifier: MIT */
/* Region allocator: a list of blocks plus a stack of deferred destructors. With
 * GCAS_ARENA_MALLOC every allocation is its own block so AddressSanitizer sees each one. */
#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct deferred {
	struct deferred *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct block *blocks;
	struct deferred *defers;
	size_t total, cap;
};

enum { BLOCK_SIZE = 16 * 1024 };

struct arena *arena_new(size_t cap)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->cap = cap ? cap : 64u * 1024u * 1024u;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	/* Destructors first, newest first: a later object may refer to an earlier one. */
	while (a->defers) {
		struct deferred *d = a->defers;
		a->defers = d->next;
		d->fn(d->p);
		free(d);
	}
	while (a->blocks) {
		struct block *b = a->blocks;
		a->blocks = b->next;
		free(b);
	}
	free(a);
}

static struct block *block_new(struct arena *a, size_t size)
{
	if (size > a->cap || a->total > a->cap - size)
		return NULL;
	struct block *b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->size = size;
	b->used = 0;
	b->next = a->blocks;
	a->blocks = b;
	a->total += size;
	return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
	if (!a)
		return NULL;
	size_t need = (n + 15u) & ~(size_t)15u;
	if (need < n)
		return NULL;
#ifdef GCAS_ARENA_MALLOC
	struct block *b = block_new(a, n ? n : 1);
	if (!b)
		return NULL;
	memset(b->data, 0, b->size);
	b->used = b->size;
	return b->data;
#else
	struct block *b = a->blocks;
	if (!b || b->size - b->used < need) {
		if (need > BLOCK_SIZE / 4) {
			/* Big allocations get their own block, kept behind the current one. */
			struct block *cur = a->blocks;
			b = block_new(a, need);
			if (!b)
				return NULL;
			if (cur) {
				a->blocks = cur;
				b->next = cur->next;
				cur->next = b;
			}
			b->used = need;
			memset(b->data, 0, need);
			return b->data;
		}
		size_t left = a->cap - a->total, bs = BLOCK_SIZE < left ? BLOCK_SIZE : left;
		b = block_new(a, bs < need ? need : bs);
		if (!b)
			return NULL;
	}
	void *p = b->data + b->used;
	b->used += need;
	memset(p, 0, need);
	return p;
#endif
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	char *q = arena_alloc(a, n + 1);
	if (!q)
		return NULL;
	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	return arena_memdup(a, s, n);
}

char *arena_strdup(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	return arena_memdup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct deferred *d = a ? malloc(sizeof(*d)) : NULL;
	if (!d) {
		fn(p);
		return -1;
	}
	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
	return 0;
}
