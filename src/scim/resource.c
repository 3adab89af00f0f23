/* SPDX-License-Identifier: MIT */
/* SCIM resources (RFC 7643): the schema tables of User (§4.1), the enterprise extension (§4.3)
 * and Group (§4.2), resolution of attribute paths, cleaning of client representations, meta and
 * ETags, projection, paging, ListResponse, the error message, and the discovery documents. */
#include "scim/resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/str.h"

/* -- schema tables --------------------------------------------------------------------- */

#define N(x) (sizeof(x) / sizeof((x)[0]))
/* Attribute with the RFC's defaults: single-valued, optional, case-insensitive, readWrite,
 * returned by default, not unique. */
#define ATTR(n, t, d, ...)                                                                         \
	{                                                                                          \
		.name = n, .type = SCIM_T_##t, .desc = d, __VA_ARGS__                              \
	}
#define CPLX(n, d, subs, ...)                                                                      \
	{                                                                                          \
		.name = n, .type = SCIM_T_COMPLEX, .desc = d, .sub = subs, .nsub = N(subs),        \
		__VA_ARGS__                                                                        \
	}

static const char *const email_types[] = {"work", "home", "other", NULL};
static const char *const phone_types[] = {"work", "home", "mobile", "fax", "pager", "other", NULL};
static const char *const addr_types[] = {"work", "home", "other", NULL};
static const char *const group_types[] = {"direct", "indirect", NULL};
static const char *const member_types[] = {"User", "Group", NULL};
static const char *const ref_user[] = {"User", NULL};
static const char *const ref_group[] = {"Group", NULL};
static const char *const ref_member[] = {"User", "Group", NULL};
static const char *const ref_external[] = {"external", NULL};

static const struct scim_attr name_sub[] = {
    ATTR("formatted", STRING, "The full name, formatted for display."),
    ATTR("familyName", STRING, "The family name (last name in most Western languages)."),
    ATTR("givenName", STRING, "The given name (first name in most Western languages)."),
    ATTR("middleName", STRING, "The middle name(s)."),
    ATTR("honorificPrefix", STRING, "Honorific prefix(es), e.g. 'Ms.'."),
    ATTR("honorificSuffix", STRING, "Honorific suffix(es), e.g. 'III'."),
};
static const struct scim_attr email_sub[] = {
    ATTR("value", STRING, "The email address."),
    ATTR("display", STRING, "A human-readable name, primarily used for display purposes."),
    ATTR("type", STRING, "A label indicating the attribute's function.", .canonical = email_types),
    ATTR("primary", BOOLEAN, "The primary address."),
};
static const struct scim_attr phone_sub[] = {
    ATTR("value", STRING, "The phone number."),
    ATTR("display", STRING, "A human-readable name, primarily used for display purposes."),
    ATTR("type", STRING, "A label indicating the attribute's function.", .canonical = phone_types),
    ATTR("primary", BOOLEAN, "The primary number."),
};
static const struct scim_attr address_sub[] = {
    ATTR("formatted", STRING, "The full mailing address, formatted for display."),
    ATTR("streetAddress", STRING, "The street address."),
    ATTR("locality", STRING, "The city or locality."),
    ATTR("region", STRING, "The state or region."),
    ATTR("postalCode", STRING, "The zip code or postal code."),
    ATTR("country", STRING, "The country name (ISO 3166-1 alpha-2)."),
    ATTR("type", STRING, "A label indicating the attribute's function.", .canonical = addr_types),
    ATTR("primary", BOOLEAN, "The primary address."),
};
static const struct scim_attr user_group_sub[] = {
    ATTR("value", STRING, "The identifier of the User's group.", .mut = SCIM_M_RO),
    ATTR("$ref", REFERENCE, "The URI of the corresponding Group resource.", .mut = SCIM_M_RO,
         .refs = ref_group),
    ATTR("display", STRING, "A human-readable name.", .mut = SCIM_M_RO),
    ATTR("type", STRING, "Membership: direct or indirect.", .mut = SCIM_M_RO,
         .canonical = group_types),
};
static const struct scim_attr role_sub[] = {
    ATTR("value", STRING, "The value of a role."),
    ATTR("display", STRING, "A human-readable name."),
    ATTR("type", STRING, "A label indicating the attribute's function."),
    ATTR("primary", BOOLEAN, "The primary role."),
};

