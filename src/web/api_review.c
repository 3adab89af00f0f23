/* SPDX-License-Identifier: MIT */
/* /api/v1/reviews: periodic review campaigns (R2.7) — listing the campaigns the caller takes
 * part in, opening one (operator), the items the caller may see, and deciding an item (keep /
 * change / remove with a reason). Authorisation and auditing are the svc_review_* use cases'. */
#include <stddef.h>
#include <string.h>

#include "svc/review.h"
#include "web/api_common.h"
#include "web/handlers.h"

struct review_open_in {
	uint64_t present;
	const char *name, *deadline, *agency_id;
};

#define ROI(f) offsetof(struct review_open_in, f)
static const struct jfield review_open_fields[] = {
    {"name", JF_STRING, 1, 100, 0, 0, ROI(name)},
    {"deadline", JF_STRING, 1, 10, 0, 0, ROI(deadline)},
    {"agency_id", JF_STRING, 0, 64, 0, 0, ROI(agency_id)},
};

static const struct api_body api_body_review_open = {
    "ReviewOpen",
    "A periodic review campaign: one item per account in scope (not deleted, not the "
    "operator's), decided by the account's certifying manager by the deadline (the end of that "
    "day, Japan time).",
    review_open_fields, sizeof(review_open_fields) / sizeof(review_open_fields[0]),
    "{\"deadline\":{\"format\":\"date\"},\"agency_id\":{\"description\":\"only this agency's "
    "accounts; absent: every agency\"}}"};

struct review_decide_in {
	uint64_t present;
	const char *decision, *reason;
};

#define RDI(f) offsetof(struct review_decide_in, f)
static const struct jfield review_decide_fields[] = {
    {"decision", JF_STRING, 1, 16, 0, 0, RDI(decision)},
    {"reason", JF_STRING, 1, 500, 0, 0, RDI(reason)},
};

static const struct api_body api_body_review_decide = {
    "ReviewDecision",
    "Keep, change or remove the account, with the reason (never an Individual Number). A "
    "decision is final; remove also files a deletion application when the caller may apply.",
    review_decide_fields, sizeof(review_decide_fields) / sizeof(review_decide_fields[0]),
    "{\"decision\":{\"enum\":[\"keep\",\"change\",\"remove\"]}}"};

static json_t *campaign_json(const struct review_campaign *c)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:I, s:I}", "id", c->id, "name",
	                 c->name, "agency_id", api_str(c->agency_id), "state", c->state,
	                 "opened_at", api_time(c->opened_at), "deadline_at",
	                 api_time(c->deadline_at), "closed_at", api_time(c->closed_at), "items",
	                 (json_int_t)c->items, "decided", (json_int_t)c->decided);
}

static json_t *item_json(const struct review_item *it)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:i, s:o}", "id", it->id,
	              "campaign_id", it->campaign_id, "account_id", it->account_id, "email",
	              it->email, "family_name", it->family_name, "given_name", it->given_name,
	              "role", role_name(it->role), "org_id", api_str(it->org_id), "org_name",
	              api_str(it->org_name), "reviewer_role", role_name(it->reviewer_role),
	              "escalations", it->escalations, "deadline_at", api_time(it->deadline_at));
	if (!o)
		return NULL;
	json_object_set_new(o, "decision", api_str(it->decision));
	json_object_set_new(o, "reason", api_str(it->reason));
	json_object_set_new(o, "decided_by", api_str(it->decided_by_email));
	json_object_set_new(o, "decided_at", api_time(it->decided_at));
	json_object_set_new(o, "application_id", api_str(it->application_id));
	json_object_set_new(o, "result", api_str(it->result));
	return o;
}

void api_reviews_list(struct web_ctx *c)
{
	struct page pg;
	struct review_campaign *cs;
	size_t n;
	if (api_page(c, &pg))
		return;
	enum gcas_err e = svc_review_list(c->env, &c->ac, c->a, &pg, &cs, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, campaign_json(&cs[i]));
	api_list_send(c, items, pg.next);
}

