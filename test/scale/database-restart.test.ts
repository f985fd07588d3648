// Issue 5's fault proof: PostgreSQL restarts under a steady trickle of events. While it is down the API
// answers 503 in GitHub's error shape (not 500, not a hang); once it is back the service recovers by
// itself (202 again, the worker delivers again, its LISTEN connection is back) and every event that got
// a 202 is delivered. The server restarted is a private one (see private-postgres.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { ADMIN, api, defer, freshSchema, hookline, listening, provisionRepo, receiver, waitUntil } from './harness.js';
import { postgresTools, privatePostgres } from './private-postgres.js';

const tools = await postgresTools();

/** One ingest request as the trickle saw it: which phase it started and ended in, and the answer. */
interface Sent {
  began: Phase;
  ended: Phase;
  status: number | 'no answer';
  body: any;
  error?: string;
}
type Phase = 'up' | 'stopping' | 'down' | 'starting' | 'back';
/** Ingest requests in flight at once. */
const LANES = 4;

test('PostgreSQL restarts under a trickle of events: 503 in GitHub\'s shape while down, recovery without intervention, nothing accepted lost',
  { skip: 'skip' in tools ? tools.skip : false, timeout: 300_000 }, async (t) => {
    if ('skip' in tools) return;
    const server = await privatePostgres(t, tools);
    const { url, db } = await freshSchema(t, server.url);
    const rx = await receiver(t);
    const serve = await hookline(t, 'serve', ['serve'], {
      HOOKLINE_DATABASE_URL: url, HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex'),
      HOOKLINE_DELIVERY_TIMEOUT_MS: '5000', HOOKLINE_DELIVERY_LEASE_MS: '8000',
    });
    await db.end(); // this test's own connection would not survive the restart; it opens new ones below

    const token = await provisionRepo(serve.base, 'restart');
    const hook = await api(serve.base, 'POST', '/repos/restart/app/hooks',
      { config: { url: rx.url('/hook'), content_type: 'json', secret: 's' }, events: ['push'] }, token);
    await waitUntil(() => rx.arrivals.length === 1, 'the ping');

    let phase: Phase = 'up';
    const sent: Sent[] = [];
    let trickling = true;
    let n = 0;
    // A few requests in flight at any moment, so the stop also cuts some off mid-transaction.
    const lane = async () => {
      while (trickling) {
        const began = phase;
        const entry: Sent = { began, ended: began, status: 'no answer', body: null };
        try {
          // "Not a hang": every answer must come well inside this bound.
          const res = await fetch(`${serve.base}/hookline/events`, {
            method: 'POST',
            headers: { authorization: `token ${ADMIN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ event: 'push', repository: 'restart/app', payload: { n: n++ } }),
            signal: AbortSignal.timeout(20_000),
          });
          entry.status = res.status;
          entry.body = await res.json();
        } catch (err) {
          entry.error = String(err);
        }
        entry.ended = phase;
        sent.push(entry);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const trickle = Promise.all(Array.from({ length: LANES }, lane));
    defer(t, async () => {
      trickling = false;
      await trickle;
    });
    const accepted = () => sent.filter((s) => s.status === 202);
    const delivered = () => new Set(rx.arrivals.filter((a) => a.event === 'push').map((a) => a.delivery));

    await waitUntil(() => accepted().length >= 20 && delivered().size >= 20, '20 events accepted and delivered');
    try {
      phase = 'stopping';
      await server.stop();
      phase = 'down';
      const whileDown = () => sent.filter((s) => s.began === 'down' && s.ended === 'down');
      await waitUntil(() => whileDown().length >= 10, '10 answers while the database is down',
        { detail: () => `(${sent.length} answers, last: ${JSON.stringify(sent.at(-1))})` });
      // Not only ingest: an authenticated read answers 503 the same way.
      const read = await fetch(`${serve.base}/repos/restart/app/hooks`, { headers: { authorization: `token ${token}` }, signal: AbortSignal.timeout(20_000) })
        .catch((err) => {
          throw new Error(`GET failed (${err.cause ?? err}); serve ${serve.alive() ? 'alive' : 'exited'}:\n${serve.output()}`);
        });
      assert.equal(read.status, 503);
      assertUnavailable(await read.json());
      phase = 'starting';
    } finally {
      // Whatever happened above, the server runs again before anything else is checked.
      if (!(await server.running())) await server.start();
    }
    phase = 'back';
    const acceptedAtRestart = accepted().length;
    await waitUntil(() => sent.filter((s) => s.began === 'back' && s.status === 202).length >= 20, '20 events accepted after the restart',
      { detail: () => `(last answer: ${JSON.stringify(sent.at(-1))})` });
    trickling = false;
    await trickle;

    const guids = accepted().map((s) => s.body.guid as string);
    await waitUntil(() => guids.every((g) => delivered().has(g)), 'every accepted event to be delivered',
      { timeoutMs: 90_000, detail: () => `(${guids.filter((g) => !delivered().has(g)).length} of ${guids.length} missing)\n${serve.output()}` });

    // The answers: 202 or a GitHub-shaped 503, nothing else, never no answer.
    const down = sent.filter((s) => s.began === 'down' && s.ended === 'down');
    t.diagnostic(`${sent.length} requests: ${acceptedAtRestart} accepted before the restart, ${down.length} while down, ` +
      `${accepted().length - acceptedAtRestart} accepted after; ${rx.arrivals.length - 1} deliveries for ${guids.length} events`);
    for (const s of sent) {
      assert.ok(s.status === 202 || s.status === 503, `unexpected answer: ${JSON.stringify(s)}`);
      if (s.status === 503) assertUnavailable(s.body);
    }
    assert.ok(down.every((s) => s.status === 503), 'every request while the database was down answered 503');
    assert.ok(sent.filter((s) => s.began === 'up' && s.ended === 'up').every((s) => s.status === 202));
    // Nothing arrived for another hook. An event answered 503 could still have been stored (the database
    // dying right after COMMIT): it would arrive, and the client could not know; reported, not failed.
    const pushes = rx.arrivals.filter((a) => a.event === 'push');
    assert.ok(pushes.every((a) => a.hookId === String(hook.id)));
    const unaccepted = [...delivered()].filter((g) => !guids.includes(g));
    const twice = pushes.length - delivered().size;
    t.diagnostic(`delivered without a 202: ${unaccepted.length}; delivered more than once: ${twice}`);

    // The same process throughout, and the worker's wake-up connection reconnected by itself.
    assert.ok(serve.alive(), `serve exited:\n${serve.output()}`);
    const check = new pg.Client({ connectionString: server.url });
    await check.connect();
    defer(t, () => check.end());
    await waitUntil(async () => (await listening(check, [serve])) === 1, 'the worker to LISTEN again');
    assert.doesNotMatch(serve.output(), /unexpected error/, 'no request failed with a 500');
  });

/** GitHub's error shape for 503: exactly message, documentation_url and status "503". */
function assertUnavailable(body: any): void {
  assert.deepEqual(Object.keys(body).sort(), ['documentation_url', 'message', 'status'], JSON.stringify(body));
  assert.equal(body.status, '503');
  assert.equal(typeof body.message, 'string');
  assert.match(body.documentation_url, /^https:\/\/docs\.github\.com\//);
}
