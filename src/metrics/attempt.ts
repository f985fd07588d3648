// What one recorded delivery attempt tells the metrics, without depending on prom-client, so the
// delivery side can report attempts through this narrow interface.
import type { AttemptKind } from '../domain/deliveries.js';

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
