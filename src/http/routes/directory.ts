// GitHub's read endpoints for the caller, repositories and organizations (Octokit's
// users.getAuthenticated, repos.get, orgs.get, and the listings `gh` uses).
import type { FastifyInstance } from 'fastify';
import { simpleOrganization } from '../../services/shapes.js';
import { fullRepositoryShape, listedRepositoryShape, organizationFullShape, privateUserShape } from '../../services/profile-shapes.js';
import { parsePage, setPageLinks } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import type { Params } from './params.js';

export function registerDirectoryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { directory } = deps.services;
  const urls = deps.urls;

  app.get('/user', { config: { docs: 'users/users#get-the-authenticated-user' } }, async (request) => {
    const { user, owned } = await directory.viewer(request.principal);
    return privateUserShape(user, owned, urls);
  });

  app.get('/user/repos', { config: { docs: 'repos/repos#list-repositories-for-the-authenticated-user' } }, async (request, reply) => {
    const page = parsePage(request.query);
    const { items, total } = await directory.repositories(request.principal, { offset: page.offset, limit: page.perPage });
    setPageLinks(request, reply, urls.api, page, total);
    return items.map((r) => listedRepositoryShape(r, urls));
  });

  app.get('/user/orgs', { config: { docs: 'orgs/orgs#list-organizations-for-the-authenticated-user' } }, async (request, reply) => {
    const page = parsePage(request.query);
    const { items, total } = await directory.organizations(request.principal, { offset: page.offset, limit: page.perPage });
    setPageLinks(request, reply, urls.api, page, total);
    return items.map((o) => simpleOrganization(o, urls));
  });

  app.get('/repos/:owner/:repo', { config: { docs: 'repos/repos#get-a-repository' } }, async (request) => {
    const p = request.params as Params;
    return fullRepositoryShape(await directory.repository(request.principal, p.owner, p.repo), urls);
  });

  app.get('/orgs/:org', { config: { docs: 'orgs/orgs#get-an-organization' } }, async (request) => {
    const { org, owned } = await directory.organization((request.params as Params).org);
    return organizationFullShape(org, owned, urls);
  });
}
