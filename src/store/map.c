/* SPDX-License-Identifier: MIT */
/* Mapping result rows (text) into C structs described by column maps, in the caller's arena; and
 * writing the JSON rows the bulk (*_MANY) statements take. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "store/internal.h"

struct list_ctx {
	struct arena *a;
	const struct colmap *cols;
	int ncols;
	size_t elem, max, n, cap;
	char *items;
	enum gcas_err err;
};

static enum gcas_err map_row(struct arena *a, const struct colmap *cols, int ncols, int n,
                             const char *const *vals, void *dst)
{
	if (n < ncols)
		return GCAS_ERR_INTERNAL;
	for (int i = 0; i < ncols; i++) {
		char *field = (char *)dst + cols[i].off;
		const char *v = vals[i];
		int64_t iv = 0;
		switch (cols[i].type) {
		case COL_STR: {
			const char *s = NULL;
			if (v && !(s = arena_strdup(a, v)))
				return GCAS_ERR_NOMEM;
			memcpy(field, &s, sizeof(s));
			break;
		}
		case COL_I64:
			if (v && str_to_i64(v, &iv))
				return GCAS_ERR_DB;
			memcpy(field, &iv, sizeof(iv));
			break;
		case COL_INT: {
			if (v && str_to_i64(v, &iv))
				return GCAS_ERR_DB;
			int x = (int)iv;
			memcpy(field, &x, sizeof(x));
			break;
		}
		case COL_ENUM: {
			int x = v ? cols[i].parse(v) : -1;
			if (x < 0)
				return GCAS_ERR_DB; /* a value the schema's CHECK should have
				                       refused */
			memcpy(field, &x, sizeof(x));
			break;
		}
		}
	}
	return GCAS_OK;
}

static int list_row(void *ctx, int n, const char *const *vals)
{
	struct list_ctx *c = ctx;
	if (c->n >= c->max)
		return 1;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		if (ncap > c->max)
			ncap = c->max;
		char *items = arena_alloc(c->a, ncap * c->elem);
		if (!items) {
			c->err = GCAS_ERR_NOMEM;
			return 1;
		}
		if (c->n)
			memcpy(items, c->items, c->n * c->elem);
		c->items = items;
		c->cap = ncap;
	}
	c->err = map_row(c->a, c->cols, c->ncols, n, vals, c->items + c->n * c->elem);
	if (c->err)
		return 1;
	c->n++;
	return 0;
}

enum gcas_err db_query_list(struct db *db, struct arena *a, enum stmt_id id,
                            const struct db_param *p, int np, const struct colmap *cols, int ncols,
                            size_t elem, size_t max, void **out, size_t *n)
{
	struct list_ctx c = {.a = a, .cols = cols, .ncols = ncols, .elem = elem, .max = max};
	enum gcas_err e = db->drv->exec(db, id, p, np, list_row, &c, NULL);
	if (!e)
		e = c.err;
	*out = e ? NULL : c.items;
	*n = e ? 0 : c.n;
	return e;
}

struct one_ctx {
	struct arena *a;
	const struct colmap *cols;
	int ncols, found;
	void *out;
	enum gcas_err err;
};

static int one_row(void *ctx, int n, const char *const *vals)
{
	struct one_ctx *o = ctx;
	o->err = map_row(o->a, o->cols, o->ncols, n, vals, o->out);
	o->found = 1;
	return 1;
}

enum gcas_err db_query_one(struct db *db, struct arena *a, enum stmt_id id,
                           const struct db_param *p, int np, const struct colmap *cols, int ncols,
                           void *out)
{
	struct one_ctx o = {a, cols, ncols, 0, out, GCAS_OK};
	enum gcas_err e = db->drv->exec(db, id, p, np, one_row, &o, NULL);
	if (e)
		return e;
	if (o.err)
		return o.err;
	return o.found ? GCAS_OK : GCAS_ERR_NOTFOUND;
}

enum gcas_err db_change(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                        int64_t *changes)
{
	int64_t n = 0;
	enum gcas_err e = db->drv->exec(db, id, p, np, NULL, NULL, &n);
	if (e)
		return e;
	if (changes) {
		*changes = n;
		return GCAS_OK;
	}
	return n == 0 ? GCAS_ERR_NOTFOUND : GCAS_OK;
}

enum gcas_err db_change_later(struct db *db, enum stmt_id id, const struct db_param *p, int np)
{
	if (db->drv->defer)
		return db->drv->defer(db, id, p, np);
	return db->drv->exec(db, id, p, np, NULL, NULL, NULL);
}

static int int_row(void *ctx, int n, const char *const *vals)
{
	int64_t *out = ctx;
	if (n < 1 || !vals[0] || str_to_i64(vals[0], out))
		*out = -1;
	return 1;
}

enum gcas_err db_query_int(struct db *db, enum stmt_id id, const struct db_param *p, int np,
                           int64_t *out)
{
	*out = -1;
	enum gcas_err e = db->drv->exec(db, id, p, np, int_row, out, NULL);
	if (e)
		return e;
	return *out < 0 ? GCAS_ERR_NOTFOUND : GCAS_OK;
}

int db_page_limit(const struct page *pg, int max)
{
	if (!pg || pg->limit <= 0)
		return 50;
	return pg->limit > max ? max : pg->limit;
}

void db_keyset_split(struct arena *a, const char *after, const char **k, const char **id)
{
	*k = *id = NULL;
	if (!after)
		return;
	const char *sep = strchr(after, '\x1f');
	if (!sep) {
		*k = after;
		*id = "";
		return;
	}
	*k = arena_strndup(a, after, (size_t)(sep - after));
	*id = sep + 1;
}

const char *db_keyset_make(struct arena *a, const char *k, const char *id)
{
	return arena_printf(a, "%s\x1f%s", k, id);
}

void jrows_init(struct jrows *r)
{
	*r = (struct jrows){0};
	buf_init(&r->b, 0);
	buf_putc(&r->b, '[');
}

void jrows_row(struct jrows *r)
{
	buf_puts(&r->b, r->n++ ? "},{" : "{");
	r->fields = 0;
}

static void jrows_key(struct jrows *r, const char *key)
{
	if (r->fields++)
		buf_putc(&r->b, ',');
	buf_putc(&r->b, '"');
	buf_puts(&r->b, key);
	buf_puts(&r->b, "\":");
}

void jrows_str(struct jrows *r, const char *key, const char *v)
{
	jrows_key(r, key);
	enum gcas_err e = v ? buf_json_str(&r->b, v) : buf_puts(&r->b, "null");
	if (e && !r->e)
		r->e = e;
}

void jrows_int(struct jrows *r, const char *key, int64_t v)
{
	jrows_key(r, key);
	buf_printf(&r->b, "%" PRId64, v);
}

enum gcas_err db_change_rows(struct db *db, enum stmt_id id, struct jrows *r)
{
	buf_puts(&r->b, r->n ? "}]" : "]");
	enum gcas_err e = r->e ? r->e : r->b.failed ? GCAS_ERR_NOMEM : GCAS_OK;
	int64_t k = 0;
	if (!e) {
		struct db_param p[] = {P_TEXT(r->b.data)};
		e = db_change(db, id, p, 1, &k);
	}
	if (!e && k != (int64_t)r->n)
		e = GCAS_ERR_INTERNAL;
	buf_free(&r->b);
	return e;
}
