/* SPDX-License-Identifier: MIT */
/* `gcas sso`: sso client add|list|remove, sso sp add|list|remove: OIDC clients and SAML SPs. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_sso(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas sso: not built yet\n");
	return 64;
}
