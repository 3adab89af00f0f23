/* SPDX-License-Identifier: MIT */
/* JSON request bodies → C structs by a static field table. jansson does the parsing (it checks
 * UTF-8, rejects lone surrogates and \u0000 by default, bounds nesting at
 * JSON_PARSER_MAX_DEPTH and seeds its hash from /dev/urandom against hash flooding); this file
 * adds the schema: known members only, typed, length- and range-checked, errors as JSON
 * Pointers. Fuzzed by tests/fuzz/fuzz_jsonin.c. */
#include "web/jsonin.h"

#include <inttypes.h>
#include <jansson.h>
#include <string.h>

#include "base/utf8.h"

/* Longest piece of an unknown member name quoted back in a detail. */
enum { NAME_QUOTE_MAX = 64 };

struct ctx {
	struct arena *a;
	struct jerr *errs;
	size_t max_errs, stored, total;
	int oom;
};

/* Record one refusal; pointer and detail must be arena or static strings (NULL = OOM). */
static void add_err(struct ctx *c, const char *pointer, const char *detail)
{
	c->total++;
	if (!pointer || !detail) {
		c->oom = 1;
		return;
	}
	if (c->stored >= c->max_errs)
		return;
	c->errs[c->stored].pointer = pointer;
	c->errs[c->stored].detail = detail;
	c->stored++;
}

static int errs_full(const struct ctx *c)
{
	return c->total > 0 && c->stored >= c->max_errs;
}

/* RFC 6901 §3: "/" + name with '~' as "~0" and '/' as "~1"; index >= 0 appends "/index". */
static const char *json_pointer(struct arena *a, const char *name, long index)
{
	size_t n = strlen(name), o = 0;
	char *p = arena_alloc(a, 2 * n + 2 + 24);
	if (!p)
		return NULL;
	p[o++] = '/';
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '~' || name[i] == '/') {
			p[o++] = '~';
			p[o++] = name[i] == '~' ? '0' : '1';
			continue;
		}
		p[o++] = name[i];
	}
	p[o] = '\0';
	if (index < 0)
		return p;
	return arena_printf(a, "%s/%ld", p, index);
}

/* Copy s for quoting in a detail: at most max bytes, cut on a code point boundary, with every
 * control (C0, DEL, C1) and every byte that is not UTF-8 replaced by '?', so a detail is always
 * printable text even when built from attacker-chosen names or jansson's own messages. */
static const char *printable(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s), o = 0;
	char *out = arena_alloc(a, (n < max ? n : max) + 1);
	const char *p = s, *e = s + n;
	if (!out)
		return NULL;
	while (p < e) {
		const char *q = p;
		int32_t c = utf8_next(&q, e);
		size_t w = c < 0 ? 1 : (size_t)(q - p);
		if (o + w > max)
			break;
		if (c < 0 || c < 0x20 || (c >= 0x7F && c < 0xA0)) {
			out[o++] = '?';
			p += w;
			continue;
		}
		memcpy(out + o, p, w);
		o += w;
		p += w;
	}
	out[o] = '\0';
	return out;
}

static void store(void *target, size_t offset, const void *v, size_t n)
{
	memcpy((char *)target + offset, v, n);
}

static void mark_present(void *target, size_t i)
{
	uint64_t present;
	memcpy(&present, target, sizeof(present));
	present |= UINT64_C(1) << i;
	memcpy(target, &present, sizeof(present));
}

