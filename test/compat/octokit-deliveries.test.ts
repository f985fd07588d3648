// Compatibility: @octokit/rest drives deliveries, redelivery, ping and test push (R8–R12, and the
// organization variants) against a listening Hookline; every response body is checked against
// GitHub's OpenAPI description.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { validateResponse } from '../support/openapi.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { requestError, startServer, type TestServer } from '../support/server.js';

const OWNER = 'octo-deliveries';
const REPO = 'Hello-World';
const ORG = 'octo-deliveries-org';

describe('webhook deliveries, ping and test push through @octokit/rest', () => {
  let server: TestServer;
  let receiver: Receiver;
  let admin: Octokit;
  let octokit: Octokit;
  const repo = { owner: OWNER, repo: REPO };
  let hookId: number;

  const emit = async (event: string, payload: Record<string, unknown>) => {
    const res = await admin.request('POST /hookline/events', { event, repository: `${OWNER}/${REPO}`, sender: OWNER, payload });
    assert.equal(res.status, 202);
    return res.data as { guid: string; deliveries: number };
  };
  const idle = () => server.app.worker!.idle();

  before(async () => {
    receiver = await startReceiver();
    server = await startServer({ HOOKLINE_ALLOWED_HOSTS: 'loopback' });
    await server.app.start(); // startServer builds and listens; the delivery worker runs once started
    admin = server.octokit(server.adminToken);
    await admin.request('POST /admin/users', { login: OWNER, email: `${OWNER}@example.com` });
    const auth = await admin.request('POST /admin/users/{username}/authorizations', { username: OWNER, scopes: ['repo', 'admin:org_hook'] });
    octokit = server.octokit((auth.data as { token: string }).token);
    await octokit.rest.repos.createForAuthenticatedUser({ name: REPO });
    const hook = await octokit.rest.repos.createWebhook({
      ...repo, name: 'web', events: ['push', 'issues'],
      config: { url: receiver.url('/ok'), content_type: 'json', secret: 'first' },
    });
    hookId = hook.data.id;
    await idle();
  });

  after(async () => {
    await receiver?.close();
    await server?.close();
  });

  it('lists deliveries (R8), paginating with the cursor Link header', async () => {
    for (let n = 0; n < 5; n++) await emit('issues', { action: 'opened', issue: { number: n } });
    await idle();
    const page = await octokit.rest.repos.listWebhookDeliveries({ ...repo, hook_id: hookId, per_page: 2 });
    assert.equal(page.status, 200);
    validateResponse('repos/list-webhook-deliveries', 200, page.data);
    assert.equal(page.data.length, 2);
    assert.match(page.headers.link ?? '', /rel="next"/);

    const all = await octokit.paginate(octokit.rest.repos.listWebhookDeliveries, { ...repo, hook_id: hookId, per_page: 2 });
    assert.equal(all.length, 6, 'five issues events and the ping');
    assert.deepEqual(all.map((d) => d.id), [...all.map((d) => d.id)].sort((a, b) => b - a));
    assert.equal(all.at(-1)!.event, 'ping');
    validateResponse('repos/list-webhook-deliveries', 200, all);

    const failed = await octokit.rest.repos.listWebhookDeliveries({ ...repo, hook_id: hookId, status: 'failure' });
    validateResponse('repos/list-webhook-deliveries', 200, failed.data);
    assert.deepEqual(failed.data, []);

    const bad = await requestError(() => octokit.rest.repos.listWebhookDeliveries({ ...repo, hook_id: hookId, cursor: 'not-a-cursor' }));
    assert.equal(bad.status, 400);
    validateResponse('repos/list-webhook-deliveries', 400, bad.response!.data);
  });

  it('gets a delivery (R9) with its request and response', async () => {
    const { guid } = await emit('push', { ref: 'refs/heads/main' });
    await idle();
    const [item] = (await octokit.rest.repos.listWebhookDeliveries({ ...repo, hook_id: hookId, per_page: 1 })).data;
    assert.equal(item.guid, guid);
    const res = await octokit.rest.repos.getWebhookDelivery({ ...repo, hook_id: hookId, delivery_id: item.id });
    assert.equal(res.status, 200);
    validateResponse('repos/get-webhook-delivery', 200, res.data);
    assert.equal(res.data.event, 'push');
    assert.equal(res.data.status, 'OK');
    assert.equal((res.data.request.payload as { ref: string }).ref, 'refs/heads/main');
    assert.equal(res.data.request.headers!['X-GitHub-Delivery'], guid);
    assert.equal(res.data.response.payload, 'ok');
    const missing = await requestError(() => octokit.rest.repos.getWebhookDelivery({ ...repo, hook_id: hookId, delivery_id: 999_999 }));
    assert.equal(missing.status, 404);
  });

  it('redelivers (R10) with the same GUID, signed with the current secret', async () => {
    const [item] = (await octokit.rest.repos.listWebhookDeliveries({ ...repo, hook_id: hookId, per_page: 1 })).data;
    await octokit.rest.repos.updateWebhookConfigForRepo({ ...repo, hook_id: hookId, secret: 'second' });
    const before = receiver.received.length;
    const res = await octokit.rest.repos.redeliverWebhookDelivery({ ...repo, hook_id: hookId, delivery_id: item.id });
    assert.equal(res.status, 202);
    validateResponse('repos/redeliver-webhook-delivery', 202, res.data);
    const [again] = (await receiver.waitFor(before + 1)).slice(before);
    assert.equal(again.headers['x-github-delivery'], item.guid);
    assert.ok(await verify('second', again.body.toString(), String(again.headers['x-hub-signature-256'])));
    await idle();
    const redeliveries = await octokit.request('GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries', { ...repo, hook_id: hookId, redelivery: true });
    validateResponse('repos/list-webhook-deliveries', 200, redeliveries.data);
    assert.deepEqual(redeliveries.data.map((d) => [d.guid, d.redelivery]), [[item.guid, true]]);
  });

  it('pings (R11) and test-pushes (R12), current and legacy path', async () => {
    const before = receiver.received.length;
    const ping = await octokit.rest.repos.pingWebhook({ ...repo, hook_id: hookId });
    assert.equal(ping.status, 204);
    validateResponse('repos/ping-webhook', 204, ping.data);
    const test = await octokit.rest.repos.testPushWebhook({ ...repo, hook_id: hookId });
    assert.equal(test.status, 204);
    validateResponse('repos/test-push-webhook', 204, test.data);
    const legacy = await octokit.request('POST /repos/{owner}/{repo}/hooks/{hook_id}/test', { ...repo, hook_id: hookId });
    assert.equal(legacy.status, 204);
    const got = (await receiver.waitFor(before + 3)).slice(before);
    assert.deepEqual(got.map((r) => r.headers['x-github-event']).sort(), ['ping', 'push', 'push']);
    for (const r of got.filter((x) => x.headers['x-github-event'] === 'push')) assert.equal(JSON.parse(r.body.toString()).ref, 'refs/heads/main');

    const missing = await requestError(() => octokit.rest.repos.pingWebhook({ ...repo, hook_id: 999_999 }));
    assert.equal(missing.status, 404);
    validateResponse('repos/ping-webhook', 404, missing.response!.data);
    const missingTest = await requestError(() => octokit.rest.repos.testPushWebhook({ ...repo, hook_id: 999_999 }));
    validateResponse('repos/test-push-webhook', 404, missingTest.response!.data);
  });

  it('does the same for organization hooks', async () => {
    await admin.request('POST /admin/organizations', { login: ORG, admin: OWNER, profile_name: 'Octo Org' });
    const hook = await octokit.rest.orgs.createWebhook({ org: ORG, name: 'web', events: ['*'], config: { url: receiver.url('/org'), content_type: 'json' } });
    await idle();
    const ping = await octokit.rest.orgs.pingWebhook({ org: ORG, hook_id: hook.data.id });
    validateResponse('orgs/ping-webhook', 204, ping.data);
    await idle();
    const list = await octokit.rest.orgs.listWebhookDeliveries({ org: ORG, hook_id: hook.data.id });
    validateResponse('orgs/list-webhook-deliveries', 200, list.data);
    assert.deepEqual(list.data.map((d) => d.event), ['ping', 'ping']);
    const one = await octokit.rest.orgs.getWebhookDelivery({ org: ORG, hook_id: hook.data.id, delivery_id: list.data[0].id });
    validateResponse('orgs/get-webhook-delivery', 200, one.data);
    assert.equal((one.data.request.payload as { organization: { login: string } }).organization.login, ORG);
    const again = await octokit.rest.orgs.redeliverWebhookDelivery({ org: ORG, hook_id: hook.data.id, delivery_id: list.data[1].id });
    assert.equal(again.status, 202);
    validateResponse('orgs/redeliver-webhook-delivery', 202, again.data);
    await idle();
    const after = await octokit.rest.orgs.listWebhookDeliveries({ org: ORG, hook_id: hook.data.id });
    assert.deepEqual(after.data.map((d) => d.redelivery), [true, false, false]);
    assert.equal(after.data[0].guid, list.data[1].guid);
  });
});
