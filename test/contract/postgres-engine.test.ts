// What only the PostgreSQL adapter does: prepared statements that survive a newer process's migration
// and settle on a cached plan, and outcomes that PostgreSQL's text type could not hold as they were.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/storage/open.js';
import { Db } from '../../src/storage/postgres/db.js';
import { postgresDeliveries } from '../../src/storage/postgres/deliveries.js';
import { SUMMARY_COLUMNS } from '../../src/storage/delivery-row.js';
import { POSTGRES_URL, postgresSchema } from '../support/database.js';

const skip = !POSTGRES_URL && 'HOOKLINE_TEST_POSTGRES_URL is not set';
const NOW = '2026-01-01T00:00:00Z';

async function fixture() {
  const db = postgresSchema();
  const store = await openStore(db.url);
  const user = await store.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now: NOW });
  const repo = await store.insertRepository({ ownerId: user.id, name: 'hello', private: false, description: null, now: NOW });
  const owner = { type: 'repository' as const, id: repo.id };
  const config = { url: 'https://a.example/', contentType: 'json' as const, insecureSsl: '0' as const, secret: null, username: null, password: null };
  const hook = await store.insertHook(owner, { name: 'web', active: true, events: ['push'], config }, NOW, () => undefined);
  const schema = new URL(db.url).searchParams.get('schema')!;
  return { store, repo, owner, hook, schema, close: async () => (await store.close(), await db.drop()) };
}

test('a column added by a newer migration does not break statements this process prepared', { skip }, async () => {
  const f = await fixture();
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    for (let i = 0; i < 12; i++) assert.equal((await f.store.findHook(f.owner, f.hook.id))?.id, f.hook.id); // prepared on every pooled connection used
    await admin.query(`ALTER TABLE ${f.schema}.hooks ADD COLUMN added_later TEXT`);
    for (let i = 0; i < 12; i++) assert.equal((await f.store.findHook(f.owner, f.hook.id))?.id, f.hook.id);
  } finally {
    await admin.end();
    await f.close();
  }
});

test('an outcome with NUL characters is recorded (as U+FFFD) instead of failing forever', { skip }, async () => {
  const f = await fixture();
  try {
    await f.store.acceptEvent({ guid: 'g', event: 'push', action: null, repositoryId: f.repo.id, organizationId: null, payload: '{}', now: NOW },
      { owners: [f.owner], to: { subscribedTo: 'push' } }, 0);
    const [d] = await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 10, perHook: 10 });
    const recorded = await f.store.completeDelivery(d.id, 'w', {
      url: 'https://a.example/', status: 'OK', statusCode: 200, duration: 0.1, deliveredAt: NOW,
      requestHeaders: { 'X-GitHub-Event': 'push' }, responseHeaders: { 'x-odd': 'a\u0000b' }, responseBody: 'ok\u0000',
    });
    assert.equal(recorded, true);
    const detail = await f.store.findDelivery(f.hook.id, d.id);
    assert.equal(detail?.responseBody, 'ok\uFFFD');
  } finally {
    await f.close();
  }
});

test('a claim brings each event\'s payload once, on its first row, so sending needs no second query', { skip }, async () => {
  const f = await fixture();
  try {
    const second = await f.store.insertHook(f.owner, {
      name: 'web', active: true, events: ['push'],
      config: { url: 'https://b.example/', contentType: 'json', insecureSsl: '0', secret: null, username: null, password: null },
    }, NOW, () => undefined);
    for (const guid of ['e1', 'e2']) {
      await f.store.acceptEvent({ guid, event: 'push', action: null, repositoryId: f.repo.id, organizationId: null, payload: `{"n":"${guid}"}`, now: NOW },
        { owners: [f.owner], to: { subscribedTo: 'push' } }, 0);
    }
    const claimed = await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 10, perHook: 10 });
    assert.deepEqual(claimed.map((d) => [d.guid, d.hook.id, d.payload]), [
      ['e1', f.hook.id, '{"n":"e1"}'], ['e1', second.id, undefined],
      ['e2', f.hook.id, '{"n":"e2"}'], ['e2', second.id, undefined],
    ]);
  } finally {
    await f.close();
  }
});

test('payloads accepted together are stored byte for byte, whatever quotes, escapes and characters they hold', { skip }, async () => {
  const f = await fixture();
  try {
    const payloads = [
      JSON.stringify({ s: 'quote " backslash \\ brace } comma ,' }),
      JSON.stringify({ s: 'record separator \u001e, unit separator \u001f, newline \n' }),
      JSON.stringify({ s: 'ü — 🚀 \u2028' }),
      JSON.stringify({ s: 'NULL' }),
      '{}',
    ];
    await Promise.all(payloads.map((payload, i) => f.store.acceptEvent(
      { guid: `p${i}`, event: 'push', action: null, repositoryId: f.repo.id, organizationId: null, payload, now: NOW },
      { owners: [f.owner], to: { subscribedTo: 'push' } }, 0)));
    const claimed = await f.store.claimDue({ worker: 'w', now: 0, leaseUntil: 1000, limit: 10, perHook: 10 });
    assert.deepEqual(claimed.map((d) => [d.guid, d.payload]).sort(), payloads.map((p, i) => [`p${i}`, p]));
  } finally {
    await f.close();
  }
});

