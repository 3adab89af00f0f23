/* SPDX-License-Identifier: MIT */
/* SCIM PATCH (RFC 7644 §3.5.2): a PatchOp body parsed and checked against a resource type,
 * then applied to a resource held as a jansson object. The backends apply it to the current
 * representation and then look at what changed (gcas) or store the result (the local cloud), so
 * one engine serves both. Pure: no I/O. */
#ifndef GCAS_SCIM_PATCH_H
#define GCAS_SCIM_PATCH_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "scim/filter.h"
#include "scim/resource.h"

#define SCIM_PATCH_MAX_OPS 1000

enum scim_pop { SCIM_P_ADD, SCIM_P_REMOVE, SCIM_P_REPLACE };

struct scim_patch_op {
	enum scim_pop op;
	int has_path;
	struct scim_patch_path path; /* when has_path */
	json_t *value;               /* borrowed from the parsed body; NULL when absent */
};

struct scim_patch {
	struct scim_patch_op *ops;
	size_t n;
};

/* Parse body[0..len) (JSON text). The parsed document lives until a is freed (arena_defer).
 * Errors: GCAS_ERR_INVALID with err (400 invalidSyntax for the body's shape, invalidPath /
 * invalidFilter for a path, invalidValue for a missing value), GCAS_ERR_NOMEM. */
enum gcas_err scim_patch_parse(struct arena *a, const struct scim_rdef *rd, const char *body,
                               size_t len, struct scim_patch *out, struct scim_error *err);

/* Apply every operation in order to res (modified in place; the caller passes its own copy
 * and, on error, throws it away: RFC 7644 §3.5.2 makes a PATCH all or nothing). Attributes
 * that are readOnly cannot be targeted (400 mutability); a replace whose filter matches
 * nothing is 400 noTarget, as is a remove without a path. Value types are not checked here:
 * pass the result through scim_resource_clean. Errors: GCAS_ERR_INVALID with err. */
enum gcas_err scim_patch_apply(struct arena *a, const struct scim_rdef *rd,
                               const struct scim_patch *p, json_t *res, struct scim_error *err);

#endif
