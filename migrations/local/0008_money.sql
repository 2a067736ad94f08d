-- Money: each panel's payment methods, and every payment sent (so a double
-- submit sends once and an unknown outcome is never retried blindly).

-- `internal_name` is the exact string the panel expects (case and spaces
-- kept); min and max are micro-units of the panel's currency.
CREATE TABLE payment_methods (
    id              INTEGER PRIMARY KEY,
    panel_id        INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    internal_name   TEXT    NOT NULL,
    display_name    TEXT    NOT NULL,
    min_micros      INTEGER NOT NULL CHECK (min_micros > 0),
    max_micros      INTEGER NOT NULL CHECK (max_micros >= min_micros),
    sort            INTEGER NOT NULL DEFAULT 0,
    UNIQUE (panel_id, internal_name)
) STRICT;

-- One row per confirmed payment, keyed by the confirmation's token: written
-- before the request leaves, so a second submit of the same confirmation
-- finds it and sends nothing. `outcome`: sent, failed or unknown.
CREATE TABLE payment_sends (
    token           TEXT    PRIMARY KEY,
    panel_id        INTEGER NOT NULL,
    panel_name      TEXT    NOT NULL,
    username        TEXT    NOT NULL,
    method          TEXT    NOT NULL,
    amount_micros   INTEGER NOT NULL,
    currency        TEXT    NOT NULL,
    memo            TEXT    NOT NULL,
    outcome         TEXT    CHECK (outcome IN ('sent', 'failed', 'unknown')),
    payment_id      INTEGER,
    error           TEXT,
    sent_at         INTEGER NOT NULL
) STRICT;
