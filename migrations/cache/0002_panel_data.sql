-- The panels' data. Panels themselves are configured in local.sqlite3
-- (this file can be deleted and rebuilt by a resync; the configuration cannot).
DROP TABLE panels;

CREATE TABLE orders (
    panel_id        INTEGER NOT NULL,
    id              INTEGER NOT NULL,
    external_id     TEXT,
    user            TEXT    NOT NULL,
    creation_type   TEXT,
    charge          INTEGER,            -- micro-units of currency
    provider_charge INTEGER,
    currency        TEXT,
    link            TEXT    NOT NULL,
    start_count     INTEGER,
    quantity        INTEGER NOT NULL,
    remains         INTEGER NOT NULL,
    service_id      INTEGER,
    service_name    TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    provider        TEXT,
    mode            TEXT,
    created         INTEGER NOT NULL,
    last_update     INTEGER,
    ip_address      TEXT,
    -- When the order was first seen finished (completed or partial); frozen once set.
    finished_at     INTEGER,
    synced_at       INTEGER NOT NULL,
    PRIMARY KEY (panel_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX orders_created ON orders (panel_id, created);
CREATE INDEX orders_status ON orders (panel_id, status, created);
CREATE INDEX orders_service ON orders (panel_id, service_id, created);
CREATE INDEX orders_user ON orders (panel_id, user, created);
CREATE INDEX orders_finished ON orders (panel_id, finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE users (
    panel_id    INTEGER NOT NULL,
    id          INTEGER NOT NULL,
    username    TEXT    NOT NULL,
    email       TEXT,
    balance     INTEGER,
    spent       INTEGER,
    currency    TEXT,
    status      TEXT    NOT NULL,
    created     INTEGER,
    last_auth   INTEGER,
    discount    INTEGER,
    synced_at   INTEGER NOT NULL,
    PRIMARY KEY (panel_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX users_username ON users (panel_id, username);
CREATE INDEX users_created ON users (panel_id, created);

CREATE TABLE payments (
    panel_id    INTEGER NOT NULL,
    id          INTEGER NOT NULL,
    user        TEXT    NOT NULL,
    balance     INTEGER,
    amount      INTEGER,
    currency    TEXT,
    method      TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    fraud_risk  TEXT,
    memo        TEXT    NOT NULL,
    mode        TEXT,
    created     INTEGER,
    updated     INTEGER,
    synced_at   INTEGER NOT NULL,
    PRIMARY KEY (panel_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX payments_created ON payments (panel_id, created);
CREATE INDEX payments_user ON payments (panel_id, user, created);

CREATE TABLE tickets (
    panel_id    INTEGER NOT NULL,
    id          INTEGER NOT NULL,
    user_id     INTEGER,
    username    TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    assignee    TEXT,
    created     INTEGER,
    last_update INTEGER,
    -- The ticket's last_update when its messages were last fetched (NULL: never).
    messages_at INTEGER,
    synced_at   INTEGER NOT NULL,
    PRIMARY KEY (panel_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX tickets_created ON tickets (panel_id, created);
CREATE INDEX tickets_last_update ON tickets (panel_id, last_update);

CREATE TABLE ticket_messages (
    panel_id    INTEGER NOT NULL,
    ticket_id   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,       -- position in the conversation
    id          INTEGER,
    message     TEXT    NOT NULL,       -- HTML as sent: hostile until sanitised
    is_staff    INTEGER NOT NULL,
    staff_name  TEXT,
    created     INTEGER,
    PRIMARY KEY (panel_id, ticket_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX ticket_messages_created ON ticket_messages (panel_id, created);

CREATE TABLE services (
    panel_id    INTEGER NOT NULL,
    id          INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    kind        TEXT,
    category    TEXT,
    rate        INTEGER,
    min         INTEGER,
    max         INTEGER,
    synced_at   INTEGER NOT NULL,
    PRIMARY KEY (panel_id, id)
) STRICT, WITHOUT ROWID;

-- Where each resource's sync stands. Cursors live with the rows they
-- describe, so a deleted cache restarts from scratch.
CREATE TABLE sync_state (
    panel_id        INTEGER NOT NULL,
    resource        TEXT    NOT NULL,
    -- Newest created time fetched by the head (new rows come after it).
    head_from       INTEGER,
    -- Backfill: the next page is created <= backfill_to; done when the end or the horizon was reached.
    backfill_to     INTEGER,
    backfill_done   INTEGER NOT NULL DEFAULT 0,
    -- Full reconcile: the next offset, and when the last one finished.
    reconcile_offset INTEGER NOT NULL DEFAULT 0,
    reconciled_at   INTEGER,
    last_fetched    INTEGER,
    status          TEXT    NOT NULL DEFAULT 'idle',
    last_error      TEXT,
    PRIMARY KEY (panel_id, resource)
) STRICT;
