/* SPDX-License-Identifier: MIT */
/* The SCIM 2.0 service provider (issue 4 §3; RFC 7643, RFC 7644): the protocol engine shared by
 * both realms, then the gcas backend (/scim/v2: accounts and groups under the permission
 * matrix; only "active false" and group members can be written, through the account and group
 * use cases, because accounts are created and changed by application, 別表1) and the local
 * cloud backend (/local-cloud/{id}/scim/v2: a full identity store). */
#include "svc/scim.h"

#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/rand.h"
#include "base/str.h"
#include "signer/signer.h"
#include "store/scim.h"
#include "svc/accounts.h"
#include "svc/accounts_tx.h"
#include "svc/audit.h"
#include "svc/groups.h"
#include "svc/tokens.h"

/* A realm scans at most this many resources to answer a filter it cannot push into SQL. */
#define SCAN_MAX 50000

struct scim_realm {
	const struct env *env;
	struct arena *a;
	const struct scim_backend *be;
	const char *base;
	int can_write;
	struct actor ac; /* the token's account (gcas) or "local-cloud" (local) */
	/* gcas: what load read, for save */
	struct account acc;
	struct group grp;
	/* local: the environment */
	const char *env_id, *agency_id;
	/* a refusal of the matrix noted inside a transaction, audited after it */
	int denied;
	enum action deny_act;
	const char *deny_type, *deny_id, *deny_agency;
};

void svc_scim_error(struct scim_reply *out, int status, const char *type, const char *detail)
{
	struct scim_error e = {status, type, detail};
	json_decref(out->body);
	memset(out, 0, sizeof(*out));
	out->status = status;
	out->body = scim_error_json(&e);
}

const char *svc_scim_base(const struct scim_realm *r)
{
	return r->base;
}

int svc_scim_can_write(const struct scim_realm *r)
{
	return r->can_write;
}

static void deny(struct scim_realm *r, enum action act, const char *type, const char *id,
                 const char *agency)
{
	r->denied = 1;
	r->deny_act = act;
	r->deny_type = type;
	r->deny_id = id;
	r->deny_agency = agency;
}

static void decref(void *p)
{
	json_decref(p);
}

/* A json_t owned by the arena (released when the request ends). */
static json_t *keep(struct arena *a, json_t *j)
{
	if (j && arena_defer(a, decref, j))
		return NULL;
	return j;
}

/* -- the engine -------------------------------------------------------------------------- */

struct op_ctx {
	struct scim_realm *r;
	const struct scim_call *call;
	const struct scim_rdef *rd;
	const json_t *clean;            /* POST / PUT */
	const struct scim_patch *patch; /* PATCH */
	const char *id;
	json_t *res; /* out: the resource after the operation */
	int64_t version;
	struct scim_error err;
};

static void ctx_reset(struct op_ctx *c)
{
	json_decref(c->res);
	c->res = NULL;
	c->version = 0;
	memset(&c->err, 0, sizeof(c->err));
	c->r->denied = 0;
}

static enum gcas_err precondition(struct op_ctx *c, int64_t version)
{
	/* RFC 7644 §3.14: a stale If-Match is 412 and changes nothing. */
	if (scim_if_match(c->call->if_match, version))
		return GCAS_OK;
	scim_error_set(&c->err, 412, NULL,
	               "The resource changed since the version given in If-Match; read it again.");
	return GCAS_ERR_CONFLICT;
}

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	ctx_reset(c);
	return c->r->be->load(c->r, db, c->call->type, c->id, &c->res, &c->version);
}

static enum gcas_err create_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	const char *id = NULL;
	ctx_reset(c);
	enum gcas_err e = c->r->be->create(c->r, db, c->call->type, c->clean, &id, &c->err);
	c->id = id;
	return e ? e : c->r->be->load(c->r, db, c->call->type, id, &c->res, &c->version);
}

/* PUT and PATCH: read, check the precondition, work out the new representation, write it, and
 * read the result back, all in one transaction. */
static enum gcas_err change_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	json_t *old = NULL, *work = NULL, *clean = NULL;
	int64_t version = 0;
	ctx_reset(c);
	enum gcas_err e = c->r->be->load(c->r, db, c->call->type, c->id, &old, &version);
	if (!e)
		e = precondition(c, version);
	if (!e && c->patch) {
		work = json_deep_copy(old);
		e = work ? scim_patch_apply(c->r->a, c->rd, c->patch, work, &c->err)
		         : GCAS_ERR_NOMEM;
		if (!e)
			e = scim_resource_clean(c->r->a, c->rd, work, &clean, &c->err);
	} else if (!e) {
		clean = json_incref((json_t *)c->clean);
	}
	if (!e)
		e = c->r->be->save(c->r, db, c->call->type, c->id, version, old, clean, &c->err);
	if (!e)
		e = c->r->be->load(c->r, db, c->call->type, c->id, &c->res, &c->version);
	json_decref(old);
	json_decref(work);
	json_decref(clean);
	return e;
}

static enum gcas_err delete_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	json_t *old = NULL;
	int64_t version = 0;
	ctx_reset(c);
	enum gcas_err e = c->r->be->load(c->r, db, c->call->type, c->id, &old, &version);
	json_decref(old);
	if (!e)
		e = precondition(c, version);
	return e ? e : c->r->be->remove(c->r, db, c->call->type, c->id, version, &c->err);
}

static void reply_error(struct scim_reply *out, enum gcas_err e, const struct scim_error *err,
                        const char *what)
{
	if (err->status) {
		svc_scim_error(out, err->status, err->type, err->detail);
		return;
	}
	switch (e) {
	case GCAS_ERR_NOTFOUND:
		svc_scim_error(out, 404, NULL, what ? what : "No such resource.");
		return;
	case GCAS_ERR_DENIED:
		svc_scim_error(out, 403, NULL, "The permission matrix does not allow this.");
		return;
	case GCAS_ERR_CONFLICT:
		svc_scim_error(out, 409, "uniqueness", "A resource with this name already exists.");
		return;
	case GCAS_ERR_INVALID:
		svc_scim_error(out, 400, "invalidValue", "The request is not valid.");
		return;
	case GCAS_ERR_BUSY:
		svc_scim_error(out, 503, NULL, "The service is busy; try again shortly.");
		return;
	default:
		svc_scim_error(out, 500, NULL, "An internal error occurred.");
		return;
	}
}

