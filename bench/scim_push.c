/* SPDX-License-Identifier: MIT */
/* Seeds a database made by `gcas init` for bench/scim_push.sh (issue 4 §8): one agency, one
 * project team with a registered system, ENVS active `local` environments each with its SCIM
 * target (base_url/local-cloud/<id>/scim/v2, a fresh token sealed under the keys key) and
 * USERS active accounts spread over them (each environment: a tenth administrators, the rest
 * general), everything through the store API in one transaction per 500 rows. With ENVS = 500
 * and USERS = 10,000 the push makes 10,000 users and 1,000 groups with their members. The
 * server's own scim_push job is kept off by a lease on it (see orgs_tx).
 * usage: scim_push DSN KEYS_KEY_FILE BASE_URL ENVS USERS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/rand.h"
#include "base/str.h"
#include "core/environment.h"
#include "signer/signer.h"
#include "store/assignments.h"
#include "store/environments.h"
#include "store/scim_push.h"
#include "store/store.h"
#include "store/systems.h"
#include "svc/provision.h"

struct seed {
	struct signer *sg;
	struct arena *a;
	int64_t now;
	const char *base;
	long envs, users, from, to; /* this batch: [from, to) */
	char agency[33], project[33], sys[33];
	char (*env_ids)[33];
};

static enum gcas_err orgs_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	struct org ag = {.id = s->agency,
	                 .kind = ORG_AGENCY,
	                 .name = "ベンチSCIM市",
	                 .code = "999002",
	                 .agency_type = "local",
	                 .agency_id = s->agency,
	                 .created_at = s->now,
	                 .updated_at = s->now};
	struct org pr = {.id = s->project,
	                 .kind = ORG_PROJECT,
	                 .name = "ベンチSCIM市 基盤",
	                 .parent_id = s->agency,
	                 .agency_id = s->agency,
	                 .project_id = s->project,
	                 .created_at = s->now,
	                 .updated_at = s->now};
	struct system_rec sy = {.id = s->sys,
	                        .project_id = s->project,
	                        .agency_id = s->agency,
	                        .name = "ベンチ基盤",
	                        .purpose = "SCIM push benchmark",
	                        .lifecycle = SYS_BUILDING,
	                        .csps = 1u << CSP_AWS,
	                        .environments = 1u << SYSENV_PRODUCTION,
	                        .period_start = "2026-04-01",
	                        .classification = SYSCLASS_C2,
	                        .billing_unit = "bench",
	                        .version = 1,
	                        .created_at = s->now,
	                        .updated_at = s->now};
	enum gcas_err e = store_org_insert(db, &ag);
	if (!e)
		e = store_org_insert(db, &pr);
	if (!e)
		e = store_system_insert(db, &sy);
	/* `gcas serve` runs the scim_push job too: a day's lease held here keeps it off, so the
	 * push measured is the one `gcas assign sync` makes. */
	if (!e)
		e = store_job_lease(db, "scim_push", "bench", s->now, s->now + 86400);
	return e;
}

static enum gcas_err envs_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	enum gcas_err e = GCAS_OK;
	for (long i = s->from; !e && i < s->to; i++) {
		unsigned char tok[32];
		char tok64[64], ext[24], *sealed = NULL;
		if (rand_id(s->env_ids[i]) || rand_bytes(tok, sizeof(tok)) ||
		    provision_local_new_id(ext))
			return GCAS_ERR_CRYPTO;
		b64url_encode(tok64, tok, sizeof(tok));
		struct environment en = {.id = s->env_ids[i],
		                         .project_id = s->project,
		                         .agency_id = s->agency,
		                         .system_id = s->sys,
		                         .csp = CSP_AWS,
		                         .kind = SYSENV_PRODUCTION,
		                         .state = ENV_ACTIVE,
		                         .driver = "local",
		                         .external_id = ext,
		                         .created_at = s->now};
		const char *url =
		    arena_printf(s->a, "%s/local-cloud/%s/scim/v2", s->base, s->env_ids[i]);
		e = signer_seal(s->sg, s->a, "scim-token", tok64, strlen(tok64), &sealed);
		if (!e)
			e = store_environment_insert(db, &en);
		if (!e)
			e = store_scim_target_set(db, en.id, url, sealed);
	}
	return e;
}

