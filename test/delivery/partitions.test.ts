// PostgreSQL's daily partitions of the deliveries log: past days are dropped whole while a retry waiting
// from such a day is kept and made, a row of a day without a partition lands in DEFAULT and is
// delivered, and processes racing to make the same day do not fail.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import { ENGINE, postgresSchema } from '../support/database.js';
import { ManualClock } from '../support/hooks.js';
import { after, allDeliveries, arrivals, byEvent, deliveryRig, hook, ingest } from './fixtures.js';

const skip = ENGINE !== 'postgres' && 'the deliveries log is partitioned on PostgreSQL only';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** A fresh schema and a client on it, both gone when the test ends. */
async function schemaFor(t: TestContext): Promise<{ url: string; sql: pg.Client }> {
  const database = postgresSchema();
  const schema = new URL(database.url).searchParams.get('schema')!;
  const sql = new pg.Client({ connectionString: process.env.HOOKLINE_TEST_POSTGRES_URL, options: `-c search_path=${schema}` });
  await sql.connect();
  t.after(async () => {
    await sql.end();
    await database.drop();
  });
  return { url: database.url, sql };
}

/** The partitions of the log (completed deliveries), by name. */
async function partitions(sql: pg.Client): Promise<string[]> {
  const { rows } = await sql.query(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'deliveries_done'::regclass ORDER BY c.relname`,
  );
  return rows.map((r) => r.relname);
}

/** Rows per partition (its state too), for the rows of `hookIds`. */
async function rowsByPartition(sql: pg.Client, hookIds: number[]): Promise<string[]> {
  const { rows } = await sql.query(
    `SELECT tableoid::regclass::text AS part, state, count(*)::int AS n FROM deliveries WHERE hook_id = ANY($1::bigint[])
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [hookIds],
  );
  return rows.map((r) => `${r.part} ${r.state} ${r.n}`);
}

