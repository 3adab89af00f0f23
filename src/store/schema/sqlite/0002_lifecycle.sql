-- SPDX-License-Identifier: MIT
-- Account lifecycle (issue 3): applications and approvals, identity declarations, the
-- administrative calendar, the mail outbox, periodic reviews, inactivity and departures.
ALTER TABLE accounts ADD COLUMN email_verified_at BIGINT;
ALTER TABLE accounts ADD COLUMN pending_email TEXT;
-- R2.4: the later of activation and last sign-in (creation while never activated), kept as a
-- column so the daily sweep is one index range over a million accounts.
ALTER TABLE accounts ADD COLUMN last_active_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN inactivity_warned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN departure_on TEXT;
UPDATE accounts SET last_active_at = MAX(created_at, COALESCE(activated_at, 0),
                                         COALESCE(last_signin_at, 0)),
                    email_verified_at = activated_at;
-- The inactivity sweep selects live accounts by index range and never walks the others: by
-- agency then last use (accounts_due, with the warning stage so an account already warned is
-- skipped inside the index), and by role then last use for the accounts the operators
-- certify (accounts_inactive). Both are partial on the live states and leave `status` out of
-- their columns: disabling an account drops its entries, warning it rewrites one entry of
-- accounts_due that sits next to the rest of its batch.
CREATE INDEX accounts_inactive ON accounts(role, last_active_at)
  WHERE status IN ('active','pending');
CREATE INDEX accounts_due ON accounts(agency_id, last_active_at, inactivity_warned)
  WHERE status IN ('active','pending');
-- The certifying managers of an account (store_life_managers, once per scope per sweep batch):
-- a range over the holders of one role in one agency, not over the agency's every account.
-- Neither column changes when an account is disabled or warned.
CREATE INDEX accounts_role ON accounts(agency_id, role);
CREATE INDEX accounts_departure ON accounts(departure_on);
ALTER TABLE orgs ADD COLUMN ends_on TEXT;
ALTER TABLE orgs ADD COLUMN ended_at BIGINT;

