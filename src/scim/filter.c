/* SPDX-License-Identifier: MIT */
/* The SCIM filter grammar of RFC 7644 §3.4.2.2 as a bounded recursive-descent parser, the
 * schema check that turns attribute paths into attribute definitions, and the evaluator.
 * Precedence (§3.4.2.2, "Precedence"): grouping and not, then and, then or; and/or are
 * left-associative. Recursion happens only at "(", "not (" and "[", so the depth bound is the
 * stack bound; and/or chains are built iteratively and bounded by the node count. */
#include "scim/filter.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/utf8.h"

struct parser {
	struct arena *a;
	const char *s, *p, *end;
	int depth, nodes;
	int in_brackets;
	const char *why;
};

/* -- parsing ----------------------------------------------------------------------------- */

static int fail(struct parser *ps, const char *what)
{
	if (!ps->why)
		ps->why = arena_printf(ps->a, "%s at offset %d", what, (int)(ps->p - ps->s));
	if (!ps->why)
		ps->why = what;
	return -1;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_name_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int is_urn_char(char c)
{
	return is_name_char(c) || c == ':' || c == '.';
}

static struct scim_filter *node(struct parser *ps, enum scim_fop op)
{
	if (++ps->nodes > SCIM_FILTER_MAX_NODES) {
		fail(ps, "the filter has more than 256 terms");
		return NULL;
	}
	struct scim_filter *f = arena_alloc(ps->a, sizeof(*f));
	if (!f) {
		fail(ps, "out of memory");
		return NULL;
	}
	f->op = op;
	return f;
}

/* ATTRNAME = ALPHA *(nameChar), plus "$ref" (RFC 7643 §2.4 names it so). */
static const char *attr_name(struct parser *ps)
{
	const char *b = ps->p;
	if (ps->end - ps->p >= 4 && strncmp(ps->p, "$ref", 4) == 0) {
		ps->p += 4;
		if (ps->p < ps->end && is_name_char(*ps->p)) {
			fail(ps, "invalid attribute name");
			return NULL;
		}
		return arena_strndup(ps->a, b, 4);
	}
	if (ps->p >= ps->end || !is_alpha(*ps->p)) {
		fail(ps, "expected an attribute name");
		return NULL;
	}
	while (ps->p < ps->end && is_name_char(*ps->p))
		ps->p++;
	return arena_strndup(ps->a, b, (size_t)(ps->p - b));
}

/* attrPath = [URI ":"] ATTRNAME *1subAttr. A URN prefix runs to the last ':' before the name. */
static int parse_path(struct parser *ps, struct scim_path *path)
{
	memset(path, 0, sizeof(*path));
	if (ps->end - ps->p > 4 && strncasecmp(ps->p, "urn:", 4) == 0) {
		const char *b = ps->p, *e = ps->p, *last = NULL;
		while (e < ps->end && is_urn_char(*e)) {
			if (*e == ':')
				last = e;
			e++;
		}
		if (!last || last == b + 3) {
			ps->p = last ? last : e;
			return fail(ps, "malformed schema URN");
		}
		/* The name after the last ':' may carry ".sub": the URN ends at that colon. */
		path->urn = arena_strndup(ps->a, b, (size_t)(last - b));
		ps->p = last + 1;
	}
	if (!(path->attr = attr_name(ps)))
		return -1;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!(path->sub = attr_name(ps)))
			return -1;
	}
	return 0;
}

static const struct {
	const char *name;
	enum scim_fop op;
} ops[] = {
    {"eq", SCIM_F_EQ}, {"ne", SCIM_F_NE}, {"co", SCIM_F_CO}, {"sw", SCIM_F_SW}, {"ew", SCIM_F_EW},
    {"gt", SCIM_F_GT}, {"ge", SCIM_F_GE}, {"lt", SCIM_F_LT}, {"le", SCIM_F_LE}, {"pr", SCIM_F_PR},
};

