/* SPDX-License-Identifier: MIT */
/* Typed store operations for authentication state: second factors, sessions, sign-in throttling
 * and personal API tokens. All of it lives in the database so several nodes share it. */
#include <stddef.h>

#include "store/internal.h"

#define F(f) offsetof(struct factor, f)
static const struct colmap factor_cols[] = {
    {F(id), COL_STR, NULL},
    {F(account_id), COL_STR, NULL},
    {F(kind), COL_ENUM, factor_kind_parse},
    {F(label), COL_STR, NULL},
    {F(secret), COL_STR, NULL},
    {F(credential_id), COL_STR, NULL},
    {F(public_key), COL_STR, NULL},
    {F(sign_count), COL_I64, NULL},
    {F(last_used_step), COL_I64, NULL},
    {F(confirmed), COL_INT, NULL},
    {F(created_at), COL_I64, NULL},
    {F(used_at), COL_I64, NULL},
};
#undef F
#define NFAC ((int)(sizeof(factor_cols) / sizeof(factor_cols[0])))

enum gcas_err store_factor_insert(struct db *db, const struct factor *f)
{
	struct db_param p[] = {
	    P_TEXT(f->id),         P_TEXT(f->account_id), P_TEXT(factor_kind_name(f->kind)),
	    P_TEXT(f->label),      P_TEXT(f->secret),     P_TEXT(f->credential_id),
	    P_TEXT(f->public_key), P_INT(f->sign_count),  P_INT(f->last_used_step),
	    P_INT(f->confirmed),   P_INT(f->created_at),  f->used_at ? P_INT(f->used_at) : P_NULL};
	return db_change(db, STMT_FACTOR_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_factor_list(struct db *db, struct arena *a, const char *account_id,
                                struct factor **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(account_id)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_FACTOR_LIST, p, 1, factor_cols, NFAC,
	                                sizeof(struct factor), 256, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_factor_confirm(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_FACTOR_CONFIRM, p, NPARAMS(p), NULL);
}

enum gcas_err store_factor_use_step(struct db *db, const char *id, int64_t step, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(step), P_INT(at)};
	enum gcas_err e = db_change(db, STMT_FACTOR_USE_STEP, p, NPARAMS(p), NULL);
	/* RFC 6238 §5.2: a code is accepted once; a step not after the last one is a replay. */
	return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
}

enum gcas_err store_factor_use_once(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	enum gcas_err e = db_change(db, STMT_FACTOR_USE_ONCE, p, NPARAMS(p), NULL);
	return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
}

enum gcas_err store_factor_credential_exists(struct db *db, const char *credential_id, int *out)
{
	struct db_param p[] = {P_TEXT(credential_id)};
	int64_t n = 0;
	enum gcas_err e = db_query_int(db, STMT_FACTOR_CREDENTIAL_COUNT, p, NPARAMS(p), &n);
	*out = n > 0;
	return e;
}

enum gcas_err store_factor_use_count(struct db *db, const char *id, int64_t count, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(count), P_INT(at)};
	enum gcas_err e = db_change(db, STMT_FACTOR_USE_COUNT, p, NPARAMS(p), NULL);
	/* WebAuthn §6.1.1: the counter only grows (or stays 0 on keys without one); checked again
	 * here so two racing sign-ins cannot both pass with the same count. */
	return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_CONFLICT : e;
}

enum gcas_err store_factor_delete(struct db *db, const char *id, const char *account_id)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(account_id)};
	return db_change(db, STMT_FACTOR_DELETE, p, NPARAMS(p), NULL);
}

enum gcas_err store_factor_delete_all(struct db *db, const char *account_id, int kind)
{
	struct db_param p[] = {P_TEXT(account_id),
	                       P_TEXT(kind >= 0 ? factor_kind_name((enum factor_kind)kind) : NULL)};
	int64_t n;
	return db_change(db, STMT_FACTOR_DELETE_ALL, p, NPARAMS(p), &n);
}

#define S(f) offsetof(struct session, f)
static const struct colmap session_cols[] = {
    {S(id_hash), COL_STR, NULL},      {S(account_id), COL_STR, NULL},
    {S(csrf), COL_STR, NULL},         {S(lang), COL_STR, NULL},
    {S(ip), COL_STR, NULL},           {S(created_at), COL_I64, NULL},
    {S(last_seen_at), COL_I64, NULL}, {S(expires_at), COL_I64, NULL},
    {S(mfa_at), COL_I64, NULL},       {S(reauth_at), COL_I64, NULL},
};
#undef S
#define NSES ((int)(sizeof(session_cols) / sizeof(session_cols[0])))

