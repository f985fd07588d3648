// The delivery policy, in one place: what counts as success, what a hook's `last_response` says after
// an attempt, and how the delivery list's `status` filter classifies attempts. Adapters store what
// these decide and never decide it themselves.
import type { DeliveryOutcome } from './deliveries.js';
import type { LastResponse } from './model.js';

/**
 * Only a 2xx answer is a successful delivery (GitHub's troubleshooting docs: 4xx/5xx are failures;
 * redirects are not followed: reference/github-webhooks.md §3.4).
 * Connection errors and timeouts are recorded with status code 0 and are failures.
 */
export function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

/** A hook's `last_response` after an attempt: `active` on success, `failed` otherwise, with the outcome's status text. */
export function lastResponseAfter(outcome: Pick<DeliveryOutcome, 'statusCode' | 'status'>): LastResponse {
  return { code: outcome.statusCode, status: isSuccess(outcome.statusCode) ? 'active' : 'failed', message: outcome.status };
}

/** The delivery list's `status` filter value. */
export type DeliveryStatusFilter = 'success' | 'failure';

/**
 * GitHub's list filter is wider than success: its REST description of `status` says `success` returns
 * status codes 200–399 inclusive and `failure` 400–599 (reference/github-webhooks.md §1). Hookline lists
 * every other code, including 0 for no answer, as `failure`. Engines filter with this inclusive range.
 */
export const LISTED_AS_SUCCESS = { min: 200, max: 399 } as const;

/** How the list filter classifies an attempt's status code. */
export function listedStatus(statusCode: number): DeliveryStatusFilter {
  return statusCode >= LISTED_AS_SUCCESS.min && statusCode <= LISTED_AS_SUCCESS.max ? 'success' : 'failure';
}