/* The resource as the reply body: projected, with its ETag. */
static void reply_resource(struct op_ctx *c, struct scim_reply *out, int status)
{
	json_t *proj = NULL;
	struct scim_error err = {0};
	if (scim_project(c->r->a, c->rd, c->res, c->call->attributes, c->call->excluded, &proj,
	                 &err)) {
		reply_error(out, GCAS_ERR_INVALID, &err, NULL);
		return;
	}
	out->status = status;
	out->body = proj;
	scim_etag(out->etag, sizeof(out->etag), c->version);
	json_t *loc = json_object_get(json_object_get(c->res, "meta"), "location");
	if (status == 201 && json_is_string(loc))
		out->location = arena_strdup(c->r->a, json_string_value(loc));
}

static void after(struct scim_realm *r)
{
	if (r->denied && r->ac.acc)
		audit_denied(r->env, &r->ac, r->deny_act, r->deny_type, r->deny_id, r->deny_agency);
	r->denied = 0;
}

static json_t *parse_body(struct arena *a, const struct scim_call *call, struct scim_reply *out)
{
	json_error_t je;
	json_t *j =
	    call->body ? json_loadb(call->body, call->body_len, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!j || !json_is_object(j) || !keep(a, j)) {
		json_decref(json_is_object(j) ? NULL : j);
		svc_scim_error(out, 400, "invalidSyntax",
		               "The request body must be a JSON object.");
		return NULL;
	}
	return j;
}

static void do_list(struct scim_realm *r, const struct scim_call *call, const struct scim_rdef *rd,
                    struct scim_reply *out)
{
	struct scim_filter *f = NULL;
	struct scim_error err = {0};
	const char *why = NULL;
	int64_t start, count, total = 0;
	json_t *items = NULL;
	if (call->filter && *call->filter &&
	    (scim_filter_parse(r->a, call->filter, strlen(call->filter), &f, &why) ||
	     scim_filter_check(r->a, f, rd, &why))) {
		svc_scim_error(out, 400, "invalidFilter",
		               arena_printf(r->a, "The filter is not valid: %s.", why));
		return;
	}
	if (scim_paging(call->start_index, call->count, &start, &count, &err)) {
		reply_error(out, GCAS_ERR_INVALID, &err, NULL);
		return;
	}
	enum gcas_err e = r->be->list(r, call->type, f, start, count, &items, &total, &err);
	if (e) {
		json_decref(items);
		reply_error(out, e, &err, NULL);
		return;
	}
	json_t *proj_items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *p = NULL;
		if (scim_project(r->a, rd, it, call->attributes, call->excluded, &p, &err)) {
			json_decref(items);
			json_decref(proj_items);
			reply_error(out, GCAS_ERR_INVALID, &err, NULL);
			return;
		}
		json_array_append_new(proj_items, p);
	}
	json_decref(items);
	out->status = 200;
	out->body = scim_list_json(proj_items, total, start);
}

static int refuse_write(struct scim_realm *r, struct scim_reply *out)
{
	if (r->can_write)
		return 0;
	svc_scim_error(out, 403, NULL, "This token's scopes do not include write.");
	return 1;
}

void svc_scim_call(struct scim_realm *r, const struct scim_call *call, struct scim_reply *out)
{
	const struct scim_rdef *rd = scim_rdef_get(call->type);
	struct op_ctx c = {.r = r, .call = call, .rd = rd, .id = call->id};
	const struct scim_backend *be = r->be;
	struct scim_patch patch;
	enum gcas_err e = GCAS_OK;
	int status = 200;
	memset(out, 0, sizeof(*out));
	switch (call->verb) {
	case SCIM_V_LIST:
		do_list(r, call, rd, out);
		return;
	case SCIM_V_GET:
		e = store_run(r->env->st, get_tx, &c);
		break;
	case SCIM_V_CREATE:
		if (!be->create) {
			svc_scim_error(out, 403, NULL, be->create_refused[call->type]);
			return;
		}
		if (refuse_write(r, out) || !(c.clean = parse_body(r->a, call, out)))
			return;
		json_t *clean = NULL;
		if (scim_resource_clean(r->a, rd, c.clean, &clean, &c.err) == GCAS_OK &&
		    keep(r->a, clean)) {
			c.clean = clean;
			e = store_tx(r->env->st, create_tx, &c);
		} else {
			e = GCAS_ERR_INVALID;
		}
		status = 201;
		break;
	case SCIM_V_REPLACE:
		if (be->replace_refused[call->type]) {
			svc_scim_error(out, 403, NULL, be->replace_refused[call->type]);
			return;
		}
		if (refuse_write(r, out) || !(c.clean = parse_body(r->a, call, out)))
			return;
		json_t *put = NULL;
		if (scim_resource_clean(r->a, rd, c.clean, &put, &c.err) == GCAS_OK &&
		    keep(r->a, put)) {
			c.clean = put;
			e = store_tx(r->env->st, change_tx, &c);
		} else {
			e = GCAS_ERR_INVALID;
		}
		break;
	case SCIM_V_PATCH:
		if (refuse_write(r, out))
			return;
		e = scim_patch_parse(r->a, rd, call->body, call->body_len, &patch, &c.err);
		c.patch = &patch;
		if (!e)
			e = store_tx(r->env->st, change_tx, &c);
		break;
	case SCIM_V_DELETE:
		if (!be->remove) {
			svc_scim_error(out, 403, NULL, be->remove_refused[call->type]);
			return;
		}
		if (refuse_write(r, out))
			return;
		e = store_tx(r->env->st, delete_tx, &c);
		status = 204;
		break;
	}
	after(r);
	if (e) {
		reply_error(
		    out, e, &c.err,
		    arena_printf(r->a, "%s %s not found.", rd->name, call->id ? call->id : ""));
	} else if (status == 204) {
		out->status = 204;
	} else {
		reply_resource(&c, out, status);
	}
	json_decref(c.res);
}

/* -- helpers shared by the backends ------------------------------------------------------ */

static const char *ref_of(struct scim_realm *r, const char *endpoint, const char *id)
{
	return arena_printf(r->a, "%s%s/%s", r->base, endpoint, id);
}

/* Keep the items of all that match f, and of those the page [start, start + count). */
static json_t *filter_page(json_t *all, const struct scim_filter *f, int64_t start, int64_t count,
                           int64_t *total)
{
	json_t *page = json_array();
	size_t i;
	json_t *it;
	int64_t seen = 0;
	json_array_foreach(all, i, it)
	{
		if (f && !scim_filter_match(f, it))
			continue;
		seen++;
		if (seen >= start && seen < start + count)
			json_array_append(page, it);
	}
	*total = seen;
	return page;
}

/* -- gcas backend ------------------------------------------------------------------------ */

