// Memory with a backlog: 100 000 pending deliveries accepted while the worker is not started (RSS of
// the Hookline process), then the worker started to drain them (drain rate and peak RSS meanwhile).
import { now, type BenchOptions } from '../common.js';
import { freshDatabase, Hookline, ingestPushes, type Engine } from '../hookline.js';
import type { Receiver } from '../receiver.js';

export interface BacklogResult {
  pending: number;
  rssIdleMb: number;
  rssPendingMb: number;
  rssPendingAfterGcMb: number;
  peakDuringIngestMb: number;
  drainPerS: number;
  peakDuringDrainMb: number;
  /** Events accepted per second with no worker running (8 ingest requests in flight), and CPU ms each. */
  acceptPerS: number;
  acceptCpuMs: number;
  /** CPU ms per delivery while draining. */
  drainCpuMs: number;
}

export async function backlog(o: BenchOptions, receiver: Receiver, engine: Engine, srcDir: string | null = null): Promise<BacklogResult> {
  const hooks = 10;
  const events = 10_000;
  const h = await Hookline.start({ databaseUrl: await freshDatabase(engine, `backlog-${engine}`, o.postgresUrl), deferWorker: true, name: `backlog-${engine}${srcDir ? '-baseline' : ''}`, cpuProfDir: o.cpuProfDir, srcDir });
  try {
    await h.user();
    await h.repo('r0');
    await h.hooks('r0', hooks, (i) => receiver.url(`/b/${i}`));
    await h.child.call('gc');
    const idle = await h.stats();
    await h.child.call('resetPeak');
    const t0 = now();
    await ingestPushes(h, 'r0', events);
    const acceptS = (now() - t0) / 1000;
    const pending = await h.stats();
    await h.child.call('gc');
    const afterGc = await h.stats();
    await h.child.call('resetPeak');
    receiver.reset();
    const total = events * hooks + hooks; // the hooks' pings are pending too
    const t1 = now();
    await h.child.call('start');
    await receiver.waitFor(total, 300_000);
    const drainS = (receiver.lastAt - t1) / 1000;
    const drained = await h.stats();
    await h.idle();
    return {
      pending: total, rssIdleMb: idle.rssMb, rssPendingMb: pending.rssMb, rssPendingAfterGcMb: afterGc.rssMb,
      peakDuringIngestMb: pending.peakRssMb, drainPerS: total / drainS, peakDuringDrainMb: drained.peakRssMb,
      acceptPerS: events / acceptS, acceptCpuMs: ((pending.cpuS - idle.cpuS) * 1000) / events,
      drainCpuMs: ((drained.cpuS - afterGc.cpuS) * 1000) / total,
    };
  } finally {
    await h.stop();
  }
}
