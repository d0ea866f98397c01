-- ClavePIN device store, schema version 4: removals the service has not heard of yet.
-- A citizen removed while the phone is offline is gone from the phone at once; the
-- device id and its signing key stay here only until the service is told.

CREATE TABLE pending_removals (
    device_id    TEXT PRIMARY KEY,
    signing_key  BLOB NOT NULL,     -- (sealed)
    removed_at   INTEGER NOT NULL
) STRICT;