static const struct scim_attr user_attrs[] = {
    ATTR("userName", STRING, "Unique identifier for the User, used to sign in.", .required = 1,
         .uniq = SCIM_U_SERVER),
    CPLX("name", "The components of the user's real name.", name_sub),
    ATTR("displayName", STRING, "The name of the User, suitable for display."),
    ATTR("nickName", STRING, "The casual way to address the user."),
    ATTR("profileUrl", REFERENCE, "A URI of the user's online profile.", .refs = ref_external),
    ATTR("title", STRING, "The user's title, such as 'Vice President'."),
    ATTR("userType", STRING, "The relationship between the organization and the user."),
    ATTR("preferredLanguage", STRING, "The user's preferred written or spoken language."),
    ATTR("locale", STRING, "The user's default location for localization."),
    ATTR("timezone", STRING, "The user's time zone (IANA Time Zone database)."),
    ATTR("active", BOOLEAN, "The user's administrative status."),
    ATTR("password", STRING, "Not accepted: sign-in is by SSO.", .mut = SCIM_M_WO,
         .ret = SCIM_R_NEVER, .case_exact = 1),
    CPLX("emails", "Email addresses for the user.", email_sub, .multi = 1),
    CPLX("phoneNumbers", "Phone numbers for the user.", phone_sub, .multi = 1),
    CPLX("addresses", "A physical mailing address for this user.", address_sub, .multi = 1),
    CPLX("groups", "The groups the user belongs to.", user_group_sub, .multi = 1, .mut = SCIM_M_RO),
    CPLX("roles", "Roles for the user.", role_sub, .multi = 1),
};

static const struct scim_attr manager_sub[] = {
    ATTR("value", STRING, "The id of the SCIM resource representing the user's manager."),
    ATTR("$ref", REFERENCE, "The URI of the manager's User resource.", .refs = ref_user),
    ATTR("displayName", STRING, "The displayName of the user's manager.", .mut = SCIM_M_RO),
};
static const struct scim_attr enterprise_attrs[] = {
    ATTR("employeeNumber", STRING, "Numeric or alphanumeric identifier assigned to a person."),
    ATTR("costCenter", STRING, "Identifies the name of a cost center."),
    ATTR("organization", STRING, "Identifies the name of an organization."),
    ATTR("division", STRING, "Identifies the name of a division."),
    ATTR("department", STRING, "Identifies the name of a department."),
    CPLX("manager", "The user's manager.", manager_sub),
};

static const struct scim_attr member_sub[] = {
    ATTR("value", STRING, "Identifier of the member of this Group.", .mut = SCIM_M_IMMUTABLE),
    ATTR("$ref", REFERENCE, "The URI of the member resource.", .mut = SCIM_M_IMMUTABLE,
         .refs = ref_member),
    ATTR("display", STRING, "A human-readable name of the member.", .mut = SCIM_M_RO),
    ATTR("type", STRING, "The type of the member.", .mut = SCIM_M_IMMUTABLE,
         .canonical = member_types),
};
static const struct scim_attr group_attrs[] = {
    ATTR("displayName", STRING, "A human-readable name for the Group.", .required = 1),
    CPLX("members", "A list of members of the Group.", member_sub, .multi = 1),
};

/* Common attributes (RFC 7643 §3.1): on every resource, not part of a schema document. */
static const struct scim_attr meta_sub[] = {
    ATTR("resourceType", STRING, "The name of the resource type.", .mut = SCIM_M_RO,
         .case_exact = 1),
    ATTR("created", DATETIME, "When the resource was added.", .mut = SCIM_M_RO),
    ATTR("lastModified", DATETIME, "When the resource was last modified.", .mut = SCIM_M_RO),
    ATTR("location", REFERENCE, "The URI of the resource.", .mut = SCIM_M_RO, .case_exact = 1),
    ATTR("version", STRING, "The version (entity tag) of the resource.", .mut = SCIM_M_RO,
         .case_exact = 1),
};
static const struct scim_attr common_attrs[] = {
    ATTR("id", STRING, "Unique identifier assigned by the service provider.", .mut = SCIM_M_RO,
         .ret = SCIM_R_ALWAYS, .case_exact = 1, .uniq = SCIM_U_SERVER),
    ATTR("externalId", STRING, "Identifier assigned by the provisioning client.", .case_exact = 1),
    CPLX("meta", "Resource metadata.", meta_sub, .mut = SCIM_M_RO),
};

static const struct scim_schema user_schema = {SCIM_SCHEMA_USER, "User", "User Account", user_attrs,
                                               N(user_attrs)};
static const struct scim_schema enterprise_schema = {SCIM_SCHEMA_ENTERPRISE, "EnterpriseUser",
                                                     "Enterprise User", enterprise_attrs,
                                                     N(enterprise_attrs)};
