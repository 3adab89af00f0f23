/* SPDX-License-Identifier: MIT */
/* Seeds a database made by `gcas init` with a realistic population for bench/memory.sh, fast:
 * agencies with their project teams and contractors (and the PMO/system groups), ACCOUNTS
 * active accounts with group memberships and one shared argon2id hash, and SESSIONS live,
 * fully signed-in sessions of random accounts — all through the store API, in batches inside
 * store_tx. Prints the cookie value of one more live session: the operator's (EMAIL).
 * usage: seed DSN ACCOUNTS SESSIONS OPERATOR_EMAIL
 * With SEED_INACTIVITY=1 in the environment, last use (last_active_at, R2.4) is spread for
 * bench/inactivity.sh: 10 % unused for more than 90 days, 5 % in each warning window (76-86 and
 * 87-89 days), the rest used within the last 70 days: a catch-up run. With SEED_INACTIVITY=daily,
 * the steady state of a daily job: last use spread evenly over the past 180 days, and what
 * yesterday's sweep did already done (unused 91 days or more: disabled; 77 or more: warned at
 * the 14-day stage, 88 or more at the 3-day one), so today's finds about 1/180 of the accounts
 * crossing each threshold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/rand.h"
#include "base/str.h"
#include "crypto/password.h"
#include "crypto/token.h"
#include "store/lifecycle.h"
#include "store/store.h"

#define BATCH             2000
#define PROJECTS_PER_AG   5
#define ACCOUNTS_PER_AG   1000
#define SESSION_COOKIE_SZ 64

struct org_ids {
	char agency[33], pmo[33];
	char project[PROJECTS_PER_AG][33], sys[PROJECTS_PER_AG][33];
	char contractor[PROJECTS_PER_AG][33];
};

struct seed {
	struct arena *a;
	int64_t now;
	long n_ag, accounts, sessions;
	struct org_ids *orgs;
	char (*acc_ids)[33];
	const char *pw_hash;
	long from, to;  /* the batch */
	int inactivity; /* SEED_INACTIVITY: spread last_active_at (see the top); 2: daily */
	enum gcas_err why;
};

static const char *const family[] = {"佐藤", "鈴木", "高橋", "田中",
                                     "伊藤", "渡辺", "山本", "中村"};
static const char *const family_kana[] = {"サトウ", "スズキ",   "タカハシ", "タナカ",
                                          "イトウ", "ワタナベ", "ヤマモト", "ナカムラ"};
static const char *const given[] = {"花子", "太郎", "陽菜", "蓮", "結衣", "湊", "美咲", "大翔"};
static const char *const given_kana[] = {"ハナコ", "タロウ", "ヒナ",   "レン",
                                         "ユイ",   "ミナト", "ミサキ", "ヒロト"};

static enum gcas_err new_id(char out[33])
{
	return rand_id(out) ? GCAS_ERR_CRYPTO : GCAS_OK;
}

/* One agency (a local government), its projects, one contractor per project, and the groups an
 * agency and a project team get (as svc_org_create makes them). */