/* Is the word at p (case-insensitive) w, followed by a non-name character? */
static int word_is(const struct parser *ps, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(ps->end - ps->p) < n || strncasecmp(ps->p, w, n) != 0)
		return 0;
	return ps->p + n == ps->end || !is_name_char(ps->p[n]);
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(char *o, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		o[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		o[(*n)++] = (char)(0xC0 | (cp >> 6));
		o[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		o[(*n)++] = (char)(0xE0 | (cp >> 12));
		o[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		o[(*n)++] = (char)(0xF0 | (cp >> 18));
		o[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[(*n)++] = (char)(0x80 | (cp & 0x3F));
	}
}

/* \uXXXX (and its low surrogate when XXXX is a high one) at p (after the backslash). */
static int unicode_escape(struct parser *ps, unsigned *cp)
{
	unsigned hi, lo;
	if (ps->end - ps->p < 5 || hex4(ps->p + 1, &hi))
		return fail(ps, "invalid \\u escape in a string");
	ps->p += 5;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return fail(ps, "lone low surrogate in a string");
	if (hi >= 0xD800 && hi <= 0xDBFF) {
		if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
		    hex4(ps->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
			return fail(ps, "lone high surrogate in a string");
		ps->p += 6;
		hi = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (hi == 0)
		return fail(ps, "NUL in a string");
	*cp = hi;
	return 0;
}

/* A JSON string (RFC 8259 §7) at p, which is at the opening quote. */
static int parse_string(struct parser *ps, struct scim_literal *v)
{
	const char *b = ++ps->p;
	char *o = arena_alloc(ps->a, (size_t)(ps->end - b) + 1);
	size_t n = 0;
	if (!o)
		return fail(ps, "out of memory");
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;
		if (c < 0x20)
			return fail(ps, "control character in a string");
		if (c != '\\') {
			o[n++] = (char)c;
			ps->p++;
			continue;
		}
		if (ps->p + 1 >= ps->end)
			return fail(ps, "unterminated string");
		char e = ps->p[1];
		const char *map = strchr("\"\\/bfnrt", e);
		if (e && map) {
			o[n++] = "\"\\/\b\f\n\r\t"[map - "\"\\/bfnrt"];
			ps->p += 2;
			continue;
		}
		if (e != 'u')
			return fail(ps, "invalid escape in a string");
		ps->p++;
		unsigned cp;
		if (unicode_escape(ps, &cp))
			return -1;
		put_utf8(o, &n, cp);
	}
	if (ps->p >= ps->end) {
		ps->p = b - 1;
		return fail(ps, "unterminated string");
	}
	ps->p++;
	o[n] = '\0';
	v->kind = SCIM_L_STRING;
	v->s = o;
	return 0;
}

/* number = [ "-" ] int [ frac ] [ exp ] (RFC 8259 §6). */
static int parse_number(struct parser *ps, struct scim_literal *v)
{
	const char *b = ps->p, *q = ps->p;
	int is_int = 1;
	if (q < ps->end && *q == '-')
		q++;
	if (q >= ps->end || *q < '0' || *q > '9')
		return fail(ps, "expected a value (a string, number, true, false or null)");
	if (*q == '0' && q + 1 < ps->end && q[1] >= '0' && q[1] <= '9')
		return fail(ps, "invalid number (leading zero)");
	while (q < ps->end && *q >= '0' && *q <= '9')
		q++;
	if (q < ps->end && *q == '.') {
		is_int = 0;
		if (++q >= ps->end || *q < '0' || *q > '9')
			return fail(ps, "invalid number");
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		is_int = 0;
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || *q < '0' || *q > '9')
			return fail(ps, "invalid number");
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && is_name_char(*q))
		return fail(ps, "invalid number");
	char *t = arena_strndup(ps->a, b, (size_t)(q - b));
	if (!t)
		return fail(ps, "out of memory");
	errno = 0;
	v->kind = SCIM_L_NUMBER;
	v->num = strtod(t, NULL);
	if (errno == ERANGE || !isfinite(v->num))
		return fail(ps, "number out of range");
	v->is_int = is_int && str_to_i64(t, &v->i) == 0;
	ps->p = q;
	return 0;
}

/* compValue = false / null / true / number / string */
static int parse_value(struct parser *ps, struct scim_literal *v)
{
	memset(v, 0, sizeof(*v));
	if (ps->p >= ps->end)
		return fail(ps, "expected a value (a string, number, true, false or null)");
	if (*ps->p == '"')
		return parse_string(ps, v);
	if (word_is(ps, "true") || word_is(ps, "false")) {
		v->kind = SCIM_L_BOOL;
		v->b = word_is(ps, "true");
		ps->p += v->b ? 4 : 5;
		return 0;
	}
	if (word_is(ps, "null")) {
		v->kind = SCIM_L_NULL;
		ps->p += 4;
		return 0;
	}
	return parse_number(ps, v);
}

static struct scim_filter *parse_or(struct parser *ps);

/* "(" FILTER ")" after the caller consumed nothing; depth counted here. */
static struct scim_filter *parse_group(struct parser *ps, char close)
{
	if (++ps->depth > SCIM_FILTER_MAX_DEPTH) {
		fail(ps, "the filter nests deeper than 16 levels");
		return NULL;
	}
	ps->p++; /* the opening "(" or "[" */
	struct scim_filter *f = parse_or(ps);
	if (!f)
		return NULL;
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != close) {
		fail(ps, close == ')' ? "expected ')'" : "expected ']'");
		return NULL;
	}
	ps->p++;
	ps->depth--;
	return f;
}

/* attrExp or valuePath. */
static struct scim_filter *parse_attr_exp(struct parser *ps)
{
	struct scim_path path;
	const char *at = ps->p;
	if (parse_path(ps, &path))
		return NULL;
	if (ps->p < ps->end && *ps->p == '[') {
		if (ps->in_brackets) {
			fail(ps, "a filter in [] cannot contain another []");
			return NULL;
		}
		if (path.sub) {
			fail(ps, "[] follows an attribute, not a sub-attribute");
			return NULL;
		}
		struct scim_filter *f = node(ps, SCIM_F_VALUEPATH);
		if (!f)
			return NULL;
		f->path = path;
		ps->in_brackets = 1;
		f->a = parse_group(ps, ']');
		ps->in_brackets = 0;
		return f->a ? f : NULL;
	}
	const char *before_ws = ps->p;
	skip_ws(ps);
	size_t i;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ps->p > before_ws && word_is(ps, ops[i].name))
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		fail(ps, arena_printf(ps->a,
		                      "expected an operator (eq ne co sw ew gt ge lt le pr) after "
		                      "'%.*s'",
		                      (int)(before_ws - at), at));
		return NULL;
	}
	struct scim_filter *f = node(ps, ops[i].op);
	if (!f)
		return NULL;
	f->path = path;
	ps->p += 2;
	if (f->op == SCIM_F_PR)
		return f;
	const char *op_end = ps->p;
	skip_ws(ps);
	if (ps->p == op_end && ps->p < ps->end) {
		fail(ps, "expected a space after the operator");
		return NULL;
	}
	return parse_value(ps, &f->val) ? NULL : f;
}

