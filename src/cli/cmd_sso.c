/* SPDX-License-Identifier: MIT */
/* `gcas sso`: the operator's federation partners (issue 4 §4): `sso client ...` registers
 * OpenID Connect relying parties (cmd_sso_client.c), `sso sp ...` SAML service providers
 * (cmd_sso_sp.c). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_sso(struct cli *c)
{
	const char *what = c->argc > 0 ? c->argv[0] : "";
	if (strcmp(what, "client") == 0)
		return cmd_sso_client(c);
	if (strcmp(what, "sp") == 0)
		return cmd_sso_sp(c);
	fprintf(stderr, "usage: gcas sso client add|list|remove ...\n"
	                "       gcas sso sp add|list|remove ...\n");
	return 64;
}
