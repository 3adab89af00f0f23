/* SPDX-License-Identifier: MIT */
/* The SCIM push (svc/scim_push.c, issue 4 §3) against the in-memory identity store of
 * tests/unit/scim/fake_scim.h on a fixed clock: three people assigned → one cycle → three
 * active users and the groups gcas-admin / gcas-general with the right members; nothing sent
 * when nothing changed; a disabled account, a revoked assignment and a closed environment are
 * inactive at the CSP after ONE cycle; drift (a user deleted at the CSP, a name changed, a
 * member removed, an extra member added) corrected at the next interval and audited; a failing
 * store retried with backoff doubling from 30 s until failed with the reason after 10
 * attempts; a lease held by another node keeps this one off the environment. */
#include <string.h>

#include "../scim/fake_scim.h"
#include "base/rand.h"
#include "signer/signer.h"
#include "store/environments.h"
#include "store/scim_push.h"
#include "store/systems.h"
#include "svc/assignments.h"
#include "svc/environments.h"
#include "svc/scim_push.h"
#include "svc/systems.h"
#include "test_world.h"

static struct world W;
static struct fake_scim F;
static struct scim_transport *TR;
static char env1[33];

static enum gcas_err insert_tx(struct db *db, void *ctx)
{
	return store_environment_insert(db, ctx);
}

static void setup_env(void)
{
	struct system_input in = {.name = "共通基盤システム",
	                          .purpose = "府省共通の認証",
	                          .lifecycle = "building",
	                          .csps = "aws",
	                          .environments = "production",
	                          .contacts = "pm1@digital.go.jp",
	                          .period_start = "2026-04-01",
	                          .classification = "c2",
	                          .billing_unit = "情報システム課"};
	struct actor op = world_actor(&W, W.op);
	struct system_rec sys;
	struct verrs ve = {0};
	ok(svc_system_register(&W.w.env, &op, W.a, W.pj1, &in, &sys, &ve) == GCAS_OK,
	   "system registered");
	rand_id(env1);
	struct environment e = {.id = env1,
	                        .project_id = W.pj1,
	                        .agency_id = W.ag1,
	                        .system_id = sys.id,
	                        .csp = CSP_AWS,
	                        .kind = SYSENV_PRODUCTION,
	                        .state = ENV_ACTIVE,
	                        .driver = "local",
	                        .created_at = W.now};
	struct actor sysac = actor_system("test");
	ok(store_tx(W.w.env.st, insert_tx, &e) == GCAS_OK, "environment row");
	is_int(svc_scim_target_set(&W.w.env, &sysac, env1, "https://csp.example/scim/v2", "tok-1"),
	       GCAS_OK, "push target set (token sealed)");
	F.token = "tok-1";
}

static struct scim_push_report push(void)
{
	struct scim_push_opts o = {.transport = TR};
	struct scim_push_report rep = {0};
	enum gcas_err e = svc_scim_push_run(&W.w.env, &o, &rep);
	if (e)
		printf("# push run: %s\n", gcas_err_name(e));
	return rep;
}

static struct fs_user *csp_user(const char *email)
{
	for (int i = 0; i < F.nu; i++)
		if (F.u[i].live && strcmp(F.u[i].user_name, email) == 0)
			return &F.u[i];
	return NULL;
}

static int member(const char *group, const char *email)
{
	struct fs_group *g = fs_group_by(&F, NULL, group);
	struct fs_user *u = csp_user(email);
	for (int i = 0; g && u && i < g->nmembers; i++)
		if (strcmp(g->members[i], u->id) == 0)
			return 1;
	return 0;
}

static void assign(const char *who, const char *email, const char *priv)
{
	struct actor ac = world_actor(&W, who);
	struct verrs ve = {0};
	enum gcas_err e = svc_assignment_add(&W.w.env, &ac, W.a, env1, email, priv, NULL, &ve);
	ok(e == GCAS_OK, "%s assigned %s", email, priv);
}

