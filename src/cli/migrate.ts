import type { Config } from '../config.js';
import { databaseStartupError } from '../startup-error.js';
import { openStore } from '../storage/open.js';

/** Applies pending migrations and exits. */
export async function runMigrate(config: Config): Promise<void> {
  const store = await openStore(config.databaseUrl).catch((err) => {
    throw databaseStartupError(config.databaseUrl, err);
  });
  await store.migrate();
  await store.close();
  console.log('hookline: database is up to date');
}
