-- Schema version 5: the SMS and push outboxes become a transactional outbox that a
-- worker drains to the gateways after commit. Rows stay as written; a cursor per
-- outbox says up to which id everything was handed over (each round moves it once,
-- so delivery adds one small write per round, not one per message), and what a
-- gateway could not take waits in `outbox_retries`. What earlier versions wrote was
-- handed over at once.
CREATE TABLE outbox_cursors (
    outbox             TEXT PRIMARY KEY CHECK (outbox IN ('sms', 'push')),
    delivered_through  BIGINT NOT NULL
);
INSERT INTO outbox_cursors VALUES
    ('sms', (SELECT coalesce(max(id), 0) FROM sms_outbox)),
    ('push', (SELECT coalesce(max(id), 0) FROM push_outbox));

CREATE TABLE outbox_retries (
    outbox           TEXT NOT NULL CHECK (outbox IN ('sms', 'push')),
    id               BIGINT NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    given_up         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (outbox, id)
);
