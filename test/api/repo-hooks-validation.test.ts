// Repository webhook validation: GitHub's 400s and 422s, and that bad input changes nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allHooks, assertError, assertValidation, createHook, ownedRepo, target } from '../support/hooks.js';

const PUBLIC = "isn't reachable over the public Internet";

describe('request bodies', () => {
  test('malformed JSON is 400 Problems parsing JSON, whatever the Content-Type', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    const variants: Array<Record<string, string>> = [{}, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'text/plain' }];
    for (const headers of variants) {
      assertError(await app.call('POST', path, { token, body: '{"config": {', headers }), 400, 'Problems parsing JSON');
      assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: '{active: false}', headers }), 400, 'Problems parsing JSON');
      assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: "{'url': 1}", headers }), 400, 'Problems parsing JSON');
    }
    assert.deepEqual(await allHooks(app, token, path), before);
  });

  test('a JSON body sent as form-encoded (curl -d) is still parsed as JSON', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const res = await app.call('POST', path, {
      token, body: JSON.stringify({ config: { url: target() } }), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.statusCode, 201, res.body);
  });

  test('a JSON array, string or number is 400 Body should be a JSON object', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    for (const body of ['[]', '[{"config":{}}]', '"push"', '42', 'true']) {
      assertError(await app.call('POST', path, { token, body }), 400, 'Body should be a JSON object');
      assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body }), 400, 'Body should be a JSON object');
      assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body }), 400, 'Body should be a JSON object');
    }
    // The update body is required (requestBody.required: true).
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token }), 400, 'Body should be a JSON object');
    assert.deepEqual(await allHooks(app, token, path), before);
  });

  test('unknown keys on create and on PATCH /config are 422 Invalid request.', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    const one = assertError(
      await app.call('POST', path, { token, body: { config: { url: target(2) }, created_at: 'x' } }), 422, /^Invalid request\./,
    );
    assert.match(one.message, /"created_at" is not a permitted key\./);
    const two = assertError(
      await app.call('POST', path, { token, body: { config: { url: target(2) }, created_at: 'x', updated_at: 'y' } }), 422, /^Invalid request\./,
    );
    assert.match(two.message, /"created_at", "updated_at" are not permitted keys\./);
    const add = assertError(await app.call('POST', path, { token, body: { add_events: ['issues'], config: { url: target(2) } } }), 422, /^Invalid request\./);
    assert.match(add.message, /"add_events" is not a permitted key\./);
    const cfg = assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: target(2), digest: 'sha256' } }), 422, /^Invalid request\./);
    assert.match(cfg.message, /"digest" is not a permitted key\./);
    assert.deepEqual(await allHooks(app, token, path), before);
  });

  test('wrong types are 422 Invalid request. naming the property and the value', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    const events = assertError(await app.call('POST', path, { token, body: { events: 'push', config: { url: target(2) } } }), 422, /^Invalid request\./);
    assert.match(events.message, /For 'properties\/events', "push" is not an array\./);
    const nil = assertError(await app.call('POST', path, { token, body: { events: null, config: { url: target(2) } } }), 422, /^Invalid request\./);
    assert.match(nil.message, /For 'properties\/events', nil is not an array\./);
    const bad: unknown[] = [
      { active: 'yes', config: { url: target(2) } },
      { name: 7, config: { url: target(2) } },
      { config: 'https://example.com' },
      { config: { url: 5 } },
      { config: { url: target(2), insecure_ssl: true } },
      { config: { url: target(2), secret: 123 } },
      { events: [1, 2], config: { url: target(2) } },
    ];
    for (const body of bad) assertError(await app.call('POST', path, { token, body }), 422, /^Invalid request\./);
    for (const body of [{ active: 1 }, { add_events: 'push' }, { remove_events: [null] }, { config: { url: [] } }]) {
      assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body }), 422, /^Invalid request\./);
    }
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { content_type: 1 } }), 422, /^Invalid request\./);
    assert.deepEqual(await allHooks(app, token, path), before);
  });
});

