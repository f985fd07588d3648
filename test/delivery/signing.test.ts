// What goes on the wire: json and form bodies, signatures over the exact bytes, GitHub's headers, and
// the request recorded exactly as it was sent.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { verify } from '@octokit/webhooks-methods';
import type { Received } from '../support/receiver.js';
import { arrivals, byEvent, deliveryDetail, deliveryRig, hook, ingest, allDeliveries } from './fixtures.js';

const SECRET = "It's a Secret to Everybody";
// Characters a form encoder must escape, plus multi-byte UTF-8.
const TRICKY = { title: 'a&b=c+d e%f/g?h#i', body: 'naïve café — 日本語 🚀', quote: '"\\\n\t' };

const hmac = (algo: 'sha1' | 'sha256', secret: string, bytes: Buffer) => `${algo}=${createHmac(algo, secret).update(bytes).digest('hex')}`;

/** Asserts the headers GitHub sends with every delivery. */
function assertGitHubHeaders(r: Received, expect: { event: string; guid: string; hookId: number; targetType: string; targetId: number; contentType: string }) {
  assert.equal(r.method, 'POST');
  assert.equal(r.headers['x-github-event'], expect.event);
  assert.equal(r.headers['x-github-delivery'], expect.guid);
  assert.equal(r.headers['x-github-hook-id'], String(expect.hookId));
  assert.equal(r.headers['x-github-hook-installation-target-type'], expect.targetType);
  assert.equal(r.headers['x-github-hook-installation-target-id'], String(expect.targetId));
  assert.match(String(r.headers['user-agent']), /^GitHub-Hookshot\/[0-9a-f]{7}$/);
  assert.equal(r.headers['content-type'], expect.contentType);
  assert.equal(r.headers.accept, '*/*');
  assert.equal(r.headers['content-length'], String(r.body.length));
}