/* not "(" FILTER ")" / "(" FILTER ")" / attrExp / valuePath */
static struct scim_filter *parse_unary(struct parser *ps)
{
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end of the filter");
		return NULL;
	}
	if (*ps->p == '(')
		return parse_group(ps, ')');
	if (word_is(ps, "not")) {
		const char *save = ps->p;
		ps->p += 3;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '(') {
			struct scim_filter *f = node(ps, SCIM_F_NOT);
			if (!f || !(f->a = parse_group(ps, ')')))
				return NULL;
			return f;
		}
		ps->p = save; /* an attribute called "not" */
	}
	return parse_attr_exp(ps);
}

/* One level of and / or, left-associative, built iteratively. */
static struct scim_filter *parse_chain(struct parser *ps, const char *kw, enum scim_fop op,
                                       struct scim_filter *(*next)(struct parser *))
{
	struct scim_filter *left = next(ps);
	while (left) {
		const char *save = ps->p;
		skip_ws(ps);
		if (ps->p == save || !word_is(ps, kw)) {
			ps->p = save;
			return left;
		}
		ps->p += strlen(kw);
		if (ps->p < ps->end && *ps->p != ' ' && *ps->p != '(') {
			fail(ps, "expected a space after the logical operator");
			return NULL;
		}
		struct scim_filter *f = node(ps, op);
		if (!f)
			return NULL;
		f->a = left;
		if (!(f->b = next(ps)))
			return NULL;
		left = f;
	}
	return NULL;
}

