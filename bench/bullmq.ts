// BullMQ, for the "usual alternative" baseline, is installed on first use into bench/.deps rather than
// listed in package.json: its optional native parts (msgpackr-extract for other platforms) are missing
// from some registry mirrors, which leaves package-lock.json incomplete and makes `npm ci` refuse it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DEPS = fileURLToPath(new URL('./.deps/', import.meta.url));
const VERSION = 'bullmq@6';

/** The bullmq module (untyped: its types live in the on-demand install, not in the project). */
export async function loadBullmq(): Promise<{ Queue: any; Worker: any }> {
  if (!existsSync(`${DEPS}node_modules/bullmq/package.json`)) {
    execFileSync('npm', ['install', '--prefix', DEPS, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', VERSION], { stdio: 'inherit' });
  }
  const require = createRequire(`${DEPS}index.js`);
  return import(pathToFileURL(require.resolve('bullmq')).href);
}
