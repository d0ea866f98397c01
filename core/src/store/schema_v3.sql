-- ClavePIN device store, schema version 3: the platform's push token, kept until every
-- citizen on the device has registered it (a token refresh arrives in the background,
-- with the citizens locked, and must not be lost).

CREATE TABLE push_token (
    slot        INTEGER PRIMARY KEY CHECK (slot = 1),
    platform    TEXT NOT NULL CHECK (platform IN ('fcm', 'apns')),
    token       BLOB NOT NULL,      -- (sealed)
    version     INTEGER NOT NULL    -- grows with every new token
) STRICT;

-- The token version last registered with the service for this citizen (0: none).
ALTER TABLE citizens ADD COLUMN push_token_sent INTEGER NOT NULL DEFAULT 0;
