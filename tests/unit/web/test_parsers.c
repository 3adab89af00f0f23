/* SPDX-License-Identifier: MIT */
/* Unit tests of the web layer's untrusted-input parsers: urlencoded params and path segments
 * (WHATWG URL §5.1, RFC 3986), Cookie / Set-Cookie (RFC 6265) and schema-driven JSON bodies
 * (jsonin). Every refusal the contracts promise is exercised here. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "web/cookie.h"
#include "web/jsonin.h"
#include "web/params.h"
#include "tap.h"

static struct arena *A;

static enum gcas_err parse(const char *s, struct kv_list *l, const char **why)
{
	return params_parse(A, s, strlen(s), l, why);
}

/* Refused with GCAS_ERR_INVALID and a reason containing want. */
static void refused(const char *s, size_t len, const char *want, const char *what)
{
	struct kv_list l = {(struct kv *)1, 99};
	const char *why = NULL;
	is_int(params_parse(A, s, len, &l, &why), GCAS_ERR_INVALID, "%s refused", what);
	has_str(why, want, "%s: reason", what);
	ok(l.items == NULL && l.n == 0, "%s: output cleared", what);
}

static void test_params_decode(void)
{
	struct kv_list l;
	const char *why = "x";
	is_int(parse("a=1&b=hello+world&c=%20x%2B&d=%e6%97%a5%E6%9C%AC", &l, &why), GCAS_OK,
	       "simple body parses");
	ok(why == NULL, "no reason on success");
	is_int(l.n, 4, "four pairs");
	is_str(kv_get(&l, "a"), "1", "plain value");
	is_str(kv_get(&l, "b"), "hello world", "'+' decodes to space");
	is_str(kv_get(&l, "c"), " x+", "%%20 decodes to space, %%2B to '+'");
	is_str(kv_get(&l, "d"), "日本", "UTF-8 escapes, either hex case");
	ok(kv_get(&l, "e") == NULL && kv_get(NULL, "a") == NULL, "absent key gives NULL");

	is_int(parse("a+b%3D=x%26y=z", &l, NULL), GCAS_OK, "escaped '=' and '&' (why NULL)");
	is_str(l.items[0].key, "a b=", "key decoded");
	is_str(l.items[0].val, "x&y=z", "value split at the first '=' only");

	is_int(parse("", &l, &why), GCAS_OK, "empty input parses");
	ok(l.n == 0 && l.items == NULL, "empty input has no pairs");
	is_int(parse("&&&", &l, &why), GCAS_OK, "only separators");
	is_int(l.n, 0, "empty segments skipped");
	is_int(parse("a=&b&=v&&c=", &l, &why), GCAS_OK, "empty values and names");
	is_int(l.n, 4, "four non-empty segments");
	ok(strcmp(l.items[0].val, "") == 0 && l.items[0].val_len == 0, "a= has empty value");
	is_str(kv_get(&l, "b"), "", "key without '=' has empty value");
	is_str(l.items[2].key, "", "=v has an empty key");
	is_str(l.items[2].val, "v", "=v keeps its value");

	is_int(parse("t=1&x=0&t=2&t=3", &l, &why), GCAS_OK, "repeated keys parse");
	is_str(kv_get(&l, "t"), "1", "kv_get returns the first value");
	is_int(kv_count(&l, "t"), 3, "kv_count counts repeats");
	is_int(kv_count(&l, "x"), 1, "kv_count single");
	is_int(kv_count(&l, "y"), 0, "kv_count absent");
	is_str(l.items[3].val, "3", "order kept");

	is_int(parse("v=%0D%0A%09", &l, &why), GCAS_OK, "controls allowed in values");
	is_int(l.items[0].val_len, 3, "val_len counts decoded bytes");
}

static void test_params_refuse(void)
{
	refused("a=%zz", 5, "invalid percent escape", "%zz");
	refused("a=%4", 4, "invalid percent escape", "truncated %4");
	refused("a=%", 3, "invalid percent escape", "bare %");
	refused("%g1=1", 5, "invalid percent escape", "bad escape in key");
	refused("a=%00", 5, "NUL", "%00");
	refused("a=1\0&b=2", 8, "NUL", "raw NUL byte");
	refused("a=%C0%AF", 8, "UTF-8", "overlong UTF-8");
	refused("a=%FF", 5, "UTF-8", "lone 0xFF");
	refused("a=\xe6\x97", 4, "UTF-8", "raw truncated UTF-8");
	refused("a=%ED%A0%80", 11, "UTF-8", "encoded surrogate");
	refused("a%01=1", 6, "control character", "C0 in key");
	refused("a%0A=1", 6, "control character", "LF in key");
	refused("a%7F=1", 6, "control character", "DEL in key");
	refused("a%C2%85=1", 9, "control character", "C1 NEL in key");
	refused("a\t=1", 4, "control character", "raw TAB in key");
}

