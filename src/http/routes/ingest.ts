// Hookline's own extension: platforms emit events here and get GitHub-grade webhooks.
import type { FastifyInstance } from 'fastify';
import { INGEST_SCOPES } from '../../services/access.js';
import { MAX_PAYLOAD_BYTES } from '../../services/events.js';
import type { RouteDeps } from '../route-deps.js';

export function registerIngestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post(
    '/hookline/events',
    // The payload may be 25 MB; the envelope around it gets a little room.
    { bodyLimit: MAX_PAYLOAD_BYTES + 64 * 1024, config: { docs: undefined } },
    async (request, reply) => {
      void reply.header('X-Accepted-OAuth-Scopes', INGEST_SCOPES.join(', '));
      const result = await deps.services.events.ingest(request.principal, request.body);
      return reply.code(202).send(result);
    },
  );
}
