/* SPDX-License-Identifier: MIT */
/* multipart/form-data parser (RFC 7578 over RFC 2046 §5.1.1 framing): finds the delimiters,
 * reads each part's header lines under fixed bounds, and copies each part's content into the
 * request's arena. See multipart.h for what is refused and why. */
#include "web/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

/* RFC 9110 §5.6.2 tchar. */
static int is_tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return 1;
	return ch && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* RFC 2046 §5.1.1 bchars (space allowed, but not as the last character). */
static int is_bchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return 1;
	return ch && strchr("'()+_,-./:=? ", ch) != NULL;
}

static int is_ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

static void skip_ows(const char **p, const char *end)
{
	while (*p < end && is_ows(**p))
		(*p)++;
}

/* One parameter ("; name=value") of a header value. */
struct param {
	const char *name, *val;
	size_t nlen, vlen;
};

/* Read the next parameter at *pp: OWS ";" OWS token "=" (token | quoted-string) OWS.
 * Quoted strings carry no escapes: browsers percent-encode '"' and keep '\' literally
 * (WHATWG HTML "multipart/form-data encoding algorithm"), so a backslash is plain text.
 * Returns 1 with *out, 0 at the end, -1 when malformed. */
static int param_next(const char **pp, const char *end, struct param *out)
{
	const char *p = *pp;
	skip_ows(&p, end);
	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p++;
	skip_ows(&p, end);
	out->name = p;
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	out->nlen = (size_t)(p - out->name);
	if (!out->nlen || p == end || *p != '=')
		return -1;
	p++;
	if (p < end && *p == '"') {
		out->val = ++p;
		while (p < end && *p != '"')
			p++;
		if (p == end)
			return -1;
		out->vlen = (size_t)(p - out->val);
		p++;
	} else {
		out->val = p;
		while (p < end && is_tchar((unsigned char)*p))
			p++;
		out->vlen = (size_t)(p - out->val);
		if (!out->vlen)
			return -1;
	}
	skip_ows(&p, end);
	*pp = p;
	return 1;
}

static int param_is(const struct param *pr, const char *name)
{
	return pr->nlen == strlen(name) && strncasecmp(pr->name, name, pr->nlen) == 0;
}

/* The media type at the start of a header value (before ';' and OWS) equals want. */
static int type_is(const char **pp, const char *end, const char *want)
{
	const char *p = *pp;
	skip_ows(&p, end);
	const char *t = p;
	while (p < end && *p != ';' && !is_ows(*p))
		p++;
	*pp = p;
	return (size_t)(p - t) == strlen(want) && strncasecmp(t, want, strlen(want)) == 0;
}

enum gcas_err multipart_boundary_get(const char *content_type, char *out, size_t cap)
{
	if (!content_type || cap < MULTIPART_MAX_BOUNDARY + 1)
		return GCAS_ERR_INVALID;
	const char *p = content_type, *end = content_type + strlen(content_type);
	struct param pr;
	int r, found = 0;
	if (!type_is(&p, end, "multipart/form-data"))
		return GCAS_ERR_INVALID;
	while ((r = param_next(&p, end, &pr)) == 1) {
		if (!param_is(&pr, "boundary"))
			continue;
		/* A repeated boundary parameter is ambiguous: refuse it. */
		if (found || !pr.vlen || pr.vlen > MULTIPART_MAX_BOUNDARY ||
		    pr.val[pr.vlen - 1] == ' ')
			return GCAS_ERR_INVALID;
		for (size_t i = 0; i < pr.vlen; i++)
			if (!is_bchar((unsigned char)pr.val[i]))
				return GCAS_ERR_INVALID;
		memcpy(out, pr.val, pr.vlen);
		out[pr.vlen] = '\0';
		found = 1;
	}
	return r == 0 && found ? GCAS_OK : GCAS_ERR_INVALID;
}

/* ---- one part's headers ------------------------------------------------------------------- */

struct hdr_state {
	struct arena *a;
	struct mp_part *part;
	int has_disposition;
	const char *why;
};

/* A parameter value as an arena string: bounded, no control characters (a CR or LF here would
 * be a header injection, a NUL would truncate the name later). */
