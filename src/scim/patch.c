/* SPDX-License-Identifier: MIT */
/* SCIM PATCH (RFC 7644 §3.5.2): parsing of the PatchOp message and the add / remove / replace
 * semantics of §3.5.2.1–3, with and without a path, with valuePath filters, and the forms the
 * big identity providers send (Azure AD's "remove members with a value list", AWS's 100-member
 * add). */
#include "scim/patch.h"

#include <string.h>

#include "base/str.h"

static enum gcas_err perr(struct scim_error *err, const char *type, const char *detail)
{
	scim_error_set(err, 400, type, detail);
	return GCAS_ERR_INVALID;
}

static void decref(void *p)
{
	json_decref(p);
}

static int schemas_has(const json_t *schemas, const char *urn)
{
	size_t i;
	json_t *s;
	json_array_foreach(schemas, i, s) if (json_is_string(s) &&
	                                      strcmp(json_string_value(s), urn) == 0) return 1;
	return 0;
}

static enum gcas_err parse_op(struct arena *a, const struct scim_rdef *rd, size_t i, json_t *o,
                              struct scim_patch_op *op, struct scim_error *err)
{
	if (!json_is_object(o))
		return perr(err, "invalidSyntax",
		            arena_printf(a, "Operations[%zu] must be an object.", i));
	json_t *name = scim_json_get(o, "op", NULL);
	const char *n = json_string_value(name);
	if (n && str_ieq(n, "add"))
		op->op = SCIM_P_ADD;
	else if (n && str_ieq(n, "remove"))
		op->op = SCIM_P_REMOVE;
	else if (n && str_ieq(n, "replace"))
		op->op = SCIM_P_REPLACE;
	else
		return perr(
		    err, "invalidSyntax",
		    arena_printf(a, "Operations[%zu].op must be add, remove or replace.", i));
	json_t *path = scim_json_get(o, "path", NULL);
	op->value = scim_json_get(o, "value", NULL);
	if (path && !json_is_string(path))
		return perr(err, "invalidPath",
		            arena_printf(a, "Operations[%zu].path must be a string.", i));
	if (path && json_string_length(path)) {
		const char *why, *type;
		op->has_path = 1;
		if (scim_patch_path_parse(a, json_string_value(path), json_string_length(path), rd,
		                          &op->path, &why, &type))
			return perr(err, type,
			            arena_printf(a, "Operations[%zu].path: %s.", i, why));
	}
	if (op->op != SCIM_P_REMOVE && (!op->value || json_is_null(op->value)))
		return perr(err, "invalidValue",
		            arena_printf(a, "Operations[%zu] needs a value.", i));
	/* §3.5.2.2: remove without a path is noTarget. */
	if (op->op == SCIM_P_REMOVE && !op->has_path)
		return perr(err, "noTarget",
		            arena_printf(a, "Operations[%zu]: remove needs a path.", i));
	if (!op->has_path && !json_is_object(op->value))
		return perr(err, "invalidValue",
		            arena_printf(a,
		                         "Operations[%zu]: without a path the value must be an "
		                         "object of attributes.",
		                         i));
	return GCAS_OK;
}

