// Deletes deliveries older than the retention window (GHES keeps 7 days), in the background, and makes
// room for the days ahead. Rule: deliveries go by whole UTC days, those of a day once all of it is past
// the window, so a delivery is kept for at least the retention and less than a day longer, and
// PostgreSQL drops a day's partition instead of deleting its rows one by one.
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
    const now = this.clock.now().getTime();
    await this.store.prepareDays(isoSeconds(new Date(now)));
    const windowStart = now - this.retentionDays * DAY_MS;
    return this.store.pruneDeliveries(isoSeconds(new Date(windowStart - (windowStart % DAY_MS))));
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
