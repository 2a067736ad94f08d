-- Panels and their sync settings: the configuration, kept on this machine.
CREATE TABLE panels (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    base_url        TEXT    NOT NULL,
    staff_name      TEXT,
    rate_limit      REAL    NOT NULL DEFAULT 5,
    enabled         INTEGER NOT NULL DEFAULT 1,
    -- Only the last 4 characters; the key itself is in the OS keychain.
    admin_key_last4 TEXT,
    has_services_key INTEGER NOT NULL DEFAULT 0,
    -- Keys come from PANELDESK_ADMIN_KEY_<NAME> instead of the keychain.
    no_keychain     INTEGER NOT NULL DEFAULT 0,
    currency        TEXT,
    status          TEXT    NOT NULL DEFAULT 'connected',
    last_error      TEXT,
    created_at      INTEGER NOT NULL
) STRICT;

-- Per panel and resource; a missing row means the defaults.
CREATE TABLE sync_settings (
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    resource    TEXT    NOT NULL,
    interval_s  INTEGER NOT NULL,
    per_fetch   INTEGER NOT NULL,
    PRIMARY KEY (panel_id, resource)
) STRICT;
