/* SPDX-License-Identifier: MIT */
/* CSP user assignments (svc/assignments.c, issue 4 §3, S7): who may assign whom to which
 * environment (the matrix on the account, and the environment in the actor's own scope:
 * project team for project and contractor managers, agency for agency managers), refused
 * across agencies and for staff roles with an audit record; an inactive environment, an
 * inactive or unknown account and a bad privilege refused with messages; a second active
 * assignment refused (409-equivalent); privilege change and revocation audited and queued for
 * the SCIM push; the lists per environment and of one's own (the console page). */
#include <string.h>

#include "base/rand.h"
#include "store/environments.h"
#include "store/systems.h"
#include "store/scim_push.h"
#include "svc/assignments.h"
#include "svc/systems.h"
#include "test_world.h"

static struct world W;
static char env1[33], env2[33], envq[33], envp[33]; /* pj1, pj2, pjq (agency 2), provisioning */

static void register_system(const char *project, const char *contact)
{
	struct system_input in = {.name = "共通基盤システム",
	                          .purpose = "府省共通の認証",
	                          .lifecycle = "building",
	                          .csps = "aws",
	                          .environments = "production",
	                          .contacts = contact,
	                          .period_start = "2026-04-01",
	                          .classification = "c2",
	                          .billing_unit = "情報システム課"};
	struct actor op = world_actor(&W, W.op);
	struct system_rec r;
	struct verrs ve = {0};
	ok(svc_system_register(&W.w.env, &op, W.a, project, &in, &r, &ve) == GCAS_OK,
	   "system of %s registered", project);
}

struct mk_ctx {
	struct environment e;
	struct arena *a;
	const char *project;
};

static enum gcas_err mk_tx(struct db *db, void *ctx)
{
	struct mk_ctx *c = ctx;
	struct org o;
	struct system_rec s;
	enum gcas_err e = store_org_get(db, c->a, c->project, &o);
	if (!e)
		e = store_system_get_by_project(db, c->a, c->project, &s);
	if (e)
		return e;
	c->e.project_id = o.id;
	c->e.agency_id = o.agency_id;
	c->e.system_id = s.id;
	return store_environment_insert(db, &c->e);
}

/* An environment of project in state st, id into out. */
static void make_env(const char *project, enum env_state st, char *out)
{
	struct mk_ctx c = {.a = W.a, .project = project};
	rand_id(out);
	c.e = (struct environment){.id = out,
	                           .csp = CSP_AWS,
	                           .kind = SYSENV_PRODUCTION,
	                           .state = st,
	                           .driver = "local",
	                           .external_id = "gcas-local-000000000001",
	                           .created_at = W.now};
	ok(store_tx(W.w.env.st, mk_tx, &c) == GCAS_OK, "environment of %s made", project);
}

static enum gcas_err assign(const char *who, const char *env_id, const char *email,
                            const char *priv, struct assignment *out, struct verrs *ve)
{
	struct actor ac = world_actor(&W, who);
	*ve = (struct verrs){0};
	return svc_assignment_add(&W.w.env, &ac, W.a, env_id, email, priv, out, ve);
}

/* Assign and check the outcome and its audit record. */
static void assign_is(const char *who, const char *env_id, const char *email, const char *priv,
                      enum gcas_err want, const char *field, const char *what)
{
	struct assignment as;
	struct verrs ve;
	int64_t s0 = world_audit_seq(&W);
	enum gcas_err e = assign(who, env_id, email, priv, &as, &ve);
	if (!ok(e == want, "%s", what))
		printf("#   got %s, want %s\n", gcas_err_name(e), gcas_err_name(want));
	if (want == GCAS_OK)
		audit_wrote(&W, s0, "assignment.create", "ok", "  audited");
	else if (want == GCAS_ERR_DENIED)
		audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	else
		audit_none(&W, s0, "  nothing audited");
	if (field)
		ok(verr_has(&ve, field), "  explained on %s", field);
}

struct q_ctx {
	struct arena *a;
	const char *env;
	struct scim_qentry *q;
	size_t n;
};

static enum gcas_err q_tx(struct db *db, void *ctx)
{
	struct q_ctx *c = ctx;
	return store_scim_queue_list(db, c->a, c->env, &c->q, &c->n);
}

