import type { Config } from '../config.js';
import { openStore } from '../storage/open.js';

/** Applies pending migrations and exits. */
export async function runMigrate(config: Config): Promise<void> {
  const store = await openStore(config.databaseUrl);
  await store.migrate();
  await store.close();
  console.log('hookline: database is up to date');
}
