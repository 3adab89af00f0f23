/* SPDX-License-Identifier: MIT */
/* The HTML writer: an escaping printf (each %s is escaped, each other conversion is delegated to
 * snprintf one spec at a time), raw literal appends, and a URL filter for href attributes.
 * Escaping follows the HTML Living Standard §13.1 (text and attribute values): & < > " ' are the
 * only characters that can end a text run or a quoted attribute value. */
#include "web/html.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

/* U+FFFD REPLACEMENT CHARACTER, for bytes that are not valid UTF-8 or are control characters
 * (HTML §13.2.5: control characters in text are parse errors). */
static const char replacement[] = "\xEF\xBF\xBD";

static const char *entity_for(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

/* Bytes that can be copied as they are: printable ASCII other than the five specials, plus tab,
 * newline and carriage return. Everything >= 0x80 goes through the UTF-8 decoder. */
static int plain_ascii_slow(unsigned char c)
{
	if (c == '\t' || c == '\n' || c == '\r')
		return 1;
	return c >= 0x20 && c < 0x7F && !entity_for(c);
}

/* The same as a table (escape_n asks it of every byte of every page), filled once. */
static unsigned char plain_tab[256];
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;

static void plain_fill(void)
{
	for (int c = 0; c < 256; c++)
		plain_tab[c] = (unsigned char)plain_ascii_slow((unsigned char)c);
}

static int plain_ascii(unsigned char c)
{
	return plain_tab[c];
}

static void escape_n(struct buf *b, const char *s, size_t n)
{
	pthread_once(&plain_once, plain_fill);
	const char *p = s, *end = s + n;
	while (p < end && !b->failed) {
		const char *run = p;
		while (p < end && plain_ascii((unsigned char)*p))
			p++;
		if (p > run)
			buf_append(b, run, (size_t)(p - run));
		if (p >= end)
			break;
		const char *ent = entity_for((unsigned char)*p);
		if (ent) {
			buf_puts(b, ent);
			p++;
			continue;
		}
		const char *start = p;
		int32_t cp = utf8_next(&p, end);
		if (cp < 0) { /* not UTF-8: replace one byte and resynchronise on the next */
			buf_puts(b, replacement);
			p = start + 1;
			continue;
		}
		/* C0 controls (bar \t \n \r), DEL and C1 controls: one U+FFFD each. */
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			buf_puts(b, replacement);
			continue;
		}
		buf_append(b, start, (size_t)(p - start));
	}
}

void html_text(struct buf *b, const char *s)
{
	if (!s)
		return;
	escape_n(b, s, strlen(s));
}

void html_lit_checked(struct buf *b, const char *literal)
{
	if (!literal)
		return;
	buf_puts(b, literal);
}

/* --- the escaping printf ------------------------------------------------------------------ */

#define SPEC_MAX_FIELD 10000

enum len_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T, LEN_BIG_L };

/* One parsed conversion specification (C17 §7.21.6.1). '*' width and precision are read from
 * the arguments at parse time and written back as digits, so snprintf always sees a spec that
 * consumes exactly one argument. */
struct spec {
	char flags[8];
	size_t nflags;
	int width;     /* -1 when absent */
	int precision; /* -1 when absent */
	enum len_mod len;
	char conv;
};

static const char *parse_flags(const char *f, struct spec *sp)
{
	while (*f && strchr("-+ #0", *f)) {
		if (sp->nflags + 1 < sizeof(sp->flags) && !strchr(sp->flags, *f))
			sp->flags[sp->nflags++] = *f;
		f++;
	}
	return f;
}

static const char *parse_number(const char *f, int *out)
{
	long v = 0;
	while (isdigit((unsigned char)*f)) {
		if (v <= SPEC_MAX_FIELD)
			v = v * 10 + (*f - '0');
		f++;
	}
	*out = (int)v;
	return f;
}

static const char *parse_len(const char *f, enum len_mod *len)
{
	*len = LEN_NONE;
	if (f[0] == 'h' && f[1] == 'h') {
		*len = LEN_HH;
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		*len = LEN_LL;
		return f + 2;
	}
	switch (*f) {
	case 'h':
		*len = LEN_H;
		return f + 1;
	case 'l':
		*len = LEN_L;
		return f + 1;
	case 'z':
		*len = LEN_Z;
		return f + 1;
	case 'j':
		*len = LEN_J;
		return f + 1;
	case 't':
		*len = LEN_T;
		return f + 1;
	case 'L':
		*len = LEN_BIG_L;
		return f + 1;
	default:
		return f;
	}
}

