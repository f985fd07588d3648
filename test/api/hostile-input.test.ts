// Hostile input (issue 21): stored strings are capped and free of NUL characters, path segments with
// NUL are 404, deeply nested bodies are refused, and wildcard hooks count toward every event's limit.
// The same answers on both engines (PostgreSQL refuses NUL in text; SQLite would store it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allHooks, assertError, assertValidation, createHook, ownedRepo, target } from '../support/hooks.js';

const KiB = 1024;

/** The 422 errors' fields and messages, for fields named in errors[]. */
function fieldErrors(res: { statusCode: number; json: () => any; body: string }): Array<{ field: string; message: string }> {
  const body = assertError(res, 422, 'Validation Failed');
  return body.errors.map((e: any) => ({ field: e.field, message: e.message }));
}

describe('stored strings are capped (issue 21 item 2)', () => {
  test('a hook URL over 8 KiB and a secret over 4 KiB are 422 on create, PATCH and PATCH /config; nothing changes', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    const longUrl = `${target()}?q=${'a'.repeat(8 * KiB)}`;
    const longSecret = 's'.repeat(4 * KiB + 1);
    const urlError = 'url is too long (maximum is 8192 characters)';
    const secretError = 'secret is too long (maximum is 4096 characters)';
    assertValidation(await app.call('POST', path, { token, body: { config: { url: longUrl } } }), [urlError]);
    assertValidation(await app.call('POST', path, { token, body: { config: { url: target(2), secret: longSecret } } }), [secretError]);
    assertValidation(await app.call('PATCH', `${path}/${hook.id}`, { token, body: { config: { url: longUrl, secret: longSecret } } }), [urlError, secretError]);
    assertValidation(await app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: longUrl } }), [urlError]);
    assert.deepEqual(await allHooks(app, token, path), before);
    // At the limit is fine.
    const atLimit = `${target(3)}?q=`.padEnd(8 * KiB, 'a');
    await createHook(app, token, path, { config: { url: atLimit, secret: 's'.repeat(4 * KiB) } });
  });

  test('account, repository and event strings over their caps are 422 naming the field', async (t) => {
    const { app, token } = await ownedRepo(t);
    const long = 'x'.repeat(1000);
    assert.deepEqual(fieldErrors(await app.call('POST', '/admin/users', { body: { login: 'bob', email: `${long}@example.com` } })), [
      { field: 'email', message: 'email is too long (maximum is 255 characters)' },
    ]);
    assert.deepEqual(fieldErrors(await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice', profile_name: long } })), [
      { field: 'profile_name', message: 'profile_name is too long (maximum is 255 characters)' },
    ]);
    assert.deepEqual(fieldErrors(await app.call('POST', '/user/repos', { token, body: { name: 'r2', description: long } })), [
      { field: 'description', message: 'description is too long (maximum is 350 characters)' },
    ]);
    const ingest = await app.call('POST', '/hookline/events', {
      body: { event: 'issues', action: long, repository: `alice/${long}`, sender: long, payload: {} },
    });
    assert.deepEqual(fieldErrors(ingest).map((e) => e.field).sort(), ['action', 'repository', 'sender']);
    assert.ok(ingest.body.length < 2000, 'the error does not echo the long values back');
    // Nothing was created.
    assertError(await app.call('POST', '/admin/users/bob/authorizations', { body: { scopes: ['repo'] } }), 404, 'Not Found');
    assert.equal((await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice' } })).statusCode, 201);
    assert.equal((await app.call('POST', '/user/repos', { token, body: { name: 'r2' } })).statusCode, 201);
  });
});