static const struct scim_schema group_schema = {SCIM_SCHEMA_GROUP, "Group", "Group", group_attrs,
                                                N(group_attrs)};

static const struct scim_rdef rdefs[SCIM_RTYPE__MAX] = {
    [SCIM_USER] = {SCIM_USER, "User", "/Users", "User Account", &user_schema, &enterprise_schema},
    [SCIM_GROUP] = {SCIM_GROUP, "Group", "/Groups", "Group", &group_schema, NULL},
};

const struct scim_rdef *scim_rdef_get(enum scim_rtype t)
{
	return (unsigned)t < SCIM_RTYPE__MAX ? &rdefs[t] : NULL;
}

/* -- resolution -------------------------------------------------------------------------- */

static const struct scim_attr *find_attr(const struct scim_attr *list, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (str_ieq(list[i].name, name))
			return &list[i];
	return NULL;
}

const struct scim_attr *scim_attr_sub(const struct scim_attr *a, const char *name)
{
	return a && a->type == SCIM_T_COMPLEX ? find_attr(a->sub, a->nsub, name) : NULL;
}

int scim_resolve(const struct scim_rdef *rd, const char *urn, const char *attr, const char *sub,
                 struct scim_resolved *out)
{
	const struct scim_attr *a = NULL;
	memset(out, 0, sizeof(*out));
	if (!attr)
		return -1;
	if (urn && str_ieq(urn, rd->core->id)) {
		a = find_attr(rd->core->attrs, rd->core->nattrs, attr);
		if (!a)
			a = find_attr(common_attrs, N(common_attrs), attr);
	} else if (urn && rd->ext && str_ieq(urn, rd->ext->id)) {
		a = find_attr(rd->ext->attrs, rd->ext->nattrs, attr);
		out->ext = rd->ext->id;
	} else if (urn) {
		return -1;
	} else {
		a = find_attr(common_attrs, N(common_attrs), attr);
		if (!a)
			a = find_attr(rd->core->attrs, rd->core->nattrs, attr);
		if (!a && rd->ext && (a = find_attr(rd->ext->attrs, rd->ext->nattrs, attr)))
			out->ext = rd->ext->id;
	}
	if (!a)
		return -1;
	out->attr = a;
	if (sub) {
		out->sub = scim_attr_sub(a, sub);
		if (!out->sub)
			return -1;
	}
	return 0;
}

/* -- JSON helpers ------------------------------------------------------------------------ */

json_t *scim_json_get(const json_t *obj, const char *name, const char **key)
{
	const char *k;
	json_t *v;
	if (!json_is_object(obj) || !name)
		return NULL;
	/* Exact first: the common case, and what a client that spells names right gets. */
	v = json_object_get(obj, name);
	if (v) {
		if (key)
			*key = name;
		return v;
	}
	json_object_foreach((json_t *)obj, k, v)
	{
		if (str_ieq(k, name)) {
			if (key)
				*key = k;
			return v;
		}
	}
	return NULL;
}

void scim_json_del(json_t *obj, const char *name)
{
	const char *k;
	for (;;) {
		if (!scim_json_get(obj, name, &k))
			return;
		json_object_del(obj, k);
	}
}

/* -- errors ------------------------------------------------------------------------------ */

void scim_error_set(struct scim_error *e, int status, const char *type, const char *detail)
{
	if (!e)
		return;
	e->status = status;
	e->type = type;
	e->detail = detail;
}

json_t *scim_error_json(const struct scim_error *e)
{
	char st[16];
	json_t *o = json_object();
	snprintf(st, sizeof(st), "%d", e->status);
	json_object_set_new(o, "schemas", json_pack("[s]", SCIM_MSG_ERROR));
	/* RFC 7644 §3.12: "status" is the HTTP status code as a string. */
	json_object_set_new(o, "status", json_string(st));
	if (e->type)
		json_object_set_new(o, "scimType", json_string(e->type));
	if (e->detail)
		json_object_set_new(o, "detail", json_string(e->detail));
	return o;
}

/* -- cleaning ---------------------------------------------------------------------------- */

#define SCIM_MAX_STRING 8192

struct clean {
	struct arena *a;
	struct scim_error *err;
};

static enum gcas_err bad_value(struct clean *c, const char *path, const char *why)
{
	scim_error_set(c->err, 400, "invalidValue",
	               arena_printf(c->a, "Attribute '%s' %s.", path, why));
	return GCAS_ERR_INVALID;
}

