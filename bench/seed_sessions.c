/* SPDX-License-Identifier: MIT */
/* Signed-in sessions for bench/sso.sh (issue 4 §8): the console sign-in benchmark measures a
 * person who already has a session, so the password and second factor are not part of it.
 * Inserts N sessions of the account EMAIL (second factor done), through the store API as
 * tests/lib/webtest.c does, and prints one cookie per line ("gcas_session=TOKEN").
 * usage: seed_sessions DSN EMAIL N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "crypto/token.h"
#include "store/store.h"

#define MAXN 256

struct seed {
	const char *email;
	int n;
	char tok[MAXN][64];
};

static enum gcas_err seed_tx(struct db *db, void *ctx)
{
	struct seed *s = ctx;
	struct arena *a = arena_new(0);
	struct account acc;
	int64_t now = clock_now();
	enum gcas_err e = a ? store_account_get_by_email(db, a, s->email, &acc) : GCAS_ERR_NOMEM;
	/* `gcas init` leaves the operator pending until its first full sign-in, which these
	 * sessions stand for. */
	if (!e && acc.status == ACCOUNT_PENDING)
		e = store_account_set_status(db, acc.id, ACCOUNT_ACTIVE, NULL, now);
	for (int i = 0; !e && i < s->n; i++) {
		char hash[SHA256_HEX_SIZE], csrf[64];
		if (token_new(s->tok[i], sizeof(s->tok[i]), "") || token_hash(s->tok[i], hash) ||
		    token_new(csrf, sizeof(csrf), "")) {
			e = GCAS_ERR_CRYPTO;
			break;
		}
		struct session ss = {.id_hash = hash,
		                     .account_id = acc.id,
		                     .csrf = csrf,
		                     .ip = "127.0.0.1",
		                     .created_at = now,
		                     .last_seen_at = now,
		                     .expires_at = now + 12 * 3600,
		                     .mfa_at = now,
		                     .reauth_at = now};
		e = store_session_insert(db, &ss);
	}
	arena_free(a);
	return e;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s DSN EMAIL N\n", argv[0]);
		return 2;
	}
	static struct seed s;
	s.email = argv[2];
	s.n = (int)strtol(argv[3], NULL, 10);
	if (s.n < 1 || s.n > MAXN)
		return 2;
	char why[256] = "";
	struct store *st = store_open(argv[1], 1, why, sizeof(why));
	if (!st) {
		fprintf(stderr, "seed_sessions: %s\n", why);
		return 1;
	}
	enum gcas_err e = store_tx(st, seed_tx, &s);
	if (e)
		fprintf(stderr, "seed_sessions: %s\n", gcas_err_name(e));
	for (int i = 0; !e && i < s.n; i++)
		printf("gcas_session=%s\n", s.tok[i]);
	store_close(st);
	return e ? 1 : 0;
}
