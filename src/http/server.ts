// The fastify server: GitHub-style request ids, and the GitHub REST API as one encapsulated plugin
// (github-rest.ts). Other surfaces register beside that plugin, not inside it.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { githubRest } from './github-rest.js';
import type { RouteDeps } from './route-deps.js';

/** GitHub-style request id: five colon-separated hex groups. */
const REQUEST_ID_PREFIX = randomBytes(5).toString('hex').toUpperCase();
let requestCount = 0;
/** Rule: a random prefix per process and a counter, so ids are unique across processes and restarts. */
function requestId(): string {
  const n = (++requestCount).toString(16).toUpperCase().padStart(20, '0');
  return `${REQUEST_ID_PREFIX.slice(0, 4)}:${REQUEST_ID_PREFIX.slice(4)}:${n.slice(0, 6)}:${n.slice(6, 12)}:${n.slice(12)}`;
}

export interface ServerOptions extends RouteDeps {
  /** A pino logger (the process's own). */
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
}

export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: opts.bodyLimitBytes,
    genReqId: requestId,
    requestIdHeader: false,
    loggerInstance: opts.logger,
  }) as unknown as FastifyInstance;
  void app.register(githubRest, { services: opts.services, urls: opts.urls });
  return app;
}