static json_t *user_of_account(struct scim_realm *r, const struct account *acc,
                               const struct scim_group_ref *g, size_t ng)
{
	const char *full = arena_printf(r->a, "%s %s", acc->family_name, acc->given_name);
	json_t *groups = json_array();
	for (size_t i = 0; i < ng; i++) {
		struct target t = {.org_id = g[i].org_id,
		                   .agency_id = g[i].agency_id,
		                   .project_id = g[i].project_id};
		if (!policy_allows(&r->ac.subj, ACT_GROUP_VIEW, &t))
			continue;
		json_array_append_new(
		    groups, json_pack("{s:s,s:s,s:s,s:s}", "value", g[i].id, "display", g[i].name,
		                      "$ref", ref_of(r, "/Groups", g[i].id), "type", "direct"));
	}
	json_t *u =
	    json_pack("{s:[s],s:s,s:s,s:s,s:{s:s,s:s,s:s},s:s,s:s,s:b,s:[{s:s,s:s,s:b}]}",
	              "schemas", SCIM_SCHEMA_USER, "id", acc->id, "externalId", acc->id, "userName",
	              acc->email, "name", "formatted", full, "familyName", acc->family_name,
	              "givenName", acc->given_name, "displayName", full, "userType",
	              role_name(acc->role), "active", acc->status == ACCOUNT_ACTIVE, "emails",
	              "value", acc->email, "type", "work", "primary", 1);
	if (!u) {
		json_decref(groups);
		return NULL;
	}
	json_object_set_new(u, "groups", groups);
	scim_meta_set(u, scim_rdef_get(SCIM_USER), r->base, acc->id, acc->created_at,
	              acc->updated_at, acc->version);
	return u;
}

static json_t *group_json(struct scim_realm *r, const struct group *g, const struct membership *m,
                          size_t n, int64_t version)
{
	json_t *members = json_array();
	for (size_t i = 0; i < n; i++) {
		struct target mt = {.has_role = 1,
		                    .role = m[i].role,
		                    .account_id = m[i].account_id,
		                    .org_id = m[i].org_id,
		                    .agency_id = m[i].agency_id,
		                    .project_id = m[i].project_id};
		/* R7.1: seeing a group does not mean seeing every member. */
		if (!policy_allows(&r->ac.subj, ACT_ACCOUNT_VIEW, &mt))
			continue;
		json_array_append_new(
		    members,
		    json_pack("{s:s,s:s,s:s,s:s}", "value", m[i].account_id, "display", m[i].email,
		              "$ref", ref_of(r, "/Users", m[i].account_id), "type", "User"));
	}
	json_t *o = json_pack("{s:[s],s:s,s:s,s:o}", "schemas", SCIM_SCHEMA_GROUP, "id", g->id,
	                      "displayName", g->name, "members", members);
	if (o)
		scim_meta_set(o, scim_rdef_get(SCIM_GROUP), r->base, g->id, g->created_at,
		              g->created_at, version);
	return o;
}

/* The user and group representations read inside db. A resource the reader may not see is
 * NOTFOUND (never a 403 that would confirm it exists); the refusal is audited. */
static enum gcas_err gcas_user(struct scim_realm *r, struct db *db, const char *id, json_t **res,
                               int64_t *version)
{
	struct scim_group_ref *g;
	size_t ng;
	enum gcas_err e = store_account_get(db, r->a, id, &r->acc);
	if (e)
		return e;
	if (r->acc.status == ACCOUNT_DELETED)
		return GCAS_ERR_NOTFOUND;
	struct target t = account_target(&r->acc);
	if (!policy_allows(&r->ac.subj, ACT_ACCOUNT_VIEW, &t)) {
		deny(r, ACT_ACCOUNT_VIEW, "account", r->acc.id, r->acc.agency_id);
		return GCAS_ERR_NOTFOUND;
	}
	if ((e = store_scim_account_groups(db, r->a, id, &g, &ng)))
		return e;
	*res = user_of_account(r, &r->acc, g, ng);
	*version = r->acc.version;
	return *res ? GCAS_OK : GCAS_ERR_NOMEM;
}

static enum gcas_err gcas_group(struct scim_realm *r, struct db *db, const char *id, json_t **res,
                                int64_t *version)
{
	struct membership *m;
	size_t n;
	enum gcas_err e = store_group_get(db, r->a, id, &r->grp);
	if (e)
		return e;
	struct target t = group_target(&r->grp);
	if (!policy_allows(&r->ac.subj, ACT_GROUP_VIEW, &t)) {
		deny(r, ACT_GROUP_VIEW, "group", r->grp.id, r->grp.agency_id);
		return GCAS_ERR_NOTFOUND;
	}
	if ((e = store_member_list(db, r->a, id, &m, &n)) ||
	    (e = store_scim_group_version(db, id, version)))
		return e;
	*res = group_json(r, &r->grp, m, n, *version);
	return *res ? GCAS_OK : GCAS_ERR_NOMEM;
}

static enum gcas_err gcas_load(struct scim_realm *r, struct db *db, enum scim_rtype t,
                               const char *id, json_t **res, int64_t *version)
{
	*res = NULL;
	return t == SCIM_USER ? gcas_user(r, db, id, res, version)
	                      : gcas_group(r, db, id, res, version);
}

/* Build the representations of one page of accounts or groups in one read. */
struct build_ctx {
	struct scim_realm *r;
	enum scim_rtype t;
	const char **ids;
	size_t n;
	json_t *into;
};

static enum gcas_err build_tx(struct db *db, void *ctx)
{
	struct build_ctx *b = ctx;
	for (size_t i = 0; i < b->n; i++) {
		json_t *res = NULL;
		int64_t v;
		enum gcas_err e = gcas_load(b->r, db, b->t, b->ids[i], &res, &v);
		b->r->denied =
		    0; /* a list leaves out what the reader may not see; nothing to audit */
		if (e == GCAS_ERR_NOTFOUND)
			continue;
		if (e)
			return e;
		json_array_append_new(b->into, res);
	}
	return GCAS_OK;
}

/* Every account or group the reader may see (at most SCAN_MAX), as representations. */
static enum gcas_err gcas_scan(struct scim_realm *r, enum scim_rtype t, json_t *all)
{
	struct page pg = {.limit = 200};
	size_t seen = 0;
	do {
		struct account *acc = NULL;
		struct group *grp = NULL;
		size_t n = 0;
		enum gcas_err e;
		if (t == SCIM_USER) {
			struct account_filter af = {.role = -1, .status = -1};
			e = svc_account_list(r->env, &r->ac, r->a, &af, &pg, &acc, &n);
		} else {
			e = svc_group_list(r->env, &r->ac, r->a, &pg, &grp, &n);
		}
		if (e)
			return e;
		const char **ids = arena_alloc(r->a, (n ? n : 1) * sizeof(*ids));
		if (!ids)
			return GCAS_ERR_NOMEM;
		for (size_t i = 0; i < n; i++)
			ids[i] = t == SCIM_USER ? acc[i].id : grp[i].id;
		struct build_ctx b = {r, t, ids, n, all};
		if ((e = store_run(r->env->st, build_tx, &b)))
			return e;
		seen += n;
		pg.after = pg.next;
	} while (pg.next && seen < SCAN_MAX);
	return GCAS_OK;
}

