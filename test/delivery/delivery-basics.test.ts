import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verify } from '@octokit/webhooks-methods';
import { createHmac } from 'node:crypto';
import { testApp } from '../support/app.js';
import { startReceiver } from '../support/receiver.js';

test('an ingested event reaches a json hook signed, with GitHub headers, and is logged', async () => {
  const receiver = await startReceiver();
  const app = await testApp({ HOOKLINE_ALLOWED_HOSTS: 'loopback' });
  await app.start();
  try {
    const token = await app.user('octocat', ['repo']);
    const repo = await app.repo(token, 'hello');
    const created = await app.call('POST', '/repos/octocat/hello/hooks', {
      token, body: { config: { url: receiver.url('/ok'), content_type: 'json', secret: 'It is a secret' }, events: ['issues'] },
    });
    assert.equal(created.statusCode, 201);
    const hook = created.json();
    const [ping] = await receiver.waitFor(1);
    assert.equal(ping.headers['x-github-event'], 'ping');
    assert.ok(await verify('It is a secret', ping.body.toString(), String(ping.headers['x-hub-signature-256'])));

    const ingest = await app.call('POST', '/hookline/events', {
      body: { event: 'issues', action: 'opened', repository: 'octocat/hello', sender: 'octocat', payload: { issue: { number: 1 } } },
    });
    assert.equal(ingest.statusCode, 202, ingest.body);
    assert.equal(ingest.json().deliveries, 1);
    const got = (await receiver.waitFor(2))[1];
    const body = got.body.toString();
    assert.ok(await verify('It is a secret', body, String(got.headers['x-hub-signature-256'])));
    assert.equal(got.headers['x-hub-signature'], `sha1=${createHmac('sha1', 'It is a secret').update(got.body).digest('hex')}`);
    assert.equal(got.headers['x-github-event'], 'issues');
    assert.equal(got.headers['x-github-delivery'], ingest.json().guid);
    assert.equal(got.headers['x-github-hook-id'], String(hook.id));
    assert.equal(got.headers['x-github-hook-installation-target-type'], 'repository');
    assert.equal(got.headers['x-github-hook-installation-target-id'], String(repo.id));
    assert.match(String(got.headers['user-agent']), /^GitHub-Hookshot\/[0-9a-f]{7}$/);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers.accept, '*/*');
    const payload = JSON.parse(body);
    assert.equal(payload.action, 'opened');
    assert.equal(payload.repository.full_name, 'octocat/hello');
    assert.equal(payload.sender.login, 'octocat');

    await app.worker!.idle();
    const list = await app.call('GET', `/repos/octocat/hello/hooks/${hook.id}/deliveries`, { token });
    assert.equal(list.statusCode, 200);
    const items = list.json();
    assert.equal(items.length, 2);
    assert.equal(items[0].event, 'issues');
    assert.equal(items[0].status, 'OK');
    assert.equal(items[0].status_code, 200);
    const detail = (await app.call('GET', `/repos/octocat/hello/hooks/${hook.id}/deliveries/${items[0].id}`, { token })).json();
    assert.deepEqual(detail.request.payload, payload);
    assert.equal(detail.request.headers['X-Hub-Signature-256'], got.headers['x-hub-signature-256']);
    assert.equal(detail.response.payload, 'ok');
    const after = (await app.call('GET', `/repos/octocat/hello/hooks/${hook.id}`, { token })).json();
    assert.deepEqual(after.last_response, { code: 200, status: 'active', message: 'OK' });
  } finally {
    await app.close();
    await receiver.close();
  }
});
