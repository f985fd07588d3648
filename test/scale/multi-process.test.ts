// Issue 5's proof of scale-out: 2 API processes (`serve --no-worker`) and 3 workers (`worker`) on one
// PostgreSQL schema, 10 000 events fanned out to 3 receivers, one worker SIGKILLed mid-run with its
// slots full. Every delivery arrives; only the killed worker's rows arrive twice; no row was ever claimed
// by two live workers (each row's `attempts` equals the requests its receiver got for it).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Pool } from 'undici';
import {
  ADMIN, api, defer, freshSchema, hookline, key, listening, needsPostgres, provisionRepo, receiver, waitUntil, type Receiver,
} from './harness.js';

const EVENTS = 10_000;
const APIS = 2;
const WORKERS = 3;
/** Requests in flight per worker: the most rows the killed worker can hold, so the most duplicates. */
const CONCURRENCY = 16;
/** Ingest requests in flight at once, across both API processes. */
const INGEST_IN_FLIGHT = 32;
const TIMEOUT_MS = 5_000;
/**
 * How soon the killed worker's rows may be claimed again. Well past the timeout: a live worker's row
 * is leased from its claim until its outcome is recorded, and this machine is busy.
 */
const LEASE_MS = 15_000;

interface Row { id: number; guid: string; hook_id: number; attempts: number; state: string; status_code: number | null }

