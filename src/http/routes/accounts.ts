// Provisioning endpoints, shaped like GitHub Enterprise Server's admin API.
import type { FastifyInstance } from 'fastify';
import { fullRepositoryShape } from '../../services/profile-shapes.js';
import { fullOrganization, fullUser, simpleOrganization, simpleUser } from '../../services/shapes.js';
import type { RouteDeps } from '../route-deps.js';
import type { Params } from './params.js';

export function registerAccountRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { accounts } = deps.services;
  const urls = deps.urls;

  app.post('/admin/users', { config: { docs: 'enterprise-admin/users#create-a-user' } }, async (request, reply) => {
    const user = await accounts.createUser(request.principal, request.body);
    return reply.code(201).send(fullUser(user, urls));
  });

  app.post('/admin/organizations', { config: { docs: 'enterprise-admin/orgs#create-an-organization' } }, async (request, reply) => {
    const org = await accounts.createOrganization(request.principal, request.body);
    return reply.code(201).send(fullOrganization(org, urls));
  });

  app.post(
    '/admin/users/:username/authorizations',
    { config: { docs: 'enterprise-admin/users#create-an-impersonation-oauth-token' } },
    async (request, reply) => {
      const { token, record, user } = await accounts.createImpersonationToken(
        request.principal, (request.params as Params).username, request.body,
      );
      return reply.code(201).send({
        id: record.id,
        url: `${urls.api}/authorizations/${record.id}`,
        app: { name: 'GitHub Site Administrator', url: 'https://docs.github.com/enterprise/rest/enterprise-admin/users', client_id: '' },
        token,
        hashed_token: null,
        token_last_eight: token.slice(-8),
        note: null,
        note_url: null,
        created_at: record.createdAt,
        updated_at: record.createdAt,
        scopes: record.scopes,
        fingerprint: null,
        user: simpleUser(user, urls),
        expires_at: null,
      });
    },
  );

  app.post('/user/repos', { config: { docs: 'repos/repos#create-a-repository-for-the-authenticated-user' } }, async (request, reply) => {
    const repo = await accounts.createRepository(request.principal, null, request.body);
    return reply.code(201).header('Location', `${urls.api}/repos/${repo.owner.login}/${repo.name}`).send(fullRepositoryShape(repo, urls));
  });

  app.post('/orgs/:org/repos', { config: { docs: 'repos/repos#create-an-organization-repository' } }, async (request, reply) => {
    const repo = await accounts.createRepository(request.principal, (request.params as Params).org, request.body);
    return reply.code(201).header('Location', `${urls.api}/repos/${repo.owner.login}/${repo.name}`).send(fullRepositoryShape(repo, urls));
  });

  app.put(
    '/orgs/:org/memberships/:username',
    { config: { docs: 'orgs/members#set-organization-membership-for-a-user' } },
    async (request) => {
      const p = request.params as Params;
      const { org, user, role } = await accounts.setMembership(request.principal, p.org, p.username, request.body);
      return {
        url: `${urls.api}/orgs/${org.login}/memberships/${user.login}`,
        state: 'active',
        role,
        organization_url: `${urls.api}/orgs/${org.login}`,
        organization: simpleOrganization(org, urls),
        user: simpleUser(user, urls),
      };
    },
  );

  app.put(
    '/repos/:owner/:repo/collaborators/:username',
    { config: { docs: 'collaborators/collaborators#add-a-repository-collaborator' } },
    async (request, reply) => {
      const p = request.params as Params;
      await accounts.addCollaborator(request.principal, p.owner, p.repo, p.username, request.body);
      return reply.code(204).send();
    },
  );
}
