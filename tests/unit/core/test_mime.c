/* SPDX-License-Identifier: MIT */
/* Unit tests of src/core/mime: RFC 2047 encoded-words (vector, folding at 76 columns, whole
 * characters per word, round trip through an independent decoder), header injection refused,
 * RFC 5322 dates in JST, RFC 2045 base64 bodies (CRLF canonical form, 76-column lines),
 * mailbox parsing, the list/role address rule of core/validate, and a whole message. */
#include <string.h>

#include "base/buf.h"
#include "core/mime.h"
#include "core/validate.h"
#include "mimedecode.h"
#include "tap.h"

/* Every line of text (CRLF separated) is at most max columns. */
static int lines_within(const char *s, size_t max)
{
	while (*s) {
		const char *e = strstr(s, "\r\n");
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n > max)
			return 0;
		if (!e)
			break;
		s = e + 2;
	}
	return 1;
}

/* Every encoded-word is at most 75 characters and decodes to valid, whole UTF-8. */
static int words_ok(const char *s)
{
	for (const char *p = strstr(s, "=?"); p; p = strstr(p, "=?")) {
		const char *e = strstr(p + 10, "?=");
		if (!e || e + 2 - p > 75)
			return 0;
		unsigned char tmp[128];
		long n = md_b64(p + 10, (size_t)(e - p - 10), tmp);
		if (n <= 0)
			return 0;
		/* a word must not start with a continuation byte nor end inside a character */
		if ((tmp[0] & 0xc0) == 0x80)
			return 0;
		long i = 0;
		while (i < n) {
			int len = tmp[i] < 0x80 ? 1 : tmp[i] < 0xe0 ? 2 : tmp[i] < 0xf0 ? 3 : 4;
			i += len;
		}
		if (i != n)
			return 0;
		p = e + 2;
	}
	return 1;
}

static void test_header(void)
{
	struct buf b;
	buf_init(&b, 0);
	is_int(mime_header(&b, "Subject", "Hello"), GCAS_OK, "ASCII subject accepted");
	is_str(b.data, "Subject: Hello\r\n", "plain ASCII written as is");

	buf_reset(&b);
	mime_header(&b, "Subject", "日本語");
	is_str(b.data, "Subject: =?UTF-8?B?5pel5pys6Kqe?=\r\n", "RFC 2047 B vector for 日本語");

	buf_reset(&b);
	const char *long_ja =
	    "【GCAS】アカウント申請が承認されました：デジタル庁 情報システム統括室 "
	    "山田太郎さんの利用者アカウント発行について（ご確認ください）/ "
	    "Your application was approved";
	is_int(mime_header(&b, "Subject", long_ja), GCAS_OK, "long Japanese subject accepted");
	ok(lines_within(b.data, 76), "every line within 76 columns");
	ok(strstr(b.data, "\r\n =?UTF-8?B?") != NULL, "folded onto continuation lines");
	ok(words_ok(b.data), "each encoded-word <= 75 chars and holds whole characters");
	char *v = md_header(b.data, "Subject");
	char *d = v ? md_decode_words(v) : NULL;
	is_str(d, long_ja, "decodes back to the original");
	free(v);
	free(d);

	buf_reset(&b);
	is_int(mime_header(&b, "Subject", "a=?x?= b"), GCAS_OK, "text that looks like a word");
	ok(strstr(b.data, "=?UTF-8?B?") != NULL, "is encoded rather than left ambiguous");

	buf_reset(&b);
	is_int(mime_header(&b, "Subject", "hi\r\nBcc: victim@example.jp"), GCAS_ERR_INVALID,
	       "CRLF in a value refused (header injection)");
	is_int(mime_header(&b, "Subject", "hi\nBcc: x@example.jp"), GCAS_ERR_INVALID,
	       "bare LF refused");
	is_int(mime_header(&b, "Subject", "hi\rthere"), GCAS_ERR_INVALID, "bare CR refused");
	is_int(mime_header(&b, "Subject", "bad \xff utf8"), GCAS_ERR_INVALID,
	       "invalid UTF-8 refused");
	is_int(mime_header(&b, "Sub:ject", "x"), GCAS_ERR_INVALID, "colon in a name refused");
	is_int((int)b.len, 0, "nothing written for refused headers");
	ok(mime_has_crlf("a\nb") && !mime_has_crlf("ab"), "mime_has_crlf");
	buf_free(&b);
}

