// Organization webhooks O1–O7 through app.inject(): shapes, defaults, GitHub's org rules and PATCH
// semantics. Access rules and credentials are in org-hooks-access.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allHooks, assertError, assertValidation, createHook, target } from '../support/hooks.js';
import { validateResponse } from '../support/openapi.js';
import { ORG, ownedOrg } from '../support/orgs.js';

const BASE = `http://hookline.test/orgs/${ORG}/hooks`;

describe('POST /orgs/{org}/hooks (O2)', () => {
  test('defaults and the org-hook shape: no test_url, no last_response, canonical casing in urls', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const res = await app.call('POST', path, { token, body: { name: 'web', config: { url: target() } } });
    assert.equal(res.statusCode, 201, res.body);
    const hook = res.json();
    validateResponse('orgs/create-webhook', 201, hook);
    assert.deepEqual(hook, {
      type: 'Organization',
      id: hook.id,
      name: 'web',
      active: true,
      events: ['push'],
      config: { content_type: 'form', insecure_ssl: '0', url: target() },
      updated_at: '2026-01-02T03:04:05Z',
      created_at: '2026-01-02T03:04:05Z',
      url: `${BASE}/${hook.id}`,
      ping_url: `${BASE}/${hook.id}/pings`,
      deliveries_url: `${BASE}/${hook.id}/deliveries`,
    });
    assert.equal(res.headers.location, hook.url);
    assert.equal(res.headers['x-accepted-oauth-scopes'], 'admin:org_hook');
  });

  test('explicit fields are kept; insecure_ssl as a number comes back as a string', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, {
      name: 'web', active: false, events: ['push', 'pull_request'],
      config: { url: target(), content_type: 'json', insecure_ssl: 1, secret: 'topsecret' },
    });
    assert.equal(hook.active, false);
    assert.deepEqual(hook.events, ['pull_request', 'push']);
    assert.deepEqual(hook.config, { content_type: 'json', insecure_ssl: '1', secret: '********', url: target() });
  });

  test('organization-level event names are accepted, sorted; "*" replaces the others', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, {
      name: 'web', events: ['team', 'organization', 'push', 'membership', 'member'], config: { url: target(1) },
    });
    assert.deepEqual(hook.events, ['member', 'membership', 'organization', 'push', 'team']);
    const star = await createHook(app, token, path, { name: 'web', events: ['organization', '*'], config: { url: target(2) } });
    assert.deepEqual(star.events, ['*']);
  });

  test('organization-level events are refused on a repository hook of the same organization', async (t) => {
    const { app } = await ownedOrg(t);
    const repoToken = await app.user('alice', ['repo']);
    await app.repo(repoToken, 'app', ORG);
    assertValidation(
      await app.call('POST', `/repos/${ORG}/app/hooks`, { token: repoToken, body: { events: ['organization', 'team'], config: { url: target() } } }),
      ['"organization" is not a valid event name', '"team" is not a valid event name'],
    );
  });

  test('name, config and config.url are required; name must be "web"', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    assertError(await app.call('POST', path, { token, body: { config: { url: target() } } }), 422, /^Invalid request\.\n\n"name" wasn't supplied\./);
    assertError(await app.call('POST', path, { token, body: { name: 'web' } }), 422, /^Invalid request\.\n\n"config" wasn't supplied\./);
    assertError(await app.call('POST', path, { token, body: { name: 'web', config: { content_type: 'json' } } }), 422, /^Invalid request\.\n\n"url" wasn't supplied\./);
    assertError(await app.call('POST', path, { token, body: { name: 'web', config: {}, events: 'push' } }), 422, /^Invalid request\./);
    const bad = assertError(await app.call('POST', path, { token, body: { name: 'email', config: { url: target() } } }), 422, 'Validation Failed');
    assert.deepEqual(bad.errors, [{ resource: 'Hook', code: 'invalid', field: 'name' }]);
    assertError(await app.call('POST', path, { token }), 400, 'Body should be a JSON object');
    assertError(await app.call('POST', path, { token, body: '[1]' }), 400, 'Body should be a JSON object');
    assertError(await app.call('POST', path, { token, body: '{"name":' }), 400, 'Problems parsing JSON');
    assert.deepEqual(await allHooks(app, token, path), []);
  });

  test('unknown event names, empty events, bad and private urls, bad content_type are 422 and create nothing', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const errors = assertValidation(
      await app.call('POST', path, { token, body: { name: 'web', events: ['push', 'bogus', 'installation'], config: { url: target() } } }),
      ['"bogus" is not a valid event name', '"installation" is not a valid event name'],
    );
    assert.ok(errors.every((e: any) => e.field === 'events' && e.code === 'invalid'));
    assertValidation(await app.call('POST', path, { token, body: { name: 'web', events: [], config: { url: target() } } }), ['Events must not be empty']);
    assertValidation(await app.call('POST', path, { token, body: { name: 'web', config: { url: 'ftp://example.com/x' } } }), [
      "The URL you've entered is not valid. Please make sure that you encode all special characters first",
    ]);
    assertValidation(await app.call('POST', path, { token, body: { name: 'web', config: { url: 'http://127.0.0.1/hook' } } }), [
      "url is not supported because it isn't reachable over the public Internet (127.0.0.1)",
    ]);
    assertError(await app.call('POST', path, { token, body: { name: 'web', config: { url: target(), content_type: 'xml' } } }), 422, 'Validation Failed');
    assert.deepEqual(await allHooks(app, token, path), []);
  });

  test('a duplicate is 422 "Hook already exists on this organization"; other events or secrets are fine', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const first = await createHook(app, token, path, { name: 'web', events: ['push', 'organization'], config: { url: target(), content_type: 'json' } });
    assertValidation(
      await app.call('POST', path, { token, body: { name: 'web', events: ['organization'], config: { url: target(), content_type: 'json' } } }),
      ['Hook already exists on this organization'],
    );
    assertValidation(
      await app.call('POST', path, { token, body: { name: 'web', events: ['*'], config: { url: target(), content_type: 'json' } } }),
      ['Hook already exists on this organization'],
    );
    const other = await createHook(app, token, path, { name: 'web', events: ['team'], config: { url: target(), content_type: 'json' } });
    const secret = await createHook(app, token, path, { name: 'web', events: ['push'], config: { url: target(), content_type: 'json', secret: 's' } });
    assert.deepEqual((await allHooks(app, token, path)).map((h) => h.id), [first.id, other.id, secret.id]);
    // Updating into a clash is refused as well, and changes nothing.
    assertValidation(await app.call('PATCH', `${path}/${other.id}`, { token, body: { events: ['push'] } }), ['Hook already exists on this organization']);
    assert.deepEqual((await app.call('GET', `${path}/${other.id}`, { token })).json().events, ['team']);
  });
  test('the per-event hook limit counts the organization\'s hooks, not its repositories\'', async (t) => {
    const { app, token, path } = await ownedOrg(t, { HOOKLINE_MAX_HOOKS_PER_EVENT: '2' });
    const repoToken = await app.user('alice', ['repo']);
    await app.repo(repoToken, 'app', ORG);
    for (const n of [1, 2]) await createHook(app, repoToken, `/repos/${ORG}/app/hooks`, { events: ['push'], config: { url: target(`r${n}`) } });
    await createHook(app, token, path, { name: 'web', events: ['push', 'team'], config: { url: target(1) } });
    await createHook(app, token, path, { name: 'web', events: ['push', 'team', 'member'], config: { url: target(2) } });
    assertValidation(
      await app.call('POST', path, { token, body: { name: 'web', events: ['team', 'push', 'member'], config: { url: target(3) } } }),
      ['The "push" event cannot have more than 2 hooks', 'The "team" event cannot have more than 2 hooks'],
    );
    assert.equal((await allHooks(app, token, path)).length, 2);
  });
});

