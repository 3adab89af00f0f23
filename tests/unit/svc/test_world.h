/* SPDX-License-Identifier: MIT */
/* Shared fixture of the use-case tests: a fresh store (webtest harness) on a fixed clock holding
 * the operator and two agencies, each with project teams, contractors, one account of every role,
 * and their PMO / system groups; actors for those accounts; and small readers of the store
 * (counts, the last audit record) to check what a use case did or did not write. */
#ifndef GCAS_TESTS_SVC_WORLD_H
#define GCAS_TESTS_SVC_WORLD_H

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "store/store.h"
#include "svc/accounts.h"
#include "svc/audit.h"
#include "svc/auth.h"
#include "svc/env.h"
#include "svc/groups.h"
#include "svc/orgs.h"
#include "svc/tokens.h"
#include "tap.h"
#include "webtest.h"

/* 2026-01-01T00:00:00Z, a multiple of the TOTP period (30 s). */
#define WORLD_T0 1767225600

struct world {
	struct wt w;
	struct arena *a; /* lives as long as the world: accounts behind actors */
	int64_t now;
	/* organisations */
	char op_org[33];
	char ag1[33], pj1[33], co1[33], co1b[33], pj2[33]; /* agency 1: teams pj1, pj2 */
	char ag2[33], pjq[33], cod[33];                    /* agency 2 */
	/* groups: PMO of each agency, system group of each project team */
	char pmo1[33], sys1[33], sys2[33], pmo2[33], sysq[33];
	/* accounts */
	char op[33];
	char am1[33], as1[33], pm1[33], ps1[33], cm1[33], cs1[33], cm1b[33], cs1b[33];
	char pm2[33], ps2[33];
	char am2[33], as2[33], pmq[33], psq[33], cmd[33], csd[33];
};

/* Move the fixed clock forward by s seconds (the clock never goes back in these tests). */
static inline void world_tick(struct world *W, int64_t s)
{
	W->now += s;
	clock_fix(W->now);
}

struct world_get {
	struct arena *a;
	const char *id;
	struct account acc;
	struct group g;
};

static inline enum gcas_err world_get_account_tx(struct db *db, void *ctx)
{
	struct world_get *c = ctx;
	return store_account_get(db, c->a, c->id, &c->acc);
}

static inline enum gcas_err world_group_of_tx(struct db *db, void *ctx)
{
	struct world_get *c = ctx;
	return store_group_of_org(db, c->a, c->id, &c->g);
}

/* The account as stored now, in arena a. Returns 0 or -1. */
static inline int world_account(struct world *W, struct arena *a, const char *id,
                                struct account *out)
{
	struct world_get c = {.a = a, .id = id};
	if (store_run(W->w.env.st, world_get_account_tx, &c))
		return -1;
	*out = c.acc;
	return 0;
}

static inline int world_group_of(struct world *W, const char *org_id, char *out)
{
	struct world_get c = {.a = W->a, .id = org_id};
	if (store_run(W->w.env.st, world_group_of_tx, &c))
		return -1;
	snprintf(out, 33, "%s", c.g.id);
	return 0;
}

struct world_members {
	struct arena *a;
	const char *group_id;
	struct membership *m;
	size_t n;
};

static inline enum gcas_err world_members_tx(struct db *db, void *ctx)
{
	struct world_members *c = ctx;
	return store_member_list(db, c->a, c->group_id, &c->m, &c->n);
}

/* 1 when account_id is a member of group_id, 0 when not, -1 on a store error. */
static inline int world_is_member(struct world *W, const char *group_id, const char *account_id)
{
	struct arena *a = arena_new(0);
	struct world_members c = {.a = a, .group_id = group_id};
	int r = store_run(W->w.env.st, world_members_tx, &c) ? -1 : 0;
	for (size_t i = 0; r == 0 && i < c.n; i++)
		if (strcmp(c.m[i].account_id, account_id) == 0)
			r = 1;
	arena_free(a);
	return r;
}