/* Validate one JSON string against f; returns an arena copy, or NULL after add_err. */
static const char *take_string(struct ctx *c, const json_t *v, const struct jfield *f,
                               const char *ptr)
{
	if (!json_is_string(v)) {
		add_err(c, ptr, arena_printf(c->a, "\"%s\" must be a string", f->name));
		return NULL;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	/* jansson already refuses these without JSON_ALLOW_NUL; checked again because a
	 * string with a hidden NUL would be read differently by every C consumer. */
	if (memchr(s, '\0', n) || !utf8_valid(s, n)) {
		add_err(c, ptr, arena_printf(c->a, "\"%s\" must be valid UTF-8", f->name));
		return NULL;
	}
	if (!utf8_valid_text(s, n)) {
		add_err(c, ptr,
		        arena_printf(c->a, "\"%s\" must not contain control characters", f->name));
		return NULL;
	}
	if (f->max_len && (size_t)utf8_count(s, n) > f->max_len) {
		add_err(c, ptr,
		        arena_printf(c->a, "\"%s\" must be at most %zu characters", f->name,
		                     f->max_len));
		return NULL;
	}
	const char *copy = arena_memdup(c->a, s, n);
	if (!copy)
		c->oom = 1;
	return copy;
}

static void take_int(struct ctx *c, const json_t *v, const struct jfield *f, const char *ptr,
                     void *target, size_t i)
{
	/* jansson types 1.0 and 1e2 as reals: an integer field wants an integer literal. */
	if (!json_is_integer(v)) {
		add_err(c, ptr, arena_printf(c->a, "\"%s\" must be an integer", f->name));
		return;
	}
	int64_t x = (int64_t)json_integer_value(v);
	int ranged = f->min != 0 || f->max != 0;
	if (ranged && (x < f->min || x > f->max)) {
		add_err(c, ptr,
		        arena_printf(c->a, "\"%s\" must be between %" PRId64 " and %" PRId64,
		                     f->name, f->min, f->max));
		return;
	}
	store(target, f->offset, &x, sizeof(x));
	mark_present(target, i);
}

static void take_bool(struct ctx *c, const json_t *v, const struct jfield *f, const char *ptr,
                      void *target, size_t i)
{
	if (!json_is_boolean(v)) {
		add_err(c, ptr, arena_printf(c->a, "\"%s\" must be true or false", f->name));
		return;
	}
	int b = json_is_true(v);
	store(target, f->offset, &b, sizeof(b));
	mark_present(target, i);
}

static void take_array(struct ctx *c, const json_t *v, const struct jfield *f, const char *ptr,
                       void *target, size_t i)
{
	size_t lo = f->min > 0 ? (size_t)f->min : 0;
	size_t hi = f->max > 0 && f->max < JSONIN_MAX_ITEMS ? (size_t)f->max : JSONIN_MAX_ITEMS;
	if (!json_is_array(v)) {
		add_err(c, ptr, arena_printf(c->a, "\"%s\" must be an array of strings", f->name));
		return;
	}
	size_t n = json_array_size(v), bad = 0;
	if (n < lo || n > hi) {
		add_err(c, ptr,
		        arena_printf(c->a, "\"%s\" must have between %zu and %zu items", f->name,
		                     lo, hi));
		return;
	}
	const char **items = arena_alloc(c->a, (n + 1) * sizeof(*items));
	if (!items) {
		c->oom = 1;
		return;
	}
	for (size_t k = 0; k < n && !c->oom; k++) {
		const char *item_ptr = json_pointer(c->a, f->name, (long)k);
		if (!item_ptr) {
			c->oom = 1;
			return;
		}
		items[k] = take_string(c, json_array_get(v, k), f, item_ptr);
		bad += items[k] == NULL;
	}
	if (bad || c->oom)
		return;
	struct jstr_array arr = {items, n};
	store(target, f->offset, &arr, sizeof(arr));
	mark_present(target, i);
}

static void take_field(struct ctx *c, const json_t *root, const struct jfield *spec, size_t i,
                       void *target)
{
	const struct jfield *f = &spec[i];
	const json_t *v = json_object_get(root, f->name);
	const char *ptr = json_pointer(c->a, f->name, -1);
	if (!ptr) {
		c->oom = 1;
		return;
	}
	if (!v) {
		if (f->required)
			add_err(c, ptr, arena_printf(c->a, "\"%s\" is required", f->name));
		return;
	}
	switch (f->type) {
	case JF_STRING: {
		const char *s = take_string(c, v, f, ptr);
		if (!s)
			return;
		store(target, f->offset, &s, sizeof(s));
		mark_present(target, i);
		return;
	}
	case JF_INT:
		take_int(c, v, f, ptr, target, i);
		return;
	case JF_BOOL:
		take_bool(c, v, f, ptr, target, i);
		return;
	case JF_STRING_ARRAY:
		take_array(c, v, f, ptr, target, i);
		return;
	case JF__MAX:
		break;
	}
}

/* Members not in spec are refused, not ignored: a misspelt optional field ("emial") would
 * otherwise be silently dropped, and mass assignment stays impossible by construction. */
static void refuse_unknown(struct ctx *c, json_t *root, const struct jfield *spec, size_t nspec)
{
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		size_t i = 0;
		while (i < nspec && strcmp(spec[i].name, key) != 0)
			i++;
		if (i < nspec)
			continue;
		if (errs_full(c) || c->oom)
			return;
		const char *name = printable(c->a, key, NAME_QUOTE_MAX);
		add_err(c, json_pointer(c->a, key, -1),
		        name ? arena_printf(c->a, "unknown field \"%s\"", name) : NULL);
	}
}