test('a form hook gets payload=<urlencoded JSON>, signed over the raw form bytes', async (t) => {
  const { app, receiver, token, repo, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/form'), { config: { content_type: 'form', secret: SECRET }, events: ['issues'] });
  const { guid } = await ingest(app, { event: 'issues', action: 'edited', repository: 'alice/hello', sender: 'alice', payload: { issue: TRICKY } });
  const [r] = await arrivals(receiver, byEvent('issues', h.id), 1);

  assertGitHubHeaders(r, { event: 'issues', guid, hookId: h.id, targetType: 'repository', targetId: repo.id, contentType: 'application/x-www-form-urlencoded' });
  const raw = r.body.toString('utf8');
  assert.match(raw, /^payload=[^&]+$/, 'one form field named payload, every & inside it escaped');
  const form = new URLSearchParams(raw);
  assert.deepEqual([...form.keys()], ['payload']);
  const payload = JSON.parse(form.get('payload')!);
  assert.deepEqual(payload.issue, TRICKY);
  assert.equal(payload.action, 'edited');
  assert.equal(payload.repository.full_name, 'alice/hello');

  // The MAC covers the whole form body, byte for byte, not the JSON inside it.
  assert.equal(r.headers['x-hub-signature-256'], hmac('sha256', SECRET, r.body));
  assert.equal(r.headers['x-hub-signature'], hmac('sha1', SECRET, r.body));
  assert.equal(await verify(SECRET, form.get('payload')!, String(r.headers['x-hub-signature-256'])), false);

  // The log records the same headers, and the payload as the parsed JSON object.
  await app.worker!.idle();
  const [item] = (await allDeliveries(app, token, `${path}/${h.id}`)).filter((d) => d.guid === guid);
  const detail = await deliveryDetail(app, token, `${path}/${h.id}`, item.id);
  assert.deepEqual(detail.request.payload, payload);
  assert.equal(detail.request.headers['Content-Type'], 'application/x-www-form-urlencoded');
  assert.equal(detail.request.headers['X-Hub-Signature-256'], r.headers['x-hub-signature-256']);
  assert.equal(detail.request.headers['X-GitHub-Delivery'], guid);
  assert.equal(detail.url, receiver.url('/form'));
});

test('a json hook gets the raw JSON, verifiable with @octokit/webhooks-methods', async (t) => {
  const { app, receiver, token, repo, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/json'), { config: { content_type: 'json', secret: SECRET }, events: ['issues'] });
  const { guid } = await ingest(app, { event: 'issues', action: 'edited', repository: 'alice/hello', payload: { issue: TRICKY } });
  const [r] = await arrivals(receiver, byEvent('issues', h.id), 1);

  assertGitHubHeaders(r, { event: 'issues', guid, hookId: h.id, targetType: 'repository', targetId: repo.id, contentType: 'application/json' });
  const text = r.body.toString('utf8');
  assert.ok(await verify(SECRET, text, String(r.headers['x-hub-signature-256'])));
  assert.equal(await verify('not the secret', text, String(r.headers['x-hub-signature-256'])), false);
  assert.equal(r.headers['x-hub-signature'], hmac('sha1', SECRET, r.body));
  assert.deepEqual(JSON.parse(text).issue, TRICKY);

  await app.worker!.idle();
  const [item] = (await allDeliveries(app, token, `${path}/${h.id}`)).filter((d) => d.guid === guid);
  const detail = await deliveryDetail(app, token, `${path}/${h.id}`, item.id);
  assert.deepEqual(detail.request.payload, JSON.parse(text));
  const sent = Object.fromEntries(Object.entries(detail.request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const name of ['x-github-delivery', 'x-github-event', 'x-github-hook-id', 'x-hub-signature', 'x-hub-signature-256', 'user-agent', 'accept', 'content-type',
    'x-github-hook-installation-target-id', 'x-github-hook-installation-target-type']) {
    assert.equal(sent[name], r.headers[name], name);
  }
});

test('a large payload fanned out to several hooks (past what is signed on the event loop) is signed per hook over its own bytes', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const secrets = [SECRET, 'second secret', 'третий'];
  const hooks = await Promise.all(secrets.map((secret, i) =>
    hook(app, token, path, receiver.url(`/big/${i}`), { config: { content_type: i === 1 ? 'form' : 'json', secret }, events: ['issues'] })));
  // ~150 KB with multi-byte characters, to three hooks: past signer.ts's INLINE_MAX_BYTES.
  const text = `${TRICKY.body} `.repeat(5_000);
  await ingest(app, { event: 'issues', action: 'edited', repository: 'alice/hello', payload: { issue: { ...TRICKY, body: text } } });
  for (const [i, h] of hooks.entries()) {
    const [r] = await arrivals(receiver, byEvent('issues', h.id), 1);
    assert.ok(r.body.length > 100_000);
    assert.equal(r.headers['x-hub-signature-256'], hmac('sha256', secrets[i], r.body), `hook ${i}`);
    assert.equal(r.headers['x-hub-signature'], hmac('sha1', secrets[i], r.body), `hook ${i}`);
  }
});

test('without a secret no signature headers are sent; the ping is signed like any delivery', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const plain = await hook(app, token, path, receiver.url('/plain'), { events: ['push'] });
  const signed = await hook(app, token, path, receiver.url('/signed'), { config: { secret: SECRET }, events: ['push'] });
  const [ping] = await arrivals(receiver, byEvent('ping', signed.id), 1);
  assert.ok(await verify(SECRET, ping.body.toString(), String(ping.headers['x-hub-signature-256'])));
  await ingest(app, { event: 'push', repository: 'alice/hello', payload: { ref: 'refs/heads/main' } });
  const [r] = await arrivals(receiver, byEvent('push', plain.id), 1);
  assert.equal(r.headers['x-hub-signature'], undefined);
  assert.equal(r.headers['x-hub-signature-256'], undefined);
  const [s] = await arrivals(receiver, byEvent('push', signed.id), 1);
  assert.equal(s.body.toString(), r.body.toString(), 'both hooks receive the same bytes');
  assert.ok(await verify(SECRET, s.body.toString(), String(s.headers['x-hub-signature-256'])));
});

test('an organization hook is addressed to its organization and sends its credentials, masked in the log', async (t) => {
  const { app, receiver } = await deliveryRig(t);
  const alice = await app.user('alice', ['repo', 'admin:org_hook']);
  const org = (await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } })).json();
  await app.repo(alice, 'widgets', 'acme');
  const h = await hook(app, alice, '/orgs/acme/hooks', receiver.url('/org'), {
    config: { content_type: 'form', secret: SECRET, username: 'hook-user', password: 'p@ss:word' }, events: ['issues'],
  });
  const [ping] = await arrivals(receiver, byEvent('ping', h.id), 1);
  assert.equal(ping.headers['content-type'], 'application/x-www-form-urlencoded');
  const { guid } = await ingest(app, { event: 'issues', repository: 'acme/widgets', payload: {} });
  const [r] = await arrivals(receiver, byEvent('issues', h.id), 1);
  assertGitHubHeaders(r, { event: 'issues', guid, hookId: h.id, targetType: 'organization', targetId: org.id, contentType: 'application/x-www-form-urlencoded' });
  assert.equal(r.headers.authorization, `Basic ${Buffer.from('hook-user:p@ss:word').toString('base64')}`);
  assert.equal(r.headers['x-hub-signature-256'], hmac('sha256', SECRET, r.body));

  await app.worker!.idle();
  const [item] = (await allDeliveries(app, alice, `/orgs/acme/hooks/${h.id}`)).filter((d) => d.guid === guid);
  const detail = await deliveryDetail(app, alice, `/orgs/acme/hooks/${h.id}`, item.id);
  assert.equal(detail.request.headers.Authorization, 'Basic ********');
  assert.doesNotMatch(JSON.stringify(detail), /p@ss|aG9vay11c2Vy/);
});
