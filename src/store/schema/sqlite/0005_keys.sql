-- SPDX-License-Identifier: MIT
-- Signing keys (issue 4 §4): the OIDC and SAML keys, public halves in the clear, private halves
-- sealed (XChaCha20-Poly1305 under a subkey of [keys] key_file, AAD kid|use|alg, see
-- src/signer/). The times decide what a key does at a given moment; state is the last state
-- written (src/signer/ brings it up to date on every key change).
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,             -- RFC 7638 JWK thumbprint (base64url SHA-256)
  use TEXT NOT NULL CHECK (use IN ('oidc','saml')),
  alg TEXT NOT NULL CHECK (alg IN ('RS256','ES256')),
  state TEXT NOT NULL CHECK (state IN ('pending','active','retired','destroyed')),
  public_pem TEXT NOT NULL,         -- SubjectPublicKeyInfo
  cert_pem TEXT,                    -- SAML: self-signed X.509 certificate
  private_sealed TEXT,              -- base64url(nonce || ciphertext); NULL once destroyed
  created_at BIGINT NOT NULL,
  activate_at BIGINT NOT NULL,      -- signs from here
  retired_at BIGINT,                -- stops signing here (a rotation's activation time)
  publish_until BIGINT,             -- published until here (retired_at + grace)
  created_by TEXT                   -- account id, or NULL for the system (CLI, init)
);
CREATE INDEX signing_keys_use ON signing_keys(use, alg, activate_at);