enum gcas_err scim_patch_parse(struct arena *a, const struct scim_rdef *rd, const char *body,
                               size_t len, struct scim_patch *out, struct scim_error *err)
{
	json_error_t je;
	memset(out, 0, sizeof(*out));
	json_t *doc = json_loadb(body ? body : "", body ? len : 0, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return perr(err, "invalidSyntax", "The request body is not valid JSON.");
	if (arena_defer(a, decref, doc))
		return GCAS_ERR_NOMEM;
	if (!json_is_object(doc))
		return perr(err, "invalidSyntax", "The request body must be a JSON object.");
	if (!schemas_has(scim_json_get(doc, "schemas", NULL), SCIM_MSG_PATCH))
		return perr(err, "invalidSyntax", "schemas must contain " SCIM_MSG_PATCH ".");
	json_t *ops = scim_json_get(doc, "Operations", NULL);
	if (!json_is_array(ops) || json_array_size(ops) == 0)
		return perr(err, "invalidSyntax", "Operations must be a non-empty array.");
	if (json_array_size(ops) > SCIM_PATCH_MAX_OPS)
		return perr(err, "tooMany", "At most 1000 operations in one PATCH.");
	out->n = json_array_size(ops);
	out->ops = arena_alloc(a, out->n * sizeof(*out->ops));
	if (!out->ops)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < out->n; i++) {
		enum gcas_err e = parse_op(a, rd, i, json_array_get(ops, i), &out->ops[i], err);
		if (e)
			return e;
	}
	return GCAS_OK;
}

/* -- applying ---------------------------------------------------------------------------- */

struct target {
	json_t *container; /* the resource or its extension object */
	const char *key;   /* the attribute's key as stored, or its schema name */
	const struct scim_attr *attr, *sub;
};

/* Find (create = make the extension object when missing) where r lives in res. */
static int locate(json_t *res, const struct scim_resolved *r, int create, struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->attr = r->attr;
	t->sub = r->sub;
	t->container = res;
	if (r->ext) {
		const char *k;
		json_t *e = scim_json_get(res, r->ext, &k);
		if (!json_is_object(e)) {
			if (!create)
				return -1;
			e = json_object();
			json_object_set_new(res, r->ext, e);
		}
		t->container = e;
	}
	if (!scim_json_get(t->container, r->attr->name, &t->key))
		t->key = r->attr->name;
	return 0;
}

static json_t *as_list(json_t *v)
{
	return json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
}

/* The identity of a multi-valued element for duplicate and removal matching: its "value"
 * sub-attribute when it has one (members, emails), else the whole element. */
static int same_element(const json_t *x, const json_t *y)
{
	json_t *vx = scim_json_get(x, "value", NULL), *vy = scim_json_get(y, "value", NULL);
	if (json_is_string(vx) && json_is_string(vy))
		return strcmp(json_string_value(vx), json_string_value(vy)) == 0;
	return json_equal((json_t *)x, (json_t *)y);
}

static int list_has(const json_t *arr, const json_t *v)
{
	size_t i;
	json_t *el;
	json_array_foreach(arr, i, el) if (same_element(el, v)) return 1;
	return 0;
}

static void merge_into(json_t *dst, const json_t *src)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)src, k, v)
	{
		scim_json_del(dst, k);
		json_object_set(dst, k, v);
	}
}

/* add / replace on a whole attribute (no sub-attribute, no filter). */
static enum gcas_err set_attr(struct target *t, enum scim_pop op, json_t *value)
{
	json_t *cur = json_object_get(t->container, t->key);
	if (t->attr->multi) {
		json_t *vals = as_list(value);
		if (op == SCIM_P_REPLACE || !json_is_array(cur)) {
			json_object_set_new(t->container, t->key, vals);
			return GCAS_OK;
		}
		/* §3.5.2.1: add to a multi-valued attribute appends; a value already there is not
		 * added twice. */
		size_t i;
		json_t *el;
		json_array_foreach(vals, i, el) if (!list_has(cur, el)) json_array_append(cur, el);
		json_decref(vals);
		return GCAS_OK;
	}
	if (t->attr->type == SCIM_T_COMPLEX && json_is_object(value) && json_is_object(cur)) {
		/* A complex value names sub-attributes; those not named stay (§3.5.2.3). */
		merge_into(cur, value);
		return GCAS_OK;
	}
	json_object_set(t->container, t->key, value);
	return GCAS_OK;
}

static void set_sub(json_t *obj, const char *sub, json_t *value)
{
	scim_json_del(obj, sub);
	json_object_set(obj, sub, value);
}

