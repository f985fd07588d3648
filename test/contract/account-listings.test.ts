// Store contract for the account listings the API and the dashboard share: repositories a user can
// access and organizations a user belongs to, paged with totals, on every engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { engines as storeEngines } from '../support/store-fixture.js';

const NOW = '2026-01-01T00:00:00Z';


for (const engine of storeEngines) {
  describe(`account listings: ${engine.name}`, { skip: engine.skip && 'HOOKLINE_TEST_POSTGRES_URL is not set' }, () => {
    test('repositories owned, collaborated on, or in a member organization, by full name; pages and totals', async () => {
      const { store, drop } = await engine.open();
      try {
        const account = (login: string, type: 'User' | 'Organization' = 'User') =>
          store.insertAccount({ login, type, email: null, name: null, siteAdmin: false, now: NOW });
        const repo = (ownerId: number, name: string, isPrivate = false) =>
          store.insertRepository({ ownerId, name, private: isPrivate, description: null, now: NOW });
        const [bob, carol, acme, other] = [await account('bob'), await account('Carol'), await account('acme', 'Organization'), await account('other', 'Organization')];
        await repo(bob.id, 'zed');
        await repo(bob.id, 'Alpha', true);
        const shared = await repo(carol.id, 'shared', true);
        await repo(carol.id, 'unrelated');
        await repo(acme.id, 'tools', true);
        await repo(other.id, 'hidden');
        await store.setCollaborator(shared.id, bob.id, 'pull');
        await store.setOrgMembership(acme.id, bob.id, 'member');

        const names = async (page: { offset: number; limit: number; publicOnly?: boolean }) => {
          const { items, total } = await store.listRepositoriesForUser(bob.id, page);
          return { names: items.map((r) => `${r.owner.login}/${r.name}`), total };
        };
        assert.deepEqual(await names({ offset: 0, limit: 10 }), { names: ['acme/tools', 'bob/Alpha', 'bob/zed', 'Carol/shared'], total: 4 });
        assert.deepEqual(await names({ offset: 1, limit: 2 }), { names: ['bob/Alpha', 'bob/zed'], total: 4 });
        assert.deepEqual(await names({ offset: 4, limit: 2 }), { names: [], total: 4 });
        assert.deepEqual(await names({ offset: 0, limit: 10, publicOnly: true }), { names: ['bob/zed'], total: 1 });

        assert.deepEqual(await store.countOwnedRepositories(bob.id), { public: 1, private: 1 });
        assert.deepEqual(await store.countOwnedRepositories(other.id), { public: 1, private: 0 });

        await store.setOrgMembership(other.id, bob.id, 'admin');
        const orgs = await store.listOrganizationsForUser(bob.id, { offset: 0, limit: 1 });
        assert.deepEqual({ logins: orgs.items.map((o) => o.login), total: orgs.total }, { logins: ['acme'], total: 2 });
        const rest = await store.listOrganizationsForUser(bob.id, { offset: 1, limit: 5 });
        assert.deepEqual(rest.items.map((o) => o.login), ['other']);
        assert.deepEqual(await store.listOrganizationsForUser(carol.id, { offset: 0, limit: 5 }), { items: [], total: 0 });
      } finally {
        await store.close();
        await drop();
      }
    });
  });
}
