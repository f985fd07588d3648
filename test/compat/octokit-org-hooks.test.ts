// Compatibility: a listening Hookline driven by @octokit/rest through the GHES base URL, every
// organization webhook method (O1–O11), every response body checked against GitHub's OpenAPI
// description, and deliveries sent to a real receiver.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { validateResponse, validateSchema } from '../support/openapi.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { requestError, startServer, type TestServer } from '../support/server.js';

const ORG = 'Octo-Compat-Org';
const OWNER = 'org-owner';
const SECRET = 'compat-secret';

describe('organization webhooks through @octokit/rest', () => {
  let server: TestServer;
  let receiver: Receiver;
  let octokit: Octokit;
  let orgId: number;

  before(async () => {
    receiver = await startReceiver();
    server = await startServer({ HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    await server.app.start();
    const admin = server.octokit(server.adminToken);
    await admin.request('POST /admin/users', { login: OWNER, email: `${OWNER}@example.com` });
    const org = await admin.request('POST /admin/organizations', { login: ORG, admin: OWNER, profile_name: 'Compat' });
    orgId = (org.data as { id: number }).id;
    const auth = await admin.request('POST /admin/users/{username}/authorizations', { username: OWNER, scopes: ['admin:org_hook'] });
    octokit = server.octokit((auth.data as { token: string }).token);
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('creates, reads, updates and deletes a hook (O1–O7), each body valid against the spec', async () => {
    const org = ORG.toLowerCase();
    const created = await octokit.rest.orgs.createWebhook({
      org, name: 'web', events: ['organization', 'push'],
      config: { url: 'https://example.com/org-hook', content_type: 'json', secret: 'shh', insecure_ssl: '0', username: 'u', password: 'p' },
    });
    assert.equal(created.status, 201);
    validateResponse('orgs/create-webhook', 201, created.data);
    const hook = created.data;
    const hook_id = hook.id;
    assert.equal(created.headers.location, hook.url);
    assert.equal(hook.url, `${server.baseUrl}/orgs/${ORG}/hooks/${hook_id}`);
    assert.equal(hook.ping_url, `${hook.url}/pings`);
    assert.equal(hook.deliveries_url, `${hook.url}/deliveries`);
    assert.equal(hook.type, 'Organization');
    assert.equal('test_url' in hook, false);
    assert.deepEqual([...hook.events].sort(), ['organization', 'push']);
    assert.equal(hook.config.secret, '********');
    assert.equal(JSON.stringify(hook).includes('"p"'), false, 'the password is not returned');

    const listed = await octokit.rest.orgs.listWebhooks({ org });
    assert.equal(listed.status, 200);
    validateResponse('orgs/list-webhooks', 200, listed.data);
    assert.deepEqual(listed.data, [hook]);

    const got = await octokit.rest.orgs.getWebhook({ org: ORG.toUpperCase(), hook_id });
    validateResponse('orgs/get-webhook', 200, got.data);
    assert.deepEqual(got.data, hook);
    const followed = await octokit.request(`GET ${hook.url}`);
    validateResponse('orgs/get-webhook', 200, followed.data);
    assert.deepEqual(followed.data, hook);

    const updated = await octokit.rest.orgs.updateWebhook({ org, hook_id, name: 'web', events: ['team'], active: false });
    assert.equal(updated.status, 200);
    validateResponse('orgs/update-webhook', 200, updated.data);
    assert.deepEqual(updated.data.events, ['team']);
    assert.equal(updated.data.active, false);
    assert.deepEqual(updated.data.config, hook.config, 'a PATCH without config keeps the config');

    const replaced = await octokit.rest.orgs.updateWebhook({ org, hook_id, config: { url: 'https://example.com/other', content_type: 'form' } });
    validateResponse('orgs/update-webhook', 200, replaced.data);
    assert.deepEqual(replaced.data.config, { content_type: 'form', insecure_ssl: '0', url: 'https://example.com/other' });

    const config = await octokit.rest.orgs.getWebhookConfigForOrg({ org, hook_id });
    assert.equal(config.status, 200);
    validateResponse('orgs/get-webhook-config-for-org', 200, config.data);
    assert.deepEqual(config.data, replaced.data.config);

    const merged = await octokit.rest.orgs.updateWebhookConfigForOrg({ org, hook_id, secret: 'new', insecure_ssl: 1 });
    assert.equal(merged.status, 200);
    validateResponse('orgs/update-webhook-config-for-org', 200, merged.data);
    assert.deepEqual(merged.data, { content_type: 'form', insecure_ssl: '1', secret: '********', url: 'https://example.com/other' });

    const deleted = await octokit.rest.orgs.deleteWebhook({ org, hook_id });
    assert.equal(deleted.status, 204);
    validateResponse('orgs/delete-webhook', 204, deleted.data);
    const gone = await requestError(() => octokit.rest.orgs.getWebhook({ org, hook_id }));
    assert.equal(gone.status, 404);
    validateResponse('orgs/get-webhook', 404, gone.response?.data);
    const listedAfter = await octokit.rest.orgs.listWebhooks({ org });
    validateResponse('orgs/list-webhooks', 200, listedAfter.data);
    assert.deepEqual(listedAfter.data, []);
  });

  it('pings, lists and gets deliveries, and redelivers (O8–O11) against a real receiver', async () => {
    const created = await octokit.rest.orgs.createWebhook({
      org: ORG, name: 'web', events: ['team'], config: { url: receiver.url('/compat'), content_type: 'json', secret: SECRET },
    });
    validateResponse('orgs/create-webhook', 201, created.data);
    const hook_id = created.data.id;
    await receiver.waitFor(1);

    const pinged = await octokit.rest.orgs.pingWebhook({ org: ORG, hook_id });
    assert.equal(pinged.status, 204);
    validateResponse('orgs/ping-webhook', 204, pinged.data);
    const [first, second] = await receiver.waitFor(2);
    for (const ping of [first, second]) {
      assert.equal(ping.headers['x-github-event'], 'ping');
      assert.equal(ping.headers['x-github-hook-installation-target-type'], 'organization');
      assert.equal(ping.headers['x-github-hook-installation-target-id'], String(orgId));
      assert.ok(await verify(SECRET, ping.body.toString('utf8'), String(ping.headers['x-hub-signature-256'])));
      assert.equal(JSON.parse(ping.body.toString('utf8')).organization.login, ORG);
    }
    await server.app.worker!.idle();

    const listed = await octokit.rest.orgs.listWebhookDeliveries({ org: ORG, hook_id, per_page: 1 });
    assert.equal(listed.status, 200);
    validateResponse('orgs/list-webhook-deliveries', 200, listed.data);
    assert.equal(listed.data.length, 1);
    assert.match(listed.headers.link ?? '', /rel="next"/);
    const all = await octokit.paginate(octokit.rest.orgs.listWebhookDeliveries, { org: ORG, hook_id, per_page: 1 });
    validateResponse('orgs/list-webhook-deliveries', 200, all);
    assert.deepEqual(all.map((d) => [d.event, d.status, d.status_code]), [['ping', 'OK', 200], ['ping', 'OK', 200]]);
    assert.deepEqual(all.map((d) => d.guid), [second.headers['x-github-delivery'], first.headers['x-github-delivery']]);

    const delivery_id = all[0].id;
    const detail = await octokit.rest.orgs.getWebhookDelivery({ org: ORG, hook_id, delivery_id });
    assert.equal(detail.status, 200);
    validateResponse('orgs/get-webhook-delivery', 200, detail.data);
    assert.deepEqual(detail.data.request.payload, JSON.parse(second.body.toString('utf8')));
    assert.equal(detail.data.response.payload, 'ok');

    const redelivered = await octokit.rest.orgs.redeliverWebhookDelivery({ org: ORG, hook_id, delivery_id });
    assert.equal(redelivered.status, 202);
    validateResponse('orgs/redeliver-webhook-delivery', 202, redelivered.data);
    const third = (await receiver.waitFor(3))[2];
    assert.equal(third.headers['x-github-delivery'], second.headers['x-github-delivery']);
    await server.app.worker!.idle();
    const after = await octokit.rest.orgs.listWebhookDeliveries({ org: ORG, hook_id });
    validateResponse('orgs/list-webhook-deliveries', 200, after.data);
    assert.deepEqual(after.data.map((d) => d.redelivery), [true, false, false]);

    await octokit.rest.orgs.deleteWebhook({ org: ORG, hook_id });
  });

  it('errors are Octokit RequestErrors with GitHub\'s shapes: 404 for missing, 422 for invalid', async () => {
    const noOrg = await requestError(() => octokit.rest.orgs.listWebhooks({ org: 'no-such-org' }));
    assert.equal(noOrg.status, 404);
    validateResponse('orgs/list-webhooks', 404, noOrg.response?.data);
    const noHook = await requestError(() => octokit.rest.orgs.updateWebhook({ org: ORG, hook_id: 999999, active: true }));
    assert.equal(noHook.status, 404);
    validateResponse('orgs/update-webhook', 404, noHook.response?.data);
    const noPing = await requestError(() => octokit.rest.orgs.pingWebhook({ org: ORG, hook_id: 999999 }));
    assert.equal(noPing.status, 404);
    validateResponse('orgs/ping-webhook', 404, noPing.response?.data);
    const noConfig = await requestError(() => octokit.rest.orgs.getWebhookConfigForOrg({ org: ORG, hook_id: 999999 }));
    assert.equal(noConfig.status, 404);
    validateSchema('basic-error', noConfig.response?.data);

    // Octokit's types require config.url; an untyped route sends the body as it is.
    const createRoute: string = 'POST /orgs/{org}/hooks';
    const noUrl = await requestError(() => octokit.request(createRoute, { org: ORG, name: 'web', config: { content_type: 'json' } }));
    assert.equal(noUrl.status, 422);
    validateResponse('orgs/create-webhook', 422, noUrl.response?.data);
    const badEvent = await requestError(() =>
      octokit.rest.orgs.createWebhook({ org: ORG, name: 'web', events: ['not_an_event'], config: { url: 'https://example.com/x' } }),
    );
    assert.equal(badEvent.status, 422);
    validateResponse('orgs/create-webhook', 422, badEvent.response?.data);
    await octokit.rest.orgs.createWebhook({ org: ORG, name: 'web', config: { url: 'https://example.com/dup' } });
    const duplicate = await requestError(() => octokit.rest.orgs.createWebhook({ org: ORG, name: 'web', config: { url: 'https://example.com/dup' } }));
    assert.equal(duplicate.status, 422);
    validateResponse('orgs/create-webhook', 422, duplicate.response?.data);
    assert.deepEqual((duplicate.response?.data as { errors: unknown[] }).errors, [
      { resource: 'Hook', code: 'custom', message: 'Hook already exists on this organization' },
    ]);
  });
});
