-- SPDX-License-Identifier: MIT
-- R7.2 (regulation §5.2.2): the operator reads user information only for a declared purpose.
-- The purpose belongs to one session: `purpose` is its category key (operations, legal,
-- published, agreement, security), `reason` the free text (an inquiry or ticket number) and
-- `purpose_until` when it lapses (privacy.purpose_ttl after the declaration; 0 = none). It ends
-- with the session, so sign-out, expiry and a password change end it too.
ALTER TABLE sessions ADD COLUMN purpose TEXT;
ALTER TABLE sessions ADD COLUMN reason TEXT;
ALTER TABLE sessions ADD COLUMN purpose_until BIGINT NOT NULL DEFAULT 0;
