-- Schema version 10: what several instances share beyond the rules' tables.

-- A fingerprint of the service's keys (an HMAC of a fixed label under the HMAC key):
-- an instance started with other keys than the data was written with refuses to
-- start, instead of failing every check and sealing what no other instance opens.
CREATE TABLE key_fingerprint (
    only_row     INTEGER PRIMARY KEY CHECK (only_row = 1),
    fingerprint  BLOB NOT NULL
) STRICT;

-- The portal's sessions, when they live in the database (several instances): by the
-- SHA-256 of the cookie's id, what the session holds as JSON, its client address
-- for the per-client cap, and when it was last seen.
CREATE TABLE portal_sessions (
    id_hash    BLOB PRIMARY KEY,
    client     TEXT NOT NULL,
    data       TEXT NOT NULL,
    last_seen  INTEGER NOT NULL
) STRICT;
CREATE INDEX portal_sessions_by_client ON portal_sessions(client);
CREATE INDEX portal_sessions_by_last_seen ON portal_sessions(last_seen);
