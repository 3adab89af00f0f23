/* SPDX-License-Identifier: MIT */
/* SAML responses per second in-process (issue 4 §8), for bench/saml.sh: a fresh SQLite store
 * in a temporary directory, a SAML signing key from the signer, one account and a registered
 * SP (profile aws, the person holding an AWS assignment is not needed: the Role attribute is
 * empty then), then for DUR seconds on THREADS threads:
 *   lasso  saml_login_begin_idp + saml_login_respond: the Lasso work alone (no database);
 *   svc    svc_saml_idp_initiated: the whole use case, audit record committed per response.
 * Each response carries two RSA-SHA256 signatures (Response and assertion). Prints
 * "<path> <threads> <responses> <seconds> <per_second> <cpu_seconds> <per_cpu_second>" lines
 * (the last: responses per second of CPU time spent by the measuring threads, comparable with
 * `openssl speed`, which divides by user CPU time).
 * usage: saml_bench [DUR] [THREADS] [lasso|svc] (the third: that path only, for profiling) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/rand.h"
#include "signer/signer.h"
#include "sso/saml.h"
#include "store/store.h"
#include "svc/audit.h"
#include "svc/saml.h"

#define SP_ENTITY "https://bench-sp.test/saml"
#define SP_METADATA                                                                                \
	"<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "                  \
	"entityID=\"" SP_ENTITY "\"><md:SPSSODescriptor AuthnRequestsSigned=\"false\" "            \
	"WantAssertionsSigned=\"true\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:"  \
	"protocol\"><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"         \
	"</md:NameIDFormat><md:AssertionConsumerService index=\"0\" isDefault=\"true\" "           \
	"Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" "                              \
	"Location=\"https://bench-sp.test/saml/acs\"/></md:SPSSODescriptor></md:EntityDescriptor>"

static struct config cfg;
static struct env env;
static struct account acc;
static int dur = 5;

static enum gcas_err setup_tx(struct db *db, void *ctx)
{
	char kid[64];
	(void)ctx;
	enum gcas_err e =
	    signer_key_generate(env.signer, db, clock_now(), KEY_USE_SAML, KEY_ALG_RS256, 0, kid);
	if (e)
		return e;
	struct org o = {.id = "00000000000000000000000000000001",
	                .kind = ORG_OPERATOR,
	                .name = "bench",
	                .created_at = clock_now(),
	                .updated_at = clock_now()};
	if ((e = store_org_insert(db, &o)))
		return e;
	acc = (struct account){.id = "00000000000000000000000000000002",
	                       .email = "bench@gcas.example.go.jp",
	                       .family_name = "Bench",
	                       .given_name = "Mark",
	                       .family_kana = "ベンチ",
	                       .given_kana = "マーク",
	                       .role = ROLE_OPERATOR,
	                       .org_id = o.id,
	                       .status = ACCOUNT_ACTIVE,
	                       .created_at = clock_now(),
	                       .updated_at = clock_now()};
	return store_account_insert(db, &acc);
}

struct job {
	int svc;
	long n;
	double cpu; /* this thread's CPU seconds (user + system) */
	enum gcas_err err;
};

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
	struct job *j = arg;
	struct actor ac = {0};
	actor_from_account(&ac, &acc);
	ac.ip = "127.0.0.1";
	ac.label = acc.email;
	int64_t end = clock_mono_ms() + (int64_t)dur * 1000;
	double c0 = thread_cpu();
	while (clock_mono_ms() < end && !j->err) {
		struct arena *a = arena_new(0);
		if (j->svc) {
			struct saml_answer ans;
			j->err = svc_saml_idp_initiated(&env, &ac, clock_now(), a, SP_ENTITY, NULL,
			                                &ans);
		} else {
			struct signer_saml k;
			struct saml_login *l;
			struct saml_post po;
			static const char *const v[] = {"bench@gcas.example.go.jp"};
			struct saml_attr at = {"email", NULL, v, 1};
			struct saml_subject s = {
			    .account_id = acc.id, .email = acc.email, .attrs = &at, .nattrs = 1};
			struct saml_sp_ref ref = {"bench", SP_ENTITY, SP_METADATA};
			j->err = signer_saml_current(env.signer, clock_now(), a, &k);
			struct saml_idp idp = {"http://127.0.0.1/saml/metadata",
			                       "http://127.0.0.1/saml/sso",
			                       k.kid,
			                       k.key_pem,
			                       k.cert_pem,
			                       k.certs,
			                       k.ncerts};
			if (!j->err)
				j->err = saml_login_begin_idp(a, &idp, &ref, NULL, &l);
			if (!j->err)
				j->err = saml_login_respond(l, &s, clock_now(), 300, &po);
		}
		arena_free(a);
		j->n += !j->err;
	}
	j->cpu = thread_cpu() - c0;
	saml_thread_cache_clear();
	return NULL;
}

