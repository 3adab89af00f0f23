/* SPDX-License-Identifier: MIT */
/* /api/v1/applications and /api/v1/reports/slo (S1, R2.1–R2.3): applying (with the identity
 * declaration of 別表1 for a create), reading one application with its history and declaration,
 * the list with the page's filters and cursor paging, the state changes (submit, withdraw,
 * approve, reject, fulfil, fail) and the monthly service-level report. Authorisation, validation
 * and auditing are the svc_app_* use cases' work. */
#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "core/validate.h"
#include "svc/applications.h"
#include "web/api_common.h"
#include "web/handlers.h"

struct app_create_in {
	uint64_t present;
	const char *kind, *account_id, *email, *family_name, *given_name, *family_kana, *given_kana,
	    *role, *org_id, *ends_on, *reason, *departure_on, *verified_on, *scope, *system_name;
	int nda_confirmed, draft;
};

#define ACI(f) offsetof(struct app_create_in, f)
static const struct jfield app_create_fields[] = {
    {"kind", JF_STRING, 1, 16, 0, 0, ACI(kind)},
    {"account_id", JF_STRING, 0, 64, 0, 0, ACI(account_id)},
    {"email", JF_STRING, 0, VALIDATE_EMAIL_MAX, 0, 0, ACI(email)},
    {"family_name", JF_STRING, 0, VALIDATE_NAME_MAX_CP, 0, 0, ACI(family_name)},
    {"given_name", JF_STRING, 0, VALIDATE_NAME_MAX_CP, 0, 0, ACI(given_name)},
    {"family_kana", JF_STRING, 0, VALIDATE_NAME_MAX_CP, 0, 0, ACI(family_kana)},
    {"given_kana", JF_STRING, 0, VALIDATE_NAME_MAX_CP, 0, 0, ACI(given_kana)},
    {"role", JF_STRING, 0, 32, 0, 0, ACI(role)},
    {"org_id", JF_STRING, 0, 64, 0, 0, ACI(org_id)},
    {"ends_on", JF_STRING, 0, 10, 0, 0, ACI(ends_on)},
    {"reason", JF_STRING, 1, 500, 0, 0, ACI(reason)},
    {"departure_on", JF_STRING, 0, 10, 0, 0, ACI(departure_on)},
    {"verified_on", JF_STRING, 0, 10, 0, 0, ACI(verified_on)},
    {"scope", JF_STRING, 0, 16, 0, 0, ACI(scope)},
    {"system_name", JF_STRING, 0, 100, 0, 0, ACI(system_name)},
    {"nda_confirmed", JF_BOOL, 0, 0, 0, 0, ACI(nda_confirmed)},
    {"draft", JF_BOOL, 0, 0, 0, 0, ACI(draft)},
};

static const struct api_body api_body_app_create = {
    "ApplicationCreate",
    "An application (S1). create: the person (email, names, kana, role, org_id) and the "
    "identity declaration (R2.1: verified_on, scope, system_name and nda_confirmed for "
    "contractor staff); change: account_id and the fields to change; delete: account_id and "
    "an optional departure_on (R2.6); reenable: account_id; org_end: org_id and ends_on (R2.9). "
    "reason is always required and must not hold an Individual Number. draft: keep it as a "
    "draft instead of submitting it.",
    app_create_fields, sizeof(app_create_fields) / sizeof(app_create_fields[0]),
    "{\"kind\":{\"enum\":[\"create\",\"change\",\"delete\",\"reenable\",\"org_end\"]},"
    "\"scope\":{\"enum\":[\"gov_admin\",\"contractor_nda\"]},"
    "\"verified_on\":{\"format\":\"date\",\"description\":\"the day the My Number card was "
    "checked (JST), not in the future\"},"
    "\"departure_on\":{\"format\":\"date\"},\"ends_on\":{\"format\":\"date\"},"
    "\"email\":{\"format\":\"email\"},\"role\":{\"enum\":\"@roles\"}}"};

struct app_reason_in {
	uint64_t present;
	const char *reason;
};

static const struct jfield reason_opt_fields[] = {
    {"reason", JF_STRING, 0, 500, 0, 0, offsetof(struct app_reason_in, reason)},
};
static const struct jfield reason_req_fields[] = {
    {"reason", JF_STRING, 1, 500, 0, 0, offsetof(struct app_reason_in, reason)},
};

static const struct api_body api_body_app_reason_opt = {
    "ApplicationNote", "An optional reason, kept in the application's history.", reason_opt_fields,
    1, NULL};
