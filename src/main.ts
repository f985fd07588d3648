#!/usr/bin/env node
// CLI entry: `hookline [serve [--no-worker] [--tls] | worker | migrate | help] [options]`.
import { UsageError, parseCommandLine } from './cli/args.js';
import { StartupError, describeStartupFailure } from './startup-error.js';
import { runMigrate } from './cli/migrate.js';
import { runServe } from './cli/serve.js';
import { ConfigError, loadConfig, type Config } from './config.js';

/** Kept for the failure handler: at debug level an unexpected failure also prints its stack. */
let config: Config | null = null;

async function main(argv: string[]): Promise<void> {
  const invocation = parseCommandLine(argv);
  if (invocation.kind === 'print') {
    console.log(invocation.text);
    return;
  }
  config = loadConfig(process.env, invocation.env, { runWorker: !invocation.noWorker }, { selfSignedTls: invocation.tls });
  if (invocation.command === 'migrate') return runMigrate(config);
  return runServe(config, { api: invocation.command === 'serve' });
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError) {
    console.error(`hookline: ${err.message}\nRun 'hookline --help' for usage.`);
    process.exit(2);
  }
  if (err instanceof ConfigError) {
    console.error(`hookline: ${err.message}`);
    process.exit(2);
  }
  console.error(`hookline: ${describeStartupFailure(err)}`);
  if (config && ['debug', 'trace'].includes(config.logLevel) && !(err instanceof StartupError)) console.error(err);
  process.exit(1);
});
