// List-deliveries latency for one hook holding 1 000, then 1 000 000 delivery rows, on either engine.
// Rows are seeded straight into the database between two runs of the server: through the API a million
// deliveries would take longer than the whole benchmark. On PostgreSQL they are spread over the last
// SEEDED_DAYS days, each its own partition, as a week of retained log is. Requests go one at a time over
// keep-alive: the first page, pages reached through `Link: rel="next"`, and pages at random depths.
import Database from 'better-sqlite3';
import pg from 'pg';
import { machineCpu, now, percentile, stealShareSince, type BenchOptions } from '../common.js';
import { dropBenchDatabase, freshDatabase, Hookline, type Engine } from '../hookline.js';
import type { Receiver } from '../receiver.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';

export interface ListPoint {
  rows: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  /** p99 of the first page alone, and of pages at random depths (keyset cursors). */
  firstPageP99: number;
  deepPageP99: number;
  /** p99 of `?status=failure` (5 % of rows fail). */
  failureFilterP99: number;
  /** Share of the machine's core time the host gave to other guests while this was measured. */
  hostSteal: number;
}

const REQUEST_HEADERS = JSON.stringify({
  Accept: '*/*', 'Content-Type': 'application/json', 'User-Agent': 'GitHub-Hookshot/bench00',
  'X-GitHub-Delivery': '00000000-0000-4000-8000-000000000000', 'X-GitHub-Event': 'push', 'X-GitHub-Hook-ID': '1',
  'X-GitHub-Hook-Installation-Target-ID': '1', 'X-GitHub-Hook-Installation-Target-Type': 'repository',
  'X-Hub-Signature': `sha1=${'a'.repeat(40)}`, 'X-Hub-Signature-256': `sha256=${'b'.repeat(64)}`,
});
const RESPONSE_HEADERS = JSON.stringify({ 'content-type': 'text/plain', date: 'Fri, 02 Jan 2026 03:04:05 GMT', connection: 'keep-alive', 'keep-alive': 'timeout=5', 'content-length': '2' });

const DAY_MS = 24 * 60 * 60 * 1000;
const SEEDED_DAYS = 8;

