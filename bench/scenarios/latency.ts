// Latency at a fixed rate: events posted open-loop at 1 000/s (one hook each), measured from the 202
// reaching the client (accepted) and from the request being sent, to the receiver getting the POST.
import { machineCpu, now, percentile, sleep, stealShareSince, type BenchOptions } from '../common.js';
import { ADMIN_TOKEN, freshDatabase, Hookline, type Engine } from '../hookline.js';
import { pushPayload } from '../payload.js';
import type { Receiver } from '../receiver.js';

export interface LatencyResult {
  rate: number;
  events: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** The same from the moment the ingest request was sent (includes ingest time). */
  fromSend: { p50: number; p95: number; p99: number };
  /** Ingest round trip (request sent → 202 received). */
  ingest: { p50: number; p99: number };
  /** Deliveries that arrived before the client had read the 202 (counted as 0 ms). */
  beforeAccepted: number;
  /** Share of the machine's core time the host gave to other guests while this was measured. */
  hostSteal: number;
  /** The warm-up: the first WARMUP_SECONDS of load on a fresh process, at the same rate (not the target figure). */
  coldStart: { seconds: number; p50: number; p95: number; p99: number; max: number };
}

/**
 * Load at the same rate before the measured run. A fresh process runs its code unoptimised until V8
 * has seen enough of it: traced on a host where hashing is dear (2026-11-21), sends took 11–44 ms and
 * claims 10–22 ms for the first ~2 s at this rate, then 0.4 and 0.1 ms; with half a second of warm-up
 * that start-up showed as a p99 of 30–410 ms in the measured run, with three seconds 9–16 ms. With
 * V8's optimising compilers off, Hookline does not sustain this rate at all. It is reported on its
 * own (`coldStart`), not hidden: a restarted service under load goes through it.
 */
const WARMUP_SECONDS = 3;

export async function latency(o: BenchOptions, receiver: Receiver, engine: Engine, srcDir: string | null = null): Promise<LatencyResult> {
  const rate = 1_000;
  const seconds = o.quick ? 5 : 15;
  const total = rate * seconds;
  const h = await Hookline.start({ databaseUrl: await freshDatabase(engine, `latency-${engine}`, o.postgresUrl), name: `latency-${engine}${srcDir ? '-baseline' : ''}`, cpuProfDir: o.cpuProfDir, srcDir });
  try {
    await h.user();
    await h.repo('r0');
    const [hook] = await h.hooks('r0', 1, () => receiver.url('/lat'));
    receiver.secrets.set('/lat', hook.secret);
    await h.idle();
    const warmup = rate * WARMUP_SECONDS;
    const bodies = Array.from({ length: total + warmup }, (_, i) => `{"event":"push","repository":"bench/r0","payload":${JSON.stringify(pushPayload(i))}}`);
    const post = async (i: number) => {
      const sent = now();
      const res = await h.http.request({
        method: 'POST', path: '/hookline/events', body: bodies[i],
        headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      });
      const text = await res.body.text();
      const accepted = now();
      if (res.statusCode !== 202) throw new Error(`ingest → ${res.statusCode} ${text.slice(0, 200)}`);
      return { guid: JSON.parse(text).guid as string, sent, accepted };
    };

    // Warm-up at the same rate, then the measured run.
    const openLoop = (first: number, count: number) => postOpenLoop(rate, count, (i) => post(first + i));
    receiver.reset();
    receiver.stampGuids = true;
    const warm = await openLoop(total, warmup);
    await receiver.waitFor(warmup, 60_000);
    const cold = timings(warm, receiver);
    await h.idle();

    receiver.reset();
    receiver.stampGuids = true;
    const machine = machineCpu();
    const results = await openLoop(0, total);
    await receiver.waitFor(total, 60_000);
    const hostSteal = stealShareSince(machine);
    const { fromAccepted, fromSend, ingest, beforeAccepted } = timings(results, receiver);
    const achieved = total / ((Math.max(...results.map((r) => r.sent)) - Math.min(...results.map((r) => r.sent))) / 1000);
    return {
      rate: achieved, events: total,
      p50: percentile(fromAccepted, 50), p95: percentile(fromAccepted, 95), p99: percentile(fromAccepted, 99),
      max: Math.max(...fromAccepted),
      fromSend: { p50: percentile(fromSend, 50), p95: percentile(fromSend, 95), p99: percentile(fromSend, 99) },
      ingest: { p50: percentile(ingest, 50), p99: percentile(ingest, 99) },
      beforeAccepted,
      hostSteal,
      coldStart: {
        seconds: WARMUP_SECONDS, p50: percentile(cold.fromAccepted, 50), p95: percentile(cold.fromAccepted, 95),
        p99: percentile(cold.fromAccepted, 99), max: Math.max(...cold.fromAccepted),
      },
    };
  } finally {
    receiver.stampGuids = false;
    await h.stop();
  }
}

/** Calls `post(0 … count-1)` at `rate` per second on the clock, not waiting for answers (open loop). */
export async function postOpenLoop<T>(rate: number, count: number, post: (i: number) => Promise<T>): Promise<T[]> {
  const started = now();
  const inFlight: Array<Promise<T>> = [];
  let issued = 0;
  while (issued < count) {
    const due = Math.min(count, Math.floor(((now() - started) * rate) / 1000) + 1);
    while (issued < due) inFlight.push(post(issued++));
    await sleep(1);
  }
  return Promise.all(inFlight);
}

/** Per event: receipt after the 202 (0 when the POST came first), receipt after the send, and the ingest round trip. */
function timings(results: Array<{ guid: string; sent: number; accepted: number }>, receiver: Receiver) {
  const fromAccepted: number[] = [];
  const fromSend: number[] = [];
  const ingest: number[] = [];
  let beforeAccepted = 0;
  for (const r of results) {
    const at = receiver.arrivals.get(r.guid);
    if (at === undefined) throw new Error(`delivery ${r.guid} never arrived`);
    if (at < r.accepted) beforeAccepted++;
    fromAccepted.push(Math.max(0, at - r.accepted));
    fromSend.push(at - r.sent);
    ingest.push(r.accepted - r.sent);
  }
  return { fromAccepted, fromSend, ingest, beforeAccepted };
}
