/* SPDX-License-Identifier: MIT */
/* Typed store operations of the OpenID Connect provider, see store/oidc.h. Times that are "not
 * yet" (disabled_at, used_at, revoked_at) are NULL in the database and 0 here. */
#include "store/oidc.h"

#include <stddef.h>

#include "store/internal.h"

#define C(f) offsetof(struct oidc_client, f)
static const struct colmap client_cols[] = {
    {C(client_id), COL_STR, NULL},
    {C(name), COL_STR, NULL},
    {C(secret_hash), COL_STR, NULL},
    {C(redirect_uris), COL_STR, NULL},
    {C(post_logout_redirect_uris), COL_STR, NULL},
    {C(scopes), COL_STR, NULL},
    {C(id_token_alg), COL_STR, NULL},
    {C(auth_method), COL_STR, NULL},
    {C(created_by), COL_STR, NULL},
    {C(created_at), COL_I64, NULL},
    {C(disabled_at), COL_I64, NULL},
};
#undef C

#define K(f) offsetof(struct oidc_code, f)
static const struct colmap code_cols[] = {
    {K(code_hash), COL_STR, NULL},
    {K(client_id), COL_STR, NULL},
    {K(account_id), COL_STR, NULL},
    {K(redirect_uri), COL_STR, NULL},
    {K(code_challenge), COL_STR, NULL},
    {K(nonce), COL_STR, NULL},
    {K(scope), COL_STR, NULL},
    {K(auth_time), COL_I64, NULL},
    {K(amr), COL_STR, NULL},
    {K(sid), COL_STR, NULL},
    {K(expires_at), COL_I64, NULL},
    {K(used_at), COL_I64, NULL},
};
#undef K

#define T(f) offsetof(struct oidc_access, f)
static const struct colmap access_cols[] = {
    {T(token_hash), COL_STR, NULL}, {T(client_id), COL_STR, NULL}, {T(account_id), COL_STR, NULL},
    {T(scope), COL_STR, NULL},      {T(family), COL_STR, NULL},    {T(expires_at), COL_I64, NULL},
    {T(revoked_at), COL_I64, NULL},
};
#undef T

#define R(f) offsetof(struct oidc_refresh, f)
static const struct colmap refresh_cols[] = {
    {R(token_hash), COL_STR, NULL}, {R(family), COL_STR, NULL},  {R(client_id), COL_STR, NULL},
    {R(account_id), COL_STR, NULL}, {R(scope), COL_STR, NULL},   {R(auth_time), COL_I64, NULL},
    {R(amr), COL_STR, NULL},        {R(sid), COL_STR, NULL},     {R(issued_at), COL_I64, NULL},
    {R(expires_at), COL_I64, NULL}, {R(used_at), COL_I64, NULL}, {R(revoked_at), COL_I64, NULL},
};
#undef R

#define N(f) offsetof(struct oidc_counts, f)
static const struct colmap count_cols[] = {
    {N(clients), COL_I64, NULL},        {N(codes), COL_I64, NULL},
    {N(codes_used), COL_I64, NULL},     {N(access), COL_I64, NULL},
    {N(access_revoked), COL_I64, NULL}, {N(refresh), COL_I64, NULL},
    {N(refresh_used), COL_I64, NULL},   {N(refresh_revoked), COL_I64, NULL},
};
#undef N

static struct db_param p_time(int64_t t)
{
	return t ? P_INT(t) : P_NULL;
}

