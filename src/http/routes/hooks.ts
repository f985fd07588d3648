// Hook endpoints (list, create, get, update, delete, get/update config) for repositories and
// organizations: one set of handlers, two route tables.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ORG_HOOK_SCOPES, REPO_HOOK_SCOPES, type HookAccess, type HookScope } from '../../services/access.js';
import { configShape, hookShape } from '../../services/shapes.js';
import { parsePage, setPageLinks } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import { idParam, type Params } from './params.js';

/** How one kind of hook owner is addressed and documented. */
export interface HookRouteTable {
  prefix: string;
  /** Docs anchors under https://docs.github.com/rest, by operation. */
  docs: Record<
    'list' | 'create' | 'get' | 'update' | 'delete' | 'getConfig' | 'updateConfig' | 'listDeliveries' | 'getDelivery' | 'redeliver' | 'ping',
    string
  > & { test?: string };
  scopes(need: HookAccess): string[];
  resolve(deps: RouteDeps, request: FastifyRequest, need: HookAccess): Promise<HookScope>;
}

export const REPO_HOOKS: HookRouteTable = {
  prefix: '/repos/:owner/:repo/hooks',
  docs: {
    list: 'repos/webhooks#list-repository-webhooks',
    create: 'repos/webhooks#create-a-repository-webhook',
    get: 'repos/webhooks#get-a-repository-webhook',
    update: 'repos/webhooks#update-a-repository-webhook',
    delete: 'repos/webhooks#delete-a-repository-webhook',
    getConfig: 'repos/webhooks#get-a-webhook-configuration-for-a-repository',
    updateConfig: 'repos/webhooks#update-a-webhook-configuration-for-a-repository',
    listDeliveries: 'repos/webhooks#list-deliveries-for-a-repository-webhook',
    getDelivery: 'repos/webhooks#get-a-delivery-for-a-repository-webhook',
    redeliver: 'repos/webhooks#redeliver-a-delivery-for-a-repository-webhook',
    ping: 'repos/webhooks#ping-a-repository-webhook',
    test: 'repos/webhooks#test-the-push-repository-webhook',
  },
  scopes: (need) => [...REPO_HOOK_SCOPES[need], 'public_repo'].sort(),
  resolve: (deps, request, need) => {
    const p = request.params as Params;
    return deps.services.access.repoHookScope(request.principal, p.owner, p.repo, need);
  },
};

export const ORG_HOOKS: HookRouteTable = {
  prefix: '/orgs/:org/hooks',
  docs: {
    list: 'orgs/webhooks#list-organization-webhooks',
    create: 'orgs/webhooks#create-an-organization-webhook',
    get: 'orgs/webhooks#get-an-organization-webhook',
    update: 'orgs/webhooks#update-an-organization-webhook',
    delete: 'orgs/webhooks#delete-an-organization-webhook',
    getConfig: 'orgs/webhooks#get-a-webhook-configuration-for-an-organization',
    updateConfig: 'orgs/webhooks#update-a-webhook-configuration-for-an-organization',
    listDeliveries: 'orgs/webhooks#list-deliveries-for-an-organization-webhook',
    getDelivery: 'orgs/webhooks#get-a-webhook-delivery-for-an-organization-webhook',
    redeliver: 'orgs/webhooks#redeliver-a-delivery-for-an-organization-webhook',
    ping: 'orgs/webhooks#ping-an-organization-webhook',
  },
  scopes: () => ORG_HOOK_SCOPES,
  resolve: (deps, request) => deps.services.access.orgHookScope(request.principal, (request.params as Params).org),
};

/** Advertises the scopes the operation accepts (even on a 404) and resolves the hook owner. */
export async function resolveHookScope(
  deps: RouteDeps, table: HookRouteTable, request: FastifyRequest, reply: FastifyReply, need: HookAccess,
): Promise<HookScope> {
  void reply.header('X-Accepted-OAuth-Scopes', table.scopes(need).join(', '));
  return table.resolve(deps, request, need);
}

export function registerHookRoutes(app: FastifyInstance, deps: RouteDeps, table: HookRouteTable): void {
  const { hooks } = deps.services;
  const urls = deps.urls;
  const scopeFor = (request: FastifyRequest, reply: FastifyReply, need: HookAccess) => resolveHookScope(deps, table, request, reply, need);
  const hookId = (request: FastifyRequest) => idParam((request.params as Params).hook_id);

  app.get(table.prefix, { config: { docs: table.docs.list } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'read');
    const page = parsePage(request.query);
    const { hooks: list, total } = await hooks.list(scope, page.offset, page.perPage);
    setPageLinks(request, reply, urls.api, page, total);
    return list.map((h) => hookShape(h, scope.path, urls));
  });

  app.post(table.prefix, { config: { docs: table.docs.create } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'write');
    const hook = await hooks.create(scope, request.body, request.principal.user);
    const shape = hookShape(hook, scope.path, urls);
    return reply.code(201).header('Location', shape.url).send(shape);
  });

  app.get(`${table.prefix}/:hook_id`, { config: { docs: table.docs.get } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'read');
    return hookShape(await hooks.get(scope, hookId(request)), scope.path, urls);
  });

  app.patch(`${table.prefix}/:hook_id`, { config: { docs: table.docs.update } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'write');
    return hookShape(await hooks.update(scope, hookId(request), request.body), scope.path, urls);
  });

  app.delete(`${table.prefix}/:hook_id`, { config: { docs: table.docs.delete } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'admin');
    await hooks.remove(scope, hookId(request), request.principal.user);
    return reply.code(204).send();
  });

  app.get(`${table.prefix}/:hook_id/config`, { config: { docs: table.docs.getConfig } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'read');
    return configShape(await hooks.get(scope, hookId(request)));
  });

  app.patch(`${table.prefix}/:hook_id/config`, { config: { docs: table.docs.updateConfig } }, async (request, reply) => {
    const scope = await scopeFor(request, reply, 'write');
    return configShape(await hooks.updateConfig(scope, hookId(request), request.body));
  });
}
