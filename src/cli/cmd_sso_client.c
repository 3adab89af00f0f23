/* SPDX-License-Identifier: MIT */
/* `gcas sso client add|list|remove`: OpenID Connect relying parties registered by the operator
 * (issue 4 §4), acting as the system. `add` prints the client id and, for a confidential
 * client, the secret — the only time it is shown (only its hash is stored). `remove` disables
 * the client (its rows stay for the audit trail); its codes and tokens stop working at once. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "svc/oidc.h"

/* Every "--redirect-uri U" (or "--redirect-uri=U"), one per line. */
static const char *redirect_uris(struct cli *c)
{
	struct buf b;
	buf_init(&b, 65536);
	for (int i = 0; i < c->argc; i++) {
		const char *v = NULL;
		if (strcmp(c->argv[i], "--redirect-uri") == 0 && i + 1 < c->argc)
			v = c->argv[++i];
		else if (strncmp(c->argv[i], "--redirect-uri=", 15) == 0)
			v = c->argv[i] + 15;
		if (!v)
			continue;
		if (b.len)
			buf_putc(&b, '\n');
		buf_puts(&b, v);
	}
	const char *out = b.failed || !b.len ? "" : arena_strdup(c->a, b.data);
	buf_free(&b);
	return out;
}

static int client_add(struct cli *c, const struct actor *sys)
{
	struct oidc_client k;
	const char *secret = NULL;
	struct verrs ve = {0};
	const char *method = cli_opt(c, "auth-method");
	if (method && strcmp(method, "post") == 0)
		method = "client_secret_post";
	else if (method && strcmp(method, "basic") == 0)
		method = "client_secret_basic";
	struct oidc_client_input in = {.name = cli_opt(c, "name"),
	                               .redirect_uris = redirect_uris(c),
	                               .public_client = cli_flag(c, "public"),
	                               .alg = cli_opt(c, "alg"),
	                               .auth_method = method,
	                               .scopes = cli_opt(c, "scopes")};
	enum gcas_err e = svc_oidc_client_register(&c->env, sys, c->a, &in, &k, &secret, &ve);
	if (e)
		return cli_fail("cannot register the client", e, &ve);
	printf("client_id\t%s\n", k.client_id);
	if (secret)
		printf("client_secret\t%s\n", secret);
	printf("token_endpoint_auth_method\t%s\nid_token_alg\t%s\nissuer\t%s\n", k.auth_method,
	       k.id_token_alg, c->cfg.base_url);
	if (secret)
		fprintf(stderr, "The secret is shown only now; only its hash is stored.\n");
	return 0;
}

static int client_list(struct cli *c, const struct actor *sys)
{
	struct oidc_client *k;
	size_t n;
	enum gcas_err e = svc_oidc_client_list(&c->env, sys, c->a, &k, &n);
	if (e)
		return cli_fail("cannot list the clients", e, NULL);
	for (size_t i = 0; i < n; i++) {
		char uris[2048];
		snprintf(uris, sizeof(uris), "%s", k[i].redirect_uris);
		for (char *p = uris; *p; p++)
			if (*p == '\n')
				*p = ' ';
		printf("%s\t%s\t%s\t%s\t%s\t%s\n", k[i].client_id,
		       k[i].disabled_at ? "disabled" : "active", k[i].auth_method,
		       k[i].id_token_alg, k[i].name, uris);
	}
	return 0;
}

static int client_remove(struct cli *c, const struct actor *sys)
{
	const char *id = cli_arg(c, 2);
	if (!id) {
		fprintf(stderr, "gcas sso client remove: say which client (its client_id)\n");
		return 64;
	}
	enum gcas_err e = svc_oidc_client_disable(&c->env, sys, c->a, id);
	if (e)
		return cli_fail("cannot remove the client", e, NULL);
	printf("%s\tdisabled\n", id);
	return 0;
}

int cmd_sso_client(struct cli *c)
{
	/* argv[0] is "client" (cmd_sso dispatched on it). */
	const char *sub = cli_arg(c, 1);
	if (cli_flag(c, "help") || !sub) {
		printf(
		    "usage: gcas sso client add --name NAME --redirect-uri URI [--redirect-uri "
		    "URI2]\n"
		    "                          [--public] [--alg RS256|ES256]\n"
		    "                          [--auth-method basic|post] [--scopes \"openid "
		    "...\"]\n"
		    "       gcas sso client list\n"
		    "       gcas sso client remove CLIENT_ID\n\n"
		    "Registers OpenID Connect relying parties. Redirect URIs are matched exactly;\n"
		    "https, or http only for 127.0.0.1 and localhost. Every client uses PKCE "
		    "(S256).\n");
		return sub ? 0 : 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	struct actor sys = actor_system("cli");
	if (strcmp(sub, "add") == 0)
		return client_add(c, &sys);
	if (strcmp(sub, "list") == 0)
		return client_list(c, &sys);
	if (strcmp(sub, "remove") == 0)
		return client_remove(c, &sys);
	fprintf(stderr, "gcas sso client: unknown subcommand \"%s\"\n", sub);
	return 64;
}
