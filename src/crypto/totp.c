/* SPDX-License-Identifier: MIT */
/* RFC 6238 TOTP on RFC 4226 HOTP with OpenSSL's HMAC-SHA1, the otpauth:// enrolment URI and the
 * enrolment QR code drawn as SVG from libqrencode's module matrix. */
#include "crypto/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/codec.h"
#include "base/rand.h"
#include "base/utf8.h"

#define KEY_MIN_BYTES  16 /* RFC 4226 §4 R6: the shared secret MUST be at least 128 bits */
#define KEY_MAX_BYTES  64 /* one HMAC-SHA1 block; longer keys are hashed by HMAC anyway */
#define CODE_MAX_BYTES 64
#define QR_QUIET       4 /* modules of white margin around the symbol */
#define QR_MODULE_PX   4 /* default rendered size of one module, before CSS scaling */
#define SVG_CAP        (1024u * 1024u)
#define URI_CAP        4096u

enum gcas_err totp_secret_new(char out[TOTP_SECRET_B32_SIZE])
{
	unsigned char raw[TOTP_SECRET_BYTES];
	if (rand_bytes(raw, sizeof(raw)) != 0)
		return GCAS_ERR_CRYPTO;
	base32_encode(out, raw, sizeof(raw));
	explicit_bzero(raw, sizeof(raw));
	return GCAS_OK;
}

int64_t totp_step(int64_t now)
{
	/* Floor division so times before the epoch do not round toward step 0. */
	return now >= 0 ? now / TOTP_PERIOD : -((-now + TOTP_PERIOD - 1) / TOTP_PERIOD);
}

long totp_code_digits(const void *key, size_t key_len, int64_t step, int digits)
{
	static const long pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
	static const unsigned char empty[1];
	unsigned char msg[8], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	uint64_t counter = (uint64_t)step;
	if (digits < 6 || digits > 8 || step < 0 || (!key && key_len))
		return -1;
	/* RFC 4226 §5.2: the counter is an 8-byte big-endian value. */
	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (!HMAC(EVP_sha1(), key_len ? key : empty, (int)key_len, msg, sizeof(msg), md, &md_len) ||
	    md_len != 20)
		return -1;
	/* RFC 4226 §5.3 dynamic truncation: 4 bytes at the offset named by the low nibble of the
	 * last byte, top bit masked off, then reduced modulo 10^digits. */
	unsigned off = md[19] & 0x0f;
	unsigned long bin = ((unsigned long)(md[off] & 0x7f) << 24) |
	                    ((unsigned long)md[off + 1] << 16) | ((unsigned long)md[off + 2] << 8) |
	                    (unsigned long)md[off + 3];
	explicit_bzero(md, sizeof(md));
	return (long)(bin % (unsigned long)pow10[digits]);
}

long totp_code(const void *key, size_t key_len, int64_t step)
{
	return totp_code_digits(key, key_len, step, TOTP_DIGITS);
}

/* Parse exactly TOTP_DIGITS digits into out (ASCII text, NUL-terminated). Full-width digits
 * (U+FF10..U+FF19) and ASCII/ideographic spaces come from Japanese input methods and are
 * normalised rather than refused. Returns 0, or -1 on anything else. */