/* One simple (non-complex) value checked against its type; *out is a new reference. */
static enum gcas_err clean_simple(struct clean *c, const struct scim_attr *at, const char *path,
                                  json_t *v, json_t **out)
{
	switch (at->type) {
	case SCIM_T_BOOLEAN:
		if (json_is_boolean(v)) {
			*out = json_incref(v);
			return GCAS_OK;
		}
		/* Azure AD sends "True"/"False" as strings in PATCH values. */
		if (json_is_string(v) && (str_ieq(json_string_value(v), "true") ||
		                          str_ieq(json_string_value(v), "false"))) {
			*out = json_boolean(str_ieq(json_string_value(v), "true"));
			return GCAS_OK;
		}
		return bad_value(c, path, "must be a boolean");
	case SCIM_T_INTEGER:
		if (!json_is_integer(v))
			return bad_value(c, path, "must be an integer");
		break;
	case SCIM_T_DECIMAL:
		if (!json_is_number(v))
			return bad_value(c, path, "must be a number");
		break;
	default: /* string, reference, dateTime, binary */
		if (!json_is_string(v))
			return bad_value(c, path, "must be a string");
		if (json_string_length(v) > SCIM_MAX_STRING ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return bad_value(c, path, "is too long or contains NUL");
		break;
	}
	*out = json_incref(v);
	return GCAS_OK;
}

static enum gcas_err clean_value(struct clean *c, const struct scim_attr *at, const char *path,
                                 json_t *v, json_t **out);

/* A complex value: known, writable sub-attributes only. */
static enum gcas_err clean_complex(struct clean *c, const struct scim_attr *at, const char *path,
                                   json_t *v, json_t **out)
{
	const char *k;
	json_t *sv;
	if (!json_is_object(v))
		return bad_value(c, path, "must be an object");
	json_t *o = json_object();
	json_object_foreach(v, k, sv)
	{
		const struct scim_attr *s = scim_attr_sub(at, k);
		json_t *cv = NULL;
		if (!s || s->mut == SCIM_M_RO || json_is_null(sv))
			continue;
		enum gcas_err e =
		    clean_value(c, s, arena_printf(c->a, "%s.%s", path, s->name), sv, &cv);
		if (e) {
			json_decref(o);
			return e;
		}
		json_object_set_new(o, s->name, cv);
	}
	*out = o;
	return GCAS_OK;
}

static enum gcas_err clean_one(struct clean *c, const struct scim_attr *at, const char *path,
                               json_t *v, json_t **out)
{
	if (at->type == SCIM_T_COMPLEX)
		return clean_complex(c, at, path, v, out);
	return clean_simple(c, at, path, v, out);
}

static enum gcas_err clean_value(struct clean *c, const struct scim_attr *at, const char *path,
                                 json_t *v, json_t **out)
{
	size_t i;
	json_t *el;
	if (!at->multi) {
		if (json_is_array(v))
			return bad_value(c, path, "is single-valued");
		return clean_one(c, at, path, v, out);
	}
	/* A lone value for a multi-valued attribute is taken as a list of one. */
	if (!json_is_array(v)) {
		json_t *one = NULL;
		enum gcas_err e = clean_one(c, at, path, v, &one);
		if (e)
			return e;
		*out = json_pack("[o]", one);
		return *out ? GCAS_OK : GCAS_ERR_NOMEM;
	}
	json_t *arr = json_array();
	json_array_foreach(v, i, el)
	{
		json_t *cv = NULL;
		if (json_is_null(el))
			continue;
		enum gcas_err e = clean_one(c, at, path, el, &cv);
		if (e) {
			json_decref(arr);
			return e;
		}
		json_array_append_new(arr, cv);
	}
	*out = arr;
	return GCAS_OK;
}

/* Copy the attributes of in found in list (plus common when given) into o. */
static enum gcas_err clean_attrs(struct clean *c, const struct scim_schema *sc, int with_common,
                                 const json_t *in, json_t *o)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)in, k, v)
	{
		const struct scim_attr *at = find_attr(sc->attrs, sc->nattrs, k);
		if (!at && with_common)
			at = find_attr(common_attrs, N(common_attrs), k);
		/* Unknown attributes are ignored; readOnly ones belong to the provider (RFC 7643
		 * §7: "readOnly ... SHALL be ignored" when sent); the password is never kept. */
		if (!at || at->mut == SCIM_M_RO || at->mut == SCIM_M_WO || json_is_null(v))
			continue;
		json_t *cv = NULL;
		enum gcas_err e = clean_value(c, at, at->name, v, &cv);
		if (e)
			return e;
		json_object_set_new(o, at->name, cv);
	}
	return GCAS_OK;
}

