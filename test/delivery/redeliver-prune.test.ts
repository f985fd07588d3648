// Redelivery (same GUID, current secret) and pruning past HOOKLINE_DELIVERY_RETENTION_DAYS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verify } from '@octokit/webhooks-methods';
import { assertError, ManualClock } from '../support/hooks.js';
import { validateResponse } from '../support/openapi.js';
import { allDeliveries, arrivals, byEvent, deliveryDetail, deliveryRig, hook, ingest } from './fixtures.js';

const DAY = 24 * 60 * 60 * 1000;

test('redelivery: 202, a new row flagged redelivery with the same GUID and bytes, signed with the current secret', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'], config: { secret: 'old secret' } });
  const hookUrl = `${path}/${h.id}`;
  const { guid } = await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: { n: 1 } });
  const [original] = await arrivals(receiver, byEvent('issues', h.id), 1);
  await app.worker!.idle();
  const [first] = await allDeliveries(app, token, hookUrl);
  assert.equal(first.guid, guid);
  assert.equal(first.redelivery, false);

  const patched = await app.call('PATCH', `${hookUrl}/config`, { token, body: { secret: 'new secret' } });
  assert.equal(patched.statusCode, 200, patched.body);
  const res = await app.call('POST', `${hookUrl}/deliveries/${first.id}/attempts`, { token });
  assert.equal(res.statusCode, 202, res.body);
  validateResponse('repos/redeliver-webhook-delivery', 202, res.json());

  const [, again] = await arrivals(receiver, byEvent('issues', h.id), 2);
  assert.equal(again.headers['x-github-delivery'], guid);
  assert.deepEqual(again.body, original.body, 'the same payload bytes');
  assert.ok(await verify('new secret', again.body.toString(), String(again.headers['x-hub-signature-256'])));
  assert.equal(await verify('old secret', again.body.toString(), String(again.headers['x-hub-signature-256'])), false);
  assert.notEqual(again.headers['x-hub-signature-256'], original.headers['x-hub-signature-256']);

  await app.worker!.idle();
  const [newest, previous] = await allDeliveries(app, token, hookUrl);
  assert.equal(previous.id, first.id);
  assert.ok(newest.id > first.id);
  assert.equal(newest.guid, guid);
  assert.equal(newest.redelivery, true);
  assert.equal(newest.event, 'issues');
  assert.equal(newest.action, 'opened');
  assert.equal(newest.status, 'OK');
  const detail = await deliveryDetail(app, token, hookUrl, newest.id);
  assert.equal(detail.request.headers['X-GitHub-Delivery'], guid);
  assert.equal(detail.request.headers['X-Hub-Signature-256'], again.headers['x-hub-signature-256']);

  // A redelivery can itself be redelivered; the GUID stays the same.
  assert.equal((await app.call('POST', `${hookUrl}/deliveries/${newest.id}/attempts`, { token })).statusCode, 202);
  const [, , third] = await arrivals(receiver, byEvent('issues', h.id), 3);
  assert.equal(third.headers['x-github-delivery'], guid);

  assertError(await app.call('POST', `${hookUrl}/deliveries/999999/attempts`, { token }), 404, 'Not Found');
  const reader = await app.user('alice', ['read:repo_hook']);
  assertError(await app.call('POST', `${hookUrl}/deliveries/${first.id}/attempts`, { token: reader }), 404, 'Not Found');
  assert.equal((await app.call('GET', `${hookUrl}/deliveries/${first.id}`, { token: reader })).statusCode, 200);
});

