// The usual alternative: a BullMQ worker (concurrency as Hookline's) that takes one job per delivery
// from Redis, signs the body and POSTs it with undici, as a team would write it by hand.
import { loadBullmq } from '../bullmq.js';
import { agent, deliverJob, workerOptions } from './bullmq-job.js';
import { announce, fail, serveRpc } from './rpc.js';

const { Worker } = await loadBullmq();

const worker = new Worker(process.env.BENCH_QUEUE ?? 'hookline-bench', deliverJob, workerOptions);

worker.waitUntilReady().then(() => {
  serveRpc({}, async () => {
    await worker.close();
    await agent.close();
  });
  announce({});
}, fail);
