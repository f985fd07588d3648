// The delivery half of the storage port. The deliveries table is the queue: a pending row survives a
// crash, workers claim rows with a lease, and every state change is conditional on holding the claim.
// The types it stores are the domain's (domain/deliveries.ts); which outcome is a success is the
// domain's delivery policy (domain/delivery-policy.ts).
import type {
  AttemptFollowUp, ClaimedDelivery, DeliveryDetail, DeliveryOutcome, DeliverySummary, FanOut, NewEvent,
} from '../domain/deliveries.js';
import type { DeliveryStatusFilter } from '../domain/delivery-policy.js';
import type { HookOwner } from '../domain/model.js';

export type { ClaimedDelivery, DeliveryDetail, DeliveryOutcome, DeliverySummary, FanOut, NewEvent };

export interface DeliveryQuery {
  hookId: number;
  /** Whose hook it must be: another owner's hook, or none, lists as null. */
  owner: HookOwner;
  limit: number;
  /** Keyset position: rows older than (`before`) or newer than (`after`) this delivery id. */
  before?: number;
  after?: number;
  /** Classified as the delivery policy's LISTED_AS_SUCCESS says. */
  status?: DeliveryStatusFilter;
  redelivery?: boolean;
}

/** One claim: lease up to `limit` due deliveries to `worker` until `leaseUntil`. */
export interface ClaimRequest {
  worker: string;
  /** ms since epoch; rows due at or before it are claimable. */
  now: number;
  leaseUntil: number;
  limit: number;
  /** Most unexpired leases one hook may hold across all workers (a slow receiver cannot take every slot). */
  perHook: number;
  /** Most unexpired leases the hooks of one owner (account or App, see hook_owners) may hold across all workers; default no cap. */
  perOwner?: number;
  /** Hooks whose receiver timed out (the circuit breaker): each may hold one lease until it answers again. */
  throttled?: readonly number[];
}

/** A bulk replay: one new attempt per event accepted in [since, until) whose latest attempt to the hook failed. */
export interface ReplayRequest {
  hookId: number;
  /** ISO 8601 seconds, as events are stamped; `until` excluded. */
  since: string;
  until: string | null;
  limit: number;
  now: string;
  dueAt: number;
}

export interface DeliveryStore {
  /**
   * Stores the event and one pending delivery per hook the fan-out reaches, in one transaction. An event
   * whose guid is stored already is not stored again (a retried commit): the answer is the stored one.
   */
  acceptEvent(event: NewEvent, fanOut: FanOut, dueAt: number): Promise<{ eventId: number; deliveries: number }>;
  /** The latest push accepted for a repository, if any. */
  findLatestPush(repositoryId: number): Promise<{ payload: string; action: string | null } | null>;
  /** Queues a new attempt of a stored delivery (same event, same GUID), flagged as a redelivery. */
  insertRedelivery(hookId: number, deliveryId: number, now: string, dueAt: number): Promise<number | null>;
  /**
   * Queues a manual attempt (as insertRedelivery does) for up to `limit` events, oldest first, whose
   * latest recorded attempt to the hook is not a success (the policy's SUCCESS range); `truncated` when
   * more matched.
   */
  replayFailed(request: ReplayRequest): Promise<{ queued: number; truncated: boolean }>;

  /**
   * Leases due deliveries, taking owners in turn (each owner's oldest first, so one hook's deliveries go
   * out oldest first). Every engine caps a hook and an owner the same way: pending rows with an
   * unexpired lease count toward `perHook` (1 for a throttled hook) and `perOwner`, whichever worker
   * holds them; rows of capped hooks and owners wait.
   * Two PostgreSQL workers claiming at the same instant may each give a hook its share (the count is
   * read, not locked); a row is still never leased twice.
   */
  claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /** Event payloads by event id, for a batch of claimed deliveries. */
  loadPayloads(eventIds: number[]): Promise<Map<number, string>>;
  /**
   * Records the outcome if `worker` still holds the lease, with what the delivery policy decided
   * (`followUp`: the hook's last_response, the next automatic attempt, disabling), in one transaction;
   * without one, the policy's last_response and nothing else. False means a newer claim owns the row.
   */
  completeDelivery(id: number, worker: string, outcome: DeliveryOutcome, followUp?: AttemptFollowUp): Promise<boolean>;
  /** Drops the hook's pending attempts that no worker holds (the hook was deactivated); returns how many. */
  cancelPendingAttempts(hookId: number): Promise<number>;
  /** Gives back the pending rows `worker` holds (on shutdown), so others can claim them at once. */
  releaseClaims(worker: string): Promise<number>;
  /** When the next pending delivery becomes claimable (ms since epoch), or null when none is pending. */
  nextDueAt(): Promise<number | null>;

  /**
   * Calls `listener` when another process queues deliveries (PostgreSQL LISTEN/NOTIFY). Engines with a
   * single process resolve to a no-op: the in-process wake-up is enough there. Returns an unsubscribe.
   */
  listenForDue(listener: () => void): Promise<() => Promise<void>>;

  /** A page of the hook's log, or null when the owner has no such hook (checked in the same read). */
  listDeliveries(query: DeliveryQuery): Promise<DeliverySummary[] | null>;
  findDelivery(hookId: number, id: number): Promise<DeliveryDetail | null>;
  /** Deletes completed deliveries created before `before` and events no longer referenced. */
  pruneDeliveries(before: string): Promise<number>;
  /**
   * Makes room for the deliveries created from `now`'s UTC day to a couple of days after it (PostgreSQL's
   * daily partitions); nothing to do where the log is one table.
   */
  prepareDays(now: string): Promise<void>;
}
