// GHES user administration (issue 21 item 5): suspend and unsuspend, delete a user, delete the
// impersonation token, and refuse made-up scopes. Tokens stop working at once, also in another process
// on the same database whose account cache saw the user before.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { testApp, type TestApp } from '../support/app.js';
import { ENGINE, postgresSchema } from '../support/database.js';
import { appFor, assertError, createHook, ownedRepo, target } from '../support/hooks.js';
import { appJwt, install, registerApp } from '../support/apps.js';

const SUSPENDED = 'Sorry. Your account was suspended.';

/** Two apps (two processes' worth of state) on one database, closed after the test. */
async function twoApps(t: TestContext): Promise<[TestApp, TestApp]> {
  let url: string;
  let drop: () => Promise<void> = async () => undefined;
  if (ENGINE === 'postgres') {
    const schema = postgresSchema();
    url = schema.url;
    drop = schema.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-admin-'));
    url = `sqlite:${join(dir, 'hookline.db')}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  // Processes sharing a database share its key (a process with another key refuses to start).
  const key = { HOOKLINE_SECRET_KEY: randomBytes(32).toString('hex') };
  const a = await testApp(key, { databaseUrl: url });
  const b = await testApp(key, { databaseUrl: url });
  t.after(async () => {
    await a.close();
    await b.close();
    await drop();
  });
  return [a, b];
}

test('PUT /users/{u}/suspended: the user\'s tokens get 403 at once; DELETE lifts it', async (t) => {
  const { app, token, path } = await ownedRepo(t);
  const bob = await app.user('bob', ['repo']);
  assert.equal((await app.call('GET', path, { token })).statusCode, 200);

  assertError(await app.call('PUT', '/users/alice/suspended', { token: bob }), 404, 'Not Found');
  const suspended = await app.call('PUT', '/users/alice/suspended', { headers: { 'content-length': '0' } });
  assert.equal(suspended.statusCode, 204, suspended.body);
  assertError(await app.call('GET', path, { token }), 403, SUSPENDED);
  assertError(await app.call('POST', '/user/repos', { token, body: { name: 'more' } }), 403, SUSPENDED);
  // Suspending again is still 204; a reason is accepted.
  assert.equal((await app.call('PUT', '/users/alice/suspended', { body: { reason: 'abuse' } })).statusCode, 204);

  assert.equal((await app.call('DELETE', '/users/alice/suspended')).statusCode, 204);
  assert.equal((await app.call('GET', path, { token })).statusCode, 200);

  assertError(await app.call('PUT', '/users/ghost/suspended'), 404, 'Not Found');
  await app.call('POST', '/admin/organizations', { body: { login: 'acme', admin: 'bob' } });
  assertError(await app.call('PUT', '/users/acme/suspended'), 404, 'Not Found');
  assertError(await app.call('PUT', '/users/hookline-admin/suspended'), 403, /site administrator/i);
  assertError(await app.call('PUT', '/users/alice/suspended', { body: { reason: 7 } }), 422, /^Invalid request\./);
});

test('POST /admin/users with suspended: true creates a suspended user', async (t) => {
  const { app } = await appFor(t);
  assert.equal((await app.call('POST', '/admin/users', { body: { login: 'carol', suspended: true } })).statusCode, 201);
  const res = await app.call('POST', '/admin/users/carol/authorizations', { body: { scopes: ['repo'] } });
  assertError(await app.call('POST', '/user/repos', { token: res.json().token, body: { name: 'x' } }), 403, SUSPENDED);
});

test('DELETE /admin/users/{u}: repositories and hooks go, tokens get 401, the login can be used again', async (t) => {
  const { app, token, path } = await ownedRepo(t);
  await createHook(app, token, path, { config: { url: target() } });
  const bob = await app.user('bob', ['repo']);
  assertError(await app.call('DELETE', '/admin/users/alice', { token: bob }), 404, 'Not Found');

  assert.equal((await app.call('DELETE', '/admin/users/alice')).statusCode, 204);
  assertError(await app.call('GET', path, { token }), 401, 'Bad credentials');
  assertError(await app.call('GET', path), 404, 'Not Found');
  const ingest = await app.call('POST', '/hookline/events', { body: { event: 'push', repository: 'alice/Hello', payload: {} } });
  assertError(ingest, 422, 'Validation Failed');
  assertError(await app.call('DELETE', '/admin/users/alice'), 404, 'Not Found');
  assertError(await app.call('DELETE', '/admin/users/hookline-admin'), 403, /site administrator/i);

  // A new alice starts empty.
  const again = await app.user('alice', ['repo']);
  await app.repo(again, 'Hello');
  assert.deepEqual((await app.call('GET', path, { token: again })).json(), []);
});

test('DELETE /admin/users/{u}/authorizations: the impersonation token gets 401; a new one works', async (t) => {
  const { app, token, path } = await ownedRepo(t);
  assert.equal((await app.call('DELETE', '/admin/users/alice/authorizations')).statusCode, 204);
  assertError(await app.call('GET', path, { token }), 401, 'Bad credentials');
  const fresh = await app.call('POST', '/admin/users/alice/authorizations', { body: { scopes: ['repo'] } });
  assert.equal((await app.call('GET', path, { token: fresh.json().token })).statusCode, 200);
  assertError(await app.call('DELETE', '/admin/users/ghost/authorizations'), 404, 'Not Found');
});

test('made-up scopes are 422; the documented ones (and admin:hookline) are accepted', async (t) => {
  const { app } = await ownedRepo(t);
  const res = await app.call('POST', '/admin/users/alice/authorizations', { body: { scopes: ['repo', 'superpowers', 'admin:everything'] } });
  const body = assertError(res, 422, 'Validation Failed');
  assert.deepEqual(body.errors.map((e: any) => [e.field, e.code]), [['scopes', 'invalid'], ['scopes', 'invalid']]);
  const ok = await app.call('POST', '/admin/users/alice/authorizations', {
    body: { scopes: ['repo', 'admin:org', 'admin:repo_hook', 'admin:org_hook', 'admin:hookline', 'user', 'workflow', 'read:org'] },
  });
  assert.equal(ok.statusCode, 201, ok.body);
});

test('another process on the same database sees deletions and suspensions at once (account cache)', async (t) => {
  const [a, b] = await twoApps(t);
  const token = await a.user('alice', ['repo']);
  await a.repo(token, 'Hello');
  // b looks alice and alice/Hello up (and keeps them).
  assert.equal((await b.call('GET', '/repos/alice/Hello/hooks', { token })).statusCode, 200);
  assert.equal((await b.call('POST', '/hookline/events', { body: { event: 'push', repository: 'alice/Hello', payload: {} } })).statusCode, 202);

  assert.equal((await a.call('PUT', '/users/alice/suspended')).statusCode, 204);
  assertError(await b.call('GET', '/repos/alice/Hello/hooks', { token }), 403, SUSPENDED);

  assert.equal((await a.call('DELETE', '/admin/users/alice')).statusCode, 204);
  assertError(await b.call('GET', '/repos/alice/Hello/hooks'), 404, 'Not Found');
  assertError(await b.call('POST', '/hookline/events', { body: { event: 'push', repository: 'alice/Hello', payload: {} } }), 422, 'Validation Failed');

  // A new alice/Hello, made through a: b resolves the new repository, not the one it saw before.
  const again = await a.user('alice', ['repo']);
  await a.repo(again, 'Hello');
  const hook = await createHook(a, again, '/repos/alice/Hello/hooks', { config: { url: target() } });
  const listed = await b.call('GET', '/repos/alice/Hello/hooks', { token: again });
  assert.deepEqual(listed.json().map((h: any) => h.id), [hook.id]);
});

test('DELETE /admin/users/{u}: an App installed on the user goes with them, and the App lives on', async (t) => {
  const { app, clock } = await appFor(t, { HOOKLINE_ALLOWED_HOSTS: 'loopback' });
  const token = await app.user('alice', ['repo']);
  await app.repo(token, 'one');
  const registered = await registerApp(app, 'http://127.0.0.1:9/hook');
  await install(app, registered.slug, { account: 'alice', repository_selection: 'selected', repositories: ['alice/one'] });
  const asApp = async (url: string) =>
    app.call('GET', url, { token: null, headers: { authorization: `Bearer ${await appJwt(registered.pem, registered.id, clock.now())}` } });
  assert.equal((await asApp('/app/installations')).json().length, 1);

  assert.equal((await app.call('DELETE', '/admin/users/alice')).statusCode, 204);
  assert.deepEqual((await asApp('/app/installations')).json(), []);
  assert.equal((await asApp('/app')).statusCode, 200);
});

test('another process on the same database sends events to an App installed, suspended or uninstalled after it last looked', async (t) => {
  const [a, b] = await twoApps(t);
  const token = await a.user('alice', ['repo']);
  await a.repo(token, 'Hello');
  const issue = { event: 'issues', action: 'opened', repository: 'alice/Hello', payload: {} };
  const deliveriesVia = async (app: TestApp) => {
    const res = await app.call('POST', '/hookline/events', { body: issue });
    assert.equal(res.statusCode, 202, res.body);
    return res.json().deliveries as number;
  };
  // b looks up the Apps installed on alice/Hello (none) and keeps what it found.
  assert.equal(await deliveriesVia(b), 0);

  const registered = await registerApp(a, 'https://receiver.example/hook');
  const installation = await install(a, registered.slug, { account: 'alice' });
  assert.equal(await deliveriesVia(b), 1, 'the installation made through a');
  const asApp = async (app: TestApp, method: string, url: string) =>
    app.call(method, url, { token: null, headers: { authorization: `Bearer ${await appJwt(registered.pem, registered.id, new Date())}` } });
  assert.equal((await asApp(a, 'PUT', `/app/installations/${installation.id}/suspended`)).statusCode, 204);
  assert.equal(await deliveriesVia(b), 0, 'suspended through a');
  assert.equal((await asApp(a, 'DELETE', `/app/installations/${installation.id}/suspended`)).statusCode, 204);
  assert.equal(await deliveriesVia(b), 1, 'unsuspended through a');
  assert.equal((await asApp(b, 'GET', '/repos/alice/Hello/installation')).statusCode, 200);
  assert.equal((await asApp(a, 'DELETE', `/app/installations/${installation.id}`)).statusCode, 204);
  // The App itself, asking b first: b does not answer from what it saw before.
  assert.equal((await asApp(b, 'GET', '/repos/alice/Hello/installation')).statusCode, 404, 'uninstalled through a');
  assert.equal(await deliveriesVia(b), 0, 'uninstalled through a');
});
