// Compatibility: a real Probot app, its code unchanged, configured only with APP_ID, PRIVATE_KEY,
// WEBHOOK_SECRET and GHE_HOST (GHE_PROTOCOL=http, as the test server has no TLS), receives an
// `issues.opened` emitted through POST /hookline/events, and its context.octokit calls back to
// Hookline with an installation token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNodeMiddleware, createProbot, type Probot } from 'probot';
import { appJwt } from '../support/apps.js';
import { deferred, startAppRig } from '../support/app-receiver.js';
import { validateResponse } from '../support/openapi.js';

describe('a Probot app against Hookline', () => {
  let rig: Awaited<ReturnType<typeof startAppRig>>;

  before(async () => {
    rig = await startAppRig();
    await rig.admin.request('POST /admin/organizations', { login: 'octo-org', admin: 'octo', profile_name: 'Octo' });
    await rig.admin.request('POST /orgs/{org}/repos', { org: 'octo-org', name: 'hello' });
  });

  after(async () => {
    await rig?.close();
  });

  it('handles issues.opened and reads /installation/repositories with its installation token', async () => {
    const registered = await rig.register({ name: 'Probot Check', default_events: ['issues'], default_permissions: { issues: 'write', metadata: 'read' } });
    const { server, admin, receiver } = rig;

    const seen = deferred<{ repositories: unknown; installationId: number; status: number; config: unknown }>();
    // The app under test, as its author wrote it.
    const appFn = (app: Probot) => {
      app.on('issues.opened', async (context) => {
        try {
          const res = await context.octokit.request('GET /installation/repositories');
          // Hookline serves no repository contents: a missing config file, which Probot reads as none.
          const config = await context.config('probot-check.yml', { greeting: 'default' });
          seen.resolve({ repositories: res.data, installationId: context.payload.installation!.id, status: res.status, config });
        } catch (err) {
          seen.reject(err);
        }
      });
    };
    const probot = createProbot({
      env: {
        APP_ID: String(registered.id),
        PRIVATE_KEY: registered.pem,
        WEBHOOK_SECRET: registered.webhook_secret,
        GHE_HOST: new URL(server.baseUrl).host,
        GHE_PROTOCOL: 'http',
      },
    });
    const middleware = await createNodeMiddleware(appFn, { probot });
    receiver.handle((req, res) => void middleware(req, res, () => {
      res.writeHead(404);
      res.end();
    }));

    const installation = (await admin.request('POST /hookline/apps/{app_slug}/installations', {
      app_slug: registered.slug, account: 'octo-org', repository_selection: 'all',
    })).data as { id: number };
    await admin.request('POST /hookline/events', {
      event: 'issues', action: 'opened', repository: 'octo-org/hello', sender: 'octo',
      payload: { issue: { number: 1, title: 'Hello', body: 'from Hookline' } },
    });

    const got = await seen.promise;
    assert.equal(got.status, 200);
    assert.deepEqual(got.config, { greeting: 'default' });
    assert.equal(got.installationId, installation.id);
    validateResponse('apps/list-repos-accessible-to-installation', 200, got.repositories);
    assert.deepEqual((got.repositories as { repositories: Array<{ full_name: string }> }).repositories.map((r) => r.full_name), ['octo-org/hello']);

    // Probot answered every delivery 200: the ping, installation.created and issues.opened.
    await server.app.worker!.idle();
    const log = await fetch(`${server.baseUrl}/api/v3/app/hook/deliveries`, {
      headers: { authorization: `Bearer ${await appJwt(registered.pem, registered.id, new Date())}` },
    });
    assert.equal(log.status, 200);
    const deliveries = (await log.json()) as Array<{ event: string; status_code: number }>;
    assert.deepEqual(deliveries.map((d) => [d.event, d.status_code]), [['issues', 200], ['installation', 200], ['ping', 200]]);
  });
});
