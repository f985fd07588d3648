// A receiver that was down: 10 000 events to one hook fail their first attempt (503) and wait for their
// automatic retry (HOOKLINE_RETRY_SCHEDULE=20s, ±20 %); the receiver comes back. Reported: RSS and CPU
// while the retries wait, and the time from the receiver's return to the last retry delivered.
import { now, type BenchOptions } from '../common.js';
import { freshDatabase, Hookline, ingestPushes } from '../hookline.js';
import type { Receiver } from '../receiver.js';

export interface RetryDrainResult {
  retries: number;
  rssWaitingMb: number;
  /** CPU ms the Hookline process spent per second while every retry was waiting. */
  cpuMsPerSWaiting: number;
  /** From the receiver's return to the last retry delivered. */
  deliveredAllS: number;
}

const EVENTS = 10_000;
const WAIT_S = 20;

export async function retryDrain(o: BenchOptions, receiver: Receiver): Promise<RetryDrainResult> {
  const h = await Hookline.start({
    databaseUrl: await freshDatabase('sqlite', 'retry-drain', o.postgresUrl), name: 'retry-drain', cpuProfDir: o.cpuProfDir,
    env: { HOOKLINE_RETRY_SCHEDULE: `${WAIT_S}s`, HOOKLINE_DISABLE_AFTER: 'off' },
  });
  try {
    await h.user();
    await h.repo('r0');
    receiver.down = true;
    await h.hooks('r0', 1, () => receiver.url('/down/0'));
    receiver.reset();
    const t0 = now();
    await ingestPushes(h, 'r0', EVENTS);
    await receiver.waitFor(EVENTS, 120_000); // every first attempt failed
    if ((now() - t0) / 1000 > 0.75 * WAIT_S) throw new Error('ingest took longer than the shortest retry wait');
    // The retries now wait: measure the process for a few seconds before the earliest is due.
    await h.child.call('gc');
    const before = await h.stats();
    const quietS = Math.max(1, 0.8 * WAIT_S - (now() - t0) / 1000 - 1);
    await new Promise((r) => setTimeout(r, quietS * 1000));
    const waiting = await h.stats();
    receiver.down = false;
    receiver.reset();
    const t1 = now();
    await receiver.waitFor(EVENTS + 1, 120_000); // the ping's retry too
    return {
      retries: EVENTS + 1,
      rssWaitingMb: waiting.rssMb,
      cpuMsPerSWaiting: ((waiting.cpuS - before.cpuS) * 1000) / quietS,
      deliveredAllS: (receiver.lastAt - t1) / 1000,
    };
  } finally {
    receiver.down = false;
    await h.stop();
  }
}
