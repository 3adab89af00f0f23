/* SPDX-License-Identifier: MIT */
/* An in-memory SCIM 2.0 identity store for tests of the client and the push, served through
 * scim_transport_func_new: Users and Groups with the subset AWS IAM Identity Center accepts
 * (`attr eq "value"` filters read as JSON strings, PATCH replace on users, PATCH add / remove
 * of members, at most 100 member changes per PATCH, refused with 400 beyond), errors as
 * RFC 7644 §3.12. Tests reach into it to make drift (delete a user, rename one) and to make it
 * fail (fail_status). Not thread-safe; header-only. */
#ifndef GCAS_TESTS_FAKE_SCIM_H
#define GCAS_TESTS_FAKE_SCIM_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scim/client.h"

#define FS_MAX 300

struct fs_user {
	char id[40], user_name[128], external_id[64], display_name[128], given[64], family[64],
	    email[128];
	int active, live;
};
struct fs_group {
	char id[40], name[64];
	char members[FS_MAX][40];
	int nmembers, live;
};
struct fake_scim {
	struct fs_user u[FS_MAX];
	struct fs_group g[8];
	int nu, ng, next_id;
	long fail_status; /* non-zero: every request answers this with an error body */
	const char *token;
	int requests, patches;
	int patch_sizes[64]; /* member changes in each group PATCH */
	int npatch_sizes;
	char last_filter[256];
	/* AWS IAM Identity Center's behaviour: group reads list no members (an empty list), and
	 * membership is answered by ListGroups with `id eq "g" and members eq "u"`. */
	int aws;
	int member_queries; /* such membership questions answered */
};

static inline void fs_error(struct buf *resp, long *status, long st, const char *type,
                            const char *detail)
{
	char sts[16];
	snprintf(sts, sizeof(sts), "%ld", st);
	json_t *o =
	    json_pack("{s:[s], s:s, s:s}", "schemas", "urn:ietf:params:scim:api:messages:2.0:Error",
	              "status", sts, "detail", detail);
	if (type)
		json_object_set_new(o, "scimType", json_string(type));
	char *t = json_dumps(o, JSON_COMPACT);
	buf_puts(resp, t);
	free(t);
	json_decref(o);
	*status = st;
}

static inline void fs_send(struct buf *resp, long *status, long st, json_t *o)
{
	char *t = json_dumps(o, JSON_COMPACT);
	buf_puts(resp, t);
	free(t);
	json_decref(o);
	*status = st;
}

static inline json_t *fs_user_json(const struct fs_user *u)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:[{s:s, s:b}], s:b}", "id", u->id,
	                 "userName", u->user_name, "externalId", u->external_id, "displayName",
	                 u->display_name, "name", "givenName", u->given, "familyName", u->family,
	                 "emails", "value", u->email, "primary", 1, "active", u->active);
}

static inline json_t *fs_group_json(const struct fake_scim *f, const struct fs_group *g)
{
	json_t *m = json_array();
	for (int i = 0; !f->aws && i < g->nmembers; i++)
		json_array_append_new(m, json_pack("{s:s}", "value", g->members[i]));
	return json_pack("{s:s, s:s, s:o}", "id", g->id, "displayName", g->name, "members", m);
}

static inline struct fs_user *fs_user_by(struct fake_scim *f, const char *id, const char *name)
{
	for (int i = 0; i < f->nu; i++)
		if (f->u[i].live && ((id && strcmp(f->u[i].id, id) == 0) ||
		                     (name && strcasecmp(f->u[i].user_name, name) == 0)))
			return &f->u[i];
	return NULL;
}

static inline struct fs_group *fs_group_by(struct fake_scim *f, const char *id, const char *name)
{
	for (int i = 0; i < f->ng; i++)
		if (f->g[i].live && ((id && strcmp(f->g[i].id, id) == 0) ||
		                     (name && strcmp(f->g[i].name, name) == 0)))
			return &f->g[i];
	return NULL;
}

/* A percent-encoded query value decoded into dec (cut at cap - 1 bytes). */
static inline void fs_decode(const char *q, char *dec, size_t cap)
{
	size_t n = 0;
	for (const char *p = q; *p && n + 1 < cap; p++) {
		if (*p == '%' && p[1] && p[2]) {
			char h[3] = {p[1], p[2], 0};
			dec[n++] = (char)strtol(h, NULL, 16);
			p += 2;
		} else
			dec[n++] = *p == '+' ? ' ' : *p;
	}
	dec[n] = '\0';
}

/* "attr eq <JSON string>" from a percent-encoded query; the value into out. */
static inline int fs_filter(struct fake_scim *f, const char *q, const char *attr, char *out,
                            size_t cap)
{
	char dec[256];
	fs_decode(q, dec, sizeof(dec));
	snprintf(f->last_filter, sizeof(f->last_filter), "%s", dec);
	size_t al = strlen(attr);
	if (strncmp(dec, attr, al) != 0 || strncmp(dec + al, " eq ", 4) != 0)
		return -1;
	json_t *v = json_loads(dec + al + 4, JSON_DECODE_ANY, NULL);
	if (!json_is_string(v)) {
		json_decref(v);
		return -1;
	}
	snprintf(out, cap, "%s", json_string_value(v));
	json_decref(v);
	return 0;
}

