/* SPDX-License-Identifier: MIT */
/* The SCIM 2.0 client (see scim/client.h): request bodies built and responses read with
 * jansson at this boundary only, errors per RFC 7644 §3.12, and two transports: libcurl (one
 * easy handle per transport, so a push run reuses its connection) and an in-process function. */
#include "scim/client.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

#define SCHEMA_USER  "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCHEMA_GROUP "urn:ietf:params:scim:schemas:core:2.0:Group"
#define SCHEMA_PATCH "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define SCHEMA_ERROR "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCHEMA_LIST  "urn:ietf:params:scim:api:messages:2.0:ListResponse"

/* ---- transports ---- */

struct curl_tr {
	struct scim_transport t;
	CURL *h;
	int64_t timeout;
};

static size_t curl_write(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	return buf_append(b, p, size * n) == GCAS_OK ? size * n : 0;
}

static enum gcas_err curl_send(struct scim_transport *t, const char *method, const char *url,
                               const char *token, const char *body, long *status, struct buf *resp,
                               char *why, size_t why_len)
{
	struct curl_tr *ct = (struct curl_tr *)t;
	struct curl_slist *hdrs = NULL, *h2;
	char auth[1100];
	enum gcas_err e = GCAS_OK;
	buf_reset(resp);
	*status = 0;
	if (snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token ? token : "") >=
	    (int)sizeof(auth))
		return GCAS_ERR_INVALID;
	hdrs = curl_slist_append(NULL, auth);
	if (hdrs && (h2 = curl_slist_append(hdrs, "Accept: application/scim+json")))
		hdrs = h2;
	if (hdrs && body && (h2 = curl_slist_append(hdrs, "Content-Type: application/scim+json")))
		hdrs = h2;
	if (!hdrs) {
		e = GCAS_ERR_NOMEM;
		goto out;
	}
	CURL *h = ct->h;
	/* The handle is reused (keep-alive); options of the previous request are reset here. */
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 0L);
	curl_easy_setopt(h, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, body ? (long)strlen(body) : 0L);
	if (!body && strcmp(method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	if (rc != CURLE_OK) {
		snprintf(why, why_len, "%s", curl_easy_strerror(rc));
		e = rc == CURLE_WRITE_ERROR ? GCAS_ERR_NOMEM : GCAS_ERR_IO;
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
out:
	explicit_bzero(auth, sizeof(auth));
	curl_slist_free_all(hdrs);
	return e;
}

static void curl_tr_free(struct scim_transport *t)
{
	struct curl_tr *ct = (struct curl_tr *)t;
	curl_easy_cleanup(ct->h);
	free(ct);
}

struct scim_transport *scim_transport_curl_new(int64_t timeout)
{
	struct curl_tr *ct = calloc(1, sizeof(*ct));
	if (!ct || !(ct->h = curl_easy_init())) {
		free(ct);
		return NULL;
	}
	ct->t.send = curl_send;
	ct->t.free = curl_tr_free;
	ct->timeout = timeout > 0 ? timeout : 30;
	CURL *h = ct->h;
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)ct->timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)ct->timeout);
	/* The bearer token must never travel unverified: TLS peer and host checks stay on. */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "gcas-scim/1");
	return &ct->t;
}

struct func_tr {
	struct scim_transport t;
	scim_handler_fn fn;
	void *ctx;
};

static enum gcas_err func_send(struct scim_transport *t, const char *method, const char *url,
                               const char *token, const char *body, long *status, struct buf *resp,
                               char *why, size_t why_len)
{
	struct func_tr *ft = (struct func_tr *)t;
	buf_reset(resp);
	*status = 0;
	enum gcas_err e = ft->fn(ft->ctx, method, url, token, body, status, resp);
	if (e)
		snprintf(why, why_len, "transport: %s", gcas_err_name(e));
	return e;
}

static void func_tr_free(struct scim_transport *t)
{
	free(t);
}

