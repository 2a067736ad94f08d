-- Counts of orders per hour, kept exact by triggers on every insert,
-- change and delete of an order (the sync's upserts, retention, the verify
-- pass, a panel's removal), so service health and the Orders screen's
-- counts read a few rows per hour instead of walking every order. The
-- partial hours at a range's ends are read from the orders themselves.
--
-- A missing service is -1, a missing provider, mode or source '' (keys
-- cannot be NULL; the filters never ask for an empty value).

-- Orders created in each hour, by every filter of the Orders screen but
-- the free text.
CREATE TABLE agg_orders (
    panel_id   INTEGER NOT NULL,
    hour       INTEGER NOT NULL,   -- created / 3600
    service_id INTEGER NOT NULL,
    provider   TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    mode       TEXT    NOT NULL,
    source     TEXT    NOT NULL,   -- creation_type
    orders     INTEGER NOT NULL,
    PRIMARY KEY (panel_id, hour, service_id, provider, status, mode, source)
) STRICT, WITHOUT ROWID;

-- Finished orders (completed or partial, with a finish time no earlier
-- than their creation) by the hour of their finish time.
CREATE TABLE agg_finished (
    panel_id   INTEGER NOT NULL,
    hour       INTEGER NOT NULL,   -- finished_at / 3600
    service_id INTEGER NOT NULL,
    provider   TEXT    NOT NULL,
    finished   INTEGER NOT NULL,
    PRIMARY KEY (panel_id, hour, service_id, provider)
) STRICT, WITHOUT ROWID;

-- The slow check depends on the service's speed (parsed from its name) and
-- the multiplier, so its counts are kept per rule: a service's speed as the
-- sync last saw it, times each multiplier in use (the default and the
-- profiles'). A report whose service and multiplier match no rule counts
-- that service from the orders, so the figure is exact either way.
CREATE TABLE agg_slow_rules (
    panel_id   INTEGER NOT NULL,
    service_id INTEGER NOT NULL,
    multiplier REAL    NOT NULL,
    amount     REAL    NOT NULL,
    per_s      INTEGER NOT NULL,
    PRIMARY KEY (panel_id, service_id, multiplier)
) STRICT, WITHOUT ROWID;

CREATE TABLE agg_slow (
    panel_id   INTEGER NOT NULL,
    multiplier REAL    NOT NULL,
    hour       INTEGER NOT NULL,   -- finished_at / 3600
    service_id INTEGER NOT NULL,
    provider   TEXT    NOT NULL,
    slow       INTEGER NOT NULL,
    PRIMARY KEY (panel_id, multiplier, hour, service_id, provider)
) STRICT, WITHOUT ROWID;

-- The few finished orders the aggregates leave out (a finish time before
-- their creation, as a panel's clock can give): the reports count them
-- from here.
CREATE INDEX orders_finished_early ON orders (panel_id, finished_at)
    WHERE finished_at IS NOT NULL AND finished_at < created;

-- The partial hours at a window's ends are counted from the orders, and a
-- panel can finish thousands in one second (a provider's bulk update): the
-- finished orders' index covers what the count reads, so it never visits
-- the table.
DROP INDEX orders_finished;
CREATE INDEX orders_finished ON orders (panel_id, finished_at, status, created, quantity, service_id, provider)
    WHERE finished_at IS NOT NULL;

-- Stuck orders are counted over the whole cache; the open ones are few, so
-- a covering index over them alone answers the count.

-- Sorting the Orders screen by charge pages through this index (the sort
-- key is the expression, so the index is on it).
CREATE INDEX orders_charge ON orders (panel_id, coalesce(charge, -1), id);

CREATE INDEX orders_open ON orders (panel_id, created, status, remains, service_id, provider)
    WHERE status IN ('pending', 'in_progress', 'processing', 'awaiting');

CREATE TRIGGER orders_agg_insert AFTER INSERT ON orders BEGIN
    INSERT INTO agg_orders VALUES (NEW.panel_id, NEW.created / 3600,
        coalesce(NEW.service_id, -1), coalesce(NEW.provider, ''), NEW.status,
        coalesce(NEW.mode, ''), coalesce(NEW.creation_type, ''), 1)
        ON CONFLICT DO UPDATE SET orders = orders + 1;
    INSERT INTO agg_finished SELECT NEW.panel_id, NEW.finished_at / 3600,
        coalesce(NEW.service_id, -1), coalesce(NEW.provider, ''), 1
        WHERE NEW.status IN ('completed', 'partial') AND NEW.finished_at >= NEW.created
        ON CONFLICT DO UPDATE SET finished = finished + 1;
    INSERT INTO agg_slow SELECT NEW.panel_id, r.multiplier, NEW.finished_at / 3600,
        NEW.service_id, coalesce(NEW.provider, ''), 1
        FROM agg_slow_rules r
        WHERE NEW.status IN ('completed', 'partial') AND NEW.finished_at >= NEW.created
          AND r.panel_id = NEW.panel_id AND r.service_id = NEW.service_id
          AND (NEW.finished_at - NEW.created) * r.amount > NEW.quantity * r.per_s * r.multiplier
        ON CONFLICT DO UPDATE SET slow = slow + 1;
END;

CREATE TRIGGER orders_agg_delete AFTER DELETE ON orders BEGIN
    UPDATE agg_orders SET orders = orders - 1
        WHERE panel_id = OLD.panel_id AND hour = OLD.created / 3600
          AND service_id = coalesce(OLD.service_id, -1) AND provider = coalesce(OLD.provider, '')
          AND status = OLD.status AND mode = coalesce(OLD.mode, '')
          AND source = coalesce(OLD.creation_type, '');
    UPDATE agg_finished SET finished = finished - 1
        WHERE OLD.status IN ('completed', 'partial') AND OLD.finished_at >= OLD.created
          AND panel_id = OLD.panel_id AND hour = OLD.finished_at / 3600
          AND service_id = coalesce(OLD.service_id, -1) AND provider = coalesce(OLD.provider, '');
    UPDATE agg_slow SET slow = slow - 1
        WHERE OLD.status IN ('completed', 'partial') AND OLD.finished_at >= OLD.created
          AND panel_id = OLD.panel_id AND hour = OLD.finished_at / 3600
          AND service_id = OLD.service_id AND provider = coalesce(OLD.provider, '')
          AND multiplier IN (
              SELECT r.multiplier FROM agg_slow_rules r
              WHERE r.panel_id = OLD.panel_id AND r.service_id = OLD.service_id
                AND (OLD.finished_at - OLD.created) * r.amount > OLD.quantity * r.per_s * r.multiplier);
END;

-- A change is the old row taken out and the new one put in; only a change
-- to a counted column costs anything (the sync rewrites unchanged rows).
CREATE TRIGGER orders_agg_update
AFTER UPDATE OF created, service_id, provider, status, mode, creation_type, finished_at, quantity ON orders
WHEN OLD.created IS NOT NEW.created OR OLD.service_id IS NOT NEW.service_id
  OR OLD.provider IS NOT NEW.provider OR OLD.status IS NOT NEW.status
  OR OLD.mode IS NOT NEW.mode OR OLD.creation_type IS NOT NEW.creation_type
  OR OLD.finished_at IS NOT NEW.finished_at OR OLD.quantity IS NOT NEW.quantity
BEGIN
    UPDATE agg_orders SET orders = orders - 1
        WHERE panel_id = OLD.panel_id AND hour = OLD.created / 3600
          AND service_id = coalesce(OLD.service_id, -1) AND provider = coalesce(OLD.provider, '')
          AND status = OLD.status AND mode = coalesce(OLD.mode, '')
          AND source = coalesce(OLD.creation_type, '');
    UPDATE agg_finished SET finished = finished - 1
        WHERE OLD.status IN ('completed', 'partial') AND OLD.finished_at >= OLD.created
          AND panel_id = OLD.panel_id AND hour = OLD.finished_at / 3600
          AND service_id = coalesce(OLD.service_id, -1) AND provider = coalesce(OLD.provider, '');
    UPDATE agg_slow SET slow = slow - 1
        WHERE OLD.status IN ('completed', 'partial') AND OLD.finished_at >= OLD.created
          AND panel_id = OLD.panel_id AND hour = OLD.finished_at / 3600
          AND service_id = OLD.service_id AND provider = coalesce(OLD.provider, '')
          AND multiplier IN (
              SELECT r.multiplier FROM agg_slow_rules r
              WHERE r.panel_id = OLD.panel_id AND r.service_id = OLD.service_id
                AND (OLD.finished_at - OLD.created) * r.amount > OLD.quantity * r.per_s * r.multiplier);
    INSERT INTO agg_orders VALUES (NEW.panel_id, NEW.created / 3600,
        coalesce(NEW.service_id, -1), coalesce(NEW.provider, ''), NEW.status,
        coalesce(NEW.mode, ''), coalesce(NEW.creation_type, ''), 1)
        ON CONFLICT DO UPDATE SET orders = orders + 1;
    INSERT INTO agg_finished SELECT NEW.panel_id, NEW.finished_at / 3600,
        coalesce(NEW.service_id, -1), coalesce(NEW.provider, ''), 1
        WHERE NEW.status IN ('completed', 'partial') AND NEW.finished_at >= NEW.created
        ON CONFLICT DO UPDATE SET finished = finished + 1;
    INSERT INTO agg_slow SELECT NEW.panel_id, r.multiplier, NEW.finished_at / 3600,
        NEW.service_id, coalesce(NEW.provider, ''), 1
        FROM agg_slow_rules r
        WHERE NEW.status IN ('completed', 'partial') AND NEW.finished_at >= NEW.created
          AND r.panel_id = NEW.panel_id AND r.service_id = NEW.service_id
          AND (NEW.finished_at - NEW.created) * r.amount > NEW.quantity * r.per_s * r.multiplier
        ON CONFLICT DO UPDATE SET slow = slow + 1;
END;

-- The existing orders, counted once.
INSERT INTO agg_orders
    SELECT panel_id, created / 3600, coalesce(service_id, -1), coalesce(provider, ''), status,
           coalesce(mode, ''), coalesce(creation_type, ''), count(*)
    FROM orders GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO agg_finished
    SELECT panel_id, finished_at / 3600, coalesce(service_id, -1), coalesce(provider, ''), count(*)
    FROM orders WHERE status IN ('completed', 'partial') AND finished_at >= created
    GROUP BY 1, 2, 3, 4;
