// Chooses the adapter from HOOKLINE_DATABASE_URL.
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite/index.js';

export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) return openSqliteStore(databaseUrl);
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('PostgreSQL is not supported yet (see issue 5); use sqlite:<path>');
  }
  throw new Error(`unsupported database URL ${databaseUrl}`);
}
