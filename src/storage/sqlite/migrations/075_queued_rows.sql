-- The claim reads only queued rows (pending and not leased): rows in flight leave these indexes when they
-- are leased, so a claim never walks past them. It reads them in due order, and, when hooks or owners at
-- their cap hold the oldest rows, hook by hook (each hook's oldest rows), so a capped backlog is skipped
-- with one seek per hook instead of being read row by row (storage/fair-claim.ts). The due-order index
-- holds every column the window reads (SQLite reads a partial index's WHERE columns from the row unless
-- the index holds them), so the window is read from the index alone.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_queued ON deliveries (due_at, id, hook_id, state, lease_owner) WHERE state = 'pending' AND lease_owner IS NULL;
CREATE INDEX deliveries_hook_queue ON deliveries (hook_id, due_at, id) WHERE state = 'pending' AND lease_owner IS NULL;
-- Leases per hook, with their expiry, read without touching the rows (the claim's in-flight counts).
DROP INDEX deliveries_in_flight;
CREATE INDEX deliveries_in_flight ON deliveries (hook_id, lease_until) WHERE state = 'pending' AND lease_owner IS NOT NULL;
