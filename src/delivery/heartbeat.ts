// A worker's heartbeat: refreshed every interval; a worker silent for DEAD_AFTER intervals is dead and
// the next live heartbeat releases its leases (storage/worker-registry.ts).
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { WorkerRegistry } from '../storage/worker-registry.js';

/** Missed intervals after which a worker counts as dead: tolerates a slow beat or two (GC, a busy loop). */
export const DEAD_AFTER = 3;

export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly worker: string,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    /** Called when dead workers' rows were released, so this worker claims them. */
    private readonly onReleased: (rows: number) => void,
    private readonly logger?: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.beat();
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops beating and forgets this worker (call after its leases were released). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await this.registry.retireWorker(this.worker).catch(() => undefined);
  }

  private beat(): void {
    this.beating = this.beating.then(async () => {
      const now = this.clock.now().getTime();
      try {
        const released = await this.registry.heartbeat({ worker: this.worker, now, deadBefore: now - DEAD_AFTER * this.intervalMs });
        if (released > 0) {
          this.logger?.warn({ released }, 'released the deliveries of workers that stopped answering');
          this.onReleased(released);
        }
      } catch (err) {
        this.logger?.error({ err }, 'the worker heartbeat failed; will retry');
      }
    });
  }
}
