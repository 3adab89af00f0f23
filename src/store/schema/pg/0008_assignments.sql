-- 0008_assignments (issue 4 §3, §4): what a provisioning driver returns about an environment's
-- identity store (SCIM push target; the bearer token sealed under [keys] key_file) and its
-- console's SAML service provider; then CSP users (assignments) and their SCIM push state.
ALTER TABLE environments ADD COLUMN scim_url TEXT;
ALTER TABLE environments ADD COLUMN scim_token_sealed TEXT;
ALTER TABLE environments ADD COLUMN saml_entity_id TEXT;
ALTER TABLE environments ADD COLUMN saml_acs_url TEXT;
-- (the assignments helper adds its tables below)
-- CSP users (S7, R4.3): who may enter which environment with which privilege (別表2 ⑧). A
-- revoked assignment stays as history; at most one ACTIVE assignment per (account, environment).
CREATE TABLE assignments (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  environment_id TEXT NOT NULL REFERENCES environments(id),
  project_id TEXT NOT NULL REFERENCES orgs(id),
  agency_id TEXT NOT NULL REFERENCES orgs(id),
  privilege TEXT NOT NULL CHECK (privilege IN ('admin','general')),
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  created_by TEXT,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  revoked_reason TEXT
);
CREATE UNIQUE INDEX assignments_one_active ON assignments(account_id, environment_id)
  WHERE active = 1;
CREATE INDEX assignments_environment ON assignments(environment_id, active, created_at);
CREATE INDEX assignments_account ON assignments(account_id, active);
-- What the SCIM client last pushed to an environment's identity store (RFC 7644): one row per
-- user (local_key = account id) and per group (local_key = "gcas-admin" / "gcas-general").
-- pushed_hash is the SHA-256 of the attributes last sent, so an unchanged user costs no request;
-- pushed_group is the group a user was last made a member of (NULL: none).
CREATE TABLE scim_links (
  environment_id TEXT NOT NULL REFERENCES environments(id),
  kind TEXT NOT NULL CHECK (kind IN ('user','group')),
  local_key TEXT NOT NULL,
  remote_id TEXT,
  pushed_hash TEXT,
  pushed_group TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending','pushed','failed')),
  last_error TEXT,
  checked_at BIGINT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (environment_id, kind, local_key)
);
-- The push queue: work for one key of one environment (op 'user': key = account id; op 'env':
-- key = '*', the whole environment), retried with backoff doubling from 30 s, failed for good
-- after 10 attempts with the reason. A lease keeps two nodes off the same entry.
CREATE TABLE scim_queue (
  environment_id TEXT NOT NULL REFERENCES environments(id),
  op TEXT NOT NULL CHECK (op IN ('user','env')),
  key TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','failed')),
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (environment_id, op, key)
);
CREATE INDEX scim_queue_due ON scim_queue(state, next_attempt_at);
-- Per environment: when the last full push and drift check ran, and what the last one corrected.
CREATE TABLE scim_sync (
  environment_id TEXT PRIMARY KEY REFERENCES environments(id),
  last_sync_at BIGINT,
  last_drift_at BIGINT,
  last_error TEXT,
  corrected TEXT
);