static const char *assignment_of(const char *account_id)
{
	struct actor op = world_actor(&W, W.op);
	struct assignment *v;
	size_t n = 0;
	svc_assignments_of_environment(&W.w.env, &op, W.a, env1, 1, &v, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].account_id, account_id) == 0)
			return v[i].id;
	return "";
}

static const struct scim_user_status *status_of(const char *account_id)
{
	struct actor op = world_actor(&W, W.op);
	struct scim_env_status *st = arena_alloc(W.a, sizeof(*st));
	if (svc_scim_status(&W.w.env, &op, W.a, env1, st))
		return NULL;
	return svc_scim_status_of(st, account_id);
}

static void test_first_push(void)
{
	assign(W.pm1, "ps1@digital.go.jp", "admin");
	assign(W.pm1, "cs1@ichiji.co.jp", "general");
	assign(W.pm1, "pm1@digital.go.jp", "general");
	const struct scim_user_status *s = status_of(W.ps1);
	ok(s && s->state == SCIM_ST_PENDING, "before the push: pending");
	struct scim_push_report rep = push();
	is_int(rep.environments, 1, "one cycle pushes the environment");
	is_int(rep.users_created, 3, "  three users created");
	is_int(rep.groups_created, 2, "  two groups created");
	is_int(fs_active_users(&F), 3, "the store holds three active users");
	struct fs_user *u = csp_user("ps1@digital.go.jp");
	ok(u && strcmp(u->external_id, W.ps1) == 0, "  externalId is the account id");
	ok(u && u->email[0] && strcmp(u->email, "ps1@digital.go.jp") == 0, "  email pushed");
	ok(fs_group_by(&F, NULL, "gcas-admin") && fs_group_by(&F, NULL, "gcas-general"),
	   "  both groups exist");
	ok(member("gcas-admin", "ps1@digital.go.jp"), "  ps1 in gcas-admin");
	ok(member("gcas-general", "cs1@ichiji.co.jp") &&
	       member("gcas-general", "pm1@digital.go.jp"),
	   "  cs1 and pm1 in gcas-general");
	ok(!member("gcas-general", "ps1@digital.go.jp"), "  ps1 not in gcas-general");
	s = status_of(W.ps1);
	ok(s && s->state == SCIM_ST_PUSHED, "status: pushed");
	int before = F.requests;
	rep = push();
	is_int(rep.environments, 0, "nothing changed, interval not passed: no push");
	is_int(F.requests - before, 0, "  no request sent");
}

static void test_deactivation(void)
{
	struct actor cm1 = world_actor(&W, W.cm1);
	struct verrs ve = {0};
	ok(svc_account_set_status(&W.w.env, &cm1, W.a, W.cs1, ACCOUNT_OP_DISABLE, "退職", &ve) ==
	       GCAS_OK,
	   "cs1's GCAS account disabled");
	ok(csp_user("cs1@ichiji.co.jp")->active, "  still active at the CSP before the cycle");
	world_tick(&W, W.w.cfg.scim_interval);
	struct scim_push_report rep = push();
	is_int(rep.environments, 1, "the next cycle runs");
	ok(!csp_user("cs1@ichiji.co.jp")->active, "  cs1 is active: false at the CSP");
	ok(!member("gcas-general", "cs1@ichiji.co.jp"), "  and out of gcas-general");
	ok(csp_user("ps1@digital.go.jp")->active, "  the others stay active");

	/* A revoked assignment goes at the next run: the queue makes it due at once. */
	struct actor pm1 = world_actor(&W, W.pm1);
	ok(svc_assignment_revoke(&W.w.env, &pm1, W.a, assignment_of(W.pm1), NULL) == GCAS_OK,
	   "pm1's assignment revoked");
	world_tick(&W, 1);
	rep = push();
	is_int(rep.environments, 1, "queued work runs before the interval");
	ok(!csp_user("pm1@digital.go.jp")->active, "  pm1 is active: false");
	ok(!member("gcas-general", "pm1@digital.go.jp"), "  and out of gcas-general");
	/* A privilege change moves the person between the groups. */
	ok(svc_assignment_set_privilege(&W.w.env, &pm1, W.a, assignment_of(W.ps1), "general", NULL,
	                                &ve) == GCAS_OK,
	   "ps1 made general");
	world_tick(&W, 1);
	push();
	ok(member("gcas-general", "ps1@digital.go.jp") &&
	       !member("gcas-admin", "ps1@digital.go.jp"),
	   "  ps1 moved from gcas-admin to gcas-general");
}

