/* SPDX-License-Identifier: MIT */
/* Organisation use cases. */
#include "svc/orgs.h"

#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "core/validate.h"
#include "svc/audit.h"

struct target org_target(const struct org *o)
{
	struct target t = {.org_id = o->id, .agency_id = o->agency_id, .project_id = o->project_id};
	return t;
}

/* 別表2 ②: an agency's PMO group, a project team's system group, named after them. */
static const char *group_name(struct arena *a, const struct org *o)
{
	return arena_printf(a, "%s %s", o->name,
	                    o->kind == ORG_AGENCY ? "PMOグループ" : "システムグループ");
}

static enum action create_action(enum org_kind k)
{
	return k == ORG_AGENCY    ? ACT_ORG_CREATE_AGENCY
	       : k == ORG_PROJECT ? ACT_ORG_CREATE_PROJECT
	                          : ACT_ORG_CREATE_CONTRACTOR;
}

static void check_name(const char *name, struct verrs *ve)
{
	enum vproblem p = validate_org_name(name);
	if (p)
		verr_add(ve, "name", validate_msg(p, 0), validate_msg(p, 1));
	else if (validate_individual_number_in(name))
		verr_add(ve, "name", validate_msg(VP_INDIVIDUAL_NUMBER, 0),
		         validate_msg(VP_INDIVIDUAL_NUMBER, 1));
}

static void check_agency(const struct org_input *in, struct verrs *ve)
{
	int local = in->agency_type && strcmp(in->agency_type, "local") == 0;
	int ministry = in->agency_type && strcmp(in->agency_type, "ministry") == 0;
	if (!local && !ministry) {
		verr_add(ve, "agency_type", "種別を選んでください（府省庁または地方公共団体）",
		         "Choose the kind: ministry or local government");
		return;
	}
	/* Local governments are identified by their 全国地方公共団体コード (JIS X 0402). */
	enum vproblem p = local ? validate_lg_code(in->code) : validate_ministry_code(in->code);
	if (p)
		verr_add(ve, "code", validate_msg(p, 0), validate_msg(p, 1));
}

struct create_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	enum org_kind kind;
	const struct org_input *in;
	struct org *out;
	struct verrs *ve;
};

static enum gcas_err create_tx(struct db *db, void *ctx)
{
	struct create_ctx *c = ctx;
	struct org parent = {0};
	enum gcas_err e;
	int64_t now = clock_now();
	if (c->kind != ORG_AGENCY) {
		if (!c->in->parent_id)
			return GCAS_ERR_NOTFOUND;
		if ((e = store_org_get(db, c->a, c->in->parent_id, &parent)))
			return e;
		enum org_kind want = c->kind == ORG_PROJECT ? ORG_AGENCY : ORG_PROJECT;
		if (parent.kind != want)
			return GCAS_ERR_NOTFOUND;
	}
	struct target t = org_target(&parent);
	if (!policy_allows(&c->ac->subj, create_action(c->kind), c->kind == ORG_AGENCY ? NULL : &t))
		return GCAS_ERR_DENIED;
	if (c->kind == ORG_AGENCY) {
		struct org dup;
		e = store_org_get_by_code(db, c->a, c->in->code, &dup);
		if (e == GCAS_OK) {
			verr_add(c->ve, "code", "このコードの利用機関は既に登録されています",
			         "An agency with this code is already registered");
			return GCAS_ERR_CONFLICT;
		}
		if (e != GCAS_ERR_NOTFOUND)
			return e;
	}
	char *id = arena_alloc(c->a, 33);
	if (!id || rand_id(id))
		return GCAS_ERR_NOMEM;
	struct org *o = c->out;
	*o = (struct org){
	    .id = id, .kind = c->kind, .name = c->in->name, .created_at = now, .updated_at = now};
	if (c->kind == ORG_AGENCY) {
		o->code = c->in->code;
		o->agency_type = c->in->agency_type;
		o->agency_id = id;
	} else {
		o->parent_id = parent.id;
		o->agency_id = parent.agency_id;
		o->project_id = c->kind == ORG_PROJECT ? id : parent.id;
	}
	if ((e = store_org_insert(db, o)))
		return e;
	if (c->kind != ORG_CONTRACTOR) {
		char *gid = arena_alloc(c->a, 33);
		if (!gid || rand_id(gid))
			return GCAS_ERR_NOMEM;
		struct group g = {.id = gid,
		                  .kind = c->kind == ORG_AGENCY ? GROUP_PMO : GROUP_SYSTEM,
		                  .org_id = id,
		                  .agency_id = o->agency_id,
		                  .project_id = o->project_id,
		                  .name = group_name(c->a, o),
		                  .created_at = now};
		if ((e = store_group_insert(db, &g)))
			return e;
	}
	const char *action = c->kind == ORG_AGENCY    ? "org.create_agency"
	                     : c->kind == ORG_PROJECT ? "org.create_project"
	                                              : "org.create_contractor";
	struct audit_event ev = {action, "org", id, o->agency_id, NULL, NULL};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_org_create(const struct env *env, const struct actor *ac, struct arena *a,
                             enum org_kind kind, const struct org_input *in, struct org *out,
                             struct verrs *ve)
{
	if (kind != ORG_AGENCY && kind != ORG_PROJECT && kind != ORG_CONTRACTOR)
		return GCAS_ERR_INVALID;
	/* Refuse early, before validating, when the role may never do this at all. */
	if (!policy_role_can(ac->subj.role, create_action(kind)))
		return audit_denied(env, ac, create_action(kind), "org", NULL, NULL);
	check_name(in->name, ve);
	if (kind == ORG_AGENCY)
		check_agency(in, ve);
	if (ve->n)
		return GCAS_ERR_INVALID;
	struct create_ctx c = {env, ac, a, kind, in, out, ve};
	enum gcas_err e = store_tx(env->st, create_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, create_action(kind), "org", in->parent_id, NULL);
	if (e == GCAS_ERR_NOTFOUND)
		verr_add(ve, "parent_id", "親組織が見つかりません",
		         "The parent organisation was not found");
	return e;
}

struct get_ctx {
	struct arena *a;
	const char *id;
	struct org *out;
};

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct get_ctx *c = ctx;
	return store_org_get(db, c->a, c->id, c->out);
}

