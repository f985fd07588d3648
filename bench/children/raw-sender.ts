// The raw limit: the same payloads, headers and HMAC signatures POSTed straight from memory with undici
// (keep-alive pool as Hookline's sender uses), the same number in flight, nothing persisted. It calls
// undici the way Hookline does (the agent, with each URL's origin and path parsed once, and its
// whole-request timeout), so it stays the limit rather than a slower way of sending the same bytes.
import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import { dialTarget, requestTimeout } from './compiled.js';
import { deliveryHeaders, pushPayload, type BenchHook } from '../payload.js';
import { announce, fail, serveRpc } from './rpc.js';

const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
let bodies: Buffer[] = [];
let first = 0;

async function run(args: { hooks: BenchHook[]; events: number; concurrency: number }): Promise<{ sent: number; failed: number }> {
  const total = args.events * args.hooks.length;
  let next = 0;
  let failed = 0;
  let guid = '';
  const targets = args.hooks.map((h) => dialTarget(new URL(h.url)));
  const lane = async () => {
    while (next < total) {
      const i = next++;
      const e = Math.floor(i / args.hooks.length);
      const hook = args.hooks[i % args.hooks.length];
      const target = targets[i % args.hooks.length];
      if (i % args.hooks.length === 0) guid = randomUUID();
      const body = bodies[e];
      const timeout = requestTimeout(10_000);
      try {
        const res = await agent.request({
          origin: target.origin, path: target.path, method: 'POST', body, headers: deliveryHeaders(hook, guid, 'push', body),
          signal: timeout.signal,
        });
        await res.body.text();
        if (res.statusCode !== 200) failed++;
      } catch {
        failed++;
      } finally {
        timeout.clear();
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, lane));
  return { sent: total, failed };
}

serveRpc({
  /** Serializes the payloads before the clock starts: the limit does not pay for building them. */
  prepare: (args: { first: number; events: number }) => {
    first = args.first;
    bodies = Array.from({ length: args.events }, (_, i) => Buffer.from(JSON.stringify(pushPayload(first + i)), 'utf8'));
    return bodies.length;
  },
  run,
}, () => agent.close());
announce({});
process.on('uncaughtException', fail);
