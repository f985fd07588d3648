// The claim on SQLite: storage/fair-claim.ts's rule, read through the queued-rows indexes (deliveries_queued,
// deliveries_hook_queue) and picked in TypeScript. Runs inside the group commit (deliveries.ts), so its
// reads and leases are one transaction. Candidates are read as (id, hook, due time) from the indexes
// alone; only the rows picked are read in full, by the lease itself.
import type { Database } from 'better-sqlite3';
import type { ClaimedDelivery, ClaimRequest } from '../delivery-store.js';
import { CLAIM_COLUMNS, toClaimed, type DeliveryRow } from '../delivery-row.js';
import {
  hookShare, needsHookByHook, NO_OWNER_CAP, ownerCapped, pickFairly, windowSize, type Busy, type Caps, type DueRow,
} from '../fair-claim.js';
import type { HookCache } from './hook-cache.js';

interface Candidate extends DueRow { id: number; due_at: number }
type Light = Omit<Candidate, 'owner_key'>;

export function sqliteClaim(db: Database, hooks: HookCache): (request: ClaimRequest) => ClaimedDelivery[] {
  // Leases per hook, unexpired and expired, with the hook's owner (index-only on deliveries_in_flight).
  const leases = db.prepare(`SELECT d.hook_id, o.owner_key, sum(d.lease_until >= @now) AS n, sum(d.lease_until < @now) AS expired
      FROM deliveries d JOIN hook_owners o ON o.hook_id = d.hook_id
      WHERE d.state = 'pending' AND d.lease_owner IS NOT NULL GROUP BY d.hook_id`);
  // The window, less the rows of hooks already at their cap (skipped in the index, never read into
  // JavaScript), and how many rows the window spans.
  const queuedDue = db.prepare(`SELECT id, hook_id, due_at FROM (SELECT id, hook_id, due_at FROM deliveries
        WHERE state = 'pending' AND lease_owner IS NULL AND due_at <= @now ORDER BY due_at, id LIMIT @window)
      WHERE hook_id NOT IN (SELECT value FROM json_each(@capped)) ORDER BY due_at, id`);
  const queuedCount = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM deliveries
      WHERE state = 'pending' AND lease_owner IS NULL AND due_at <= @now LIMIT @window)`).pluck();
  // Leases that ran out (a worker died unnoticed): as claimable as queued rows.
  const expiredDue = db.prepare(`SELECT id, hook_id, due_at FROM deliveries
      WHERE state = 'pending' AND lease_owner IS NOT NULL AND lease_until < @now AND due_at <= @now
      ORDER BY due_at, id LIMIT @window`);
  const nextQueuedHook = db.prepare(`SELECT hook_id FROM deliveries WHERE state = 'pending' AND lease_owner IS NULL AND hook_id > ?
      ORDER BY hook_id LIMIT 1`).pluck();
  const hookQueuedDue = db.prepare(`SELECT id, hook_id, due_at FROM deliveries
      WHERE hook_id = @hookId AND state = 'pending' AND lease_owner IS NULL AND due_at <= @now
      ORDER BY due_at, id LIMIT @share`);
  const ownerOf = db.prepare('SELECT owner_key FROM hook_owners WHERE hook_id = ?').pluck();
  const lease = db.prepare(`UPDATE deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?
      RETURNING ${CLAIM_COLUMNS.replaceAll('d.', '')}`);

  return function claimDue({ worker, now, leaseUntil, limit, perHook, perOwner = NO_OWNER_CAP, throttled = [] }: ClaimRequest) {
    const busy: Busy = { hooks: new Map(), owners: new Map() };
    const owners = new Map<number, string>();
    let expiredLeases = 0;
    for (const r of leases.all({ now }) as Array<{ hook_id: number; owner_key: string; n: number; expired: number }>) {
      busy.hooks.set(r.hook_id, r.n);
      busy.owners.set(r.owner_key, (busy.owners.get(r.owner_key) ?? 0) + r.n);
      owners.set(r.hook_id, r.owner_key);
      expiredLeases += r.expired;
    }
    /** The hook's owner key: from the leases read, else one lookup per hook and claim (undefined once deleted). */
    const ownerKeyOf = (hookId: number): string | undefined => {
      if (!owners.has(hookId)) owners.set(hookId, ownerOf.get(hookId) as string);
      return owners.get(hookId);
    };
    const withOwner = (rows: Light[]): Candidate[] => {
      for (const r of rows as Candidate[]) r.owner_key = ownerKeyOf(r.hook_id)!;
      return rows as Candidate[];
    };
    const caps: Caps = { perHook, perOwner, throttled: new Set(throttled) };
    const window = windowSize(limit);
    const capped = [...busy.hooks.keys()].filter((id) => hookShare(busy, caps, id) === 0);
    const queued = queuedDue.all({ now, window, capped: JSON.stringify(capped) }) as Light[];
    const expired = expiredLeases === 0 ? [] : expiredDue.all({ now, window }) as Light[];
    const candidates = withOwner(expired.length === 0 ? queued : [...expired, ...queued].sort(byDue));
    const picked = pickFairly(candidates, busy, caps, limit);
    // picked < limit first, so the window's span is counted only when it matters.
    if (picked.length < limit && needsHookByHook(queuedCount.get({ now, window }) as number, picked.length, limit)) {
      // Hook by hook: each queued hook below its cap, of an owner below its cap, gives its oldest due rows.
      const more: Light[] = [];
      // The window's picks are not leased yet, so they are still queued: read past them.
      const taken = new Set(picked.map((r) => r.id));
      const takenOf = new Map<number, number>();
      for (const r of picked) takenOf.set(r.hook_id, (takenOf.get(r.hook_id) ?? 0) + 1);
      for (let hookId = nextQueuedHook.get(0) as number | undefined; hookId !== undefined; hookId = nextQueuedHook.get(hookId) as number | undefined) {
        const share = hookShare(busy, caps, hookId);
        if (share === 0) continue;
        const owner = ownerKeyOf(hookId);
        if (owner === undefined || ownerCapped(busy, caps, owner)) continue;
        for (const r of hookQueuedDue.all({ hookId, now, share: share + (takenOf.get(hookId) ?? 0) }) as Light[]) if (!taken.has(r.id)) more.push(r);
      }
      picked.push(...pickFairly(withOwner(more.sort(byDue)), busy, caps, limit - picked.length));
    }
    // Leased (and read in full) only after the reads: a statement may not write while another one reads.
    const claimed: ClaimedDelivery[] = [];
    for (const r of picked) {
      const row = lease.get(worker, leaseUntil, r.id) as DeliveryRow;
      const hook = hooks.hook(r.hook_id);
      if (hook) claimed.push(toClaimed(row, hook));
    }
    return claimed.sort((a, b) => a.id - b.id); // id order, as on PostgreSQL
  };
}

const byDue = (a: Light, b: Light): number => a.due_at - b.due_at || a.id - b.id;