static inline void fs_user_set(struct fs_user *u, json_t *o)
{
	const char *s;
	json_t *v;
	if ((s = json_string_value(json_object_get(o, "userName"))))
		snprintf(u->user_name, sizeof(u->user_name), "%s", s);
	if ((s = json_string_value(json_object_get(o, "externalId"))))
		snprintf(u->external_id, sizeof(u->external_id), "%s", s);
	if ((s = json_string_value(json_object_get(o, "displayName"))))
		snprintf(u->display_name, sizeof(u->display_name), "%s", s);
	if ((v = json_object_get(o, "name"))) {
		if ((s = json_string_value(json_object_get(v, "givenName"))))
			snprintf(u->given, sizeof(u->given), "%s", s);
		if ((s = json_string_value(json_object_get(v, "familyName"))))
			snprintf(u->family, sizeof(u->family), "%s", s);
	}
	if ((v = json_object_get(o, "emails")) &&
	    (s = json_string_value(json_object_get(json_array_get(v, 0), "value"))))
		snprintf(u->email, sizeof(u->email), "%s", s);
	if ((v = json_object_get(o, "active")))
		u->active = json_is_true(v);
}

static inline void fs_member_rm(struct fs_group *g, const char *id)
{
	for (int i = 0; i < g->nmembers; i++)
		if (strcmp(g->members[i], id) == 0) {
			memmove(g->members[i], g->members[i + 1],
			        (size_t)(g->nmembers - i - 1) * sizeof(g->members[0]));
			g->nmembers--;
			return;
		}
}

static inline void fs_member_add(struct fs_group *g, const char *id)
{
	for (int i = 0; i < g->nmembers; i++)
		if (strcmp(g->members[i], id) == 0)
			return;
	if (g->nmembers < FS_MAX)
		snprintf(g->members[g->nmembers++], 40, "%s", id);
}

/* PATCH /Groups/{id}: add with a value list; remove with members[value eq "id"]. */
static inline void fs_group_patch(struct fake_scim *f, struct fs_group *g, json_t *ops,
                                  long *status, struct buf *resp)
{
	size_t i, k;
	json_t *op, *v;
	int changes = 0;
	json_array_foreach(ops, i, op)
	{
		const char *o = json_string_value(json_object_get(op, "op"));
		const char *path = json_string_value(json_object_get(op, "path"));
		if (o && strcmp(o, "add") == 0)
			changes += (int)json_array_size(json_object_get(op, "value"));
		else
			changes++;
		(void)path;
	}
	if (changes > 100) {
		fs_error(resp, status, 400, "tooMany", "at most 100 membership changes");
		return;
	}
	if (f->npatch_sizes < 64)
		f->patch_sizes[f->npatch_sizes++] = changes;
	json_array_foreach(ops, i, op)
	{
		const char *o = json_string_value(json_object_get(op, "op"));
		const char *path = json_string_value(json_object_get(op, "path"));
		if (o && strcmp(o, "add") == 0) {
			json_array_foreach(json_object_get(op, "value"), k, v)
			    fs_member_add(g, json_string_value(json_object_get(v, "value")));
			continue;
		}
		char id[64];
		if (o && strcmp(o, "remove") == 0 && path &&
		    sscanf(path, "members[value eq \"%63[^\"]\"]", id) == 1)
			fs_member_rm(g, id);
	}
	*status = 204;
}

/* In AWS mode, `id eq "g" and members eq "u"` (percent-encoded): the group when u is in it,
 * else an empty list. 1 when the query was such a question (answered), 0 otherwise. */
static inline int fs_member_query(struct fake_scim *f, const char *q, struct buf *resp,
                                  long *status)
{
	char dec[256], gid[40], uid[40];
	fs_decode(q, dec, sizeof(dec));
	if (!f->aws || sscanf(dec, "id eq \"%39[^\"]\" and members eq \"%39[^\"]\"", gid, uid) != 2)
		return 0;
	f->member_queries++;
	struct fs_group *g = fs_group_by(f, gid, NULL);
	json_t *list = json_array();
	for (int i = 0; g && i < g->nmembers; i++)
		if (strcmp(g->members[i], uid) == 0) {
			json_array_append_new(list, fs_group_json(f, g));
			break;
		}
	fs_send(resp, status, 200,
	        json_pack("{s:I, s:o}", "totalResults", (json_int_t)json_array_size(list),
	                  "Resources", list));
	return 1;
}

