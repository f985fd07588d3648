// GET /metrics: who may read it, counters that move by exactly the deliveries made, gauges read from
// the database, and the unauthenticated HOOKLINE_METRICS_PORT listener.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { ManualClock } from '../support/hooks.js';
import { after, allDeliveries, arrivals, byEvent, deliveryRig, hook, ingest } from '../delivery/fixtures.js';
import type { TestApp } from '../support/app.js';

/** The value of one series in Prometheus text, 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (want.length === have.length && want.every((l) => have.includes(l))) return Number(m[3]);
  }
  return 0;
}

async function scrape(app: TestApp): Promise<string> {
  const res = await app.http.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return res.body;
}

test('/metrics: the site administrator token as bearer reads it; no token is 401, another token 404', async (t) => {
  const { app, token } = await deliveryRig(t, {}, { start: false });
  const anonymous = await app.http.inject({ method: 'GET', url: '/metrics' });
  assert.equal(anonymous.statusCode, 401);
  assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/);
  assert.equal((await app.http.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })).statusCode, 404);
  assert.equal((await app.http.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } })).statusCode, 401);
  const text = await scrape(app);
  assert.match(text, /^# HELP hookline_deliveries_total /m);
  assert.match(text, /^process_cpu_user_seconds_total /m, "Node's default process metrics");
  assert.match(text, /^# TYPE hookline_delivery_duration_seconds histogram$/m);
});

test('counters move by exactly the deliveries made: first attempts, manual redeliveries, success and failure', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const good = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  const bad = await hook(app, token, path, receiver.url('/status/500'), { events: ['issues'] });
  await arrivals(receiver, byEvent('ping'), 2);
  await app.worker!.idle();
  const before = await scrape(app);

  for (let i = 0; i < 3; i++) await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: { i } });
  await arrivals(receiver, byEvent('issues'), 6);
  await app.worker!.idle();
  const [failed] = await allDeliveries(app, token, `${path}/${bad.id}`);
  const [succeeded] = await allDeliveries(app, token, `${path}/${good.id}`);
  assert.equal((await app.call('POST', `${path}/${bad.id}/deliveries/${failed.id}/attempts`, { token })).statusCode, 202);
  assert.equal((await app.call('POST', `${path}/${good.id}/deliveries/${succeeded.id}/attempts`, { token })).statusCode, 202);
  await arrivals(receiver, byEvent('issues'), 8);
  await app.worker!.idle();
  const after = await scrape(app);

  const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
  assert.equal(moved('hookline_events_ingested_total', { event: 'issues' }), 3);
  assert.equal(moved('hookline_deliveries_total', { outcome: 'success', attempt_kind: 'first' }), 3);
  assert.equal(moved('hookline_deliveries_total', { outcome: 'failure', attempt_kind: 'first' }), 3);
  assert.equal(moved('hookline_deliveries_total', { outcome: 'success', attempt_kind: 'manual' }), 1);
  assert.equal(moved('hookline_deliveries_total', { outcome: 'failure', attempt_kind: 'manual' }), 1);
  assert.equal(moved('hookline_deliveries_total', { outcome: 'success', attempt_kind: 'retry' }), 0);
  assert.equal(moved('hookline_delivery_duration_seconds_count', { outcome: 'success' }), 4);
  assert.equal(moved('hookline_delivery_duration_seconds_count', { outcome: 'failure' }), 4);
  assert.equal(sample(after, 'hookline_events_ingested_total', { event: 'ping' }), 2, 'the two pings on creation');
  assert.equal(sample(after, 'hookline_deliveries_pending'), 0);
});

test('automatic retries count as attempt_kind="retry": a 500 then a 200 moves first failure and retry success by one each', async (t) => {
  const clock = new ManualClock();
  const rig = await deliveryRig(t, { HOOKLINE_RETRY_SCHEDULE: '1m' }, { clock });
  const h = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/ok'), { events: ['issues'] });
  await arrivals(rig.receiver, byEvent('ping'), 1);
  await rig.app.worker!.idle();
  const setUrl = async (path: string) => assert.equal((await rig.app.call('PATCH', `${rig.path}/${h.id}/config`, { token: rig.token, body: { url: rig.receiver.url(path) } })).statusCode, 200);
  const before = await scrape(rig.app);

  await setUrl('/status/500');
  await ingest(rig.app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
  await arrivals(rig.receiver, byEvent('issues'), 1);
  await rig.app.worker!.idle();
  await setUrl('/ok');
  await after(rig, clock, 2 * 60_000);
  await after(rig, clock, 10 * 60_000);
  const sent = rig.receiver.received.filter(byEvent('issues'));
  assert.deepEqual(sent.map((r) => r.path), ['/status/500', '/ok'], 'one retry, then nothing more');
  const after200 = await scrape(rig.app);

  const moved = (name: string, labels: Record<string, string> = {}) => sample(after200, name, labels) - sample(before, name, labels);
  const kinds: Record<string, number> = {};
  for (const outcome of ['success', 'failure']) {
    for (const kind of ['first', 'retry', 'manual']) kinds[`${kind} ${outcome}`] = moved('hookline_deliveries_total', { outcome, attempt_kind: kind });
  }
  assert.deepEqual(kinds, {
    'first success': 0, 'first failure': 1, 'retry success': 1, 'retry failure': 0, 'manual success': 0, 'manual failure': 0,
  });
  assert.equal(moved('hookline_delivery_duration_seconds_count', { outcome: 'success' }), 1);
  assert.equal(moved('hookline_delivery_duration_seconds_count', { outcome: 'failure' }), 1);
  assert.equal(sample(after200, 'hookline_deliveries_pending'), 0);
});

test('gauges read the database: pending deliveries, the age of the oldest due one, disabled hooks', async (t) => {
  const clock = new ManualClock();
  const { app, receiver, token, path } = await deliveryRig(t, {}, { start: false, clock });
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  await hook(app, token, path, receiver.url('/other'), { events: ['issues'], active: false });
  await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
  clock.advance(42_000);
  let text = await scrape(app);
  // The worker is not started: the first hook's ping and the event wait (the inactive hook gets neither).
  assert.equal(sample(text, 'hookline_deliveries_pending'), 2);
  assert.equal(sample(text, 'hookline_delivery_lag_seconds'), 42);
  assert.equal(sample(text, 'hookline_hooks_disabled'), 1);

  // Deactivating the hook cancels what it had pending (automatic retries' rule), so nothing waits.
  assert.equal((await app.call('PATCH', `${path}/${h.id}`, { token, body: { active: false } })).statusCode, 200);
  text = await scrape(app);
  assert.equal(sample(text, 'hookline_hooks_disabled'), 2);
  assert.equal(sample(text, 'hookline_deliveries_pending'), 0);
  assert.equal(sample(text, 'hookline_delivery_lag_seconds'), 0);
});

test('HOOKLINE_METRICS_PORT: a separate listener answers /metrics and /healthz without authentication', async (t) => {
  const { app } = await deliveryRig(t, { HOOKLINE_METRICS_PORT: '0' }, { start: false });
  assert.ok(app.metricsHttp, 'the listener is built when the port is set');
  const address = await app.metricsHttp.listen({ port: 0, host: '127.0.0.1' });
  const metrics = await fetch(`${address}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^hookline_deliveries_pending 0$/m);
  const health = await fetch(`${address}/healthz`);
  assert.deepEqual(await health.json(), { status: 'ok' });

  const { app: without } = await deliveryRig(t, {}, { start: false });
  assert.equal(without.metricsHttp, null);
});

test('HOOKLINE_METRICS_PORT is validated like the other variables', () => {
  assert.equal(loadConfig({ HOOKLINE_METRICS_PORT: '9464' }).metricsPort, 9464);
  assert.equal(loadConfig({}).metricsPort, null);
  for (const bad of ['abc', '70000', '-1']) {
    assert.throws(() => loadConfig({ HOOKLINE_METRICS_PORT: bad }), (err: unknown) =>
      err instanceof ConfigError && /HOOKLINE_METRICS_PORT must be a whole number/.test(err.message));
  }
});

test('docs/grafana-dashboard.json asks only for series that /metrics exposes', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
  await arrivals(receiver, byEvent('issues'), 1);
  await app.worker!.idle();
  const exposed = new Set((await scrape(app)).split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:]+/.exec(l)![0]));
  const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'));
  const asked = new Set<string>();
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) for (const m of String(target.expr).matchAll(/\b([a-z_]+)\{/g)) asked.add(m[1]);
  }
  assert.ok(asked.size >= 8);
  assert.deepEqual([...asked].filter((name) => !exposed.has(name)), []);
});
