/* SPDX-License-Identifier: MIT */
/* Untrusted-input parser for multipart/form-data request bodies (RFC 7578, framing of RFC 2046
 * §5.1.1), used for file uploads (bulk onboarding). Bounded everywhere: the number of parts,
 * header lines per part and their length, each part's size, and the boundary's length. Strict
 * on purpose: header folding, bare CR/LF and NUL in headers, and a body that never reaches its
 * close delimiter are refused rather than guessed at. */
#ifndef GCAS_WEB_MULTIPART_H
#define GCAS_WEB_MULTIPART_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "web/params.h"

#define MULTIPART_MAX_PARTS    16
#define MULTIPART_MAX_HEADERS  8    /* header lines in one part */
#define MULTIPART_MAX_HEADER   1024 /* bytes in one header line, CRLF excluded */
#define MULTIPART_MAX_BOUNDARY 70   /* RFC 2046 §5.1.1 */
#define MULTIPART_MAX_NAME     128  /* bytes of a field name or a file name */

struct mp_part {
	const char *name;         /* Content-Disposition name="..." (arena, NUL-terminated) */
	const char *filename;     /* filename="..." or NULL when the part is not a file */
	const char *content_type; /* the part's Content-Type, or NULL (text/plain, RFC 7578 §4.4) */
	const char *data;         /* arena copy of the content, NUL-terminated (may hold NULs) */
	size_t len;               /* bytes of data, excluding the added NUL */
};

struct mp_form {
	struct mp_part part[MULTIPART_MAX_PARTS];
	size_t n;
};

/* Extract the boundary parameter of a Content-Type value that must be multipart/form-data (type
 * and parameter names case-insensitive, the value a token or a quoted-string without escapes).
 * Writes it NUL-terminated into out (cap >= MULTIPART_MAX_BOUNDARY + 1). Returns GCAS_OK, or
 * GCAS_ERR_INVALID when the type is another one, the boundary is missing, empty, longer than 70
 * characters, ends in a space, or holds a character outside bchars (RFC 2046 §5.1.1). */
enum gcas_err multipart_boundary_get(const char *content_type, char *out, size_t cap);

/* Parse body[0..len) sent with content_type into out. Every part must carry a Content-Disposition
 * "form-data" with a non-empty name (RFC 7578 §4.2); Content-Transfer-Encoding other than
 * 7bit/8bit/binary is refused (§4.7). A preamble before the first delimiter and an epilogue
 * after the close delimiter are ignored. max_part bounds each part's content (0: no bound beyond
 * len). Refused with GCAS_ERR_INVALID and a short English reason in *why (static; why may be
 * NULL): a bad boundary, no delimiter, more than MULTIPART_MAX_PARTS parts, a header line over
 * MULTIPART_MAX_HEADER bytes or more than MULTIPART_MAX_HEADERS lines, a folded header line, a
 * CR or LF alone or a NUL or other control character in a header, a name over
 * MULTIPART_MAX_NAME bytes, a part over max_part bytes, a missing close delimiter (truncated).
 * GCAS_ERR_NOMEM when the arena is exhausted. On error out->n is 0. */
enum gcas_err multipart_parse(struct arena *a, const char *content_type, const char *body,
                              size_t len, size_t max_part, struct mp_form *out, const char **why);

/* The first part named name, or NULL. */
const struct mp_part *multipart_part_find(const struct mp_form *f, const char *name);

/* The parts that are not files as name/value pairs (what a urlencoded form would have given),
 * so a dispatcher can read CSRF and other fields from an upload form. Values must be UTF-8
 * without NUL (GCAS_ERR_INVALID otherwise). The items point into the parts (arena). */
enum gcas_err multipart_fields(struct arena *a, const struct mp_form *f, struct kv_list *out);

#endif