/* An actor for a fixture account (read fresh from the store). */
static inline struct actor world_actor(struct world *W, const char *id)
{
	struct actor ac = {0};
	struct account *acc = arena_alloc(W->a, sizeof(*acc));
	if (!acc || world_account(W, W->a, id, acc)) {
		printf("# world_actor: no account %s\n", id);
		ac = actor_system("missing");
		ac.subj.role = ROLE_CONTRACTOR_STAFF; /* least rights if the fixture is broken */
		return ac;
	}
	actor_from_account(&ac, acc);
	ac.ip = "192.0.2.10";
	ac.request_id = "svc-test";
	return ac;
}

static inline enum gcas_err world_counts_tx(struct db *db, void *ctx)
{
	int64_t *v = ctx;
	enum gcas_err e = store_account_count(db, &v[0]);
	if (!e)
		e = store_session_count(db, &v[1]);
	return e;
}

static inline int64_t world_accounts(struct world *W)
{
	int64_t v[2] = {-1, -1};
	store_run(W->w.env.st, world_counts_tx, v);
	return v[0];
}

static inline int64_t world_sessions(struct world *W)
{
	int64_t v[2] = {-1, -1};
	store_run(W->w.env.st, world_counts_tx, v);
	return v[1];
}

struct world_audit {
	struct arena *a;
	int64_t seq;
	const char *hash;
	struct audit_rec *r;
	size_t n;
};

static inline enum gcas_err world_audit_tx(struct db *db, void *ctx)
{
	struct world_audit *c = ctx;
	enum gcas_err e = store_audit_head(db, c->a, &c->seq, &c->hash);
	if (e || c->seq == 0)
		return e;
	return store_audit_scan(db, c->a, c->seq - 1, 1, &c->r, &c->n);
}

/* Seq of the newest audit record (0 when none). */
static inline int64_t world_audit_seq(struct world *W)
{
	struct arena *a = arena_new(0);
	struct world_audit c = {.a = a};
	if (store_tx(W->w.env.st, world_audit_tx, &c))
		c.seq = -1;
	arena_free(a);
	return c.seq;
}

/* The newest audit record, copied into arena a; its action is "" when there is none. */
static inline struct audit_rec world_audit_last(struct world *W, struct arena *a)
{
	struct world_audit c = {.a = a};
	struct audit_rec none = {.action = "", .outcome = "", .detail = ""};
	if (store_tx(W->w.env.st, world_audit_tx, &c) || c.n != 1)
		return none;
	return c.r[0];
}

/* Check that the last use case wrote exactly one audit record since seq `before`, with this
 * action and (when not NULL) this outcome. */
static inline void audit_wrote_at(struct world *W, int64_t before, const char *act,
                                  const char *outc, const char *file, int line, const char *msg)
{
	struct arena *a = arena_new(0);
	struct audit_rec r = world_audit_last(W, a);
	int good = r.seq == before + 1 && strcmp(r.action, act) == 0 &&
	           (!outc || strcmp(r.outcome, outc) == 0);
	if (!tap_ok(good, file, line, "%s", msg))
		printf("#   last audit seq %lld action %s outcome %s (before %lld)\n",
		       (long long)r.seq, r.action, r.outcome, (long long)before);
	arena_free(a);
}
#define audit_wrote(W, before, act, outc, msg)                                                     \
	audit_wrote_at((W), (before), (act), (outc), __FILE__, __LINE__, (msg))

/* Check that nothing was written to the audit log since seq `before`. */
#define audit_none(W, before, msg) is_int(world_audit_seq(W), (before), msg)

