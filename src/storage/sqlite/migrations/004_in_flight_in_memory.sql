-- The process that owns a SQLite file counts each hook's deliveries in flight in memory
-- (src/storage/sqlite/lease-book.ts), so this index only cost a write on every claim and completion.
DROP INDEX IF EXISTS deliveries_in_flight;
