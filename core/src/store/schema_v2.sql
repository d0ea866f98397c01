-- ClavePIN device store, schema version 2: the PINs received and their outcome.

-- PINs received, with their outcome: the history.
CREATE TABLE pins (
    request_id    TEXT PRIMARY KEY,
    document      TEXT NOT NULL REFERENCES citizens(document) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    pin           BLOB NOT NULL,           -- (sealed)
    issued_at     INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('live', 'used', 'expired', 'superseded', 'dead')),
    acknowledged  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX pins_by_document ON pins(document, issued_at);
