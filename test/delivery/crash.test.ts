// The real CLI (`hookline serve`) as a child process: SIGKILL while deliveries are pending and in flight
// loses nothing; SIGTERM lets requests in flight finish and hands the rest to the next start; an
// automatic retry scheduled before a SIGKILL is made after the restart, once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENGINE, postgresSchema } from '../support/database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = `crash-admin-${randomBytes(8).toString('hex')}`;
const CONCURRENCY = 8;

/** One request as the gate saw it. */
interface Arrival { guid: string; hookId: string; event: string; phase: number }

/**
 * A receiver that can hold requests open (they stay in flight) until released. `phase` tags each
 * arrival with the server run it came from.
 */
async function gateReceiver() {
  const arrivals: Arrival[] = [];
  const held: ServerResponse[] = [];
  const waiters: Array<() => void> = [];
  // failFirst: a push's first request to each hook is answered 500, later ones 200.
  const state = { hold: false, phase: 1, failFirst: false };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const arrival = {
        guid: String(req.headers['x-github-delivery']), hookId: String(req.headers['x-github-hook-id']),
        event: String(req.headers['x-github-event']), phase: state.phase,
      };
      const seen = arrivals.some((a) => a.guid === arrival.guid && a.hookId === arrival.hookId);
      arrivals.push(arrival);
      if (state.failFirst && arrival.event === 'push' && !seen) res.writeHead(500).end('down');
      else if (state.hold) held.push(res);
      else res.end('ok');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    arrivals, held, state,
    /** Resolves once `done()` holds; re-checked on every arrival (and every 200 ms as a backstop). */
    async until(done: () => boolean, what: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 200); });
      }
    },
    release() {
      state.hold = false;
      for (const res of held.splice(0)) if (!res.destroyed) res.end('ok');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** A running `hookline serve` and a fetch helper authenticated as the site administrator. */
interface Served { child: ChildProcess; base: string; stdout: string[]; exited: Promise<number | null> }

async function serve(
  t: TestContext, databaseUrl: string, secretKey: string, timeoutMs: number, leaseMs = timeoutMs + 30_000, env: Record<string, string> = {},
): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1',
      HOOKLINE_DATABASE_URL: databaseUrl, HOOKLINE_ADMIN_TOKEN: ADMIN, HOOKLINE_SECRET_KEY: secretKey,
      HOOKLINE_ALLOWED_HOSTS: 'loopback', HOOKLINE_DELIVERY_TIMEOUT_MS: String(timeoutMs), HOOKLINE_DELIVERY_LEASE_MS: String(leaseMs),
      HOOKLINE_DELIVERY_CONCURRENCY: String(CONCURRENCY), HOOKLINE_LOG_LEVEL: 'error', HOOKLINE_RETRY_SCHEDULE: 'off', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (s: string) => stdout.push(s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const served: Served = { child, base: `http://127.0.0.1:${port}`, stdout, exited };
  await printed(served, /API listening/, () => stderr.join(''));
  return served;
}

/** Resolves once the child has printed `pattern` on stdout; fails if it exits first. */
async function printed(s: Served, pattern: RegExp, stderr = () => '') {
  let gone = false;
  void s.exited.then(() => { gone = true; });
  while (!pattern.test(s.stdout.join(''))) {
    if (gone) throw new Error(`hookline exited before printing ${pattern}:\n${s.stdout.join('')}\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function api(s: Served, method: string, path: string, body?: unknown, token = ADMIN): Promise<any> {
  const res = await fetch(`${s.base}${path}`, {
    method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A user owning crash/app with two push hooks on the gate; resolves after both pings arrived. */
async function provision(s: Served, gate: Awaited<ReturnType<typeof gateReceiver>>, hooks: number) {
  await api(s, 'POST', '/admin/users', { login: 'crash', email: 'crash@example.com' });
  const { token } = await api(s, 'POST', '/admin/users/crash/authorizations', { scopes: ['repo'] });
  await api(s, 'POST', '/user/repos', { name: 'app' }, token);
  const ids: string[] = [];
  for (let i = 0; i < hooks; i++) {
    const h = await api(s, 'POST', '/repos/crash/app/hooks', { config: { url: gate.url(`/h${i}`), content_type: 'json', secret: 's' }, events: ['push'] }, token);
    ids.push(String(h.id));
  }
  await gate.until(() => gate.arrivals.filter((a) => a.event === 'ping').length === hooks, 'the pings');
  return { token, ids };
}

/** Every delivery of a hook through the API (cursor pages). */
async function logOf(s: Served, token: string, hookId: string): Promise<any[]> {
  const out: any[] = [];
  let url: string | null = `${s.base}/repos/crash/app/hooks/${hookId}/deliveries?per_page=100`;
  while (url) {
    const res: Response = await fetch(url, { headers: { authorization: `token ${token}` } });
    assert.equal(res.status, 200);
    out.push(...((await res.json()) as any[]));
    url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    if (url) url = s.base + new URL(url).pathname + new URL(url).search;
  }
  return out;
}

function postgresDatabase(t: TestContext) {
  const db = postgresSchema();
  t.after(() => db.drop());
  return { databaseUrl: db.url, secretKey: randomBytes(32).toString('hex') };
}

function tempDatabase(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { databaseUrl: `sqlite:${join(dir, 'hookline.db')}`, secretKey: randomBytes(32).toString('hex') };
}

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
