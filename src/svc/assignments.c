/* SPDX-License-Identifier: MIT */
/* CSP user assignment use cases (issue 4 §3, S7), see svc/assignments.h. Each change is one
 * transaction: the assignment row, a SCIM push queue entry for the account in that environment
 * (so the next push carries it to the CSP) and the audit record. Refusals by the matrix are
 * audited in a transaction of their own (audit_denied), after the change rolled back. */
#include "svc/assignments.h"

#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "core/validate.h"
#include "store/environments.h"
#include "store/scim_push.h"
#include "svc/accounts.h"
#include "svc/audit.h"
#include "svc/privacy.h"

static int eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The environment must be the actor's own: the brief's scope rule on top of the matrix (which
 * speaks only of the account). The operator (and the system) reach every environment. */
static int env_in_scope(const struct subject *s, const struct environment *en)
{
	if (s->is_system || s->role == ROLE_OPERATOR)
		return s->is_system || s->account_id != NULL;
	if (s->role == ROLE_AGENCY_MANAGER)
		return eq(s->agency_id, en->agency_id);
	if (s->role == ROLE_PROJECT_MANAGER || s->role == ROLE_CONTRACTOR_MANAGER)
		return eq(s->project_id, en->project_id);
	return 0;
}

int svc_assignment_may_manage(const struct actor *ac, const struct environment *en)
{
	return policy_role_can(ac->subj.role, ACT_ASSIGN_MANAGE) && env_in_scope(&ac->subj, en);
}

static struct target team_target(const char *project_id, const char *agency_id)
{
	struct target t = {.org_id = project_id, .agency_id = agency_id, .project_id = project_id};
	return t;
}

static const char *actor_id(const struct actor *ac)
{
	return ac->acc ? ac->acc->id : NULL;
}

/* Audit record and push request of one change, in the caller's transaction. */
static enum gcas_err record(struct db *db, struct arena *a, const struct actor *ac,
                            const char *action, const struct assignment *as, const char *from)
{
	enum gcas_err e =
	    store_scim_queue_add(db, as->environment_id, "user", as->account_id, clock_now());
	if (e)
		return e;
	const char *detail =
	    audit_json(a, "account_id", as->account_id, "environment_id", as->environment_id,
	               "privilege", asg_priv_name(as->priv), "from", from, NULL);
	struct audit_event ev = {action, "assignment", as->id, as->agency_id, NULL, detail};
	return detail ? audit_append(db, a, ac, &ev) : GCAS_ERR_NOMEM;
}

struct asg_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id, *email, *privilege;
	struct assignment *out;
	struct verrs *ve;
	/* out: what a refusal's audit record names */
	const char *deny_type, *deny_id, *deny_agency;
};

static enum gcas_err deny(struct asg_ctx *c, const char *type, const char *id, const char *agency)
{
	c->deny_type = type;
	c->deny_id = id;
	c->deny_agency = agency;
	return GCAS_ERR_DENIED;
}

/* The account named by email, checked for this environment (ve explains INVALID). */
static enum gcas_err load_person(struct db *db, struct asg_ctx *c, const struct environment *en,
                                 struct account *acc)
{
	char norm[256];
	if (validate_email(c->email, norm, sizeof(norm)) != VP_OK) {
		verr_add(c->ve, "email", "メールアドレスの形式が正しくありません",
		         "Enter a valid email address");
		return GCAS_ERR_INVALID;
	}
	enum gcas_err e = store_account_get_by_email(db, c->a, norm, acc);
	if (e == GCAS_ERR_NOTFOUND) {
		verr_add(c->ve, "email", "このメールアドレスのGCASアカウントはありません",
		         "No GCAS account has this email address");
		return GCAS_ERR_INVALID;
	}
	if (e)
		return e;
	struct target t = account_target(acc);
	if (!policy_allows(&c->ac->subj, ACT_ASSIGN_MANAGE, &t))
		return deny(c, "account", acc->id, acc->agency_id);
	if (acc->status != ACCOUNT_ACTIVE) {
		verr_add(c->ve, "email", "有効でないアカウントは割り当てられません",
		         "Only an active account can be assigned");
		return GCAS_ERR_INVALID;
	}
	if (!eq(acc->agency_id, en->agency_id)) {
		verr_add(c->ve, "email", "この環境の利用機関に属するアカウントではありません",
		         "The account does not belong to this environment's agency");
		return GCAS_ERR_INVALID;
	}
	return GCAS_OK;
}

static enum gcas_err parse_priv(struct asg_ctx *c, enum asg_priv *p)
{
	if (!asg_priv_parse(c->privilege, p))
		return GCAS_OK;
	verr_add(c->ve, "privilege", "権限は管理者か一般利用者を選んでください",
	         "Choose administrator or general privilege");
	return GCAS_ERR_INVALID;
}

