// Organization hooks on the wire: org-wide fan-out, GitHub's headers for org targets, basic auth from
// config.username/password, signatures, pings, and the deliveries endpoints O8–O11 — against a real
// receiver.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { verify } from '@octokit/webhooks-methods';
import type { TestApp } from '../support/app.js';
import { appFor, assertError, createHook } from '../support/hooks.js';
import { validateResponse } from '../support/openapi.js';
import { createOrg, ORG } from '../support/orgs.js';
import { startReceiver, type Received, type Receiver } from '../support/receiver.js';

const SECRET = 'org-hook-secret';
const USER = 'hook-user';
const PASSWORD = 'p@ss:word-ü';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`, 'utf8').toString('base64')}`;

interface World {
  app: TestApp;
  receiver: Receiver;
  /** alice's tokens: `org` (admin:org_hook) and `repo` (repo). */
  org: string;
  repo: string;
  orgId: number;
  repoId: number;
  path: string;
}

/** A running app (worker started) on a manual clock, a receiver, and alice owning Octo-Org with repo Octo-Org/app. */
async function world(t: TestContext): Promise<World> {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { app } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
  await app.start();
  const org = await app.user('alice', ['admin:org_hook']);
  const repo = await app.user('alice', ['repo']);
  const orgId = (await createOrg(app, ORG, 'alice')).id;
  const repoId = (await app.repo(repo, 'app', ORG)).id;
  return { app, receiver, org, repo, orgId, repoId, path: '/orgs/octo-org/hooks' };
}

/** Creates a hook whose url is the receiver's `/<label>` and waits for its creation ping. */
async function hookAt(w: World, token: string, path: string, label: string, body: Record<string, unknown>): Promise<any> {
  const before = w.receiver.received.length;
  const config = { url: w.receiver.url(`/${label}`), ...(body.config as object) };
  const hook = await createHook(w.app, token, path, { ...body, config });
  await w.receiver.waitFor(before + 1);
  return hook;
}

/** Requests that arrived for the hook at `/<label>`, optionally only of one event. */
function at(w: World, label: string, event?: string): Received[] {
  return w.receiver.received.filter((r) => r.path === `/${label}` && (event === undefined || r.headers['x-github-event'] === event));
}

async function ingest(w: World, body: Record<string, unknown>): Promise<{ guid: string; deliveries: number }> {
  const res = await w.app.call('POST', '/hookline/events', { body });
  assert.equal(res.statusCode, 202, res.body);
  return res.json();
}

