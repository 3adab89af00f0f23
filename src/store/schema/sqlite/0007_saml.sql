-- SPDX-License-Identifier: MIT
-- The SAML 2.0 identity provider (issue 4 §4, S8): service providers the operator registered
-- (by metadata; csp names the default SP for environments of that CSP, one active per CSP),
-- the replay cache of request and assertion IDs (saml-profiles §4.1.4.5), SP-initiated
-- requests waiting for the person to sign in, and the local cloud console's own sessions.
-- Rows of saml_sps are never deleted (removing disables); rev grows with every change and
-- names the version that the per-thread Lasso server caches are keyed by.
CREATE TABLE saml_sps (
  id TEXT PRIMARY KEY,
  entity_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  metadata TEXT NOT NULL,
  csp TEXT CHECK (csp IS NULL OR csp IN ('aws','gcp','azure','oci','sakura')),
  profile TEXT NOT NULL CHECK (profile IN ('aws','generic')),
  aws_provider_name TEXT,
  aws_admin_role TEXT,
  aws_general_role TEXT,
  rev BIGINT NOT NULL,
  created_by TEXT REFERENCES accounts(id),
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);
CREATE UNIQUE INDEX saml_sps_one_per_csp ON saml_sps(csp)
  WHERE csp IS NOT NULL AND disabled_at IS NULL;
CREATE TABLE saml_seen (
  sp TEXT NOT NULL,                 -- entity id of the SP (or of the local console, for assertions)
  request_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (sp, request_id)
);
CREATE INDEX saml_seen_expiry ON saml_seen(expires_at);
CREATE TABLE saml_pending (
  id TEXT PRIMARY KEY,
  sp TEXT NOT NULL,                 -- entity id
  binding TEXT NOT NULL CHECK (binding IN ('redirect','post')),
  request TEXT NOT NULL,            -- Redirect: the raw query string (its signature covers it)
  relay_state TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX saml_pending_created ON saml_pending(created_at);
CREATE TABLE local_cloud_sessions (
  id_hash TEXT PRIMARY KEY,         -- SHA-256 (hex) of the cookie value
  cloud_id TEXT NOT NULL REFERENCES local_cloud(id),
  environment_id TEXT,
  user_name TEXT NOT NULL,
  display_name TEXT,
  privilege TEXT,
  name_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX local_cloud_sessions_expiry ON local_cloud_sessions(expires_at);