enum gcas_err scim_resource_clean(struct arena *a, const struct scim_rdef *rd, const json_t *in,
                                  json_t **out, struct scim_error *err)
{
	struct clean c = {a, err};
	*out = NULL;
	if (!json_is_object(in)) {
		scim_error_set(err, 400, "invalidSyntax",
		               "The request body must be a JSON object.");
		return GCAS_ERR_INVALID;
	}
	json_t *o = json_object();
	enum gcas_err e = clean_attrs(&c, rd->core, 1, in, o);
	json_t *ext = rd->ext ? scim_json_get(in, rd->ext->id, NULL) : NULL;
	if (!e && ext && !json_is_object(ext))
		e = bad_value(&c, rd->ext->id, "must be an object");
	if (!e && json_is_object(ext)) {
		json_t *eo = json_object();
		e = clean_attrs(&c, rd->ext, 0, ext, eo);
		if (!e && json_object_size(eo))
			json_object_set(o, rd->ext->id, eo);
		json_decref(eo);
	}
	for (size_t i = 0; !e && i < rd->core->nattrs; i++) {
		const struct scim_attr *at = &rd->core->attrs[i];
		json_t *v = json_object_get(o, at->name);
		if (at->required && (!v || (json_is_string(v) && !json_string_length(v)))) {
			scim_error_set(err, 400, "invalidValue",
			               arena_printf(a, "Attribute '%s' is required.", at->name));
			e = GCAS_ERR_INVALID;
		}
	}
	if (e) {
		json_decref(o);
		return e;
	}
	json_t *schemas = json_pack("[s]", rd->core->id);
	if (rd->ext && json_object_get(o, rd->ext->id))
		json_array_append_new(schemas, json_string(rd->ext->id));
	json_object_set_new(o, "schemas", schemas);
	*out = o;
	return GCAS_OK;
}

/* -- meta and ETags ---------------------------------------------------------------------- */

void scim_etag(char *out, size_t cap, int64_t version)
{
	snprintf(out, cap, "W/\"%lld\"", (long long)version);
}

void scim_meta_set(json_t *res, const struct scim_rdef *rd, const char *base, const char *id,
                   int64_t created, int64_t modified, int64_t version)
{
	char cr[32], mo[32], tag[40];
	clock_fmt_utc(cr, created);
	clock_fmt_utc(mo, modified ? modified : created);
	scim_etag(tag, sizeof(tag), version);
	size_t n = strlen(base) + strlen(rd->endpoint) + strlen(id) + 2;
	char *loc = malloc(n);
	if (loc)
		snprintf(loc, n, "%s%s/%s", base, rd->endpoint, id);
	json_object_set_new(res, "meta",
	                    json_pack("{s:s,s:s,s:s,s:s?,s:s}", "resourceType", rd->name, "created",
	                              cr, "lastModified", mo, "location", loc, "version", tag));
	free(loc);
}

/* The opaque tag of one entity-tag at *p (W/ prefix skipped); advances *p. 1 for "*", 0 for a
 * tag, -1 at the end or on malformed input. */
static int next_tag(const char **p, const char **tag, size_t *len)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t' || *s == ',')
		s++;
	if (!*s)
		return -1;
	if (s[0] == '*') {
		*p = s + 1;
		return 1;
	}
	if (s[0] == 'W' && s[1] == '/')
		s += 2;
	if (*s != '"')
		return -1;
	const char *e = strchr(s + 1, '"');
	if (!e)
		return -1;
	*tag = s + 1;
	*len = (size_t)(e - s - 1);
	*p = e + 1;
	return 0;
}

int scim_if_match(const char *header, int64_t version)
{
	char want[32];
	const char *p = header, *tag = NULL;
	size_t len = 0;
	int rc;
	if (!header)
		return 1;
	snprintf(want, sizeof(want), "%lld", (long long)version);
	/* RFC 9110 §13.1.1: "*" matches any current representation; a list matches when one of
	 * its tags does (weak comparison, RFC 7644 §3.14 issues weak tags). */
	while ((rc = next_tag(&p, &tag, &len)) >= 0) {
		if (rc == 1)
			return 1;
		if (len == strlen(want) && memcmp(tag, want, len) == 0)
			return 1;
	}
	return 0;
}

/* -- projection -------------------------------------------------------------------------- */

