-- SPDX-License-Identifier: MIT
-- Foundation schema: organisations, accounts, factors, sessions, throttling, groups, tokens,
-- the hash-chained audit log and job leases. Times are epoch seconds; ids 32 hex characters.
CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('operator','agency','project','contractor')),
  name TEXT NOT NULL,
  code TEXT UNIQUE,
  agency_type TEXT CHECK (agency_type IN ('ministry','local')),
  parent_id TEXT REFERENCES orgs(id),
  agency_id TEXT,
  project_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX orgs_agency ON orgs(agency_id, kind);

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  family_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  family_kana TEXT NOT NULL,
  given_kana TEXT NOT NULL,
  role TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agency_id TEXT,
  project_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending','active','disabled','deleted')),
  disabled_reason TEXT,
  password_hash TEXT,
  created_at BIGINT NOT NULL,
  activated_at BIGINT,
  last_signin_at BIGINT,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX accounts_agency ON accounts(agency_id, project_id);
CREATE INDEX accounts_org ON accounts(org_id);

CREATE TABLE factors (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL CHECK (kind IN ('totp','recovery','webauthn')),
  label TEXT,
  secret TEXT,
  credential_id TEXT UNIQUE,
  public_key TEXT,
  sign_count BIGINT NOT NULL DEFAULT 0,
  last_used_step BIGINT NOT NULL DEFAULT 0,
  confirmed INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX factors_account ON factors(account_id);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  csrf TEXT NOT NULL,
  lang TEXT,
  ip TEXT,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  mfa_at BIGINT NOT NULL DEFAULT 0,
  reauth_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE throttle (
  key TEXT PRIMARY KEY,
  failures BIGINT NOT NULL,
  window_start BIGINT NOT NULL,
  locked_until BIGINT NOT NULL
);

CREATE TABLE member_groups (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('pmo','system')),
  org_id TEXT NOT NULL UNIQUE REFERENCES orgs(id),
  agency_id TEXT,
  project_id TEXT,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
  group_id TEXT NOT NULL REFERENCES member_groups(id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  added_by TEXT,
  added_at BIGINT NOT NULL,
  ends_at BIGINT,
  PRIMARY KEY (group_id, account_id)
);
CREATE INDEX memberships_account ON memberships(account_id);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

CREATE TABLE audit (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id TEXT,
  actor_label TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT,
  target_id TEXT,
  agency_id TEXT,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  ip TEXT,
  request_id TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  -- HMAC-SHA256 of hash under a key kept outside the database: a forger who rewrites the chain
  -- cannot re-seal it (NULL only when no key was configured).
  mac TEXT
);
CREATE INDEX audit_agency ON audit(agency_id, seq);
CREATE INDEX audit_actor ON audit(actor_id, seq);

-- Append-only: the database itself refuses to change or remove an audit record.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only';
END
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE jobs (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  lease_until BIGINT NOT NULL,
  last_run_at BIGINT NOT NULL
);

-- One-time links (account set-up, later address verification); only the hash is stored.
CREATE TABLE account_links (
  id_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  purpose TEXT NOT NULL CHECK (purpose IN ('setup')),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX account_links_account ON account_links(account_id);
