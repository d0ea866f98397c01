-- Schema version 4: an operator can clear a citizen's activation-code limit (3 codes
-- an hour) after checking it is them; codes sent before the reset no longer count.
CREATE TABLE code_limit_resets (
    document  TEXT PRIMARY KEY REFERENCES citizens(document),
    reset_at  BIGINT NOT NULL
);
