// The fastify server: GitHub-style request ids, the GitHub REST API as one encapsulated plugin
// (github-rest.ts), and beside it the dashboard and /metrics, which inherit none of its conventions.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/metrics.js';
import { dashboardPlugin, rootRedirect, type DashboardDeps } from './dashboard/plugin.js';
import { githubRest } from './github-rest.js';
import { metricsRoutes } from './metrics.js';

/** GitHub-style request id: five colon-separated hex groups. */
const REQUEST_ID_PREFIX = randomBytes(5).toString('hex').toUpperCase();
let requestCount = 0;
/** Rule: a random prefix per process and a counter, so ids are unique across processes and restarts. */
function requestId(): string {
  const n = (++requestCount).toString(16).toUpperCase().padStart(20, '0');
  return `${REQUEST_ID_PREFIX.slice(0, 4)}:${REQUEST_ID_PREFIX.slice(4)}:${n.slice(0, 6)}:${n.slice(6, 12)}:${n.slice(12)}`;
}

export interface ServerOptions extends DashboardDeps {
  metrics: Metrics;
  /** A pino logger (the process's own). */
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: Buffer; key: Buffer } | null;
}

export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: opts.bodyLimitBytes,
    genReqId: requestId,
    requestIdHeader: false,
    loggerInstance: opts.logger,
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;
  void app.register(githubRest, { services: opts.services, urls: opts.urls, ingestBytesInFlight: opts.ingestBytesInFlight });
  void app.register(metricsRoutes(opts.metrics, opts.services.access));
  void app.register(rootRedirect);
  void app.register(dashboardPlugin, { ...opts, prefix: '/dashboard' });
  return app;
}
