// The follow-up of an attempt recorded without one (tests, tools): the delivery policy's last_response
// and nothing scheduled; a success ends any scheduled retries (the attempt's kind is not known here).
import type { AttemptFollowUp, DeliveryOutcome } from '../domain/deliveries.js';
import { isSuccess, lastResponseAfter } from '../domain/delivery-policy.js';

export function defaultFollowUp(outcome: DeliveryOutcome): AttemptFollowUp {
  return { lastResponse: lastResponseAfter(outcome), success: isSuccess(outcome.statusCode), at: Date.parse(outcome.deliveredAt), next: null, cancelRetries: isSuccess(outcome.statusCode), disable: null };
}
