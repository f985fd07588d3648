// The API baseline: a bare fastify handler answering GET /repos/:owner/:repo/hooks/:id with a fixed
// body of the same size Hookline returns, no authentication, no storage.
import Fastify from 'fastify';
import { announce, fail, serveRpc } from './rpc.js';

async function main(): Promise<void> {
  const body = process.env.BENCH_BODY ?? '{}';
  const app = Fastify({ logger: false });
  app.get('/repos/:owner/:repo/hooks/:id', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  serveRpc({}, () => app.close());
  announce({ address });
}

main().catch(fail);
