// The claim on PostgreSQL, the rule of storage/fair-claim.ts in SQL, as two statements: the window (the
// oldest queued due rows and expired leases) and, when fair-claim's needsHookByHook says so, the queued
// hooks one by one (a loose index scan over deliveries_hook_queue: ordered by hook and due time, which
// only that index gives, so the planner never walks a hook's done rows in deliveries_hook), each giving its oldest due rows up to
// its share. Both read their candidates without locking them and pick the same way: each hook at most
// its remaining share, then owners take turns (each owner's rows oldest first) within their remaining
// share. Only the picked rows are locked, in pick order with SKIP LOCKED, each rechecked as still
// claimable: concurrent workers take different rows, a row another claim holds is passed over for the
// next allowed one, and rows a claim does not take are never locked (a row lock is a WAL record and a
// dirtied page). Each event's payload comes back once, on its first row,
// so sending needs no second round trip.
import type { ClaimRequest } from '../delivery-store.js';
import { NO_OWNER_CAP } from '../fair-claim.js';

// $1 now, $2 worker, $3 lease until, $4 limit, $5 per-hook cap, $6 per-owner cap, $7 throttled hook ids.
const HOOK_CAP = (hookId: string) => `CASE WHEN ${hookId} = ANY($7::bigint[]) THEN 1 ELSE $5 END`;

const BUSY = `
busy AS (
  SELECT d.hook_id, o.owner_key, count(*) AS n FROM deliveries d JOIN hook_owners o ON o.hook_id = d.hook_id
  WHERE d.state = 'pending' AND d.lease_owner IS NOT NULL AND d.lease_until >= $1 GROUP BY d.hook_id, o.owner_key),
owner_busy AS (SELECT owner_key, sum(n) AS n FROM busy GROUP BY owner_key)`;

/** Picks from `candidates` (id, hook_id, due_at), leases what it picks and returns it with one row of `window_n`. */
const PICK_AND_LEASE = `
ranked AS (
  SELECT w.id, w.due_at, o.owner_key,
    row_number() OVER (PARTITION BY w.hook_id ORDER BY w.due_at, w.id) + coalesce(b.n, 0) AS hook_slot, ${HOOK_CAP('w.hook_id')} AS hook_cap
  FROM candidates w JOIN hook_owners o ON o.hook_id = w.hook_id LEFT JOIN busy b ON b.hook_id = w.hook_id),
allowed AS (
  SELECT r.id, r.due_at, row_number() OVER (PARTITION BY r.owner_key ORDER BY r.due_at, r.id) AS turn, coalesce(ob.n, 0) AS owner_n
  FROM ranked r LEFT JOIN owner_busy ob ON ob.owner_key = r.owner_key WHERE r.hook_slot <= r.hook_cap),
due AS (
  SELECT l.id FROM (SELECT id FROM allowed WHERE turn + owner_n <= $6 ORDER BY turn, due_at, id) a
  CROSS JOIN LATERAL (
    SELECT d.id FROM deliveries d
    WHERE d.id = a.id AND d.state = 'pending' AND (d.lease_owner IS NULL OR d.lease_until < $1) AND d.due_at <= $1
    FOR UPDATE OF d SKIP LOCKED) l
  LIMIT $4),
claimed AS (
  UPDATE deliveries d SET lease_owner = $2, lease_until = $3, attempts = d.attempts + 1
  FROM due, hooks h WHERE d.id = due.id AND d.state = 'pending' AND h.id = d.hook_id
  RETURNING d.id, d.hook_id, d.event_id, d.guid, d.event, d.action, d.redelivery, d.kind, d.attempt, d.retry_index,
    row_to_json(h.*) AS hook)
SELECT w.window_n, c.*, CASE WHEN c.id = min(c.id) OVER (PARTITION BY c.event_id) THEN e.payload END AS payload
FROM (SELECT count(*) AS window_n FROM window_rows) w LEFT JOIN (claimed c JOIN events e ON e.id = c.event_id) ON true`;

/** The window: the oldest queued due rows (`window_n` of them read) and due rows whose lease ran out. */
export const WINDOW_CLAIM_SQL = `
WITH ${BUSY},
window_rows AS (
  SELECT d.id, d.hook_id, d.due_at FROM deliveries d
  WHERE d.state = 'pending' AND d.lease_owner IS NULL AND d.due_at <= $1
  ORDER BY d.due_at, d.id LIMIT $8),
expired AS (
  SELECT d.id, d.hook_id, d.due_at FROM deliveries d
  WHERE d.state = 'pending' AND d.lease_owner IS NOT NULL AND d.lease_until < $1 AND d.due_at <= $1
  ORDER BY d.due_at, d.id LIMIT $8),
candidates AS (SELECT * FROM window_rows UNION ALL SELECT * FROM expired),
${PICK_AND_LEASE}`;

/** Hook by hook: each queued hook below its cap, of an owner below its cap, gives its oldest due rows. */
export const HOOK_BY_HOOK_CLAIM_SQL = `
WITH RECURSIVE ${BUSY},
queued_hooks AS (
  (SELECT hook_id FROM deliveries WHERE state = 'pending' AND lease_owner IS NULL ORDER BY hook_id, due_at LIMIT 1)
  UNION ALL
  SELECT (SELECT d.hook_id FROM deliveries d WHERE d.state = 'pending' AND d.lease_owner IS NULL AND d.hook_id > q.hook_id
          ORDER BY d.hook_id, d.due_at LIMIT 1)
  FROM queued_hooks q WHERE q.hook_id IS NOT NULL),
open_hooks AS (
  SELECT q.hook_id, ${HOOK_CAP('q.hook_id')} - coalesce(b.n, 0) AS share
  FROM queued_hooks q JOIN hook_owners o ON o.hook_id = q.hook_id LEFT JOIN busy b ON b.hook_id = q.hook_id
    LEFT JOIN owner_busy ob ON ob.owner_key = o.owner_key
  WHERE q.hook_id IS NOT NULL AND coalesce(ob.n, 0) < $6),
window_rows AS (
  SELECT r.* FROM open_hooks h CROSS JOIN LATERAL (
    SELECT d.id, d.hook_id, d.due_at FROM deliveries d
    WHERE d.hook_id = h.hook_id AND d.state = 'pending' AND d.lease_owner IS NULL AND d.due_at <= $1
    ORDER BY d.due_at, d.id LIMIT greatest(h.share, 0)) r),
candidates AS (SELECT * FROM window_rows),
${PICK_AND_LEASE}`;

/** The parameters both statements share; the window statement adds its size as $8. */
export function claimParams({ worker, now, leaseUntil, limit, perHook, perOwner = NO_OWNER_CAP, throttled = [] }: ClaimRequest): unknown[] {
  return [now, worker, leaseUntil, limit, perHook, perOwner, [...throttled]];
}
