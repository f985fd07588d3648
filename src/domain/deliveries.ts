// Events and deliveries as the rest of Hookline sees them: what is accepted, what a worker claims, what an
// attempt produced and what the delivery log shows. Storage stores these; it does not shape them.
import { subscribes } from './events.js';
import type { HookOwner, HookRecord, LastResponse } from './model.js';

/** Why an attempt is made: the event's first, an automatic retry, or a redelivery someone asked for. */
export type AttemptKind = 'first' | 'retry' | 'manual';

/** An accepted event; its payload is stored once and shared by all its deliveries. */
export interface NewEvent {
  /** Unique per event: storing an event whose guid is already stored stores nothing new. */
  guid: string;
  event: string;
  action: string | null;
  repositoryId: number | null;
  organizationId: number | null;
  /** The serialized JSON payload, exactly the bytes a json hook receives. */
  payload: string;
  now: string;
}

/**
 * Which hooks an event goes to: the active hooks of these owners that subscribe to `event` (or to `*`),
 * or only the one hook `hookId` (a ping, a test push). Plain data rather than a predicate, so an engine
 * may select the hooks in the statement that inserts the deliveries; `fanOutReaches` is the rule.
 */
export interface FanOut {
  owners: HookOwner[];
  to: { subscribedTo: string } | { hookId: number };
}

/** Whether an active hook of one of the fan-out's owners gets a delivery (the reference for every engine). */
export function fanOutReaches(fanOut: FanOut, hook: HookRecord): boolean {
  if (!hook.active || !fanOut.owners.some((o) => o.type === hook.owner.type && o.id === hook.owner.id)) return false;
  return 'hookId' in fanOut.to ? hook.id === fanOut.to.hookId : subscribes(hook.events, fanOut.to.subscribedTo);
}

/** A claimed delivery, with everything needed to send it. */
export interface ClaimedDelivery {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  redelivery: boolean;
  eventId: number;
  hook: HookRecord;
  kind: AttemptKind;
  /** Attempts of this event to this hook so far, this one included. */
  attempt: number;
  /** Its place in the retry schedule: 0 for the first attempt, 1 for the first retry, … */
  retryIndex: number;
  /** The event's payload, when the engine read it with the claim; otherwise the worker loads it. */
  payload?: string;
}

/** The outcome of one attempt, recorded with the request exactly as it was sent. */
export interface DeliveryOutcome {
  url: string;
  status: string;
  statusCode: number;
  duration: number;
  deliveredAt: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
}

/** A completed delivery as listed (GitHub's `hook-delivery-item`). */
export interface DeliverySummary {
  id: number;
  guid: string;
  deliveredAt: string;
  redelivery: boolean;
  duration: number;
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  repositoryId: number | null;
  url: string;
  /** Attempts of this event to this hook up to this one (1, 2, …). */
  attempt: number;
  /** When the automatic attempt this failure scheduled is due (ISO 8601), or null. */
  nextAttemptAt: string | null;
}

/**
 * What the delivery policy decided after an attempt; the adapter stores it with the outcome, in the
 * same transaction.
 */
export interface AttemptFollowUp {
  lastResponse: LastResponse;
  success: boolean;
  /** When the attempt ended (ms): a failure marks the hook failing since then, unless it already is. */
  at: number;
  /** The next automatic attempt: a pending row of the same event, hook and guid, due then. */
  next: { retryIndex: number; dueAt: number; dueAtText: string } | null;
  /** Delete the event's scheduled automatic attempts to the hook: set only when some may exist (see followUpAfter). */
  cancelRetries: boolean;
  /** Deactivate the hook if it has failed every attempt since `failingSince` or earlier, cancelling its pending attempts. */
  disable: { failingSince: number; lastResponse: LastResponse } | null;
}

/** One delivery with request and response (GitHub's `hook-delivery`). */
export interface DeliveryDetail extends DeliverySummary {
  requestHeaders: Record<string, string>;
  payload: string;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
}
