// Issue 21 item 1: a hook whose receiver times out may hold one delivery in flight until it answers
// again, then gets its full concurrency back; the /metrics gauge counts the throttled hooks.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { deliveryRig, hook, ingest } from './fixtures.js';

/** A receiver that never answers while `hold` is set, and counts the requests it holds open at once. */
async function gate(t: { after(fn: () => Promise<void>): void }) {
  const state = { hold: true, open: 0, maxOpen: 0, arrived: 0 };
  const waiters: Array<() => void> = [];
  const server = createServer((req, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      state.arrived++;
      if (!state.hold) return void res.end('ok');
      state.open++;
      state.maxOpen = Math.max(state.maxOpen, state.open);
      res.on('close', () => { state.open--; for (const w of waiters.splice(0)) w(); });
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gate`,
    state,
    async until(done: () => boolean, what: string) {
      const deadline = Date.now() + 30_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 50); });
      }
    },
  };
}

test('a hook that timed out has one delivery in flight until its receiver answers again', async (t) => {
  const { app, token, path } = await deliveryRig(t, { HOOKLINE_DELIVERY_TIMEOUT_MS: '500' });
  const g = await gate(t);
  const recorded: number[] = [];
  app.worker!.onAttempt((a) => recorded.push(a.outcome.statusCode));
  const throttledGauge = async () => {
    const res = await app.call('GET', '/metrics');
    return Number(/^hookline_hooks_throttled (\d+)/m.exec(res.body)?.[1]);
  };
  const h = await hook(app, token, path, g.url, { events: ['push'] });
  assert.equal(await throttledGauge(), 0);

  // Healthy until it first times out: the ping and 3 pushes hang at once.
  for (let i = 0; i < 3; i++) await ingest(app, { event: 'push', repository: 'alice/hello' });
  await g.until(() => g.state.arrived === 4, 'four requests');
  assert.equal(g.state.maxOpen, 4);
  await g.until(() => recorded.length === 4, 'four timeouts');
  assert.deepEqual(recorded, [504, 504, 504, 504]);
  assert.equal(await throttledGauge(), 1);

  // Tripped: the next 3 go one at a time, each after the one before timed out.
  g.state.maxOpen = 0;
  for (let i = 0; i < 3; i++) await ingest(app, { event: 'push', repository: 'alice/hello' });
  await g.until(() => recorded.length === 7, 'three more timeouts');
  assert.equal(g.state.maxOpen, 1);

  // It answers once: the circuit closes, and hanging requests may again fill the hook's share.
  g.state.hold = false;
  await ingest(app, { event: 'push', repository: 'alice/hello' });
  await g.until(() => recorded.length === 8, 'an answered push');
  assert.equal(recorded[7], 200);
  assert.equal(await throttledGauge(), 0);
  g.state.hold = true;
  g.state.maxOpen = 0;
  for (let i = 0; i < 3; i++) await ingest(app, { event: 'push', repository: 'alice/hello' });
  await g.until(() => g.state.open === 3, 'three requests held at once');
  assert.equal(h.active, true);
});
