/* SPDX-License-Identifier: MIT */
/* /api/v1 for system registration (issue 4 §1, R4.1): GET /systems, GET and PUT
 * /projects/{id}/system (the version is the ETag; a PUT with If-Match or "version" replaces the
 * record at that version, without either it registers, and a stale version answers 409) and
 * GET /systems/{id}/history. Authorisation and auditing are svc/systems.c's work. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "svc/systems.h"
#include "web/api_common.h"
#include "web/handlers.h"
#include "web/http.h"

struct system_put_in {
	uint64_t present;
	const char *name, *purpose, *lifecycle;
	struct jstr_array csps, environments, contacts;
	const char *contractor_id, *period_start, *period_end, *classification, *billing_unit;
	int ci_cd;
	int64_t version;
};

#define SP(f) offsetof(struct system_put_in, f)
static const struct jfield system_put_fields[] = {
    {"name", JF_STRING, 0, SYSTEM_NAME_MAX_CP, 0, 0, SP(name)},
    {"purpose", JF_STRING, 0, SYSTEM_TEXT_MAX_CP, 0, 0, SP(purpose)},
    {"lifecycle", JF_STRING, 0, 16, 0, 0, SP(lifecycle)},
    {"csps", JF_STRING_ARRAY, 0, 16, 0, CSP__MAX, SP(csps)},
    {"environments", JF_STRING_ARRAY, 0, 16, 0, SYSENV__MAX, SP(environments)},
    {"contacts", JF_STRING_ARRAY, 0, 254, 0, SYSTEM_CONTACTS_MAX, SP(contacts)},
    {"contractor_id", JF_STRING, 0, 64, 0, 0, SP(contractor_id)},
    {"period_start", JF_STRING, 0, 10, 0, 0, SP(period_start)},
    {"period_end", JF_STRING, 0, 10, 0, 0, SP(period_end)},
    {"classification", JF_STRING, 0, 4, 0, 0, SP(classification)},
    {"billing_unit", JF_STRING, 0, SYSTEM_BILLING_MAX_CP, 0, 0, SP(billing_unit)},
    {"ci_cd", JF_BOOL, 0, 0, 0, 0, SP(ci_cd)},
    {"version", JF_INT, 0, 0, 1, INT64_MAX, SP(version)},
};
#undef SP

static const struct api_body api_body_system_put = {
    "SystemPut",
    "The whole registration (PUT replaces every field). Without If-Match and version the "
    "project team's system is registered (once: a second registration answers 409); with "
    "either, the registration as last read at that version is replaced (a stale version "
    "answers 409).",
    system_put_fields, sizeof(system_put_fields) / sizeof(system_put_fields[0]),
    "{\"lifecycle\":{\"enum\":[\"planning\",\"building\",\"production\",\"retired\"]},"
    "\"csps\":{\"items\":{\"enum\":[\"aws\",\"gcp\",\"azure\",\"oci\",\"sakura\"]},"
    "\"description\":\"at least one\"},"
    "\"environments\":{\"items\":{\"enum\":[\"production\",\"staging\",\"development\"]},"
    "\"description\":\"development only when ci_cd is true\"},"
    "\"contacts\":{\"description\":\"1-8 account ids or email addresses of the project team, "
    "its contractor or its agency\"},"
    "\"contractor_id\":{\"description\":\"a contractor organisation of the project team\"},"
    "\"period_start\":{\"format\":\"date\"},"
    "\"period_end\":{\"format\":\"date\",\"description\":\"not before period_start\"},"
    "\"classification\":{\"enum\":[\"c1\",\"c2\",\"c3\"],"
    "\"description\":\"機密性1, 機密性2, 機密性3\"},"
    "\"version\":{\"description\":\"the version as last read (or send If-Match)\"}}"};

/* Arrays become the space-separated lists the use case reads; an item holding a separator
 * would split, so it is refused here. Returns NULL (and names the member in ve) then. */
