/* SPDX-License-Identifier: MIT */
/* POST /api/v1/imports: bulk onboarding (issue 3 §8) for clients — the CSV file of people is the
 * raw text/csv request body, ?dry_run=true checks it without writing. All or nothing like the
 * page: a refused file is a 422 problem naming every refused row as "/rows/<line>/<column>".
 * Authorisation, validation and auditing are svc_import_accounts's. */
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "svc/import.h"
#include "web/api_common.h"
#include "web/handlers.h"

/* Refusals sent in one problem; the rest are counted in errors_omitted (the CLI lists all). */
#define MAX_ERRORS 1000

/* 1 when the Content-Type names text/csv (RFC 4180 §3; parameters such as charset allowed). */
static int is_csv(const char *ct)
{
	size_t n = strlen("text/csv");
	return ct && strncasecmp(ct, "text/csv", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/* RFC 6901 §3: "~" is written "~0" and "/" is written "~1" inside a reference token. */
static void pointer_token(struct buf *b, const char *s)
{
	buf_putc(b, '/');
	for (; *s; s++) {
		if (*s == '~')
			buf_puts(b, "~0");
		else if (*s == '/')
			buf_puts(b, "~1");
		else
			buf_putc(b, *s);
	}
}

/* "/rows/<line>/<column>" for a refused row (column as named in the file's header row),
 * "/rows/<line>" for the row as a whole and "" (the whole body, RFC 6901 §5) for the file. */
static json_t *refusal_json(const struct import_refusal *r)
{
	struct buf b;
	buf_init(&b, 4096);
	if (r->line) {
		buf_printf(&b, "/rows/%zu", r->line);
		if (r->field)
			pointer_token(&b, r->field);
	}
	json_t *o =
	    json_pack("{s:s, s:I, s:o, s:s, s:s}", "pointer", b.failed || !b.data ? "" : b.data,
	              "line", (json_int_t)r->line, "field", api_str(r->field), "detail",
	              r->en ? r->en : "", "detail_ja", r->ja ? r->ja : "");
	buf_free(&b);
	return o;
}

/* The refused file as an RFC 9457 problem with one errors entry per refusal (same members as
 * web_problem's, plus the row counts). */
static void refused(struct web_ctx *c, const struct import_report *rep)
{
	size_t n = rep->nrefusals < MAX_ERRORS ? rep->nrefusals : MAX_ERRORS;
	json_t *errs = json_array();
	for (size_t i = 0; errs && i < n; i++)
		json_array_append_new(errs, refusal_json(&rep->refusals[i]));
	const char *detail =
	    rep->rows ? arena_printf(c->a, "%zu of %zu rows were refused. Nothing was written.",
	                             rep->refused_rows, rep->rows)
	              : "The file could not be read. Nothing was written.";
	json_t *o =
	    json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:b, s:o, s:I}", "type", "about:blank",
	              "title", "Unprocessable Content", "status", 422, "detail",
	              detail ? detail : "Nothing was written.", "rows", (json_int_t)rep->rows,
	              "refused_rows", (json_int_t)rep->refused_rows, "dry_run", rep->dry_run,
	              "errors", errs, "errors_omitted", (json_int_t)(rep->nrefusals - n));
	if (o && c->req->request_id)
		json_object_set_new(o, "request_id", json_string(c->req->request_id));
	api_send(c, 422, o);
	if (c->resp->status == 422)
		c->resp->content_type = "application/problem+json";
}

void api_imports_create(struct web_ctx *c)
{
	struct import_report rep;
	const char *dry = kv_get(&c->query, "dry_run");
	if (dry && strcmp(dry, "true") != 0 && strcmp(dry, "false") != 0) {
		api_bad_query(c, "dry_run", "dry_run must be true or false");
		return;
	}
	if (!is_csv(http_req_header(c->req, "Content-Type"))) {
		web_problem(c, 415, "Unsupported Media Type",
		            "Send the file as text/csv (UTF-8, byte order mark optional).", NULL);
		return;
	}
	int dry_run = dry && strcmp(dry, "true") == 0;
	const char *body = c->req->body ? c->req->body : "";
	enum gcas_err e = svc_import_accounts(c->env, &c->ac, c->a, body, c->req->body_len, dry_run,
	                                      NULL, NULL, &rep);
	if (e == GCAS_ERR_INVALID) {
		refused(c, &rep);
		return;
	}
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *o = json_pack("{s:o, s:I, s:I, s:b, s:b}", "import_id",
	                      api_str(rep.committed ? rep.import_id : NULL), "rows",
	                      (json_int_t)rep.rows, "created", (json_int_t)rep.created, "committed",
	                      rep.committed, "dry_run", rep.dry_run);
	if (!rep.committed) {
		api_send(c, 200, o); /* a clean dry run: nothing to point at */
		return;
	}
	/* The batch is a filter of the applications list (GET /applications?import_id=). */
	api_created(c, arena_printf(c->a, "/api/v1/applications?import_id=%s", rep.import_id), o);
}

/* ---- the OpenAPI part (api_common.h) ------------------------------------------------------ */

static const char import_schemas[] =
    "{\"ImportResult\":{\"type\":\"object\",\"description\":\"A committed import (201: one "
    "create application per row under import_id; Location lists them) or a clean dry run (200: "
    "committed false, import_id null, nothing written). A refused file is a 422 problem whose "
    "errors name each refused row: pointer /rows/<line>/<column>, line, field, detail, "
    "detail_ja.\","
    "\"required\":[\"import_id\",\"rows\",\"created\",\"committed\",\"dry_run\"],"
    "\"properties\":{\"import_id\":{\"type\":[\"string\",\"null\"]},"
    "\"rows\":{\"type\":\"integer\"},\"created\":{\"type\":\"integer\"},"
    "\"committed\":{\"type\":\"boolean\"},\"dry_run\":{\"type\":\"boolean\"}}}}";

static const struct api_param_doc import_params[] = {
    {"dry_run", "{\"type\":\"boolean\"}",
     "Check every row the same way and write nothing (answers 200)."},
};

static const struct api_op_doc import_ops[] = {
    {"createImport", NULL, 0, 201, "ImportResult", "dry_run", "400 401 403 413 415 422"},
};

static const struct api_raw_body import_raw[] = {
    {"createImport", "text/csv",
     "The people to apply for, one row each, UTF-8 with or without BOM (docs/import.md)."},
    {NULL, NULL, NULL},
};

const struct api_doc_part api_doc_import = {
    import_ops,     sizeof(import_ops) / sizeof(import_ops[0]),
    import_params,  sizeof(import_params) / sizeof(import_params[0]),
    import_schemas, NULL,
    NULL,           import_raw};
