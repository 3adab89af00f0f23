/* SPDX-License-Identifier: MIT */
/* Typed store operations for the signing keys, see store/keys.h. The store keeps strings; what
 * they mean (and the sealing) belongs to src/signer. */
#include "store/keys.h"

#include <stddef.h>

#include "store/internal.h"

#define K(f) offsetof(struct key_row, f)
static const struct colmap key_cols[] = {
    {K(kid), COL_STR, NULL},
    {K(use), COL_STR, NULL},
    {K(alg), COL_STR, NULL},
    {K(state), COL_STR, NULL},
    {K(public_pem), COL_STR, NULL},
    {K(cert_pem), COL_STR, NULL},
    {K(private_sealed), COL_STR, NULL},
    {K(created_at), COL_I64, NULL},
    {K(activate_at), COL_I64, NULL},
    {K(retired_at), COL_I64, NULL},
    {K(publish_until), COL_I64, NULL},
    {K(created_by), COL_STR, NULL},
};
#undef K

/* A zero time is stored as NULL ("not set"). */
static struct db_param p_time(int64_t t)
{
	return t ? P_INT(t) : P_NULL;
}

enum gcas_err store_key_insert(struct db *db, const struct key_row *k)
{
	struct db_param p[] = {P_TEXT(k->kid),
	                       P_TEXT(k->use),
	                       P_TEXT(k->alg),
	                       P_TEXT(k->state),
	                       P_TEXT(k->public_pem),
	                       P_TEXT(k->cert_pem),
	                       P_TEXT(k->private_sealed),
	                       P_INT(k->created_at),
	                       P_INT(k->activate_at),
	                       p_time(k->retired_at),
	                       p_time(k->publish_until),
	                       P_TEXT(k->created_by)};
	return db_change(db, STMT_KEY_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_key_get(struct db *db, struct arena *a, const char *kid, struct key_row *out)
{
	struct db_param p[] = {P_TEXT(kid)};
	return db_query_one(db, a, STMT_KEY_GET, p, NPARAMS(p), key_cols, NPARAMS(key_cols), out);
}

enum gcas_err store_key_list(struct db *db, struct arena *a, struct key_row **out, size_t *n)
{
	void *items = NULL;
	struct db_param p[] = {P_INT(STORE_KEYS_MAX)};
	enum gcas_err e =
	    db_query_list(db, a, STMT_KEY_LIST, p, NPARAMS(p), key_cols, NPARAMS(key_cols),
	                  sizeof(struct key_row), STORE_KEYS_MAX, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_key_set_times(struct db *db, const char *kid, const char *state,
                                  int64_t retired_at, int64_t publish_until)
{
	struct db_param p[] = {P_TEXT(kid), P_TEXT(state), p_time(retired_at),
	                       p_time(publish_until)};
	return db_change(db, STMT_KEY_SET_TIMES, p, NPARAMS(p), NULL);
}

enum gcas_err store_key_set_state(struct db *db, const char *kid, const char *state)
{
	struct db_param p[] = {P_TEXT(kid), P_TEXT(state)};
	return db_change(db, STMT_KEY_SET_STATE, p, NPARAMS(p), NULL);
}

enum gcas_err store_key_destroy(struct db *db, const char *kid, int64_t at)
{
	struct db_param p[] = {P_TEXT(kid), P_INT(at)};
	return db_change(db, STMT_KEY_DESTROY, p, NPARAMS(p), NULL);
}

enum gcas_err store_key_set_creator(struct db *db, const char *kid, const char *account_id)
{
	struct db_param p[] = {P_TEXT(kid), P_TEXT(account_id)};
	return db_change(db, STMT_KEY_SET_CREATOR, p, NPARAMS(p), NULL);
}

enum gcas_err store_key_set_activate(struct db *db, const char *kid, int64_t activate_at)
{
	struct db_param p[] = {P_TEXT(kid), P_INT(activate_at)};
	return db_change(db, STMT_KEY_SET_ACTIVATE, p, NPARAMS(p), NULL);
}

enum gcas_err store_key_count(struct db *db, int64_t *n)
{
	return db_query_int(db, STMT_KEY_COUNT, NULL, 0, n);
}