struct one_ctx {
	struct scim_realm *r;
	enum scim_rtype t;
	const char *id, *email;
	json_t *into;
};

static enum gcas_err one_tx(struct db *db, void *ctx)
{
	struct one_ctx *o = ctx;
	struct account acc;
	const char *id = o->id;
	json_t *res = NULL;
	int64_t v;
	if (o->email) {
		enum gcas_err e = store_account_get_by_email(db, o->r->a, o->email, &acc);
		if (e)
			return e == GCAS_ERR_NOTFOUND ? GCAS_OK : e;
		id = acc.id;
	}
	enum gcas_err e = gcas_load(o->r, db, o->t, id, &res, &v);
	o->r->denied = 0;
	if (e)
		return e == GCAS_ERR_NOTFOUND ? GCAS_OK : e;
	json_array_append_new(o->into, res);
	return GCAS_OK;
}

static enum gcas_err gcas_list(struct scim_realm *r, enum scim_rtype t, const struct scim_filter *f,
                               int64_t start, int64_t count, json_t **items, int64_t *total,
                               struct scim_error *err)
{
	(void)err;
	const char *value = NULL;
	const char *attr = scim_filter_simple_eq(f, &value);
	json_t *all = json_array();
	enum gcas_err e;
	/* The lookups identity stores make (userName eq, id eq) go straight to the row. */
	if (attr &&
	    (strcmp(attr, "id") == 0 || (t == SCIM_USER && (strcmp(attr, "userName") == 0 ||
	                                                    strcmp(attr, "externalId") == 0)))) {
		char *email = strcmp(attr, "userName") == 0 ? arena_strdup(r->a, value) : NULL;
		if (email)
			str_lower(email); /* addresses are stored lower-cased */
		struct one_ctx o = {r, t, email ? NULL : value, email, all};
		e = store_run(r->env->st, one_tx, &o);
	} else {
		e = gcas_scan(r, t, all);
	}
	*items = e ? NULL : filter_page(all, f, start, count, total);
	json_decref(all);
	return e;
}

/* The set of member values of a representation (strings in a). */
static const char **member_values(struct arena *a, const json_t *res, size_t *n)
{
	json_t *m = scim_json_get(res, "members", NULL);
	size_t i, k = 0;
	json_t *el;
	const char **out = arena_alloc(a, (json_array_size(m) + 1) * sizeof(*out));
	if (!out)
		return NULL;
	json_array_foreach(m, i, el)
	{
		const char *v = json_string_value(scim_json_get(el, "value", NULL));
		if (v)
			out[k++] = v;
	}
	*n = k;
	return out;
}

/* A set of member values (a JSON object used as a hash table: groups can have thousands of
 * members, and a diff by pairwise comparison would be quadratic). */
static json_t *value_set(const char **v, size_t n)
{
	json_t *set = json_object();
	for (size_t i = 0; set && i < n; i++)
		json_object_set_new(set, v[i], json_true());
	return set;
}

static int in_set(const json_t *set, const char *v)
{
	return json_object_get(set, v) != NULL;
}

/* The representation without the attributes a backend handles itself, for "did anything else
 * change?". */
static json_t *without(struct scim_realm *r, const struct scim_rdef *rd, const json_t *res,
                       const char *attr)
{
	json_t *c = NULL;
	struct scim_error err;
	if (scim_resource_clean(r->a, rd, res, &c, &err))
		return NULL;
	scim_json_del(c, attr);
	return c;
}

static int only_changed(struct scim_realm *r, const struct scim_rdef *rd, const json_t *old,
                        const json_t *clean, const char *attr)
{
	json_t *x = without(r, rd, old, attr), *y = without(r, rd, clean, attr);
	int same = x && y && json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return same;
}

static enum gcas_err refused(struct scim_error *err, const char *detail)
{
	scim_error_set(err, 403, NULL, detail);
	return GCAS_ERR_DENIED;
}

static enum gcas_err gcas_save_user(struct scim_realm *r, struct db *db, const json_t *old,
                                    const json_t *clean, struct scim_error *err)
{
	if (!only_changed(r, scim_rdef_get(SCIM_USER), old, clean, "active"))
		return refused(err, "Only active can be changed through SCIM: accounts are created "
		                    "and changed by application (別表1).");
	json_t *na = scim_json_get(clean, "active", NULL);
	int was = json_is_true(scim_json_get(old, "active", NULL));
	if (!json_is_boolean(na) || json_is_true(na) == was)
		return GCAS_OK;
	if (!was)
		return refused(err, "An account is re-enabled by application (別表1), not through "
		                    "SCIM.");
	struct target t = account_target(&r->acc);
	if (!policy_allows(&r->ac.subj, ACT_ACCOUNT_DISABLE, &t)) {
		deny(r, ACT_ACCOUNT_DISABLE, "account", r->acc.id, r->acc.agency_id);
		return refused(err, "The permission matrix does not allow disabling this account.");
	}
	/* The same in-transaction step as the account pages and API: ends sessions, tokens and
	 * set-up links, and writes the audit record. */
	return account_status_tx(db, &r->ac, r->a, &r->acc, ACCOUNT_OP_DISABLE,
	                         "SCIM: active set to false", NULL, NULL);
}

