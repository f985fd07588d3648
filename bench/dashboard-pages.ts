// The dashboard pages scenario on its own (bench/scenarios/dashboard.ts), with its figures per page;
// `npm run bench -- --only=dashboard` runs the same scenario as a row of the bench table.
//   node --import tsx bench/dashboard-pages.ts [--engine=sqlite|postgres] [--rows=1000000] [--postgres=URL] [--runs=20]
import { dashboardPages } from './scenarios/dashboard.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const engine = arg('engine', 'sqlite') === 'postgres' ? 'postgres' : 'sqlite';
const rows = Number(arg('rows', '1000000'));
const runs = Number(arg('runs', '20'));
const postgresUrl = arg('postgres', process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

console.log(`dashboard pages, ${engine}, ${rows.toLocaleString('en')} deliveries over 48 h across 20 hooks, ${runs} runs each`);
const timings = await dashboardPages({ engine, rows, runs, postgresUrl, log: (line) => console.log(line) });
console.log(`${'page'.padEnd(36)} ${'first ms'.padStart(9)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)}`);
for (const t of timings) {
  const cells = [t.firstMs.toFixed(1).padStart(9), t.medianMs.toFixed(1).padStart(10), t.p95Ms.toFixed(1).padStart(8)];
  console.log(`${t.page.padEnd(36)} ${cells.join(' ')}${t.p95Ms >= 100 ? '  over 100 ms' : ''}`);
}
