-- Tenant fairness (issue 21). The account whose in-flight deliveries are capped together: a repository
-- hook counts toward its repository's owner, an organization hook toward the organization, an App's
-- hook toward the App. The claim reads it through this view on both engines.
CREATE VIEW hook_owners AS
  SELECT h.id AS hook_id,
         CASE h.owner_type WHEN 'repository' THEN 'account:' || r.owner_id
                           WHEN 'organization' THEN 'account:' || h.owner_id
                           ELSE 'app:' || h.owner_id END AS owner_key
  FROM hooks h LEFT JOIN repositories r ON h.owner_type = 'repository' AND r.id = h.owner_id;

-- Worker heartbeats (ms since epoch, the worker's clock as for leases): a worker whose heartbeat is
-- older than a few intervals is dead, and any live worker releases its leases at once.
CREATE TABLE workers (
  id           TEXT PRIMARY KEY,
  heartbeat_at INTEGER NOT NULL
);
