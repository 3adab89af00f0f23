-- SPDX-License-Identifier: MIT
-- 0009_scim (issue 4 §3): the SCIM 2.0 service provider. Groups get a version for ETags
-- (RFC 7644 §3.14), moved by triggers so every path that changes members or the name (pages,
-- API, the expiry job, SCIM) moves it. Then the identity store of the `local` simulated cloud:
-- the users and groups gcas's SCIM client pushes to a local environment.
ALTER TABLE member_groups ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE TRIGGER member_groups_version_add AFTER INSERT ON memberships
BEGIN
  UPDATE member_groups SET version = version + 1 WHERE id = NEW.group_id;
END;
CREATE TRIGGER member_groups_version_remove AFTER DELETE ON memberships
BEGIN
  UPDATE member_groups SET version = version + 1 WHERE id = OLD.group_id;
END;
CREATE TRIGGER member_groups_version_name AFTER UPDATE OF name ON member_groups
  WHEN OLD.name <> NEW.name
BEGIN
  UPDATE member_groups SET version = version + 1 WHERE id = NEW.id;
END;

-- userName is unique per environment and case-insensitive (RFC 7643 §4.1.1): user_name_key is
-- its lower-cased form. doc holds the resource as the client sent it (cleaned against the
-- schema), without id, meta and groups, which the provider owns.
CREATE TABLE local_scim_users (
  id TEXT PRIMARY KEY,
  environment_id TEXT NOT NULL REFERENCES environments(id),
  user_name TEXT NOT NULL,
  user_name_key TEXT NOT NULL,
  external_id TEXT,
  display_name TEXT,
  given_name TEXT,
  family_name TEXT,
  email TEXT,
  active INTEGER NOT NULL,
  doc TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (environment_id, user_name_key)
);
CREATE INDEX local_scim_users_list ON local_scim_users(environment_id, created_at, id);
CREATE INDEX local_scim_users_ext ON local_scim_users(environment_id, external_id);
CREATE TABLE local_scim_groups (
  id TEXT PRIMARY KEY,
  environment_id TEXT NOT NULL REFERENCES environments(id),
  display_name TEXT NOT NULL,
  display_name_key TEXT NOT NULL,
  external_id TEXT,
  doc TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (environment_id, display_name_key)
);
CREATE INDEX local_scim_groups_list ON local_scim_groups(environment_id, created_at, id);
CREATE TABLE local_scim_members (
  group_id TEXT NOT NULL REFERENCES local_scim_groups(id),
  user_id TEXT NOT NULL REFERENCES local_scim_users(id),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX local_scim_members_user ON local_scim_members(user_id);
