-- Schema version 2: PIN requests, delivery to devices, per-citizen throttling.

-- Per-citizen PIN verification failures (SPEC.md's table, NIST SP 800-63B §5.2.2).
ALTER TABLE citizens ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE citizens ADD COLUMN pin_blocked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE citizens ADD COLUMN pin_locked INTEGER NOT NULL DEFAULT 0;

-- One "Obtain PIN": the code and PIN only as keyed hashes, plus the sealed copy for
-- the device when it goes to the app.
CREATE TABLE pin_requests (
    id            TEXT PRIMARY KEY,
    document      TEXT NOT NULL REFERENCES citizens(document),
    code_hash     BLOB NOT NULL,
    pin_hash      BLOB NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('app', 'sms')),
    device_id     TEXT REFERENCES devices(id),
    sealed        TEXT,
    issued_at     INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('live', 'used', 'superseded', 'dead')),
    tries         INTEGER NOT NULL DEFAULT 0,
    sms_sent      INTEGER NOT NULL DEFAULT 0,
    delivered_at  INTEGER
) STRICT;
CREATE INDEX pin_requests_by_document ON pin_requests(document, issued_at);
CREATE INDEX pin_requests_by_device ON pin_requests(device_id, state);

-- Push messages handed to the push gateway (the embedded gateway's outbox): exactly
-- the JSON an FCM HTTP v1 or APNs request would carry.
CREATE TABLE push_outbox (
    id         INTEGER PRIMARY KEY,
    device_id  TEXT NOT NULL,
    platform   TEXT NOT NULL CHECK (platform IN ('fcm', 'apns')),
    token      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    sent_at    INTEGER NOT NULL
) STRICT;

-- Failed identity claims (document and contrast data) per document, for throttling
-- guesses of the contrast data.
CREATE TABLE claim_failures (
    document   TEXT NOT NULL,
    failed_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX claim_failures_by_document ON claim_failures(document, failed_at);

-- An activation's completing request and answer, so a device that lost the answer
-- can send the same request again and get the same answer.
ALTER TABLE activations ADD COLUMN signing_key BLOB;
ALTER TABLE activations ADD COLUMN agreement_share TEXT;
ALTER TABLE activations ADD COLUMN answer TEXT;