static enum gcas_err qcount_tx(struct db *db, void *ctx)
{
	return store_scim_queue_count(db, "pending", ctx);
}

/* Assigned and revoked before any push: the queue entry goes, nothing is sent. */
static void test_assign_revoke(void)
{
	struct actor pm1 = world_actor(&W, W.pm1);
	assign(W.pm1, "cs1b@niji.co.jp", "general");
	ok(svc_assignment_revoke(&W.w.env, &pm1, W.a, assignment_of(W.cs1b), NULL) == GCAS_OK,
	   "  and revoked at once");
	world_tick(&W, 1);
	push();
	int64_t n = -1;
	store_run(W.w.env.st, qcount_tx, &n);
	is_int(n, 0, "the run ends with the queue empty");
	ok(!csp_user("cs1b@niji.co.jp"), "  nothing was sent for them");
}

static void test_drift(void)
{
	struct fs_user *ps1 = csp_user("ps1@digital.go.jp");
	char old_id[40];
	snprintf(old_id, sizeof(old_id), "%s", ps1->id);
	ps1->live = 0; /* deleted at the CSP by hand */
	assign(W.pm1, "cm1@ichiji.co.jp", "admin");
	world_tick(&W, 1);
	push();
	struct fs_user *cm1 = csp_user("cm1@ichiji.co.jp");
	ok(cm1 && cm1->active, "cm1 pushed");
	snprintf(cm1->given, sizeof(cm1->given), "%s", "改竄");
	cm1->active = 0;
	fs_member_rm(fs_group_by(&F, NULL, "gcas-admin"), cm1->id);
	fs_member_add(fs_group_by(&F, NULL, "gcas-admin"), "stranger-1");
	int64_t s0 = world_audit_seq(&W);
	world_tick(&W, W.w.cfg.scim_interval);
	struct scim_push_report rep = push();
	ok(rep.corrected >= 4, "drift found: %lld corrections", (long long)rep.corrected);
	struct fs_user *again = csp_user("ps1@digital.go.jp");
	ok(again && again->active && strcmp(again->id, old_id) != 0,
	   "the user deleted at the CSP is created again");
	ok(member("gcas-general", "ps1@digital.go.jp"), "  and is back in its group");
	cm1 = csp_user("cm1@ichiji.co.jp");
	ok(cm1 && strcmp(cm1->given, "改竄") != 0 && cm1->given[0] && cm1->active,
	   "the name and active flag changed at the CSP are restored");
	ok(member("gcas-admin", "cm1@ichiji.co.jp"), "the missing member is added again");
	struct fs_group *ga = fs_group_by(&F, NULL, "gcas-admin");
	int extra = 0;
	for (int i = 0; ga && i < ga->nmembers; i++)
		extra |= strcmp(ga->members[i], "stranger-1") == 0;
	ok(!extra, "the extra member is removed");
	struct audit_rec last = world_audit_last(&W, W.a);
	ok(world_audit_seq(&W) == s0 + 1 && strcmp(last.action, "scim.drift_corrected") == 0,
	   "the correction is audited");
	has_str(last.detail, "deleted at the CSP", "  naming what was corrected");
	rep = push();
	is_int(rep.corrected, 0, "nothing to correct right after");
}

/* AWS IAM Identity Center lists no members in a group read (an empty list) and answers
 * membership only through `id eq "g" and members eq "u"`: the empty list is not taken for
 * drift, and drift is still found by asking about each user gcas manages there. */