static void test_params_caps(void)
{
	struct buf b;
	struct kv_list l;
	const char *why;
	buf_init(&b, 0);
	for (int i = 0; i < PARAMS_MAX_PAIRS; i++)
		buf_printf(&b, "%sk%d=v", i ? "&" : "", i);
	is_int(parse(b.data, &l, &why), GCAS_OK, "256 pairs accepted");
	is_int(l.n, 256, "all 256 kept");
	buf_puts(&b, "&one=more");
	refused(b.data, b.len, "too many parameters", "257 pairs");
	buf_reset(&b);
	for (int i = 0; i < 300; i++)
		buf_puts(&b, "&&");
	for (int i = 0; i < PARAMS_MAX_PAIRS; i++)
		buf_puts(&b, "x&");
	is_int(parse(b.data, &l, &why), GCAS_OK, "empty segments do not count to the cap");

	buf_reset(&b);
	for (int i = 0; i < PARAMS_MAX_KEY; i++)
		buf_putc(&b, 'k');
	is_int(parse(b.data, &l, &why), GCAS_OK, "128-byte key accepted");
	buf_putc(&b, 'k');
	refused(b.data, b.len, "name too long", "129-byte key");
	buf_reset(&b);
	for (int i = 0; i < 43; i++)
		buf_puts(&b, "%E6%97%A5");
	refused(b.data, b.len, "name too long", "129 decoded bytes from escapes");

	buf_reset(&b);
	buf_puts(&b, "v=");
	for (size_t i = 0; i < PARAMS_MAX_VAL; i++)
		buf_putc(&b, 'x');
	is_int(parse(b.data, &l, &why), GCAS_OK, "64 KiB value accepted");
	is_int(l.items[0].val_len, PARAMS_MAX_VAL, "64 KiB value kept whole");
	buf_putc(&b, 'x');
	refused(b.data, b.len, "value too long", "64 KiB + 1 value");
	buf_free(&b);
}

static void test_path_and_encode(void)
{
	char *out = (char *)"x";
	is_int(url_decode_path(A, "a%20b+c", 7, &out), GCAS_OK, "path segment decodes");
	is_str(out, "a b+c", "'+' stays '+' in paths");
	is_int(url_decode_path(A, "caf%C3%A9", 9, &out), GCAS_OK, "UTF-8 segment");
	is_str(out, "café", "UTF-8 segment decoded");
	is_int(url_decode_path(A, "", 0, &out), GCAS_OK, "empty segment");
	is_str(out, "", "empty segment decodes to empty");
	const char *bad[] = {"%zz", "a%4", "%00", "%C3", "a%2Fb", "a%2fb", "%5C", "a/b", "%0A"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = (char *)"x";
		is_int(url_decode_path(A, bad[i], strlen(bad[i]), &out), GCAS_ERR_INVALID,
		       "path segment \"%s\" refused", bad[i]);
		ok(out == NULL, "no output for \"%s\"", bad[i]);
	}

	struct buf b;
	buf_init(&b, 0);
	url_encode(&b, "a b&c=d/é~-._+%");
	is_str(b.data, "a%20b%26c%3Dd%2F%C3%A9~-._%2B%25", "RFC 3986 §2.3 unreserved kept");
	struct kv_list l;
	buf_reset(&b);
	buf_puts(&b, "k=");
	url_encode(&b, "1+1 = 2 & 日本");
	is_int(parse(b.data, &l, NULL), GCAS_OK, "encoded value parses back");
	is_str(kv_get(&l, "k"), "1+1 = 2 & 日本", "encode/parse round trip");
	buf_free(&b);
	buf_init(&b, 4);
	url_encode(&b, "ééé");
	ok(b.failed, "url_encode respects the buffer cap");
	buf_free(&b);
}

