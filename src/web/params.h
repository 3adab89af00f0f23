/* SPDX-License-Identifier: MIT */
/* Untrusted-input parser for application/x-www-form-urlencoded bodies and URL query strings
 * (WHATWG URL Standard §5.1), plus percent-decoding of path segments and percent-encoding of
 * query components (RFC 3986). Everything decoded lives in the caller's per-request arena.
 * Stricter than WHATWG on purpose: bad escapes and bad UTF-8 are refused, not replaced. */
#ifndef GCAS_WEB_PARAMS_H
#define GCAS_WEB_PARAMS_H

#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

/* One decoded name/value pair. key and val are NUL-terminated arena copies; since NUL bytes are
 * refused, val_len == strlen(val). */
struct kv {
	const char *key, *val;
	size_t val_len;
};

/* Pairs in input order; repeated keys are kept (n may be 0, items then NULL). */
struct kv_list {
	struct kv *items;
	size_t n;
};

#define PARAMS_MAX_PAIRS 256
#define PARAMS_MAX_KEY   128           /* decoded bytes */
#define PARAMS_MAX_VAL   (64u * 1024u) /* decoded bytes */

/* Parse s[0..len) (no leading '?'; s need not be NUL-terminated). '+' decodes to a space, then
 * %XX escapes are decoded; a segment without '=' is a key with an empty value; empty segments
 * ("a=1&&b=2") are skipped. Refused with GCAS_ERR_INVALID and a short English reason in *why
 * (static string; why may be NULL): more than PARAMS_MAX_PAIRS pairs, a key over PARAMS_MAX_KEY
 * or a value over PARAMS_MAX_VAL bytes, an invalid escape ("%zz", "%4"), a NUL byte (raw or
 * %00), invalid UTF-8 after decoding, a control character (C0, DEL, C1) in a key.
 * GCAS_ERR_NOMEM when the arena is exhausted. On error *out is {NULL, 0}. */
enum gcas_err params_parse(struct arena *a, const char *s, size_t len, struct kv_list *out,
                           const char **why);

/* First value for key (exact, case-sensitive match) or NULL. l may be NULL. */
const char *kv_get(const struct kv_list *l, const char *key);
/* Number of pairs whose key is key. */
size_t kv_count(const struct kv_list *l, const char *key);

/* Percent-decode one path segment s[0..len) into a NUL-terminated arena string (*out). '+' is
 * left alone (RFC 3986 has no '+'-as-space in paths). Refused with GCAS_ERR_INVALID: an invalid
 * escape, NUL, a control character, invalid UTF-8, or a '/' or '\' (raw or "%2F", "%5C"): a
 * segment that decodes to a path separator would smuggle one past the router, so split the path
 * on '/' first, then decode each segment. GCAS_ERR_NOMEM on arena exhaustion. */
enum gcas_err url_decode_path(struct arena *a, const char *s, size_t len, char **out);

/* Append s to b, percent-encoding every byte except the unreserved set ALPHA / DIGIT / "-" /
 * "." / "_" / "~" (RFC 3986 §2.3) with upper-case hex (§2.1). Suitable for query keys, values
 * and path segments. Errors (cap reached) are recorded in b->failed. */
void url_encode(struct buf *b, const char *s);

#endif
