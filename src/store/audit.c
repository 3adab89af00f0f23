/* SPDX-License-Identifier: MIT */
/* Typed store operations on the audit log (R6.4) and on job leases. The chain head row is
 * updated in the same transaction as the record it points to; the UPDATE locks it, so records
 * are appended one at a time in seq order on both engines. */
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>

#include "base/str.h"

#include "store/internal.h"

#define R(f) offsetof(struct audit_rec, f)
static const struct colmap audit_cols[] = {
    {R(seq), COL_I64, NULL},         {R(at), COL_I64, NULL},        {R(actor_id), COL_STR, NULL},
    {R(actor_label), COL_STR, NULL}, {R(action), COL_STR, NULL},    {R(target_type), COL_STR, NULL},
    {R(target_id), COL_STR, NULL},   {R(agency_id), COL_STR, NULL}, {R(outcome), COL_STR, NULL},
    {R(detail), COL_STR, NULL},      {R(ip), COL_STR, NULL},        {R(request_id), COL_STR, NULL},
    {R(prev_hash), COL_STR, NULL},   {R(hash), COL_STR, NULL},      {R(mac), COL_STR, NULL},
};
#undef R
#define NAUD ((int)(sizeof(audit_cols) / sizeof(audit_cols[0])))

struct head {
	int64_t seq;
	const char *hash;
};

static enum gcas_err head(struct db *db, struct arena *a, enum stmt_id id, int64_t *seq,
                          const char **hash)
{
	static const struct colmap cols[] = {{offsetof(struct head, seq), COL_I64, NULL},
	                                     {offsetof(struct head, hash), COL_STR, NULL}};
	struct head h = {0};
	enum gcas_err e = db_query_one(db, a, id, NULL, 0, cols, 2, &h);
	*seq = h.seq;
	*hash = h.hash;
	return e;
}

enum gcas_err store_audit_head(struct db *db, struct arena *a, int64_t *seq, const char **hash)
{
	return head(db, a, STMT_AUDIT_HEAD_LOCK, seq, hash);
}

enum gcas_err store_audit_head_read(struct db *db, struct arena *a, int64_t *seq, const char **hash)
{
	return head(db, a, STMT_AUDIT_HEAD_READ, seq, hash);
}

enum gcas_err store_audit_insert(struct db *db, const struct audit_rec *r)
{
	struct db_param p[] = {P_INT(r->seq),          P_INT(r->at),         P_TEXT(r->actor_id),
	                       P_TEXT(r->actor_label), P_TEXT(r->action),    P_TEXT(r->target_type),
	                       P_TEXT(r->target_id),   P_TEXT(r->agency_id), P_TEXT(r->outcome),
	                       P_TEXT(r->detail),      P_TEXT(r->ip),        P_TEXT(r->request_id),
	                       P_TEXT(r->prev_hash),   P_TEXT(r->hash),      P_TEXT(r->mac)};
	/* Deferred: an audited use case appends last, so on PostgreSQL both writes go with the
	 * COMMIT, and the head's row lock taken just before is held for one round trip. */
	enum gcas_err e = db_change_later(db, STMT_AUDIT_INSERT, p, NPARAMS(p));
	if (e)
		return e;
	struct db_param h[] = {P_INT(r->seq), P_TEXT(r->hash)};
	return db_change_later(db, STMT_AUDIT_HEAD_SET, h, NPARAMS(h));
}

enum gcas_err store_audit_insert_many(struct db *db, const struct audit_rec *r, size_t n)
{
	if (n == 0)
		return GCAS_OK;
	struct jrows rows;
	jrows_init(&rows);
	for (size_t i = 0; i < n; i++) {
		jrows_row(&rows);
		jrows_int(&rows, "seq", r[i].seq);
		jrows_int(&rows, "at", r[i].at);
		jrows_str(&rows, "actor_id", r[i].actor_id);
		jrows_str(&rows, "actor_label", r[i].actor_label);
		jrows_str(&rows, "action", r[i].action);
		jrows_str(&rows, "target_type", r[i].target_type);
		jrows_str(&rows, "target_id", r[i].target_id);
		jrows_str(&rows, "agency_id", r[i].agency_id);
		jrows_str(&rows, "outcome", r[i].outcome);
		jrows_str(&rows, "detail", r[i].detail);
		jrows_str(&rows, "ip", r[i].ip);
		jrows_str(&rows, "request_id", r[i].request_id);
		jrows_str(&rows, "prev_hash", r[i].prev_hash);
		jrows_str(&rows, "hash", r[i].hash);
		jrows_str(&rows, "mac", r[i].mac);
	}
	enum gcas_err e = db_change_rows(db, STMT_AUDIT_INSERT_MANY, &rows);
	if (e)
		return e;
	struct db_param h[] = {P_INT(r[n - 1].seq), P_TEXT(r[n - 1].hash)};
	return db_change_later(db, STMT_AUDIT_HEAD_SET, h, NPARAMS(h));
}

enum gcas_err store_audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
                               struct page *pg, struct audit_rec **out, size_t *n)
{
	int lim = db_page_limit(pg, 1000);
	int64_t before = 0;
	if (pg && pg->after && str_to_i64(pg->after, &before))
		return GCAS_ERR_INVALID;
	/* An exact, case-sensitive prefix (no LIKE wildcards: '_' and '%' are literal). */
	const char *prefix = f->action_prefix && *f->action_prefix ? f->action_prefix : NULL;
	struct db_param p[] = {P_TEXT(f->agency_id),
	                       P_TEXT(f->actor_id),
	                       P_TEXT(prefix),
	                       P_TEXT(f->target_id),
	                       f->since ? P_INT(f->since) : P_NULL,
	                       f->until ? P_INT(f->until) : P_NULL,
	                       before ? P_INT(before) : P_NULL,
	                       P_INT(lim + 1)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_AUDIT_LIST, p, NPARAMS(p), audit_cols, NAUD,
	                                sizeof(struct audit_rec), (size_t)lim + 1, &items, n);
	*out = items;
	if (e || !pg)
		return e;
	pg->next = NULL;
	if (*n > (size_t)lim) {
		*n = (size_t)lim;
		pg->next = arena_printf(a, "%lld", (long long)(*out)[lim - 1].seq);
	}
	return GCAS_OK;
}

enum gcas_err store_audit_scan(struct db *db, struct arena *a, int64_t after, int limit,
                               struct audit_rec **out, size_t *n)
{
	struct db_param p[] = {P_INT(after), P_INT(limit)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_AUDIT_SCAN, p, NPARAMS(p), audit_cols, NAUD,
	                                sizeof(struct audit_rec), (size_t)limit, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_job_lease(struct db *db, const char *name, const char *owner, int64_t now,
                              int64_t until_at)
{
	struct db_param p[] = {P_TEXT(name), P_TEXT(owner), P_INT(now), P_INT(until_at)};
	int64_t n = 0;
	enum gcas_err e = db_change(db, STMT_JOB_LEASE, p, NPARAMS(p), &n);
	if (e)
		return e;
	return n == 1 ? GCAS_OK : GCAS_ERR_CONFLICT;
}
