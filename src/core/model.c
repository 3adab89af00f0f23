/* SPDX-License-Identifier: MIT */
/* Storage names of the model's small enums. */
#include "core/model.h"

#include <string.h>

static const char *const factor_names[FACTOR__MAX] = {"totp", "recovery", "webauthn"};
static const char *const group_names[GROUP__MAX] = {"pmo", "system"};

static int find(const char *const *t, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(t[i], s) == 0)
			return i;
	return -1;
}

const char *factor_kind_name(enum factor_kind k)
{
	return (unsigned)k < FACTOR__MAX ? factor_names[k] : NULL;
}

int factor_kind_parse(const char *s)
{
	return find(factor_names, FACTOR__MAX, s);
}

const char *group_kind_name(enum group_kind k)
{
	return (unsigned)k < GROUP__MAX ? group_names[k] : NULL;
}

int group_kind_parse(const char *s)
{
	return find(group_names, GROUP__MAX, s);
}
