-- Schema version 13: approving a sign-in in the app (issue "The citizen in control").

-- An approval waits for the citizen's app: the log-in page shows a short code (and a
-- QR code carrying it), the app sends it back with the citizen's answer. Only its
-- keyed hash is kept. At most one is pending per citizen; wrong codes are counted
-- and the fifth ends it. The portal's session holds the id and turns an approved one
-- into a sign-in exactly once ('used').
CREATE TABLE approvals (
    id          TEXT PRIMARY KEY,
    document    TEXT NOT NULL REFERENCES citizens(document),
    code_hash   BLOB NOT NULL,
    site        TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused', 'reported',
                                               'superseded', 'dead', 'used')),
    wrong_codes INTEGER NOT NULL DEFAULT 0,
    device_id   TEXT,
    decided_at  INTEGER
) STRICT;
CREATE INDEX approvals_by_document ON approvals(document, created_at);
-- At most one pending per citizen, whatever the instances' clocks say.
CREATE UNIQUE INDEX approvals_one_pending ON approvals(document) WHERE state = 'pending';
CREATE INDEX approvals_by_expiry ON approvals(expires_at);
