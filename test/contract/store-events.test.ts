// The Store contract for events: idempotent acceptance, fan-out equal to the domain rule, the list
// filter's classification, and pruning that keeps each repository's latest push. Every engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fanOutReaches, type FanOut } from '../../src/domain/deliveries.js';
import { listedStatus } from '../../src/domain/delivery-policy.js';
import type { HookOwner, HookRecord } from '../../src/domain/model.js';
import { draft, engines, event, NOW, outcome, storeFixture, toPush } from '../support/store-fixture.js';

const claimAll = { worker: 'w', now: 0, leaseUntil: 1000, limit: 1000, perHook: 1000 };

for (const engine of engines) {
  describe(`Store events: ${engine.name}`, { skip: engine.skip && 'HOOKLINE_TEST_POSTGRES_URL is not set' }, () => {
    test('an event whose guid is stored already is not stored again, and the answer is the stored one', async () => {
      const f = await storeFixture(engine);
      try {
        const first = await f.store.acceptEvent(event('same', f.repo.id), toPush(f.owner), 0);
        const again = await f.store.acceptEvent(event('same', f.repo.id), toPush(f.owner), 0);
        assert.deepEqual(again, first);
        assert.equal(first.deliveries, 1);
        assert.deepEqual((await f.store.claimDue(claimAll)).map((d) => [d.guid, d.hook.id]), [['same', f.a.id]], 'one delivery, not two');
      } finally {
        await f.close();
      }
    });

    test("the hooks an event reaches are exactly those the domain's fanOutReaches selects", async () => {
      const f = await storeFixture(engine);
      try {
        const org = await f.store.insertAccount({ login: 'Acme', type: 'Organization', email: null, name: null, siteAdmin: false, now: NOW });
        const orgOwner: HookOwner = { type: 'organization', id: org.id };
        const hooks: HookRecord[] = [f.a, f.b];
        for (const [owner, events, active] of [
          [f.owner, ['*'], true], [f.owner, ['push', 'issues'], false], [f.owner, ['issues', 'push'], true],
          [orgOwner, ['push'], true], [orgOwner, ['*'], false], [orgOwner, ['member'], true],
        ] as Array<[HookOwner, string[], boolean]>) {
          hooks.push(await f.store.insertHook(owner, { ...draft(`https://h${hooks.length}.example/`, events), active }, NOW, () => undefined));
        }
        const fanOuts: FanOut[] = [
          { owners: [f.owner, orgOwner], to: { subscribedTo: 'push' } },
          { owners: [orgOwner], to: { subscribedTo: 'member' } },
          { owners: [f.owner], to: { subscribedTo: 'issues' } },
          { owners: [f.owner, orgOwner], to: { subscribedTo: 'release' } },
          { owners: [orgOwner], to: { hookId: hooks[5].id } },
          { owners: [f.owner], to: { hookId: hooks[3].id } },
          { owners: [f.owner], to: { hookId: hooks[5].id } },
        ];
        for (const [i, fanOut] of fanOuts.entries()) {
          const guid = `e${i}`;
          await f.store.acceptEvent(event(guid, f.repo.id), fanOut, 0);
          const reached = (await f.store.claimDue(claimAll)).filter((d) => d.guid === guid).map((d) => d.hook.id).sort((x, y) => x - y);
          const expected = hooks.filter((h) => fanOutReaches(fanOut, h)).map((h) => h.id).sort((x, y) => x - y);
          assert.deepEqual(reached, expected, JSON.stringify(fanOut));
        }
      } finally {
        await f.close();
      }
    });

    test('claims take due rows oldest first, so rows queued earlier are never overtaken', async () => {
      const f = await storeFixture(engine);
      try {
        await f.store.acceptEvent(event('later-due', f.repo.id), toPush(f.owner), 500);
        await f.store.acceptEvent(event('queued', f.repo.id), toPush(f.owner), 100);
        await f.store.acceptEvent(event('fresh', f.repo.id), toPush(f.owner), 100);
        const one = (limit: number, now: number) => f.store.claimDue({ ...claimAll, limit, now, leaseUntil: now + 1000 });
        assert.deepEqual((await one(1, 200)).map((d) => d.guid), ['queued']);
        assert.deepEqual((await one(5, 200)).map((d) => d.guid), ['fresh'], 'not yet due rows wait');
        assert.deepEqual((await one(5, 600)).map((d) => d.guid), ['later-due']);
      } finally {
        await f.close();
      }
    });

    test('nextDueAt is the earliest unleased due time or lease expiry; null when nothing is pending', async () => {
      const f = await storeFixture(engine);
      try {
        assert.equal(await f.store.nextDueAt(), null);
        await f.store.acceptEvent(event('soon', f.repo.id), toPush(f.owner), 100);
        await f.store.acceptEvent(event('later', f.repo.id), toPush(f.owner), 5000);
        assert.equal(await f.store.nextDueAt(), 100);
        const [leased] = await f.store.claimDue({ ...claimAll, limit: 1, now: 200, leaseUntil: 3000 });
        assert.equal(leased.guid, 'soon');
        assert.equal(await f.store.nextDueAt(), 3000, 'the lease expires before the other row is due');
        assert.ok(await f.store.completeDelivery(leased.id, 'w', outcome(200)));
        assert.equal(await f.store.nextDueAt(), 5000);
      } finally {
        await f.close();
      }
    });

    test("the list's status filter classifies as the delivery policy does", async () => {
      const f = await storeFixture(engine);
      try {
        const codes = [0, 200, 204, 302, 399, 400, 404, 500, 503];
        for (const code of codes) await f.store.acceptEvent(event(`c${code}`, f.repo.id), toPush(f.owner), 0);
        for (const d of await f.store.claimDue(claimAll)) {
          assert.ok(await f.store.completeDelivery(d.id, 'w', outcome(Number(d.guid.slice(1)))));
        }
        for (const status of ['success', 'failure'] as const) {
          const listed = (await f.store.listDeliveries({ hookId: f.a.id, owner: f.owner, limit: 100, status }))!;
          assert.deepEqual(listed.map((d) => d.statusCode).sort((x, y) => x - y), codes.filter((c) => listedStatus(c) === status), status);
        }
      } finally {
        await f.close();
      }
    });

    test("pruning keeps each repository's latest push (the test endpoint re-sends it) and removes other unreferenced events", async () => {
      const f = await storeFixture(engine);
      try {
        const none = { owners: [], to: { subscribedTo: 'push' } };
        await f.store.acceptEvent(event('older', f.repo.id), none, 0);
        await f.store.acceptEvent(event('newer', f.repo.id), none, 0);
        await f.store.acceptEvent({ ...event('orphan', f.repo.id), event: 'issues' }, none, 0);
        await f.store.pruneDeliveries('2027-01-01T00:00:00Z');
        assert.equal((await f.store.findLatestPush(f.repo.id))?.payload, '{"n":"newer"}');
        // A kept event answers with its stored (empty) fan-out; a pruned one's guid is stored anew.
        assert.equal((await f.store.acceptEvent(event('orphan', f.repo.id), toPush(f.owner), 0)).deliveries, 1, 'orphan was pruned');
        assert.equal((await f.store.acceptEvent(event('older', f.repo.id), toPush(f.owner), 0)).deliveries, 1, 'older was pruned');
        assert.equal((await f.store.acceptEvent(event('newer', f.repo.id), toPush(f.owner), 0)).deliveries, 0, 'newer was kept');
      } finally {
        await f.close();
      }
    });
  });
}