static int measure(const char *name, int svc, int threads)
{
	pthread_t t[64];
	struct job j[64] = {0};
	int64_t t0 = clock_mono_ms();
	for (int i = 0; i < threads; i++) {
		j[i].svc = svc;
		pthread_create(&t[i], NULL, run, &j[i]);
	}
	long total = 0;
	double cpu = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += j[i].n;
		cpu += j[i].cpu;
		if (j[i].err) {
			fprintf(stderr, "saml_bench: %s: %s\n", name, gcas_err_name(j[i].err));
			return -1;
		}
	}
	double secs = (double)(clock_mono_ms() - t0) / 1000.0;
	/* Per CPU second too: what `openssl speed` reports (user time), so the two compare on a
	 * machine that is busy with other work. */
	printf("%s %d %ld %.2f %.1f %.2f %.1f\n", name, threads, total, secs, (double)total / secs,
	       cpu, cpu > 0 ? (double)total / cpu : 0.0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/gcas-saml-bench-XXXXXX", dsn[256], why[256];
	int threads = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2;
	dur = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5;
	if (threads < 1 || threads > 64 || dur < 1 || !mkdtemp(dir))
		return 64;
	snprintf(dsn, sizeof(dsn), "sqlite:%s/bench.db", dir);
	config_defaults(&cfg);
	int applied;
	env.cfg = &cfg;
	env.st = store_open(dsn, threads + 1, why, sizeof(why));
	if (!env.st || store_migrate(env.st, &applied, why, sizeof(why))) {
		fprintf(stderr, "saml_bench: %s\n", why);
		return 1;
	}
	unsigned char kek[32];
	rand_bytes(kek, sizeof(kek));
	struct verrs ve = {0};
	struct saml_sp_rec rec;
	struct actor sys = actor_system("bench");
	struct saml_sp_input in = {.metadata = SP_METADATA, .name = "bench SP"};
	struct arena *a = arena_new(0);
	if (signer_open(env.st, kek, 0, &env.signer) || store_tx(env.st, setup_tx, NULL) ||
	    svc_saml_sp_register(&env, &sys, a, &in, &rec, &ve)) {
		fprintf(stderr, "saml_bench: set-up failed\n");
		return 1;
	}
	arena_free(a);
	signer_invalidate(env.signer);
	const char *only = argc > 3 ? argv[3] : "";
	int do_lasso = strcmp(only, "svc") != 0, do_svc = strcmp(only, "lasso") != 0;
	int rc = (do_lasso && (measure("lasso", 0, 1) || measure("lasso", 0, threads))) ||
	         (do_svc && (measure("svc", 1, 1) || measure("svc", 1, threads)));
	signer_free(env.signer);
	store_close(env.st);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "%s/bench.db", dir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/bench.db-wal", dir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/bench.db-shm", dir);
	unlink(cmd);
	rmdir(dir);
	return rc ? 1 : 0;
}
