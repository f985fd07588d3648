// What one group commit leased to each worker, and the deliveries leased at acceptance waiting to be
// handed over once it commits (sqlite/deliveries.ts runs each turn's writes as one transaction).
import type { ClaimedDelivery, EagerClaim } from '../delivery-store.js';

/**
 * Rows leased to each worker by the group being committed. They reach the worker only after the
 * commit, so a worker's room, read during the group, leaves them out; and a claim, whose limit was
 * the worker's room when it was queued, leaves out what was leased at acceptance since.
 */
export class GroupLeases {
  private byWorker = new Map<string, { claimed: number; atAcceptance: number }>();
  /** Leased at acceptance and waiting for the commit, to be handed over after it. */
  private adoptions: Array<{ eager: EagerClaim; claimed: ClaimedDelivery[] }> = [];

  of(worker: string): { claimed: number; atAcceptance: number } {
    let counts = this.byWorker.get(worker);
    if (!counts) this.byWorker.set(worker, (counts = { claimed: 0, atAcceptance: 0 }));
    return counts;
  }

  leasedAtAcceptance(eager: EagerClaim, claimed: ClaimedDelivery[]): void {
    this.of(eager.worker).atAcceptance += claimed.length;
    this.adoptions.push({ eager, claimed });
  }

  /** After a commit: the workers get their deliveries (before any caller is answered). */
  handOver(): void {
    const adoptions = this.adoptions;
    this.adoptions = [];
    for (const { eager, claimed } of adoptions) {
      try {
        eager.adopt(claimed);
      } catch (err) {
        // Committed and leased: if the worker cannot take them now, they are claimed again once the
        // lease expires. The writes that were committed must still be answered, so this does not throw.
        process.emitWarning(`deliveries leased at acceptance were not taken (retried after the lease): ${String(err)}`);
      }
    }
  }

  /** A copy to restore if the writes counted from here on roll back (as the lease book's). */
  snapshot(): { byWorker: Map<string, { claimed: number; atAcceptance: number }>; adoptions: number } {
    return { byWorker: new Map([...this.byWorker].map(([w, c]) => [w, { ...c }])), adoptions: this.adoptions.length };
  }

  restore(snapshot: ReturnType<GroupLeases['snapshot']>): void {
    this.byWorker = snapshot.byWorker;
    this.adoptions.length = snapshot.adoptions;
  }

  /** A new group starts: whatever earlier groups leased is in the workers' own counts by now. */
  reset(): void {
    this.byWorker.clear();
    this.adoptions = [];
  }
}
