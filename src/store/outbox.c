/* SPDX-License-Identifier: MIT */
/* Typed store operations for the mail outbox and the operator's blocklist (R2.8, R5.5), the
 * verification state of account addresses, and one-time links checked by purpose. */
#include "store/outbox.h"

#include <stddef.h>
#include <stdlib.h>

#include "store/internal.h"

#define O(f) offsetof(struct outbox_msg, f)
static const struct colmap outbox_cols[] = {
    {O(id), COL_STR, NULL},
    {O(to_addr), COL_STR, NULL},
    {O(account_id), COL_STR, NULL},
    {O(template_name), COL_STR, NULL},
    {O(subject), COL_STR, NULL},
    {O(body), COL_STR, NULL},
    {O(state), COL_STR, NULL},
    {O(attempts), COL_I64, NULL},
    {O(next_attempt_at), COL_I64, NULL},
    {O(lease_until), COL_I64, NULL},
    {O(last_error), COL_STR, NULL},
    {O(created_at), COL_I64, NULL},
    {O(sent_at), COL_I64, NULL},
    {O(sensitive), COL_I64, NULL},
};
#undef O
#define NOUT ((int)(sizeof(outbox_cols) / sizeof(outbox_cols[0])))

enum gcas_err store_outbox_insert(struct db *db, const struct outbox_msg *m)
{
	struct db_param p[] = {P_TEXT(m->id),         P_TEXT(m->to_addr),
	                       P_TEXT(m->account_id), P_TEXT(m->template_name),
	                       P_TEXT(m->subject),    P_TEXT(m->body),
	                       P_INT(m->created_at),  P_INT(m->sensitive ? 1 : 0)};
	return db_change(db, STMT_OUTBOX_INSERT, p, NPARAMS(p), NULL);
}

/* Objects keyed by column for STMT_LIFE_OUTBOX_INSERT_MANY's json_to_recordset / json_each. */
enum gcas_err store_outbox_insert_many(struct db *db, const struct outbox_msg *m, size_t n)
{
	if (n == 0)
		return GCAS_OK;
	struct jrows rows;
	jrows_init(&rows);
	for (size_t i = 0; i < n; i++) {
		jrows_row(&rows);
		jrows_str(&rows, "id", m[i].id);
		jrows_str(&rows, "to_addr", m[i].to_addr);
		jrows_str(&rows, "account_id", m[i].account_id);
		jrows_str(&rows, "template", m[i].template_name);
		jrows_str(&rows, "subject", m[i].subject);
		jrows_str(&rows, "body", m[i].body);
		jrows_int(&rows, "created_at", m[i].created_at);
	}
	return db_change_rows(db, STMT_LIFE_OUTBOX_INSERT_MANY, &rows);
}

static enum gcas_err outbox_rows(struct db *db, struct arena *a, enum stmt_id id,
                                 const struct db_param *p, int np, size_t max,
                                 struct outbox_msg **out, size_t *n)
{
	void *items = NULL;
	enum gcas_err e = db_query_list(db, a, id, p, np, outbox_cols, NOUT,
	                                sizeof(struct outbox_msg), max, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_outbox_lease(struct db *db, struct arena *a, int64_t now, int64_t lease_until,
                                 int limit, struct outbox_msg **out, size_t *n)
{
	struct db_param p[] = {P_INT(now), P_INT(lease_until), P_INT(limit)};
	return outbox_rows(db, a, STMT_OUTBOX_LEASE, p, NPARAMS(p), (size_t)limit, out, n);
}

enum gcas_err store_outbox_sent(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_OUTBOX_SENT, p, NPARAMS(p), NULL);
}

enum gcas_err store_outbox_retry(struct db *db, const char *id, int64_t attempts,
                                 int64_t next_attempt_at, const char *error, int failed)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(failed ? "failed" : "queued"), P_INT(attempts),
	                       P_INT(next_attempt_at), P_TEXT(error)};
	return db_change(db, STMT_OUTBOX_RETRY, p, NPARAMS(p), NULL);
}

enum gcas_err store_outbox_erase_body(struct db *db, const char *id, const char *body, int64_t *n)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(body)};
	int64_t k = 0;
	enum gcas_err e = db_change(db, STMT_OUTBOX_ERASE_BODY, p, NPARAMS(p), &k);
	if (n)
		*n = k;
	return e;
}

enum gcas_err store_outbox_purge(struct db *db, int64_t before, int limit, int64_t *n)
{
	struct db_param p[] = {P_INT(before), P_INT(limit)};
	*n = 0;
	return db_change(db, STMT_OUTBOX_PURGE, p, NPARAMS(p), n);
}

enum gcas_err store_outbox_get(struct db *db, struct arena *a, const char *id,
                               struct outbox_msg *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_OUTBOX_GET, p, 1, outbox_cols, NOUT, out);
}

enum gcas_err store_outbox_list(struct db *db, struct arena *a, const char *state,
                                const char *to_addr, int limit, struct outbox_msg **out, size_t *n)
{
	if (limit <= 0 || limit > 1000)
		limit = 1000;
	struct db_param p[] = {P_TEXT(state), P_TEXT(to_addr), P_INT(limit)};
	return outbox_rows(db, a, STMT_OUTBOX_LIST, p, NPARAMS(p), (size_t)limit, out, n);
}

