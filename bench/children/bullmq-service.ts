// The usual alternative as a service, shaped like Hookline: one process with an HTTP endpoint that
// accepts an event and enqueues one BullMQ job per subscribed hook (hooks held in memory, an advantage
// Hookline does not take), and a BullMQ worker in the same process that signs and POSTs each job.
import { loadBullmq } from '../bullmq.js';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { deliveryHeaders, type BenchHook } from '../payload.js';
import type { DeliveryJob } from './bullmq-worker.js';
import { announce, fail, serveRpc } from './rpc.js';

const { Queue, Worker } = await loadBullmq();

const name = process.env.BENCH_QUEUE ?? 'hookline-bench';
const token = process.env.BENCH_TOKEN ?? '';
const connection = { host: process.env.BENCH_REDIS_HOST ?? '127.0.0.1', port: Number(process.env.BENCH_REDIS_PORT ?? 6379), maxRetriesPerRequest: null };
const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
let hooks: BenchHook[] = [];

async function main(): Promise<void> {
  const queue = new Queue(name, { connection });
  const worker = new Worker(
    name,
    async (job: { data: DeliveryJob }) => {
      const d = job.data;
      const body = Buffer.from(d.body, 'utf8');
      const started = performance.now();
      const res = await request(d.url, {
        method: 'POST', body, dispatcher: agent, signal: AbortSignal.timeout(10_000),
        headers: deliveryHeaders({ id: d.hookId, url: d.url, secret: d.secret }, d.guid, d.event, body),
      });
      const text = await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`Invalid HTTP Response: ${res.statusCode}`);
      return { status: res.statusCode, duration: (performance.now() - started) / 1000, response: text.slice(0, 1024) };
    },
    { connection, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 64) },
  );
  await worker.waitUntilReady();

  const app = Fastify({ logger: false, bodyLimit: 25 * 1024 * 1024 });
  app.post('/events', {
    schema: {
      body: {
        type: 'object', required: ['event', 'payload'],
        properties: { event: { type: 'string' }, repository: { type: 'string' }, payload: { type: 'object' } },
      },
    },
  }, async (req, reply) => {
    if (req.headers.authorization !== `token ${token}`) return reply.code(401).send({ message: 'Bad credentials' });
    const { event, payload } = req.body as { event: string; payload: Record<string, unknown> };
    const text = JSON.stringify(payload);
    const guid = randomUUID();
    await queue.addBulk(hooks.map((h) => ({ name: event, data: { url: h.url, hookId: h.id, secret: h.secret, guid, event, body: text } })));
    return reply.code(202).send({ guid, deliveries: hooks.length });
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  serveRpc({ hooks: (list: BenchHook[]) => ((hooks = list), list.length) }, async () => {
    await app.close();
    await worker.close();
    await queue.close();
    await agent.close();
  });
  announce({ address });
}

main().catch(fail);
