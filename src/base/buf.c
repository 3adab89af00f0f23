/* SPDX-License-Identifier: MIT */
/* Capped growable buffer. */
#include "base/buf.h"
#include "base/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : BUF_DEFAULT_MAX;
}

void buf_free(struct buf *b)
{
	size_t max = b->max;
	free(b->data);
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void buf_wipe_free(struct buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

static enum gcas_err grow(struct buf *b, size_t extra)
{
	size_t max = b->max ? b->max : BUF_DEFAULT_MAX;
	if (b->failed)
		return GCAS_ERR_NOMEM;
	if (extra > max || b->len > max - extra) {
		b->failed = 1;
		return GCAS_ERR_NOMEM;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return GCAS_OK;
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	char *p = realloc(b->data, ncap);
	if (!p) {
		b->failed = 1;
		return GCAS_ERR_NOMEM;
	}
	b->data = p;
	b->cap = ncap;
	return GCAS_OK;
}

enum gcas_err buf_append(struct buf *b, const void *p, size_t n)
{
	enum gcas_err e = grow(b, n);
	if (e)
		return e;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return GCAS_OK;
}

enum gcas_err buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum gcas_err buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum gcas_err buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->failed = 1;
		return GCAS_ERR_INVALID;
	}
	enum gcas_err e = grow(b, (size_t)n);
	if (e)
		return e;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return GCAS_OK;
}

enum gcas_err buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum gcas_err e = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

char *buf_steal(struct buf *b)
{
	if (b->failed)
		return NULL;
	if (!b->data && grow(b, 0))
		return NULL;
	if (!b->data)
		return NULL;
	b->data[b->len] = '\0';
	char *p = b->data;
	size_t max = b->max;
	memset(b, 0, sizeof(*b));
	b->max = max;
	return p;
}

enum gcas_err buf_json_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return GCAS_ERR_INVALID;
	buf_putc(b, '"');
	const char *p = s, *end = s + n;
	while (p < end) {
		/* The longest run that needs no escape goes in one append. */
		const char *run = p;
		while (p < end && (unsigned char)*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		buf_append(b, run, (size_t)(p - run));
		if (p == end)
			break;
		unsigned char c = (unsigned char)*p++;
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			buf_append(b, esc, 2);
		} else {
			buf_printf(b, "\\u%04x", c);
		}
	}
	buf_putc(b, '"');
	return b->failed ? GCAS_ERR_NOMEM : GCAS_OK;
}
