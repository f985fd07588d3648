// What only the SQLite adapter does: checkpoint its write-ahead log on a thread of its own (not inside the
// commits on the event loop), keep hooks cached between transactions without serving stale ones, and read
// its statements through the indexes meant for them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { BACKSTOP_AUTOCHECKPOINT_PAGES } from '../../src/storage/sqlite/checkpointer.js';
import { openStore } from '../../src/storage/open.js';
import { sqliteDashboard } from '../../src/storage/sqlite/dashboard.js';

const PAGE_BYTES = 4096;

test('the checkpoint thread copies committed pages into the database file while the store keeps writing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  const path = join(dir, 'hookline.db');
  const store = await openStore(`sqlite:${path}`);
  try {
    // ~8 MB of events: far more than SQLite's default 1 000-page threshold and far less than the main
    // connection's backstop, so only the thread can have moved these pages into the database file.
    const payload = JSON.stringify({ filler: 'x'.repeat(20_000) });
    const written = 400 * payload.length;
    assert.ok(written < (BACKSTOP_AUTOCHECKPOINT_PAGES * PAGE_BYTES) / 2);
    const before = statSync(path).size;
    for (let i = 0; i < 400; i++) {
      await store.acceptEvent(
        { guid: `g${i}`, event: 'push', action: null, repositoryId: null, organizationId: null, payload, now: '2026-01-01T00:00:00Z' },
        { owners: [], to: { subscribedTo: 'push' } },
        0,
      );
    }
    let size = statSync(path).size;
    for (let waited = 0; size - before < written * 0.9 && waited < 10_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      size = statSync(path).size;
    }
    assert.ok(size - before >= written * 0.9, `database file grew by ${size - before} bytes of ${written} written`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('closing the store stops the checkpoint thread, and closing twice does not hang', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  try {
    const store = await openStore(`sqlite:${join(dir, 'hookline.db')}`);
    await store.close();
    await store.close().catch(() => undefined); // a second close must not hang either
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a process that opens a store and never closes it still exits (the thread does not hold it open)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  try {
    const open = fileURLToPath(new URL('../../src/storage/open.ts', import.meta.url));
    const script = join(dir, 'open-and-leave.mts');
    writeFileSync(script, `import { openStore } from ${JSON.stringify(open)};\nawait openStore(${JSON.stringify(`sqlite:${join(dir, 'h.db')}`)});\nconsole.log('opened');\n`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 });
    assert.equal(stdout.trim(), 'opened');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the checkpoint thread also starts in a process run with --input-type=module', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  try {
    const open = new URL('../../src/storage/open.ts', import.meta.url).href;
    const script = `
      const { openStore } = await import(${JSON.stringify(open)});
      const failures = [];
      process.on('warning', (w) => failures.push(w.message));
      const store = await openStore(${JSON.stringify(`sqlite:${join(dir, 'h.db')}`)});
      await new Promise((r) => setTimeout(r, 300));
      await store.close();
      console.log(JSON.stringify(failures));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
    assert.deepEqual(JSON.parse(stdout.trim()), [], 'no warning from the checkpoint thread');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hooks cached by one connection are re-read after another connection (or process) changes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-cache-'));
  const url = `sqlite:${join(dir, 'hookline.db')}`;
  const worker = await openStore(url);
  const api = await openStore(url);
  try {
    const now = '2026-01-01T00:00:00Z';
    const user = await api.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now });
    const repo = await api.insertRepository({ ownerId: user.id, name: 'hello', private: false, description: null, now });
    const owner = { type: 'repository' as const, id: repo.id };
    const config = { contentType: 'json' as const, insecureSsl: '0' as const, secret: null, username: null, password: null };
    const hook = await api.insertHook(owner, { name: 'web', active: true, events: ['push'], config: { url: 'https://old.example/', ...config } }, now, () => undefined);
    const fanOut = { owners: [owner], to: { subscribedTo: 'push' } };
    const event = (guid: string) => ({ guid, event: 'push', action: null, repositoryId: repo.id, organizationId: null, payload: '{}', now });

    await worker.acceptEvent(event('one'), fanOut, 0);
    assert.deepEqual((await worker.claimDue({ worker: 'w', now: 1, leaseUntil: 1000, limit: 10, perHook: 10 })).map((d) => d.hook.config.url), ['https://old.example/']);

    await api.updateHook(owner, hook.id, now, (current) => ({ ...current, config: { ...current.config, url: 'https://new.example/' } }));
    await worker.acceptEvent(event('two'), fanOut, 0);
    assert.deepEqual((await worker.claimDue({ worker: 'w', now: 1, leaseUntil: 1000, limit: 10, perHook: 10 })).map((d) => d.hook.config.url), ['https://new.example/']);

    await api.updateHook(owner, hook.id, now, (current) => ({ ...current, active: false }));
    assert.equal((await worker.acceptEvent(event('three'), fanOut, 0)).deliveries, 0, 'a hook deactivated elsewhere gets nothing');
  } finally {
    await worker.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('leases taken in a group commit that rolls back are forgotten with it', async () => {
  const store = await openStore('sqlite::memory:');
  try {
    const now = '2026-01-01T00:00:00Z';
    const user = await store.insertAccount({ login: 'octo', type: 'User', email: null, name: null, siteAdmin: false, now });
    const repo = await store.insertRepository({ ownerId: user.id, name: 'hello', private: false, description: null, now });
    const owner = { type: 'repository' as const, id: repo.id };
    const config = { url: 'https://a.example/', contentType: 'json' as const, insecureSsl: '0' as const, secret: null, username: null, password: null };
    await store.insertHook(owner, { name: 'web', active: true, events: ['push'], config }, now, () => undefined);
    const event = (guid: string) => ({ guid, event: 'push', action: null, repositoryId: repo.id, organizationId: null, payload: '{}', now });
    for (const guid of ['a', 'b', 'c']) await store.acceptEvent(event(guid), { owners: [owner], to: { subscribedTo: 'push' } }, 0);

    // One turn: a claim that takes the hook to its cap of 3, then a write that fails. The group rolls
    // back and each write runs again on its own: the claim must not find its own phantom leases.
    const claim = store.claimDue({ worker: 'w', now: 1, leaseUntil: 1000, limit: 10, perHook: 3 });
    const failing = store.acceptEvent({ ...event('d'), payload: null as unknown as string }, { owners: [owner], to: { subscribedTo: 'push' } }, 0);
    await assert.rejects(failing, /NOT NULL/);
    assert.deepEqual((await claim).map((d) => d.guid), ['a', 'b', 'c']);
  } finally {
    await store.close();
  }
});

test('storing an event or a delivery builds no temporary table to check a column', async () => {
  // SQLite compiles `x IN (a, b, c)` over three or more constants into a temporary b-tree that every
  // execution of the statement fills first; a CHECK so written costs that on every row inserted.
  const dir = mkdtempSync(join(tmpdir(), 'hookline-schema-'));
  const path = join(dir, 'hookline.db');
  const store = await openStore(`sqlite:${path}`);
  const db = new Database(path); // read-only connections compile no CHECK constraints
  try {
    for (const table of ['events', 'deliveries']) {
      const opcodes = (db.prepare(`EXPLAIN INSERT INTO ${table} DEFAULT VALUES`).all() as Array<{ opcode: string }>).map((r) => r.opcode);
      assert.ok(opcodes.length > 0);
      assert.ok(!opcodes.includes('OpenEphemeral'), `inserting into ${table} fills a temporary table`);
    }
  } finally {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the dashboard queue figures read indexes, never the whole delivery log', async () => {
  // The log holds every completed delivery for days; the queue stats are read on every page view and scrape.
  const dir = mkdtempSync(join(tmpdir(), 'hookline-queue-'));
  const path = join(dir, 'hookline.db');
  const store = await openStore(`sqlite:${path}`);
  const db = new Database(path);
  const statements: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => (statements.push(sql), prepare(sql))) as typeof db.prepare;
  try {
    assert.deepEqual(await sqliteDashboard(db).queueStats(1000), { pending: 0, oldestDueAt: null, hooksDisabled: 0 });
    const reads = statements.filter((sql) => /FROM deliveries/.test(sql));
    assert.equal(reads.length, 2);
    for (const sql of reads) {
      const plan = (prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ now: 1000 }) as Array<{ detail: string }>).map((r) => r.detail);
      for (const step of plan.filter((d) => /\bdeliveries\b/.test(d))) assert.match(step, /INDEX/, `${sql}\n→ ${plan.join(' | ')}`);
    }
  } finally {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
