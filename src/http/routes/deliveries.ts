// Deliveries, redelivery, ping and test-push endpoints for repository and organization hooks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HookAccess } from '../../services/access.js';
import type { DeliveryPage } from '../../services/deliveries.js';
import { deliveryItemShape, deliveryShape } from '../../services/delivery-shapes.js';
import { selfUrl } from '../pagination.js';
import { resolveHookScope, type HookRouteTable } from './hooks.js';
import type { RouteDeps } from '../route-deps.js';
import { idParam, type Params } from './params.js';

/** The cursor `Link` header of a deliveries page (repository, organization and App hooks alike). */
export function setCursorLinks(request: FastifyRequest, reply: FastifyReply, apiUrl: string, page: DeliveryPage): void {
  const links: string[] = [];
  const link = (cursor: string, rel: string) => `<${selfUrl(request, apiUrl, { per_page: String(page.perPage), cursor })}>; rel="${rel}"`;
  if (page.next) links.push(link(page.next, 'next'));
  if (page.prev) links.push(link(page.prev, 'prev'));
  if (links.length > 0) void reply.header('Link', links.join(', '));
}

export function registerDeliveryRoutes(app: FastifyInstance, deps: RouteDeps, table: HookRouteTable): void {
  const { hooks, deliveries, events } = deps.services;
  const scopeFor = (request: FastifyRequest, reply: FastifyReply, need: HookAccess) => resolveHookScope(deps, table, request, reply, need);
  const ids = (request: FastifyRequest) => {
    const p = request.params as Params;
    return { hookId: idParam(p.hook_id), deliveryId: p.delivery_id === undefined ? 0 : idParam(p.delivery_id) };
  };
  const base = `${table.prefix}/:hook_id`;

  app.get(`${base}/deliveries`, { config: { docs: table.docs.listDeliveries } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'read');
    const page = await deliveries.list(scope, ids(request).hookId, request.query as Record<string, string>);
    setCursorLinks(request, reply, deps.urls.api, page);
    return page.deliveries.map(deliveryItemShape);
  });

  app.get(`${base}/deliveries/:delivery_id`, { config: { docs: table.docs.getDelivery } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'read');
    const { hookId, deliveryId } = ids(request);
    return deliveryShape(await deliveries.get(scope, hookId, deliveryId));
  });

  app.post(`${base}/deliveries/:delivery_id/attempts`, { config: { docs: table.docs.redeliver } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'write');
    const { hookId, deliveryId } = ids(request);
    await deliveries.redeliver(scope, hookId, deliveryId);
    return reply.code(202).send({});
  });

  // Hookline's own bulk replay, beside the GitHub paths (and under /api/v3 with them).
  app.post(`/hookline${base}/replay`, { config: { docs: table.docs.redeliver } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'write');
    return reply.code(202).send(await deliveries.replay(scope, ids(request).hookId, request.body));
  });

  app.post(`${base}/pings`, { config: { docs: table.docs.ping } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'read');
    const hook = await hooks.get(scope, ids(request).hookId);
    await events.ping(scope, hook, request.principal.user);
    return reply.code(204).send();
  });

  if (table.docs.test) {
    // `tests` is the current path; `test` is the legacy one that hook.test_url still points at.
    for (const path of [`${base}/tests`, `${base}/test`]) {
      app.post(path, { config: { docs: table.docs.test } }, async (request, reply) => {
        const scope = await scopeFor(request, reply, 'read');
        const hook = await hooks.get(scope, ids(request).hookId);
        await events.testPush(scope, hook);
        return reply.code(204).send();
      });
    }
  }
}
