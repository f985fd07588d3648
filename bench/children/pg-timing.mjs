// Diagnostic (--import): where a PostgreSQL request waits inside the Hookline child. Times pool
// acquisition per pool size, each query's round trip by its first words, and the event loop's delay.
// SIGUSR2 resets; the figures are written to $PG_TIMING_OUT at exit.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';

let stats = {};
const rec = (key, ms) => {
  const s = (stats[key] ??= { n: 0, total: 0, samples: [] });
  s.n++;
  s.total += ms;
  if (s.samples.length < 50_000) s.samples.push(ms);
};
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
process.on('SIGUSR2', () => {
  stats = {};
  loop.reset();
});
const pct = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2) : null;
};
process.on('exit', () => {
  const out = {
    loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    spans: Object.fromEntries(Object.entries(stats).map(([k, s]) => [k, { n: s.n, mean: +(s.total / s.n).toFixed(2), p50: pct(s.samples, 50), p99: pct(s.samples, 99) }])),
  };
  writeFileSync(process.env.PG_TIMING_OUT ?? '/tmp/pg-timing.json', JSON.stringify(out, null, 1));
});

const poolProto = pg.Pool.prototype;
const connect = poolProto.connect;
poolProto.connect = function timed(cb) {
  const t0 = performance.now();
  const key = `pool(max ${this.options.max}) wait`;
  if (typeof cb === 'function') {
    return connect.call(this, (err, client, done) => {
      rec(key, performance.now() - t0);
      cb(err, client, done);
    });
  }
  return connect.call(this).then((c) => (rec(key, performance.now() - t0), c));
};
const clientProto = pg.Client.prototype;
const query = clientProto.query;
clientProto.query = function timed(...args) {
  const text = (typeof args[0] === 'string' ? args[0] : args[0]?.text ?? '').trim().replace(/\s+/g, ' ').slice(0, 48);
  const t0 = performance.now();
  const r = query.apply(this, args);
  if (r && typeof r.then === 'function') r.then(() => rec(`q ${text}`, performance.now() - t0), () => undefined);
  return r;
};
