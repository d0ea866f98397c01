-- Schema version 13: SQLite's v13.sql in this dialect (approvals in the app).
CREATE TABLE approvals (
    id          TEXT PRIMARY KEY,
    document    TEXT NOT NULL REFERENCES citizens(document),
    code_hash   BYTEA NOT NULL,
    site        TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused', 'reported',
                                               'superseded', 'dead', 'used')),
    wrong_codes BIGINT NOT NULL DEFAULT 0,
    device_id   TEXT,
    decided_at  BIGINT
);
CREATE INDEX approvals_by_document ON approvals(document, created_at);
-- At most one pending per citizen, whatever the instances' clocks say.
CREATE UNIQUE INDEX approvals_one_pending ON approvals(document) WHERE state = 'pending';
CREATE INDEX approvals_by_expiry ON approvals(expires_at);
