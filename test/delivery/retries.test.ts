// Automatic retries with a real receiver and the injected clock: each automatic attempt is a new row
// with the same guid, Retry-After is honoured, `off` is GitHub's one attempt, deactivating cancels, and
// a manual redelivery neither is retried nor restarts a schedule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../support/hooks.js';
import type { Received } from '../support/receiver.js';
import { after, allDeliveries, deliveryRig, hook } from './fixtures.js';

const MINUTE = 60_000;

const pings = (r: Received) => r.headers['x-github-event'] === 'ping';

test('500, 500, 200: three attempts with one guid, each a row of the log, the last to the current config', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: '1m,1m,1m' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  const hookUrl = `${rig.path}/${created.id}`;
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  const [first] = await allDeliveries(rig.app, rig.token, hookUrl);
  assert.equal(first.attempt, 1);
  const due = Date.parse(first.next_attempt_at) - clock.now().getTime();
  assert.ok(due >= 0.8 * MINUTE - 1000 && due <= 1.2 * MINUTE, `next attempt in ${due} ms: 1m ± 20 %`);

  await after(rig, clock, 30_000);
  assert.equal(rig.receiver.received.length, 1, 'not before the wait');
  await after(rig, clock, 60_000);
  assert.equal(rig.receiver.received.length, 2);
  // The receiver recovers; the next attempt uses the hook's config as it is now.
  assert.equal((await rig.app.call('PATCH', `${hookUrl}/config`, { token: rig.token, body: { url: rig.receiver.url('/ok') } })).statusCode, 200);
  await after(rig, clock, 2 * MINUTE);
  await after(rig, clock, 10 * MINUTE);
  const got = rig.receiver.received.filter(pings);
  assert.deepEqual(got.map((r) => r.path), ['/status/500', '/status/500', '/ok'], 'no attempt after the success');
  assert.equal(new Set(got.map((r) => r.headers['x-github-delivery'])).size, 1, 'one guid');

  const log = await allDeliveries(rig.app, rig.token, hookUrl);
  assert.deepEqual(log.map((d) => [d.attempt, d.status_code, d.redelivery, d.next_attempt_at === null]), [
    [3, 200, true, true], [2, 500, true, false], [1, 500, false, false],
  ]);
  assert.equal(new Set(log.map((d) => d.guid)).size, 1);
  const after200 = (await rig.app.call('GET', hookUrl, { token: rig.token })).json();
  assert.deepEqual(after200.last_response, { code: 200, status: 'active', message: 'OK' });
});

test('a 503 with Retry-After is not retried before it, though the schedule says sooner', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: '1s' }, { clock });
  await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/503?retry-after=120'));
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  await after(rig, clock, 60_000);
  assert.equal(rig.receiver.received.length, 1, 'the schedule alone would have retried after ~1 s');
  await after(rig, clock, 61_000);
  assert.equal(rig.receiver.received.length, 2);
  await after(rig, clock, 10 * MINUTE);
  assert.equal(rig.receiver.received.length, 2, 'the schedule (one retry) is exhausted');
});

test('HOOKLINE_RETRY_SCHEDULE=off: one attempt, as on GitHub', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: 'off' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  await after(rig, clock, 24 * 60 * MINUTE);
  assert.equal(rig.receiver.received.length, 1);
  const [only] = await allDeliveries(rig.app, rig.token, `${rig.path}/${created.id}`);
  assert.deepEqual([only.attempt, only.next_attempt_at], [1, null]);
});

test('deactivating a hook cancels its scheduled attempts', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: '1m' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  assert.equal((await rig.app.call('PATCH', `${rig.path}/${created.id}`, { token: rig.token, body: { active: false } })).statusCode, 200);
  await after(rig, clock, 10 * MINUTE);
  assert.equal(rig.receiver.received.length, 1);
});

test('a manual redelivery is never retried and does not restart the schedule; a successful one ends it', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: '1m' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  const hookUrl = `${rig.path}/${created.id}`;
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  const [failed] = await allDeliveries(rig.app, rig.token, hookUrl);
  assert.equal((await rig.app.call('POST', `${hookUrl}/deliveries/${failed.id}/attempts`, { token: rig.token })).statusCode, 202);
  await rig.receiver.waitFor(2);
  await rig.app.worker!.idle();
  await after(rig, clock, 2 * MINUTE);
  await after(rig, clock, 10 * MINUTE);
  assert.equal(rig.receiver.received.length, 3, 'the first, the manual one, and the one automatic retry of the first');
  const log = await allDeliveries(rig.app, rig.token, hookUrl);
  assert.deepEqual(log.map((d) => d.attempt), [3, 2, 1]);

  // A second hook: its failed first attempt is redelivered by hand, successfully, before the retry is due.
  const other = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500?second'));
  const otherUrl = `${rig.path}/${other.id}`;
  await rig.receiver.waitFor(4);
  await rig.app.worker!.idle();
  await rig.app.call('PATCH', `${otherUrl}/config`, { token: rig.token, body: { url: rig.receiver.url('/ok?second') } });
  const [otherFailed] = await allDeliveries(rig.app, rig.token, otherUrl);
  await rig.app.call('POST', `${otherUrl}/deliveries/${otherFailed.id}/attempts`, { token: rig.token });
  await rig.receiver.waitFor(5);
  await rig.app.worker!.idle();
  await after(rig, clock, 10 * MINUTE);
  assert.deepEqual(rig.receiver.received.slice(3).map((r) => r.path), ['/status/500?second', '/ok?second'], 'no automatic attempt after a success');
});
