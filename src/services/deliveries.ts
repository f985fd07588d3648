// The delivery log: list (newest first, keyset cursor), get, redeliver.
import type { Clock } from '../domain/clock.js';
import { BadRequest, InvalidRequest, NotFound } from '../domain/errors.js';
import { isoSeconds } from '../domain/model.js';
import type { DeliveryDetail, DeliverySummary } from '../storage/delivery-store.js';
import type { Store } from '../storage/store.js';
import type { HookScope } from './access.js';
import type { DeliverySignal } from './events.js';
import type { HookService } from './hooks.js';
import { replayFailed } from './replay.js';

/** A page of deliveries with the cursors of the neighbouring pages, if there are any. */
export interface DeliveryPage {
  deliveries: DeliverySummary[];
  next: string | null;
  prev: string | null;
  perPage: number;
}

interface Cursor {
  before?: number;
  after?: number;
}

/** Opaque to clients: base64url of the keyset position. */
function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    const valid = (v: unknown) => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0);
    if (typeof c === 'object' && c !== null && valid(c.before) && valid(c.after) && (c.before === undefined) !== (c.after === undefined)) {
      return c;
    }
  } catch {
    // fall through
  }
  throw new BadRequest('Invalid cursor');
}

interface ListingQuery {
  perPage: number;
  cursor: Cursor;
  filter: Cursor & { status?: 'success' | 'failure'; redelivery?: boolean };
}

/** The list endpoint's query string, checked: page size, keyset cursor and GitHub's two filters. */
function listingQuery(query: Record<string, string | undefined>): ListingQuery {
  const perPage = Math.min(Math.max(Number.parseInt(query.per_page ?? '30', 10) || 30, 1), 100);
  const cursor = query.cursor ? decodeCursor(query.cursor) : {};
  const status = query.status;
  if (status !== undefined && status !== 'success' && status !== 'failure') {
    throw new InvalidRequest(`For 'status', "${status}" is not one of success, failure.`);
  }
  const redelivery = query.redelivery;
  if (redelivery !== undefined && redelivery !== 'true' && redelivery !== 'false') {
    throw new InvalidRequest(`For 'redelivery', "${redelivery}" is not a boolean.`);
  }
  return { perPage, cursor, filter: { ...cursor, status, redelivery: redelivery === undefined ? undefined : redelivery === 'true' } };
}

export class DeliveryService {
  constructor(
    private readonly store: Store,
    private readonly hooks: HookService,
    private readonly clock: Clock,
    private readonly signal: DeliverySignal,
  ) {}

  async list(scope: HookScope, hookId: number, query: Record<string, string | undefined>): Promise<DeliveryPage> {
    // The store checks that the hook is in scope in the read that lists it. Rule: a hook that is not
    // answers 404 before anything about the query is judged.
    let listing: ListingQuery;
    try {
      if (!Number.isSafeInteger(hookId)) throw new NotFound();
      listing = listingQuery(query);
    } catch (err) {
      await this.hooks.get(scope, hookId);
      throw err;
    }
    const rows = await this.store.listDeliveries({ hookId, owner: scope.owner, limit: listing.perPage + 1, ...listing.filter });
    if (rows === null) throw new NotFound();
    const { perPage, cursor } = listing;
    // One extra row tells whether a page lies beyond in the direction walked.
    const more = rows.length > perPage;
    const walkingNewer = cursor.after !== undefined;
    const page = more ? (walkingNewer ? rows.slice(1) : rows.slice(0, perPage)) : rows;
    const hasOlder = walkingNewer ? true : more;
    const hasNewer = walkingNewer ? more : cursor.before !== undefined;
    return {
      deliveries: page,
      next: hasOlder && page.length > 0 ? encodeCursor({ before: page[page.length - 1].id }) : null,
      prev: hasNewer && page.length > 0 ? encodeCursor({ after: page[0].id }) : null,
      perPage,
    };
  }

  async get(scope: HookScope, hookId: number, deliveryId: number): Promise<DeliveryDetail> {
    await this.hooks.get(scope, hookId);
    const delivery = await this.store.findDelivery(hookId, deliveryId);
    if (!delivery) throw new NotFound();
    return delivery;
  }

  /** Queues the same event again for the hook: same GUID, signed with the hook's current secret. */
  async redeliver(scope: HookScope, hookId: number, deliveryId: number): Promise<void> {
    await this.hooks.get(scope, hookId);
    const now = this.clock.now();
    const id = await this.store.insertRedelivery(hookId, deliveryId, isoSeconds(now), now.getTime());
    if (id === null) throw new NotFound();
    this.signal.notify();
  }

  /** Bulk replay of the hook's failed events in `{since, until?}` (services/replay.ts). */
  replay(scope: HookScope, hookId: number, body: unknown): Promise<{ queued: number; truncated?: true }> {
    return replayFailed({ store: this.store, hooks: this.hooks, clock: this.clock, signal: this.signal }, scope, hookId, body);
  }
}
