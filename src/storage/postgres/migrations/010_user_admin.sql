-- GHES user administration: suspension, and a version every account change moves, so that processes
-- keeping accounts in memory (storage/account-cache.ts) notice a suspension or deletion at once.
ALTER TABLE accounts ADD COLUMN suspended_at TEXT;
CREATE TABLE account_versions (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO account_versions (id, version) VALUES (1, 0);