struct scim_transport *scim_transport_func_new(scim_handler_fn fn, void *ctx)
{
	struct func_tr *ft = calloc(1, sizeof(*ft));
	if (!ft)
		return NULL;
	ft->t.send = func_send;
	ft->t.free = func_tr_free;
	ft->fn = fn;
	ft->ctx = ctx;
	return &ft->t;
}

void scim_transport_free(struct scim_transport *t)
{
	if (t)
		t->free(t);
}

/* ---- errors and filters ---- */

void scim_error_parse(const char *body, long http_status, struct scim_error *out)
{
	json_t *o = body && *body ? json_loads(body, 0, NULL) : NULL;
	*out = (struct scim_error){.status = http_status};
	const char *type = NULL, *detail = NULL;
	json_t *st = NULL;
	if (json_is_object(o)) {
		type = json_string_value(json_object_get(o, "scimType"));
		detail = json_string_value(json_object_get(o, "detail"));
		st = json_object_get(o, "status");
	}
	/* §3.12: "status" is the HTTP status as a JSON string; some servers send a number. */
	int64_t v = 0;
	if (!out->status && json_is_string(st) && !str_to_i64(json_string_value(st), &v))
		out->status = (long)v;
	else if (!out->status && json_is_integer(st))
		out->status = (long)json_integer_value(st);
	if (type)
		str_copy(out->scim_type, sizeof(out->scim_type), type);
	if (detail)
		str_copy(out->detail, sizeof(out->detail), detail);
	else
		snprintf(out->detail, sizeof(out->detail), "HTTP %ld", out->status);
	json_decref(o);
}

char *scim_filter_eq(struct arena *a, const char *attr, const char *value)
{
	json_t *s = json_string(value ? value : "");
	char *q = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
	json_decref(s);
	char *f = q ? arena_printf(a, "%s eq %s", attr, q) : NULL;
	free(q);
	return f;
}

void scim_client_init(struct scim_client *c, struct scim_transport *tr, const char *base,
                      const char *token)
{
	*c = (struct scim_client){.tr = tr, .base = base, .token = token};
}

/* RFC 3986 §2.1 percent-encoding of a query value (the filter). */
static char *pct(struct arena *a, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *o = arena_alloc(a, n * 3 + 1), *p = o;
	if (!o)
		return NULL;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*p++ = (char)ch;
			continue;
		}
		*p++ = '%';
		*p++ = hexd[ch >> 4];
		*p++ = hexd[ch & 15];
	}
	*p = '\0';
	return o;
}

static enum gcas_err status_err(long st)
{
	if (st == 404)
		return GCAS_ERR_NOTFOUND;
	if (st == 409 || st == 412)
		return GCAS_ERR_CONFLICT;
	if (st == 401 || st == 403)
		return GCAS_ERR_AUTH;
	if (st == 429 || st >= 500)
		return GCAS_ERR_BUSY;
	return GCAS_ERR_INVALID;
}

/* One request: body (a JSON value, stolen; NULL for none) → parsed response (*out, may be NULL
 * for 204) on 2xx. */
static enum gcas_err call(struct scim_client *c, const char *method, const char *url, json_t *body,
                          json_t **out)
{
	struct buf resp;
	char why[200] = "";
	long status = 0;
	char *text = NULL;
	enum gcas_err e = GCAS_OK;
	if (out)
		*out = NULL;
	buf_init(&resp, SCIM_RESP_MAX);
	if (body && !(text = json_dumps(body, JSON_COMPACT))) {
		e = GCAS_ERR_NOMEM;
		goto out;
	}
	c->requests++;
	e = url ? c->tr->send(c->tr, method, url, c->token, text, &status, &resp, why, sizeof(why))
	        : GCAS_ERR_NOMEM;
	if (e) {
		c->err = (struct scim_error){0};
		str_copy(c->err.detail, sizeof(c->err.detail), why[0] ? why : gcas_err_name(e));
		goto out;
	}
	if (status < 200 || status > 299) {
		scim_error_parse(resp.data, status, &c->err);
		e = status_err(status);
		goto out;
	}
	if (!out || !resp.len)
		goto out;
	*out = json_loads(resp.data, 0, NULL);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		c->err = (struct scim_error){.status = status};
		str_copy(c->err.detail, sizeof(c->err.detail), "the response is not a JSON object");
		e = GCAS_ERR_INVALID;
	}
