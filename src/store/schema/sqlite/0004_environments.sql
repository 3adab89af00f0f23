-- SPDX-License-Identifier: MIT
-- CSP environments and the requests that create and delete them (issue 4 §2, S6, R4.2), and the
-- state of the built-in simulated cloud (the `local` provisioning driver). A request is claimed
-- under a lease, the driver runs outside any transaction, the outcome is recorded in another;
-- idempotency_key makes a retried create return what the first attempt made.
CREATE TABLE environments (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES orgs(id),
  agency_id TEXT NOT NULL REFERENCES orgs(id),
  system_id TEXT NOT NULL REFERENCES systems(id),
  csp TEXT NOT NULL CHECK (csp IN ('aws','gcp','azure','oci','sakura')),
  kind TEXT NOT NULL CHECK (kind IN ('production','staging','development')),
  state TEXT NOT NULL CHECK (state IN ('provisioning','active','closing','closed','failed')),
  driver TEXT NOT NULL,             -- 'local' or 'exec'
  external_id TEXT,
  console_url TEXT,
  created_at BIGINT NOT NULL,
  closed_at BIGINT
);
CREATE INDEX environments_project ON environments(project_id, created_at, id);
CREATE TABLE env_requests (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('create','delete')),
  project_id TEXT NOT NULL REFERENCES orgs(id),
  agency_id TEXT NOT NULL REFERENCES orgs(id),
  system_id TEXT NOT NULL REFERENCES systems(id),
  environment_id TEXT REFERENCES environments(id),
  csp TEXT NOT NULL,
  env_kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('submitted','approved','rejected','fulfilled','failed')),
  applicant_id TEXT REFERENCES accounts(id),
  decided_by TEXT REFERENCES accounts(id),
  decided_at BIGINT,
  due_on TEXT,                      -- YYYY-MM-DD (JST): 5 business days after approval (R2.3)
  idempotency_key TEXT NOT NULL UNIQUE,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT,
  lease_until BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX env_requests_project ON env_requests(project_id, created_at, id);
CREATE INDEX env_requests_due ON env_requests(state, next_attempt_at);
CREATE TABLE env_request_events (
  request_id TEXT NOT NULL REFERENCES env_requests(id),
  seq INTEGER NOT NULL,
  at BIGINT NOT NULL,
  actor_id TEXT,
  event TEXT NOT NULL,              -- submitted, approved, rejected, attempt_failed, fulfilled, failed
  note TEXT,
  PRIMARY KEY (request_id, seq)
);
CREATE TABLE local_cloud (
  id TEXT PRIMARY KEY,              -- gcas-local-<12 digits>
  idempotency_key TEXT NOT NULL UNIQUE,
  csp TEXT NOT NULL,
  kind TEXT NOT NULL,
  project_id TEXT NOT NULL,
  label TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open','closed')),
  created_at BIGINT NOT NULL,
  closed_at BIGINT
);
