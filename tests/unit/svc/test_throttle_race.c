/* SPDX-License-Identifier: MIT */
/* A burst of parallel wrong passwords is counted in full: every attempt whose password was
 * checked adds to the account's failure counter, so parallelism buys an attacker no extra
 * guesses (NIST SP 800-63B §5.2.2). Runs on SQLite, or on PostgreSQL with GCAS_TEST_DSN. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "svc/auth.h"
#include "tap.h"
#include "webtest.h"

#define THREADS 8
#define TRIES   4

static struct wt W;
static const char *EMAIL = "jiro.ishida@digital.go.jp";

static void *guesser(void *arg)
{
	struct client cl = {arg, "race"};
	char token[SESSION_TOKEN_SIZE];
	for (int i = 0; i < TRIES; i++)
		svc_signin_password(&W.env, &cl, EMAIL, "not the password at all", token, NULL);
	return NULL;
}

struct count_ctx {
	long checked, throttled;
	struct throttle_state t;
};

static enum gcas_err count_tx(struct db *db, void *ctx)
{
	struct count_ctx *c = ctx;
	int64_t after = 0;
	for (;;) {
		struct arena *a = arena_new(0);
		struct audit_rec *r;
		size_t n;
		enum gcas_err e = store_audit_scan(db, a, after, 500, &r, &n);
		for (size_t i = 0; !e && i < n; i++) {
			after = r[i].seq;
			if (strcmp(r[i].action, "signin.failure") != 0)
				continue;
			c->checked += strstr(r[i].detail, "bad_password") != NULL;
			c->throttled += strstr(r[i].detail, "throttled") != NULL;
		}
		arena_free(a);
		if (e)
			return e;
		if (n < 500)
			break;
	}
	char key[128];
	snprintf(key, sizeof(key), "acct:%s", EMAIL);
	return store_throttle_get(db, key, &c->t);
}

int main(void)
{
	char agency[33], id[33];
	pthread_t th[THREADS];
	/* Distinct client addresses, so only the account's counter can stop them. */
	static char ips[THREADS][16];
	if (!ok(wt_open(&W) == 0, "store"))
		return tap_done();
	W.cfg.throttle_ip_free = 1000;
	wt_org(&W, ORG_AGENCY, NULL, "デジタル庁", "digital", agency);
	wt_account(&W, ROLE_AGENCY_STAFF, agency, EMAIL, id);
	for (int i = 0; i < THREADS; i++) {
		snprintf(ips[i], sizeof(ips[i]), "192.0.2.%d", i + 1);
		pthread_create(&th[i], NULL, guesser, ips[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	struct count_ctx c = {0};
	ok(store_run(W.env.st, count_tx, &c) == GCAS_OK, "read the audit log and the counter");
	is_int(c.checked + c.throttled, THREADS * TRIES, "every attempt was answered and audited");
	is_int(c.t.failures, c.checked,
	       "the counter holds every password that was checked (%ld checked, %ld throttled)",
	       c.checked, c.throttled);
	ok(c.checked <= W.cfg.throttle_free + THREADS,
	   "and the burst checked few more than the free allowance (%ld)", c.checked);
	wt_close(&W);
	return tap_done();
}
