// The engines a Store contract runs on: SQLite always, PostgreSQL when HOOKLINE_TEST_POSTGRES_URL is set.
import { openStore } from '../../src/storage/open.js';
import type { Store } from '../../src/storage/store.js';
import { POSTGRES_URL, postgresSchema } from './database.js';

/** One engine: whether to skip it, and how to open a fresh store on it (and throw it away). */
export interface StoreEngine {
  name: string;
  skip: boolean;
  open(): Promise<{ store: Store; drop(): Promise<void> }>;
}

export const storeEngines: StoreEngine[] = [
  { name: 'sqlite', skip: false, open: async () => ({ store: await openStore('sqlite::memory:'), drop: async () => undefined }) },
  {
    name: 'postgres',
    skip: !POSTGRES_URL,
    open: async () => {
      const db = postgresSchema();
      return { store: await openStore(db.url), drop: db.drop };
    },
  },
];