static struct scim_filter *parse_and(struct parser *ps)
{
	return parse_chain(ps, "and", SCIM_F_AND, parse_unary);
}

static struct scim_filter *parse_or(struct parser *ps)
{
	return parse_chain(ps, "or", SCIM_F_OR, parse_and);
}

static int begin(struct parser *ps, struct arena *a, const char *text, size_t len)
{
	memset(ps, 0, sizeof(*ps));
	ps->a = a;
	ps->s = ps->p = text;
	ps->end = text + len;
	if (len > SCIM_FILTER_MAX_LEN) {
		ps->why = "the filter is longer than 4096 bytes";
		return -1;
	}
	if (memchr(text, '\0', len) || !utf8_valid(text, len)) {
		ps->why = "the filter is not valid UTF-8 text";
		return -1;
	}
	return 0;
}

enum gcas_err scim_filter_parse(struct arena *a, const char *text, size_t len,
                                struct scim_filter **out, const char **why)
{
	struct parser ps;
	*out = NULL;
	*why = NULL;
	if (begin(&ps, a, text ? text : "", text ? len : 0)) {
		*why = ps.why;
		return GCAS_ERR_INVALID;
	}
	struct scim_filter *f = parse_or(&ps);
	if (f) {
		skip_ws(&ps);
		if (ps.p < ps.end) {
			fail(&ps, *ps.p == ')' ? "unbalanced ')'" : "unexpected text");
			f = NULL;
		}
	}
	if (!f) {
		*why = ps.why ? ps.why : "invalid filter";
		return GCAS_ERR_INVALID;
	}
	*out = f;
	return GCAS_OK;
}

/* -- schema check ------------------------------------------------------------------------ */

static int check_fail(struct arena *a, const char **why, const char *msg)
{
	*why = msg ? msg : "invalid filter";
	(void)a;
	return -1;
}

static const char *path_text(struct arena *a, const struct scim_path *p)
{
	return arena_printf(a, "%s%s%s%s%s", p->urn ? p->urn : "", p->urn ? ":" : "", p->attr,
	                    p->sub ? "." : "", p->sub ? p->sub : "");
}

/* The attribute a comparison really looks at: the sub-attribute, or "value" of a multi-valued
 * complex attribute named alone (RFC 7644 §3.4.2.2). NULL when there is none. */
static const struct scim_attr *leaf_of(const struct scim_filter *f)
{
	if (f->sub)
		return f->sub;
	if (f->attr->type != SCIM_T_COMPLEX)
		return f->attr;
	return f->attr->multi ? scim_attr_sub(f->attr, "value") : NULL;
}

static int is_string_type(enum scim_type t)
{
	return t == SCIM_T_STRING || t == SCIM_T_REFERENCE || t == SCIM_T_DATETIME ||
	       t == SCIM_T_BINARY;
}

/* An xsd:dateTime as RFC 7643 §2.3.5 has it: YYYY-MM-DDThh:mm:ss, a fraction, then Z or a
 * ±hh:mm offset. */
static int is_datetime(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	s += sizeof(shape) - 1;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'Z')
		return s[1] == '\0';
	return (*s == '+' || *s == '-') && isdigit((unsigned char)s[1]) &&
	       isdigit((unsigned char)s[2]) && s[3] == ':' && isdigit((unsigned char)s[4]) &&
	       isdigit((unsigned char)s[5]) && s[6] == '\0';
}