static const char *join(struct web_ctx *c, const struct jstr_array *v, const char *field,
                        struct verrs *ve)
{
	const char *s = "";
	for (size_t i = 0; s && i < v->n; i++) {
		if (strpbrk(v->items[i], " ,\t\r\n")) {
			verr_add(ve, field, "項目に空白やカンマは使えません",
			         "An item may not contain spaces or commas");
			return "";
		}
		s = *s ? arena_printf(c->a, "%s %s", s, v->items[i]) : v->items[i];
	}
	return s ? s : "";
}

static json_t *system_json(struct web_ctx *c, const struct system_rec *r)
{
	const char *text = svc_system_json(c->a, r);
	return text ? json_loads(text, 0, NULL) : NULL;
}

static void set_etag(struct web_ctx *c, int64_t version)
{
	http_resp_header(c->resp, c->a, "ETag", arena_printf(c->a, "\"%lld\"", (long long)version));
}

void api_systems_list(struct web_ctx *c)
{
	struct page pg;
	struct system_rec *v;
	size_t n;
	if (api_page(c, &pg))
		return;
	enum gcas_err e = svc_system_list(c->env, &c->ac, c->a, &pg, &v, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, system_json(c, &v[i]));
	api_list_send(c, items, pg.next);
}

void api_system_get(struct web_ctx *c)
{
	struct system_rec r;
	enum gcas_err e = svc_system_get(c->env, &c->ac, c->a, web_param(c, 0), &r, NULL, NULL);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	set_etag(c, r.version);
	api_send(c, 200, system_json(c, &r));
}

/* If-Match (RFC 9110 §13.1.1) carrying one strong ETag of ours: "<version>". 0 when absent,
 * -1 when it is not one we issued. */
static int if_match_version(struct web_ctx *c, int64_t *version)
{
	const char *h = http_req_header(c->req, "If-Match");
	*version = 0;
	if (!h)
		return 0;
	size_t len = strlen(h);
	if (len < 3 || len > 24 || h[0] != '"' || h[len - 1] != '"')
		return -1;
	char digits[24];
	memcpy(digits, h + 1, len - 2);
	digits[len - 2] = '\0';
	return str_to_i64(digits, version) || *version < 1 ? -1 : 0;
}