/* Zero every target field (so absent reads as NULL / 0) after checking the table itself. */
static enum gcas_err reset_target(const struct jfield *spec, size_t nspec, void *target)
{
	static const size_t width[JF__MAX] = {
	    [JF_STRING] = sizeof(const char *),
	    [JF_INT] = sizeof(int64_t),
	    [JF_BOOL] = sizeof(int),
	    [JF_STRING_ARRAY] = sizeof(struct jstr_array),
	};
	if (nspec > JSONIN_MAX_FIELDS)
		return GCAS_ERR_INTERNAL;
	for (size_t i = 0; i < nspec; i++) {
		if ((unsigned)spec[i].type >= JF__MAX || !spec[i].name ||
		    spec[i].offset < sizeof(uint64_t))
			return GCAS_ERR_INTERNAL;
	}
	memset(target, 0, sizeof(uint64_t));
	for (size_t i = 0; i < nspec; i++)
		memset((char *)target + spec[i].offset, 0, width[spec[i].type]);
	return GCAS_OK;
}

enum gcas_err jsonin_decode(struct arena *a, const char *body, size_t len,
                            const struct jfield *spec, size_t nspec, void *target,
                            struct jerr *errs, size_t max_errs, size_t *nerr)
{
	struct ctx c = {.a = a, .errs = errs, .max_errs = errs ? max_errs : 0};
	json_t *root = NULL;
	json_error_t je;
	*nerr = 0;
	enum gcas_err e = reset_target(spec, nspec, target);
	if (e != GCAS_OK)
		return e;
	if (len > JSONIN_MAX_BODY) {
		add_err(&c, "", "request body is larger than 1 MiB");
		goto out;
	}
	/* RFC 8259 §4 leaves duplicate names to the implementation; two parsers picking
	 * different duplicates is a known smuggling vector, so refuse them outright. */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		const char *text = printable(a, je.text, sizeof(je.text));
		add_err(&c, "",
		        text ? arena_printf(a, "malformed JSON at line %d column %d: %s", je.line,
		                            je.column, text)
		             : NULL);
		goto out;
	}
	if (!json_is_object(root)) {
		add_err(&c, "", "request body must be a JSON object");
		goto out;
	}
	for (size_t i = 0; i < nspec && !c.oom; i++)
		take_field(&c, root, spec, i, target);
	refuse_unknown(&c, root, spec, nspec);
out:
	/* Everything kept was copied into the arena, so the tree can go now rather than at
	 * arena_free: a 1 MiB body does not pin its parse tree for the whole request. */
	json_decref(root);
	*nerr = c.stored;
	if (c.oom)
		return GCAS_ERR_NOMEM;
	return c.total ? GCAS_ERR_INVALID : GCAS_OK;
}
