-- The schema. Names are matched case-insensitively through *_lower columns; times are ISO UTC text, except
-- queue times (due_at, lease_until, expires_at, heartbeat_at, failing_since), which are ms since epoch.
-- Column order is the order rows are read and copied in: new columns go at the end of their table.

-- Site-wide settings by key.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Users and organizations; suspended_at is set while a user is suspended (GHES user administration).
CREATE TABLE accounts (
  id           BIGSERIAL PRIMARY KEY,
  login        TEXT NOT NULL,
  login_lower  TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL CHECK (type IN ('User', 'Organization')),
  email        TEXT,
  name         TEXT,
  site_admin   BOOLEAN NOT NULL DEFAULT FALSE,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  suspended_at TEXT
);

-- One row, a version every account change moves, so that processes keeping accounts in memory
-- (storage/account-cache.ts) notice a suspension or deletion at once.
CREATE TABLE account_versions (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO account_versions (id, version) VALUES (1, 0);

-- Personal access tokens, kept as hashes.
CREATE TABLE tokens (
  id         BIGSERIAL PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES accounts(id),
  token_hash TEXT NOT NULL UNIQUE,
  scopes     TEXT NOT NULL,
  note       TEXT,
  created_at TEXT NOT NULL
);

-- Organization membership.
CREATE TABLE org_members (
  org_id  BIGINT NOT NULL REFERENCES accounts(id),
  user_id BIGINT NOT NULL REFERENCES accounts(id),
  role    TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  PRIMARY KEY (org_id, user_id)
);

-- Dashboard sign-ins: only a hash of the session id is stored, so a copied table cannot be replayed;
-- the token's hash is kept so that a revoked token ends its sessions too. No foreign key on user_id:
-- a session whose user or token is gone simply stops authenticating, and never blocks their removal.
CREATE TABLE dashboard_sessions (
  id_hash    TEXT PRIMARY KEY,
  user_id    BIGINT NOT NULL,
  token_hash TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
-- Expired sessions are deleted by expiry.
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at);

-- Repositories, unique by name within their owner.
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

-- Repository collaborators and their permission.
CREATE TABLE collaborators (
  repo_id    BIGINT NOT NULL REFERENCES repositories(id),
  user_id    BIGINT NOT NULL REFERENCES accounts(id),
  permission TEXT NOT NULL,
  PRIMARY KEY (repo_id, user_id)
);

-- GitHub App registrations. Only the App's public key and a hash of its client secret are kept; the App's
-- webhook is a hook row with owner type 'integration' (owner id = App id), its secret sealed there.
CREATE TABLE apps (
  id            BIGSERIAL PRIMARY KEY,
  slug          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  name_lower    TEXT NOT NULL UNIQUE,
  owner_id      BIGINT NOT NULL REFERENCES accounts(id),
  description   TEXT,
  external_url  TEXT NOT NULL,
  public        BOOLEAN NOT NULL,
  client_id     TEXT NOT NULL UNIQUE,
  client_secret TEXT NOT NULL,
  public_key    TEXT NOT NULL,
  permissions   TEXT NOT NULL,
  events        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

-- An App's installations, one per account.
CREATE TABLE app_installations (
  id                   BIGSERIAL PRIMARY KEY,
  app_id               BIGINT NOT NULL REFERENCES apps(id),
  account_id           BIGINT NOT NULL REFERENCES accounts(id),
  repository_selection TEXT NOT NULL CHECK (repository_selection IN ('all', 'selected')),
  suspended_at         TEXT,
  suspended_by         BIGINT REFERENCES accounts(id),
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  UNIQUE (app_id, account_id)
);
-- An account's installations.
CREATE INDEX app_installations_account ON app_installations (account_id);

-- The repositories of an installation with repository selection 'selected'.
CREATE TABLE app_installation_repositories (
  installation_id BIGINT NOT NULL REFERENCES app_installations(id) ON DELETE CASCADE,
  repository_id   BIGINT NOT NULL REFERENCES repositories(id),
  PRIMARY KEY (installation_id, repository_id)
);

-- Installation tokens, kept as SHA-256 hashes.
CREATE TABLE app_installation_tokens (
  token_hash      TEXT PRIMARY KEY,
  installation_id BIGINT NOT NULL REFERENCES app_installations(id) ON DELETE CASCADE,
  permissions     TEXT NOT NULL,
  repository_ids  TEXT,
  expires_at      BIGINT NOT NULL,
  created_at      TEXT NOT NULL
);
-- The cascade from a deleted installation finds its tokens.
CREATE INDEX app_installation_tokens_installation ON app_installation_tokens (installation_id);

-- Manifest codes (GitHub's manifest flow): single use, one hour; the code itself is stored hashed.
CREATE TABLE app_manifest_codes (
  code_hash  TEXT PRIMARY KEY,
  owner_id   BIGINT NOT NULL REFERENCES accounts(id),
  manifest   TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);

-- Webhooks of repositories, organizations and Apps ('integration'). failing_since: since when (ms since
-- epoch) every attempt to the hook has failed; null after a success.
CREATE TABLE hooks (
  id            BIGSERIAL PRIMARY KEY,
  owner_type    TEXT NOT NULL CHECK (owner_type IN ('repository', 'organization', 'integration')),
  owner_id      BIGINT NOT NULL,
  name          TEXT NOT NULL,
  active        BOOLEAN NOT NULL,
  events        TEXT NOT NULL,
  url           TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  insecure_ssl  TEXT NOT NULL,
  secret        TEXT,
  username      TEXT,
  password      TEXT,
  last_code     INTEGER,
  last_status   TEXT,
  last_message  TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  failing_since BIGINT
);
-- An owner's hooks, listed in id order.
CREATE INDEX hooks_owner ON hooks (owner_type, owner_id, id);

-- Tenant fairness: the account whose in-flight deliveries are capped together. A repository hook counts
-- toward its repository's owner, an organization hook toward the organization, an App's hook toward the
-- App. The claim reads it through this view on both engines.
CREATE VIEW hook_owners AS
  SELECT h.id AS hook_id,
         CASE h.owner_type WHEN 'repository' THEN 'account:' || r.owner_id
                           WHEN 'organization' THEN 'account:' || h.owner_id
                           ELSE 'app:' || h.owner_id END AS owner_key
  FROM hooks h LEFT JOIN repositories r ON h.owner_type = 'repository' AND r.id = h.owner_id;

-- Events received; the payload is stored once, however many deliveries it makes.
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
-- Pruning finds old events by age.
CREATE INDEX events_created ON events (created_at);
-- The test endpoint re-sends a repository's latest push.
CREATE INDEX events_latest_push ON events (repository_id, id) WHERE event = 'push';

-- Deliveries: the queue (state 'pending') and the log ('done'). Each attempt is a row: `attempt` counts
-- the attempts of its event to its hook (1, 2, …), `kind` says why it was made, `retry_index` is its
-- place in the retry schedule (0 for the first attempt), and a failed attempt that scheduled the next one
-- says when in `next_attempt_at`; the scheduled attempt is a pending row due then.
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
  attempt          INTEGER NOT NULL DEFAULT 1,
  kind             TEXT NOT NULL DEFAULT 'first' CHECK (kind IN ('first', 'retry', 'manual')),
  retry_index      INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,
  PRIMARY KEY (id, state, created_at)
) PARTITION BY LIST (state);
CREATE TABLE deliveries_pending PARTITION OF deliveries FOR VALUES IN ('pending');
CREATE TABLE deliveries_done PARTITION OF deliveries FOR VALUES IN ('done') PARTITION BY RANGE (created_at);
-- Completed rows of a day with no partition yet (a clock far off, days not made ahead) land here and are
-- listed and pruned like any other; a day's partition made later takes its rows out of it.
CREATE TABLE deliveries_default PARTITION OF deliveries_done DEFAULT;
-- Listing a hook's deliveries, keyset on (hook_id, id). The log's only: the queue is read through its
-- partial indexes below, and every index on it is written by every ingest, lease and completion.
CREATE INDEX deliveries_hook ON deliveries_done (hook_id, id);
-- Pruning keeps an event while a delivery of it is left.
CREATE INDEX deliveries_event ON deliveries (event_id);
-- The claim reads only queued rows (pending and not leased): rows in flight leave these two indexes when
-- they are leased, so a claim never walks past them. This one is the due order.
CREATE INDEX deliveries_queued ON deliveries (due_at, id) WHERE state = 'pending' AND lease_owner IS NULL;
-- Each hook's oldest queued rows: when hooks or owners at their cap hold the oldest rows, a capped backlog
-- is skipped with one seek per hook instead of being read row by row (storage/fair-claim.ts).
CREATE INDEX deliveries_hook_queue ON deliveries (hook_id, due_at, id) WHERE state = 'pending' AND lease_owner IS NULL;
-- Leases per hook, with their expiry, read without touching the rows (the claim's in-flight counts).
CREATE INDEX deliveries_in_flight ON deliveries (hook_id, lease_until) WHERE state = 'pending' AND lease_owner IS NOT NULL;
-- Health per hook per hour reads completed deliveries by hook and time from the index alone.
CREATE INDEX deliveries_hook_delivered ON deliveries (hook_id, delivered_at, status_code) WHERE state = 'done';
-- The site's rate by outcome reads completed deliveries by time from the index alone.
CREATE INDEX deliveries_delivered ON deliveries (delivered_at, status_code) WHERE state = 'done';
-- Pruning deletes, row by row, what is left past retention outside the dropped days (the log's only).
CREATE INDEX deliveries_created ON deliveries_done (created_at);

-- Health of hours that are over, counted once from deliveries_hook_delivered and kept (zeros included),
-- so a page of hooks reads at most 24 rows per hook plus the deliveries of the last two hours.
CREATE TABLE delivery_health_hours (
  hook_id BIGINT NOT NULL,
  hour    TEXT NOT NULL,
  success INTEGER NOT NULL,
  failure INTEGER NOT NULL,
  PRIMARY KEY (hook_id, hour)
);
-- Pruning deletes hours past retention.
CREATE INDEX delivery_health_hours_hour ON delivery_health_hours (hour);

-- Worker heartbeats (ms since epoch, the worker's clock as for leases): a worker whose heartbeat is
-- older than a few intervals is dead, and any live worker releases its leases at once.
CREATE TABLE workers (
  id           TEXT PRIMARY KEY,
  heartbeat_at BIGINT NOT NULL
);
