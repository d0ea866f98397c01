-- What operators did: every change through the operator API, written in the same
-- transaction as the change, with the client address it came from.
CREATE TABLE operator_audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    action    TEXT NOT NULL,
    document  TEXT,
    detail    TEXT NOT NULL,
    client    TEXT NOT NULL
) STRICT;
