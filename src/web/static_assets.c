/* SPDX-License-Identifier: MIT */
/* Lookup in the table of embedded static files. The table itself is generated at build time
 * (tools/embed_static.py → static_assets_data.c in the build directory). */
#include "web/static_assets.h"

#include <string.h>

const struct static_asset *static_asset_find(const char *path)
{
	if (!path)
		return NULL;
	/* A handful of files: a linear scan beats any index. */
	for (size_t i = 0; i < static_asset_count; i++) {
		if (strcmp(static_asset_table[i].path, path) == 0)
			return &static_asset_table[i];
	}
	return NULL;
}
