// Hookline's own extension: platforms emit events here and get GitHub-grade webhooks.
import type { FastifyInstance } from 'fastify';
import { NotFound } from '../../domain/errors.js';
import { INGEST_SCOPES } from '../../services/access.js';
import { MAX_PAYLOAD_BYTES } from '../../services/events.js';
import { ByteBudget, reserveBodyBytes } from '../ingest-budget.js';
import type { RouteDeps } from '../route-deps.js';

/** One budget per server, shared by the route at the root and under /api/v3 (both get the same deps). */
const budgets = new WeakMap<RouteDeps, ByteBudget>();

export function registerIngestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // The payload may be 25 MB; the envelope around it gets a little room.
  const bodyLimit = MAX_PAYLOAD_BYTES + 64 * 1024;
  let budget = budgets.get(deps);
  if (!budget) budgets.set(deps, (budget = new ByteBudget(deps.ingestBytesInFlight)));
  const reserve = reserveBodyBytes(budget, bodyLimit);
  app.post(
    '/hookline/events',
    {
      bodyLimit,
      config: { docs: undefined },
      // Callers who may not ingest are refused before their body is read or any bytes are reserved.
      onRequest: async (request, reply) => {
        void reply.header('X-Accepted-OAuth-Scopes', INGEST_SCOPES.join(', '));
        const principal = await deps.services.access.authenticate(request.headers.authorization);
        void reply.header('X-OAuth-Scopes', principal.scopes.join(', '));
        if (!deps.services.access.hasScope(principal, INGEST_SCOPES)) throw new NotFound();
        request.principal = principal;
        await reserve(request, reply);
      },
    },
    async (request, reply) => {
      const result = await deps.services.events.ingest(request.principal, request.body);
      return reply.code(202).send(result);
    },
  );
}
