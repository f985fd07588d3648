// Auto-disable: a hook whose every attempt failed for HOOKLINE_DISABLE_AFTER, with an event's schedule
// exhausted, is deactivated with a last_response that says why, and receives nothing more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../support/hooks.js';
import { after, allDeliveries, deliveryRig, hook, ingest } from './fixtures.js';

const MINUTE = 60_000;

test('a receiver down for the whole window gets its hook disabled, and nothing more is sent', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: '1m', HOOKLINE_DISABLE_AFTER: '1h' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  const hookUrl = `${rig.path}/${created.id}`;
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  await after(rig, clock, 2 * MINUTE);
  assert.equal(rig.receiver.received.length, 2, 'the ping and its one retry');
  let current = (await rig.app.call('GET', hookUrl, { token: rig.token })).json();
  assert.equal(current.active, true, 'the schedule is exhausted, but the hook has failed for minutes, not an hour');

  await after(rig, clock, 2 * 60 * MINUTE);
  await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/main' } });
  await rig.receiver.waitFor(3);
  await rig.app.worker!.idle();
  await after(rig, clock, 2 * MINUTE);
  assert.equal(rig.receiver.received.length, 4);
  current = (await rig.app.call('GET', hookUrl, { token: rig.token })).json();
  assert.equal(current.active, false);
  assert.equal(current.last_response.status, 'failed');
  assert.match(current.last_response.message, /every attempt failed for 1h/);

  assert.equal((await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: {} })).deliveries, 0);
  await after(rig, clock, 60 * MINUTE);
  assert.equal(rig.receiver.received.length, 4, 'nothing more is sent');

  // Set active again: the record starts over, and deliveries flow; a success keeps it clear.
  await rig.app.call('PATCH', `${hookUrl}/config`, { token: rig.token, body: { url: rig.receiver.url('/ok') } });
  assert.equal((await rig.app.call('PATCH', hookUrl, { token: rig.token, body: { active: true } })).json().active, true);
  assert.equal((await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: {} })).deliveries, 1);
  await rig.receiver.waitFor(5);
  await rig.app.worker!.idle();
  assert.deepEqual((await rig.app.call('GET', hookUrl, { token: rig.token })).json().last_response, { code: 200, status: 'active', message: 'OK' });
  assert.equal((await allDeliveries(rig.app, rig.token, hookUrl)).length, 5);
});

test('HOOKLINE_DISABLE_AFTER=off never disables; a success clears the failure record', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: 'off', HOOKLINE_DISABLE_AFTER: 'off' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  await after(rig, clock, 30 * 24 * 60 * MINUTE);
  await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: {} });
  await rig.receiver.waitFor(2);
  await rig.app.worker!.idle();
  assert.equal((await rig.app.call('GET', `${rig.path}/${created.id}`, { token: rig.token })).json().active, true);
});

test('with a window, a success in between starts the failure record over', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: 'off', HOOKLINE_DISABLE_AFTER: '1h' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  const hookUrl = `${rig.path}/${created.id}`;
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  // A success 50 minutes in, then failures again: 70 minutes after the first failure is only 20 after the success.
  await after(rig, clock, 50 * MINUTE);
  await rig.app.call('PATCH', `${hookUrl}/config`, { token: rig.token, body: { url: rig.receiver.url('/ok') } });
  await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: {} });
  await rig.receiver.waitFor(2);
  await rig.app.worker!.idle();
  await rig.app.call('PATCH', `${hookUrl}/config`, { token: rig.token, body: { url: rig.receiver.url('/status/500') } });
  for (const minutes of [1, 19]) {
    await after(rig, clock, minutes * MINUTE);
    await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: {} });
    await rig.app.worker!.idle();
  }
  assert.equal((await rig.app.call('GET', hookUrl, { token: rig.token })).json().active, true);
  await after(rig, clock, 60 * MINUTE);
  await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: {} });
  await rig.app.worker!.idle();
  assert.equal((await rig.app.call('GET', hookUrl, { token: rig.token })).json().active, false, 'an hour after the first failure since the success');
});
