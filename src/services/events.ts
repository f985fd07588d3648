// Events in: ingestion (POST /hookline/events), pings and test pushes. Each accepted event is stored
// with one pending delivery per subscribed hook in a single transaction, then the worker is woken
// (unless this process's worker took them all as they were stored).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { NotFound, PayloadTooLarge, ValidationFailed, type FieldError } from '../domain/errors.js';
import { offers, ORGANIZATION_EVENTS, subscribes } from '../domain/events.js';
import { isoSeconds, type Account, type HookOwner, type HookRecord, type Repository } from '../domain/model.js';
import type { EagerClaim, FanOut } from '../storage/delivery-store.js';
import type { Store } from '../storage/store.js';
import { INGEST_SCOPES, type AccessService, type HookScope, type Principal } from './access.js';
import { bodySchema } from './request-schema.js';
import { repositoryWebhookShape } from './delivery-shapes.js';
import { hookShape, simpleOrganization, simpleUser, type Urls } from './shapes.js';
import { randomZen } from './zen.js';

/** GitHub does not deliver payloads over 25 MB. */
export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/** The delivery side, as the services see it. */
export interface DeliverySignal {
  /** New rows are due that no worker has taken (in-process wake-up; NOTIFY reaches other processes). */
  notify(): void;
  /** This process's worker, offering to take accepted deliveries as they are stored (none if no worker runs here). */
  eagerClaim(): EagerClaim | undefined;
}

const ingestBody = bodySchema<{
  event: string; action?: string | null; repository?: string; organization?: string; sender?: string; payload: Record<string, unknown>;
}>(
  {
    type: 'object',
    required: ['event', 'payload'],
    additionalProperties: false,
    properties: {
      event: { type: 'string' },
      action: { type: ['string', 'null'] },
      repository: { type: 'string' },
      organization: { type: 'string' },
      sender: { type: 'string' },
      payload: { type: 'object' },
    },
  },
  { required: true },
);

export class EventService {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly urls: Urls,
    private readonly signal: DeliverySignal,
  ) {}

  async ingest(principal: Principal, body: unknown): Promise<{ guid: string; deliveries: number }> {
    if (!this.access.hasScope(principal, INGEST_SCOPES)) throw new NotFound();
    const input = ingestBody.check(body);
    const errors: FieldError[] = [];
    if (!ORGANIZATION_EVENTS.has(input.event) && input.event !== 'ping') {
      errors.push({ resource: 'Event', code: 'invalid', field: 'event', message: `"${input.event}" is not a known event` });
    }
    // Only repository and organization hooks exist: an event with neither could reach no one.
    if (input.repository === undefined && input.organization === undefined) {
      errors.push({ resource: 'Event', code: 'missing_field', field: 'repository', message: 'repository or organization is required: no hook could receive an event without either' });
    }
    const repo = input.repository ? await this.findRepository(input.repository, errors) : null;
    let org: Account | null = repo?.owner.type === 'Organization' ? repo.owner : null;
    if (input.organization) {
      const named = await this.store.findAccountByLogin(input.organization);
      if (!named || named.type !== 'Organization') {
        errors.push({ resource: 'Event', code: 'invalid', field: 'organization', message: `organization ${input.organization} not found` });
      } else if (repo && repo.owner.id !== named.id) {
        errors.push({ resource: 'Event', code: 'invalid', field: 'organization', message: `${input.repository} does not belong to ${input.organization}` });
      } else org = named;
    }
    let sender = principal.user;
    if (input.sender) {
      const named = await this.store.findAccountByLogin(input.sender);
      if (!named) errors.push({ resource: 'Event', code: 'invalid', field: 'sender', message: `user ${input.sender} not found` });
      else sender = named;
    }
    const payloadAction = typeof input.payload.action === 'string' ? input.payload.action : null;
    if (input.action != null && payloadAction !== null && input.action !== payloadAction) {
      errors.push({ resource: 'Event', code: 'invalid', field: 'action', message: `action "${input.action}" differs from payload.action "${payloadAction}"` });
    }
    if (errors.length > 0) throw new ValidationFailed(errors);

    const action = input.action ?? payloadAction;
    const payload: Record<string, unknown> = action !== null && !('action' in input.payload) ? { action, ...input.payload } : { ...input.payload };
    if (repo && !('repository' in payload)) payload.repository = repositoryWebhookShape(repo, this.urls);
    if (org && !('organization' in payload)) payload.organization = simpleOrganization(org, this.urls);
    if (!('sender' in payload)) payload.sender = simpleUser(sender, this.urls);

    // Only owners whose hooks can receive this event at all (organization hooks get more kinds).
    const owners: HookOwner[] = [];
    if (repo && offers('repository', input.event)) owners.push({ type: 'repository', id: repo.id });
    if (org && offers('organization', input.event)) owners.push({ type: 'organization', id: org.id });
    return this.accept(input.event, action, repo, org, payload, {
      owners,
      to: { subscribedTo: input.event },
      rememberAsLatestPush: input.event === 'push' && repo !== null,
    });
  }

  /** Sends a ping to one hook (after creation, and on POST …/pings). */
  async ping(scope: HookScope, hook: HookRecord, sender: Account): Promise<void> {
    const payload: Record<string, unknown> = { zen: randomZen(), hook_id: hook.id, hook: hookShape(hook, scope.path, this.urls) };
    if (scope.repository) payload.repository = repositoryWebhookShape(scope.repository, this.urls);
    if (scope.organization) payload.organization = simpleOrganization(scope.organization, this.urls);
    payload.sender = simpleUser(sender, this.urls);
    await this.accept('ping', null, scope.repository, scope.organization, payload, { owners: [hook.owner], to: { hookId: hook.id } });
  }

  /**
   * Re-sends the repository's latest push to one hook, if it subscribes to `push`. Nothing is sent
   * when it does not, or when the repository has had no push yet (GitHub answers 204 either way).
   */
  async testPush(scope: HookScope, hook: HookRecord): Promise<void> {
    if (!scope.repository || !subscribes(hook.events, 'push')) return;
    const latest = await this.store.findLatestPush(scope.repository.id);
    if (!latest) return;
    await this.accept('push', latest.action, scope.repository, scope.organization, JSON.parse(latest.payload), {
      owners: [hook.owner],
      to: { hookId: hook.id },
    });
  }

  private async accept(
    event: string, action: string | null, repo: Repository | null, org: Account | null,
    payload: Record<string, unknown>, fanOut: FanOut,
  ): Promise<{ guid: string; deliveries: number }> {
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) throw new PayloadTooLarge('Payloads are capped at 25 MB');
    const guid = randomUUID();
    const now = this.clock.now();
    const { deliveries, leased } = await this.store.acceptEvent(
      { guid, event, action, repositoryId: repo?.id ?? null, organizationId: org?.id ?? null, payload: text, now: isoSeconds(now) },
      fanOut,
      now.getTime(),
      this.signal.eagerClaim(),
    );
    // Deliveries leased at acceptance are already with the worker; the rest wait for a claim.
    if (deliveries > leased) this.signal.notify();
    return { guid, deliveries };
  }

  private async findRepository(fullName: string, errors: FieldError[]): Promise<Repository | null> {
    const [owner, name, extra] = fullName.split('/');
    const repo = owner && name && extra === undefined ? await this.store.findRepository(owner, name) : null;
    if (!repo) errors.push({ resource: 'Event', code: 'invalid', field: 'repository', message: `repository ${fullName} not found` });
    return repo;
  }
}
