/* SPDX-License-Identifier: MIT */
/* MIME for Japanese mail: a complete RFC 5322 message from UTF-8 text. Headers that are not
 * plain ASCII become RFC 2047 "B" encoded-words in UTF-8, folded so no line passes 76 columns;
 * the body is text/plain; charset=UTF-8 in RFC 2045 base64 (76-column lines, CRLF). Pure: no
 * I/O, no clock (the caller passes the time), thread-safe. */
#ifndef GCAS_CORE_MIME_H
#define GCAS_CORE_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define MIME_LINE_MAX  76 /* RFC 2047 §2 and RFC 2045 §6.8: encoded lines stay within 76 */
#define MIME_DATE_SIZE 80

/* 1 when s holds a CR or LF (a value that would start a new header: header injection). */
int mime_has_crlf(const char *s);

/* Append "Name: value\r\n". value must be valid UTF-8 without CR, LF or other controls
 * (GCAS_ERR_INVALID otherwise, nothing appended). Printable ASCII values that fit are written as
 * they are; anything else becomes RFC 2047 B encoded-words (=?UTF-8?B?...?=) of whole
 * characters (§5), each line at most 76 columns, continuation lines starting with a space.
 * GCAS_ERR_NOMEM when b is full. */
enum gcas_err mime_header(struct buf *b, const char *name, const char *value);

/* Append an address header "Name: display <addr>\r\n" (display NULL or "": just addr). The
 * display name is encoded as in mime_header when it is not plain atext/space ASCII; addr must
 * be printable ASCII without spaces, '<', '>', CR or LF. GCAS_ERR_INVALID otherwise. */
enum gcas_err mime_address_header(struct buf *b, const char *name, const char *display,
                                  const char *addr);

/* Split "Display Name <addr@x>" or a bare "addr@x" into its parts (display may come out "").
 * Writes into display[dcap] and addr[acap]. Returns 0, or -1 when malformed or too long. */
int mime_parse_mailbox(const char *s, char *display, size_t dcap, char *addr, size_t acap);

/* RFC 5322 §3.3 date-time of t in Japan time: "Thu, 26 Nov 2026 20:48:00 +0900". */
void mime_date(char out[MIME_DATE_SIZE], int64_t t);

/* Append body (UTF-8; LF or CRLF line ends) as base64 of its CRLF form, in lines of 76
 * characters each ending CRLF (RFC 2045 §6.8). */
enum gcas_err mime_body_base64(struct buf *b, const char *body);

struct mime_msg {
	const char *from_display, *from_addr; /* From: */
	const char *to_addr;                  /* To: (one addr-spec) */
	const char *subject;                  /* UTF-8 */
	const char *body;                     /* UTF-8 text */
	const char *message_id;               /* without angle brackets: "id@domain" */
	int64_t date;                         /* epoch seconds */
	const char *extra_name,
	    *extra_value; /* one more header (e.g. X-GCAS-Template); NULL: none */
};
/* Append the whole message (headers, blank line, body) with CRLF line ends.
 * GCAS_ERR_INVALID on a header value with CR/LF or a bad address; GCAS_ERR_NOMEM when full. */
enum gcas_err mime_build(struct buf *b, const struct mime_msg *m);

#endif
