// Registering and installing GitHub Apps (Hookline's provisioning extension, site admin) and the public
// GET /apps/{app_slug}.
import type { FastifyInstance } from 'fastify';
import { conversionShape, installationShape, integrationShape } from '../../services/app-shapes.js';
import type { RouteDeps } from '../route-deps.js';
import type { Params } from './params.js';

export function registerAppProvisioningRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { apps } = deps.services;

  app.post('/hookline/apps', { config: { docs: 'apps/apps#create-a-github-app-from-a-manifest' } }, async (request, reply) => {
    return reply.code(201).send(conversionShape(await apps.register(request.principal, request.body), deps.urls));
  });

  app.post('/hookline/app-manifests', { config: { docs: 'apps/apps#create-a-github-app-from-a-manifest' } }, async (request, reply) => {
    const { code, expiresAt } = await deps.services.appManifests.createCode(request.principal, request.body);
    return reply.code(201).send({ code, expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z') });
  });

  // Unauthenticated, as on GitHub: the code is the credential (Probot's setup calls it with none).
  app.post('/app-manifests/:code/conversions', { config: { public: true, docs: 'apps/apps#create-a-github-app-from-a-manifest' } }, async (request, reply) => {
    const registered = await deps.services.appManifests.convert((request.params as Params).code);
    return reply.code(201).send(conversionShape(registered, deps.urls));
  });

  app.post('/hookline/apps/:app_slug/installations', { config: { docs: undefined } }, async (request, reply) => {
    const { installation, app: installed, account } = await apps.install(request.principal, (request.params as Params).app_slug, request.body);
    return reply.code(201).send(installationShape(installation, installed, account, deps.urls));
  });

  // Public Apps are visible to anyone on GitHub; Hookline serves every App to anyone who can sign in.
  app.get('/apps/:app_slug', { config: { docs: 'apps/apps#get-an-app' } }, async (request) => {
    const registered = await apps.bySlug((request.params as Params).app_slug);
    return integrationShape(registered, await apps.accountOf(registered.ownerId), deps.urls);
  });
}