/* Is the literal meaningful for the attribute and operator? */
static int check_compare(struct arena *a, const struct scim_filter *f, const char **why)
{
	const char *name = path_text(a, &f->path);
	const struct scim_attr *leaf = leaf_of(f);
	if (f->op == SCIM_F_PR)
		return 0;
	if (!leaf)
		return check_fail(
		    a, why,
		    arena_printf(a, "'%s' is complex: compare one of its sub-attributes", name));
	if (f->val.kind == SCIM_L_NULL)
		return f->op == SCIM_F_EQ || f->op == SCIM_F_NE
		           ? 0
		           : check_fail(a, why, "null can only be compared with eq or ne");
	int ordering = f->op >= SCIM_F_GT && f->op <= SCIM_F_LE;
	int substring = f->op >= SCIM_F_CO && f->op <= SCIM_F_EW;
	if (ordering && (leaf->type == SCIM_T_BOOLEAN || leaf->type == SCIM_T_BINARY))
		return check_fail(a, why,
		                  arena_printf(a, "'%s' cannot be ordered (gt, ge, lt, le)", name));
	if (is_string_type(leaf->type) && f->val.kind != SCIM_L_STRING)
		return check_fail(a, why,
		                  arena_printf(a,
		                               "'%s' is a string: compare it with a quoted "
		                               "string",
		                               name));
	if (leaf->type == SCIM_T_DATETIME && !substring && f->val.kind == SCIM_L_STRING &&
	    !is_datetime(f->val.s))
		return check_fail(a, why,
		                  arena_printf(a,
		                               "'%s' is a dateTime: compare it with one such as "
		                               "\"2026-11-27T09:00:00Z\"",
		                               name));
	if (leaf->type == SCIM_T_BOOLEAN && f->val.kind != SCIM_L_BOOL)
		return check_fail(
		    a, why,
		    arena_printf(a, "'%s' is a boolean: compare it with true or false", name));
	if ((leaf->type == SCIM_T_INTEGER || leaf->type == SCIM_T_DECIMAL) &&
	    f->val.kind != SCIM_L_NUMBER)
		return check_fail(
		    a, why, arena_printf(a, "'%s' is a number: compare it with a number", name));
	if (substring && !is_string_type(leaf->type))
		return check_fail(
		    a, why,
		    arena_printf(a, "co, sw and ew apply to strings; '%s' is not one", name));
	return 0;
}

static int check_node(struct arena *a, struct scim_filter *f, const struct scim_rdef *rd,
                      const struct scim_attr *parent, const char **why)
{
	switch (f->op) {
	case SCIM_F_AND:
	case SCIM_F_OR:
		return check_node(a, f->a, rd, parent, why) || check_node(a, f->b, rd, parent, why);
	case SCIM_F_NOT:
		return check_node(a, f->a, rd, parent, why);
	default:
		break;
	}
	if (parent) {
		/* Inside [], names are sub-attributes of the attribute before the bracket. */
		f->attr = f->path.urn || f->path.sub ? NULL : scim_attr_sub(parent, f->path.attr);
		f->sub = NULL;
		f->ext = NULL;
		if (!f->attr)
			return check_fail(a, why,
			                  arena_printf(a, "'%s' is not a sub-attribute of '%s'",
			                               path_text(a, &f->path), parent->name));
	} else {
		struct scim_resolved r;
		if (scim_resolve(rd, f->path.urn, f->path.attr, f->path.sub, &r))
			return check_fail(
			    a, why,
			    arena_printf(a, "unknown attribute '%s'", path_text(a, &f->path)));
		f->attr = r.attr;
		f->sub = r.sub;
		f->ext = r.ext;
	}
	if (f->op != SCIM_F_VALUEPATH)
		return check_compare(a, f, why);
	if (f->attr->type != SCIM_T_COMPLEX)
		return check_fail(
		    a, why,
		    arena_printf(a, "'%s' is not complex: [] does not apply", f->attr->name));
	return check_node(a, f->a, rd, f->attr, why);
}

int scim_filter_check(struct arena *a, struct scim_filter *f, const struct scim_rdef *rd,
                      const char **why)
{
	*why = NULL;
	return check_node(a, f, rd, NULL, why);
}

/* -- evaluation -------------------------------------------------------------------------- */

/* ASCII case folding: RFC 7643 §2.2 leaves the folding to the provider; names and addresses in
 * gcas are compared this way everywhere (emails are stored lower-cased). */
