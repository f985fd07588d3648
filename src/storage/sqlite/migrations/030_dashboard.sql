-- Dashboard sign-ins: only a hash of the session id is stored, so a copied table cannot be replayed;
-- the token's hash is kept so that a revoked token ends its sessions too. No foreign key on user_id:
-- a session whose user or token is gone simply stops authenticating, and never blocks their removal.
CREATE TABLE dashboard_sessions (
  id_hash    TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL,
  token_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at);
-- Health per hook per hour and the site's rate by outcome read completed deliveries by time; these
-- indexes hold every column those queries read, so they never touch the table's rows.
CREATE INDEX deliveries_hook_delivered ON deliveries (hook_id, delivered_at, status_code) WHERE state = 'done';
CREATE INDEX deliveries_delivered ON deliveries (delivered_at, status_code) WHERE state = 'done';
-- Health of hours that are over, counted once from the index above and kept (zeros included), so a
-- page of hooks reads at most 24 rows per hook plus the deliveries of the last two hours.
CREATE TABLE delivery_health_hours (
  hook_id INTEGER NOT NULL,
  hour    TEXT NOT NULL,
  success INTEGER NOT NULL,
  failure INTEGER NOT NULL,
  PRIMARY KEY (hook_id, hour)
);
CREATE INDEX delivery_health_hours_hour ON delivery_health_hours (hour);
