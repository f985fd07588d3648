// The delivery policy, in one place: what counts as success, what a hook's `last_response` says after
// an attempt, and how the delivery list's `status` filter classifies attempts. Adapters store what
// these decide and never decide it themselves.
import type { AttemptFollowUp, ClaimedDelivery, DeliveryOutcome } from './deliveries.js';
import { isoSeconds, type LastResponse } from './model.js';

/**
 * Only a 2xx answer is a successful delivery (GitHub's troubleshooting docs: 4xx/5xx are failures;
 * redirects are not followed: reference/github-webhooks.md §3.4).
 * Connection errors and timeouts are recorded with status code 0 and are failures.
 */
export function isSuccess(statusCode: number): boolean {
  return statusCode >= SUCCESS.min && statusCode <= SUCCESS.max;
}

/** The success range, inclusive, for engines that select by it (bulk replay). */
export const SUCCESS = { min: 200, max: 299 } as const;

/** At most this many events are queued by one bulk replay. */
export const MAX_REPLAY = 10_000;

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

// Automatic retries and auto-disable (Hookline's own: GitHub never re-sends a failed delivery).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Waits and windows are whole numbers of one unit: `250ms`, `5s`, `30m`, `2h`, `5d`. */
const DURATION = /^(\d{1,9})(ms|s|m|h|d)$/;

/** Parses one duration; null when it is not one. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
}

/** Waits before the 2nd, 3rd, … attempt; empty for `off` (GitHub's one attempt). */
export type RetrySchedule = readonly number[];

/** Svix's schedule: 8 attempts over about 27.5 hours. */
export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

/** `off`, or a comma list of durations; a string describing the problem when invalid. */
export function parseRetrySchedule(text: string): RetrySchedule | string {
  const trimmed = text.trim();
  if (trimmed === 'off') return [];
  const waits = trimmed.split(',').map(parseDuration);
  if (trimmed === '' || waits.some((w) => w === null || w <= 0)) {
    return `must be "off" or a comma list of positive durations such as 250ms,5s,2h (units ms, s, m, h, d), got "${text}"`;
  }
  return waits as number[];
}

/** Each scheduled wait is moved by up to ±20 %, so retries of many failed events do not arrive together. */
export const JITTER = 0.2;
/** The latest a receiver's Retry-After can push an attempt. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * How long a 429 or 503 answer asks to wait (`Retry-After`: seconds, or an HTTP date), capped at 24 h;
 * null for other answers or an unreadable value.
 */
export function retryAfterMs(statusCode: number, headers: Record<string, string> | null, nowMs: number): number | null {
  if ((statusCode !== 429 && statusCode !== 503) || !headers) return null;
  const raw = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1]?.trim();
  if (!raw) return null;
  const wait = /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw) - nowMs;
  if (!Number.isFinite(wait)) return null;
  return Math.min(Math.max(wait, 0), MAX_RETRY_AFTER_MS);
}

/** Where an automatic attempt stands: the first is 0, the first retry 1, … */
export interface ScheduledAttempt {
  retryIndex: number;
  /** When it becomes due (ms since epoch). */
  dueAt: number;
}

/**
 * The automatic attempt that follows a failed one, or null when none does: after a success, after a
 * manual redelivery (never retried), or once the schedule is exhausted. The wait is the schedule's,
 * jittered by ±20 %, and never sooner than a 429/503's Retry-After. `random` is in [0, 1).
 */
export function nextAttempt(
  schedule: RetrySchedule,
  attempt: { retryIndex: number; manual: boolean },
  outcome: Pick<DeliveryOutcome, 'statusCode' | 'responseHeaders'>,
  nowMs: number,
  random: () => number = Math.random,
): ScheduledAttempt | null {
  if (isSuccess(outcome.statusCode) || attempt.manual || attempt.retryIndex >= schedule.length) return null;
  const wait = Math.round(schedule[attempt.retryIndex] * (1 + JITTER * (2 * random() - 1)));
  const asked = retryAfterMs(outcome.statusCode, outcome.responseHeaders, nowMs) ?? 0;
  return { retryIndex: attempt.retryIndex + 1, dueAt: nowMs + Math.max(wait, asked) };
}

/** `HOOKLINE_DISABLE_AFTER`: how long a hook may fail every attempt before it is deactivated; null = never. */
export const DEFAULT_DISABLE_AFTER = '5d';

export function parseDisableAfter(text: string): number | null | string {
  if (text.trim() === 'off') return null;
  const ms = parseDuration(text);
  return ms !== null && ms > 0 ? ms : `must be "off" or a positive duration such as 5d, got "${text}"`;
}

/** The hook's `last_response` once it is disabled: says why, naming the window. */
export function disabledResponse(last: Pick<DeliveryOutcome, 'statusCode'>, windowText: string): LastResponse {
  return { code: last.statusCode, status: 'failed', message: `Disabled after every attempt failed for ${windowText}` };
}

/** The retry and disable settings the worker applies. */
export interface RetryPolicy {
  schedule: RetrySchedule;
  /** null: never disable. */
  disableAfterMs: number | null;
  /** The window as configured, for the message that names it. */
  disableAfterText: string;
}

/**
 * Everything the policy decides once an attempt has ended: the hook's last_response, the next
 * automatic attempt, and whether the hook is disabled (its schedule for this event exhausted, and every
 * attempt to it failed for the whole window — the adapter checks the window against the stored record).
 */
export function followUpAfter(
  policy: RetryPolicy,
  attempt: Pick<ClaimedDelivery, 'kind' | 'retryIndex'>,
  outcome: Pick<DeliveryOutcome, 'statusCode' | 'status' | 'responseHeaders'>,
  nowMs: number,
  random: () => number = Math.random,
): AttemptFollowUp {
  const success = isSuccess(outcome.statusCode);
  const manual = attempt.kind === 'manual';
  const next = nextAttempt(policy.schedule, { retryIndex: attempt.retryIndex, manual }, outcome, nowMs, random);
  const exhausted = !success && !manual && next === null;
  return {
    lastResponse: lastResponseAfter(outcome),
    success,
    at: nowMs,
    next: next && { ...next, dueAtText: isoSeconds(new Date(next.dueAt)) },
    // Retries are scheduled only after a recorded failure, so a delivery's first attempt never has any to end.
    cancelRetries: success && attempt.kind !== 'first',
    disable: exhausted && policy.disableAfterMs !== null
      ? { failingSince: nowMs - policy.disableAfterMs, lastResponse: disabledResponse(outcome, policy.disableAfterText) }
      : null,
  };
}
