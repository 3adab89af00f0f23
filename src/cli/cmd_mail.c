/* SPDX-License-Identifier: MIT */
/* gcas mail block add|list|remove, mail deliver: notifications. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_mail(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas mail: not available yet\n");
	return 69;
}
