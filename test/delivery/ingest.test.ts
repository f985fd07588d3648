// POST /hookline/events: validation, who may call it, the 25 MB cap, payload filling, and fan-out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError } from '../support/hooks.js';
import { validateSchema } from '../support/openapi.js';
import { arrivals, byEvent, deliveryRig, hook, ingest } from './fixtures.js';

const MB = 1024 * 1024;

test('ingest rejects what it cannot deliver with GitHub-shaped errors', async (t) => {
  const { app } = await deliveryRig(t);
  await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } });
  const post = (body: unknown) => app.call('POST', '/hookline/events', { body });
  const fieldOf = (res: Awaited<ReturnType<typeof post>>) => assertError(res, 422, 'Validation Failed').errors.map((e: any) => e.field);

  assert.deepEqual(fieldOf(await post({ event: 'not_an_event', repository: 'alice/hello', payload: {} })), ['event']);
  assert.deepEqual(fieldOf(await post({ event: 'installation', repository: 'alice/hello', payload: {} })), ['event']);
  assert.deepEqual(fieldOf(await post({ event: 'issues', repository: 'alice/nothing', payload: {} })), ['repository']);
  assert.deepEqual(fieldOf(await post({ event: 'issues', repository: 'alice', payload: {} })), ['repository']);
  assert.deepEqual(fieldOf(await post({ event: 'issues', repository: 'alice/hello/x', payload: {} })), ['repository']);
  assert.deepEqual(fieldOf(await post({ event: 'issues', organization: 'nope', payload: {} })), ['organization']);
  // alice is a user, not an organization; and alice/hello does not belong to acme.
  assert.deepEqual(fieldOf(await post({ event: 'issues', organization: 'alice', payload: {} })), ['organization']);
  assert.deepEqual(fieldOf(await post({ event: 'issues', repository: 'alice/hello', organization: 'acme', payload: {} })), ['organization']);
  assert.deepEqual(fieldOf(await post({ event: 'issues', repository: 'alice/hello', sender: 'ghost', payload: {} })), ['sender']);
  assert.deepEqual(fieldOf(await post({ event: 'issues', action: 'opened', repository: 'alice/hello', payload: { action: 'closed' } })), ['action']);
  // Every problem is reported at once.
  assert.deepEqual(fieldOf(await post({ event: 'nope', repository: 'a/b', sender: 'ghost', payload: {} })).sort(), ['event', 'repository', 'sender']);

  for (const payload of [[1, 2], 'text', 42, null]) {
    assertError(await post({ event: 'issues', repository: 'alice/hello', payload }), 422, /^Invalid request\.\n\nFor 'properties\/payload'/);
  }
  assertError(await post({ event: 'issues', repository: 'alice/hello' }), 422, `Invalid request.\n\n"payload" wasn't supplied.`);
  assertError(await post({ repository: 'alice/hello', payload: {} }), 422, `Invalid request.\n\n"event" wasn't supplied.`);
  assertError(await post({ event: 'issues', payload: {}, extra: 1 }), 422, `Invalid request.\n\n"extra" is not a permitted key.`);
  assertError(await post([{ event: 'issues' }]), 400, 'Body should be a JSON object');
  assertError(await app.call('POST', '/hookline/events', { body: '{"event":' }), 400, 'Problems parsing JSON');
});

