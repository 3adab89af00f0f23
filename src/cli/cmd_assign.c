/* SPDX-License-Identifier: MIT */
/* `gcas assign`: assign add|list|revoke, assign sync: CSP users and their SCIM push (issue 4 §3).
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_assign(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas assign: not built yet\n");
	return 64;
}
