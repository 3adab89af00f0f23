/* SPDX-License-Identifier: MIT */
/* /api/v1/me and /api/v1/accounts: issuing accounts along the certification chain (R1.1),
 * reading them within one's scope (R7.1), changing names and email with optimistic concurrency,
 * and the status operations (disable, enable, delete), second-factor reset and set-up links.
 * Authorisation and auditing are the svc_account_* use cases' work. */
#include <stddef.h>
#include <string.h>

#include "base/utf8.h"
#include "core/validate.h"
#include "svc/accounts.h"
#include "web/api_common.h"
#include "web/handlers.h"

#define NAME_MAX_CP VALIDATE_NAME_MAX_CP

struct account_create_in {
	uint64_t present;
	const char *email, *family_name, *given_name, *family_kana, *given_kana, *role, *org_id;
};

#define ACI(f) offsetof(struct account_create_in, f)
static const struct jfield account_create_fields[] = {
    {"email", JF_STRING, 1, VALIDATE_EMAIL_MAX, 0, 0, ACI(email)},
    {"family_name", JF_STRING, 1, NAME_MAX_CP, 0, 0, ACI(family_name)},
    {"given_name", JF_STRING, 1, NAME_MAX_CP, 0, 0, ACI(given_name)},
    {"family_kana", JF_STRING, 1, NAME_MAX_CP, 0, 0, ACI(family_kana)},
    {"given_kana", JF_STRING, 1, NAME_MAX_CP, 0, 0, ACI(given_kana)},
    {"role", JF_STRING, 1, 32, 0, 0, ACI(role)},
    {"org_id", JF_STRING, 1, 64, 0, 0, ACI(org_id)},
};

#define PERSON_EXTRA                                                                               \
	"\"email\":{\"format\":\"email\",\"description\":\"a personal work address (R2.8): "       \
	"shared "                                                                                  \
	"or list addresses such as info@ are refused\"},"                                          \
	"\"family_kana\":{\"description\":\"reading in katakana (hiragana is converted)\"},"       \
	"\"given_kana\":{\"description\":\"reading in katakana (hiragana is converted)\"}"

const struct api_body api_body_account_create = {
    "AccountCreate",
    "A new account. The role must be one the caller certifies (R1.1) and live in the kind of "
    "organisation org_id names.",
    account_create_fields, sizeof(account_create_fields) / sizeof(account_create_fields[0]),
    "{" PERSON_EXTRA ",\"role\":{\"enum\":\"@roles\"}}"};

struct account_update_in {
	uint64_t present;
	int64_t version;
	const char *email, *family_name, *given_name, *family_kana, *given_kana;
};

#define AUI(f) offsetof(struct account_update_in, f)
static const struct jfield account_update_fields[] = {
    {"version", JF_INT, 1, 0, 1, INT64_MAX, AUI(version)},
    {"email", JF_STRING, 0, VALIDATE_EMAIL_MAX, 0, 0, AUI(email)},
    {"family_name", JF_STRING, 0, NAME_MAX_CP, 0, 0, AUI(family_name)},
    {"given_name", JF_STRING, 0, NAME_MAX_CP, 0, 0, AUI(given_name)},
    {"family_kana", JF_STRING, 0, NAME_MAX_CP, 0, 0, AUI(family_kana)},
    {"given_kana", JF_STRING, 0, NAME_MAX_CP, 0, 0, AUI(given_kana)},
};

const struct api_body api_body_account_update = {
    "AccountUpdate",
    "A JSON merge patch (RFC 7396) of the names and email. version is the account's version "
    "as last read; a different current version answers 409.",
    account_update_fields, sizeof(account_update_fields) / sizeof(account_update_fields[0]),
    "{" PERSON_EXTRA "}"};

struct reason_in {
	uint64_t present;
	const char *reason;
};

static const struct jfield reason_fields[] = {
    {"reason", JF_STRING, 1, 500, 0, 0, offsetof(struct reason_in, reason)},
};

const struct api_body api_body_reason = {
    "StatusReason", "Why the account is disabled or deleted (kept in the audit log).",
    reason_fields, sizeof(reason_fields) / sizeof(reason_fields[0]), NULL};

struct empty_in {
	uint64_t present;
};

const struct api_body api_body_empty = {"Empty", "No input: an empty body or {}.", NULL, 0, NULL};

void api_me(struct web_ctx *c)
{
	if (!c->ac.acc) {
		web_fail(c, GCAS_ERR_AUTH);
		return;
	}
	api_send(c, 200, api_account_json(c->ac.acc));
}

/* Query filters mirroring the accounts page: q, role, status, org_id. */
static int account_filter(struct web_ctx *c, struct account_filter *f)
{
	const char *q = kv_get(&c->query, "q"), *role = kv_get(&c->query, "role");
	const char *status = kv_get(&c->query, "status"), *org = kv_get(&c->query, "org_id");
	*f = (struct account_filter){.role = -1, .status = -1};
	if (q && (!utf8_valid_text(q, strlen(q)) || utf8_count(q, strlen(q)) > 100)) {
		api_bad_query(c, "q", "q must be text of at most 100 characters");
		return -1;
	}
	f->q = q && *q ? q : NULL;
	if (role && (f->role = role_parse(role)) < 0) {
		api_bad_query(c, "role", "role is not one of the role names");
		return -1;
	}
	if (status && (f->status = account_status_parse(status)) < 0) {
		api_bad_query(c, "status", "status must be pending, active, disabled or deleted");
		return -1;
	}
	if (org && (!*org || strlen(org) > 64)) {
		api_bad_query(c, "org_id", "org_id must be an organisation id");
		return -1;
	}
	f->org_id = org;
	return 0;
}

