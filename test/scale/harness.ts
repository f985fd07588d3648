// Shared by the scale-out proofs: the real CLI as child processes on one fresh PostgreSQL schema,
// receivers on 127.0.0.1 that log X-GitHub-Delivery and X-GitHub-Hook-ID, and bounded waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../support/cli-process.js';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { POSTGRES_URL } from '../support/database.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN = `scale-admin-${randomBytes(8).toString('hex')}`;

/** The `{ skip }` option of every scale test: they need a PostgreSQL server. */
export const needsPostgres = POSTGRES_URL ? false : 'set HOOKLINE_TEST_POSTGRES_URL to run the PostgreSQL scale-out tests';

/** Every child this process started, so none outlives it (also when a test throws or the runner exits). */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Cleanups for one test, run last-registered first after it ends (node:test runs `after` hooks in order). */
function cleanups(t: TestContext): (fn: () => unknown) => void {
  const stack: Array<() => unknown> = [];
  t.after(async () => {
    for (const fn of stack.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error('cleanup failed:', err);
      }
    }
  });
  return (fn) => void stack.push(fn);
}
const registries = new WeakMap<TestContext, (fn: () => unknown) => void>();
/** The test's cleanup stack (created on first use). */
export function defer(t: TestContext, fn: () => unknown): void {
  let push = registries.get(t);
  if (!push) registries.set(t, (push = cleanups(t)));
  push(fn);
}

export { freePort };

/** Options of `waitUntil`: how long at most, what to add to the error, and an abort (the test ended). */
export interface WaitOptions { timeoutMs?: number; detail?: () => string; signal?: AbortSignal }

/** Polls `done` until it holds; throws with `what` (and `detail()`) once `timeoutMs` has passed or on abort. */
export async function waitUntil(done: () => boolean | Promise<boolean>, what: string, opts: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (!(await done())) {
    if (opts.signal?.aborted) throw new Error(`stopped waiting for ${what}: the test ended`);
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} ${opts.detail?.() ?? ''}`.trim());
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One fresh schema on `base`, dropped when the test ends, and a client that queries inside it. */
export async function freshSchema(t: TestContext, base = POSTGRES_URL): Promise<{ url: string; db: pg.Client }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const db = new pg.Client({ connectionString: base, options: `-c search_path=${schema}` });
  await db.connect();
  db.on('error', () => undefined); // the restart test takes the server away under this client
  // Deferred first, so it runs last: after every child is gone.
  defer(t, async () => {
    await db.end().catch(() => undefined);
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.end();
    }
  });
  return { url: url.toString(), db };
}

/** A running `hookline` child: its output, how it ended, and (for API roles) its base URL. */
export interface Proc {
  child: ChildProcess;
  name: string;
  /** Its database sessions' application_name, so queries can tell this process's sessions apart. */
  appName: string;
  base: string;
  /** What it printed, less fastify's per-request info lines (two per request; `serve` logs at info). */
  output(): string;
  exited: Promise<void>;
  alive(): boolean;
}

const PER_REQUEST_LINE = /"msg":"(incoming request|request completed)"/;

/**
 * Starts `node --import tsx src/main.ts <args>`. API roles resolve once they print "API listening";
 * workers at once (they print nothing; their readiness is their LISTEN session, see `listening`).
 */
export async function hookline(t: TestContext, name: string, args: string[], env: Record<string, string>): Promise<Proc> {
  const api = args[0] === 'serve';
  const port = api ? await freePort() : 0;
  const database = new URL(env.HOOKLINE_DATABASE_URL);
  const appName = `${database.searchParams.get('schema') ?? 'hookline'}-${name}`;
  database.searchParams.set('application_name', appName);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port),
      HOOKLINE_ADMIN_TOKEN: ADMIN, HOOKLINE_ALLOWED_HOSTS: 'loopback',
      ...env,
      HOOKLINE_DATABASE_URL: database.toString(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) if (!PER_REQUEST_LINE.test(line)) lines.push(line);
  };
  child.stdout!.setEncoding('utf8').on('data', collect);
  child.stderr!.setEncoding('utf8').on('data', collect);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  defer(t, async () => {
    if (alive()) child.kill('SIGKILL');
    await exited;
  });
  const proc: Proc = {
    child, name, appName, base: `http://127.0.0.1:${port}`, exited, alive,
    output: () => [...lines, partial].join('\n'),
  };
  if (api) {
    await waitUntil(() => /API listening/.test(proc.output()) || !alive(), `${name} to listen`);
    if (!alive()) throw new Error(`${name} exited before listening:\n${proc.output()}`);
  }
  return proc;
}

/** A JSON call as the site administrator (or `token`); throws unless the answer is 2xx. */
export async function api(base: string, method: string, path: string, body?: unknown, token = ADMIN): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A user owning `<login>/app`, provisioned through the HTTP API; returns the user's token. */
export async function provisionRepo(base: string, login: string): Promise<string> {
  await api(base, 'POST', '/admin/users', { login, email: `${login}@example.com` });
  const { token } = await api(base, 'POST', `/admin/users/${login}/authorizations`, { scopes: ['repo'] });
  await api(base, 'POST', '/user/repos', { name: 'app' }, token);
  return token;
}

/** One request as a receiver logged it. */
export interface Arrival { delivery: string; hookId: string; event: string; at: number }

/** A webhook receiver on 127.0.0.1:0 that logs each delivery; `hold` keeps answers back until `release()`. */
export async function receiver(t: TestContext) {
  const arrivals: Arrival[] = [];
  const held: ServerResponse[] = [];
  const state = { hold: false };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.push({
        delivery: String(req.headers['x-github-delivery']), hookId: String(req.headers['x-github-hook-id']),
        event: String(req.headers['x-github-event']), at: Date.now(),
      });
      if (state.hold) held.push(res);
      else res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  defer(t, async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    arrivals,
    held,
    state,
    release() {
      state.hold = false;
      for (const res of held.splice(0)) if (!res.destroyed) res.end('ok');
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof receiver>>;

/** `guid/hookId`: one delivery row as both the receivers and the database name it. */
export const key = (guid: string, hookId: string | number) => `${guid}/${hookId}`;

/** How many of these processes have a session LISTENing for due deliveries (a worker's wake-up connection). */
export async function listening(db: pg.Client, procs: Proc[]): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE application_name = ANY($1) AND query LIKE 'LISTEN hookline_%'`,
    [procs.map((p) => p.appName)],
  );
  return rows[0].n;
}
