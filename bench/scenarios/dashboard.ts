// How fast the dashboard's pages and /metrics answer with many deliveries in the log (target: < 100 ms
// at 1 000 000). Fills a fresh database with completed deliveries spread over the last 48 hours across
// 20 hooks (one in ten failed), then times each page over app.inject() in this process.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export interface DashboardBenchOptions {
  engine: 'sqlite' | 'postgres';
  rows: number;
  /** Timed requests per page, after the first and one warm-up. */
  runs: number;
  postgresUrl: string;
  /** Progress lines (the fill takes a while at 1M rows). */
  log: (line: string) => void;
}

export interface PageTiming {
  page: string;
  firstMs: number;
  medianMs: number;
  p95Ms: number;
}

const HOOKS = 20;
const SPAN_SECONDS = 48 * 3600;

/** One fresh database and the admin token that provisions it. */
interface Target {
  o: DashboardBenchOptions;
  adminToken: string;
  scratch: string;
  schema: string;
  databaseUrl: string;
  open: () => Promise<App>;
}

async function call(target: Target, app: App, method: string, url: string, body?: unknown) {
  const res = await app.http.inject({ method: method as 'GET', url, payload: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `token ${target.adminToken}`, 'content-type': 'application/json' } });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Owner, repository, hooks and one event through the API; returns the hook ids and the repository's id. */
async function provision(target: Target): Promise<{ hookIds: number[]; repoId: number }> {
  const app = await target.open();
  try {
    await call(target, app, 'POST', '/admin/users', { login: 'bench', email: 'bench@example.com' });
    const { token } = await call(target, app, 'POST', '/admin/users/bench/authorizations', { scopes: ['repo'] });
    const repo = await app.http.inject({ method: 'POST', url: '/user/repos', payload: { name: 'hello' }, headers: { authorization: `token ${token}` } });
    const hookIds: number[] = [];
    for (let i = 0; i < HOOKS; i++) {
      const hook = await call(target, app, 'POST', '/repos/bench/hello/hooks', { config: { url: `https://bench${i}.example.com/`, content_type: 'json' }, events: ['push'], active: i !== 0 });
      hookIds.push(hook.id);
    }
    await call(target, app, 'POST', '/hookline/events', { event: 'push', repository: 'bench/hello', payload: {} });
    return { hookIds, repoId: repo.json().id };
  } finally {
    await app.close();
  }
}