enum gcas_err store_session_insert(struct db *db, const struct session *s)
{
	struct db_param p[] = {P_TEXT(s->id_hash),     P_TEXT(s->account_id), P_TEXT(s->csrf),
	                       P_TEXT(s->lang),        P_TEXT(s->ip),         P_INT(s->created_at),
	                       P_INT(s->last_seen_at), P_INT(s->expires_at),  P_INT(s->mfa_at),
	                       P_INT(s->reauth_at)};
	return db_change(db, STMT_SESSION_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_session_get(struct db *db, struct arena *a, const char *id_hash,
                                struct session *out)
{
	struct db_param p[] = {P_TEXT(id_hash)};
	return db_query_one(db, a, STMT_SESSION_GET, p, 1, session_cols, NSES, out);
}

static enum gcas_err session_set(struct db *db, enum stmt_id id, const char *h, int64_t v)
{
	struct db_param p[] = {P_TEXT(h), P_INT(v)};
	return db_change(db, id, p, NPARAMS(p), NULL);
}

enum gcas_err store_session_touch(struct db *db, const char *id_hash, int64_t at)
{
	return session_set(db, STMT_SESSION_TOUCH, id_hash, at);
}

enum gcas_err store_session_mfa(struct db *db, const char *id_hash, int64_t at)
{
	return session_set(db, STMT_SESSION_MFA, id_hash, at);
}

enum gcas_err store_session_reauth(struct db *db, const char *id_hash, int64_t at)
{
	return session_set(db, STMT_SESSION_REAUTH, id_hash, at);
}

enum gcas_err store_session_set_lang(struct db *db, const char *id_hash, const char *lang)
{
	struct db_param p[] = {P_TEXT(id_hash), P_TEXT(lang)};
	return db_change(db, STMT_SESSION_SET_LANG, p, NPARAMS(p), NULL);
}

enum gcas_err store_session_delete(struct db *db, const char *id_hash)
{
	struct db_param p[] = {P_TEXT(id_hash)};
	int64_t n;
	return db_change(db, STMT_SESSION_DELETE, p, 1, &n);
}

enum gcas_err store_session_delete_account(struct db *db, const char *account_id)
{
	struct db_param p[] = {P_TEXT(account_id)};
	int64_t n;
	return db_change(db, STMT_SESSION_DELETE_ACCOUNT, p, 1, &n);
}

enum gcas_err store_session_delete_others(struct db *db, const char *account_id,
                                          const char *keep_hash)
{
	struct db_param p[] = {P_TEXT(account_id), P_TEXT(keep_hash)};
	int64_t n;
	return db_change(db, STMT_SESSION_DELETE_OTHERS, p, NPARAMS(p), &n);
}

enum gcas_err store_session_sweep(struct db *db, int64_t now, int64_t idle_before, int64_t *deleted)
{
	struct db_param p[] = {P_INT(now), P_INT(idle_before)};
	return db_change(db, STMT_SESSION_SWEEP, p, NPARAMS(p), deleted);
}

enum gcas_err store_session_count(struct db *db, int64_t *n)
{
	return db_query_int(db, STMT_SESSION_COUNT, NULL, 0, n);
}

#define SP(f) offsetof(struct session_purpose, f)
static const struct colmap purpose_cols[] = {
    {SP(purpose), COL_STR, NULL}, {SP(reason), COL_STR, NULL}, {SP(until), COL_I64, NULL}};
#undef SP

enum gcas_err store_session_purpose_set(struct db *db, const char *id_hash, const char *purpose,
                                        const char *reason, int64_t until)
{
	struct db_param p[] = {P_TEXT(id_hash), P_TEXT(purpose), P_TEXT(reason), P_INT(until)};
	return db_change(db, STMT_SESSION_PURPOSE_SET, p, NPARAMS(p), NULL);
}

enum gcas_err store_session_purpose_get(struct db *db, struct arena *a, const char *id_hash,
                                        struct session_purpose *out)
{
	struct db_param p[] = {P_TEXT(id_hash)};
	*out = (struct session_purpose){0};
	return db_query_one(db, a, STMT_SESSION_PURPOSE_GET, p, 1, purpose_cols, 3, out);
}

#define T(f) offsetof(struct throttle_state, f)
static const struct colmap throttle_cols[] = {{T(failures), COL_I64, NULL},
                                              {T(window_start), COL_I64, NULL},
                                              {T(locked_until), COL_I64, NULL}};
#undef T

enum gcas_err store_throttle_get(struct db *db, const char *key, struct throttle_state *out)
{
	struct db_param p[] = {P_TEXT(key)};
	*out = (struct throttle_state){0};
	enum gcas_err e = db_query_one(db, NULL, STMT_THROTTLE_GET, p, 1, throttle_cols, 3, out);
	return e == GCAS_ERR_NOTFOUND ? GCAS_OK : e;
}

enum gcas_err store_throttle_lock(struct db *db, const char *key, struct throttle_state *out)
{
	struct db_param p[] = {P_TEXT(key)};
	int64_t n;
	enum gcas_err e = db_change(db, STMT_THROTTLE_ENSURE, p, 1, &n);
	if (e)
		return e;
	*out = (struct throttle_state){0};
	return db_query_one(db, NULL, STMT_THROTTLE_LOCK, p, 1, throttle_cols, 3, out);
}

enum gcas_err store_throttle_put(struct db *db, const char *key, const struct throttle_state *t)
{
	struct db_param p[] = {P_TEXT(key), P_INT(t->failures), P_INT(t->window_start),
	                       P_INT(t->locked_until)};
	return db_change(db, STMT_THROTTLE_PUT, p, NPARAMS(p), NULL);
}

enum gcas_err store_throttle_sweep(struct db *db, int64_t now, int64_t quiet_before,
                                   int64_t *deleted)
{
	struct db_param p[] = {P_INT(now), P_INT(quiet_before)};
	return db_change(db, STMT_THROTTLE_SWEEP, p, NPARAMS(p), deleted);
}

enum gcas_err store_throttle_clear(struct db *db, const char *key)
{
	struct db_param p[] = {P_TEXT(key)};
	int64_t n;
	return db_change(db, STMT_THROTTLE_CLEAR, p, 1, &n);
}

#define K(f) offsetof(struct api_token, f)
static const struct colmap token_cols[] = {
    {K(id), COL_STR, NULL},         {K(account_id), COL_STR, NULL},
    {K(name), COL_STR, NULL},       {K(token_hash), COL_STR, NULL},
    {K(scopes), COL_STR, NULL},     {K(created_at), COL_I64, NULL},
    {K(expires_at), COL_I64, NULL}, {K(last_used_at), COL_I64, NULL},
    {K(revoked_at), COL_I64, NULL},
};
#undef K
#define NTOK ((int)(sizeof(token_cols) / sizeof(token_cols[0])))

enum gcas_err store_token_insert(struct db *db, const struct api_token *t)
{
	struct db_param p[] = {P_TEXT(t->id),
	                       P_TEXT(t->account_id),
	                       P_TEXT(t->name),
	                       P_TEXT(t->token_hash),
	                       P_TEXT(t->scopes),
	                       P_INT(t->created_at),
	                       P_INT(t->expires_at),
	                       P_NULL,
	                       P_NULL};
	return db_change(db, STMT_TOKEN_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_token_get_by_hash(struct db *db, struct arena *a, const char *hash,
                                      struct api_token *out)
{
	struct db_param p[] = {P_TEXT(hash)};
	return db_query_one(db, a, STMT_TOKEN_GET_BY_HASH, p, 1, token_cols, NTOK, out);
}

enum gcas_err store_token_list(struct db *db, struct arena *a, const char *account_id,
                               struct api_token **out, size_t *n)
{
	struct db_param p[] = {P_TEXT(account_id)};
	void *items;
	enum gcas_err e = db_query_list(db, a, STMT_TOKEN_LIST, p, 1, token_cols, NTOK,
	                                sizeof(struct api_token), 500, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_token_revoke(struct db *db, const char *id, const char *account_id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_TEXT(account_id), P_INT(at)};
	return db_change(db, STMT_TOKEN_REVOKE, p, NPARAMS(p), NULL);
}

enum gcas_err store_token_revoke_account(struct db *db, const char *account_id, int64_t at)
{
	struct db_param p[] = {P_TEXT(account_id), P_INT(at)};
	int64_t n;
	return db_change(db, STMT_TOKEN_REVOKE_ACCOUNT, p, NPARAMS(p), &n);
}

enum gcas_err store_token_used(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_TOKEN_USED, p, NPARAMS(p), NULL);
}

struct link_row {
	const char *account_id, *purpose;
};
static const struct colmap link_cols[] = {{offsetof(struct link_row, account_id), COL_STR, NULL},
                                          {offsetof(struct link_row, purpose), COL_STR, NULL}};

enum gcas_err store_link_insert(struct db *db, const char *id_hash, const char *account_id,
                                const char *purpose, int64_t now, int64_t expires_at)
{
	struct db_param p[] = {P_TEXT(id_hash), P_TEXT(account_id), P_TEXT(purpose), P_INT(now),
	                       P_INT(expires_at)};
	return db_change(db, STMT_LINK_INSERT, p, NPARAMS(p), NULL);
}

static enum gcas_err link_read(struct db *db, struct arena *a, enum stmt_id id, const char *id_hash,
                               int64_t now, const char **account_id)
{
	struct db_param p[] = {P_TEXT(id_hash), P_INT(now)};
	struct link_row r = {0};
	enum gcas_err e = db_query_one(db, a, id, p, NPARAMS(p), link_cols, 2, &r);
	*account_id = r.account_id;
	return e;
}

enum gcas_err store_link_peek(struct db *db, struct arena *a, const char *id_hash, int64_t now,
                              const char **account_id)
{
	return link_read(db, a, STMT_LINK_PEEK, id_hash, now, account_id);
}

enum gcas_err store_link_use(struct db *db, struct arena *a, const char *id_hash, int64_t now,
                             const char **account_id)
{
	return link_read(db, a, STMT_LINK_USE, id_hash, now, account_id);
}

enum gcas_err store_link_revoke_account(struct db *db, const char *account_id, int64_t now)
{
	struct db_param p[] = {P_TEXT(account_id), P_INT(now)};
	int64_t n;
	return db_change(db, STMT_LINK_REVOKE_ACCOUNT, p, NPARAMS(p), &n);
}