/* add / replace / remove of attr.sub without a filter. */
static enum gcas_err on_sub(struct target *t, enum scim_pop op, json_t *value)
{
	json_t *cur = json_object_get(t->container, t->key);
	size_t i;
	json_t *el;
	if (!t->attr->multi) {
		if (op == SCIM_P_REMOVE) {
			if (json_is_object(cur))
				scim_json_del(cur, t->sub->name);
			return GCAS_OK;
		}
		if (!json_is_object(cur)) {
			cur = json_object();
			json_object_set_new(t->container, t->key, cur);
		}
		set_sub(cur, t->sub->name, value);
		return GCAS_OK;
	}
	/* A multi-valued parent without a filter: every value (§3.5.2.3). */
	if (op != SCIM_P_REMOVE && (!json_is_array(cur) || json_array_size(cur) == 0)) {
		json_object_set_new(t->container, t->key, json_pack("[{sO}]", t->sub->name, value));
		return GCAS_OK;
	}
	json_array_foreach(cur, i, el)
	{
		if (!json_is_object(el))
			continue;
		if (op == SCIM_P_REMOVE)
			scim_json_del(el, t->sub->name);
		else
			set_sub(el, t->sub->name, value);
	}
	return GCAS_OK;
}

/* The pairs of a filter made only of `sub eq literal` joined by and, as an object (what a new
 * element must contain to match it); NULL when the filter is anything else. */
static json_t *eq_template(const struct scim_filter *f, json_t *into)
{
	if (!into)
		return NULL;
	if (f->op == SCIM_F_AND)
		return eq_template(f->b, eq_template(f->a, into));
	if (f->op != SCIM_F_EQ || f->val.kind == SCIM_L_NULL) {
		json_decref(into);
		return NULL;
	}
	json_t *v = f->val.kind == SCIM_L_STRING ? json_string(f->val.s)
	            : f->val.kind == SCIM_L_BOOL ? json_boolean(f->val.b)
	            : f->val.is_int              ? json_integer(f->val.i)
	                                         : json_real(f->val.num);
	json_object_set_new(into, f->attr->name, v);
	return into;
}

/* Operations with a valuePath filter. */
static enum gcas_err on_filter(struct target *t, const struct scim_patch_op *op,
                               struct scim_error *err)
{
	json_t *cur = json_object_get(t->container, t->key);
	const struct scim_filter *f = op->path.filter;
	size_t matched = 0;
	if (op->op == SCIM_P_REMOVE) {
		for (size_t i = json_array_size(cur); i-- > 0;) {
			json_t *el = json_array_get(cur, i);
			if (!scim_filter_match_value(f, el))
				continue;
			if (t->sub)
				scim_json_del(el, t->sub->name);
			else
				json_array_remove(cur, i);
		}
		return GCAS_OK;
	}
	for (size_t i = 0; i < json_array_size(cur); i++) {
		json_t *el = json_array_get(cur, i);
		if (!scim_filter_match_value(f, el))
			continue;
		matched++;
		if (t->sub)
			set_sub(el, t->sub->name, op->value);
		else if (json_is_object(op->value))
			json_array_set(cur, i, op->value);
		else
			return perr(err, "invalidValue",
			            "A filtered value must be replaced by an object.");
	}
	if (matched)
		return GCAS_OK;
	/* add through a filter that matches nothing creates the value it describes
	 * (emails[type eq "work"].value = "x"), which Azure AD relies on. */
	json_t *el = op->op == SCIM_P_ADD ? eq_template(f, json_object()) : NULL;
	if (!el)
		return perr(err, "noTarget", "The filter in the path matched no value.");
	if (t->sub)
		set_sub(el, t->sub->name, op->value);
	else if (json_is_object(op->value))
		merge_into(el, op->value);
	if (!json_is_array(cur)) {
		cur = json_array();
		json_object_set_new(t->container, t->key, cur);
	}
	json_array_append_new(cur, el);
	return GCAS_OK;
}

