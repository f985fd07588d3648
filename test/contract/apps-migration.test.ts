// Migration 020 on a database that already has hooks: SQLite rebuilds the hooks table to widen its
// owner-type check, and must keep every hook, its id, and the ids already used by deleted hooks.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readMigrations } from '../../src/storage/migrations.js';
import { openStore } from '../../src/storage/open.js';

const SQLITE_MIGRATIONS = fileURLToPath(new URL('../../src/storage/sqlite/migrations', import.meta.url));
const draft = (url: string) => ({
  name: 'web', active: true, events: ['push'],
  config: { url, contentType: 'json' as const, insecureSsl: '0' as const, secret: null, username: null, password: null },
});

test('SQLite: hooks made before migration 020 survive it, and deleted hook ids stay unused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-020-'));
  const path = join(dir, 'hookline.db');
  try {
    // The schema as it was before 020, with three hooks of which the newest was deleted.
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    for (const m of readMigrations(SQLITE_MIGRATIONS).filter((m) => m.version < 20)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
    }
    const insert = db.prepare(`INSERT INTO hooks (owner_type, owner_id, name, active, events, url, content_type, insecure_ssl,
      created_at, updated_at) VALUES ('repository', 1, 'web', 1, '["push"]', ?, 'json', '0', 't', 't')`);
    for (const n of [1, 2, 3]) insert.run(`https://example.com/${n}`);
    db.prepare('DELETE FROM hooks WHERE id = 3').run();
    db.close();

    const store = await openStore(`sqlite:${path}`);
    try {
      const { hooks } = await store.listHooks({ type: 'repository', id: 1 }, 0, 10);
      assert.deepEqual(hooks.map((h) => [h.id, h.config.url]), [[1, 'https://example.com/1'], [2, 'https://example.com/2']]);
      const next = await store.insertHook({ type: 'repository', id: 1 }, draft('https://example.com/4'), 't', () => undefined);
      assert.equal(next.id, 4, 'the deleted hook id 3 is not reused');
      const appHook = await store.insertHook({ type: 'integration', id: 7 }, draft('https://example.com/app'), 't', () => undefined);
      assert.deepEqual(appHook.owner, { type: 'integration', id: 7 });
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
