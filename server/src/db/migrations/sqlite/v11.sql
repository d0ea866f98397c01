-- Schema version 11: the citizen in control (issue "The citizen in control").

-- The push cap counts PIN requests since the citizen's last sign-in, and a "this
-- wasn't me" report holds pushes to the citizen for a while (SMS still works).
ALTER TABLE citizens ADD COLUMN last_sign_in_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE citizens ADD COLUMN pushes_held_until INTEGER NOT NULL DEFAULT 0;

-- What the citizen's "My devices" page shows: the name and model the app gave at
-- activation, and when the device last signed a request (to the minute).
ALTER TABLE pending_devices ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE pending_devices ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN last_used_at INTEGER;

-- The site a PIN was asked for (a site's sign-in), and when its citizen reported it
-- as not theirs (the request is then dead).
ALTER TABLE pin_requests ADD COLUMN site TEXT;
ALTER TABLE pin_requests ADD COLUMN reported_at INTEGER;

-- The citizen's recent activity: sign-ins (site and channel), "this wasn't me"
-- reports, devices bound and ended. Pruned after a year.
CREATE TABLE activity (
    id        INTEGER PRIMARY KEY,
    document  TEXT NOT NULL REFERENCES citizens(document),
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('sign_in', 'not_me', 'device_activated',
                                            'device_replaced', 'device_removed')),
    site      TEXT,
    channel   TEXT CHECK (channel IN ('app', 'sms', 'approval')),
    device    TEXT
) STRICT;
CREATE INDEX activity_by_document ON activity(document, at);
CREATE INDEX activity_by_kind ON activity(kind, at);
