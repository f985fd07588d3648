// The worker takes an accepted event's deliveries as they are stored (SQLite) when it has room and no
// older due rows wait: they are sent without a claim of their own. Rows queued for a claim are never
// overtaken that way: the offer stands only after a claim has taken every due row it could.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Sender } from '../../src/delivery/send.js';
import { openStore } from '../../src/storage/open.js';
import type { EagerClaim } from '../../src/storage/delivery-store.js';
import type { Store } from '../../src/storage/store.js';

const NOW = '2026-01-01T00:00:00Z';

async function setUp(concurrency = 4) {
  const store = await openStore('sqlite::memory:');
  const user = await store.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now: NOW });
  const repo = await store.insertRepository({ ownerId: user.id, name: 'hello', private: false, description: null, now: NOW });
  const owner = { type: 'repository' as const, id: repo.id };
  for (const url of ['https://a.example/', 'https://b.example/']) {
    const config = { url, contentType: 'json' as const, insecureSsl: '0' as const, secret: null, username: null, password: null };
    await store.insertHook(owner, { name: 'web', active: true, events: ['push'], config }, NOW, () => undefined);
  }
  let claims = 0;
  const counted: Store = { ...store, claimDue: (...args) => (claims++, store.claimDue(...args)) };
  const sent: Array<{ guid: string; claimsSoFar: number }> = [];
  const sender: Sender = {
    async send(req) {
      sent.push({ guid: req.headers['X-GitHub-Delivery'], claimsSoFar: claims });
      return { status: 'OK', statusCode: 200, duration: 0.01, responseHeaders: {}, responseBody: 'ok' };
    },
    async close() {},
  };
  // No polling to speak of: the worker claims only when woken.
  const worker = new DeliveryWorker({
    store: counted, sender, clock: { now: () => new Date() }, concurrency, perHook: 4, leaseMs: 60_000, pollMs: 60_000,
    secretsOf: () => ({ secret: null, username: null, password: null }),
  });
  const accept = (guid: string, eager: EagerClaim | null = worker.eager) => store.acceptEvent(
    { guid, event: 'push', action: null, repositoryId: repo.id, organizationId: null, payload: '{}', now: NOW },
    { owners: [owner], to: { subscribedTo: 'push' } }, Date.now(), eager ?? undefined,
  );
  /** Started, and its first claim (of nothing) made. */
  const started = async () => {
    worker.start();
    for (let waited = 0; worker.eager.terms() === null && waited < 5_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
  };
  return { store, worker, accept, started, sent, claims: () => claims };
}

test('an event accepted while the worker has room is sent without a claim', async () => {
  const { store, worker, accept, started, sent, claims } = await setUp();
  try {
    assert.equal(worker.eager.terms(), null, 'nothing is taken at acceptance before the worker runs');
    await started();
    const terms = worker.eager.terms();
    assert.equal(terms?.room, 4, 'a drained worker offers its free slots');
    const before = claims();
    const { leased } = await accept('fresh');
    assert.equal(leased, 2);
    await worker.idle();
    assert.deepEqual(sent.map((s) => s.guid), ['fresh', 'fresh']);
    assert.ok(sent.every((s) => s.claimsSoFar === before), 'sent before any further claim');
  } finally {
    await worker.stop();
    await store.close();
  }
});

test('rows queued for a claim are not overtaken by deliveries leased at acceptance', async () => {
  const { store, worker, accept, started, sent } = await setUp();
  try {
    await started();
    // Rows no worker took (another process accepted them, or a redelivery): the worker is told, and
    // takes nothing at acceptance until a claim has them.
    assert.equal((await accept('queued', null)).leased, 0);
    worker.queued();
    assert.equal(worker.eager.terms(), null);
    assert.equal((await accept('later')).leased, 0, 'not leased ahead of the queued rows');
    await worker.idle();
    assert.deepEqual(sent.map((s) => s.guid), ['queued', 'queued', 'later', 'later']);
    assert.notEqual(worker.eager.terms(), null, 'once a claim has drained them the offer stands again');
    assert.equal((await accept('last')).leased, 2);
  } finally {
    await worker.stop();
    await store.close();
  }
});

test('a claim cut short only by leases at acceptance in its group does not count as having drained the queue', async () => {
  const { store, worker, accept, started, sent } = await setUp(8);
  try {
    await started();
    // Due rows no one signalled (leases that expired, say), more than one claim takes.
    for (let i = 0; i < 10; i++) await accept(`old${i}`, null);
    const racing = accept('new1');
    worker.wake(); // its claim (8 slots) goes into the same group commit, after the acceptance
    assert.equal((await racing).leased, 2, 'leased at acceptance: nothing signalled the rows before it');
    // The claim was allowed 8 - 2 and took 6: it says nothing about what is left, so the next event waits.
    assert.equal((await accept('new2')).leased, 0, 'not leased ahead of the rows the claim left');
    await worker.idle();
    const order = sent.map((s) => s.guid);
    assert.equal(order.length, 24);
    assert.ok(order.indexOf('new2') > order.lastIndexOf('old9'), order.join(' '));
  } finally {
    await worker.stop();
    await store.close();
  }
});

test('a worker that keeps up makes one claim per delivery, not one more when each outcome is recorded', async () => {
  const { store, worker, accept, started, sent, claims } = await setUp();
  try {
    await started();
    const before = claims();
    for (let i = 0; i < 20; i++) {
      assert.equal((await accept(`e${i}`)).leased, 2);
      await worker.idle();
    }
    assert.equal(sent.length, 40);
    // Each delivery's freed slot wakes the worker once (rows of a hook at its cap may be waiting for
    // it); recording its outcome does not, unless claiming had paused for unrecorded outcomes.
    assert.ok(claims() - before <= 40, `${claims() - before} claims for 40 deliveries`);
  } finally {
    await worker.stop();
    await store.close();
  }
});
