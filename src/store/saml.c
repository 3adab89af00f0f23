/* SPDX-License-Identifier: MIT */
/* Typed store operations of the SAML identity provider, see store/saml.h. */
#include "store/saml.h"

#include <stddef.h>

#include "store/internal.h"

#define S(f) offsetof(struct saml_sp_rec, f)
static const struct colmap sp_cols[] = {
    {S(id), COL_STR, NULL},
    {S(entity_id), COL_STR, NULL},
    {S(name), COL_STR, NULL},
    {S(metadata), COL_STR, NULL},
    {S(csp), COL_STR, NULL},
    {S(profile), COL_STR, NULL},
    {S(aws_provider_name), COL_STR, NULL},
    {S(aws_admin_role), COL_STR, NULL},
    {S(aws_general_role), COL_STR, NULL},
    {S(rev), COL_I64, NULL},
    {S(created_by), COL_STR, NULL},
    {S(created_at), COL_I64, NULL},
    {S(disabled_at), COL_I64, NULL},
};
#undef S

#define P(f) offsetof(struct saml_pending_rec, f)
static const struct colmap pending_cols[] = {
    {P(id), COL_STR, NULL},      {P(sp), COL_STR, NULL},          {P(binding), COL_STR, NULL},
    {P(request), COL_STR, NULL}, {P(relay_state), COL_STR, NULL}, {P(created_at), COL_I64, NULL},
};
#undef P

#define L(f) offsetof(struct local_cloud_session, f)
static const struct colmap session_cols[] = {
    {L(id_hash), COL_STR, NULL},        {L(cloud_id), COL_STR, NULL},
    {L(environment_id), COL_STR, NULL}, {L(user_name), COL_STR, NULL},
    {L(display_name), COL_STR, NULL},   {L(privilege), COL_STR, NULL},
    {L(name_id), COL_STR, NULL},        {L(created_at), COL_I64, NULL},
    {L(expires_at), COL_I64, NULL},
};
#undef L

