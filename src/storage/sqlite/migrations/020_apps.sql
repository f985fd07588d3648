-- GitHub Apps: registrations, installations, installation tokens, and the App's webhook as a hook row
-- with owner type 'integration' (owner id = App id). Only the App's public key and a hash of its client
-- secret are kept (the webhook secret is sealed in the hook row); installation tokens as SHA-256 hashes.

-- SQLite cannot change a CHECK constraint in place: the hooks table is rebuilt with the wider one.
-- No table references hooks by foreign key, so drop-and-rename is safe.
CREATE TABLE hooks_020 (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_type        TEXT NOT NULL CHECK (owner_type IN ('repository', 'organization', 'integration')),
  owner_id          INTEGER NOT NULL,
  name              TEXT NOT NULL,
  active            INTEGER NOT NULL,
  events            TEXT NOT NULL,
  url               TEXT NOT NULL,
  content_type      TEXT NOT NULL,
  insecure_ssl      TEXT NOT NULL,
  secret            TEXT,
  username          TEXT,
  password          TEXT,
  last_code         INTEGER,
  last_status       TEXT,
  last_message      TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
INSERT INTO hooks_020 (id, owner_type, owner_id, name, active, events, url, content_type, insecure_ssl, secret,
                       username, password, last_code, last_status, last_message, created_at, updated_at)
  SELECT id, owner_type, owner_id, name, active, events, url, content_type, insecure_ssl, secret,
         username, password, last_code, last_status, last_message, created_at, updated_at FROM hooks;
-- Ids of deleted hooks stay unused, as before the rebuild.
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'hooks') WHERE name = 'hooks_020';
DROP TABLE hooks;
ALTER TABLE hooks_020 RENAME TO hooks;
CREATE INDEX hooks_owner ON hooks (owner_type, owner_id, id);

CREATE TABLE apps (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  slug          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  name_lower    TEXT NOT NULL UNIQUE,
  owner_id      INTEGER NOT NULL REFERENCES accounts(id),
  description   TEXT,
  external_url  TEXT NOT NULL,
  public        INTEGER NOT NULL,
  client_id     TEXT NOT NULL UNIQUE,
  client_secret TEXT NOT NULL,
  public_key    TEXT NOT NULL,
  permissions   TEXT NOT NULL,
  events        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE app_installations (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id               INTEGER NOT NULL REFERENCES apps(id),
  account_id           INTEGER NOT NULL REFERENCES accounts(id),
  repository_selection TEXT NOT NULL CHECK (repository_selection IN ('all', 'selected')),
  suspended_at         TEXT,
  suspended_by         INTEGER REFERENCES accounts(id),
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  UNIQUE (app_id, account_id)
);
CREATE INDEX app_installations_account ON app_installations (account_id);

CREATE TABLE app_installation_repositories (
  installation_id INTEGER NOT NULL REFERENCES app_installations(id) ON DELETE CASCADE,
  repository_id   INTEGER NOT NULL REFERENCES repositories(id),
  PRIMARY KEY (installation_id, repository_id)
);

CREATE TABLE app_installation_tokens (
  token_hash      TEXT PRIMARY KEY,
  installation_id INTEGER NOT NULL REFERENCES app_installations(id) ON DELETE CASCADE,
  permissions     TEXT NOT NULL,
  repository_ids  TEXT,
  expires_at      INTEGER NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX app_installation_tokens_installation ON app_installation_tokens (installation_id);

-- Manifest codes (GitHub's manifest flow): single use, one hour; the code itself is stored hashed.
CREATE TABLE app_manifest_codes (
  code_hash  TEXT PRIMARY KEY,
  owner_id   INTEGER NOT NULL REFERENCES accounts(id),
  manifest   TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
