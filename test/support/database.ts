// Which database a test app runs on. `HOOKLINE_TEST_ENGINE=postgres` (set by scripts/test.mjs when
// HOOKLINE_TEST_POSTGRES_URL is given) runs the same suites on PostgreSQL, each app in a fresh schema.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database URL for one test app and how to throw it away. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export const POSTGRES_URL = process.env.HOOKLINE_TEST_POSTGRES_URL ?? '';
export const ENGINE = process.env.HOOKLINE_TEST_ENGINE === 'postgres' && POSTGRES_URL ? 'postgres' : 'sqlite';

/** A fresh PostgreSQL schema on HOOKLINE_TEST_POSTGRES_URL. */
export function postgresSchema(): TestDatabase {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export function testDatabase(): TestDatabase {
  if (ENGINE === 'postgres') return postgresSchema();
  return { url: 'sqlite::memory:', drop: async () => undefined };
}
