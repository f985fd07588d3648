// The DashboardStore contract, run on every adapter: sessions, what a user administers, and the
// aggregates (health per hook per hour, outcomes since, hook alerts, queue stats).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HookDraft, HookOwner } from '../../src/domain/model.js';
import type { DeliveryOutcome } from '../../src/storage/delivery-store.js';
import { openStore } from '../../src/storage/open.js';
import type { Store } from '../../src/storage/store.js';
import { POSTGRES_URL, postgresSchema } from '../support/database.js';

const NOW = '2026-01-01T00:00:00Z';
const hookDraft = (url: string, active = true): HookDraft => ({
  name: 'web', active, events: ['push'],
  config: { url, contentType: 'json', insecureSsl: '0', secret: null, username: null, password: null },
});
const completed = (statusCode: number, deliveredAt: string): DeliveryOutcome => ({
  url: 'https://example.com/', status: String(statusCode), statusCode, duration: 0.01, deliveredAt,
  requestHeaders: {}, responseHeaders: {}, responseBody: '',
});

async function open(engine: string): Promise<{ store: Store; close(): Promise<void> }> {
  if (engine === 'sqlite') {
    const store = await openStore('sqlite::memory:');
    return { store, close: () => store.close() };
  }
  const db = postgresSchema();
  const store = await openStore(db.url);
  return { store, close: async () => { await store.close(); await db.drop(); } };
}

