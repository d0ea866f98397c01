-- Outbox texts are sealed from now on (delivery/sealing.rs). Earlier versions kept
-- them in the clear: those are dropped rather than kept readable, and the SMS cursor
-- moves past them so none is sent with an empty text. Their codes and PINs lived
-- 10 minutes; a letter not yet printed must be asked for again.
UPDATE sms_outbox SET text = '';
UPDATE letters SET text = '';
UPDATE outbox_cursors SET delivered_through = (SELECT coalesce(max(id), 0) FROM sms_outbox)
    WHERE outbox = 'sms';
DELETE FROM outbox_retries WHERE outbox = 'sms';