static enum gcas_err orgs_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	enum gcas_err e;
	for (long i = 0; i < s->n_ag; i++) {
		struct org_ids *o = &s->orgs[i];
		if ((e = new_id(o->agency)) || (e = new_id(o->pmo)))
			return e;
		struct org ag = {.id = o->agency,
		                 .kind = ORG_AGENCY,
		                 .name = arena_printf(s->a, "ベンチ市%03ld", i),
		                 .code = arena_printf(s->a, "9%05ld", i),
		                 .agency_type = "local",
		                 .agency_id = o->agency,
		                 .created_at = s->now,
		                 .updated_at = s->now};
		struct group pmo = {.id = o->pmo,
		                    .kind = GROUP_PMO,
		                    .org_id = o->agency,
		                    .agency_id = o->agency,
		                    .name = arena_printf(s->a, "%s PMO", ag.name),
		                    .created_at = s->now};
		if ((e = store_org_insert(db, &ag)) || (e = store_group_insert(db, &pmo)))
			return e;
		for (int p = 0; p < PROJECTS_PER_AG; p++) {
			if ((e = new_id(o->project[p])) || (e = new_id(o->sys[p])) ||
			    (e = new_id(o->contractor[p])))
				return e;
			struct org pr = {
			    .id = o->project[p],
			    .kind = ORG_PROJECT,
			    .name = arena_printf(s->a, "%s 住民記録システム%d", ag.name, p),
			    .parent_id = o->agency,
			    .agency_id = o->agency,
			    .project_id = o->project[p],
			    .created_at = s->now,
			    .updated_at = s->now};
			struct group sys = {.id = o->sys[p],
			                    .kind = GROUP_SYSTEM,
			                    .org_id = o->project[p],
			                    .agency_id = o->agency,
			                    .project_id = o->project[p],
			                    .name = arena_printf(s->a, "%s システム", pr.name),
			                    .created_at = s->now};
			struct org co = {.id = o->contractor[p],
			                 .kind = ORG_CONTRACTOR,
			                 .name =
			                     arena_printf(s->a, "ベンチ開発株式会社%ld-%d", i, p),
			                 .parent_id = o->project[p],
			                 .agency_id = o->agency,
			                 .project_id = o->project[p],
			                 .created_at = s->now,
			                 .updated_at = s->now};
			if ((e = store_org_insert(db, &pr)) || (e = store_group_insert(db, &sys)) ||
			    (e = store_org_insert(db, &co)))
				return e;
		}
	}
	return GCAS_OK;
}

/* SEED_INACTIVITY: when account k was last used (days ago by k % 100, spread by k / 100). */
static int64_t inactive_at(int64_t now, long k)
{
	long pct = k % 100, spread = k / 100;
	int64_t days;
	if (pct < 10)
		days = 91 + spread % 30; /* past 90 days: disabled */
	else if (pct < 15)
		days = 77 + spread % 10; /* the 14-day warning window */
	else if (pct < 20)
		days = 87 + spread % 3; /* the 3-day warning window */
	else
		days = spread % 70;
	return now - days * 86400 - 3600;
}

/* SEED_INACTIVITY=daily: account k's last use, a permutation of k spread evenly over 180 days
 * (7919 is prime, so coprime with the usual counts), and the state yesterday's sweep left. */
static void daily_at(struct account *acc, int64_t now, long k, long n)
{
	int64_t span = 180 * 86400, age = (int64_t)((k * 7919L) % n) * span / n;
	int64_t days = age / 86400;
	acc->last_active_at = now - age;
	if (days >= 91) {
		acc->status = ACCOUNT_DISABLED;
		acc->disabled_reason = "90日間利用がないため無効化 (規程 別表1)";
	} else if (days >= 88) {
		acc->inactivity_warned = 3;
	} else if (days >= 77) {
		acc->inactivity_warned = 14;
	}
}

/* The insert leaves every account unwarned: record the stages daily_at chose with the sweep's
 * own store call (a cut of now: every one of them qualifies). */
static enum gcas_err daily_warn(struct db *db, struct seed *s, const char **ids[2], size_t n[2])
{
	enum gcas_err e = GCAS_OK;
	static const int stage[2] = {3, 14};
	for (int i = 0; i < 2 && !e; i++)
		e = store_life_inactive_warn_many(db, s->a, ids[i], n[i], s->now, stage[i], NULL,
		                                  NULL);
	return e;
}

/* Account k: agency k % n_ag; within an agency 10 % agency roles, 40 % project team roles and
 * 50 % contractor roles, one manager in 20 of each; members of the group their role joins. */
