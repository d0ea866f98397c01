-- Failed claims also by client (an IPv4 address or an IPv6 /64), so an attacker's
-- failures slow the attacker's address down and only delay the document itself.
ALTER TABLE claim_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX claim_failures_by_client ON claim_failures(client, failed_at);