test('concurrent accepts share statements (group commit), each answered for its own event, a bad one failing alone', { skip }, async () => {
  const f = await fixture();
  // Every statement this process sends that stores events.
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let inserts = 0;
  proto.query = function counted(this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text ?? '';
    if (text.includes('INSERT INTO events')) inserts++;
    return original.apply(this, args);
  };
  try {
    const accept = (guid: string, payload = `{"n":"${guid}"}`, to: { subscribedTo: string } | { hookId: number } = { subscribedTo: 'push' }) =>
      f.store.acceptEvent({ guid, event: 'push', action: null, repositoryId: f.repo.id, organizationId: null, payload, now: NOW },
        { owners: [f.owner], to }, 0);
    const guids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const answers = await Promise.allSettled([
      ...guids.map((g) => accept(g)),
      accept('c7'), // the same guid again, in the same burst: stored once, answered with what is stored
      accept('none', '{}', { subscribedTo: 'issues' }), // no subscriber: stored, no delivery
    ]);
    // Two go out at once, the rest wait for them and go together.
    assert.ok(inserts <= 3, `${inserts} statements for ${answers.length} events`);
    // PostgreSQL text cannot hold NUL: that event fails, the others of its batch do not.
    const mixed = await Promise.allSettled(['m1', 'm2', 'm3', 'bad', 'm4'].map((g) => accept(g, g === 'bad' ? 'a\u0000b' : '{}')));
    assert.deepEqual(mixed.map((a) => a.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const value = (i: number) => {
      const a = answers[i];
      assert.equal(a.status, 'fulfilled', a.status === 'rejected' ? String(a.reason) : '');
      return (a as PromiseFulfilledResult<{ eventId: number; deliveries: number }>).value;
    };
    for (let i = 0; i < guids.length; i++) assert.equal(value(i).deliveries, 1, guids[i]);
    assert.deepEqual(value(guids.length), value(7));
    assert.equal(value(guids.length + 1).deliveries, 0);
    assert.equal(new Set(guids.map((_, i) => value(i).eventId)).size, guids.length);

    const admin = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${f.schema}` });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ guid: string; n: number }>(
        'SELECT e.guid, count(d.id)::int AS n FROM events e LEFT JOIN deliveries d ON d.event_id = e.id GROUP BY e.guid');
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.guid, r.n])), { ...Object.fromEntries([...guids, 'm1', 'm2', 'm3', 'm4'].map((g) => [g, 1])), none: 0 });
    } finally {
      await admin.end();
    }
  } finally {
    proto.query = original;
    await f.close();
  }
});

test('listing a hook\'s deliveries settles on one cached plan instead of planning every page', { skip }, async () => {
  const f = await fixture();
  // One connection, so the statements listed are the ones the listing prepared.
  const db = new Db({ connectionString: POSTGRES_URL, options: `-c search_path=${f.schema}`, max: 1 });
  try {
    await f.store.acceptEvent({ guid: 'g', event: 'push', action: null, repositoryId: f.repo.id, organizationId: null, payload: '{}', now: NOW },
      { owners: [f.owner], to: { subscribedTo: 'push' } }, 0);
    // Enough of a log that planning for a tenth of it (a bound LIMIT) costs more than a page.
    await db.query(
      `INSERT INTO deliveries (hook_id, event_id, guid, event, state, due_at, status, status_code, delivered_at, created_at)
       SELECT $1, (SELECT min(id) FROM events), 'g' || x, 'push', 'done', 0, 'OK', 200, $2, $2 FROM generate_series(1, 5000) x`,
      [f.hook.id, NOW],
    );
    await db.query('ANALYZE deliveries');
    const deliveries = postgresDeliveries(db, db, 'unused');
    for (let i = 0; i < 8; i++) assert.equal((await deliveries.listDeliveries({ hookId: f.hook.id, owner: f.owner, limit: 31 }))?.length, 31);
    const { rows } = await db.query<{ generic_plans: number }>(
      'SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE $1', [`%SELECT ${SUMMARY_COLUMNS} FROM deliveries %`],
    );
    assert.equal(rows.length, 1);
    assert.ok(rows[0].generic_plans > 0, 'the listing is planned afresh on every call');
  } finally {
    await db.close();
    await f.close();
  }
});