-- One-time links gain address verification ('verify'); SQLite changes a CHECK by rebuilding.
CREATE TABLE account_links_new (
  id_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  purpose TEXT NOT NULL CHECK (purpose IN ('setup','verify')),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
INSERT INTO account_links_new SELECT id_hash, account_id, purpose, created_at, expires_at, used_at
  FROM account_links;
DROP TABLE account_links;
ALTER TABLE account_links_new RENAME TO account_links;
CREATE INDEX account_links_account ON account_links(account_id);

-- Japanese administrative calendar (R2.10): holidays are computed (core/calendar.c); a year
-- imported from the Cabinet Office CSV (`gcas calendar import`) replaces the computed list for
-- that year, which is how one-off days (2019 enthronement, the moved 2020/2021 holidays) enter.
CREATE TABLE holiday_years (
  year INTEGER PRIMARY KEY,
  imported_at BIGINT NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE TABLE holidays (
  day TEXT PRIMARY KEY,             -- YYYY-MM-DD
  year INTEGER NOT NULL REFERENCES holiday_years(year),
  name TEXT NOT NULL
);

-- Applications (S1, R2.2): create / change / delete / re-enable an account, or end an
-- organisation's use (R2.9). payload is the JSON of what is asked (names, email, role, org).
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('create','change','delete','reenable','org_end')),
  state TEXT NOT NULL CHECK (state IN ('draft','submitted','approved','rejected','withdrawn',
                                       'fulfilled','failed')),
  applicant_id TEXT NOT NULL REFERENCES accounts(id),
  applicant_role TEXT NOT NULL,
  account_id TEXT REFERENCES accounts(id),  -- the account concerned (create: set on fulfilment)
  org_id TEXT NOT NULL REFERENCES orgs(id), -- where the account lives, or the org that ends
  agency_id TEXT NOT NULL,
  project_id TEXT,
  target_role TEXT,
  subject_label TEXT NOT NULL,              -- name and address of the person, for lists
  email TEXT,                               -- create/change: the (new) address asked for
  payload TEXT NOT NULL,
  reason TEXT NOT NULL,
  needs_approval INTEGER NOT NULL,          -- 1: a contractor_manager's (別表1, 別表2 ①)
  late INTEGER NOT NULL DEFAULT 0,          -- R2.6: deletion applied later than 5 business days
  departure_on TEXT,                        -- R2.6: YYYY-MM-DD
  ends_on TEXT,                             -- R2.9: the organisation's end date
  import_id TEXT,                           -- bulk onboarding batch
  created_at BIGINT NOT NULL,
  submitted_at BIGINT,
  decided_at BIGINT,
  decided_by TEXT,
  due_on TEXT,                              -- R2.3: 5 business days after approval
  fulfilled_at BIGINT,
  fulfilled_by TEXT,
  result TEXT,                              -- failure reason, or what fulfilment did
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX applications_state ON applications(state, due_on);
CREATE INDEX applications_agency ON applications(agency_id, project_id, created_at);
CREATE INDEX applications_applicant ON applications(applicant_id);
CREATE INDEX applications_account ON applications(account_id);
CREATE INDEX applications_email ON applications(email);
-- S1: at most one open application per address asked for, per account and kind, and per
-- organisation ending. The services check first (for a field message); these indexes close the
-- race between that check and the insert under READ COMMITTED (PostgreSQL), which then fails
-- with a unique violation, reported as a conflict.
CREATE UNIQUE INDEX applications_open_email ON applications(email)
  WHERE kind IN ('create','change') AND state IN ('draft','submitted','approved');
CREATE UNIQUE INDEX applications_open_account ON applications(account_id, kind)
  WHERE state IN ('draft','submitted','approved');
CREATE UNIQUE INDEX applications_open_org_end ON applications(org_id)
  WHERE kind = 'org_end' AND state IN ('draft','submitted','approved');

CREATE TABLE application_events (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications(id),
  seq INTEGER NOT NULL,                     -- order within the application (same-second moves)
  at BIGINT NOT NULL,
  actor_id TEXT,
  actor_label TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  reason TEXT
);
CREATE INDEX application_events_app ON application_events(application_id, at);

-- R2.1: the certifying manager's identity declaration (本人確認, 別表1). The Individual Number
-- itself is never stored; only that a My Number card was checked, when, and by whom.
CREATE TABLE identity_declarations (
  application_id TEXT PRIMARY KEY REFERENCES applications(id),
  verified_on TEXT NOT NULL,                -- YYYY-MM-DD the card was checked
  scope TEXT NOT NULL CHECK (scope IN ('gov_admin','contractor_nda')),
  system_name TEXT,                         -- contractor_nda: the system worked on
  nda_confirmed INTEGER NOT NULL DEFAULT 0,
  declared_by TEXT NOT NULL REFERENCES accounts(id),
  declared_by_label TEXT NOT NULL,
  declared_at BIGINT NOT NULL
);

-- R5.5: notifications, written in the same transaction as the change, delivered by a job.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  to_addr TEXT NOT NULL,
  account_id TEXT,
  template TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued','sent','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- R2.8: list and shared addresses the operator refuses (exact addresses or glob patterns).
CREATE TABLE mail_blocklist (
  id TEXT PRIMARY KEY,
  pattern TEXT NOT NULL UNIQUE,
  note TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- R2.7: periodic review campaigns and one item per account to re-certify (別表1 second row:
-- necessity, validity, period of use, scope of privileges).
CREATE TABLE review_campaigns (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  agency_id TEXT,                           -- NULL: every agency
  state TEXT NOT NULL CHECK (state IN ('open','closed')),
  opened_by TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  deadline_at BIGINT NOT NULL,              -- end of the deadline day in Japan
  closed_at BIGINT
);
-- Any active holder of reviewer_role in the account's scope may decide an item; undecided items
-- escalate up the certification chain at their own deadline (5 business days more each time).
CREATE TABLE review_items (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES review_campaigns(id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  org_id TEXT NOT NULL,
  agency_id TEXT,
  project_id TEXT,
  reviewer_role TEXT NOT NULL,              -- the certifying role, even when no one holds it
  escalations INTEGER NOT NULL DEFAULT 0,
  deadline_at BIGINT NOT NULL,              -- the campaign's, later once escalated
  decision TEXT CHECK (decision IN ('keep','change','remove')),
  reason TEXT,
  decided_by TEXT,
  decided_at BIGINT,
  application_id TEXT,                      -- remove: the deletion application filed
  result TEXT,                              -- what the decision led to
  reminded_at BIGINT,
  pending_mail TEXT CHECK (pending_mail IN ('assigned','reminder')),
  UNIQUE (campaign_id, account_id)
);
CREATE INDEX review_items_due ON review_items(decision, deadline_at);
CREATE INDEX review_items_agency ON review_items(agency_id, campaign_id);