static const struct api_body api_body_app_reason = {
    "ApplicationReason", "Why (required): kept in the history and told to the applicant.",
    reason_req_fields, 1, NULL};

/* ---- views ------------------------------------------------------------------------------- */

static json_t *set(json_t *o, const char *k, json_t *v)
{
	if (o)
		json_object_set_new(o, k, v ? v : json_null());
	else
		json_decref(v);
	return o;
}

static json_t *ymd_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *api_app_json(const struct application *ap)
{
	json_t *o = json_object();
	json_t *payload = ap->payload && *ap->payload ? json_loads(ap->payload, 0, NULL) : NULL;
	o = set(o, "id", api_str(ap->id));
	o = set(o, "kind", api_str(app_kind_name(ap->kind)));
	o = set(o, "state", api_str(app_state_name(ap->state)));
	o = set(o, "applicant_id", api_str(ap->applicant_id));
	o = set(o, "applicant_role", api_str(role_name(ap->applicant_role)));
	o = set(o, "account_id", api_str(ap->account_id));
	o = set(o, "org_id", api_str(ap->org_id));
	o = set(o, "agency_id", api_str(ap->agency_id));
	o = set(o, "project_id", api_str(ap->project_id));
	o = set(o, "target_role",
	        ap->has_target_role ? api_str(role_name(ap->target_role)) : json_null());
	o = set(o, "subject", api_str(ap->subject_label));
	o = set(o, "request", payload ? payload : json_object());
	o = set(o, "reason", api_str(ap->reason));
	o = set(o, "needs_approval", json_boolean(ap->needs_approval));
	o = set(o, "late", json_boolean(ap->late));
	o = set(o, "departure_on", ymd_or_null(ap->departure_on));
	o = set(o, "ends_on", ymd_or_null(ap->ends_on));
	o = set(o, "import_id", api_str(ap->import_id));
	o = set(o, "created_at", api_time(ap->created_at));
	o = set(o, "submitted_at", api_time(ap->submitted_at));
	o = set(o, "decided_at", api_time(ap->decided_at));
	o = set(o, "decided_by", api_str(ap->decided_by));
	o = set(o, "due_on", ymd_or_null(ap->due_on));
	o = set(o, "fulfilled_at", api_time(ap->fulfilled_at));
	o = set(o, "fulfilled_by", api_str(ap->fulfilled_by));
	o = set(o, "result", api_str(ap->result));
	o = set(o, "updated_at", api_time(ap->updated_at));
	o = set(o, "version", json_integer(ap->version));
	return o;
}

static json_t *event_json(const struct app_event *ev)
{
	json_t *o = json_object();
	o = set(o, "at", api_time(ev->at));
	o = set(o, "actor_id", api_str(ev->actor_id));
	o = set(o, "actor", api_str(ev->actor_label));
	o = set(o, "from",
	        ev->from_state >= 0 && ev->from_state < APP_STATE__MAX
	            ? api_str(app_state_name((enum app_state)ev->from_state))
	            : json_null());
	o = set(o, "to", api_str(app_state_name(ev->to_state)));
	o = set(o, "reason", api_str(ev->reason));
	return o;
}

static json_t *decl_json(const struct identity_decl *d)
{
	json_t *o = json_object();
	o = set(o, "verified_on", ymd_or_null(d->verified_on));
	o = set(o, "scope", api_str(d->scope));
	o = set(o, "system_name", api_str(d->system_name));
	o = set(o, "nda_confirmed", json_boolean(d->nda_confirmed));
	o = set(o, "declared_by", api_str(d->declared_by));
	o = set(o, "declared_by_label", api_str(d->declared_by_label));
	o = set(o, "declared_at", api_time(d->declared_at));
	return o;
}

/* The application with its history and declaration, as GET /applications/{id} answers. */
static void send_app(struct web_ctx *c, int status, const char *id)
{
	struct application ap;
	struct app_event *ev = NULL;
	size_t nev = 0;
	struct identity_decl d;
	int has_decl = 0;
	memset(&d, 0, sizeof(d));
	enum gcas_err e = svc_app_get(c->env, &c->ac, c->a, id, &ap, &ev, &nev, &d, &has_decl);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *o = api_app_json(&ap);
	json_t *evs = json_array();
	for (size_t i = 0; evs && i < nev; i++)
		json_array_append_new(evs, event_json(&ev[i]));
	o = set(o, "events", evs);
	o = set(o, "declaration", has_decl ? decl_json(&d) : json_null());
	if (status == 201)
		api_created(c, arena_printf(c->a, "/api/v1/applications/%s", ap.id), o);
	else
		api_send(c, status, o);
}

