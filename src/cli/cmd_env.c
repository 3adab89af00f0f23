/* SPDX-License-Identifier: MIT */
/* `gcas env`: env list|request|approve|reject|fulfil: CSP environments (issue 4 §2). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_env(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas env: not built yet\n");
	return 64;
}
