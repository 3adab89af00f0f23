/* SPDX-License-Identifier: MIT */
/* Growable byte buffer with a hard cap (curl's lesson: every growable buffer has a cap).
 * The data is always NUL-terminated so it can be used as a C string. */
#ifndef GCAS_BASE_BUF_H
#define GCAS_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "base/err.h"

struct buf {
	char *data; /* NUL-terminated when non-NULL; owned by the buf */
	size_t len; /* bytes used, excluding the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* hard cap on len; 0 means BUF_DEFAULT_MAX */
	int failed; /* sticky: an append failed (cap or allocation); later appends are no-ops */
};

#define BUF_DEFAULT_MAX (64u * 1024u * 1024u)

/* Initialise an empty buffer capped at max bytes (0 = BUF_DEFAULT_MAX). */
void buf_init(struct buf *b, size_t max);
/* Free the storage (wiping it first if wipe is non-zero) and reset to empty. */
void buf_free(struct buf *b);
void buf_wipe_free(struct buf *b);
/* Appends. Each returns GCAS_ERR_NOMEM past the cap or on allocation failure and sets b->failed. */
enum gcas_err buf_append(struct buf *b, const void *p, size_t n);
enum gcas_err buf_puts(struct buf *b, const char *s);
enum gcas_err buf_putc(struct buf *b, char c);
enum gcas_err buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum gcas_err buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* s as a JSON string, quotes included (RFC 8259 §7: '"', '\\' and controls escaped, everything
 * else as it is). GCAS_ERR_INVALID, appending nothing, when s is not UTF-8 (§8.1); NOMEM as the
 * appends. */
enum gcas_err buf_json_str(struct buf *b, const char *s);
/* Forget the content but keep the allocation. */
void buf_reset(struct buf *b);
/* Hand the storage to the caller (who must free() it); the buf becomes empty. Never NULL
 * unless the buffer failed. */
char *buf_steal(struct buf *b);

#endif
