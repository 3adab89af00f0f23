/* SPDX-License-Identifier: MIT */
/* A CSV reader (RFC 4180 with the usual leniencies: LF or CRLF line ends, a UTF-8 byte-order mark
 * at the start, a last line without a line end). Used for untrusted uploads (bulk onboarding) and
 * the Cabinet Office holiday file, so it bounds everything: fields, columns, line length. It reads
 * bytes; decoding (Shift_JIS → UTF-8) is the caller's. */
#ifndef GCAS_BASE_CSV_H
#define GCAS_BASE_CSV_H

#include <stddef.h>

#include "base/arena.h"

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD  4096 /* bytes in one field */

struct csv {
	const char *p, *end;
	size_t line; /* 1-based physical line where the current record began */
	int bom_done;
};

struct csv_row {
	size_t n;                      /* number of fields */
	const char *f[CSV_MAX_FIELDS]; /* NUL-terminated copies, in the arena */
	size_t line;                   /* line of the record, for messages */
};

void csv_init(struct csv *c, const char *data, size_t len);
/* Read the next record into row (fields copied into a). Returns 1 for a record, 0 at the end,
 * -1 on malformed input (unterminated quote, text after a closing quote, a field or record over
 * the limits, a NUL byte), with a reason in why (ASCII English + Japanese, NUL-terminated). A blank
 * line is skipped. */
int csv_next(struct csv *c, struct arena *a, struct csv_row *row, char *why, size_t why_len);

#endif
