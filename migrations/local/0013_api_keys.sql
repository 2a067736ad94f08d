-- Keys to the local API (local_api/keys.rs). Only each key's SHA-256 is kept:
-- the key itself is shown once, when it is made.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    -- The key's first characters, shown in the list to tell keys apart.
    prefix       TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    -- JSON: [{"resource": "orders", "access": "read"}, ...]
    scopes       TEXT    NOT NULL,
    -- JSON: the panel ids the key may reach; [] is every panel.
    panels       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
) STRICT;