/* 1 when the push queue of env holds a pending entry for account. */
static int queued(const char *env, const char *account)
{
	struct q_ctx c = {W.a, env, NULL, 0};
	store_run(W.w.env.st, q_tx, &c);
	for (size_t i = 0; i < c.n; i++)
		if (strcmp(c.q[i].key, account) == 0 && strcmp(c.q[i].state, "pending") == 0)
			return 1;
	return 0;
}

static void test_assign(void)
{
	assign_is(W.pm1, env1, "ps1@digital.go.jp", "admin", GCAS_OK, NULL,
	          "the project manager assigns a member of the team");
	ok(queued(env1, W.ps1), "  queued for the SCIM push");
	assign_is(W.pm1, env1, "PS1@digital.go.jp", "general", GCAS_ERR_CONFLICT, "email",
	          "a second active assignment of the same person is refused (409)");
	assign_is(W.am1, env1, "cs1@ichiji.co.jp", "general", GCAS_OK, NULL,
	          "the agency manager assigns a contractor of a team of the agency");
	assign_is(W.cm1, env1, "cm1@ichiji.co.jp", "general", GCAS_OK, NULL,
	          "a contractor manager assigns themself to an environment of their team");
	assign_is(W.cm1, env1, "cs1b@niji.co.jp", "general", GCAS_ERR_DENIED, NULL,
	          "a contractor manager may not assign another contractor's staff");
	assign_is(W.pm2, env1, "ps2@digital.go.jp", "general", GCAS_ERR_DENIED, NULL,
	          "the manager of another team may not use this team's environment");
	assign_is(W.pm1, env2, "ps1@digital.go.jp", "general", GCAS_ERR_DENIED, NULL,
	          "nor may this team's manager use another team's");
	assign_is(W.am2, env1, "ps1@digital.go.jp", "general", GCAS_ERR_DENIED, NULL,
	          "another agency's manager is refused");
	assign_is(W.am1, envq, "psq@city.chiyoda.lg.jp", "general", GCAS_ERR_DENIED, NULL,
	          "an agency manager may not assign in another agency");
	assign_is(W.ps1, env1, "cs1@ichiji.co.jp", "general", GCAS_ERR_DENIED, NULL,
	          "project staff may not assign");
	assign_is(W.as1, env1, "cs1@ichiji.co.jp", "general", GCAS_ERR_DENIED, NULL,
	          "agency staff may not assign");
	assign_is(W.op, env1, "psq@city.chiyoda.lg.jp", "general", GCAS_ERR_INVALID, "email",
	          "the operator may not put another agency's person in this environment");
	assign_is(W.op, env1, "pm1@digital.go.jp", "general", GCAS_OK, NULL,
	          "the operator assigns anywhere");
	assign_is(W.pm1, envp, "ps1@digital.go.jp", "general", GCAS_ERR_CONFLICT, "environment_id",
	          "an environment not yet active is refused");
	assign_is(W.pm1, env1, "nobody@digital.go.jp", "general", GCAS_ERR_INVALID, "email",
	          "an unknown address is refused");
	assign_is(W.pm1, env1, "not-an-address", "general", GCAS_ERR_INVALID, "email",
	          "a malformed address is refused");
	assign_is(W.am1, env2, "ps2@digital.go.jp", "root", GCAS_ERR_INVALID, "privilege",
	          "a privilege other than admin or general is refused");
	assign_is(W.pm1, "no-such-environment", "ps1@digital.go.jp", "general", GCAS_ERR_NOTFOUND,
	          NULL, "an unknown environment is not found");
	/* A disabled account cannot be assigned. */
	struct actor pm2 = world_actor(&W, W.pm2);
	struct verrs ve = {0};
	ok(svc_account_set_status(&W.w.env, &pm2, W.a, W.ps2, ACCOUNT_OP_DISABLE, "異動", &ve) ==
	       GCAS_OK,
	   "ps2 disabled");
	assign_is(W.am1, env2, "ps2@digital.go.jp", "general", GCAS_ERR_INVALID, "email",
	          "a disabled account is refused");
}

