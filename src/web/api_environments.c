/* SPDX-License-Identifier: MIT */
/* /api/v1 for CSP environments (issue 4 §2, S6): environments and environment requests, the
 * operator's approve / reject / fulfil, and deletion requests. A create request carries an
 * idempotency key (the Idempotency-Key header or "idempotency_key"): sending it again answers
 * with the request first made. Authorisation and auditing are svc/environments.c's work. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "svc/environments.h"
#include "web/api_common.h"
#include "web/handlers.h"
#include "web/http.h"

struct env_req_in {
	uint64_t present;
	const char *project_id, *csp, *kind, *reason, *idempotency_key;
};

#define EI(f) offsetof(struct env_req_in, f)
static const struct jfield env_req_fields[] = {
    {"project_id", JF_STRING, 1, 64, 0, 0, EI(project_id)},
    {"csp", JF_STRING, 1, 16, 0, 0, EI(csp)},
    {"kind", JF_STRING, 1, 16, 0, 0, EI(kind)},
    {"reason", JF_STRING, 1, ENV_REASON_MAX_CP, 0, 0, EI(reason)},
    {"idempotency_key", JF_STRING, 0, 64, 0, 0, EI(idempotency_key)},
};
static const struct jfield env_del_fields[] = {
    {"reason", JF_STRING, 1, ENV_REASON_MAX_CP, 0, 0, EI(reason)},
    {"idempotency_key", JF_STRING, 0, 64, 0, 0, EI(idempotency_key)},
};
#undef EI

struct env_note_in {
	uint64_t present;
	const char *note;
};
static const struct jfield env_note_fields[] = {
    {"note", JF_STRING, 0, ENV_REASON_MAX_CP, 0, 0, offsetof(struct env_note_in, note)},
};

static const struct api_body api_body_env_request = {
    "EnvironmentRequestCreate",
    "Request a new environment for a project team (agency or project managers of its scope). "
    "The CSP must be one the team's registered system uses; development only for a system that "
    "runs CI/CD. Sending the same idempotency key again answers with the first request.",
    env_req_fields, sizeof(env_req_fields) / sizeof(env_req_fields[0]),
    "{\"csp\":{\"enum\":[\"aws\",\"gcp\",\"azure\",\"oci\",\"sakura\"]},"
    "\"kind\":{\"enum\":[\"production\",\"staging\",\"development\"]}}"};
static const struct api_body api_body_env_delete = {
    "EnvironmentDeleteRequest",
    "Request an active environment's deletion; the operator approves it and the driver closes "
    "the environment.",
    env_del_fields, sizeof(env_del_fields) / sizeof(env_del_fields[0]), NULL};
static const struct api_body api_body_env_note = {
    "EnvironmentDecision", "An optional note kept in the request's history.", env_note_fields,
    sizeof(env_note_fields) / sizeof(env_note_fields[0]), NULL};

static json_t *req_json(struct web_ctx *c, const struct env_request *r)
{
	const char *text = svc_env_request_json(c->a, r);
	return text ? json_loads(text, 0, NULL) : NULL;
}

static json_t *env_json(struct web_ctx *c, const struct environment *e)
{
	const char *text = svc_environment_json(c->a, e);
	return text ? json_loads(text, 0, NULL) : NULL;
}

/* The Idempotency-Key header wins over the body's member; at most 64 characters. */
static const char *idem_key(struct web_ctx *c, const char *body_key)
{
	const char *h = http_req_header(c->req, "Idempotency-Key");
	return h && *h && strlen(h) <= 64 ? h : body_key;
}

void api_environments_list(struct web_ctx *c)
{
	struct page pg;
	struct environment *v;
	size_t n;
	if (api_page(c, &pg))
		return;
	const char *project = web_query(c, "project_id");
	enum gcas_err e = svc_environment_list(c->env, &c->ac, c->a,
	                                       project && *project ? project : NULL, &pg, &v, &n);
	if (e == GCAS_ERR_INVALID) {
		api_bad_query(c, "cursor", "cursor is not one this server issued");
		return;
	}
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, env_json(c, &v[i]));
	api_list_send(c, items, pg.next);
}

void api_environment_get(struct web_ctx *c)
{
	struct environment en;
	enum gcas_err e = svc_environment_get(c->env, &c->ac, c->a, web_param(c, 0), &en);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	api_send(c, 200, env_json(c, &en));
}

