-- Schema version 5: the SMS and push outboxes become a transactional outbox that a
-- worker drains to the gateways after commit. `sent_at` stays when the service
-- decided to send; a row is delivered once a gateway took it, and a failed try waits
-- until `next_attempt_at`. What earlier versions wrote was handed over at once.
ALTER TABLE sms_outbox ADD COLUMN delivered_at INTEGER;
ALTER TABLE sms_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sms_outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
UPDATE sms_outbox SET delivered_at = sent_at;
CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at) WHERE delivered_at IS NULL;

ALTER TABLE push_outbox ADD COLUMN delivered_at INTEGER;
ALTER TABLE push_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE push_outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
UPDATE push_outbox SET delivered_at = sent_at;
CREATE INDEX push_outbox_due ON push_outbox (next_attempt_at) WHERE delivered_at IS NULL;
