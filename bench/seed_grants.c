/* SPDX-License-Identifier: MIT */
/* Grants for bench/sso.sh (issue 4 §8): the redemption and refresh benchmarks time only the
 * token endpoint, so what it consumes is made first, untimed, as the authorize endpoint and an
 * earlier redemption would have stored it (same columns, hashes only, one transaction):
 *   codes    COUNT authorization codes of ACCOUNT for CLIENT_ID, bound to REDIRECT and to the
 *            S256 CHALLENGE, valid 10 minutes; prints one code per line. The codes an earlier
 *            run left unredeemed are purged first (store_oidc_purge, as the hourly job does
 *            once they expire), so each run starts from the same table: a browser's code is
 *            redeemed at once, and left over they piled up by 100,000s, slowing each later run
 *   refresh  COUNT refresh tokens, each the head of its own family; prints one per line
 * usage: seed_grants DSN EMAIL CLIENT_ID codes COUNT REDIRECT CHALLENGE
 *        seed_grants DSN EMAIL CLIENT_ID refresh COUNT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "crypto/token.h"
#include "store/oidc.h"
#include "store/store.h"

#define MAXN      2000000
#define TOKEN_CAP 96 /* as svc/oidc.c */

struct seed {
	const char *email, *client_id, *redirect, *challenge;
	int refresh;
	long n;
	char (*tok)[TOKEN_CAP];
};

static enum gcas_err seed_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	struct arena *a = arena_new(0);
	struct account acc;
	int64_t now = clock_now();
	enum gcas_err e = a ? store_account_get_by_email(db, a, s->email, &acc) : GCAS_ERR_NOMEM;
	int64_t purged = 0;
	if (!e && !s->refresh)
		e = store_oidc_purge(db, now + 601, &purged);
	for (long i = 0; !e && i < s->n; i++) {
		char hash[TOKEN_KEY_SIZE];
		if (token_new_ordered(s->tok[i], TOKEN_CAP, s->refresh ? "gcas_rt_" : "gcas_ac_") ||
		    token_key(s->tok[i], hash)) {
			e = GCAS_ERR_CRYPTO;
			break;
		}
		if (s->refresh) {
			struct oidc_refresh r = {.token_hash = hash,
			                         .family = hash,
			                         .client_id = s->client_id,
			                         .account_id = acc.id,
			                         .scope = "openid email profile",
			                         .auth_time = now,
			                         .amr = "pwd otp",
			                         .sid = "bench",
			                         .issued_at = now,
			                         .expires_at = now + 3600};
			e = store_oidc_refresh_insert(db, &r);
		} else {
			struct oidc_code c = {.code_hash = hash,
			                      .client_id = s->client_id,
			                      .account_id = acc.id,
			                      .redirect_uri = s->redirect,
			                      .code_challenge = s->challenge,
			                      .nonce = "n-bench",
			                      .scope = "openid email profile",
			                      .auth_time = now,
			                      .amr = "pwd otp",
			                      .sid = "bench",
			                      .expires_at = now + 600};
			e = store_oidc_code_insert(db, &c);
		}
	}
	arena_free(a);
	return e;
}

int main(int argc, char **argv)
{
	static struct seed s;
	int codes = argc == 8 && strcmp(argv[4], "codes") == 0;
	s.refresh = argc == 6 && strcmp(argv[4], "refresh") == 0;
	if (!codes && !s.refresh) {
		fprintf(stderr,
		        "usage: %s DSN EMAIL CLIENT_ID codes COUNT REDIRECT CHALLENGE\n"
		        "       %s DSN EMAIL CLIENT_ID refresh COUNT\n",
		        argv[0], argv[0]);
		return 2;
	}
	s.email = argv[2];
	s.client_id = argv[3];
	s.n = strtol(argv[5], NULL, 10);
	if (codes) {
		s.redirect = argv[6];
		s.challenge = argv[7];
	}
	if (s.n < 1 || s.n > MAXN || !(s.tok = calloc((size_t)s.n, sizeof(*s.tok))))
		return 2;
	char why[256] = "";
	struct store *st = store_open(argv[1], 1, why, sizeof(why));
	if (!st) {
		fprintf(stderr, "seed_grants: %s\n", why);
		free(s.tok);
		return 1;
	}
	enum gcas_err e = store_tx(st, seed_tx, &s);
	if (e)
		fprintf(stderr, "seed_grants: %s\n", gcas_err_name(e));
	for (long i = 0; !e && i < s.n; i++)
		printf("%s\n", s.tok[i]);
	store_close(st);
	free(s.tok);
	return e ? 1 : 0;
}
