/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 decoding per RFC 3629 §4. */
#include "base/utf8.h"

int32_t utf8_next(const char **pp, const char *end)
{
	const unsigned char *p = (const unsigned char *)*pp, *e = (const unsigned char *)end;
	int32_t c;
	int n;
	if (p >= e)
		return -1;
	if (p[0] < 0x80) {
		*pp += 1;
		return p[0];
	} else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		c = p[0] & 0x1F;
		n = 1;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		c = p[0] & 0x0F;
		n = 2;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		c = p[0] & 0x07;
		n = 3;
	} else {
		return -1;
	}
	if (e - p <= n)
		return -1;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*pp += n + 1;
	return c;
}

long utf8_count(const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	long count = 0;
	while (p < e) {
		if (utf8_next(&p, e) < 0)
			return -1;
		count++;
	}
	return count;
}

int utf8_valid(const char *s, size_t n)
{
	return utf8_count(s, n) >= 0;
}

int utf8_valid_text(const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	while (p < e) {
		int32_t c = utf8_next(&p, e);
		if (c < 0)
			return 0;
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c < 0xA0))
			return 0;
	}
	return 1;
}