test('only the site administrator or a token with admin:hookline may ingest; others get 404', async (t) => {
  const { app } = await deliveryRig(t);
  const body = { event: 'issues', repository: 'alice/hello', payload: {} };
  assertError(await app.call('POST', '/hookline/events', { token: null, body }), 401, 'Requires authentication');
  // The repository's owner, with every hook scope, still may not emit events.
  const owner = await app.user('alice', ['repo', 'admin:repo_hook', 'admin:org_hook']);
  const denied = await app.call('POST', '/hookline/events', { token: owner, body });
  assertError(denied, 404, 'Not Found');
  assert.equal(denied.headers['x-accepted-oauth-scopes'], 'admin:hookline');
  const platform = await app.user('platform', ['admin:hookline']);
  const accepted = await app.call('POST', '/hookline/events', { token: platform, body: { ...body, sender: 'alice' } });
  assert.equal(accepted.statusCode, 202, accepted.body);
  assert.match(accepted.json().guid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(accepted.json().deliveries, 0);
});

test('payloads over 25 MB are refused with 413; 25 MB itself is accepted', async (t) => {
  const { app } = await deliveryRig(t);
  // The envelope and the filled-in sender add bytes, so aim just below and just above the cap.
  // The payload names its own repository object, so only the sender is filled in.
  const envelope = (filler: number) => `{"event":"issues","repository":"alice/hello","payload":{"repository":{},"sender":{"login":"x"},"blob":"${'x'.repeat(filler)}"}}`;
  const fixed = JSON.stringify({ repository: {}, sender: { login: 'x' }, blob: '' }).length;
  const atCap = await app.call('POST', '/hookline/events', { body: envelope(25 * MB - fixed) });
  assert.equal(atCap.statusCode, 202, atCap.body.slice(0, 500));
  // One byte over: the body fits the route's limit, the payload does not.
  assertError(await app.call('POST', '/hookline/events', { body: envelope(25 * MB - fixed + 1) }), 413, /25 MB/);
  // Far over: refused while reading the body.
  assertError(await app.call('POST', '/hookline/events', { body: envelope(26 * MB) }), 413, /too large/);
  // Filling `sender` counts too: a payload at the cap without one becomes too large.
  const bare = (filler: number) => `{"event":"issues","repository":"alice/hello","payload":{"repository":{},"blob":"${'x'.repeat(filler)}"}}`;
  assertError(await app.call('POST', '/hookline/events', { body: bare(25 * MB - JSON.stringify({ repository: {}, blob: '' }).length) }), 413, /25 MB/);
});

test('repository, organization and sender are filled in GitHub shapes when absent, and left alone when present', async (t) => {
  const { app, receiver } = await deliveryRig(t);
  const alice = await app.user('alice', ['repo', 'admin:org_hook']);
  await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } });
  const widgets = await app.repo(alice, 'widgets', 'acme');
  const h = await hook(app, alice, '/repos/acme/widgets/hooks', receiver.url('/filled'), { events: ['issues', 'star'] });

  const filled = await ingest(app, { event: 'issues', action: 'opened', repository: 'acme/widgets', sender: 'alice', payload: { issue: { number: 7 } } });
  const [got] = await arrivals(receiver, byEvent('issues', h.id), 1);
  const payload = JSON.parse(got.body.toString());
  assert.equal(got.headers['x-github-delivery'], filled.guid);
  assert.deepEqual(Object.keys(payload), ['action', 'issue', 'repository', 'organization', 'sender']);
  assert.equal(payload.action, 'opened');
  validateSchema('repository-webhooks', payload.repository);
  validateSchema('organization-simple-webhooks', payload.organization);
  validateSchema('simple-user', payload.sender);
  assert.equal(payload.repository.full_name, 'acme/widgets');
  assert.equal(payload.repository.owner.login, 'acme');
  assert.equal(payload.organization.login, 'acme');
  assert.equal(payload.sender.login, 'alice');

  const own = { repository: { id: 1, full_name: 'custom/repo' }, organization: null, sender: { login: 'bot[bot]' }, action: 'created' };
  await ingest(app, { event: 'star', repository: 'acme/widgets', sender: 'alice', payload: own });
  const [star] = await arrivals(receiver, byEvent('star', h.id), 1);
  assert.deepEqual(JSON.parse(star.body.toString()), own);
  assert.equal(star.headers['x-github-hook-installation-target-id'], String(widgets.id));
  assert.equal(payload.repository.id, widgets.id);

  // No sender named: the caller is the sender (here the site administrator).
  await ingest(app, { event: 'issues', repository: 'acme/widgets', payload: { action: 'closed' } });
  const [, closed] = await arrivals(receiver, byEvent('issues', h.id), 2);
  const closedPayload = JSON.parse(closed.body.toString());
  assert.equal(closedPayload.action, 'closed');
  assert.equal(closedPayload.sender.login, 'hookline-admin');
  validateSchema('simple-user', closedPayload.sender);
});