/* Parse the spec after '%' at f; returns the character after the conversion, or NULL when the
 * spec is malformed. va_list is passed by pointer so the caller's list advances (C17 §7.16). */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->width = -1;
	sp->precision = -1;
	f = parse_flags(f, sp);
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width <
		    0) { /* §7.21.6.1p5: a negative '*' width is '-' plus its magnitude */
			sp->width = sp->width == INT_MIN ? 0 : -sp->width;
			if (!strchr(sp->flags, '-') && sp->nflags + 1 < sizeof(sp->flags))
				sp->flags[sp->nflags++] = '-';
		}
		f++;
	} else if (isdigit((unsigned char)*f)) {
		f = parse_number(f, &sp->width);
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int); /* negative: as if omitted */
			if (sp->precision < 0)
				sp->precision = -1;
			f++;
		} else {
			f = parse_number(f, &sp->precision);
		}
	}
	/* A field wider than a page is a bug, not a layout: clamp so nothing asks for gigabytes. */
	if (sp->width > SPEC_MAX_FIELD)
		sp->width = SPEC_MAX_FIELD;
	if (sp->precision > SPEC_MAX_FIELD)
		sp->precision = SPEC_MAX_FIELD;
	f = parse_len(f, &sp->len);
	if (!*f)
		return NULL;
	sp->conv = *f;
	return f + 1;
}

/* Rebuild "%<flags><width>.<precision><len><conv>" for snprintf. */
static void spec_string(const struct spec *sp, char *out, size_t cap)
{
	static const char *const lens[] = {
	    [LEN_NONE] = "", [LEN_HH] = "hh", [LEN_H] = "h", [LEN_L] = "l",     [LEN_LL] = "ll",
	    [LEN_Z] = "z",   [LEN_J] = "j",   [LEN_T] = "t", [LEN_BIG_L] = "L",
	};
	char w[16] = "", p[16] = "";
	if (sp->width >= 0)
		snprintf(w, sizeof(w), "%d", sp->width);
	if (sp->precision >= 0)
		snprintf(p, sizeof(p), ".%d", sp->precision);
	snprintf(out, cap, "%%%s%s%s%s%c", sp->flags, w, p, lens[sp->len], sp->conv);
}

/* Format one value with a format string built at run time from a spec that gcc has already
 * checked against the argument (format attribute on html_printf), hence the local pragma. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int format_one(char *out, size_t cap, const char *fmt, const struct spec *sp, va_list *ap,
                      int *consumed_ok)
{
	*consumed_ok = 1;
	switch (sp->conv) {
	case 'd':
	case 'i':
		switch (sp->len) {
		case LEN_L:
			return snprintf(out, cap, fmt, va_arg(*ap, long));
		case LEN_LL:
			return snprintf(out, cap, fmt, va_arg(*ap, long long));
		case LEN_Z:
		case LEN_T:
			return snprintf(out, cap, fmt, va_arg(*ap, ptrdiff_t));
		case LEN_J:
			return snprintf(out, cap, fmt, va_arg(*ap, intmax_t));
		case LEN_BIG_L:
			break;
		default: /* none, h, hh: promoted to int; snprintf narrows as the spec says */
			return snprintf(out, cap, fmt, va_arg(*ap, int));
		}
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		switch (sp->len) {
		case LEN_L:
			return snprintf(out, cap, fmt, va_arg(*ap, unsigned long));
		case LEN_LL:
			return snprintf(out, cap, fmt, va_arg(*ap, unsigned long long));
		case LEN_Z:
		case LEN_T:
			return snprintf(out, cap, fmt, va_arg(*ap, size_t));
		case LEN_J:
			return snprintf(out, cap, fmt, va_arg(*ap, uintmax_t));
		case LEN_BIG_L:
			break;
		default:
			return snprintf(out, cap, fmt, va_arg(*ap, unsigned int));
		}
		break;
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		if (sp->len == LEN_BIG_L)
			return snprintf(out, cap, fmt, va_arg(*ap, long double));
		if (sp->len == LEN_NONE || sp->len == LEN_L)
			return snprintf(out, cap, fmt, va_arg(*ap, double));
		break;
	case 'p':
		if (sp->len == LEN_NONE)
			return snprintf(out, cap, fmt, va_arg(*ap, void *));
		break;
	default:
		break;
	}
	*consumed_ok = 0;
	return -1;
}
#pragma GCC diagnostic pop

static void pad(struct buf *b, int n)
{
	for (int i = 0; i < n && !b->failed; i++)
		buf_putc(b, ' ');
}

/* Length of the longest prefix of s[0..n) that is at most max bytes and does not cut a UTF-8
 * sequence in two (precision on %s counts bytes, C17 §7.21.6.1p8; we never split a character). */
