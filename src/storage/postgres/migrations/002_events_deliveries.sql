-- Events (payload stored once) and deliveries (one row per hook and attempt; the queue itself).
CREATE TABLE events (
  id              BIGSERIAL PRIMARY KEY,
  guid            TEXT NOT NULL,
  event           TEXT NOT NULL,
  action          TEXT,
  repository_id   BIGINT,
  organization_id BIGINT,
  payload         TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX events_created ON events (created_at);

CREATE TABLE latest_pushes (
  repository_id BIGINT PRIMARY KEY,
  event_id      BIGINT NOT NULL REFERENCES events(id)
);

CREATE TABLE deliveries (
  id               BIGSERIAL PRIMARY KEY,
  hook_id          BIGINT NOT NULL,
  event_id         BIGINT NOT NULL REFERENCES events(id),
  guid             TEXT NOT NULL,
  event            TEXT NOT NULL,
  action           TEXT,
  repository_id    BIGINT,
  redelivery       BOOLEAN NOT NULL DEFAULT FALSE,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
  due_at           BIGINT NOT NULL,
  lease_owner      TEXT,
  lease_until      BIGINT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  url              TEXT,
  status           TEXT,
  status_code      INTEGER,
  duration         DOUBLE PRECISION,
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