static void test_cookie_parse(void)
{
	struct kv_list l;
	const char *h = "sid=abc123;  theme=dark ;q=\"quoted\"; e=; bad name=1; v=a b; "
	                "noequals; =anon; u=\"unterminated; w=a,b; last=ok";
	is_int(cookie_parse(A, h, strlen(h), &l), GCAS_OK, "mixed header parses");
	is_int(l.n, 5, "five good cookies, malformed ones skipped");
	is_str(cookie_get(&l, "sid"), "abc123", "first cookie");
	is_str(cookie_get(&l, "theme"), "dark", "spaces trimmed");
	is_str(cookie_get(&l, "q"), "quoted", "DQUOTEs removed");
	is_str(cookie_get(&l, "e"), "", "empty value kept");
	is_str(cookie_get(&l, "last"), "ok", "pair after malformed ones kept");
	ok(cookie_get(&l, "u") == NULL, "unterminated quote skipped");
	ok(cookie_get(&l, "v") == NULL && cookie_get(&l, "w") == NULL,
	   "space and comma in a value skipped");
	ok(cookie_get(&l, "noequals") == NULL && cookie_get(&l, "") == NULL,
	   "no '=' or empty name skipped");
	ok(cookie_get(&l, "Sid") == NULL, "names are case-sensitive");

	h = "a=1; a=2";
	is_int(cookie_parse(A, h, strlen(h), &l), GCAS_OK, "duplicate names parse");
	is_int(l.n, 2, "both kept");
	is_str(cookie_get(&l, "a"), "1", "first (most specific path) wins");

	is_int(cookie_parse(A, "", 0, &l), GCAS_OK, "empty header");
	ok(l.n == 0 && l.items == NULL, "no cookies");
	is_int(cookie_parse(A, ";;; ;", 5, &l), GCAS_OK, "separators only");
	is_int(l.n, 0, "no cookies from separators");
	is_int(cookie_parse(A, "a=1\0; b=2", 9, &l), GCAS_OK, "NUL in a pair");
	ok(l.n == 1 && cookie_get(&l, "b"), "pair with NUL skipped, the next kept");
	is_int(cookie_parse(A, "x=\"\"", 4, &l), GCAS_OK, "quoted empty value");
	is_str(cookie_get(&l, "x"), "", "\"\" is the empty value");

	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "junk; ");
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "c%d=%d; ", i, i);
	is_int(cookie_parse(A, b.data, b.len, &l), GCAS_OK, "100 cookies parse");
	is_int(l.n, COOKIE_MAX_COUNT, "only 64 kept");
	is_str(cookie_get(&l, "c63"), "63", "the 64th good cookie kept despite a bad first");
	ok(cookie_get(&l, "c64") == NULL, "the 65th dropped");

	buf_reset(&b);
	buf_puts(&b, "big=");
	for (int i = 0; i < COOKIE_MAX_PAIR - 4; i++)
		buf_putc(&b, 'x');
	is_int(cookie_parse(A, b.data, b.len, &l), GCAS_OK, "4096-byte pair");
	ok(l.n == 1 && strlen(cookie_get(&l, "big")) == COOKIE_MAX_PAIR - 4, "4096 bytes kept");
	buf_puts(&b, "x; after=1");
	is_int(cookie_parse(A, b.data, b.len, &l), GCAS_OK, "4097-byte pair");
	ok(cookie_get(&l, "big") == NULL && cookie_get(&l, "after"), "4097 bytes skipped");
	buf_free(&b);
}

