-- SPDX-License-Identifier: MIT
-- Mail hygiene (R5.5). `sensitive` marks a message whose body carries a secret (an emergency
-- credential, 別紙1): its body is stored sealed when a signer exists, opened by the mailer just
-- before sending, and replaced by a fixed notice once the message is sent or has failed for good.
-- The flag travels with the row, so the mailer needs no list of template names.
ALTER TABLE outbox ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0;
-- mail.retention: sent and failed rows are purged by age in batches; (state, created_at) finds
-- them without reading the queue (sent_at >= created_at, so created_at bounds both).
CREATE INDEX outbox_done ON outbox(state, created_at);
