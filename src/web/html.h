/* SPDX-License-Identifier: MIT */
/* The HTML writer: escaping by construction (Fossil's lesson). Every string that reaches a page
 * goes through html_printf's %s, html_text or html_attr_url, which escape it; raw markup enters
 * only through html_lit, and by convention only string literals are passed to it. */
#ifndef GCAS_WEB_HTML_H
#define GCAS_WEB_HTML_H

#include <stdarg.h>
#include "base/buf.h"

/* printf into b where every %s argument is HTML-escaped (& < > " ' become entities; invalid
 * UTF-8 and C0/C1 controls other than \t \n \r become U+FFFD) so the result is safe both as
 * element text and inside a double- or single-quoted attribute value. A NULL %s prints nothing.
 * %c is escaped the same way. Numeric conversions (d i u o x X f F e E g G a A p, with flags,
 * width, precision, '*' and length modifiers hh h l ll z j t L) are formatted by snprintf, one
 * conversion at a time. %n and wide conversions (%ls, %lc) are refused: the buffer is marked
 * failed. fmt itself is appended raw, so it must be a string literal (gcc checks the arguments).
 * Errors (cap reached, allocation) are sticky in b->failed, as for every buf append. */
void html_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Append raw markup. Only string literals are accepted, and the compiler checks it: the macro
 * pastes "" on both sides, which is a syntax error for anything but a literal (or a macro that
 * expands to one). Anything from a user, the database or a request goes through html_text or
 * html_printf instead. html_lit_checked is the function behind it; do not call it directly. */
#define html_lit(b, literal) html_lit_checked((b), "" literal "")
void html_lit_checked(struct buf *b, const char *literal);

/* Append s escaped as html_printf's %s does. NULL appends nothing. */
void html_text(struct buf *b, const char *s);

/* Append url, escaped, for use inside a quoted href/src/action attribute, if it is safe to
 * follow: a same-origin path ("/..." but not "//..." or "/\..."), a fragment ("#..."), or an
 * absolute http:// or https:// URL. Anything else (javascript:, data:, vbscript:, relative
 * paths, protocol-relative "//host", URLs holding spaces or control characters, which browsers
 * strip before parsing) is refused: "#" is written instead. Returns 0 when url was written,
 * -1 when it was refused (NULL counts as refused). */
int html_attr_url(struct buf *b, const char *url);

/* 1 when html_attr_url would accept url (same rules), 0 otherwise. */
int html_url_is_safe(const char *url);

#endif