static enum gcas_err add_tx(struct db *db, void *ctx)
{
	struct asg_ctx *c = ctx;
	struct environment en;
	struct account acc;
	struct assignment cur;
	enum asg_priv priv = ASG_PRIV_GENERAL;
	c->ve->n = 0; /* store_tx may run this again */
	enum gcas_err e = store_environment_get(db, c->a, c->id, &en);
	if (e)
		return e;
	if (!env_in_scope(&c->ac->subj, &en))
		return deny(c, "environment", en.id, en.agency_id);
	if (en.state != ENV_ACTIVE) {
		verr_add(c->ve, "environment_id", "利用中でない環境には割り当てられません",
		         "This environment is not active");
		return GCAS_ERR_CONFLICT;
	}
	enum gcas_err pe = parse_priv(c, &priv);
	if ((e = load_person(db, c, &en, &acc)) || pe)
		return e ? e : pe;
	e = store_assignment_get_active(db, c->a, acc.id, en.id, &cur);
	if (e != GCAS_ERR_NOTFOUND) {
		if (!e)
			verr_add(c->ve, "email", "この人はすでにこの環境に割り当てられています",
			         "This person is already assigned to this environment");
		return e ? e : GCAS_ERR_CONFLICT;
	}
	char *id = arena_alloc(c->a, 33);
	if (!id || rand_id(id))
		return GCAS_ERR_NOMEM;
	*c->out = (struct assignment){
	    .id = id,
	    .account_id = acc.id,
	    .environment_id = en.id,
	    .project_id = en.project_id,
	    .agency_id = en.agency_id,
	    .priv = priv,
	    .active = 1,
	    .created_by = actor_id(c->ac),
	    .created_at = clock_now(),
	    .account_email = acc.email,
	    .account_name = arena_printf(c->a, "%s %s", acc.family_name, acc.given_name)};
	if ((e = store_assignment_insert(db, c->out)))
		return e;
	return record(db, c->a, c->ac, "assignment.create", c->out, NULL);
}

