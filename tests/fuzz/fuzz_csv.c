/* SPDX-License-Identifier: MIT */
/* Fuzz driver for src/base/csv.c, the reader of untrusted uploads (bulk onboarding, the
 * holiday file). Checks beyond "no crash": every call advances or ends (no endless loop); the
 * limits hold (fields per record, bytes per field, no NUL inside a field, unescaping only
 * shrinks); lines only go forward; a refusal is final; and the records written back in RFC 4180
 * form (every field quoted, CRLF) read back identically. */
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/csv.h"
#include "fuzz.h"

#define MAX_KEPT 256 /* records re-encoded for the round trip */

static void write_record(struct buf *b, const struct csv_row *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			buf_putc(b, ',');
		buf_putc(b, '"');
		for (const char *p = r->f[i]; *p; p++) {
			if (*p == '"')
				buf_putc(b, '"');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
	}
	buf_puts(b, "\r\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct csv c;
	struct csv_row row;
	char why[160];
	struct buf out;
	size_t total = 0, calls = 0, last_line = 0, nkept = 0, newlines = 0;
	const char **kept = NULL;
	size_t *kept_n = NULL;
	int rc;
	if (!a)
		return 0;
	for (size_t i = 0; i < size; i++)
		newlines += data[i] == '\n';
	kept = arena_alloc(a, MAX_KEPT * CSV_MAX_FIELDS * sizeof(*kept));
	kept_n = arena_alloc(a, MAX_KEPT * sizeof(*kept_n));
	FUZZ_CHECK(kept && kept_n);
	buf_init(&out, 0);
	csv_init(&c, (const char *)data, size);
	while ((rc = csv_next(&c, a, &row, why, sizeof(why))) == 1) {
		FUZZ_CHECK(++calls <= size + 1);
		FUZZ_CHECK(row.n >= 1 && row.n <= CSV_MAX_FIELDS);
		FUZZ_CHECK(row.line > last_line && row.line <= newlines + 1);
		last_line = row.line;
		for (size_t i = 0; i < row.n; i++) {
			size_t l = strlen(row.f[i]);
			FUZZ_CHECK(l <= CSV_MAX_FIELD);
			total += l;
		}
		FUZZ_CHECK(total <= size);
		if (nkept < MAX_KEPT) {
			memcpy(kept + nkept * CSV_MAX_FIELDS, row.f, row.n * sizeof(*kept));
			kept_n[nkept++] = row.n;
			write_record(&out, &row);
		}
	}
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc < 0) {
		FUZZ_CHECK(why[0] != '\0');
		FUZZ_CHECK(csv_next(&c, a, &row, why, sizeof(why)) == -1);
	}
	/* Round trip of what was read. */
	FUZZ_CHECK(!out.failed);
	csv_init(&c, out.data ? out.data : "", out.len);
	for (size_t k = 0; k < nkept; k++) {
		FUZZ_CHECK(csv_next(&c, a, &row, why, sizeof(why)) == 1);
		FUZZ_CHECK(row.n == kept_n[k]);
		for (size_t i = 0; i < row.n; i++)
			FUZZ_CHECK(strcmp(row.f[i], kept[k * CSV_MAX_FIELDS + i]) == 0);
	}
	FUZZ_CHECK(csv_next(&c, a, &row, why, sizeof(why)) == 0);
	buf_free(&out);
	arena_free(a);
	return 0;
}
