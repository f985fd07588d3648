// Which due rows one claim takes, for engines that pick in TypeScript (SQLite): owners in turn, each
// owner's rows oldest first, within the per-hook and per-owner caps. PostgreSQL states the same rule in
// SQL (postgres/claim-sql.ts); test/contract/fair-claim.test.ts holds both to it.
//
// A claim picks first from its window (the oldest queued due rows, `windowSize` of them, and rows whose
// lease ran out). When that window was full yet gave less than the batch, hooks or owners at their cap
// hold the oldest rows: the rest of the batch is then picked the same way from each hook below its cap,
// of an owner below its cap, giving its oldest due rows up to its share (`hookShare`), read hook by hook,
// so a capped backlog costs one seek per hook, never a walk over its rows.

/** A due row as the claim reads it, oldest first. */
export interface DueRow {
  hook_id: number;
  owner_key: string;
}

/** Unexpired leases per hook and per owner, whichever worker holds them. */
export interface Busy {
  hooks: Map<number, number>;
  owners: Map<string, number>;
}

export interface Caps {
  perHook: number;
  perOwner: number;
  /** Hooks limited to one lease (the circuit breaker). */
  throttled: ReadonlySet<number>;
}

/** `perOwner` when the claim sets none: no owner cap. */
export const NO_OWNER_CAP = 2 ** 31 - 1;

export const hookCap = (caps: Caps, hookId: number): number => (caps.throttled.has(hookId) ? 1 : caps.perHook);

/** Queued due rows one claim reads in due order: a few batches, so owners can take turns within it. */
export const windowSize = (limit: number): number => limit * 4;

/** Whether the claim also reads hook by hook: its window was full but gave less than the batch. */
export const needsHookByHook = (windowRows: number, picked: number, limit: number): boolean =>
  picked < limit && windowRows >= windowSize(limit);

/** How many more leases a hook may take now. */
export const hookShare = (busy: Busy, caps: Caps, hookId: number): number =>
  Math.max(0, hookCap(caps, hookId) - (busy.hooks.get(hookId) ?? 0));

export const ownerCapped = (busy: Busy, caps: Caps, ownerKey: string): boolean => (busy.owners.get(ownerKey) ?? 0) >= caps.perOwner;

/**
 * Up to `limit` of `rows` (oldest first): round-robin by owner, each owner's rows in their order, so a
 * hook's rows are taken oldest first; a row is skipped when its hook or owner has reached its cap.
 * Updates `busy` with what it takes.
 */
export function pickFairly<R extends DueRow>(rows: R[], busy: Busy, caps: Caps, limit: number): R[] {
  const queues = new Map<string, R[]>();
  for (const r of rows) {
    let q = queues.get(r.owner_key);
    if (!q) queues.set(r.owner_key, (q = []));
    q.push(r);
  }
  const picked: R[] = [];
  const cursors = [...queues.values()].map((q) => ({ q, at: 0 }));
  while (picked.length < limit && cursors.length > 0) {
    for (let i = 0; i < cursors.length && picked.length < limit; ) {
      const c = cursors[i];
      const row = nextAllowed(c, busy, caps);
      if (!row) {
        cursors.splice(i, 1); // this owner has nothing more it may take
        continue;
      }
      busy.hooks.set(row.hook_id, (busy.hooks.get(row.hook_id) ?? 0) + 1);
      busy.owners.set(row.owner_key, (busy.owners.get(row.owner_key) ?? 0) + 1);
      picked.push(row);
      i++;
    }
  }
  return picked;
}

/** The owner's next row whose hook and owner are below their caps, or null. */
function nextAllowed<R extends DueRow>(c: { q: R[]; at: number }, busy: Busy, caps: Caps): R | null {
  while (c.at < c.q.length) {
    const row = c.q[c.at++];
    if (ownerCapped(busy, caps, row.owner_key)) return null;
    if (hookShare(busy, caps, row.hook_id) > 0) return row;
  }
  return null;
}