static void test_cookie_format(void)
{
	struct buf b;
	buf_init(&b, 0);
	struct cookie_attrs at = {.path = "/", .max_age = 3600, .http_only = 1, .secure = 1};
	is_int(cookie_format(&b, "__Host-sid", "abc", &at), GCAS_OK, "full cookie");
	is_str(b.data, "__Host-sid=abc; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax",
	       "Set-Cookie with every attribute");
	buf_reset(&b);
	is_int(cookie_format(&b, "n", "", NULL), GCAS_OK, "defaults");
	is_str(b.data, "n=; SameSite=Lax", "session cookie, SameSite=Lax by default");
	buf_reset(&b);
	struct cookie_attrs del = {
	    .path = "/app", .max_age = -1, .same_site = COOKIE_SAMESITE_STRICT};
	is_int(cookie_format(&b, "x", "y", &del), GCAS_OK, "delete cookie");
	is_str(b.data, "x=y; Path=/app; Max-Age=0; SameSite=Strict", "negative max_age → 0");

	const char *bad_names[] = {"", "a b", "a;b", "a=b", "a\"", "日本", "a\x01", "(x)"};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		buf_reset(&b);
		is_int(cookie_format(&b, bad_names[i], "v", NULL), GCAS_ERR_INVALID,
		       "name #%zu refused", i);
		is_int(b.len, 0, "nothing written for name #%zu", i);
	}
	const char *bad_vals[] = {"a b", "a;b", "a,b", "\"q\"", "a\\b", "é", "a\x7f"};
	for (size_t i = 0; i < sizeof(bad_vals) / sizeof(bad_vals[0]); i++) {
		buf_reset(&b);
		is_int(cookie_format(&b, "n", bad_vals[i], NULL), GCAS_ERR_INVALID,
		       "value #%zu refused", i);
	}
	struct cookie_attrs p1 = {.path = "/a;b"}, p2 = {.path = "rel"}, p3 = {.path = "/\n"};
	ok(cookie_format(&b, "n", "v", &p1) == GCAS_ERR_INVALID &&
	       cookie_format(&b, "n", "v", &p2) == GCAS_ERR_INVALID &&
	       cookie_format(&b, "n", "v", &p3) == GCAS_ERR_INVALID,
	   "paths with ';', not absolute, or CTL refused");
	struct cookie_attrs insecure = {.path = "/"}, sub = {.path = "/x", .secure = 1};
	ok(cookie_format(&b, "__Host-s", "v", &insecure) == GCAS_ERR_INVALID &&
	       cookie_format(&b, "__host-s", "v", &sub) == GCAS_ERR_INVALID &&
	       cookie_format(&b, "__Secure-s", "v", &insecure) == GCAS_ERR_INVALID,
	   "__Host- / __Secure- prefix rules (RFC 6265bis §4.1.3)");
	struct cookie_attrs ss = {.same_site = (enum cookie_samesite)7};
	is_int(cookie_format(&b, "n", "v", &ss), GCAS_ERR_INVALID, "unknown SameSite refused");
	buf_free(&b);

	buf_init(&b, 0);
	char big[COOKIE_MAX_PAIR + 1];
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_int(cookie_format(&b, "n", big + 2, NULL), GCAS_OK, "4096-byte pair written");
	buf_reset(&b);
	is_int(cookie_format(&b, "n", big + 1, NULL), GCAS_ERR_INVALID, "4097-byte pair refused");
	buf_free(&b);
	buf_init(&b, 8);
	is_int(cookie_format(&b, "name", "value", NULL), GCAS_ERR_NOMEM, "buffer cap reported");
	buf_free(&b);

	/* What we write, we read back. */
	struct kv_list l;
	buf_init(&b, 0);
	cookie_format(&b, "sid", "Zm9v-_.~!", NULL);
	is_int(cookie_parse(A, b.data, b.len, &l), GCAS_OK, "Set-Cookie text parses as Cookie");
	is_str(cookie_get(&l, "sid"), "Zm9v-_.~!", "round trip");
	buf_free(&b);
}

struct req {
	uint64_t present;
	const char *email;
	int64_t age;
	int admin;
	struct jstr_array tags;
	const char *name;
};

static const struct jfield req_spec[] = {
    {"email", JF_STRING, 1, 64, 0, 0, offsetof(struct req, email)},
    {"age", JF_INT, 0, 0, 0, 150, offsetof(struct req, age)},
    {"admin", JF_BOOL, 0, 0, 0, 0, offsetof(struct req, admin)},
    {"tags", JF_STRING_ARRAY, 0, 8, 0, 3, offsetof(struct req, tags)},
    {"name", JF_STRING, 1, 5, 0, 0, offsetof(struct req, name)},
};
enum { NSPEC = sizeof(req_spec) / sizeof(req_spec[0]) };

static struct jerr E[8];
static size_t NERR;

static enum gcas_err decode(const char *body, struct req *r)
{
	memset(E, 0, sizeof(E));
	return jsonin_decode(A, body, strlen(body), req_spec, NSPEC, r, E, 8, &NERR);
}

/* body is refused with exactly one error at pointer whose detail contains detail. */
static void one_err(const char *body, const char *pointer, const char *detail, const char *what)
{
	struct req r;
	is_int(decode(body, &r), GCAS_ERR_INVALID, "%s: refused", what);
	is_int(NERR, 1, "%s: one error", what);
	is_str(E[0].pointer, pointer, "%s: pointer", what);
	has_str(E[0].detail, detail, "%s: detail", what);
}

