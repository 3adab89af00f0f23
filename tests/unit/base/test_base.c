/* SPDX-License-Identifier: MIT */
/* Unit tests of src/base: buffers and their caps, arenas, codecs (RFC 4648 test vectors), UTF-8. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/codec.h"
#include "base/log.h"
#include "base/str.h"
#include "base/utf8.h"
#include "tap.h"

static void test_buf(void)
{
	struct buf b;
	buf_init(&b, 8);
	ok(buf_puts(&b, "abcd") == GCAS_OK, "append within cap");
	ok(buf_printf(&b, "%d", 1234) == GCAS_OK, "printf within cap");
	is_str(b.data, "abcd1234", "content");
	ok(buf_putc(&b, 'x') == GCAS_ERR_NOMEM, "append past cap refused");
	ok(b.failed, "failure is sticky");
	is_int(b.len, 8, "length unchanged by refused append");
	buf_free(&b);
}

/* The rows of the bulk statements are written with buf_json_str: what a database's JSON parser
 * reads back must be the very text. */
static void test_json_str(void)
{
	struct buf b;
	buf_init(&b, 0);
	is_int(buf_json_str(&b, "plain 日本語"), GCAS_OK, "plain text and UTF-8");
	is_str(b.data, "\"plain 日本語\"", "written as they are");
	buf_reset(&b);
	is_int(buf_json_str(&b, "a\"b\\c\n\t\x01/"), GCAS_OK, "quote, backslash and controls");
	is_str(b.data, "\"a\\\"b\\\\c\\u000a\\u0009\\u0001/\"", "escaped (RFC 8259 §7)");
	buf_reset(&b);
	const char *tricky = "件名: \"x\"\r\n\\path\x7f\x1f end";
	json_t *j =
	    buf_json_str(&b, tricky) == GCAS_OK ? json_loads(b.data, JSON_DECODE_ANY, NULL) : NULL;
	ok(j && json_is_string(j), "a JSON parser reads it");
	is_str(j ? json_string_value(j) : "", tricky, "and gets back the very text");
	json_decref(j);
	buf_reset(&b);
	is_int(buf_json_str(&b, ""), GCAS_OK, "empty string");
	is_str(b.data, "\"\"", "two quotes");
	buf_reset(&b);
	is_int(buf_json_str(&b, "bad \xc3\x28"), GCAS_ERR_INVALID, "not UTF-8: refused");
	is_int(b.len, 0, "and nothing appended");
	buf_free(&b);
	buf_init(&b, 4);
	is_int(buf_json_str(&b, "toolong"), GCAS_ERR_NOMEM, "past the cap: NOMEM");
	buf_free(&b);
}

static void test_arena(void)
{
	struct arena *a = arena_new(4096);
	char *s = arena_strdup(a, "hello");
	is_str(s, "hello", "arena strdup");
	is_str(arena_printf(a, "%s-%d", "x", 7), "x-7", "arena printf");
	ok(arena_alloc(a, 8192) == NULL, "allocation over the cap refused");
	arena_free(a);
}

static void test_codec(void)
{
	/* RFC 4648 §10 test vectors. */
	const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	const char *b64[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	const char *b32[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
	char out[64], dec[64];
	for (int i = 0; i < 7; i++) {
		b64_encode(out, in[i], strlen(in[i]));
		is_str(out, b64[i], "base64 of \"%s\"", in[i]);
		long n = b64_decode(dec, sizeof(dec), out, strlen(out));
		ok(n == (long)strlen(in[i]) && memcmp(dec, in[i], (size_t)n) == 0,
		   "base64 round trip \"%s\"", in[i]);
		base32_encode(out, in[i], strlen(in[i]));
		is_str(out, b32[i], "base32 of \"%s\"", in[i]);
	}
	ok(b64_decode(dec, sizeof(dec), "Zm9v!", 5) < 0, "base64 junk refused");
	unsigned char raw[3] = {0xfb, 0xff, 0x00};
	b64url_encode(out, raw, 3);
	is_str(out, "-_8A", "base64url alphabet");
	hex_encode(out, raw, 3);
	is_str(out, "fbff00", "hex encode");
	ok(hex_decode(dec, 3, "fbff0g", 6) < 0, "bad hex digit refused");
	ok(ct_streq("secret", "secret") && !ct_streq("secret", "secreT") && !ct_streq("a", "ab"),
	   "constant-time string equality");
}

static void test_utf8(void)
{
	ok(utf8_valid_text("日本語 ok", strlen("日本語 ok")), "Japanese text valid");
	is_int(utf8_count("日本語", strlen("日本語")), 3, "code points counted");
	ok(!utf8_valid("\xc0\xaf", 2), "overlong refused");
	ok(!utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(!utf8_valid("\xe6\x97", 2), "truncated sequence refused");
	ok(!utf8_valid_text("a\x01", 2), "control character refused in text");
	int64_t v;
	ok(str_to_i64("42", &v) == 0 && v == 42, "strict integer parse");
	ok(str_to_i64("42x", &v) < 0 && str_to_i64("", &v) < 0 && str_to_i64(" 1", &v) < 0,
	   "junk integers refused");
}

/* Log lines stay valid JSON whatever a client sends (invalid UTF-8, quotes, controls). */
static void test_log(void)
{
	char path[] = "/tmp/gcas-log-XXXXXX", line[8192];
	int fd = mkstemp(path);
	log_set_fd(fd);
	log_set_request_id("r1");
	log_msg(LOG_WARN, "request", "path", "/\xff\xfe\"x\\\n\x01y", "ok", "日本語", NULL);
	log_set_fd(2);
	log_set_request_id("");
	FILE *f = fdopen(fd, "r");
	rewind(f);
	ok(fgets(line, sizeof(line), f) != NULL, "a log line was written");
	fclose(f);
	unlink(path);
	json_error_t err;
	json_t *o = json_loads(line, 0, &err);
	ok(o != NULL, "and it is valid JSON (%s)", o ? "ok" : err.text);
	is_str(json_string_value(json_object_get(o, "path")),
	       "/\xef\xbf\xbd\xef\xbf\xbd\"x\\\n\x01y",
	       "invalid bytes became U+FFFD, the rest round-trips");
	is_str(json_string_value(json_object_get(o, "ok")), "日本語", "UTF-8 kept as is");
	is_str(json_string_value(json_object_get(o, "request_id")), "r1", "with the request id");
	json_decref(o);
}

int main(void)
{
	test_log();
	test_buf();
	test_json_str();
	test_arena();
	test_codec();
	test_utf8();
	return tap_done();
}
