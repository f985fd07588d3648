// Deliveries leased as their event is accepted (SQLite): in the inserting transaction, handed to the
// worker once committed and before the acceptance resolves, within the worker's room and each hook's
// cap, and never to be claimed by anyone else; within one group commit, claims and these leases share
// the worker's room; a group that rolls back hands nothing over.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/storage/open.js';
import { NO_ANSWERS, type ClaimedDelivery, type EagerClaim } from '../../src/storage/delivery-store.js';
import type { Store } from '../../src/storage/store.js';

const NOW = '2026-01-01T00:00:00Z';

async function fixture(url = 'sqlite::memory:') {
  const store = await openStore(url);
  const user = await store.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now: NOW });
  const repo = await store.insertRepository({ ownerId: user.id, name: 'hello', private: false, description: null, now: NOW });
  const owner = { type: 'repository' as const, id: repo.id };
  const hookIds: number[] = [];
  for (const url of ['https://a.example/', 'https://b.example/']) {
    const config = { url, contentType: 'json' as const, insecureSsl: '0' as const, secret: null, username: null, password: null };
    hookIds.push((await store.insertHook(owner, { name: 'web', active: true, events: ['push'], config }, NOW, () => undefined)).id);
  }
  const event = (guid: string, payload: string | null = `{"n":"${guid}"}`) =>
    ({ guid, event: 'push', action: null, repositoryId: repo.id, organizationId: null, payload: payload as string, now: NOW });
  const toBoth = { owners: [owner], to: { subscribedTo: 'push' } };
  return { store, hookIds, event, toBoth };
}

/**
 * A worker's offer with `room` slots, which what it is handed fills (as a worker's in-flight set does),
 * recording what it is handed and when.
 */
function offer(room: number, perHook: number, log: string[] = []) {
  const adopted: ClaimedDelivery[][] = [];
  const eager: EagerClaim = {
    worker: 'w', perHook, answered: NO_ANSWERS,
    terms: () => ({ now: 1, leaseUntil: 60_000, room: room - adopted.flat().length }),
    adopt: (claimed) => {
      adopted.push(claimed);
      log.push(`adopt ${claimed.map((d) => d.guid).join(',')}`);
    },
  };
  return { eager, adopted };
}

async function withStore(fn: (f: Awaited<ReturnType<typeof fixture>>) => Promise<void>) {
  const f = await fixture();
  try {
    await fn(f);
  } finally {
    await (f.store as Store).close();
  }
}

test('deliveries leased at acceptance are handed over before it resolves, within room and cap, and no one else claims them', () =>
  withStore(async ({ store, hookIds, event, toBoth }) => {
    const log: string[] = [];
    const { eager, adopted } = offer(10, 1, log);
    const first = await store.acceptEvent(event('e1'), toBoth, 0, eager);
    log.push('resolved');
    assert.deepEqual({ deliveries: first.deliveries, leased: first.leased }, { deliveries: 2, leased: 2 });
    assert.deepEqual(log, ['adopt e1,e1', 'resolved'], 'handed over before the acceptance resolves');
    const [a, b] = adopted[0];
    assert.deepEqual([a.hook.id, b.hook.id], hookIds);
    assert.equal(a.payload, '{"n":"e1"}', 'the payload comes with them');
    assert.equal(a.eventId, first.eventId);
    assert.equal(a.redelivery, false);

    // Both hooks are at their cap of one: the next event's deliveries wait for a claim.
    const second = await store.acceptEvent(event('e2'), toBoth, 0, eager);
    assert.deepEqual({ deliveries: second.deliveries, leased: second.leased }, { deliveries: 2, leased: 0 });
    assert.equal(adopted.length, 1);
    const claimed = await store.claimDue('other', 2, 60_000, 10, 10);
    assert.deepEqual(claimed.map((d) => d.guid), ['e2', 'e2'], 'leased rows are not claimed by another worker');

    // Room for one: one leased, one left.
    const third = await store.acceptEvent(event('e3'), toBoth, 0, offer(1, 10).eager);
    assert.equal(third.leased, 1);
    assert.deepEqual((await store.claimDue('other', 2, 60_000, 10, 10)).map((d) => d.hook.id), [hookIds[1]]);

    // The leases are real: completing needs the lease holder, and releases make the rows claimable.
    assert.equal(await store.completeDelivery(a.id, 'other', outcome()), false);
    assert.equal(await store.completeDelivery(a.id, 'w', outcome()), true);
    assert.equal(await store.releaseClaims('w'), 2, "e1's second delivery and e3's leased one");
    assert.deepEqual((await store.claimDue('other', 2, 60_000, 10, 10)).map((d) => d.guid), ['e1', 'e3']);
  }));

