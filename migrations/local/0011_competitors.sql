-- The competitors watch: rival panels' public services catalogues (their user
-- API v2), polled on each watch profile's interval. Rival data is not a
-- panel's: it lives here, on this machine only. Keys are in the OS keychain.

CREATE TABLE rivals (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    -- Normalised Admin API v2 base, as for a panel; the user API is beside it.
    base_url       TEXT    NOT NULL,
    key_last4      TEXT,
    created_at     INTEGER NOT NULL,
    last_polled_at INTEGER,
    -- The last poll's failure, NULL when it succeeded.
    last_error     TEXT
) STRICT;

-- What to watch: which rivals, how often, how far back to show, and the
-- smallest price move (in %) worth showing.
CREATE TABLE watch_profiles (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    window_hours     INTEGER NOT NULL CHECK (window_hours > 0),
    interval_minutes INTEGER NOT NULL CHECK (interval_minutes > 0),
    threshold_pct    REAL    NOT NULL CHECK (threshold_pct >= 0),
    created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE watch_profile_rivals (
    profile_id INTEGER NOT NULL REFERENCES watch_profiles (id) ON DELETE CASCADE,
    rival_id   INTEGER NOT NULL REFERENCES rivals (id) ON DELETE CASCADE,
    PRIMARY KEY (profile_id, rival_id)
) STRICT, WITHOUT ROWID;

-- One row per successful poll.
CREATE TABLE rival_snapshots (
    id       INTEGER PRIMARY KEY,
    rival_id INTEGER NOT NULL REFERENCES rivals (id) ON DELETE CASCADE,
    taken_at INTEGER NOT NULL,
    services INTEGER NOT NULL,
    changes  INTEGER NOT NULL
) STRICT;
CREATE INDEX rival_snapshots_rival ON rival_snapshots (rival_id, taken_at);

-- The catalogue as of the last snapshot: what the next poll is diffed with.
-- Older catalogues are not kept whole; the changes and prices below are.
CREATE TABLE rival_services (
    rival_id    INTEGER NOT NULL REFERENCES rivals (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    category    TEXT,
    rate_micros INTEGER,
    PRIMARY KEY (rival_id, service_id)
) STRICT, WITHOUT ROWID;

-- What each poll found changed. Every price move is kept; a profile's
-- threshold filters them when shown, so changing it needs no re-poll.
CREATE TABLE rival_changes (
    id              INTEGER PRIMARY KEY,
    rival_id        INTEGER NOT NULL REFERENCES rivals (id) ON DELETE CASCADE,
    snapshot_id     INTEGER NOT NULL REFERENCES rival_snapshots (id) ON DELETE CASCADE,
    taken_at        INTEGER NOT NULL,
    service_id      INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('new', 'removed', 'price', 'renamed')),
    name            TEXT    NOT NULL,
    old_name        TEXT,
    rate_micros     INTEGER,
    old_rate_micros INTEGER
) STRICT;
CREATE INDEX rival_changes_at ON rival_changes (rival_id, taken_at);

-- A service's price over time: a row when it was first seen and at each move.
-- Keyed by snapshot: two polls in one second are still two points.
CREATE TABLE rival_prices (
    rival_id    INTEGER NOT NULL REFERENCES rivals (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL,
    snapshot_id INTEGER NOT NULL REFERENCES rival_snapshots (id) ON DELETE CASCADE,
    since       INTEGER NOT NULL,
    rate_micros INTEGER,
    PRIMARY KEY (rival_id, service_id, snapshot_id)
) STRICT, WITHOUT ROWID;
