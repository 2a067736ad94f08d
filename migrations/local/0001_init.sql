-- local.sqlite3: what only this machine holds (settings, profiles, templates,
-- notes, the reply outbox, the activity log). Never sent to a panel.

-- One row: the identity of this data dir. Keychain accounts are prefixed with
-- install_id so two data dirs never share a key.
CREATE TABLE install (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    install_id  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) STRICT;