static void test_drift_aws(void)
{
	F.aws = 1;
	world_tick(&W, W.w.cfg.scim_interval);
	int64_t s0 = world_audit_seq(&W);
	struct scim_push_report rep = push();
	is_int(rep.corrected, 0, "AWS: an empty member list is not taken for missing members");
	is_int(rep.member_changes, 0, "  and no membership change is sent");
	ok(F.member_queries > 0, "  membership was asked with the filter (%d questions)",
	   F.member_queries);
	is_int(world_audit_seq(&W), s0, "  nothing audited as corrected");

	struct fs_user *cm1 = csp_user("cm1@ichiji.co.jp"), *ps1 = csp_user("ps1@digital.go.jp");
	ok(cm1 && ps1 && member("gcas-admin", "cm1@ichiji.co.jp") &&
	       member("gcas-general", "ps1@digital.go.jp"),
	   "AWS: cm1 is an administrator, ps1 general");
	fs_member_rm(fs_group_by(&F, NULL, "gcas-admin"), cm1->id);
	fs_member_add(fs_group_by(&F, NULL, "gcas-admin"), ps1->id); /* made admin by hand */
	world_tick(&W, W.w.cfg.scim_interval);
	rep = push();
	is_int(rep.corrected, 2, "AWS drift found: the missing and the extra member");
	ok(member("gcas-admin", "cm1@ichiji.co.jp"), "  the missing member is added again");
	ok(!member("gcas-admin", "ps1@digital.go.jp") &&
	       member("gcas-general", "ps1@digital.go.jp"),
	   "  the member added by hand leaves gcas-admin and stays general");
	struct audit_rec last = world_audit_last(&W, W.a);
	ok(strcmp(last.action, "scim.drift_corrected") == 0, "  the correction is audited");
	has_str(last.detail, "missing from group gcas-admin", "  naming the missing member");
	has_str(last.detail, "extra member of group gcas-admin", "  and the extra one");

	world_tick(&W, W.w.cfg.scim_interval);
	rep = push();
	is_int(rep.corrected, 0, "AWS: nothing to correct at the next check");

	/* A store that lists members and refuses the membership filter: its empty list is the
	 * truth, and every member gcas pushed there is added again. */
	F.aws = 0;
	struct fs_group *ga = fs_group_by(&F, NULL, "gcas-admin");
	int had = ga->nmembers;
	ga->nmembers = 0;
	world_tick(&W, W.w.cfg.scim_interval);
	rep = push();
	is_int(rep.corrected, had, "an emptied group of a listing store: %d members missing", had);
	ok(member("gcas-admin", "cm1@ichiji.co.jp") && ga->nmembers == had, "  all added again");
}

static void test_failures(void)
{
	F.fail_status = 500;
	assign(W.am1, "as1@digital.go.jp", "general");
	int64_t t0 = W.now;
	struct scim_push_report rep = push();
	is_int(rep.failures, 1, "a failing store: the push fails");
	const struct scim_user_status *s = status_of(W.as1);
	ok(s && s->state == SCIM_ST_PENDING && s->attempts == 1, "  pending, attempt 1");
	has_str(s && s->error ? s->error : "", "HTTP 500", "  with the reason");
	is_int(s ? s->next_attempt_at - t0 : 0, SCIM_RETRY_BASE, "  retried 30 s later");
	int before = F.requests;
	world_tick(&W, 10);
	push();
	is_int(F.requests - before, 0, "not retried before its time");
	int64_t want = SCIM_RETRY_BASE, good = 1;
	for (int attempt = 2; attempt <= SCIM_MAX_ATTEMPTS; attempt++) {
		s = status_of(W.as1);
		if (!s)
			break;
		world_tick(&W, s->next_attempt_at - W.now);
		int64_t at = W.now;
		push();
		s = status_of(W.as1);
		if (attempt < SCIM_MAX_ATTEMPTS) {
			want *= 2;
			good &= s && s->attempts == attempt && s->next_attempt_at - at == want;
		}
	}
	ok(good, "the delay doubles after each attempt (30, 60, 120 ... s)");
	s = status_of(W.as1);
	ok(s && s->state == SCIM_ST_FAILED && s->attempts == SCIM_MAX_ATTEMPTS,
	   "after %d attempts: failed", SCIM_MAX_ATTEMPTS);
	has_str(s && s->error ? s->error : "", "unavailable", "  with the store's reason");
	F.fail_status = 0;
	before = F.requests;
	world_tick(&W, 100000);
	push();
	ok(!csp_user("as1@digital.go.jp"), "a failed entry is left alone by later runs");
	struct actor am1 = world_actor(&W, W.am1);
	struct verrs ve = {0};
	ok(svc_assignment_set_privilege(&W.w.env, &am1, W.a, assignment_of(W.as1), "admin", NULL,
	                                &ve) == GCAS_OK,
	   "a change queues it again");
	world_tick(&W, 1);
	push();
	ok(csp_user("as1@digital.go.jp") && member("gcas-admin", "as1@digital.go.jp"),
	   "  and it is pushed");
	s = status_of(W.as1);
	ok(s && s->state == SCIM_ST_PUSHED, "  status: pushed");
}