describe('reading organization hooks (O1, O3, O6)', () => {
  test('list, get and get config return the same hook, valid against the spec', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    assert.deepEqual(await allHooks(app, token, path), []);
    const a = await createHook(app, token, path, { name: 'web', events: ['organization'], config: { url: target(1), secret: 's3cr3t' } });
    const b = await createHook(app, token, path, { name: 'web', events: ['team'], config: { url: target(2), content_type: 'json' } });
    const list = await app.call('GET', path, { token });
    assert.equal(list.statusCode, 200);
    validateResponse('orgs/list-webhooks', 200, list.json());
    assert.deepEqual(list.json(), [a, b]);
    const got = await app.call('GET', `${path}/${a.id}`, { token });
    assert.equal(got.statusCode, 200);
    validateResponse('orgs/get-webhook', 200, got.json());
    assert.deepEqual(got.json(), a);
    const config = await app.call('GET', `${path}/${a.id}/config`, { token });
    assert.equal(config.statusCode, 200);
    validateResponse('orgs/get-webhook-config-for-org', 200, config.json());
    assert.deepEqual(config.json(), { content_type: 'form', insecure_ssl: '0', secret: '********', url: target(1) });
  });

  test('pages with per_page and a Link header', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hooks = [];
    for (const n of [1, 2, 3]) hooks.push(await createHook(app, token, path, { name: 'web', config: { url: target(n) } }));
    const first = await app.call('GET', `${path}?per_page=2`, { token });
    assert.deepEqual(first.json().map((h: any) => h.id), [hooks[0].id, hooks[1].id]);
    assert.match(String(first.headers.link), /[?&]page=2[^>]*>; rel="next"/);
    const second = await app.call('GET', `${path}?per_page=2&page=2`, { token });
    assert.deepEqual(second.json().map((h: any) => h.id), [hooks[2].id]);
  });

  test('org names are case-insensitive, and every path also answers under /api/v3', async (t) => {
    const { app, token } = await ownedOrg(t);
    const hook = await createHook(app, token, '/api/v3/orgs/OCTO-ORG/hooks', { name: 'web', config: { url: target() } });
    assert.equal(hook.url, `${BASE}/${hook.id}`);
    for (const prefix of ['/orgs/octo-org', '/orgs/OCTO-org', '/api/v3/orgs/Octo-Org', '/api/v3/orgs/octo-ORG']) {
      assert.deepEqual((await app.call('GET', `${prefix}/hooks`, { token })).json(), [hook], prefix);
      assert.deepEqual((await app.call('GET', `${prefix}/hooks/${hook.id}`, { token })).json(), hook, prefix);
      assert.deepEqual((await app.call('GET', `${prefix}/hooks/${hook.id}/config`, { token })).json(), hook.config, prefix);
    }
    const patched = await app.call('PATCH', `/api/v3/orgs/octo-org/hooks/${hook.id}`, { token, body: { active: false } });
    assert.equal(patched.json().active, false);
    const config = await app.call('PATCH', `/api/v3/orgs/octo-org/hooks/${hook.id}/config`, { token, body: { content_type: 'json' } });
    assert.equal(config.json().content_type, 'json');
    assert.equal((await app.call('DELETE', `/api/v3/orgs/OCTO-ORG/hooks/${hook.id}`, { token })).statusCode, 204);
  });

  test('unknown ids, other organizations\' hooks and repository hooks are 404 under an org path', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    await app.call('POST', '/admin/organizations', { body: { login: 'other-org', admin: 'alice' } });
    const foreign = await createHook(app, token, '/orgs/other-org/hooks', { name: 'web', config: { url: target() } });
    const repoToken = await app.user('alice', ['repo']);
    await app.repo(repoToken, 'app', ORG);
    const repoHook = await createHook(app, repoToken, `/repos/${ORG}/app/hooks`, { config: { url: target() } });
    const mine = await createHook(app, token, path, { name: 'web', config: { url: target() } });
    for (const id of ['999', 'abc', String(foreign.id), String(repoHook.id)]) {
      assertError(await app.call('GET', `${path}/${id}`, { token }), 404, 'Not Found');
      assertError(await app.call('GET', `${path}/${id}/config`, { token }), 404, 'Not Found');
      assertError(await app.call('PATCH', `${path}/${id}`, { token, body: { active: false } }), 404, 'Not Found');
      assertError(await app.call('PATCH', `${path}/${id}/config`, { token, body: { url: target(9) } }), 404, 'Not Found');
      assertError(await app.call('DELETE', `${path}/${id}`, { token }), 404, 'Not Found');
    }
    // …and an org hook is not reachable through a repository path.
    assertError(await app.call('GET', `/repos/${ORG}/app/hooks/${mine.id}`, { token: repoToken }), 404, 'Not Found');
    assert.equal((await app.call('GET', `/orgs/other-org/hooks/${foreign.id}`, { token })).json().active, true);
    assert.equal((await app.call('GET', `/repos/${ORG}/app/hooks/${repoHook.id}`, { token: repoToken })).json().active, true);
  });
});

