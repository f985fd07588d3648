// The leases this connection handed out and has not yet seen end. `serve` runs the API and the worker in
// the one process that owns a SQLite file, so these are the deliveries in flight: counting them here
// gives the per-hook cap without counting leased rows in the table on every claim, which made each
// claim about 2.5× dearer. (A second process on the same file would keep its own book: the cap then
// holds per process, and a row is still never claimed twice, because claiming is a write transaction.)

interface Lease {
  hookId: number;
  worker: string;
  until: number;
}

/** Invariant: the book holds the leases this process has committed (or is committing, within a group). */
export class LeaseBook {
  private readonly leases = new Map<number, Lease>();

  /**
   * Unexpired leases per hook at `now`, leaving out `worker`'s leases of the deliveries in `answered`
   * (their receiver has answered); expired leases are dropped (their rows are claimable again).
   */
  inFlightByHook(now: number, worker: string, answered: ReadonlyMap<number, unknown>): Map<number, number> {
    const counts = new Map<number, number>();
    for (const [deliveryId, lease] of this.leases) {
      if (lease.until < now) {
        this.leases.delete(deliveryId);
        continue;
      }
      if (lease.worker === worker && answered.has(deliveryId)) continue;
      counts.set(lease.hookId, (counts.get(lease.hookId) ?? 0) + 1);
    }
    return counts;
  }

  add(deliveryId: number, hookId: number, worker: string, until: number): void {
    this.leases.set(deliveryId, { hookId, worker, until });
  }

  /** The hook of the worker's lease on the delivery, if the book still holds it. */
  hookOf(deliveryId: number, worker: string): number | undefined {
    const lease = this.leases.get(deliveryId);
    return lease?.worker === worker ? lease.hookId : undefined;
  }

  /** The delivery's lease ended; a worker whose lease was taken over ends nothing. */
  end(deliveryId: number, worker: string): void {
    if (this.leases.get(deliveryId)?.worker === worker) this.leases.delete(deliveryId);
  }

  /** A copy to restore if the transaction these changes belong to rolls back. */
  snapshot(): Map<number, Lease> {
    return new Map(this.leases);
  }

  restore(snapshot: Map<number, Lease>): void {
    this.leases.clear();
    for (const [deliveryId, lease] of snapshot) this.leases.set(deliveryId, lease);
  }

  endAllOf(worker: string): void {
    for (const [deliveryId, lease] of this.leases) if (lease.worker === worker) this.leases.delete(deliveryId);
  }
}