/* Build the world. Returns 0, or -1 after printing why. */
static inline int world_open(struct world *W)
{
	memset(W, 0, sizeof(*W));
	W->now = WORLD_T0;
	clock_fix(W->now);
	if (wt_open(&W->w)) {
		printf("# world_open: wt_open failed\n");
		return -1;
	}
	W->a = arena_new(0);
	struct wt *w = &W->w;
	int bad = !W->a;
	bad |= wt_org(w, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, W->op_org);
	bad |= wt_org(w, ORG_AGENCY, NULL, "デジタル庁", "digital", W->ag1);
	bad |= wt_org(w, ORG_PROJECT, W->ag1, "共通基盤", NULL, W->pj1);
	bad |= wt_org(w, ORG_CONTRACTOR, W->pj1, "株式会社一次請", NULL, W->co1);
	bad |= wt_org(w, ORG_CONTRACTOR, W->pj1, "株式会社二次請", NULL, W->co1b);
	bad |= wt_org(w, ORG_PROJECT, W->ag1, "認証基盤", NULL, W->pj2);
	bad |= wt_org(w, ORG_AGENCY, NULL, "千代田区", "131016", W->ag2);
	bad |= wt_org(w, ORG_PROJECT, W->ag2, "住民記録システム", NULL, W->pjq);
	bad |= wt_org(w, ORG_CONTRACTOR, W->pjq, "区内開発株式会社", NULL, W->cod);
	bad |= world_group_of(W, W->ag1, W->pmo1) | world_group_of(W, W->pj1, W->sys1) |
	       world_group_of(W, W->pj2, W->sys2) | world_group_of(W, W->ag2, W->pmo2) |
	       world_group_of(W, W->pjq, W->sysq);
	struct {
		enum role r;
		const char *org;
		const char *email;
		char *out;
	} accs[] = {
	    {ROLE_OPERATOR, W->op_org, "op1@gcas.go.jp", W->op},
	    {ROLE_AGENCY_MANAGER, W->ag1, "am1@digital.go.jp", W->am1},
	    {ROLE_AGENCY_STAFF, W->ag1, "as1@digital.go.jp", W->as1},
	    {ROLE_PROJECT_MANAGER, W->pj1, "pm1@digital.go.jp", W->pm1},
	    {ROLE_PROJECT_STAFF, W->pj1, "ps1@digital.go.jp", W->ps1},
	    {ROLE_CONTRACTOR_MANAGER, W->co1, "cm1@ichiji.co.jp", W->cm1},
	    {ROLE_CONTRACTOR_STAFF, W->co1, "cs1@ichiji.co.jp", W->cs1},
	    {ROLE_CONTRACTOR_MANAGER, W->co1b, "cm1b@niji.co.jp", W->cm1b},
	    {ROLE_CONTRACTOR_STAFF, W->co1b, "cs1b@niji.co.jp", W->cs1b},
	    {ROLE_PROJECT_MANAGER, W->pj2, "pm2@digital.go.jp", W->pm2},
	    {ROLE_PROJECT_STAFF, W->pj2, "ps2@digital.go.jp", W->ps2},
	    {ROLE_AGENCY_MANAGER, W->ag2, "am2@city.chiyoda.lg.jp", W->am2},
	    {ROLE_AGENCY_STAFF, W->ag2, "as2@city.chiyoda.lg.jp", W->as2},
	    {ROLE_PROJECT_MANAGER, W->pjq, "pmq@city.chiyoda.lg.jp", W->pmq},
	    {ROLE_PROJECT_STAFF, W->pjq, "psq@city.chiyoda.lg.jp", W->psq},
	    {ROLE_CONTRACTOR_MANAGER, W->cod, "cmd@kunai.co.jp", W->cmd},
	    {ROLE_CONTRACTOR_STAFF, W->cod, "csd@kunai.co.jp", W->csd},
	};
	for (size_t i = 0; i < sizeof(accs) / sizeof(accs[0]); i++)
		bad |= wt_account(w, accs[i].r, accs[i].org, accs[i].email, accs[i].out);
	if (bad)
		printf("# world_open: a fixture failed\n");
	return bad ? -1 : 0;
}

static inline void world_close(struct world *W)
{
	arena_free(W->a);
	W->a = NULL;
	wt_close(&W->w);
	clock_fix(-1);
}

/* A minimal valid person for account_input. */
static inline struct account_input world_person(const char *email, const char *role,
                                                const char *org_id)
{
	struct account_input in = {.email = email,
	                           .family_name = "山田",
	                           .given_name = "花子",
	                           .family_kana = "ヤマダ",
	                           .given_kana = "ハナコ",
	                           .role = role,
	                           .org_id = org_id};
	return in;
}

/* 1 when some entry of ve names field. */
static inline int verr_has(const struct verrs *ve, const char *field)
{
	for (size_t i = 0; i < ve->n; i++)
		if (ve->e[i].field && strcmp(ve->e[i].field, field) == 0)
			return 1;
	return 0;
}

#endif
