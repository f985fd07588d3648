// The real CLI as a child process, for crash and multi-process tests: `hookline serve` on a free port
// against a given database, a receiver that can hold requests open, and API shortcuts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { postgresSchema } from './database.js';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN = `crash-admin-${randomBytes(8).toString('hex')}`;
export const CONCURRENCY = 8;

/** One request as the gate saw it. */
interface Arrival { guid: string; hookId: string; event: string; phase: number }

/**
 * A receiver that can hold requests open (they stay in flight) until released. `phase` tags each
 * arrival with the server run it came from.
 */
export async function gateReceiver() {
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

export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** A running `hookline serve` and a fetch helper authenticated as the site administrator. */
export interface Served { child: ChildProcess; base: string; stdout: string[]; exited: Promise<number | null> }

export async function serve(
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
export async function printed(s: Served, pattern: RegExp, stderr = () => '') {
  let gone = false;
  void s.exited.then(() => { gone = true; });
  while (!pattern.test(s.stdout.join(''))) {
    if (gone) throw new Error(`hookline exited before printing ${pattern}:\n${s.stdout.join('')}\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function api(s: Served, method: string, path: string, body?: unknown, token = ADMIN): Promise<any> {
  const res = await fetch(`${s.base}${path}`, {
    method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A user owning crash/app with two push hooks on the gate; resolves after both pings arrived. */
export async function provision(s: Served, gate: Awaited<ReturnType<typeof gateReceiver>>, hooks: number) {
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
export async function logOf(s: Served, token: string, hookId: string): Promise<any[]> {
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

export function postgresDatabase(t: TestContext) {
  const db = postgresSchema();
  t.after(() => db.drop());
  return { databaseUrl: db.url, secretKey: randomBytes(32).toString('hex') };
}

export function tempDatabase(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { databaseUrl: `sqlite:${join(dir, 'hookline.db')}`, secretKey: randomBytes(32).toString('hex') };
}
