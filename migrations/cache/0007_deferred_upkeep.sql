-- The first backfill of an empty cache writes its orders without the
-- upkeep that costs most per row, and builds it once at its end
-- (store::deferred): the indexes whose keys spread a newest-first
-- backfill's inserts over the whole index, and the aggregates' triggers.
-- What was set aside is kept here (its CREATE statement), so a run killed
-- meanwhile is finished by the next one. While a row is here, the reports
-- and counts read the orders instead of the aggregates.
--
-- A later migration that changes one of these indexes or triggers must
-- first put back what is set aside here.
CREATE TABLE orders_upkeep_deferred (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL,   -- 'index' or 'trigger'
    sql  TEXT NOT NULL
) STRICT;
