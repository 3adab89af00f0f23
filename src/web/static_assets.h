/* SPDX-License-Identifier: MIT */
/* Static files (the stylesheets in static/, static/favicon.svg) embedded in the binary at build
 * time by tools/embed_static.py, so a gcas install is one file and needs no document root. */
#ifndef GCAS_WEB_STATIC_ASSETS_H
#define GCAS_WEB_STATIC_ASSETS_H

#include <stddef.h>

struct static_asset {
	const char *path;         /* URL path, e.g. "/static/gcas.css" */
	const char *content_type; /* e.g. "text/css; charset=utf-8" */
	const unsigned char *data;
	size_t len;       /* bytes; data[len] is a NUL so text assets are also C strings */
	const char *etag; /* first 16 hex digits of SHA-256(data), unquoted: send ETag: "<etag>" */
};

/* The asset served at path (exact match, no query string), or NULL. The table is constant:
 * safe from any thread, nothing to free. */
const struct static_asset *static_asset_find(const char *path);

/* Defined by the generated static_assets_data.c; use static_asset_find instead. */
extern const struct static_asset static_asset_table[];
extern const size_t static_asset_count;

#endif
