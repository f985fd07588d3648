// Dashboard pages over HTTP: what a user sees is what the API lets them read, hook settings go through
// the hook service's validation, health and site figures come from the delivery log, and
// attacker-controlled text is escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_TOKEN } from '../support/app.js';
import { ManualClock } from '../support/hooks.js';
import { createOrg, setRole } from '../support/orgs.js';
import { allDeliveries, arrivals, byEvent, deliveryRig, hook, ingest } from '../delivery/fixtures.js';
import { DashboardClient } from './client.js';

test('a user sees only what they administer, and gets 404 by URL for hooks and deliveries of others', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  await arrivals(receiver, byEvent('ping'), 1);
  await app.worker!.idle();
  const [ping] = await allDeliveries(app, token, `${path}/${h.id}`);
  const bob = new DashboardClient(app);
  await bob.signIn(await app.user('bob', ['repo', 'admin:org_hook']));
  await app.repo(await app.user('bob', ['repo']), 'own');
  const overview = await bob.get('/dashboard');
  assert.match(overview.body, /bob\/own/);
  assert.doesNotMatch(overview.body, /alice\/hello/);
  for (const url of ['/dashboard/repos/alice/hello', `/dashboard/repos/alice/hello/hooks/${h.id}`,
    `/dashboard/repos/alice/hello/hooks/${h.id}/deliveries/${ping.id}`, `/dashboard/repos/bob/own/hooks/${h.id}`, '/dashboard/site']) {
    assert.equal((await bob.get(url)).status, 404, url);
  }
  assert.equal((await bob.post(`/dashboard/repos/alice/hello/hooks/${h.id}/delete`, {}, { from: '/dashboard' })).status, 404);
  assert.equal((await app.call('GET', `${path}/${h.id}`, { token })).statusCode, 200, 'the hook is still there');

  // A token without a hook scope lists nothing, even for its own repositories.
  const narrow = new DashboardClient(app);
  await narrow.signIn(await app.user('bob', ['gist']));
  assert.doesNotMatch((await narrow.get('/dashboard')).body, /bob\/own/);
  assert.equal((await narrow.get('/dashboard/repos/bob/own')).status, 404);

  // Each action needs the scope its REST endpoint needs: a read:repo_hook token reads and pings, but
  // cannot redeliver, edit or delete.
  const reader = new DashboardClient(app);
  await reader.signIn(await app.user('alice', ['read:repo_hook']));
  const hookPage = `/dashboard/repos/alice/hello/hooks/${h.id}`;
  assert.equal((await reader.get(`${hookPage}/deliveries/${ping.id}`)).status, 200);
  assert.equal((await reader.post(`${hookPage}/pings`, {}, { from: hookPage })).status, 303);
  assert.equal((await reader.post(`${hookPage}/deliveries/${ping.id}/attempts`, {}, { from: hookPage })).status, 404);
  assert.equal((await reader.post(hookPage, { url: receiver.url('/x'), events: 'push' }, { from: hookPage })).status, 404);
  assert.equal((await reader.post(`${hookPage}/delete`, {}, { from: hookPage })).status, 404);
  assert.equal((await app.call('GET', `${path}/${h.id}`, { token })).json().config.url, receiver.url('/ok'));

  const admin = new DashboardClient(app);
  await admin.signIn(ADMIN_TOKEN);
  const all = await admin.get('/dashboard');
  assert.match(all.body, /alice\/hello/);
  assert.match(all.body, /bob\/own/);
});

