-- Report history: the cache keeps no history, so what the trend charts and
-- the reported services need is kept here.

-- Each service's service-health score for a local day: the default rules,
-- over the 24 h ending at that day's local midnight. A day the app did not
-- run has no row (a gap in the chart).
CREATE TABLE service_score_days (
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL,
    day         TEXT    NOT NULL,          -- YYYY-MM-DD, the OS time zone's
    score       REAL,                      -- NULL: not enough data
    status      TEXT    NOT NULL,
    PRIMARY KEY (panel_id, service_id, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX service_score_days_day ON service_score_days (day);

-- Services an operator reported (from an order, a service or a ticket),
-- with why, until someone resolves them.
CREATE TABLE reported_services (
    id           INTEGER PRIMARY KEY,
    panel_id     INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    service_id   INTEGER NOT NULL,
    service_name TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('order', 'service', 'ticket')),
    source_id    INTEGER,
    reported_by  TEXT    NOT NULL,
    reported_at  INTEGER NOT NULL,
    resolved_by  TEXT,
    resolved_at  INTEGER
) STRICT;
CREATE INDEX reported_services_open ON reported_services (resolved_at, reported_at);