for (const engine of ['sqlite', 'postgres']) {
  describe(`DashboardStore contract: ${engine}`, { skip: engine === 'postgres' && !POSTGRES_URL && 'HOOKLINE_TEST_POSTGRES_URL is not set' }, () => {
    test('sessions are found until they expire, and end when deleted', async (t) => {
      const { store, close } = await open(engine);
      t.after(close);
      const user = await store.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now: NOW });
      await store.insertSession('h1', { userId: user.id, tokenHash: 't1', expiresAt: 2000 }, NOW);
      await store.insertSession('h2', { userId: user.id, tokenHash: 't2', expiresAt: 5000 }, NOW);
      assert.deepEqual(await store.findSession('h1', 1999), { userId: user.id, tokenHash: 't1', expiresAt: 2000 });
      assert.equal(await store.findSession('h1', 2000), null, 'expired');
      assert.equal(await store.findSession('nope', 0), null);
      assert.equal(await store.deleteExpiredSessions(2000), 1);
      await store.deleteSession('h2');
      assert.equal(await store.findSession('h2', 0), null);
    });

    test('administered: own repositories, owned organizations and theirs, admin collaborations; everything for null', async (t) => {
      const { store, close } = await open(engine);
      t.after(close);
      const account = (login: string, type: 'User' | 'Organization' = 'User') =>
        store.insertAccount({ login, type, email: null, name: null, siteAdmin: false, now: NOW });
      const repo = (ownerId: number, name: string) => store.insertRepository({ ownerId, name, private: name === 'secret', description: null, now: NOW });
      const [ann, ben, owned, joined] = [await account('ann'), await account('Ben'), await account('owned', 'Organization'), await account('joined', 'Organization')];
      await repo(ann.id, 'mine');
      await repo(ben.id, 'secret');
      await repo(ben.id, 'shared');
      await repo(ben.id, 'pushed');
      await repo(owned.id, 'org-repo');
      await repo(joined.id, 'member-repo');
      await store.setOrgMembership(owned.id, ann.id, 'admin');
      await store.setOrgMembership(joined.id, ann.id, 'member');
      await store.setCollaborator((await store.findRepository('Ben', 'shared'))!.id, ann.id, 'admin');
      await store.setCollaborator((await store.findRepository('Ben', 'pushed'))!.id, ann.id, 'push');

      const mine = await store.listAdministered(ann.id, 100);
      assert.deepEqual(mine.repositories.map((r) => `${r.owner}/${r.name}`), ['ann/mine', 'Ben/shared', 'owned/org-repo']);
      assert.deepEqual(mine.organizations, ['owned']);
      const all = await store.listAdministered(null, 100);
      assert.equal(all.repositories.length, 6);
      assert.deepEqual(all.organizations, ['joined', 'owned']);
      assert.equal(all.repositories.find((r) => r.name === 'secret')?.private, true);
      assert.equal((await store.listAdministered(null, 2)).repositories.length, 2, 'limited');
    });

    test('kept health: hours are kept and replaced by hook and hour, and dropped before a given hour', async (t) => {
      const { store, close } = await open(engine);
      t.after(close);
      await store.keepHealth([
        { hookId: 1, hour: '2026-01-01T08', success: 1, failure: 0 },
        { hookId: 1, hour: '2026-01-01T09', success: 0, failure: 0 },
        { hookId: 2, hour: '2026-01-01T09', success: 5, failure: 2 },
      ], '2026-01-01T00');
      await store.keepHealth([{ hookId: 1, hour: '2026-01-01T09', success: 3, failure: 1 }], '2026-01-01T09');
      assert.deepEqual(await store.keptHealth([1, 2, 3], '2026-01-01T00'), [
        { hookId: 1, hour: '2026-01-01T09', success: 3, failure: 1 },
        { hookId: 2, hour: '2026-01-01T09', success: 5, failure: 2 },
      ]);
      assert.deepEqual(await store.keptHealth([2], '2026-01-01T10'), []);
      assert.deepEqual(await store.keptHealth([], '2026-01-01T00'), []);
    });

    test('aggregates: health by hook and hour, outcomes since, alerts, queue stats', async (t) => {
      const { store, close } = await open(engine);
      t.after(close);
      const user = await store.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now: NOW });
      const repo = await store.insertRepository({ ownerId: user.id, name: 'hello', private: false, description: null, now: NOW });
      const owner: HookOwner = { type: 'repository', id: repo.id };
      const a = await store.insertHook(owner, hookDraft('https://a.example/'), NOW, () => undefined);
      const b = await store.insertHook(owner, hookDraft('https://b.example/'), NOW, () => undefined);
      const off = await store.insertHook(owner, hookDraft('https://off.example/', false), NOW, () => undefined);
      const results: Array<[number, string]> = [
        [200, '2026-01-01T09:10:00Z'], [204, '2026-01-01T09:50:00Z'], [302, '2026-01-01T09:55:00Z'],
        [500, '2026-01-01T10:05:00Z'], [200, '2026-01-01T07:59:59Z'],
      ];
      for (let i = 0; i < results.length; i++) {
        await store.acceptEvent({ guid: `g${i}`, event: 'push', action: null, repositoryId: repo.id, organizationId: null, payload: '{}', now: NOW },
          { owners: [owner], to: { subscribedTo: 'push' } }, 1000);
      }
      const claimed = await store.claimDue({ worker: 'w', now: 1000, leaseUntil: 60_000, limit: 100, perHook: 100 });
      assert.equal(claimed.length, 10, 'five events to two active hooks');
      // Hook a gets every result; hook b only the first, then its rows stay pending (one leased, the rest not).
      const forA = claimed.filter((c) => c.hook.id === a.id);
      for (let i = 0; i < forA.length; i++) assert.ok(await store.completeDelivery(forA[i].id, 'w', completed(...results[i])));
      const forB = claimed.filter((c) => c.hook.id === b.id);
      assert.ok(await store.completeDelivery(forB[0].id, 'w', completed(500, '2026-01-01T09:00:00Z')));
      await store.releaseClaims('w');
      await store.claimDue({ worker: 'w2', now: 2000, leaseUntil: 60_000, limit: 1, perHook: 100 });

      const health = await store.hourlyHealth([a.id, b.id, off.id], '2026-01-01T08:00:00Z', null);
      assert.deepEqual(health.map((h) => ({ ...h, success: Number(h.success), failure: Number(h.failure) })), [
        { hookId: a.id, hour: '2026-01-01T09', success: 2, failure: 1 },
        { hookId: a.id, hour: '2026-01-01T10', success: 0, failure: 1 },
        { hookId: b.id, hour: '2026-01-01T09', success: 0, failure: 1 },
      ]);
      assert.deepEqual(await store.hourlyHealth([], '2026-01-01T00:00:00Z', null), []);
      const until = await store.hourlyHealth([a.id], '2026-01-01T00:00:00Z', '2026-01-01T09:00:00Z');
      assert.deepEqual(until.map((h) => [h.hour, Number(h.success), Number(h.failure)]), [['2026-01-01T07', 1, 0]], 'until is exclusive');
      const since = await store.outcomesSince('2026-01-01T09:50:00Z');
      assert.deepEqual({ success: Number(since.success), failure: Number(since.failure) }, { success: 1, failure: 2 });

      // The completions set each hook's last_response: a's last was a 200, b's a 500.
      const alerts = await store.hookAlerts(10);
      assert.deepEqual(alerts.map((x) => [x.hookId, x.ownerType, x.ownerName, x.active, x.lastCode]), [
        [b.id, 'repository', 'octo/hello', true, 500],
        [off.id, 'repository', 'octo/hello', false, null],
      ]);

      // Four of b's rows are pending; one is leased to w2 until 62 000, so the oldest waiting is due at 1000.
      assert.deepEqual(await store.queueStats(5000), { pending: 4, oldestDueAt: 1000, hooksDisabled: 1 });
      assert.deepEqual(await store.queueStats(500), { pending: 4, oldestDueAt: null, hooksDisabled: 1 }, 'nothing due yet');
    });
  });
}
