// /metrics in Prometheus' text format: on the API server for the site administrator's token (as a
// bearer token), or without authentication on the separate HOOKLINE_METRICS_PORT listener.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AccessService } from '../services/access.js';
import type { Metrics } from '../metrics/metrics.js';
import { ServiceError } from '../domain/errors.js';

/** The API server's /metrics: a plugin of its own, with its own authentication and plain-text errors. */
export function metricsRoutes(metrics: Metrics, access: AccessService) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/metrics', { config: { public: true } }, async (request, reply) => {
      try {
        access.requireSiteAdmin(await access.authenticate(request.headers.authorization));
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err;
        const status = err.status === 401 ? 401 : 404;
        if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="hookline"');
        return reply.code(status).type('text/plain').send(status === 401 ? 'Requires the site administrator token\n' : 'Not Found\n');
      }
      const { contentType, body } = await metrics.render();
      return reply.type(contentType).send(body);
    });
  };
}

/** The unauthenticated listener for scrapers (and the way a `worker` process is scraped). */
export function buildMetricsServer(metrics: Metrics): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
