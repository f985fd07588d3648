// Events in. `emit` is the one door every event source goes through (ingestion, pings, test pushes, and
// later App webhooks, the dashboard and replays): it completes the payload from Hookline's records, stores
// the event with one pending delivery per hook it reaches in a single transaction, and wakes the worker.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { FanOut } from '../domain/deliveries.js';
import { NotFound, PayloadTooLarge } from '../domain/errors.js';
import { offers, subscribes } from '../domain/events.js';
import { isoSeconds, type Account, type HookOwner, type HookRecord, type Repository } from '../domain/model.js';
import type { Store } from '../storage/store.js';
import { INGEST_SCOPES, type AccessService, type HookScope, type Principal } from './access.js';
import { repositoryWebhookShape } from './delivery-shapes.js';
import { parseIngest } from './ingest-input.js';
import { appHookShape, hookShape, simpleOrganization, simpleUser, type Urls } from './shapes.js';
import { randomZen } from './zen.js';

/** GitHub does not deliver payloads over 25 MB. */
export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/** The delivery side, as the services see it. */
export interface DeliverySignal {
  /** New rows are due (in-process wake-up; on PostgreSQL, NOTIFY reaches other processes). */
  notify(): void;
}

/** An event to deliver. Callers are trusted: `emit` checks nothing but the payload's size. */
export interface EmitInput {
  event: string;
  action?: string | null;
  /** The payload; `action`, `repository`, `organization` and `sender` are added from the fields below when it lacks them. */
  payload: Record<string, unknown>;
  repository?: Repository | null;
  organization?: Account | null;
  sender?: Account | null;
  /**
   * Where it goes: one hook (a ping, a test push, an App's hook), or the subscribing hooks of the given
   * owners. Omitted: the subscribing hooks of the repository and of the organization, each if its
   * hook type offers the event.
   */
  to?: { hook: Pick<HookRecord, 'id' | 'owner'> } | { owners: HookOwner[] };
  /** The event's unique id (X-GitHub-Delivery); generated when omitted. Emitting a stored guid again stores nothing. */
  guid?: string;
}

/** An ingested event, as listeners see it (to deliver it elsewhere too, e.g. to GitHub Apps). */
export interface IngestedEvent {
  event: string;
  action: string | null;
  repository: Repository | null;
  organization: Account | null;
  sender: Account | null;
  /** The payload as given; `emit` completes it from the fields above. */
  payload: Record<string, unknown>;
}

/** Called after an event is ingested; returns how many more deliveries it queued. */
export type IngestListener = (ingested: IngestedEvent) => Promise<number>;

export class EventService {
  private acceptedListeners: ((event: string) => void)[] = [];
  private ingestListeners: IngestListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly urls: Urls,
    private readonly signal: DeliverySignal,
  ) {}

  /** Called with the event's name each time an event is accepted (the metrics count them). */
  onAccepted(listener: (event: string) => void): void {
    this.acceptedListeners.push(listener);
  }

  /** Called after each ingested event (GitHub Apps get their own copies); adds to its deliveries count. */
  onIngested(listener: IngestListener): void {
    this.ingestListeners.push(listener);
  }

  /** POST /hookline/events: the caller's scope, the body's validity, then `emit`. */
  async ingest(principal: Principal, body: unknown): Promise<{ guid: string; deliveries: number }> {
    if (!this.access.hasScope(principal, INGEST_SCOPES)) throw new NotFound();
    const input = await parseIngest(this.store, principal.user, body);
    const accepted = await this.emit(input);
    const ingested: IngestedEvent = {
      event: input.event, action: input.action ?? null, repository: input.repository ?? null,
      organization: input.organization ?? null, sender: input.sender ?? null, payload: input.payload,
    };
    for (const listener of this.ingestListeners) accepted.deliveries += await listener(ingested);
    return accepted;
  }

  async emit(input: EmitInput): Promise<{ guid: string; deliveries: number }> {
    const repo = input.repository ?? null;
    const org = input.organization ?? null;
    const action = input.action ?? null;
    const payload: Record<string, unknown> = action !== null && !('action' in input.payload) ? { action, ...input.payload } : { ...input.payload };
    if (repo && !('repository' in payload)) payload.repository = repositoryWebhookShape(repo, this.urls);
    if (org && !('organization' in payload)) payload.organization = simpleOrganization(org, this.urls);
    if (input.sender && !('sender' in payload)) payload.sender = simpleUser(input.sender, this.urls);
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) throw new PayloadTooLarge('Payloads are capped at 25 MB');

    const guid = input.guid ?? randomUUID();
    const now = this.clock.now();
    const { deliveries } = await this.store.acceptEvent(
      { guid, event: input.event, action, repositoryId: repo?.id ?? null, organizationId: org?.id ?? null, payload: text, now: isoSeconds(now) },
      fanOutOf(input, repo, org),
      now.getTime(),
    );
    if (deliveries > 0) this.signal.notify();
    for (const listener of this.acceptedListeners) listener(input.event);
    return { guid, deliveries };
  }

  /** Sends a ping to one hook (after creation, and on POST …/pings). */
  async ping(scope: HookScope, hook: HookRecord, sender: Account): Promise<void> {
    await this.emit({
      event: 'ping',
      payload: { zen: randomZen(), hook_id: hook.id, hook: hook.owner.type === 'integration' ? appHookShape(hook, this.urls) : hookShape(hook, scope.path, this.urls) },
      repository: scope.repository, organization: scope.organization, sender,
      to: { hook },
    });
  }

  /**
   * Re-sends the repository's latest push to one hook, if it subscribes to `push`. Nothing is sent
   * when it does not, or when the repository has had no push yet (GitHub answers 204 either way).
   */
  async testPush(scope: HookScope, hook: HookRecord): Promise<void> {
    if (!scope.repository || !subscribes(hook.events, 'push')) return;
    const latest = await this.store.findLatestPush(scope.repository.id);
    if (!latest) return;
    await this.emit({
      event: 'push', action: latest.action, payload: JSON.parse(latest.payload),
      repository: scope.repository, organization: scope.organization, to: { hook },
    });
  }
}

function fanOutOf(input: EmitInput, repo: Repository | null, org: Account | null): FanOut {
  if (input.to && 'hook' in input.to) return { owners: [input.to.hook.owner], to: { hookId: input.to.hook.id } };
  if (input.to) return { owners: input.to.owners, to: { subscribedTo: input.event } };
  // Only owners whose hooks can receive this event at all (organization hooks get more kinds).
  const owners: HookOwner[] = [];
  if (repo && offers('repository', input.event)) owners.push({ type: 'repository', id: repo.id });
  if (org && offers('organization', input.event)) owners.push({ type: 'organization', id: org.id });
  return { owners, to: { subscribedTo: input.event } };
}
