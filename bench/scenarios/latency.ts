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
}

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
    const bodies = Array.from({ length: total + 500 }, (_, i) => `{"event":"push","repository":"bench/r0","payload":${JSON.stringify(pushPayload(i))}}`);
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

    // Warm-up at the same rate for one second, then the measured run.
    const openLoop = async (first: number, count: number) => {
      const started = now();
      const inFlight: Array<Promise<{ guid: string; sent: number; accepted: number }>> = [];
      let issued = 0;
      while (issued < count) {
        const due = Math.min(count, Math.floor(((now() - started) * rate) / 1000) + 1);
        while (issued < due) inFlight.push(post(first + issued++));
        await sleep(1);
      }
      return Promise.all(inFlight);
    };
    receiver.reset();
    await openLoop(total, 500);
    await receiver.waitFor(500, 30_000);
    await h.idle();

    receiver.reset();
    receiver.stampGuids = true;
    const machine = machineCpu();
    const results = await openLoop(0, total);
    await receiver.waitFor(total, 60_000);
    const hostSteal = stealShareSince(machine);
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
    const achieved = total / ((Math.max(...results.map((r) => r.sent)) - Math.min(...results.map((r) => r.sent))) / 1000);
    return {
      rate: achieved, events: total,
      p50: percentile(fromAccepted, 50), p95: percentile(fromAccepted, 95), p99: percentile(fromAccepted, 99),
      max: Math.max(...fromAccepted),
      fromSend: { p50: percentile(fromSend, 50), p95: percentile(fromSend, 95), p99: percentile(fromSend, 99) },
      ingest: { p50: percentile(ingest, 50), p99: percentile(ingest, 99) },
      beforeAccepted,
      hostSteal,
    };
  } finally {
    receiver.stampGuids = false;
    await h.stop();
  }
}
