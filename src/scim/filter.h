/* SPDX-License-Identifier: MIT */
/* SCIM filters (RFC 7644 §3.4.2.2): the grammar parsed into an AST in an arena, checked against
 * a resource type's schema, and evaluated over a resource (a jansson object). Also the PATCH
 * path grammar (§3.5.2: attrPath / valuePath [subAttr]). Parsing is bounded so that hostile
 * input cannot exhaust memory or stack: at most SCIM_FILTER_MAX_LEN bytes, nesting depth
 * SCIM_FILTER_MAX_DEPTH, SCIM_FILTER_MAX_NODES nodes. Pure: no I/O; thread-safe. */
#ifndef GCAS_SCIM_FILTER_H
#define GCAS_SCIM_FILTER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "scim/resource.h"

#define SCIM_FILTER_MAX_LEN   4096
#define SCIM_FILTER_MAX_DEPTH 16
#define SCIM_FILTER_MAX_NODES 256

enum scim_fop {
	SCIM_F_EQ,
	SCIM_F_NE,
	SCIM_F_CO,
	SCIM_F_SW,
	SCIM_F_EW,
	SCIM_F_GT,
	SCIM_F_GE,
	SCIM_F_LT,
	SCIM_F_LE,
	SCIM_F_PR,
	SCIM_F_AND,
	SCIM_F_OR,
	SCIM_F_NOT,
	SCIM_F_VALUEPATH, /* path[a] : a applies to each value of path */
	SCIM_F__MAX
};

enum scim_lit { SCIM_L_STRING, SCIM_L_NUMBER, SCIM_L_BOOL, SCIM_L_NULL };

struct scim_literal {
	enum scim_lit kind;
	const char *s; /* STRING: decoded UTF-8, no NUL */
	double num;    /* NUMBER */
	int is_int;    /* NUMBER written without fraction or exponent */
	int64_t i;     /* NUMBER when is_int */
	int b;         /* BOOL */
};

/* attrPath = [URI ":"] ATTRNAME *1subAttr */
struct scim_path {
	const char *urn; /* schema URN prefix or NULL */
	const char *attr;
	const char *sub; /* or NULL */
};

struct scim_filter {
	enum scim_fop op;
	struct scim_path path;     /* comparisons, pr, valuepath */
	struct scim_literal val;   /* comparisons */
	struct scim_filter *a, *b; /* and/or: a, b; not: a; valuepath: a (relative to path) */
	/* Filled by scim_filter_check: */
	const struct scim_attr *attr, *sub;
	const char *ext; /* extension URN holding attr, or NULL */
};

/* Parse text[0..len) (need not be NUL-terminated). *out lives in a. Errors: GCAS_ERR_INVALID
 * with *why (static or in a) saying what and where ("expected an operator after 'userName' at
 * offset 9"), GCAS_ERR_NOMEM. */
enum gcas_err scim_filter_parse(struct arena *a, const char *text, size_t len,
                                struct scim_filter **out, const char **why);

/* Resolve every attribute path of f against rd and check each comparison is meaningful
 * (RFC 7644 §3.4.2.2: gt/ge/lt/le on a boolean or binary attribute, or a literal of the wrong
 * type, is invalidFilter; an unknown attribute too). 0, or -1 with *why (in a). */
int scim_filter_check(struct arena *a, struct scim_filter *f, const struct scim_rdef *rd,
                      const char **why);

/* Does resource res match the checked filter f? 1 or 0. caseExact comes from the schema
 * (userName is case-insensitive, RFC 7643 §4.1.1); attribute names are matched
 * case-insensitively. */
int scim_filter_match(const struct scim_filter *f, const json_t *res);
/* The same for one value of a multi-valued complex attribute (valuePath filters in PATCH). */
int scim_filter_match_value(const struct scim_filter *f, const json_t *value);

/* When f is exactly `<attr> eq "<string>"` on a top-level core attribute, its name (as in the
 * schema) and the string; NULL otherwise. Lets a store answer the common lookups with an
 * index (userName, externalId, displayName, id) instead of scanning. */
const char *scim_filter_simple_eq(const struct scim_filter *f, const char **value);

/* PATCH path (RFC 7644 §3.5.2): attrPath, or valuePath with an optional sub-attribute
 * ("emails[type eq \"work\"].value"). Checked against rd. Errors: GCAS_ERR_INVALID with *why
 * (an invalidPath or invalidFilter message) and *type set to "invalidPath" or "invalidFilter". */
struct scim_patch_path {
	struct scim_path path;      /* the attribute (sub set only without a filter) */
	struct scim_filter *filter; /* valuePath filter (checked, relative to attr) or NULL */
	const char *sub;            /* sub-attribute after "]", or NULL */
	struct scim_resolved r;     /* attr and sub resolved (sub: path.sub or the one after "]") */
};
enum gcas_err scim_patch_path_parse(struct arena *a, const char *text, size_t len,
                                    const struct scim_rdef *rd, struct scim_patch_path *out,
                                    const char **why, const char **type);

#endif
