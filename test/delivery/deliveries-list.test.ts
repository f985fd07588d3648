// GET …/deliveries and …/deliveries/{id}: newest first, per_page, cursor pages with Link next/prev,
// filters, and the delivery detail.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { assertError } from '../support/hooks.js';
import { validateResponse, validateSchema } from '../support/openapi.js';
import { allDeliveries, deliveryDetail, deliveryRig, hook, ingest, linkTo } from './fixtures.js';

/** A hook with `count` issues deliveries after its ping; with `failures`, every third (n % 3 === 2) failed with 500. */
async function hookWithHistory(t: TestContext, count: number, failures = true) {
  const rig = await deliveryRig(t);
  const { app, receiver, token, path } = rig;
  const h = await hook(app, token, path, receiver.url('/ok'), { events: ['issues'] });
  await app.worker!.idle();
  const setUrl = async (url: string) => {
    const res = await app.call('PATCH', `${path}/${h.id}/config`, { token, body: { url } });
    assert.equal(res.statusCode, 200, res.body);
  };
  for (let n = 0; n < count; n++) {
    const fail = failures && n % 3 === 2;
    if (fail) {
      // The URL is read when a delivery is claimed: let earlier events go out before switching it.
      await app.worker!.idle();
      await setUrl(receiver.url('/status/500'));
    }
    await ingest(app, { event: 'issues', action: 'opened', repository: 'alice/hello', payload: { n } });
    if (fail) {
      await app.worker!.idle();
      await setUrl(receiver.url('/ok'));
    }
  }
  await app.worker!.idle();
  return { ...rig, h, hookUrl: `${path}/${h.id}` };
}

test('deliveries are listed newest first, 30 by default, at most 100 per page, each valid against the spec', async (t) => {
  const { app, token, hookUrl } = await hookWithHistory(t, 130, false);
  const first = await app.call('GET', `${hookUrl}/deliveries`, { token });
  assert.equal(first.statusCode, 200);
  validateResponse('repos/list-webhook-deliveries', 200, first.json());
  assert.equal(first.json().length, 30);
  const all = await allDeliveries(app, token, hookUrl);
  assert.equal(all.length, 131, '130 events and the ping');
  assert.deepEqual(all.slice(0, 30), first.json());
  const ids = all.map((d) => d.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  assert.equal(all.at(-1).event, 'ping');
  assert.ok(all.every((d, i) => i === 0 || d.delivered_at <= all[i - 1].delivered_at));

  for (const [perPage, expected] of [['100', 100], ['101', 100], ['1000', 100], ['1', 1], ['0', 30], ['x', 30]] as const) {
    const res = await app.call('GET', `${hookUrl}/deliveries?per_page=${perPage}`, { token });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().length, expected, `per_page=${perPage}`);
  }
  for (const item of all) {
    assert.equal(item.guid.length, 36);
    assert.equal(item.installation_id, null);
    assert.equal(typeof item.duration, 'number');
  }
});

