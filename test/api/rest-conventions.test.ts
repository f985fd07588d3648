// GitHub's REST conventions: /api/v3, pagination, names, API versions, request ids, ETags, limits, 404s.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ADMIN_TOKEN } from '../support/app.js';
import { appFor, assertError, createHook, ownedRepo, target } from '../support/hooks.js';

/** Parses a Link header into {rel: url}. */
function links(header: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([a-z]+)"/.exec(part);
    if (m) out[m[2]] = m[1];
  }
  return out;
}

test('every endpoint is also served under /api/v3', async (t) => {
  const { app } = await appFor(t);
  assert.equal((await app.call('POST', '/api/v3/admin/users', { body: { login: 'alice' } })).statusCode, 201);
  const auth = await app.call('POST', '/api/v3/admin/users/alice/authorizations', { body: { scopes: ['repo'] } });
  assert.equal(auth.statusCode, 201);
  const token = auth.json().token;
  assert.equal((await app.call('POST', '/api/v3/user/repos', { token, body: { name: 'Hello' } })).statusCode, 201);
  const path = '/api/v3/repos/alice/Hello/hooks';
  const created = await app.call('POST', path, { token, body: { config: { url: target() } } });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  assert.equal((await app.call('GET', path, { token })).json().length, 1);
  assert.equal((await app.call('GET', `${path}/${id}`, { token })).statusCode, 200);
  assert.equal((await app.call('GET', `${path}/${id}/config`, { token })).statusCode, 200);
  assert.equal((await app.call('PATCH', `${path}/${id}`, { token, body: { add_events: ['issues'] } })).statusCode, 200);
  assert.equal((await app.call('PATCH', `${path}/${id}/config`, { token, body: { content_type: 'json' } })).statusCode, 200);
  assert.equal((await app.call('DELETE', `${path}/${id}`, { token })).statusCode, 204);
  assert.equal((await app.call('GET', '/api/v3/healthz', { token: null })).statusCode, 200);
  assertError(await app.call('GET', `${path}/${id}`, { token }), 404, 'Not Found');
});

describe('pagination', () => {
  test('page and per_page with first/prev/next/last links that keep per_page', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createHook(app, token, path, { config: { url: target(i) } })).id);

    const single = await app.call('GET', path, { token });
    assert.deepEqual(single.json().map((h: any) => h.id), ids, 'oldest first');
    assert.equal(single.headers.link, undefined, 'no Link when everything fits on one page');

    const base = `http://hookline.test${path}`;
    const p1 = await app.call('GET', `${path}?per_page=2`, { token });
    assert.deepEqual(p1.json().map((h: any) => h.id), ids.slice(0, 2));
    assert.deepEqual(links(p1.headers.link), {
      next: `${base}?per_page=2&page=2`, last: `${base}?per_page=2&page=3`, first: `${base}?per_page=2&page=1`,
    });
    const p2 = await app.call('GET', `${path}?per_page=2&page=2`, { token });
    assert.deepEqual(p2.json().map((h: any) => h.id), ids.slice(2, 4));
    assert.deepEqual(links(p2.headers.link), {
      prev: `${base}?per_page=2&page=1`, next: `${base}?per_page=2&page=3`,
      last: `${base}?per_page=2&page=3`, first: `${base}?per_page=2&page=1`,
    });
    const p3 = await app.call('GET', `${path}?page=3&per_page=2`, { token });
    assert.deepEqual(p3.json().map((h: any) => h.id), ids.slice(4));
    const l3 = links(p3.headers.link);
    assert.equal(l3.next, undefined);
    assert.equal(l3.prev, `${base}?page=2&per_page=2`);
    assert.deepEqual((await app.call('GET', `${path}?per_page=2&page=4`, { token })).json(), []);
    // Links follow the prefix the client used.
    assert.match(links((await app.call('GET', `/api/v3${path}?per_page=2`, { token })).headers.link).next, /\/api\/v3\/repos\/alice\/Hello\/hooks\?/);
  });

  test('links keep the public URL\'s path (a proxy in front may strip it) and the client\'s /api/v3', async (t) => {
    for (const [publicUrl, requested, expected] of [
      ['https://ghe.example/hookline', '/repos/alice/Hello/hooks', 'https://ghe.example/hookline/repos/alice/Hello/hooks'],
      ['https://ghe.example/hookline/', '/api/v3/repos/alice/Hello/hooks', 'https://ghe.example/hookline/api/v3/repos/alice/Hello/hooks'],
      ['https://ghe.example/api/v3', '/api/v3/repos/alice/Hello/hooks', 'https://ghe.example/api/v3/repos/alice/Hello/hooks'],
      ['https://ghe.example/api/v3', '/repos/alice/Hello/hooks', 'https://ghe.example/api/v3/repos/alice/Hello/hooks'],
    ]) {
      const { app, token, path } = await ownedRepo(t, { HOOKLINE_PUBLIC_URL: publicUrl });
      for (let i = 0; i < 3; i++) await createHook(app, token, path, { config: { url: target(i) } });
      const res = await app.call('GET', `${requested}?per_page=2`, { token });
      assert.equal(links(res.headers.link).next, `${expected}?per_page=2&page=2`, `${publicUrl} ${requested}`);
    }
  });

  test('per_page defaults to 30 and values over 100 are clamped to 100', async (t) => {
    const { app, token, path } = await ownedRepo(t, { HOOKLINE_MAX_HOOKS_PER_EVENT: '1000' });
    for (let i = 0; i < 101; i++) await createHook(app, token, path, { config: { url: target(i) } });
    const byDefault = await app.call('GET', path, { token });
    assert.equal(byDefault.json().length, 30);
    assert.match(links(byDefault.headers.link).last, /per_page=30&page=4$/);
    const clamped = await app.call('GET', `${path}?per_page=500`, { token });
    assert.equal(clamped.json().length, 100);
    const l = links(clamped.headers.link);
    assert.match(l.next, /per_page=100&page=2$/);
    assert.match(l.last, /per_page=100&page=2$/);
    assert.equal((await app.call('GET', l.next.replace('http://hookline.test', ''), { token })).json().length, 1);
  });
});