test('create, edit and delete a hook through forms; invalid input is shown and changes nothing', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  const owner = '/dashboard/repos/alice/hello';
  const created = await browser.post(`${owner}/hooks`, { url: receiver.url('/ok'), content_type: 'json', secret: 's3cret', events: 'push, issues', active: '1' }, { from: owner });
  assert.equal(created.status, 303, created.body);
  const [h] = (await app.call('GET', path, { token })).json();
  assert.equal(created.location, `${owner}/hooks/${h.id}?notice=created`);
  assert.deepEqual(h.events, ['issues', 'push']);
  assert.equal(h.config.secret, '********');
  await arrivals(receiver, byEvent('ping'), 1);

  const page = await browser.get(`${owner}/hooks/${h.id}`);
  assert.doesNotMatch(page.body, /s3cret/, 'the secret is never echoed');
  const bad = await browser.post(`${owner}/hooks/${h.id}`, { url: 'ftp://nope', content_type: 'json', events: 'push' }, { from: `${owner}/hooks/${h.id}` });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /role="alert"/);
  assert.equal((await app.call('GET', `${path}/${h.id}`, { token })).json().config.url, receiver.url('/ok'));

  const edited = await browser.post(`${owner}/hooks/${h.id}`, { url: receiver.url('/edited'), content_type: 'form', events: 'push' }, { from: `${owner}/hooks/${h.id}` });
  assert.equal(edited.status, 303, edited.body);
  const after = (await app.call('GET', `${path}/${h.id}`, { token })).json();
  assert.equal(after.config.url, receiver.url('/edited'));
  assert.equal(after.config.content_type, 'form');
  assert.equal(after.config.secret, '********', 'an empty secret field keeps the secret');
  assert.deepEqual(after.events, ['push']);
  assert.equal(after.active, false, 'the unchecked Active box deactivates');

  assert.match((await browser.get(`${owner}/hooks/${h.id}/delete`)).body, /Yes, delete this webhook/);
  const deleted = await browser.post(`${owner}/hooks/${h.id}/delete`, {}, { from: `${owner}/hooks/${h.id}/delete` });
  assert.equal(deleted.status, 303);
  assert.equal((await app.call('GET', `${path}/${h.id}`, { token })).statusCode, 404);
});

test('payloads and receiver responses are shown escaped, as text', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  const evil = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">';
  await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: { title: evil } });
  await arrivals(receiver, byEvent('issues'), 1);
  await app.worker!.idle();
  const [d] = await allDeliveries(app, token, `${path}/${h.id}`);
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  const page = await browser.get(`/dashboard/repos/alice/hello/hooks/${h.id}/deliveries/${d.id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /<script>window/);
  assert.doesNotMatch(page.body, /<img src=x/);
  assert.match(page.body, /&lt;script&gt;window.pwned=1&lt;\/script&gt;&lt;img src=x onerror=\\&quot;window.pwned=2\\&quot;&gt;/);
});

test('health per hook per hour and the site status page come from the delivery log', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const good = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  const bad = await hook(app, token, path, receiver.url('/status/500'), { events: ['issues'] });
  for (let i = 0; i < 3; i++) await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: { i } });
  await arrivals(receiver, byEvent('issues'), 6);
  await app.worker!.idle();
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  const owner = await browser.get('/dashboard/repos/alice/hello');
  const labels = [...owner.body.matchAll(/aria-label="(\d+) deliveries in 24 hours, (\d+) failed"/g)].map((m) => `${m[1]}/${m[2]}`);
  assert.deepEqual(labels, ['4/0', '4/4'], 'a ping and three events per hook; every answer of /status/500 failed');
  assert.equal(bad.id > good.id, true);

  const admin = new DashboardClient(app);
  await admin.signIn(ADMIN_TOKEN);
  const site = await admin.get('/dashboard/site');
  assert.equal(site.status, 200);
  assert.match(site.body, /id="pending">0</);
  assert.match(site.body, /id="last-hour">8</);
  assert.match(site.body, /id="last-hour-ok">4</);
  assert.match(site.body, /id="last-hour-failed">4</);
  assert.match(site.body, new RegExp(`href="/dashboard/repos/alice/hello/hooks/${bad.id}"`), 'the failing hook is listed');
  assert.doesNotMatch(site.body, new RegExp(`hooks/${good.id}"`));
});