/* ---- list -------------------------------------------------------------------------------- */

static int bool_query(struct web_ctx *c, const char *name, int *out)
{
	const char *v = kv_get(&c->query, name);
	*out = 0;
	if (!v)
		return 0;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	api_bad_query(c, name, arena_printf(c->a, "%s must be true or false", name));
	return -1;
}

static int app_filter_read(struct web_ctx *c, struct app_filter *f)
{
	const char *state = kv_get(&c->query, "state"), *kind = kv_get(&c->query, "kind");
	const char *acc = kv_get(&c->query, "account_id"), *imp = kv_get(&c->query, "import_id");
	*f = (struct app_filter){.state = -1, .kind = -1};
	if (state && (f->state = app_state_parse(state)) < 0) {
		api_bad_query(c, "state", "state is not one of the application states");
		return -1;
	}
	if (kind && (f->kind = app_kind_parse(kind)) < 0) {
		api_bad_query(c, "kind", "kind is not one of the application kinds");
		return -1;
	}
	if (bool_query(c, "awaiting_me", &f->awaiting_me) || bool_query(c, "queue", &f->queue) ||
	    bool_query(c, "overdue", &f->overdue))
		return -1;
	if (f->overdue)
		f->queue = 1; /* overdue is a property of the fulfilment queue (R2.3) */
	if (acc && (!*acc || strlen(acc) > 64)) {
		api_bad_query(c, "account_id", "account_id must be an account id");
		return -1;
	}
	if (imp && (!*imp || strlen(imp) > 64)) {
		api_bad_query(c, "import_id", "import_id must be an import id");
		return -1;
	}
	f->account_id = acc;
	f->import_id = imp;
	return 0;
}

void api_applications_list(struct web_ctx *c)
{
	struct page pg;
	struct app_filter f;
	struct application *rows;
	size_t n;
	if (api_page(c, &pg) || app_filter_read(c, &f))
		return;
	enum gcas_err e = svc_app_list(c->env, &c->ac, c->a, &f, &pg, &rows, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, api_app_json(&rows[i]));
	api_list_send(c, items, pg.next);
}

/* ---- create and read --------------------------------------------------------------------- */

