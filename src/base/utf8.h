/* SPDX-License-Identifier: MIT */
/* UTF-8 validation and code point iteration (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 */
#ifndef GCAS_BASE_UTF8_H
#define GCAS_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 when s[0..n) is valid UTF-8 with no NUL and no C0/C1 control other than \t \n \r. */
int utf8_valid_text(const char *s, size_t n);
/* 1 when valid UTF-8 (controls allowed). */
int utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8; -1 when invalid. */
long utf8_count(const char *s, size_t n);
/* Decode one code point at *p (< end); advances *p. Returns the code point or -1 when invalid. */
int32_t utf8_next(const char **p, const char *end);

#endif