/* One comma-separated item "urn:...:attr.sub" split into its parts (copies in a). */
static int split_path(struct arena *a, const char *s, size_t n, const char **urn, const char **attr,
                      const char **sub)
{
	char *t = arena_strndup(a, s, n);
	*urn = *attr = *sub = NULL;
	if (!t)
		return -1;
	t = str_trim(t);
	if (!*t)
		return -1;
	if (strncasecmp(t, "urn:", 4) == 0) {
		char *colon = strrchr(t, ':');
		*colon = '\0';
		*urn = t;
		t = colon + 1;
	}
	char *dot = strchr(t, '.');
	if (dot) {
		*dot = '\0';
		*sub = dot + 1;
	}
	*attr = t;
	return **attr ? 0 : -1;
}

/* Where attribute r lives in res: the resource itself or its extension object. */
static json_t *container_of(const json_t *res, const struct scim_resolved *r)
{
	return r->ext ? scim_json_get(res, r->ext, NULL) : (json_t *)res;
}

static json_t *ensure_obj(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);
	if (json_is_object(o))
		return o;
	o = json_object();
	json_object_set_new(parent, key, o);
	return o;
}

/* Copy only sub-attribute sub of value v (an object or an array of objects) into dst[name],
 * merging with what an earlier item of the list already copied. */
static void copy_sub(json_t *dst, const char *name, const json_t *v, const char *sub)
{
	size_t i;
	json_t *el;
	if (json_is_object(v)) {
		json_t *sv = scim_json_get(v, sub, NULL);
		if (sv)
			json_object_set(ensure_obj(dst, name), sub, sv);
		return;
	}
	if (!json_is_array(v))
		return;
	json_t *arr = json_object_get(dst, name);
	if (!json_is_array(arr) || json_array_size(arr) != json_array_size(v)) {
		arr = json_array();
		json_array_foreach(v, i, el) json_array_append_new(arr, json_object());
		json_object_set_new(dst, name, arr);
	}
	json_array_foreach(v, i, el)
	{
		json_t *sv = scim_json_get(el, sub, NULL);
		if (sv)
			json_object_set(json_array_get(arr, i), sub, sv);
	}
}

static enum gcas_err bad_path(struct arena *a, struct scim_error *err, const char *s, size_t n)
{
	scim_error_set(err, 400, "invalidPath",
	               arena_printf(a, "Unknown attribute '%.*s'.", (int)n, s));
	return GCAS_ERR_INVALID;
}

/* For each item of a comma list: resolve, then fn. */
typedef void (*path_fn)(json_t *out, const json_t *res, const struct scim_resolved *r,
                        const char *sub_name);

static enum gcas_err each_path(struct arena *a, const struct scim_rdef *rd, const char *list,
                               json_t *out, const json_t *res, path_fn fn, struct scim_error *err)
{
	const char *p = list;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *urn, *attr, *sub;
		struct scim_resolved r;
		if (split_path(a, p, n, &urn, &attr, &sub) == 0) {
			if (scim_resolve(rd, urn, attr, sub, &r))
				return bad_path(a, err, p, n);
			fn(out, res, &r, sub);
		}
		p = e ? e + 1 : NULL;
	}
	return GCAS_OK;
}

static void include_path(json_t *out, const json_t *res, const struct scim_resolved *r,
                         const char *sub_name)
{
	(void)sub_name;
	const char *key;
	json_t *src = container_of(res, r);
	json_t *v = scim_json_get(src, r->attr->name, &key);
	if (!v || r->attr->ret == SCIM_R_NEVER)
		return;
	json_t *dst = r->ext ? ensure_obj(out, r->ext) : out;
	if (r->sub)
		copy_sub(dst, key, v, r->sub->name);
	else
		json_object_set(dst, key, v);
}

static void exclude_path(json_t *out, const json_t *res, const struct scim_resolved *r,
                         const char *sub_name)
{
	(void)res;
	(void)sub_name;
	size_t i;
	json_t *el;
	if (r->attr->ret == SCIM_R_ALWAYS)
		return;
	json_t *dst = container_of(out, r);
	if (!r->sub) {
		scim_json_del(dst, r->attr->name);
		return;
	}
	json_t *v = scim_json_get(dst, r->attr->name, NULL);
	if (json_is_object(v))
		scim_json_del(v, r->sub->name);
	json_array_foreach(v, i, el) scim_json_del(el, r->sub->name);
}

