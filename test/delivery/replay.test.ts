// Bulk replay: POST /hookline/…/hooks/{id}/replay re-sends exactly the events in the window whose latest
// attempt failed, once each, as redeliveries; hook admins only; a bad window is a 422 that changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, ManualClock } from '../support/hooks.js';
import { createOrg } from '../support/orgs.js';
import { allDeliveries, deliveryRig, hook, ingest } from './fixtures.js';

test('replay re-sends exactly the failed events of the window, once each, as redeliveries', async (t) => {
  const clock = new ManualClock(new Date('2026-05-01T10:00:00Z'));
  const rig = await deliveryRig(t, {}, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/ok'));
  const hookUrl = `${rig.path}/${created.id}`;
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle(); // the ping is recorded before the clock moves past its lease
  const setUrl = (path: string) => rig.app.call('PATCH', `${hookUrl}/config`, { token: rig.token, body: { url: rig.receiver.url(path) } });
  await setUrl('/status/500');
  const guids: string[] = [];
  for (const n of [1, 2, 3]) {
    clock.advance(60_000);
    guids.push((await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: { n } })).guid);
    await rig.app.worker!.idle(); // before the clock moves past its lease
  }
  await rig.receiver.waitFor(4);
  await rig.app.worker!.idle();
  // The second event's latest attempt succeeds (a manual redelivery), so it is not replayed.
  await setUrl('/ok');
  const second = (await allDeliveries(rig.app, rig.token, hookUrl)).find((d) => d.guid === guids[1]);
  await rig.app.call('POST', `${hookUrl}/deliveries/${second.id}/attempts`, { token: rig.token });
  await rig.receiver.waitFor(5);
  await rig.app.worker!.idle();
  // An event after the window, failed too.
  await setUrl('/status/500');
  clock.advance(3_600_000);
  const late = (await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: { n: 4 } })).guid;
  await rig.receiver.waitFor(6);
  await rig.app.worker!.idle();
  await setUrl('/ok');

  const replay = `/hookline${hookUrl}/replay`;
  for (const body of [{}, { since: 'yesterday' }, { since: '2026-05-01T10:30:00Z', until: '2026-05-01T10:00:00Z' }]) {
    const res = await rig.app.call('POST', replay, { token: rig.token, body });
    assert.equal(res.statusCode, 422, JSON.stringify(body));
    assert.ok(res.json().documentation_url);
  }
  const bob = await rig.app.user('bob', ['repo']);
  assertError(await rig.app.call('POST', replay, { token: bob, body: { since: '2026-05-01T10:00:00Z' } }), 404, 'Not Found');
  await rig.app.worker!.idle();
  assert.equal(rig.receiver.received.length, 6, 'refused replays queued nothing');

  const res = await rig.app.call('POST', `/api/v3${replay}`, { token: rig.token, body: { since: '2026-05-01T10:00:30Z', until: '2026-05-01T10:30:00Z' } });
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(res.json(), { queued: 2 });
  await rig.receiver.waitFor(8);
  await rig.app.worker!.idle();
  const replayed = rig.receiver.received.slice(6);
  assert.deepEqual(replayed.map((r) => r.headers['x-github-delivery']).sort(), [guids[0], guids[2]].sort());
  assert.ok(replayed.every((r) => r.path === '/ok'));
  const log = await allDeliveries(rig.app, rig.token, hookUrl);
  assert.deepEqual(log.slice(0, 2).map((d) => [d.redelivery, d.status_code, d.attempt]), [[true, 200, 2], [true, 200, 2]]);
  assert.ok(!log.slice(0, 2).some((d) => d.guid === late));

  // Nothing failed is left in the window: a second replay queues nothing.
  assert.deepEqual((await rig.app.call('POST', replay, { token: rig.token, body: { since: '2026-05-01T10:00:00Z', until: '2026-05-01T10:30:00Z' } })).json(), { queued: 0 });
});

test('organization hooks have the same replay endpoint', async (t) => {
  const rig = await deliveryRig(t);
  await createOrg(rig.app, 'acme', 'alice');
  const token = await rig.app.user('alice', ['admin:org_hook']);
  const created = await hook(rig.app, token, '/orgs/acme/hooks', rig.receiver.url('/status/500'));
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  const orgHook = `/orgs/acme/hooks/${created.id}`;
  await rig.app.call('PATCH', orgHook, { token, body: { active: false } });
  const inactive = await rig.app.call('POST', `/hookline${orgHook}/replay`, { token, body: { since: '2000-01-01T00:00:00Z' } });
  assert.deepEqual([inactive.statusCode, inactive.json()], [202, { queued: 0 }], 'an inactive hook receives nothing');
  await rig.app.call('PATCH', orgHook, { token, body: { active: true } });
  const res = await rig.app.call('POST', `/hookline${orgHook}/replay`, { token, body: { since: '2000-01-01T00:00:00Z' } });
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(res.json(), { queued: 1 });
  await rig.receiver.waitFor(2);
  assert.equal(rig.receiver.received[1].headers['x-github-event'], 'ping');
});