test('within one group commit, claims and leases at acceptance share the worker\'s room', () =>
  withStore(async ({ store, event, toBoth }) => {
    for (const guid of ['old1', 'old2']) await store.acceptEvent(event(guid), toBoth, 0);
    // The claim is queued first and takes the room it was given; the acceptance in the same group
    // then finds none left.
    const { eager, adopted } = offer(2, 10);
    const claim = store.claimDue('w', 1, 60_000, 2, 10);
    const accepted = store.acceptEvent(event('new1'), toBoth, 0, eager);
    assert.deepEqual((await claim).map((d) => d.guid), ['old1', 'old1']);
    assert.equal((await accepted).leased, 0);
    assert.equal(adopted.length, 0);

    // The acceptance first: its leases come out of the limit of a claim queued before they were taken.
    const early = offer(2, 10);
    const accepted2 = store.acceptEvent(event('new2'), toBoth, 0, early.eager);
    const claim2 = store.claimDue('w', 1, 60_000, 3, 10);
    assert.equal((await accepted2).leased, 2);
    assert.deepEqual((await claim2).map((d) => d.guid), ['old2'], 'a limit of 3 less the 2 leased at acceptance');
  }));

test('a group commit that rolls back hands nothing over, and each write then hands over its own once', () =>
  withStore(async ({ store, event, toBoth }) => {
    const { eager, adopted } = offer(10, 10);
    const good = store.acceptEvent(event('good'), toBoth, 0, eager);
    const failing = store.acceptEvent(event('bad', null), toBoth, 0, eager);
    await assert.rejects(failing, /NOT NULL/);
    assert.equal((await good).leased, 2);
    assert.deepEqual(adopted.map((c) => c.map((d) => d.guid)), [['good', 'good']], 'once, and only what was committed');
    // The rolled-back first run of 'good' left no leases behind: the cap of 2 per hook has room for one more each.
    const next = await store.acceptEvent(event('next'), toBoth, 0, offer(10, 2).eager);
    assert.equal(next.leased, 2);
  }));

test('a write that fails after leasing leaves no lease and no count behind for the writes after it', async () => {
  // A file, so a second connection can add a trigger that fails the insert of one delivery.
  const dir = mkdtempSync(join(tmpdir(), 'hookline-eager-'));
  const path = join(dir, 'hookline.db');
  const f = await fixture(`sqlite:${path}`);
  try {
    const { store, hookIds, event, toBoth } = f;
    const other = new Database(path);
    other.exec(`CREATE TRIGGER boom BEFORE INSERT ON deliveries WHEN NEW.guid = 'boom' AND NEW.hook_id = ${hookIds[1]}
                BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    other.close();
    // Room for 3 in each write's terms; one group: 'good' leases 2, 'boom' leases 1 and then fails,
    // 'after' gets what is left of the 3 once 'boom' is undone: 1.
    const { eager, adopted } = offer(3, 10);
    const good = store.acceptEvent(event('good'), toBoth, 0, eager);
    const boom = store.acceptEvent(event('boom'), toBoth, 0, eager);
    const after = store.acceptEvent(event('after'), toBoth, 0, eager);
    await assert.rejects(boom, /boom/);
    assert.equal((await good).leased, 2);
    assert.equal((await after).leased, 1, "'boom' no longer counts against the room");
    assert.deepEqual(adopted.map((c) => c.map((d) => d.guid)), [['good', 'good'], ['after']]);
    // Hook A: 'good' and 'after' in flight, not 'boom': a cap of 3 leaves room for one more.
    assert.equal((await store.acceptEvent(event('next'), toBoth, 0, offer(10, 3).eager)).leased, 2);
  } finally {
    await f.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without an offer, or when the offer has no terms, every delivery waits for a claim', () =>
  withStore(async ({ store, event, toBoth }) => {
    assert.equal((await store.acceptEvent(event('plain'), toBoth, 0)).leased, 0);
    const declined: EagerClaim = { ...offer(10, 10).eager, terms: () => null, adopt: () => assert.fail('nothing to hand over') };
    assert.equal((await store.acceptEvent(event('declined'), toBoth, 0, declined)).leased, 0);
    assert.equal((await store.claimDue('other', 1, 60_000, 10, 10)).length, 4);
  }));

function outcome() {
  return {
    url: 'https://a.example/', status: 'OK', statusCode: 200, duration: 0.01, deliveredAt: NOW,
    requestHeaders: {}, responseHeaders: {}, responseBody: 'ok',
  };
}
