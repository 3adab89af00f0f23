/* SPDX-License-Identifier: MIT */
/* application/x-www-form-urlencoded parsing (WHATWG URL Standard §5.1 "urlencoded parser"),
 * path-segment percent-decoding and RFC 3986 percent-encoding. Input is attacker-controlled:
 * every length is capped before allocating, and the pair count is checked before the pair
 * array is sized. Fuzzed by tests/fuzz/fuzz_params.c. */
#include "web/params.h"

#include <string.h>

#include "base/utf8.h"

static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* C0 controls, DEL and the C1 block (U+0080..U+009F): never meaningful in a name. */
static int is_control(int32_t c)
{
	return c < 0x20 || (c >= 0x7F && c < 0xA0);
}

/* Decode raw[0..n) into dst (room for n + 1 bytes). plus_space: '+' means ' ' (WHATWG
 * urlencoded, not RFC 3986 paths). WHATWG's percent-decode passes a bad escape through
 * unchanged; we refuse it instead, so "%zz" can never be read two ways by two layers.
 * Returns the decoded length, or -1 with *why set. */
static long pct_decode(char *dst, const char *raw, size_t n, int plus_space, const char **why)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c == '%') {
			int hi = n - i >= 3 ? hex_val((unsigned char)raw[i + 1]) : -1;
			int lo = n - i >= 3 ? hex_val((unsigned char)raw[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*why = "invalid percent escape";
				return -1;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0') {
			*why = "NUL byte";
			return -1;
		}
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return (long)o;
}

/* Decode one key or value into the arena, enforcing max decoded bytes and UTF-8. Each decoded
 * byte consumes at most 3 input bytes, so a raw length over 3 * max is refused before any
 * allocation: a 1 GB body cannot make us allocate 1 GB. */
struct part_rule {
	size_t max;           /* decoded bytes */
	int plus_space;       /* '+' decodes to ' ' */
	const char *too_long; /* the reason given when over max */
};

static enum gcas_err decode_part(struct arena *a, const char *raw, size_t n,
                                 const struct part_rule *r, char **out, size_t *out_len,
                                 const char **why)
{
	if (n / 3 > r->max) {
		*why = r->too_long;
		return GCAS_ERR_INVALID;
	}
	char *dst = arena_alloc(a, n + 1);
	if (!dst) {
		*why = "out of memory";
		return GCAS_ERR_NOMEM;
	}
	long got = pct_decode(dst, raw, n, r->plus_space, why);
	if (got < 0)
		return GCAS_ERR_INVALID;
	if ((size_t)got > r->max) {
		*why = r->too_long;
		return GCAS_ERR_INVALID;
	}
	/* WHATWG decodes as UTF-8 "without BOM" replacing errors with U+FFFD; a replaced string
	 * would not be what the client sent, so refuse instead. */
	if (!utf8_valid(dst, (size_t)got)) {
		*why = "invalid UTF-8";
		return GCAS_ERR_INVALID;
	}
	*out = dst;
	*out_len = (size_t)got;
	return GCAS_OK;
}

static int has_control(const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	while (p < e) {
		int32_t c = utf8_next(&p, e);
		if (c < 0 || is_control(c))
			return 1;
	}
	return 0;
}

/* Pairs = non-empty '&'-separated segments; stops counting once past the cap. */
static size_t count_pairs(const char *s, size_t len)
{
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= len && n <= PARAMS_MAX_PAIRS; i++) {
		if (i < len && s[i] != '&')
			continue;
		if (i > start)
			n++;
		start = i + 1;
	}
	return n;
}

/* Split one segment at its first '=' (WHATWG: later '=' belong to the value) and decode. */
static enum gcas_err parse_pair(struct arena *a, const char *seg, size_t n, struct kv *kv,
                                const char **why)
{
	const char *eq = memchr(seg, '=', n);
	size_t klen = eq ? (size_t)(eq - seg) : n;
	const char *v = eq ? eq + 1 : seg + n;
	size_t vlen = (size_t)(seg + n - v);
	static const struct part_rule key_rule = {PARAMS_MAX_KEY, 1, "parameter name too long"};
	static const struct part_rule val_rule = {PARAMS_MAX_VAL, 1, "parameter value too long"};
	char *key, *val;
	size_t key_len;
	enum gcas_err e = decode_part(a, seg, klen, &key_rule, &key, &key_len, why);
	if (e != GCAS_OK)
		return e;
	if (has_control(key, key_len)) {
		*why = "control character in parameter name";
		return GCAS_ERR_INVALID;
	}
	e = decode_part(a, v, vlen, &val_rule, &val, &kv->val_len, why);
	if (e != GCAS_OK)
		return e;
	kv->key = key;
	kv->val = val;
	return GCAS_OK;
}

enum gcas_err params_parse(struct arena *a, const char *s, size_t len, struct kv_list *out,
                           const char **why)
{
	const char *dummy = NULL;
	enum gcas_err e = GCAS_OK;
	struct kv *items = NULL;
	size_t n = 0, start = 0;
	if (!why)
		why = &dummy;
	*why = NULL;
	out->items = NULL;
	out->n = 0;
	size_t total = count_pairs(s, len);
	if (total > PARAMS_MAX_PAIRS) {
		*why = "too many parameters";
		return GCAS_ERR_INVALID;
	}
	if (total == 0)
		return GCAS_OK;
	items = arena_alloc(a, total * sizeof(*items));
	if (!items) {
		*why = "out of memory";
		return GCAS_ERR_NOMEM;
	}
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '&')
			continue;
		if (i > start) {
			e = parse_pair(a, s + start, i - start, &items[n], why);
			if (e != GCAS_OK)
				goto out;
			n++;
		}
		start = i + 1;
	}
	out->items = items;
	out->n = n;
out:
	return e;
}

const char *kv_get(const struct kv_list *l, const char *key)
{
	if (!l || !key)
		return NULL;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].val;
	}
	return NULL;
}

size_t kv_count(const struct kv_list *l, const char *key)
{
	size_t c = 0;
	if (!l || !key)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		c += strcmp(l->items[i].key, key) == 0;
	return c;
}

enum gcas_err url_decode_path(struct arena *a, const char *s, size_t len, char **out)
{
	const char *why = NULL;
	char *dst = NULL;
	size_t n = 0;
	*out = NULL;
	/* A segment is bounded only by the request line the server accepted. */
	const struct part_rule rule = {len, 0, "path segment too long"};
	enum gcas_err e = decode_part(a, s, len, &rule, &dst, &n, &why);
	if (e != GCAS_OK)
		return e;
	if (has_control(dst, n) || memchr(dst, '/', n) || memchr(dst, '\\', n))
		return GCAS_ERR_INVALID;
	*out = dst;
	return GCAS_OK;
}

void url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		/* RFC 3986 §2.3 unreserved; everything else is encoded, including sub-delims, so
		 * the output is safe in any query or path component. */
		int unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		                 (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		                 c == '~';
		if (unreserved) {
			buf_putc(b, (char)c);
			continue;
		}
		char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
		buf_append(b, esc, sizeof(esc));
	}
}
