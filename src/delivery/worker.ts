// The delivery worker: claim due rows with a lease → prepare → send → record, with a cap on requests in
// flight so one slow receiver never stalls the others. Woken by new rows; a timer is only the backstop.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/clock.js';
import { isoSeconds } from '../domain/model.js';
import type { ClaimedDelivery } from '../storage/delivery-store.js';
import type { Store } from '../storage/store.js';
import { encodeBody, prepare, type HookSecrets } from './prepare.js';
import type { Sender } from './send.js';

export interface WorkerOptions {
  store: Store;
  sender: Sender;
  clock: Clock;
  /** Decrypts a hook's secret and credentials. */
  secretsOf(hook: ClaimedDelivery['hook']): HookSecrets;
  concurrency: number;
  /** Longer than the delivery timeout, so a live worker never loses a row it is still sending. */
  leaseMs: number;
  /** Longest sleep between checks when nothing wakes the worker. */
  pollMs?: number;
  logger?: FastifyBaseLogger;
}

export class DeliveryWorker {
  readonly id = `worker-${randomUUID()}`;
  private running = false;
  private inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly opts: WorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called when rows were inserted: claim now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops claiming, lets requests in flight finish (each is bounded by the timeout), releases the rest. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    await this.opts.store.releaseClaims(this.id).catch(() => 0);
  }

  /** Resolves when no delivery is pending or in flight (for tests and benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.allSettled([...this.inFlight]);
      const next = await this.opts.store.nextDueAt();
      if (next === null && this.inFlight.size === 0) return;
      this.wake();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async run(): Promise<void> {
    const { store, clock, concurrency, leaseMs } = this.opts;
    const pollMs = this.opts.pollMs ?? 1000;
    while (this.running) {
      this.woken = false;
      const free = concurrency - this.inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      if (free > 0) {
        try {
          const now = clock.now().getTime();
          claimed = await store.claimDue(this.id, now, now + leaseMs, free);
          if (claimed.length > 0) this.dispatch(claimed);
        } catch (err) {
          this.opts.logger?.error({ err }, 'claiming deliveries failed; will retry');
        }
      }
      if (!this.running) break;
      if (claimed.length > 0 && claimed.length === free) continue; // more may be due; claim again at once
      if (this.woken) continue;
      await this.sleep(free > 0 ? await this.untilNextDue(pollMs) : pollMs);
    }
  }

  private dispatch(claimed: ClaimedDelivery[]): void {
    const payloads = this.opts.store.loadPayloads(claimed.map((d) => d.eventId));
    // Hooks with the same content type receive the same bytes: encode each event's body once per batch.
    const bodies = new Map<string, Buffer>();
    for (const delivery of claimed) {
      const task = (async () => {
        const payload = (await payloads).get(delivery.eventId) ?? '{}';
        const key = `${delivery.eventId}:${delivery.hook.config.contentType}`;
        let body = bodies.get(key);
        if (!body) bodies.set(key, (body = encodeBody(payload, delivery.hook.config.contentType)));
        await this.deliver(delivery, payload, body);
      })();
      const tracked = task.finally(() => {
        this.inFlight.delete(tracked);
        this.wake(); // a slot is free
      });
      this.inFlight.add(tracked);
    }
  }

  private async deliver(delivery: ClaimedDelivery, payload: string, body: Buffer): Promise<void> {
    const { store, sender, clock, logger } = this.opts;
    try {
      const req = prepare(delivery, payload, this.opts.secretsOf(delivery.hook), body);
      const result = await sender.send(req);
      const outcome = {
        url: req.url,
        status: result.status,
        statusCode: result.statusCode,
        duration: result.duration,
        deliveredAt: isoSeconds(clock.now()),
        requestHeaders: req.recordedHeaders,
        responseHeaders: result.responseHeaders,
        responseBody: result.responseBody,
      };
      const recorded = await this.withRetries(() => store.completeDelivery(delivery.id, this.id, outcome));
      if (!recorded) logger?.warn({ delivery: delivery.id }, 'lease lost before the outcome was recorded');
    } catch (err) {
      // The lease expires and the row is claimed again: at-least-once, never lost.
      logger?.error({ err, delivery: delivery.id }, 'delivery could not be recorded; it will be retried');
    }
  }

  /** Retries recording through a short database outage rather than sending the delivery again later. */
  private async withRetries<T>(work: () => Promise<T>): Promise<T> {
    const delays = [250, 500, 1000, 2000, 4000, 8000];
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (attempt >= delays.length) throw err;
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }

  private async untilNextDue(pollMs: number): Promise<number> {
    try {
      const next = await this.opts.store.nextDueAt();
      if (next === null) return pollMs;
      return Math.max(0, Math.min(pollMs, next - this.opts.clock.now().getTime()));
    } catch {
      return pollMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}
