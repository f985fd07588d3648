// The pipeline's seams: the worker's attempt observer, the worker-only role, and the GitHub REST
// conventions staying inside their plugin.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildWorkerApp } from '../../src/app.js';
import type { RecordedAttempt } from '../../src/delivery/attempts.js';
import { ENGINE } from '../support/database.js';
import { testApp } from '../support/app.js';
import { startReceiver } from '../support/receiver.js';
import { deliveryRig, hook } from './fixtures.js';

test('onAttempt hears every recorded attempt once, classified by the delivery policy', async (t) => {
  const rig = await deliveryRig(t, {}, { start: false });
  const heard: RecordedAttempt[] = [];
  rig.app.worker!.onAttempt((a) => heard.push(a));
  rig.app.worker!.onAttempt(() => {
    throw new Error('a failing listener does not stop the others or the worker');
  });
  await rig.app.start();
  const ok = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/ok'));
  const failing = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/status/500'));
  await rig.receiver.waitFor(2);
  await rig.app.worker!.idle();
  const [delivery] = (await rig.app.call('GET', `${rig.path}/${failing.id}/deliveries`, { token: rig.token })).json();
  assert.equal((await rig.app.call('POST', `${rig.path}/${failing.id}/deliveries/${delivery.id}/attempts`, { token: rig.token })).statusCode, 202);
  await rig.receiver.waitFor(3);
  await rig.app.worker!.idle();

  const summary = heard.map((a) => [a.delivery.hook.id, a.delivery.event, a.outcome.statusCode, a.success, a.kind]);
  assert.deepEqual(summary.sort(), [
    [ok.id, 'ping', 200, true, 'first'],
    [failing.id, 'ping', 500, false, 'first'],
    [failing.id, 'ping', 500, false, 'manual'],
  ].sort());
  assert.ok(heard.every((a) => a.durationSeconds === a.outcome.duration && a.durationSeconds >= 0));
});

test('routes registered beside the GitHub REST plugin inherit none of its conventions', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  app.http.get('/probe', async () => ({ probe: true }));
  app.http.post('/probe', async (request) => ({ body: request.body ?? null }));

  const probe = await app.http.inject({ method: 'GET', url: '/probe' });
  assert.equal(probe.statusCode, 200, 'no token needed');
  assert.deepEqual(probe.json(), { probe: true });
  for (const header of ['x-github-request-id', 'x-github-api-version-selected', 'etag']) assert.equal(probe.headers[header], undefined, header);
  const unsupported = await app.http.inject({ method: 'GET', url: '/probe', headers: { 'x-github-api-version': '1999-01-01' } });
  assert.equal(unsupported.statusCode, 200, 'no API version check');
  const form = await app.http.inject({ method: 'POST', url: '/probe', payload: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.statusCode, 415, "fastify's own parsers, not GitHub's parse-everything-as-JSON");

  // The GitHub routes keep them, at the root and under /api/v3.
  const token = await app.user('alice', ['repo']);
  await app.repo(token, 'hello');
  for (const url of ['/repos/alice/hello/hooks', '/api/v3/repos/alice/hello/hooks']) {
    const github = await app.call('GET', url, { token });
    assert.equal(github.statusCode, 200);
    assert.match(String(github.headers['x-github-request-id']), /^[0-9A-F]{4}:/);
    assert.ok(github.headers.etag);
  }
  assert.equal((await app.call('GET', '/repos/alice/hello/hooks', { token: 'not-a-token' })).statusCode, 401);
});

test('the worker role delivers what the API queued, with no HTTP server of its own', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const databaseUrl = ENGINE === 'sqlite' ? `sqlite:${join(dir, 'hookline.db')}` : undefined;
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  // The API alone: nothing is delivered while no worker runs.
  const api = await testApp({ HOOKLINE_ALLOWED_HOSTS: 'loopback' }, { databaseUrl, runWorker: false });
  t.after(() => api.close());
  assert.equal(api.worker, null);
  const token = await api.user('alice', ['repo']);
  await api.repo(token, 'hello');
  await hook(api, token, '/repos/alice/hello/hooks', receiver.url('/ok'));
  assert.equal((await api.call('POST', '/hookline/events', { body: { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/main' } } })).statusCode, 202);
  assert.equal(receiver.received.length, 0);

  const worker = await buildWorkerApp({ config: api.config });
  try {
    assert.equal('http' in worker, false);
    await worker.start();
    const got = await receiver.waitFor(2);
    assert.deepEqual(got.map((r) => r.headers['x-github-event']).sort(), ['ping', 'push']);
  } finally {
    await worker.close();
  }
});
