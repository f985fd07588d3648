// Receivers that fail: each failure is recorded with GitHub's status string while healthy hooks keep
// receiving, and a target that resolves to a refused address is never contacted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RESPONSE_BODY_CAP } from '../../src/delivery/send.js';
import { testApp } from '../support/app.js';
import { validateSchema } from '../support/openapi.js';
import { startReceiver } from '../support/receiver.js';
import { allDeliveries, arrivals, byEvent, deliveryDetail, deliveryRig, hook, ingest } from './fixtures.js';

/** Polls `check` until it returns a value; the deadline only turns a hang into a failure. */
async function until<T>(check: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('every failure is recorded with its status, and the hook remembers it as last_response', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t, { HOOKLINE_DELIVERY_TIMEOUT_MS: '500' });
  const targets = ['/status/500', '/status/404', '/hang', '/reset', '/redirect', '/huge', '/ok'];
  const hooks = new Map<string, any>();
  for (const target of targets) hooks.set(target, await hook(app, token, path, receiver.url(target), { events: ['push'] }));
  await app.worker!.idle();
  const { guid } = await ingest(app, { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/main' } });
  await app.worker!.idle();

  const outcome = async (target: string) => {
    const h = hooks.get(target);
    const [item] = (await allDeliveries(app, token, `${path}/${h.id}`)).filter((d) => d.guid === guid);
    assert.ok(item, `${target} has a delivery of ${guid}`);
    const detail = await deliveryDetail(app, token, `${path}/${h.id}`, item.id);
    validateSchema('hook-delivery', detail);
    validateSchema('hook-delivery-item', item);
    const hookNow = (await app.call('GET', `${path}/${h.id}`, { token })).json();
    return { item, detail, last: hookNow.last_response };
  };

  for (const code of [500, 404]) {
    const { item, detail, last } = await outcome(`/status/${code}`);
    assert.equal(item.status, `Invalid HTTP Response: ${code}`);
    assert.equal(item.status_code, code);
    assert.equal(detail.response.payload, `status ${code}`);
    assert.equal(detail.response.headers['content-type'], 'text/plain');
    assert.deepEqual(last, { code, status: 'failed', message: `Invalid HTTP Response: ${code}` });
  }

  const hang = await outcome('/hang');
  assert.equal(hang.item.status, 'timed out');
  assert.equal(hang.item.status_code, 504);
  assert.ok(hang.item.duration >= 0.5, `duration ${hang.item.duration}s covers the 500 ms timeout`);
  assert.deepEqual(hang.detail.response, { headers: null, payload: null });
  assert.deepEqual(hang.last, { code: 504, status: 'failed', message: 'timed out' });

  const reset = await outcome('/reset');
  assert.notEqual(reset.item.status, 'OK');
  assert.match(reset.item.status, /^failed to connect/);
  assert.equal(reset.item.status_code, 502);
  assert.equal(reset.last.status, 'failed');

  // A redirect is a failure, and its target is never requested.
  const redirect = await outcome('/redirect');
  assert.equal(redirect.item.status, 'Invalid HTTP Response: 302');
  assert.equal(redirect.item.status_code, 302);
  assert.equal(redirect.detail.response.headers.location, '/ok');
  const okHook = hooks.get('/ok');
  assert.deepEqual(
    receiver.received.filter((r) => r.path === '/ok').map((r) => r.headers['x-github-hook-id']),
    [String(okHook.id), String(okHook.id)], // its own ping and push, nothing redirected
  );

  // A slow, huge body is read up to the cap and recorded; the delivery itself succeeded.
  const huge = await outcome('/huge');
  assert.equal(huge.item.status, 'OK');
  assert.equal(huge.item.status_code, 200);
  assert.equal(huge.detail.response.payload.length, RESPONSE_BODY_CAP);
  assert.match(huge.detail.response.payload, /^x+$/);
  assert.deepEqual(huge.last, { code: 200, status: 'active', message: 'OK' });

  const ok = await outcome('/ok');
  assert.equal(ok.item.status, 'OK');
  assert.deepEqual(ok.last, { code: 200, status: 'active', message: 'OK' });

  // Every target was tried exactly once for the push (no retries, no redirect following).
  for (const target of targets) {
    assert.equal(receiver.received.filter((r) => r.path === target && r.headers['x-github-event'] === 'push').length, 1, target);
  }
});

test('a healthy hook keeps receiving while another receiver hangs', async (t) => {
  // A long timeout: the hanging requests stay in flight for the whole test, until the receiver closes.
  const { app, receiver, token, path } = await deliveryRig(t, { HOOKLINE_DELIVERY_TIMEOUT_MS: '60000' });
  const hang = await hook(app, token, path, receiver.url('/hang'), { events: ['issues'] });
  const ok = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  const guids: string[] = [];
  for (let i = 0; i < 10; i++) guids.push((await ingest(app, { event: 'issues', repository: 'alice/hello', payload: { n: i } })).guid);

  const hanging = await arrivals(receiver, byEvent('issues', hang.id), 10);
  const delivered = await arrivals(receiver, byEvent('issues', ok.id), 10);
  assert.deepEqual(new Set(delivered.map((r) => r.headers['x-github-delivery'])), new Set(guids));
  assert.deepEqual(new Set(hanging.map((r) => r.headers['x-github-delivery'])), new Set(guids));
  // The healthy hook's deliveries are recorded while the other hook's requests are all still open.
  const logged = await until(async () => {
    const items = (await allDeliveries(app, token, `${path}/${ok.id}`)).filter((d) => d.event === 'issues');
    return items.length === 10 && items;
  }, 'the healthy deliveries to be recorded');
  assert.ok(logged.every((d: any) => d.status === 'OK'));
  assert.deepEqual(await allDeliveries(app, token, `${path}/${hang.id}`), []);
});

test('a target that resolves to a refused address is never contacted, and the failure is recorded', async (t) => {
  const receiver = await startReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-refused-'));
  const shared = { HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex') };
  const databaseUrl = `sqlite:${join(dir, 'hookline.db')}`;
  // The API that saved these hooks allowed loopback targets; the worker that delivers allows only external ones.
  const api = await testApp({ ...shared, HOOKLINE_ALLOWED_HOSTS: 'loopback' }, { databaseUrl });
  const worker = await testApp({ ...shared, HOOKLINE_ALLOWED_HOSTS: 'external' }, { databaseUrl });
  t.after(async () => {
    await receiver.close();
    await api.close();
    await worker.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const port = new URL(receiver.url()).port;
  const token = await api.user('alice', ['repo']);
  await api.repo(token, 'hello');
  const path = '/repos/alice/hello/hooks';
  // `localhost` goes through DNS and is refused after resolution; a literal address is refused before dialling.
  const byName = await hook(api, token, path, `http://localhost:${port}/ok`, { config: { secret: 's' }, events: ['push'] });
  const byAddress = await hook(api, token, path, `http://127.0.0.1:${port}/ok`, { events: ['push'] });
  const { guid } = await ingest(api, { event: 'push', repository: 'alice/hello', payload: {} });

  await worker.start();
  await worker.worker!.idle();
  assert.equal(receiver.received.length, 0, 'no request reached the receiver');
  for (const [h, address] of [[byName, /(127\.0\.0\.1|::1) is loopback/], [byAddress, /127\.0\.0\.1 is loopback/]] as const) {
    const items = await allDeliveries(worker, token, `${path}/${h.id}`);
    assert.deepEqual(items.map((d) => d.event).sort(), ['ping', 'push']);
    const push = items.find((d) => d.event === 'push');
    assert.equal(push.guid, guid);
    assert.match(push.status, /^failed to connect to host: /);
    assert.match(push.status, address);
    assert.match(push.status, /refused by HOOKLINE_ALLOWED_HOSTS/);
    assert.equal(push.status_code, 502);
    const detail = await deliveryDetail(worker, token, `${path}/${h.id}`, push.id);
    assert.deepEqual(detail.response, { headers: null, payload: null });
    validateSchema('hook-delivery', detail);
    const last = (await worker.call('GET', `${path}/${h.id}`, { token })).json().last_response;
    assert.equal(last.code, 502);
    assert.equal(last.status, 'failed');
    assert.match(last.message, /refused by HOOKLINE_ALLOWED_HOSTS/);
  }
});

test('a hanging receiver with more queued deliveries than worker slots still cannot stall other hooks', async (t) => {
  // 4 slots in all, at most 2 per hook: 20 deliveries queued for the hanging hook may occupy only 2.
  const { app, receiver, token, path } = await deliveryRig(t, {
    HOOKLINE_DELIVERY_TIMEOUT_MS: '60000', HOOKLINE_DELIVERY_CONCURRENCY: '4', HOOKLINE_DELIVERY_CONCURRENCY_PER_HOOK: '2',
  });
  const hang = await hook(app, token, path, receiver.url('/hang'), { events: ['issues'] });
  await arrivals(receiver, byEvent('ping', hang.id), 1); // its ping hangs too, holding one of its 2 slots
  for (let i = 0; i < 20; i++) await ingest(app, { event: 'issues', repository: 'alice/hello', payload: { n: i } });
  const ok = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  const guids: string[] = [];
  for (let i = 0; i < 10; i++) guids.push((await ingest(app, { event: 'issues', repository: 'alice/hello', payload: { n: i } })).guid);

  const delivered = await arrivals(receiver, byEvent('issues', ok.id), 10);
  assert.deepEqual(new Set(delivered.map((r) => r.headers['x-github-delivery'])), new Set(guids));
  const toHanging = receiver.received.filter((r) => r.headers['x-github-hook-id'] === String(hang.id));
  assert.equal(toHanging.length, 2, 'the hanging hook never has more than its share in flight');
});
