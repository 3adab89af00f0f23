/* SPDX-License-Identifier: MIT */
/* `gcas keys list|generate|rotate|revoke`: the OIDC and SAML signing keys (issue 4 §4) from the
 * command line, acting as the operator (system); every change is audited by the use case. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "cli/cli.h"
#include "svc/keys.h"

/* "90", "90s", "15m", "2h", "1d" → seconds; -1 when malformed. */
static int64_t parse_delay(const char *s)
{
	static const struct {
		char unit;
		int64_t mul;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char num[32];
	int64_t v = 0, mul = 1;
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n >= sizeof(num))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s[n - 1] == units[i].unit) {
			mul = units[i].mul;
			n--;
			break;
		}
	memcpy(num, s, n);
	num[n] = '\0';
	if (n == 0 || strspn(num, "0123456789") != n || str_to_i64(num, &v) || v > KEYS_MAX_DELAY)
		return -1;
	return v * mul;
}

/* --now → 0; --delay D → D; neither → dflt. -2 on a bad value (reported). */
static int64_t delay_opt(struct cli *c, int64_t dflt)
{
	const char *d = cli_opt(c, "delay");
	if (cli_flag(c, "now") && d) {
		fprintf(stderr, "gcas keys: give --now or --delay, not both\n");
		return -2;
	}
	if (cli_flag(c, "now"))
		return 0;
	if (!d)
		return dflt;
	int64_t v = parse_delay(d);
	if (v < 0 || v > KEYS_MAX_DELAY) {
		fprintf(
		    stderr,
		    "gcas keys: --delay must be a duration up to 30 days (90, 90s, 15m, 2h, 1d)\n");
		return -2;
	}
	return v;
}

static void when(char *out, int64_t t)
{
	if (t)
		clock_fmt_utc(out, t);
	else
		str_copy(out, 24, "-");
}

static int keys_list(struct cli *c, const struct actor *sys)
{
	struct key_info *v = NULL;
	size_t n = 0;
	enum gcas_err e = svc_keys_list(&c->env, sys, c->a, &v, &n);
	if (e)
		return cli_fail("cannot list the keys", e, NULL);
	printf("kid\tuse\talg\tstate\tcreated\tactivates\tretires\tpublished until\n");
	for (size_t i = 0; i < n; i++) {
		char t[4][24];
		when(t[0], v[i].created_at);
		when(t[1], v[i].activate_at);
		when(t[2], v[i].retired_at);
		when(t[3], v[i].publish_until);
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v[i].kid, key_use_name(v[i].use),
		       key_alg_name(v[i].alg), key_state_name(v[i].state), t[0], t[1], t[2], t[3]);
	}
	return 0;
}

static int keys_change(struct cli *c, const struct actor *sys, int rotate)
{
	const char *use = cli_opt(c, "use"), *alg = cli_opt(c, "alg");
	if (!use) {
		fprintf(stderr, "gcas keys: --use oidc|saml is required\n");
		return 64;
	}
	if (!alg)
		alg = "RS256";
	int64_t delay = delay_opt(c, svc_keys_default_delay(&c->env));
	if (delay == -2)
		return 64;
	char kid[64];
	struct verrs ve = {0};
	enum gcas_err e = rotate ? svc_keys_rotate(&c->env, sys, c->a, use, alg, delay, kid, &ve)
	                         : svc_keys_generate(&c->env, sys, c->a, use, alg, delay, kid, &ve);
	if (e)
		return cli_fail(rotate ? "cannot rotate the key" : "cannot generate the key", e,
		                &ve);
	char at[24];
	clock_fmt_utc(at, clock_now() + delay);
	printf("%s\t%s %s key %s; signs from %s%s\n", kid, use, alg,
	       rotate ? "rotated in" : "generated", at,
	       rotate ? " (the previous key is retired then and stays published)" : "");
	return 0;
}

static int keys_revoke(struct cli *c, const struct actor *sys)
{
	const char *kid = cli_arg(c, 1);
	if (!kid) {
		fprintf(stderr,
		        "gcas keys revoke: say which key (its kid, see `gcas keys list`)\n");
		return 64;
	}
	enum gcas_err e = svc_keys_revoke(&c->env, sys, c->a, kid);
	if (e)
		return cli_fail("cannot revoke the key", e, NULL);
	printf("%s\trevoked: no longer signs or is published\n", kid);
	return 0;
}

int cmd_keys(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub) {
		printf(
		    "usage: gcas keys list\n"
		    "       gcas keys generate --use oidc|saml [--alg RS256|ES256] [--delay D | "
		    "--now]\n"
		    "       gcas keys rotate --use oidc|saml [--alg RS256|ES256] [--delay D | "
		    "--now]\n"
		    "       gcas keys revoke KID\n\n"
		    "Signing keys for OpenID Connect (RS256, ES256) and SAML (RS256), kept "
		    "encrypted\n"
		    "under [keys] key_file. A new key is published at once and signs after the "
		    "delay\n"
		    "(default: two key refresh intervals, so every node publishes it first; --now\n"
		    "signs at once). Rotate retires the current key at that moment and keeps it\n"
		    "published until what it signed has expired. Revoke (a compromised key) stops\n"
		    "it signing and removes it from the JWKS and metadata immediately.\n");
		return sub ? 0 : 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)) || (rc = cli_open_signer(c)))
		return rc;
	struct actor sys = actor_system("cli");
	if (strcmp(sub, "list") == 0)
		return keys_list(c, &sys);
	if (strcmp(sub, "generate") == 0)
		return keys_change(c, &sys, 0);
	if (strcmp(sub, "rotate") == 0)
		return keys_change(c, &sys, 1);
	if (strcmp(sub, "revoke") == 0)
		return keys_revoke(c, &sys);
	fprintf(stderr, "gcas keys: unknown subcommand \"%s\"\n", sub);
	return 64;
}
