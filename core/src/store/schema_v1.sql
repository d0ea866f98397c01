-- ClavePIN device store, schema version 1. Times are Unix milliseconds (UTC).
-- Columns marked (sealed) hold AES-256-GCM ciphertext under the data key, bound to
-- their table, column and row.

CREATE TABLE meta (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL          -- wrapped_data_key (by the platform), canary (sealed)
) STRICT;

-- An activation between "send me a code" and "here is the code"; no keys yet.
CREATE TABLE pending_activation (
    slot             INTEGER PRIMARY KEY CHECK (slot = 1),
    document         TEXT NOT NULL,
    activation_id    TEXT NOT NULL,
    code_expires_at  INTEGER NOT NULL,
    phone_hint       TEXT NOT NULL
) STRICT;

-- Citizens activated on this device.
CREATE TABLE citizens (
    document              TEXT PRIMARY KEY,
    device_id             TEXT NOT NULL,
    state                 TEXT NOT NULL CHECK (state IN ('needs_pattern', 'active', 'replaced')),
    activated_at          INTEGER NOT NULL,
    sealing_key           BLOB NOT NULL,   -- (sealed)
    signing_key           BLOB,            -- (sealed) until the pattern is set
    locked_signing_key    BLOB,            -- AES-256-GCM under the pattern's stretched key
    pattern_salt          BLOB,
    pattern_iterations    INTEGER,
    unlock_failures       INTEGER NOT NULL DEFAULT 0,
    unlock_blocked_until  INTEGER NOT NULL DEFAULT 0
) STRICT;
