-- The orders' links and usernames by trigram (FTS5), so a search for part
-- of one answers from the index instead of reading every order: over
-- 1,000,000 encrypted orders the scan took 470 ms a count.
--
-- Contentless (the text stays in `orders` only) with no positions
-- (detail=none): the index only narrows a search to the orders holding
-- each of its trigrams somewhere, and the search's own LIKE then decides
-- (browse::text_index). A row's id is its panel's id and the order's id
-- in one integer, (panel_id << 40) | id: order IDs are at most 10 digits,
-- under 2^34. Kept by the triggers below; a first backfill sets them aside
-- with the other upkeep, and the sync pass after the one that ends it fills
-- the index whole (store::end_backfill).
CREATE VIRTUAL TABLE orders_text USING fts5(
    link, user,
    content = '', contentless_delete = 1, detail = none, tokenize = 'trigram'
);
INSERT INTO orders_text (rowid, link, user)
SELECT (panel_id << 40) | id, link, user FROM orders;

CREATE TRIGGER orders_text_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO orders_text (rowid, link, user) VALUES ((NEW.panel_id << 40) | NEW.id, NEW.link, NEW.user);
END;

CREATE TRIGGER orders_text_update AFTER UPDATE OF link, user ON orders
WHEN OLD.link IS NOT NEW.link OR OLD.user IS NOT NEW.user
BEGIN
    DELETE FROM orders_text WHERE rowid = (OLD.panel_id << 40) | OLD.id;
    INSERT INTO orders_text (rowid, link, user) VALUES ((NEW.panel_id << 40) | NEW.id, NEW.link, NEW.user);
END;

CREATE TRIGGER orders_text_delete AFTER DELETE ON orders
BEGIN
    DELETE FROM orders_text WHERE rowid = (OLD.panel_id << 40) | OLD.id;
END;
