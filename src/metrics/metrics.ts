// Prometheus metrics of one process (prom-client). Counters and the duration histogram are fed through
// recordAttempt and eventAccepted as things happen; the queue gauges are read from the database when
// scraped, through the indexed queueStats query.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import type { DashboardStore } from '../storage/dashboard-store.js';
import type { AttemptMetrics, AttemptReport } from './attempt.js';

/** Receivers answer in milliseconds to the 10 s timeout; buckets span that range. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics implements AttemptMetrics {
  readonly registry = new Registry();
  private readonly eventsIngested: Counter<'event'>;
  private readonly deliveries: Counter<'outcome' | 'attempt_kind'>;
  private readonly duration: Histogram<'outcome'>;
  private readonly pending: Gauge;
  private readonly lag: Gauge;
  private readonly hooksDisabled: Gauge;
  /** How many hooks this process's circuit breaker limits (the worker's count; 0 without a worker). */
  private throttledCount: () => number = () => 0;

  constructor(private readonly store: Pick<DashboardStore, 'queueStats'>, private readonly clock: Clock) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.eventsIngested = new Counter({ name: 'hookline_events_ingested_total', help: 'Events accepted, by event name.', labelNames: ['event'], registers });
    this.deliveries = new Counter({
      name: 'hookline_deliveries_total', help: 'Delivery attempts recorded by this process.', labelNames: ['outcome', 'attempt_kind'], registers,
    });
    this.duration = new Histogram({
      name: 'hookline_delivery_duration_seconds', help: 'Time from sending a delivery to its response or failure.',
      labelNames: ['outcome'], buckets: DURATION_BUCKETS, registers,
    });
    this.pending = new Gauge({ name: 'hookline_deliveries_pending', help: 'Deliveries waiting to be sent or in flight (whole database).', registers });
    this.lag = new Gauge({ name: 'hookline_delivery_lag_seconds', help: 'Age of the oldest due delivery no worker has taken; 0 when none waits.', registers });
    this.hooksDisabled = new Gauge({ name: 'hookline_hooks_disabled', help: 'Hooks that are not active (whole database).', registers });
    const metrics = this;
    new Gauge({
      name: 'hookline_hooks_throttled', help: 'Hooks this process limits to one delivery in flight because their receiver timed out.', registers,
      collect() { this.set(metrics.throttledCount()); },
    });
    // Series at zero from the start, so rate() and absent() behave before the first delivery.
    for (const outcome of ['success', 'failure']) {
      for (const kind of ['first', 'retry', 'manual']) this.deliveries.inc({ outcome, attempt_kind: kind }, 0);
    }
  }

  recordAttempt(report: AttemptReport): void {
    this.deliveries.inc({ outcome: report.outcome, attempt_kind: report.attemptKind });
    this.duration.observe({ outcome: report.outcome }, report.durationSeconds);
  }

  /** Where the throttled-hooks gauge reads its count (the worker's circuit breaker). */
  countThrottledBy(count: () => number): void {
    this.throttledCount = count;
  }

  eventAccepted(event: string): void {
    this.eventsIngested.inc({ event });
  }

  /** The exposition text, with the gauges read from the database first. */
  async render(): Promise<{ contentType: string; body: string }> {
    const now = this.clock.now().getTime();
    const stats = await this.store.queueStats(now);
    this.pending.set(stats.pending);
    this.lag.set(stats.oldestDueAt === null ? 0 : Math.max(0, (now - stats.oldestDueAt) / 1000));
    this.hooksDisabled.set(stats.hooksDisabled);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
