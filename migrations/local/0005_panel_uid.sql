-- A panel's uid is recorded in both files, so cached rows left by a panel
-- removed halfway are recognised and purged. Panel ids are never reused: the
-- highest id ever given is kept in settings (`last_panel_id`).
ALTER TABLE panels ADD COLUMN uid TEXT;
UPDATE panels SET uid = lower(hex(randomblob(16)));
INSERT OR REPLACE INTO settings (key, value)
    SELECT 'last_panel_id', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM panels;
