/* SPDX-License-Identifier: MIT */
/* /api/v1 for the lifecycle over time: POST /accounts/{id}/departure (R2.6: the date kept, every
 * group left, a deletion application made) and POST /orgs/{id}/end (R2.9: the application to end
 * an agency's or project team's use). Both answer 201 with the application made. Authorisation
 * and auditing are the use cases' work (svc/lifecycle.c, svc/applications.c). */
#include <stddef.h>

#include "svc/applications.h"
#include "svc/lifecycle.h"
#include "web/api_common.h"
#include "web/handlers.h"

struct departure_in {
	uint64_t present;
	const char *departure_on, *reason;
};

static const struct jfield departure_fields[] = {
    {"departure_on", JF_STRING, 1, 10, 0, 0, offsetof(struct departure_in, departure_on)},
    {"reason", JF_STRING, 1, 500, 0, 0, offsetof(struct departure_in, reason)},
};

/* Not static: the OpenAPI generator may list it (api_openapi.c). */
static const struct api_body api_body_departure = {
    "Departure",
    "The departure date (YYYY-MM-DD, JST, not in the past) and the reason. The application is "
    "flagged late when made fewer than 5 business days before the date.",
    departure_fields, sizeof(departure_fields) / sizeof(departure_fields[0]),
    "{\"departure_on\":{\"format\":\"date\"}}"};

struct org_end_in {
	uint64_t present;
	const char *ends_on, *reason;
};

static const struct jfield org_end_fields[] = {
    {"ends_on", JF_STRING, 1, 10, 0, 0, offsetof(struct org_end_in, ends_on)},
    {"reason", JF_STRING, 1, 500, 0, 0, offsetof(struct org_end_in, reason)},
};

static const struct api_body api_body_org_end = {
    "OrgEnd", "The end of use (YYYY-MM-DD) and the reason.", org_end_fields,
    sizeof(org_end_fields) / sizeof(org_end_fields[0]), "{\"ends_on\":{\"format\":\"date\"}}"};

/* The application made, with stable field names. */
static json_t *app_json(const struct application *app)
{
	return json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:o, s:o}", "id",
	                 api_str(app->id), "kind", app_kind_name(app->kind), "state",
	                 app_state_name(app->state), "account_id", api_str(app->account_id),
	                 "org_id", api_str(app->org_id), "departure_on", api_str(app->departure_on),
	                 "ends_on", api_str(app->ends_on), "late", app->late, "reason",
	                 api_str(app->reason), "created_at", api_time(app->created_at));
}

static void send_app(struct web_ctx *c, const struct application *app)
{
	api_created(c, arena_printf(c->a, "/api/v1/applications/%s", app->id ? app->id : ""),
	            app_json(app));
}

void api_account_departure(struct web_ctx *c)
{
	struct departure_in in;
	struct verrs ve = {0};
	struct application app = {0};
	if (api_body_decode(c, &api_body_departure, &in, 0))
		return;
	enum gcas_err e = svc_departure(c->env, &c->ac, c->a, web_param(c, 0), in.departure_on,
	                                in.reason, &app, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	send_app(c, &app);
}

void api_org_end(struct web_ctx *c)
{
	struct org_end_in in;
	struct verrs ve = {0};
	struct application app = {0};
	if (api_body_decode(c, &api_body_org_end, &in, 0))
		return;
	struct app_input ai = {.kind = "org_end",
	                       .org_id = web_param(c, 0),
	                       .ends_on = in.ends_on,
	                       .reason = in.reason};
	enum gcas_err e = svc_app_create(c->env, &c->ac, c->a, &ai, &app, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	send_app(c, &app);
}

/* ---- the OpenAPI part (api_common.h): both answer with the application they filed ---- */

static const struct api_op_doc life_ops[] = {
    {"recordDeparture", &api_body_departure, 0, 201, "Application", NULL, API_ERRS_RW409},
    {"applyOrgEnd", &api_body_org_end, 0, 201, "Application", NULL, API_ERRS_RW409},
};
static const struct api_body *const life_bodies[] = {&api_body_departure, &api_body_org_end, NULL};

const struct api_doc_part api_doc_lifecycle = {
    life_ops, sizeof(life_ops) / sizeof(life_ops[0]), NULL, 0, NULL, NULL, life_bodies, NULL};
