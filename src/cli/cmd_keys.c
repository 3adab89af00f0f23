/* SPDX-License-Identifier: MIT */
/* `gcas keys`: keys generate|list|rotate|revoke: OIDC and SAML signing keys (issue 4 §4). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_keys(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas keys: not built yet\n");
	return 64;
}