test(`${APIS} API processes and ${WORKERS} workers share one database: ${EVENTS} events, one worker SIGKILLed, nothing lost, only its rows twice`,
  { skip: needsPostgres, timeout: 600_000 }, async (t) => {
    const t0 = Date.now();
    const phase = (what: string) => t.diagnostic(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const { url, db } = await freshSchema(t);
    const env = {
      HOOKLINE_DATABASE_URL: url, HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex'),
      HOOKLINE_DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS), HOOKLINE_DELIVERY_LEASE_MS: String(LEASE_MS),
      HOOKLINE_DELIVERY_CONCURRENCY: String(CONCURRENCY),
    };
    const receivers: Receiver[] = [];
    for (let i = 0; i < 3; i++) receivers.push(await receiver(t));

    // All five start at once on the fresh schema: migrations and the site administrator race here too.
    const [apis, workers] = await Promise.all([
      Promise.all(Array.from({ length: APIS }, (_, i) => hookline(t, `api${i}`, ['serve', '--no-worker'], env))),
      Promise.all(Array.from({ length: WORKERS }, (_, i) => hookline(t, `worker${i}`, ['worker'], env))),
    ]);
    await waitUntil(async () => (await listening(db, workers)) === WORKERS, 'every worker to LISTEN');
    assert.equal(await listening(db, apis), 0, 'API processes (--no-worker) do not LISTEN');
    phase('5 processes up');

    const token = await provisionRepo(apis[0].base, 'scale');
    const hookIds: string[] = [];
    const configs = [
      { content_type: 'json', secret: 'one' },
      { content_type: 'form' },
      { content_type: 'json', secret: 'three' },
    ];
    for (let i = 0; i < receivers.length; i++) {
      // Hooks are created through both API processes.
      const hook = await api(apis[i % APIS].base, 'POST', '/repos/scale/app/hooks',
        { config: { url: receivers[i].url(`/r${i}`), ...configs[i] }, events: ['push'] }, token);
      hookIds.push(String(hook.id));
    }
    const arrived = () => receivers.reduce((n, r) => n + r.arrivals.length, 0);
    await waitUntil(() => arrived() >= receivers.length, 'the three pings');

    const pools = apis.map((a) => new Pool(a.base, { connections: INGEST_IN_FLIGHT / APIS, keepAliveTimeout: 60_000 }));
    defer(t, () => Promise.all(pools.map((p) => p.destroy())));
    // If ingest fails, the kill below stops waiting instead of keeping the test file alive.
    const ended = new AbortController();
    defer(t, () => ended.abort());
    const guids: string[] = new Array(EVENTS);
    let next = 0;
    const ingest = async () => {
      while (next < EVENTS) {
        const n = next++;
        const res = await pools[n % APIS].request({
          path: '/hookline/events', method: 'POST',
          headers: { authorization: `token ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ event: 'push', repository: 'scale/app', payload: { ref: 'refs/heads/main', n } }),
          headersTimeout: 60_000, bodyTimeout: 60_000,
        });
        const text = await res.body.text();
        assert.equal(res.statusCode, 202, `event ${n}: ${text}`);
        const body = JSON.parse(text);
        assert.equal(body.deliveries, hookIds.length);
        guids[n] = body.guid;
      }
    };
    const expected = EVENTS * hookIds.length + hookIds.length; // the pushes and the pings

    // Mid-run: hold every receiver's answers until all three workers have all their slots in flight, then
    // SIGKILL one. Its rows are then exactly those leased to it: received once, never recorded.
    const kill = async () => {
      await waitUntil(() => arrived() >= expected / 3, 'a third of the deliveries',
        { timeoutMs: 240_000, detail: () => `(${arrived()} arrived)`, signal: ended.signal });
      for (const r of receivers) r.state.hold = true;
      const held = () => receivers.reduce((n, r) => n + r.held.length, 0);
      await waitUntil(() => held() === WORKERS * CONCURRENCY, 'every worker to fill its slots',
        { timeoutMs: 30_000, detail: () => `(${held()} held)`, signal: ended.signal });
      const leased = (await db.query<{ id: number; lease_owner: string }>(
        "SELECT id, lease_owner FROM deliveries WHERE state = 'pending' AND lease_owner IS NOT NULL",
      )).rows;
      const victim = workers[1];
      victim.child.kill('SIGKILL');
      await victim.exited;
      const heldAtKill = held();
      for (const r of receivers) r.release();
      phase(`worker1 SIGKILLed with ${heldAtKill} requests held, ${arrived()} of ${expected} arrived`);
      return { leased, arrivedAtKill: arrived() };
    };

    const tIngest = Date.now();
    const killing = kill();
    killing.catch(() => undefined); // awaited below; this only keeps an early ingest failure the one reported
    await Promise.all(Array.from({ length: INGEST_IN_FLIGHT }, ingest));
    phase(`${EVENTS} events accepted (${Math.round(EVENTS / ((Date.now() - tIngest) / 1000))} events/s)`);
    const atKill = await killing;
    const pending = async () => (await db.query("SELECT count(*)::int AS n FROM deliveries WHERE state = 'pending'")).rows[0].n;
    await waitUntil(async () => (await pending()) === 0, 'every delivery to be recorded',
      { timeoutMs: 300_000, detail: () => `(${arrived()} of ${expected} arrived)` });
    phase(`all ${expected} deliveries recorded (${Math.round(expected / ((Date.now() - tIngest) / 1000))} deliveries/s since ingest began)`);

    // At the kill every slot was full and nothing else was leased: 16 rows per worker.
    const owners = new Map<string, number[]>();
    for (const r of atKill.leased) owners.set(r.lease_owner, [...(owners.get(r.lease_owner) ?? []), r.id]);
    assert.equal(atKill.leased.length, WORKERS * CONCURRENCY, 'leased rows at the kill = requests held');
    assert.deepEqual([...owners.values()].map((ids) => ids.length), Array(WORKERS).fill(CONCURRENCY));
    assert.ok(atKill.arrivedAtKill < expected, 'the kill came mid-run');

    const rows = (await db.query<Row>('SELECT id, guid, hook_id, attempts, state, status_code FROM deliveries')).rows;
    assert.equal(rows.length, expected);
    assert.ok(rows.every((r) => r.state === 'done' && r.status_code === 200), 'every row recorded as answered 200');

    // The receivers' log: each receiver only ever saw its own hook; count requests per (guid, hook).
    const seen = new Map<string, number>();
    receivers.forEach((r, i) => {
      for (const a of r.arrivals) {
        assert.equal(a.hookId, hookIds[i], 'a receiver got another hook\'s delivery');
        seen.set(key(a.delivery, a.hookId), (seen.get(key(a.delivery, a.hookId)) ?? 0) + 1);
      }
    });
    const rowByKey = new Map(rows.map((r) => [key(r.guid, r.hook_id), r]));
    assert.equal(rowByKey.size, rows.length, 'one row per (guid, hook)');
    for (const k of seen.keys()) assert.ok(rowByKey.has(k), `a request with no row: ${k}`);
    // Every accepted event reached every hook.
    assert.equal(new Set(guids).size, EVENTS);
    const missing = guids.flatMap((g) => hookIds.map((h) => key(g, h))).filter((k) => !seen.has(k));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} deliveries never arrived`);

    // Each claim adds one to `attempts` under the row lock and sends once: requests == attempts, row by row.
    const mismatched = rows.filter((r) => seen.get(key(r.guid, r.hook_id)) !== r.attempts);
    assert.deepEqual(mismatched.slice(0, 10).map((r) => ({ ...r, requests: seen.get(key(r.guid, r.hook_id)) })), []);
    // Claimed more than once: exactly the rows the killed worker held, each claimed once more by a live one.
    const again = rows.filter((r) => r.attempts > 1);
    const victimOwner = [...owners].find(([, ids]) => ids.includes(again[0]?.id))?.[0];
    assert.ok(victimOwner, 'the rows held by the killed worker were claimed again');
    assert.deepEqual(again.map((r) => r.id).sort((a, b) => a - b), owners.get(victimOwner)!.sort((a, b) => a - b));
    assert.ok(again.every((r) => r.attempts === 2), 'claimed by the killed worker and then by exactly one live worker');
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    assert.ok(duplicates.length <= CONCURRENCY, `${duplicates.length} duplicates > the killed worker's concurrency`);
    assert.deepEqual(new Set(duplicates), new Set(again.map((r) => key(r.guid, r.hook_id))));
    t.diagnostic(`${duplicates.length} deliveries arrived twice, all from the killed worker's ${CONCURRENCY} slots`);

    // The live processes never saw a lease taken from under them, and are still running.
    for (const p of [...apis, workers[0], workers[2]]) {
      assert.ok(p.alive(), `${p.name} exited:\n${p.output()}`);
      assert.doesNotMatch(p.output(), /lease lost/, `${p.name} lost a lease`);
    }
  });

