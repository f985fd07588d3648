// PostgreSQL adapter (pg): for scale-out, where any number of API processes and workers share one database.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { withAccountCache } from '../account-cache.js';
import { readMigrations } from '../migrations.js';
import type { Store } from '../store.js';
import { postgresAccountAdmin } from './account-admin.js';
import { postgresAccounts } from './accounts.js';
import { postgresApps } from './apps.js';
import { Db } from './db.js';
import { dueChannel, postgresDeliveries } from './deliveries.js';
import { postgresHooks } from './hooks.js';
import { postgresDashboard } from './dashboard.js';
import { makeDaysAtStart } from './partitions.js';
import { postgresWorkers } from './workers.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));
/** Advisory lock key held while migrating, so concurrent starts apply each migration once. */
const MIGRATION_LOCK = 7_246_001;

/**
 * Opens `postgres://…`. A `schema` query parameter (Hookline's own) puts every table in that schema,
 * which lets tests and several installations share one database.
 */
export async function openPostgresStore(url: string): Promise<Store> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const connectionString = parsed.toString();
  const options = schema ? `-c search_path=${schema}` : undefined;
  const db = new Db({ connectionString, options });
  // The worker's own few connections (deliveries.ts says why); a pool connects only when first used.
  const queue = new Db({ connectionString, options, max: 4 });

  async function migrate(): Promise<void> {
    const client = new pg.Client({ connectionString, options });
    // A server going away mid-migration fails the pending query; without a listener the 'error' event
    // pg also emits would crash the process instead.
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (const m of readMigrations(MIGRATIONS_DIR)) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await client.end();
    }
  }
  await migrate();
  await makeDaysAtStart(db, new Date().toISOString());

  const channel = dueChannel(schema);
  const deliveries = postgresDeliveries(db, queue, channel);
  const apps = postgresApps(db);
  const accounts = withAccountCache(postgresAccounts(db), apps);
  return {
    capabilities: { multiProcess: true },
    migrate,
    close: async () => {
      await Promise.all([db.close(), queue.close()]);
    },
    ...accounts,
    ...postgresAccountAdmin(db),
    ...postgresHooks(db),
    ...deliveries,
    ...postgresDashboard(db),
    ...apps,
    installationsReaching: accounts.installationsReaching, // the cached lookup, not the adapter's
    ...postgresWorkers(queue, channel),
    listenForDue: (listener) => listen(connectionString, options, channel, listener),
  };
}

/** A dedicated LISTEN connection that reconnects by itself after the database comes back. */
async function listen(connectionString: string, options: string | undefined, channel: string, listener: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString, options });
    c.on('notification', () => listener());
    c.on('error', () => reconnect());
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      client = c;
      listener(); // rows may have been queued while we were not listening
    } catch {
      await c.end().catch(() => undefined);
      reconnect();
    }
  };
  const reconnect = () => {
    const old = client;
    client = null;
    void old?.end().catch(() => undefined);
    if (!closed && !retry) retry = setTimeout(() => ((retry = null), void connect()), 1000);
  };
  await connect();
  return async () => {
    closed = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
