/* SPDX-License-Identifier: MIT */
/* HTTP cookies: parsing the untrusted Cookie request header (RFC 6265 §4.2.1, §5.4) and writing
 * Set-Cookie values (§4.1.1) that carry only host-only attributes we choose: Path, Max-Age,
 * HttpOnly, Secure, SameSite (RFC 6265bis). */
#ifndef GCAS_WEB_COOKIE_H
#define GCAS_WEB_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "web/params.h"

#define COOKIE_MAX_COUNT 64   /* cookies kept from one header */
#define COOKIE_MAX_PAIR  4096 /* bytes of name=value (RFC 6265 §6.1 minimum a UA must store) */

/* Parse header[0..len) (the field value, without "Cookie:") into *out: name/value pairs in header
 * order, DQUOTE-wrapped values unwrapped, arena copies. A pair that is malformed (no '=', empty
 * or non-token name, value with octets outside cookie-octet, over COOKIE_MAX_PAIR bytes) is
 * skipped and the rest still parsed: one bad cookie set by a sibling site must not log the user
 * out. Pairs after the first COOKIE_MAX_COUNT good ones are ignored. Repeated names are kept;
 * browsers send the most specific (longest Path) first (§5.4 step 2), which cookie_get returns.
 * Returns GCAS_OK, or GCAS_ERR_NOMEM (then *out is {NULL, 0}). */
enum gcas_err cookie_parse(struct arena *a, const char *header, size_t len, struct kv_list *out);

/* Value of the first cookie named name (case-sensitive) or NULL. */
const char *cookie_get(const struct kv_list *l, const char *name);

enum cookie_samesite {
	COOKIE_SAMESITE_LAX = 0, /* the default of a zeroed struct */
	COOKIE_SAMESITE_STRICT,
	COOKIE_SAMESITE__MAX
};

struct cookie_attrs {
	const char *path;      /* Path=; NULL omits it */
	int64_t max_age;       /* > 0: Max-Age=n; 0: session cookie; < 0: Max-Age=0 (delete) */
	int http_only, secure; /* non-zero adds the attribute */
	enum cookie_samesite same_site; /* always written */
};

/* Append a Set-Cookie field value ("name=value; Path=/; Max-Age=60; HttpOnly; Secure;
 * SameSite=Lax") to b. attrs may be NULL (session cookie, SameSite=Lax). No Domain attribute is
 * ever written: host-only cookies cannot be read by sibling hosts. Refused with GCAS_ERR_INVALID
 * and nothing appended: a name that is not an RFC 7230 token, a value with octets outside
 * cookie-octet (§4.1.1; no DQUOTE wrapping is added), name=value over COOKIE_MAX_PAIR, a path with
 * CTLs or ';', a "__Host-" name without Secure and Path=/ or a "__Secure-" name without Secure (RFC
 * 6265bis §4.1.3). Returns GCAS_ERR_NOMEM when b's cap is reached. */
enum gcas_err cookie_format(struct buf *b, const char *name, const char *value,
                            const struct cookie_attrs *attrs);

#endif
