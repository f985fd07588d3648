// The usual alternative as a service, shaped like Hookline: one process with an HTTP endpoint that
// accepts an event and enqueues one BullMQ job per subscribed hook (hooks held in memory, an advantage
// Hookline does not take), and a BullMQ worker in the same process that signs and POSTs each job.
import { loadBullmq } from '../bullmq.js';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import type { BenchHook } from '../payload.js';
import { agent, connection, deliverJob, workerOptions } from './bullmq-job.js';
import { announce, fail, serveRpc } from './rpc.js';

const { Queue, Worker } = await loadBullmq();

const name = process.env.BENCH_QUEUE ?? 'hookline-bench';
const token = process.env.BENCH_TOKEN ?? '';
let hooks: BenchHook[] = [];

async function main(): Promise<void> {
  const queue = new Queue(name, { connection });
  const worker = new Worker(name, deliverJob, workerOptions);
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