enum gcas_err store_saml_sp_insert(struct db *db, const struct saml_sp_rec *r)
{
	struct db_param p[] = {P_TEXT(r->id),
	                       P_TEXT(r->entity_id),
	                       P_TEXT(r->name),
	                       P_TEXT(r->metadata),
	                       P_TEXT(r->csp),
	                       P_TEXT(r->profile),
	                       P_TEXT(r->aws_provider_name),
	                       P_TEXT(r->aws_admin_role),
	                       P_TEXT(r->aws_general_role),
	                       P_TEXT(r->created_by),
	                       P_INT(r->created_at)};
	return db_change(db, STMT_SAML_SP_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_saml_sp_revive(struct db *db, const struct saml_sp_rec *r)
{
	struct db_param p[] = {P_TEXT(r->id),
	                       P_TEXT(r->name),
	                       P_TEXT(r->metadata),
	                       P_TEXT(r->csp),
	                       P_TEXT(r->profile),
	                       P_TEXT(r->aws_provider_name),
	                       P_TEXT(r->aws_admin_role),
	                       P_TEXT(r->aws_general_role),
	                       P_TEXT(r->created_by),
	                       P_INT(r->created_at)};
	return db_change(db, STMT_SAML_SP_REVIVE, p, NPARAMS(p), NULL);
}

static enum gcas_err sp_one(struct db *db, struct arena *a, enum stmt_id sid, const char *key,
                            struct saml_sp_rec *out)
{
	struct db_param p[] = {P_TEXT(key)};
	if (!key)
		return GCAS_ERR_NOTFOUND;
	return db_query_one(db, a, sid, p, NPARAMS(p), sp_cols, NPARAMS(sp_cols), out);
}

enum gcas_err store_saml_sp_get(struct db *db, struct arena *a, const char *id,
                                struct saml_sp_rec *out)
{
	return sp_one(db, a, STMT_SAML_SP_GET, id, out);
}

enum gcas_err store_saml_sp_by_entity(struct db *db, struct arena *a, const char *entity_id,
                                      struct saml_sp_rec *out)
{
	return sp_one(db, a, STMT_SAML_SP_BY_ENTITY, entity_id, out);
}

enum gcas_err store_saml_sp_for_csp(struct db *db, struct arena *a, const char *csp,
                                    struct saml_sp_rec *out)
{
	return sp_one(db, a, STMT_SAML_SP_FOR_CSP, csp, out);
}

enum gcas_err store_saml_sp_list(struct db *db, struct arena *a, struct saml_sp_rec **out,
                                 size_t *n)
{
	struct db_param p[] = {P_INT(500)};
	void *items = NULL;
	enum gcas_err e =
	    db_query_list(db, a, STMT_SAML_SP_LIST, p, NPARAMS(p), sp_cols, NPARAMS(sp_cols),
	                  sizeof(struct saml_sp_rec), 500, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_saml_sp_disable(struct db *db, const char *id, int64_t at)
{
	struct db_param p[] = {P_TEXT(id), P_INT(at)};
	return db_change(db, STMT_SAML_SP_DISABLE, p, NPARAMS(p), NULL);
}

enum gcas_err store_saml_seen_add(struct db *db, const char *sp, const char *id, int64_t expires_at,
                                  int *fresh)
{
	struct db_param p[] = {P_TEXT(sp), P_TEXT(id), P_INT(expires_at)};
	int64_t n = 0;
	enum gcas_err e = db_change(db, STMT_SAML_SEEN_ADD, p, NPARAMS(p), &n);
	*fresh = !e && n == 1;
	return e;
}

enum gcas_err store_saml_seen_sweep(struct db *db, int64_t now, int64_t *n)
{
	struct db_param p[] = {P_INT(now)};
	int64_t k = 0;
	enum gcas_err e = db_change(db, STMT_SAML_SEEN_SWEEP, p, NPARAMS(p), &k);
	if (n)
		*n = k;
	return e;
}

enum gcas_err store_saml_pending_insert(struct db *db, const struct saml_pending_rec *r)
{
	struct db_param p[] = {P_TEXT(r->id),      P_TEXT(r->sp),          P_TEXT(r->binding),
	                       P_TEXT(r->request), P_TEXT(r->relay_state), P_INT(r->created_at)};
	return db_change(db, STMT_SAML_PENDING_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_saml_pending_take(struct db *db, struct arena *a, const char *id,
                                      struct saml_pending_rec *out)
{
	struct db_param p[] = {P_TEXT(id)};
	if (!id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = db_query_one(db, a, STMT_SAML_PENDING_GET, p, NPARAMS(p), pending_cols,
	                               NPARAMS(pending_cols), out);
	if (e)
		return e;
	/* Exactly one row, or another request took it first. */
	return db_change(db, STMT_SAML_PENDING_DELETE, p, NPARAMS(p), NULL);
}

enum gcas_err store_saml_pending_sweep(struct db *db, int64_t before, int64_t *n)
{
	struct db_param p[] = {P_INT(before)};
	int64_t k = 0;
	enum gcas_err e = db_change(db, STMT_SAML_PENDING_SWEEP, p, NPARAMS(p), &k);
	if (n)
		*n = k;
	return e;
}

struct id_row {
	const char *id;
};

enum gcas_err store_saml_env_by_entity(struct db *db, struct arena *a, const char *entity_id,
                                       const char **env_id)
{
	static const struct colmap cols[] = {{offsetof(struct id_row, id), COL_STR, NULL}};
	struct db_param p[] = {P_TEXT(entity_id)};
	struct id_row r = {0};
	*env_id = NULL;
	enum gcas_err e =
	    db_query_one(db, a, STMT_SAML_ENV_BY_ENTITY, p, NPARAMS(p), cols, NPARAMS(cols), &r);
	*env_id = r.id;
	return e;
}

enum gcas_err store_local_session_insert(struct db *db, const struct local_cloud_session *s)
{
	struct db_param p[] = {
	    P_TEXT(s->id_hash),   P_TEXT(s->cloud_id),     P_TEXT(s->environment_id),
	    P_TEXT(s->user_name), P_TEXT(s->display_name), P_TEXT(s->privilege),
	    P_TEXT(s->name_id),   P_INT(s->created_at),    P_INT(s->expires_at)};
	return db_change(db, STMT_LOCAL_SESSION_INSERT, p, NPARAMS(p), NULL);
}

enum gcas_err store_local_session_get(struct db *db, struct arena *a, const char *id_hash,
                                      const char *cloud_id, int64_t now,
                                      struct local_cloud_session *out)
{
	struct db_param p[] = {P_TEXT(id_hash), P_TEXT(cloud_id), P_INT(now)};
	return db_query_one(db, a, STMT_LOCAL_SESSION_GET, p, NPARAMS(p), session_cols,
	                    NPARAMS(session_cols), out);
}

enum gcas_err store_local_session_delete(struct db *db, const char *id_hash)
{
	struct db_param p[] = {P_TEXT(id_hash)};
	int64_t n;
	return db_change(db, STMT_LOCAL_SESSION_DELETE, p, NPARAMS(p), &n);
}

enum gcas_err store_local_session_sweep(struct db *db, int64_t now, int64_t *n)
{
	struct db_param p[] = {P_INT(now)};
	int64_t k = 0;
	enum gcas_err e = db_change(db, STMT_LOCAL_SESSION_SWEEP, p, NPARAMS(p), &k);
	if (n)
		*n = k;
	return e;
}

enum gcas_err store_saml_stored_count(struct db *db, int64_t *n)
{
	return db_query_int(db, STMT_SAML_STORED_COUNT, NULL, 0, n);
}