test('cursor pages walk every delivery once, forwards with rel="next" and back with rel="prev"', async (t) => {
  const { app, token, hookUrl } = await hookWithHistory(t, 40);
  const everything = (await app.call('GET', `${hookUrl}/deliveries?per_page=100`, { token })).json().map((d: any) => d.id);
  assert.equal(everything.length, 41);

  const pages: number[][] = [];
  let url: string | null = `${hookUrl}/deliveries?per_page=6`;
  let last: { link: unknown } = { link: undefined };
  while (url) {
    const res = await app.call('GET', url, { token });
    assert.equal(res.statusCode, 200, res.body);
    validateResponse('repos/list-webhook-deliveries', 200, res.json());
    pages.push(res.json().map((d: any) => d.id));
    if (pages.length === 1) assert.equal(linkTo(res.headers.link, 'prev'), null, 'the first page has no prev');
    else assert.ok(linkTo(res.headers.link, 'prev'), `page ${pages.length} has a prev link`);
    const link = String(res.headers.link ?? '');
    if (link) assert.match(link, /^<http:\/\/hookline\.test\/repos\/alice\/hello\/hooks\/\d+\/deliveries\?per_page=6&cursor=[^>]+>; rel="(next|prev)"/);
    last = { link: res.headers.link };
    url = linkTo(res.headers.link, 'next');
    assert.ok(pages.length <= 10, 'the walk ends');
  }
  assert.deepEqual(pages.map((p) => p.length), [6, 6, 6, 6, 6, 6, 5]);
  assert.deepEqual(pages.flat(), everything, 'no duplicates, no gaps, newest first');

  // From the last page back to the first through rel="prev".
  const back: number[][] = [];
  let prev = linkTo(last.link, 'prev');
  while (prev) {
    const res = await app.call('GET', prev, { token });
    assert.equal(res.statusCode, 200, res.body);
    back.push(res.json().map((d: any) => d.id));
    prev = linkTo(res.headers.link, 'prev');
    assert.ok(back.length <= 10, 'the walk back ends');
  }
  assert.deepEqual(back.reverse(), pages.slice(0, -1));

  // New deliveries do not shift a walk already under way.
  const second = linkTo((await app.call('GET', `${hookUrl}/deliveries?per_page=6`, { token })).headers.link, 'next')!;
  await ingest(app, { event: 'issues', repository: 'alice/hello', payload: {} });
  await app.worker!.idle();
  assert.deepEqual((await app.call('GET', second, { token })).json().map((d: any) => d.id), pages[1]);
  // Served under /api/v3 too, with links that stay there.
  const v3 = await app.call('GET', `/api/v3${hookUrl}/deliveries?per_page=6`, { token });
  assert.match(linkTo(v3.headers.link, 'next')!, /^\/api\/v3\/repos\//);
});

test('a garbage cursor is a 400; unknown filter values are a 422', async (t) => {
  const { app, token, hookUrl } = await hookWithHistory(t, 2);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  for (const cursor of ['garbage', '%00%01', b64({}), b64({ before: -1 }), b64({ before: 1, after: 2 }), b64({ before: 'x' }), b64([1]), b64(null), b64(1.5)]) {
    assertError(await app.call('GET', `${hookUrl}/deliveries?cursor=${cursor}`, { token }), 400, /cursor/i);
  }
  assertError(await app.call('GET', `${hookUrl}/deliveries?status=ok`, { token }), 422, /status/);
  assertError(await app.call('GET', `${hookUrl}/deliveries?redelivery=yes`, { token }), 422, /redelivery/);
});

test('a hook that is not there, or not in the path\'s repository, lists nothing: 404 whatever the query', async (t) => {
  const { app, token, path, hookUrl, h } = await hookWithHistory(t, 2);
  assert.equal((await app.call('POST', '/user/repos', { token, body: { name: 'other' } })).statusCode, 201);
  const elsewhere = `${path.replace(/hello/, 'other')}/${h.id}`;
  for (const url of [hookUrl.replace(/\d+$/, '999999'), hookUrl.replace(/\d+$/, '99999999999999999999'), elsewhere]) {
    for (const query of ['', '?per_page=100', '?status=ok', '?redelivery=yes', '?cursor=garbage']) {
      assertError(await app.call('GET', `${url}/deliveries${query}`, { token }), 404, 'Not Found');
    }
  }
});

test('status=success|failure and redelivery=true|false filter, and filters survive paging', async (t) => {
  const { app, token, hookUrl } = await hookWithHistory(t, 12);
  const all = await allDeliveries(app, token, hookUrl);
  assert.equal(all.length, 13);
  const failed = all.filter((d) => d.status_code === 500);
  assert.equal(failed.length, 4);
  for (const d of failed) assert.equal(d.status, 'Invalid HTTP Response: 500');

  const success = await allDeliveries(app, token, hookUrl, '&status=success');
  assert.deepEqual(success.map((d) => d.id), all.filter((d) => d.status_code === 200).map((d) => d.id));
  const failure = await allDeliveries(app, token, hookUrl, '&status=failure');
  assert.deepEqual(failure.map((d) => d.id), failed.map((d) => d.id));

  // Redeliver two failures, then page through the filters two at a time.
  for (const d of failed.slice(0, 2)) {
    assert.equal((await app.call('POST', `${hookUrl}/deliveries/${d.id}/attempts`, { token })).statusCode, 202);
  }
  await app.worker!.idle();
  const walk = async (query: string) => {
    const ids: number[] = [];
    let url: string | null = `${hookUrl}/deliveries?per_page=2${query}`;
    while (url) {
      const res = await app.call('GET', url, { token });
      assert.equal(res.statusCode, 200, res.body);
      ids.push(...res.json().map((d: any) => d.id));
      const next = linkTo(res.headers.link, 'next');
      if (next) assert.match(next, new RegExp(query.replace('&', '[?&]')));
      url = next;
    }
    return ids;
  };
  const now = await allDeliveries(app, token, hookUrl);
  assert.equal(now.length, 15);
  assert.deepEqual(await walk('&redelivery=true'), now.filter((d) => d.redelivery).map((d) => d.id));
  assert.equal(now.filter((d) => d.redelivery).length, 2);
  assert.deepEqual(await walk('&redelivery=false'), now.filter((d) => !d.redelivery).map((d) => d.id));
  assert.deepEqual(await walk('&status=success'), now.filter((d) => d.status_code < 400).map((d) => d.id));
  assert.deepEqual(await walk('&status=failure&redelivery=false'), failed.map((d) => d.id));
});

test('a delivery in detail: url, request headers and parsed payload, response headers and body', async (t) => {
  const { app, token, path, hookUrl, h, receiver } = await hookWithHistory(t, 3);
  const [latest] = await allDeliveries(app, token, hookUrl);
  const detail = await deliveryDetail(app, token, hookUrl, latest.id);
  validateResponse('repos/get-webhook-delivery', 200, detail);
  validateSchema('hook-delivery', detail);
  assert.equal(detail.url, receiver.url('/status/500'));
  assert.equal(detail.status, 'Invalid HTTP Response: 500');
  assert.equal(detail.request.payload.n, 2);
  assert.equal(detail.request.headers['X-GitHub-Event'], 'issues');
  assert.equal(detail.request.headers['X-GitHub-Hook-ID'], String(h.id));
  assert.equal(detail.response.payload, 'status 500');
  assert.equal(typeof detail.response.headers, 'object');

  assertError(await app.call('GET', `${hookUrl}/deliveries/999999`, { token }), 404, 'Not Found');
  assertError(await app.call('GET', `${hookUrl}/deliveries/abc`, { token }), 404, 'Not Found');
  // A delivery of one hook is not visible through another hook.
  const other = await hook(app, token, path, receiver.url('/ok'), { events: ['push'] });
  assertError(await app.call('GET', `${path}/${other.id}/deliveries/${latest.id}`, { token }), 404, 'Not Found');
  assertError(await app.call('POST', `${path}/${other.id}/deliveries/${latest.id}/attempts`, { token }), 404, 'Not Found');
  // Nor to someone who does not administer the repository.
  const stranger = await app.user('mallory', ['repo']);
  assertError(await app.call('GET', `${hookUrl}/deliveries`, { token: stranger }), 404, 'Not Found');
  assertError(await app.call('GET', `${hookUrl}/deliveries/${latest.id}`, { token: stranger }), 404, 'Not Found');
});
