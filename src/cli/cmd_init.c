/* SPDX-License-Identifier: MIT */
/* `gcas init` and `gcas db`: create or migrate the database, and bootstrap the first operator
 * (R1.3) with a password read from the terminal, from stdin, or generated and printed once. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/codec.h"
#include "base/rand.h"
#include "cli/cli.h"
#include "svc/accounts.h"
#include "svc/keys.h"

static int migrate(struct cli *c)
{
	char why[512] = "";
	int applied = 0;
	enum gcas_err e = store_migrate(c->env.st, &applied, why, sizeof(why));
	if (e) {
		fprintf(stderr, "gcas: migration failed: %s\n", why[0] ? why : gcas_err_name(e));
		return 1;
	}
	int have = 0, want = 0;
	store_schema_version(c->env.st, &have, &want);
	printf("schema at version %d (%d migration(s) applied)\n", have, applied);
	return 0;
}

int cmd_db(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub) {
		printf("usage: gcas db migrate | gcas db status\n\n"
		       "migrate applies the embedded forward-only migrations; status prints the\n"
		       "engine, the schema version and whether it matches this binary.\n");
		return sub ? 0 : 64;
	}
	int rc = cli_open_store(c, 0);
	if (rc)
		return rc;
	if (strcmp(sub, "migrate") == 0)
		return migrate(c);
	if (strcmp(sub, "status") == 0) {
		int have = 0, want = 0;
		if (store_schema_version(c->env.st, &have, &want)) {
			fprintf(stderr, "gcas: cannot read the schema version\n");
			return 1;
		}
		printf("engine: %s\nschema: %d\nbinary: %d\nstatus: %s\n", store_engine(c->env.st),
		       have, want, have == want ? "up to date" : "needs `gcas db migrate`");
		return have == want ? 0 : 1;
	}
	fprintf(stderr, "gcas db: unknown subcommand \"%s\"\n", sub);
	return 64;
}

/* Read a line without echo when stdin is a terminal. */
static int read_secret(const char *prompt, char *out, size_t cap)
{
	struct termios old, quiet;
	int tty = isatty(0);
	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	char *r = fgets(out, (int)cap, stdin);
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!r)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* issue 4 §4: the first signing keys (OIDC RS256 and ES256, SAML), active at once; nothing
 * when keys exist, so init stays idempotent. */
static int init_keys(struct cli *c)
{
	int made = 0, rc = cli_open_signer(c);
	if (rc)
		return rc;
	struct actor sys = actor_system("init");
	enum gcas_err e = svc_keys_bootstrap(&c->env, &sys, &made);
	if (e)
		return cli_fail("cannot generate the signing keys", e, NULL);
	if (made)
		printf("generated %d signing keys (OIDC RS256 and ES256, SAML)\n", made);
	return 0;
}

int cmd_init(struct cli *c)
{
	if (cli_flag(c, "help")) {
		printf(
		    "usage: gcas init [--email ADDR] [--family-name N --given-name N\n"
		    "                  --family-kana K --given-kana K] [--password-stdin]\n\n"
		    "Creates or migrates the database. When no operator exists, creates the first\n"
		    "operator account (R1.3): the password is read from the terminal, from stdin\n"
		    "with --password-stdin, or — when neither is possible — generated and printed\n"
		    "once. The operator enrols a second factor at first sign-in.\n");
		return 0;
	}
	int rc = cli_open_store(c, 0);
	if (rc || (rc = migrate(c)) || (rc = cli_audit_key(c, 1, 1)) ||
	    (rc = cli_keys_key(c, 1, 1)) || (rc = init_keys(c)))
		return rc;
	struct account_input in = {
	    .email = cli_opt(c, "email") ? cli_opt(c, "email") : "operator@gcas.example.go.jp",
	    .family_name = cli_opt(c, "family-name") ? cli_opt(c, "family-name") : "運用",
	    .given_name = cli_opt(c, "given-name") ? cli_opt(c, "given-name") : "管理者",
	    .family_kana = cli_opt(c, "family-kana") ? cli_opt(c, "family-kana") : "ウンヨウ",
	    .given_kana = cli_opt(c, "given-kana") ? cli_opt(c, "given-kana") : "カンリシャ",
	};
	char pw[256] = "", pw2[256] = "";
	int generated = 0;
	if (cli_flag(c, "password-stdin")) {
		if (read_secret("", pw, sizeof(pw))) {
			fprintf(stderr, "gcas init: no password on stdin\n");
			return 65;
		}
	} else if (isatty(0)) {
		if (read_secret("Password for the first operator: ", pw, sizeof(pw)) ||
		    read_secret("Again: ", pw2, sizeof(pw2)) || strcmp(pw, pw2) != 0) {
			fprintf(stderr, "gcas init: the passwords do not match\n");
			return 65;
		}
	} else {
		/* No terminal: a one-time password, printed once and never stored in clear. */
		unsigned char raw[15];
		if (rand_bytes(raw, sizeof(raw)))
			return 70;
		base32_encode(pw, raw, sizeof(raw));
		generated = 1;
	}
	struct verrs ve = {0};
	struct account acc;
	enum gcas_err e = svc_bootstrap_operator(&c->env, c->a, &in, pw, &acc, &ve);
	explicit_bzero(pw2, sizeof(pw2));
	if (e == GCAS_ERR_CONFLICT && !ve.n) {
		printf("an operator already exists; nothing to create\n");
		explicit_bzero(pw, sizeof(pw));
		return 0;
	}
	if (e) {
		explicit_bzero(pw, sizeof(pw));
		return cli_fail("cannot create the first operator", e, &ve);
	}
	printf("created the first operator %s\n", acc.email);
	if (generated)
		printf("one-time password (shown once): %s\n"
		       "sign in at %s/signin and enrol an authenticator app.\n",
		       pw, c->cfg.base_url);
	explicit_bzero(pw, sizeof(pw));
	return 0;
}