describe('hook rules', () => {
  test('unknown event names are 422, one error each; "*" and GitHub repository events are accepted', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { events: ['*'], config: { url: target(0) } });
    const before = await allHooks(app, token, path);
    const errors = assertValidation(
      await app.call('POST', path, { token, body: { events: ['push', 'pushes', 'organization'], config: { url: target(1) } } }),
      ['"pushes" is not a valid event name', '"organization" is not a valid event name'],
    );
    for (const e of errors) assert.equal(e.field, 'events');
    assertValidation(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { events: ['nope'] } }), ['"nope" is not a valid event name']);
    assertValidation(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { add_events: ['team'] } }), ['"team" is not a valid event name']);
    assert.deepEqual(await allHooks(app, token, path), before);
    const ok = await createHook(app, token, path, {
      events: ['workflow_run', 'pull_request_review_thread', 'check_suite', 'meta'], config: { url: target(2) },
    });
    assert.deepEqual(ok.events, ['check_suite', 'meta', 'pull_request_review_thread', 'workflow_run']);
  });

  test('an empty event list is 422', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { events: ['push'], config: { url: target() } });
    const before = await allHooks(app, token, path);
    assertError(await app.call('POST', path, { token, body: { events: [], config: { url: target(2) } } }), 422, 'Validation Failed');
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { remove_events: ['push'] } }), 422, 'Validation Failed');
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { events: [] } }), 422, 'Validation Failed');
    assert.deepEqual(await allHooks(app, token, path), before);
  });

  test('name other than web is 422 {resource Hook, field name, code invalid}', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const body = assertError(await app.call('POST', path, { token, body: { name: 'travis', config: { url: target() } } }), 422, 'Validation Failed');
    assert.deepEqual(body.errors, [{ resource: 'Hook', code: 'invalid', field: 'name' }]);
    assert.deepEqual(await allHooks(app, token, path), []);
  });

  test('bad content_type or insecure_ssl is 422', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    assertError(await app.call('POST', path, { token, body: { config: { url: target(2), content_type: 'xml' } } }), 422, 'Validation Failed');
    assertError(await app.call('POST', path, { token, body: { config: { url: target(2), insecure_ssl: 2 } } }), 422, 'Validation Failed');
    assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { insecure_ssl: 'yes' } }), 422, 'Validation Failed');
    assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { url: target(), content_type: 'yaml' } } }), 422, 'Validation Failed');
    assert.deepEqual(await allHooks(app, token, path), before);
  });

  test('same config with overlapping events is 422 Hook already exists; disjoint events are allowed', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const config = { url: target(), content_type: 'json', secret: 's' };
    await createHook(app, token, path, { events: ['push', 'issues'], config });
    const before = await allHooks(app, token, path);
    for (const events of [['push'], ['issues', 'create'], ['*']]) {
      assertValidation(await app.call('POST', path, { token, body: { events, config } }), ['Hook already exists on this repository']);
    }
    assert.deepEqual(await allHooks(app, token, path), before);
    const other = await createHook(app, token, path, { events: ['create'], config });
    // A different secret, content type or URL makes it a different config.
    await createHook(app, token, path, { events: ['push'], config: { ...config, secret: 't' } });
    await createHook(app, token, path, { events: ['push'], config: { ...config, content_type: 'form' } });
    await createHook(app, token, path, { events: ['push'], config: { ...config, url: target(2) } });
    // Updates that would make a duplicate are refused too.
    const mid = await allHooks(app, token, path);
    assertValidation(await app.call('PATCH', `${path}/${other.id}`, { token, body: { add_events: ['push'] } }), ['Hook already exists on this repository']);
    assert.deepEqual(await allHooks(app, token, path), mid);
  });

  test('more than 20 hooks for one event is 422, one error per full event', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    for (let i = 0; i < 20; i++) await createHook(app, token, path, { events: ['push', 'pull_request'], config: { url: target(i) } });
    const before = await allHooks(app, token, path);
    assert.equal(before.length, 20);
    assertValidation(
      await app.call('POST', path, { token, body: { events: ['push', 'pull_request', 'issues'], config: { url: target(100) } } }),
      ['The "push" event cannot have more than 20 hooks', 'The "pull_request" event cannot have more than 20 hooks'],
    );
    assertValidation(await app.call('POST', path, { token, body: { config: { url: target(100) } } }), ['The "push" event cannot have more than 20 hooks']);
    const other = await createHook(app, token, path, { events: ['issues'], config: { url: target(100) } });
    const mid = await allHooks(app, token, path);
    assertValidation(
      await app.call('PATCH', `${path}/${other.id}`, { token, body: { add_events: ['push'] } }), ['The "push" event cannot have more than 20 hooks'],
    );
    assert.deepEqual(await allHooks(app, token, path), mid);
    // A hook already counted may keep its events when updated.
    const res = await app.call('PATCH', `${path}/${before[0].id}`, { token, body: { active: false } });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('a url that is not absolute http(s) is 422', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    for (const url of ['example.com/hook', '/hook', 'ftp://example.com/hook', 'javascript:alert(1)', 'file:///etc/passwd', 'http://', 'https://exa mple.com/']) {
      const errors = assertValidation(await app.call('POST', path, { token, body: { config: { url } } }), [
        "The URL you've entered is not valid. Please make sure that you encode all special characters first",
      ]);
      assert.equal(errors[0].field, 'url');
      assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url } }), 422, 'Validation Failed');
      assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { url } } }), 422, 'Validation Failed');
    }
    assertValidation(await app.call('POST', path, { token, body: { config: {} } }), ['Config must contain URL for webhooks']);
    assertValidation(await app.call('POST', path, { token, body: { config: { url: '' } } }), ['Config must contain URL for webhooks']);
    assert.deepEqual(await allHooks(app, token, path), before);
  });

  test("loopback, private and link-local urls are 422 isn't reachable over the public Internet", async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    const refused: Array<[string, string]> = [
      ['http://localhost:8080/hook', 'localhost'], ['http://127.0.0.1/hook', '127.0.0.1'], ['http://127.1.2.3/', '127.1.2.3'],
      ['http://[::1]/hook', '::1'], ['http://10.0.0.5/', '10.0.0.5'], ['http://192.168.1.1/', '192.168.1.1'],
      ['http://172.16.0.1/', '172.16.0.1'], ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
      ['http://[fe80::1]/', 'fe80::1'], ['http://[fd12::1]/', 'fd12::1'], ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
      ['http://2130706433/', '127.0.0.1'], ['http://0.0.0.0/', '0.0.0.0'], ['http://app.localhost/', 'app.localhost'],
    ];
    for (const [url, host] of refused) {
      const [error] = assertValidation(await app.call('POST', path, { token, body: { config: { url } } }), [
        `url is not supported because it isn't reachable over the public Internet (${host})`,
      ]);
      assert.deepEqual(error, { resource: 'Hook', code: 'custom', field: 'url', message: error.message }, url);
      assertError(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url } }), 422, 'Validation Failed');
      assertError(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { url } } }), 422, 'Validation Failed');
    }
    assert.deepEqual(await allHooks(app, token, path), before);
  });

  test('HOOKLINE_ALLOWED_HOSTS can admit private targets', async (t) => {
    const { app, token, path } = await ownedRepo(t, { HOOKLINE_ALLOWED_HOSTS: 'external,loopback,10.0.0.0/8,hooks.internal' });
    for (const url of ['http://127.0.0.1:9000/', 'http://localhost/', 'http://10.1.2.3/', 'http://hooks.internal/x', 'https://example.com/']) {
      await createHook(app, token, path, { events: ['issues'], config: { url } });
    }
    const res = await app.call('POST', path, { token, body: { config: { url: 'http://192.168.0.1/' } } });
    assert.match(res.json().errors[0].message, new RegExp(PUBLIC));
  });
});