static void test_address(void)
{
	struct buf b;
	char disp[64], addr[64];
	buf_init(&b, 0);
	is_int(mime_address_header(&b, "From", "GCAS", "gcas@example.go.jp"), GCAS_OK, "From");
	is_str(b.data, "From: GCAS <gcas@example.go.jp>\r\n", "atext display name left plain");
	buf_reset(&b);
	mime_address_header(&b, "From", "政府クラウド利用支援", "gcas@example.go.jp");
	char *v = md_header(b.data, "From");
	char *d = v ? md_decode_words(v) : NULL;
	is_str(d, "政府クラウド利用支援 <gcas@example.go.jp>", "Japanese display name encoded");
	free(v);
	free(d);
	buf_reset(&b);
	is_int(mime_address_header(&b, "To", NULL, "a@b.jp>\r\nBcc: c@d.jp"), GCAS_ERR_INVALID,
	       "injected address refused");
	is_int(mime_address_header(&b, "To", NULL, "a b@c.jp"), GCAS_ERR_INVALID,
	       "space in an address refused");
	buf_free(&b);

	is_int(mime_parse_mailbox("GCAS <gcas@localhost>", disp, sizeof(disp), addr, sizeof(addr)),
	       0, "name-addr parsed");
	is_str(disp, "GCAS", "  display");
	is_str(addr, "gcas@localhost", "  address");
	is_int(mime_parse_mailbox(" noreply@example.jp ", disp, sizeof(disp), addr, sizeof(addr)),
	       0, "bare addr-spec parsed");
	is_str(addr, "noreply@example.jp", "  trimmed");
	is_str(disp, "", "  no display");
	is_int(mime_parse_mailbox("\"Op\" <op@x.jp>", disp, sizeof(disp), addr, sizeof(addr)), 0,
	       "quoted display");
	is_str(disp, "Op", "  quotes removed");
	is_int(mime_parse_mailbox("a@x.jp, b@y.jp", disp, sizeof(disp), addr, sizeof(addr)), -1,
	       "two addresses refused");
	is_int(mime_parse_mailbox("<a@x.jp> trailing", disp, sizeof(disp), addr, sizeof(addr)), -1,
	       "text after > refused");
	is_int(mime_parse_mailbox("nobody", disp, sizeof(disp), addr, sizeof(addr)), -1,
	       "no @ refused");
}

static void test_date(void)
{
	char d[MIME_DATE_SIZE];
	mime_date(d, 0);
	is_str(d, "Thu, 01 Jan 1970 09:00:00 +0900", "epoch in JST");
	mime_date(d, 1795693680); /* 2026-11-26T11:48:00Z */
	is_str(d, "Thu, 26 Nov 2026 20:48:00 +0900", "RFC 5322 date-time, JST");
	mime_date(d, 1704034800); /* 2023-12-31T15:00:00Z = 2024-01-01 00:00 JST */
	is_str(d, "Mon, 01 Jan 2024 00:00:00 +0900", "day rolls over at JST midnight");
}