describe('PATCH /orgs/{org}/hooks/{id} (O4)', () => {
  test('events replace the list, active toggles, name "web" is accepted; config untouched when not sent', async (t) => {
    const { app, token, path, clock } = await ownedOrg(t);
    const hook = await createHook(app, token, path, { name: 'web', events: ['push'], config: { url: target(), secret: 'x' } });
    clock.advance(60_000);
    const res = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { name: 'web', events: ['organization', 'team'], active: false } });
    assert.equal(res.statusCode, 200, res.body);
    validateResponse('orgs/update-webhook', 200, res.json());
    assert.deepEqual(res.json(), { ...hook, events: ['organization', 'team'], active: false, updated_at: '2026-01-02T03:05:05Z' });
    assert.deepEqual((await app.call('GET', `${path}/${hook.id}`, { token })).json(), res.json());
    const empty = await app.call('PATCH', `${path}/${hook.id}`, { token });
    assert.equal(empty.statusCode, 200, empty.body);
    assert.deepEqual(empty.json().events, ['organization', 'team']);
  });

  test('add_events and remove_events are not part of the org PATCH: ignored, events unchanged', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, { name: 'web', events: ['push', 'team'], config: { url: target() } });
    const res = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { add_events: ['organization'], remove_events: ['push'] } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().events, ['push', 'team']);
    const bogus = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { add_events: ['bogus'], active: false } });
    assert.equal(bogus.statusCode, 200, bogus.body);
    assert.deepEqual(bogus.json().events, ['push', 'team']);
    assert.equal(bogus.json().active, false, 'the fields that are part of the body still apply');
    const replaced = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { events: ['member'], add_events: ['push'] } });
    assert.deepEqual(replaced.json().events, ['member']);
    assert.deepEqual((await app.call('GET', `${path}/${hook.id}`, { token })).json().events, ['member']);
  });

  test('a config replaces the whole config: it must carry url, and an omitted secret is removed', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, { name: 'web', config: { url: target(1), content_type: 'json', insecure_ssl: '1', secret: 'keep-me' } });
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { secret: 'new' } } }), 422, /^Invalid request\.\n\n"url" wasn't supplied\./);
    assert.deepEqual((await app.call('GET', `${path}/${hook.id}`, { token })).json(), hook, 'a refused PATCH changes nothing');
    const res = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { url: target(2) } } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().config, { content_type: 'form', insecure_ssl: '0', url: target(2) });
    const again = await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { url: target(2), secret: 'new', content_type: 'json' } } });
    assert.deepEqual(again.json().config, { content_type: 'json', insecure_ssl: '0', secret: '********', url: target(2) });
  });

  test('a name other than "web", unknown events, empty events and wrong types are 422 and change nothing', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, { name: 'web', events: ['team'], config: { url: target() } });
    const named = assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { name: 'email' } }), 422, 'Validation Failed');
    assert.deepEqual(named.errors, [{ resource: 'Hook', code: 'invalid', field: 'name' }]);
    assertValidation(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { events: ['bogus'] } }), ['"bogus" is not a valid event name']);
    assertValidation(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { events: [] } }), ['Events must not be empty']);
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { active: 'yes' } }), 422, /^Invalid request\./);
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { events: 'team' } }), 422, /^Invalid request\./);
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: '"x"' }), 400, 'Body should be a JSON object');
    assert.deepEqual((await app.call('GET', `${path}/${hook.id}`, { token })).json(), hook);
  });
});