test('pruning drops whole past days as partitions, keeps the retries waiting from them, and the latest push', { skip }, async (t) => {
  const { url, sql } = await schemaFor(t);
  const clock = new ManualClock(new Date('2026-03-01T23:00:00Z'));
  const rig = await deliveryRig(t, { HOOKLINE_DELIVERY_RETENTION_DAYS: '1', HOOKLINE_RETRY_SCHEDULE: '1m' }, { clock, databaseUrl: url });
  const { app, receiver, token, path } = rig;
  assert.equal(await app.pruner!.pruneOnce(), 0);
  assert.deepEqual((await partitions(sql)).filter((p) => p.startsWith('deliveries_202603')), ['deliveries_20260301', 'deliveries_20260302', 'deliveries_20260303'],
    'the pruner makes the clock\'s day and two ahead');
  const ok = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  const busy = await hook(app, token, path, receiver.url('/status/503?retry-after=86400'), { events: ['issues'] });
  await ingest(app, { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/main' } });
  await ingest(app, { event: 'issues', repository: 'alice/hello', payload: {} });
  await arrivals(receiver, byEvent('issues', busy.id), 1);
  await app.worker!.idle();
  assert.deepEqual(await rowsByPartition(sql, [ok.id, busy.id]), ['deliveries_20260301 done 4', 'deliveries_pending pending 2'],
    'two pings and two events, and the busy hook\'s ping and issue wait a day to be tried again');

  // The worker is away while March 1st passes the one-day window: the day goes whole, and the retries
  // waiting (in the queue, in no day) stay.
  await app.worker!.stop();
  clock.advance(DAY + HOUR + 1000);
  assert.equal(await app.pruner!.pruneOnce(), 4);
  const left = await partitions(sql);
  assert.ok(!left.includes('deliveries_20260301'), `March 1st is dropped: ${left.join(', ')}`);
  assert.ok(left.includes('deliveries_20260304') && left.includes('deliveries_default'), 'the days ahead are made');
  assert.equal((await sql.query("SELECT to_regclass('deliveries_20260301') AS t")).rows[0].t, null);
  assert.deepEqual(await rowsByPartition(sql, [ok.id, busy.id]), ['deliveries_pending pending 2']);
  assert.deepEqual(await allDeliveries(app, token, `${path}/${ok.id}`), []);

  // Back at work, the receiver answers; the retries, of a day no longer there, are logged in DEFAULT and
  // pruned from it.
  assert.equal((await app.call('PATCH', `${path}/${busy.id}/config`, { token, body: { url: receiver.url('/ok') } })).statusCode, 200);
  app.worker!.start();
  await after(rig, clock, 0);
  assert.deepEqual(await rowsByPartition(sql, [ok.id, busy.id]), ['deliveries_default done 2']);
  assert.equal((await allDeliveries(app, token, `${path}/${busy.id}`)).length, 2);
  assert.equal(await app.pruner!.pruneOnce(), 2);
  assert.deepEqual(await rowsByPartition(sql, [ok.id, busy.id]), []);

  // The latest push outlives its deliveries: the test endpoint re-sends it.
  const before = receiver.received.length;
  assert.equal((await app.call('POST', `${path}/${ok.id}/tests`, { token })).statusCode, 204);
  await app.worker!.idle();
  const resent = receiver.received.slice(before);
  assert.equal(resent.length, 1);
  assert.equal(JSON.parse(resent[0].body.toString()).ref, 'refs/heads/main');
});

test('a clock far in the past or future: rows land in DEFAULT, are delivered, and move into their day once it is made', { skip }, async (t) => {
  const { url, sql } = await schemaFor(t);
  const clock = new ManualClock(new Date('2001-01-01T12:00:00Z'));
  const { app, receiver, token, path } = await deliveryRig(t, {}, { clock, databaseUrl: url });
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  await app.worker!.idle();

  clock.advance(10 * DAY); // January 11th, 2001: no partition
  await ingest(app, { event: 'issues', repository: 'alice/hello', payload: { n: 'past' } });
  clock.advance(100 * 365 * DAY); // 2100
  const future = clock.now().toISOString().slice(0, 10);
  await ingest(app, { event: 'issues', repository: 'alice/hello', payload: { n: 'future' } });
  await arrivals(receiver, byEvent('issues', h.id), 2);
  await app.worker!.idle();
  const listed = await allDeliveries(app, token, `${path}/${h.id}`);
  assert.deepEqual(listed.map((d) => [d.event, d.status_code]), [['issues', 200], ['issues', 200], ['ping', 200]]);
  assert.deepEqual(await rowsByPartition(sql, [h.id]), ['deliveries_20010101 done 1', 'deliveries_default done 2']);

  // The pruner's run makes the clock's day, which takes its row out of DEFAULT; 2001 is long past the
  // window, and its row in DEFAULT is deleted.
  assert.equal(await app.pruner!.pruneOnce(), 2);
  assert.deepEqual(await rowsByPartition(sql, [h.id]), [`deliveries_${future.replaceAll('-', '')} done 1`]);
  assert.ok(!(await partitions(sql)).includes('deliveries_20010101'));
  const [only] = await allDeliveries(app, token, `${path}/${h.id}`);
  assert.equal(only.id, listed[0].id);
  assert.equal((await app.call('GET', `${path}/${h.id}/deliveries/${only.id}`, { token })).statusCode, 200);
});

test('processes starting together and making the same days do not fail, and each day is made once', { skip }, async (t) => {
  const { url, sql } = await schemaFor(t);
  const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(url)));
  t.after(() => Promise.all(stores.map((s) => s.close())));
  await Promise.all(stores.map((s) => s.prepareDays('2030-05-05T10:00:00Z')));
  const days = (await partitions(sql)).filter((p) => p.startsWith('deliveries_2030'));
  assert.deepEqual(days, ['deliveries_20300505', 'deliveries_20300506', 'deliveries_20300507']);
});
