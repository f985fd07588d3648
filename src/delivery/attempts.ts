// What the worker tells observers after each recorded attempt: metrics and delivery logging plug in
// here instead of editing the worker.
import type { AttemptKind, ClaimedDelivery, DeliveryOutcome } from '../domain/deliveries.js';
import { isSuccess } from '../domain/delivery-policy.js';

/** One recorded attempt, classified by the delivery policy. */
export interface RecordedAttempt {
  delivery: ClaimedDelivery;
  outcome: DeliveryOutcome;
  success: boolean;
  kind: AttemptKind;
  /** Seconds from sending the request to the end of the answer (the outcome's duration). */
  durationSeconds: number;
}

export type AttemptListener = (attempt: RecordedAttempt) => void;

export function describeAttempt(delivery: ClaimedDelivery, outcome: DeliveryOutcome): RecordedAttempt {
  return { delivery, outcome, success: isSuccess(outcome.statusCode), kind: delivery.kind, durationSeconds: outcome.duration };
}
