// A settings form that fails validation changes nothing: the URL, content type and secret are not
// saved when the events or the active box are refused, and the other way round.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivals, byEvent, deliveryRig, hook } from '../delivery/fixtures.js';
import { DashboardClient } from './client.js';

test('a settings form with a valid URL but unknown events is refused whole: the URL stays', async (t) => {
  const { app, receiver, token, path } = await deliveryRig(t);
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  await arrivals(receiver, byEvent('ping'), 1);
  const browser = new DashboardClient(app);
  await browser.signIn(token);
  const page = `/dashboard/repos/alice/hello/hooks/${h.id}`;

  const bad = await browser.post(page, { url: receiver.url('/moved'), content_type: 'form', secret: 'new', events: 'push, not_an_event', active: '1' }, { from: page });
  assert.equal(bad.status, 422, bad.body);
  assert.match(bad.body, /role="alert"/);
  const after = (await app.call('GET', `${path}/${h.id}`, { token })).json();
  assert.equal(after.config.url, receiver.url('/ok'), 'the URL is not saved');
  assert.equal(after.config.content_type, 'json', 'the content type is not saved');
  assert.equal(after.config.secret, undefined, 'no secret is set');
  assert.deepEqual(after.events, ['push']);

  // Both halves saved together when both are valid; an empty secret field keeps the secret.
  const ok = await browser.post(page, { url: receiver.url('/moved'), content_type: 'form', secret: 'new', events: 'issues', active: '1' }, { from: page });
  assert.equal(ok.status, 303, ok.body);
  const kept = await browser.post(page, { url: receiver.url('/moved'), content_type: 'form', events: 'issues' }, { from: page });
  assert.equal(kept.status, 303, kept.body);
  const saved = (await app.call('GET', `${path}/${h.id}`, { token })).json();
  assert.equal(saved.config.url, receiver.url('/moved'));
  assert.equal(saved.config.secret, '********');
  assert.deepEqual(saved.events, ['issues']);
  assert.equal(saved.active, false);
});
