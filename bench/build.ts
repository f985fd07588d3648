// Hookline is measured as `npm start` runs it: the JavaScript tsc compiles into dist/, not src/ through
// tsx. tsx's esbuild transform names every function expression with a helper call when it is created
// (keepNames), so a closure created per delivery cost a property definition per delivery that the
// shipped build never pays (~2 % of the profile in the send path alone).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT_DIR } from './common.js';

const TSC = join(ROOT_DIR, 'node_modules', '.bin', 'tsc');
const COPY_MIGRATIONS = join(ROOT_DIR, 'scripts', 'copy-migrations.mjs');

/**
 * Compiles `checkout` (this repository, or a baseline holding src/ and a node_modules link) into its
 * dist/ with this repository's compiler settings, and copies the SQL migrations beside the adapters,
 * as `npm run build` does.
 */
export function buildCheckout(dir: string): void {
  const checkout = resolve(dir);
  const own = checkout === resolve(ROOT_DIR);
  const config = own ? join(ROOT_DIR, 'tsconfig.json') : join(checkout, 'tsconfig.bench.json');
  if (!own) {
    // Paths in a configuration resolve against the file that sets them, so these stay in `checkout`.
    writeFileSync(config, `${JSON.stringify({
      extends: join(ROOT_DIR, 'tsconfig.json'), compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'],
    }, null, 2)}\n`);
  }
  // From scratch: tsc never deletes output, and a migration left from a newer build would put the
  // older code on the newer schema.
  rmSync(join(checkout, 'dist'), { recursive: true, force: true });
  execFileSync(TSC, ['-p', config], { cwd: checkout, stdio: 'inherit' });
  execFileSync(process.execPath, [COPY_MIGRATIONS], { cwd: checkout, stdio: 'inherit' });
}