static void test_body(void)
{
	struct buf b;
	buf_init(&b, 0);
	mime_body_base64(&b, "a\nb");
	is_str(b.data, "YQ0KYg==\r\n", "LF becomes CRLF before base64 (RFC 2045 §6.8)");
	buf_reset(&b);
	mime_body_base64(&b, "a\r\nb");
	is_str(b.data, "YQ0KYg==\r\n", "CRLF kept as is");
	buf_reset(&b);
	struct buf in;
	buf_init(&in, 0);
	for (int i = 0; i < 40; i++)
		buf_puts(&in, "これは本文です。This is the body.\n");
	mime_body_base64(&b, in.data);
	ok(lines_within(b.data, 76), "body lines within 76 columns");
	ok(strstr(b.data, "\r\n") - b.data == 76, "full lines are exactly 76 characters");
	char *wrapped = malloc(b.len + 9);
	memcpy(wrapped, "X: y\r\n\r\n", 8);
	memcpy(wrapped + 8, b.data, b.len);
	wrapped[b.len + 8] = '\0';
	char *dec = md_body(wrapped);
	ok(dec && strstr(dec, "これは本文です。This is the body.\r\n") == dec,
	   "decodes to the CRLF form of the text");
	free(dec);
	free(wrapped);
	buf_free(&in);
	buf_free(&b);
}

static void test_message(void)
{
	struct buf b;
	buf_init(&b, 0);
	struct mime_msg m = {.from_display = "GCAS",
	                     .from_addr = "gcas@example.go.jp",
	                     .to_addr = "taro@example.go.jp",
	                     .subject = "アカウントの設定 / Set up",
	                     .body = "本文\nbody\n",
	                     .message_id = "abc123@example.go.jp",
	                     .date = 1795693680,
	                     .extra_name = "X-GCAS-Template",
	                     .extra_value = "account.setup"};
	is_int(mime_build(&b, &m), GCAS_OK, "message built");
	has_str(b.data, "To: taro@example.go.jp\r\n", "To");
	has_str(b.data, "Date: Thu, 26 Nov 2026 20:48:00 +0900\r\n", "Date");
	has_str(b.data, "Message-ID: <abc123@example.go.jp>\r\n", "Message-ID");
	has_str(b.data, "MIME-Version: 1.0\r\n", "MIME-Version");
	has_str(b.data, "Content-Type: text/plain; charset=UTF-8\r\n", "Content-Type");
	has_str(b.data, "Content-Transfer-Encoding: base64\r\n", "Content-Transfer-Encoding");
	has_str(b.data, "X-GCAS-Template: account.setup\r\n", "extra header");
	char *v = md_header(b.data, "Subject"), *d = v ? md_decode_words(v) : NULL;
	is_str(d, "アカウントの設定 / Set up", "subject round trip");
	free(v);
	free(d);
	char *body = md_body(b.data);
	is_str(body, "本文\r\nbody\r\n", "body round trip");
	free(body);
	ok(lines_within(b.data, 76), "no line over 76 columns");
	buf_reset(&b);
	m.subject = "x\r\nBcc: evil@example.jp";
	is_int(mime_build(&b, &m), GCAS_ERR_INVALID, "injected subject refused");
	buf_free(&b);
}

static void test_list_addresses(void)
{
	static const char *const refused[] = {
	    "info@x.go.jp",       "admin@x.go.jp",       "no-reply@x.go.jp", "kikaku@x.go.jp",
	    "ml-dev@x.go.jp",     "ml_dev@x.go.jp",      "list-all@x.go.jp", "dev-ml@x.go.jp",
	    "dev-list@x.go.jp",   "bu-all@x.go.jp",      "soumu2@x.go.jp",   "helpdesk@x.go.jp",
	    "postmaster@x.go.jp", "ml.kaihatsu@x.go.jp", "Staff@x.go.jp",    "jinji+a@x.go.jp"};
	static const char *const accepted[] = {"taro.yamada@x.go.jp", "mlee@x.go.jp",
	                                       "allison@x.go.jp",     "listo@x.go.jp",
	                                       "kikuchi@x.go.jp",     "html@x.go.jp"};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ok(validate_email_is_list_address(refused[i]), "list/role address: %s", refused[i]);
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
		ok(!validate_email_is_list_address(accepted[i]), "personal address: %s",
		   accepted[i]);
	ok(!validate_email_is_list_address(NULL), "NULL is not a list address");
}

int main(void)
{
	test_header();
	test_address();
	test_date();
	test_body();
	test_message();
	test_list_addresses();
	return tap_done();
}