int totp_code_parse(const char *code, char out[TOTP_DIGITS + 1])
{
	size_t len, n = 0;
	const char *p, *end;
	if (!code)
		return -1;
	len = strnlen(code, CODE_MAX_BYTES + 1);
	if (len > CODE_MAX_BYTES)
		return -1;
	p = code;
	end = code + len;
	while (p < end) {
		int32_t c = utf8_next(&p, end);
		if (c == ' ' || c == 0x3000)
			continue;
		if (c >= 0xFF10 && c <= 0xFF19)
			c = '0' + (c - 0xFF10);
		if (c < '0' || c > '9' || n >= TOTP_DIGITS)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n == TOTP_DIGITS ? 0 : -1;
}

enum gcas_err totp_verify(const char *secret_b32, const char *code, int64_t now,
                          int64_t last_used_step, int64_t *matched_step)
{
	unsigned char key[KEY_MAX_BYTES];
	char typed[TOTP_DIGITS + 1], want[TOTP_DIGITS + 1];
	enum gcas_err res = GCAS_ERR_AUTH;
	int64_t step = totp_step(now), found = -1;
	long key_len;

	if (!secret_b32)
		return GCAS_ERR_INVALID;
	key_len = base32_decode(key, sizeof(key), secret_b32, strlen(secret_b32));
	if (key_len < KEY_MIN_BYTES) {
		res = GCAS_ERR_INVALID;
		goto out;
	}
	if (totp_code_parse(code, typed) != 0)
		goto out;
	/* Try all three steps without an early exit so timing does not tell which one matched. */
	for (int64_t s = step + 1; s >= step - 1; s--) {
		long v = totp_code(key, (size_t)key_len, s);
		if (v < 0)
			continue;
		for (int i = TOTP_DIGITS - 1; i >= 0; i--, v /= 10)
			want[i] = (char)('0' + v % 10);
		int hit = ct_equal(want, typed, TOTP_DIGITS) & (s > last_used_step);
		found = hit ? s : found; /* descending loop: the lowest acceptable step wins */
	}
	if (found >= 0) {
		if (matched_step)
			*matched_step = found;
		res = GCAS_OK;
	}
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(typed, sizeof(typed));
	explicit_bzero(want, sizeof(want));
	return res;
}

/* RFC 3986 §2.3 unreserved characters pass; every other byte becomes %XX. */
static void pct_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		int unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		                 (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		                 c == '~';
		if (unreserved) {
			buf_putc(b, (char)c);
			continue;
		}
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};
		buf_append(b, e, sizeof(e));
	}
}

static int base32_text(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		int ok = (*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '7') || *s == '=';
		if (!ok)
			return 0;
	}
	return 1;
}

char *totp_uri(struct arena *a, const char *issuer, const char *account_label,
               const char *secret_b32)
{
	struct buf b;
	char *res = NULL;
	int has_issuer = issuer && *issuer;
	if (!account_label || !base32_text(secret_b32))
		return NULL;
	buf_init(&b, URI_CAP);
	buf_puts(&b, "otpauth://totp/");
	if (has_issuer) {
		/* Key URI Format: the label is "issuer:account" and the issuer parameter repeats
		 * the issuer so apps that ignore the prefix still show it. */
		pct_encode(&b, issuer);
		buf_putc(&b, ':');
	}
	pct_encode(&b, account_label);
	buf_puts(&b, "?secret=");
	buf_puts(&b, secret_b32);
	if (has_issuer) {
		buf_puts(&b, "&issuer=");
		pct_encode(&b, issuer);
	}
	buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_PERIOD);
	if (!b.failed)
		res = arena_strndup(a, b.data, b.len);
	buf_wipe_free(&b); /* the URI carries the secret */
	return res;
}

/* XML attribute value escaping (XML 1.0 §2.4 and §3.3.3). */
static void xml_attr(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_putc(b, *s);
		}
	}
}

/* One path with a horizontal run "M x y h w v 1 h -w z" per row of adjacent dark modules keeps
 * the SVG small (a few KB for a typical enrolment URI). */
static void qr_path(struct buf *b, const QRcode *qr)
{
	int w = qr->width;
	for (int y = 0; y < w; y++) {
		int x = 0;
		while (x < w) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int start = x;
			while (x < w && (qr->data[y * w + x] & 1))
				x++;
			buf_printf(b, "M%d %dh%dv1h-%dz", start + QR_QUIET, y + QR_QUIET, x - start,
			           x - start);
		}
	}
}

char *totp_qr_svg(struct arena *a, const char *text, const char *aria_label)
{
	struct buf b;
	char *res = NULL;
	QRcode *qr;
	int size;
	if (!text)
		return NULL;
	/* Byte mode, case-sensitive: an otpauth URI is not all upper-case alphanumerics. */
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return NULL;
	size = qr->width + 2 * QR_QUIET;
	buf_init(&b, SVG_CAP);
	buf_printf(&b,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	           "height=\"%d\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
	           size, size, size * QR_MODULE_PX, size * QR_MODULE_PX);
	xml_attr(&b, aria_label ? aria_label : "QRコード (QR code)");
	buf_printf(&b,
	           "\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	           size, size);
	qr_path(&b, qr);
	buf_puts(&b, "\"/></svg>");
	if (!b.failed)
		res = arena_strndup(a, b.data, b.len);
	/* The QR code of an enrolment URI encodes the secret. */
	buf_wipe_free(&b);
	QRcode_free(qr);
	return res;
}