static int same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* One member added or removed, with the checks of svc/groups.c (managing the person, and for an
 * addition the person belonging to the group's scope). */
static enum gcas_err gcas_member(struct scim_realm *r, struct db *db, const char *account_id,
                                 int add, struct audit_event *ev, struct scim_error *err)
{
	struct account acc;
	const struct group *g = &r->grp;
	enum gcas_err e = store_account_get(db, r->a, account_id, &acc);
	if (e == GCAS_ERR_NOTFOUND || (!e && acc.status == ACCOUNT_DELETED)) {
		scim_error_set(
		    err, 400, "invalidValue",
		    arena_printf(r->a, "Member '%s' is not a gcas account.", account_id));
		return GCAS_ERR_INVALID;
	}
	if (e)
		return e;
	struct target at = account_target(&acc);
	if (!policy_allows(&r->ac.subj, ACT_APP_APPLY, &at)) {
		deny(r, ACT_APP_APPLY, "group", g->id, acc.agency_id);
		return refused(err, "The permission matrix does not allow managing this member.");
	}
	int in_scope = g->kind == GROUP_PMO ? same(acc.agency_id, g->agency_id) && !acc.project_id
	                                    : same(acc.project_id, g->project_id);
	if (add && !in_scope) {
		scim_error_set(err, 400, "invalidValue",
		               arena_printf(r->a,
		                            "Account '%s' is outside the group's organisation.",
		                            account_id));
		return GCAS_ERR_INVALID;
	}
	if (add) {
		struct membership m = {.group_id = g->id,
		                       .account_id = acc.id,
		                       .added_by = r->ac.acc ? r->ac.acc->id : NULL,
		                       .added_at = clock_now()};
		e = store_member_add(db, &m);
	} else {
		e = store_member_remove(db, g->id, acc.id);
	}
	if (e == GCAS_ERR_CONFLICT || e == GCAS_ERR_NOTFOUND)
		e = GCAS_OK;
	*ev = (struct audit_event){add ? "group.member_add" : "group.member_remove",
	                           "group",
	                           g->id,
	                           g->agency_id,
	                           NULL,
	                           audit_json(r->a, "account_id", acc.id, "via", "scim", NULL)};
	return e;
}

static enum gcas_err gcas_save_group(struct scim_realm *r, struct db *db, const json_t *old,
                                     const json_t *clean, struct scim_error *err)
{
	size_t no, nn, nev = 0;
	if (!only_changed(r, scim_rdef_get(SCIM_GROUP), old, clean, "members"))
		return refused(err, "Only members can be changed through SCIM: groups follow their "
		                    "organisations.");
	const char **ov = member_values(r->a, old, &no), **nv = member_values(r->a, clean, &nn);
	struct audit_event *ev = arena_alloc(r->a, (no + nn + 1) * sizeof(*ev));
	if (!ov || !nv || !ev)
		return GCAS_ERR_NOMEM;
	struct target gt = group_target(&r->grp);
	json_t *sets[2] = {keep(r->a, value_set(ov, no)), keep(r->a, value_set(nv, nn))};
	if (!sets[0] || !sets[1])
		return GCAS_ERR_NOMEM;
	for (size_t pass = 0; pass < 2; pass++) {
		/* pass 0: removals (in old, not in new); pass 1: additions. */
		const char **from = pass ? nv : ov;
		size_t nf = pass ? nn : no;
		json_t *done = keep(r->a, json_object());
		for (size_t i = 0; done && i < nf; i++) {
			if (in_set(sets[!pass], from[i]) || in_set(done, from[i]))
				continue;
			json_object_set_new(done, from[i], json_true());
			if (!policy_allows(&r->ac.subj, ACT_GROUP_MEMBER_MANAGE, &gt)) {
				deny(r, ACT_GROUP_MEMBER_MANAGE, "group", r->grp.id,
				     r->grp.agency_id);
				return refused(err, "The permission matrix does not allow managing "
				                    "this group's members.");
			}
			enum gcas_err e = gcas_member(r, db, from[i], (int)pass, &ev[nev], err);
			if (e)
				return e;
			nev++;
		}
	}
	return nev ? audit_append_batch(db, r->a, &r->ac, ev, nev) : GCAS_OK;
}

static enum gcas_err gcas_save(struct scim_realm *r, struct db *db, enum scim_rtype t,
                               const char *id, int64_t version, const json_t *old,
                               const json_t *clean, struct scim_error *err)
{
	(void)id;
	(void)version;
	return t == SCIM_USER ? gcas_save_user(r, db, old, clean, err)
	                      : gcas_save_group(r, db, old, clean, err);
}

static const struct scim_backend gcas_backend = {
    .load = gcas_load,
    .list = gcas_list,
    .save = gcas_save,
    .create_refused = {[SCIM_USER] = "Accounts are created by application (別表1) and its "
                                     "approval; SCIM cannot create them.",
                       [SCIM_GROUP] = "Groups are created with their organisations; SCIM "
                                      "cannot create them."},
    .remove_refused = {[SCIM_USER] = "Accounts are deleted by application (別表1); SCIM "
                                     "cannot delete them.",
                       [SCIM_GROUP] = "Groups end with their organisations; SCIM cannot "
                                      "delete them."},
    .replace_refused = {[SCIM_USER] = "Accounts are changed by application (別表1); use PATCH "
                                      "to set active to false."},
};

/* -- local cloud backend ----------------------------------------------------------------- */

static json_t *doc_of(const char *text)
{
	json_error_t je;
	json_t *d = text ? json_loads(text, 0, &je) : NULL;
	if (json_is_object(d))
		return d;
	json_decref(d);
	return json_object();
}

static json_t *local_user_json(struct scim_realm *r, const struct local_scim_user_row *row,
                               const struct local_scim_member *g, size_t ng)
{
	json_t *u = doc_of(row->doc);
	json_t *groups = json_array();
	for (size_t i = 0; i < ng; i++)
		json_array_append_new(groups, json_pack("{s:s,s:s?,s:s,s:s}", "value",
		                                        g[i].group_id, "display", g[i].display,
		                                        "$ref", ref_of(r, "/Groups", g[i].group_id),
		                                        "type", "direct"));
	json_object_set_new(u, "id", json_string(row->u.id));
	if (json_array_size(groups))
		json_object_set_new(u, "groups", groups);
	else
		json_decref(groups);
	scim_meta_set(u, scim_rdef_get(SCIM_USER), r->base, row->u.id, row->u.created_at,
	              row->u.updated_at, row->u.version);
	return u;
}

static json_t *local_group_json(struct scim_realm *r, const struct local_scim_group_row *row,
                                const struct local_scim_member *m, size_t n)
{
	json_t *g = doc_of(row->doc);
	json_t *members = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(members,
		                      json_pack("{s:s,s:s?,s:s,s:s}", "value", m[i].user_id,
		                                "display", m[i].display, "$ref",
		                                ref_of(r, "/Users", m[i].user_id), "type", "User"));
	json_object_set_new(g, "id", json_string(row->id));
	json_object_set_new(g, "members", members);
	scim_meta_set(g, scim_rdef_get(SCIM_GROUP), r->base, row->id, row->created_at,
	              row->updated_at, row->version);
	return g;
}

static enum gcas_err local_user_one(struct scim_realm *r, struct db *db,
                                    const struct local_scim_user_row *row, json_t **res)
{
	struct local_scim_member *g;
	size_t ng;
	enum gcas_err e = store_local_scim_member_of(db, r->a, r->env_id, row->u.id, &g, &ng);
	if (e)
		return e;
	*res = local_user_json(r, row, g, ng);
	return GCAS_OK;
}

static enum gcas_err local_group_one(struct scim_realm *r, struct db *db,
                                     const struct local_scim_group_row *row, json_t **res)
{
	struct local_scim_member *m;
	size_t n;
	enum gcas_err e = store_local_scim_member_list(db, r->a, row->id, &m, &n);
	if (e)
		return e;
	*res = local_group_json(r, row, m, n);
	return GCAS_OK;
}

static enum gcas_err local_load(struct scim_realm *r, struct db *db, enum scim_rtype t,
                                const char *id, json_t **res, int64_t *version)
{
	*res = NULL;
	if (t == SCIM_USER) {
		struct local_scim_user_row row = {0};
		enum gcas_err e = store_local_scim_user_get(db, r->a, r->env_id, id, &row);
		*version = row.u.version;
		return e ? e : local_user_one(r, db, &row, res);
	}
	struct local_scim_group_row row = {0};
	enum gcas_err e = store_local_scim_group_get(db, r->a, r->env_id, id, &row);
	*version = row.version;
	return e ? e : local_group_one(r, db, &row, res);
}

struct local_list_ctx {
	struct scim_realm *r;
	enum scim_rtype t;
	const struct scim_filter *f;
	int64_t start, count, total;
	json_t *items;
	int too_many;
};

/* Users' groups for a whole scan from one query: user id → array of group references. */
static json_t *groups_by_user(struct scim_realm *r, struct db *db, enum gcas_err *e)
{
	struct local_scim_member *m;
	size_t n;
	json_t *map = json_object();
	*e = store_local_scim_member_all(db, r->a, r->env_id, &m, &n);
	for (size_t i = 0; !*e && i < n; i++) {
		json_t *arr = json_object_get(map, m[i].user_id);
		if (!arr) {
			arr = json_array();
			json_object_set_new(map, m[i].user_id, arr);
		}
		json_array_append_new(arr, json_pack("{s:s,s:s?,s:s,s:s}", "value", m[i].group_id,
		                                     "display", m[i].display, "$ref",
		                                     ref_of(r, "/Groups", m[i].group_id), "type",
		                                     "direct"));
	}
	return map;
}

static enum gcas_err local_rows(struct local_list_ctx *c, struct db *db, void *rows, size_t n,
                                json_t *gmap)
{
	for (size_t i = 0; i < n; i++) {
		json_t *res = NULL;
		enum gcas_err e;
		if (c->t == SCIM_USER && gmap) {
			const struct local_scim_user_row *row =
			    (struct local_scim_user_row *)rows + i;
			res = local_user_json(c->r, row, NULL, 0);
			json_t *g = json_object_get(gmap, row->u.id);
			if (g)
				json_object_set(res, "groups", g);
			e = GCAS_OK;
		} else if (c->t == SCIM_USER) {
			e = local_user_one(c->r, db, (struct local_scim_user_row *)rows + i, &res);
		} else {
			e = local_group_one(c->r, db, (struct local_scim_group_row *)rows + i,
			                    &res);
		}
		if (e)
			return e;
		json_array_append_new(c->items, res);
	}
	return GCAS_OK;
}

static enum gcas_err local_list_tx(struct db *db, void *ctx)
{
	struct local_list_ctx *c = ctx;
	struct scim_realm *r = c->r;
	const char *value = NULL, *attr = scim_filter_simple_eq(c->f, &value);
	void *rows = NULL;
	size_t n = 0;
	enum gcas_err e;
	json_decref(c->items);
	c->items = json_array();
	int indexed = attr && (strcmp(attr, "id") == 0 || strcmp(attr, "externalId") == 0 ||
	                       strcmp(attr, c->t == SCIM_USER ? "userName" : "displayName") == 0);
	if (indexed) {
		/* AWS and gcas's own client look resources up by userName / displayName eq. */
		struct local_scim_user_row *u;
		struct local_scim_group_row *g;
		e = c->t == SCIM_USER ? store_local_scim_user_find(db, r->a, r->env_id, attr, value,
		                                                   SCAN_MAX, &u, &n)
		                      : store_local_scim_group_find(db, r->a, r->env_id, attr,
		                                                    value, SCAN_MAX, &g, &n);
		rows = c->t == SCIM_USER ? (void *)u : (void *)g;
		c->total = -1; /* the engine filters and pages what was found */
		return e ? e : local_rows(c, db, rows, n, NULL);
	}
	int64_t off = c->f ? 0 : c->start - 1, lim = c->f ? SCAN_MAX + 1 : c->count;
	struct local_scim_user_row *u;
	struct local_scim_group_row *g;
	e = c->t == SCIM_USER
	        ? store_local_scim_user_list(db, r->a, r->env_id, off, lim, &u, &n, &c->total)
	        : store_local_scim_group_list(db, r->a, r->env_id, off, lim, &g, &n, &c->total);
	if (e)
		return e;
	rows = c->t == SCIM_USER ? (void *)u : (void *)g;
	if (c->f && c->total > SCAN_MAX) {
		c->too_many = 1;
		return GCAS_OK;
	}
	json_t *gmap = c->f && c->t == SCIM_USER ? groups_by_user(r, db, &e) : NULL;
	if (!e)
		e = local_rows(c, db, rows, n, gmap);
	json_decref(gmap);
	if (c->f)
		c->total = -1;
	return e;
}

static enum gcas_err local_list(struct scim_realm *r, enum scim_rtype t,
                                const struct scim_filter *f, int64_t start, int64_t count,
                                json_t **items, int64_t *total, struct scim_error *err)
{
	struct local_list_ctx c = {r, t, f, start, count, 0, NULL, 0};
	enum gcas_err e = store_run(r->env->st, local_list_tx, &c);
	*items = NULL;
	if (!e && c.too_many) {
		scim_error_set(err, 400, "tooMany",
		               "The filter needs a scan of more resources than this store will "
		               "process; filter on userName, displayName, externalId or id.");
		e = GCAS_ERR_INVALID;
	}
	if (e) {
		json_decref(c.items);
		return e;
	}
	if (c.total >= 0) { /* unfiltered: the store already paged */
		*items = c.items;
		*total = c.total;
		return GCAS_OK;
	}
	*items = filter_page(c.items, f, start, count, total);
	json_decref(c.items);
	return GCAS_OK;
}

static enum gcas_err local_audit(struct scim_realm *r, struct db *db, const char *action,
                                 const char *type, const char *id, const char *detail)
{
	struct audit_event ev = {action, type, id, r->agency_id, NULL, detail};
	return audit_append(db, r->a, &r->ac, &ev);
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(scim_json_get(o, k, NULL));
}

/* The indexed columns of a user from its cleaned representation. */
static void user_columns(const json_t *clean, struct local_scim_user *u)
{
	json_t *name = scim_json_get(clean, "name", NULL),
	       *emails = scim_json_get(clean, "emails", NULL);
	json_t *act = scim_json_get(clean, "active", NULL), *el;
	size_t i;
	u->user_name = jstr(clean, "userName");
	u->external_id = jstr(clean, "externalId");
	u->display_name = jstr(clean, "displayName");
	u->given_name = jstr(name, "givenName");
	u->family_name = jstr(name, "familyName");
	u->email = NULL;
	/* The primary address, else the first. */
	json_array_foreach(emails, i, el)
	{
		if (!u->email || json_is_true(scim_json_get(el, "primary", NULL)))
			u->email = jstr(el, "value");
	}
	u->active = !json_is_false(act);
}

static const char *dump(struct arena *a, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	char *out = arena_strdup(a, s);
	free(s);
	return out;
}

static enum gcas_err uniqueness(struct scim_realm *r, struct scim_error *err, const char *what,
                                const char *name)
{
	scim_error_set(err, 409, "uniqueness",
	               arena_printf(r->a, "%s '%s' is already in use in this environment.", what,
	                            name ? name : ""));
	return GCAS_ERR_CONFLICT;
}

/* Member values must be users of this environment (nested groups are not kept). */
static enum gcas_err check_members(struct scim_realm *r, struct db *db, const char **v, size_t n,
                                   const json_t *known, const json_t *clean, struct scim_error *err)
{
	json_t *m = scim_json_get(clean, "members", NULL), *el;
	size_t i;
	json_array_foreach(m, i, el)
	{
		const char *type = jstr(el, "type");
		if (type && !str_ieq(type, "User")) {
			scim_error_set(err, 400, "invalidValue",
			               "Only users can be group members here.");
			return GCAS_ERR_INVALID;
		}
		if (!jstr(el, "value")) {
			scim_error_set(err, 400, "invalidValue", "Each member needs a value.");
			return GCAS_ERR_INVALID;
		}
	}
	/* Only values that are not members already need looking up. */
	for (i = 0; i < n; i++) {
		struct local_scim_user_row row;
		if (known && in_set(known, v[i]))
			continue;
		enum gcas_err e = store_local_scim_user_get(db, r->a, r->env_id, v[i], &row);
		if (e == GCAS_ERR_NOTFOUND) {
			scim_error_set(
			    err, 400, "invalidValue",
			    arena_printf(r->a, "Member '%s' is not a user of this environment.",
			                 v[i]));
			return GCAS_ERR_INVALID;
		}
		if (e)
			return e;
	}
	return GCAS_OK;
}

static enum gcas_err local_create(struct scim_realm *r, struct db *db, enum scim_rtype t,
                                  const json_t *clean, const char **id, struct scim_error *err)
{
	char nid[33];
	int64_t now = clock_now();
	if (rand_id(nid))
		return GCAS_ERR_INTERNAL;
	*id = arena_strdup(r->a, nid);
	json_t *doc = json_deep_copy(clean);
	if (!doc || !*id)
		return GCAS_ERR_NOMEM;
	keep(r->a, doc);
	if (t == SCIM_USER) {
		struct local_scim_user_row row = {.u = {.id = *id, .environment_id = r->env_id}};
		user_columns(clean, &row.u);
		if (!json_is_boolean(scim_json_get(doc, "active", NULL)))
			json_object_set_new(doc, "active", json_true());
		row.u.created_at = row.u.updated_at = now;
		row.doc = dump(r->a, doc);
		enum gcas_err e = store_local_scim_user_insert(db, &row);
		if (e == GCAS_ERR_CONFLICT)
			return uniqueness(r, err, "userName", row.u.user_name);
		return e ? e
		         : local_audit(r, db, "local_scim.user_create", "local_scim_user", *id,
		                       audit_json(r->a, "environment_id", r->env_id, "userName",
		                                  row.u.user_name, NULL));
	}
	size_t n;
	const char **v = member_values(r->a, clean, &n);
	enum gcas_err e = v ? check_members(r, db, v, n, NULL, clean, err) : GCAS_ERR_NOMEM;
	if (e)
		return e;
	scim_json_del(doc, "members");
	struct local_scim_group_row row = {.id = *id,
	                                   .environment_id = r->env_id,
	                                   .display_name = jstr(clean, "displayName"),
	                                   .external_id = jstr(clean, "externalId"),
	                                   .doc = dump(r->a, doc),
	                                   .created_at = now,
	                                   .updated_at = now};
	e = store_local_scim_group_insert(db, &row);
	if (e == GCAS_ERR_CONFLICT)
		return uniqueness(r, err, "displayName", row.display_name);
	for (size_t i = 0; !e && i < n; i++)
		e = store_local_scim_member_add(db, *id, v[i]);
	return e ? e
	         : local_audit(r, db, "local_scim.group_create", "local_scim_group", *id,
	                       audit_json(r->a, "environment_id", r->env_id, "displayName",
	                                  row.display_name, "members", arena_printf(r->a, "%zu", n),
	                                  NULL));
}

static enum gcas_err local_save_group(struct scim_realm *r, struct db *db, const char *id,
                                      int64_t version, const json_t *old, const json_t *clean,
                                      struct scim_error *err)
{
	size_t no, nn, added = 0, removed = 0;
	const char **ov = member_values(r->a, old, &no), **nv = member_values(r->a, clean, &nn);
	json_t *doc = keep(r->a, json_deep_copy(clean)), *oset = keep(r->a, value_set(ov, no)),
	       *nset = keep(r->a, value_set(nv, nn)), *done = keep(r->a, json_object());
	if (!ov || !nv || !doc || !oset || !nset || !done)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = check_members(r, db, nv, nn, oset, clean, err);
	if (e)
		return e;
	scim_json_del(doc, "members");
	struct local_scim_group_row row = {.id = id,
	                                   .environment_id = r->env_id,
	                                   .display_name = jstr(clean, "displayName"),
	                                   .external_id = jstr(clean, "externalId"),
	                                   .doc = dump(r->a, doc),
	                                   .updated_at = clock_now()};
	e = store_local_scim_group_update(db, &row, version);
	if (e == GCAS_ERR_CONFLICT)
		return uniqueness(r, err, "displayName", row.display_name);
	for (size_t i = 0; !e && i < no; i++)
		if (!in_set(nset, ov[i]) && !(e = store_local_scim_member_remove(db, id, ov[i])))
			removed++;
	for (size_t i = 0; !e && i < nn; i++) {
		if (in_set(oset, nv[i]) || in_set(done, nv[i]))
			continue;
		json_object_set_new(done, nv[i], json_true());
		if (!(e = store_local_scim_member_add(db, id, nv[i])))
			added++;
	}
	return e ? e
	         : local_audit(r, db, "local_scim.group_update", "local_scim_group", id,
	                       audit_json(r->a, "environment_id", r->env_id, "added",
	                                  arena_printf(r->a, "%zu", added), "removed",
	                                  arena_printf(r->a, "%zu", removed), NULL));
}

static enum gcas_err local_save(struct scim_realm *r, struct db *db, enum scim_rtype t,
                                const char *id, int64_t version, const json_t *old,
                                const json_t *clean, struct scim_error *err)
{
	enum gcas_err e;
	if (t == SCIM_GROUP)
		e = local_save_group(r, db, id, version, old, clean, err);
	else {
		struct local_scim_user_row row = {.u = {.id = id, .environment_id = r->env_id}};
		json_t *doc = keep(r->a, json_deep_copy(clean));
		if (!doc)
			return GCAS_ERR_NOMEM;
		user_columns(clean, &row.u);
		if (!json_is_boolean(scim_json_get(doc, "active", NULL)))
			json_object_set_new(doc, "active", json_true());
		row.u.updated_at = clock_now();
		row.doc = dump(r->a, doc);
		e = store_local_scim_user_update(db, &row, version);
		if (e == GCAS_ERR_CONFLICT)
			return uniqueness(r, err, "userName", row.u.user_name);
		if (!e)
			e = local_audit(r, db, "local_scim.user_update", "local_scim_user", id,
			                audit_json(r->a, "environment_id", r->env_id, "userName",
			                           row.u.user_name, NULL));
	}
	/* The row's version moved between our read and our write (another writer). */
	if (e == GCAS_ERR_NOTFOUND && !err->status)
		scim_error_set(err, 412, NULL, "The resource changed while it was being written.");
	return e;
}

static enum gcas_err local_remove(struct scim_realm *r, struct db *db, enum scim_rtype t,
                                  const char *id, int64_t version, struct scim_error *err)
{
	(void)version;
	(void)err;
	enum gcas_err e = t == SCIM_USER ? store_local_scim_user_delete(db, r->env_id, id)
	                                 : store_local_scim_group_delete(db, r->env_id, id);
	return e ? e
	         : local_audit(
	               r, db, t == SCIM_USER ? "local_scim.user_delete" : "local_scim.group_delete",
	               t == SCIM_USER ? "local_scim_user" : "local_scim_group", id,
	               audit_json(r->a, "environment_id", r->env_id, NULL));
}

static const struct scim_backend local_backend = {
    .load = local_load,
    .list = local_list,
    .create = local_create,
    .save = local_save,
    .remove = local_remove,
};

/* -- opening a realm --------------------------------------------------------------------- */

/* The token of "Bearer <token>" (RFC 6750 §2.1; the scheme is case-insensitive), or NULL. */
static const char *bearer(const char *authorization)
{
	if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
		return NULL;
	const char *t = authorization + 7;
	while (*t == ' ')
		t++;
	return *t ? t : NULL;
}

static struct scim_realm *realm_new(const struct env *env, struct arena *a,
                                    const struct scim_backend *be, const char *base)
{
	struct scim_realm *r = arena_alloc(a, sizeof(*r));
	if (!r)
		return NULL;
	r->env = env;
	r->a = a;
	r->be = be;
	r->base = base;
	return r;
}

static int unauthorized(struct scim_reply *fail, const char *detail)
{
	svc_scim_error(fail, 401, NULL, detail);
	return -1;
}

int svc_scim_open_gcas(const struct env *env, struct arena *a, const char *authorization,
                       const char *ip, const char *request_id, struct scim_realm **out,
                       struct scim_reply *fail)
{
	struct account *acc = arena_alloc(a, sizeof(*acc));
	struct api_token tok;
	const char *secret = bearer(authorization);
	*out = NULL;
	memset(fail, 0, sizeof(*fail));
	if (!acc || !secret || svc_token_resolve(env, a, secret, acc, &tok) != GCAS_OK)
		return unauthorized(fail,
		                    "The bearer token is missing, unknown, expired or revoked.");
	struct scim_realm *r =
	    realm_new(env, a, &gcas_backend, arena_printf(a, "%s/scim/v2", env->cfg->base_url));
	if (!r || !r->base) {
		svc_scim_error(fail, 500, NULL, "An internal error occurred.");
		return -1;
	}
	actor_from_account(&r->ac, acc);
	r->ac.scopes = arena_strdup(a, tok.scopes);
	r->ac.ip = ip;
	r->ac.request_id = request_id;
	if (!token_has_scope(r->ac.scopes, "read")) {
		svc_scim_error(fail, 403, NULL, "This token's scopes do not include read.");
		return -1;
	}
	r->can_write = token_has_scope(r->ac.scopes, "write");
	*out = r;
	return 0;
}

struct env_ctx {
	struct arena *a;
	const char *id;
	struct scim_env_auth auth;
};

static enum gcas_err env_tx(struct db *db, void *ctx)
{
	struct env_ctx *c = ctx;
	return store_scim_env_auth(db, c->a, c->id, &c->auth);
}

int svc_scim_open_local(const struct env *env, struct arena *a, const char *environment_id,
                        const char *authorization, const char *ip, const char *request_id,
                        struct scim_realm **out, struct scim_reply *fail)
{
	struct env_ctx c = {a, environment_id, {0}};
	char *plain = NULL;
	size_t len = 0;
	*out = NULL;
	memset(fail, 0, sizeof(*fail));
	enum gcas_err e = store_run(env->st, env_tx, &c);
	/* Only an active environment of the local driver has a local identity store; a closed
	 * one answers as if it never existed. */
	if (e || !same(c.auth.state, "active") || !same(c.auth.driver, "local")) {
		svc_scim_error(fail, e && e != GCAS_ERR_NOTFOUND ? 500 : 404, NULL,
		               "No such environment.");
		return -1;
	}
	const char *secret = bearer(authorization);
	if (!secret || !c.auth.token_sealed || !env->signer ||
	    signer_unseal(env->signer, a, "scim-token", c.auth.token_sealed, &plain, &len) ||
	    !plain || strlen(plain) != len || !ct_streq(plain, secret))
		return unauthorized(fail, "The bearer token is not this environment's SCIM token.");
	explicit_bzero(plain, len);
	struct scim_realm *r = realm_new(
	    env, a, &local_backend,
	    arena_printf(a, "%s/local-cloud/%s/scim/v2", env->cfg->base_url, environment_id));
	if (!r || !r->base) {
		svc_scim_error(fail, 500, NULL, "An internal error occurred.");
		return -1;
	}
	r->env_id = arena_strdup(a, environment_id);
	r->agency_id = c.auth.agency_id;
	r->ac = actor_system("local-cloud");
	r->ac.ip = ip;
	r->ac.request_id = request_id;
	r->can_write = 1;
	*out = r;
	return 0;
}