static int fold(int c, int exact)
{
	return !exact && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int str_cmp(const char *x, const char *y, int exact)
{
	for (;; x++, y++) {
		int a = fold((unsigned char)*x, exact), b = fold((unsigned char)*y, exact);
		if (a != b || !a)
			return a - b;
	}
}

static int starts_at(const char *s, const char *p, int exact)
{
	for (; *p; s++, p++)
		if (!*s || fold((unsigned char)*s, exact) != fold((unsigned char)*p, exact))
			return 0;
	return 1;
}

static int contains(const char *s, const char *p, int exact)
{
	for (; *s; s++)
		if (starts_at(s, p, exact))
			return 1;
	return !*p;
}

static int ends_with(const char *s, const char *p, int exact)
{
	size_t n = strlen(s), m = strlen(p);
	return m <= n && starts_at(s + n - m, p, exact);
}

static int order_ok(enum scim_fop op, int c)
{
	switch (op) {
	case SCIM_F_EQ:
		return c == 0;
	case SCIM_F_NE:
		return c != 0;
	case SCIM_F_GT:
		return c > 0;
	case SCIM_F_GE:
		return c >= 0;
	case SCIM_F_LT:
		return c < 0;
	case SCIM_F_LE:
		return c <= 0;
	default:
		return 0;
	}
}

/* One value v of the attribute against f's literal (not pr, not null). */
static int compare_one(const struct scim_filter *f, const struct scim_attr *leaf, const json_t *v)
{
	const struct scim_literal *l = &f->val;
	if (l->kind == SCIM_L_STRING && json_is_string(v)) {
		const char *s = json_string_value(v);
		int exact = leaf->case_exact;
		switch (f->op) {
		case SCIM_F_CO:
			return contains(s, l->s, exact);
		case SCIM_F_SW:
			return starts_at(s, l->s, exact);
		case SCIM_F_EW:
			return ends_with(s, l->s, exact);
		default:
			return order_ok(f->op, str_cmp(s, l->s, exact));
		}
	}
	if (l->kind == SCIM_L_BOOL && json_is_boolean(v))
		return order_ok(f->op, json_is_true(v) == l->b ? 0 : 1);
	if (l->kind == SCIM_L_NUMBER && json_is_number(v)) {
		if (l->is_int && json_is_integer(v)) {
			json_int_t x = json_integer_value(v);
			return order_ok(f->op, x < l->i ? -1 : x > l->i);
		}
		double x = json_number_value(v);
		return order_ok(f->op, x < l->num ? -1 : x > l->num);
	}
	return 0;
}

static int present(const json_t *v)
{
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_object(v))
		return json_object_size(v) > 0;
	return 1;
}

/* Does any value of the attribute satisfy the positive form of f? (ne is "not eq".) */
static int any_value(const struct scim_filter *f, const json_t *container)
{
	const json_t *obj = f->ext ? scim_json_get(container, f->ext, NULL) : container;
	json_t *v = scim_json_get(obj, f->attr->name, NULL);
	const struct scim_attr *leaf = leaf_of(f);
	const char *sub = f->sub ? f->sub->name : leaf != f->attr && leaf ? leaf->name : NULL;
	size_t i, n = json_is_array(v) ? json_array_size(v) : 1;
	for (i = 0; v && i < n; i++) {
		json_t *el = json_is_array(v) ? json_array_get(v, i) : v;
		if (sub && !json_is_object(el))
			continue;
		if (sub)
			el = scim_json_get(el, sub, NULL);
		if (f->op == SCIM_F_PR || f->val.kind == SCIM_L_NULL) {
			if (present(el))
				return 1;
			continue;
		}
		struct scim_filter pos = *f;
		if (f->op == SCIM_F_NE)
			pos.op = SCIM_F_EQ;
		if (el && compare_one(&pos, leaf, el))
			return 1;
	}
	return 0;
}

