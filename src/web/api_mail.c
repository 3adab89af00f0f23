/* SPDX-License-Identifier: MIT */
/* /api/v1/mail-blocklist: the operator's list of refused addresses and patterns (mailing lists
 * and shared addresses may not be registered, 規程 別表1) — list, add, remove. Authorisation
 * (ACT_MAIL_BLOCKLIST) and auditing are the svc_mail_block_* use cases'. */
#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "svc/mail.h"
#include "web/api_common.h"
#include "web/handlers.h"

struct block_in {
	uint64_t present;
	const char *pattern, *note;
};

#define BI(f) offsetof(struct block_in, f)
static const struct jfield block_fields[] = {
    {"pattern", JF_STRING, 1, 254, 0, 0, BI(pattern)},
    {"note", JF_STRING, 0, 200, 0, 0, BI(note)},
};

static const struct api_body api_body_mail_block = {
    "MailBlockCreate",
    "An address, or a pattern with * (any run of characters) and ? (one character), refused "
    "whenever an account's address is issued or changed. Stored trimmed and in lower case; a "
    "pattern already on the list is refused (422).",
    block_fields, sizeof(block_fields) / sizeof(block_fields[0]),
    "{\"pattern\":{\"examples\":[\"ml-*@example.go.jp\"]},\"note\":{\"description\":\"why it "
    "is refused (never an Individual Number)\"}}"};

static json_t *block_json(const struct mail_block *m)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", m->id, "pattern", m->pattern, "note",
	                 api_str(m->note), "created_by", api_str(m->created_by), "created_at",
	                 api_time(m->created_at));
}

void api_mail_blocks_list(struct web_ctx *c)
{
	struct mail_block *m;
	size_t n;
	enum gcas_err e = svc_mail_block_list(c->env, &c->ac, c->a, &m, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	/* The list is short (a handful of shared addresses) and the use case returns all of it:
	 * one page, next_cursor null, in the shape every list of this API has. */
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, block_json(&m[i]));
	api_list_send(c, items, NULL);
}

void api_mail_blocks_create(struct web_ctx *c)
{
	struct block_in in = {0};
	struct verrs ve = {0};
	struct mail_block *m;
	size_t n;
	if (api_body_decode(c, &api_body_mail_block, &in, 0))
		return;
	enum gcas_err e = svc_mail_block_add(c->env, &c->ac, c->a, in.pattern, in.note, &ve);
	if (!e)
		e = svc_mail_block_list(c->env, &c->ac, c->a, &m, &n);
	if (e) {
		api_fail(c, e, &ve);
		return;
	}
	/* svc_mail_block_add does not hand back the new row; patterns are unique (UNIQUE in the
	 * schema) once trimmed and lower-cased as the use case stores them, so find it by that. */
	char *want = arena_strdup(c->a, in.pattern);
	if (!want) {
		web_fail(c, GCAS_ERR_NOMEM);
		return;
	}
	str_lower(str_trim(want));
	for (size_t i = 0; i < n; i++) {
		if (strcmp(m[i].pattern, want) != 0)
			continue;
		api_created(c, arena_printf(c->a, "/api/v1/mail-blocklist/%s", m[i].id),
		            block_json(&m[i]));
		return;
	}
	/* Removed again between the two transactions: it was added, say so without a body. */
	web_fail(c, GCAS_ERR_CONFLICT);
}

void api_mail_block_remove(struct web_ctx *c)
{
	enum gcas_err e = svc_mail_block_remove(c->env, &c->ac, c->a, web_param(c, 0));
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	api_no_content(c);
}

/* ---- the OpenAPI part (api_common.h) ------------------------------------------------------ */

static const char mail_schemas[] =
    "{\"MailBlock\":{\"type\":\"object\",\"description\":\"A refused address or pattern (規程 "
    "別表1: no mailing lists or shared addresses)\","
    "\"required\":[\"id\",\"pattern\",\"note\",\"created_by\",\"created_at\"],"
    "\"properties\":{\"id\":{\"type\":\"string\"},\"pattern\":{\"type\":\"string\"},"
    "\"note\":{\"type\":[\"string\",\"null\"]},\"created_by\":{\"type\":[\"string\",\"null\"],"
    "\"description\":\"the adding account's id, or the system label\"},"
    "\"created_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}}}}";

static const struct api_op_doc mail_ops[] = {
    {"listMailBlocks", NULL, 0, 200, "MailBlockList", NULL, "401 403"},
    {"createMailBlock", &api_body_mail_block, 0, 201, "MailBlock", NULL, "400 401 403 415 422"},
    {"deleteMailBlock", NULL, 0, 204, NULL, NULL, "401 403 404"},
};

static const char *const mail_listed[] = {"MailBlock", NULL};
static const struct api_body *const mail_bodies[] = {&api_body_mail_block, NULL};

const struct api_doc_part api_doc_mail = {mail_ops,     sizeof(mail_ops) / sizeof(mail_ops[0]),
                                          NULL,         0,
                                          mail_schemas, mail_listed,
                                          mail_bodies,  NULL};
