// Which due rows one claim takes, for engines that pick in TypeScript (SQLite): owners in turn, each
// owner's rows oldest first, within the per-hook and per-owner caps. PostgreSQL states the same rule in
// SQL (postgres/claim-sql.ts); test/contract/fair-claim.test.ts holds both to it.

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

/** Hooks and owners already at their cap, whose rows the read skips. */
export function cappedNow(busy: Busy, caps: Caps): { hooks: number[]; owners: string[] } {
  return {
    hooks: [...busy.hooks].filter(([id, n]) => n >= hookCap(caps, id)).map(([id]) => id),
    owners: [...busy.owners].filter(([, n]) => n >= caps.perOwner).map(([key]) => key),
  };
}

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
    if ((busy.owners.get(row.owner_key) ?? 0) >= caps.perOwner) return null;
    if ((busy.hooks.get(row.hook_id) ?? 0) < hookCap(caps, row.hook_id)) return row;
  }
  return null;
}
