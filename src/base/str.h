/* SPDX-License-Identifier: MIT */
/* Small string helpers that replace the banned libc functions (strcpy, strncpy, atoi, ...). */
#ifndef GCAS_BASE_STR_H
#define GCAS_BASE_STR_H

#include <stddef.h>
#include <stdint.h>

/* Copy src into dst[cap], always NUL-terminating. Returns 0, or -1 if truncated. */
int str_copy(char *dst, size_t cap, const char *src);
/* Strict decimal parse of the whole of s (optional leading '-'); 0 or -1 on junk/overflow. */
int str_to_i64(const char *s, int64_t *out);
/* 1 when s starts with prefix. */
int str_starts(const char *s, const char *prefix);
/* ASCII case-insensitive equality. */
int str_ieq(const char *a, const char *b);
/* ASCII lower-case in place. */
void str_lower(char *s);
/* Trim ASCII whitespace at both ends in place; returns s. */
char *str_trim(char *s);

#endif
