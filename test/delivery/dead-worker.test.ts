// Issue 21 item 3: a worker SIGKILLed while it holds a hook's only in-flight slot. Its heartbeat stops,
// the next live worker knows it dead within a few heartbeat intervals and releases its leases, so the
// hook's new events are delivered long before the (deliberately long) lease would have expired.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINE } from '../support/database.js';
import { api, gateReceiver, postgresDatabase, provision, serve, tempDatabase } from '../support/cli-process.js';

const TIMEOUT_MS = 60_000;
const LEASE_MS = 120_000;

test('a killed worker\'s leases are released once it is known dead, not when they expire', async (t) => {
  const gate = await gateReceiver();
  t.after(() => gate.close());
  const { databaseUrl, secretKey } = ENGINE === 'postgres' ? postgresDatabase(t) : tempDatabase(t);
  const env = { HOOKLINE_DELIVERY_CONCURRENCY_PER_HOOK: '1', HOOKLINE_WORKER_HEARTBEAT_MS: '200' };
  const first = await serve(t, databaseUrl, secretKey, TIMEOUT_MS, LEASE_MS, env);
  const { ids } = await provision(first, gate, 1);

  gate.state.hold = true;
  const held = await api(first, 'POST', '/hookline/events', { event: 'push', repository: 'crash/app', payload: { n: 1 } });
  await gate.until(() => gate.held.length === 1, 'the first push in flight');
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null);
  gate.release();

  gate.state.phase = 2;
  const second = await serve(t, databaseUrl, secretKey, TIMEOUT_MS, LEASE_MS, env);
  const started = Date.now();
  const fresh = await api(second, 'POST', '/hookline/events', { event: 'push', repository: 'crash/app', payload: { n: 2 } });
  const arrived = (guid: string) => gate.arrivals.some((a) => a.phase === 2 && a.guid === guid && a.hookId === ids[0]);
  // Bounded well below the lease: without heartbeats the hook stays at its cap for 120 s.
  await gate.until(() => arrived(fresh.guid) && arrived(held.guid), 'both pushes from the live worker', 20_000);
  assert.ok(Date.now() - started < 20_000);
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
});