static int eval(const struct scim_filter *f, const json_t *container)
{
	switch (f->op) {
	case SCIM_F_AND:
		return eval(f->a, container) && eval(f->b, container);
	case SCIM_F_OR:
		return eval(f->a, container) || eval(f->b, container);
	case SCIM_F_NOT:
		return !eval(f->a, container);
	case SCIM_F_PR:
		return any_value(f, container);
	case SCIM_F_VALUEPATH: {
		const json_t *obj = f->ext ? scim_json_get(container, f->ext, NULL) : container;
		json_t *v = scim_json_get(obj, f->attr->name, NULL);
		size_t i;
		json_t *el;
		if (json_is_object(v))
			return eval(f->a, v);
		json_array_foreach(v, i, el) if (json_is_object(el) && eval(f->a, el)) return 1;
		return 0;
	}
	case SCIM_F_NE:
		/* ne null: present; ne "x": no value equals "x" (absent counts as not equal). */
		return f->val.kind == SCIM_L_NULL ? any_value(f, container)
		                                  : !any_value(f, container);
	default:
		if (f->val.kind == SCIM_L_NULL) /* eq null: unassigned (RFC 7643 §2.5) */
			return !any_value(f, container);
		return any_value(f, container);
	}
}

int scim_filter_match(const struct scim_filter *f, const json_t *res)
{
	return f && json_is_object(res) && eval(f, res);
}

int scim_filter_match_value(const struct scim_filter *f, const json_t *value)
{
	return f && json_is_object(value) && eval(f, value);
}

const char *scim_filter_simple_eq(const struct scim_filter *f, const char **value)
{
	if (!f || f->op != SCIM_F_EQ || !f->attr || f->sub || f->ext ||
	    f->attr->type == SCIM_T_COMPLEX || f->val.kind != SCIM_L_STRING)
		return NULL;
	*value = f->val.s;
	return f->attr->name;
}

/* -- PATCH paths ------------------------------------------------------------------------- */

enum gcas_err scim_patch_path_parse(struct arena *a, const char *text, size_t len,
                                    const struct scim_rdef *rd, struct scim_patch_path *out,
                                    const char **why, const char **type)
{
	struct parser ps;
	memset(out, 0, sizeof(*out));
	*type = "invalidPath";
	if (begin(&ps, a, text ? text : "", text ? len : 0)) {
		*why = ps.why;
		return GCAS_ERR_INVALID;
	}
	if (parse_path(&ps, &out->path))
		goto bad;
	if (ps.p < ps.end && *ps.p == '[') {
		if (out->path.sub) {
			fail(&ps, "[] follows an attribute, not a sub-attribute");
			goto bad;
		}
		ps.in_brackets = 1;
		out->filter = parse_group(&ps, ']');
		if (!out->filter) {
			*type = "invalidFilter";
			goto bad;
		}
		if (ps.p < ps.end && *ps.p == '.') {
			ps.p++;
			if (!(out->sub = attr_name(&ps)))
				goto bad;
		}
	}
	if (ps.p < ps.end) {
		fail(&ps, "unexpected text in the path");
		goto bad;
	}
	if (scim_resolve(rd, out->path.urn, out->path.attr, out->path.sub, &out->r)) {
		*why =
		    arena_printf(a, "unknown attribute '%s' in the path", path_text(a, &out->path));
		return GCAS_ERR_INVALID;
	}
	if (!out->filter)
		return GCAS_OK;
	if (out->r.attr->type != SCIM_T_COMPLEX || !out->r.attr->multi) {
		*why = arena_printf(a, "'%s' is not multi-valued: [] does not apply",
		                    out->r.attr->name);
		return GCAS_ERR_INVALID;
	}
	if (out->sub && !(out->r.sub = scim_attr_sub(out->r.attr, out->sub))) {
		*why = arena_printf(a, "'%s' is not a sub-attribute of '%s'", out->sub,
		                    out->r.attr->name);
		return GCAS_ERR_INVALID;
	}
	if (check_node(a, out->filter, rd, out->r.attr, why)) {
		*type = "invalidFilter";
		return GCAS_ERR_INVALID;
	}
	return GCAS_OK;
bad:
	*why = ps.why ? ps.why : "invalid path";
	return GCAS_ERR_INVALID;
}
