// Issue 18's fault proof: both faults in one run. 2 API processes and 2 workers on a private PostgreSQL
// server under sustained ingest; one worker is SIGKILLed with its slots full, then the server restarts
// while the other worker's slots are full. Every event answered 202 reaches every hook. A request
// answered 503 (database down) is not accepted: the client sends it again until a 202, and that event is
// delivered like any other. Rows are sent again only where a lease was lost (the kill, the restart).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { Pool } from 'undici';
import {
  ADMIN, api, defer, freshSchema, hookline, key, listening, provisionRepo, receiver, waitUntil, type Receiver,
} from './harness.js';
import { postgresTools, privatePostgres } from './private-postgres.js';

const tools = await postgresTools();

const APIS = 2;
const WORKERS = 2;
/** Requests in flight per worker: what each fault can leave leased and unrecorded. */
const CONCURRENCY = 8;
/** Ingest requests in flight at once, across both API processes. */
const LANES = 8;
/** Short, so the killed worker's rows come back within the test's bound; still well past the timeout. */
const LEASE_MS = 8_000;
const TIMEOUT_MS = 4_000;
/** Ingest runs this long after the server is back, so recovery is shown under load too. */
const LOAD_AFTER_RESTART_MS = 3_000;

interface Row { guid: string; hook_id: number; attempts: number; state: string; status_code: number | null }

