-- ClavePIN device store, schema version 5: an activation in progress per citizen. A
-- family phone may be activating two citizens at once; each waits for its own code.

CREATE TABLE pending_activations (
    document         TEXT PRIMARY KEY,
    activation_id    TEXT NOT NULL,
    code_expires_at  INTEGER NOT NULL,
    phone_hint       TEXT NOT NULL,
    started_at       INTEGER NOT NULL
) STRICT;
INSERT INTO pending_activations (document, activation_id, code_expires_at, phone_hint, started_at)
    SELECT document, activation_id, code_expires_at, phone_hint, 0 FROM pending_activation;
DROP TABLE pending_activation;
