-- The cache stays true over time.

-- Which configured panel (by its uid in local.sqlite3) owns each panel_id's
-- rows. SQLite cannot span the two files in one transaction: a panel removed
-- halfway (a crash between the files) is purged when the data dir is opened.
CREATE TABLE cache_panels (
    id  INTEGER PRIMARY KEY,
    uid TEXT    NOT NULL
) STRICT;

-- A ticket whose detail could not be fetched: why, how often, and when to
-- try again, so one bad ticket never blocks the others. `deleted`: the panel
-- answered 404; it is asked for again only once a list shows it.
ALTER TABLE tickets ADD COLUMN fetch_error TEXT;
ALTER TABLE tickets ADD COLUMN fetch_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN retry_at INTEGER;
ALTER TABLE tickets ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

-- The verify pass: the next created time to compare (NULL: no pass under
-- way), the end of the pass under way, and when the last one finished.
ALTER TABLE sync_state ADD COLUMN verify_from INTEGER;
ALTER TABLE sync_state ADD COLUMN verify_to INTEGER;
ALTER TABLE sync_state ADD COLUMN verified_at INTEGER;
-- Watch mode's re-read of rows that still move (open tickets, pending
-- payments, users whose balance moved): when it last ran.
ALTER TABLE sync_state ADD COLUMN refreshed_at INTEGER;