void api_accounts_list(struct web_ctx *c)
{
	struct page pg;
	struct account_filter f;
	struct account *accs;
	size_t n;
	/* R7.2: an operator's read carries its purpose (header or session), or 428. */
	if (api_page(c, &pg) || account_filter(c, &f) || purpose_gate_api(c))
		return;
	enum gcas_err e = svc_account_list(c->env, &c->ac, c->a, &f, &pg, &accs, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, api_account_json(&accs[i]));
	api_list_send(c, items, pg.next);
}

/* The set-up link is shown once, as a full URL the person opens (base_url has no trailing
 * slash, config_load.c). */
static const char *setup_url(struct web_ctx *c, const char *token)
{
	return arena_printf(c->a, "%s/setup/%s", c->env->cfg->base_url, token);
}

void api_accounts_create(struct web_ctx *c)
{
	struct account_create_in in;
	struct verrs ve = {0};
	struct account acc;
	const char *link = NULL;
	if (api_body_decode(c, &api_body_account_create, &in, 0))
		return;
	struct account_input ai = {in.email,      in.family_name, in.given_name, in.family_kana,
	                           in.given_kana, in.role,        in.org_id};
	enum gcas_err e = svc_account_create(c->env, &c->ac, c->a, &ai, &acc, &link, &ve);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	json_t *body = api_account_json(&acc);
	if (body && link)
		json_object_set_new(body, "setup_link", json_string(setup_url(c, link)));
	api_created(c, arena_printf(c->a, "/api/v1/accounts/%s", acc.id), body);
}

/* Answer with the account as it is now (after a change), or the error. */
static void send_account(struct web_ctx *c, enum gcas_err e, const struct verrs *ve)
{
	struct account acc;
	if (!e)
		e = svc_account_get(c->env, &c->ac, c->a, web_param(c, 0), &acc);
	if (e) {
		api_fail(c, e, ve);
		return;
	}
	api_send(c, 200, api_account_json(&acc));
}

void api_account_get(struct web_ctx *c)
{
	/* R7.2: an operator's read carries its purpose (header or session), or 428. */
	if (purpose_gate_api(c))
		return;
	send_account(c, GCAS_OK, NULL);
}

void api_account_update(struct web_ctx *c)
{
	struct account_update_in in;
	struct verrs ve = {0};
	struct account cur;
	if (api_body_decode(c, &api_body_account_update, &in, 0))
		return;
	/* Merge patch: members left out keep their current value. The version check in the
	 * use case makes the read-modify-write safe against a concurrent change. */
	enum gcas_err e = svc_account_get(c->env, &c->ac, c->a, web_param(c, 0), &cur);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	struct account_input ai = {
	    .email = in.email ? in.email : cur.email,
	    .family_name = in.family_name ? in.family_name : cur.family_name,
	    .given_name = in.given_name ? in.given_name : cur.given_name,
	    .family_kana = in.family_kana ? in.family_kana : cur.family_kana,
	    .given_kana = in.given_kana ? in.given_kana : cur.given_kana,
	};
	e = svc_account_update(c->env, &c->ac, c->a, web_param(c, 0), in.version, &ai, &ve);
	send_account(c, e, &ve);
}

static void status_op(struct web_ctx *c, enum account_op op)
{
	struct reason_in in;
	struct verrs ve = {0};
	int needs_reason = op != ACCOUNT_OP_ENABLE;
	if (api_body_decode(c, needs_reason ? &api_body_reason : &api_body_empty, &in,
	                    !needs_reason))
		return;
	const char *reason = needs_reason ? in.reason : NULL;
	enum gcas_err e =
	    svc_account_set_status(c->env, &c->ac, c->a, web_param(c, 0), op, reason, &ve);
	send_account(c, e, &ve);
}

void api_account_disable(struct web_ctx *c)
{
	status_op(c, ACCOUNT_OP_DISABLE);
}

void api_account_enable(struct web_ctx *c)
{
	status_op(c, ACCOUNT_OP_ENABLE);
}

void api_account_delete(struct web_ctx *c)
{
	status_op(c, ACCOUNT_OP_DELETE);
}

void api_account_reset_factors(struct web_ctx *c)
{
	struct empty_in in;
	if (api_body_decode(c, &api_body_empty, &in, 1))
		return;
	send_account(c, svc_account_reset_factors(c->env, &c->ac, c->a, web_param(c, 0)), NULL);
}

void api_account_setup_link(struct web_ctx *c)
{
	struct empty_in in;
	const char *link = NULL;
	if (api_body_decode(c, &api_body_empty, &in, 1))
		return;
	enum gcas_err e = svc_account_setup_link(c->env, &c->ac, c->a, web_param(c, 0), &link);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *o = json_object();
	if (o) {
		json_object_set_new(o, "account_id", json_string(web_param(c, 0)));
		json_object_set_new(o, "setup_link", json_string(setup_url(c, link)));
	}
	api_send(c, 200, o);
}