static const char *param_value(struct hdr_state *h, const struct param *pr)
{
	if (pr->vlen > MULTIPART_MAX_NAME) {
		h->why = "a field or file name is too long";
		return NULL;
	}
	for (size_t i = 0; i < pr->vlen; i++) {
		unsigned char ch = (unsigned char)pr->val[i];
		if (ch < 0x20 || ch == 0x7f) {
			h->why = "a control character in a field or file name";
			return NULL;
		}
	}
	const char *s = arena_strndup(h->a, pr->val, pr->vlen);
	if (!s)
		h->why = "out of memory";
	return s;
}

/* RFC 7578 §4.2: Content-Disposition: form-data; name="..."[; filename="..."]. */
static int disposition(struct hdr_state *h, const char *v, const char *end)
{
	struct param pr;
	int r;
	if (h->has_disposition) {
		h->why = "a part has two Content-Disposition headers";
		return -1;
	}
	h->has_disposition = 1;
	if (!type_is(&v, end, "form-data")) {
		h->why = "a part's Content-Disposition is not form-data";
		return -1;
	}
	while ((r = param_next(&v, end, &pr)) == 1) {
		const char **slot = param_is(&pr, "name")       ? &h->part->name
		                    : param_is(&pr, "filename") ? &h->part->filename
		                                                : NULL;
		/* filename* (RFC 5987) MUST NOT be used (RFC 7578 §4.2): ignored like any other. */
		if (!slot)
			continue;
		if (*slot) {
			h->why = "a repeated Content-Disposition parameter";
			return -1;
		}
		if (!(*slot = param_value(h, &pr)))
			return -1;
	}
	if (r < 0) {
		h->why = "a malformed Content-Disposition header";
		return -1;
	}
	if (!h->part->name || !*h->part->name) {
		h->why = "a part without a field name";
		return -1;
	}
	return 0;
}

/* One header line l[0..n) (CRLF removed). Unknown headers are ignored (RFC 7578 §4.8). */
static int header_line(struct hdr_state *h, const char *l, size_t n)
{
	const char *end = l + n, *p = l;
	if (is_ows(*l)) {
		/* obs-fold (RFC 9112 §5.2): a continuation line could smuggle a header. */
		h->why = "a folded header line";
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)l[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			h->why = "a control character (CR, LF or NUL) in a part header";
			return -1;
		}
	}
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	if (p == l || p == end || *p != ':') {
		h->why = "a malformed part header";
		return -1;
	}
	size_t nlen = (size_t)(p - l);
	const char *v = p + 1;
	skip_ows(&v, end);
	while (end > v && is_ows(end[-1]))
		end--;
	if (nlen == 19 && strncasecmp(l, "Content-Disposition", nlen) == 0)
		return disposition(h, v, end);
	if (nlen == 12 && strncasecmp(l, "Content-Type", nlen) == 0) {
		if (h->part->content_type) {
			h->why = "a part has two Content-Type headers";
			return -1;
		}
		h->part->content_type = arena_strndup(h->a, v, (size_t)(end - v));
		return h->part->content_type ? 0 : -1;
	}
	if (nlen == 25 && strncasecmp(l, "Content-Transfer-Encoding", nlen) == 0) {
		/* §4.7: senders do not use it; a decoder we do not have would be needed otherwise.
		 */
		const char *e = v;
		if (type_is(&e, end, "binary") || (e = v, type_is(&e, end, "8bit")) ||
		    (e = v, type_is(&e, end, "7bit")))
			return 0;
		h->why = "an unsupported Content-Transfer-Encoding";
		return -1;
	}
	return 0;
}

/* Read the header block starting at *pp up to and including the empty line. */
static int part_headers(struct hdr_state *h, const char **pp, const char *end)
{
	const char *p = *pp;
	for (int lines = 0;; lines++) {
		size_t avail = (size_t)(end - p);
		size_t look = avail < MULTIPART_MAX_HEADER + 2 ? avail : MULTIPART_MAX_HEADER + 2;
		const char *crlf = memmem(p, look, "\r\n", 2);
		if (!crlf) {
			h->why = look == avail ? "the body is truncated inside a part's headers"
			                       : "a part header line is too long";
			return -1;
		}
		if (crlf == p)
			break;
		if (lines == MULTIPART_MAX_HEADERS) {
			h->why = "too many header lines in a part";
			return -1;
		}
		if (header_line(h, p, (size_t)(crlf - p)))
			return -1;
		p = crlf + 2;
	}
	if (!h->has_disposition) {
		h->why = "a part without Content-Disposition";
		return -1;
	}
	*pp = p + 2;
	return 0;
}

/* ---- the body ----------------------------------------------------------------------------- */