static enum gcas_err users_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	enum gcas_err e = GCAS_OK;
	for (long i = s->from; !e && i < s->to; i++) {
		char id[33], aid[33];
		if (rand_id(id) || rand_id(aid))
			return GCAS_ERR_CRYPTO;
		long env = i % s->envs;
		struct account acc = {.id = id,
		                      .email =
		                          arena_printf(s->a, "user%05ld@bench-scim.example.jp", i),
		                      .family_name = "試験",
		                      .given_name = arena_printf(s->a, "利用者%ld", i),
		                      .family_kana = "シケン",
		                      .given_kana = "リヨウシャ",
		                      .role = ROLE_PROJECT_STAFF,
		                      .org_id = s->project,
		                      .agency_id = s->agency,
		                      .project_id = s->project,
		                      .status = ACCOUNT_ACTIVE,
		                      .created_at = s->now,
		                      .activated_at = s->now,
		                      .updated_at = s->now,
		                      .email_verified_at = s->now,
		                      .last_active_at = s->now};
		struct assignment as = {.id = aid,
		                        .account_id = id,
		                        .environment_id = s->env_ids[env],
		                        .project_id = s->project,
		                        .agency_id = s->agency,
		                        .priv = (i / s->envs) % 10 == 0 ? ASG_PRIV_ADMIN
		                                                        : ASG_PRIV_GENERAL,
		                        .active = 1,
		                        .created_at = s->now};
		e = store_account_insert(db, &acc);
		if (!e)
			e = store_assignment_insert(db, &as);
	}
	return e;
}

static int batches(struct store *st, struct seed *s, store_tx_fn fn, long n, const char *what)
{
	for (long i = 0; i < n; i += 500) {
		s->from = i;
		s->to = i + 500 < n ? i + 500 : n;
		enum gcas_err e = store_tx(st, fn, s);
		if (e) {
			fprintf(stderr, "scim_push seed: %s: %s\n", what, gcas_err_name(e));
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	char why[256], hex[80] = "";
	unsigned char kek[32];
	int64_t envs = 0, users = 0;
	if (argc != 6 || str_to_i64(argv[4], &envs) || str_to_i64(argv[5], &users) || envs < 1 ||
	    users < 1) {
		fprintf(stderr, "usage: scim_push DSN KEYS_KEY_FILE BASE_URL ENVS USERS\n");
		return 64;
	}
	FILE *f = fopen(argv[2], "r");
	if (!f || !fgets(hex, sizeof(hex), f) || hex_decode(kek, 32, str_trim(hex), 64)) {
		fprintf(stderr, "scim_push seed: cannot read the keys key %s\n", argv[2]);
		return 66;
	}
	fclose(f);
	struct store *st = store_open(argv[1], 1, why, sizeof(why));
	if (!st) {
		fprintf(stderr, "scim_push seed: %s\n", why);
		return 1;
	}
	struct seed s = {.now = clock_now(), .base = argv[3], .envs = envs, .users = users};
	s.env_ids = calloc((size_t)envs, sizeof(*s.env_ids));
	s.a = arena_new(0);
	int rc = !s.env_ids || !s.a || signer_open(st, kek, 0, &s.sg) || rand_id(s.agency) ||
	         rand_id(s.project) || rand_id(s.sys);
	if (!rc)
		rc = store_tx(st, orgs_tx, &s) != GCAS_OK;
	if (!rc)
		rc = batches(st, &s, envs_tx, envs, "environments");
	if (!rc)
		rc = batches(st, &s, users_tx, users, "users");
	if (!rc)
		printf("%lld environments, %lld users\n", (long long)envs, (long long)users);
	signer_free(s.sg);
	arena_free(s.a);
	free(s.env_ids);
	store_close(st);
	explicit_bzero(kek, sizeof(kek));
	return rc;
}
