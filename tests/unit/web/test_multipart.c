/* SPDX-License-Identifier: MIT */
/* Unit tests of the multipart/form-data parser (web/multipart.c): the RFC 7578 / RFC 2388
 * examples, boundary rules of RFC 2046 §5.1.1, and every refusal the contract promises (missing
 * boundary, truncated bodies, oversized parts, too many parts or header lines, header injection
 * through bare CR / LF / NUL or folded lines, missing or malformed Content-Disposition). */
#include <string.h>

#include "base/arena.h"
#include "tap.h"
#include "web/multipart.h"

static struct arena *A;

#define CT "multipart/form-data; boundary=AaB03x"

static enum gcas_err parse(const char *ct, const char *body, size_t max_part, struct mp_form *f,
                           const char **why)
{
	return multipart_parse(A, ct, body, strlen(body), max_part, f, why);
}

static void refused(const char *ct, const char *body, size_t len, size_t max_part, const char *want,
                    const char *what)
{
	struct mp_form f;
	const char *why = NULL;
	f.n = 99;
	is_int(multipart_parse(A, ct, body, len, max_part, &f, &why), GCAS_ERR_INVALID,
	       "%s: refused", what);
	has_str(why, want, "%s: reason", what);
	is_int(f.n, 0, "%s: no parts returned", what);
}

#define REFUSED(ct, body, want, what) refused(ct, body, strlen(body), 0, want, what)

/* The HTML 4.01 §17.13.4 / RFC 2388 example that RFC 7578 §4 builds on. */
static void test_rfc_example(void)
{
	const char *body =
	    "--AaB03x\r\n"
	    "Content-Disposition: form-data; name=\"submit-name\"\r\n"
	    "\r\n"
	    "Larry\r\n"
	    "--AaB03x\r\n"
	    "Content-Disposition: form-data; name=\"files\"; filename=\"file1.txt\"\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "... contents of file1.txt ...\r\n"
	    "--AaB03x--\r\n";
	struct mp_form f;
	const char *why = NULL;
	is_int(parse(CT, body, 0, &f, &why), GCAS_OK, "RFC 2388 example parses");
	is_int(f.n, 2, "two parts");
	is_str(f.part[0].name, "submit-name", "first part's name");
	ok(f.part[0].filename == NULL, "a text field has no file name");
	ok(f.part[0].content_type == NULL, "no Content-Type: text/plain by default");
	is_str(f.part[0].data, "Larry", "text value without the CRLF before the delimiter");
	is_int(f.part[0].len, 5, "its length");
	is_str(f.part[1].name, "files", "second part's name");
	is_str(f.part[1].filename, "file1.txt", "file name");
	is_str(f.part[1].content_type, "text/plain", "file's Content-Type");
	is_str(f.part[1].data, "... contents of file1.txt ...", "file content");
	ok(multipart_part_find(&f, "files") == &f.part[1], "find by name");
	ok(multipart_part_find(&f, "nope") == NULL, "find: absent name");

	struct kv_list l;
	is_int(multipart_fields(A, &f, &l), GCAS_OK, "text fields as pairs");
	is_int(l.n, 1, "files are not fields");
	is_str(kv_get(&l, "submit-name"), "Larry", "the field's value");

	/* RFC 7578 §4.7: Content-Transfer-Encoding is deprecated; quoted-printable is refused. */
	REFUSED(CT,
	        "--AaB03x\r\n"
	        "content-disposition: form-data; name=\"field1\"\r\n"
	        "content-type: text/plain;charset=UTF-8\r\n"
	        "content-transfer-encoding: quoted-printable\r\n"
	        "\r\n"
	        "Joe owes =E2=82=AC100.\r\n"
	        "--AaB03x--\r\n",
	        "Content-Transfer-Encoding", "RFC 7578 §4.7 quoted-printable example");
	is_int(parse(CT,
	             "--AaB03x\r\nContent-Disposition: form-data; name=a\r\n"
	             "Content-Transfer-Encoding: binary\r\n\r\nx\r\n--AaB03x--",
	             0, &f, &why),
	       GCAS_OK, "Content-Transfer-Encoding: binary is accepted");
}

