// What an operator reads in the log (issue 20 item 7), and a delivery that cannot be prepared: it is a
// recorded failure with its reason, visible in the deliveries API, instead of a row retried in silence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allDeliveries, arrivals, byEvent, deliveryRig, hook, ingest } from './fixtures.js';

function recorder() {
  const lines: Record<string, any>[] = [];
  return { lines, logger: { level: 'debug', stream: { write: (line: string) => void lines.push(JSON.parse(line)) } } };
}

test('a failed delivery is one info line; a delivered one is a debug line; each minute with traffic is summarized', async (t) => {
  const log = recorder();
  const { app, receiver, token, path } = await deliveryRig(t, {}, { logger: log.logger });
  const good = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  const bad = await hook(app, token, path, receiver.url('/status/500'), { events: ['issues'] });
  await arrivals(receiver, byEvent('ping'), 2);
  const { guid } = await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
  await arrivals(receiver, byEvent('issues'), 2);
  await app.worker!.idle();

  const failed = log.lines.filter((l) => l.msg === 'delivery failed');
  assert.deepEqual(failed.map((l) => [l.level, l.hook, l.event, l.status]).sort(), [[30, bad.id, 'issues', 500], [30, bad.id, 'ping', 500]]);
  const issueFailure = failed.find((l) => l.event === 'issues')!;
  assert.equal(issueFailure.guid, guid);
  assert.equal(typeof issueFailure.duration, 'number');
  const delivered = log.lines.filter((l) => l.msg === 'delivered');
  assert.deepEqual(delivered.map((l) => [l.level, l.hook]), [[20, good.id], [20, good.id]]);

  await app.deliveryLog!.summarize();
  const summaries = log.lines.filter((l) => l.msg === 'deliveries in the last minute');
  assert.equal(summaries.length, 1);
  assert.deepEqual({ ...summaries[0], level: undefined, time: undefined, pid: undefined, hostname: undefined, msg: undefined },
    { level: undefined, time: undefined, pid: undefined, hostname: undefined, msg: undefined, delivered: 2, failed: 2, pending: 0, oldestPendingSeconds: 0 });
  // A quiet minute logs nothing.
  await app.deliveryLog!.summarize();
  assert.equal(log.lines.filter((l) => l.msg === 'deliveries in the last minute').length, 1);
});

test('a delivery whose secret cannot be decrypted is recorded as a failure that says why, and nothing is sent', async (t) => {
  const { app, receiver, token, path, repo } = await deliveryRig(t);
  const created = await hook(app, token, path, receiver.url('/sealed'), { events: ['issues'], config: { secret: 's3cret' } });
  await arrivals(receiver, byEvent('ping'), 1);
  // As if the secret had been sealed under another HOOKLINE_SECRET_KEY.
  await app.store.updateHook({ type: 'repository', id: repo.id }, created.id,
    '2026-01-01T00:00:00Z', (current) => ({ ...current, config: { ...current.config, secret: 'v1:not-sealed-under-this-key' } }));
  const before = receiver.received.length;
  await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
  await app.worker!.idle();
  assert.equal(receiver.received.length, before, 'nothing was sent without a signature');

  const log = await allDeliveries(app, token, `${path}/${created.id}`);
  const issues = log.find((d: any) => d.event === 'issues');
  assert.ok(issues, 'the attempt is in the deliveries API');
  assert.equal(issues.status_code, 0);
  assert.match(issues.status, /HOOKLINE_SECRET_KEY/);
  const hookNow = (await app.call('GET', `${path}/${created.id}`, { token })).json();
  assert.match(hookNow.last_response.message ?? hookNow.last_response.status, /HOOKLINE_SECRET_KEY|failed/i);
});
