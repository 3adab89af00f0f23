/* SPDX-License-Identifier: MIT */
/* Seeds a database made by `gcas init` for bench/applications.sh: one agency, one project team,
 * one contractor under it, an active contractor_manager (the applicant) and an active
 * project_manager (the approver, 別表1), each with a personal API token "read write" — all in
 * one store_tx through the store API, as tests/lib/webtest.c makes its fixtures.
 * Prints one line: CONTRACTOR_MANAGER_TOKEN PROJECT_MANAGER_TOKEN CONTRACTOR_ORG_ID.
 * usage: seed_apps DSN */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "crypto/password.h"
#include "crypto/token.h"
#include "store/store.h"

#define TOKEN_SZ  128
#define TOKEN_TTL (7 * 86400)

struct seed {
	int64_t now;
	const char *pw_hash;
	char agency[33], project[33], contractor[33], pmo[33], sys[33];
	char cm[33], pm[33];
	char cm_token[TOKEN_SZ], pm_token[TOKEN_SZ];
};

static enum gcas_err ids(char *const out[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rand_id(out[i]))
			return GCAS_ERR_CRYPTO;
	return GCAS_OK;
}

/* The organisations and the groups svc_org_create gives an agency and a project team. */
static enum gcas_err orgs_add(struct db *db, struct seed *s)
{
	struct org ag = {.id = s->agency,
	                 .kind = ORG_AGENCY,
	                 .name = "ベンチ申請市",
	                 .code = "999001",
	                 .agency_type = "local",
	                 .agency_id = s->agency,
	                 .created_at = s->now,
	                 .updated_at = s->now};
	struct org pr = {.id = s->project,
	                 .kind = ORG_PROJECT,
	                 .name = "ベンチ申請市 住民記録システム",
	                 .parent_id = s->agency,
	                 .agency_id = s->agency,
	                 .project_id = s->project,
	                 .created_at = s->now,
	                 .updated_at = s->now};
	struct org co = {.id = s->contractor,
	                 .kind = ORG_CONTRACTOR,
	                 .name = "ベンチ申請開発株式会社",
	                 .parent_id = s->project,
	                 .agency_id = s->agency,
	                 .project_id = s->project,
	                 .created_at = s->now,
	                 .updated_at = s->now};
	struct group pmo = {.id = s->pmo,
	                    .kind = GROUP_PMO,
	                    .org_id = s->agency,
	                    .agency_id = s->agency,
	                    .name = "ベンチ申請市 PMO",
	                    .created_at = s->now};
	struct group sys = {.id = s->sys,
	                    .kind = GROUP_SYSTEM,
	                    .org_id = s->project,
	                    .agency_id = s->agency,
	                    .project_id = s->project,
	                    .name = "住民記録システム",
	                    .created_at = s->now};
	enum gcas_err e;
	if ((e = store_org_insert(db, &ag)) || (e = store_org_insert(db, &pr)) ||
	    (e = store_org_insert(db, &co)) || (e = store_group_insert(db, &pmo)) ||
	    (e = store_group_insert(db, &sys)))
		return e;
	return GCAS_OK;
}

/* An active account of role in org (a member of the project's system group) and its token. */
static enum gcas_err person_add(struct db *db, struct seed *s, const char *id, enum role role,
                                const char *org_id, const char *email, char token[TOKEN_SZ])
{
	char tid[33], hash[SHA256_HEX_SIZE];
	struct account acc = {.id = id,
	                      .email = email,
	                      .family_name = "申請",
	                      .given_name = "太郎",
	                      .family_kana = "シンセイ",
	                      .given_kana = "タロウ",
	                      .role = role,
	                      .org_id = org_id,
	                      .agency_id = s->agency,
	                      .project_id = s->project,
	                      .status = ACCOUNT_ACTIVE,
	                      .password_hash = s->pw_hash,
	                      .created_at = s->now,
	                      .activated_at = s->now,
	                      .last_active_at = s->now,
	                      .updated_at = s->now,
	                      .version = 1};
	struct membership m = {.group_id = s->sys, .account_id = id, .added_at = s->now};
	if (rand_id(tid) || token_new(token, TOKEN_SZ, "gcas_pat_") || token_hash(token, hash))
		return GCAS_ERR_CRYPTO;
	struct api_token t = {.id = tid,
	                      .account_id = id,
	                      .name = "bench",
	                      .token_hash = hash,
	                      .scopes = "read write",
	                      .created_at = s->now,
	                      .expires_at = s->now + TOKEN_TTL};
	enum gcas_err e;
	if ((e = store_account_insert(db, &acc)) || (e = store_member_add(db, &m)) ||
	    (e = store_token_insert(db, &t)))
		return e;
	return GCAS_OK;
}

static enum gcas_err seed_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	enum gcas_err e;
	if ((e = orgs_add(db, s)))
		return e;
	if ((e = person_add(db, s, s->cm, ROLE_CONTRACTOR_MANAGER, s->contractor,
	                    "bench.cm@bench.example.go.jp", s->cm_token)))
		return e;
	return person_add(db, s, s->pm, ROLE_PROJECT_MANAGER, s->project,
	                  "bench.pm@bench.example.go.jp", s->pm_token);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DSN\n", argv[0]);
		return 2;
	}
	static struct seed s;
	char why[256] = "", hash[PASSWORD_HASH_SIZE];
	const char *step = "open";
	enum gcas_err e = GCAS_OK;
	int rc = 1;
	s.now = clock_now();
	struct store *st = store_open(argv[1], 1, why, sizeof(why));
	if (!st) {
		fprintf(stderr, "seed_apps: %s\n", why);
		return 1;
	}
	char *const all[] = {s.agency, s.project, s.contractor, s.pmo, s.sys, s.cm, s.pm};
	step = "ids";
	if ((e = ids(all, sizeof(all) / sizeof(all[0]))))
		goto out;
	/* A real argon2id hash at the default cost: the rows look as the service leaves them. */
	struct pw_params pp = password_params_default();
	step = "password hash";
	if ((e = password_hash("Kumo-sora-7RxQ2vLp-hikari", &pp, hash)))
		goto out;
	s.pw_hash = hash;
	step = "seed";
	if ((e = store_tx(st, seed_tx, &s)))
		goto out;
	printf("%s %s %s\n", s.cm_token, s.pm_token, s.contractor);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "seed_apps: %s failed: %s\n", step, gcas_err_name(e));
	store_close(st);
	return rc;
}
