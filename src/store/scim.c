/* SPDX-License-Identifier: MIT */
/* Typed store operations that /scim/v2 needs beyond store.h: group versions (ETags), an
 * account's groups, and an environment's SCIM credential; see store/scim.h. */
#include "store/scim.h"

#include <stddef.h>

#include "store/internal.h"

enum gcas_err store_scim_group_version(struct db *db, const char *group_id, int64_t *version)
{
	struct db_param p[] = {P_TEXT(group_id)};
	*version = -1;
	enum gcas_err e = db_query_int(db, STMT_SCIM_GROUP_VERSION, p, NPARAMS(p), version);
	if (!e && *version < 0)
		return GCAS_ERR_NOTFOUND;
	return e;
}

enum gcas_err store_scim_account_groups(struct db *db, struct arena *a, const char *account_id,
                                        struct scim_group_ref **out, size_t *n)
{
	static const struct colmap cols[] = {
	    {offsetof(struct scim_group_ref, id), COL_STR, NULL},
	    {offsetof(struct scim_group_ref, name), COL_STR, NULL},
	    {offsetof(struct scim_group_ref, org_id), COL_STR, NULL},
	    {offsetof(struct scim_group_ref, agency_id), COL_STR, NULL},
	    {offsetof(struct scim_group_ref, project_id), COL_STR, NULL},
	};
	struct db_param p[] = {P_TEXT(account_id), P_INT(500)};
	void *items = NULL;
	enum gcas_err e = db_query_list(db, a, STMT_SCIM_ACCOUNT_GROUPS, p, NPARAMS(p), cols,
	                                NPARAMS(cols), sizeof(**out), 500, &items, n);
	*out = items;
	return e;
}

enum gcas_err store_scim_env_auth(struct db *db, struct arena *a, const char *environment_id,
                                  struct scim_env_auth *out)
{
	static const struct colmap cols[] = {
	    {offsetof(struct scim_env_auth, state), COL_STR, NULL},
	    {offsetof(struct scim_env_auth, driver), COL_STR, NULL},
	    {offsetof(struct scim_env_auth, token_sealed), COL_STR, NULL},
	    {offsetof(struct scim_env_auth, agency_id), COL_STR, NULL},
	};
	struct db_param p[] = {P_TEXT(environment_id)};
	return db_query_one(db, a, STMT_SCIM_ENV_AUTH, p, NPARAMS(p), cols, NPARAMS(cols), out);
}

enum gcas_err store_scim_env_token_set(struct db *db, const char *environment_id,
                                       const char *token_sealed)
{
	struct db_param p[] = {P_TEXT(environment_id), P_TEXT(token_sealed)};
	return db_change(db, STMT_SCIM_ENV_TOKEN_SET, p, NPARAMS(p), NULL);
}
