/* SPDX-License-Identifier: MIT */
/* Group membership use cases. Adding someone needs two rights: managing the group's members,
 * and managing that person (the certification chain), so a contractor manager can place only
 * their own staff. The person must belong to the group's scope: the agency for a PMO group, the
 * project team for a system group. */
#include "svc/groups.h"

#include <string.h>

#include "base/clock.h"
#include "svc/accounts.h"
#include "svc/audit.h"
#include "svc/privacy.h"

struct target group_target(const struct group *g)
{
	struct target t = {
	    .org_id = g->org_id, .agency_id = g->agency_id, .project_id = g->project_id};
	return t;
}

struct list_ctx {
	struct arena *a;
	const char *agency_id, *project_id;
	struct page *pg;
	struct group *out;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_group_list_scoped(db, c->a, c->agency_id, c->project_id, c->pg, &c->out,
	                               &c->n);
}

enum gcas_err svc_group_list(const struct env *env, const struct actor *ac, struct arena *a,
                             struct page *pg, struct group **out, size_t *n)
{
	const char *scope = ac->subj.role == ROLE_OPERATOR ? NULL : ac->subj.agency_id;
	*out = NULL;
	*n = 0;
	if (ac->subj.role != ROLE_OPERATOR && !scope)
		return GCAS_OK;
	/* Project and contractor roles see only their project team's group: narrowed in SQL so
	 * pages and cursors count only visible groups. */
	const char *project = ac->subj.role == ROLE_AGENCY_MANAGER ||
	                              ac->subj.role == ROLE_AGENCY_STAFF ||
	                              ac->subj.role == ROLE_OPERATOR
	                          ? NULL
	                          : ac->subj.project_id;
	struct list_ctx c = {a, scope, project, pg, NULL, 0};
	enum gcas_err e = store_run(env->st, list_tx, &c);
	if (e)
		return e;
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct target t = group_target(&c.out[i]);
		if (policy_allows(&ac->subj, ACT_GROUP_VIEW, &t))
			c.out[k++] = c.out[i];
	}
	*out = c.out;
	*n = k;
	return GCAS_OK;
}

struct get_ctx {
	struct arena *a;
	const char *id;
	struct group *g;
	struct membership *m;
	size_t n;
};

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct get_ctx *c = ctx;
	enum gcas_err e = store_group_get(db, c->a, c->id, c->g);
	if (e)
		return e;
	return store_member_list(db, c->a, c->id, &c->m, &c->n);
}

enum gcas_err svc_group_get(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *id, struct group *out, struct membership **members,
                            size_t *nmembers)
{
	struct get_ctx c = {a, id, out, NULL, 0};
	enum gcas_err e = store_run(env->st, get_tx, &c);
	if (e)
		return e;
	struct target t = group_target(out);
	if (!policy_allows(&ac->subj, ACT_GROUP_VIEW, &t))
		return audit_denied(env, ac, ACT_GROUP_VIEW, "group", id, out->agency_id);
	/* Seeing a group does not mean seeing every member's details (R7.1): keep the members the
	 * reader may view. */
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct target mt = {.has_role = 1,
		                    .role = c.m[i].role,
		                    .account_id = c.m[i].account_id,
		                    .org_id = c.m[i].org_id,
		                    .agency_id = c.m[i].agency_id,
		                    .project_id = c.m[i].project_id};
		if (policy_allows(&ac->subj, ACT_ACCOUNT_VIEW, &mt))
			c.m[k++] = c.m[i];
	}
	out->members = (int64_t)k;
	/* R7.2 (regulation §5.2.2): the members are people; an operator's read is recorded with
	 * its purpose, filed under the group's agency, before they are handed out. */
	const char *extra[] = {"count", arena_printf(a, "%zu", k), NULL};
	struct audit_event ev = {"group.members.list", "group", out->id,
	                         out->agency_id,       NULL,    NULL};
	if ((e = purpose_record_read(env, NULL, a, ac, NULL, &ev, extra)))
		return e;
	*members = c.m;
	*nmembers = k;
	return GCAS_OK;
}

struct member_ctx {
	const struct actor *ac;
	struct arena *a;
	const char *group_id, *account_id;
	int64_t ends_at;
	int add;
	struct verrs *ve;
	const char *denied_agency;
	enum action denied_action;
};