struct lease_ctx {
	const char *name, *owner;
	int64_t now, until;
};
static enum gcas_err lease_tx(struct db *db, void *ctx)
{
	struct lease_ctx *c = ctx;
	return store_job_lease(db, c->name, c->owner, c->now, c->until);
}

static struct environment env_get(void)
{
	struct actor op = world_actor(&W, W.op);
	struct environment e = {0};
	svc_environment_get(&W.w.env, &op, W.a, env1, &e);
	return e;
}

static enum gcas_err close_tx(struct db *db, void *ctx)
{
	struct environment *e = ctx;
	return store_environment_set(db, e);
}

static void test_lease_and_close(void)
{
	struct lease_ctx lc = {arena_printf(W.a, "scim_push:%s", env1), "other-node", W.now,
	                       W.now + 600};
	ok(store_tx(W.w.env.st, lease_tx, &lc) == GCAS_OK, "another node leases the environment");
	world_tick(&W, W.w.cfg.scim_interval);
	struct scim_push_report rep = push();
	is_int(rep.environments, 0, "this node keeps off it");
	world_tick(&W, 600);
	struct environment e = env_get();
	e.state = ENV_CLOSED;
	e.closed_at = W.now;
	ok(store_tx(W.w.env.st, close_tx, &e) == GCAS_OK, "the environment is closed");
	world_tick(&W, 1);
	rep = push();
	is_int(rep.environments, 1, "the next cycle pushes it (the lease ran out)");
	is_int(fs_active_users(&F), 0, "every user of a closed environment is inactive");
	struct fs_group *ga = fs_group_by(&F, NULL, "gcas-admin"),
	                *gg = fs_group_by(&F, NULL, "gcas-general");
	ok(ga && gg && ga->nmembers == 0 && gg->nmembers == 0, "  and the groups are empty");
	world_tick(&W, 1000);
	rep = push();
	is_int(rep.environments, 0, "a closed environment is not pushed again");
}

int main(void)
{
	if (world_open(&W))
		return 1;
	/* The harness opens a signer of its own; one is opened here only when it did not. */
	unsigned char kek[32];
	memset(kek, 0x42, sizeof(kek));
	struct signer *sg = NULL;
	if (!W.w.env.signer && signer_open(W.w.env.st, kek, 0, &sg) != GCAS_OK)
		return 1;
	if (sg)
		W.w.env.signer = sg;
	TR = scim_transport_func_new(fs_handle, &F);
	setup_env();
	test_first_push();
	test_deactivation();
	test_assign_revoke();
	test_drift();
	test_drift_aws();
	test_failures();
	test_lease_and_close();
	scim_transport_free(TR);
	if (sg) {
		signer_free(sg);
		W.w.env.signer = NULL;
	}
	world_close(&W);
	return tap_done();
}
