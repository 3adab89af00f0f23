-- SPDX-License-Identifier: MIT
-- System information registration (issue 4 §1, R4.1): one record per project team (regulation
-- 1.2: a project team is 1:1 with a registered system), edited under an optimistic version, and
-- every version kept whole in system_history.
CREATE TABLE systems (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL UNIQUE REFERENCES orgs(id),
  agency_id TEXT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,
  purpose TEXT NOT NULL,
  lifecycle TEXT NOT NULL CHECK (lifecycle IN ('planning','building','production','retired')),
  csps TEXT NOT NULL,               -- space-separated: aws gcp azure oci sakura
  environments TEXT NOT NULL,       -- space-separated: production staging development
  contacts TEXT NOT NULL,           -- space-separated account ids
  contractor_id TEXT REFERENCES orgs(id),
  period_start TEXT NOT NULL,       -- YYYY-MM-DD (JST)
  period_end TEXT,                  -- YYYY-MM-DD or NULL (open-ended)
  classification TEXT NOT NULL CHECK (classification IN ('c1','c2','c3')),
  billing_unit TEXT NOT NULL,
  ci_cd INTEGER NOT NULL,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT
);
CREATE INDEX systems_agency ON systems(agency_id, name, id);
CREATE TABLE system_history (
  system_id TEXT NOT NULL REFERENCES systems(id),
  version BIGINT NOT NULL,
  changed_by TEXT,
  changed_at BIGINT NOT NULL,
  record TEXT NOT NULL,             -- the JSON of the record as of this version
  PRIMARY KEY (system_id, version)
);