test('redelivery follows the hook as it is now: its current URL and content type', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/before'), { events: ['issues'], config: { secret: 's' } });
  const hookUrl = `${path}/${h.id}`;
  const { guid } = await ingest(app, { event: 'issues', repository: 'alice/hello', payload: { n: 1 } });
  await app.worker!.idle();
  const [first] = await allDeliveries(app, token, hookUrl);
  const patched = await app.call('PATCH', `${hookUrl}/config`, { token, body: { url: receiver.url('/after'), content_type: 'form' } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal((await app.call('POST', `${hookUrl}/deliveries/${first.id}/attempts`, { token })).statusCode, 202);
  const [r] = await arrivals(receiver, (x) => x.path === '/after', 1);
  assert.equal(r.headers['x-github-delivery'], guid);
  assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(JSON.parse(new URLSearchParams(r.body.toString()).get('payload')!).n, 1);
  await app.worker!.idle();
  const [newest] = await allDeliveries(app, token, hookUrl);
  assert.equal(newest.url, receiver.url('/after'));
  assert.equal(first.url, receiver.url('/before'));
});

test('deliveries older than the retention window are pruned; get and redeliver then answer 404', async (t) => {
  const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
  const { app, receiver, token, path } = await deliveryRig(t, { HOOKLINE_DELIVERY_RETENTION_DAYS: '3' }, { clock });
  assert.ok(app.pruner, 'the app exposes its pruner');
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['push', 'issues'] });
  const hookUrl = `${path}/${h.id}`;
  const old = await ingest(app, { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/old' } });
  await app.worker!.idle();
  const oldItems = await allDeliveries(app, token, hookUrl);
  assert.deepEqual(oldItems.map((d) => d.event), ['push', 'ping']);
  const oldPush = oldItems[0];
  assert.equal(oldPush.delivered_at, '2026-03-01T12:00:00Z', 'timestamps come from the injected clock');

  // Two days later: a redelivery of the old push (a new row) and a new event.
  clock.advance(2 * DAY);
  assert.equal((await app.call('POST', `${hookUrl}/deliveries/${oldPush.id}/attempts`, { token })).statusCode, 202);
  await ingest(app, { event: 'issues', repository: 'alice/hello', payload: {} });
  await app.worker!.idle();
  const [recentIssue, redelivered] = await allDeliveries(app, token, hookUrl);
  assert.equal(redelivered.redelivery, true);
  assert.equal(recentIssue.event, 'issues');

  // Rows go by whole days: until all of their day (March 1st) is past the window nothing goes, then they do.
  clock.advance(DAY + DAY / 2 - 1000);
  assert.equal(clock.now().toISOString(), '2026-03-04T23:59:59.000Z');
  assert.equal(await app.pruner!.pruneOnce(), 0);
  clock.advance(2000);
  assert.equal(await app.pruner!.pruneOnce(), 2, 'the old ping and push');

  const left = await allDeliveries(app, token, hookUrl);
  assert.deepEqual(left.map((d) => d.id), [recentIssue.id, redelivered.id]);
  assertError(await app.call('GET', `${hookUrl}/deliveries/${oldPush.id}`, { token }), 404, 'Not Found');
  assertError(await app.call('POST', `${hookUrl}/deliveries/${oldPush.id}/attempts`, { token }), 404, 'Not Found');
  // The redelivery is younger: it still shows its request, whose event is kept for it.
  const detail = await deliveryDetail(app, token, hookUrl, redelivered.id);
  assert.equal(detail.guid, old.guid);
  assert.equal(detail.request.payload.ref, 'refs/heads/old');
  // The latest push outlives its deliveries, so the test endpoint can still re-send it.
  const before = receiver.received.length;
  assert.equal((await app.call('POST', `${hookUrl}/tests`, { token })).statusCode, 204);
  await app.worker!.idle();
  const resent = receiver.received.slice(before);
  assert.equal(resent.length, 1);
  assert.equal(JSON.parse(resent[0].body.toString()).ref, 'refs/heads/old');

  // Later still, everything from that day goes, and the event with it once nothing refers to it.
  clock.advance(10 * DAY);
  assert.equal(await app.pruner!.pruneOnce(), 3);
  assert.deepEqual(await allDeliveries(app, token, hookUrl), []);
  assertError(await app.call('POST', `${hookUrl}/deliveries/${redelivered.id}/attempts`, { token }), 404, 'Not Found');
});
