// The `meta` event: deleting a webhook sends `meta` (action `deleted`) to that webhook's URL, signed with
// its secret, when it subscribed to `meta` or `*`; `sender` is who deleted it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verify } from '@octokit/webhooks-methods';
import { arrivals, deliveryRig, hook } from './fixtures.js';

test('deleting a hook that subscribed to meta (or *) sends it the meta event; others get nothing', async (t) => {
  const rig = await deliveryRig(t);
  const meta = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/ok?meta'), { events: ['meta'], config: { secret: 'meta secret' } });
  const star = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/ok?star'), { events: ['*'], config: { content_type: 'form' } });
  const push = await hook(rig.app, rig.token, rig.path, rig.receiver.url('/ok?push'), { events: ['push'] });
  await rig.receiver.waitFor(3); // their pings
  for (const h of [meta, star, push]) assert.equal((await rig.app.call('DELETE', `${rig.path}/${h.id}`, { token: rig.token })).statusCode, 204);

  const got = await arrivals(rig.receiver, (r) => r.headers['x-github-event'] === 'meta', 2);
  const toMeta = got.find((r) => r.path === '/ok?meta')!;
  const body = toMeta.body.toString();
  assert.ok(await verify('meta secret', body, String(toMeta.headers['x-hub-signature-256'])), "signed with the deleted hook's secret");
  assert.equal(toMeta.headers['x-github-hook-id'], String(meta.id));
  const payload = JSON.parse(body);
  assert.equal(payload.action, 'deleted');
  assert.equal(payload.hook_id, meta.id);
  assert.deepEqual(
    { id: payload.hook.id, type: payload.hook.type, events: payload.hook.events, url: payload.hook.config.url, secret: payload.hook.config.secret },
    { id: meta.id, type: 'Repository', events: ['meta'], url: rig.receiver.url('/ok?meta'), secret: '********' },
  );
  assert.equal(payload.repository.full_name, 'alice/hello');
  assert.equal(payload.sender.login, 'alice');
  const toStar = got.find((r) => r.path === '/ok?star')!;
  assert.match(toStar.body.toString(), /^payload=/, "the deleted hook's content type");

  // Give a stray request time to arrive through the same path: another hook's ping goes out after the deletes.
  await hook(rig.app, rig.token, rig.path, rig.receiver.url('/ok?last'));
  await arrivals(rig.receiver, (r) => r.path === '/ok?last', 1);
  assert.equal(rig.receiver.received.filter((r) => r.path === '/ok?push').length, 1, 'only its ping: it did not subscribe to meta');
});