test('owner and repository names are case-insensitive; responses use the canonical casing', async (t) => {
  const { app, token } = await ownedRepo(t);
  const created = await app.call('POST', '/repos/ALICE/hello/hooks', { token, body: { config: { url: target() } } });
  assert.equal(created.statusCode, 201, created.body);
  const hook = created.json();
  assert.equal(hook.url, `http://hookline.test/repos/alice/Hello/hooks/${hook.id}`);
  assert.equal(created.headers.location, hook.url);
  assert.equal(hook.ping_url, `http://hookline.test/repos/alice/Hello/hooks/${hook.id}/pings`);
  for (const path of ['/repos/Alice/HELLO/hooks', '/repos/alice/hello/hooks', '/api/v3/repos/aLiCe/hElLo/hooks']) {
    const res = await app.call('GET', `${path}/${hook.id}`, { token });
    assert.equal(res.statusCode, 200, path);
    assert.equal(res.json().url, hook.url);
  }
});

describe('API versions', () => {
  test('without the header 2022-11-28 is selected; asking for it echoes it', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const plain = await app.call('GET', path, { token });
    assert.equal(plain.headers['x-github-api-version-selected'], '2022-11-28');
    const asked = await app.call('GET', path, { token, headers: { 'X-GitHub-Api-Version': '2022-11-28' } });
    assert.equal(asked.statusCode, 200);
    assert.equal(asked.headers['x-github-api-version-selected'], '2022-11-28');
  });

  test('an unsupported version is 400 with GitHub\'s message, before anything else happens', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    for (const version of ['v3', '2021-01-01']) {
      const res = await app.call('POST', path, { token, headers: { 'X-GitHub-Api-Version': version }, body: { config: { url: target() } } });
      assertError(
        res, 400,
        `The version you specified in the "X-GitHub-API-Version" request header, "${version}", is not a supported version. ` +
          'The following versions are currently supported: "2022-11-28" (most recent).',
      );
    }
    assertError(await app.call('GET', path, { token: null, headers: { 'X-GitHub-Api-Version': 'v3' } }), 400, /is not a supported version/);
    assert.deepEqual((await app.call('GET', path, { token })).json(), []);
  });
});

