-- Staff per panel, service descriptions imported from files, and the app lock.

-- A staff name as one panel writes it, and the staff member it is. Aliases
-- were global: each becomes one per panel, so nothing known is lost.
CREATE TABLE staff_aliases_per_panel (
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    alias       TEXT    NOT NULL,
    staff       TEXT    NOT NULL REFERENCES staff (name) ON DELETE CASCADE ON UPDATE CASCADE,
    PRIMARY KEY (panel_id, alias)
) STRICT, WITHOUT ROWID;
INSERT INTO staff_aliases_per_panel (panel_id, alias, staff)
    SELECT p.id, a.alias, a.staff FROM staff_aliases a CROSS JOIN panels p
    WHERE a.staff IN (SELECT name FROM staff);
DROP TABLE staff_aliases;
ALTER TABLE staff_aliases_per_panel RENAME TO staff_aliases;

-- The panels a staff member works on; none listed means every panel.
CREATE TABLE staff_panels (
    staff       TEXT    NOT NULL REFERENCES staff (name) ON DELETE CASCADE ON UPDATE CASCADE,
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    PRIMARY KEY (staff, panel_id)
) STRICT, WITHOUT ROWID;

-- Service descriptions, imported from CSV or XLSX. Kept here, not in the
-- cache: a services refresh replaces the cached catalogue and would erase them.
CREATE TABLE service_descriptions (
    panel_id    INTEGER NOT NULL REFERENCES panels (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL,
    description TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (panel_id, service_id)
) STRICT, WITHOUT ROWID;

-- An operator's app lock: the passcode as an Argon2id PHC string (never the
-- passcode), the idle minutes before it is asked again (0: only at start),
-- and the failures since the last success. `locked_until` (unix seconds)
-- is kept here, so a restart does not lift a lockout.
CREATE TABLE app_locks (
    operator_id  INTEGER PRIMARY KEY REFERENCES operators (id) ON DELETE CASCADE,
    hash         TEXT    NOT NULL,
    idle_minutes INTEGER NOT NULL DEFAULT 10 CHECK (idle_minutes >= 0),
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    updated_at   INTEGER NOT NULL
) STRICT;

-- Roles are a closed set now (staff, admin, bot); any other was typed by hand.
UPDATE staff SET role = 'staff' WHERE role NOT IN ('staff', 'admin', 'bot');
