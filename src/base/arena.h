/* SPDX-License-Identifier: MIT */
/* Region allocator: one per request and per job. Everything allocated from it is freed at once by
 * arena_free(), and library objects are released by deferred destructors (arena_defer).
 * In sanitizer builds (GCAS_ARENA_MALLOC defined) each allocation is its own malloc so ASan sees
 * overflows between them. Not thread-safe: an arena belongs to one thread at a time. */
#ifndef GCAS_BASE_ARENA_H
#define GCAS_BASE_ARENA_H

#include <stddef.h>

struct arena;

/* New arena whose total allocations may not exceed cap bytes (0 = 64 MiB). NULL on OOM. */
struct arena *arena_new(size_t cap);
/* Run deferred destructors (last first), then free every allocation and the arena. NULL is ok. */
void arena_free(struct arena *a);
/* Zeroed allocation of n bytes, 16-byte aligned. NULL when out of memory or over the cap. */
void *arena_alloc(struct arena *a, size_t n);
/* Copies; NULL s gives NULL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Register fn(p) to run at arena_free. Returns 0, or -1 on OOM (fn is then called at once). */
int arena_defer(struct arena *a, void (*fn)(void *), void *p);

#endif
