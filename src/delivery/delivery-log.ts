// What the log says about deliveries: a failed attempt is one `info` line (hook, GUID, event, status,
// duration), every attempt is a `debug` line, and each minute with traffic ends in one `info` summary
// (delivered, failed, pending, age of the oldest pending) so an operator sees the queue at a glance.
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { QueueStats } from '../storage/dashboard-store.js';
import type { RecordedAttempt } from './attempts.js';

const SUMMARY_EVERY_MS = 60_000;

export class DeliveryLog {
  private delivered = 0;
  private failed = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly queue: { queueStats(now: number): Promise<QueueStats> },
    private readonly clock: Clock,
  ) {}

  /** The worker's onAttempt listener. */
  readonly attempt = (a: RecordedAttempt): void => {
    const line = {
      hook: a.delivery.hook.id, guid: a.delivery.guid, event: a.delivery.event, action: a.delivery.action,
      attempt: a.delivery.attempt, kind: a.kind, status: a.outcome.statusCode, duration: a.durationSeconds,
    };
    if (a.success) {
      this.delivered++;
      this.logger.debug(line, 'delivered');
    } else {
      this.failed++;
      this.logger.info({ ...line, reason: a.outcome.status }, 'delivery failed');
    }
  };

  start(): void {
    this.timer ??= setInterval(() => void this.summarize(), SUMMARY_EVERY_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One line for the minute just past, if it had any attempts; quiet minutes log nothing. */
  async summarize(): Promise<void> {
    if (this.delivered === 0 && this.failed === 0) return;
    const { delivered, failed } = this;
    this.delivered = 0;
    this.failed = 0;
    try {
      const now = this.clock.now().getTime();
      const stats = await this.queue.queueStats(now);
      const oldestPendingSeconds = stats.oldestDueAt === null ? 0 : Math.max(0, Math.round((now - stats.oldestDueAt) / 1000));
      this.logger.info({ delivered, failed, pending: stats.pending, oldestPendingSeconds }, 'deliveries in the last minute');
    } catch (err) {
      this.logger.warn({ err }, 'the delivery summary could not read the queue');
    }
  }
}