enum gcas_err scim_project(struct arena *a, const struct scim_rdef *rd, const json_t *res,
                           const char *attributes, const char *excluded, json_t **out,
                           struct scim_error *err)
{
	json_t *o;
	enum gcas_err e;
	*out = NULL;
	if (attributes && *attributes) {
		o = json_object();
		json_t *v = json_object_get(res, "schemas");
		if (v)
			json_object_set(o, "schemas", v);
		if ((v = json_object_get(res, "id")))
			json_object_set(o, "id", v);
		e = each_path(a, rd, attributes, o, res, include_path, err);
	} else {
		o = json_deep_copy(res);
		scim_json_del(o, "password");
		e = excluded ? each_path(a, rd, excluded, o, res, exclude_path, err) : GCAS_OK;
	}
	if (e) {
		json_decref(o);
		return e;
	}
	*out = o;
	return o ? GCAS_OK : GCAS_ERR_NOMEM;
}

/* -- paging and lists -------------------------------------------------------------------- */

static enum gcas_err int_param(const char *text, const char *name, int64_t *v,
                               struct scim_error *err)
{
	if (!text)
		return GCAS_OK;
	if (str_to_i64(text, v)) {
		scim_error_set(err, 400, "invalidValue",
		               strcmp(name, "count") == 0 ? "count must be an integer."
		                                          : "startIndex must be an integer.");
		return GCAS_ERR_INVALID;
	}
	return GCAS_OK;
}

enum gcas_err scim_paging(const char *start_text, const char *count_text, int64_t *start,
                          int64_t *count, struct scim_error *err)
{
	*start = 1;
	*count = SCIM_DEFAULT_COUNT;
	if (int_param(start_text, "startIndex", start, err) ||
	    int_param(count_text, "count", count, err))
		return GCAS_ERR_INVALID;
	/* RFC 7644 §3.4.2.4: below 1 is 1; a negative count is 0. */
	if (*start < 1)
		*start = 1;
	if (*count < 0)
		*count = 0;
	if (*count > SCIM_MAX_RESULTS)
		*count = SCIM_MAX_RESULTS;
	return GCAS_OK;
}

json_t *scim_list_json(json_t *items, int64_t total, int64_t start)
{
	return json_pack("{s:[s],s:I,s:I,s:I,s:o}", "schemas", SCIM_MSG_LIST, "totalResults",
	                 (json_int_t)total, "startIndex", (json_int_t)start, "itemsPerPage",
	                 (json_int_t)json_array_size(items), "Resources", items);
}

/* -- discovery --------------------------------------------------------------------------- */

static const char *const type_names[SCIM_T__MAX] = {
    [SCIM_T_STRING] = "string",   [SCIM_T_BOOLEAN] = "boolean",   [SCIM_T_DECIMAL] = "decimal",
    [SCIM_T_INTEGER] = "integer", [SCIM_T_DATETIME] = "dateTime", [SCIM_T_REFERENCE] = "reference",
    [SCIM_T_BINARY] = "binary",   [SCIM_T_COMPLEX] = "complex",
};
static const char *const mut_names[SCIM_M__MAX] = {[SCIM_M_RW] = "readWrite",
                                                   [SCIM_M_RO] = "readOnly",
                                                   [SCIM_M_IMMUTABLE] = "immutable",
                                                   [SCIM_M_WO] = "writeOnly"};
static const char *const ret_names[SCIM_R__MAX] = {[SCIM_R_DEFAULT] = "default",
                                                   [SCIM_R_ALWAYS] = "always",
                                                   [SCIM_R_NEVER] = "never",
                                                   [SCIM_R_REQUEST] = "request"};
static const char *const uniq_names[SCIM_U__MAX] = {
    [SCIM_U_NONE] = "none", [SCIM_U_SERVER] = "server", [SCIM_U_GLOBAL] = "global"};

static json_t *str_list(const char *const *l)
{
	json_t *arr = json_array();
	for (; l && *l; l++)
		json_array_append_new(arr, json_string(*l));
	return arr;
}

static json_t *attr_json(const struct scim_attr *at)
{
	json_t *o = json_pack("{s:s,s:s,s:b,s:s,s:b,s:b,s:s,s:s,s:s}", "name", at->name, "type",
	                      type_names[at->type], "multiValued", at->multi, "description",
	                      at->desc, "required", at->required, "caseExact", at->case_exact,
	                      "mutability", mut_names[at->mut], "returned", ret_names[at->ret],
	                      "uniqueness", uniq_names[at->uniq]);
	if (at->canonical)
		json_object_set_new(o, "canonicalValues", str_list(at->canonical));
	if (at->refs)
		json_object_set_new(o, "referenceTypes", str_list(at->refs));
	if (at->type == SCIM_T_COMPLEX) {
		json_t *subs = json_array();
		for (size_t i = 0; i < at->nsub; i++)
			json_array_append_new(subs, attr_json(&at->sub[i]));
		json_object_set_new(o, "subAttributes", subs);
	}
	return o;
}

