// The real CLI (`hookline serve`) as a child process: SIGKILL while deliveries are pending and in flight
// loses nothing; SIGTERM lets requests in flight finish and hands the rest to the next start; an
// automatic retry scheduled before a SIGKILL is made after the restart, once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINE } from '../support/database.js';
import {
  api, CONCURRENCY, gateReceiver, logOf, postgresDatabase, printed, provision, serve, tempDatabase,
} from '../support/cli-process.js';

test('SIGKILL with deliveries pending and in flight: after a restart every accepted event is delivered', async (t) => {
  const EVENTS = 200;
  // The lease decides when the requests in flight at the crash may be claimed again: keep it short
  // (it must outlast the timeout, which must outlast the moment between filling the slots and the kill).
  const TIMEOUT_MS = 5000;
  const LEASE_MS = 6000;
  const gate = await gateReceiver();
  t.after(() => gate.close());
  const { databaseUrl, secretKey } = tempDatabase(t);
  const first = await serve(t, databaseUrl, secretKey, TIMEOUT_MS, LEASE_MS);
  const { token, ids } = await provision(first, gate, 2);

  gate.state.hold = true;
  // The first requests are held from the first event on, and must still be in flight at the kill:
  // accept the events in parallel batches so that takes well under the delivery timeout.
  const guids: string[] = [];
  for (let i = 0; i < EVENTS; i += 25) {
    const batch = await Promise.all(Array.from({ length: 25 }, (_, j) =>
      api(first, 'POST', '/hookline/events', { event: 'push', repository: 'crash/app', payload: { n: i + j } })));
    for (const res of batch) assert.equal(res.deliveries, 2);
    guids.push(...batch.map((res) => res.guid));
  }
  await gate.until(() => gate.held.length === CONCURRENCY, 'the worker to fill its slots');
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null);
  const inFlight = gate.arrivals.filter((a) => a.event === 'push');
  assert.equal(inFlight.length, CONCURRENCY, 'at the crash: this many in flight (none timed out yet), the rest pending');

  gate.state.phase = 2;
  gate.release();
  const second = await serve(t, databaseUrl, secretKey, TIMEOUT_MS, LEASE_MS);
  const key = (guid: string, hookId: string) => `${guid}/${hookId}`;
  const wanted = new Set(guids.flatMap((g) => ids.map((id) => key(g, id))));
  const afterRestart = () => new Set(gate.arrivals.filter((a) => a.phase === 2 && a.event === 'push').map((a) => key(a.guid, a.hookId)));
  // Everything, including the requests cut off by the crash (claimable again once their lease expires).
  await gate.until(() => [...wanted].every((k) => afterRestart().has(k)), 'every event at every hook after the restart');
  for (const a of inFlight) assert.ok(afterRestart().has(key(a.guid, a.hookId)), 'a request cut off by the crash is sent again');
  assert.ok(gate.arrivals.every((a) => a.event !== 'push' || wanted.has(key(a.guid, a.hookId))), 'nothing unexpected arrived');

  // Once the last outcome is recorded, the log holds one successful delivery per event and hook.
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
  const third = await serve(t, databaseUrl, secretKey, TIMEOUT_MS, LEASE_MS);
  for (const id of ids) {
    const log = (await logOf(third, token, id)).filter((d) => d.event === 'push');
    assert.equal(log.length, EVENTS);
    assert.deepEqual(new Set(log.map((d) => d.guid)), new Set(guids));
    assert.ok(log.every((d) => d.status === 'OK' && d.status_code === 200 && d.redelivery === false));
  }
  third.child.kill('SIGTERM');
  assert.equal(await third.exited, 0);
});