static int eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static enum gcas_err member_tx(struct db *db, void *ctx)
{
	struct member_ctx *c = ctx;
	struct group g;
	struct account acc;
	enum gcas_err e = store_group_get(db, c->a, c->group_id, &g);
	if (e)
		return e;
	struct target gt = group_target(&g);
	if (!policy_allows(&c->ac->subj, ACT_GROUP_MEMBER_MANAGE, &gt)) {
		c->denied_agency = g.agency_id;
		c->denied_action = ACT_GROUP_MEMBER_MANAGE;
		return GCAS_ERR_DENIED;
	}
	e = store_account_get(db, c->a, c->account_id, &acc);
	if (e == GCAS_ERR_NOTFOUND || (!e && acc.status == ACCOUNT_DELETED)) {
		verr_add(c->ve, "account_id", "アカウントが見つかりません",
		         "The account was not found");
		return GCAS_ERR_INVALID;
	}
	if (e)
		return e;
	struct target at = account_target(&acc);
	/* Only people the manager certifies (the chain of R1.1, which is what ACT_APP_APPLY
	 * encodes: 別表1 "職責に変更があった場合" is the certifying manager's). Self-service is not
	 * member management: a manager's own membership is changed by the manager above them. */
	if (!policy_allows(&c->ac->subj, ACT_APP_APPLY, &at)) {
		c->denied_agency = acc.agency_id;
		c->denied_action = ACT_APP_APPLY;
		return GCAS_ERR_DENIED;
	}
	int in_scope = g.kind == GROUP_PMO ? eq(acc.agency_id, g.agency_id) && !acc.project_id
	                                   : eq(acc.project_id, g.project_id);
	if (c->add && !in_scope) {
		verr_add(c->ve, "account_id", "このグループの範囲外のアカウントは追加できません",
		         "This account is outside the group's organisation");
		return GCAS_ERR_INVALID;
	}
	int64_t now = clock_now();
	if (c->add) {
		struct membership m = {.group_id = g.id,
		                       .account_id = acc.id,
		                       .added_by = c->ac->acc ? c->ac->acc->id : NULL,
		                       .added_at = now,
		                       .ends_at = c->ends_at};
		e = store_member_add(db, &m);
		if (e == GCAS_ERR_CONFLICT)
			verr_add(c->ve, "account_id", "既にメンバーです", "Already a member");
	} else {
		e = store_member_remove(db, g.id, acc.id);
	}
	if (e)
		return e;
	char *detail = audit_json(c->a, "account_id", acc.id, NULL);
	struct audit_event ev = {c->add ? "group.member_add" : "group.member_remove",
	                         "group",
	                         g.id,
	                         g.agency_id,
	                         NULL,
	                         detail};
	return audit_append(db, c->a, c->ac, &ev);
}

static enum gcas_err member_change(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *group_id, const char *account_id, int64_t ends_at,
                                   int add, struct verrs *ve)
{
	struct verrs dummy = {0};
	if (!policy_role_can(ac->subj.role, ACT_GROUP_MEMBER_MANAGE))
		return audit_denied(env, ac, ACT_GROUP_MEMBER_MANAGE, "group", group_id, NULL);
	if (add && ends_at && ends_at <= clock_now()) {
		verr_add(ve, "ends_at", "終了日は未来の日付にしてください",
		         "The end date must be in the future");
		return GCAS_ERR_INVALID;
	}
	struct member_ctx c = {ac,
	                       a,
	                       group_id,
	                       account_id,
	                       ends_at,
	                       add,
	                       ve ? ve : &dummy,
	                       NULL,
	                       ACT_GROUP_MEMBER_MANAGE};
	enum gcas_err e = store_tx(env->st, member_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, c.denied_action, "group", group_id, c.denied_agency);
	return e;
}

enum gcas_err svc_group_member_add(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *group_id, const char *account_id, int64_t ends_at,
                                   struct verrs *ve)
{
	return member_change(env, ac, a, group_id, account_id, ends_at, 1, ve);
}

enum gcas_err svc_group_member_remove(const struct env *env, const struct actor *ac,
                                      struct arena *a, const char *group_id, const char *account_id)
{
	return member_change(env, ac, a, group_id, account_id, 0, 0, NULL);
}

struct expire_ctx {
	int64_t removed;
	size_t n;
};

static enum gcas_err expire_tx(struct db *db, void *ctx)
{
	struct expire_ctx *c = ctx;
	struct arena *a = arena_new(0);
	struct membership_end *m;
	struct actor sys = actor_system("membership expiry");
	enum gcas_err e =
	    a ? store_member_expired(db, a, clock_now(), 200, &m, &c->n) : GCAS_ERR_NOMEM;
	for (size_t i = 0; !e && i < c->n; i++) {
		e = store_member_remove(db, m[i].group_id, m[i].account_id);
		if (e)
			break;
		char *detail =
		    audit_json(a, "account_id", m[i].account_id, "reason", "end date", NULL);
		struct audit_event ev = {"group.member_expire", "group", m[i].group_id,
		                         m[i].agency_id,        NULL,    detail};
		e = audit_append(db, a, &sys, &ev);
	}
	arena_free(a);
	return e;
}

enum gcas_err svc_group_expire_memberships(const struct env *env, int64_t *removed)
{
	*removed = 0;
	for (;;) {
		struct expire_ctx c = {0, 0};
		enum gcas_err e = store_tx(env->st, expire_tx, &c);
		if (e)
			return e;
		*removed += (int64_t)c.n;
		if (c.n < 200)
			return GCAS_OK;
	}
}
