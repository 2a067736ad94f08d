-- Tickets: who is working, what they have read, the reply outbox, templates,
-- the panels' missing ticket actions and the activity log.

-- The people who work at this machine. The first is named after the OS user
-- (created by the core at open, since SQL cannot read it).
CREATE TABLE operators (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;

-- The staff name an operator replies with on a panel; overrides panels.staff_name.
CREATE TABLE operator_staff_names (
    operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    staff_name  TEXT    NOT NULL,
    PRIMARY KEY (operator_id, panel_id)
) STRICT;

-- How many customer messages of a ticket an operator had seen when they last
-- opened it: more in the cache now are unread.
CREATE TABLE ticket_reads (
    operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    ticket_id   INTEGER NOT NULL,
    customer_messages INTEGER NOT NULL,
    read_at     INTEGER NOT NULL,
    PRIMARY KEY (operator_id, panel_id, ticket_id)
) STRICT, WITHOUT ROWID;

-- Notes belong to the operator who wrote them (NULL: written before operators).
ALTER TABLE user_notes ADD COLUMN operator_id INTEGER REFERENCES operators (id) ON DELETE SET NULL;

-- Reply templates, with {{placeholders}} filled in at insert time.
CREATE TABLE templates (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

-- Replies on their way to a panel. `body` is exactly what is sent (escaped,
-- newlines as <br>); `plain` is its stripped text, which finds it again in a
-- re-read of the ticket. `seen_messages` is how much of the conversation the
-- operator had seen: anything after it holds the reply (the freshness guard).
-- `posts` counts requests actually sent: only a row never posted can be edited.
-- The outbox survives the panel's removal (panel_name kept) but is then failed.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    operator_id   INTEGER REFERENCES operators (id) ON DELETE SET NULL,
    panel_id      INTEGER NOT NULL,
    panel_name    TEXT    NOT NULL,
    ticket_id     INTEGER NOT NULL,
    staff_name    TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    plain         TEXT    NOT NULL,
    seen_messages INTEGER NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'unknown', 'sent', 'held', 'failed')),
    posts         INTEGER NOT NULL DEFAULT 0,
    attempted_at  INTEGER,
    retry_at      INTEGER,
    error         TEXT,
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER
) STRICT;
CREATE INDEX outbox_pending ON outbox (state, retry_at);
CREATE INDEX outbox_ticket ON outbox (panel_id, ticket_id);

-- Ticket actions a panel answered "Page not found." for (ASSUMED endpoints).
CREATE TABLE panel_missing_actions (
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    action      TEXT    NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (panel_id, action)
) STRICT, WITHOUT ROWID;

-- Append-only: who did what to which panel, from which device. Never a
-- message's content or a key. The panel is kept as text so a row outlives it.
CREATE TABLE activity_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_kind  TEXT    NOT NULL CHECK (actor_kind IN ('operator', 'api_key', 'cli', 'engine')),
    actor_id    TEXT    NOT NULL,
    actor_name  TEXT    NOT NULL,
    host        TEXT    NOT NULL,
    install_id  TEXT    NOT NULL,
    panel_id    INTEGER,
    panel_name  TEXT,
    action      TEXT    NOT NULL,
    target      TEXT,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('sent', 'failed', 'unknown')),
    details     TEXT
) STRICT;
CREATE INDEX activity_log_at ON activity_log (at);
CREATE TRIGGER activity_log_no_update BEFORE UPDATE ON activity_log
BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
CREATE TRIGGER activity_log_no_delete BEFORE DELETE ON activity_log
BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
