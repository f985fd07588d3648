// GitHub's endpoints for an App (JWT) and for an installation (installation token). These routes skip
// the user-token check (`public`) and authenticate the App or installation themselves.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { deliveryItemShape, deliveryShape, repositoryWebhookShape } from '../../services/delivery-shapes.js';
import { installationShape, installationTokenShape, integrationShape } from '../../services/app-shapes.js';
import { configShape } from '../../services/shapes.js';
import { parsePage, setPageLinks } from '../pagination.js';
import { setCursorLinks } from './deliveries.js';
import type { RouteDeps } from '../route-deps.js';
import { idParam, type Params } from './params.js';

const docs = (anchor: string) => ({ public: true, docs: `apps/${anchor}` });

export function registerAppApiRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { apps, appTokens, appAccess, hooks, deliveries } = deps.services;
  const asApp = async (request: FastifyRequest) => (await appAccess.app(request.headers.authorization)).app;
  const id = (request: FastifyRequest, name: string) => idParam((request.params as Params)[name]);
  const shapeOf = async (i: Parameters<typeof installationShape>[0], a: Parameters<typeof installationShape>[1]) =>
    installationShape(i, a, await apps.accountOf(i.accountId), deps.urls, i.suspendedById === null ? null : await apps.accountOf(i.suspendedById));

  app.get('/app', { config: docs('apps#get-the-authenticated-app') }, async (request) => {
    const me = await asApp(request);
    const { total } = await apps.installations(me, 0, 1);
    return integrationShape(me, await apps.accountOf(me.ownerId), deps.urls, total);
  });

  app.get('/app/installations', { config: docs('apps#list-installations-for-the-authenticated-app') }, async (request, reply) => {
    const me = await asApp(request);
    const page = parsePage(request.query);
    const { installations, total } = await apps.installations(me, page.offset, page.perPage);
    setPageLinks(request, reply, deps.urls.api, page, total);
    return Promise.all(installations.map((i) => shapeOf(i, me)));
  });

  app.get('/app/installations/:installation_id', { config: docs('apps#get-an-installation-for-the-authenticated-app') }, async (request) => {
    const me = await asApp(request);
    return shapeOf(await apps.installation(me, id(request, 'installation_id')), me);
  });

  app.delete('/app/installations/:installation_id', { config: docs('apps#delete-an-installation-for-the-authenticated-app') }, async (request, reply) => {
    const me = await asApp(request);
    await apps.uninstall(me, id(request, 'installation_id'));
    return reply.code(204).send();
  });

  for (const [method, suspended] of [['PUT', true], ['DELETE', false]] as const) {
    const anchor = suspended ? 'apps#suspend-an-app-installation' : 'apps#unsuspend-an-app-installation';
    app.route({ method, url: '/app/installations/:installation_id/suspended', config: docs(anchor), handler: async (request, reply) => {
      await apps.setSuspended(await asApp(request), id(request, 'installation_id'), suspended);
      return reply.code(204).send();
    } });
  }

  app.post('/app/installations/:installation_id/access_tokens', { config: docs('apps#create-an-installation-access-token-for-an-app') }, async (request, reply) => {
    const me = await asApp(request);
    const installation = await apps.installation(me, id(request, 'installation_id'));
    const minted = await appTokens.mint(me, installation, request.body);
    const repositories = minted.repositories?.map((r) => repositoryWebhookShape(r, deps.urls));
    return reply.code(201).send(installationTokenShape(minted.text, minted.record, minted.selection, repositories));
  });

  const lookups: Array<[string, string, (p: Params) => Parameters<typeof apps.installationFor>[1]]> = [
    ['/repos/:owner/:repo/installation', 'apps#get-a-repository-installation-for-the-authenticated-app', (p) => ({ repository: [p.owner, p.repo] })],
    ['/orgs/:org/installation', 'apps#get-an-organization-installation-for-the-authenticated-app', (p) => ({ org: p.org })],
    ['/users/:username/installation', 'apps#get-a-user-installation-for-the-authenticated-app', (p) => ({ user: p.username })],
  ];
  for (const [path, anchor, where] of lookups) {
    app.get(path, { config: docs(anchor) }, async (request) => {
      const me = await asApp(request);
      return shapeOf(await apps.installationFor(me, where(request.params as Params)), me);
    });
  }

  app.get('/app/hook/config', { config: docs('webhooks#get-a-webhook-configuration-for-an-app') }, async (request) => {
    return configShape(await apps.hook(await asApp(request)));
  });

  app.patch('/app/hook/config', { config: docs('webhooks#update-a-webhook-configuration-for-an-app') }, async (request) => {
    const me = await asApp(request);
    const hook = await apps.hook(me);
    return configShape(await hooks.updateConfig(apps.hookScope(me), hook.id, request.body));
  });

  app.get('/app/hook/deliveries', { config: docs('webhooks#list-deliveries-for-an-app-webhook') }, async (request, reply) => {
    const me = await asApp(request);
    const hook = await apps.hook(me);
    const page = await deliveries.list(apps.hookScope(me), hook.id, request.query as Record<string, string>);
    setCursorLinks(request, reply, deps.urls.api, page);
    return page.deliveries.map(deliveryItemShape);
  });

  app.get('/app/hook/deliveries/:delivery_id', { config: docs('webhooks#get-a-delivery-for-an-app-webhook') }, async (request) => {
    const me = await asApp(request);
    const hook = await apps.hook(me);
    return deliveryShape(await deliveries.get(apps.hookScope(me), hook.id, id(request, 'delivery_id')));
  });

  app.post('/app/hook/deliveries/:delivery_id/attempts', { config: docs('webhooks#redeliver-a-delivery-for-an-app-webhook') }, async (request, reply) => {
    const me = await asApp(request);
    const hook = await apps.hook(me);
    await deliveries.redeliver(apps.hookScope(me), hook.id, id(request, 'delivery_id'));
    return reply.code(202).send({});
  });

  app.get('/installation/repositories', { config: docs('installations#list-repositories-accessible-to-the-app-installation') }, async (request, reply) => {
    const caller = await appAccess.installation(request.headers.authorization);
    const page = parsePage(request.query);
    const { repositories, total, selection } = await appTokens.list(caller, page.offset, page.perPage);
    setPageLinks(request, reply, deps.urls.api, page, total);
    // Only these keys: Octokit's paginate takes the first key besides total_count and repository_selection as the items.
    return { total_count: total, repositories: repositories.map((r) => repositoryWebhookShape(r, deps.urls)), repository_selection: selection };
  });

  app.delete('/installation/token', { config: docs('installations#revoke-an-installation-access-token') }, async (request, reply) => {
    await appTokens.revoke(await appAccess.installation(request.headers.authorization));
    return reply.code(204).send();
  });
}