/* remove of a whole attribute: with a value list on a multi-valued attribute only those values
 * go (Azure AD: {"op":"remove","path":"members","value":[{"value":"id"}]}). */
static enum gcas_err remove_attr(struct target *t, json_t *value)
{
	json_t *cur = json_object_get(t->container, t->key);
	if (!t->attr->multi || !value || json_is_null(value) || !json_is_array(cur)) {
		json_object_del(t->container, t->key);
		return GCAS_OK;
	}
	json_t *vals = as_list(value);
	for (size_t i = json_array_size(cur); i-- > 0;)
		if (list_has(vals, json_array_get(cur, i)))
			json_array_remove(cur, i);
	json_decref(vals);
	return GCAS_OK;
}

static int read_only(const struct scim_resolved *r)
{
	return r->attr->mut == SCIM_M_RO || (r->sub && r->sub->mut == SCIM_M_RO);
}

static enum gcas_err apply_path(struct arena *a, json_t *res, const struct scim_patch_op *op,
                                struct scim_error *err)
{
	struct target t;
	const struct scim_resolved *r = &op->path.r;
	if (read_only(r))
		return perr(err, "mutability",
		            arena_printf(a, "Attribute '%s' is readOnly.", r->attr->name));
	if (locate(res, r, op->op != SCIM_P_REMOVE, &t))
		return GCAS_OK; /* removing from an extension that is not there */
	if (op->path.filter)
		return on_filter(&t, op, err);
	if (r->sub)
		return on_sub(&t, op->op, op->value);
	if (op->op == SCIM_P_REMOVE)
		return remove_attr(&t, op->value);
	return set_attr(&t, op->op, op->value);
}

/* add / replace without a path: each member of the value object is an attribute (or an
 * extension object, or a path such as "name.givenName", which Azure AD sends). */
static enum gcas_err apply_object(struct arena *a, const struct scim_rdef *rd, json_t *res,
                                  const struct scim_patch_op *op, json_t *value, const char *urn,
                                  struct scim_error *err)
{
	const char *k;
	json_t *v;
	json_object_foreach(value, k, v)
	{
		if (!urn && rd->ext && str_ieq(k, rd->ext->id) && json_is_object(v)) {
			enum gcas_err e = apply_object(a, rd, res, op, v, rd->ext->id, err);
			if (e)
				return e;
			continue;
		}
		if (!urn && str_ieq(k, "schemas"))
			continue;
		struct scim_patch_op one = {.op = op->op, .has_path = 1, .value = v};
		const char *why, *type;
		const char *path = urn ? arena_printf(a, "%s:%s", urn, k) : k;
		if (!path)
			return GCAS_ERR_NOMEM;
		/* Unknown attributes are ignored, as in a POST (RFC 7643 §2: the schema says what
		 * the provider keeps). */
		if (scim_patch_path_parse(a, path, strlen(path), rd, &one.path, &why, &type) ||
		    one.path.filter)
			continue;
		/* The provider's own attributes (id, meta, groups) sent back with the rest are
		 * ignored here as in a PUT; naming one in a path is the mutability error. */
		if (read_only(&one.path.r))
			continue;
		if (json_is_null(v)) {
			one.op = SCIM_P_REMOVE;
			one.value = NULL;
		}
		enum gcas_err e = apply_path(a, res, &one, err);
		if (e)
			return e;
	}
	return GCAS_OK;
}

enum gcas_err scim_patch_apply(struct arena *a, const struct scim_rdef *rd,
                               const struct scim_patch *p, json_t *res, struct scim_error *err)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct scim_patch_op *op = &p->ops[i];
		enum gcas_err e = op->has_path ? apply_path(a, res, op, err)
		                               : apply_object(a, rd, res, op, op->value, NULL, err);
		if (e)
			return e;
	}
	return GCAS_OK;
}
