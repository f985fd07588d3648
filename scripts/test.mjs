// `npm test`: type-check, run every suite on SQLite, then the API, delivery and compatibility suites
// again on PostgreSQL when HOOKLINE_TEST_POSTGRES_URL is set (reported as skipped otherwise), with the
// scale-out proofs (test/scale: many processes, a database restart), which need PostgreSQL: without it
// they run with the SQLite suites only to report themselves skipped.
// The two engines' runs go at once (each its own process, files one at a time within it): the tests
// mostly wait on child processes, sockets and timers, so two runs share the cores. Each run's report is
// printed whole when it ends. Ends with one plain summary line over both runs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const files = (dir) => readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f)).sort();
const all = ['test/unit', 'test/contract', 'test/api', 'test/delivery', 'test/compat', 'test/metrics', 'test/dashboard', 'test/cli'].flatMap(files);
const perEngine = ['test/api', 'test/delivery', 'test/compat', 'test/metrics', 'test/dashboard'].flatMap(files);
const scale = files('test/scale');
const postgres = Boolean(process.env.HOOKLINE_TEST_POSTGRES_URL);
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

function run(label, testFiles, env) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-test-'));
  const [spec, tap] = [join(dir, 'report.txt'), join(dir, 'report.tap')];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1',
      '--test-reporter=spec', `--test-reporter-destination=${spec}`,
      '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...testFiles],
    { stdio: 'inherit', env: { ...process.env, ...env } },
  );
  return new Promise((resolve) => {
    child.on('close', (status) => {
      console.log(`\n=== ${label} (${testFiles.length} files) ===`);
      console.log(readFileSync(spec, 'utf8'));
      const report = readFileSync(tap, 'utf8');
      const count = (name) => Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(report)?.[1] ?? 0);
      totals.passed += count('pass');
      totals.failed += count('fail') + count('cancelled');
      totals.skipped += count('skipped');
      if (status !== 0) ok = false;
      resolve();
    });
  });
}

const typecheck = spawnSync('npx', ['tsc', '-p', 'tsconfig.check.json'], { stdio: 'inherit' });
if (typecheck.status !== 0) {
  console.error('type-check failed');
  process.exit(1);
}

await Promise.all([
  run('SQLite', postgres ? all : [...all, ...scale], { HOOKLINE_TEST_ENGINE: 'sqlite' }),
  postgres ? run('PostgreSQL', [...perEngine, ...scale], { HOOKLINE_TEST_ENGINE: 'postgres' }) : Promise.resolve(),
]);
if (!postgres) console.log(`\nPostgreSQL run of ${perEngine.length} suites skipped: set HOOKLINE_TEST_POSTGRES_URL to run them.`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