describe('PATCH /orgs/{org}/hooks/{id}/config (O7)', () => {
  test('merges into the existing config and keeps the secret', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, { name: 'web', events: ['team'], config: { url: target(1), secret: 'abc', content_type: 'json' } });
    const res = await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { insecure_ssl: 1 } });
    assert.equal(res.statusCode, 200, res.body);
    validateResponse('orgs/update-webhook-config-for-org', 200, res.json());
    assert.deepEqual(res.json(), { content_type: 'json', insecure_ssl: '1', secret: '********', url: target(1) });
    const url = await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: target(9), content_type: 'form' } });
    assert.deepEqual(url.json(), { content_type: 'form', insecure_ssl: '1', secret: '********', url: target(9) });
    const full = (await app.call('GET', `${path}/${hook.id}`, { token })).json();
    assert.deepEqual(full.config, url.json());
    assert.deepEqual(full.events, ['team'], 'events untouched');
    const cleared = await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { secret: '' } });
    assert.equal('secret' in cleared.json(), false);
    const none = await app.call('PATCH', `${path}/${hook.id}/config`, { token });
    assert.equal(none.statusCode, 200, none.body);
    assert.deepEqual(none.json(), cleared.json());
  });

  test('bad values are 422 and change nothing', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, { name: 'web', config: { url: target() } });
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: 'not a url' } }), 422, 'Validation Failed');
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: 'http://10.0.0.1/' } }), 422, 'Validation Failed');
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { insecure_ssl: '2' } }), 422, 'Validation Failed');
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { secret: 42 } }), 422, /^Invalid request\./);
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { username: 42 } }), 422, /^Invalid request\./);
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { password: ['x'] } }), 422, /^Invalid request\./);
    assert.deepEqual((await app.call('GET', `${path}/${hook.id}`, { token })).json(), hook);
  });
});

