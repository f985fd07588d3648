// Every dashboard action, not only the pages, refuses hooks the signed-in token could not change through
// the REST API: an organization member who is not an owner, and a hook id used under another owner's URL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOrg, setRole } from '../support/orgs.js';
import { allDeliveries, arrivals, byEvent, deliveryRig, hook } from '../delivery/fixtures.js';
import { DashboardClient } from './client.js';

test('actions on an organization hook by a member, or on a hook under a foreign URL, are 404 and change nothing', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const alice = await app.user('alice', ['admin:org_hook', 'repo']);
  await createOrg(app, 'Acme', 'alice');
  const orgHook = (await app.call('POST', '/orgs/Acme/hooks', { token: alice, body: { name: 'web', config: { url: receiver.url('/org') }, events: ['push'] } })).json();
  const repoHook = await hook(app, token, path, receiver.url('/repo'), { events: ['push'] });
  await arrivals(receiver, byEvent('ping'), 2);
  await app.worker!.idle();
  const [ping] = await allDeliveries(app, token, `${path}/${repoHook.id}`);

  const bobToken = await app.user('bob', ['admin:org_hook', 'repo']);
  await setRole(app, 'Acme', 'bob', 'member');
  await app.repo(bobToken, 'own');
  const bob = new DashboardClient(app);
  await bob.signIn(bobToken);
  const org = `/dashboard/orgs/Acme/hooks/${orgHook.id}`;
  const foreign = `/dashboard/repos/bob/own/hooks/${repoHook.id}`;
  const posts: Array<[string, Record<string, string>]> = [
    ['/dashboard/orgs/Acme/hooks', { url: receiver.url('/evil'), events: 'push', active: '1' }],
    [org, { url: receiver.url('/evil'), events: 'push', active: '1' }], [`${org}/pings`, {}], [`${org}/delete`, {}],
    [foreign, { url: receiver.url('/evil'), events: 'push', active: '1' }], [`${foreign}/pings`, {}], [`${foreign}/tests`, {}],
    [`${foreign}/delete`, {}], [`${foreign}/deliveries/${ping.id}/attempts`, {}],
  ];
  for (const [url, form] of posts) assert.equal((await bob.post(url, form, { from: '/dashboard' })).status, 404, url);
  for (const url of [org, `${org}/delete`, foreign, `${foreign}/deliveries/${ping.id}`]) assert.equal((await bob.get(url)).status, 404, url);

  await app.worker!.idle();
  assert.equal(receiver.received.filter(byEvent('ping')).length, 2, 'no ping was sent');
  assert.equal((await app.call('GET', `/orgs/Acme/hooks/${orgHook.id}`, { token: alice })).json().config.url, receiver.url('/org'));
  assert.equal((await app.call('GET', `${path}/${repoHook.id}`, { token })).json().config.url, receiver.url('/repo'));
  assert.equal((await allDeliveries(app, token, `${path}/${repoHook.id}`)).length, 1, 'no redelivery was queued');
  assert.equal((await app.call('GET', '/orgs/Acme/hooks', { token: alice })).json().length, 1);
});