test('health: hours that are over are counted once and kept; the window moves with the clock', async (t) => {
  const clock = new ManualClock(new Date('2026-01-02T03:04:05Z'));
  const { app, receiver, token, path } = await deliveryRig(t, {}, { clock });
  const good = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  await hook(app, token, path, receiver.url('/status/500'), { events: ['issues'] });
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  let seen = 2;
  const deliverOne = async () => {
    await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: {} });
    await arrivals(receiver, () => true, (seen += 2));
    await app.worker!.idle();
  };
  const labels = async () => {
    const page = await browser.get('/dashboard/repos/alice/hello');
    return [...page.body.matchAll(/aria-label="(\d+) deliveries in 24 hours, (\d+) failed"/g)].map((m) => `${m[1]}/${m[2]}`);
  };
  await arrivals(receiver, () => true, 2);
  await app.worker!.idle();
  await deliverOne(); // hour 03: two pings and one event each
  clock.advance(60 * 60 * 1000);
  await deliverOne(); // hour 04
  assert.deepEqual(await labels(), ['3/0', '3/3']);

  clock.advance(3 * 60 * 60 * 1000);
  await deliverOne(); // hour 07; hours 03 and 04 are over now and get kept
  assert.deepEqual(await labels(), ['4/0', '4/4']);
  const kept = await app.store.keptHealth([good.id], '2026-01-02T03');
  assert.deepEqual(kept.filter((r) => r.hour <= '2026-01-02T04').map((r) => [r.hour, Number(r.success), Number(r.failure)]),
    [['2026-01-02T03', 2, 0], ['2026-01-02T04', 1, 0]]);

  // Kept hours are read, not recounted: with their deliveries pruned, the bars stay.
  assert.ok((await app.store.pruneDeliveries('2026-01-02T05:00:00Z')) > 0);
  assert.deepEqual(await labels(), ['4/0', '4/4']);

  clock.advance(25 * 60 * 60 * 1000);
  await browser.signIn(token); // the session has expired meanwhile
  assert.deepEqual(await labels(), ['0/0', '0/0'], 'everything is older than 24 hours now');
  assert.deepEqual(await app.store.keptHealth([good.id], '2026-01-01T00').then((rows) => rows.filter((r) => r.hour < '2026-01-02T09')), [], 'kept hours before the window are dropped');
});

test('organization hooks: listed for their owners, created and pinged through the same pages, no Test push', async (t) => {
  const { app, receiver, token: repoToken } = await deliveryRig(t);
  const token = await app.user('alice', ['admin:org_hook', 'repo']);
  await createOrg(app, 'Acme', 'alice');
  await app.repo(repoToken, 'tools', 'Acme');
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  const overview = await browser.get('/dashboard');
  assert.match(overview.body, /href="\/dashboard\/orgs\/Acme">Acme<\/a>/);
  assert.match(overview.body, /Acme\/tools/, "the organization's repositories too");

  const owner = '/dashboard/orgs/Acme';
  const created = await browser.post(`${owner}/hooks`, { url: receiver.url('/ok'), content_type: 'json', events: 'repository', active: '1' }, { from: owner });
  assert.equal(created.status, 303, created.body);
  const [h] = (await app.call('GET', '/orgs/Acme/hooks', { token })).json();
  assert.deepEqual(h.events, ['repository']);
  await arrivals(receiver, byEvent('ping'), 1);
  const page = await browser.get(`${owner}/hooks/${h.id}`);
  assert.match(page.body, />Ping<\/button>/);
  assert.doesNotMatch(page.body, /Test push/);
  assert.equal((await browser.post(`${owner}/hooks/${h.id}/tests`, {}, { from: owner })).status, 404);

  const bobToken = await app.user('bob', ['admin:org_hook']);
  await setRole(app, 'Acme', 'bob', 'member');
  const member = new DashboardClient(app);
  await member.signIn(bobToken);
  assert.doesNotMatch((await member.get('/dashboard')).body, /Acme/);
  assert.equal((await member.get(`${owner}/hooks/${h.id}`)).status, 404, 'a member is not an owner');
});