static void test_jsonin_valid(void)
{
	struct req r;
	memset(&r, 0xAB, sizeof(r));
	is_int(decode("{\"email\":\"a@b.go.jp\",\"age\":30,\"admin\":true,"
	              "\"tags\":[\"x\",\"日本\"],\"name\":\"山田太郎\"}",
	              &r),
	       GCAS_OK, "valid body decodes");
	is_int(NERR, 0, "no errors");
	is_int(r.present, 0x1F, "every presence bit set");
	is_str(r.email, "a@b.go.jp", "string field");
	is_int(r.age, 30, "int field");
	is_int(r.admin, 1, "bool field");
	is_int(r.tags.n, 2, "array length");
	is_str(r.tags.items[1], "日本", "array item");
	ok(r.tags.items[2] == NULL, "array NULL-terminated");
	is_str(r.name, "山田太郎", "4 code points fit max_len 5 although 12 bytes");

	memset(&r, 0xAB, sizeof(r));
	is_int(decode("{\"name\":\"x\",\"email\":\"e\",\"admin\":false}", &r), GCAS_OK,
	       "required only (+ false)");
	is_int(r.present, 0x15, "presence bits of email, admin, name");
	ok(r.age == 0 && r.tags.items == NULL && r.tags.n == 0, "absent fields reset");
	is_int(r.admin, 0, "false decodes to 0");
	is_int(decode("{\"name\":\"x\",\"email\":\"e\",\"age\":0,\"tags\":[]}", &r), GCAS_OK,
	       "edge values");
	ok((r.present & 0x2) && r.age == 0, "age 0 present");
	ok((r.present & 0x8) && r.tags.n == 0 && r.tags.items && !r.tags.items[0],
	   "empty array present");
	is_int(decode("{\"name\":\"a\\tb\",\"email\":\"l1\\nl2\"}", &r), GCAS_OK,
	       "TAB and LF allowed");
}

static void test_jsonin_refuse(void)
{
	one_err("[1]", "", "must be a JSON object", "array body");
	one_err("\"s\"", "", "malformed JSON", "scalar body");
	one_err("{\"email\": }", "", "line 1 column", "malformed");
	one_err("{\n\"email\":\n\n}", "", "line 4", "malformed, line number");
	one_err("", "", "malformed JSON", "empty body");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"email\":\"c\"}", "", "duplicate",
	        "duplicate key");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"admn\":true}", "/admn", "unknown field \"admn\"",
	        "unknown field");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"a/b~c\":1}", "/a~1b~0c", "unknown field",
	        "unknown field pointer escaped (RFC 6901)");
	one_err("{\"email\":5,\"name\":\"b\"}", "/email", "\"email\" must be a string",
	        "int for string");
	one_err("{\"email\":null,\"name\":\"b\"}", "/email", "must be a string", "null");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"age\":\"30\"}", "/age", "must be an integer",
	        "string for int");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"age\":1.0}", "/age", "must be an integer",
	        "real for int");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"admin\":1}", "/admin", "true or false",
	        "int for bool");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"tags\":\"x\"}", "/tags", "array",
	        "string for array");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"tags\":[\"x\",2]}", "/tags/1",
	        "must be a string", "array item type");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"tags\":[\"123456789\"]}", "/tags/0",
	        "at most 8 characters", "array item length");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", "/tags",
	        "between 0 and 3 items", "array too long");
	one_err("{\"email\":\"a\xff\",\"name\":\"b\"}", "", "malformed JSON", "raw invalid UTF-8");
	one_err("{\"email\":\"\\ud800\",\"name\":\"b\"}", "", "malformed JSON", "lone surrogate");
	one_err("{\"email\":\"a\\u0000b\",\"name\":\"b\"}", "", "malformed JSON", "\\u0000");
	one_err("{\"email\":\"a\",\"name\":\"a\\u0001\"}", "/name", "control characters",
	        "C0 control");
	one_err("{\"email\":\"a\",\"name\":\"a\\u0085\"}", "/name", "control characters",
	        "C1 control");
	one_err("{\"email\":\"a\",\"name\":\"abcdef\"}", "/name", "at most 5 characters",
	        "over max_len");
	one_err("{\"email\":\"a\",\"name\":\"山田太郎様x\"}", "/name", "at most 5 characters",
	        "max_len counts code points");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"age\":151}", "/age", "between 0 and 150",
	        "int over max");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"age\":-1}", "/age", "between 0 and 150",
	        "int under min");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"age\":99999999999999999999}", "",
	        "malformed JSON", "integer overflow");
	one_err("{\"email\":\"a\",\"name\":\"b\",\"age\":1e999}", "", "malformed JSON",
	        "real overflow");
	one_err("{\"name\":\"b\"}", "/email", "\"email\" is required", "missing required");
}

