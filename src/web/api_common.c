/* SPDX-License-Identifier: MIT */
/* Shared JSON API helpers: body decoding, JSON views of the records, cursor paging, responses
 * and the mapping of use-case errors to RFC 9457 problems. */
#include "web/api_common.h"

#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/str.h"
#include "base/utf8.h"

int api_body_decode(struct web_ctx *c, const struct api_body *b, void *target, int optional)
{
	if (optional && c->req->body_len == 0) {
		memset(target, 0, sizeof(uint64_t));
		return 0;
	}
	return web_json_body(c, b->fields, b->nfields, target);
}

json_t *api_str(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;
	/* A stored string that is not UTF-8 cannot be sent as JSON text (RFC 8259 §8.1). */
	return v ? v : json_null();
}

json_t *api_time(int64_t t)
{
	char out[32];
	if (!t)
		return json_null();
	clock_fmt_utc(out, t);
	return json_string(out);
}

/* Build an object from (key, value) pairs; values are stolen, a NULL value becomes null. */
static json_t *obj(json_t *o, const char *key, json_t *v)
{
	if (!o) {
		json_decref(v);
		return NULL;
	}
	/* json_object_set_new releases v itself when it fails. */
	if (json_object_set_new(o, key, v ? v : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *api_org_json(const struct org *o)
{
	json_t *j = json_object();
	j = obj(j, "id", api_str(o->id));
	j = obj(j, "kind", api_str(org_kind_name(o->kind)));
	j = obj(j, "name", api_str(o->name));
	j = obj(j, "code", api_str(o->code));
	j = obj(j, "agency_type", api_str(o->agency_type));
	j = obj(j, "parent_id", api_str(o->parent_id));
	j = obj(j, "agency_id", api_str(o->agency_id));
	j = obj(j, "project_id", api_str(o->project_id));
	j = obj(j, "created_at", api_time(o->created_at));
	return j;
}

json_t *api_account_json(const struct account *acc)
{
	/* password_hash is deliberately absent: it never leaves the store layer's callers. */
	json_t *j = json_object();
	j = obj(j, "id", api_str(acc->id));
	j = obj(j, "email", api_str(acc->email));
	j = obj(j, "family_name", api_str(acc->family_name));
	j = obj(j, "given_name", api_str(acc->given_name));
	j = obj(j, "family_kana", api_str(acc->family_kana));
	j = obj(j, "given_kana", api_str(acc->given_kana));
	j = obj(j, "role", api_str(role_name(acc->role)));
	j = obj(j, "org_id", api_str(acc->org_id));
	j = obj(j, "agency_id", api_str(acc->agency_id));
	j = obj(j, "project_id", api_str(acc->project_id));
	j = obj(j, "status", api_str(account_status_name(acc->status)));
	j = obj(j, "disabled_reason", api_str(acc->disabled_reason));
	j = obj(j, "created_at", api_time(acc->created_at));
	j = obj(j, "activated_at", api_time(acc->activated_at));
	j = obj(j, "last_signin_at", api_time(acc->last_signin_at));
	j = obj(j, "version", json_integer(acc->version));
	return j;
}

json_t *api_group_json(const struct group *g)
{
	json_t *j = json_object();
	j = obj(j, "id", api_str(g->id));
	j = obj(j, "kind", api_str(group_kind_name(g->kind)));
	j = obj(j, "name", api_str(g->name));
	j = obj(j, "org_id", api_str(g->org_id));
	j = obj(j, "agency_id", api_str(g->agency_id));
	j = obj(j, "project_id", api_str(g->project_id));
	j = obj(j, "created_at", api_time(g->created_at));
	j = obj(j, "member_count", json_integer(g->members));
	return j;
}

json_t *api_member_json(const struct membership *m)
{
	json_t *j = json_object();
	j = obj(j, "account_id", api_str(m->account_id));
	j = obj(j, "email", api_str(m->email));
	j = obj(j, "family_name", api_str(m->family_name));
	j = obj(j, "given_name", api_str(m->given_name));
	j = obj(j, "role", api_str(role_name(m->role)));
	j = obj(j, "added_by", api_str(m->added_by));
	j = obj(j, "added_at", api_time(m->added_at));
	j = obj(j, "ends_at", api_time(m->ends_at));
	return j;
}

json_t *api_audit_json(const struct audit_rec *r)
{
	/* detail is stored as JSON object text; send it as an object, not a string in a string. */
	json_t *detail = r->detail ? json_loads(r->detail, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (!json_is_object(detail)) {
		json_decref(detail);
		detail = json_object();
	}
	json_t *j = json_object();
	j = obj(j, "seq", json_integer(r->seq));
	j = obj(j, "at", api_time(r->at));
	j = obj(j, "actor_id", api_str(r->actor_id));
	j = obj(j, "actor_label", api_str(r->actor_label));
	j = obj(j, "action", api_str(r->action));
	j = obj(j, "target_type", api_str(r->target_type));
	j = obj(j, "target_id", api_str(r->target_id));
	j = obj(j, "agency_id", api_str(r->agency_id));
	j = obj(j, "outcome", api_str(r->outcome));
	j = obj(j, "detail", detail);
	j = obj(j, "ip", api_str(r->ip));
	j = obj(j, "request_id", api_str(r->request_id));
	j = obj(j, "hash", api_str(r->hash));
	return j;
}

json_t *api_token_json(const struct api_token *t)
{
	/* token_hash stays out: with the hash an attacker could not sign in, but it would let
	 * them confirm a guessed secret offline. */
	json_t *scopes = json_array();
	for (const char *p = t->scopes; scopes && p && *p;) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		if (n)
			json_array_append_new(scopes, json_stringn(p, n));
		p += n + (sp ? 1 : 0);
	}
	json_t *j = json_object();
	j = obj(j, "id", api_str(t->id));
	j = obj(j, "name", api_str(t->name));
	j = obj(j, "scopes", scopes);
	j = obj(j, "created_at", api_time(t->created_at));
	j = obj(j, "expires_at", api_time(t->expires_at));
	j = obj(j, "last_used_at", api_time(t->last_used_at));
	j = obj(j, "revoked_at", api_time(t->revoked_at));
	return j;
}

void api_bad_query(struct web_ctx *c, const char *name, const char *why)
{
	struct verrs ve = {0};
	/* The pointer names the query parameter (RFC 9457 §3: extension members are free). */
	verr_add(&ve, name, why, why);
	web_problem(c, 400, "Bad Request", "A query parameter is not valid.", &ve);
}

int api_page(struct web_ctx *c, struct page *pg)
{
	const char *lim = kv_get(&c->query, "limit");
	const char *cur = kv_get(&c->query, "cursor");
	int64_t n = API_LIMIT_DEFAULT;
	*pg = (struct page){0};
	if (lim && (str_to_i64(lim, &n) || n < 1 || n > API_LIMIT_MAX)) {
		api_bad_query(c, "limit", "limit must be an integer from 1 to 500");
		return -1;
	}
	pg->limit = (int)n;
	if (!cur)
		return 0;
	/* The cursor is opaque to clients: base64url (RFC 4648 §5) of the store's key. It is
	 * checked to be UTF-8 without NUL before it reaches a bound parameter (PostgreSQL refuses
	 * bad UTF-8; a NUL would cut it short). */
	size_t len = strlen(cur);
	char *raw = len && len <= API_CURSOR_MAX ? arena_alloc(c->a, len + 1) : NULL;
	long m = raw ? b64_decode(raw, len, cur, len) : -1;
	if (m <= 0 || memchr(raw, '\0', (size_t)m) || !utf8_valid(raw, (size_t)m)) {
		api_bad_query(c, "cursor", "cursor is not one this server issued");
		return -1;
	}
	raw[m] = '\0';
	pg->after = raw;
	return 0;
}

void api_list_send(struct web_ctx *c, json_t *items, const char *next)
{
	json_t *o = json_object();
	json_t *cursor = json_null();
	if (next && *next) {
		size_t n = strlen(next);
		char *enc = arena_alloc(c->a, b64url_len(n) + 1);
		if (enc) {
			b64url_encode(enc, next, n);
			json_decref(cursor);
			cursor = json_string(enc);
		}
	}
	o = obj(o, "items", items ? items : json_array());
	o = obj(o, "next_cursor", cursor);
	api_send(c, 200, o);
}

void api_send(struct web_ctx *c, int status, json_t *body)
{
	if (!body) {
		web_fail(c, GCAS_ERR_NOMEM);
		return;
	}
	web_json(c, status, body);
}

void api_created(struct web_ctx *c, const char *path, json_t *body)
{
	api_send(c, 201, body);
	/* RFC 9110 §15.3.2: the primary resource created is identified by Location. */
	if (c->resp->status == 201 && path)
		http_resp_header(c->resp, c->a, "Location", path);
}

void api_no_content(struct web_ctx *c)
{
	c->resp->status = 204;
	c->resp->content_type = NULL;
	buf_reset(&c->resp->body);
}

void api_fail(struct web_ctx *c, enum gcas_err e, const struct verrs *ve)
{
	int has = ve && ve->n;
	if (e == GCAS_ERR_INVALID || (e == GCAS_ERR_NOTFOUND && has))
		web_problem(c, 422, "Unprocessable Content", "The input is not valid.", ve);
	else if (e == GCAS_ERR_CONFLICT)
		web_problem(c, 409, "Conflict",
		            "This conflicts with the current state or another change. Reload and "
		            "try again.",
		            ve);
	else
		web_fail(c, e);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n decimal digits at s → *v; 0 or -1. */
static int digits(const char *s, int n, int64_t *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int month_days(int64_t y, int64_t m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int api_parse_time(const char *s, int64_t *out)
{
	int64_t y, mo, d, h, mi, sec, oh = 0, om = 0;
	if (!s || strlen(s) < 20)
		return -1;
	/* RFC 3339 §5.6: full-date "T" partial-time time-offset; "t"/"z" allowed (note in §5.6). */
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 || sec > 60)
		return -1;
	const char *p = s + 19;
	if (*p == '.') {
		const char *f = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == f)
			return -1;
	}
	int sign = 0;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6) {
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return -1;
		sign = *p == '+' ? 1 : -1;
	} else {
		return -1;
	}
	if (sec == 60) /* a leap second: the instant is the end of that minute */
		sec = 59;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	*out = t - sign * (oh * 3600 + om * 60);
	return 0;
}