/** Adds done deliveries for `hookId` until it has `rows`; ids keep increasing, as real ones do. */
function seedSqlite(path: string, hookId: number, rows: number): void {
  const db = new Database(path);
  try {
    db.pragma('synchronous = OFF');
    const have = db.prepare('SELECT count(*) FROM deliveries WHERE hook_id = ?').pluck().get(hookId) as number;
    const ref = db.prepare('SELECT event_id, repository_id, url FROM deliveries WHERE hook_id = ? LIMIT 1').get(hookId) as
      { event_id: number; repository_id: number; url: string };
    const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const insert = db.prepare(`WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < @count)
      INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, state, due_at, attempts,
                              url, status, status_code, duration, delivered_at, request_headers, response_headers, response_body, created_at)
      SELECT @hook, @event, lower(hex(randomblob(16))), 'push', NULL, @repo, (x % 50 = 0), 'done', @due, 1, @url,
             CASE WHEN x % 20 = 0 THEN 'Invalid HTTP Response: 500' ELSE 'OK' END,
             CASE WHEN x % 20 = 0 THEN 500 ELSE 200 END, 0.01, @stamp, @req, @res, 'ok', @stamp
      FROM n`);
    const batch = 100_000;
    for (let left = rows - have; left > 0; left -= batch) {
      db.transaction(() => insert.run({
        count: Math.min(batch, left), hook: hookId, event: ref.event_id, repo: ref.repository_id, due: Date.now(),
        url: ref.url, stamp, req: REQUEST_HEADERS, res: RESPONSE_HEADERS,
      }))();
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

async function measure(h: Hookline, hookId: number, rows: number, requests: number): Promise<ListPoint> {
  const base = `/repos/bench/list/hooks/${hookId}/deliveries`;
  const ids = (await h.api('GET', `${base}?per_page=100`, { token: h.userToken })).json() as Array<{ id: number }>;
  const newest = ids[0].id;
  const timed = async (path: string) => {
    const t = now();
    const res = await h.api('GET', path, { token: h.userToken });
    const ms = now() - t;
    if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${res.body.slice(0, 200)}`);
    return { ms, res };
  };
  const all: number[] = [];
  const first: number[] = [];
  const deep: number[] = [];
  const failure: number[] = [];
  let next: string | null = null;
  const machine = machineCpu();
  for (let i = 0; i < requests; i++) {
    const kind = i % 4;
    if (kind === 0) {
      const { ms, res } = await timed(base);
      first.push(ms);
      all.push(ms);
      next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1] ?? null;
    } else if (kind === 1 && next) {
      const { ms, res } = await timed(new URL(next).pathname + new URL(next).search);
      all.push(ms);
      next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1] ?? null;
    } else if (kind === 2) {
      // A page at a random depth: the cursor is opaque to clients, but the benchmark knows its keyset form.
      const before = newest - Math.floor(Math.random() * rows);
      const cursor = Buffer.from(JSON.stringify({ before })).toString('base64url');
      const { ms } = await timed(`${base}?cursor=${cursor}`);
      deep.push(ms);
      all.push(ms);
    } else {
      const { ms } = await timed(`${base}?status=failure`);
      failure.push(ms);
      all.push(ms);
    }
  }
  return {
    rows, requests: all.length, p50: percentile(all, 50), p95: percentile(all, 95), p99: percentile(all, 99),
    firstPageP99: percentile(first, 99), deepPageP99: percentile(deep, 99), failureFilterP99: percentile(failure, 99),
    hostSteal: stealShareSince(machine),
  };
}

/**
 * seedSqlite's rows on PostgreSQL, their creation times rising evenly over the last SEEDED_DAYS days
 * (with the ids), into day partitions made as the pruner makes them.
 */
async function seedPostgres(url: string, hookId: number, rows: number): Promise<void> {
  const store = await openPostgresStore(url);
  try {
    for (let day = SEEDED_DAYS; day > 0; day -= 3) await store.prepareDays(new Date(Date.now() - day * DAY_MS).toISOString());
  } finally {
    await store.close();
  }
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const have = Number((await db.query('SELECT count(*) FROM deliveries WHERE hook_id = $1', [hookId])).rows[0].count);
    const ref = (await db.query('SELECT event_id, repository_id, url FROM deliveries WHERE hook_id = $1 LIMIT 1', [hookId])).rows[0];
    const start = Date.now() - SEEDED_DAYS * DAY_MS;
    const batch = 100_000;
    for (let done = have; done < rows; done += batch) {
      const count = Math.min(batch, rows - done);
      await db.query(
        `INSERT INTO deliveries (hook_id, event_id, guid, event, action, repository_id, redelivery, state, due_at, attempts,
                                 url, status, status_code, duration, delivered_at, request_headers, response_headers, response_body, created_at)
         SELECT $1, $2, md5(random()::text), 'push', NULL, $3, (x % 50 = 0), 'done', $4, 1, $5,
                CASE WHEN x % 20 = 0 THEN 'Invalid HTTP Response: 500' ELSE 'OK' END,
                CASE WHEN x % 20 = 0 THEN 500 ELSE 200 END, 0.01, stamp, $6, $7, 'ok', stamp
         FROM generate_series($8::int, $9::int) AS x,
              LATERAL (SELECT to_char(to_timestamp(($10::bigint + x::bigint * $11::bigint / $9::bigint) / 1000.0) AT TIME ZONE 'UTC',
                                      'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS stamp) s
         ORDER BY x`,
        [hookId, ref.event_id, ref.repository_id, Date.now(), ref.url, REQUEST_HEADERS, RESPONSE_HEADERS, done + 1, done + count,
          start, SEEDED_DAYS * DAY_MS],
      );
    }
    await db.query('VACUUM ANALYZE deliveries');
  } finally {
    await db.end();
  }
}

export async function listDeliveries(o: BenchOptions, receiver: Receiver, engine: Engine = 'sqlite'): Promise<ListPoint[]> {
  const name = engine === 'sqlite' ? 'list' : 'list_postgres';
  const database = 'hookline_bench_list';
  const databaseUrl = await freshDatabase(engine, name, o.postgresUrl, database);
  try {
    return await measureAtSizes(o, receiver, engine, name, databaseUrl);
  } finally {
    if (engine === 'postgres') await dropBenchDatabase(o.postgresUrl, database);
  }
}

async function measureAtSizes(o: BenchOptions, receiver: Receiver, engine: Engine, name: string, databaseUrl: string): Promise<ListPoint[]> {
  let h = await Hookline.start({ databaseUrl, name, cpuProfDir: o.cpuProfDir });
  const token = await h.user();
  await h.repo('list');
  const [hook] = await h.hooks('list', 1, () => receiver.url('/list'));
  await h.idle(); // the ping is the hook's first delivery
  await h.stop();
  const requests = o.quick ? 1_000 : 4_000;
  const points: ListPoint[] = [];
  for (const rows of [1_000, 1_000_000]) {
    if (engine === 'sqlite') seedSqlite(databaseUrl.slice('sqlite:'.length), hook.id, rows);
    else await seedPostgres(databaseUrl, hook.id, rows);
    h = await Hookline.start({ databaseUrl, name, cpuProfDir: o.cpuProfDir });
    h.userToken = token;
    try {
      await measure(h, hook.id, rows, 200); // warm-up
      points.push(await measure(h, hook.id, rows, requests));
    } finally {
      await h.stop();
    }
  }
  return points;
}