out:
	json_decref(body);
	free(text);
	buf_free(&resp);
	return e;
}

static const char *jstr(struct arena *a, json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? arena_strdup(a, s) : NULL;
}

static void user_from(struct arena *a, json_t *o, struct scim_user *u)
{
	json_t *name = json_object_get(o, "name"), *emails = json_object_get(o, "emails");
	*u = (struct scim_user){.id = jstr(a, o, "id"),
	                        .user_name = jstr(a, o, "userName"),
	                        .external_id = jstr(a, o, "externalId"),
	                        .display_name = jstr(a, o, "displayName"),
	                        .given_name = jstr(a, name, "givenName"),
	                        .family_name = jstr(a, name, "familyName")};
	json_t *act = json_object_get(o, "active");
	/* RFC 7643 §4.1.1: active has no default; absent reads as active (AWS omits nothing). */
	u->active = act ? json_is_true(act) : 1;
	size_t i;
	json_t *em;
	json_array_foreach(emails, i, em)
	{
		if (!u->email || json_is_true(json_object_get(em, "primary")))
			u->email = jstr(a, em, "value");
	}
}

static void group_from(struct arena *a, json_t *o, struct scim_group *g)
{
	json_t *m = json_object_get(o, "members");
	*g = (struct scim_group){.id = jstr(a, o, "id"),
	                         .display_name = jstr(a, o, "displayName"),
	                         .external_id = jstr(a, o, "externalId"),
	                         .members_known = json_is_array(m)};
	size_t n = json_array_size(m), i;
	json_t *v;
	g->members = n ? arena_alloc(a, n * sizeof(*g->members)) : NULL;
	if (!g->members)
		return;
	json_array_foreach(m, i, v)
	{
		const char *id = jstr(a, v, "value");
		if (id)
			g->members[g->nmembers++] = id;
	}
}

/* GET base/kind?filter=f: the first resource of the ListResponse, or NOTFOUND. */
static enum gcas_err find_one(struct scim_client *c, struct arena *a, const char *kind,
                              const char *f, json_t **res)
{
	char *q = f ? pct(a, f) : NULL;
	const char *url = q ? arena_printf(a, "%s/%s?filter=%s", c->base, kind, q) : NULL;
	json_t *list = NULL;
	*res = NULL;
	enum gcas_err e = call(c, "GET", url, NULL, &list);
	if (e)
		return e;
	json_t *r = json_array_get(json_object_get(list, "Resources"), 0);
	if (json_is_object(r))
		*res = json_incref(r);
	json_decref(list);
	return *res ? GCAS_OK : GCAS_ERR_NOTFOUND;
}

static const char *res_url(struct scim_client *c, struct arena *a, const char *kind, const char *id)
{
	char *q = id ? pct(a, id) : NULL;
	return q ? arena_printf(a, "%s/%s/%s", c->base, kind, q) : NULL;
}

enum gcas_err scim_user_find(struct scim_client *c, struct arena *a, const char *user_name,
                             struct scim_user *out)
{
	json_t *r;
	enum gcas_err e = find_one(c, a, "Users", scim_filter_eq(a, "userName", user_name), &r);
	if (e)
		return e;
	user_from(a, r, out);
	json_decref(r);
	return GCAS_OK;
}

enum gcas_err scim_user_get(struct scim_client *c, struct arena *a, const char *id,
                            struct scim_user *out)
{
	json_t *r;
	enum gcas_err e = call(c, "GET", res_url(c, a, "Users", id), NULL, &r);
	if (e)
		return e;
	if (!r)
		return GCAS_ERR_INVALID;
	user_from(a, r, out);
	json_decref(r);
	return GCAS_OK;
}

