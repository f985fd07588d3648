-- Pruning finds old deliveries through their events (a delivery is never older than its event), so
-- this index only cost an insert into one more B-tree, and one more WAL page, for every delivery.
DROP INDEX IF EXISTS deliveries_created;
