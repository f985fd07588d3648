// Compatibility: @octokit/app (GHES-style base URL) against a listening Hookline: app.webhooks receives
// and verifies the App's deliveries, its installation Octokit calls back with an installation token,
// eachInstallation / eachRepository follow Link headers, and app.octokit reads and redelivers the App
// hook's deliveries. Every response body is checked against GitHub's OpenAPI description.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { App, createNodeMiddleware } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { deferred, startAppRig, type AppReceiver } from '../support/app-receiver.js';
import { validateResponse } from '../support/openapi.js';
import type { TestServer } from '../support/server.js';

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

describe('@octokit/app against Hookline', () => {
  let rig: Awaited<ReturnType<typeof startAppRig>>;
  let server: TestServer;
  let receiver: AppReceiver;
  let app: App;
  let admin: Octokit;
  let registered: Awaited<ReturnType<typeof rig.register>>;
  const opened = deferred<{ installationId: number; repositories: unknown; link: string | undefined }>();

  before(async () => {
    rig = await startAppRig();
    ({ server, receiver, admin } = rig);
    const auth = await admin.request('POST /admin/users/{username}/authorizations', { username: 'octo', scopes: ['repo'] });
    const octo = server.octokit((auth.data as { token: string }).token);
    for (const name of ['one', 'two', 'three']) await octo.rest.repos.createForAuthenticatedUser({ name });
    registered = await rig.register({ name: 'Octokit App', default_events: ['issues'], default_permissions: { issues: 'read' } });

    app = new App({
      appId: registered.id,
      privateKey: registered.pem,
      webhooks: { secret: registered.webhook_secret },
      // createNodeMiddleware also serves the OAuth routes, which need these (the conversion returned them).
      oauth: { clientId: registered.client_id, clientSecret: registered.client_secret },
      Octokit: Octokit.defaults({ baseUrl: `${server.baseUrl}/api/v3`, log: quietLog }),
      log: quietLog,
    });
    app.webhooks.on('issues.opened', async ({ octokit, payload }) => {
      try {
        const res = await octokit.request('GET /installation/repositories', { per_page: 2 });
        opened.resolve({ installationId: payload.installation!.id, repositories: res.data, link: res.headers.link });
      } catch (err) {
        opened.reject(err);
      }
    });
    const middleware = createNodeMiddleware(app, { log: quietLog });
    receiver.handle((req, res) => void middleware(req, res));
    await admin.request('POST /hookline/apps/{app_slug}/installations', { app_slug: registered.slug, account: 'octo', repository_selection: 'all' });
  });

  after(async () => {
    await rig?.close();
  });

  it('delivers issues.opened to app.webhooks; the installation Octokit calls back', async () => {
    await admin.request('POST /hookline/events', { event: 'issues', action: 'opened', repository: 'octo/two', sender: 'octo', payload: { issue: { number: 7 } } });
    const got = await opened.promise;
    validateResponse('apps/list-repos-accessible-to-installation', 200, got.repositories);
    assert.equal((got.repositories as { total_count: number }).total_count, 3);
    // Links stay under the client's base URL (/api/v3).
    assert.match(got.link ?? '', new RegExp(`^<${server.baseUrl}/api/v3/installation/repositories\\?`));
  });

  it('reads the App and walks installations and repositories', async () => {
    const me = await app.octokit.request('GET /app');
    validateResponse('apps/get-authenticated', 200, me.data);
    assert.equal(me.data!.slug, 'octokit-app');
    const installations: number[] = [];
    const repositories: string[] = [];
    for await (const { installation } of app.eachInstallation.iterator()) installations.push(installation.id);
    for await (const { repository } of app.eachRepository.iterator()) repositories.push(repository.full_name);
    assert.equal(installations.length, 1);
    assert.deepEqual(repositories.sort(), ['octo/one', 'octo/three', 'octo/two']);
  });

  it('lists, gets and redelivers the App hook deliveries through app.octokit', async () => {
    await server.app.worker!.idle();
    const list = await app.octokit.request('GET /app/hook/deliveries', { per_page: 2 });
    assert.equal(list.status, 200);
    validateResponse('apps/list-webhook-deliveries', 200, list.data);
    assert.deepEqual(list.data.map((d) => [d.event, d.status_code]), [['issues', 200], ['installation', 200]]);
    assert.match(list.headers.link ?? '', new RegExp(`^<${server.baseUrl}/api/v3/app/hook/deliveries\\?.*rel="next"`));
    const one = await app.octokit.request('GET /app/hook/deliveries/{delivery_id}', { delivery_id: Number(list.data[0].id) });
    validateResponse('apps/get-webhook-delivery', 200, one.data);
    const again = await app.octokit.request('POST /app/hook/deliveries/{delivery_id}/attempts', { delivery_id: Number(list.data[0].id) });
    assert.equal(again.status, 202);
    validateResponse('apps/redeliver-webhook-delivery', 202, again.data);
    const config = await app.octokit.request('GET /app/hook/config');
    validateResponse('apps/get-webhook-config-for-app', 200, config.data);
    assert.equal(config.data.url, receiver.url);
  });
});
