// Credentials in a hook URL (`http://user:pass@host/…`, issue 21 item 4): taken out of the stored URL,
// kept encrypted, sent as Basic auth, and masked in every response, payload and delivery record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivals, byEvent, deliveryRig, hook } from './fixtures.js';

const USER = 'hook-user-5e1b';
const PASSWORD = 'p@ss:w0rd-c7d9';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`, 'utf8').toString('base64')}`;

/** The receiver's URL with the credentials written into it, percent-encoded as a URL needs. */
const withCredentials = (url: string) => url.replace('://', `://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@`);

test('a repository hook URL with credentials: stored without them, sent as Basic auth, never shown', async (t) => {
  const { app, receiver, token, path, repo } = await deliveryRig(t);
  const created = await hook(app, token, path, withCredentials(receiver.url('/ok')), { events: ['push'] });
  assert.equal(created.config.url, receiver.url('/ok'));
  assert.equal(created.config.username, '********');
  assert.equal(created.config.password, '********');

  const [ping] = await arrivals(receiver, byEvent('ping', created.id), 1);
  assert.equal(ping.headers.authorization, BASIC);
  assert.equal(ping.body.includes(PASSWORD), false, 'the ping payload carries the hook without the password');

  const hookUrl = `${path}/${created.id}`;
  await app.worker!.idle(); // the ping's outcome is recorded
  const deliveries = (await app.call('GET', `${hookUrl}/deliveries`, { token })).json();
  assert.equal(deliveries[0].url, receiver.url('/ok'));
  const bodies = [
    await app.call('GET', path, { token }),
    await app.call('GET', hookUrl, { token }),
    await app.call('GET', `${hookUrl}/config`, { token }),
    await app.call('GET', `${hookUrl}/deliveries`, { token }),
    await app.call('GET', `${hookUrl}/deliveries/${deliveries[0].id}`, { token }),
  ];
  for (const res of bodies) {
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.body.includes(PASSWORD) || res.body.includes(encodeURIComponent(PASSWORD)), false, res.body);
  }
  const detail = bodies[4].json();
  assert.equal(detail.request.headers.Authorization, 'Basic ********');

  // At rest: the URL has no user-info, the credentials are ciphertext.
  const stored = await app.store.findHook({ type: 'repository', id: repo.id }, created.id);
  assert.equal(stored!.config.url, receiver.url('/ok'));
  for (const value of [stored!.config.username, stored!.config.password]) {
    assert.equal(typeof value, 'string');
    assert.equal(value!.includes(USER) || value!.includes(PASSWORD), false);
  }

  // On a repository hook the credentials belong to the URL: a new URL without them drops them.
  const moved = await app.call('PATCH', `${hookUrl}/config`, { token, body: { url: receiver.url('/ok?moved') } });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual(Object.keys(moved.json()).sort(), ['content_type', 'insecure_ssl', 'url']);
  await app.call('POST', `${hookUrl}/pings`, { token });
  const [, again] = await arrivals(receiver, byEvent('ping', created.id), 2);
  assert.equal(again.headers.authorization, undefined);
});

test('an organization hook URL with credentials fills config.username and config.password', async (t) => {
  const { app, receiver } = await deliveryRig(t);
  const admin = await app.user('owner', ['admin:org_hook']);
  assert.equal((await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'owner' } })).statusCode, 201);
  const res = await app.call('POST', '/orgs/acme/hooks', {
    token: admin,
    body: { name: 'web', config: { url: withCredentials(receiver.url('/ok')), content_type: 'json', username: 'ignored', password: 'ignored' } },
  });
  assert.equal(res.statusCode, 201, res.body);
  const created = res.json();
  assert.deepEqual(created.config, { content_type: 'json', insecure_ssl: '0', password: '********', url: receiver.url('/ok'), username: '********' });
  const [ping] = await arrivals(receiver, byEvent('ping', created.id), 1);
  assert.equal(ping.headers.authorization, BASIC, 'the URL credentials win over the fields');
});

test('a URL with only a user name, or an empty password, is sent as such', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const created = await hook(app, token, path, receiver.url('/ok').replace('://', '://solo@'), { events: ['push'] });
  assert.equal(created.config.url, receiver.url('/ok'));
  const [ping] = await arrivals(receiver, byEvent('ping', created.id), 1);
  assert.equal(ping.headers.authorization, `Basic ${Buffer.from('solo:').toString('base64')}`);
});