test('SIGTERM: requests in flight finish and are recorded; pending deliveries go out after the next start, once', async (t) => {
  const EVENTS = 60;
  const gate = await gateReceiver();
  t.after(() => gate.close());
  const { databaseUrl, secretKey } = tempDatabase(t);
  // A long timeout: the held requests must end because the receiver answers, not because they time out.
  const first = await serve(t, databaseUrl, secretKey, 60_000);
  const { token, ids } = await provision(first, gate, 1);

  gate.state.hold = true;
  const guids: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    guids.push((await api(first, 'POST', '/hookline/events', { event: 'push', repository: 'crash/app', payload: { n: i } })).guid);
  }
  await gate.until(() => gate.held.length === CONCURRENCY, 'the worker to fill its slots');
  const inFlight = gate.arrivals.filter((a) => a.event === 'push').map((a) => a.guid);
  first.child.kill('SIGTERM');
  await printed(first, /SIGTERM received/);
  gate.release(); // the receiver answers only now, after shutdown began
  assert.equal(await first.exited, 0, 'a clean exit');
  const sentBeforeExit = gate.arrivals.filter((a) => a.event === 'push').map((a) => a.guid);
  assert.ok(sentBeforeExit.length < EVENTS, 'some deliveries were still pending at shutdown');

  gate.state.phase = 2;
  const second = await serve(t, databaseUrl, secretKey, 60_000);
  await gate.until(() => gate.arrivals.filter((a) => a.event === 'push').length >= EVENTS, 'the rest after the restart');
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);

  // Every event arrived exactly once: nothing in flight was cut off and sent again, nothing was lost.
  const pushes = gate.arrivals.filter((a) => a.event === 'push');
  assert.equal(pushes.length, EVENTS);
  assert.deepEqual(new Set(pushes.map((a) => a.guid)), new Set(guids));
  for (const guid of inFlight) assert.equal(pushes.find((a) => a.guid === guid)!.phase, 1);

  const third = await serve(t, databaseUrl, secretKey, 60_000);
  const log = (await logOf(third, token, ids[0])).filter((d) => d.event === 'push');
  assert.equal(log.length, EVENTS);
  assert.ok(log.every((d) => d.status === 'OK'), 'the requests held during shutdown were recorded as answered');
  third.child.kill('SIGTERM');
  assert.equal(await third.exited, 0);
});

test('SIGKILL between attempts: the scheduled retry is made after the restart, once', async (t) => {
  const gate = await gateReceiver();
  t.after(() => gate.close());
  // On both engines (the other crash tests here are SQLite's).
  const { databaseUrl, secretKey } = ENGINE === 'postgres' ? postgresDatabase(t) : tempDatabase(t);
  // Long enough to record the failure and kill the process before it is due (4–6 s with the jitter).
  const env = { HOOKLINE_RETRY_SCHEDULE: '5s' };
  const first = await serve(t, databaseUrl, secretKey, 5000, undefined, env);
  const { token, ids } = await provision(first, gate, 1);
  gate.state.failFirst = true;
  const { guid } = await api(first, 'POST', '/hookline/events', { event: 'push', repository: 'crash/app', payload: {} });
  const scheduled = async () => (await logOf(first, token, ids[0])).find((d) => d.guid === guid && d.next_attempt_at !== null);
  const deadline = Date.now() + 3000;
  while (!(await scheduled())) {
    assert.ok(Date.now() < deadline, 'the failed attempt is recorded with its next attempt');
    await new Promise((r) => setTimeout(r, 20));
  }
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null);
  assert.equal(gate.arrivals.filter((a) => a.guid === guid).length, 1, 'killed before the retry');

  gate.state.phase = 2;
  const second = await serve(t, databaseUrl, secretKey, 5000, undefined, env);
  await gate.until(() => gate.arrivals.filter((a) => a.guid === guid).length === 2, 'the retry after the restart');
  const log = async () => (await logOf(second, token, ids[0])).filter((d) => d.guid === guid);
  while ((await log()).length < 2) await new Promise((r) => setTimeout(r, 20));
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
  const pushes = gate.arrivals.filter((a) => a.guid === guid);
  assert.deepEqual(pushes.map((a) => a.phase), [1, 2], 'the retry came once, from the restarted process');
  const third = await serve(t, databaseUrl, secretKey, 5000, undefined, env);
  const attempts = (await logOf(third, token, ids[0])).filter((d) => d.guid === guid);
  assert.deepEqual(attempts.map((d) => [d.attempt, d.status_code, d.redelivery]), [[2, 200, true], [1, 500, false]]);
  third.child.kill('SIGTERM');
  assert.equal(await third.exited, 0);
});