describe('org-wide fan-out', () => {
  test('a repository event reaches the repository\'s hooks and its organization\'s hooks, each with its own target', async (t) => {
    const w = await world(t);
    const repoHook = await hookAt(w, w.repo, `/repos/${ORG}/app/hooks`, 'repo', { events: ['issues'], config: { content_type: 'json' } });
    const orgHook = await hookAt(w, w.org, w.path, 'org', {
      name: 'web', events: ['issues', 'organization'], config: { content_type: 'json', secret: SECRET, username: USER, password: PASSWORD },
    });
    const formHook = await hookAt(w, w.org, w.path, 'org-form', { name: 'web', events: ['*'], config: { content_type: 'form', secret: SECRET } });
    await hookAt(w, w.org, w.path, 'org-push', { name: 'web', events: ['push'], config: { content_type: 'json' } });
    await createOrg(w.app, 'other-org', 'alice');
    await hookAt(w, w.org, '/orgs/other-org/hooks', 'other-org', { name: 'web', events: ['*'], config: { content_type: 'json' } });
    const pings = w.receiver.received.length;

    const { guid, deliveries } = await ingest(w, {
      event: 'issues', action: 'opened', repository: `${ORG}/app`, sender: 'alice', payload: { issue: { number: 7 } },
    });
    assert.equal(deliveries, 3);
    await w.receiver.waitFor(pings + 3);
    await w.app.worker!.idle();
    assert.equal(w.receiver.received.length, pings + 3, 'unsubscribed and other organizations\' hooks get nothing');

    const [repoGot] = at(w, 'repo', 'issues');
    const [orgGot] = at(w, 'org', 'issues');
    const [formGot] = at(w, 'org-form', 'issues');
    for (const [got, hook] of [[repoGot, repoHook], [orgGot, orgHook], [formGot, formHook]] as const) {
      assert.equal(got.headers['x-github-delivery'], guid, 'one GUID for every delivery of the event');
      assert.equal(got.headers['x-github-hook-id'], String(hook.id));
      assert.equal(got.headers['x-github-event'], 'issues');
    }
    assert.equal(repoGot.headers['x-github-hook-installation-target-type'], 'repository');
    assert.equal(repoGot.headers['x-github-hook-installation-target-id'], String(w.repoId));
    assert.equal(repoGot.headers.authorization, undefined);
    for (const got of [orgGot, formGot]) {
      assert.equal(got.headers['x-github-hook-installation-target-type'], 'organization');
      assert.equal(got.headers['x-github-hook-installation-target-id'], String(w.orgId));
    }
    assert.equal(orgGot.headers.authorization, BASIC);
    assert.equal(formGot.headers.authorization, undefined, 'no credentials configured');

    const body = orgGot.body.toString('utf8');
    assert.ok(await verify(SECRET, body, String(orgGot.headers['x-hub-signature-256'])));
    assert.equal(orgGot.headers['x-hub-signature'], `sha1=${createHmac('sha1', SECRET).update(orgGot.body).digest('hex')}`);
    const payload = JSON.parse(body);
    assert.equal(payload.action, 'opened');
    assert.deepEqual(payload.issue, { number: 7 });
    assert.equal(payload.organization.login, ORG);
    assert.equal(payload.organization.id, w.orgId);
    assert.equal(payload.repository.full_name, `${ORG}/app`);
    assert.equal(payload.repository.id, w.repoId);
    assert.equal(payload.sender.login, 'alice');
    assert.deepEqual(JSON.parse(repoGot.body.toString('utf8')), payload, 'every hook gets the same payload');

    // Form hooks are signed over the raw form body.
    assert.equal(formGot.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(formGot.headers['x-hub-signature-256'], `sha256=${createHmac('sha256', SECRET).update(formGot.body).digest('hex')}`);
    assert.deepEqual(JSON.parse(new URLSearchParams(formGot.body.toString('utf8')).get('payload')!), payload);
  });

  test('`organization` without a repository reaches only the organization\'s subscribed hooks', async (t) => {
    const w = await world(t);
    await hookAt(w, w.repo, `/repos/${ORG}/app/hooks`, 'repo', { events: ['*'], config: { content_type: 'json' } });
    const orgHook = await hookAt(w, w.org, w.path, 'org', { name: 'web', events: ['organization'], config: { content_type: 'json', secret: SECRET } });
    await hookAt(w, w.org, w.path, 'org-team', { name: 'web', events: ['team'], config: { content_type: 'json' } });
    const pings = w.receiver.received.length;

    const { guid, deliveries } = await ingest(w, {
      event: 'organization', action: 'member_added', organization: 'OCTO-ORG', payload: { membership: { role: 'member' } },
    });
    assert.equal(deliveries, 1);
    await w.receiver.waitFor(pings + 1);
    await w.app.worker!.idle();
    assert.equal(w.receiver.received.length, pings + 1);
    const [got] = at(w, 'org', 'organization');
    assert.equal(got.headers['x-github-delivery'], guid);
    assert.equal(got.headers['x-github-hook-id'], String(orgHook.id));
    assert.equal(got.headers['x-github-hook-installation-target-type'], 'organization');
    assert.equal(got.headers['x-github-hook-installation-target-id'], String(w.orgId));
    assert.ok(await verify(SECRET, got.body.toString('utf8'), String(got.headers['x-hub-signature-256'])));
    const payload = JSON.parse(got.body.toString('utf8'));
    assert.equal(payload.action, 'member_added');
    assert.equal(payload.organization.login, ORG);
    assert.equal('repository' in payload, false);

    const items = (await w.app.call('GET', `${w.path}/${orgHook.id}/deliveries`, { token: w.org })).json();
    assert.equal(items[0].event, 'organization');
    assert.equal(items[0].action, 'member_added');
    assert.equal(items[0].repository_id, null);
  });

  test('inactive organization hooks receive nothing', async (t) => {
    const w = await world(t);
    const active = await hookAt(w, w.org, w.path, 'org', { name: 'web', events: ['team'], config: { content_type: 'json' } });
    await createHook(w.app, w.org, w.path, { name: 'web', active: false, events: ['team'], config: { url: w.receiver.url('/inactive') } });
    const before = w.receiver.received.length;
    assert.equal((await ingest(w, { event: 'team', action: 'created', organization: ORG, payload: {} })).deliveries, 1);
    await w.receiver.waitFor(before + 1);
    await w.app.worker!.idle();
    assert.deepEqual(w.receiver.received.slice(before).map((r) => [r.path, r.headers['x-github-hook-id']]), [['/org', String(active.id)]]);
  });
  test('an organization that does not own the named repository is refused, and nothing is delivered', async (t) => {
    const w = await world(t);
    await createOrg(w.app, 'other-org', 'alice');
    await w.app.repo(w.repo, 'own');
    await createHook(w.app, w.org, '/orgs/other-org/hooks', { name: 'web', events: ['*'], config: { url: w.receiver.url('/other') } });
    await w.receiver.waitFor(1);
    for (const repository of [`${ORG}/app`, 'alice/own']) {
      const res = await w.app.call('POST', '/hookline/events', { body: { event: 'push', repository, organization: 'other-org', payload: {} } });
      assertError(res, 422, 'Validation Failed');
    }
    await w.app.worker!.idle();
    assert.deepEqual(w.receiver.received.map((r) => r.headers['x-github-event']), ['ping']);
  });

  test('a repository hook subscribed to "*" does not receive organization-only events', async (t) => {
    const w = await world(t);
    await hookAt(w, w.repo, `/repos/${ORG}/app/hooks`, 'repo', { events: ['*'], config: { content_type: 'json' } });
    await hookAt(w, w.org, w.path, 'org', { name: 'web', events: ['team'], config: { content_type: 'json' } });
    // GitHub sends `team` with a repository when a team is added to one; only org hooks can get it.
    const { deliveries } = await ingest(w, { event: 'team', action: 'added_to_repository', repository: `${ORG}/app`, payload: { team: { slug: 'core' } } });
    await w.app.worker!.idle();
    assert.equal(deliveries, 1);
    assert.deepEqual(at(w, 'repo', 'team'), []);
  });
});

describe('pings and the deliveries API for organization hooks (O8–O11)', () => {
  test('the creation ping and POST …/pings carry organization, no repository; credentials sent, masked in the log', async (t) => {
    const w = await world(t);
    const hook = await hookAt(w, w.org, w.path, 'org', {
      name: 'web', events: ['team'], config: { content_type: 'json', secret: SECRET, username: USER, password: PASSWORD },
    });
    const [created] = at(w, 'org', 'ping');
    const res = await w.app.call('POST', `${w.path}/${hook.id}/pings`, { token: w.org });
    assert.equal(res.statusCode, 204, res.body);
    validateResponse('orgs/ping-webhook', 204, res.body);
    await w.receiver.waitFor(2);
    const pinged = at(w, 'org', 'ping')[1];
    for (const ping of [created, pinged]) {
      assert.equal(ping.headers['x-github-hook-installation-target-type'], 'organization');
      assert.equal(ping.headers['x-github-hook-installation-target-id'], String(w.orgId));
      assert.equal(ping.headers.authorization, BASIC);
      assert.ok(await verify(SECRET, ping.body.toString('utf8'), String(ping.headers['x-hub-signature-256'])));
      const payload = JSON.parse(ping.body.toString('utf8'));
      assert.equal(payload.hook_id, hook.id);
      assert.equal(typeof payload.zen, 'string');
      assert.equal(payload.hook.type, 'Organization');
      assert.equal(payload.hook.id, hook.id);
      assert.equal('test_url' in payload.hook, false);
      assert.equal(payload.organization.login, ORG);
      assert.equal(payload.organization.id, w.orgId);
      assert.equal('repository' in payload, false);
      assert.equal(payload.sender.login, 'alice');
      for (const plain of [SECRET, USER, PASSWORD]) assert.equal(ping.body.includes(plain), false, `${plain} in the ping payload`);
    }

    await w.app.worker!.idle();
    const list = await w.app.call('GET', `${w.path}/${hook.id}/deliveries`, { token: w.org });
    const detail = await w.app.call('GET', `${w.path}/${hook.id}/deliveries/${list.json()[0].id}`, { token: w.org });
    assert.equal(detail.statusCode, 200, detail.body);
    const recorded = detail.json().request.headers;
    assert.equal(recorded['X-GitHub-Hook-Installation-Target-Type'], 'organization');
    assert.equal(recorded['X-Hub-Signature-256'], pinged.headers['x-hub-signature-256']);
    const auth = Object.entries(recorded).find(([name]) => name.toLowerCase() === 'authorization');
    assert.ok(auth, 'the recorded request shows that basic auth was sent');
    assert.match(String(auth[1]), /^Basic \*+$/);
    assert.equal(detail.body.includes(BASIC.slice(6)), false, 'the encoded credentials are not in the log');
    assert.equal(detail.body.includes(PASSWORD), false);

    // A PATCH whose config leaves the credentials out removes them: the next ping has no Authorization.
    const patched = await w.app.call('PATCH', `${w.path}/${hook.id}`, { token: w.org, body: { config: { url: w.receiver.url('/org'), content_type: 'json' } } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((await w.app.call('POST', `${w.path}/${hook.id}/pings`, { token: w.org })).statusCode, 204);
    await w.receiver.waitFor(3);
    assert.equal(at(w, 'org', 'ping')[2].headers.authorization, undefined);
  });

  test('list (cursor pages), get and redeliver, each valid against the spec', async (t) => {
    const w = await world(t);
    const hook = await hookAt(w, w.org, w.path, 'org', { name: 'web', events: ['team'], config: { content_type: 'json', secret: SECRET } });
    const other = await hookAt(w, w.org, w.path, 'org-other', { name: 'web', events: ['member'], config: { content_type: 'json' } });
    const { guid } = await ingest(w, { event: 'team', action: 'created', organization: ORG, payload: { team: { slug: 'core' } } });
    await w.receiver.waitFor(3);
    await w.app.worker!.idle();
    const base = `${w.path}/${hook.id}/deliveries`;

    const list = await w.app.call('GET', base, { token: w.org });
    assert.equal(list.statusCode, 200, list.body);
    validateResponse('orgs/list-webhook-deliveries', 200, list.json());
    assert.deepEqual(list.json().map((d: any) => d.event), ['team', 'ping'], 'newest first');
    const [team, ping] = list.json();
    assert.equal(team.guid, guid);
    assert.equal(team.status, 'OK');
    assert.equal(team.status_code, 200);
    assert.equal(team.redelivery, false);
    assert.equal(ping.action, null);

    const first = await w.app.call('GET', `${base}?per_page=1`, { token: w.org });
    assert.deepEqual(first.json().map((d: any) => d.id), [team.id]);
    const next = /<([^>]+)>; rel="next"/.exec(String(first.headers.link));
    assert.ok(next, String(first.headers.link));
    const second = await w.app.call('GET', new URL(next[1]).pathname + new URL(next[1]).search, { token: w.org });
    assert.deepEqual(second.json().map((d: any) => d.id), [ping.id]);

    const detail = await w.app.call('GET', `${base}/${team.id}`, { token: w.org });
    assert.equal(detail.statusCode, 200, detail.body);
    validateResponse('orgs/get-webhook-delivery', 200, detail.json());
    const sent = at(w, 'org', 'team')[0];
    assert.deepEqual(detail.json().request.payload, JSON.parse(sent.body.toString('utf8')));
    assert.equal(detail.json().response.payload, 'ok');
    assert.equal(detail.json().url, w.receiver.url('/org'));

    const redeliver = await w.app.call('POST', `${base}/${team.id}/attempts`, { token: w.org });
    assert.equal(redeliver.statusCode, 202, redeliver.body);
    validateResponse('orgs/redeliver-webhook-delivery', 202, redeliver.json());
    await w.receiver.waitFor(4);
    await w.app.worker!.idle();
    const again = at(w, 'org', 'team')[1];
    assert.equal(again.headers['x-github-delivery'], guid, 'a redelivery keeps the GUID');
    assert.equal(again.headers['x-github-hook-installation-target-type'], 'organization');
    assert.ok(await verify(SECRET, again.body.toString('utf8'), String(again.headers['x-hub-signature-256'])));
    const redelivered = (await w.app.call('GET', `${base}?redelivery=true`, { token: w.org })).json();
    assert.deepEqual(redelivered.map((d: any) => [d.guid, d.redelivery]), [[guid, true]]);

    // Deliveries belong to their hook: another hook's delivery id, or an unknown one, is 404.
    const otherPing = (await w.app.call('GET', `${w.path}/${other.id}/deliveries`, { token: w.org })).json()[0];
    assertError(await w.app.call('GET', `${base}/${otherPing.id}`, { token: w.org }), 404, 'Not Found');
    assertError(await w.app.call('POST', `${base}/${otherPing.id}/attempts`, { token: w.org }), 404, 'Not Found');
    assertError(await w.app.call('GET', `${base}/999999`, { token: w.org }), 404, 'Not Found');
    assertError(await w.app.call('GET', `${base}?cursor=garbage`, { token: w.org }), 400, 'Invalid cursor');
    // …and the repository path does not reach org deliveries.
    assertError(await w.app.call('GET', `/repos/${ORG}/app/hooks/${hook.id}/deliveries`, { token: w.repo }), 404, 'Not Found');
  });
});