void api_applications_create(struct web_ctx *c)
{
	struct app_create_in in;
	struct verrs ve = {0};
	struct application out;
	if (api_body_decode(c, &api_body_app_create, &in, 0))
		return;
	struct app_input ai = {.kind = in.kind,
	                       .account_id = in.account_id,
	                       .person = {in.email, in.family_name, in.given_name, in.family_kana,
	                                  in.given_kana, in.role, in.org_id},
	                       .org_id = in.org_id,
	                       .ends_on = in.ends_on,
	                       .reason = in.reason,
	                       .departure_on = in.departure_on,
	                       .verified_on = in.verified_on,
	                       .scope = in.scope,
	                       .system_name = in.system_name,
	                       .nda_confirmed = in.nda_confirmed,
	                       .draft = in.draft};
	enum gcas_err e = svc_app_create(c->env, &c->ac, c->a, &ai, &out, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	send_app(c, 201, out.id);
}

void api_application_get(struct web_ctx *c)
{
	/* R7.2 (regulation §5.2.2): a workflow read, as page_application: no purpose asked; a
	 * header or session purpose is recorded when given, else "operations" (svc_app_get). */
	if (purpose_peek(c))
		return;
	send_app(c, 200, web_param(c, 0));
}

/* ---- state changes ----------------------------------------------------------------------- */

enum app_op { OP_SUBMIT, OP_WITHDRAW, OP_APPROVE, OP_REJECT, OP_FULFIL, OP_FAIL };

static void state_op(struct web_ctx *c, enum app_op op)
{
	struct app_reason_in in = {0};
	struct verrs ve = {0};
	const char *id = web_param(c, 0);
	enum gcas_err e;
	int required = op == OP_REJECT || op == OP_FAIL;
	int takes_reason = op != OP_SUBMIT && op != OP_APPROVE && op != OP_FULFIL;
	const struct api_body *body = required       ? &api_body_app_reason
	                              : takes_reason ? &api_body_app_reason_opt
	                                             : &api_body_empty;
	if (api_body_decode(c, body, &in, !required))
		return;
	const char *reason = takes_reason ? in.reason : NULL;
	switch (op) {
	case OP_SUBMIT:
		e = svc_app_submit(c->env, &c->ac, c->a, id);
		break;
	case OP_WITHDRAW:
		e = svc_app_withdraw(c->env, &c->ac, c->a, id, reason, &ve);
		break;
	case OP_APPROVE:
	case OP_REJECT:
		e = svc_app_decide(c->env, &c->ac, c->a, id, op == OP_APPROVE, reason, &ve);
		break;
	case OP_FULFIL:
		e = svc_app_fulfil(c->env, &c->ac, c->a, id, NULL);
		break;
	default:
		e = svc_app_fail(c->env, &c->ac, c->a, id, reason, &ve);
		break;
	}
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	send_app(c, 200, id);
}

void api_application_submit(struct web_ctx *c)
{
	state_op(c, OP_SUBMIT);
}

void api_application_withdraw(struct web_ctx *c)
{
	state_op(c, OP_WITHDRAW);
}

void api_application_approve(struct web_ctx *c)
{
	state_op(c, OP_APPROVE);
}

void api_application_reject(struct web_ctx *c)
{
	state_op(c, OP_REJECT);
}

void api_application_fulfil(struct web_ctx *c)
{
	state_op(c, OP_FULFIL);
}

void api_application_fail(struct web_ctx *c)
{
	state_op(c, OP_FAIL);
}

/* ---- the monthly report (R2.3) ----------------------------------------------------------- */

void api_slo_report(struct web_ctx *c)
{
	const char *month = kv_get(&c->query, "month");
	int64_t y = 0, m = 0;
	char ys[5] = "", ms[3] = "";
	struct slo_report r;
	if (month && strlen(month) == 7 && month[4] == '-') {
		memcpy(ys, month, 4);
		memcpy(ms, month + 5, 2);
	}
	if (!month || strspn(ys, "0123456789") != 4 || strspn(ms, "0123456789") != 2 ||
	    str_to_i64(ys, &y) || str_to_i64(ms, &m) || y < 2000 || y > 2999 || m < 1 || m > 12) {
		api_bad_query(c, "month", "month is required, as YYYY-MM");
		return;
	}
	enum gcas_err e = svc_app_slo_report(c->env, &c->ac, c->a, (int)y, (int)m, &r);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *lines = json_array();
	for (int k = 0; lines && k < APP_KIND__MAX; k++) {
		const struct slo_line *l = &r.line[k];
		json_array_append_new(
		    lines,
		    json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "kind",
		              app_kind_name((enum app_kind)k), "approved", (json_int_t)l->approved,
		              "on_time", (json_int_t)l->on_time, "late", (json_int_t)l->late,
		              "open_overdue", (json_int_t)l->open_overdue, "open",
		              (json_int_t)l->open, "failed", (json_int_t)l->failed));
	}
	json_t *o = json_object();
	o = set(o, "month", json_string(arena_printf(c->a, "%04d-%02d", r.year, r.month)));
	o = set(o, "lines", lines);
	api_send(c, 200, o);
}

/* ---- the OpenAPI part (api_common.h) ------------------------------------------------------ */

#define S         "{\"type\":\"string\"}"
#define NS        "{\"type\":[\"string\",\"null\"]}"
#define DT        "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"
#define ND        "{\"type\":[\"string\",\"null\"],\"format\":\"date\"}"
#define INT       "{\"type\":\"integer\"}"
#define APP_KINDS "[\"create\",\"change\",\"delete\",\"reenable\",\"org_end\"]"
#define APP_STATES                                                                                 \
	"[\"draft\",\"submitted\",\"approved\",\"rejected\",\"withdrawn\",\"fulfilled\","          \
	"\"failed\"]"

