/* SPDX-License-Identifier: MIT */
/* Schema-driven decoding of JSON API request bodies into plain C structs, so handlers never touch
 * json_t (ARCHITECTURE.md: jansson at the boundary only). A static table of struct jfield
 * describes the accepted object; every refusal is reported as a JSON Pointer (RFC 6901) plus an
 * English detail, ready for an RFC 9457 problem+json "errors" list. */
#ifndef GCAS_WEB_JSONIN_H
#define GCAS_WEB_JSONIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define JSONIN_MAX_BODY   (1024u * 1024u) /* bytes */
#define JSONIN_MAX_FIELDS 64              /* bits in the presence mask */
#define JSONIN_MAX_ITEMS  1024            /* hard cap on a JF_STRING_ARRAY */

enum jf_type {
	JF_STRING,       /* target: const char * (arena copy; NULL when absent) */
	JF_INT,          /* target: int64_t (0 when absent) */
	JF_BOOL,         /* target: int, 0 or 1 (0 when absent) */
	JF_STRING_ARRAY, /* target: struct jstr_array ({NULL, 0} when absent) */
	JF__MAX
};

/* A decoded array of strings: items[0..n) are arena copies, items[n] is NULL. */
struct jstr_array {
	const char **items;
	size_t n;
};

/* One accepted member of the request object.
 * name      member name (exact match); also the JSON Pointer "/name" in errors.
 * required  non-zero: absence is an error.
 * max_len   JF_STRING / each JF_STRING_ARRAY item: maximum length in Unicode code points
 *           (0 = no limit beyond the body cap).
 * min, max  JF_INT: inclusive range (both 0 = any int64). JF_STRING_ARRAY: item count range
 *           (max 0 = JSONIN_MAX_ITEMS).
 * offset    offsetof(target struct, field). */
struct jfield {
	const char *name;
	enum jf_type type;
	int required;
	size_t max_len;
	int64_t min, max;
	size_t offset;
};

/* One refusal. pointer: RFC 6901 JSON Pointer into the body ("" = the whole body, "/email",
 * "/tags/2"); detail: short English sentence. Both live in the arena. */
struct jerr {
	const char *pointer;
	const char *detail;
};

/* Decode body[0..len) per spec[0..nspec) into target, whose first member must be a
 * uint64_t presence mask: bit i is set when spec[i] was present and valid. Every spec field is
 * first reset (NULL / 0 / {NULL, 0}), so absent fields read as empty.
 * Refused (GCAS_ERR_INVALID): a body over JSONIN_MAX_BODY, malformed JSON (detail gives jansson's
 * line and column), duplicate member names, a body that is not an object, members not in spec
 * (detail names them), a wrong JSON type (null included), strings with invalid UTF-8, NUL, or
 * control characters other than TAB, LF, CR, strings over max_len code points, integers outside
 * [min, max], missing required fields. Up to max_errs refusals are stored in errs[] (errs may be
 * NULL when max_errs is 0) and their number in *nerr, so one response can list them all; on
 * GCAS_ERR_INVALID *nerr >= 1 unless max_errs is 0. Strings in target and errs live in a, as
 * long as the arena; no jansson object outlives the call.
 * GCAS_ERR_NOMEM on arena exhaustion; GCAS_ERR_INTERNAL when nspec > JSONIN_MAX_FIELDS or a spec
 * type is unknown (a programming error). Not thread-safe for one arena. */
enum gcas_err jsonin_decode(struct arena *a, const char *body, size_t len,
                            const struct jfield *spec, size_t nspec, void *target,
                            struct jerr *errs, size_t max_errs, size_t *nerr);

#endif
