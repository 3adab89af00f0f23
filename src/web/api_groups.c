/* SPDX-License-Identifier: MIT */
/* /api/v1/groups: PMO and system groups (別表2 ②) and member management (S2, R2.5). The
 * svc_group_* use cases check both rights a change needs (managing the group and the person). */
#include <stddef.h>

#include "svc/groups.h"
#include "web/api_common.h"
#include "web/handlers.h"

struct member_add_in {
	uint64_t present;
	const char *account_id, *ends_at;
};

static const struct jfield member_add_fields[] = {
    {"account_id", JF_STRING, 1, 64, 0, 0, offsetof(struct member_add_in, account_id)},
    {"ends_at", JF_STRING, 0, 40, 0, 0, offsetof(struct member_add_in, ends_at)},
};

const struct api_body api_body_member_add = {
    "MemberAdd", "The account to add, and optionally when its membership ends.", member_add_fields,
    sizeof(member_add_fields) / sizeof(member_add_fields[0]),
    "{\"ends_at\":{\"format\":\"date-time\",\"description\":\"RFC 3339; in the future\"}}"};

void api_groups_list(struct web_ctx *c)
{
	struct page pg;
	struct group *gs;
	size_t n;
	if (api_page(c, &pg))
		return;
	enum gcas_err e = svc_group_list(c->env, &c->ac, c->a, &pg, &gs, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, api_group_json(&gs[i]));
	api_list_send(c, items, pg.next);
}

/* Answer with the group and its members, or the error. */
static void send_group(struct web_ctx *c, enum gcas_err e, const struct verrs *ve)
{
	struct group g;
	struct membership *m = NULL;
	size_t n = 0;
	if (!e)
		e = svc_group_get(c->env, &c->ac, c->a, web_param(c, 0), &g, &m, &n);
	if (e) {
		api_fail(c, e, ve);
		return;
	}
	g.members = (int64_t)n;
	json_t *o = api_group_json(&g);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, api_member_json(&m[i]));
	if (o)
		json_object_set_new(o, "members", arr ? arr : json_array());
	else
		json_decref(arr);
	api_send(c, 200, o);
}

void api_group_get(struct web_ctx *c)
{
	/* R7.2: the members are user information; the operator states why (428 otherwise). */
	if (purpose_gate_api(c))
		return;
	send_group(c, GCAS_OK, NULL);
}

void api_group_member_add(struct web_ctx *c)
{
	struct member_add_in in;
	struct verrs ve = {0};
	int64_t ends = 0;
	if (api_body_decode(c, &api_body_member_add, &in, 0))
		return;
	if (in.ends_at && api_parse_time(in.ends_at, &ends)) {
		verr_add(&ve, "ends_at", "ends_at must be an RFC 3339 date-time",
		         "ends_at must be an RFC 3339 date-time");
		web_problem(c, 400, "Bad Request", "The request body is not valid.", &ve);
		return;
	}
	if (in.ends_at && ends <= 0)
		ends = 1; /* 0 means "no end" to the use case; this instant is long past */
	enum gcas_err e =
	    svc_group_member_add(c->env, &c->ac, c->a, web_param(c, 0), in.account_id, ends, &ve);
	send_group(c, e, &ve);
}

void api_group_member_remove(struct web_ctx *c)
{
	enum gcas_err e =
	    svc_group_member_remove(c->env, &c->ac, c->a, web_param(c, 0), web_param(c, 1));
	/* The account is named by the path here, so an unknown one is 404, not 422. */
	if (e == GCAS_ERR_INVALID)
		e = GCAS_ERR_NOTFOUND;
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	api_no_content(c);
}
