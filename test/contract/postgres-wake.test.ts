// Workers are woken after ingest commits: every accepted event with deliveries is followed by a NOTIFY
// sent after its commit, and a burst of commits shares NOTIFYs instead of sending one each.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../../src/storage/open.js';
import { coalescedNotify } from '../../src/storage/postgres/wake.js';
import { POSTGRES_URL, postgresSchema } from '../support/database.js';

const skip = !POSTGRES_URL && 'HOOKLINE_TEST_POSTGRES_URL is not set';
const NOW = '2026-01-01T00:00:00Z';

test('an accepted event wakes a listening worker, and one after a burst of concurrent accepts', { skip }, async () => {
  const db = postgresSchema();
  const store = await openStore(db.url);
  let heard = 0;
  const stop = await store.listenForDue(() => heard++);
  try {
    const user = await store.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now: NOW });
    const repo = await store.insertRepository({ ownerId: user.id, name: 'hello', private: false, description: null, now: NOW });
    const owner = { type: 'repository' as const, id: repo.id };
    const config = { url: 'https://a.example/', contentType: 'json' as const, insecureSsl: '0' as const, secret: null, username: null, password: null };
    await store.insertHook(owner, { name: 'web', active: true, events: ['push'], config }, NOW, () => undefined);
    const accept = (guid: string, event = 'push') => store.acceptEvent(
      { guid, event, action: null, repositoryId: repo.id, organizationId: null, payload: '{}', now: NOW },
      { owners: [owner], to: { subscribedTo: event } }, 0);
    const heardAfter = async (before: number) => {
      for (let i = 0; i < 200 && heard === before; i++) await new Promise((r) => setTimeout(r, 10));
      return heard > before;
    };

    let before = heard;
    assert.deepEqual((await accept('one')).deliveries, 1);
    assert.ok(await heardAfter(before), 'a NOTIFY follows the commit');

    // Nothing queued (no hook subscribed to issues): nothing to wake for.
    await new Promise((r) => setTimeout(r, 100));
    before = heard;
    assert.equal((await accept('none', 'issues')).deliveries, 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(heard, before);

    before = heard;
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => accept(`burst-${i}`)));
    assert.ok(burst.every((r) => r.deliveries === 1));
    assert.ok(await heardAfter(before), 'a NOTIFY follows the last commit of the burst');
  } finally {
    await stop();
    await store.close();
    await db.drop();
  }
});

test('wake() sends one NOTIFY at a time, and exactly one more for the calls made while it was on its way', async () => {
  const sent: Array<() => void> = [];
  const wake = coalescedNotify({ query: () => new Promise((resolve) => sent.push(() => resolve({} as never))) }, 'ch');
  wake();
  assert.equal(sent.length, 1);
  for (let i = 0; i < 10; i++) wake(); // commits while the first is on its way
  assert.equal(sent.length, 1);
  sent[0]();
  await new Promise((r) => setImmediate(r));
  assert.equal(sent.length, 2, 'one more, sent after those commits');
  sent[1]();
  await new Promise((r) => setImmediate(r));
  assert.equal(sent.length, 2, 'nothing pending: nothing more');
  wake();
  assert.equal(sent.length, 3);
});

test('a NOTIFY that fails (database away) does not stop later ones', async () => {
  let calls = 0;
  const wake = coalescedNotify({ query: async () => { calls++; throw new Error('Connection terminated'); } }, 'ch');
  wake();
  wake();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(calls, 2);
  wake();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(calls, 3);
});