static enum gcas_err run(struct asg_ctx *c, store_tx_fn fn, const char *type, const char *id)
{
	if (!policy_role_can(c->ac->subj.role, ACT_ASSIGN_MANAGE))
		return audit_denied(c->env, c->ac, ACT_ASSIGN_MANAGE, type, id, NULL);
	enum gcas_err e = store_tx(c->env->st, fn, c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(c->env, c->ac, ACT_ASSIGN_MANAGE, c->deny_type, c->deny_id,
		                    c->deny_agency);
	return e;
}

enum gcas_err svc_assignment_add(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *environment_id, const char *email,
                                 const char *privilege, struct assignment *out, struct verrs *ve)
{
	struct assignment tmp;
	struct asg_ctx c = {env,  ac,   a,   environment_id, email, privilege, out ? out : &tmp, ve,
	                    NULL, NULL, NULL};
	if (!environment_id || !*environment_id)
		return GCAS_ERR_NOTFOUND;
	return run(&c, add_tx, "environment", environment_id);
}

/* The assignment, its environment and its account, with the manage checks. */
static enum gcas_err load_managed(struct db *db, struct asg_ctx *c, struct assignment *as)
{
	struct environment en;
	struct account acc;
	enum gcas_err e = store_assignment_get(db, c->a, c->id, as);
	if (e)
		return e;
	if (!as->active)
		return GCAS_ERR_NOTFOUND;
	if ((e = store_environment_get(db, c->a, as->environment_id, &en)))
		return e;
	if (!env_in_scope(&c->ac->subj, &en))
		return deny(c, "assignment", as->id, as->agency_id);
	if ((e = store_account_get(db, c->a, as->account_id, &acc)))
		return e;
	struct target t = account_target(&acc);
	if (!policy_allows(&c->ac->subj, ACT_ASSIGN_MANAGE, &t))
		return deny(c, "assignment", as->id, as->agency_id);
	return GCAS_OK;
}

static enum gcas_err priv_tx(struct db *db, void *ctx)
{
	struct asg_ctx *c = ctx;
	enum asg_priv priv = ASG_PRIV_GENERAL;
	c->ve->n = 0;
	enum gcas_err e = load_managed(db, c, c->out);
	if (e)
		return e;
	if ((e = parse_priv(c, &priv)))
		return e;
	if (priv == c->out->priv)
		return GCAS_OK;
	const char *from = asg_priv_name(c->out->priv);
	c->out->priv = priv;
	if ((e = store_assignment_set_priv(db, c->out->id, priv)))
		return e;
	return record(db, c->a, c->ac, "assignment.privilege", c->out, from);
}

enum gcas_err svc_assignment_set_privilege(const struct env *env, const struct actor *ac,
                                           struct arena *a, const char *assignment_id,
                                           const char *privilege, struct assignment *out,
                                           struct verrs *ve)
{
	struct assignment tmp;
	struct asg_ctx c = {env, ac,   a,    assignment_id, NULL, privilege, out ? out : &tmp,
	                    ve,  NULL, NULL, NULL};
	if (!assignment_id || !*assignment_id)
		return GCAS_ERR_NOTFOUND;
	return run(&c, priv_tx, "assignment", assignment_id);
}

static enum gcas_err revoke_tx(struct db *db, void *ctx)
{
	struct asg_ctx *c = ctx;
	enum gcas_err e = load_managed(db, c, c->out);
	if (e)
		return e;
	int64_t now = clock_now();
	if ((e = store_assignment_revoke(db, c->out->id, now, "removed")))
		return e;
	c->out->active = 0;
	c->out->revoked_at = now;
	c->out->revoked_reason = "removed";
	return record(db, c->a, c->ac, "assignment.revoke", c->out, NULL);
}

enum gcas_err svc_assignment_revoke(const struct env *env, const struct actor *ac, struct arena *a,
                                    const char *assignment_id, struct assignment *out)
{
	struct assignment tmp;
	struct verrs ve = {0};
	struct asg_ctx c = {env, ac,   a,    assignment_id, NULL, NULL, out ? out : &tmp,
	                    &ve, NULL, NULL, NULL};
	if (!assignment_id || !*assignment_id)
		return GCAS_ERR_NOTFOUND;
	return run(&c, revoke_tx, "assignment", assignment_id);
}

/* ---- reading ---- */

struct read_ctx {
	struct arena *a;
	const char *id;
	int active_only;
	struct environment en;
	struct assignment one;
	struct assignment *list;
	size_t n;
};

static enum gcas_err env_list_tx(struct db *db, void *ctx)
{
	struct read_ctx *c = ctx;
	enum gcas_err e = store_environment_get(db, c->a, c->id, &c->en);
	if (e)
		return e;
	return store_assignments_of_environment(db, c->a, c->id, c->active_only, &c->list, &c->n);
}

static enum gcas_err view_check(const struct env *env, const struct actor *ac,
                                const char *project_id, const char *agency_id, const char *type,
                                const char *id)
{
	struct target t = team_target(project_id, agency_id);
	if (!policy_allows(&ac->subj, ACT_ASSIGN_VIEW, &t))
		return audit_denied(env, ac, ACT_ASSIGN_VIEW, type, id, agency_id);
	return GCAS_OK;
}

enum gcas_err svc_assignments_of_environment(const struct env *env, const struct actor *ac,
                                             struct arena *a, const char *environment_id,
                                             int active_only, struct assignment **out, size_t *n)
{
	struct read_ctx c = {.a = a, .id = environment_id, .active_only = active_only};
	*out = NULL;
	*n = 0;
	if (!environment_id || !*environment_id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, env_list_tx, &c);
	if (e)
		return e;
	if ((e = view_check(env, ac, c.en.project_id, c.en.agency_id, "environment", c.en.id)))
		return e;
	/* R7.2 (regulation §5.2.2): the CSP users are people; an operator's read is recorded with
	 * its purpose, filed under the environment's agency, before they are handed out. */
	const char *extra[] = {"count", arena_printf(a, "%zu", c.n), NULL};
	struct audit_event ev = {"assignment.list", "environment", c.en.id,
	                         c.en.agency_id,    NULL,          NULL};
	if ((e = purpose_record_read(env, NULL, a, ac, NULL, &ev, extra)))
		return e;
	*out = c.list;
	*n = c.n;
	return GCAS_OK;
}

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct read_ctx *c = ctx;
	return store_assignment_get(db, c->a, c->id, &c->one);
}

enum gcas_err svc_assignment_get(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *assignment_id, struct assignment *out)
{
	struct read_ctx c = {.a = a, .id = assignment_id};
	if (!assignment_id || !*assignment_id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, get_tx, &c);
	if (e)
		return e;
	if ((e = view_check(env, ac, c.one.project_id, c.one.agency_id, "assignment", c.one.id)))
		return e;
	*out = c.one;
	return GCAS_OK;
}

static enum gcas_err mine_tx(struct db *db, void *ctx)
{
	struct read_ctx *c = ctx;
	return store_assignments_of_account(db, c->a, c->id, &c->list, &c->n);
}

enum gcas_err svc_assignments_mine(const struct env *env, const struct actor *ac, struct arena *a,
                                   struct assignment **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!ac->acc)
		return audit_denied(env, ac, ACT_CONSOLE_USE, "account", NULL, NULL);
	struct target self = account_target(ac->acc);
	if (!policy_allows(&ac->subj, ACT_CONSOLE_USE, &self))
		return audit_denied(env, ac, ACT_CONSOLE_USE, "account", ac->acc->id,
		                    ac->acc->agency_id);
	struct read_ctx c = {.a = a, .id = ac->acc->id};
	enum gcas_err e = store_run(env->st, mine_tx, &c);
	if (e)
		return e;
	*out = c.list;
	*n = c.n;
	return GCAS_OK;
}
