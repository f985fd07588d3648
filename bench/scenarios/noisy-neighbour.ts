// A noisy neighbour (issue 21): another owner has 100 push hooks whose receivers never answer and
// pushes to them at 100 events/s; this owner's one healthy hook gets 100 events/s too. Reported: the
// healthy hook's latency from the 202 to the receiver (target p99 ≤ 50 ms), at the default concurrency,
// after WARMUP_S of the same load (a fresh process runs unoptimised code at first: see latency.ts).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now, percentile, sleep, type BenchOptions } from '../common.js';
import { freshDatabase, Hookline, type Engine } from '../hookline.js';
import type { Receiver } from '../receiver.js';

export interface NoisyNeighbourResult { events: number; p50: number; p99: number; max: number; hanging: number }

const RATE = 100;
const HANGING_REPOS = 5;
const HOOKS_PER_REPO = 20;
const WARMUP_S = 3;

export async function noisyNeighbour(o: BenchOptions, receiver: Receiver, engine: Engine): Promise<NoisyNeighbourResult> {
  const held: ServerResponse[] = [];
  const hang = createServer((req, res) => { req.resume(); held.push(res); });
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
  const h = await Hookline.start({
    databaseUrl: await freshDatabase(engine, `noisy-${engine}`, o.postgresUrl), name: `noisy-${engine}`, cpuProfDir: o.cpuProfDir,
    env: { HOOKLINE_DELIVERY_TIMEOUT_MS: '5000' },
  });
  try {
    // The neighbour first, as a second user with its own token.
    await h.user('noisy');
    for (let r = 0; r < HANGING_REPOS; r++) {
      await h.repo(`n${r}`);
      for (let i = 0; i < HOOKS_PER_REPO; i++) {
        const res = await h.api('POST', `/repos/noisy/n${r}/hooks`, {
          token: h.userToken, body: { config: { url: `${hangUrl}/${r}/${i}`, content_type: 'json' }, events: ['push'] },
        });
        if (res.status !== 201) throw new Error(`hook → ${res.status} ${res.body.slice(0, 200)}`);
      }
    }
    await h.user();
    await h.repo('r0');
    await h.hooks('r0', 1, () => receiver.url('/calm'));
    const seconds = o.quick ? 5 : 15;
    const warmup = RATE * WARMUP_S;
    const total = warmup + RATE * seconds;
    receiver.reset();
    receiver.stampGuids = true;
    const sent: Array<Promise<{ guid: string; accepted: number }>> = [];
    const noise: Array<Promise<unknown>> = [];
    const started = now();
    for (let i = 0; i < total; i++) {
      while (now() - started < (i * 1000) / RATE) await sleep(1);
      noise.push(h.api('POST', '/hookline/events', { body: { event: 'push', repository: `noisy/n${i % HANGING_REPOS}`, payload: { n: i } } }));
      sent.push(h.ingest('r0', { n: i }).then((guid) => ({ guid, accepted: now() })));
    }
    const accepted = await Promise.all(sent);
    for (const res of (await Promise.all(noise)) as Array<{ status: number }>) if (res.status !== 202) throw new Error(`noisy ingest → ${res.status}`);
    // By GUID, not by count: the healthy hook's ping may arrive after the reset.
    const measured = accepted.slice(warmup);
    const deadline = now() + 60_000;
    const unseen = () => measured.filter((a) => !receiver.arrivals.has(a.guid)).length;
    while (unseen() > 0 && now() < deadline) await sleep(10);
    const missing = unseen();
    if (missing > 0) throw new Error(`${missing} deliveries to the healthy hook never arrived`);
    const lat = measured.map((a) => Math.max(0, receiver.arrivals.get(a.guid)! - a.accepted));
    return { events: measured.length, p50: percentile(lat, 50), p99: percentile(lat, 99), max: Math.max(...lat), hanging: held.length };
  } finally {
    receiver.stampGuids = false;
    await h.stop();
    hang.closeAllConnections();
    await new Promise<void>((r) => hang.close(() => r()));
  }
}
