// GHES site-admin user administration endpoints (enterprise-admin/users): all answer 204 No Content.
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../route-deps.js';
import type { Params } from './params.js';

export function registerUserAdminRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { userAdmin } = deps.services;
  const username = (params: unknown) => (params as Params).username;

  app.put('/users/:username/suspended', { config: { docs: 'enterprise-admin/users#suspend-a-user' } }, async (request, reply) => {
    await userAdmin.suspend(request.principal, username(request.params), request.body);
    return reply.code(204).send();
  });

  app.delete('/users/:username/suspended', { config: { docs: 'enterprise-admin/users#unsuspend-a-user' } }, async (request, reply) => {
    await userAdmin.unsuspend(request.principal, username(request.params), request.body);
    return reply.code(204).send();
  });

  app.delete('/admin/users/:username', { config: { docs: 'enterprise-admin/users#delete-a-user' } }, async (request, reply) => {
    await userAdmin.deleteUser(request.principal, username(request.params));
    return reply.code(204).send();
  });

  app.delete(
    '/admin/users/:username/authorizations',
    { config: { docs: 'enterprise-admin/users#delete-an-impersonation-oauth-token' } },
    async (request, reply) => {
      await userAdmin.deleteImpersonationTokens(request.principal, username(request.params));
      return reply.code(204).send();
    },
  );
}
