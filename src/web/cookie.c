/* SPDX-License-Identifier: MIT */
/* Cookie header parsing and Set-Cookie writing (RFC 6265). The parser is lenient per pair and
 * strict per octet: anything outside the §4.1.1 grammar is dropped, never repaired, and every
 * count and length is capped. Fuzzed by tests/fuzz/fuzz_cookie.c. */
#include "web/cookie.h"

#include <inttypes.h>
#include <string.h>
#include <strings.h>

/* RFC 7230 §3.2.6 tchar: the cookie-name grammar (RFC 6265 §4.1.1 cookie-name = token). */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 §4.1.1: cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
 * (no CTLs, whitespace, DQUOTE, comma, semicolon or backslash). */
static int is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
	       (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

static int all_of(const char *s, size_t n, int (*pred)(unsigned char))
{
	for (size_t i = 0; i < n; i++) {
		if (!pred((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* Trim OWS (SP / HTAB, RFC 7230 §3.2.3) from both ends of s[0..*n). */
static const char *trim_ows(const char *s, size_t *n)
{
	while (*n && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		(*n)--;
	}
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* One "name=value" segment. Returns 1 and fills kv when well formed, 0 to skip, -1 on OOM. */
static int parse_pair(struct arena *a, const char *seg, size_t n, struct kv *kv)
{
	seg = trim_ows(seg, &n);
	if (n > COOKIE_MAX_PAIR)
		return 0;
	const char *eq = memchr(seg, '=', n);
	if (!eq)
		return 0;
	size_t nlen = (size_t)(eq - seg), vlen = n - nlen - 1;
	const char *name = trim_ows(seg, &nlen), *val = trim_ows(eq + 1, &vlen);
	if (nlen == 0 || !all_of(name, nlen, is_tchar))
		return 0;
	/* §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ). The quotes are
	 * not part of the value; a lone or unterminated quote fails the octet check below. */
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
		val++;
		vlen -= 2;
	}
	if (!all_of(val, vlen, is_cookie_octet))
		return 0;
	char *k = arena_strndup(a, name, nlen), *v = arena_strndup(a, val, vlen);
	if (!k || !v)
		return -1;
	kv->key = k;
	kv->val = v;
	kv->val_len = vlen;
	return 1;
}

enum gcas_err cookie_parse(struct arena *a, const char *header, size_t len, struct kv_list *out)
{
	size_t segs = 1, n = 0, start = 0;
	out->items = NULL;
	out->n = 0;
	for (size_t i = 0; i < len && segs <= COOKIE_MAX_COUNT; i++)
		segs += header[i] == ';';
	size_t room = segs < COOKIE_MAX_COUNT ? segs : COOKIE_MAX_COUNT;
	struct kv *items = arena_alloc(a, room * sizeof(*items));
	if (!items)
		return GCAS_ERR_NOMEM;
	/* §4.2.1 separates pairs with "; "; split on ';' alone and trim, as §5.4's UA output and
	 * real proxies vary in the spacing. */
	for (size_t i = 0; i <= len && n < room; i++) {
		if (i < len && header[i] != ';')
			continue;
		int r = parse_pair(a, header + start, i - start, &items[n]);
		if (r < 0)
			return GCAS_ERR_NOMEM;
		n += (size_t)r;
		start = i + 1;
	}
	out->items = n ? items : NULL;
	out->n = n;
	return GCAS_OK;
}

const char *cookie_get(const struct kv_list *l, const char *name)
{
	return kv_get(l, name);
}

/* §4.1.1 path-value = <any CHAR except CTLs or ";">; §5.2.4: a path not starting with '/' is
 * replaced by the default path, so we refuse it rather than let the UA pick one. */
static int path_ok(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c > 0x7E || c == ';')
			return 0;
	}
	return 1;
}

static int attrs_ok(const char *name, const struct cookie_attrs *at)
{
	if (at->path && !path_ok(at->path))
		return 0;
	if ((unsigned)at->same_site >= COOKIE_SAMESITE__MAX)
		return 0;
	/* RFC 6265bis §4.1.3: the UA rejects these prefixes without the matching attributes;
	 * refusing here turns a silent logout into a loud bug. */
	if (strncasecmp(name, "__Secure-", 9) == 0 && !at->secure)
		return 0;
	if (strncasecmp(name, "__Host-", 7) == 0 &&
	    (!at->secure || !at->path || strcmp(at->path, "/") != 0))
		return 0;
	return 1;
}

enum gcas_err cookie_format(struct buf *b, const char *name, const char *value,
                            const struct cookie_attrs *attrs)
{
	static const struct cookie_attrs session = {0};
	static const char *const same_site[COOKIE_SAMESITE__MAX] = {
	    [COOKIE_SAMESITE_LAX] = "Lax",
	    [COOKIE_SAMESITE_STRICT] = "Strict",
	};
	const struct cookie_attrs *at = attrs ? attrs : &session;
	if (!name || !value)
		return GCAS_ERR_INVALID;
	size_t nlen = strlen(name), vlen = strlen(value);
	if (nlen == 0 || !all_of(name, nlen, is_tchar) || !all_of(value, vlen, is_cookie_octet))
		return GCAS_ERR_INVALID;
	/* A pair the UA would not store (§6.1 sizes) is a bug to surface, not a cookie to send. */
	if (nlen + 1 + vlen > COOKIE_MAX_PAIR)
		return GCAS_ERR_INVALID;
	if (!attrs_ok(name, at))
		return GCAS_ERR_INVALID;
	buf_printf(b, "%s=%s", name, value);
	if (at->path)
		buf_printf(b, "; Path=%s", at->path);
	/* §5.2.2: Max-Age <= 0 expires the cookie at once; Max-Age is preferred over Expires. */
	if (at->max_age != 0)
		buf_printf(b, "; Max-Age=%" PRId64, at->max_age > 0 ? at->max_age : 0);
	if (at->http_only)
		buf_puts(b, "; HttpOnly");
	if (at->secure)
		buf_puts(b, "; Secure");
	buf_printf(b, "; SameSite=%s", same_site[at->same_site]);
	return b->failed ? GCAS_ERR_NOMEM : GCAS_OK;
}
