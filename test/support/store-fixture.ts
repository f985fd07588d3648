// The Store contract's engines and fixture, shared by the contract suites (SQLite always, PostgreSQL
// when HOOKLINE_TEST_POSTGRES_URL is set).
import type { HookDraft, HookOwner } from '../../src/domain/model.js';
import type { DeliveryOutcome } from '../../src/domain/deliveries.js';
import { openStore } from '../../src/storage/open.js';
import type { Store } from '../../src/storage/store.js';
import { POSTGRES_URL, postgresSchema } from './database.js';

export const NOW = '2026-01-01T00:00:00Z';
export const draft = (url: string, events = ['push']): HookDraft => ({
  name: 'web', active: true, events,
  config: { url, contentType: 'json', insecureSsl: '0', secret: null, username: null, password: null },
});
export const outcome = (statusCode: number): DeliveryOutcome => ({
  url: 'https://example.com/', status: statusCode < 300 ? 'OK' : `Invalid HTTP Response: ${statusCode}`, statusCode,
  duration: 0.01, deliveredAt: NOW, requestHeaders: { 'X-GitHub-Event': 'push' }, responseHeaders: {}, responseBody: 'ok',
});

export const engines: Array<{ name: string; skip: boolean; open(): Promise<{ store: Store; drop(): Promise<void> }> }> = [
  { name: 'sqlite', skip: false, open: async () => ({ store: await openStore('sqlite::memory:'), drop: async () => undefined }) },
  {
    name: 'postgres',
    skip: !POSTGRES_URL,
    open: async () => {
      const db = postgresSchema();
      return { store: await openStore(db.url), drop: db.drop };
    },
  },
];

export type Engine = (typeof engines)[number];

/** Opens a store with one user, one repository and two hooks on it (a: push, b: issues). */
export async function storeFixture(engine: Engine) {
  const { store, drop } = await engine.open();
  const user = await store.insertAccount({ login: 'Octo', type: 'User', email: null, name: null, siteAdmin: false, now: NOW });
  const repo = await store.insertRepository({ ownerId: user.id, name: 'Hello', private: false, description: null, now: NOW });
  const owner: HookOwner = { type: 'repository', id: repo.id };
  const a = await store.insertHook(owner, draft('https://a.example/'), NOW, () => undefined);
  const b = await store.insertHook(owner, draft('https://b.example/', ['issues']), NOW, () => undefined);
  const close = async () => {
    await store.close();
    await drop();
  };
  return { store, user, repo, owner, a, b, close };
}

export const toPush = (owner: HookOwner) => ({ owners: [owner], to: { subscribedTo: 'push' } });
export const toHook = (owner: HookOwner, hookId: number) => ({ owners: [owner], to: { hookId } });
export const event = (guid: string, repositoryId: number) => ({
  guid, event: 'push', action: null, repositoryId, organizationId: null, payload: `{"n":"${guid}"}`, now: NOW,
});
