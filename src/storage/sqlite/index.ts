// SQLite adapter (better-sqlite3): the embedded default. One connection, WAL; writes are short
// synchronous transactions, so no other writer can interleave with a read-check-write.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, Checkpointer } from './checkpointer.js';
import { withAccountCache } from '../account-cache.js';
import { readMigrations } from '../migrations.js';
import type { Store } from '../store.js';
import { sqliteAccountAdmin } from './account-admin.js';
import { sqliteAccounts } from './accounts.js';
import { sqliteApps } from './apps.js';
import { HookCache } from './hook-cache.js';
import { sqliteHooks } from './hooks.js';
import { sqliteDeliveries } from './deliveries.js';
import { sqliteDashboard } from './dashboard.js';
import { sqliteWorkers } from './workers.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** Opens `sqlite:<path>` or `sqlite::memory:`. */
export function openSqliteStore(url: string): Store {
  const path = url.replace(/^sqlite:/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL survives a process crash (the WAL is on disk); only an OS crash could lose the last commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  function migrate(): void {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    for (const m of readMigrations(MIGRATIONS_DIR)) {
      if (applied.has(m.version)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
      })();
    }
  }
  try {
    migrate();
  } catch (err) {
    db.close();
    throw err;
  }
  const hookCache = new HookCache(db);
  // Started once the schema is in place, so a failed migration leaves no thread behind.
  if (path !== ':memory:') db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  const checkpointer = path === ':memory:'
    ? null
    : new Checkpointer(path, (message) => process.emitWarning(`SQLite checkpoint thread: ${message}`));

  const apps = sqliteApps(db);
  const accounts = withAccountCache(sqliteAccounts(db), apps);
  return {
    capabilities: { multiProcess: false },
    migrate: async () => migrate(),
    close: async () => {
      await checkpointer?.stop();
      db.close();
    },
    ...accounts,
    ...sqliteAccountAdmin(db, hookCache),
    ...sqliteHooks(db, hookCache),
    ...sqliteDeliveries(db, hookCache),
    ...sqliteDashboard(db),
    ...apps,
    installationsReaching: accounts.installationsReaching, // the cached lookup, not the adapter's
    ...sqliteWorkers(db),
  };
}
