/* SPDX-License-Identifier: MIT */
/* `gcas breakglass`: breakglass: run the emergency-access listener; breakglass register|list. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_breakglass(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas breakglass: not built yet\n");
	return 64;
}