/** Completed deliveries, generated inside the database (one statement), newest `now`. */
async function fill(target: Target, hookIds: number[], repoId: number): Promise<void> {
  const { rows, engine, postgresUrl } = target.o;
  const end = Math.floor(Date.now() / 1000);
  const start = end - SPAN_SECONDS;
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${target.schema}` });
    await client.connect();
    await client.query(
      `INSERT INTO deliveries (hook_id, event_id, guid, event, repository_id, state, due_at, attempts, url, status, status_code,
                               duration, delivered_at, request_headers, response_headers, response_body, created_at)
       SELECT ($1::bigint[])[1 + i % $2], (SELECT min(id) FROM events), 'bench-' || i, 'push', $3, 'done', ($4::bigint + i * $5::bigint / $6) * 1000, 1,
              'https://bench.example/', CASE WHEN i % 10 = 0 THEN 'Invalid HTTP Response: 500' ELSE 'OK' END,
              CASE WHEN i % 10 = 0 THEN 500 ELSE 200 END, 0.05,
              to_char(to_timestamp($4::bigint + i * $5::bigint / $6) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '{}', '{}', 'ok',
              to_char(to_timestamp($4::bigint + i * $5::bigint / $6) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
       FROM generate_series(1, $6) AS i`,
      [hookIds, hookIds.length, repoId, start, SPAN_SECONDS, rows],
    );
    await client.query('ANALYZE deliveries');
    await client.end();
    return;
  }
  const db = new Database(target.databaseUrl.slice('sqlite:'.length));
  db.prepare(
    `WITH RECURSIVE n(i, at) AS (SELECT 1, @start UNION ALL SELECT i + 1, @start + CAST((i + 1) * @span / @rows AS INTEGER) FROM n WHERE i < @rows)
     INSERT INTO deliveries (hook_id, event_id, guid, event, repository_id, state, due_at, attempts, url, status, status_code,
                             duration, delivered_at, request_headers, response_headers, response_body, created_at)
     SELECT json_extract(@ids, '$[' || CAST(i % @hooks AS INTEGER) || ']'), (SELECT min(id) FROM events), 'bench-' || i, 'push', @repo, 'done',
            at * 1000, 1, 'https://bench.example/',
            CASE WHEN i % 10 = 0 THEN 'Invalid HTTP Response: 500' ELSE 'OK' END, CASE WHEN i % 10 = 0 THEN 500 ELSE 200 END, 0.05,
            strftime('%Y-%m-%dT%H:%M:%SZ', at, 'unixepoch'), '{}', '{}', 'ok', strftime('%Y-%m-%dT%H:%M:%SZ', at, 'unixepoch')
     FROM n`,
  ).run({ rows, ids: JSON.stringify(hookIds), hooks: hookIds.length, repo: repoId, start, span: SPAN_SECONDS });
  db.exec('ANALYZE');
  db.close();
}

/** Signs in through the dashboard's own form and returns the cookie header. */
async function signIn(target: Target, app: App): Promise<string> {
  const form = await app.http.inject({ method: 'GET', url: '/dashboard' });
  const csrfCookie = String(form.headers['set-cookie']).split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1];
  const res = await app.http.inject({
    method: 'POST', url: '/dashboard/sign-in', payload: new URLSearchParams({ token: target.adminToken, _csrf: csrf }).toString(),
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
  const session = [res.headers['set-cookie']].flat().map(String).find((c) => c.startsWith('hookline_session='))!.split(';')[0];
  return `${csrfCookie}; ${session}`;
}

/** The first request (the owner page then counts and keeps 22 hours of health), then `runs` more after one warm-up. */
async function time(app: App, runs: number, url: string, headers: Record<string, string>): Promise<Omit<PageTiming, 'page'>> {
  const samples: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const res = await app.http.inject({ method: 'GET', url, headers });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    samples.push(performance.now() - t0);
  }
  const [first, , ...rest] = samples;
  rest.sort((a, b) => a - b);
  return { firstMs: first, medianMs: rest[Math.floor(rest.length / 2)], p95Ms: rest[Math.min(rest.length - 1, Math.ceil(rest.length * 0.95) - 1)] };
}

export async function dashboardPages(o: DashboardBenchOptions): Promise<PageTiming[]> {
  const scratch = join(tmpdir(), `hookline-dashboard-bench-${process.pid}`);
  const schema = `dash_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = o.engine === 'postgres'
    ? `${o.postgresUrl}${o.postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`
    : `sqlite:${join(scratch, 'bench.db')}`;
  const adminToken = `dashboard-bench-${randomBytes(8).toString('hex')}`;
  mkdirSync(scratch, { recursive: true });
  const config = loadConfig({
    HOOKLINE_DATABASE_URL: databaseUrl, HOOKLINE_ADMIN_TOKEN: adminToken, HOOKLINE_DATA_DIR: scratch,
  }, {}, { runWorker: false });
  const target: Target = { o, adminToken, scratch, schema, databaseUrl, open: () => buildApp({ config }) };
  try {
    const { hookIds, repoId } = await provision(target);
    const t0 = performance.now();
    await fill(target, hookIds, repoId);
    o.log(`filled ${o.rows.toLocaleString('en-US')} deliveries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const app = await target.open();
    try {
      const cookie = await signIn(target, app);
      const hook = `/dashboard/repos/bench/hello/hooks/${hookIds[1]}`;
      const [newest] = await call(target, app, 'GET', `/repos/bench/hello/hooks/${hookIds[1]}/deliveries?per_page=1`);
      const pages: Array<[string, string, Record<string, string>]> = [
        ['overview', '/dashboard', { cookie }],
        [`owner (${HOOKS} hooks, 24 h health)`, '/dashboard/repos/bench/hello', { cookie }],
        ['hook (recent deliveries)', hook, { cookie }],
        ['delivery', `${hook}/deliveries/${newest.id}`, { cookie }],
        ['site status', '/dashboard/site', { cookie }],
        ['/metrics', '/metrics', { authorization: `Bearer ${adminToken}` }],
      ];
      const out: PageTiming[] = [];
      for (const [page, url, headers] of pages) out.push({ page, ...(await time(app, o.runs, url, headers)) });
      return out;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    if (o.engine === 'postgres') {
      const client = new pg.Client({ connectionString: o.postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
}
