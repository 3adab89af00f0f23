/* SPDX-License-Identifier: MIT */
/* /api/v1/audit: the tamper-evident audit log (R6.4), newest first, within what the matrix lets
 * the caller read (the operator everything, an agency manager their agency's records). */
#include <string.h>

#include "base/str.h"
#include "svc/audit.h"
#include "web/api_common.h"
#include "web/handlers.h"

/* 1 when s is 1..max characters of [A-Za-z0-9._-]: ids and action names. No '%' reaches the
 * store's LIKE prefix; a '_' there also matches any one character, which can only widen an
 * action prefix to a sibling name, never past the caller's scope. */
static int plain_token(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		         (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		if (!ok)
			return 0;
	}
	return 1;
}

/* since / until: an RFC 3339 date-time, or a full-date "2026-04-01" read as that day in Japan
 * time like the audit page's filter (until then covers the whole day). */
static int time_param(struct web_ctx *c, const char *name, int64_t *out)
{
	const char *v = kv_get(&c->query, name);
	*out = 0;
	if (!v)
		return 0;
	int date_only = strlen(v) == 10;
	const char *full = date_only ? arena_printf(c->a, "%sT00:00:00+09:00", v) : v;
	if (!full || api_parse_time(full, out)) {
		api_bad_query(c, name,
		              "must be an RFC 3339 date-time (2026-04-01T09:00:00+09:00) or a date "
		              "(2026-04-01, Japan time)");
		return -1;
	}
	if (date_only && strcmp(name, "until") == 0)
		*out += 86400; /* the store's bound is exclusive: up to the end of that day */
	return 0;
}

/* Query filters mirroring the audit page: action (prefix), actor (account id), target (id),
 * since (inclusive) and until (exclusive). */
static int audit_filter(struct web_ctx *c, struct audit_filter *f)
{
	static const char *const ids[] = {"action", "actor", "target"};
	const char *v[3];
	*f = (struct audit_filter){0};
	for (size_t i = 0; i < 3; i++) {
		v[i] = kv_get(&c->query, ids[i]);
		if (v[i] && !plain_token(v[i], 64)) {
			api_bad_query(c, ids[i], "must be 1-64 characters of A-Z a-z 0-9 . _ -");
			return -1;
		}
	}
	f->action_prefix = v[0];
	f->actor_id = v[1];
	f->target_id = v[2];
	if (time_param(c, "since", &f->since) || time_param(c, "until", &f->until))
		return -1;
	if (kv_get(&c->query, "since") && kv_get(&c->query, "until") && f->since >= f->until) {
		api_bad_query(c, "until", "until must be later than since");
		return -1;
	}
	/* 0 means "unbounded" to the store: keep an early bound a bound. */
	if (kv_get(&c->query, "until") && f->until <= 0)
		f->until = 1;
	if (f->since < 0)
		f->since = 0;
	return 0;
}

void api_audit_list(struct web_ctx *c)
{
	struct page pg;
	struct audit_filter f;
	struct audit_rec *recs;
	size_t n;
	int64_t seq;
	if (api_page(c, &pg) || audit_filter(c, &f))
		return;
	/* Audit cursors are record numbers. */
	if (pg.after && (str_to_i64(pg.after, &seq) || seq < 1)) {
		api_bad_query(c, "cursor", "cursor is not one this server issued");
		return;
	}
	enum gcas_err e = svc_audit_list(c->env, &c->ac, c->a, &f, &pg, &recs, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, api_audit_json(&recs[i]));
	api_list_send(c, items, pg.next);
}