static const char app_schemas[] =
    "{\"Application\":{\"type\":\"object\",\"description\":\"An application (S1, R2.2) with, "
    "when read one by one, its history and its identity declaration (R2.1).\","
    "\"required\":[\"id\",\"kind\",\"state\",\"applicant_id\",\"reason\",\"needs_approval\","
    "\"late\",\"version\"],\"properties\":{"
    "\"id\":" S ",\"kind\":{\"type\":\"string\",\"enum\":" APP_KINDS "},"
    "\"state\":{\"type\":\"string\",\"enum\":" APP_STATES "},"
    "\"applicant_id\":" S ",\"applicant_role\":{\"type\":\"string\",\"enum\":\"@roles\"},"
    "\"account_id\":" NS ",\"org_id\":" S ",\"agency_id\":" S ",\"project_id\":" NS ","
    "\"target_role\":" NS ",\"subject\":" S ",\"request\":{\"type\":\"object\","
    "\"description\":\"what is asked (names, address, role, organisation)\"},"
    "\"reason\":" S ",\"needs_approval\":{\"type\":\"boolean\"},\"late\":{\"type\":\"boolean\","
    "\"description\":\"R2.6: deletion applied later than 5 business days before the departure "
    "date\"},\"departure_on\":" ND ",\"ends_on\":" ND ",\"import_id\":" NS ","
    "\"created_at\":" DT ",\"submitted_at\":" DT ",\"decided_at\":" DT ",\"decided_by\":" NS ","
    "\"due_on\":{\"type\":[\"string\",\"null\"],\"format\":\"date\",\"description\":\"R2.3: 5 "
    "business days after approval (Japan's administrative calendar)\"},"
    "\"fulfilled_at\":" DT ",\"fulfilled_by\":" NS ",\"result\":" NS ",\"updated_at\":" DT ","
    "\"version\":" INT ","
    "\"events\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"at\":" DT ",\"actor_id\":" NS ",\"actor\":" S ",\"from\":" NS ",\"to\":" S ","
    "\"reason\":" NS "}}},"
    "\"declaration\":{\"type\":[\"object\",\"null\"],\"properties\":{\"verified_on\":" ND ","
    "\"scope\":{\"type\":\"string\",\"enum\":[\"gov_admin\",\"contractor_nda\"]},"
    "\"system_name\":" NS ",\"nda_confirmed\":{\"type\":\"boolean\"},\"declared_by\":" S ","
    "\"declared_by_label\":" S ",\"declared_at\":" DT "}}}},"
    "\"SloReport\":{\"type\":\"object\",\"description\":\"R2.3: the month's service levels per "
    "kind of application. An application counts in the month it was approved (JST). The "
    "on-time share is on_time / (on_time + late + open_overdue); failed (could not be carried "
    "out) is not part of it\",\"required\":[\"month\",\"lines\"],\"properties\":{\"month\":" S ","
    "\"lines\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"kind\":" S ",\"approved\":" INT ",\"on_time\":" INT ",\"late\":" INT ","
    "\"open_overdue\":" INT ",\"open\":" INT ",\"failed\":" INT "}}}}}}";

#define BOOLQ "{\"type\":\"boolean\"}"
static const struct api_param_doc app_params[] = {
    {"state", "{\"type\":\"string\",\"enum\":" APP_STATES "}", "Only applications in this state."},
    {"kind", "{\"type\":\"string\",\"enum\":" APP_KINDS "}", "Only applications of this kind."},
    {"awaiting_me", BOOLQ, "Only those waiting for the caller's approval."},
    {"queue", BOOLQ, "The operator's fulfilment queue: approved, by due date (R2.3)."},
    {"overdue", BOOLQ, "Only queue entries past their due date (implies queue)."},
    {"account_id", "{\"type\":\"string\",\"maxLength\":64}", "Only about this account."},
    {"import_id", "{\"type\":\"string\",\"maxLength\":64}", "Only one bulk onboarding batch."},
    {"month", "{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}$\"}",
     "The month of the report (YYYY-MM, Japan time)."},
};

#define STATE_ERRS "400 401 403 404 409 415"
static const struct api_op_doc app_ops[] = {
    {"listApplications", NULL, 0, 200, "ApplicationList",
     "limit cursor state kind awaiting_me queue overdue account_id import_id", "400 401 403"},
    {"createApplication", &api_body_app_create, 0, 201, "Application", NULL,
     "400 401 403 409 415 422"},
    {"getApplication", NULL, 0, 200, "Application", NULL, "401 403 404 428"},
    {"submitApplication", &api_body_empty, 1, 200, "Application", NULL, STATE_ERRS},
    {"withdrawApplication", &api_body_app_reason_opt, 1, 200, "Application", NULL, API_ERRS_RW409},
    {"approveApplication", &api_body_empty, 1, 200, "Application", NULL, STATE_ERRS},
    {"rejectApplication", &api_body_app_reason, 0, 200, "Application", NULL, API_ERRS_RW409},
    {"fulfilApplication", &api_body_empty, 1, 200, "Application", NULL, STATE_ERRS},
    {"failApplication", &api_body_app_reason, 0, 200, "Application", NULL, API_ERRS_RW409},
    {"getSloReport", NULL, 0, 200, "SloReport", "month", "400 401 403"},
};

static const char *const app_listed[] = {"Application", NULL};
static const struct api_body *const app_bodies[] = {&api_body_app_create, &api_body_app_reason,
                                                    &api_body_app_reason_opt, NULL};

const struct api_doc_part api_doc_applications = {
    app_ops,     sizeof(app_ops) / sizeof(app_ops[0]),
    app_params,  sizeof(app_params) / sizeof(app_params[0]),
    app_schemas, app_listed,
    app_bodies,  NULL};
