// Fan-out: one event to 1 000 hooks of one repository (HOOKLINE_MAX_HOOKS_PER_EVENT raised to allow
// it): time from the 202 to the first and the last delivery, best and median of a few trials.
import { median, now, type BenchOptions } from '../common.js';
import { freshDatabase, Hookline, pooled, type Engine } from '../hookline.js';
import { pushPayload } from '../payload.js';
import type { Receiver } from '../receiver.js';

export interface FanoutResult {
  hooks: number;
  trials: number;
  /** Median over trials, ms from the ingest request being accepted (202 read) to the last delivery. */
  lastMs: number;
  firstMs: number;
  ingestMs: number;
  bestLastMs: number;
}

export async function fanout(o: BenchOptions, receiver: Receiver, engine: Engine): Promise<FanoutResult> {
  const hooks = 1_000;
  const trials = o.quick ? 3 : 5;
  const h = await Hookline.start({
    databaseUrl: await freshDatabase(engine, `fanout-${engine}`, o.postgresUrl),
    env: { HOOKLINE_MAX_HOOKS_PER_EVENT: String(hooks) },
    name: `fanout-${engine}`,
    cpuProfDir: o.cpuProfDir,
  });
  try {
    await h.user();
    await h.repo('fan');
    // Hooks need distinct URLs (GitHub refuses a duplicate config); created a few at a time.
    const made: number[] = [];
    await pooled(hooks, 4, async (i) => {
      const [hook] = await h.hooks('fan', 1, () => receiver.url(`/fan/${i}`));
      made.push(hook.id);
    });
    await h.idle();
    const last: number[] = [];
    const first: number[] = [];
    const ingest: number[] = [];
    for (let t = 0; t < trials + 1; t++) {
      receiver.reset();
      const sent = now();
      await h.ingest('fan', pushPayload(t, 'bench', 'fan'));
      const accepted = now();
      await receiver.waitFor(hooks, 60_000);
      await h.idle();
      if (t === 0) continue; // warm-up
      last.push(receiver.lastAt - accepted);
      first.push(receiver.firstAt - accepted);
      ingest.push(accepted - sent);
    }
    return { hooks, trials, lastMs: median(last), firstMs: median(first), ingestMs: median(ingest), bestLastMs: Math.min(...last) };
  } finally {
    await h.stop();
  }
}
