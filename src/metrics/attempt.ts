// What one recorded delivery attempt tells the metrics, without depending on prom-client, so the
// delivery side can report attempts through this narrow interface.

/** How an attempt came about: the first send, an automatic retry, or a redelivery someone asked for. */
export type AttemptKind = 'first' | 'retry' | 'manual';

/** One recorded delivery attempt, as the metrics see it. */
export interface AttemptReport {
  outcome: 'success' | 'failure';
  attemptKind: AttemptKind;
  durationSeconds: number;
}

/** Where attempts are reported. */
export interface AttemptMetrics {
  recordAttempt(report: AttemptReport): void;
}

/** The report for an attempt: a 2xx status is a success, as everywhere in Hookline. */
export function attemptReport(delivery: { redelivery: boolean }, outcome: { statusCode: number; duration: number }): AttemptReport {
  return {
    outcome: outcome.statusCode >= 200 && outcome.statusCode < 300 ? 'success' : 'failure',
    attemptKind: delivery.redelivery ? 'manual' : 'first',
    durationSeconds: outcome.duration,
  };
}
