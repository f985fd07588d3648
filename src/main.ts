#!/usr/bin/env node
// CLI entry: `hookline serve [--no-worker]`, `hookline worker`, `hookline migrate`.
import { ConfigError, flagsToEnv, loadConfig } from './config.js';
import { runMigrate } from './cli/migrate.js';
import { runServe } from './cli/serve.js';

const USAGE = `usage: hookline <serve [--no-worker] | worker | migrate> [--port N] [--host H] [--database-url URL] [--public-url URL] [--allowed-hosts LIST]`;

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...flags] = argv;
  const { env, rest } = flagsToEnv(flags);
  const noWorker = rest.includes('--no-worker');
  const unknown = rest.filter((f) => f !== '--no-worker');
  if (unknown.length > 0) throw new ConfigError([`unknown option ${unknown.join(' ')}`, USAGE]);
  const config = loadConfig(process.env, env, { runWorker: !noWorker });
  if (command === 'serve') return runServe(config, { api: true });
  if (command === 'worker') return runServe(config, { api: false });
  if (command === 'migrate') return runMigrate(config);
  throw new ConfigError([`unknown command "${command}"`, USAGE]);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`hookline: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
