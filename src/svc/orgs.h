/* SPDX-License-Identifier: MIT */
/* Organisations (R1.2): agencies, their project teams (one per system) and the contractors
 * attached to a project team. Creating an agency also creates its PMO group; creating a project
 * team creates its system group (別表2 ②). */
#ifndef GCAS_SVC_ORGS_H
#define GCAS_SVC_ORGS_H

#include "svc/env.h"

struct org_input {
	const char *name;
	const char *agency_type; /* agencies: "ministry" | "local" */
	const char *code;        /* agencies: ministry code, or the 6-digit local-government code */
	const char *parent_id;   /* project: the agency; contractor: the project team */
};

/* kind: ORG_AGENCY, ORG_PROJECT or ORG_CONTRACTOR. GCAS_ERR_INVALID with ve filled; DENIED;
 * NOTFOUND (parent); CONFLICT (code already registered, also reported in ve). */
enum gcas_err svc_org_create(const struct env *env, const struct actor *ac, struct arena *a,
                             enum org_kind kind, const struct org_input *in, struct org *out,
                             struct verrs *ve);
enum gcas_err svc_org_get(const struct env *env, const struct actor *ac, struct arena *a,
                          const char *id, struct org *out);
enum gcas_err svc_org_rename(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *id, const char *name, struct verrs *ve);
/* The organisations the actor may see; kind < 0 for all kinds. */
enum gcas_err svc_org_list(const struct env *env, const struct actor *ac, struct arena *a, int kind,
                           struct page *pg, struct org **out, size_t *n);

/* Policy target describing an organisation. */
struct target org_target(const struct org *o);

#endif
