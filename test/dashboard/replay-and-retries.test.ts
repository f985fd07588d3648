// The hook page's Replay failed… form (the REST replay's service and permission, its result as a notice,
// a bad window shown escaped) and the schedule of automatic retries in Recent Deliveries and a delivery.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../support/hooks.js';
import { createOrg } from '../support/orgs.js';
import { after, allDeliveries, deliveryRig, hook, ingest } from '../delivery/fixtures.js';
import { DashboardClient } from './client.js';

const MINUTE = 60_000;

test('Recent Deliveries and the delivery page show the attempt number and the next scheduled attempt', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: '1m' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  const [first] = await allDeliveries(rig.app, rig.token, `${rig.path}/${created.id}`);
  assert.ok(first.next_attempt_at, 'the failed ping scheduled a retry');

  const browser = new DashboardClient(rig.app);
  await browser.signIn(rig.token);
  const hookPage = `/dashboard/repos/alice/hello/hooks/${created.id}`;
  const rowsOf = (body: string) => [...body.matchAll(/<td class="attempt">(\d+)<\/td>[\s\S]*?<td class="next-attempt">(.*?)<\/td>/g)].map((m) => [m[1], m[2]]);
  let page = await browser.get(hookPage);
  assert.deepEqual(rowsOf(page.body), [['1', `<time datetime="${first.next_attempt_at}">${first.next_attempt_at}</time>`]]);
  const detail = await browser.get(`${hookPage}/deliveries/${first.id}`);
  assert.match(detail.body, new RegExp(`Attempt 1 · next attempt <time datetime="${first.next_attempt_at}">`));

  // The retry is made (and fails: the schedule has one retry), so it schedules nothing more.
  await after(rig, clock, 2 * MINUTE);
  assert.equal(rig.receiver.received.length, 2);
  page = await browser.get(hookPage);
  assert.deepEqual(rowsOf(page.body), [['2', ''], ['1', `<time datetime="${first.next_attempt_at}">${first.next_attempt_at}</time>`]]);
  const [second] = await allDeliveries(rig.app, rig.token, `${rig.path}/${created.id}`);
  assert.match((await browser.get(`${hookPage}/deliveries/${second.id}`)).body, /<p class="attempt">Attempt 2<\/p>/);
});

test('Replay failed…: re-sends the failed events of the window, shows how many, and refuses what the API refuses', async (t) => {
  const clock = new ManualClock(new Date('2026-05-01T10:00:00Z'));
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: 'off' }, { clock });
  const created = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/ok'), { events: ['push'] });
  const hookUrl = `${rig.path}/${created.id}`;
  await rig.receiver.waitFor(1);
  // The ping's outcome recorded before the clock jumps past its lease, or the ping is sent again.
  await rig.app.worker!.idle();
  const setUrl = (path: string) => rig.app.call('PATCH', `${hookUrl}/config`, { token: rig.token, body: { url: rig.receiver.url(path) } });
  await setUrl('/status/500');
  const failed: string[] = [];
  for (const n of [1, 2]) {
    clock.advance(MINUTE);
    failed.push((await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: { n } })).guid);
    await rig.app.worker!.idle();
  }
  await setUrl('/ok');
  await ingest(rig.app, { event: 'push', repository: 'alice/hello', payload: { n: 3 } });
  await rig.receiver.waitFor(4);
  await rig.app.worker!.idle();

  const hookPage = `/dashboard/repos/alice/hello/hooks/${created.id}`;
  const form = `${hookPage}/replay`;
  const reader = new DashboardClient(rig.app);
  await reader.signIn(await rig.app.user('alice', ['read:repo_hook']));
  assert.equal((await reader.get(form)).status, 404, 'replaying needs what redelivering needs');
  assert.equal((await reader.post(form, { since: '2026-05-01T10:00' }, { from: hookPage })).status, 404);

  const browser = new DashboardClient(rig.app);
  await browser.signIn(rig.token);
  assert.match((await browser.get(hookPage)).body, new RegExp(`<a class="button" href="${form}">Replay failed…</a>`));
  assert.match((await browser.get(form)).body, /<input id="since" name="since" type="datetime-local"/);
  assert.equal((await browser.post(form, { since: '2026-05-01T10:00' }, { csrf: null })).status, 403, 'no CSRF token');
  const bad = await browser.post(form, { since: '<script>alert(1)</script>' }, { from: form });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /role="alert"[\s\S]*since must be an ISO 8601 time, got &quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;/);
  assert.doesNotMatch(bad.body, /<script>alert/);
  const backwards = await browser.post(form, { since: '2026-05-01T10:30', until: '2026-05-01T10:00' }, { from: form });
  assert.equal(backwards.status, 422);
  assert.match(backwards.body, /until must be later than since/);
  await rig.app.worker!.idle();
  assert.equal(rig.receiver.received.length, 4, 'refused replays queued nothing');

  const done = await browser.post(form, { since: '2026-05-01T10:00', until: '' }, { from: form });
  assert.equal(done.status, 303, done.body);
  assert.equal(done.location, `${hookPage}?notice=replay&queued=2`);
  assert.match((await browser.get(done.location!)).body, /role="status">Replay queued 2 failed deliveries\.</);
  await rig.receiver.waitFor(6);
  await rig.app.worker!.idle();
  assert.deepEqual(rig.receiver.received.slice(4).map((r) => r.headers['x-github-delivery']).sort(), [...failed].sort());
  assert.equal(rig.receiver.received.length, 6);

  // The notice is built from a count, never from text in the URL; a truncated replay says so.
  assert.match((await browser.get(`${hookPage}?notice=replay&queued=10000&truncated=1`)).body,
    /role="status">Replay queued 10000 failed deliveries \(the most one replay sends; replay again for the rest\)\.</);
  assert.doesNotMatch((await browser.get(`${hookPage}?notice=replay&queued=%3Cb%3E2`)).body, /role="status"/);
});

test('Replay failed… on an organization hook', async (t) => {
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: 'off' });
  const token = await rig.app.user('alice', ['admin:org_hook']);
  await createOrg(rig.app, 'Acme', 'alice');
  const created = await hook(rig.app, token, '/orgs/Acme/hooks', rig.receiver.url('/status/500'), { events: ['repository'] });
  await rig.receiver.waitFor(1);
  await rig.app.worker!.idle();
  const browser = new DashboardClient(rig.app);
  await browser.signIn(token);
  const form = `/dashboard/orgs/Acme/hooks/${created.id}/replay`;
  assert.equal((await browser.get(form)).status, 200);
  const done = await browser.post(form, { since: new Date(Date.now() - 3_600_000).toISOString().slice(0, 19) }, { from: form });
  assert.equal(done.status, 303, done.body);
  assert.equal(done.location, `/dashboard/orgs/Acme/hooks/${created.id}?notice=replay&queued=1`, 'the failed ping');
  await rig.receiver.waitFor(2);
});
