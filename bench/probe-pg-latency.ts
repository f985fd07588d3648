// Diagnostic, not part of the bench: the latency scenario's load (1 000 events/s, one hook) on one
// engine, with where-it-waits figures: pool waits and query round trips inside the child
// (children/pg-timing.mjs), pg_stat_activity sampled every 10 ms, and CPU of the child and the backends.
// `PROBE_PG=postgres://… [PROBE_RATE=events/s] npx tsx bench/probe-pg-latency.ts [postgres|sqlite] [seconds]`
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildCheckout } from './build.js';
import { machineCpu, now, percentile, ROOT_DIR, sleep } from './common.js';
import { ADMIN_TOKEN, freshDatabase, Hookline, type Engine } from './hookline.js';
import { pushPayload } from './payload.js';
import { postOpenLoop } from './scenarios/latency.js';
import { Receiver } from './receiver.js';

const engine = (process.argv[2] ?? 'postgres') as Engine;
const seconds = Number(process.argv[3] ?? 5);
// A server of its own (with pg_stat_statements preloaded for the statement figures): freshDatabase
// recreates \`hookline_bench\`, which would cut off a bench running on a shared server.
const PG = process.env.PROBE_PG;
if (!PG) throw new Error('set PROBE_PG to a PostgreSQL server of your own, e.g. postgres://postgres@127.0.0.1:5499/test');
const rate = Number(process.env.PROBE_RATE ?? 1000);
const out = `/tmp/pgscale/timing-${engine}-${process.pid}.json`;
buildCheckout(ROOT_DIR);
const receiver = new Receiver();
await receiver.listen();
process.env.NODE_OPTIONS = `--import=${fileURLToPath(new URL('./children/pg-timing.mjs', import.meta.url))}`;
process.env.PG_TIMING_OUT = out;
const h = await Hookline.start({ databaseUrl: await freshDatabase(engine, 'probe', PG), name: 'probe', deferWorker: Boolean(process.env.PROBE_NO_WORKER) });
delete process.env.NODE_OPTIONS;
await h.user();
await h.repo('r0');
const [hook] = await h.hooks('r0', 1, () => receiver.url('/lat'));
receiver.secrets.set('/lat', hook.secret);
if (!process.env.PROBE_NO_WORKER) await h.idle();
const total = rate * seconds;
const bodies = Array.from({ length: total * 2 }, (_, i) => `{"event":"push","repository":"bench/r0","payload":${JSON.stringify(pushPayload(i))}}`);
const post = async (i: number) => {
  const sent = now();
  const res = await h.http.request({ method: 'POST', path: '/hookline/events', body: bodies[i], headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });
  const text = await res.body.text();
  if (res.statusCode !== 202) throw new Error(`${res.statusCode} ${text}`);
  return { guid: JSON.parse(text).guid as string, sent, accepted: now() };
};
const openLoop = (first: number, count: number) => postOpenLoop(rate, count, (i) => post(first + i));
receiver.reset();
receiver.stampGuids = true;
await openLoop(total, total); // warm-up, same length
if (!process.env.PROBE_NO_WORKER) await receiver.waitFor(total, 120_000);
if (!process.env.PROBE_NO_WORKER) await h.idle();

const mon = new pg.Client({ connectionString: PG.replace('/test', '/hookline_bench') });
await mon.connect();
const samples = new Map<string, number>();
let nSamples = 0;
let sampling = true;
const backendCpu = async () => {
  const { rows } = await mon.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = 'hookline_bench' AND pid <> pg_backend_pid()");
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* ended */ }
  }
  return ticks / 100;
};
const childCpu = () => {
  const f = readFileSync(`/proc/${h.child.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const sampler = (async () => {
  if (engine !== 'postgres') return;
  while (sampling) {
    const { rows } = await mon.query<{ k: string; n: number }>(
      `SELECT coalesce(state, '?') || ' ' || coalesce(wait_event_type || ':' || wait_event, 'cpu') || ' ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 40) AS k, count(*)::int AS n
       FROM pg_stat_activity WHERE datname = 'hookline_bench' AND pid <> pg_backend_pid() AND state <> 'idle' GROUP BY 1`);
    nSamples++;
    for (const r of rows) samples.set(r.k, (samples.get(r.k) ?? 0) + r.n);
    await sleep(10);
  }
})();
receiver.reset();
receiver.stampGuids = true;
const cpu0 = { child: childCpu(), pg: engine === 'postgres' ? await backendCpu() : 0, machine: machineCpu() };
h.child.proc.kill('SIGUSR2');
const statements = engine === 'postgres' && (await mon.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")).rowCount;
if (statements) await mon.query('SELECT pg_stat_statements_reset()');
const results = await openLoop(0, total);
if (!process.env.PROBE_NO_WORKER) await receiver.waitFor(total, 120_000);
const cpu1 = { child: childCpu(), pg: engine === 'postgres' ? await backendCpu() : 0, machine: machineCpu() };
sampling = false;
await sampler;
const ingest = results.map((r) => r.accepted - r.sent);
const fromSend = process.env.PROBE_NO_WORKER ? [0] : results.map((r) => receiver.arrivals.get(r.guid)! - r.sent);
console.log(JSON.stringify({
  engine, events: total,
  ingest: { p50: percentile(ingest, 50), p99: percentile(ingest, 99) },
  fromSend: { p50: percentile(fromSend, 50), p99: percentile(fromSend, 99) },
  cpuMsPerEvent: { hookline: ((cpu1.child - cpu0.child) * 1000) / total, pgBackends: ((cpu1.pg - cpu0.pg) * 1000) / total },
  machineBusy: (cpu1.machine.busyS - cpu0.machine.busyS) / (cpu1.machine.totalS - cpu0.machine.totalS),
}, null, 1));
console.log(`pg_stat_activity, mean non-idle sessions per sample (${nSamples} samples):`);
for (const [k, n] of [...samples].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${(n / nSamples).toFixed(2)}  ${k}`);
if (statements) {
  const { rows } = await mon.query(`SELECT calls, round(total_exec_time::numeric, 0) AS ms, round((total_exec_time / calls)::numeric, 3) AS mean, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS q
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15`);
  for (const r of rows) console.log(`  ${r.calls}\t${r.ms} ms\tmean ${r.mean}\twal ${r.wal_bytes}\t${r.q}`);
  const wal = (await mon.query('SELECT * FROM pg_stat_wal')).rows[0];
  console.log('wal', JSON.stringify(wal));
}
await mon.end();
await h.stop();

console.log(readFileSync(out, 'utf8'));
process.exit(0);