test(`${APIS} API processes and ${WORKERS} workers under load: a worker SIGKILLed and PostgreSQL restarted in one run, every accepted event delivered`,
  { skip: 'skip' in tools ? tools.skip : false, timeout: 180_000 }, async (t) => {
    if ('skip' in tools) return;
    const t0 = Date.now();
    const phase = (what: string) => t.diagnostic(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const server = await privatePostgres(t, tools);
    const { url, db: setup } = await freshSchema(t, server.url);
    await setup.end(); // would not survive the restart; `query` below opens a connection per question
    const schema = new URL(url).searchParams.get('schema');
    const query = async <R extends pg.QueryResultRow>(sql: string): Promise<R[]> => {
      const c = new pg.Client({ connectionString: server.url, options: `-c search_path=${schema}` });
      await c.connect();
      try {
        return (await c.query<R>(sql)).rows;
      } finally {
        await c.end();
      }
    };
    const env = {
      HOOKLINE_DATABASE_URL: url, HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex'),
      HOOKLINE_DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS), HOOKLINE_DELIVERY_LEASE_MS: String(LEASE_MS),
      HOOKLINE_DELIVERY_CONCURRENCY: String(CONCURRENCY),
    };
    const receivers: Receiver[] = [await receiver(t), await receiver(t)];
    const apis = await Promise.all(Array.from({ length: APIS }, (_, i) => hookline(t, `api${i}`, ['serve', '--no-worker'], env)));
    const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => hookline(t, `worker${i}`, ['worker'], env)));
    const check = new pg.Client({ connectionString: server.url });
    await check.connect();
    check.on('error', () => undefined);
    await waitUntil(async () => (await listening(check, workers)) === WORKERS, 'every worker to LISTEN');
    await check.end();

    const token = await provisionRepo(apis[0].base, 'faults');
    const hookIds: string[] = [];
    for (let i = 0; i < receivers.length; i++) {
      const hook = await api(apis[i].base, 'POST', '/repos/faults/app/hooks',
        { config: { url: receivers[i].url(`/r${i}`), content_type: 'json', secret: `s${i}` }, events: ['push'] }, token);
      hookIds.push(String(hook.id));
    }
    const arrived = () => receivers.reduce((n, r) => n + r.arrivals.length, 0);
    const held = () => receivers.reduce((n, r) => n + r.held.length, 0);
    await waitUntil(() => arrived() >= receivers.length, 'the pings');
    phase('4 processes up, hooks pinged');

    // The client: each lane sends events until told to stop; a 503 is sent again (a new request for the
    // same event) until it is accepted. Anything but 202 or GitHub's 503 fails the test.
    const pools = apis.map((a) => new Pool(a.base, { connections: LANES / APIS, keepAliveTimeout: 60_000 }));
    defer(t, () => Promise.all(pools.map((p) => p.destroy())));
    const accepted: string[] = [];
    const unexpected: string[] = [];
    let refused = 0;
    let retriedThenAccepted = 0;
    let loading = true;
    let n = 0;
    const lane = async () => {
      while (loading) {
        const event = n++;
        for (let tries = 0; ; tries++) {
          const res = await pools[event % APIS].request({
            path: '/hookline/events', method: 'POST',
            headers: { authorization: `token ${ADMIN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ event: 'push', repository: 'faults/app', payload: { ref: 'refs/heads/main', n: event } }),
            headersTimeout: 30_000, bodyTimeout: 30_000,
          });
          const text = await res.body.text();
          if (res.statusCode === 202) {
            accepted.push(JSON.parse(text).guid);
            if (tries > 0) retriedThenAccepted++;
            break;
          }
          if (res.statusCode !== 503 || JSON.parse(text).status !== '503') {
            unexpected.push(`${res.statusCode} ${text}`);
            break;
          }
          refused++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const load = Promise.all(Array.from({ length: LANES }, lane));
    defer(t, async () => {
      loading = false;
      await load.catch(() => undefined);
    });

    // Fault 1: hold the receivers until both workers have every slot in flight, SIGKILL worker1.
    const fillSlots = async (slots: number, what: string) => {
      for (const r of receivers) r.state.hold = true;
      await waitUntil(() => held() >= slots, what, { timeoutMs: 30_000, detail: () => `(${held()} held)` });
    };
    const release = () => receivers.forEach((r) => r.release());
    await waitUntil(() => accepted.length >= 300, '300 events accepted', { detail: () => `(${accepted.length})` });
    await fillSlots(WORKERS * CONCURRENCY, 'both workers to fill their slots');
    workers[1].child.kill('SIGKILL');
    await workers[1].exited;
    release();
    phase(`worker1 SIGKILLed with ${CONCURRENCY} requests in flight; ${accepted.length} accepted, ${arrived()} arrived`);

    // Fault 2: the surviving worker's slots full, the server stops; answers reach the worker while the
    // database is gone, so those outcomes cannot be recorded.
    await waitUntil(() => arrived() >= accepted.length / 2, 'the worker to catch up a little', { timeoutMs: 30_000 });
    await fillSlots(CONCURRENCY, 'worker0 to fill its slots');
    await server.stop();
    release();
    const refusedAtStop = refused;
    phase(`server stopped with ${CONCURRENCY} requests in flight`);
    try {
      await waitUntil(() => refused - refusedAtStop >= 20, '20 ingest requests refused with 503 while down', { timeoutMs: 30_000 });
    } finally {
      if (!(await server.running())) await server.start();
    }
    const acceptedAtRestart = accepted.length;
    phase(`server back after ${refused - refusedAtStop} refusals`);
    await waitUntil(() => accepted.length >= acceptedAtRestart + 100, '100 events accepted after the restart', { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, LOAD_AFTER_RESTART_MS));
    loading = false;
    await load;
    assert.deepEqual(unexpected.slice(0, 5), [], 'answers other than 202 and GitHub\'s 503');
    phase(`${accepted.length} events accepted (${retriedThenAccepted} after a 503), ${refused} requests refused`);

    // Every accepted event reaches every hook; the killed worker's and the restart's rows come back
    // after their lease.
    const seen = new Map<string, number>();
    const count = () => {
      seen.clear();
      receivers.forEach((r, i) => {
        for (const a of r.arrivals) {
          if (a.event !== 'push') continue;
          assert.equal(a.hookId, hookIds[i], 'a receiver got another hook\'s delivery');
          seen.set(key(a.delivery, a.hookId), (seen.get(key(a.delivery, a.hookId)) ?? 0) + 1);
        }
      });
      return accepted.flatMap((g) => hookIds.map((h) => key(g, h))).filter((k) => !seen.has(k));
    };
    await waitUntil(() => count().length === 0, 'every accepted event at every hook',
      { timeoutMs: 60_000, detail: () => `(${count().length} missing)` });
    await waitUntil(async () => (await query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE state = 'pending'"))[0].n === 0,
      'every delivery recorded', { timeoutMs: 30_000 });
    phase('every accepted event delivered and recorded');
    assert.deepEqual(count(), []); // the log as it is now that nothing is leased any more

    assert.equal(new Set(accepted).size, accepted.length, 'one guid per accepted event');
    const rows = await query<Row>('SELECT guid, hook_id, attempts, state, status_code FROM deliveries WHERE event = \'push\'');
    const rowByKey = new Map(rows.map((r) => [key(r.guid, r.hook_id), r]));
    assert.ok(rows.every((r) => r.state === 'done' && r.status_code === 200), 'every row recorded as answered 200');
    for (const k of seen.keys()) assert.ok(rowByKey.has(k), `a request with no row: ${k}`);
    // A claim commits before its send, so a row never got more requests than claims; a row sent twice
    // was claimed twice, which only a lost lease allows: the killed worker's slots and the restart's.
    const overSent = [...seen].filter(([k, requests]) => requests > rowByKey.get(k)!.attempts);
    assert.deepEqual(overSent.slice(0, 5), [], 'more requests than claims');
    const twice = [...seen].filter(([, requests]) => requests > 1);
    assert.ok(twice.length <= 2 * CONCURRENCY, `${twice.length} duplicates > the slots in flight at the two faults`);
    // The killed worker's requests had all arrived (the receivers held them): its rows were sent again.
    assert.ok(twice.length >= CONCURRENCY, `${twice.length} duplicates: the killed worker's rows were not sent again`);
    // Rows stored for requests answered 503 (the server died after COMMIT) arrive too; the client cannot know.
    const stored = new Set(rows.map((r) => r.guid));
    const unaccepted = [...stored].filter((g) => !accepted.includes(g)).length;
    t.diagnostic(`${accepted.length} accepted events × ${hookIds.length} hooks delivered; ${twice.length} deliveries arrived twice ` +
      `(lost leases: kill + restart); ${unaccepted} events stored without a 202`);

    for (const p of [...apis, workers[0]]) assert.ok(p.alive(), `${p.name} exited:\n${p.output()}`);
    assert.doesNotMatch(apis.map((a) => a.output()).join('\n'), /unexpected error/, 'no request failed with a 500');
  });
