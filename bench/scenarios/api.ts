// API throughput: GET /repos/{o}/{r}/hooks/{id} on Hookline (authentication, access check, storage,
// GitHub's shape, ETag) against a bare fastify handler returning the same bytes, both in a child
// process, driven by autocannon from this one with the same connections and duration.
import autocannon from 'autocannon';
import { spawnChild, type BenchOptions } from '../common.js';
import { freshDatabase, Hookline } from '../hookline.js';
import type { Receiver } from '../receiver.js';

export interface ApiResult {
  hooklinePerS: number;
  barePerS: number;
  hooklineP99Ms: number;
  bareP99Ms: number;
  connections: number;
  seconds: number;
  bodyBytes: number;
  /** The same Hookline measurement on the --baseline checkout, when given. */
  baselinePerS: number | null;
}

async function cannon(url: string, token: string, connections: number, duration: number) {
  const r = await autocannon({ url, connections, duration, headers: { authorization: `token ${token}` } });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`autocannon ${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { perS: r.requests.average, p99: r.latency.p99 };
}

async function hooklineGetHook(o: BenchOptions, receiver: Receiver, connections: number, seconds: number, srcDir: string | null) {
  const h = await Hookline.start({ databaseUrl: await freshDatabase('sqlite', 'api', o.postgresUrl), name: srcDir ? 'api-baseline' : 'api', srcDir, cpuProfDir: o.cpuProfDir });
  try {
    const token = await h.user();
    await h.repo('r0');
    const [hook] = await h.hooks('r0', 1, () => receiver.url('/api'));
    await h.idle();
    const path = `/repos/bench/r0/hooks/${hook.id}`;
    const body = (await h.api('GET', path, { token })).body;
    await cannon(h.base + path, token, connections, 2); // warm-up
    return { ...(await cannon(h.base + path, token, connections, seconds)), path, body, token };
  } finally {
    await h.stop();
  }
}

export async function apiThroughput(o: BenchOptions, receiver: Receiver): Promise<ApiResult> {
  const connections = 16;
  const seconds = o.quick ? 5 : 10;
  const hookline = await hooklineGetHook(o, receiver, connections, seconds, null);
  const baseline = o.baselineSrc ? await hooklineGetHook(o, receiver, connections, seconds, o.baselineSrc) : null;
  const bare = spawnChild('bare-api.ts', { BENCH_BODY: hookline.body });
  try {
    const { address } = await bare.ready;
    await cannon(String(address) + hookline.path, hookline.token, connections, 2);
    const plain = await cannon(String(address) + hookline.path, hookline.token, connections, seconds);
    return {
      hooklinePerS: hookline.perS, barePerS: plain.perS, hooklineP99Ms: hookline.p99, bareP99Ms: plain.p99,
      connections, seconds, bodyBytes: Buffer.byteLength(hookline.body), baselinePerS: baseline?.perS ?? null,
    };
  } finally {
    await bare.stop();
  }
}
