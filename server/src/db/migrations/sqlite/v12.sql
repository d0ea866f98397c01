-- Schema version 12: an e-mail outbox beside the SMS one. A citizen is told of every
-- new binding of a device by SMS and by e-mail; the embedded gateway keeps the
-- e-mail here, sealed, as the letters outbox keeps letters.
CREATE TABLE email_outbox (
    id          INTEGER PRIMARY KEY,
    to_address  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    text        TEXT NOT NULL,
    sent_at     INTEGER NOT NULL
) STRICT;
