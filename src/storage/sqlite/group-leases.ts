// What one group commit leased to each worker, and the deliveries leased at acceptance waiting to be
// handed over once it commits (sqlite/deliveries.ts runs each turn's writes as one transaction).
import type { ClaimedDelivery, EagerClaim } from '../delivery-store.js';

/**
 * Rows leased to each worker by the group being committed. They reach the worker only after the
 * commit, so a worker's room, read during the group, leaves them out; and a claim, whose limit was
 * the worker's room when it was queued, leaves out what was leased at acceptance since.
 */
export class GroupLeases {
  /** Rows this group's claims leased (a claim that fails after counting only leaves less room). */
  private readonly claimedByWorker = new Map<string, number>();
  /** Leased at acceptance and waiting for the commit, to be handed over after it. */
  private adoptions: Array<{ eager: EagerClaim; claimed: ClaimedDelivery[] }> = [];

  claimed(worker: string, count: number): void {
    this.claimedByWorker.set(worker, (this.claimedByWorker.get(worker) ?? 0) + count);
  }

  leasedAtAcceptance(eager: EagerClaim, claimed: ClaimedDelivery[]): void {
    this.adoptions.push({ eager, claimed });
  }

  /** What this group has leased to `worker` so far: by its claims, and as events were accepted. */
  leasedTo(worker: string): { claimed: number; atAcceptance: number } {
    let atAcceptance = 0;
    for (const a of this.adoptions) if (a.eager.worker === worker) atAcceptance += a.claimed.length;
    return { claimed: this.claimedByWorker.get(worker) ?? 0, atAcceptance };
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

  /** A new group starts: whatever earlier groups leased is in the workers' own counts by now. */
  reset(): void {
    this.claimedByWorker.clear();
    this.adoptions = [];
  }
}
