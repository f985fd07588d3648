// Deliveries to a GitHub App's webhook: registration ping, `installation` created/deleted, and ingested
// events copied per installation with `installation: {id, node_id}`, App headers and the App's secret;
// nothing for events the App did not subscribe to or lacks the permission for, or outside its
// installation's repositories. The App's delivery log and redelivery work like any hook's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verify } from '@octokit/webhooks-methods';
import { appJwt, install, registerApp } from '../support/apps.js';
import { validateResponse } from '../support/openapi.js';
import { arrivals, byEvent, deliveryRig, ingest } from './fixtures.js';

describe('deliveries to a GitHub App', () => {
  it('sends ping, installation and subscribed events to the App hook, signed with its webhook secret', async (t) => {
    const { app, receiver, token } = await deliveryRig(t);
    await app.repo(token, 'other');
    const registered = await registerApp(app, receiver.url('/app'), { default_events: ['issues'], default_permissions: { issues: 'write' } });
    const [ping] = await arrivals(receiver, byEvent('ping'), 1);
    const pinged = JSON.parse(ping.body.toString());
    assert.equal(pinged.hook.type, 'App');
    assert.equal(pinged.hook.app_id, registered.id);
    assert.equal(pinged.hook.deliveries_url, 'http://hookline.test/app/hook/deliveries');
    assert.equal(pinged.installation, undefined);

    const installation = await install(app, registered.slug, { account: 'alice', repositories: ['alice/hello'] });
    const [created] = await arrivals(receiver, byEvent('installation'), 1);
    const createdBody = JSON.parse(created.body.toString());
    assert.equal(createdBody.action, 'created');
    assert.equal(createdBody.installation.id, installation.id);
    assert.deepEqual(createdBody.repositories.map((r: any) => r.full_name), ['alice/hello']);

    const result = await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: { issue: { number: 1 } } });
    assert.equal(result.deliveries, 1, 'one delivery: the App hook (alice/hello has no hooks of its own)');
    const [issue] = await arrivals(receiver, byEvent('issues'), 1);
    const hookId = String(pinged.hook_id);
    assert.equal(issue.headers['x-github-hook-id'], hookId);
    assert.equal(issue.headers['x-github-hook-installation-target-type'], 'integration');
    assert.equal(issue.headers['x-github-hook-installation-target-id'], String(registered.id));
    assert.equal(issue.headers['content-type'], 'application/json');
    assert.ok(await verify(registered.webhook_secret, issue.body.toString(), String(issue.headers['x-hub-signature-256'])));
    const payload = JSON.parse(issue.body.toString());
    assert.deepEqual(Object.keys(payload.installation), ['id', 'node_id']);
    assert.equal(payload.installation.id, installation.id);
    assert.equal(payload.repository.full_name, 'alice/hello');

    // Not subscribed (star, push), outside the installation's selection (alice/other).
    await ingest(app, { event: 'star', action: 'created', repository: 'alice/hello', payload: {} });
    assert.equal((await ingest(app, { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/main' } })).deliveries, 0);
    assert.equal((await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/other', payload: {} })).deliveries, 0);
    await app.worker!.idle();
    assert.equal(receiver.received.filter(byEvent('star')).length, 0);
    assert.equal(receiver.received.filter(byEvent('issues')).length, 1);
  });

  it('lists, shows and redelivers App deliveries, and sends installation deleted on uninstall', async (t) => {
    const { app, receiver } = await deliveryRig(t);
    const registered = await registerApp(app, receiver.url('/status/500'));
    const installation = await install(app, registered.slug, { account: 'alice' });
    await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
    await arrivals(receiver, byEvent('issues'), 1);
    await app.worker!.idle();
    const auth = async () => ({ authorization: `Bearer ${await appJwt(registered.pem, registered.id, new Date())}` });

    const list = await app.call('GET', '/app/hook/deliveries?per_page=2', { token: null, headers: await auth() });
    assert.equal(list.statusCode, 200, list.body);
    validateResponse('apps/list-webhook-deliveries', 200, list.json());
    assert.deepEqual(list.json().map((d: any) => d.event), ['issues', 'installation']);
    assert.match(String(list.headers.link), /rel="next"/, 'the ping is on the next page');
    const failed = await app.call('GET', '/app/hook/deliveries?status=failure', { token: null, headers: await auth() });
    assert.equal(failed.json().length, 3);

    const id = list.json()[0].id;
    const one = await app.call('GET', `/app/hook/deliveries/${id}`, { token: null, headers: await auth() });
    assert.equal(one.statusCode, 200, one.body);
    validateResponse('apps/get-webhook-delivery', 200, one.json());
    assert.equal(one.json().request.headers['X-GitHub-Hook-Installation-Target-Type'], 'integration');
    assert.equal(one.json().request.payload.installation.id, installation.id);

    const again = await app.call('POST', `/app/hook/deliveries/${id}/attempts`, { token: null, headers: await auth() });
    assert.equal(again.statusCode, 202, again.body);
    validateResponse('apps/redeliver-webhook-delivery', 202, again.json());
    await arrivals(receiver, byEvent('issues'), 2);
    await app.worker!.idle();
    const redelivered = await app.call('GET', '/app/hook/deliveries?redelivery=true', { token: null, headers: await auth() });
    assert.equal(redelivered.json().length, 1);

    const removed = await app.call('DELETE', `/app/installations/${installation.id}`, { token: null, headers: await auth() });
    assert.equal(removed.statusCode, 204);
    const deleted = (await arrivals(receiver, byEvent('installation'), 2)).map((r) => JSON.parse(r.body.toString()).action);
    assert.deepEqual(deleted, ['created', 'deleted']);
    assert.equal((await ingest(app, { event: 'issues', action: 'closed', repository: 'alice/hello', payload: {} })).deliveries, 0);
  });

  it('suspends an installation: no events, no working tokens, until it is unsuspended', async (t) => {
    const { app, receiver } = await deliveryRig(t);
    const registered = await registerApp(app, receiver.url('/app'));
    const installation = await install(app, registered.slug, { account: 'alice' });
    const auth = async () => ({ authorization: `Bearer ${await appJwt(registered.pem, registered.id, new Date())}` });
    const token = (await app.call('POST', `/app/installations/${installation.id}/access_tokens`, { token: null, headers: await auth() })).json().token;

    const suspended = await app.call('PUT', `/app/installations/${installation.id}/suspended`, { token: null, headers: await auth() });
    assert.equal(suspended.statusCode, 204, suspended.body);
    const shown = (await app.call('GET', `/app/installations/${installation.id}`, { token: null, headers: await auth() })).json();
    validateResponse('apps/get-installation', 200, shown);
    assert.ok(shown.suspended_at);
    assert.equal(shown.suspended_by.login, 'hookline-admin');
    assert.equal((await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} })).deliveries, 0);
    const used = await app.call('GET', '/installation/repositories', { token });
    assert.equal(used.statusCode, 403);
    assert.equal(used.json().message, 'This installation has been suspended');
    const minted = await app.call('POST', `/app/installations/${installation.id}/access_tokens`, { token: null, headers: await auth() });
    assert.equal(minted.statusCode, 403);

    assert.equal((await app.call('DELETE', `/app/installations/${installation.id}/suspended`, { token: null, headers: await auth() })).statusCode, 204);
    assert.equal((await app.call('GET', '/installation/repositories', { token })).statusCode, 200);
    assert.equal((await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} })).deliveries, 1);
    const actions = (await arrivals(receiver, byEvent('installation'), 3)).map((r) => JSON.parse(r.body.toString()).action);
    assert.deepEqual(actions, ['created', 'suspend', 'unsuspend']);
  });

  it('reads and changes the App hook config; the new secret signs later deliveries', async (t) => {
    const { app, receiver } = await deliveryRig(t);
    const registered = await registerApp(app, receiver.url('/first'));
    await install(app, registered.slug, { account: 'alice' });
    const auth = async () => ({ authorization: `Bearer ${await appJwt(registered.pem, registered.id, new Date())}` });
    const config = await app.call('GET', '/app/hook/config', { token: null, headers: await auth() });
    assert.equal(config.statusCode, 200, config.body);
    validateResponse('apps/get-webhook-config-for-app', 200, config.json());
    assert.deepEqual(config.json(), { content_type: 'json', insecure_ssl: '0', secret: '********', url: receiver.url('/first') });

    const patched = await app.call('PATCH', '/app/hook/config', { token: null, headers: await auth(), body: { url: receiver.url('/second'), secret: 'rotated' } });
    assert.equal(patched.statusCode, 200, patched.body);
    validateResponse('apps/update-webhook-config-for-app', 200, patched.json());
    assert.equal(patched.json().url, receiver.url('/second'));
    const bad = await app.call('PATCH', '/app/hook/config', { token: null, headers: await auth(), body: { url: 'not a url' } });
    assert.equal(bad.statusCode, 422);

    await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
    const [issue] = await arrivals(receiver, byEvent('issues'), 1);
    assert.equal(issue.path, '/second');
    assert.ok(await verify('rotated', issue.body.toString(), String(issue.headers['x-hub-signature-256'])));
  });
});
