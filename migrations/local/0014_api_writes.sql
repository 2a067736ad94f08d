-- Writes through the local API, by the Idempotency-Key their caller sent
-- (local_api/writes.rs): a repeated key gets the first answer and sends
-- nothing; a key whose first request never finished is "outcome unknown".
CREATE TABLE api_writes (
    key_id      INTEGER NOT NULL,
    idempotency TEXT    NOT NULL,
    -- SHA-256 of the request (route and body): the same key for another
    -- request is refused.
    request     TEXT    NOT NULL,
    -- The HTTP status and JSON answered; NULL while the write runs.
    status      INTEGER,
    answer      TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (key_id, idempotency)
) STRICT;