void api_environment_delete_request(struct web_ctx *c)
{
	struct env_req_in in;
	struct verrs ve = {0};
	struct env_request r;
	if (api_body_decode(c, &api_body_env_delete, &in, 0))
		return;
	struct env_request_input si = {NULL, NULL, in.reason, idem_key(c, in.idempotency_key)};
	enum gcas_err e =
	    svc_env_request_delete(c->env, &c->ac, c->a, web_param(c, 0), &si, &r, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	api_created(c, arena_printf(c->a, "/api/v1/environment-requests/%s", r.id),
	            req_json(c, &r));
}

void api_env_requests_list(struct web_ctx *c)
{
	struct page pg;
	struct env_request *v;
	size_t n;
	if (api_page(c, &pg))
		return;
	const char *project = web_query(c, "project_id");
	const char *state = web_query(c, "request_state");
	if (state && *state && envreq_state_parse(state) < 0) {
		api_bad_query(c, "request_state", "not a request state");
		return;
	}
	enum gcas_err e =
	    svc_env_request_list(c->env, &c->ac, c->a, project && *project ? project : NULL,
	                         state && *state ? state : NULL, &pg, &v, &n);
	if (e == GCAS_ERR_INVALID) {
		api_bad_query(c, "cursor", "cursor is not one this server issued");
		return;
	}
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, req_json(c, &v[i]));
	api_list_send(c, items, pg.next);
}

