-- SPDX-License-Identifier: MIT
-- BreakGlass (issue 4 §6, R4.5, regulation 5.6, 別紙1): emergency access to a CSP environment
-- without console SSO. Requesters and approvers are registered per environment in advance; a
-- request carries its reason, the critical work and its date; the approver (a project_manager,
-- never the requester) approves; the driver issues a time-boxed credential outside any
-- transaction (claim under a lease, call, record), and revokes it at expiry or on demand. A
-- revocation that fails stays on the request (last_error) and is retried with backoff.
CREATE TABLE bg_registrations (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  environment_id TEXT NOT NULL REFERENCES environments(id),
  project_id TEXT NOT NULL REFERENCES orgs(id),
  agency_id TEXT NOT NULL REFERENCES orgs(id),
  role TEXT NOT NULL CHECK (role IN ('requester','approver')),
  registered_by TEXT REFERENCES accounts(id),
  registered_at BIGINT NOT NULL,
  revoked_by TEXT REFERENCES accounts(id),
  revoked_at BIGINT
);
-- One live registration per (account, environment, role); revoked ones stay as history.
CREATE UNIQUE INDEX bg_registrations_live ON bg_registrations(account_id, environment_id, role)
  WHERE revoked_at IS NULL;
CREATE INDEX bg_registrations_env ON bg_registrations(environment_id, registered_at);
CREATE INDEX bg_registrations_agency ON bg_registrations(agency_id, registered_at);
CREATE TABLE bg_requests (
  id TEXT PRIMARY KEY,
  requester_id TEXT NOT NULL REFERENCES accounts(id),
  environment_id TEXT NOT NULL REFERENCES environments(id),
  project_id TEXT NOT NULL REFERENCES orgs(id),
  agency_id TEXT NOT NULL REFERENCES orgs(id),
  reason TEXT NOT NULL,
  critical_work TEXT NOT NULL,
  work_date TEXT NOT NULL,          -- YYYY-MM-DD (JST), today or later when requested
  ttl BIGINT NOT NULL,              -- seconds asked for; capped by [breakglass] max_ttl
  state TEXT NOT NULL CHECK (state IN ('submitted','approved','rejected','issued','expired',
                                       'revoked','failed')),
  approver_id TEXT REFERENCES accounts(id),
  decided_at BIGINT,
  decision_note TEXT,
  credential_id TEXT,               -- the CSP-side user or key, to revoke
  login_url TEXT,
  issued_at BIGINT,
  expires_at BIGINT,                -- decided_at + min(ttl, max_ttl)
  revoke_requested_at BIGINT,       -- someone asked to end it before expiry
  revoked_by TEXT REFERENCES accounts(id),
  ended_at BIGINT,                  -- revoked or expired at the CSP
  idempotency_key TEXT NOT NULL UNIQUE,
  attempts INTEGER NOT NULL,        -- driver attempts of the current step (issue, then revoke)
  next_attempt_at BIGINT,
  lease_until BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX bg_requests_agency ON bg_requests(agency_id, created_at, id);
CREATE INDEX bg_requests_env ON bg_requests(environment_id, created_at, id);
CREATE INDEX bg_requests_due ON bg_requests(state, next_attempt_at);
CREATE TABLE bg_events (
  request_id TEXT NOT NULL REFERENCES bg_requests(id),
  seq INTEGER NOT NULL,
  at BIGINT NOT NULL,
  actor_id TEXT,
  event TEXT NOT NULL,              -- submitted, approved, rejected, issued, issue_failed, ...
  note TEXT,
  PRIMARY KEY (request_id, seq)
);
-- The local driver's emergency users: a one-time password valid until expires_at, kept only as
-- its SHA-256 (a 160-bit random secret needs no slow hash).
CREATE TABLE local_cloud_bg_creds (
  id TEXT PRIMARY KEY,              -- the emergency user name: bg-<16 hex>
  cloud_id TEXT NOT NULL REFERENCES local_cloud(id),
  idempotency_key TEXT NOT NULL UNIQUE,
  person_email TEXT NOT NULL,
  privilege TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
