// Starting a Hookline child on a fresh database, and talking to it over HTTP as any client would.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { spawnChild, type Child, type processStats } from './common.js';
import { hookSecret, pushPayload, type BenchHook } from './payload.js';

export const ADMIN_TOKEN = `hookline-bench-admin-${randomBytes(8).toString('hex')}`;
const SECRET_KEY = randomBytes(32).toString('hex');
export const SCRATCH = join(tmpdir(), `hookline-bench-${process.pid}`);

export type Engine = 'sqlite' | 'postgres';

/** A fresh database URL for one Hookline child: a new SQLite file, or a recreated PostgreSQL database. */
/**
 * A fresh database for one scenario. PostgreSQL scenarios share `hookline_bench` unless they name their
 * own, as one that keeps its database for minutes does, so that a concurrent run's reset cannot end it.
 */
export async function freshDatabase(engine: Engine, name: string, postgresUrl: string, database = 'hookline_bench'): Promise<string> {
  if (engine === 'sqlite') {
    mkdirSync(SCRATCH, { recursive: true });
    const path = join(SCRATCH, `${name}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    return `sqlite:${path}`;
  }
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function dropBenchDatabase(postgresUrl: string, database = 'hookline_bench'): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
}

export interface HooklineOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Build the worker but start it only when asked (backlog and RSS measurements). */
  deferWorker?: boolean;
  /** Run this checkout's compiled build (its dist/) instead of this one's. */
  srcDir?: string | null;
  /** Write a V8 CPU profile of the child into this directory. */
  cpuProfDir?: string | null;
  name?: string;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

/** A Hookline child process and an HTTP client for it. */
export class Hookline {
  readonly http: Pool;
  userToken = '';

  private constructor(readonly child: Child, readonly base: string) {
    this.http = new Pool(base, { connections: 64, keepAliveTimeout: 60_000 });
  }

  static async start(o: HooklineOptions): Promise<Hookline> {
    const execArgv = ['--expose-gc'];
    // One directory per child: V8 writes a profile per thread (tsx's loader thread too), named by pid and thread.
    if (o.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(o.cpuProfDir, o.name ?? 'hookline')}`);
    const child = spawnChild('hookline-server.ts', {
      HOOKLINE_DATABASE_URL: o.databaseUrl,
      HOOKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKLINE_SECRET_KEY: SECRET_KEY,
      HOOKLINE_ALLOWED_HOSTS: 'loopback',
      HOOKLINE_PUBLIC_URL: 'http://127.0.0.1:3000',
      BENCH_DEFER_WORKER: o.deferWorker ? '1' : '0',
      ...(o.srcDir ? { BENCH_SRC_DIR: o.srcDir } : {}),
      ...o.env,
    }, execArgv);
    const { address } = await child.ready;
    return new Hookline(child, String(address));
  }

  async api(method: string, path: string, o: { token?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `token ${o.token ?? ADMIN_TOKEN}` };
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.http.request({
      method: method as 'GET', path, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const body = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body, json: () => JSON.parse(body) };
  }

  private async expect(status: number, method: string, path: string, o: { token?: string; body?: unknown } = {}): Promise<any> {
    const res = await this.api(method, path, o);
    if (res.status !== status) throw new Error(`${method} ${path} → ${res.status} ${res.body.slice(0, 300)}`);
    return res.body === '' ? null : res.json();
  }

  /** The user `bench` with a `repo` token; returns the token. */
  async user(login = 'bench'): Promise<string> {
    await this.expect(201, 'POST', '/admin/users', { body: { login, email: `${login}@example.com` } });
    this.userToken = (await this.expect(201, 'POST', `/admin/users/${login}/authorizations`, { body: { scopes: ['repo'] } })).token;
    return this.userToken;
  }

  async repo(name: string): Promise<{ id: number }> {
    return this.expect(201, 'POST', '/user/repos', { token: this.userToken, body: { name } });
  }

  /** Creates `count` json hooks with secrets on bench/<repo>, pointing at `urlOf(i)`. */
  async hooks(repo: string, count: number, urlOf: (i: number) => string, events = ['push']): Promise<BenchHook[]> {
    const made: BenchHook[] = [];
    for (let i = 0; i < count; i++) {
      const secret = hookSecret(i);
      const hook = await this.expect(201, 'POST', `/repos/bench/${repo}/hooks`, {
        token: this.userToken,
        body: { name: 'web', active: true, events, config: { url: urlOf(i), content_type: 'json', secret, insecure_ssl: '0' } },
      });
      made.push({ id: hook.id, url: urlOf(i), secret });
    }
    return made;
  }

  /** POST /hookline/events; resolves with the GUID once it is accepted (202). */
  async ingest(repo: string, payload: Record<string, unknown>, event = 'push'): Promise<string> {
    const res = await this.http.request({
      method: 'POST', path: '/hookline/events',
      headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event, repository: `bench/${repo}`, payload }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 202) throw new Error(`ingest → ${res.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text).guid;
  }

  /** Resolves when nothing is pending or in flight; fails after `timeoutMs` (a worker that stopped delivering). */
  idle(timeoutMs = 120_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`worker not idle after ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.child.call<boolean>('idle'), limit]).finally(() => clearTimeout(timer));
  }

  stats(): Promise<ReturnType<typeof processStats>> {
    return this.child.call('stats');
  }

  /** Statements and round trips the child has sent to PostgreSQL so far. */
  pgQueries(): Promise<{ statements: number; roundTrips: number; commits: number }> {
    return this.child.call('pgQueries');
  }

  async stop(): Promise<void> {
    await this.http.close().catch(() => undefined);
    await this.child.stop();
  }
}

/** Runs `fn(i)` for i in [0, total) with at most `concurrency` in flight. */
export async function pooled(total: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}

/** Posts `count` push events to bench/`repo` (100 distinct payloads, 8 requests in flight); each must get its 202. */
export async function ingestPushes(h: Hookline, repo: string, count: number): Promise<void> {
  const bodies = Array.from({ length: 100 }, (_, i) => `{"event":"push","repository":"bench/${repo}","payload":${JSON.stringify(pushPayload(i))}}`);
  await pooled(count, 8, async (i) => {
    const res = await h.http.request({
      method: 'POST', path: '/hookline/events', body: bodies[i % bodies.length],
      headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });
    await res.body.text();
    if (res.statusCode !== 202) throw new Error(`ingest → ${res.statusCode}`);
  });
}
