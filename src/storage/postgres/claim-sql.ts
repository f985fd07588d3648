// The claim on PostgreSQL, the rule of storage/fair-claim.ts in SQL: candidates are due rows of hooks
// and owners below their caps, oldest first (a window a few times the batch, locked with SKIP LOCKED so
// concurrent workers take different rows); each hook gets at most its remaining share, then owners take
// turns (each owner's rows oldest first) within their remaining share. Each event's payload comes back
// once, on its first row, so sending needs no second round trip.
import type { ClaimRequest } from '../delivery-store.js';
import { NO_OWNER_CAP } from '../fair-claim.js';

export const CLAIM_SQL = `
WITH busy AS (
  SELECT d.hook_id, o.owner_key, count(*) AS n FROM deliveries d JOIN hook_owners o ON o.hook_id = d.hook_id
  WHERE d.state = 'pending' AND d.lease_owner IS NOT NULL AND d.lease_until >= $1 GROUP BY d.hook_id, o.owner_key),
owner_busy AS (SELECT owner_key, sum(n) AS n FROM busy GROUP BY owner_key),
window_rows AS (
  SELECT d.id, d.hook_id, d.due_at FROM deliveries d
  WHERE d.state = 'pending' AND d.due_at <= $1 AND (d.lease_until IS NULL OR d.lease_until < $1)
    AND d.hook_id NOT IN (SELECT hook_id FROM busy WHERE n >= CASE WHEN hook_id = ANY($7::bigint[]) THEN 1 ELSE $5 END)
    AND NOT EXISTS (SELECT 1 FROM owner_busy ob WHERE ob.n >= $6
                    AND ob.owner_key = (SELECT o.owner_key FROM hook_owners o WHERE o.hook_id = d.hook_id))
  ORDER BY d.due_at, d.id LIMIT $4 * 4 FOR UPDATE OF d SKIP LOCKED),
ranked AS (
  SELECT w.id, w.due_at, o.owner_key,
    row_number() OVER (PARTITION BY w.hook_id ORDER BY w.due_at, w.id) + coalesce(b.n, 0) AS hook_slot,
    CASE WHEN w.hook_id = ANY($7::bigint[]) THEN 1 ELSE $5 END AS hook_cap
  FROM window_rows w JOIN hook_owners o ON o.hook_id = w.hook_id LEFT JOIN busy b ON b.hook_id = w.hook_id),
allowed AS (
  SELECT r.id, r.due_at, row_number() OVER (PARTITION BY r.owner_key ORDER BY r.due_at, r.id) AS turn, coalesce(ob.n, 0) AS owner_n
  FROM ranked r LEFT JOIN owner_busy ob ON ob.owner_key = r.owner_key WHERE r.hook_slot <= r.hook_cap),
due AS (SELECT id FROM allowed WHERE turn + owner_n <= $6 ORDER BY turn, due_at, id LIMIT $4),
claimed AS (
  UPDATE deliveries d SET lease_owner = $2, lease_until = $3, attempts = d.attempts + 1
  FROM due, hooks h WHERE d.id = due.id AND d.state = 'pending' AND h.id = d.hook_id
  RETURNING d.id, d.hook_id, d.event_id, d.guid, d.event, d.action, d.redelivery, d.kind, d.attempt, d.retry_index,
    row_to_json(h.*) AS hook)
SELECT c.*, CASE WHEN c.id = min(c.id) OVER (PARTITION BY c.event_id) THEN e.payload END AS payload
FROM claimed c JOIN events e ON e.id = c.event_id`;

export function claimParams({ worker, now, leaseUntil, limit, perHook, perOwner = NO_OWNER_CAP, throttled = [] }: ClaimRequest): unknown[] {
  return [now, worker, leaseUntil, limit, perHook, perOwner, [...throttled]];
}
