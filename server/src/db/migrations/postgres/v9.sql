-- The OpenID Connect provider (docs/PROTOCOL.md, "Log in with Cl@ve").

-- Sites registered by the operator. A secret is kept only as its keyed hash; a
-- site's public key (private_key_jwt) as its JWK.
CREATE TABLE oidc_clients (
    id                        TEXT PRIMARY KEY,
    name                      TEXT NOT NULL,
    redirect_uris             TEXT NOT NULL,  -- JSON array
    post_logout_redirect_uris TEXT NOT NULL,  -- JSON array
    scopes                    TEXT NOT NULL,  -- space-separated
    auth_method               TEXT NOT NULL,
    secret_hash               BYTEA,
    public_jwk                TEXT,
    registered_at             BIGINT NOT NULL
);

-- The service's token-signing keys (ES256), the private half sealed with the
-- storage key. A key is published from `created_at`, signs from `signs_from`
-- and, once `retired_at` is set, stays published a while for what it signed.
CREATE TABLE oidc_signing_keys (
    kid          TEXT PRIMARY KEY,
    sealed_pkcs8 BYTEA NOT NULL,
    x            TEXT NOT NULL,
    y            TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    signs_from   BIGINT NOT NULL,
    retired_at   BIGINT
);

-- Authorization codes, by keyed hash: 60 seconds to redeem, once. A redeemed row is
-- kept (its personal data emptied) as long as its tokens live, so a second use can
-- revoke them.
CREATE TABLE oidc_codes (
    code_hash      BYTEA PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES oidc_clients(id) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    claims         TEXT,              -- JSON, emptied when redeemed
    issued_at      BIGINT NOT NULL,
    redeemed_at    BIGINT
);

-- Access tokens (for the UserInfo endpoint), by keyed hash.
CREATE TABLE oidc_access_tokens (
    token_hash  BYTEA PRIMARY KEY,
    code_hash   BYTEA NOT NULL,
    client_id   TEXT NOT NULL REFERENCES oidc_clients(id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    claims      TEXT NOT NULL,        -- JSON
    expires_at  BIGINT NOT NULL,
    revoked     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX oidc_access_tokens_by_code ON oidc_access_tokens (code_hash);
CREATE INDEX oidc_access_tokens_by_subject ON oidc_access_tokens (client_id, subject);

-- Client assertions (private_key_jwt) seen, so none is accepted twice.
CREATE TABLE oidc_assertions (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, jti)
);
