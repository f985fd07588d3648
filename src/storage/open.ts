// Chooses the adapter from HOOKLINE_DATABASE_URL.
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite/index.js';

export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) return openSqliteStore(databaseUrl);
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { openPostgresStore } = await import('./postgres/index.js');
    return openPostgresStore(databaseUrl);
  }
  throw new Error(`unsupported database URL ${databaseUrl}`);
}