static inline enum gcas_err fs_handle(void *ctx, const char *method, const char *url,
                                      const char *token, const char *body, long *status,
                                      struct buf *resp)
{
	struct fake_scim *f = ctx;
	f->requests++;
	if (f->fail_status) {
		fs_error(resp, status, f->fail_status, NULL, "the identity store is unavailable");
		return GCAS_OK;
	}
	if (f->token && (!token || strcmp(token, f->token) != 0)) {
		fs_error(resp, status, 401, NULL, "bad token");
		return GCAS_OK;
	}
	const char *p = strstr(url, "/scim/v2/");
	if (!p)
		return GCAS_ERR_IO;
	p += 9;
	int users = strncmp(p, "Users", 5) == 0;
	p += users ? 5 : 6;
	char id[64] = "", val[200];
	if (*p == '/')
		snprintf(id, sizeof(id), "%s", p + 1);
	json_t *in = body ? json_loads(body, 0, NULL) : NULL;
	if (strcmp(method, "GET") == 0 && *p == '?' && fs_member_query(f, p + 8, resp, status)) {
		/* answered: an AWS membership question */
	} else if (strcmp(method, "GET") == 0 && *p == '?') {
		json_t *list = json_array();
		if (!fs_filter(f, p + 8, users ? "userName" : "displayName", val, sizeof(val))) {
			if (users && fs_user_by(f, NULL, val))
				json_array_append_new(list, fs_user_json(fs_user_by(f, NULL, val)));
			if (!users && fs_group_by(f, NULL, val))
				json_array_append_new(list,
				                      fs_group_json(f, fs_group_by(f, NULL, val)));
			fs_send(resp, status, 200,
			        json_pack("{s:I, s:o}", "totalResults",
			                  (json_int_t)json_array_size(list), "Resources", list));
		} else {
			json_decref(list);
			fs_error(resp, status, 400, "invalidFilter", "unsupported filter");
		}
	} else if (strcmp(method, "POST") == 0 && users) {
		const char *un = json_string_value(json_object_get(in, "userName"));
		if (!un || fs_user_by(f, NULL, un) || f->nu >= FS_MAX) {
			fs_error(resp, status, 409, "uniqueness", "userName exists");
		} else {
			struct fs_user *u = &f->u[f->nu++];
			memset(u, 0, sizeof(*u));
			snprintf(u->id, sizeof(u->id), "u-%d", ++f->next_id);
			u->live = 1;
			u->active = 1;
			fs_user_set(u, in);
			fs_send(resp, status, 201, fs_user_json(u));
		}
	} else if (strcmp(method, "POST") == 0) {
		const char *dn = json_string_value(json_object_get(in, "displayName"));
		if (!dn || fs_group_by(f, NULL, dn) || f->ng >= 8) {
			fs_error(resp, status, 409, "uniqueness", "displayName exists");
		} else {
			struct fs_group *g = &f->g[f->ng++];
			memset(g, 0, sizeof(*g));
			snprintf(g->id, sizeof(g->id), "g-%d", ++f->next_id);
			snprintf(g->name, sizeof(g->name), "%s", dn);
			g->live = 1;
			fs_send(resp, status, 201, fs_group_json(f, g));
		}
	} else if (users && !fs_user_by(f, id, NULL)) {
		fs_error(resp, status, 404, NULL, "no such user");
	} else if (!users && !fs_group_by(f, id, NULL)) {
		fs_error(resp, status, 404, NULL, "no such group");
	} else if (strcmp(method, "GET") == 0) {
		fs_send(resp, status, 200,
		        users ? fs_user_json(fs_user_by(f, id, NULL))
		              : fs_group_json(f, fs_group_by(f, id, NULL)));
	} else if (strcmp(method, "DELETE") == 0) {
		if (users)
			fs_user_by(f, id, NULL)->live = 0;
		else
			fs_group_by(f, id, NULL)->live = 0;
		*status = 204;
	} else if (strcmp(method, "PATCH") == 0 && users) {
		size_t i;
		json_t *op;
		struct fs_user *u = fs_user_by(f, id, NULL);
		f->patches++;
		json_array_foreach(json_object_get(in, "Operations"), i, op)
		{
			const char *path = json_string_value(json_object_get(op, "path"));
			json_t *o = json_object();
			json_object_set(o, path ? path : "", json_object_get(op, "value"));
			fs_user_set(u, o);
			json_decref(o);
		}
		*status = 204;
	} else if (strcmp(method, "PATCH") == 0) {
		f->patches++;
		fs_group_patch(f, fs_group_by(f, id, NULL), json_object_get(in, "Operations"),
		               status, resp);
	} else {
		fs_error(resp, status, 400, NULL, "unsupported");
	}
	json_decref(in);
	return GCAS_OK;
}

/* Live users that are active. */
static inline int fs_active_users(const struct fake_scim *f)
{
	int n = 0;
	for (int i = 0; i < f->nu; i++)
		n += f->u[i].live && f->u[i].active;
	return n;
}

#endif