static enum gcas_err accounts_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	enum gcas_err e;
	size_t cap = (size_t)(s->to - s->from), nw[2] = {0, 0};
	const char **warned[2] = {arena_alloc(s->a, cap * sizeof(char *)),
	                          arena_alloc(s->a, cap * sizeof(char *))};
	if (!warned[0] || !warned[1])
		return GCAS_ERR_NOMEM;
	for (long k = s->from; k < s->to; k++) {
		const struct org_ids *o = &s->orgs[k % s->n_ag];
		long j = k / s->n_ag; /* index inside the agency */
		long slot = j % 10, p = (j / 10) % PROJECTS_PER_AG;
		int manager = (j / 50) % 20 == 0;
		struct account acc = {
		    .id = s->acc_ids[k],
		    .email = arena_printf(s->a, "u%06ld@a%03ld.example.lg.jp", k, k % s->n_ag),
		    .family_name = family[k % 8],
		    .given_name = given[(k / 8) % 8],
		    .family_kana = family_kana[k % 8],
		    .given_kana = given_kana[(k / 8) % 8],
		    .agency_id = o->agency,
		    .status = ACCOUNT_ACTIVE,
		    .password_hash = s->pw_hash,
		    .created_at = s->now - 86400 * (k % 365),
		    .activated_at = s->now - 86400 * (k % 365),
		    .last_signin_at = s->now - 3600 * (k % 500),
		    .updated_at = s->now,
		    .version = 1};
		if (s->inactivity == 1)
			acc.last_active_at = inactive_at(s->now, k);
		else if (s->inactivity == 2)
			daily_at(&acc, s->now, k, s->accounts);
		if (acc.inactivity_warned)
			warned[acc.inactivity_warned == 3 ? 0 : 1]
			      [nw[acc.inactivity_warned == 3 ? 0 : 1]++] = acc.id;
		const char *group;
		if (slot == 0) {
			acc.role = manager ? ROLE_AGENCY_MANAGER : ROLE_AGENCY_STAFF;
			acc.org_id = o->agency;
			group = o->pmo;
		} else if (slot < 5) {
			acc.role = manager ? ROLE_PROJECT_MANAGER : ROLE_PROJECT_STAFF;
			acc.org_id = o->project[p];
			acc.project_id = o->project[p];
			group = o->sys[p];
		} else {
			acc.role = manager ? ROLE_CONTRACTOR_MANAGER : ROLE_CONTRACTOR_STAFF;
			acc.org_id = o->contractor[p];
			acc.project_id = o->project[p];
			group = o->sys[p];
		}
		struct membership m = {.group_id = group, .account_id = acc.id, .added_at = s->now};
		if ((e = store_account_insert(db, &acc)) || (e = store_member_add(db, &m)))
			return e;
	}
	return daily_warn(db, s, warned, nw);
}

/* A live session as svc_signin_factor leaves it: second factor done, recently seen. */
static enum gcas_err session_add(struct db *db, struct seed *s, const char *account_id,
                                 char token[SESSION_COOKIE_SZ])
{
	char hash[SHA256_HEX_SIZE], csrf[SESSION_COOKIE_SZ];
	if (token_new(token, SESSION_COOKIE_SZ, "") || token_hash(token, hash) ||
	    token_new(csrf, sizeof(csrf), ""))
		return GCAS_ERR_CRYPTO;
	struct session se = {.id_hash = hash,
	                     .account_id = account_id,
	                     .csrf = csrf,
	                     .lang = "ja",
	                     .ip = "127.0.0.1",
	                     .created_at = s->now,
	                     .last_seen_at = s->now,
	                     .expires_at = s->now + 12 * 3600,
	                     .mfa_at = s->now,
	                     .reauth_at = s->now};
	return store_session_insert(db, &se);
}

static enum gcas_err sessions_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	enum gcas_err e;
	char token[SESSION_COOKIE_SZ];
	for (long k = s->from; k < s->to; k++)
		if ((e = session_add(db, s, s->acc_ids[rand_uniform((uint32_t)s->accounts)],
		                     token)))
			return e;
	return GCAS_OK;
}

struct op_ctx {
	struct seed *s;
	const char *email;
	char token[SESSION_COOKIE_SZ];
};

