// The delivery half of the storage port. The deliveries table is the queue: a pending row survives a
// crash, workers claim rows with a lease, and every state change is conditional on holding the claim.
import { subscribes } from '../domain/events.js';
import type { HookOwner, HookRecord } from '../domain/model.js';

/** An accepted event; its payload is stored once and shared by all its deliveries. */
export interface NewEvent {
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
 * can select the hooks in the statement that inserts the deliveries (PostgreSQL: one round trip less,
 * and no hook rows read back per event). Owners whose type does not offer the event are left out by
 * the caller.
 */
export interface FanOut {
  owners: HookOwner[];
  to: { subscribedTo: string } | { hookId: number };
  /**
   * Also remember this event as the repository's latest push (for the test endpoint). PostgreSQL reads
   * the latest push from the events instead (a remembered row was a lock every ingest queued on); a
   * test push, which is not remembered, carries the same payload, so both engines answer the same.
   */
  rememberAsLatestPush?: boolean;
}

/** Whether an active hook of one of the fan-out's owners gets a delivery (engines that filter in code). */
export function fanOutReaches(fanOut: FanOut, hook: HookRecord): boolean {
  return 'hookId' in fanOut.to ? hook.id === fanOut.to.hookId : subscribes(hook.events, fanOut.to.subscribedTo);
}

/** For a claim made without telling which of the worker's deliveries have been answered. */
export const NO_ANSWERS: ReadonlyMap<number, unknown> = new Map();

/** A claimed delivery, with everything needed to send it. */
export interface ClaimedDelivery {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  redelivery: boolean;
  eventId: number;
  hook: HookRecord;
  /**
   * The event's payload, when the engine read it with the claim (PostgreSQL: on the first row of each
   * event in the batch, saving the worker a round trip); otherwise the worker loads it.
   */
  payload?: string;
}

/**
 * A worker of this process offering to take an accepted event's deliveries at once. An engine that
 * supports it leases them in the transaction that inserts them and hands them over right after the
 * commit, before the acceptance is answered: no claim of their own, and no event-loop turn between the
 * 202 and the send. Engines that do not (PostgreSQL) ignore it and the worker claims the rows as usual.
 */
export interface EagerClaim {
  readonly worker: string;
  /** As in claimDue: the hook cap, and the worker's answered deliveries that no longer count toward it. */
  readonly perHook: number;
  readonly answered: ReadonlyMap<number, unknown>;
  /**
   * Read when the insert runs (in a group commit, later than the call): how many deliveries the worker
   * takes now (its free slots, which deliveries handed over by `adopt` fill at once) and its lease
   * terms, or null while it takes none at acceptance (stopped, full, or with older due rows still to
   * claim, which must not be overtaken).
   */
  terms(): { now: number; leaseUntil: number; room: number } | null;
  /** The leased deliveries, once committed; called before the acceptance resolves. */
  adopt(claimed: ClaimedDelivery[]): void;
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
}

/** One delivery with request and response (GitHub's `hook-delivery`). */
export interface DeliveryDetail extends DeliverySummary {
  requestHeaders: Record<string, string>;
  payload: string;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
}

export interface DeliveryQuery {
  hookId: number;
  limit: number;
  /** Keyset position: rows older than (`before`) or newer than (`after`) this delivery id. */
  before?: number;
  after?: number;
  /** `success`: status code 200–399; `failure`: anything else. */
  status?: 'success' | 'failure';
  redelivery?: boolean;
}

export interface DeliveryStore {
  /**
   * Stores the event and one pending delivery per selected hook in one transaction. With `eager`, an
   * engine may lease some of them to that worker in the same transaction (`leased` of `deliveries`),
   * handing them over through `eager.adopt`; the rest wait for a claim.
   */
  acceptEvent(event: NewEvent, fanOut: FanOut, dueAt: number, eager?: EagerClaim): Promise<{ eventId: number; deliveries: number; leased: number }>;
  /** The latest push accepted for a repository, if any. */
  findLatestPush(repositoryId: number): Promise<{ payload: string; action: string | null } | null>;
  /** Queues a new attempt of a stored delivery (same event, same GUID), flagged as a redelivery. */
  insertRedelivery(hookId: number, deliveryId: number, now: string, dueAt: number): Promise<number | null>;

  /**
   * Leases up to `limit` due deliveries to `worker` until `leaseUntil`, oldest first, never letting one
   * hook have more than `perHook` deliveries in flight across all workers (so a slow receiver cannot
   * occupy every slot while other hooks wait). On PostgreSQL two workers claiming at the same instant
   * may each give a hook its share (the count is read, not locked); on SQLite "all workers" means those
   * of this process, which are all of them when `serve` runs API and worker together, as it should.
   * `answered` is keyed by the ids of this worker's leased deliveries whose receiver has already answered
   * (their outcome is still being recorded): they hold no connection, so they do not count toward their
   * hook's cap. It may be read when the claim runs rather than when it is called (a group commit).
   */
  claimDue(
    worker: string, now: number, leaseUntil: number, limit: number, perHook: number, answered?: ReadonlyMap<number, unknown>,
  ): Promise<ClaimedDelivery[]>;
  /** Event payloads by event id, for a batch of claimed deliveries. */
  loadPayloads(eventIds: number[]): Promise<Map<number, string>>;
  /** Records the outcome if `worker` still holds the lease; false means a newer claim owns the row. */
  completeDelivery(id: number, worker: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** Gives back the pending rows `worker` holds (on shutdown), so others can claim them at once. */
  releaseClaims(worker: string): Promise<number>;
  /** When the next pending delivery becomes claimable (ms since epoch), or null when none is pending. */
  nextDueAt(): Promise<number | null>;

  /**
   * Calls `listener` when another process queues deliveries (PostgreSQL LISTEN/NOTIFY). Engines with a
   * single process resolve to a no-op: the in-process wake-up is enough there. Returns an unsubscribe.
   */
  listenForDue(listener: () => void): Promise<() => Promise<void>>;

  listDeliveries(query: DeliveryQuery): Promise<DeliverySummary[]>;
  findDelivery(hookId: number, id: number): Promise<DeliveryDetail | null>;
  /** Deletes completed deliveries created before `before` and events no longer referenced. */
  pruneDeliveries(before: string): Promise<number>;
}
