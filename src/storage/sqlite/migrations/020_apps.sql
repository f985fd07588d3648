-- GitHub Apps: registrations, installations, installation tokens, and the App's webhook as a hook row
-- with owner type 'integration' (owner id = App id). Only the App's public key and a hash of its client
-- secret are kept (the webhook secret is sealed in the hook row); installation tokens as SHA-256 hashes.

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
