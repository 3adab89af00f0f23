/* SPDX-License-Identifier: MIT */
/* RFC 4180 CSV reader with bounds (see csv.h). One record per call; fields are unescaped into a
 * fixed scratch buffer of CSV_MAX_FIELD bytes and then copied into the caller's arena, so nothing
 * an upload holds can make it allocate more than the limits allow. Stricter than many readers on
 * purpose: a quote inside an unquoted field, text after a closing quote and a bare CR are refused
 * rather than guessed at. */
#include "base/csv.h"

#include <stdio.h>
#include <string.h>

void csv_init(struct csv *c, const char *data, size_t len)
{
	c->p = data;
	c->end = data ? data + len : data;
	c->line = 1;
	c->bom_done = 0;
}

static void reason(char *why, size_t why_len, const char *en, const char *ja)
{
	if (why && why_len)
		snprintf(why, why_len, "%s (%s)", en, ja);
}

/* A bare CR is refused: "LF or CRLF" are the only line ends (RFC 4180 §2.1 plus LF). */
static int line_end(const struct csv *c, const char *p, size_t *len)
{
	if (p < c->end && *p == '\n') {
		*len = 1;
		return 1;
	}
	if (p + 1 < c->end && p[0] == '\r' && p[1] == '\n') {
		*len = 2;
		return 1;
	}
	return 0;
}

struct field {
	char buf[CSV_MAX_FIELD + 1];
	size_t len;
};

static int field_put(struct field *f, char ch)
{
	if (f->len >= CSV_MAX_FIELD)
		return -1;
	f->buf[f->len++] = ch;
	return 0;
}

enum scan { SCAN_FIELD, SCAN_RECORD, SCAN_EOF, SCAN_ERR };

/* A quoted field (RFC 4180 §2.5-2.7): p is just after the opening quote. On return p is just
 * after the closing quote. */
static int scan_quoted(struct csv *c, const char **pp, struct field *f, size_t *lines,
                       const char **err_en, const char **err_ja)
{
	const char *p = *pp;
	for (;;) {
		if (p >= c->end) {
			*err_en = "unterminated quoted field";
			*err_ja = "引用符が閉じられていません";
			return -1;
		}
		char ch = *p++;
		if (ch == '"') {
			if (p < c->end && *p == '"') {
				p++;
			} else {
				*pp = p;
				return 0;
			}
		} else if (ch == '\0') {
			*err_en = "NUL byte in the data";
			*err_ja = "NUL 文字が含まれています";
			return -1;
		} else if (ch == '\n') {
			(*lines)++;
		}
		if (field_put(f, ch)) {
			*err_en = "field too long";
			*err_ja = "項目が長すぎます";
			return -1;
		}
	}
}

/* One field starting at *pp. Returns SCAN_FIELD (a comma follows), SCAN_RECORD (the record
 * ends after it), or SCAN_ERR. */
static enum scan scan_field(struct csv *c, const char **pp, struct field *f, size_t *lines,
                            const char **err_en, const char **err_ja)
{
	const char *p = *pp;
	size_t el;
	f->len = 0;
	if (p < c->end && *p == '"') {
		p++;
		if (scan_quoted(c, &p, f, lines, err_en, err_ja))
			return SCAN_ERR;
	} else {
		while (p < c->end && *p != ',' && !line_end(c, p, &el)) {
			if (*p == '"' || *p == '\0' || *p == '\r') {
				*err_en = *p == '"'    ? "quote inside an unquoted field"
				          : *p == '\0' ? "NUL byte in the data"
				                       : "carriage return without a line feed";
				*err_ja = *p == '"' ? "引用符で囲まれていない項目に引用符があります"
				          : *p == '\0' ? "NUL 文字が含まれています"
				                       : "改行コードが正しくありません";
				return SCAN_ERR;
			}
			if (field_put(f, *p++)) {
				*err_en = "field too long";
				*err_ja = "項目が長すぎます";
				return SCAN_ERR;
			}
		}
	}
	if (p < c->end && *p == ',') {
		*pp = p + 1;
		return SCAN_FIELD;
	}
	if (p >= c->end) {
		*pp = p;
		return SCAN_RECORD;
	}
	if (line_end(c, p, &el)) {
		*pp = p + el;
		return SCAN_RECORD;
	}
	*err_en = "text after a closing quote";
	*err_ja = "閉じ引用符の後に文字があります";
	return SCAN_ERR;
}

static void skip_bom_and_blank(struct csv *c)
{
	size_t el;
	if (!c->bom_done) {
		c->bom_done = 1;
		if (c->end - c->p >= 3 && memcmp(c->p, "\xEF\xBB\xBF", 3) == 0)
			c->p += 3;
	}
	while (c->p < c->end && line_end(c, c->p, &el)) {
		c->p += el;
		c->line++;
	}
}

int csv_next(struct csv *c, struct arena *a, struct csv_row *row, char *why, size_t why_len)
{
	struct field fb; /* 4 KiB scratch on the stack: per-record arena copies would add up */
	struct field *f = &fb;
	const char *en = NULL, *ja = NULL;
	int rc = -1;
	if (why && why_len)
		why[0] = '\0';
	if (!c->p) {
		reason(why, why_len, "the data was refused earlier",
		       "前の行で読み込みを中止しました");
		return -1;
	}
	skip_bom_and_blank(c);
	if (c->p >= c->end)
		return 0;
	row->n = 0;
	row->line = c->line;
	size_t lines = 0;
	const char *p = c->p;
	for (;;) {
		enum scan s = scan_field(c, &p, f, &lines, &en, &ja);
		if (s == SCAN_ERR)
			goto out;
		if (row->n >= CSV_MAX_FIELDS) {
			en = "too many fields in one record";
			ja = "項目の数が多すぎます";
			goto out;
		}
		row->f[row->n] = arena_strndup(a, f->buf, f->len);
		if (!row->f[row->n]) {
			en = "out of memory";
			ja = "メモリが不足しています";
			goto out;
		}
		row->n++;
		if (s == SCAN_RECORD)
			break;
	}
	c->p = p;
	c->line += lines + 1;
	rc = 1;
out:
	if (rc < 0) {
		reason(why, why_len, en, ja);
		c->p = NULL;
		c->end = NULL;
	}
	return rc;
}