void api_env_request_create(struct web_ctx *c)
{
	struct env_req_in in;
	struct verrs ve = {0};
	struct env_request r;
	if (api_body_decode(c, &api_body_env_request, &in, 0))
		return;
	struct env_request_input si = {in.csp, in.kind, in.reason, idem_key(c, in.idempotency_key)};
	enum gcas_err e = svc_env_request_create(c->env, &c->ac, c->a, in.project_id, &si, &r, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	api_created(c, arena_printf(c->a, "/api/v1/environment-requests/%s", r.id),
	            req_json(c, &r));
}

void api_env_request_get(struct web_ctx *c)
{
	struct env_request r;
	struct env_request_event *ev;
	size_t nev = 0;
	enum gcas_err e = svc_env_request_get(c->env, &c->ac, c->a, web_param(c, 0), &r, &ev, &nev);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *o = req_json(c, &r), *hist = json_array();
	for (size_t i = 0; hist && i < nev; i++)
		json_array_append_new(
		    hist, json_pack("{s:I, s:o, s:o, s:s, s:o}", "seq", (json_int_t)ev[i].seq, "at",
		                    api_time(ev[i].at), "actor_id", api_str(ev[i].actor_id),
		                    "event", ev[i].event, "note", api_str(ev[i].note)));
	if (o)
		json_object_set_new(o, "history", hist ? hist : json_array());
	else
		json_decref(hist);
	api_send(c, 200, o);
}

static void decide(struct web_ctx *c, int approve)
{
	struct env_note_in in;
	struct env_request r;
	if (api_body_decode(c, &api_body_env_note, &in, 1))
		return;
	enum gcas_err e =
	    svc_env_request_decide(c->env, &c->ac, c->a, web_param(c, 0), approve, in.note, &r);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	api_send(c, 200, req_json(c, &r));
}

void api_env_request_approve(struct web_ctx *c)
{
	decide(c, 1);
}

void api_env_request_reject(struct web_ctx *c)
{
	decide(c, 0);
}

void api_env_request_fulfil(struct web_ctx *c)
{
	struct env_request r;
	enum gcas_err e = svc_env_request_fulfil(c->env, &c->ac, c->a, web_param(c, 0), &r);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	api_send(c, 200, req_json(c, &r));
}

/* ---- the OpenAPI part (api_common.h) ---- */

#define STR     "{\"type\":\"string\"}"
#define NSTR    "{\"type\":[\"string\",\"null\"]}"
#define INTV    "{\"type\":\"integer\"}"
#define CSPS    "[\"aws\",\"gcp\",\"azure\",\"oci\",\"sakura\"]"
#define KINDS   "[\"production\",\"staging\",\"development\"]"
#define RSTATES "[\"submitted\",\"approved\",\"rejected\",\"fulfilled\",\"failed\"]"

static const char env_schemas[] =
    "{\"Environment\":{\"type\":\"object\",\"description\":\"A CSP environment of a project "
    "team (issue 4 §2). Times are epoch seconds.\","
    "\"required\":[\"id\",\"project_id\",\"csp\",\"kind\",\"state\",\"driver\"],"
    "\"properties\":{\"id\":" STR ",\"project_id\":" STR ",\"agency_id\":" STR ",\"system_id\":" STR
    ",\"csp\":{\"type\":\"string\",\"enum\":" CSPS "},\"kind\":{\"type\":\"string\",\"enum\":" KINDS
    "},\"state\":{\"type\":\"string\","
    "\"enum\":[\"provisioning\",\"active\",\"closing\",\"closed\",\"failed\"]},\"driver\":" STR
    ",\"external_id\":" NSTR ",\"console_url\":" NSTR ",\"created_at\":" INTV ",\"closed_at\":" INTV
    ",\"scim_url\":" NSTR ",\"scim_token_stored\":{\"type\":\"boolean\",\"description\":"
    "\"Whether the SCIM bearer token the driver returned is kept (sealed at rest; never "
    "returned).\"},\"saml_entity_id\":" NSTR ",\"saml_acs_url\":" NSTR "}},"
    "\"EnvironmentRequest\":{\"type\":\"object\",\"description\":\"A request to create or "
    "delete an environment: approved by the operator, due 5 business days after approval "
    "(R2.3), fulfilled through the CSP's provisioning driver with retries (8 attempts, backoff "
    "doubling from a minute). Times are epoch seconds.\","
    "\"required\":[\"id\",\"kind\",\"project_id\",\"csp\",\"env_kind\",\"state\","
    "\"idempotency_key\",\"attempts\"],"
    "\"properties\":{\"id\":" STR ",\"kind\":{\"type\":\"string\",\"enum\":[\"create\","
    "\"delete\"]},\"project_id\":" STR ",\"agency_id\":" STR ",\"system_id\":" STR
    ",\"environment_id\":" NSTR ",\"csp\":{\"type\":\"string\",\"enum\":" CSPS
    "},\"env_kind\":{\"type\":\"string\",\"enum\":" KINDS "},\"reason\":" STR
    ",\"state\":{\"type\":\"string\",\"enum\":" RSTATES "},\"applicant_id\":" NSTR
    ",\"decided_by\":" NSTR ",\"due_on\":{\"type\":[\"string\",\"null\"],\"format\":\"date\"},"
    "\"idempotency_key\":" STR ",\"attempts\":" INTV ",\"last_error\":" NSTR ",\"created_at\":" INTV
    ",\"updated_at\":" INTV ",\"history\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\"}}}}}";

static const char *const env_listed[] = {"Environment", "EnvironmentRequest", NULL};

static const struct api_param_doc env_params[] = {
    {"project_id", "{\"type\":\"string\",\"maxLength\":64}", "Only this project team's."},
    {"request_state", "{\"type\":\"string\",\"enum\":" RSTATES "}", "Only requests in this state."},
};

#define ENV_STATE_ERRS "400 401 403 404 409 415"
static const struct api_op_doc env_ops[] = {
    {"listEnvironments", NULL, 0, 200, "EnvironmentList", "cursor limit project_id",
     "400 401 403 404"},
    {"getEnvironment", NULL, 0, 200, "Environment", NULL, "401 403 404"},
    {"requestEnvironmentDeletion", &api_body_env_delete, 0, 201, "EnvironmentRequest", NULL,
     API_ERRS_RW409},
    {"listEnvironmentRequests", NULL, 0, 200, "EnvironmentRequestList",
     "cursor limit project_id request_state", "400 401 403 404"},
    {"createEnvironmentRequest", &api_body_env_request, 0, 201, "EnvironmentRequest", NULL,
     API_ERRS_RW409},
    {"getEnvironmentRequest", NULL, 0, 200, "EnvironmentRequest", NULL, "401 403 404"},
    {"approveEnvironmentRequest", &api_body_env_note, 1, 200, "EnvironmentRequest", NULL,
     ENV_STATE_ERRS},
    {"rejectEnvironmentRequest", &api_body_env_note, 1, 200, "EnvironmentRequest", NULL,
     ENV_STATE_ERRS},
    {"fulfilEnvironmentRequest", NULL, 0, 200, "EnvironmentRequest", NULL, "401 403 404 409"},
};
static const struct api_body *const env_bodies[] = {&api_body_env_request, &api_body_env_delete,
                                                    &api_body_env_note, NULL};

const struct api_doc_part api_doc_environments = {
    env_ops,     sizeof(env_ops) / sizeof(env_ops[0]),
    env_params,  sizeof(env_params) / sizeof(env_params[0]),
    env_schemas, env_listed,
    env_bodies,  NULL};
