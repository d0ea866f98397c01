-- Schema version 3: a device bound by the activation round trip waits here until its
-- first signed request shows it stored its keys; until then the citizen's previous
-- device stays active (an app killed mid-activation must not cost the working phone).
CREATE TABLE pending_devices (
    id            TEXT PRIMARY KEY,
    document      TEXT NOT NULL REFERENCES citizens(document),
    public_key    BYTEA NOT NULL,
    sealing_key   BYTEA NOT NULL,
    bound_at      BIGINT NOT NULL
);
CREATE INDEX pending_devices_by_bound_at ON pending_devices(bound_at);