enum gcas_err store_oidc_client_insert(struct db *db, const struct oidc_client *c)
{
	struct db_param p[] = {
	    P_TEXT(c->client_id),
	    P_TEXT(c->name),
	    P_TEXT(c->secret_hash),
	    P_TEXT(c->redirect_uris),
	    P_TEXT(c->post_logout_redirect_uris ? c->post_logout_redirect_uris : ""),
	    P_TEXT(c->scopes),
	    P_TEXT(c->id_token_alg),
	    P_TEXT(c->auth_method),
	    P_TEXT(c->created_by),
	    P_INT(c->created_at),
	    p_time(c->disabled_at)};
	return db_change(db, STMT_OIDC_CLIENT_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_oidc_client_get(struct db *db, struct arena *a, const char *client_id,
                                    struct oidc_client *out)
{
	struct db_param p[] = {P_TEXT(client_id)};
	return db_query_one(db, a, STMT_OIDC_CLIENT_GET, p, NPARAMS(p), client_cols,
	                    NPARAMS(client_cols), out);
}

enum gcas_err store_oidc_client_list(struct db *db, struct arena *a, int max,
                                     struct oidc_client **out, size_t *n)
{
	void *items = NULL;
	struct db_param p[] = {P_INT(max)};
	enum gcas_err e =
	    db_query_list(db, a, STMT_OIDC_CLIENT_LIST, p, NPARAMS(p), client_cols,
	                  NPARAMS(client_cols), sizeof(struct oidc_client), (size_t)max, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_oidc_client_disable(struct db *db, const char *client_id, int64_t at)
{
	struct db_param p[] = {P_TEXT(client_id), P_INT(at)};
	return db_change(db, STMT_OIDC_CLIENT_DISABLE, p, NPARAMS(p), NULL);
}

enum gcas_err store_oidc_code_insert(struct db *db, const struct oidc_code *c)
{
	struct db_param p[] = {
	    P_TEXT(c->code_hash),    P_TEXT(c->client_id),      P_TEXT(c->account_id),
	    P_TEXT(c->redirect_uri), P_TEXT(c->code_challenge), P_TEXT(c->nonce),
	    P_TEXT(c->scope),        P_INT(c->auth_time),       P_TEXT(c->amr),
	    P_TEXT(c->sid),          P_INT(c->expires_at)};
	return db_change(db, STMT_OIDC_CODE_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_oidc_code_redeem(struct db *db, struct arena *a, const char *code_hash,
                                     const char *client_id, int64_t now, struct oidc_code *out)
{
	struct db_param p[] = {P_TEXT(code_hash), P_TEXT(client_id), P_INT(now)};
	return db_query_one(db, a, STMT_OIDC_CODE_REDEEM, p, NPARAMS(p), code_cols,
	                    NPARAMS(code_cols), out);
}

enum gcas_err store_oidc_code_get(struct db *db, struct arena *a, const char *code_hash,
                                  struct oidc_code *out)
{
	struct db_param p[] = {P_TEXT(code_hash)};
	return db_query_one(db, a, STMT_OIDC_CODE_GET, p, NPARAMS(p), code_cols, NPARAMS(code_cols),
	                    out);
}

enum gcas_err store_oidc_access_insert(struct db *db, const struct oidc_access *t)
{
	struct db_param p[] = {P_TEXT(t->token_hash), P_TEXT(t->client_id), P_TEXT(t->account_id),
	                       P_TEXT(t->scope),      P_TEXT(t->family),    P_INT(t->expires_at)};
	return db_change(db, STMT_OIDC_ACCESS_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_oidc_access_get(struct db *db, struct arena *a, const char *token_hash,
                                    struct oidc_access *out)
{
	struct db_param p[] = {P_TEXT(token_hash)};
	return db_query_one(db, a, STMT_OIDC_ACCESS_GET, p, NPARAMS(p), access_cols,
	                    NPARAMS(access_cols), out);
}

enum gcas_err store_oidc_access_revoke(struct db *db, const char *token_hash, const char *client_id,
                                       int64_t at, int64_t *n)
{
	struct db_param p[] = {P_TEXT(token_hash), P_INT(at), P_TEXT(client_id)};
	return db_change(db, STMT_OIDC_ACCESS_REVOKE, p, NPARAMS(p), n);
}

enum gcas_err store_oidc_refresh_insert(struct db *db, const struct oidc_refresh *r)
{
	struct db_param p[] = {P_TEXT(r->token_hash), P_TEXT(r->family), P_TEXT(r->client_id),
	                       P_TEXT(r->account_id), P_TEXT(r->scope),  P_INT(r->auth_time),
	                       P_TEXT(r->amr),        P_TEXT(r->sid),    P_INT(r->issued_at),
	                       P_INT(r->expires_at)};
	return db_change(db, STMT_OIDC_REFRESH_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_oidc_refresh_use(struct db *db, struct arena *a, const char *token_hash,
                                     const char *client_id, int64_t now, struct oidc_refresh *out)
{
	struct db_param p[] = {P_TEXT(token_hash), P_TEXT(client_id), P_INT(now)};
	return db_query_one(db, a, STMT_OIDC_REFRESH_USE, p, NPARAMS(p), refresh_cols,
	                    NPARAMS(refresh_cols), out);
}

enum gcas_err store_oidc_refresh_get(struct db *db, struct arena *a, const char *token_hash,
                                     struct oidc_refresh *out)
{
	struct db_param p[] = {P_TEXT(token_hash)};
	return db_query_one(db, a, STMT_OIDC_REFRESH_GET, p, NPARAMS(p), refresh_cols,
	                    NPARAMS(refresh_cols), out);
}

enum gcas_err store_oidc_family_revoke(struct db *db, const char *family, int64_t at, int64_t until)
{
	struct db_param p[] = {P_TEXT(family), P_INT(at), P_INT(until)};
	return db_change(db, STMT_OIDC_FAMILY_REVOKE, p, NPARAMS(p), NULL);
}

enum gcas_err store_oidc_purge(struct db *db, int64_t before, int64_t *n)
{
	static const enum stmt_id ids[] = {STMT_OIDC_PURGE_CODES, STMT_OIDC_PURGE_ACCESS,
	                                   STMT_OIDC_PURGE_REFRESH, STMT_OIDC_PURGE_FAMILIES};
	struct db_param p[] = {P_INT(before)};
	*n = 0;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int64_t k = 0;
		enum gcas_err e = db_change(db, ids[i], p, NPARAMS(p), &k);
		if (e)
			return e;
		*n += k;
	}
	return GCAS_OK;
}

enum gcas_err store_oidc_counts(struct db *db, struct arena *a, struct oidc_counts *out)
{
	return db_query_one(db, a, STMT_OIDC_COUNTS, NULL, 0, count_cols, NPARAMS(count_cols), out);
}