static void test_jsonin_collect(void)
{
	struct req r;
	is_int(decode("{}", &r), GCAS_ERR_INVALID, "empty object refused");
	is_int(NERR, 2, "both required fields reported");
	is_str(E[0].pointer, "/email", "first missing");
	is_str(E[1].pointer, "/name", "second missing");
	is_int(r.present, 0, "nothing present");

	const char *body = "{\"email\":1,\"age\":-5,\"admin\":\"y\",\"tags\":[1,2],\"x\":0}";
	is_int(decode(body, &r), GCAS_ERR_INVALID, "many errors");
	is_int(NERR, 7, "all seven listed (email, age, admin, tags/0, tags/1, name, x)");
	is_str(E[3].pointer, "/tags/0", "array items each reported");
	is_str(E[5].pointer, "/name", "missing after wrong types");
	is_str(E[6].pointer, "/x", "unknown fields last");

	struct jerr two[2];
	size_t n = 99;
	is_int(jsonin_decode(A, body, strlen(body), req_spec, NSPEC, &r, two, 2, &n),
	       GCAS_ERR_INVALID, "max_errs 2 still refuses");
	is_int(n, 2, "only two stored");
	is_int(jsonin_decode(A, body, strlen(body), req_spec, NSPEC, &r, NULL, 0, &n),
	       GCAS_ERR_INVALID, "no error array still refuses");
	is_int(n, 0, "nothing stored");

	body = "{\"email\":\"ok\",\"name\":\"toolong\",\"age\":7}";
	is_int(decode(body, &r), GCAS_ERR_INVALID, "one bad field");
	is_int(r.present, 0x3, "good fields still decoded and marked");
	ok(r.name == NULL, "bad field left NULL");

	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 10000; i++)
		buf_putc(&b, '[');
	is_int(jsonin_decode(A, b.data, b.len, req_spec, NSPEC, &r, E, 8, &NERR), GCAS_ERR_INVALID,
	       "10000 '[' refused without crashing");
	has_str(E[0].detail, "malformed JSON", "depth limit reported as malformed");
	buf_reset(&b);
	buf_puts(&b, "{\"tags\":");
	for (int i = 0; i < 100000; i++)
		buf_puts(&b, "[{\"a\":");
	is_int(jsonin_decode(A, b.data, b.len, req_spec, NSPEC, &r, E, 8, &NERR), GCAS_ERR_INVALID,
	       "deep nesting inside a field refused");
	while (b.len <= JSONIN_MAX_BODY)
		buf_putc(&b, ' ');
	is_int(jsonin_decode(A, b.data, b.len, req_spec, NSPEC, &r, E, 8, &NERR), GCAS_ERR_INVALID,
	       "body over 1 MiB refused");
	has_str(E[0].detail, "larger than 1 MiB", "size reason");
	buf_free(&b);

	struct jfield many[JSONIN_MAX_FIELDS + 1];
	for (size_t i = 0; i < JSONIN_MAX_FIELDS + 1; i++)
		many[i] = (struct jfield){"f", JF_BOOL, 0, 0, 0, 0, offsetof(struct req, admin)};
	is_int(jsonin_decode(A, "{}", 2, many, JSONIN_MAX_FIELDS + 1, &r, E, 8, &NERR),
	       GCAS_ERR_INTERNAL, "over 64 fields is a programming error");
	struct jfield overlap = {"f", JF_INT, 0, 0, 0, 0, 0};
	is_int(jsonin_decode(A, "{}", 2, &overlap, 1, &r, E, 8, &NERR), GCAS_ERR_INTERNAL,
	       "a field over the presence mask is a programming error");
}

int main(void)
{
	A = arena_new(0);
	test_params_decode();
	test_params_refuse();
	test_params_caps();
	test_path_and_encode();
	test_cookie_parse();
	test_cookie_format();
	test_jsonin_valid();
	test_jsonin_refuse();
	test_jsonin_collect();
	arena_free(A);
	return tap_done();
}
