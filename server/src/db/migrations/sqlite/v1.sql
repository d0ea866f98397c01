-- ClavePIN service, schema version 1. Times are Unix milliseconds (UTC).

-- The tax agency's census as the service sees it.
CREATE TABLE census (
    document       TEXT PRIMARY KEY,
    full_name      TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    contrast       TEXT NOT NULL,          -- ContrastData as JSON
    fiscal_address TEXT NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

-- Citizens registered in Cl@ve.
CREATE TABLE citizens (
    document      TEXT PRIMARY KEY REFERENCES census(document),
    mobile        TEXT NOT NULL,
    email         TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('office', 'letter')),
    registered_at INTEGER NOT NULL
) STRICT;

-- Invitation letters' CSV codes, kept only as keyed hashes.
CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    document    TEXT NOT NULL REFERENCES census(document),
    csv_hash    BLOB NOT NULL,
    expires_at  INTEGER NOT NULL,
    tries       INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL CHECK (state IN ('live', 'used', 'void')),
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX invitations_by_document ON invitations(document, state);

-- Letters posted to fiscal addresses.
CREATE TABLE letters (
    id       INTEGER PRIMARY KEY,
    to_name  TEXT NOT NULL,
    address  TEXT NOT NULL,
    text     TEXT NOT NULL,
    sent_at  INTEGER NOT NULL
) STRICT;

-- SMS handed to the gateway (the embedded gateway's outbox).
CREATE TABLE sms_outbox (
    id         INTEGER PRIMARY KEY,
    to_number  TEXT NOT NULL,
    text       TEXT NOT NULL,
    sent_at    INTEGER NOT NULL
) STRICT;

-- Device activation attempts; the SMS code only as a keyed hash.
CREATE TABLE activations (
    id          TEXT PRIMARY KEY,
    document    TEXT NOT NULL REFERENCES citizens(document),
    code_hash   BLOB NOT NULL,
    expires_at  INTEGER NOT NULL,
    tries       INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'dead')),
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX activations_by_document ON activations(document, created_at);

-- Bound devices: the public signing key and the sealing key (encrypted).
CREATE TABLE devices (
    id            TEXT PRIMARY KEY,
    document      TEXT NOT NULL REFERENCES citizens(document),
    public_key    BLOB NOT NULL,
    sealing_key   BLOB NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('active', 'replaced', 'removed')),
    activated_at  INTEGER NOT NULL,
    ended_at      INTEGER,
    push_platform TEXT CHECK (push_platform IN ('fcm', 'apns')),
    push_token    TEXT
) STRICT;
CREATE INDEX devices_by_document ON devices(document, state);

-- Nonces of signed device requests, kept while their request could still pass the
-- freshness check (by the request's own timestamp), then pruned.
CREATE TABLE nonces (
    device_id  TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    signed_at  INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
) STRICT, WITHOUT ROWID;
CREATE INDEX nonces_by_age ON nonces(signed_at);
