/* SPDX-License-Identifier: MIT */
/* The CSV reader (base/csv.c): RFC 4180 records (quoted fields, doubled quotes, line breaks
 * inside quotes, empty fields), the leniencies csv.h promises (LF or CRLF, a UTF-8 BOM, no final
 * line end, blank lines skipped) and every refusal: unterminated quote, text after a closing
 * quote, a quote inside an unquoted field, a bare CR, NUL bytes, a field or record over the
 * limits; and that a refusal is final. */
#include <string.h>

#include "base/arena.h"
#include "base/csv.h"
#include "tap.h"

static struct arena *A;

/* Read every record of s; returns the records' fields joined as "a|b;c|d;" and the result of
 * the last csv_next in *last, the why text in why. */
static const char *read_all(const char *s, size_t len, int *last, char *why, size_t *lines)
{
	static char out[8192];
	struct csv c;
	struct csv_row row;
	size_t o = 0, li = 0;
	int rc;
	out[0] = '\0';
	csv_init(&c, s, len);
	while ((rc = csv_next(&c, A, &row, why, 160)) == 1) {
		for (size_t i = 0; i < row.n; i++)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "|" : "",
			                      row.f[i]);
		o += (size_t)snprintf(out + o, sizeof(out) - o, ";");
		if (lines && li < 8)
			lines[li++] = row.line;
	}
	*last = rc;
	return out;
}

static void good(const char *s, size_t len, const char *want, const char *what)
{
	char why[160];
	int last;
	const char *got = read_all(s, len, &last, why, NULL);
	ok(last == 0, "%s: read to the end", what);
	is_str(got, want, "  %s: fields", what);
}

static void bad(const char *s, size_t len, const char *want_why, const char *what)
{
	char why[160];
	int last;
	read_all(s, len, &last, why, NULL);
	is_int(last, -1, "refused: %s", what);
	has_str(why, want_why, "  reason: %s", want_why);
}

#define S(lit) lit, sizeof(lit) - 1

static void test_rfc4180(void)
{
	good(S("a,b,c\n1,2,3\n"), "a|b|c;1|2|3;", "plain records, LF");
	good(S("a,b\r\n1,2\r\n"), "a|b;1|2;", "CRLF line ends (RFC 4180 §2.1)");
	good(S("a,b\n1,2"), "a|b;1|2;", "no line end after the last record (§2.2)");
	good(S("\xEF\xBB\xBF"
	       "a,b\n"),
	     "a|b;", "a UTF-8 BOM at the start is dropped");
	good(S("a,\xEF\xBB\xBF\n"), "a|\xEF\xBB\xBF;", "a BOM elsewhere is data");
	good(S("\"a,b\",c\n"), "a,b|c;", "a comma inside quotes (§2.6)");
	good(S("\"say \"\"hi\"\"\",x\n"), "say \"hi\"|x;", "doubled quotes (§2.7)");
	good(S("\"two\nlines\",x\n"), "two\nlines|x;", "a line break inside quotes (§2.6)");
	good(S("\"cr\r\nlf\",x\n"), "cr\r\nlf|x;", "CRLF inside quotes is kept");
	good(S(",,\n"), "||;", "empty fields");
	good(S("\"\",x\n"), "|x;", "an empty quoted field");
	good(S("a,\n"), "a|;", "a trailing empty field");
	good(S("\n\r\n\na\n\n"), "a;", "blank lines are skipped");
	good(S(""), "", "empty input");
	good(S("\xEF\xBB\xBF"), "", "only a BOM");
	good(S(" a , b \n"), " a | b ;", "spaces are data (§2.4)");
	good(S("2026/5/6,休日\n"), "2026/5/6|休日;", "bytes pass through (UTF-8 here)");

	char why[160];
	int last;
	size_t lines[8] = {0};
	read_all(S("a\n\n\"b\nc\"\nd\n"), &last, why, lines);
	ok(last == 0 && lines[0] == 1 && lines[1] == 3 && lines[2] == 5,
	   "record lines count blank lines and breaks inside quotes (1, 3, 5)");
}

static void test_limits(void)
{
	static char big[CSV_MAX_FIELD + 8];
	memset(big, 'x', sizeof(big));
	char why[160];
	int last;
	read_all(big, CSV_MAX_FIELD, &last, why, NULL);
	is_int(last, 0, "a field of exactly CSV_MAX_FIELD bytes is read");
	bad(big, CSV_MAX_FIELD + 1, "field too long", "a field one byte over the limit");
	big[0] = '"';
	big[CSV_MAX_FIELD + 2] = '"';
	bad(big, CSV_MAX_FIELD + 3, "field too long", "a quoted field over the limit");

	static char many[CSV_MAX_FIELDS * 2 + 4];
	memset(many, ',', sizeof(many));
	read_all(many, CSV_MAX_FIELDS - 1, &last, why, NULL);
	is_int(last, 0, "CSV_MAX_FIELDS fields are read");
	bad(many, CSV_MAX_FIELDS, "too many fields", "one field more than CSV_MAX_FIELDS");
}

static void test_refusals(void)
{
	bad(S("a,\"bc\n"), "unterminated", "an unterminated quote");
	bad(S("\"ab\"c,d\n"), "after a closing quote", "text after a closing quote");
	bad(S("\"ab\" ,d\n"), "after a closing quote", "a space after a closing quote");
	bad(S("ab\"c,d\n"), "quote inside an unquoted field", "a quote inside an unquoted field");
	bad(S("a\rb\n"), "carriage return", "a bare CR");
	bad(S("a,b\r"), "carriage return", "a CR at the very end");
	bad(S("a\0b,c\n"), "NUL", "a NUL byte");
	bad(S("\"a\0b\",c\n"), "NUL", "a NUL byte inside quotes");
	bad(S("\"a\"\r"), "after a closing quote", "a quoted field then a bare CR");
	bad(S("\"unterminated"), "引用符", "the reason is in Japanese too");

	/* A refusal is final: later calls keep refusing instead of resyncing mid-record. */
	struct csv c;
	struct csv_row row;
	char why[160];
	csv_init(&c, S("ok\n\"bad\"x\nnext\n"));
	is_int(csv_next(&c, A, &row, why, sizeof(why)), 1, "a good record first");
	is_int(csv_next(&c, A, &row, why, sizeof(why)), -1, "then the bad one");
	is_int(c.line, 2, "  c.line names the bad record's line");
	is_int(csv_next(&c, A, &row, why, sizeof(why)), -1, "  and it stays refused");
	csv_init(&c, S("a\n"));
	is_int(csv_next(&c, A, &row, NULL, 0), 1, "why may be NULL");
}

int main(void)
{
	A = arena_new(0);
	test_rfc4180();
	test_limits();
	test_refusals();
	arena_free(A);
	return tap_done();
}
