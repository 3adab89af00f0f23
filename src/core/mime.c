/* SPDX-License-Identifier: MIT */
/* MIME encoding of Japanese mail (see mime.h): RFC 2047 encoded-words for headers, RFC 2045
 * base64 for the body, RFC 5322 dates and message layout. */
#include "core/mime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/codec.h"
#include "base/utf8.h"

#define EW_OVERHEAD 12 /* "=?UTF-8?B?" + "?=" */
#define EW_MAX      75 /* RFC 2047 §2: an encoded-word is at most 75 characters */

int mime_has_crlf(const char *s)
{
	return s && (strchr(s, '\r') || strchr(s, '\n'));
}

/* A header value we accept at all: UTF-8 text with no line breaks and no controls but tab. */
static int value_ok(const char *s)
{
	if (!s || mime_has_crlf(s) || !utf8_valid_text(s, strlen(s)))
		return 0;
	return 1;
}

static int printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static size_t utf8_len_of(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if (lead < 0xe0)
		return 2;
	return lead < 0xf0 ? 3 : 4;
}

/* Write s as encoded-words starting at column col; returns the column after the last word.
 * RFC 2047 §5: each word holds whole characters, so a character is never split; words on the
 * same header are separated by CRLF SP (folding white space that decoders drop, §6.2). */
static size_t encode_words(struct buf *b, const char *s, size_t col)
{
	size_t n = strlen(s), i = 0;
	char enc[EW_MAX];
	while (i < n) {
		size_t room =
		    MIME_LINE_MAX > col + EW_OVERHEAD ? MIME_LINE_MAX - col - EW_OVERHEAD : 0;
		if (room > EW_MAX - EW_OVERHEAD)
			room = EW_MAX - EW_OVERHEAD;
		size_t max_bytes = room / 4 * 3, take = 0;
		while (i + take < n) {
			size_t cl = utf8_len_of((unsigned char)s[i + take]);
			if (take + cl > max_bytes)
				break;
			take += cl;
		}
		if (take == 0) { /* not even one character fits on this line: fold */
			buf_puts(b, "\r\n ");
			col = 1;
			continue;
		}
		b64_encode(enc, s + i, take);
		buf_puts(b, "=?UTF-8?B?");
		buf_puts(b, enc);
		buf_puts(b, "?=");
		col += EW_OVERHEAD + strlen(enc);
		i += take;
		if (i < n) {
			buf_puts(b, "\r\n ");
			col = 1;
		}
	}
	return col;
}

/* Plain when printable ASCII that cannot be mistaken for an encoded-word and fits the line. */
static int plain_fits(const char *s, size_t col)
{
	return printable_ascii(s) && !strstr(s, "=?") && col + strlen(s) <= MIME_LINE_MAX;
}

enum gcas_err mime_header(struct buf *b, const char *name, const char *value)
{
	if (!name || !*name || !printable_ascii(name) || strchr(name, ':') || !value_ok(value))
		return GCAS_ERR_INVALID;
	size_t col = strlen(name) + 2;
	buf_puts(b, name);
	buf_puts(b, ": ");
	if (plain_fits(value, col))
		buf_puts(b, value);
	else
		encode_words(b, value, col);
	buf_puts(b, "\r\n");
	return b->failed ? GCAS_ERR_NOMEM : GCAS_OK;
}

static int addr_ok(const char *a)
{
	if (!a || !*a || !strchr(a, '@') || strlen(a) > 254)
		return 0;
	for (; *a; a++)
		if ((unsigned char)*a <= 0x20 || (unsigned char)*a > 0x7e ||
		    strchr("<>()[]\\,;:\"", *a))
			return 0;
	return 1;
}

/* RFC 5322 §3.2.3 atext plus space: a display name that needs no quoting. */
static int is_atext_phrase(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		            (ch >= '0' && ch <= '9');
		if (!alnum && !strchr(" !#$%&'*+-/=?^_`{|}~", ch))
			return 0;
	}
	return 1;
}