enum gcas_err store_outbox_count(struct db *db, const char *state, int64_t *n)
{
	struct db_param p[] = {P_TEXT(state)};
	return db_query_int(db, STMT_OUTBOX_COUNT, p, 1, n);
}

enum gcas_err store_outbox_delete_for_org(struct db *db, const char *org_id, int64_t *n)
{
	int64_t k = 0;
	struct db_param p[] = {P_TEXT(org_id)};
	int64_t k2 = 0;
	enum gcas_err e = db_change(db, STMT_OUTBOX_ORG_DELETE, p, NPARAMS(p), &k);
	if (!e)
		e = db_change(db, STMT_OUTBOX_ORG_APP_DELETE, p, NPARAMS(p), &k2);
	if (n)
		*n = k + k2;
	return e;
}

#define B(f) offsetof(struct blocklist_row, f)
static const struct colmap block_cols[] = {
    {B(id), COL_STR, NULL},         {B(pattern), COL_STR, NULL},    {B(note), COL_STR, NULL},
    {B(created_by), COL_STR, NULL}, {B(created_at), COL_I64, NULL},
};
#undef B
#define NBLK ((int)(sizeof(block_cols) / sizeof(block_cols[0])))

enum gcas_err store_blocklist_insert(struct db *db, const struct blocklist_row *r)
{
	struct db_param p[] = {P_TEXT(r->id), P_TEXT(r->pattern), P_TEXT(r->note),
	                       P_TEXT(r->created_by), P_INT(r->created_at)};
	return db_change(db, STMT_BLOCK_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_blocklist_get(struct db *db, struct arena *a, const char *id,
                                  struct blocklist_row *out)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_query_one(db, a, STMT_BLOCK_GET, p, 1, block_cols, NBLK, out);
}

enum gcas_err store_blocklist_delete(struct db *db, const char *id)
{
	struct db_param p[] = {P_TEXT(id)};
	return db_change(db, STMT_BLOCK_DELETE, p, 1, NULL);
}

enum gcas_err store_blocklist_list(struct db *db, struct arena *a, int limit,
                                   struct blocklist_row **out, size_t *n)
{
	if (limit <= 0 || limit > 10000)
		limit = 10000;
	struct db_param p[] = {P_INT(limit)};
	void *items = NULL;
	enum gcas_err e = db_query_list(db, a, STMT_BLOCK_LIST, p, 1, block_cols, NBLK,
	                                sizeof(struct blocklist_row), (size_t)limit, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_email_in_use(struct db *db, const char *email, const char *except_account_id,
                                 int64_t *n)
{
	struct db_param p[] = {P_TEXT(email), P_TEXT(except_account_id)};
	return db_query_int(db, STMT_EMAIL_IN_USE, p, NPARAMS(p), n);
}

enum gcas_err store_account_set_pending_email(struct db *db, const char *id, const char *pending,
                                              int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(pending), P_INT(at)};
	return db_change(db, STMT_ACCOUNT_SET_PENDING_EMAIL, p, NPARAMS(p), NULL);
}

enum gcas_err store_account_email_verified(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_ACCOUNT_EMAIL_VERIFIED, p, NPARAMS(p), NULL);
}

enum gcas_err store_account_email_apply(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_ACCOUNT_EMAIL_APPLY, p, NPARAMS(p), NULL);
}

struct link_row {
	const char *account_id, *purpose;
};
static const struct colmap link_cols[] = {{offsetof(struct link_row, account_id), COL_STR, NULL},
                                          {offsetof(struct link_row, purpose), COL_STR, NULL}};

static enum gcas_err link_read(struct db *db, struct arena *a, enum stmt_id id, const char *id_hash,
                               const char *purpose, int64_t now, const char **account_id)
{
	struct db_param p[] = {P_TEXT(id_hash), P_INT(now), P_TEXT(purpose)};
	struct link_row r = {0};
	*account_id = NULL;
	if (!purpose)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = db_query_one(db, a, id, p, NPARAMS(p), link_cols, 2, &r);
	*account_id = r.account_id;
	return e;
}

enum gcas_err store_link_peek_purpose(struct db *db, struct arena *a, const char *id_hash,
                                      const char *purpose, int64_t now, const char **account_id)
{
	return link_read(db, a, STMT_LINK_PEEK_PURPOSE, id_hash, purpose, now, account_id);
}

enum gcas_err store_link_use_purpose(struct db *db, struct arena *a, const char *id_hash,
                                     const char *purpose, int64_t now, const char **account_id)
{
	return link_read(db, a, STMT_LINK_USE_PURPOSE, id_hash, purpose, now, account_id);
}

enum gcas_err store_link_revoke_purpose(struct db *db, const char *account_id, const char *purpose,
                                        int64_t now)
{
	struct db_param p[] = {P_TEXT(account_id), P_INT(now), P_TEXT(purpose)};
	int64_t n;
	return db_change(db, STMT_LINK_REVOKE_PURPOSE, p, NPARAMS(p), &n);
}
