/* SPDX-License-Identifier: MIT */
#include <stdio.h>
int main(void)
{
	puts("gcas");
	return 0;
}
