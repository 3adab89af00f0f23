/* SPDX-License-Identifier: MIT */
/* /api/v1/orgs: list, create (agency, project team, contractor), read and rename organisations.
 * Each handler decodes its input, calls one svc_org_* use case and answers JSON; the use case
 * decides who may do what (R1.2) and audits refusals. */
#include <stddef.h>
#include <string.h>

#include "core/validate.h"
#include "svc/orgs.h"
#include "web/api_common.h"
#include "web/handlers.h"

struct org_create_in {
	uint64_t present;
	const char *kind, *name, *agency_type, *code, *parent_id;
};

static const struct jfield org_create_fields[] = {
    {"kind", JF_STRING, 1, 16, 0, 0, offsetof(struct org_create_in, kind)},
    {"name", JF_STRING, 1, VALIDATE_ORG_MAX_CP, 0, 0, offsetof(struct org_create_in, name)},
    {"agency_type", JF_STRING, 0, 16, 0, 0, offsetof(struct org_create_in, agency_type)},
    {"code", JF_STRING, 0, 32, 0, 0, offsetof(struct org_create_in, code)},
    {"parent_id", JF_STRING, 0, 64, 0, 0, offsetof(struct org_create_in, parent_id)},
};

const struct api_body api_body_org_create = {
    "OrgCreate",
    "An agency (operator only: name, agency_type, code), a project team of an agency "
    "(parent_id: the agency) or a contractor of a project team (parent_id: the project team).",
    org_create_fields, sizeof(org_create_fields) / sizeof(org_create_fields[0]),
    "{\"kind\":{\"enum\":[\"agency\",\"project\",\"contractor\"]},"
    "\"name\":{\"description\":\"1-100 characters, no leading or trailing space\"},"
    "\"agency_type\":{\"enum\":[\"ministry\",\"local\"],\"description\":\"agencies only\"},"
    "\"code\":{\"description\":\"agencies only: the ministry code ([a-z][a-z0-9-]{1,31}) or the "
    "6-digit local-government code with its JIS X 0402 check digit\"},"
    "\"parent_id\":{\"description\":\"projects: the agency; contractors: the project team\"}}"};

struct org_update_in {
	uint64_t present;
	const char *name;
};

static const struct jfield org_update_fields[] = {
    {"name", JF_STRING, 1, VALIDATE_ORG_MAX_CP, 0, 0, offsetof(struct org_update_in, name)},
};

const struct api_body api_body_org_update = {
    "OrgUpdate", "A new name for the organisation.", org_update_fields,
    sizeof(org_update_fields) / sizeof(org_update_fields[0]), NULL};

void api_orgs_list(struct web_ctx *c)
{
	struct page pg;
	struct org *orgs;
	size_t n;
	int kind = -1;
	const char *k = kv_get(&c->query, "kind");
	if (api_page(c, &pg))
		return;
	if (k && (kind = org_kind_parse(k)) < 0) {
		api_bad_query(c, "kind", "kind must be operator, agency, project or contractor");
		return;
	}
	enum gcas_err e = svc_org_list(c->env, &c->ac, c->a, kind, &pg, &orgs, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, api_org_json(&orgs[i]));
	api_list_send(c, items, pg.next);
}

void api_orgs_create(struct web_ctx *c)
{
	struct org_create_in in;
	struct verrs ve = {0};
	struct org o;
	if (api_body_decode(c, &api_body_org_create, &in, 0))
		return;
	int kind = org_kind_parse(in.kind);
	if (kind != ORG_AGENCY && kind != ORG_PROJECT && kind != ORG_CONTRACTOR) {
		verr_add(&ve, "kind", "種別は agency / project / contractor のいずれかです",
		         "kind must be agency, project or contractor");
		api_fail(c, GCAS_ERR_INVALID, &ve);
		return;
	}
	struct org_input oi = {in.name, in.agency_type, in.code, in.parent_id};
	enum gcas_err e = svc_org_create(c->env, &c->ac, c->a, (enum org_kind)kind, &oi, &o, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	api_created(c, arena_printf(c->a, "/api/v1/orgs/%s", o.id), api_org_json(&o));
}

void api_org_get(struct web_ctx *c)
{
	struct org o;
	enum gcas_err e = svc_org_get(c->env, &c->ac, c->a, web_param(c, 0), &o);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	api_send(c, 200, api_org_json(&o));
}

void api_org_update(struct web_ctx *c)
{
	struct org_update_in in;
	struct verrs ve = {0};
	struct org o;
	if (api_body_decode(c, &api_body_org_update, &in, 0))
		return;
	enum gcas_err e = svc_org_rename(c->env, &c->ac, c->a, web_param(c, 0), in.name, &ve);
	if (!e)
		e = svc_org_get(c->env, &c->ac, c->a, web_param(c, 0), &o);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	api_send(c, 200, api_org_json(&o));
}