struct delim {
	char s[MULTIPART_MAX_BOUNDARY + 5]; /* CRLF "--" boundary */
	size_t len;
};

/* After a delimiter: "--" ends the body (1); transport padding then CRLF starts a part (0);
 * anything else is malformed (-1). *pp moves past what was read. */
static int after_delimiter(const char **pp, const char *end, const char **why)
{
	const char *p = *pp;
	if (end - p >= 2 && p[0] == '-' && p[1] == '-')
		return 1;
	skip_ows(&p, end);
	if (end - p < 2) {
		*why = "the body is truncated after a delimiter";
		return -1;
	}
	if (p[0] != '\r' || p[1] != '\n') {
		*why = "a malformed delimiter line";
		return -1;
	}
	*pp = p + 2;
	return 0;
}

static enum gcas_err fail(struct mp_form *out, const char **why, const char *msg, enum gcas_err e)
{
	out->n = 0;
	if (why)
		*why = msg;
	return e;
}

enum gcas_err multipart_parse(struct arena *a, const char *content_type, const char *body,
                              size_t len, size_t max_part, struct mp_form *out, const char **why)
{
	char boundary[MULTIPART_MAX_BOUNDARY + 1];
	struct delim d;
	memset(out, 0, sizeof(*out));
	if (multipart_boundary_get(content_type, boundary, sizeof(boundary)))
		return fail(out, why, "not multipart/form-data with a valid boundary",
		            GCAS_ERR_INVALID);
	d.len = (size_t)snprintf(d.s, sizeof(d.s), "\r\n--%s", boundary);
	if (!body)
		len = 0;
	const char *end = body + len, *p;
	/* RFC 2046 §5.1.1: the first delimiter may open the body or follow a preamble and CRLF. */
	if (len >= d.len - 2 && memcmp(body, d.s + 2, d.len - 2) == 0)
		p = body + d.len - 2;
	else if (len && (p = memmem(body, len, d.s, d.len)))
		p += d.len;
	else
		return fail(out, why, "no multipart delimiter", GCAS_ERR_INVALID);
	for (;;) {
		const char *msg = NULL;
		int r = after_delimiter(&p, end, &msg);
		if (r < 0)
			return fail(out, why, msg, GCAS_ERR_INVALID);
		if (r == 1)
			break;
		if (out->n == MULTIPART_MAX_PARTS)
			return fail(out, why, "too many parts", GCAS_ERR_INVALID);
		struct mp_part *part = &out->part[out->n];
		struct hdr_state h = {.a = a, .part = part};
		if (part_headers(&h, &p, end))
			return fail(out, why, h.why ? h.why : "out of memory",
			            h.why ? GCAS_ERR_INVALID : GCAS_ERR_NOMEM);
		const char *next = memmem(p, (size_t)(end - p), d.s, d.len);
		if (!next)
			return fail(out, why, "the body is truncated (no close delimiter)",
			            GCAS_ERR_INVALID);
		part->len = (size_t)(next - p);
		if (max_part && part->len > max_part)
			return fail(out, why, "a part is too large", GCAS_ERR_INVALID);
		char *data = arena_alloc(a, part->len + 1);
		if (!data)
			return fail(out, why, "out of memory", GCAS_ERR_NOMEM);
		memcpy(data, p, part->len);
		part->data = data;
		out->n++;
		p = next + d.len;
	}
	if (out->n == 0)
		return fail(out, why, "a multipart body without parts", GCAS_ERR_INVALID);
	return GCAS_OK;
}

const struct mp_part *multipart_part_find(const struct mp_form *f, const char *name)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (strcmp(f->part[i].name, name) == 0)
			return &f->part[i];
	return NULL;
}

enum gcas_err multipart_fields(struct arena *a, const struct mp_form *f, struct kv_list *out)
{
	*out = (struct kv_list){0};
	struct kv *items = arena_alloc(a, sizeof(*items) * (f->n ? f->n : 1));
	if (!items)
		return GCAS_ERR_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct mp_part *pt = &f->part[i];
		if (pt->filename)
			continue;
		if (memchr(pt->data, '\0', pt->len) || !utf8_valid(pt->data, pt->len))
			return GCAS_ERR_INVALID;
		items[n++] = (struct kv){.key = pt->name, .val = pt->data, .val_len = pt->len};
	}
	out->items = n ? items : NULL;
	out->n = n;
	return GCAS_OK;
}
