-- cache.sqlite3: what the panels hold. Everything here can be rebuilt by a resync.
-- Keys are (panel_id, id); times are unix seconds UTC; money is integer micro-units.

CREATE TABLE panels (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    base_url    TEXT    NOT NULL,
    currency    TEXT,
    created_at  INTEGER NOT NULL
) STRICT;
