// The Store contract for fair claims (issue 21): owners take turns, one owner's hooks share its cap
// (an organization's hooks and its repositories' hooks are one owner), and a throttled hook holds one
// lease. Every engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HookOwner } from '../../src/domain/model.js';
import type { ClaimRequest } from '../../src/storage/delivery-store.js';
import { draft, engines, event, NOW, storeFixture, toPush } from '../support/store-fixture.js';

const claim = (more: Partial<ClaimRequest>): ClaimRequest => ({ worker: 'w', now: 0, leaseUntil: 1000, limit: 100, perHook: 100, ...more });

for (const engine of engines) {
  describe(`Store fair claims: ${engine.name}`, { skip: engine.skip && 'HOOKLINE_TEST_POSTGRES_URL is not set' }, () => {
    /** The fixture's user with hooks a and b, and an organization with a repository hook and an org hook. */
    async function twoOwners() {
      const f = await storeFixture(engine);
      const b = await f.store.updateHook(f.owner, f.b.id, NOW, () => draft('https://b.example/', ['push']));
      const org = await f.store.insertAccount({ login: 'Acme', type: 'Organization', email: null, name: null, siteAdmin: false, now: NOW });
      const orgRepo = await f.store.insertRepository({ ownerId: org.id, name: 'Tools', private: false, description: null, now: NOW });
      const repoOwner: HookOwner = { type: 'repository', id: orgRepo.id };
      const orgOwner: HookOwner = { type: 'organization', id: org.id };
      const c = await f.store.insertHook(repoOwner, draft('https://c.example/'), NOW, () => undefined);
      const d = await f.store.insertHook(orgOwner, draft('https://d.example/'), NOW, () => undefined);
      return { ...f, b: b!, c, d, orgRepo, repoOwner, orgOwner };
    }

    test('owners take turns within a claim, each owner\'s rows oldest first', async () => {
      const f = await twoOwners();
      try {
        for (let i = 0; i < 3; i++) await f.store.acceptEvent(event(`u${i}`, f.repo.id), toPush(f.owner), 0);
        await f.store.acceptEvent(event('o0', f.orgRepo.id), { owners: [f.repoOwner], to: { subscribedTo: 'push' } }, 0);
        const got = await f.store.claimDue(claim({ limit: 3 }));
        // Oldest first across everything would be u0→a, u0→b, u1→a; the organization's row gets a turn.
        assert.deepEqual(got.map((x) => [x.guid, x.hook.id]), [['u0', f.a.id], ['u0', f.b.id], ['o0', f.c.id]]);
      } finally {
        await f.close();
      }
    });

    test('one owner\'s hooks share its cap across claims; an organization\'s own hooks and its repositories\' count together', async () => {
      const f = await twoOwners();
      try {
        for (let i = 0; i < 3; i++) await f.store.acceptEvent(event(`u${i}`, f.repo.id), toPush(f.owner), 0);
        for (let i = 0; i < 2; i++) {
          await f.store.acceptEvent(event(`o${i}`, f.orgRepo.id), { owners: [f.repoOwner, f.orgOwner], to: { subscribedTo: 'push' } }, 0);
        }
        const first = await f.store.claimDue(claim({ perOwner: 3, limit: 4 }));
        const second = await f.store.claimDue(claim({ perOwner: 3, worker: 'w2' }));
        const held = [...first, ...second];
        const userRows = held.filter((x) => x.hook.id === f.a.id || x.hook.id === f.b.id);
        const orgRows = held.filter((x) => x.hook.id === f.c.id || x.hook.id === f.d.id);
        assert.equal(userRows.length, 3);
        assert.equal(orgRows.length, 3);
        assert.deepEqual(await f.store.claimDue(claim({ perOwner: 3, worker: 'w3' })), [], 'both owners are at their cap');
        // A finished row frees one place of its owner's share.
        await f.store.releaseClaims('w2');
        const third = await f.store.claimDue(claim({ perOwner: 3, worker: 'w3' }));
        assert.equal(third.length, second.length);
      } finally {
        await f.close();
      }
    });

    test('a backlog of capped hooks deeper than the claim window does not hide another owner\'s due row', async () => {
      const f = await twoOwners();
      try {
        // 24 rows of the user's hooks (the window of a claim of 2 is 8 rows), then one of the organization.
        for (let i = 0; i < 12; i++) await f.store.acceptEvent(event(`u${i}`, f.repo.id), toPush(f.owner), 0);
        await f.store.acceptEvent(event('o0', f.orgRepo.id), { owners: [f.repoOwner], to: { subscribedTo: 'push' } }, 0);
        const first = await f.store.claimDue(claim({ perHook: 1, limit: 2 }));
        assert.deepEqual(first.map((x) => [x.guid, x.hook.id]), [['u0', f.a.id], ['u0', f.b.id]]);
        const second = await f.store.claimDue(claim({ perHook: 1, limit: 2, worker: 'w2' }));
        assert.deepEqual(second.map((x) => [x.guid, x.hook.id]), [['o0', f.c.id]], 'the user\'s hooks are at their cap');
        // Owner-capped the same way: the user's hooks have room, the user has none.
        await f.store.releaseClaims('w');
        await f.store.releaseClaims('w2');
        await f.store.acceptEvent(event('o1', f.orgRepo.id), { owners: [f.repoOwner], to: { subscribedTo: 'push' } }, 0);
        const held = await f.store.claimDue(claim({ perOwner: 2, limit: 2 }));
        assert.deepEqual(held.map((x) => x.guid), ['u0', 'u0']);
        const rest = await f.store.claimDue(claim({ perOwner: 2, limit: 2, worker: 'w2' }));
        assert.deepEqual(rest.map((x) => [x.guid, x.hook.id]), [['o0', f.c.id], ['o1', f.c.id]]);
      } finally {
        await f.close();
      }
    });

    test('within one window, rows past a hook\'s share or an owner\'s cap give way to a later owner\'s row', async () => {
      const f = await twoOwners();
      try {
        // A claim of 3 reads a window of 12 rows: the user's 10, the organization's o0, the user's u5→a.
        for (let i = 0; i < 5; i++) await f.store.acceptEvent(event(`u${i}`, f.repo.id), toPush(f.owner), 0);
        await f.store.acceptEvent(event('o0', f.orgRepo.id), { owners: [f.repoOwner], to: { subscribedTo: 'push' } }, 0);
        for (let i = 5; i < 8; i++) await f.store.acceptEvent(event(`u${i}`, f.repo.id), toPush(f.owner), 0);
        const byHook = await f.store.claimDue(claim({ perHook: 1, limit: 3 }));
        assert.deepEqual(byHook.map((x) => [x.guid, x.hook.id]), [['u0', f.a.id], ['u0', f.b.id], ['o0', f.c.id]]);
        await f.store.releaseClaims('w');
        const byOwner = await f.store.claimDue(claim({ perOwner: 1, limit: 3 }));
        assert.deepEqual(byOwner.map((x) => [x.guid, x.hook.id]), [['u0', f.a.id], ['o0', f.c.id]]);
        // A lease that ran out is claimable again, in due order with the queued rows: u0→a first.
        const expired = await f.store.claimDue(claim({ perOwner: 1, limit: 3, now: 5000, leaseUntil: 9000, worker: 'w2' }));
        assert.deepEqual(expired.map((x) => [x.guid, x.hook.id]), [['u0', f.a.id], ['o0', f.c.id]]);
      } finally {
        await f.close();
      }
    });

    test('a throttled hook holds one lease; its owner\'s other hooks keep their share', async () => {
      const f = await twoOwners();
      try {
        for (let i = 0; i < 3; i++) await f.store.acceptEvent(event(`u${i}`, f.repo.id), toPush(f.owner), 0);
        const first = await f.store.claimDue(claim({ throttled: [f.a.id] }));
        assert.deepEqual(first.filter((x) => x.hook.id === f.a.id).map((x) => x.guid), ['u0']);
        assert.deepEqual(first.filter((x) => x.hook.id === f.b.id).map((x) => x.guid), ['u0', 'u1', 'u2']);
        assert.deepEqual(await f.store.claimDue(claim({ throttled: [f.a.id], worker: 'w2' })), []);
        assert.deepEqual((await f.store.claimDue(claim({ worker: 'w2' }))).map((x) => x.guid), ['u1', 'u2'], 'unthrottled: the rest');
      } finally {
        await f.close();
      }
    });
  });
}