void api_reviews_create(struct web_ctx *c)
{
	struct review_open_in in = {0};
	struct review_campaign rc;
	struct verrs ve = {0};
	if (api_body_decode(c, &api_body_review_open, &in, 0))
		return;
	struct review_open_input oi = {in.name, in.deadline, in.agency_id};
	enum gcas_err e = svc_review_open(c->env, &c->ac, c->a, &oi, &rc, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	rc.decided = 0;
	api_created(c, arena_printf(c->a, "/api/v1/reviews/%s/items", rc.id), campaign_json(&rc));
}

void api_review_items(struct web_ctx *c)
{
	struct page pg;
	struct review_campaign rc;
	struct review_item *it;
	size_t n;
	const char *undecided = kv_get(&c->query, "undecided");
	if (undecided && strcmp(undecided, "true") != 0 && strcmp(undecided, "false") != 0) {
		api_bad_query(c, "undecided", "undecided must be true or false");
		return;
	}
	/* R7.2: the items are user information; the operator states why (428 otherwise). */
	if (api_page(c, &pg) || purpose_gate_api(c))
		return;
	enum gcas_err e = svc_review_get(c->env, &c->ac, c->a, web_param(c, 0), &rc);
	if (!e)
		e = svc_review_items(c->env, &c->ac, c->a, rc.id, 0,
		                     undecided && strcmp(undecided, "true") == 0, &pg, &it, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, item_json(&it[i]));
	api_list_send(c, items, pg.next);
}

void api_review_decide(struct web_ctx *c)
{
	struct review_decide_in in = {0};
	struct review_item out;
	struct verrs ve = {0};
	if (api_body_decode(c, &api_body_review_decide, &in, 0))
		return;
	enum gcas_err e = svc_review_decide(c->env, &c->ac, c->a, web_param(c, 0), web_param(c, 1),
	                                    in.decision, in.reason, &out, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	api_send(c, 200, item_json(&out));
}

/* ---- the OpenAPI part (api_common.h) ------------------------------------------------------ */

#define S  "{\"type\":\"string\"}"
#define NS "{\"type\":[\"string\",\"null\"]}"
#define DT "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"

static const char review_schemas[] =
    "{\"Review\":{\"type\":\"object\",\"description\":\"A periodic review campaign (R2.7)\","
    "\"required\":[\"id\",\"name\",\"state\",\"deadline_at\",\"items\",\"decided\"],"
    "\"properties\":{\"id\":" S ",\"name\":" S ",\"agency_id\":" NS ","
    "\"state\":{\"type\":\"string\",\"enum\":[\"open\",\"closed\"]},\"opened_at\":" DT ","
    "\"deadline_at\":" DT ",\"closed_at\":" DT ",\"items\":{\"type\":\"integer\"},"
    "\"decided\":{\"type\":\"integer\"}}},"
    "\"ReviewItem\":{\"type\":\"object\",\"description\":\"One account to re-certify: "
    "necessity, validity, period of use and scope of privileges (別表1)\","
    "\"required\":[\"id\",\"campaign_id\",\"account_id\",\"reviewer_role\"],"
    "\"properties\":{\"id\":" S ",\"campaign_id\":" S ",\"account_id\":" S ",\"email\":" S ","
    "\"family_name\":" S ",\"given_name\":" S ",\"role\":{\"type\":\"string\",\"enum\":\"@roles\"},"
    "\"org_id\":" NS ",\"org_name\":" NS ",\"reviewer_role\":{\"type\":\"string\","
    "\"enum\":\"@roles\",\"description\":\"who decides: the certifying role, raised one step at "
    "each missed deadline\"},\"escalations\":{\"type\":\"integer\"},\"deadline_at\":" DT ","
    "\"decision\":{\"type\":[\"string\",\"null\"],\"enum\":[\"keep\",\"change\",\"remove\",null]},"
    "\"reason\":" NS ",\"decided_by\":" NS ",\"decided_at\":" DT ",\"application_id\":" NS ","
    "\"result\":" NS "}}}";

static const struct api_param_doc review_params[] = {
    {"undecided", "{\"type\":\"boolean\"}", "Only items not decided yet."},
};

static const struct api_op_doc review_ops[] = {
    {"listReviews", NULL, 0, 200, "ReviewList", "limit cursor", "400 401 403"},
    {"createReview", &api_body_review_open, 0, 201, "Review", NULL, "400 401 403 415 422"},
    {"listReviewItems", NULL, 0, 200, "ReviewItemList", "limit cursor undecided",
     "400 401 403 404 428"},
    {"decideReviewItem", &api_body_review_decide, 0, 200, "ReviewItem", NULL, API_ERRS_RW409},
};

static const char *const review_listed[] = {"Review", "ReviewItem", NULL};
static const struct api_body *const review_bodies[] = {&api_body_review_open,
                                                       &api_body_review_decide, NULL};

const struct api_doc_part api_doc_review = {
    review_ops,     sizeof(review_ops) / sizeof(review_ops[0]),
    review_params,  sizeof(review_params) / sizeof(review_params[0]),
    review_schemas, review_listed,
    review_bodies,  NULL};
