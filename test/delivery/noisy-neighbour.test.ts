// Issue 21 item 1: one owner's hanging receivers cannot delay another owner's deliveries. Receivers
// that never answer hold their requests until the (short) delivery timeout; the assertions compare
// what arrived with what was recorded (ordering), with a generous wall-clock bound as a backstop.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startReceiver, type Receiver } from '../support/receiver.js';
import type { TestApp } from '../support/app.js';
import { byEvent, deliveryRig, hook, ingest } from './fixtures.js';

/** Pushes recorded for mallory's hooks (their receiver never answers, so each one is a timeout). */
function countRecorded(app: TestApp, hookIds: Set<number>, event = 'push'): { n: number } {
  const count = { n: 0 };
  app.worker!.onAttempt((a) => {
    if (hookIds.has(a.delivery.hook.id) && a.delivery.event === event) count.n++;
  });
  return count;
}

/** mallory with `repos` repositories of `perRepo` push hooks each, all on `url`. */
async function mallory(app: TestApp, url: string, repos: number, perRepo: number) {
  const token = await app.user('mallory', ['repo']);
  const ids = new Set<number>();
  for (let r = 0; r < repos; r++) {
    await app.repo(token, `r${r}`);
    for (let h = 0; h < perRepo; h++) ids.add((await hook(app, token, `/repos/mallory/r${r}/hooks`, `${url}/${r}/${h}`, { events: ['push'] })).id);
  }
  return ids;
}

async function hangingReceiver(t: { after(fn: () => Promise<void>): void }): Promise<Receiver> {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  return receiver;
}

test('100 hanging hooks of one owner do not delay another owner\'s deliveries (default concurrency)', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t, { HOOKLINE_DELIVERY_TIMEOUT_MS: '5000' });
  const hanging = await hangingReceiver(t);
  const malloryHooks = await mallory(app, hanging.url('/hang'), 5, 20);
  const mine = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  const recorded = countRecorded(app, malloryHooks);
  for (let r = 0; r < 5; r++) for (let i = 0; i < 3; i++) await ingest(app, { event: 'push', repository: `mallory/r${r}` });
  const started = Date.now();
  for (let i = 0; i < 20; i++) {
    await ingest(app, { event: 'push', repository: 'alice/hello' });
    await new Promise((r) => setTimeout(r, 10)); // about 100 events/s
  }
  await receiver.waitFor(21, 30_000); // the ping and 20 pushes
  const elapsed = Date.now() - started;
  assert.equal(receiver.received.filter(byEvent('push', mine.id)).length, 20);
  // Every one of alice's pushes went out while all of mallory's pushes were still hanging.
  assert.equal(recorded.n, 0, 'alice waited for mallory\'s receivers to time out');
  assert.ok(elapsed < 4000, `alice's 20 pushes took ${elapsed} ms`);
});

test('one owner holds at most its share in flight; another owner is served at once', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t, {
    HOOKLINE_DELIVERY_TIMEOUT_MS: '5000', HOOKLINE_DELIVERY_CONCURRENCY: '16', HOOKLINE_DELIVERY_CONCURRENCY_PER_OWNER: '4',
  });
  const hanging = await hangingReceiver(t);
  const malloryHooks = await mallory(app, hanging.url('/hang'), 1, 3);
  const mine = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  const recorded = countRecorded(app, malloryHooks);
  for (let i = 0; i < 10; i++) await ingest(app, { event: 'push', repository: 'mallory/r0' });
  await hanging.waitFor(4); // 3 pings and the first push
  for (let i = 0; i < 5; i++) await ingest(app, { event: 'push', repository: 'alice/hello' });
  await receiver.waitFor(6, 30_000);
  assert.equal(receiver.received.filter(byEvent('push', mine.id)).length, 5);
  assert.equal(recorded.n, 0, 'alice waited for mallory\'s receivers to time out');
  // mallory's 3 hooks could hold 16 each and the worker has 16 slots; the owner cap held them to 4.
  assert.equal(hanging.received.length, 4);
});

test('owners take turns: a later owner is not queued behind an earlier owner\'s backlog', async (t) => {
  // The owner cap keeps one owner's backlog from filling the claim's window; owners take turns within it.
  const { app, receiver, token, path } = await deliveryRig(t, {
    HOOKLINE_DELIVERY_CONCURRENCY: '4', HOOKLINE_DELIVERY_CONCURRENCY_PER_OWNER: '2',
  }, { start: false });
  const malloryToken = await app.user('mallory', ['repo']);
  await app.repo(malloryToken, 'r0');
  const theirs = await hook(app, malloryToken, '/repos/mallory/r0/hooks', receiver.url('/ok'), { events: ['push'] });
  const mine = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  for (let i = 0; i < 40; i++) await ingest(app, { event: 'push', repository: 'mallory/r0', payload: { n: i } });
  for (let i = 0; i < 4; i++) await ingest(app, { event: 'push', repository: 'alice/hello', payload: { n: i } });
  await app.start();
  await receiver.waitFor(46, 30_000); // 2 pings, 44 pushes
  const pushes = receiver.received.filter(byEvent('push'));
  const mineAt = pushes.map((r, i) => (r.headers['x-github-hook-id'] === String(mine.id) ? i : -1)).filter((i) => i >= 0);
  assert.equal(mineAt.length, 4);
  // Strictly oldest first, alice's four would come after mallory's forty.
  assert.ok(mineAt[3] < 20, `alice's pushes went out at positions ${mineAt.join(', ')}`);
  // Each hook's deliveries still go out oldest first.
  for (const id of [theirs.id, mine.id]) {
    const order = pushes.filter(byEvent('push', id)).map((r) => JSON.parse(r.body.toString()).n);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
  }
});