static json_t *meta_json(const char *type, const char *base, const char *path, const char *id)
{
	size_t n = strlen(base) + strlen(path) + (id ? strlen(id) : 0) + 2;
	char *loc = malloc(n);
	if (loc)
		snprintf(loc, n, "%s%s%s%s", base, path, id ? "/" : "", id ? id : "");
	json_t *m = json_pack("{s:s,s:s?}", "resourceType", type, "location", loc);
	free(loc);
	return m;
}

static json_t *schema_json(const char *base, const struct scim_schema *sc)
{
	json_t *attrs = json_array();
	for (size_t i = 0; i < sc->nattrs; i++)
		json_array_append_new(attrs, attr_json(&sc->attrs[i]));
	return json_pack("{s:[s],s:s,s:s,s:s,s:o,s:o}", "schemas",
	                 "urn:ietf:params:scim:schemas:core:2.0:Schema", "id", sc->id, "name",
	                 sc->name, "description", sc->desc, "attributes", attrs, "meta",
	                 meta_json("Schema", base, "/Schemas", sc->id));
}

static const struct scim_schema *const all_schemas[] = {&user_schema, &enterprise_schema,
                                                        &group_schema};

json_t *scim_schema_one(const char *base, const char *id)
{
	for (size_t i = 0; id && i < N(all_schemas); i++)
		if (strcmp(all_schemas[i]->id, id) == 0)
			return schema_json(base, all_schemas[i]);
	return NULL;
}

json_t *scim_schemas_json(const char *base)
{
	json_t *items = json_array();
	for (size_t i = 0; i < N(all_schemas); i++)
		json_array_append_new(items, schema_json(base, all_schemas[i]));
	return scim_list_json(items, (int64_t)N(all_schemas), 1);
}

static json_t *type_json(const char *base, const struct scim_rdef *rd)
{
	json_t *o = json_pack("{s:[s],s:s,s:s,s:s,s:s,s:s,s:o}", "schemas",
	                      "urn:ietf:params:scim:schemas:core:2.0:ResourceType", "id", rd->name,
	                      "name", rd->name, "endpoint", rd->endpoint, "description", rd->desc,
	                      "schema", rd->core->id, "meta",
	                      meta_json("ResourceType", base, "/ResourceTypes", rd->name));
	if (rd->ext)
		json_object_set_new(o, "schemaExtensions",
		                    json_pack("[{s:s,s:b}]", "schema", rd->ext->id, "required", 0));
	return o;
}

json_t *scim_type_one(const char *base, const char *name)
{
	for (int t = 0; name && t < SCIM_RTYPE__MAX; t++)
		if (strcmp(rdefs[t].name, name) == 0)
			return type_json(base, &rdefs[t]);
	return NULL;
}

json_t *scim_types_json(const char *base)
{
	json_t *items = json_array();
	for (int t = 0; t < SCIM_RTYPE__MAX; t++)
		json_array_append_new(items, type_json(base, &rdefs[t]));
	return scim_list_json(items, SCIM_RTYPE__MAX, 1);
}

json_t *scim_spc_json(const char *base)
{
	/* RFC 7643 §5: say exactly what is supported. */
	return json_pack("{s:[s],s:s,s:{s:b},s:{s:b,s:i,s:i},s:{s:b,s:i},s:{s:b},s:{s:b},s:{s:b},"
	                 "s:[{s:s,s:s,s:s,s:s,s:b}],s:o}",
	                 "schemas", "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
	                 "documentationUri", "https://www.rfc-editor.org/rfc/rfc7644", "patch",
	                 "supported", 1, "bulk", "supported", 0, "maxOperations", 0,
	                 "maxPayloadSize", 0, "filter", "supported", 1, "maxResults",
	                 SCIM_MAX_RESULTS, "changePassword", "supported", 0, "sort", "supported", 0,
	                 "etag", "supported", 1, "authenticationSchemes", "type",
	                 "oauthbearertoken", "name", "OAuth Bearer Token", "description",
	                 "Authentication with a bearer token (RFC 6750).", "specUri",
	                 "https://www.rfc-editor.org/info/rfc6750", "primary", 1, "meta",
	                 meta_json("ServiceProviderConfig", base, "/ServiceProviderConfig", NULL));
}