static void test_framing(void)
{
	struct mp_form f;
	const char *why = NULL;
	/* Preamble, transport padding after a delimiter, epilogue (RFC 2046 §5.1.1). */
	const char *body =
	    "This is the preamble.\r\n"
	    "--AaB03x \t\r\n"
	    "content-disposition: FORM-DATA ; NAME=\"a\"\r\n"
	    "X-Unknown: ignored\r\n"
	    "\r\n"
	    "1\r\n"
	    "--AaB03x--\r\n"
	    "epilogue --AaB03x\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n";
	is_int(parse(CT, body, 0, &f, &why), GCAS_OK, "preamble, padding and epilogue");
	is_int(f.n, 1, "the epilogue holds no part");
	is_str(f.part[0].data, "1", "value");

	/* The boundary inside content counts only after CRLF; CR LF inside data is kept. */
	body = "--AaB03x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.csv\"\r\n\r\n"
	       "x--AaB03x\r\n\r\nline2\r\r\n--AaB03x--";
	is_int(parse(CT, body, 0, &f, &why), GCAS_OK, "delimiter-like text inside data");
	is_str(f.part[0].data, "x--AaB03x\r\n\r\nline2\r", "content kept byte for byte");

	/* Binary content with NUL bytes: length is what counts. */
	static const char bin[] = "--AaB03x\r\nContent-Disposition: form-data; name=\"f\"; "
	                          "filename=\"b\"\r\n\r\n\x00\x01\x00\r\n--AaB03x--";
	is_int(multipart_parse(A, CT, bin, sizeof(bin) - 1, 0, &f, &why), GCAS_OK,
	       "binary part with NULs");
	is_int(f.part[0].len, 3, "binary length");
	ok(f.part[0].data[0] == 0 && f.part[0].data[1] == 1 && f.part[0].data[3] == 0,
	   "binary bytes and the added NUL");

	/* Empty value and empty file. */
	is_int(parse(CT,
	             "--AaB03x\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--AaB03x--",
	             0, &f, &why),
	       GCAS_OK, "empty value");
	is_int(f.part[0].len, 0, "zero length");

	/* A backslash in a quoted file name is kept (browsers do not escape it). */
	is_int(parse(CT,
	             "--AaB03x\r\nContent-Disposition: form-data; name=\"f\"; "
	             "filename=\"C:\\dir\\a.csv\"\r\n\r\nx\r\n--AaB03x--",
	             0, &f, &why),
	       GCAS_OK, "Windows path in filename");
	is_str(f.part[0].filename, "C:\\dir\\a.csv", "backslashes literal");

	REFUSED(CT, "--AaB03xyz\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--AaB03x--",
	        "delimiter", "a longer boundary-like line");
	REFUSED(CT, "", "no multipart delimiter", "empty body");
	REFUSED(CT, "hello", "no multipart delimiter", "no delimiter at all");
	REFUSED(CT, "--AaB03x--\r\n", "without parts", "close delimiter only");
}

