// Pings (after creation and on demand) and the test push endpoint (current and legacy paths).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError } from '../support/hooks.js';
import { validateSchema } from '../support/openapi.js';
import { arrivals, byEvent, deliveryRig, hook, ingest } from './fixtures.js';

test('a new hook is pinged at once, and again on POST …/pings, with zen, hook_id, hook, repository and sender', async (t) => {
  const { app, receiver, token, repo, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/ping'), { events: ['issues'], config: { secret: 'shh' } });
  const [first] = await arrivals(receiver, byEvent('ping', h.id), 1);
  const payload = JSON.parse(first.body.toString());
  validateSchema('webhook-ping', payload);
  assert.equal(typeof payload.zen, 'string');
  assert.ok(payload.zen.length > 0);
  assert.equal(payload.hook_id, h.id);
  assert.equal(payload.hook.id, h.id);
  assert.equal(payload.hook.type, 'Repository');
  assert.deepEqual(payload.hook.events, ['issues']);
  assert.equal(payload.hook.config.secret, '********');
  assert.equal(payload.hook.config.url, receiver.url('/ping'));
  assert.equal(payload.hook.ping_url, `http://hookline.test/repos/alice/hello/hooks/${h.id}/pings`);
  validateSchema('repository-webhooks', payload.repository);
  assert.equal(payload.repository.id, repo.id);
  assert.equal(payload.sender.login, 'alice', 'the hook creator');
  assert.equal(payload.organization, undefined);
  assert.equal(first.headers['x-github-hook-installation-target-id'], String(repo.id));

  await app.worker!.idle(); // the first ping's outcome is recorded
  const res = await app.call('POST', `${path}/${h.id}/pings`, { token });
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
  const [, again] = await arrivals(receiver, byEvent('ping', h.id), 2);
  assert.notEqual(again.headers['x-github-delivery'], first.headers['x-github-delivery']);
  const second = JSON.parse(again.body.toString());
  validateSchema('webhook-ping', second);
  assert.equal(second.hook_id, h.id);
  // The ping reports the hook as it is now: the first ping's outcome is its last_response.
  assert.deepEqual(second.hook.last_response, { code: 200, status: 'active', message: 'OK' });

  assertError(await app.call('POST', `${path}/999999/pings`, { token }), 404, 'Not Found');
  const stranger = await app.user('mallory', ['repo']);
  assertError(await app.call('POST', `${path}/${h.id}/pings`, { token: stranger }), 404, 'Not Found');
});

test('an organization hook ping carries the organization and no repository', async (t) => {
  const { app, receiver } = await deliveryRig(t);
  const alice = await app.user('alice', ['admin:org_hook']);
  const org = (await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } })).json();
  const h = await hook(app, alice, '/orgs/acme/hooks', receiver.url('/org-ping'), { events: ['organization'] });
  const res = await app.call('POST', `/orgs/acme/hooks/${h.id}/pings`, { token: alice });
  assert.equal(res.statusCode, 204);
  const pings = await arrivals(receiver, byEvent('ping', h.id), 2);
  for (const r of pings) {
    const payload = JSON.parse(r.body.toString());
    validateSchema('webhook-ping', payload);
    assert.equal(payload.hook.type, 'Organization');
    assert.equal(payload.organization.login, 'acme');
    validateSchema('organization-simple-webhooks', payload.organization);
    assert.equal(payload.repository, undefined);
    assert.equal(r.headers['x-github-hook-installation-target-type'], 'organization');
    assert.equal(r.headers['x-github-hook-installation-target-id'], String(org.id));
  }
  // Organization hooks have no test-push endpoint.
  assertError(await app.call('POST', `/orgs/acme/hooks/${h.id}/tests`, { token: alice }), 404, 'Not Found');
});

test('POST …/tests and legacy …/test answer 204 and re-send the latest push to hooks subscribed to push or *', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const pushHook = await hook(app, token, path, receiver.url('/push'), { events: ['push'] });
  const wildcard = await hook(app, token, path, receiver.url('/wildcard'), { events: ['*'] });
  const issues = await hook(app, token, path, receiver.url('/issues'), { events: ['issues'] });
  await app.worker!.idle();
  const count = () => receiver.received.filter(byEvent('push')).length;

  // No push yet: nothing to re-send.
  for (const h of [pushHook, wildcard, issues]) {
    const res = await app.call('POST', `${path}/${h.id}/tests`, { token });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(res.body, '');
  }
  await app.worker!.idle();
  assert.equal(count(), 0);

  // Two pushes to alice/hello (the latest wins) and one to another repository (irrelevant here).
  await app.repo(token, 'other');
  await ingest(app, { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/old' } });
  const latest = await ingest(app, { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/main', after: 'abc' } });
  await ingest(app, { event: 'push', repository: 'alice/other', payload: { ref: 'refs/heads/elsewhere' } });
  await app.worker!.idle();
  const original = receiver.received.find((r) => r.headers['x-github-delivery'] === latest.guid && r.headers['x-github-hook-id'] === String(pushHook.id))!;
  assert.ok(original);
  const before = count();
  assert.equal(before, 4);

  for (const [h, suffix] of [[pushHook, 'tests'], [wildcard, 'test'], [issues, 'tests'], [issues, 'test']] as const) {
    const res = await app.call('POST', `${path}/${h.id}/${suffix}`, { token });
    assert.equal(res.statusCode, 204, `${suffix}: ${res.body}`);
  }
  await app.worker!.idle();
  const resent = receiver.received.filter(byEvent('push')).slice(before);
  assert.deepEqual(resent.map((r) => r.headers['x-github-hook-id']).sort(), [pushHook.id, wildcard.id].map(String).sort());
  for (const r of resent) {
    assert.equal(r.body.toString(), original.body.toString(), 'the latest push, byte for byte');
    assert.equal(JSON.parse(r.body.toString()).ref, 'refs/heads/main');
    assert.notEqual(r.headers['x-github-delivery'], latest.guid, 'a test push is a new delivery');
  }
  assert.notEqual(resent[0].headers['x-github-delivery'], resent[1].headers['x-github-delivery']);

  assertError(await app.call('POST', `${path}/999999/tests`, { token }), 404, 'Not Found');
  const stranger = await app.user('mallory', ['repo']);
  assertError(await app.call('POST', `${path}/${pushHook.id}/test`, { token: stranger }), 404, 'Not Found');
});
