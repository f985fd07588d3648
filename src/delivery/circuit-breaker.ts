// The circuit breaker: a hook whose receiver timed out may hold one delivery in flight (across all
// workers, counted in the claim) until it answers again, so hanging receivers do not keep many slots
// each. State is this worker's: another worker learns of a hanging receiver from its own timeouts.
import { rememberBounded } from '../bounded-map.js';
import type { Logger } from '../logger.js';

/** Hooks remembered as throttled; past it the list starts over (deleted hooks must not pile up). */
const MAX_THROTTLED = 10_000;

export class CircuitBreaker {
  private readonly open = new Map<number, true>();

  constructor(private readonly logger?: Logger) {}

  /** Hooks limited to one delivery in flight. */
  throttled(): number[] {
    return [...this.open.keys()];
  }

  get size(): number {
    return this.open.size;
  }

  /** Learns from one attempt: a timeout opens the hook's circuit, any answer (or quick failure) closes it. */
  observe(hookId: number, timedOut: boolean): void {
    if (timedOut === this.open.has(hookId)) return;
    if (timedOut) {
      rememberBounded(this.open, hookId, true, MAX_THROTTLED);
      this.logger?.warn({ hook: hookId }, 'receiver timed out: the hook may have one delivery in flight until it answers again');
    } else {
      this.open.delete(hookId);
      this.logger?.info({ hook: hookId }, 'receiver answered again: the hook gets its full concurrency back');
    }
  }
}