static void test_boundary(void)
{
	char b[MULTIPART_MAX_BOUNDARY + 1];
	is_int(multipart_boundary_get(CT, b, sizeof(b)), GCAS_OK, "token boundary");
	is_str(b, "AaB03x", "boundary value");
	is_int(multipart_boundary_get("Multipart/Form-Data ; charset=utf-8; BOUNDARY=\"a b'c:d\"",
	                              b, sizeof(b)),
	       GCAS_OK, "quoted boundary, case-insensitive names");
	is_str(b, "a b'c:d", "quoted boundary value");
	const char *chrome = "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";
	is_int(multipart_boundary_get(chrome, b, sizeof(b)), GCAS_OK, "Chrome's boundary");
	char b70[100], ct[160];
	memset(b70, 'x', 70);
	b70[70] = '\0';
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", b70);
	is_int(multipart_boundary_get(ct, b, sizeof(b)), GCAS_OK, "70 characters allowed");
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%sx", b70);
	is_int(multipart_boundary_get(ct, b, sizeof(b)), GCAS_ERR_INVALID, "71 refused");
	static const char *const bad[] = {
	    "multipart/form-data",
	    "multipart/form-data; charset=utf-8",
	    "multipart/form-data; boundary=",
	    "multipart/form-data; boundary=\"\"",
	    "multipart/form-data; boundary=\"ab \"",
	    "multipart/form-data; boundary=\"a\x01b\"",
	    "multipart/form-data; boundary=\"a\"b\"",
	    "multipart/form-data; boundary=\"unterminated",
	    "multipart/form-data; boundary=a; boundary=b",
	    "multipart/mixed; boundary=AaB03x",
	    "application/x-www-form-urlencoded",
	    "multipart/form-dataX; boundary=a",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(multipart_boundary_get(bad[i], b, sizeof(b)), GCAS_ERR_INVALID,
		       "boundary refused: %zu", i);
	ok(multipart_boundary_get(NULL, b, sizeof(b)) == GCAS_ERR_INVALID, "no Content-Type");
	REFUSED("multipart/form-data", "--x\r\n", "boundary", "parse without a boundary");
	REFUSED(NULL, "--x\r\n", "boundary", "parse without a Content-Type");
}

static void test_truncated(void)
{
	REFUSED(CT, "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nLarry",
	        "truncated", "no close delimiter");
	REFUSED(CT, "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n", "truncated",
	        "truncated inside the headers");
	REFUSED(CT, "--AaB03x\r\nContent-Disposition: form-da", "truncated",
	        "truncated inside a header line");
	REFUSED(CT, "--AaB03x", "truncated", "truncated after the first delimiter");
	REFUSED(CT,
	        "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--AaB03x\r\n",
	        "truncated", "truncated after a middle delimiter");
}

static void test_limits(void)
{
	struct mp_form f;
	const char *why = NULL;
	const char *body = "--AaB03x\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n"
	                   "0123456789\r\n--AaB03x--";
	is_int(parse(CT, body, 10, &f, &why), GCAS_OK, "a part of exactly max_part bytes");
	refused(CT, body, strlen(body), 9, "too large", "a part over max_part");

	char big[8192];
	size_t n = 0;
	for (int i = 0; i <= MULTIPART_MAX_PARTS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
		                      "--AaB03x\r\nContent-Disposition: form-data; name=\"p%d\"\r\n"
		                      "\r\nv\r\n",
		                      i);
	snprintf(big + n, sizeof(big) - n, "--AaB03x--");
	REFUSED(CT, big, "too many parts", "17 parts");

	/* Header line bounds. */
	n = (size_t)snprintf(big, sizeof(big),
	                     "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: ");
	memset(big + n, 'a', MULTIPART_MAX_HEADER);
	snprintf(big + n + MULTIPART_MAX_HEADER, sizeof(big) - n - MULTIPART_MAX_HEADER,
	         "\r\n\r\nv\r\n--AaB03x--");
	REFUSED(CT, big, "too long", "a header line over the limit");
	n = (size_t)snprintf(big, sizeof(big),
	                     "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n");
	for (int i = 0; i < MULTIPART_MAX_HEADERS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-H%d: v\r\n", i);
	snprintf(big + n, sizeof(big) - n, "\r\nv\r\n--AaB03x--");
	REFUSED(CT, big, "too many header lines", "9 header lines");

	char name[300];
	memset(name, 'n', 129);
	name[129] = '\0';
	snprintf(big, sizeof(big),
	         "--AaB03x\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\nv\r\n--AaB03x--",
	         name);
	REFUSED(CT, big, "too long", "a field name over 128 bytes");
}

static void test_injection(void)
{
	REFUSED(
	    CT,
	    "--AaB03x\r\nContent-Disposition: form-data; name=\"a\nContent-Type: text/html\"\r\n"
	    "\r\nv\r\n--AaB03x--",
	    "control character", "bare LF inside a header (smuggled header)");
	REFUSED(CT,
	        "--AaB03x\r\nContent-Disposition: form-data; name=\"a\rb\"\r\n\r\nv\r\n--AaB03x--",
	        "control character", "bare CR inside a header");
	static const char nul[] = "--AaB03x\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n"
	                          "\r\nv\r\n--AaB03x--";
	refused(CT, nul, sizeof(nul) - 1, 0, "control character", "NUL inside a header");
	REFUSED(
	    CT,
	    "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n filename=\"x\"\r\n\r\nv\r\n"
	    "--AaB03x--",
	    "folded", "a folded (obs-fold) header line");
	REFUSED(CT,
	        "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"; filename=\"x\ty\x7f\"\r\n"
	        "\r\nv\r\n--AaB03x--",
	        "control character", "DEL in a file name");
	REFUSED(CT,
	        "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n"
	        "Content-Disposition: form-data; name=\"b\"\r\n\r\nv\r\n--AaB03x--",
	        "two Content-Disposition", "a second Content-Disposition");
	REFUSED(CT,
	        "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nv\r\n"
	        "--AaB03x--",
	        "repeated", "a repeated name parameter");
	REFUSED(CT, "--AaB03x\r\nContent-Type: text/plain\r\n\r\nv\r\n--AaB03x--",
	        "without Content-Disposition", "no Content-Disposition");
	REFUSED(CT,
	        "--AaB03x\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--AaB03x--",
	        "not form-data", "attachment instead of form-data");
	REFUSED(CT, "--AaB03x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--AaB03x--",
	        "without a field name", "no name parameter");
	REFUSED(CT, "--AaB03x\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nv\r\n--AaB03x--",
	        "without a field name", "an empty name");
	REFUSED(CT, "--AaB03x\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--AaB03x--",
	        "malformed Content-Disposition", "an unterminated quoted name");
	REFUSED(CT, "--AaB03x\r\nno colon here\r\n\r\nv\r\n--AaB03x--", "malformed part header",
	        "a header line without a colon");

	/* multipart_fields refuses what a urlencoded form could not carry. */
	static const char nulval[] = "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n"
	                             "\r\nx\0y\r\n--AaB03x--";
	struct mp_form f;
	struct kv_list l;
	const char *why;
	is_int(multipart_parse(A, CT, nulval, sizeof(nulval) - 1, 0, &f, &why), GCAS_OK,
	       "NUL in a value parses");
	is_int(multipart_fields(A, &f, &l), GCAS_ERR_INVALID, "but is not a form field");
	is_int(parse(CT,
	             "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n"
	             "--AaB03x--",
	             0, &f, &why),
	       GCAS_OK, "invalid UTF-8 value parses");
	is_int(multipart_fields(A, &f, &l), GCAS_ERR_INVALID, "but is not a form field");
}

int main(void)
{
	A = arena_new(0);
	test_rfc_example();
	test_framing();
	test_boundary();
	test_truncated();
	test_limits();
	test_injection();
	arena_free(A);
	return tap_done();
}