static size_t utf8_prefix(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* Width for %s counts code points so that Japanese text pads the way it reads. */
static void emit_string(struct buf *b, const struct spec *sp, const char *s)
{
	if (!s)
		return; /* NULL prints nothing, not "(null)" */
	size_t n = strlen(s);
	if (sp->precision >= 0)
		n = utf8_prefix(s, n, (size_t)sp->precision);
	long cps = sp->width > 0 ? utf8_count(s, n) : -1; /* only a width needs the count */
	int fill = 0;
	if (sp->width > 0 && cps >= 0 && cps < sp->width)
		fill = sp->width - (int)cps;
	int left = strchr(sp->flags, '-') != NULL;
	if (!left)
		pad(b, fill);
	escape_n(b, s, n);
	if (left)
		pad(b, fill);
}

static void emit_char(struct buf *b, const struct spec *sp, int c)
{
	char ch = (char)(unsigned char)c;
	int fill = sp->width > 1 ? sp->width - 1 : 0;
	int left = strchr(sp->flags, '-') != NULL;
	if (!left)
		pad(b, fill);
	escape_n(b, &ch, 1);
	if (left)
		pad(b, fill);
}

/* Format one non-string conversion through snprintf and append it (escaped: numbers hold no
 * special characters, but escaping costs nothing and keeps the invariant without exceptions). */
static int emit_number(struct buf *b, const struct spec *sp, va_list *ap)
{
	char fmt[48], small[128];
	int ok_type;
	spec_string(sp, fmt, sizeof(fmt));
	va_list copy;
	va_copy(copy, *ap);
	int n = format_one(small, sizeof(small), fmt, sp, ap, &ok_type);
	if (!ok_type || n < 0) {
		va_end(copy);
		return -1;
	}
	if ((size_t)n < sizeof(small)) {
		escape_n(b, small, (size_t)n);
		va_end(copy);
		return 0;
	}
	/* Rare: a wide field or a huge %f. Format again, from the copied list, into the heap. */
	char *big = malloc((size_t)n + 1);
	int rc = -1;
	if (big && format_one(big, (size_t)n + 1, fmt, sp, &copy, &ok_type) == n) {
		escape_n(b, big, (size_t)n);
		rc = 0;
	}
	free(big);
	va_end(copy);
	return rc;
}

void html_vprintf(struct buf *b, const char *fmt, va_list ap0)
{
	va_list ap;
	va_copy(ap, ap0);
	const char *f = fmt;
	while (*f && !b->failed) {
		const char *pct = strchr(f, '%');
		if (!pct) {
			buf_puts(b, f);
			break;
		}
		if (pct > f)
			buf_append(b, f, (size_t)(pct - f));
		if (pct[1] == '%') {
			buf_putc(b, '%');
			f = pct + 2;
			continue;
		}
		struct spec sp;
		f = parse_spec(pct + 1, &sp, &ap);
		if (!f) {
			b->failed = 1;
			break;
		}
		if (sp.conv == 's' && sp.len == LEN_NONE)
			emit_string(b, &sp, va_arg(ap, const char *));
		else if (sp.conv == 'c' && sp.len == LEN_NONE)
			emit_char(b, &sp, va_arg(ap, int));
		else if (emit_number(b, &sp, &ap) < 0)
			b->failed = 1; /* %n, %ls, %lc or an unknown conversion: refuse the page */
	}
	va_end(ap);
}

void html_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_vprintf(b, fmt, ap);
	va_end(ap);
}

/* --- URLs ---------------------------------------------------------------------------------- */

static int has_prefix_ci(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncasecmp(s, prefix, n) == 0;
}

int html_url_is_safe(const char *url)
{
	if (!url || !*url)
		return 0;
	/* URL Standard §4.4: browsers strip tabs and newlines anywhere and leading/trailing C0
	 * controls and spaces, so "/\t/evil" would become "//evil". Refuse them all outright. */
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p == 0x7F)
			return 0;
	}
	if (url[0] == '#')
		return 1;
	if (url[0] == '/') {
		/* "//host" and "/\host" are network-path references (RFC 3986 §4.2; browsers read
		 * '\' as '/' in special schemes), i.e. another origin. */
		return url[1] != '/' && url[1] != '\\';
	}
	if (has_prefix_ci(url, "https://"))
		return url[8] != '\0' && url[8] != '/' && url[8] != '\\';
	if (has_prefix_ci(url, "http://"))
		return url[7] != '\0' && url[7] != '/' && url[7] != '\\';
	return 0;
}

int html_attr_url(struct buf *b, const char *url)
{
	if (!html_url_is_safe(url)) {
		buf_putc(b, '#');
		return -1;
	}
	html_text(b, url);
	return 0;
}
