// The claim on SQLite: storage/fair-claim.ts's rule, read through the queued-rows indexes (migration 075)
// and picked in TypeScript. Runs inside the group commit (deliveries.ts), so its reads and leases are
// one transaction.
import type { Database } from 'better-sqlite3';
import type { ClaimedDelivery, ClaimRequest } from '../delivery-store.js';
import { CLAIM_COLUMNS, toClaimed, type DeliveryRow } from '../delivery-row.js';
import {
  hookShare, needsHookByHook, NO_OWNER_CAP, ownerCapped, pickFairly, windowSize, type Busy, type Caps, type DueRow,
} from '../fair-claim.js';
import type { HookCache } from './hook-cache.js';

type Candidate = DeliveryRow & DueRow & { due_at: number };

export function sqliteClaim(db: Database, hooks: HookCache): (request: ClaimRequest) => ClaimedDelivery[] {
  const columns = `${CLAIM_COLUMNS}, d.due_at, o.owner_key FROM deliveries d JOIN hook_owners o ON o.hook_id = d.hook_id`;
  // Unexpired leases per hook, with the hook's owner (index-only on deliveries_in_flight).
  const inFlight = db.prepare(`SELECT d.hook_id, o.owner_key, count(*) AS n FROM deliveries d JOIN hook_owners o ON o.hook_id = d.hook_id
      WHERE d.state = 'pending' AND d.lease_owner IS NOT NULL AND d.lease_until >= ? GROUP BY d.hook_id`);
  const queuedDue = db.prepare(`SELECT ${columns}
      WHERE d.state = 'pending' AND d.lease_owner IS NULL AND d.due_at <= @now ORDER BY d.due_at, d.id LIMIT @window`);
  // Leases that ran out (a worker died unnoticed): as claimable as queued rows.
  const expiredDue = db.prepare(`SELECT ${columns}
      WHERE d.state = 'pending' AND d.lease_owner IS NOT NULL AND d.lease_until < @now AND d.due_at <= @now
      ORDER BY d.due_at, d.id LIMIT @window`);
  const nextQueuedHook = db.prepare(`SELECT hook_id FROM deliveries WHERE state = 'pending' AND lease_owner IS NULL AND hook_id > ?
      ORDER BY hook_id LIMIT 1`).pluck();
  const ownerOf = db.prepare('SELECT owner_key FROM hook_owners WHERE hook_id = ?').pluck();
  const hookQueuedDue = db.prepare(`SELECT ${columns}
      WHERE d.hook_id = @hookId AND d.state = 'pending' AND d.lease_owner IS NULL AND d.due_at <= @now
      ORDER BY d.due_at, d.id LIMIT @share`);
  const lease = db.prepare('UPDATE deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?');

  /** Each queued hook's oldest due rows within its share, skipping hooks and owners at their cap. */
  function hookByHook(now: number, busy: Busy, caps: Caps, owners: Map<number, string>): Candidate[] {
    const rows: Candidate[] = [];
    for (let hookId = nextQueuedHook.get(0) as number | undefined; hookId !== undefined; hookId = nextQueuedHook.get(hookId) as number | undefined) {
      const share = hookShare(busy, caps, hookId);
      if (share === 0) continue;
      const owner = owners.get(hookId) ?? (ownerOf.get(hookId) as string | undefined);
      if (owner === undefined || ownerCapped(busy, caps, owner)) continue;
      rows.push(...(hookQueuedDue.all({ hookId, now, share }) as Candidate[]));
    }
    return rows;
  }

  return function claimDue({ worker, now, leaseUntil, limit, perHook, perOwner = NO_OWNER_CAP, throttled = [] }: ClaimRequest) {
    const busy: Busy = { hooks: new Map(), owners: new Map() };
    const owners = new Map<number, string>();
    for (const r of inFlight.all(now) as Array<{ hook_id: number; owner_key: string; n: number }>) {
      busy.hooks.set(r.hook_id, r.n);
      busy.owners.set(r.owner_key, (busy.owners.get(r.owner_key) ?? 0) + r.n);
      owners.set(r.hook_id, r.owner_key);
    }
    const caps: Caps = { perHook, perOwner, throttled: new Set(throttled) };
    const window = windowSize(limit);
    const queued = queuedDue.all({ now, window }) as Candidate[];
    const expired = expiredDue.all({ now, window }) as Candidate[];
    const candidates = expired.length === 0 ? queued : [...expired, ...queued].sort(byDue);
    const rows = pickFairly(candidates, busy, caps, limit);
    // Leased only after the reads: a statement may not write while another one is still reading.
    for (const r of rows) lease.run(worker, leaseUntil, r.id);
    if (needsHookByHook(queued.length, rows.length, limit)) {
      const more = pickFairly(hookByHook(now, busy, caps, owners).sort(byDue), busy, caps, limit - rows.length);
      for (const r of more) lease.run(worker, leaseUntil, r.id);
      rows.push(...more);
    }
    const claimed: ClaimedDelivery[] = [];
    for (const r of rows) {
      const hook = hooks.hook(r.hook_id);
      if (hook) claimed.push(toClaimed(r, hook));
    }
    return claimed.sort((a, b) => a.id - b.id); // id order, as on PostgreSQL
  };
}

const byDue = (a: Candidate, b: Candidate): number => a.due_at - b.due_at || a.id - b.id;
