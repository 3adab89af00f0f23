-- SPDX-License-Identifier: MIT
-- Revoked OIDC grant families (RFC 9700 §4.14.2, issue 4 §4) as a list of their own, in place
-- of an index on `family` in both token tables. A refresh exchange inserts an access and a
-- refresh token of an older family: with the indexes each such insert dirtied a page at a random
-- place in two B-trees (and so in the WAL), for a lookup only a rare reuse needed. Now revoking a
-- family is one row here, and a token is revoked when its own revoked_at is set or its family is
-- listed. Rows written before keep their own revoked_at, which still counts.
CREATE TABLE oidc_revoked_families (
  family TEXT PRIMARY KEY,
  revoked_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL        -- no token of the family outlives this: purged after it
);
DROP INDEX oidc_tokens_family;
DROP INDEX oidc_refresh_family;