void api_system_put(struct web_ctx *c)
{
	struct system_put_in in;
	struct verrs ve = {0};
	struct system_rec r;
	int64_t version;
	if (if_match_version(c, &version)) {
		web_problem(c, 400, "Bad If-Match",
		            "If-Match must be the ETag of the registration as read, e.g. \"3\"",
		            NULL);
		return;
	}
	if (api_body_decode(c, &api_body_system_put, &in, 0))
		return;
	if (in.version && version && in.version != version) {
		verr_add(&ve, "version", "版数と If-Match が一致しません",
		         "version and If-Match disagree");
		api_fail(c, GCAS_ERR_INVALID, &ve);
		return;
	}
	if (!version)
		version = in.version;
	struct system_input si = {.name = in.name,
	                          .purpose = in.purpose,
	                          .lifecycle = in.lifecycle,
	                          .csps = join(c, &in.csps, "csps", &ve),
	                          .environments = join(c, &in.environments, "environments", &ve),
	                          .contacts = join(c, &in.contacts, "contacts", &ve),
	                          .contractor_id = in.contractor_id,
	                          .period_start = in.period_start,
	                          .period_end = in.period_end,
	                          .classification = in.classification,
	                          .billing_unit = in.billing_unit,
	                          .ci_cd = in.ci_cd};
	if (ve.n) {
		api_fail(c, GCAS_ERR_INVALID, &ve);
		return;
	}
	const char *project = web_param(c, 0);
	enum gcas_err e =
	    version ? svc_system_update(c->env, &c->ac, c->a, project, version, &si, &r, &ve)
	            : svc_system_register(c->env, &c->ac, c->a, project, &si, &r, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	set_etag(c, r.version);
	if (version) {
		api_send(c, 200, system_json(c, &r));
		return;
	}
	api_created(c, arena_printf(c->a, "/api/v1/projects/%s/system", r.project_id),
	            system_json(c, &r));
}

void api_system_history(struct web_ctx *c)
{
	struct page pg;
	struct system_history_row *h;
	size_t n;
	if (api_page(c, &pg))
		return;
	enum gcas_err e = svc_system_history(c->env, &c->ac, c->a, web_param(c, 0), &pg, &h, &n);
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
		json_array_append_new(items, json_pack("{s:I, s:o, s:o, s:o}", "version",
		                                       (json_int_t)h[i].version, "changed_by",
		                                       api_str(h[i].changed_by), "changed_at",
		                                       api_time(h[i].changed_at), "record",
		                                       json_loads(h[i].record, 0, NULL)));
	api_list_send(c, items, pg.next);
}

/* ---- the OpenAPI part (api_common.h) ---- */

#define STR   "{\"type\":\"string\"}"
#define NSTR  "{\"type\":[\"string\",\"null\"]}"
#define STRS  "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"
#define INTV  "{\"type\":\"integer\"}"
#define DATE  "{\"type\":\"string\",\"format\":\"date\"}"
#define NDATE "{\"type\":[\"string\",\"null\"],\"format\":\"date\"}"

static const char system_schemas[] =
    "{\"System\":{\"type\":\"object\",\"description\":\"A project team's registered system "
    "(R4.1). Times are epoch seconds; version is also the ETag.\","
    "\"required\":[\"id\",\"project_id\",\"agency_id\",\"name\",\"purpose\",\"lifecycle\","
    "\"csps\",\"environments\",\"contacts\",\"period_start\",\"classification\","
    "\"billing_unit\",\"ci_cd\",\"version\"],"
    "\"properties\":{\"id\":" STR ",\"project_id\":" STR ",\"agency_id\":" STR ",\"name\":" STR
    ",\"purpose\":" STR ",\"lifecycle\":{\"type\":\"string\",\"enum\":[\"planning\","
    "\"building\",\"production\",\"retired\"]},\"csps\":" STRS ",\"environments\":" STRS
    ",\"contacts\":" STRS ",\"contractor_id\":" NSTR ",\"period_start\":" DATE
    ",\"period_end\":" NDATE ",\"classification\":{\"type\":\"string\",\"enum\":[\"c1\","
    "\"c2\",\"c3\"]},\"billing_unit\":" STR ",\"ci_cd\":{\"type\":\"boolean\"},\"version\":" INTV
    ",\"created_at\":" INTV ",\"updated_at\":" INTV ",\"updated_by\":" NSTR "}},"
    "\"SystemVersion\":{\"type\":\"object\",\"description\":\"One kept version of a "
    "registration: who changed it, when, and the record as of then.\","
    "\"required\":[\"version\",\"changed_at\",\"record\"],"
    "\"properties\":{\"version\":" INTV ",\"changed_by\":" NSTR
    ",\"changed_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"record\":{\"$ref\":\"#/components/schemas/System\"}}}}";

static const char *const system_listed[] = {"System", "SystemVersion", NULL};

static const struct api_op_doc system_ops[] = {
    {"listSystems", NULL, 0, 200, "SystemList", "cursor limit", "400 401 403"},
    {"listSystemHistory", NULL, 0, 200, "SystemVersionList", "cursor limit", "400 401 403 404"},
    {"getSystem", NULL, 0, 200, "System", NULL, "401 403 404"},
    {"putSystem", &api_body_system_put, 0, 200, "System", NULL, API_ERRS_RW409},
};
static const struct api_body *const system_bodies[] = {&api_body_system_put, NULL};

const struct api_doc_part api_doc_systems = {
    system_ops,     sizeof(system_ops) / sizeof(system_ops[0]),
    NULL,           0,
    system_schemas, system_listed,
    system_bodies,  NULL};