static json_t *name_json(const struct scim_user *in)
{
	return json_pack("{s:s, s:s, s:s}", "givenName", in->given_name ? in->given_name : "",
	                 "familyName", in->family_name ? in->family_name : "", "formatted",
	                 in->display_name ? in->display_name : "");
}

/* AWS accepts exactly one email; it is the primary work address. */
static json_t *emails_json(const struct scim_user *in)
{
	return json_pack("[{s:s, s:s, s:b}]", "value", in->email ? in->email : "", "type", "work",
	                 "primary", 1);
}

enum gcas_err scim_user_create(struct scim_client *c, struct arena *a, const struct scim_user *in,
                               struct scim_user *out)
{
	json_t *body = json_pack("{s:[s], s:s, s:s?, s:s, s:o, s:o, s:b}", "schemas", SCHEMA_USER,
	                         "userName", in->user_name, "externalId", in->external_id,
	                         "displayName", in->display_name ? in->display_name : "", "name",
	                         name_json(in), "emails", emails_json(in), "active", in->active);
	json_t *r;
	if (!body)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = call(c, "POST", arena_printf(a, "%s/Users", c->base), body, &r);
	if (e)
		return e;
	if (!r)
		return GCAS_ERR_INVALID;
	user_from(a, r, out);
	json_decref(r);
	return out->id ? GCAS_OK : GCAS_ERR_INVALID;
}

enum gcas_err scim_user_patch(struct scim_client *c, const char *id, const struct scim_user *in)
{
	struct arena *a = arena_new(0);
	json_t *body =
	    !in->user_name
	        ? json_pack("{s:[s], s:[{s:s, s:s, s:b}]}", "schemas", SCHEMA_PATCH, "Operations",
	                    "op", "replace", "path", "active", "value", in->active)
	        : json_pack("{s:[s], s:[{s:s, s:s, s:b}, {s:s, s:s, s:s}, {s:s, s:s, s:o}, {s:s, "
	                    "s:s, s:o}]}",
	                    "schemas", SCHEMA_PATCH, "Operations", "op", "replace", "path",
	                    "active", "value", in->active, "op", "replace", "path", "displayName",
	                    "value", in->display_name ? in->display_name : "", "op", "replace",
	                    "path", "name", "value", name_json(in), "op", "replace", "path",
	                    "emails", "value", emails_json(in));
	enum gcas_err e = a && body ? call(c, "PATCH", res_url(c, a, "Users", id), body, NULL)
	                            : (json_decref(body), GCAS_ERR_NOMEM);
	arena_free(a);
	return e;
}

static enum gcas_err delete_res(struct scim_client *c, const char *kind, const char *id)
{
	struct arena *a = arena_new(0);
	enum gcas_err e =
	    a ? call(c, "DELETE", res_url(c, a, kind, id), NULL, NULL) : GCAS_ERR_NOMEM;
	arena_free(a);
	return e;
}

enum gcas_err scim_user_delete(struct scim_client *c, const char *id)
{
	return delete_res(c, "Users", id);
}

enum gcas_err scim_group_find(struct scim_client *c, struct arena *a, const char *display_name,
                              struct scim_group *out)
{
	json_t *r;
	enum gcas_err e =
	    find_one(c, a, "Groups", scim_filter_eq(a, "displayName", display_name), &r);
	if (e)
		return e;
	group_from(a, r, out);
	json_decref(r);
	return GCAS_OK;
}

enum gcas_err scim_group_get(struct scim_client *c, struct arena *a, const char *id,
                             struct scim_group *out)
{
	json_t *r;
	enum gcas_err e = call(c, "GET", res_url(c, a, "Groups", id), NULL, &r);
	if (e)
		return e;
	if (!r)
		return GCAS_ERR_INVALID;
	group_from(a, r, out);
	json_decref(r);
	return GCAS_OK;
}