describe('NUL characters (issue 21 item 7)', () => {
  test('NUL in any stored text field is 422 naming the field, on both engines', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    const before = await allHooks(app, token, path);
    const nul = 'a\u0000b';
    const fields = async (res: Promise<any>) => fieldErrors(await res).map((e) => e.field);
    assert.deepEqual(await fields(app.call('POST', '/admin/users', { body: { login: 'bob', email: `b${nul}@example.com` } })), ['email']);
    assert.deepEqual(await fields(app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'alice', profile_name: nul } })), ['profile_name']);
    assert.deepEqual(await fields(app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: nul } })), ['admin']);
    assert.deepEqual(await fields(app.call('POST', '/user/repos', { token, body: { name: 'r2', description: nul } })), ['description']);
    assert.deepEqual(await fields(app.call('POST', path, { token, body: { config: { url: `${target(2)}${nul}` } } })), ['url']);
    assert.deepEqual(await fields(app.call('POST', path, { token, body: { config: { url: target(2), secret: nul } } })), ['secret']);
    assert.deepEqual(await fields(app.call('PATCH', `${path}/${hook.id}/config`, { token, body: { url: `${target(2)}/${nul}` } })), ['url']);
    for (const field of ['action', 'sender', 'repository', 'organization']) {
      const body: Record<string, unknown> = { event: 'issues', repository: 'alice/Hello', payload: {}, [field]: nul };
      assert.deepEqual(await fields(app.call('POST', '/hookline/events', { body })), [field], field);
    }
    assert.deepEqual(await allHooks(app, token, path), before);
    // A NUL inside the payload is data (stored escaped as JSON), not a stored text field.
    assert.equal((await app.call('POST', '/hookline/events', { body: { event: 'issues', repository: 'alice/Hello', payload: { x: nul } } })).statusCode, 202);
  });

  test('NUL in a path segment is 404', async (t) => {
    const { app, token, path } = await ownedRepo(t);
    const hook = await createHook(app, token, path, { config: { url: target() } });
    for (const url of ['/repos/%00/r1/hooks', '/repos/alice/Hel%00lo/hooks', '/orgs/%00/hooks', `/api/v3/repos/alice%00/Hello/hooks/${hook.id}`]) {
      assertError(await app.call('GET', url, { token }), 404, 'Not Found');
    }
    assertError(await app.call('PUT', '/repos/alice/Hello/collaborators/b%00b', { token, body: {} }), 404, 'Not Found');
    assertError(await app.call('POST', '/admin/users/b%00b/authorizations', { body: { scopes: ['repo'] } }), 404, 'Not Found');
  });
});

describe('deeply nested bodies (issue 21 item 6)', () => {
  test('an ingest payload nested 5 000 deep is 400 with a clear message, not 500', async (t) => {
    const { app } = await ownedRepo(t);
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const res = await app.call('POST', '/hookline/events', { body: `{"event":"issues","repository":"alice/Hello","payload":${deep}}` });
    assertError(res, 400, 'Problems parsing JSON: nested deeper than 64 levels');
    const arrays = `{"config":{"url":"${target()}"},"events":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    assertError(await app.call('POST', '/repos/alice/Hello/hooks', { body: arrays }), 400, 'Problems parsing JSON: nested deeper than 64 levels');
    // Brackets inside strings do not count; 60 levels are fine.
    const fine = `${'{"a":'.repeat(60)}"[[[[{{{{\\"[["${'}'.repeat(60)}`;
    assert.equal((await app.call('POST', '/hookline/events', { body: `{"event":"issues","repository":"alice/Hello","payload":${fine}}` })).statusCode, 202);
  });
});

describe('wildcard hooks and the per-event limit (issue 21 item 8)', () => {
  test('"*" hooks count toward every event, and a "*" hook needs room in every event', async (t) => {
    const { app, token, path } = await ownedRepo(t, { HOOKLINE_MAX_HOOKS_PER_EVENT: '3' });
    await createHook(app, token, path, { events: ['push'], config: { url: target(1) } });
    await createHook(app, token, path, { events: ['*'], config: { url: target(2) } });
    await createHook(app, token, path, { events: ['*'], config: { url: target(3) } });
    const before = await allHooks(app, token, path);
    // push has 1 + 2 wildcard = 3 subscribers already.
    assertValidation(await app.call('POST', path, { token, body: { events: ['push'], config: { url: target(4) } } }), [
      'The "push" event cannot have more than 3 hooks',
    ]);
    // A new "*" hook would be a fourth push subscriber.
    assertValidation(await app.call('POST', path, { token, body: { events: ['*'], config: { url: target(4) } } }), [
      'The "push" event cannot have more than 3 hooks',
    ]);
    assert.deepEqual(await allHooks(app, token, path), before);
    // issues has only the two wildcard subscribers: one more fits, then it is full too.
    const issues = await createHook(app, token, path, { events: ['issues'], config: { url: target(5) } });
    assertValidation(await app.call('POST', path, { token, body: { events: ['issues'], config: { url: target(6) } } }), [
      'The "issues" event cannot have more than 3 hooks',
    ]);
    // Widening a hook to "*" is checked as well.
    assertValidation(await app.call('PATCH', `${path}/${issues.id}`, { token, body: { events: ['*'] } }), ['The "push" event cannot have more than 3 hooks']);
    // With three "*" hooks, "*" itself is full.
    const { app: other, token: t2, path: p2 } = await ownedRepo(t, { HOOKLINE_MAX_HOOKS_PER_EVENT: '3' });
    for (const n of [1, 2, 3]) await createHook(other, t2, p2, { events: ['*'], config: { url: target(n) } });
    assertValidation(await other.call('POST', p2, { token: t2, body: { events: ['*'], config: { url: target(4) } } }), [
      'The "*" event cannot have more than 3 hooks',
    ]);
  });
});
