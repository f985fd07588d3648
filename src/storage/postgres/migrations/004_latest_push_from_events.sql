-- A repository's latest push is read from the events themselves. The latest_pushes row was upserted
-- inside every accepted push's transaction, so all ingest for one repository queued on that row's
-- lock until each commit: ~280 events/s here, whatever the number of API processes.
-- latest_pushes stays for now: processes of the previous release, still running during a rolling
-- upgrade, write and read it, and pruning keeps the events its rows point at (their foreign key).
-- A later release drops it (DROP TABLE IF EXISTS) once no such process can be left.
CREATE INDEX events_latest_push ON events (repository_id, id) WHERE event = 'push';
