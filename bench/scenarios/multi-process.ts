// PostgreSQL shared by several processes: 2 API processes (`serve --no-worker`: their workers are built
// but never started) and 2 worker processes, against one database, with the same plan as the one-process
// throughput run. Events are posted to both API processes in turn; the receiver counts a second request
// for the same hook and delivery GUID as a duplicate send.
import { now, type BenchOptions } from '../common.js';
import { freshDatabase, Hookline, pooled } from '../hookline.js';
import type { Receiver } from '../receiver.js';
import {
  databaseMeter, harnessMeter, ingestText, payloadTexts, registerSecrets, timeoutFor, type ThroughputPlan, type ThroughputResult,
} from './throughput.js';

export async function multiProcessThroughput(o: BenchOptions, receiver: Receiver, plan: ThroughputPlan, round: number, apis = 2, workers = 2): Promise<ThroughputResult> {
  const databaseUrl = await freshDatabase('postgres', `multi-${round}`, o.postgresUrl);
  const started: Hookline[] = [];
  try {
    // The first process applies the migrations; the others start on a ready schema.
    for (let i = 0; i < apis; i++) started.push(await Hookline.start({ databaseUrl, deferWorker: true, name: `multi-api-${i}`, cpuProfDir: o.cpuProfDir }));
    for (let i = 0; i < workers; i++) started.push(await Hookline.start({ databaseUrl, name: `multi-worker-${i}`, cpuProfDir: o.cpuProfDir }));
    const api = started.slice(0, apis);
    const workerProcesses = started.slice(apis);
    await api[0].user();
    await api[0].repo('r0');
    const hooks = await api[0].hooks('r0', plan.hooksPerEvent, (i) => receiver.url(`/h/${i}`));
    registerSecrets(receiver, hooks);
    const idle = () => Promise.all(workerProcesses.map((w) => w.idle()));
    await idle();

    const envelope = (text: string) => `{"event":"push","repository":"bench/r0","payload":${text}}`;
    const post = (bodies: string[]) => pooled(bodies.length, plan.ingestConcurrency, (i) => ingestText(api[i % apis], bodies[i]));
    const warm = payloadTexts(0, plan.warmupEvents).map(envelope);
    receiver.reset();
    await post(warm);
    await receiver.waitFor(warm.length * plan.hooksPerEvent, timeoutFor(warm.length * plan.hooksPerEvent));
    await idle();

    const bodies = payloadTexts(plan.warmupEvents, plan.events).map(envelope);
    const total = plan.events * plan.hooksPerEvent;
    const database = await databaseMeter(started, databaseUrl);
    const cpu = async () => (await Promise.all(started.map((h) => h.stats()))).map((s) => s.cpuS);
    const before = await cpu();
    receiver.reset();
    receiver.countDuplicates = true;
    const harness = harnessMeter();
    const t0 = now();
    let submitted = 0;
    const ingest = post(bodies).then(() => (submitted = now()));
    await receiver.waitFor(total, timeoutFor(total));
    await ingest;
    const seconds = (receiver.lastAt - t0) / 1000;
    const outside = harness(total);
    const after = await cpu();
    const spent = (from: number, to: number) => (after.slice(from, to).reduce((a, b) => a + b, 0) - before.slice(from, to).reduce((a, b) => a + b, 0)) * 1000 / total;
    await idle();
    const duplicates = receiver.duplicates;
    const postgres = await database(total, plan.events);
    return {
      perS: total / seconds, deliveries: total, seconds,
      cpuMsPerDelivery: spent(0, started.length),
      submitPerS: plan.events / ((submitted - t0) / 1000),
      postgres,
      extra: { duplicates, processes: started.length, api_cpu_ms_per_delivery: spent(0, apis), worker_cpu_ms_per_delivery: spent(apis, started.length), ...outside },
    };
  } finally {
    await Promise.all(started.map((h) => h.stop()));
  }
}