enum gcas_err mime_address_header(struct buf *b, const char *name, const char *display,
                                  const char *addr)
{
	if (!name || !*name || !printable_ascii(name) || !addr_ok(addr))
		return GCAS_ERR_INVALID;
	if (display && *display && !value_ok(display))
		return GCAS_ERR_INVALID;
	size_t col = strlen(name) + 2;
	buf_puts(b, name);
	buf_puts(b, ": ");
	if (display && *display) {
		if (is_atext_phrase(display) && !strstr(display, "=?") &&
		    col + strlen(display) <= MIME_LINE_MAX) {
			buf_puts(b, display);
			col += strlen(display);
		} else {
			col = encode_words(b, display, col);
		}
		/* The address goes on the same line when it fits, else on a folded one. */
		if (col + 3 + strlen(addr) > MIME_LINE_MAX) {
			buf_puts(b, "\r\n");
			col = 0;
		}
		buf_puts(b, " <");
		buf_puts(b, addr);
		buf_puts(b, ">");
	} else {
		buf_puts(b, addr);
	}
	buf_puts(b, "\r\n");
	return b->failed ? GCAS_ERR_NOMEM : GCAS_OK;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Copy s[0..n) with surrounding spaces and one pair of surrounding quotes removed. */
static int copy_trimmed(char *out, size_t cap, const char *s, size_t n)
{
	while (n && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		s++, n -= 2;
	if (n >= cap)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int mime_parse_mailbox(const char *s, char *display, size_t dcap, char *addr, size_t acap)
{
	if (!s || !dcap || !acap || mime_has_crlf(s))
		return -1;
	display[0] = addr[0] = '\0';
	const char *lt = strchr(s, '<');
	if (!lt) {
		size_t n = strlen(s);
		if (copy_trimmed(addr, acap, s, n))
			return -1;
		return addr_ok(addr) ? 0 : -1;
	}
	const char *gt = strchr(lt, '>');
	if (!gt || *skip_space(gt + 1) != '\0')
		return -1;
	if (copy_trimmed(display, dcap, s, (size_t)(lt - s)) ||
	    copy_trimmed(addr, acap, lt + 1, (size_t)(gt - lt - 1)))
		return -1;
	return addr_ok(addr) ? 0 : -1;
}

void mime_date(char out[MIME_DATE_SIZE], int64_t t)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	/* Japan Standard Time is UTC+9 all year (no daylight saving). */
	time_t jt = (time_t)(t + 9 * 3600);
	struct tm tm;
	if (!gmtime_r(&jt, &tm)) {
		out[0] = '\0';
		return;
	}
	snprintf(out, MIME_DATE_SIZE, "%s, %02d %s %04d %02d:%02d:%02d +0900", wd[tm.tm_wday % 7],
	         tm.tm_mday, mon[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	         tm.tm_sec);
}

/* Base64 of 57 input bytes is exactly one 76-character line (RFC 2045 §6.8). */
#define B64_CHUNK 57

static void flush_chunk(struct buf *b, const unsigned char *chunk, size_t n)
{
	char line[MIME_LINE_MAX + 4];
	if (!n)
		return;
	b64_encode(line, chunk, n);
	buf_puts(b, line);
	buf_puts(b, "\r\n");
}

enum gcas_err mime_body_base64(struct buf *b, const char *body)
{
	unsigned char chunk[B64_CHUNK];
	size_t n = 0;
	if (!body)
		return GCAS_ERR_INVALID;
	/* Lines end CRLF in the canonical form (RFC 2045 §6.8, RFC 2046 §4.1.1): a bare LF
	 * becomes CRLF, a bare CR is dropped. */
	for (const char *p = body; *p; p++) {
		unsigned char out[2];
		size_t k = 0;
		if (*p == '\r')
			continue;
		if (*p == '\n')
			out[k++] = '\r';
		out[k++] = (unsigned char)*p;
		for (size_t j = 0; j < k; j++) {
			chunk[n++] = out[j];
			if (n == B64_CHUNK) {
				flush_chunk(b, chunk, n);
				n = 0;
			}
		}
	}
	flush_chunk(b, chunk, n);
	return b->failed ? GCAS_ERR_NOMEM : GCAS_OK;
}

enum gcas_err mime_build(struct buf *b, const struct mime_msg *m)
{
	char date[MIME_DATE_SIZE];
	enum gcas_err e;
	if (!m->message_id || !addr_ok(m->message_id) || !m->body)
		return GCAS_ERR_INVALID;
	mime_date(date, m->date);
	if ((e = mime_address_header(b, "From", m->from_display, m->from_addr)) ||
	    (e = mime_address_header(b, "To", NULL, m->to_addr)) ||
	    (e = mime_header(b, "Subject", m->subject)) || (e = mime_header(b, "Date", date)))
		return e;
	buf_printf(b, "Message-ID: <%s>\r\n", m->message_id);
	if (m->extra_name && (e = mime_header(b, m->extra_name, m->extra_value)))
		return e;
	/* RFC 3834 §5: machine-generated, so auto-responders do not answer it. */
	buf_puts(b, "Auto-Submitted: auto-generated\r\n"
	            "MIME-Version: 1.0\r\n"
	            "Content-Type: text/plain; charset=UTF-8\r\n"
	            "Content-Transfer-Encoding: base64\r\n"
	            "\r\n");
	return mime_body_base64(b, m->body);
}
