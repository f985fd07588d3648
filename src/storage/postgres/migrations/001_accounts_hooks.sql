-- Accounts, tokens, repositories and hooks. Names are matched case-insensitively through *_lower columns.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE accounts (
  id          BIGSERIAL PRIMARY KEY,
  login       TEXT NOT NULL,
  login_lower TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL CHECK (type IN ('User', 'Organization')),
  email       TEXT,
  name        TEXT,
  site_admin  BOOLEAN NOT NULL DEFAULT FALSE,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE tokens (
  id         BIGSERIAL PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES accounts(id),
  token_hash TEXT NOT NULL UNIQUE,
  scopes     TEXT NOT NULL,
  note       TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE org_members (
  org_id  BIGINT NOT NULL REFERENCES accounts(id),
  user_id BIGINT NOT NULL REFERENCES accounts(id),
  role    TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  PRIMARY KEY (org_id, user_id)
);

CREATE TABLE repositories (
  id          BIGSERIAL PRIMARY KEY,
  owner_id    BIGINT NOT NULL REFERENCES accounts(id),
  name        TEXT NOT NULL,
  name_lower  TEXT NOT NULL,
  private     BOOLEAN NOT NULL DEFAULT FALSE,
  description TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  pushed_at   TEXT,
  UNIQUE (owner_id, name_lower)
);

CREATE TABLE collaborators (
  repo_id    BIGINT NOT NULL REFERENCES repositories(id),
  user_id    BIGINT NOT NULL REFERENCES accounts(id),
  permission TEXT NOT NULL,
  PRIMARY KEY (repo_id, user_id)
);

CREATE TABLE hooks (
  id           BIGSERIAL PRIMARY KEY,
  owner_type   TEXT NOT NULL CHECK (owner_type IN ('repository', 'organization')),
  owner_id     BIGINT NOT NULL,
  name         TEXT NOT NULL,
  active       BOOLEAN NOT NULL,
  events       TEXT NOT NULL,
  url          TEXT NOT NULL,
  content_type TEXT NOT NULL,
  insecure_ssl TEXT NOT NULL,
  secret       TEXT,
  username     TEXT,
  password     TEXT,
  last_code    INTEGER,
  last_status  TEXT,
  last_message TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX hooks_owner ON hooks (owner_type, owner_id, id);
