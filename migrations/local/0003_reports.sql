-- Reports: saved profiles, snoozed services and the staff directory.

-- A service health profile. `services` is a JSON array of [panel_id, service_id]
-- pairs, NULL for every service of the chosen panels.
CREATE TABLE service_health_profiles (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    services        TEXT,
    stuck_after_h   REAL    NOT NULL DEFAULT 12,
    slow_multiplier REAL    NOT NULL DEFAULT 2,
    min_orders      INTEGER NOT NULL DEFAULT 5,
    window_hours    REAL    NOT NULL DEFAULT 24,
    created_at      INTEGER NOT NULL
) STRICT;

-- A top spenders profile. `users` is a JSON array of [panel_id, user_id]
-- pairs, NULL for all users; min_spend is in micro-units of each row's own currency.
CREATE TABLE top_spender_profiles (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    users           TEXT,
    min_payments    INTEGER NOT NULL DEFAULT 0,
    min_spend       INTEGER NOT NULL DEFAULT 0,
    window_hours    REAL    NOT NULL DEFAULT 24,
    created_at      INTEGER NOT NULL
) STRICT;

-- A service hidden from service health until snoozed_until (unix seconds).
CREATE TABLE snoozes (
    panel_id        INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    service_id      INTEGER NOT NULL,
    snoozed_until   INTEGER NOT NULL,
    PRIMARY KEY (panel_id, service_id)
) STRICT;

-- The staff directory: a role of 'bot' keeps a name out of the staff reports.
CREATE TABLE staff (
    name            TEXT PRIMARY KEY,
    role            TEXT NOT NULL DEFAULT 'staff'
) STRICT;

-- A staff_name as a panel writes it (alias) and the staff member it is.
CREATE TABLE staff_aliases (
    alias           TEXT PRIMARY KEY,
    staff           TEXT NOT NULL
) STRICT;