enum gcas_err svc_org_get(const struct env *env, const struct actor *ac, struct arena *a,
                          const char *id, struct org *out)
{
	struct get_ctx c = {a, id, out};
	enum gcas_err e = store_run(env->st, get_tx, &c);
	if (e)
		return e;
	struct target t = org_target(out);
	if (!policy_allows(&ac->subj, ACT_ORG_VIEW, &t))
		return audit_denied(env, ac, ACT_ORG_VIEW, "org", id, out->agency_id);
	return GCAS_OK;
}

struct rename_ctx {
	const struct actor *ac;
	struct arena *a;
	const char *id, *name;
	const char *agency_id;
};

static enum gcas_err rename_tx(struct db *db, void *ctx)
{
	struct rename_ctx *c = ctx;
	struct org o;
	enum gcas_err e = store_org_get(db, c->a, c->id, &o);
	if (e)
		return e;
	c->agency_id = o.agency_id;
	struct target t = org_target(&o);
	if (!policy_allows(&c->ac->subj, ACT_ORG_UPDATE, &t))
		return GCAS_ERR_DENIED;
	if ((e = store_org_update_name(db, c->id, c->name, clock_now())))
		return e;
	struct org renamed = o;
	renamed.name = c->name;
	if ((e = store_group_rename_for_org(db, c->id, group_name(c->a, &renamed))))
		return e;
	char *detail = arena_printf(c->a, "{\"old_name_len\":%zu}", strlen(o.name));
	struct audit_event ev = {"org.rename", "org", c->id, o.agency_id, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_org_rename(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, const char *name, struct verrs *ve)
{
	check_name(name, ve);
	if (ve->n)
		return GCAS_ERR_INVALID;
	struct rename_ctx c = {ac, a, id, name, NULL};
	enum gcas_err e = store_tx(env->st, rename_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_ORG_UPDATE, "org", id, c.agency_id);
	return e;
}

struct list_ctx {
	struct arena *a;
	struct org_filter f;
	struct page *pg;
	struct org *out;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_org_list_filtered(db, c->a, &c->f, c->pg, &c->out, &c->n);
}

enum gcas_err svc_org_list(const struct env *env, const struct actor *ac, struct arena *a, int kind,
                           struct page *pg, struct org **out, size_t *n)
{
	/* The widest scope the matrix gives each role for ACT_ORG_VIEW, as SQL filters, so a
	 * page and its cursor only ever count organisations the reader may see (R7.1). */
	struct list_ctx c = {.a = a, .f = {.kind = kind}, .pg = pg};
	*out = NULL;
	*n = 0;
	switch (ac->subj.role) {
	case ROLE_OPERATOR:
		break;
	case ROLE_AGENCY_MANAGER:
	case ROLE_AGENCY_STAFF:
		c.f.agency_id = ac->subj.agency_id;
		break;
	case ROLE_CONTRACTOR_STAFF:
		c.f.id = ac->subj.org_id;
		break;
	default:
		c.f.project_id = ac->subj.project_id;
		break;
	}
	if (ac->subj.role != ROLE_OPERATOR && !c.f.agency_id && !c.f.project_id && !c.f.id)
		return GCAS_OK;
	enum gcas_err e = store_run(env->st, list_tx, &c);
	if (e)
		return e;
	/* The matrix still has the last word on every row. */
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct target t = org_target(&c.out[i]);
		if (policy_allows(&ac->subj, ACT_ORG_VIEW, &t))
			c.out[k++] = c.out[i];
	}
	*out = c.out;
	*n = k;
	return GCAS_OK;
}
