/* SPDX-License-Identifier: MIT */
/* /api/v1 for CSP users (issue 4 §3, S7): an environment's assignments with their SCIM push
 * state, assigning a person by email with a privilege, and revoking. Authorisation, checks and
 * auditing are svc/assignments.c's; the push itself is svc/scim_push.c's. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "svc/assignments.h"
#include "svc/scim_push.h"
#include "web/api_common.h"
#include "web/handlers.h"

struct asg_in {
	uint64_t present;
	const char *email, *privilege;
};

#define AI(f) offsetof(struct asg_in, f)
static const struct jfield asg_fields[] = {
    {"email", JF_STRING, 1, 254, 0, 0, AI(email)},
    {"privilege", JF_STRING, 1, 16, 0, 0, AI(privilege)},
};
#undef AI

static const struct api_body api_body_assignment = {
    "AssignmentCreate",
    "Assign the active GCAS account with this email to the environment (a manager of the "
    "environment's scope; the account must belong to the environment's agency). The SCIM push "
    "then carries the user to the CSP's identity store.",
    asg_fields, sizeof(asg_fields) / sizeof(asg_fields[0]),
    "{\"privilege\":{\"enum\":[\"admin\",\"general\"]},\"email\":{\"format\":\"email\"}}"};

static const char *state_name(const struct scim_env_status *st, const char *account_id)
{
	const struct scim_user_status *s = svc_scim_status_of(st, account_id);
	if (!st->has_target)
		return "none";
	if (!s)
		return "pending";
	return s->state == SCIM_ST_PUSHED   ? "pushed"
	       : s->state == SCIM_ST_FAILED ? "failed"
	                                    : "pending";
}

static json_t *asg_json(const struct assignment *as, const struct scim_env_status *st)
{
	const struct scim_user_status *s = st ? svc_scim_status_of(st, as->account_id) : NULL;
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
	              as->id, "account_id", as->account_id, "environment_id", as->environment_id,
	              "project_id", as->project_id, "agency_id", as->agency_id, "privilege",
	              asg_priv_name(as->priv), "active", as->active, "email",
	              api_str(as->account_email), "name", api_str(as->account_name), "created_by",
	              api_str(as->created_by), "created_at", api_time(as->created_at), "revoked_at",
	              api_time(as->revoked_at), "revoked_reason", api_str(as->revoked_reason));
	if (o && st && as->active) {
		json_object_set_new(o, "push_state", json_string(state_name(st, as->account_id)));
		json_object_set_new(o, "push_error", api_str(s ? s->error : NULL));
	}
	return o;
}

void api_assignments_list(struct web_ctx *c)
{
	struct assignment *v;
	struct scim_env_status st;
	size_t n = 0;
	const char *all = web_query(c, "include_revoked");
	if (*all && strcmp(all, "true") != 0 && strcmp(all, "false") != 0) {
		api_bad_query(c, "include_revoked", "true or false");
		return;
	}
	/* R7.2: the CSP users are user information; the operator states why (428 otherwise). */
	if (purpose_gate_api(c))
		return;
	enum gcas_err e = svc_assignments_of_environment(c->env, &c->ac, c->a, web_param(c, 0),
	                                                 strcmp(all, "true") != 0, &v, &n);
	if (!e)
		e = svc_scim_status(c->env, &c->ac, c->a, web_param(c, 0), &st);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, asg_json(&v[i], &st));
	json_t *body = json_pack(
	    "{s:o, s:o, s:b, s:o, s:o, s:o}", "items", items ? items : json_array(), "next_cursor",
	    json_null(), "scim_target", st.has_target, "last_sync_at", api_time(st.last_sync_at),
	    "last_drift_check_at", api_time(st.last_drift_at), "drift_corrected",
	    api_str(st.corrected && *st.corrected ? st.corrected : NULL));
	api_send(c, 200, body);
}

void api_assignments_create(struct web_ctx *c)
{
	struct asg_in in;
	struct verrs ve = {0};
	struct assignment as;
	if (api_body_decode(c, &api_body_assignment, &in, 0))
		return;
	enum gcas_err e = svc_assignment_add(c->env, &c->ac, c->a, web_param(c, 0), in.email,
	                                     in.privilege, &as, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	api_created(
	    c,
	    arena_printf(c->a, "/api/v1/environments/%s/assignments/%s", as.environment_id, as.id),
	    asg_json(&as, NULL));
}

void api_assignment_revoke(struct web_ctx *c)
{
	struct assignment as;
	enum gcas_err e = svc_assignment_get(c->env, &c->ac, c->a, web_param(c, 1), &as);
	if (!e && strcmp(as.environment_id, web_param(c, 0)) != 0)
		e = GCAS_ERR_NOTFOUND;
	if (!e)
		e = svc_assignment_revoke(c->env, &c->ac, c->a, web_param(c, 1), &as);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	api_send(c, 200, asg_json(&as, NULL));
}

/* ---- the OpenAPI part (api_common.h) ---- */

#define STR  "{\"type\":\"string\"}"
#define NSTR "{\"type\":[\"string\",\"null\"]}"
#define TIME "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"

static const char asg_schemas[] =
    "{\"Assignment\":{\"type\":\"object\",\"description\":\"A person's access to a CSP "
    "environment with administrator or general privilege (issue 4 §3). push_state (active "
    "assignments, in lists): pushed, pending (queued or retrying; push_error says why), failed "
    "(given up after 10 attempts), none (the environment takes no SCIM pushes).\","
    "\"required\":[\"id\",\"account_id\",\"environment_id\",\"privilege\",\"active\"],"
    "\"properties\":{\"id\":" STR ",\"account_id\":" STR ",\"environment_id\":" STR
    ",\"project_id\":" STR ",\"agency_id\":" STR ",\"privilege\":{\"type\":\"string\","
    "\"enum\":[\"admin\",\"general\"]},\"active\":{\"type\":\"boolean\"},\"email\":" NSTR
    ",\"name\":" NSTR ",\"created_by\":" NSTR ",\"created_at\":" TIME ",\"revoked_at\":" TIME
    ",\"revoked_reason\":" NSTR ",\"push_state\":{\"type\":\"string\",\"enum\":[\"pushed\","
    "\"pending\",\"failed\",\"none\"]},\"push_error\":" NSTR "}}}";

static const char *const asg_listed[] = {"Assignment", NULL};

static const struct api_param_doc asg_params[] = {
    {"include_revoked", "{\"type\":\"string\",\"enum\":[\"true\",\"false\"]}",
     "Also list revoked assignments (history)."},
};

static const struct api_op_doc asg_ops[] = {
    {"listAssignments", NULL, 0, 200, "AssignmentList", "include_revoked", "400 401 403 404 428"},
    {"createAssignment", &api_body_assignment, 0, 201, "Assignment", NULL, API_ERRS_RW409},
    {"revokeAssignment", NULL, 0, 200, "Assignment", NULL, "401 403 404"},
};
static const struct api_body *const asg_bodies[] = {&api_body_assignment, NULL};

const struct api_doc_part api_doc_assignments = {
    asg_ops,     sizeof(asg_ops) / sizeof(asg_ops[0]),
    asg_params,  sizeof(asg_params) / sizeof(asg_params[0]),
    asg_schemas, asg_listed,
    asg_bodies,  NULL};
