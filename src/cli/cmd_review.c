/* SPDX-License-Identifier: MIT */
/* gcas review open|list|export: periodic review campaigns (R2.7). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_review(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas review: not available yet\n");
	return 69;
}