describe('DELETE /orgs/{org}/hooks/{id} (O5), and no test endpoint', () => {
  test('204 with no body, then 404 everywhere', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const keep = await createHook(app, token, path, { name: 'web', events: ['team'], config: { url: target(1) } });
    const hook = await createHook(app, token, path, { name: 'web', config: { url: target(2) } });
    const res = await app.call('DELETE', `${path}/${hook.id}`, { token });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    for (const [method, url] of [['GET', ''], ['GET', '/config'], ['GET', '/deliveries'], ['POST', '/pings'], ['DELETE', '']]) {
      assertError(await app.call(method, `${path}/${hook.id}${url}`, { token }), 404, 'Not Found');
    }
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { active: false } }), 404, 'Not Found');
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: target(3) } }), 404, 'Not Found');
    assert.deepEqual(await allHooks(app, token, path), [keep]);
  });

  test('POST …/tests and …/test do not exist for organization hooks', async (t) => {
    const { app, token, path } = await ownedOrg(t);
    const hook = await createHook(app, token, path, { name: 'web', config: { url: target() } });
    for (const url of [`${path}/${hook.id}/tests`, `${path}/${hook.id}/test`, `/api/v3${path}/${hook.id}/tests`]) {
      assertError(await app.call('POST', url, { token }), 404, 'Not Found');
    }
  });
});
