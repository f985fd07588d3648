// One Store contract, run on every adapter: SQLite always, PostgreSQL when HOOKLINE_TEST_POSTGRES_URL is set.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationFailed } from '../../src/domain/errors.js';
import type { HookOwner } from '../../src/domain/model.js';
import { draft, engines, event, NOW, outcome, storeFixture, toHook, toPush } from '../support/store-fixture.js';

for (const engine of engines) {
  describe(`Store contract: ${engine.name}`, { skip: engine.skip && 'HOOKLINE_TEST_POSTGRES_URL is not set' }, () => {
    const fixture = () => storeFixture(engine);

    test('accounts and repositories are found case-insensitively; duplicates conflict', async () => {
      const f = await fixture();
      try {
        assert.equal((await f.store.findAccountByLogin('octo'))?.login, 'Octo');
        assert.equal((await f.store.findRepository('OCTO', 'hello'))?.name, 'Hello');
        await assert.rejects(f.store.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now: NOW }));
        assert.equal(await f.store.putSettingIfAbsent('k', 'one'), 'one');
        assert.equal(await f.store.putSettingIfAbsent('k', 'two'), 'one');
      } finally {
        await f.close();
      }
    });

    test('lookups are answered from memory once found: a miss is looked up again, a found row is shared and frozen', async () => {
      const f = await fixture();
      try {
        assert.equal(await f.store.findAccountByLogin('later'), null);
        assert.equal(await f.store.findRepository('octo', 'later'), null);
        // Ids are assigned in order, so the next rows will have these.
        assert.equal(await f.store.findAccountById(f.user.id + 1), null);
        assert.equal(await f.store.findRepositoryById(f.repo.id + 1), null);
        const later = await f.store.insertAccount({ login: 'Later', type: 'Organization', email: null, name: null, siteAdmin: false, now: NOW });
        const repo = await f.store.insertRepository({ ownerId: f.user.id, name: 'Later', private: true, description: null, now: NOW });
        assert.equal(later.id, f.user.id + 1);
        assert.equal(repo.id, f.repo.id + 1);
        assert.equal((await f.store.findAccountByLogin('LATER'))?.id, later.id);
        assert.equal((await f.store.findRepository('octo', 'later'))?.id, repo.id);
        assert.equal((await f.store.findAccountById(later.id))?.login, 'Later');
        assert.equal((await f.store.findRepositoryById(repo.id))?.name, 'Later');

        // Every key gives the same row, and the repository's owner is the account itself.
        const byName = await f.store.findRepository('OCTO', 'HELLO');
        assert.deepEqual(await f.store.findRepositoryById(f.repo.id), byName);
        assert.equal(byName?.owner, await f.store.findAccountById(f.user.id)); // the one frozen account
        assert.deepEqual(await f.store.findAccountByLogin('octo'), await f.store.findAccountById(f.user.id));
        // One caller cannot change what the next one reads.
        const found = (await f.store.findAccountByLogin('octo'))!;
        assert.throws(() => {
          (found as { login: string }).login = 'changed';
        }, TypeError);
        assert.throws(() => {
          (byName as { private: boolean }).private = true;
        }, TypeError);
        assert.equal((await f.store.findAccountByLogin('octo'))?.login, 'Octo');
        assert.equal((await f.store.findRepository('octo', 'hello'))?.private, false);
      } finally {
        await f.close();
      }
    });

    test('a failing sibling check writes nothing; updates see siblings without the hook itself', async () => {
      const f = await fixture();
      try {
        await assert.rejects(
          f.store.insertHook(f.owner, draft('https://c.example/'), NOW, () => {
            throw new ValidationFailed([{ resource: 'Hook', code: 'custom', message: 'no' }]);
          }),
          ValidationFailed,
        );
        assert.equal((await f.store.listHooks(f.owner, 0, 10)).total, 2);
        const updated = await f.store.updateHook(f.owner, f.a.id, NOW, (current, siblings) => {
          assert.deepEqual(siblings.map((h) => h.id), [f.b.id]);
          return { ...current, active: false };
        });
        assert.equal(updated?.active, false);
        assert.equal(await f.store.updateHook(f.owner, 99_999, NOW, (c) => c), null);
      } finally {
        await f.close();
      }
    });

    test('accepting an event queues one delivery per selected active hook', async () => {
      const f = await fixture();
      try {
        await f.store.updateHook(f.owner, f.b.id, NOW, (c) => ({ ...c, active: false }));
        const res = await f.store.acceptEvent(event('g1', f.repo.id), toPush(f.owner), 1000);
        assert.equal(res.deliveries, 1);
        assert.equal((await f.store.findLatestPush(f.repo.id))?.payload, '{"n":"g1"}');
        assert.equal(await f.store.nextDueAt(), 1000);
      } finally {
        await f.close();
      }
    });

    test('a claim is exclusive until its lease expires, and only the holder may complete it', async () => {
      const f = await fixture();
      try {
        await f.store.acceptEvent(event('g1', f.repo.id), toPush(f.owner), 1000);
        await f.store.acceptEvent(event('g2', f.repo.id), toHook(f.owner, f.b.id), 1000);
        assert.deepEqual(await f.store.claimDue({ worker: 'w1', now: 500, leaseUntil: 10_000, limit: 10, perHook: 100 }), [], 'not due yet');
        const claimed = await f.store.claimDue({ worker: 'w1', now: 1000, leaseUntil: 10_000, limit: 10, perHook: 100 });
        assert.equal(claimed.length, 2);
        assert.equal(claimed[0].hook.id, f.a.id);
        assert.deepEqual(await f.store.claimDue({ worker: 'w2', now: 5000, leaseUntil: 20_000, limit: 10, perHook: 100 }), [], 'leased rows are not claimable');
        const stolen = await f.store.claimDue({ worker: 'w2', now: 10_001, leaseUntil: 30_000, limit: 1, perHook: 100 });
        assert.equal(stolen.length, 1, 'an expired lease makes the row claimable again');
        assert.equal(await f.store.completeDelivery(stolen[0].id, 'w1', outcome(200)), false, 'stale worker cannot record');
        assert.equal(await f.store.completeDelivery(stolen[0].id, 'w2', outcome(200)), true);
        assert.equal(await f.store.completeDelivery(stolen[0].id, 'w2', outcome(500)), false, 'recorded once');
        assert.equal(await f.store.releaseClaims('w1'), 1);
        assert.equal((await f.store.claimDue({ worker: 'w3', now: 10_002, leaseUntil: 40_000, limit: 10, perHook: 100 })).length, 1, 'released rows are claimable at once');
        const payloads = await f.store.loadPayloads([claimed[0].eventId]);
        assert.equal(payloads.get(claimed[0].eventId), '{"n":"g1"}');
        const hook = await f.store.findHook(f.owner, stolen[0].hook.id);
        assert.deepEqual(hook?.lastResponse, { code: 200, status: 'active', message: 'OK' });
      } finally {
        await f.close();
      }
    });

    test('deliveries list newest first with keyset positions and filters; redelivery copies the event', async () => {
      const f = await fixture();
      try {
        for (let i = 0; i < 5; i++) await f.store.acceptEvent(event(`g${i}`, f.repo.id), toHook(f.owner, f.a.id), 0);
        const claimed = await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 10, perHook: 100 });
        for (const [i, d] of claimed.entries()) await f.store.completeDelivery(d.id, 'w', outcome(i % 2 === 0 ? 200 : 500));
        const all = (await f.store.listDeliveries({ hookId: f.a.id, owner: f.owner, limit: 10 }))!;
        assert.deepEqual(all.map((d) => d.guid), ['g4', 'g3', 'g2', 'g1', 'g0']);
        const older = (await f.store.listDeliveries({ hookId: f.a.id, owner: f.owner, limit: 2, before: all[1].id }))!;
        assert.deepEqual(older.map((d) => d.guid), ['g2', 'g1']);
        const newer = (await f.store.listDeliveries({ hookId: f.a.id, owner: f.owner, limit: 2, after: all[3].id }))!;
        assert.deepEqual(newer.map((d) => d.guid), ['g3', 'g2']);
        assert.equal((await f.store.listDeliveries({ hookId: f.a.id, owner: f.owner, limit: 10, status: 'failure' }))!.length, 2);
        assert.equal((await f.store.listDeliveries({ hookId: f.a.id, owner: f.owner, limit: 10, status: 'success' }))!.length, 3);
        // Only the owner's hook lists; a hook with an empty log lists empty, another owner's or none as null.
        assert.deepEqual(await f.store.listDeliveries({ hookId: f.b.id, owner: f.owner, limit: 10 }), []);
        assert.equal(await f.store.listDeliveries({ hookId: f.a.id, owner: { type: 'organization', id: f.owner.id }, limit: 10 }), null);
        assert.equal(await f.store.listDeliveries({ hookId: f.a.id, owner: { ...f.owner, id: f.owner.id + 1 }, limit: 10 }), null);
        assert.equal(await f.store.listDeliveries({ hookId: 99_999, owner: f.owner, limit: 10 }), null);
        const again = await f.store.insertRedelivery(f.a.id, all[0].id, NOW, 0);
        assert.ok(again);
        assert.equal(await f.store.insertRedelivery(f.b.id, all[0].id, NOW, 0), null, 'only through its own hook');
        const [re] = await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 10, perHook: 100 });
        assert.equal(re.guid, 'g4');
        assert.equal(re.redelivery, true);
        await f.store.completeDelivery(re.id, 'w', outcome(200));
        assert.equal((await f.store.listDeliveries({ hookId: f.a.id, owner: f.owner, limit: 10, redelivery: true }))!.length, 1);
        const detail = await f.store.findDelivery(f.a.id, all[0].id);
        assert.equal(detail?.payload, '{"n":"g4"}');
        assert.equal(await f.store.findDelivery(f.b.id, all[0].id), null);
      } finally {
        await f.close();
      }
    });

    test('pruning removes old completed deliveries and their orphaned events, never pending ones', async () => {
      const f = await fixture();
      try {
        await f.store.acceptEvent(event('old', f.repo.id), toHook(f.owner, f.a.id), 0);
        const [d] = await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 10, perHook: 100 });
        await f.store.completeDelivery(d.id, 'w', outcome(200));
        await f.store.acceptEvent(event('pending', f.repo.id), toHook(f.owner, f.a.id), 0);
        assert.equal(await f.store.pruneDeliveries('2027-01-01T00:00:00Z'), 1);
        assert.equal(await f.store.findDelivery(f.a.id, d.id), null);
        assert.equal((await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 10, perHook: 100 })).length, 1, 'the pending delivery survived');
      } finally {
        await f.close();
      }
    });

    test('a hook never has more than perHook deliveries in flight, so other hooks still get claimed', async () => {
      const f = await fixture();
      try {
        // Ten older deliveries for hook a, then one for hook b.
        for (let i = 0; i < 10; i++) await f.store.acceptEvent(event(`a${i}`, f.repo.id), toHook(f.owner, f.a.id), 0);
        await f.store.acceptEvent(event('b0', f.repo.id), toHook(f.owner, f.b.id), 1);
        const first = await f.store.claimDue({ worker: 'w1', now: 10, leaseUntil: 1000, limit: 10, perHook: 3 });
        assert.deepEqual(first.map((d) => d.guid), ['a0', 'a1', 'a2', 'b0']);
        // Across workers too: hook a is at its cap until one of its deliveries completes.
        assert.deepEqual(await f.store.claimDue({ worker: 'w2', now: 10, leaseUntil: 1000, limit: 10, perHook: 3 }), []);
        await f.store.completeDelivery(first[0].id, 'w1', outcome(200));
        assert.deepEqual((await f.store.claimDue({ worker: 'w2', now: 10, leaseUntil: 1000, limit: 10, perHook: 3 })).map((d) => d.guid), ['a3']);
        // Expired leases do not count as in flight.
        assert.deepEqual((await f.store.claimDue({ worker: 'w3', now: 2000, leaseUntil: 3000, limit: 10, perHook: 3 })).map((d) => d.guid), ['a1', 'a2', 'a3', 'b0']);
      } finally {
        await f.close();
      }
    });

    test("a hook's leases count toward its cap until recorded, whichever worker holds them", async () => {
      const f = await fixture();
      try {
        for (let i = 0; i < 6; i++) await f.store.acceptEvent(event(`a${i}`, f.repo.id), toHook(f.owner, f.a.id), 0);
        const first = await f.store.claimDue({ worker: 'w1', now: 10, leaseUntil: 1000, limit: 10, perHook: 2 });
        assert.deepEqual(first.map((d) => d.guid), ['a0', 'a1']);
        assert.deepEqual(await f.store.claimDue({ worker: 'w1', now: 10, leaseUntil: 1000, limit: 10, perHook: 2 }), [], 'at the cap');
        assert.deepEqual(await f.store.claimDue({ worker: 'w2', now: 10, leaseUntil: 1000, limit: 10, perHook: 2 }), [], "another worker's claim sees the same cap");
        assert.ok(await f.store.completeDelivery(first[0].id, 'w1', outcome(200)));
        assert.deepEqual((await f.store.claimDue({ worker: 'w2', now: 10, leaseUntil: 1000, limit: 10, perHook: 2 })).map((d) => d.guid), ['a2'], 'a recorded outcome frees its place');
        assert.deepEqual((await f.store.claimDue({ worker: 'w2', now: 1001, leaseUntil: 2000, limit: 10, perHook: 100 })).map((d) => d.guid), ['a1', 'a2', 'a3', 'a4', 'a5'], 'expired leases count no more');
      } finally {
        await f.close();
      }
    });

    test('outcomes recorded together leave each hook with its latest one as last_response', async () => {
      const f = await fixture();
      try {
        for (const guid of ['x', 'y', 'z']) await f.store.acceptEvent(event(guid, f.repo.id), toHook(f.owner, f.a.id), 0);
        const [x, y, z] = await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 10, perHook: 100 });
        // Recorded in one turn (one batch or group): the last to complete wins.
        assert.deepEqual(await Promise.all([f.store.completeDelivery(x.id, 'w', outcome(200)), f.store.completeDelivery(y.id, 'w', outcome(500))]), [true, true]);
        assert.deepEqual((await f.store.findHook(f.owner, f.a.id))?.lastResponse, { code: 500, status: 'failed', message: 'Invalid HTTP Response: 500' });
        assert.equal(await f.store.completeDelivery(z.id, 'w', outcome(204)), true);
        assert.deepEqual((await f.store.findHook(f.owner, f.a.id))?.lastResponse, { code: 204, status: 'active', message: 'OK' });
        assert.equal((await f.store.findHook(f.owner, f.b.id))?.lastResponse.code, null, 'other hooks untouched');
      } finally {
        await f.close();
      }
    });

    test('an event reaches the active hooks subscribed to it or to *, owner by owner; a ping only its hook', async () => {
      const f = await fixture();
      try {
        const wildcard = await f.store.insertHook(f.owner, draft('https://c.example/', ['*']), NOW, () => undefined);
        const inactive = await f.store.insertHook(f.owner, { ...draft('https://d.example/'), active: false }, NOW, () => undefined);
        const org = await f.store.insertAccount({ login: 'Acme', type: 'Organization', email: null, name: null, siteAdmin: false, now: NOW });
        const orgOwner: HookOwner = { type: 'organization', id: org.id };
        const orgHook = await f.store.insertHook(orgOwner, draft('https://e.example/'), NOW, () => undefined);
        const hooksOf = async (guid: string) =>
          (await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 100, perHook: 100 })).filter((d) => d.guid === guid).map((d) => d.hook.id);

        // Owners in the order given (the organization first here), each owner's hooks by id.
        const push = await f.store.acceptEvent(event('push', f.repo.id), { owners: [orgOwner, f.owner], to: { subscribedTo: 'push' } }, 0);
        assert.equal(push.deliveries, 3);
        assert.deepEqual(await hooksOf('push'), [orgHook.id, f.a.id, wildcard.id]);
        await f.store.acceptEvent({ ...event('issues', f.repo.id), event: 'issues' }, { owners: [f.owner], to: { subscribedTo: 'issues' } }, 0);
        assert.deepEqual(await hooksOf('issues'), [f.b.id, wildcard.id]);
        await f.store.acceptEvent(event('ping', f.repo.id), toHook(f.owner, f.b.id), 0);
        assert.deepEqual(await hooksOf('ping'), [f.b.id]);
        const none = await f.store.acceptEvent(event('off', f.repo.id), toHook(f.owner, inactive.id), 0);
        assert.equal(none.deliveries, 0, 'an inactive hook gets nothing, even when named');
        assert.equal((await f.store.acceptEvent(event('other', f.repo.id), toHook(orgOwner, f.a.id), 0)).deliveries, 0, 'a hook of another owner');
      } finally {
        await f.close();
      }
    });

    test('deleting a hook removes its deliveries: logged, queued and in flight', async () => {
      const f = await fixture();
      try {
        await f.store.acceptEvent(event('g', f.repo.id), toPush(f.owner), 0);
        await f.store.acceptEvent(event('g2', f.repo.id), toHook(f.owner, f.a.id), 0);
        await f.store.acceptEvent(event('g3', f.repo.id), toHook(f.owner, f.a.id), 0);
        await f.store.acceptEvent(event('h', f.repo.id), toHook(f.owner, f.b.id), 0);
        // a: one delivery logged, one in flight, one queued.
        const leased = (await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 2, perHook: 100 })).filter((c) => c.hook.id === f.a.id);
        assert.equal(leased.length, 2);
        assert.ok(await f.store.completeDelivery(leased[0].id, 'w', outcome(200)));
        assert.equal((await f.store.listDeliveries({ owner: f.owner, hookId: f.a.id, limit: 10 }))?.length, 1);
        assert.equal(await f.store.deleteHook(f.owner, f.a.id), true);
        assert.equal(await f.store.deleteHook(f.owner, f.a.id), false);
        // Its log: the hook's health reads the completed rows by hook (listing now refuses the deleted hook).
        assert.deepEqual(await f.store.hourlyHealth([f.a.id], '2000-01-01T00:00:00Z', null), [], 'its log');
        // After the lease ran out, only b's rows are left to claim.
        const claimed = await f.store.claimDue({ worker: 'w2', now: 2000, leaseUntil: 3000, limit: 10, perHook: 100 });
        assert.deepEqual(claimed.map((c) => c.hook.id), [f.b.id]);
      } finally {
        await f.close();
      }
    });
  });
}
