/* SPDX-License-Identifier: MIT */
/* `gcas sso sp add|list|remove`: SAML service providers registered by the operator (issue 4 §4),
 * acting as the system. `add` takes the SP's metadata file (checked with Lasso by the use
 * case); `--csp` makes it the console SP of that CSP's environments, and the AWS profile needs
 * the IAM SAML provider and the two role names. `remove` disables the SP (its row stays for the
 * audit trail); sign-ins to it stop at once. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sso/saml.h"
#include "svc/saml.h"

/* The whole file, NUL-terminated, in a; NULL when unreadable or larger than the cap. */
static char *read_small_file(struct arena *a, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = arena_alloc(a, SAML_MSG_MAX + 2);
	size_t n = buf ? fread(buf, 1, SAML_MSG_MAX + 1, f) : 0;
	int bad = ferror(f) || n > SAML_MSG_MAX;
	fclose(f);
	if (!buf || bad)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static int sp_add(struct cli *c, const struct actor *sys)
{
	const char *path = cli_opt(c, "metadata");
	if (!path) {
		fprintf(stderr, "gcas sso sp add: --metadata FILE is needed\n");
		return 64;
	}
	char *md = read_small_file(c->a, path);
	if (!md) {
		fprintf(stderr, "gcas sso sp add: cannot read %s (at most 64 KiB)\n", path);
		return 66;
	}
	struct saml_sp_input in = {.metadata = md,
	                           .name = cli_opt(c, "name"),
	                           .csp = cli_opt(c, "csp"),
	                           .profile = cli_opt(c, "profile"),
	                           .provider = cli_opt(c, "provider"),
	                           .admin_role = cli_opt(c, "admin-role"),
	                           .general_role = cli_opt(c, "general-role")};
	struct saml_sp_rec r;
	struct verrs ve = {0};
	enum gcas_err e = svc_saml_sp_register(&c->env, sys, c->a, &in, &r, &ve);
	if (e)
		return cli_fail("cannot register the service provider", e, &ve);
	printf("id\t%s\nentity_id\t%s\nprofile\t%s\ncsp\t%s\nidp_metadata\t%s/saml/metadata\n",
	       r.id, r.entity_id, r.profile, r.csp ? r.csp : "-",
	       c->cfg.base_url ? c->cfg.base_url : "");
	return 0;
}

static int sp_list(struct cli *c, const struct actor *sys)
{
	struct saml_sp_rec *s;
	size_t n;
	enum gcas_err e = svc_saml_sp_list(&c->env, sys, c->a, &s, &n);
	if (e)
		return cli_fail("cannot list the service providers", e, NULL);
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\t%s\t%s\t%s\n", s[i].id,
		       s[i].disabled_at ? "disabled" : "active", s[i].profile,
		       s[i].csp ? s[i].csp : "-", s[i].entity_id, s[i].name);
	return 0;
}

static int sp_remove(struct cli *c, const struct actor *sys)
{
	const char *id = cli_arg(c, 2);
	if (!id) {
		fprintf(stderr, "gcas sso sp remove: say which service provider (its id)\n");
		return 64;
	}
	enum gcas_err e = svc_saml_sp_disable(&c->env, sys, c->a, id);
	if (e)
		return cli_fail("cannot remove the service provider", e, NULL);
	printf("%s\tdisabled\n", id);
	return 0;
}

int cmd_sso_sp(struct cli *c)
{
	/* argv[0] is "sp" (cmd_sso dispatched on it). */
	const char *sub = cli_arg(c, 1);
	if (cli_flag(c, "help") || !sub) {
		printf(
		    "usage: gcas sso sp add --metadata FILE --name NAME [--csp "
		    "aws|gcp|azure|oci|sakura]\n"
		    "                      [--profile aws --provider P --admin-role R "
		    "--general-role R]\n"
		    "       gcas sso sp list\n"
		    "       gcas sso sp remove ID\n\n"
		    "Registers SAML 2.0 service providers by their metadata. --csp makes the SP\n"
		    "the console of that CSP's environments (one per CSP). The aws profile sends\n"
		    "the Role, RoleSessionName and SessionDuration attributes AWS expects.\n");
		return sub ? 0 : 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	struct actor sys = actor_system("cli");
	if (strcmp(sub, "add") == 0)
		return sp_add(c, &sys);
	if (strcmp(sub, "list") == 0)
		return sp_list(c, &sys);
	if (strcmp(sub, "remove") == 0)
		return sp_remove(c, &sys);
	fprintf(stderr, "gcas sso sp: unknown subcommand \"%s\"\n", sub);
	return 64;
}