test('one GUID per event, shared by the repository and organization hooks it fans out to', async (t) => {
  const { app, receiver } = await deliveryRig(t);
  const alice = await app.user('alice', ['repo', 'admin:org_hook']);
  await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } });
  const widgets = await app.repo(alice, 'widgets', 'acme');
  const repoHook = await hook(app, alice, '/repos/acme/widgets/hooks', receiver.url('/repo-hook'), { events: ['push'] });
  const repoHook2 = await hook(app, alice, '/repos/acme/widgets/hooks', receiver.url('/repo-hook-2'), { events: ['*'] });
  const orgHook = await hook(app, alice, '/orgs/acme/hooks', receiver.url('/org-hook'), { events: ['push'] });
  // A hook on another repository of the same owner hears nothing.
  const other = await app.repo(alice, 'other', 'acme');
  await hook(app, alice, '/repos/acme/other/hooks', receiver.url('/other'), { events: ['*'] });

  const a = await ingest(app, { event: 'push', repository: 'acme/widgets', payload: { ref: 'refs/heads/main' } });
  assert.equal(a.deliveries, 3);
  const got = await arrivals(receiver, byEvent('push'), 3);
  await app.worker!.idle();
  assert.equal(receiver.received.filter(byEvent('push')).length, 3);
  assert.deepEqual(got.map((r) => r.headers['x-github-delivery']), [a.guid, a.guid, a.guid]);
  const byHook = new Map(got.map((r) => [r.headers['x-github-hook-id'], r]));
  assert.deepEqual([...byHook.keys()].sort(), [repoHook.id, repoHook2.id, orgHook.id].map(String).sort());
  assert.equal(byHook.get(String(orgHook.id))!.headers['x-github-hook-installation-target-type'], 'organization');
  assert.equal(byHook.get(String(repoHook.id))!.headers['x-github-hook-installation-target-id'], String(widgets.id));
  assert.notEqual(widgets.id, other.id);
  // The same bytes go to every json hook of the event.
  assert.equal(new Set(got.map((r) => r.body.toString())).size, 1);

  // An organization-wide event (no repository) reaches only the organization's hooks, with a new GUID.
  const b = await ingest(app, { event: 'push', organization: 'acme', payload: {} });
  assert.equal(b.deliveries, 1);
  assert.notEqual(b.guid, a.guid);
  const [orgOnly] = (await arrivals(receiver, byEvent('push'), 4)).slice(3);
  assert.equal(orgOnly.headers['x-github-delivery'], b.guid);
  assert.equal(orgOnly.headers['x-github-hook-id'], String(orgHook.id));
  assert.equal(JSON.parse(orgOnly.body.toString()).organization.login, 'acme');
});

test('only active hooks subscribed to the event or to * receive it', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const issues = await hook(app, token, path, receiver.url('/issues'), { events: ['issues'] });
  const wildcard = await hook(app, token, path, receiver.url('/wildcard'), { events: ['*'] });
  await hook(app, token, path, receiver.url('/push'), { events: ['push'] });
  await hook(app, token, path, receiver.url('/inactive'), { events: ['issues'], active: false });
  const disabled = await hook(app, token, path, receiver.url('/disabled'), { events: ['*'] });
  const patched = await app.call('PATCH', `${path}/${disabled.id}`, { token, body: { active: false } });
  assert.equal(patched.statusCode, 200, patched.body);
  await app.worker!.idle();
  const before = receiver.received.length;

  const { guid, deliveries } = await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
  assert.equal(deliveries, 2);
  await app.worker!.idle();
  const got = receiver.received.slice(before);
  assert.deepEqual(got.map((r) => r.path).sort(), ['/issues', '/wildcard']);
  assert.deepEqual(got.map((r) => r.headers['x-github-hook-id']).sort(), [issues.id, wildcard.id].map(String).sort());
  for (const r of got) assert.equal(r.headers['x-github-delivery'], guid);

  // An event only the wildcard hook subscribes to.
  const watch = await ingest(app, { event: 'watch', repository: 'alice/hello', payload: {} });
  assert.equal(watch.deliveries, 1);
  await app.worker!.idle();
  assert.deepEqual(receiver.received.slice(before + 2).map((r) => r.path), ['/wildcard']);
});

test('deliveries still queued for a hook that is deleted are dropped, never sent', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t, {}, { start: false });
  const doomed = await hook(app, token, path, receiver.url('/doomed'), { events: ['issues'] });
  const kept = await hook(app, token, path, receiver.url('/kept'), { events: ['issues'] });
  assert.equal((await ingest(app, { event: 'issues', repository: 'alice/hello', payload: {} })).deliveries, 2);
  assert.equal((await app.call('DELETE', `${path}/${doomed.id}`, { token })).statusCode, 204);
  await app.start();
  await app.worker!.idle();
  assert.deepEqual(receiver.received.map((r) => `${r.path} ${r.headers['x-github-event']}`).sort(), ['/kept issues', '/kept ping']);
  assert.equal(receiver.received.find((r) => r.path === '/kept')!.headers['x-github-hook-id'], String(kept.id));
});
