/* SPDX-License-Identifier: MIT */
/* Runs the inactivity sweep (svc_inactivity_sweep, R2.4) once, or RUNS times, against a database
 * seeded by seed.c with SEED_INACTIVITY=1, and prints one line per run: accounts disabled and
 * wall milliseconds; records are sealed with a bench key. bench/inactivity.sh measures its peak
 * memory with /usr/bin/time -v. usage: inactivity_run DSN [RUNS] */
#include <stdio.h>

#include "base/clock.h"
#include "base/str.h"
#include "svc/audit.h"
#include "svc/env.h"
#include "svc/lifecycle.h"

int main(int argc, char **argv)
{
	int64_t runs = 1;
	if (argc < 2 || argc > 3 || (argc == 3 && (str_to_i64(argv[2], &runs) || runs < 1))) {
		fprintf(stderr, "usage: %s DSN [RUNS]\n", argv[0]);
		return 2;
	}
	struct config cfg;
	char why[256] = "";
	config_defaults(&cfg);
	cfg.db = argv[1];
	struct store *st = store_open(argv[1], 1, why, sizeof(why));
	if (!st) {
		fprintf(stderr, "inactivity_run: %s\n", why);
		return 1;
	}
	/* Seal the records as a configured server does (HMAC per record is part of the cost); a
	 * fixed bench key: the database is thrown away after. */
	static const unsigned char key[32] = "gcas-bench-inactivity-audit-key";
	audit_set_key(key, sizeof(key));
	struct env env = {.st = st, .cfg = &cfg};
	int rc = 0;
	for (int64_t i = 0; i < runs && !rc; i++) {
		int64_t n = 0, t0 = clock_mono_ms();
		enum gcas_err e = svc_inactivity_sweep(&env, &n);
		printf("run %lld: %s, %lld disabled, %lld ms\n", (long long)i + 1, gcas_err_name(e),
		       (long long)n, (long long)(clock_mono_ms() - t0));
		rc = e ? 1 : 0;
	}
	store_close(st);
	return rc;
}
