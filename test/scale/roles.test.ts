// Roles are configuration: `serve --no-worker` accepts events and delivers nothing by itself; a separate
// `worker` process delivers the backlog, then new events as their NOTIFY wakes it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { api, freshSchema, hookline, listening, needsPostgres, provisionRepo, receiver, waitUntil } from './harness.js';

const BACKLOG = 20;
const LIVE = 20;

test('serve --no-worker accepts events but delivers nothing; a separate worker process delivers them, woken by NOTIFY',
  { skip: needsPostgres, timeout: 120_000 }, async (t) => {
    const { url, db } = await freshSchema(t);
    const env = { HOOKLINE_DATABASE_URL: url, HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex') };
    const rx = await receiver(t);
    const apiOnly = await hookline(t, 'api', ['serve', '--no-worker'], env);

    const token = await provisionRepo(apiOnly.base, 'roles');
    const hook = await api(apiOnly.base, 'POST', '/repos/roles/app/hooks',
      { config: { url: rx.url('/hook'), content_type: 'json', secret: 's' }, events: ['push'] }, token);
    const post = async (n: number) => {
      const res = await api(apiOnly.base, 'POST', '/hookline/events', { event: 'push', repository: 'roles/app', payload: { n } });
      assert.equal(res.deliveries, 1);
      return res.guid as string;
    };
    const backlog: string[] = [];
    for (let n = 0; n < BACKLOG; n++) backlog.push(await post(n));
    // Longer than a worker's 1 s poll: an embedded worker would have claimed rows by now. (This only waits
    // for something not to happen; a slow machine cannot make it fail.)
    await new Promise((r) => setTimeout(r, 1500));

    const rows = async () => (await db.query<{ state: string; attempts: number; lease_owner: string | null; n: number }>(
      'SELECT state, attempts, lease_owner, count(*)::int AS n FROM deliveries GROUP BY 1, 2, 3',
    )).rows;
    assert.deepEqual(await rows(), [{ state: 'pending', attempts: 0, lease_owner: null, n: BACKLOG + 1 }], 'the ping and the events wait, unclaimed');
    assert.equal(rx.arrivals.length, 0, 'nothing was delivered');
    assert.equal(await listening(db, [apiOnly]), 0, 'the API process does not LISTEN for due deliveries');

    const worker = await hookline(t, 'worker', ['worker'], env);
    await waitUntil(() => rx.arrivals.length === BACKLOG + 1, 'the worker to deliver the backlog and the ping');
    assert.deepEqual(new Set(rx.arrivals.filter((a) => a.event === 'push').map((a) => a.delivery)), new Set(backlog));
    await waitUntil(async () => (await listening(db, [worker])) === 1, 'the worker to LISTEN');

    // Now the worker is idle, sleeping on its poll interval: each event wakes it through NOTIFY.
    const latencies: number[] = [];
    for (let n = 0; n < LIVE; n++) {
      const sentAt = Date.now();
      const guid = await post(BACKLOG + n);
      await waitUntil(() => rx.arrivals.some((a) => a.delivery === guid), `event ${n} to be delivered`);
      latencies.push(rx.arrivals.find((a) => a.delivery === guid)!.at - sentAt);
    }
    // Reported, not asserted: well under the 1 s poll means NOTIFY woke the worker.
    const sorted = [...latencies].sort((a, b) => a - b);
    t.diagnostic(`ingest → arrival with the worker idle: mean ${Math.round(latencies.reduce((a, b) => a + b, 0) / LIVE)} ms, ` +
      `median ${sorted[LIVE >> 1]} ms, max ${sorted[LIVE - 1]} ms (poll interval 1000 ms)`);

    await waitUntil(async () => (await rows()).every((r) => r.state === 'done'), 'every outcome to be recorded');
    assert.deepEqual(await rows(), [{ state: 'done', attempts: 1, lease_owner: null, n: BACKLOG + LIVE + 1 }]);
    assert.ok(rx.arrivals.every((a) => a.hookId === String(hook.id)));
    assert.equal(rx.arrivals.length, BACKLOG + LIVE + 1, 'each delivered once');
    assert.equal(await listening(db, [apiOnly]), 0);
    assert.ok(apiOnly.alive() && worker.alive());
  });
