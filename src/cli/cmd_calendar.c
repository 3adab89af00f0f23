/* SPDX-License-Identifier: MIT */
/* gcas calendar import | show: the administrative calendar (R2.10). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_calendar(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas calendar: not available yet\n");
	return 69;
}