static void test_change(void)
{
	struct actor pm1 = world_actor(&W, W.pm1), pm2 = world_actor(&W, W.pm2);
	struct actor ps1 = world_actor(&W, W.ps1), am2 = world_actor(&W, W.am2);
	struct assignment *v, as;
	size_t n = 0;
	struct verrs ve = {0};
	is_int(svc_assignments_of_environment(&W.w.env, &ps1, W.a, env1, 1, &v, &n), GCAS_OK,
	       "project staff see their team's environment's assignments");
	is_int((long)n, 4, "  four active");
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_assignments_of_environment(&W.w.env, &am2, W.a, env1, 1, &v, &n),
	       GCAS_ERR_DENIED, "another agency may not look");
	audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	const char *id = NULL;
	svc_assignments_of_environment(&W.w.env, &ps1, W.a, env1, 1, &v, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].account_id, W.ps1) == 0)
			id = v[i].id;
	if (!ok(id != NULL, "ps1's assignment listed"))
		return;
	s0 = world_audit_seq(&W);
	is_int(svc_assignment_set_privilege(&W.w.env, &pm2, W.a, id, "general", &as, &ve),
	       GCAS_ERR_DENIED, "another team's manager may not change it");
	audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	s0 = world_audit_seq(&W);
	is_int(svc_assignment_set_privilege(&W.w.env, &pm1, W.a, id, "general", &as, &ve), GCAS_OK,
	       "the team's manager makes it general");
	is_int(as.priv, ASG_PRIV_GENERAL, "  general now");
	audit_wrote(&W, s0, "assignment.privilege", "ok", "  audited");
	has_str(world_audit_last(&W, W.a).detail, "\"from\":\"admin\"", "  from admin");
	s0 = world_audit_seq(&W);
	is_int(svc_assignment_set_privilege(&W.w.env, &pm1, W.a, id, "general", &as, &ve), GCAS_OK,
	       "the same privilege again succeeds");
	audit_none(&W, s0, "  and records nothing");
	is_int(svc_assignment_set_privilege(&W.w.env, &pm1, W.a, id, "superuser", &as, &ve),
	       GCAS_ERR_INVALID, "an unknown privilege is refused");

	struct assignment *mine;
	is_int(svc_assignments_mine(&W.w.env, &ps1, W.a, &mine, &n), GCAS_OK, "own list");
	ok(n == 1 && strcmp(mine[0].environment_id, env1) == 0, "  ps1 may enter env1");
	is_str(n ? mine[0].env_external_id : "", "gcas-local-000000000001",
	       "  with the environment's CSP id");
	s0 = world_audit_seq(&W);
	is_int(svc_assignment_revoke(&W.w.env, &pm2, W.a, id, &as), GCAS_ERR_DENIED,
	       "another team's manager may not revoke");
	audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	s0 = world_audit_seq(&W);
	is_int(svc_assignment_revoke(&W.w.env, &pm1, W.a, id, &as), GCAS_OK, "revoked");
	audit_wrote(&W, s0, "assignment.revoke", "ok", "  audited");
	ok(queued(env1, W.ps1), "  queued for the SCIM push");
	is_int(svc_assignment_revoke(&W.w.env, &pm1, W.a, id, &as), GCAS_ERR_NOTFOUND,
	       "revoking again: not found");
	svc_assignments_mine(&W.w.env, &ps1, W.a, &mine, &n);
	is_int((long)n, 0, "ps1's console list is empty");
	svc_assignments_of_environment(&W.w.env, &pm1, W.a, env1, 0, &v, &n);
	is_int((long)n, 4, "the revoked one stays in the history");
	ok(n == 4 && !v[3].active && strcmp(v[3].revoked_reason, "removed") == 0,
	   "  last, inactive, with its reason");
	/* A new assignment after a revocation is allowed again. */
	assign_is(W.pm1, env1, "ps1@digital.go.jp", "admin", GCAS_OK, NULL,
	          "after a revocation the person may be assigned again");
}

int main(void)
{
	if (world_open(&W))
		return 1;
	register_system(W.pj1, "pm1@digital.go.jp");
	register_system(W.pj2, "pm2@digital.go.jp");
	register_system(W.pjq, "pmq@city.chiyoda.lg.jp");
	make_env(W.pj1, ENV_ACTIVE, env1);
	make_env(W.pj2, ENV_ACTIVE, env2);
	make_env(W.pjq, ENV_ACTIVE, envq);
	make_env(W.pj1, ENV_PROVISIONING, envp);
	test_assign();
	test_change();
	world_close(&W);
	return tap_done();
}