static enum gcas_err operator_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	struct account op;
	enum gcas_err e = store_account_get_by_email(db, c->s->a, c->email, &op);
	if (e)
		return e;
	/* The operator signs in once for real in the benchmark's eyes: active, with a session. */
	if ((e = store_account_signed_in(db, op.id, c->s->now)))
		return e;
	return session_add(db, c->s, op.id, c->token);
}

/* Run fn over [0, n) in batches of BATCH rows, one transaction each. */
static enum gcas_err batched(struct store *st, struct seed *s, long n, store_tx_fn fn)
{
	for (long i = 0; i < n; i += BATCH) {
		s->from = i;
		s->to = i + BATCH < n ? i + BATCH : n;
		enum gcas_err e = store_tx(st, fn, s);
		if (e)
			return e;
	}
	return GCAS_OK;
}

static long parse_count(const char *arg)
{
	int64_t v;
	return str_to_i64(arg, &v) == 0 && v >= 0 && v <= 10000000 ? (long)v : -1;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s DSN ACCOUNTS SESSIONS OPERATOR_EMAIL\n", argv[0]);
		return 2;
	}
	struct seed s = {.now = clock_now()};
	const char *inact = getenv("SEED_INACTIVITY");
	s.inactivity = !inact                        ? 0
	               : strcmp(inact, "1") == 0     ? 1
	               : strcmp(inact, "daily") == 0 ? 2
	                                             : 0;
	s.accounts = parse_count(argv[2]);
	s.sessions = parse_count(argv[3]);
	if (s.accounts < 1 || s.sessions < 0) {
		fprintf(stderr, "seed: ACCOUNTS >= 1 and SESSIONS >= 0, please\n");
		return 2;
	}
	char why[256] = "", hash[PASSWORD_HASH_SIZE];
	struct store *st = store_open(argv[1], 1, why, sizeof(why));
	if (!st) {
		fprintf(stderr, "seed: %s\n", why);
		return 1;
	}
	int rc = 1;
	enum gcas_err e = GCAS_OK;
	const char *step = "memory";
	s.a = arena_new(512u * 1024u * 1024u);
	s.n_ag = (s.accounts + ACCOUNTS_PER_AG - 1) / ACCOUNTS_PER_AG;
	s.orgs = s.a ? arena_alloc(s.a, sizeof(*s.orgs) * (size_t)s.n_ag) : NULL;
	s.acc_ids = s.a ? arena_alloc(s.a, sizeof(*s.acc_ids) * (size_t)s.accounts) : NULL;
	if (!s.orgs || !s.acc_ids)
		goto out;
	for (long k = 0; k < s.accounts; k++)
		if (rand_id(s.acc_ids[k]))
			goto out;
	/* One real argon2id hash at the default cost, shared: rows have their true size. */
	struct pw_params pp = password_params_default();
	step = "password hash";
	if ((e = password_hash("Kumo-sora-7RxQ2vLp-hikari", &pp, hash)))
		goto out;
	s.pw_hash = hash;
	step = "organisations";
	if ((e = store_tx(st, orgs_tx, &s)))
		goto out;
	step = "accounts";
	if ((e = batched(st, &s, s.accounts, accounts_tx)))
		goto out;
	step = "sessions";
	if ((e = batched(st, &s, s.sessions, sessions_tx)))
		goto out;
	struct op_ctx op = {.s = &s, .email = argv[4]};
	step = "operator session";
	if ((e = store_tx(st, operator_tx, &op)))
		goto out;
	printf("%s\n", op.token);
	fprintf(stderr,
	        "seeded %ld agencies, %ld projects, %ld contractors, %ld accounts, %ld sessions\n",
	        s.n_ag, s.n_ag * PROJECTS_PER_AG, s.n_ag * PROJECTS_PER_AG, s.accounts, s.sessions);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "seed: %s failed: %s\n", step,
		        e ? gcas_err_name(e) : "out of memory");
	arena_free(s.a);
	store_close(st);
	return rc;
}