enum gcas_err scim_group_has_member(struct scim_client *c, struct arena *a, const char *group_id,
                                    const char *user_id, int *member)
{
	/* AWS IAM Identity Center lists no members in GetGroup or ListGroups; it answers
	 * membership through this filter (its "(id and member)" combination; RFC 7644 §3.4.2.2). */
	char *fid = scim_filter_eq(a, "id", group_id), *fm = scim_filter_eq(a, "members", user_id);
	json_t *r = NULL;
	*member = 0;
	enum gcas_err e = fid && fm
	                      ? find_one(c, a, "Groups", arena_printf(a, "%s and %s", fid, fm), &r)
	                      : GCAS_ERR_NOMEM;
	if (e == GCAS_ERR_NOTFOUND)
		return GCAS_OK;
	if (e)
		return e;
	const char *got = json_string_value(json_object_get(r, "id"));
	*member = got && strcmp(got, group_id) == 0;
	json_decref(r);
	return *member ? GCAS_OK : GCAS_ERR_INVALID;
}

enum gcas_err scim_group_create(struct scim_client *c, struct arena *a, const char *display_name,
                                struct scim_group *out)
{
	json_t *body = json_pack("{s:[s], s:s, s:[]}", "schemas", SCHEMA_GROUP, "displayName",
	                         display_name, "members");
	json_t *r;
	if (!body)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = call(c, "POST", arena_printf(a, "%s/Groups", c->base), body, &r);
	if (e)
		return e;
	if (!r)
		return GCAS_ERR_INVALID;
	group_from(a, r, out);
	json_decref(r);
	return out->id ? GCAS_OK : GCAS_ERR_INVALID;
}

/* One PATCH of up to SCIM_MEMBERS_PER_PATCH changes. add: one "add" operation whose value
 * lists the members (§3.5.2.1); remove: one operation per member with the value filter path
 * `members[value eq "id"]` (§3.5.2.2). */
static enum gcas_err members_patch(struct scim_client *c, struct arena *a, const char *url,
                                   const char *const *ids, size_t n, int add)
{
	json_t *ops = json_array(), *body = NULL;
	if (!ops)
		return GCAS_ERR_NOMEM;
	if (add) {
		json_t *vals = json_array();
		for (size_t i = 0; vals && i < n; i++)
			json_array_append_new(vals, json_pack("{s:s}", "value", ids[i]));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:o*}", "op", "add", "path",
		                                     "members", "value", vals));
	}
	for (size_t i = 0; !add && i < n; i++) {
		char *f = scim_filter_eq(a, "value", ids[i]);
		const char *path = f ? arena_printf(a, "members[%s]", f) : NULL;
		if (path)
			json_array_append_new(
			    ops, json_pack("{s:s, s:s}", "op", "remove", "path", path));
	}
	if (json_array_size(ops) != (add ? 1 : n)) {
		json_decref(ops);
		return GCAS_ERR_NOMEM;
	}
	body = json_pack("{s:[s], s:o}", "schemas", SCHEMA_PATCH, "Operations", ops);
	return body ? call(c, "PATCH", url, body, NULL) : GCAS_ERR_NOMEM;
}

enum gcas_err scim_group_members(struct scim_client *c, const char *id, const char *const *add,
                                 size_t nadd, const char *const *remove, size_t nremove)
{
	struct arena *a = arena_new(0);
	const char *url = a ? res_url(c, a, "Groups", id) : NULL;
	enum gcas_err e = url ? GCAS_OK : GCAS_ERR_NOMEM;
	for (size_t i = 0; !e && i < nadd; i += SCIM_MEMBERS_PER_PATCH) {
		size_t k = nadd - i < SCIM_MEMBERS_PER_PATCH ? nadd - i : SCIM_MEMBERS_PER_PATCH;
		e = members_patch(c, a, url, add + i, k, 1);
	}
	for (size_t i = 0; !e && i < nremove; i += SCIM_MEMBERS_PER_PATCH) {
		size_t k =
		    nremove - i < SCIM_MEMBERS_PER_PATCH ? nremove - i : SCIM_MEMBERS_PER_PATCH;
		e = members_patch(c, a, url, remove + i, k, 0);
	}
	arena_free(a);
	return e;
}

enum gcas_err scim_group_delete(struct scim_client *c, const char *id)
{
	return delete_res(c, "Groups", id);
}
