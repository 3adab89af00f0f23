/* SPDX-License-Identifier: MIT */
/* gcas import accounts FILE.csv: bulk onboarding. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_import(struct cli *c)
{
	(void)c;
	fprintf(stderr, "gcas import: not available yet\n");
	return 69;
}
