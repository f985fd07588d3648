-- The baseline schema. Accounts, tokens, repositories and hooks; names are matched case-insensitively
-- through *_lower columns. Then events (payload stored once) and deliveries (the queue itself).
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
  owner_type   TEXT NOT NULL CHECK (owner_type IN ('repository', 'organization', 'integration')),
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
-- A guid is stored once, so an ingest retried after a lost commit cannot store its event twice.
CREATE UNIQUE INDEX events_guid ON events (guid);
CREATE INDEX events_created ON events (created_at);
-- The test endpoint re-sends a repository's latest push.
CREATE INDEX events_latest_push ON events (repository_id, id) WHERE event = 'push';

-- Partitioned in two: deliveries_pending, the queue (every claim, lease and completion reads only it, so
-- its plans and locks never grow with the log), and deliveries_done, the log, partitioned by the day each
-- row was created (storage/postgres/partitions.ts makes the days ahead and drops those past retention
-- whole; a completion moves its row from the first to the second). created_at is compared bytewise
-- ("C"), the order of its ISO UTC text, so day bounds and cutoffs mean the same under any database
-- collation. Both keys are part of the primary key; ids still come from one sequence, unique on their own.
CREATE TABLE deliveries (
  id               BIGSERIAL,
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
  created_at       TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (id, state, created_at)
) PARTITION BY LIST (state);
CREATE TABLE deliveries_pending PARTITION OF deliveries FOR VALUES IN ('pending');
CREATE TABLE deliveries_done PARTITION OF deliveries FOR VALUES IN ('done') PARTITION BY RANGE (created_at);
-- Completed rows of a day with no partition yet (a clock far off, days not made ahead) land here and are
-- listed and pruned like any other; a day's partition made later takes its rows out of it.
CREATE TABLE deliveries_default PARTITION OF deliveries_done DEFAULT;
-- Listing is keyset on (hook_id, id); claiming scans only pending rows in due order and counts each
-- hook's leased rows (its in-flight cap) through the small in-flight index.
CREATE INDEX deliveries_hook ON deliveries (hook_id, id);
CREATE INDEX deliveries_due ON deliveries (due_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_in_flight ON deliveries (hook_id) WHERE state = 'pending' AND lease_owner IS NOT NULL;
CREATE INDEX deliveries_created ON deliveries (created_at);
