/* SPDX-License-Identifier: MIT */
/* Test-side decoding of what core/mime.c writes, written independently of it (its own base64
 * decoder): unfold a header (RFC 5322 §2.2.3), decode RFC 2047 B encoded-words in UTF-8, find a
 * header in a message, and decode a base64 body. Header-only, for tests. */
#ifndef GCAS_TESTS_MIMEDECODE_H
#define GCAS_TESTS_MIMEDECODE_H

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static inline int md_b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64 (standard alphabet, padding, CR/LF ignored) of in[0..n) appending to out;
 * returns bytes written or -1 on a bad character. out must hold n bytes. */
static inline long md_b64(const char *in, size_t n, unsigned char *out)
{
	unsigned acc = 0;
	int bits = 0;
	long k = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '\r' || in[i] == '\n' || in[i] == '=')
			continue;
		int v = md_b64val((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[k++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	return k;
}

/* The value of header name in msg (the part before the blank line), unfolded; malloc'd or NULL. */
static inline char *md_header(const char *msg, const char *name)
{
	size_t nl = strlen(name);
	const char *end = strstr(msg, "\r\n\r\n");
	for (const char *p = msg; p && (!end || p < end);) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			char *out = malloc(strlen(v) + 1);
			size_t k = 0;
			while (*v == ' ')
				v++;
			for (; *v; v++) {
				if (v[0] == '\r' && v[1] == '\n' && (v[2] == ' ' || v[2] == '\t')) {
					v += 1; /* unfold: drop CRLF, keep the white space */
					continue;
				}
				if (v[0] == '\r' && v[1] == '\n')
					break;
				out[k++] = *v;
			}
			out[k] = '\0';
			return out;
		}
		p = strstr(p, "\r\n");
		if (p)
			p += 2;
	}
	return NULL;
}

/* Decode the encoded-words of an unfolded header value (RFC 2047 §6.2: white space between two
 * adjacent encoded-words is dropped). Only =?UTF-8?B?...?= is understood. malloc'd or NULL. */
static inline char *md_decode_words(const char *v)
{
	size_t n = strlen(v);
	char *out = malloc(n + 1);
	size_t k = 0;
	int prev_word = 0;
	while (*v) {
		if (strncasecmp(v, "=?UTF-8?B?", 10) == 0) {
			const char *e = strstr(v + 10, "?=");
			if (!e)
				break;
			long d = md_b64(v + 10, (size_t)(e - v - 10), (unsigned char *)out + k);
			if (d < 0) {
				free(out);
				return NULL;
			}
			k += (size_t)d;
			v = e + 2;
			prev_word = 1;
			continue;
		}
		if (prev_word && (*v == ' ' || *v == '\t')) {
			const char *w = v;
			while (*w == ' ' || *w == '\t')
				w++;
			if (strncasecmp(w, "=?UTF-8?B?", 10) == 0) {
				v = w;
				continue;
			}
		}
		prev_word = 0;
		out[k++] = *v++;
	}
	out[k] = '\0';
	return out;
}

/* The body after the blank line, base64-decoded; malloc'd or NULL. */
static inline char *md_body(const char *msg)
{
	const char *b = strstr(msg, "\r\n\r\n");
	if (!b)
		return NULL;
	b += 4;
	char *out = malloc(strlen(b) + 1);
	long d = md_b64(b, strlen(b), (unsigned char *)out);
	if (d < 0) {
		free(out);
		return NULL;
	}
	out[d] = '\0';
	return out;
}

#endif
