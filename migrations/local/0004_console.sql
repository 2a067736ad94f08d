-- The console: the demo panel and private notes on customers.

-- The built-in demo panel: its key is the fake panel's fixed key (no
-- keychain), its URL changes at every start (a new local port).
ALTER TABLE panels ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;

-- Private notes on a customer: only on this machine, never sent to a panel.
-- Removing a panel deletes its notes.
CREATE TABLE user_notes (
    id          INTEGER PRIMARY KEY,
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX user_notes_user ON user_notes (panel_id, user_id, created_at);
