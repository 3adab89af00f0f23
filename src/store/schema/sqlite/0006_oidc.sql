-- SPDX-License-Identifier: MIT
-- The OpenID Connect provider (issue 4 §4, S8): relying parties registered by the operator,
-- authorization codes, access tokens and refresh tokens. Every grant is stored durably and every
-- secret only as the hex SHA-256 of a 256-bit random value (a fast hash suffices for values that
-- cannot be guessed). A family groups what one code redemption started: its access tokens and
-- the chain of rotated refresh tokens, revoked together on reuse (RFC 9700 §4.14.2).
CREATE TABLE oidc_clients (
  client_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  secret_hash TEXT,                 -- NULL: a public client (PKCE only)
  redirect_uris TEXT NOT NULL,      -- exact strings, one per line (RFC 9700 §4.1.3)
  post_logout_redirect_uris TEXT NOT NULL,
  scopes TEXT NOT NULL,             -- scopes it may ask for, space separated
  id_token_alg TEXT NOT NULL CHECK (id_token_alg IN ('RS256','ES256')),
  token_endpoint_auth_method TEXT NOT NULL
    CHECK (token_endpoint_auth_method IN ('client_secret_basic','client_secret_post','none')),
  created_by TEXT REFERENCES accounts(id),
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);
CREATE TABLE oidc_codes (
  code_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES oidc_clients(client_id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,     -- S256 only (RFC 9700 §2.1.1)
  nonce TEXT,
  scope TEXT NOT NULL,
  auth_time BIGINT NOT NULL,
  amr TEXT NOT NULL,                -- space separated (RFC 8176 values)
  sid TEXT,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX oidc_codes_expires ON oidc_codes(expires_at);
CREATE TABLE oidc_tokens (
  token_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES oidc_clients(client_id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  scope TEXT NOT NULL,
  family TEXT NOT NULL,             -- the hash of the code the grant began with
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX oidc_tokens_family ON oidc_tokens(family);
CREATE INDEX oidc_tokens_expires ON oidc_tokens(expires_at);
CREATE TABLE oidc_refresh (
  token_hash TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  client_id TEXT NOT NULL REFERENCES oidc_clients(client_id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  scope TEXT NOT NULL,
  auth_time BIGINT NOT NULL,
  amr TEXT NOT NULL,
  sid TEXT,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,       -- the family's end: first sign-in + oidc refresh_ttl
  used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX oidc_refresh_family ON oidc_refresh(family);
CREATE INDEX oidc_refresh_expires ON oidc_refresh(expires_at);
