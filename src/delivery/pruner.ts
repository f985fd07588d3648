// Deletes deliveries older than the retention window (GHES keeps 7 days), in the background.
import type { Logger } from '../logger.js';
import type { Clock } from '../domain/clock.js';
import { isoSeconds } from '../domain/model.js';
import type { Store } from '../storage/store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export class DeliveryPruner {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly retentionDays: number,
    private readonly logger?: Logger,
  ) {}

  /** Prunes now; returns how many deliveries were removed. */
  async pruneOnce(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS);
    return this.store.pruneDeliveries(isoSeconds(cutoff));
  }

  start(intervalMs = 60 * 60 * 1000): void {
    const tick = () =>
      this.pruneOnce().catch((err) => this.logger?.error({ err }, 'pruning deliveries failed'));
    void tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
