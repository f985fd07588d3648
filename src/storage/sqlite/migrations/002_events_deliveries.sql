-- Events (payload stored once) and deliveries (one row per hook and attempt; the queue itself).
CREATE TABLE events (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  guid            TEXT NOT NULL,
  event           TEXT NOT NULL,
  action          TEXT,
  repository_id   INTEGER,
  organization_id INTEGER,
  payload         TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX events_created ON events (created_at);

CREATE TABLE latest_pushes (
  repository_id INTEGER PRIMARY KEY,
  event_id      INTEGER NOT NULL REFERENCES events(id)
);

CREATE TABLE deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  hook_id          INTEGER NOT NULL,
  event_id         INTEGER NOT NULL REFERENCES events(id),
  guid             TEXT NOT NULL,
  event            TEXT NOT NULL,
  action           TEXT,
  repository_id    INTEGER,
  redelivery       INTEGER NOT NULL DEFAULT 0,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
  due_at           INTEGER NOT NULL,
  lease_owner      TEXT,
  lease_until      INTEGER,
  attempts         INTEGER NOT NULL DEFAULT 0,
  url              TEXT,
  status           TEXT,
  status_code      INTEGER,
  duration         REAL,
  delivered_at     TEXT,
  request_headers  TEXT,
  response_headers TEXT,
  response_body    TEXT,
  created_at       TEXT NOT NULL
);
-- Listing is keyset on (hook_id, id); claiming scans only pending rows in due order.
CREATE INDEX deliveries_hook ON deliveries (hook_id, id);
CREATE INDEX deliveries_due ON deliveries (due_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_created ON deliveries (created_at);