test('every response carries an X-GitHub-Request-Id in GitHub\'s format, unique per request', async (t) => {
  const { app, token, path } = await ownedRepo(t);
  const seen = new Set<string>();
  for (const res of [
    await app.call('GET', path, { token }),
    await app.call('GET', path, { token: null }),
    await app.call('POST', path, { token, body: '{' }),
    await app.call('GET', '/no/such/path', { token }),
    await app.call('GET', '/healthz', { token: null }),
  ]) {
    const id = String(res.headers['x-github-request-id']);
    assert.match(id, /^[0-9A-F]+(:[0-9A-F]+){4}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 5);
});

test('GETs carry an ETag; a matching If-None-Match is 304 with no body', async (t) => {
  const { app, token, path } = await ownedRepo(t);
  const hook = await createHook(app, token, path, { config: { url: target() } });
  for (const url of [path, `${path}/${hook.id}`, `${path}/${hook.id}/config`]) {
    const first = await app.call('GET', url, { token });
    const etag = String(first.headers.etag);
    assert.match(etag, /^(W\/)?"[^"]+"$/);
    const again = await app.call('GET', url, { token, headers: { 'If-None-Match': etag } });
    assert.equal(again.statusCode, 304, url);
    assert.equal(again.body, '');
    const other = await app.call('GET', url, { token, headers: { 'If-None-Match': '"something-else"' } });
    assert.equal(other.statusCode, 200);
  }
  const etag = String((await app.call('GET', `${path}/${hook.id}`, { token })).headers.etag);
  await app.call('PATCH', `${path}/${hook.id}`, { token, body: { active: false } });
  const changed = await app.call('GET', `${path}/${hook.id}`, { token, headers: { 'If-None-Match': etag } });
  assert.equal(changed.statusCode, 200);
  assert.notEqual(changed.headers.etag, etag);
});

describe('request body limit', () => {
  test('a body over HOOKLINE_BODY_LIMIT_BYTES is 413 and creates nothing', async (t) => {
    const { app, token, path } = await ownedRepo(t, { HOOKLINE_BODY_LIMIT_BYTES: '1024' });
    const small = await app.call('POST', path, { token, body: { config: { url: target(), secret: 'x'.repeat(800) } } });
    assert.equal(small.statusCode, 201, small.body);
    const big = await app.call('POST', path, { token, body: { events: ['issues'], config: { url: target(2), secret: 'x'.repeat(1100) } } });
    assertError(big, 413, /too large/i);
    assert.equal((await app.call('GET', path, { token })).json().length, 1);
  });

  test('the default limit is 1 MiB', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    // Filled with repeated event names: a secret that long is refused on its own (4 KiB cap).
    const filled = (bytes: number) => JSON.stringify({ config: { url: target() }, events: Array(Math.floor(bytes / 7)).fill('push') });
    const over = filled(1024 * 1024 + 100);
    assertError(await app.call('POST', path, { token, body: over }), 413, /too large/i);
    // Padded with JSON whitespace: config strings have their own (much smaller) limits.
    const under = JSON.stringify({ config: { url: target(), secret: 'x' } }).padEnd(1024 * 1024 - 200, ' ');
    assert.equal((await app.call('POST', path, { token, body: under })).statusCode, 201);
  });
});

test('GET /healthz answers 200 without authentication', async (t) => {
  const { app } = await appFor(t);
  const res = await app.call('GET', '/healthz', { token: null });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
});

test('unknown paths, unsupported methods and trailing slashes are GitHub-shaped 404s', async (t) => {
  const { app, token, path } = await ownedRepo(t);
  const hook = await createHook(app, token, path, { config: { url: target() } });
  const urls: Array<[string, string]> = [
    ['GET', '/no/such/path'], ['GET', '/api/v3/no/such/path'], ['PUT', path], ['GET', `${path}/${hook.id}/`],
    ['GET', `${path}/${hook.id}/config/`], ['POST', '/healthz'],
  ];
  for (const [method, url] of urls) {
    for (const as of [token, ADMIN_TOKEN, null]) {
      const body = assertError(await app.call(method, url, { token: as }), 404, 'Not Found');
      assert.deepEqual(Object.keys(body).sort(), ['documentation_url', 'message', 'status'], `${method} ${url}`);
    }
  }
  // `…/hooks/` matches the hook route with an empty id: 404 for an authenticated caller.
  assertError(await app.call('GET', `${path}/`, { token }), 404, 'Not Found');
  // A bad token is still refused on an unknown path.
  assertError(await app.call('GET', '/no/such/path', { token: 'bogus' }), 401, 'Bad credentials');
});
