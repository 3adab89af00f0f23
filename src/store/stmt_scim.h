/* SPDX-License-Identifier: MIT */
/* Statements for the SCIM 2.0 service provider (issue 4 §3): group versions and an account's
 * groups for /scim/v2, an environment's SCIM credential, and the local cloud's identity store;
 * part of the closed table in store/stmt.h. X(id, sql, sqlite_override_or_NULL), PostgreSQL $n
 * syntax. */
#ifndef GCAS_STORE_STMT_SCIM_H
#define GCAS_STORE_STMT_SCIM_H

/* clang-format off */
#define LSCIM_USER_COLS \
	"id, environment_id, user_name, external_id, display_name, given_name, family_name, email, " \
	"active, version, created_at, updated_at, doc"
#define LSCIM_GROUP_COLS \
	"id, environment_id, display_name, external_id, doc, version, created_at, updated_at"

#define STMT_LIST_SCIM(X) \
	X(STMT_SCIM_GROUP_VERSION, "SELECT version FROM member_groups WHERE id = $1", NULL) \
	X(STMT_SCIM_ACCOUNT_GROUPS, \
	  "SELECT g.id, g.name, g.org_id, g.agency_id, g.project_id FROM memberships m JOIN member_groups g ON g.id = m.group_id " \
	  "WHERE m.account_id = $1 ORDER BY g.name, g.id LIMIT $2", \
	  NULL) \
	X(STMT_SCIM_ENV_AUTH, \
	  "SELECT state, driver, scim_token_sealed, agency_id FROM environments WHERE id = $1", \
	  NULL) \
	X(STMT_SCIM_ENV_TOKEN_SET, \
	  "UPDATE environments SET scim_token_sealed = $2 WHERE id = $1", NULL) \
	/* the local cloud's users */ \
	X(STMT_LSCIM_USER_INSERT, \
	  "INSERT INTO local_scim_users (id, environment_id, user_name, user_name_key, external_id, " \
	  "display_name, given_name, family_name, email, active, doc, version, created_at, " \
	  "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13)", \
	  NULL) \
	X(STMT_LSCIM_USER_GET, \
	  "SELECT " LSCIM_USER_COLS " FROM local_scim_users WHERE environment_id = $1 AND id = $2", \
	  NULL) \
	X(STMT_LSCIM_USER_BY_KEY, \
	  "SELECT " LSCIM_USER_COLS " FROM local_scim_users WHERE environment_id = $1 " \
	  "AND user_name_key = $2", \
	  NULL) \
	X(STMT_LSCIM_USER_BY_EXT, \
	  "SELECT " LSCIM_USER_COLS " FROM local_scim_users WHERE environment_id = $1 " \
	  "AND external_id = $2 ORDER BY created_at, id LIMIT $3", \
	  NULL) \
	X(STMT_LSCIM_USER_LIST, \
	  "SELECT " LSCIM_USER_COLS " FROM local_scim_users WHERE environment_id = $1 " \
	  "ORDER BY created_at, id LIMIT $2 OFFSET $3", \
	  NULL) \
	X(STMT_LSCIM_USER_COUNT, \
	  "SELECT COUNT(*) FROM local_scim_users WHERE environment_id = $1", NULL) \
	X(STMT_LSCIM_USER_UPDATE, \
	  "UPDATE local_scim_users SET user_name = $4, user_name_key = $5, external_id = $6, " \
	  "display_name = $7, given_name = $8, family_name = $9, email = $10, active = $11, " \
	  "doc = $12, updated_at = $13, version = version + 1 " \
	  "WHERE environment_id = $1 AND id = $2 AND version = $3", \
	  NULL) \
	X(STMT_LSCIM_USER_DELETE, \
	  "DELETE FROM local_scim_users WHERE environment_id = $1 AND id = $2", NULL) \
	X(STMT_LSCIM_MEMBER_DELETE_USER, \
	  "DELETE FROM local_scim_members WHERE user_id = $1", NULL) \
	/* the local cloud's groups */ \
	X(STMT_LSCIM_GROUP_INSERT, \
	  "INSERT INTO local_scim_groups (id, environment_id, display_name, display_name_key, " \
	  "external_id, doc, version, created_at, updated_at) " \
	  "VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)", \
	  NULL) \
	X(STMT_LSCIM_GROUP_GET, \
	  "SELECT " LSCIM_GROUP_COLS " FROM local_scim_groups WHERE environment_id = $1 AND id = $2", \
	  NULL) \
	X(STMT_LSCIM_GROUP_BY_KEY, \
	  "SELECT " LSCIM_GROUP_COLS " FROM local_scim_groups WHERE environment_id = $1 " \
	  "AND display_name_key = $2", \
	  NULL) \
	X(STMT_LSCIM_GROUP_BY_EXT, \
	  "SELECT " LSCIM_GROUP_COLS " FROM local_scim_groups WHERE environment_id = $1 " \
	  "AND external_id = $2 ORDER BY created_at, id LIMIT $3", \
	  NULL) \
	X(STMT_LSCIM_GROUP_LIST, \
	  "SELECT " LSCIM_GROUP_COLS " FROM local_scim_groups WHERE environment_id = $1 " \
	  "ORDER BY created_at, id LIMIT $2 OFFSET $3", \
	  NULL) \
	X(STMT_LSCIM_GROUP_COUNT, \
	  "SELECT COUNT(*) FROM local_scim_groups WHERE environment_id = $1", NULL) \
	X(STMT_LSCIM_GROUP_UPDATE, \
	  "UPDATE local_scim_groups SET display_name = $4, display_name_key = $5, " \
	  "external_id = $6, doc = $7, updated_at = $8, version = version + 1 " \
	  "WHERE environment_id = $1 AND id = $2 AND version = $3", \
	  NULL) \
	X(STMT_LSCIM_GROUP_DELETE, \
	  "DELETE FROM local_scim_groups WHERE environment_id = $1 AND id = $2", NULL) \
	X(STMT_LSCIM_MEMBER_DELETE_GROUP, \
	  "DELETE FROM local_scim_members WHERE group_id = $1", NULL) \
	/* memberships */ \
	X(STMT_LSCIM_MEMBER_ADD, \
	  "INSERT INTO local_scim_members (group_id, user_id) VALUES ($1, $2) " \
	  "ON CONFLICT DO NOTHING", \
	  NULL) \
	X(STMT_LSCIM_MEMBER_REMOVE, \
	  "DELETE FROM local_scim_members WHERE group_id = $1 AND user_id = $2", NULL) \
	X(STMT_LSCIM_MEMBER_LIST, \
	  "SELECT m.group_id, m.user_id, COALESCE(u.display_name, u.user_name) " \
	  "FROM local_scim_members m JOIN local_scim_users u ON u.id = m.user_id " \
	  "WHERE m.group_id = $1 ORDER BY u.created_at, u.id LIMIT $2", \
	  NULL) \
	X(STMT_LSCIM_MEMBER_ALL, \
	  "SELECT m.group_id, m.user_id, g.display_name " \
	  "FROM local_scim_members m JOIN local_scim_groups g ON g.id = m.group_id " \
	  "WHERE g.environment_id = $1 ORDER BY g.display_name_key, g.id LIMIT $2", \
	  NULL) \
	X(STMT_LSCIM_MEMBER_OF, \
	  "SELECT m.group_id, m.user_id, g.display_name " \
	  "FROM local_scim_members m JOIN local_scim_groups g ON g.id = m.group_id " \
	  "WHERE g.environment_id = $1 AND m.user_id = $2 ORDER BY g.display_name_key, g.id " \
	  "LIMIT $3", \
	  NULL)
/* clang-format on */

#endif
